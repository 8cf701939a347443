"""`sitreps eval events`: event records against UCDP GED rows, and labelled sentences.

**UCDP part.** Every row of a UCDP GED CSV (all of them, whatever `where_prec`) is analysed as
one article made of its `source_headline`s, published on its first `source_date`, as in
`evaluation/ucdp.py`. A *violent event* is one of type Battles, Explosions/Remote violence or
Violence against civilians whose certainty is not `possible` or `negated`; the row's *primary
event* is the first violent event with fatalities, else the first violent event. Its fields are
scored against the row, each over stated denominators:

- **detection**: at least one violent event (all rows).
- **actor side**: the primary event's first actor belongs to the side that acted. UCDP's
  side_a/side_b is a dyad, not attacker/target, so the acting side is read off the deaths: side_a
  when only side_b lost people, side_b when only side_a did, else either (`expected_sides`).
  Over all rows, and over rows whose headline names the side that acted (`names_side`:
  `SIDE_WORDS`, whole words, any case; a country's name alone does not count). DPR and LPR
  forces count as Russia's side, as UCDP codes their 2022-23 fighting in that dyad.
- **location**: the primary event's place (the city's district when the text names one, as
  `ucdp.event_place` does), else `ucdp.event_place(doc)` when it has none (also when no event
  was found, so these lines stay comparable with `eval geo` on UCDP). Within 10 and 50 km over
  rows coded to an exact place or near one (`where_prec` <= 2); the right first-level division
  over rows with an `adm_1`; each also over the rows whose headline names the place
  (`UcdpRow.names_place`).
- **date**: the primary event's time (a day, or a `start/end` interval that overlaps) falls in
  `date_start` - 1 day .. `date_end` + 1 day. A week, month or year is not a day and counts as
  wrong, as does a missing time. Over all rows, and over rows whose headline states a time
  (`states_time`: a date or a relative time word). A further line dates a primary event without a time at the
  publication date (what a user would fall back on); rows without a primary event stay wrong.
- **fatalities**: the primary event's number killed (the low end of a range, else its high
  end) lies within the row's `low` .. `high`. UCDP splits one report's toll into a row per
  place, so a further line compares it, once per headline, with the sum of `low` .. `high` over
  the rows that share the headline and date, and one line keeps only headlines UCDP coded as a
  single row. A *ceiling* line shows how often any number written in the headline lies in the
  row's range: no reader of the headline alone can do better. Over rows whose headline states a death toll
  (`states_toll`: a number and a death word, see `_DEATH`/`_TOLL_PATTERNS`) and over rows
  whose `high` is above zero.

**Sentences part**: `evaluation/sentences.py`.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path

from ..errors import InputError
from ..gazetteer import distance_km, fold
from . import pct
from .ucdp import _NEEDED as _UCDP_NEEDED
from .ucdp import UcdpRow, _date, _district_of, _oblast_key, event_place

VIOLENT_TYPES = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})
NOT_HAPPENED = frozenset({"possible", "negated"})

# the targets, in percent correct
TARGETS = {"actor side": 85, "right oblast": 85, "date": 85, "fatalities": 80}
FALSE_ALARM_TARGET = "< 10"
GDELT_NOTE = "For comparison: GDELT's published field accuracy is 75-81%."

_NEEDED = _UCDP_NEEDED | {
    "id", "side_a", "side_b", "deaths_a", "deaths_b", "low", "high", "date_start", "date_end",
}

# A headline "names an actor" when one of these appears as a whole word, in any case: the
# parties, their forces and the words Ukrainian and Russian sources use for the other side.
# Words that name each UCDP side in a headline (whole words, any case). A headline "names the
# side that acted" when it holds a word of that side (of either, when the deaths do not say
# which acted). Country names alone ("in Ukraine", "events around Ukraine") are not actors.
SIDE_WORDS: dict[str, tuple[str, ...]] = {
    "Government of Russia (Soviet Union)": (
        "Russian", "Russians", "RF", "Russian Federation", "invaders", "occupiers", "occupants", "Kremlin",
        "Wagner", "racists", "orcs", "Rosgvardia", "Kadyrovites", "DPR", "LPR", "enemy",
    ),
    "Government of Ukraine": (
        "Ukrainian", "Ukrainians", "AFU", "APU", "ZSU", "UAF", "VSU", "Armed Forces of Ukraine", "Ukraine's",
        "Kyiv regime", "nationalists", "militants", "defenders", "enemy",
    ),
    "DPR": ("DPR", "Donetsk People's Republic", "People's Militia"),
    "LPR": ("LPR", "Luhansk People's Republic", "Lugansk People's Republic", "People's Militia"),
    "Civilians": ("civilians", "residents"),
}
_SIDE_RES = {
    side: re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b", re.IGNORECASE)
    for side, words in SIDE_WORDS.items()
}


# A headline "states a death toll" when it holds a number (digits that are not part of a date,
# a year or a model name like Su-25; or one..twenty, the tens, dozen(s), hundreds) and a death
# word; "destroyed up to 100 soldiers" and "lost 40 people" count as tolls too. "Losses" alone
# does not (it includes the wounded).
_NUMBER_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "hundreds", "dozen", "dozens", "tens"]
_NUM = r"(?:(?<![\w\-./])\d[\d,]*(?![\w\-]|\.\d)|\b(?:" + "|".join(_NUMBER_WORDS) + r")\b)"
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?"
)
_DATES = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}|\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\b(?:19|20)\d\d\b",
    re.IGNORECASE,
)
_DEATH = re.compile(
    r"\b(?:kill(?:s|ed|ing)?|dead|died|dies|dying|deaths?|perish(?:ed)?|fatalit(?:y|ies)"
    r"|lost\s+(?:\w+\s+){0,2}lives|eliminated|liquidated)\b",
    re.IGNORECASE,
)
_PEOPLE = (
    r"(?:people|persons|soldiers|servicemen|militants|fighters|invaders|occupiers|nationalists|mercenaries"
    r"|troops|personnel|military|men)"
)
_ABOUT = r"(?:(?:up to|about|more than|over|some|nearly|around|almost|at least)\s+)?"
_TOLL_PATTERNS = (
    re.compile(rf"\b(?:destroyed|lost)\s+{_ABOUT}{_NUM}\s+(?:\w+\s+)?{_PEOPLE}\b", re.IGNORECASE),
    re.compile(rf"{_NUM}\s+{_PEOPLE}\s+lost\b", re.IGNORECASE),
)
_NUMBER_RE = re.compile(_NUM, re.IGNORECASE)


def names_side(headline: str, sides: Iterable[str]) -> bool:
    """Does the headline name (one of) the side(s) that acted?"""
    return any(side in _SIDE_RES and _SIDE_RES[side].search(headline) for side in sides)


_CEILING_WORDS = {w: i for i, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"])}
_CEILING_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12, "dozens": 12,
                       "a": 1, "an": 1, "another": 1})


def headline_numbers(headline: str) -> list[int]:
    """Every number a headline writes, as digits or words ("a", "an", "another" as one)."""
    found = [int(x.replace(",", "")) for x in re.findall(r"\b\d[\d,]*\b", headline)]
    return found + [_CEILING_WORDS[w.lower()] for w in re.findall(r"[A-Za-z]+", headline) if w.lower() in _CEILING_WORDS]


def states_toll(headline: str) -> bool:
    text = _DATES.sub(" ", headline)
    if any(rx.search(text) for rx in _TOLL_PATTERNS):
        return True
    return bool(_DEATH.search(text) and _NUMBER_RE.search(text))


# ---------------------------------------------------------------------------- UCDP rows


@dataclass(frozen=True, slots=True)
class GedRow:
    """A UCDP GED row with what the event fields are scored against."""

    id: str
    text: str  # the headlines, one paragraph each
    published: datetime | None
    where: str
    adm_1: str
    lat: float | None
    lon: float | None
    where_prec: int | None
    side_a: str
    side_b: str
    deaths_a: int
    deaths_b: int
    low: int
    high: int
    start: date | None
    end: date | None
    reports: bool | None = None  # the hand label: do the headlines report a violent event

    @property
    def names_place(self) -> bool:
        return UcdpRow(
            self.id, self.text, self.published, self.where, self.adm_1, self.lat or 0.0, self.lon or 0.0,
            self.where_prec or 0,
        ).names_place

    @property
    def precise(self) -> bool:
        located = self.lat is not None and self.lon is not None
        return located and self.where_prec is not None and self.where_prec <= 2


def _gold_date(value: str) -> date | None:
    """`date_start`/`date_end`: month first ("09/01/2022 00:00", "8/31/2022 12:00:00 AM") or ISO."""
    value = value.strip()
    for fmt in ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def _opt_float(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def _whole(raw: dict, column: str, where: str) -> int:
    try:
        return int(raw[column])
    except (TypeError, ValueError):
        raise InputError(f"{where}: {column} is not a whole number: {raw[column]!r}") from None


def headline_labels(path=None) -> dict[str, bool]:
    """Row id -> do the row's headlines report a particular violent event (labels/README.md);
    by default the labels that ship with sitreps, for the rows of `ucdp_ged_ukraine.dev.csv`."""
    path = path or resources.files("sitreps.evaluation").joinpath("labels", "ucdp_headlines.jsonl")
    labels = {}
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            try:
                raw = json.loads(line)
                labels[str(raw["row"])] = {"violent": True, "none": False}[raw["reports"]]
            except (ValueError, KeyError, TypeError) as exc:
                raise InputError(f"{path}:{n}: not a headline label ({exc})") from None
    return labels


def load_ged(path: str | Path, limit: int | None = None, labels: dict[str, bool] | None = None) -> list[GedRow]:
    """Every row of a UCDP GED CSV (the first `limit` when given), with its headline label
    when `labels` has one."""
    labels = labels or {}
    rows: list[GedRow] = []
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = _NEEDED - set(reader.fieldnames or ())
        if missing:
            columns = ", ".join(sorted(missing))
            raise InputError(f"{path}: not a UCDP GED file, it lacks the columns {columns}")
        for raw in reader:
            if limit is not None and len(rows) >= limit:
                break
            where = f"{path}:{reader.line_num}"
            headlines = [h.strip() for h in (raw["source_headline"] or "").split(";") if h.strip()]
            prec = (raw["where_prec"] or "").strip()
            rows.append(
                GedRow(
                    id=raw["id"],
                    text="\n\n".join(h if h[-1:] in ".!?" else h + "." for h in headlines),
                    published=_date(raw["source_date"] or ""),
                    where=raw["where_description"] or "",
                    adm_1=(raw["adm_1"] or "").strip(),
                    lat=_opt_float(raw["latitude"] or ""),
                    lon=_opt_float(raw["longitude"] or ""),
                    where_prec=int(prec) if prec.isdigit() else None,
                    side_a=raw["side_a"].strip(),
                    side_b=raw["side_b"].strip(),
                    deaths_a=_whole(raw, "deaths_a", where),
                    deaths_b=_whole(raw, "deaths_b", where),
                    low=_whole(raw, "low", where),
                    high=_whole(raw, "high", where),
                    start=_gold_date(raw["date_start"] or ""),
                    end=_gold_date(raw["date_end"] or ""),
                    reports=labels.get(raw["id"]),
                )
            )
    return rows


# ---------------------------------------------------------------------------- sides


# UCDP side names -> does an actor mention belong to that side
SIDES: dict[str, Callable] = {
    # UCDP codes the 2022-23 fighting of the DPR and LPR forces in the Russia-Ukraine dyad
    "Government of Russia (Soviet Union)": lambda a: a.actor.startswith(("RUS.", "DPR.", "LPR.")),
    "Government of Ukraine": lambda a: a.actor.startswith("UKR."),
    "DPR": lambda a: "DPR" in a.actor or a.kind == "armed_group",
    "LPR": lambda a: "LPR" in a.actor or a.kind == "armed_group",
    "Civilians": lambda a: a.kind == "civilians",
}


def expected_sides(row: GedRow) -> tuple[str, ...]:
    """The side that acted: side_a when only side_b lost people, side_b when only side_a did,
    else either."""
    if row.deaths_b > 0 and row.deaths_a == 0:
        return (row.side_a,)
    if row.deaths_a > 0 and row.deaths_b == 0:
        return (row.side_b,)
    return (row.side_a, row.side_b)


def on_side(actor, side: str) -> bool:
    test = SIDES.get(side)
    return bool(test and test(actor))


def unmapped_sides(rows: Iterable[GedRow]) -> list[str]:
    """Side names `SIDES` does not know (rows with only such sides are not scored for actors)."""
    return sorted({s for r in rows for s in (r.side_a, r.side_b) if s not in SIDES})


# ---------------------------------------------------------------------------- events


def violent_events(doc) -> list:
    return [e for e in doc.events if e.type in VIOLENT_TYPES and e.certainty not in NOT_HAPPENED]


def _killed(event) -> tuple[int | None, int | None] | None:
    """An event's fatalities as (low, high), whether the record holds an int or a count with
    `low` and `high` (high None: "at least low"); None when it says nothing."""
    value = getattr(event, "fatalities", None)
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return (value, value)
    if not (hasattr(value, "low") and hasattr(value, "high")):
        raise TypeError(f"fatalities is neither a number nor a count: {value!r}")
    low, high = value.low, value.high
    return None if low is None and high is None else (low, high)


def killed_number(event) -> int | None:
    """The one number the system gives: the low end of its count, else the high end."""
    count = _killed(event) if event is not None else None
    if count is None:
        return None
    return count[0] if count[0] is not None else count[1]


def primary_event(doc):
    """The first violent event with fatalities, else the first violent event."""
    violent = violent_events(doc)
    for e in violent:
        n = killed_number(e)
        if n is not None and n > 0:
            return e
    return violent[0] if violent else None


def _day(text: str) -> date | None:
    if not re.fullmatch(r"\d{4}-\d\d-\d\d(?:T[\d:]+)?", text):
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def time_range(value: str | None) -> tuple[date, date] | None:
    """The days an ISO time value covers: a day, or both ends of a `start/end` interval; None
    for anything coarser (a week, a month, a year) or missing."""
    if not value:
        return None
    if "/" in value:
        a, _, b = value.partition("/")
        lo, hi = _day(a), _day(b)
        return (lo, hi) if lo and hi else None
    d = _day(value)
    return (d, d) if d else None


def in_window(value: str | None, start: date, end: date) -> bool:
    """Does the time value overlap `start` - 1 day .. `end` + 1 day?"""
    days = time_range(value)
    one = timedelta(days=1)
    return days is not None and days[0] <= end + one and days[1] >= start - one


def same_oblast(admin1: str | None, adm_1: str, gazetteer=None) -> bool:
    """The place's first-level division is the row's, however either is spelt (as in `eval geo`)."""
    if not admin1 or not adm_1:
        return False
    return fold(admin1) == _oblast_key(adm_1, gazetteer) or fold(admin1)[:5] == fold(adm_1)[:5]


def _place(doc, event):
    if event is not None and event.place is not None and event.place.resolved:
        return _district_of(doc, event.place)
    return event_place(doc)


# ---------------------------------------------------------------------------- scoring


@dataclass(frozen=True, slots=True)
class Judgement:
    """One field of one row: right or wrong, and the denominators (table lines) it counts in."""

    field: str
    correct: bool
    gold: object
    got: object
    groups: tuple[str, ...]


ALL = "all rows"
NAMES_ACTOR = "headline names the side that acted"
PRECISE = "precise rows (where_prec <= 2)"
PRECISE_NAMED = "precise rows, headline names the place"
WITH_ADM1 = "rows with adm_1"
WITH_ADM1_NAMED = "rows with adm_1, headline names the place"
DATED = "rows with parseable dates"
STATES_TOLL = "headline states a death toll"
GOLD_DEATHS = "rows with gold deaths (high > 0)"
PUBLISHED_FALLBACK = "date, publication date as fallback"
DATED_STATED = "rows with parseable dates, headline states a time"
SUMMED = "fatalities, rows of one headline summed"
UNSPLIT = "headline states a death toll, one row per headline"
CEILING = "fatalities ceiling: any number of the headline"
# rows whose headlines report a particular violent event, by hand (labels/ucdp_headlines.jsonl):
# a digest heading, a Twitter handle or a running total gives no event to find or date
REPORTS = "rows whose headlines report a violent event (hand-labelled)"
REPORTS_TUNE = REPORTS.replace(")", ", tune half)")
REPORTS_TEST = REPORTS.replace(")", ", report half)")

TABLE: tuple[tuple[str, str], ...] = (
    ("detection", ALL),
    ("detection", REPORTS),
    ("detection", REPORTS_TUNE),
    ("detection", REPORTS_TEST),
    ("actor side", NAMES_ACTOR),
    ("actor side", ALL),
    ("within 10 km", PRECISE),
    ("within 10 km", PRECISE_NAMED),
    ("within 50 km", PRECISE),
    ("within 50 km", PRECISE_NAMED),
    ("right oblast", WITH_ADM1),
    ("right oblast", WITH_ADM1_NAMED),
    ("date", DATED_STATED),
    ("date", DATED),
    ("date", REPORTS),
    ("date", REPORTS_TUNE),
    ("date", REPORTS_TEST),
    (PUBLISHED_FALLBACK, DATED),
    ("fatalities", STATES_TOLL),
    ("fatalities", UNSPLIT),
    ("fatalities", GOLD_DEATHS),
    (SUMMED, STATES_TOLL),
    (CEILING, STATES_TOLL),
)

# A headline "states a time" when it holds a date or a relative time word (whole words, any case)
_TIME_WORDS = re.compile(
    r"\b(?:yesterday|today|tonight|overnight|night|morning|evening|afternoon|day|days|24\s+hours|week|weekend"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|january|february|march|april|may|june|july|august|september|october|november|december)\b",
    re.IGNORECASE,
)


def states_time(headline: str) -> bool:
    return bool(_TIME_WORDS.search(headline))


def event_brief(e) -> str:
    return f"{e.subtype or e.type} ({e.certainty})"


def score_row(row: GedRow, doc, gazetteer=None, summed: tuple[int, int] | None = None, alone: bool = False) -> list[Judgement]:
    """Every field of one row against the document sitreps made of its headlines."""
    primary = primary_event(doc)
    found = [event_brief(e) for e in doc.events]
    reports = _reported(row)
    judged = [Judgement("detection", bool(violent_events(doc)), "a violent event", found, (ALL, *reports))]

    sides = tuple(s for s in expected_sides(row) if s in SIDES)
    if sides:
        actor = primary.actors[0] if primary is not None and primary.actors else None
        right = actor is not None and any(on_side(actor, s) for s in sides)
        got = [actor.actor, actor.text] if actor else None
        groups = ((NAMES_ACTOR,) if names_side(row.text, sides) else ()) + (ALL,)
        judged.append(Judgement("actor side", right, list(sides), got, groups))

    place = _place(doc, primary)  # resolved, or None
    got = [place.text, place.name, place.admin1, place.lat, place.lon] if place else None
    named = row.names_place
    if row.precise:
        km = distance_km(row.lat, row.lon, place.lat, place.lon) if place else None
        gold = [row.where, row.lat, row.lon]
        got_km = got + [round(km, 1)] if km is not None else None
        groups = (PRECISE, PRECISE_NAMED) if named else (PRECISE,)
        judged.append(Judgement("within 10 km", km is not None and km <= 10, gold, got_km, groups))
        judged.append(Judgement("within 50 km", km is not None and km <= 50, gold, got_km, groups))
    if row.adm_1:
        right = same_oblast(place.admin1 if place else None, row.adm_1, gazetteer)
        groups = (WITH_ADM1, WITH_ADM1_NAMED) if named else (WITH_ADM1,)
        judged.append(Judgement("right oblast", right, row.adm_1, got, groups))

    if row.start is not None and row.end is not None:
        time = primary.time if primary is not None else None
        value = time.value if time is not None else None
        gold = [row.start.isoformat(), row.end.isoformat()]
        got = [time.text, value] if value else None
        groups = ((DATED_STATED, DATED) if states_time(row.text) else (DATED,)) + reports
        judged.append(Judgement("date", in_window(value, row.start, row.end), gold, got, groups))
        if primary is not None and value is None and row.published is not None:
            value = row.published.date().isoformat()
        right = in_window(value, row.start, row.end)
        judged.append(Judgement(PUBLISHED_FALLBACK, right, gold, value, (DATED,)))

    toll = states_toll(row.text)
    groups = ((STATES_TOLL,) if toll else ()) + ((UNSPLIT,) if toll and alone else ()) + ((GOLD_DEATHS,) if row.high > 0 else ())
    if groups:
        n = killed_number(primary)
        got = list(_killed(primary)) if n is not None else None
        right = n is not None and row.low <= n <= row.high
        judged.append(Judgement("fatalities", right, [row.low, row.high], got, groups))
    if toll:
        # what any reader of the headline could reach: some number written in it (digits or a
        # number word, "a"/"an" as one) lies in the row's range
        numbers = headline_numbers(row.text)
        judged.append(Judgement(CEILING, any(row.low <= n <= row.high for n in numbers), [row.low, row.high], numbers, (STATES_TOLL,)))
    if summed is not None and states_toll(row.text):
        # UCDP splits one report's toll into a row per place: "killed four residents of the region"
        # becomes four rows of one death; against their sum the headline's number is comparable
        n = killed_number(primary)
        right = n is not None and summed[0] <= n <= summed[1]
        judged.append(Judgement(SUMMED, right, list(summed), n, (STATES_TOLL,)))
    return judged


def _reported(row: GedRow) -> tuple[str, ...]:
    """The hand-labelled groups a row is in: none unless its headlines report a violent event;
    the halves are fixed by a hash of the row id, as the map's audit halves are."""
    if not row.reports:
        return ()
    from .audit import article_half

    return (REPORTS, REPORTS_TUNE if article_half(row.id) == "tune" else REPORTS_TEST)


