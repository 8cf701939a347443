"""Read-only queries over a store that the `Store` interface does not cover: one event by
id, a filtered page of events with a keyset cursor, the number of matches, and statistics.
The JSON API (sitreps.api) is their first user; events come back as plain dicts, the shape
`Store.query_events` gives them.

    from sitreps.store.queries import EventFilter, event_page, open_reader
    with open_reader("sitreps.db") as store:
        page = event_page(store, EventFilter(type="Battles", since="2022-11"), limit=100)
        page.events, page.count, page.next_key      # next_key is None on the last page

Order is the first day of the events' date (conditions.py), then their id, undated events
last. A page is cut by a *keyset* (the last row's first day and id), not an offset, so page
1,000 costs what page 1 costs and rows added meanwhile neither repeat nor vanish. Filters go
into SQL and the page is picked on the narrow index columns before the wide JSON columns are
read, so a query never loads a table into Python (`benchmarks/api_latency.py` measures it over
100,000 events).

The SQL is written for SQLite and runs on the PostgreSQL store too: its connection takes the
same `?` placeholders, its tables have the same columns (and a `rowid`), and what PostgreSQL
says differently comes from the store's `dialect` (conditions.py).
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass, replace
from datetime import date

from ..filters import EventFilter, countries
from .conditions import event_conditions, near_box, where_conditions
from .sqlite import EVENT_COLUMNS, EVENTS_FROM, SQLiteStore, event_from_row
from .urls import open_store

SPARSE = 5_000  # at most about this many matches: one pass gives both the page and the count

# A page's position: (first day or None for the undated tail, event id).
Key = tuple[str | None, str]


@dataclass(frozen=True)
class EventPage:
    events: list[dict]
    count: int  # events matching the filters, on every page
    next_key: Key | None = None  # where the next page starts; None on the last page


def open_reader(path: str | os.PathLike, *, any_thread: bool = False) -> SQLiteStore:
    """The store at `path` (a path or a URL: store/urls.py), schema brought up to date, then
    refusing writes.

    A server opens one per thread: a SQLite connection belongs to the thread that opened it,
    and WAL lets readers in many threads (and one writer) work at once. A download opens its own
    with `any_thread` (see `open_store`) and closes it when the stream ends."""
    store = open_store(path, any_thread=any_thread)
    store.refuse_writes()
    return store


def get_event(store: SQLiteStore, event_id: str) -> dict | None:
    """One event as `query_events` gives it (sitreps/3 dict, evidence with text, article fields)."""
    row = store._conn.execute(_SELECT + " WHERE e.id = ?", (event_id,)).fetchone()
    return None if row is None else event_from_row(row)


def event_page(
    store: SQLiteStore,
    filters: EventFilter,
    *,
    limit: int,
    after: Key | None = None,
    count: int | None = None,
) -> EventPage:
    """Up to `limit` events matching `filters` after the key `after`, and how many match in all.

    Give `count` on later pages (the first page's, carried in its cursor) and nothing is
    recounted. The plan depends on how many events match, because SQLite's planner, without
    statistics, always picks a filter column's index:
    - few (an index-only estimate of at most SPARSE, first page): one pass finds them all,
      sorts them and counts them (a window function);
    - many (dense among the rows between the cursor and `until`): count them, then walk the
      first-day index in order and stop after `limit` hits;
    - in between: count them, then a filter index finds them and they are sorted.
    The `since` condition cannot use the first-day index (an interval that began earlier still
    overlaps), so a first page's walk starts at the oldest event; later ones at the cursor.
    """
    conn = store._conn
    want = limit + 1  # one more than asked tells whether a next page exists
    if after is None and count is None and _estimate(store, filters) <= SPARSE:
        where, params = _where(store, filters)
        sql = (
            f"SELECT {EVENT_COLUMNS}, page.n {EVENTS_FROM}"
            f" JOIN (SELECT e.rowid AS rid, count(*) OVER () AS n FROM events e{_and(where)}"
            f" ORDER BY {_ORDER} LIMIT ?) page ON e.rowid = page.rid ORDER BY {_ORDER}"
        )
        rows = conn.execute(sql, [*params, want]).fetchall()
        count = rows[0][-1] if rows else 0
    else:
        if count is None:
            count = count_events(store, filters)
        # Walking the first-day index reads about want * rows / count rows before the page is full;
        # a filter index reads about `count` and sorts them.
        low = after[0] if after is not None and after[0] is not None else ""
        rows_walked = _dated_rows(conn, low, (filters.until or "9999") + "~")
        rows = _walk_rows(store, filters, after, want, walk=count * count > want * rows_walked)
    more = len(rows) > limit
    rows = rows[:limit]
    next_key = (rows[-1][6], rows[-1][7]) if more and rows else None
    return EventPage([event_from_row(r) for r in rows], count, next_key)


def _walk_rows(
    store: SQLiteStore, filters: EventFilter, after: Key | None, want: int, walk: bool
) -> list[tuple]:
    # Dated events, then undated ones: two queries, so that the first can follow the first-day index.
    conn = store._conn
    where, params = _where(store, filters, walk=walk)
    rows: list[tuple] = []
    if after is None or after[0] is not None:
        dated = where + ["e.first_day IS NOT NULL"]
        dated_params = list(params)
        if after is not None:
            dated.append("(e.first_day, e.id) > (?, ?)")
            dated_params += list(after)
        rows += _page_rows(conn, dated, dated_params, "e.first_day, e.id", want)
    if len(rows) < want and not (filters.since or filters.until):  # a date filter excludes undated
        undated = where + ["e.first_day IS NULL"]
        undated_params = list(params)
        if after is not None and after[0] is None:
            undated.append("e.id > ?")
            undated_params.append(after[1])
        rows += _page_rows(conn, undated, undated_params, "e.id", want - len(rows))
    return rows


def _estimate(store: SQLiteStore, f: EventFilter) -> int:
    """About the most events that can match: the smallest count one index answers alone (date
    range, type, box); by first day, so an interval begun before `since` is missed."""
    conn = store._conn
    counts = [conn.execute("SELECT count(*) FROM events").fetchone()[0]]
    if f.since or f.until:
        counts.append(_dated_rows(conn, f.since or "", (f.until or "9999") + "~"))
    if f.type is not None:
        counts.append(conn.execute("SELECT count(*) FROM events WHERE type = ?", (f.type,)).fetchone()[0])
    for condition, params in where_conditions(f):
        counts.append(conn.execute(f"SELECT count(*) FROM events e WHERE {condition}", params).fetchone()[0])
    box = f.bbox or (near_box(*f.near) if f.near else None)
    if box is not None:
        min_lon, min_lat, max_lon, max_lat = box
        lon = "lon BETWEEN ? AND ?" if min_lon <= max_lon else "(lon >= ? OR lon <= ?)"
        sql = f"SELECT count(*) FROM events WHERE lat BETWEEN ? AND ? AND {lon}"
        counts.append(conn.execute(sql, (min_lat, max_lat, min_lon, max_lon)).fetchone()[0])
    return min(counts)


def _dated_rows(conn: sqlite3.Connection, low: str, high: str) -> int:
    """Events whose first day lies in [low, high]: counted on its index alone, cheap."""
    sql = "SELECT count(*) FROM events WHERE first_day >= ? AND first_day <= ?"
    return conn.execute(sql, (low, high)).fetchone()[0]


# The columns the where filters match, and what `stored_values` lists.
WHERE_COLUMNS = ("country", "admin1", "admin2", "place_id", "place_name")


def stored_values(store: SQLiteStore, column: str) -> list[str]:
    """Every value one of WHERE_COLUMNS holds, for every stored event: what sitreps.filters
    checks the where filters against (read on the column's index)."""
    if column not in WHERE_COLUMNS:
        raise ValueError(f"not a where column: {column!r}")
    sql = f"SELECT DISTINCT {column} FROM events WHERE {column} IS NOT NULL"
    return [value for (value,) in store._conn.execute(sql)]


def count_events(store: SQLiteStore, filters: EventFilter) -> int:
    where, params = _where(store, filters)
    sql = "SELECT count(*) FROM events e" + _and(where)
    return store._conn.execute(sql, params).fetchone()[0]


def event_stats(store: SQLiteStore, filters: EventFilter) -> dict:
    """Matching events by type, by month and by certainty, in one pass over the matches.

    `by_month` counts every dated event once, in the month of the first day its date covers
    (the days of migration 0008): a day or a time in its month, a week in the month of its
    Monday, a month in itself, a year in its January, an interval in the month it begins. So a
    timeline drawn from it holds every dated event, and its counts add up to `events` less
    `undated` (a date of a shape sitreps does not write, kept as it is, has no first day and is
    in no month). `by_month_rough` counts, of those, the events whose dates run past the month
    they are counted in (a year, a week or an interval across months: the timeline marks them).
    `undated` counts events without a date; `first`/`last` are the earliest first day and the
    latest last day among dated events (conditions.py: a week's are days, where its ISO value
    would sort after every day of its year)."""
    where, params = _where(store, filters)
    sql = (
        f"SELECT e.type, {store.dialect.month},"
        " e.certainty, e.date IS NULL, count(*), min(e.first_day), max(e.last_day),"
        " sum(CASE WHEN substr(e.last_day, 1, 7) <> substr(e.first_day, 1, 7) THEN 1 ELSE 0 END)"
        " FROM events e" + _and(where) + " GROUP BY 1, 2, 3, 4"
    )
    by_type: dict[str, int] = {}
    by_month: dict[str, int] = {}
    by_month_rough: dict[str, int] = {}
    by_certainty: dict[str, int] = {}
    total = undated = 0
    first = last = None
    for type_, month, certainty, no_date, n, low, high, rough in store._conn.execute(sql, params):
        total += n
        by_type[type_] = by_type.get(type_, 0) + n
        by_certainty[certainty] = by_certainty.get(certainty, 0) + n
        if no_date:
            undated += n
            continue
        if month is not None:
            by_month[month] = by_month.get(month, 0) + n
            if rough:
                by_month_rough[month] = by_month_rough.get(month, 0) + rough
        first = low if first is None else min(first, low)
        last = high if last is None else max(last, high)
    return {
        "events": total,
        "undated": undated,
        "first": first,
        "last": last,
        "by_type": dict(sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0]))),
        "by_month": dict(sorted(by_month.items())),
        "by_month_rough": dict(sorted(by_month_rough.items())),
        "by_certainty": dict(sorted(by_certainty.items(), key=lambda kv: (-kv[1], kv[0] or ""))),
    }


