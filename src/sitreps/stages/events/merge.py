"""Step 6, one record per occurrence: the same event told twice in an article (the headline and
the lead, a later paragraph) is one record with every evidence span."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from ...gazetteer import distance_km
from ...records import HAPPENED, Document, Event
from .._tokens import index
from ..times import days_of
from .candidates import PRECISION_ORDER


def merge(events: list[Event], published: datetime | None = None, told: Mapping[str, str] | None = None) -> tuple[Event, ...]:
    """The same event told twice in one article is one: same subtype (any two explosions, any
    two protests), the same place (the same gazetteer entry, or one telling placed only in the
    country or oblast that holds the other's place: a headline's "strikes across Ukraine" and
    the lead's strike on Kyiv; or two towns within 20 km told of the same stated day by two tellings, not one list), no two
    different dates, the same side acting (or one side
    unnamed or only inferred), both said to have happened or both not, both current or both
    background. The first telling stays, at the finer place; a later one adds its evidence and
    what the first left unknown (date, casualties, weapons, actors); a protest told as peaceful
    and as broken up is a protest with intervention, and told as a riot too a violent
    demonstration, its rioters the first actor; told as fired on, excessive force, the force
    first. A battle told only through the day's dead ("two soldiers killed today") and a
    shelling the text dates to the same day are one event, the shelling. An article stamped in
    the small hours (`published` before 06:00 UTC) reports the day before: its undated telling is the same
    event as one the text dates to that day ("Russia hit Kyiv with missile strikes" and
    "Thursday's missile strikes" in a story stamped at midnight on Friday).

    A long article tells its incident again further down, often with no day: a later telling
    named as one already told (`told`, from `tellings`: "the attack", "the Riverside attacks") that
    gives no day of its own (the report's at most, or a span that holds the first's day: "the
    attack was the third this week"; "the attack" names any violence) and no other place is the
    first telling of its type, whatever day that one was told of; and a current telling with no date at all
    beside one of its subtype the text dates, at the same place or with no place, is the dated
    one. Both take the first's date and place. A telling named by a town of its own ("the San
    Bernardino attack") goes on only a telling at that town or at none. Neither joins two stated days, two places apart,
    two sides (even guessed ones the sentence words), one sentence's list, a telling named as
    another ("another strike", "the latest blasts", "shelled the town again"), happened and
    not, or current and history (history named again without its year stays history)."""
    early = published is not None and published.hour < _SMALL_HOURS
    merged: list[Event] = []
    for e in events:
        # a telling the strict rules join (one day, one place) goes there before any looser match:
        # "the strike on the town" in a Sunday story is Sunday's strike on its oblast, not
        # Saturday's across the country
        k = next((i for i, m in enumerate(merged) if same_incident(m, e, early)), None)
        if k is None:
            k = next((i for i, m in enumerate(merged) if same_incident(m, e, early, told or {})), None)
        if k is None:
            merged.append(e)
            continue
        first = merged[k]
        if first.type == "Protests" and e.type == "Riots":
            first = replace(first, type=e.type, subtype=e.subtype, actors=e.actors, targets=e.targets or first.targets)
        if first.type == "Protests" and e.subtype == "Excessive force against protesters" != first.subtype:
            first = replace(first, actors=e.actors, targets=e.targets)  # the force that fired is the first actor
        if first.type == "Battles" and e.type == "Explosions/Remote violence" and told_by_toll(first):
            first = replace(first, type=e.type, subtype=e.subtype)  # the dead of the day's shelling
        merged[k] = replace(
            first,
            subtype=_stronger_protest(first.subtype, e.subtype) if first.type == "Protests" else first.subtype,
            evidence=first.evidence + tuple(s for s in e.evidence if s not in first.evidence),
            time=first.time if _dated(first) or not _dated(e) and (first.time is not None or e.time is None) else e.time,
            background=first.background if _dated(first) or not _dated(e) else e.background,
            fatalities=first.fatalities if first.fatalities is not None else e.fatalities,
            injured=first.injured if first.injured is not None else e.injured,
            weapons=first.weapons + tuple(w for w in e.weapons if w not in first.weapons),
            actors=first.actors or e.actors,
            targets=first.targets or e.targets,
            place=e.place if _rank(e.place) < _rank(first.place) else first.place,
        )
    return tuple(merged)


_CITY_KM = 15  # a district this close to a city of its division is one of the city's
_PROTEST_RANK = {s: k for k, s in enumerate(("Peaceful protest", "Protest with intervention",
                                             "Excessive force against protesters"))}


_CROWDS = {"Protests", "Riots"}


def _stronger_protest(a: str | None, b: str | None) -> str | None:
    """A protest told as peaceful and as broken up is a protest with intervention."""
    return max((a, b), key=lambda s: _PROTEST_RANK.get(s or "", -1))


_RANK = PRECISION_ORDER  # finer first


def _rank(place) -> int:
    """Finer places first; an unresolved place, and no place, last (a telling with no place of
    its own takes the other's)."""
    return _RANK.get(place.precision or "", 9) if place is not None else 10


def _holds(big, small) -> bool:
    """Is `small` inside `big`, when `big` is a country, a first-level division, a region named
    in that division's name ("Crimea" holds what lies in the Autonomous Republic of Crimea), or
    a city and `small` one of its districts? A city with a division's status lies in the division
    named after it (Kyiv in Kyiv Oblast)."""
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
    if big.precision != "admin1" or not big.admin1 or not small.admin1:
        return False
    # a city that is a division of its own lies in the division named after it: Kyiv in Kyiv Oblast
    return big.admin1 == small.admin1 or big.admin1.lower().startswith(small.admin1.lower() + " ")


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


def same_incident(a: Event, b: Event, early: bool = False, told: Mapping[str, str] | None = None) -> bool:
    """Is `b`, told after `a`, the same occurrence? Without `told` only the strict rules (one
    day, one place); with it (`tellings`: how each event's trigger names its incident, by id)
    also those for an incident told again: `AGAIN` for one named as already told ("the
    attack", "the Riverside attacks"), `ANOTHER` for one named as a new one ("another strike",
    "the latest blasts"), which only the strict rules join."""
    explosions = a.type == b.type == "Explosions/Remote violence"
    # "took to the streets" and "police dispersed them", or "rioters attacked banks on the eighth day
    # of protests": one protest
    protests = {a.type, b.type} <= _CROWDS
    how = told.get(b.id) if told is not None else ANOTHER
    other = a.trigger == b.trigger or how == ANOTHER  # one sentence's list, or a new one: only the old rules
    named = how == AGAIN and not other
    # "the attack" with no day of its own is the one told before; "Friday's attack in the
    # province" gives the day an earlier "Riverside attacks" lacked, when both name one
    again = named and (not _dated(b) or not _dated(a) and told.get(a.id) == AGAIN or _within_span(a, b))
    # "the San Bernardino attack" names its own town: it goes on no telling placed elsewhere (a
    # country-wide "attacks last weekend"), only one told at that town or at no place
    own = _named_at(b) and not _placeless(a) and a.place.gazetteer_id != b.place.gazetteer_id
    again = again and not own
    # "the attack" names any violence told before, whatever its type
    generic = again and b.trigger.text.lower() in _GENERIC
    # one current event dated by the text and one of its subtype with no day at all (not even
    # the report's: an article with no date, a weekday with nothing to count from), at the same
    # place or one at none: one event, the dated one. A telling on the report's day is that
    # day's news, and stays apart from another stated day's unless named as the same one.
    beside = not other and (_dated(a) and _undated(b) or _undated(a) and _dated(b)) and a.subtype == b.subtype \
        and not (a.background or b.background) \
        and (_placeless(a) or _placeless(b) or a.place.gazetteer_id == b.place.gazetteer_id)
    # "an actor who was assaulted in Dublin last month. [new paragraph] X was attacked in Dublin city
    # centre ...": the very next sentence tells the same kind at the same place with no time of its
    # own (the report's day is only a fallback): it goes on telling the dated one
    goes_on = not other and a.subtype == b.subtype and _dated(a) and b.time is not None \
        and b.time.basis == "published" and not (a.background or b.background) and _next_sentence(a, b)
    beside = beside or goes_on and not own and same_place(a.place, b.place)
    # "two soldiers killed today" and "killed as a result of artillery fire" the same day: the dead
    # of the day's shelling, not a battle beside it
    toll_of = {a.type, b.type} == {"Battles", "Explosions/Remote violence"} and any(
        told_by_toll(x) and x.type == "Battles" for x in (a, b)) and _dated(a) and _dated(b) \
        and a.time.value == b.time.value
    if a.subtype != b.subtype and not (explosions or protests or toll_of or again and (a.type == b.type or generic)):
        return False
    if a.background != b.background and not (again and not _dated(b) and not b.background):
        return False  # history told again without its year is still history
    stated_a = a.time is not None and a.time.basis != "published"
    stated_b = b.time is not None and b.time.basis != "published"
    if not same_place(a.place, b.place) and not (
            stated_a and stated_b and a.time.value == b.time.value and a.trigger != b.trigger and _near(a.place, b.place)) \
            and not (beside or (again or toll_of) and (_placeless(a) or _placeless(b))):
        return False
    if stated_a and stated_b and a.time.value != b.time.value and not (again or beside):
        return False  # (a weekday with nothing to count from is no day to differ)
    if stated_a != stated_b and a.time is not None and b.time is not None and not _overlap(a.time.value, b.time.value) \
            and not (early and _day_before(*((a, b) if stated_a else (b, a)))) and not (again or beside):
        return False  # "on Saturday" is not the report's day: another strike
    if (a.certainty in HAPPENED) != (b.certainty in HAPPENED):
        return False
    if a.certainty not in HAPPENED and a.certainty != b.certainty:
        return False
    if a.type == "Battles" and b.type == "Battles":
        return True  # a battle has two sides: "stormed the town" and "repelled the assault" are one
    loose = again or beside
    sides_a, sides_b = _sides(a, loose), _sides(b, loose)
    return not (sides_a and sides_b and sides_a != sides_b)


_GENERIC = frozenset({"attack", "attacks", "assault", "incident"})


def _within_span(a: Event, b: Event) -> bool:
    """Is `a` dated to one day that `b`'s stated span holds ("the attack was the third on the
    city this week" after Friday's strike)?"""
    if not (_dated(a) and _dated(b)):
        return False
    x, y = days_of(a.time.value), days_of(b.time.value)
    return x is not None and y is not None and x[0] == x[1] and y[0] <= x[0] <= y[1] and y[0] != y[1]


def told_by_toll(e: Event) -> bool:
    """An event told only through its dead or wounded ("two soldiers killed and three wounded
    today"): its trigger is the casualty word of its count."""
    return any(c is not None and c.start is not None and c.start <= e.trigger.start and e.trigger.end <= c.end
               for c in (e.fatalities, e.injured))


def _sides(e: Event, worded: bool) -> set[str]:
    """The sides `e` is told with. A guessed side (from the ground, the paragraph) does not
    split one occurrence; where the tellings share no day (`worded`), a side the sentence words
    ("the Ukrainian shelling") does, and only the guesses from the ground (pointing at the
    trigger itself) or from another sentence are left out."""
    sent = e.evidence[0] if e.evidence else e.trigger
    return {x.actor for x in e.actors if not x.inferred or worded and sent.start <= x.start and x.end <= sent.end
            and (x.start, x.end) != (e.trigger.start, e.trigger.end)}


def _next_sentence(a: Event, b: Event) -> bool:
    """Is `b` told in the sentence right after `a`'s last one (across a paragraph break too)?"""
    return bool(a.evidence and b.evidence) and 0 <= b.evidence[0].start - a.evidence[-1].end <= 3


def _named_at(e: Event) -> bool:
    """Does the telling name its incident by a place just before its trigger, in its own noun
    phrase ("the San Bernardino attack", "the Kramatorsk station strike")?"""
    p = e.place
    return p is not None and p.gazetteer_id is not None and p.end <= e.trigger.start \
        and e.trigger.start - p.end <= _NAMED_GAP and any(s.start <= p.start and e.trigger.end <= s.end for s in e.evidence)


_NAMED_GAP = 24  # characters between the place and the trigger: a word or two ("station", "school")


def _dated(e: Event) -> bool:
    """Does the text give the event a day (its sentence's or its paragraph's), not the report's?"""
    return e.time is not None and e.time.value is not None and e.time.basis != "published"


def _undated(e: Event) -> bool:
    return e.time is None or e.time.value is None


def _placeless(e: Event) -> bool:
    return e.place is None or not e.place.gazetteer_id


AGAIN, ANOTHER = "again", "another"
_THE = frozenset({"the", "this", "that", "these", "those"})
# a word in the noun phrase that makes it a new incident, or several: "the first attack",
# "the latest strikes", "another blast", "all the attacks"
_NEW = frozenset({"another", "other", "first", "second", "third", "fourth", "fifth", "last", "latest", "new", "newest",
                  "next", "previous", "earlier", "later", "recent", "fresh", "further", "separate", "similar",
                  "subsequent", "renewed", "repeated", "such", "all", "every", "each", "any", "no", "some", "many",
                  "several", "more", "most", "past", "future", "possible", "potential", "both"})
_PARTS = frozenset({"one", "two", "three", "some", "many", "none", "all", "each", "any", "most", "several", "series",
                    "wave", "spate", "string", "number"})
_MODIFIERS = frozenset({"ADJ", "NOUN", "PROPN", "NUM", "ADV"})
_ANEW = frozenset({"again", "anew", "also", "elsewhere", "later", "further", "repeatedly"})  # "shelled the town again"
_GO_ON = frozenset({"continue", "resume", "renew", "intensify", "escalate"})  # "the shelling continued"


def tellings(doc: Document, events: list[Event]) -> dict[str, str]:
    """How each event's trigger names its incident, read from the words before it in its noun
    phrase: `AGAIN` for a definite one ("the attack", "the shootings", "this bombing", "the
    Ukrainian shelling", "Friday's attack") or a named one ("the Riverside attacks", a
    headline's "Riverside attacks"), which a reader takes for an incident already told;
    `ANOTHER` for a new one or several ("another strike", "the first attack", "the latest
    blasts", "the two blasts", "one of the attacks", "shelled the town again").
    A trigger shared by several records (one sentence's list of places) is none of them."""
    toks = index(doc)
    places = [(p.start, p.end) for p in doc.places]
    shared = {trigger for trigger, n in Counter(e.trigger for e in events).items() if n > 1}
    out: dict[str, str] = {}
    for e in events:
        tok = toks.at(e.trigger.start)
        if e.trigger in shared or tok is None:
            continue
        if any(c.dep == "advmod" and c.text.lower() in _ANEW for c in toks.children(tok.i)):
            out[e.id] = ANOTHER
            continue
        # the gerund a parser takes for a verb ("the Ukrainian shelling of") is still a noun here
        if tok.pos not in ("NOUN", "PROPN") and not tok.text.lower().endswith("ing"):
            continue
        words, k = [], tok.i - 1
        while k >= 0 and len(words) < 4 and toks.tokens[k].pos in _MODIFIERS:
            words.append(toks.tokens[k])
            k -= 1
        det = toks.tokens[k] if k >= 0 and toks.tokens[k].pos == "DET" else None
        head = toks.head(tok)
        if head.dep == "prep" and head.text.lower() == "of":
            head = toks.head(head)  # "one of the attacks" is one of several
        if any(w.text.lower() in _NEW or w.pos == "NUM" and w.ent_type != "DATE" for w in words) or head.text.lower() in _PARTS \
                or det is not None and det.text.lower() in _NEW or head.lemma in _GO_ON:
            out[e.id] = ANOTHER
            continue
        if tok.pos not in ("NOUN", "PROPN") and det is None:
            continue  # "troops shelling the town": a verb
        named = any(w.pos == "PROPN" and any(s <= w.start < t for s, t in places) for w in words)
        # "Friday's attack", "last week's blasts": a day's incident, as definite as "the"
        of_a_day = k >= 1 and toks.tokens[k].tag == "POS" and toks.tokens[k - 1].ent_type == "DATE"
        if named or of_a_day or det is not None and det.text.lower() in _THE:
            out[e.id] = AGAIN
    return out


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
