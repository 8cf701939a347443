"""Exports that stream: JSON Lines, ACLED-style CSV and GeoJSON.

The event exports take event dicts as `Store.iter_events` gives them (the `sitreps/3` event dict
plus its article's "article_id", "url", "title", "published", "ingested_at" and its cluster's
"cluster_id", "corroboration"); a bare `serialize.event_dict` works too, with those left empty.

Each format is a generator of text chunks (`csv_chunks`, `geojson_chunks`, `jsonl_chunks`) that
holds one event at a time, so the API can stream every match of a filter and the command line
can write a file of any size; `write_*` write the chunks to a text file handle and return how
many records they wrote.

`event_row` is one event as ACLED's columns and ours: the CSV writes it, empty cells for None;
a GeoJSON feature's properties are the same dict under the same names (numbers as numbers,
None as null), plus the article's title and publication date. docs/contract.md ("Exports")
says what every column holds and when it is empty; nothing is filled in that the record does not
say.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Generator, Iterable
from datetime import UTC, date, datetime
from typing import TextIO

from .filters import countries, country_numbers
from .serialize import count_best

# ACLED's columns in ACLED's order (those we can fill, or say we cannot), then our own.
CSV_COLUMNS: tuple[str, ...] = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "country",
    "admin1",
    "admin2",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "timestamp",
    # ours
    "country_code",
    "certainty",
    "article_id",
    "url",
    "cluster_id",
    "corroboration",
    "reports_outlet_unknown",
)
# What a GeoJSON feature carries besides the CSV's columns.
GEOJSON_EXTRA: tuple[str, ...] = ("title", "published")

GEO_PRECISION: dict[str, int] = {
    "city": 1,
    "district": 2,
    "front": 2,
    "admin1": 3,
    "region": 3,
    "water": 3,
    "country": 3,
}

_TIME_PRECISION_BY_GRAIN: dict[str, int] = {"day": 1, "week": 2, "month": 3, "year": 3}

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})")

# ACLED's disorder types by event type; two sub-event types are both (ACLED's own pairing).
POLITICAL_VIOLENCE = "Political violence"
DISORDER_TYPE: dict[str, str] = {
    "Battles": POLITICAL_VIOLENCE,
    "Explosions/Remote violence": POLITICAL_VIOLENCE,
    "Violence against civilians": POLITICAL_VIOLENCE,
    "Protests": "Demonstrations",
    "Riots": "Demonstrations",
    "Strategic developments": "Strategic developments",
}
DISORDER_BY_SUBTYPE: dict[str, str] = {
    "Excessive force against protesters": "Political violence; Demonstrations",
    "Mob violence": "Political violence; Demonstrations",
}

# ACLED's actor-type (inter) codes from an actor's kind. State forces (the military, the police,
# a government) are 1 in their own country and 8 (external forces) in another, so they need the
# place's country; an armed group may be a rebel group (2) or a militia (3, 4), which the kind
# does not say, and nationals ("the Russians") and persons are no actor type: all left empty.
STATE_KINDS = frozenset({"state_forces", "police", "government"})
INTER_BY_KIND: dict[str, int] = {"rioters": 5, "protesters": 6, "civilians": 7, "international": 8}
CIVILIAN_TARGETING = "Civilian targeting"


def _first_date(value: str) -> tuple[date, int] | None:
    """An ISO value (not an interval) -> (its first day, ACLED precision of its shape)."""
    try:
        if m := _DAY.match(value):
            return date(int(m[1]), int(m[2]), int(m[3])), 1
        if m := _WEEK.match(value):
            return date.fromisocalendar(int(m[1]), int(m[2]), 1), 2
        if m := _MONTH.match(value):
            return date(int(m[1]), int(m[2]), 1), 3
        if m := _YEAR.match(value):
            return date(int(m[1]), 1, 1), 3
    except ValueError:
        return None
    return None


def event_date(time: dict | None) -> tuple[str, str, int | None]:
    """A sitreps/3 time dict -> (event_date, year, time_precision) as ACLED writes them."""
    value = (time or {}).get("value")
    if not value:
        return "", "", None
    first, sep, last = value.partition("/")
    parsed = _first_date(first)
    if parsed is None:
        return "", "", None
    day, precision = parsed
    if sep:
        end = _first_date(last)
        precision = 2 if end is not None and (end[0] - day).days <= 7 else 3
    else:
        precision = _TIME_PRECISION_BY_GRAIN.get((time or {}).get("grain") or "", precision)
    if (time or {}).get("basis") == "published":
        precision = max(precision or 1, 2)  # the report's day: the event is near it, not on it for sure
    return day.isoformat(), str(day.year), precision


def disorder_type(e: dict) -> str | None:
    return DISORDER_BY_SUBTYPE.get(e.get("subtype") or "") or DISORDER_TYPE.get(e.get("type") or "")


def inter_code(actor: dict | None, country: str | None) -> int | None:
    """ACLED's inter code of an actor (a sitreps/3 actor dict) in an event placed in `country`
    (ISO alpha-2), or None when its kind does not say it."""
    if not actor:
        return None
    kind = actor.get("kind")
    if kind in STATE_KINDS:
        own = actor.get("country")
        if own is None:
            return 1  # police named without a country: the country's own
        if country is None:
            return None  # at home (1) or abroad (8): the place does not say
        return 1 if own == country else 8
    return INTER_BY_KIND.get(kind or "")


def interaction(inter1: int | None, inter2: int | None, has_actor2: bool) -> int | None:
    """ACLED's two-digit interaction: the lower code first; an event without a second actor is
    the first actor's code followed by 0. None when a code it needs is unknown."""
    if inter1 is None:
        return None
    if not has_actor2:
        return inter1 * 10
    if inter2 is None:
        return None
    low, high = sorted((inter1, inter2))
    return low * 10 + high