MAX_OPTIONS = 200  # values listed per where filter (a store may hold thousands of places)
_NO_WHERE = {"country": (), "admin1": (), "admin2": (), "place": ()}


def where_counts(store: SQLiteStore, filters: EventFilter) -> dict[str, dict]:
    """The values of each where filter (country, admin1, admin2, place) among the events
    matching every *other* filter, with how many: what the map page offers in its select boxes.

    {"country": {"options": [{"value": "UA", "label": "UA Ukraine", "count": 12}, ...], "more": 0}, ...}

    Options come most events first, at most MAX_OPTIONS (`more` counts the rest); a place's value
    is its gazetteer id (its name when it has none), its label the name and its admin1."""
    where, params = _where(store, replace(filters, **_NO_WHERE))
    sql = (
        "SELECT e.country, e.admin1, e.admin2, e.place_id, e.place_name, count(*) FROM events e"
        + _and(where) + " GROUP BY 1, 2, 3, 4, 5"
    )
    rows = store._conn.execute(sql, params).fetchall()
    names = countries()
    out = {}
    for level in _NO_WHERE:
        counts: dict[str, int] = {}
        labels: dict[str, str] = {}
        for row in rows:
            value = _level_value(level, row)
            if value is None or not all(_chosen(filters, other, row) for other in _NO_WHERE if other != level):
                continue
            counts[value] = counts.get(value, 0) + row[5]
            labels.setdefault(value, _level_label(level, row, names))
        ranked = sorted(counts, key=lambda v: (-counts[v], labels[v].casefold()))
        options = [{"value": v, "label": labels[v], "count": counts[v]} for v in ranked[:MAX_OPTIONS]]
        out[level] = {"options": options, "more": max(0, len(ranked) - MAX_OPTIONS)}
    return out


