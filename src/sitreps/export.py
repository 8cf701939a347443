"""Exports that stream: JSON Lines, ACLED-style CSV and GeoJSON.

Each writer takes an iterable of dicts and a text file handle, writes as it goes (nothing is
collected in memory) and returns how many records it wrote. The event writers take event
dicts as `Store.iter_events` / `query_events` yield them: the `sitreps/3` event dict plus
"article_id", "url", "title" and "published"; a bare `serialize.event_dict` works too, with
those columns left empty.

ACLED-style CSV columns (`write_events_csv`), from an event dict `e`:

    event_id_cnty    e["id"] (our content-hash id, not an ACLED country-prefixed number)
    event_date       the event time's ISO value, first date of an interval, as YYYY-MM-DD:
                     a month "2022-11" becomes 2022-11-01, a year 2022-01-01, an ISO week its
                     Monday; empty when the event has no usable date
    year             the year of event_date, or empty
    time_precision   as ACLED codes it: 1 = a day; 2 = a week, or an interval of up to 7 days;
                     3 = a month, a year, or an interval longer than a week; empty when undated.
                     Taken from the time's grain, else from the shape of its value; a date the
                     text does not state (basis `published`: the report's day) is at best 2
    event_type       e["type"]
    sub_event_type   e["subtype"]
    actor1           name of the first actor
    assoc_actor_1    empty (we do not separate associated actors)
    actor2           name of the first target
    country          place country: ISO 3166-1 alpha-2 code (ACLED writes the country name)
    admin1           place admin1
    location         place name, else the place text as written
    latitude         place lat
    longitude        place lon
    geo_precision    as ACLED codes it from our place precision: 1 = city (a town or village);
                     2 = district (admin2) or front (the sector around a town); 3 = admin1,
                     region, water or country; empty when the event has no place or the place
                     is unresolved
    source           the source's resolved name, else its text
    source_scale     empty
    notes            the evidence sentences' text when the event dicts carry it (the store's
                     do), else the trigger text
    fatalities       the fatality count's lower bound ("at least 12" -> 12), else its upper
                     ("up to 20" -> 20); empty when none was reported (ACLED writes 0)
    certainty        our extra column: asserted, confirmed, reported, hedged, possible, negated
    article_id       the stored article the event came from
    url              that article's URL
    cluster_id       our extra column: the article's same-incident cluster (empty until linked)
    corroboration    our extra column: independent sources telling the event's incident (the
                     events linked across articles as one occurrence): distinct known outlets,
                     wire copies counting once; empty until linked, and for a possible or
                     negated event (in no incident)
    reports_outlet_unknown  our extra column: reports of that incident whose outlet is unknown
                     (never counted in corroboration); empty when corroboration is

GeoJSON (`write_events_geojson`): a FeatureCollection of Point features, coordinates in
[longitude, latitude] order (RFC 7946), one per event with both coordinates; the others are
left out and counted in the foreign member "skipped_without_coordinates", written last.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from datetime import date
from typing import TextIO

from .serialize import count_best

CSV_COLUMNS: tuple[str, ...] = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "certainty",
    "article_id",
    "url",
    "cluster_id",
    "corroboration",
    "reports_outlet_unknown",
)

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


def _name(mention: dict | None) -> str:
    if not mention:
        return ""
    return mention.get("name") or mention.get("text") or ""


def _notes(e: dict) -> str:
    texts = [s["text"] for s in e.get("evidence") or () if s.get("text")]
    if texts:
        return " ".join(t.strip() for t in texts)
    return ((e.get("trigger") or {}).get("text")) or ""


def _blank(value: object) -> object:
    return "" if value is None else value


def event_csv_row(e: dict) -> dict:
    """One event dict -> one ACLED-style CSV row (see the module docstring)."""
    place = e.get("place") or {}
    actors, targets = e.get("actors") or [], e.get("targets") or []
    when, year, time_precision = event_date(e.get("time"))
    return {
        "event_id_cnty": e.get("id", ""),
        "event_date": when,
        "year": year,
        "time_precision": _blank(time_precision),
        "event_type": _blank(e.get("type")),
        "sub_event_type": _blank(e.get("subtype")),
        "actor1": actors[0]["name"] if actors else "",
        "assoc_actor_1": "",
        "actor2": targets[0]["name"] if targets else "",
        "country": _blank(place.get("country")),
        "admin1": _blank(place.get("admin1")),
        "location": place.get("name") or place.get("text") or "",
        "latitude": _blank(place.get("lat")),
        "longitude": _blank(place.get("lon")),
        "geo_precision": _blank(GEO_PRECISION.get(place.get("precision") or "")),
        "source": _name(e.get("source")),
        "source_scale": "",
        "notes": _notes(e),
        "fatalities": _blank(count_best(e.get("fatalities"))),
        "certainty": _blank(e.get("certainty")),
        "article_id": _blank(e.get("article_id")),
        "url": _blank(e.get("url")),
        "cluster_id": _blank(e.get("cluster_id")),
        "corroboration": _blank(e.get("corroboration")),
        "reports_outlet_unknown": _blank(e.get("reports_outlet_unknown")),
    }


def write_jsonl(rows: Iterable[dict], fh: TextIO) -> int:
    """One JSON object per line (UTF-8 text, not ASCII-escaped); returns the rows written."""
    n = 0
    for row in rows:
        fh.write(json.dumps(row, ensure_ascii=False))
        fh.write("\n")
        n += 1
    return n


def write_events_csv(events: Iterable[dict], fh: TextIO) -> int:
    """ACLED-style CSV with a header row; returns the events written.

    Open `fh` with newline="" as the csv module asks.
    """
    writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    n = 0
    for e in events:
        writer.writerow(event_csv_row(e))
        n += 1
    return n


def event_feature(e: dict) -> dict | None:
    """One event dict -> a GeoJSON Point feature, or None when it has no coordinates."""
    place = e.get("place") or {}
    lat, lon = place.get("lat"), place.get("lon")
    if lat is None or lon is None:
        return None
    when, _, time_precision = event_date(e.get("time"))
    return {
        "type": "Feature",
        "id": e.get("id"),
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "id": e.get("id"),
            "type": e.get("type"),
            "subtype": e.get("subtype"),
            "date": when or None,
            "time": (e.get("time") or {}).get("value"),
            "time_precision": time_precision,
            "certainty": e.get("certainty"),
            "fatalities": count_best(e.get("fatalities")),
            "place": place.get("name") or place.get("text"),
            "country": place.get("country"),
            "admin1": place.get("admin1"),
            "precision": place.get("precision"),
            "actors": [a["name"] for a in e.get("actors") or ()],
            "targets": [a["name"] for a in e.get("targets") or ()],
            "source": _name(e.get("source")) or None,
            "notes": _notes(e),
            "article_id": e.get("article_id"),
            "url": e.get("url"),
            "title": e.get("title"),
            "published": e.get("published"),
            "cluster_id": e.get("cluster_id"),
            "corroboration": e.get("corroboration"),
            "reports_outlet_unknown": e.get("reports_outlet_unknown"),
        },
    }


def write_events_geojson(events: Iterable[dict], fh: TextIO) -> int:
    """A FeatureCollection of the events that have coordinates; returns the features written."""
    fh.write('{"type": "FeatureCollection", "features": [')
    written = skipped = 0
    for e in events:
        feature = event_feature(e)
        if feature is None:
            skipped += 1
            continue
        fh.write("\n" if written == 0 else ",\n")
        fh.write(json.dumps(feature, ensure_ascii=False))
        written += 1
    fh.write(f'\n], "skipped_without_coordinates": {skipped}}}\n')
    return written