def summarise(judgements: Iterable[Judgement]) -> dict[str, dict]:
    """The table: a line per (field, denominator) of `TABLE`, in that order."""
    counts = {key: [0, 0] for key in TABLE}
    for j in judgements:
        for group in j.groups:
            c = counts[(j.field, group)]
            c[0] += 1
            c[1] += j.correct
    return {
        f"{field}: {group}": {
            "rows": n,
            "correct": k,
            "correct_%": pct(k, n),
            "target_%": TARGETS.get(field),
        }
        for (field, group), (n, k) in counts.items()
    }


def evaluate_rows(
    rows: list[GedRow], ctx, *, on_row: Callable[[], None] | None = None, mistakes: list | None = None
) -> dict[str, dict]:
    from ..pipeline import Pipeline
    from ..stages.read import article_from_text

    pipeline = Pipeline(ctx)
    judged: list[Judgement] = []
    totals: dict[tuple, list[int]] = {}
    for row in rows:
        t = totals.setdefault((row.text, row.published), [0, 0, 0])
        t[0] += row.low
        t[1] += row.high
        t[2] += 1
    seen: set[tuple] = set()
    for row in rows:
        doc = pipeline(article_from_text(row.text, id=f"ucdp-{row.id}", published=row.published))
        key = (row.text, row.published)
        summed = tuple(totals[key][:2]) if key not in seen else None  # once per headline
        seen.add(key)
        row_judged = score_row(row, doc, ctx.gazetteer, summed, alone=totals[key][2] == 1)
        judged += row_judged
        if mistakes is not None:
            mistakes += [
                {"dataset": "UCDP", "row": row.id, "field": j.field, "headline": row.text,
                 "gold": j.gold, "got": j.got}
                for j in row_judged
                if not j.correct
            ]
        if on_row:
            on_row()
    return summarise(judged)
