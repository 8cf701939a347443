"""Step 6, one record per occurrence: the same event told twice in an article (the headline and
the lead, a later paragraph) is one record with every evidence span."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from ...gazetteer import distance_km
from ...records import HAPPENED, Event
from ..times import days_of
from .candidates import PRECISION_ORDER


def merge(events: list[Event], published: datetime | None = None) -> tuple[Event, ...]:
    """The same event told twice in one article is one: same subtype (any two explosions, any
    two protests), the same place (the same gazetteer entry, or one telling placed only in the
    country or oblast that holds the other's place: a headline's "strikes across Ukraine" and
    the lead's strike on Kyiv; or two towns within 20 km told of the same stated day by two tellings, not one list), no two
    different dates, the same side acting (or one side
    unnamed or only inferred), both said to have happened or both not, both current or both
    background. The first telling stays, at the finer place; a later one adds its evidence and
    what the first left unknown (date, casualties, weapons, actors); a protest told as peaceful
    and as broken up is a protest with intervention. An article stamped in the small hours
    (`published` before 06:00 UTC) reports the day before: its undated telling is the same
    event as one the text dates to that day ("Russia hit Kyiv with missile strikes" and
    "Thursday's missile strikes" in a story stamped at midnight on Friday)."""
    early = published is not None and published.hour < _SMALL_HOURS
    merged: list[Event] = []
    for e in events:
        k = next((i for i, m in enumerate(merged) if same_incident(m, e, early)), None)
        if k is None:
            merged.append(e)
            continue
        first = merged[k]
        merged[k] = replace(
            first,
            subtype=_stronger_protest(first.subtype, e.subtype) if first.type == "Protests" else first.subtype,
            evidence=first.evidence + tuple(s for s in e.evidence if s not in first.evidence),
            time=first.time if first.time is not None and first.time.basis != "published" or e.time is None else e.time,
            fatalities=first.fatalities if first.fatalities is not None else e.fatalities,
            injured=first.injured if first.injured is not None else e.injured,
            weapons=first.weapons + tuple(w for w in e.weapons if w not in first.weapons),
            actors=first.actors or e.actors,
            targets=first.targets or e.targets,
            place=e.place if _RANK.get(e.place.precision or "", 9) < _RANK.get(first.place.precision or "", 9) else first.place,
        )
    return tuple(merged)


_CITY_KM = 15  # a district this close to a city of its division is one of the city's
_PROTEST_RANK = {s: k for k, s in enumerate(("Peaceful protest", "Protest with intervention",
                                             "Excessive force against protesters"))}


def _stronger_protest(a: str | None, b: str | None) -> str | None:
    """A protest told as peaceful and as broken up is a protest with intervention."""
    return max((a, b), key=lambda s: _PROTEST_RANK.get(s or "", -1))


_RANK = PRECISION_ORDER  # finer first


def _holds(big, small) -> bool:
    """Is `small` inside `big`, when `big` is a country, a first-level division, a region named
    in that division's name ("Crimea" holds what lies in the Autonomous Republic of Crimea), or
    a city and `small` one of its districts?"""
    if not big.country or big.country != small.country or _RANK.get(big.precision or "", 9) <= _RANK.get(small.precision or "", 9):
        return False
    if big.precision == "country":
        return True
    if big.precision == "region":
        return bool(big.name and small.admin1) and big.name.lower() in small.admin1.lower()
    if big.precision == "city" and small.precision == "district":
        # "a district of the capital" and "Kyiv": the city holds its districts
        return big.admin1 == small.admin1 and None not in (big.lat, big.lon, small.lat, small.lon) \
            and distance_km(big.lat, big.lon, small.lat, small.lon) <= _CITY_KM
    return big.precision == "admin1" and bool(big.admin1) and big.admin1 == small.admin1


_NEAR_KM = 20  # blasts at a depot and "the latest blasts in" the town next to it, told of the same day
_POINTS = frozenset({"city", "district"})


def _near(a, b) -> bool:
    """Two towns this close, named for one subtype on one stated day, are one incident's."""
    if a is None or b is None or a.precision not in _POINTS or b.precision not in _POINTS:
        return False
    if None in (a.lat, a.lon, b.lat, b.lon):
        return False
    return distance_km(a.lat, a.lon, b.lat, b.lon) <= _NEAR_KM


def same_place(a, b) -> bool:
    if a is None or b is None or not a.gazetteer_id or not b.gazetteer_id:
        return False
    return a.gazetteer_id == b.gazetteer_id or _holds(a, b) or _holds(b, a)


def same_incident(a: Event, b: Event, early: bool = False) -> bool:
    explosions = a.type == b.type == "Explosions/Remote violence"
    protests = a.type == b.type == "Protests"  # "took to the streets" and "police dispersed them": one protest
    if a.subtype != b.subtype and not (explosions or protests):
        return False
    if a.background != b.background:
        return False
    stated_a = a.time is not None and a.time.basis != "published"
    stated_b = b.time is not None and b.time.basis != "published"
    if not same_place(a.place, b.place) and not (
            stated_a and stated_b and a.time.value == b.time.value and a.trigger != b.trigger and _near(a.place, b.place)):
        return False
    if stated_a and stated_b and a.time.value != b.time.value:
        return False
    if stated_a != stated_b and a.time is not None and b.time is not None and not _overlap(a.time.value, b.time.value) \
            and not (early and _day_before(*((a, b) if stated_a else (b, a)))):
        return False  # "on Saturday" is not the report's day: another strike
    if (a.certainty in HAPPENED) != (b.certainty in HAPPENED):
        return False
    if a.certainty not in HAPPENED and a.certainty != b.certainty:
        return False
    if a.type == "Battles" and b.type == "Battles":
        return True  # a battle has two sides: "stormed the town" and "repelled the assault" are one
    sides_a = {x.actor for x in a.actors if not x.inferred}  # a guessed side does not split one occurrence
    sides_b = {x.actor for x in b.actors if not x.inferred}
    return not (sides_a and sides_b and sides_a != sides_b)


_SMALL_HOURS = 6


def _day_before(stated: Event, reported: Event) -> bool:
    """Is the stated day the one before the day an undated telling took from the article?"""
    s, r = days_of(stated.time.value), days_of(reported.time.value)
    return s is not None and r is not None and s[0] == s[1] and r[0] == r[1] and (r[0] - s[1]).days == 1


def _overlap(x: str | None, y: str | None) -> bool:
    """Do two ISO time values share a day? Unknown values are no conflict."""
    a, b = days_of(x), days_of(y)
    if a is None or b is None:
        return True
    return a[0] <= b[1] and b[0] <= a[1]