def civilian_targeting(e: dict, actor2: dict | None) -> str | None:
    """"Civilian targeting" when civilians are the target of political violence: every violence
    against civilians, and a strike, a mob or excessive force whose (first) target is civilians.
    A battle is fought between armed groups, so never."""
    if POLITICAL_VIOLENCE not in (disorder_type(e) or "") or e.get("type") == "Battles":
        return None
    if e.get("type") == "Violence against civilians" or (actor2 or {}).get("kind") == "civilians":
        return CIVILIAN_TARGETING
    return None


def unix_time(value: str | None) -> int | None:
    """An ISO 8601 time (UTC when it names no zone) as whole seconds since 1970."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def _name(mention: dict | None) -> str:
    if not mention:
        return ""
    return mention.get("name") or mention.get("text") or ""


def _notes(e: dict) -> str:
    texts = [s["text"] for s in e.get("evidence") or () if s.get("text")]
    if texts:
        return " ".join(t.strip() for t in texts)
    return ((e.get("trigger") or {}).get("text")) or ""


def event_row(e: dict) -> dict:
    """One event dict -> its row: CSV_COLUMNS with values, None where the record does not say."""
    place = e.get("place") or {}
    actors, targets = e.get("actors") or [], e.get("targets") or []
    actor1, actor2 = (actors[0] if actors else None), (targets[0] if targets else None)
    when, year, time_precision = event_date(e.get("time"))
    code = place.get("country")
    inter1 = inter_code(actor1, code)
    inter2 = inter_code(actor2, code) if actor2 else 0  # ACLED's 0: no second actor
    return {
        "event_id_cnty": e.get("id"),
        "event_date": when or None,
        "year": int(year) if year else None,
        "time_precision": time_precision,
        "disorder_type": disorder_type(e),
        "event_type": e.get("type"),
        "sub_event_type": e.get("subtype"),
        "actor1": actor1["name"] if actor1 else None,
        "assoc_actor_1": None,  # we do not separate associated actors
        "inter1": inter1,
        "actor2": actor2["name"] if actor2 else None,
        "inter2": inter2,
        "interaction": interaction(inter1, inter2, actor2 is not None),
        "civilian_targeting": civilian_targeting(e, actor2),
        "iso": country_numbers().get(code) if code else None,
        "country": countries().get(code) if code else None,
        "admin1": place.get("admin1"),
        "admin2": place.get("admin2"),
        "location": place.get("name") or place.get("text"),
        "latitude": place.get("lat"),
        "longitude": place.get("lon"),
        "geo_precision": GEO_PRECISION.get(place.get("precision") or ""),
        "source": _name(e.get("source")) or None,
        "source_scale": None,  # the outlet's reach is not stored: see docs/contract.md
        "notes": _notes(e) or None,
        "fatalities": count_best(e.get("fatalities")),
        "timestamp": unix_time(e.get("ingested_at")),
        "country_code": code,
        "certainty": e.get("certainty"),
        "article_id": e.get("article_id"),
        "url": e.get("url"),
        "cluster_id": e.get("cluster_id"),
        "corroboration": e.get("corroboration"),
        "reports_outlet_unknown": e.get("reports_outlet_unknown"),
    }


def event_csv_row(e: dict) -> dict:
    """One event dict -> one CSV row: `event_row` with empty cells for None."""
    return {k: "" if v is None else v for k, v in event_row(e).items()}


def event_feature(e: dict) -> dict | None:
    """One event dict -> a GeoJSON Point feature, or None when it has no coordinates."""
    place = e.get("place") or {}
    lat, lon = place.get("lat"), place.get("lon")
    if lat is None or lon is None:
        return None
    properties = event_row(e)
    properties.update({k: e.get(k) for k in GEOJSON_EXTRA})
    return {
        "type": "Feature",
        "id": e.get("id"),
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": properties,
    }


# -- streams: text chunks, one record at a time; each generator returns how many it wrote ---------


def jsonl_chunks(rows: Iterable[dict]) -> Generator[str, None, int]:
    """One JSON object per line (UTF-8 text, not ASCII-escaped)."""
    n = 0
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"
        n += 1
    return n


def csv_chunks(events: Iterable[dict]) -> Generator[str, None, int]:
    """ACLED-style CSV, a header row first; lines end in CRLF (RFC 4180)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)

    def taken() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writeheader()
    yield taken()
    n = 0
    for e in events:
        writer.writerow(event_csv_row(e))
        yield taken()
        n += 1
    return n