def _level_value(level: str, row: tuple) -> str | None:
    country, admin1, admin2, place_id, place_name, _ = row
    return {"country": country, "admin1": admin1, "admin2": admin2, "place": place_id or place_name}[level]


def _chosen(f: EventFilter, level: str, row: tuple) -> bool:
    """Whether a row's events pass the where filter `level` of `f` (as the SQL would)."""
    chosen = getattr(f, level)
    if not chosen:
        return True
    if level == "place":
        return row[3] in chosen or row[4] in chosen
    return _level_value(level, row) in chosen


def _level_label(level: str, row: tuple, names: dict[str, str]) -> str:
    country, admin1, _, _, place_name, _ = row
    if level == "country":
        return f"{country} {names[country]}" if country in names else country
    if level == "place":
        return f"{place_name}, {admin1}" if admin1 else place_name
    return _level_value(level, row)


# -- SQL ------------------------------------------------------------------------------------------

_ORDER = "e.first_day IS NULL, e.first_day, e.id"  # undated last
_SELECT = f"SELECT {EVENT_COLUMNS} {EVENTS_FROM}"


def _page_rows(conn: sqlite3.Connection, where: list[str], params: list, order: str, n: int) -> list[tuple]:
    # The page is chosen on narrow columns first (the first-day index, the id), then only its rows'
    # JSON is read: sorting whole rows would drag every match's event_json through the sorter.
    sql = (
        f"{_SELECT} JOIN (SELECT e.rowid AS rid FROM events e{_and(where)} ORDER BY {order} LIMIT ?) page"
        f" ON e.rowid = page.rid ORDER BY {order}"
    )
    return conn.execute(sql, [*params, n]).fetchall()


