"""Event filters as people type them, checked once for the API, the pages and the command line.

Each check returns the value to query with or raises `FilterError` with a message that says
what is wrong and what would be right ("did you mean ..."); the API turns it into a 422 in its
error shape, the command line into exit code 2.

    parse_day("since", "2022-02-30")     FilterError: not a calendar date
    check_range("2022-12", "2022-11")    FilterError: since is after until
    parse_kind("type", "battles")        FilterError: ... did you mean 'Battles'?
    parse_certainties(["sure"])          FilterError: ... use asserted, confirmed, ...
"""

from __future__ import annotations

import calendar
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from functools import cache

from .records import CERTAINTIES

_DAY = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


class FilterError(ValueError):
    """A filter value that matches nothing it could mean."""


@dataclass(frozen=True)
class EventFilter:
    """The checked filters: every one optional; an event must match all that are given.

    Values are as the store holds them (the parsers below get them there): `type` and
    `subtype` as the taxonomy spells them; `since`/`until` ISO prefixes (YYYY, YYYY-MM or
    YYYY-MM-DD), inclusive, keeping events whose date or date interval overlaps the range
    (undated events never match). `bbox` is (min_lon, min_lat, max_lon, max_lat), min_lon >
    max_lon crossing the antimeridian; `near` is (lat, lon, km). `actor` is an actor id (exact,
    e.g. "RUS.MIL") or part of an actor's name (any case), on either side: the actors or the
    targets. `text` is plain words that must all appear in the article's title or text (FTS5).
    `min_corroboration` keeps events whose article is in a same-incident cluster told by at least
    that many independent sources (articles not linked yet have no cluster and never match).
    Without a `certainty` filter only events said to have happened are kept (not `possible` or
    `negated`: ask for those by name); background events (told as history) only with
    `include_background`; the events of an article linking found to copy an earlier one (the same
    text again) only with `include_copies`.

    A single string given for `certainty` is one value, and a `date` for `since`/`until` its ISO
    day, so library callers can write `EventFilter(certainty="hedged", since=date(2023, 1, 1))`.
    """

    type: str | None = None
    subtype: str | None = None
    since: str | None = None
    until: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    near: tuple[float, float, float] | None = None
    actor: str | None = None
    certainty: tuple[str, ...] = ()
    text: str | None = None
    min_corroboration: int | None = None  # events of articles whose cluster has this many sources
    include_background: bool = False  # background events (told as history) are left out unless asked
    include_copies: bool = False  # events of an article copying an earlier one are left out unless asked

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.default == () and not isinstance(value, tuple):
                object.__setattr__(self, f.name, (value,) if isinstance(value, str) else tuple(value or ()))
            elif isinstance(value, date):
                object.__setattr__(self, f.name, value.isoformat())


@cache
def taxonomy() -> dict[str, tuple[str, ...]]:
    """ACLED event type -> its sub-event types, as the events lexicon lists them."""
    from .lexicons import load_lexicon

    out: dict[str, list[str]] = {}
    for entry in load_lexicon("events")["type"]:
        subs = out.setdefault(entry["type"], [])
        if entry["subtype"] not in subs:
            subs.append(entry["subtype"])
    return {t: tuple(s) for t, s in out.items()}


def parse_day(name: str, value: str) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD, a real calendar date."""
    m = _DAY.fullmatch(value.strip())
    if not m:
        raise FilterError(f"{name}: expected YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2022-02-24), got {value!r}")
    year, month, day = (int(g) if g else None for g in m.groups())
    if month is not None and not 1 <= month <= 12:
        raise FilterError(f"{name}: {value!r} has no month {month:02d}")
    if day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise FilterError(f"{name}: {value!r} is not a calendar date")
    if year < 1:
        raise FilterError(f"{name}: {value!r} is before year 1")
    return value.strip()


def check_range(since: str | None, until: str | None) -> None:
    """`since` may not start after `until` ends (2022-11 to 2022-11-30 is one month)."""
    if since and until and since[: len(until)] > until:
        raise FilterError(f"since ({since}) is after until ({until}): nothing can match")


def parse_kind(name: str, value: str, kinds: Iterable[str]) -> str:
    """An event type (or sub-event type) exactly as named, whatever its case; else an error
    naming the nearest ones."""
    kinds = list(kinds)
    given = value.strip()
    by_fold = {k.casefold(): k for k in kinds}
    if given.casefold() in by_fold:
        return by_fold[given.casefold()]
    starts = [k for k in kinds if k.casefold().startswith(given.casefold())] if given else []
    near = starts or difflib.get_close_matches(given, kinds, n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(map(repr, near))}?" if near else "."
    raise FilterError(f"{name}: no {name} {given!r}{hint} Known: {', '.join(kinds)}")


def parse_type(value: str) -> str:
    """An event type; a sub-event type given as one is pointed to `subtype`."""
    try:
        return parse_kind("type", value, taxonomy())
    except FilterError as not_a_type:
        given = value.strip().casefold()
        subtypes = [s for s in _subtypes() if given and s.casefold().startswith(given)]
        if not subtypes:
            raise not_a_type from None
        raise FilterError(f"type: {value.strip()!r} is no event type; did you mean the sub-event type "
                          f"{' or '.join(map(repr, subtypes))} (subtype=...)?") from None


def _subtypes() -> list[str]:
    return [s for subs in taxonomy().values() for s in subs]


def parse_subtype(value: str) -> str:
    return parse_kind("subtype", value, _subtypes())


def parse_type_or_subtype(value: str) -> tuple[str | None, str | None]:
    """The command line's `--type`, which takes either: (type, None) or (None, subtype)."""
    every = {**{t: (t, None) for t in taxonomy()}, **{s: (None, s) for s in _subtypes()}}
    return every[parse_kind("type", value, every)]


MAX_CORROBORATION = 1_000_000  # past any count of outlets; also keeps the value a 64-bit integer


def parse_min_corroboration(value: str | int) -> int:
    """A whole number of sources, 1 to MAX_CORROBORATION."""
    try:
        n = int(str(value).strip())
    except ValueError:
        n = 0
    if not 1 <= n <= MAX_CORROBORATION:
        raise FilterError(f"min_corroboration: expected a whole number from 1 to {MAX_CORROBORATION:,}, got {value!r}")
    return n


def parse_certainties(values: Iterable[str]) -> tuple[str, ...]:
    """Repeated or comma-separated certainties, each one of CERTAINTIES."""
    found = tuple(v.strip() for value in values or () for v in value.split(",") if v.strip())
    unknown = [v for v in found if v not in CERTAINTIES]
    if unknown:
        raise FilterError(f"certainty: unknown {', '.join(map(repr, unknown))}; use {', '.join(CERTAINTIES)}")
    return found