def geojson_chunks(events: Iterable[dict]) -> Generator[str, None, int]:
    """A FeatureCollection of the events that have coordinates, [longitude, latitude] (RFC 7946);
    the others are counted in the foreign member "skipped_without_coordinates", written last."""
    yield '{"type": "FeatureCollection", "features": ['
    written = skipped = 0
    for e in events:
        feature = event_feature(e)
        if feature is None:
            skipped += 1
            continue
        yield ("\n" if written == 0 else ",\n") + json.dumps(feature, ensure_ascii=False)
        written += 1
    yield f'\n], "skipped_without_coordinates": {skipped}}}\n'
    return written


def _write(chunks: Generator[str, None, int], fh: TextIO) -> int:
    while True:
        try:
            fh.write(next(chunks))
        except StopIteration as done:
            return done.value


def write_jsonl(rows: Iterable[dict], fh: TextIO) -> int:
    """JSON Lines; returns the rows written."""
    return _write(jsonl_chunks(rows), fh)


def write_events_csv(events: Iterable[dict], fh: TextIO) -> int:
    """ACLED-style CSV with a header row; returns the events written. Open `fh` with newline=""
    as the csv module asks."""
    return _write(csv_chunks(events), fh)


def write_events_geojson(events: Iterable[dict], fh: TextIO) -> int:
    """A FeatureCollection; returns the features written (events with coordinates)."""
    return _write(geojson_chunks(events), fh)