def _and(where: list[str]) -> str:
    return " WHERE " + " AND ".join(where) if where else ""


def _where(store: SQLiteStore, f: EventFilter, walk: bool = False) -> tuple[list[str], list]:
    return event_conditions(f, has_fts=store.has_fts, walk=walk, dialect=store.dialect)


def events_of(store: SQLiteStore, article_ids: list[str]) -> list[dict]:
    """Every event of the given articles, in the API's order (first day, id; undated last)."""
    sql = f"{_SELECT} WHERE e.article_id IN ({store.dialect.json_values}) ORDER BY {_ORDER}"
    return [event_from_row(row) for row in store._conn.execute(sql, (store.dialect.json_list(article_ids),))]


# -- map markers (the web UI's /points.json) -------------------------------------------------------
# The map's markers: every located event matching the filters, a few narrow columns each.
#
#     GET /points.json?type=Battles&since=2022-11      (the map page's filters, as /api/events)
#     {"count": 1234, "located": 1100, "truncated": false,
#      "fields": ["id", "lat", "lon", "type", "first_day", "certainty", "rough", "area", "days"],
#      "types": [...], "certainties": [...],
#      "points": [["3f2a...", 48.1, 37.8, 0, "2022-11-10", 1, 0, null, 1], ...],
#      "areas": [{"name": "Ukraine", "precision": "country", "country": "UA", "admin1": null,
#                 "lat": 49.0, "lon": 32.0, "count": 35}, ...]}
#
# `type` and `certainty` are indexes into `types` and `certainties`; `first_day` is the first day
# the event's date covers and `days` how many days it covers (migration 0008: 1 for a day or a
# time, 7 for a week, 28 to 31 for a month, 365 or 366 for a year, an interval's length), so the
# timeline can place a week or a month on its axis of days, where their ISO values ("2023-W03",
# "2023-01") have no day; both null when undated, `days` null when its last day is no day (a
# date of another shape, kept as it is). `rough` is 1 when the point stands for something larger
# than a town (a hromada, a raion, a front sector) or is a parent unit's point. `area` is null for a
# point, else the index in `areas` of the place the event is placed only to: an oblast or larger
# (AREA precisions). Such an event's point is the centre of a country or region, which a marker
# would pass off as a place: the map lists these by area and shades the area instead. Events
# without coordinates are counted (`count` - `located`) but have no point. /api/events pages
# would carry every event's full record (about 1.2 kB each) for what a marker needs: this reads
# the narrow columns of the events table with the same conditions (store.queries' filters), so
# 10,000 markers are one request of about 0.5 MB. Details come from /api/events/{id} when a
# marker is opened.

