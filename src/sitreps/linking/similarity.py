"""Pair scores of two documents, and the blocks that say which pairs to score."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from ..gazetteer import distance_km
from .summaries import DocSummary, EventSummary, LinkSettings

# ---------------------------------------------------------------------------- similarity


def stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


def words(text: str, stop: frozenset[str] = frozenset()) -> list[str]:
    """Lower-cased words of a text without stop words and one-letter words."""
    return [w for w in _WORD.findall(text.lower()) if len(w) > 1 and w not in stop]


def cosine(u: dict[str, float], v: dict[str, float]) -> float:
    """Dot product of two unit-length sparse vectors (`fsum`: the same whatever the set order)."""
    return math.fsum(u[t] * v[t] for t in u.keys() & v.keys())


def weigh(counts: Counter, df: Counter, n: int) -> dict[str, float]:
    """Unit-length sublinear TF-IDF: (1 + ln tf) * (ln((1 + n) / (1 + df)) + 1)."""
    vec = {t: (1 + math.log(c)) * (math.log((1 + n) / (1 + df[t])) + 1) for t, c in counts.items() if c > 0}
    norm = math.sqrt(sum(x * x for x in vec.values()))
    return {t: x / norm for t, x in vec.items()} if norm else {}


def _overlap(a: tuple[date, date], b: tuple[date, date], slack: int) -> bool:
    # on day numbers: a date near year 1 or 9999 minus the slack would leave the calendar
    return a[0].toordinal() - slack <= b[1].toordinal() and b[0].toordinal() - slack <= a[1].toordinal()


def event_match(a: EventSummary, b: EventSummary, settings: LinkSettings) -> bool:
    """Could two events be one incident? Same type; places within `near_km`, times that
    overlap (a day's slack) and a shared actor, each only when both sides state it."""
    if a.type != b.type:
        return False
    if None not in (a.lat, b.lat) and distance_km(a.lat, a.lon, b.lat, b.lon) > settings.near_km:
        return False
    if None not in (a.start, b.start) and not _overlap((a.start, a.end), (b.start, b.end), 1):
        return False
    return not (a.actors and b.actors and not set(a.actors) & set(b.actors))


@lru_cache(maxsize=4096)
def main_people(people: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """Who a text names most (every person tied for the most mentions), and everyone it names."""
    counts = Counter(people)
    most = max(counts.values(), default=0)
    return frozenset(p for p, n in counts.items() if n == most), frozenset(counts)


def people_differ(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Are two texts about different people: each names someone most whom the other never
    names? (Tara Reid's rehab and Lindsay Lohan's; Klitschko against Rahman and against
    Thompson, when neither report mentions the other opponent.) Texts that name nobody never
    differ."""
    if not a or not b:
        return False
    (main_a, all_a), (main_b, all_b) = main_people(a), main_people(b)
    return not (main_a & all_b) and not (main_b & all_a)


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why two documents scored as they did: the text similarity, and +1 (agree), -1
    (disagree) or 0 (one side says nothing) for stated dates and for events; -1 when the
    people each names most are absent from the other (`people_differ`), else 0."""

    text: float
    dates: int
    events: int
    people: int = 0


def evidence(a: DocSummary, b: DocSummary, text: float, settings: LinkSettings) -> Evidence:
    dates = 0
    if a.dates and b.dates:
        slack = settings.date_slack_days
        dates = 1 if any(_overlap(x, y, slack) for x in a.dates for y in b.dates) else -1
    events = 0
    if a.events and b.events:
        events = 1 if any(event_match(x, y, settings) for x in a.events for y in b.events) else -1
    return Evidence(text, dates, events, -1 if people_differ(a.people, b.people) else 0)


def pair_score(e: Evidence, settings: LinkSettings) -> float:
    return e.text + settings.dates * e.dates + settings.events * e.events + settings.people * e.people


def _places(s: DocSummary) -> list[tuple[float, float]]:
    return [(e.lat, e.lon) for e in s.events if e.lat is not None and e.lon is not None]


def compatible(a: DocSummary, b: DocSummary, settings: LinkSettings) -> bool:
    """Can two documents be one incident at all? Published within `window_days`, and some of
    their event places within `max_km`; what a side does not state does not rule it out."""
    if a.published and b.published and abs((a.published - b.published).days) > settings.window_days:
        return False
    if settings.max_km is None:
        return True
    pa, pb = _places(a), _places(b)
    if pa and pb and min(distance_km(*x, *y) for x in pa for y in pb) > settings.max_km:
        return False
    return True


# ---------------------------------------------------------------------------- blocks


class Blocks:
    """Which earlier documents a new one could be compatible with: keyed by publication
    bucket (`window_days` wide) and grid cell (`max_km` high); a superset, `compatible`
    decides. Undated or unplaced documents sit under None and meet everyone."""

    def __init__(self, settings: LinkSettings):
        self.width = max(1, settings.window_days)
        self.deg = max(settings.max_km / 111.0, 1e-3) if settings.max_km else None
        self.cols = math.ceil(360 / self.deg) if self.deg else 1
        # publication bucket (None: undated) -> grid cell (None: no event place) -> documents
        self._by: dict = defaultdict(lambda: defaultdict(list))

    def keys(self, s: DocSummary) -> tuple[int | None, tuple[tuple[int, int], ...]]:
        bucket = s.published.toordinal() // self.width if s.published else None
        if self.deg is None:
            return bucket, ()
        cells = tuple(dict.fromkeys(
            (math.floor(lat / self.deg), math.floor(lon / self.deg) % self.cols) for lat, lon in _places(s)
        ))
        return bucket, cells

    def add(self, s: DocSummary, index: int) -> None:
        bucket, cells = self.keys(s)
        for cell in cells or (None,):
            self._by[bucket][cell].append(index)

    def _near(self, cell: tuple[int, int]) -> Iterable[tuple[int, int]]:
        row, col = cell
        for r in (row - 1, row, row + 1):
            lat = min(89.9, max(abs(r), abs(r + 1)) * self.deg)
            k = min(self.cols, math.ceil(1 / max(math.cos(math.radians(lat)), 1e-6)))
            for c in range(col - k, col + k + 1):
                yield r, c % self.cols

    def candidates(self, s: DocSummary) -> set[int]:
        bucket, cells = self.keys(s)
        buckets = list(self._by) if bucket is None else [bucket - 1, bucket, bucket + 1, None]
        found: set[int] = set()
        for b in buckets:
            by_cell = self._by.get(b)
            if not by_cell:
                continue
            if not cells:
                for ids in by_cell.values():
                    found.update(ids)
                continue
            for cell in {n for c in cells for n in self._near(c)} | {None}:
                found.update(by_cell.get(cell, ()))
        return found