MAX_POINTS = 50_000
FINE = ("city", "district")
# Placed only to a first-level unit or something larger: ACLED's geo_precision 3 (export.py),
# and continents. A front sector, a raion or a hromada stays a (rough) point.
AREA = ("admin1", "region", "water", "country", "continent")


def event_bounds(store, filters: EventFilter) -> list[list[float]] | None:
    """[[south, west], [north, east]] around the located matches (the map's first view): the
    points, leaving out the centres of the areas (AREA) unless every match is one."""
    where, params = _where(store, filters)
    point = f"(e.precision IS NULL OR e.precision NOT IN ({', '.join('?' * len(AREA))}))"
    sql = (
        f"SELECT min(CASE WHEN {point} THEN e.lat END), min(CASE WHEN {point} THEN e.lon END),"
        f" max(CASE WHEN {point} THEN e.lat END), max(CASE WHEN {point} THEN e.lon END),"
        " min(e.lat), min(e.lon), max(e.lat), max(e.lon) FROM events e"
        + _and([*where, "e.lat IS NOT NULL", "e.lon IS NOT NULL"])
    )
    row = store._conn.execute(sql, [*AREA * 4, *params]).fetchone()
    south, west, north, east = row[:4] if row[0] is not None else row[4:]
    return None if south is None else [[south, west], [north, east]]


def event_points(store, filters: EventFilter, limit: int = MAX_POINTS) -> dict:
    count = count_events(store, filters)
    where, params = _where(store, filters)
    where = [*where, "e.lat IS NOT NULL", "e.lon IS NOT NULL"]
    # Rough: coarser than a town, or a town placed at its parent unit's point (read from the
    # JSON only for towns). Sorted only when there are too many: the first ones by date.
    sql = (
        "SELECT e.id, e.lat, e.lon, e.type, e.first_day, e.certainty, CASE WHEN e.precision IN (?, ?)"
        f" THEN {store.dialect.parent_point} ELSE 1 END, e.precision, e.place_id, e.place_name, e.country,"
        " e.admin1, e.last_day"
        f" FROM events e{_and(where)}{f' ORDER BY {_ORDER}' if count > limit else ''} LIMIT ?"
    )
    rows = store._conn.execute(sql, [*FINE, *params, limit + 1]).fetchall()
    truncated = len(rows) > limit
    types: dict[str, int] = {}
    certainties: dict[str | None, int] = {}
    areas: dict[tuple, int] = {}
    area_list: list[dict] = []
    points = []
    for row in rows[:limit]:
        id_, lat, lon, type_, first, certainty, rough, precision, place_id, name, country, admin1, last = row
        t = types.setdefault(type_, len(types))
        c = certainties.setdefault(certainty, len(certainties))
        area = None
        if precision in AREA:
            key = (precision, place_id or name, country, admin1)
            if key not in areas:
                areas[key] = len(area_list)
                area_list.append({"name": name, "precision": precision, "country": country, "admin1": admin1,
                                  "lat": round(lat, 5), "lon": round(lon, 5), "count": 0})  # fmt: skip
            area = areas[key]
            area_list[area]["count"] += 1
        day, days = _days(first, last)
        points.append([id_, round(lat, 5), round(lon, 5), t, day, c, rough, area, days])
    return {
        "count": count,
        "located": None if truncated else len(points),
        "truncated": truncated,
        "fields": ["id", "lat", "lon", "type", "first_day", "certainty", "rough", "area", "days"],
        "types": list(types),
        "certainties": list(certainties),
        "points": points,
        "areas": area_list,
    }


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _days(first: str | None, last: str | None) -> tuple[str | None, int | None]:
    """(the first day, how many days) of an event's first_day and last_day: a time's day is its
    first ten characters; (None, None) when undated or the first day is no day."""
    if first is None or not _DAY.match(first):
        return None, None
    day = first[:10]
    if last is not None and last[:10] == day:
        return day, 1  # a day, a time, or an interval within one day: no date parsed
    try:
        days = (date.fromisoformat(last[:10]) - date.fromisoformat(day)).days + 1
    except (TypeError, ValueError):
        return day, None
    return day, days if days >= 1 else None
