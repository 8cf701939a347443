"""Read-only queries over a SQLite store that the `Store` interface does not cover: one event by
id, a filtered page of events with a keyset cursor, the number of matches, and statistics.
The JSON API (sitreps.api) is their first user; events come back as plain dicts, the shape
`Store.query_events` gives them.

    from sitreps.store.queries import EventFilter, event_page, open_reader
    with open_reader("sitreps.db") as store:
        page = event_page(store, EventFilter(type="Battles", since="2022-11"), limit=100)
        page.events, page.count, page.next_key      # next_key is None on the last page

Order is the events' date, then their id, undated events last. A page is cut by a *keyset*
(the last row's date and id), not an offset, so page 1,000 costs what page 1 costs and rows
added meanwhile neither repeat nor vanish. Filters go into SQL and the page is picked on the
narrow index columns before the wide JSON columns are read, so a query never loads a table
into Python (`benchmarks/api_latency.py` measures it over 100,000 events).
"""

from __future__ import annotations

import json
import math
import os
import re
import sqlite3
from dataclasses import dataclass

from ..gazetteer import distance_km
from .sqlite import EVENTS_FROM, HAPPENED_SQL, NOT_A_COPY_SQL, SINCE_SQL, SQLiteStore, fts_query, open_store

_KM_PER_DEGREE = 111.32
SPARSE = 5_000  # at most about this many matches: one pass gives both the page and the count
_ACTOR_ID = re.compile(r"[A-Z][A-Z0-9]*(?:\.[A-Z0-9]+)*")  # actor lexicon ids: RUS.MIL, CIV, INT.UN

# A page's position: (date or None for the undated tail, event id).
Key = tuple[str | None, str]


class SearchUnavailable(Exception):
    """Text search was asked of a store whose SQLite lacks FTS5."""


@dataclass(frozen=True)
class EventFilter:
    """Every filter is optional; an event must match all that are given.

    `since`/`until` are ISO prefixes (YYYY, YYYY-MM or YYYY-MM-DD), inclusive, and keep events
    whose date or date interval overlaps the range (undated events never match). `bbox` is
    (min_lon, min_lat, max_lon, max_lat), min_lon > max_lon crossing the antimeridian; `near`
    is (lat, lon, km). `actor` is an actor id (exact, e.g. "RUS.MIL") or part of an actor's
    name (any case), on either side: the actors or the targets. `text` is plain words that
    must all appear in the article's title or text (FTS5). `min_corroboration` keeps events
    whose article is in a same-incident cluster told by at least that many independent sources
    (articles not linked yet have no cluster and never match). Without a `certainty` filter
    only events said to have happened are kept (not `possible` or `negated`: ask for those by
    name); background events (told as history) only with `include_background`; the events of
    an article linking found to copy an earlier one (the same text again) only with
    `include_copies`.
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


@dataclass(frozen=True)
class EventPage:
    events: list[dict]
    count: int  # events matching the filters, on every page
    next_key: Key | None = None  # where the next page starts; None on the last page


def open_reader(path: str | os.PathLike) -> SQLiteStore:
    """The store at `path`, schema brought up to date, then refusing writes (`query_only`).

    A server opens one per thread: a SQLite connection belongs to the thread that opened it,
    and WAL lets readers in many threads (and one writer) work at once."""
    store = open_store(path)
    store._conn.execute("PRAGMA query_only = ON")
    # Reads through a memory map: no read() call and copy per page, and the pages are shared by
    # every thread's connection (the OS page cache) instead of held once per connection.
    store._conn.execute("PRAGMA mmap_size = 1073741824")
    return store


def get_event(store: SQLiteStore, event_id: str) -> dict | None:
    """One event as `query_events` gives it (sitreps/3 dict, evidence with text, article fields)."""
    row = store._conn.execute(_SELECT + " WHERE e.id = ?", (event_id,)).fetchone()
    return None if row is None else _event(row)


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
      date index in order and stop after `limit` hits;
    - in between: count them, then a filter index finds them and they are sorted.
    The `since` condition cannot use the date index (an interval that began earlier still
    overlaps), so a first page's walk starts at the oldest event; later ones at the cursor.
    """
    conn = store._conn
    want = limit + 1  # one more than asked tells whether a next page exists
    if after is None and count is None and _estimate(store, filters) <= SPARSE:
        where, params = _where(store, filters)
        sql = (
            f"SELECT {_COLUMNS}, page.n {EVENTS_FROM}"
            f" JOIN (SELECT e.rowid AS rid, count(*) OVER () AS n FROM events e{_and(where)}"
            f" ORDER BY {_ORDER} LIMIT ?) page ON e.rowid = page.rid ORDER BY {_ORDER}"
        )
        rows = conn.execute(sql, [*params, want]).fetchall()
        count = rows[0][-1] if rows else 0
    else:
        if count is None:
            count = count_events(store, filters)
        # Walking the date index reads about want * rows / count rows before the page is full;
        # a filter index reads about `count` and sorts them.
        low = after[0] if after is not None and after[0] is not None else ""
        rows_walked = _dated_rows(conn, low, (filters.until or "9999") + "~")
        rows = _walk_rows(store, filters, after, want, walk=count * count > want * rows_walked)
    more = len(rows) > limit
    rows = rows[:limit]
    next_key = (rows[-1][8], rows[-1][9]) if more and rows else None
    return EventPage([_event(r) for r in rows], count, next_key)


def _walk_rows(
    store: SQLiteStore, filters: EventFilter, after: Key | None, want: int, walk: bool
) -> list[tuple]:
    # Dated events, then undated ones: two queries, so that the first can follow the date index.
    conn = store._conn
    where, params = _where(store, filters, walk=walk)
    rows: list[tuple] = []
    if after is None or after[0] is not None:
        dated = where + ["e.date IS NOT NULL"]
        dated_params = list(params)
        if after is not None:
            dated.append("(e.date, e.id) > (?, ?)")
            dated_params += list(after)
        rows += _page_rows(conn, dated, dated_params, "e.date, e.id", want)
    if len(rows) < want and not (filters.since or filters.until):  # a date filter excludes undated
        undated = where + ["e.date IS NULL"]
        undated_params = list(params)
        if after is not None and after[0] is None:
            undated.append("e.id > ?")
            undated_params.append(after[1])
        rows += _page_rows(conn, undated, undated_params, "e.id", want - len(rows))
    return rows


def _estimate(store: SQLiteStore, f: EventFilter) -> int:
    """About the most events that can match: the smallest count one index answers alone (date
    range, type, box); by start date, so an interval begun before `since` is missed."""
    conn = store._conn
    counts = [conn.execute("SELECT count(*) FROM events").fetchone()[0]]
    if f.since or f.until:
        counts.append(_dated_rows(conn, f.since or "", (f.until or "9999") + "~"))
    if f.type is not None:
        counts.append(conn.execute("SELECT count(*) FROM events WHERE type = ?", (f.type,)).fetchone()[0])
    box = f.bbox or (_near_box(*f.near) if f.near else None)
    if box is not None:
        min_lon, min_lat, max_lon, max_lat = box
        lon = "lon BETWEEN ? AND ?" if min_lon <= max_lon else "(lon >= ? OR lon <= ?)"
        sql = f"SELECT count(*) FROM events WHERE lat BETWEEN ? AND ? AND {lon}"
        counts.append(conn.execute(sql, (min_lat, max_lat, min_lon, max_lon)).fetchone()[0])
    return min(counts)


def _dated_rows(conn: sqlite3.Connection, low: str, high: str) -> int:
    """Events whose date lies in [low, high]: counted on the date index alone, cheap."""
    return conn.execute("SELECT count(*) FROM events WHERE date >= ? AND date <= ?", (low, high)).fetchone()[
        0
    ]


def count_events(store: SQLiteStore, filters: EventFilter) -> int:
    where, params = _where(store, filters)
    sql = "SELECT count(*) FROM events e" + _and(where)
    return store._conn.execute(sql, params).fetchone()[0]


def event_stats(store: SQLiteStore, filters: EventFilter) -> dict:
    """Matching events by type, by month and by certainty, in one pass over the matches.

    `by_month` holds events dated to a month or finer, by the month their date (or interval)
    starts; `undated` counts events without a date; `first`/`last` are the earliest start
    and the latest end among dated events."""
    where, params = _where(store, filters)
    sql = (
        "SELECT e.type, CASE WHEN e.date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]*' THEN substr(e.date, 1, 7) END,"
        " e.certainty, e.date IS NULL, count(*), min(e.date), max(coalesce(e.date_end, e.date))"
        " FROM events e" + _and(where) + " GROUP BY 1, 2, 3, 4"
    )
    by_type: dict[str, int] = {}
    by_month: dict[str, int] = {}
    by_certainty: dict[str, int] = {}
    total = undated = 0
    first = last = None
    for type_, month, certainty, no_date, n, low, high in store._conn.execute(sql, params):
        total += n
        by_type[type_] = by_type.get(type_, 0) + n
        by_certainty[certainty] = by_certainty.get(certainty, 0) + n
        if no_date:
            undated += n
            continue
        if month is not None:
            by_month[month] = by_month.get(month, 0) + n
        first = low if first is None else min(first, low)
        last = high if last is None else max(last, high)
    return {
        "events": total,
        "undated": undated,
        "first": first,
        "last": last,
        "by_type": dict(sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0]))),
        "by_month": dict(sorted(by_month.items())),
        "by_certainty": dict(sorted(by_certainty.items(), key=lambda kv: (-kv[1], kv[0] or ""))),
    }


# -- SQL ------------------------------------------------------------------------------------------

_ORDER = "e.date IS NULL, e.date, e.id"  # undated last
_COLUMNS = (
    "e.event_json, e.evidence_json, a.id, a.url, a.title, a.published, e.lat, e.lon, e.date, e.id,"
    " d.cluster_id, c.corroboration"
)
_SELECT = f"SELECT {_COLUMNS} {EVENTS_FROM}"


def _page_rows(conn: sqlite3.Connection, where: list[str], params: list, order: str, n: int) -> list[tuple]:
    # The page is chosen on narrow columns first (the date index, the id), then only its rows'
    # JSON is read: sorting whole rows would drag every match's event_json through the sorter.
    sql = (
        f"{_SELECT} JOIN (SELECT e.rowid AS rid FROM events e{_and(where)} ORDER BY {order} LIMIT ?) page"
        f" ON e.rowid = page.rid ORDER BY {order}"
    )
    return conn.execute(sql, [*params, n]).fetchall()


def _and(where: list[str]) -> str:
    return " WHERE " + " AND ".join(where) if where else ""


def _where(store: SQLiteStore, f: EventFilter, walk: bool = False) -> tuple[list[str], list]:
    """SQL conditions and their parameters. With `walk`, a unary "+" keeps the planner off the
    indexes of filter columns, so it walks the date index in order (see `event_page`)."""
    ix = "+" if walk else ""
    where: list[str] = []
    params: list = []
    if f.type is not None:
        where.append(f"{ix}e.type = ?")
        params.append(f.type)
    if f.subtype is not None:
        where.append("e.subtype = ?")
        params.append(f.subtype)
    if f.since is not None:
        where.append(SINCE_SQL)
        params.append(f.since)
    if f.until is not None:
        # "~" sorts after every character of an ISO value: until="2022-11" keeps "2022-11-30T10:00".
        where.append("e.date <= ?")
        params.append(f.until + "~")
    if f.certainty:
        where.append(f"e.certainty IN ({', '.join('?' for _ in f.certainty)})")
        params.extend(f.certainty)
    else:
        where.append(HAPPENED_SQL)
    if not f.include_background:
        where.append("e.background = 0")
    if not f.include_copies:
        where.append(NOT_A_COPY_SQL)
    if f.actor:
        # Names are stored joined by "; ", ids only inside event_json: a value shaped like an id
        # ("RUS.MIL", "CIV") is also looked up there, instr() first as a cheap pass.
        pattern = "%" + f.actor.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        names = "e.actors LIKE ? ESCAPE '\\' OR e.targets LIKE ? ESCAPE '\\'"
        params += [pattern, pattern]
        if _ACTOR_ID.fullmatch(f.actor):
            names += (
                " OR (instr(e.event_json, ?) AND ? IN ("
                "SELECT json_extract(value, '$.actor') FROM json_each(e.event_json, '$.actors') UNION ALL"
                " SELECT json_extract(value, '$.actor') FROM json_each(e.event_json, '$.targets')))"
            )
            params += [json.dumps(f.actor), f.actor]
        where.append(f"({names})")
    if f.text is not None:
        if not store.has_fts:
            raise SearchUnavailable("text search needs SQLite with FTS5, which this store's SQLite lacks")
        where.append(
            f"{ix}e.article_id IN (SELECT id FROM articles WHERE rowid IN"
            " (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?))"
        )
        params.append(fts_query(f.text))
    if f.min_corroboration is not None:
        where.append(
            f"{ix}e.article_id IN (SELECT d.article_id FROM clusters c JOIN link_docs d ON d.cluster_id = c.id"
            " WHERE c.corroboration >= ?)"
        )
        params.append(f.min_corroboration)
    if f.bbox is not None:
        min_lon, min_lat, max_lon, max_lat = f.bbox
        where.append(f"{ix}e.lat BETWEEN ? AND ?")
        params += [min_lat, max_lat]
        if min_lon <= max_lon:
            where.append("e.lon BETWEEN ? AND ?")
            params += [min_lon, max_lon]
        else:  # across the antimeridian
            where.append("(e.lon >= ? OR e.lon <= ?)")
            params += [min_lon, max_lon]
    if f.near is not None:
        lat, lon, km = f.near
        # A box the index can use first, then the great-circle distance on what is left.
        min_lon, min_lat, max_lon, max_lat = _near_box(lat, lon, km)
        where.append(f"{ix}e.lat BETWEEN ? AND ? AND e.lon BETWEEN ? AND ?")
        params += [min_lat, max_lat, min_lon, max_lon]
        store._conn.create_function("sitreps_km", 4, _km, deterministic=True)
        where.append("sitreps_km(?, ?, e.lat, e.lon) <= ?")
        params += [lat, lon, km]
    return where, params


def _near_box(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) around a circle; near a pole or across the
    antimeridian the longitudes are left open and the distance check decides."""
    dlat = km / _KM_PER_DEGREE
    if abs(lat) + dlat < 89.0:
        dlon = km / (_KM_PER_DEGREE * math.cos(math.radians(lat)))
        if -180.0 <= lon - dlon and lon + dlon <= 180.0:
            return lon - dlon, lat - dlat, lon + dlon, lat + dlat
    return -180.0, lat - dlat, 180.0, lat + dlat


def _km(lat1: float, lon1: float, lat2: float | None, lon2: float | None) -> float | None:
    # SQLite may call it before the box conditions have ruled out a row without coordinates.
    return None if lat2 is None or lon2 is None else distance_km(lat1, lon1, lat2, lon2)


def _event(row: tuple) -> dict:
    event_json, evidence_json, art_id, url, title, published = row[:6]
    event = json.loads(event_json)
    event["evidence"] = json.loads(evidence_json)
    event.update(article_id=art_id, url=url, title=title, published=published)
    event.update(cluster_id=row[10], corroboration=row[11])
    return event


def events_of(store: SQLiteStore, article_ids: list[str]) -> list[dict]:
    """Every event of the given articles, in the API's order (date, id; undated last)."""
    sql = f"{_SELECT} WHERE e.article_id IN (SELECT value FROM json_each(?)) ORDER BY {_ORDER}"
    return [_event(row) for row in store._conn.execute(sql, (json.dumps(article_ids),))]


# -- map markers (the web UI's /points.json) -------------------------------------------------------
# The map's markers: every located event matching the filters, a few narrow columns each.
#
#     GET /points.json?type=Battles&since=2022-11      (the map page's filters, as /api/events)
#     {"count": 1234, "located": 1100, "truncated": false,
#      "fields": ["id", "lat", "lon", "type", "date", "certainty", "rough"],
#      "types": [...], "certainties": [...], "points": [["3f2a...", 48.1, 37.8, 0, "2022-11-10", 1, 0], ...]}
#
# `type` and `certainty` are indexes into `types` and `certainties`; `date` is the start of the
# event's date (null when undated); `rough` is 1 when the point stands for something larger than
# a town (a raion, an oblast, a country, a river) or is a parent unit's point. Events without
# coordinates are counted (`count` - `located`) but have no point. /api/events pages would carry
# every event's full record (about 1.2 kB each) for what a marker needs: this reads the narrow
# columns of the events table with the same conditions (store.queries' filters), so 10,000
# markers are one request of about 0.5 MB. Details come from /api/events/{id} when a marker is
# opened.

MAX_POINTS = 50_000
FINE = ("city", "district")


def event_bounds(store, filters: EventFilter) -> list[list[float]] | None:
    """[[south, west], [north, east]] around the located matches (the map's first view)."""
    where, params = _where(store, filters)
    sql = "SELECT min(e.lat), min(e.lon), max(e.lat), max(e.lon) FROM events e" + _and(
        [*where, "e.lat IS NOT NULL", "e.lon IS NOT NULL"]
    )
    south, west, north, east = store._conn.execute(sql, params).fetchone()
    return None if south is None else [[south, west], [north, east]]


def event_points(store, filters: EventFilter, limit: int = MAX_POINTS) -> dict:
    count = count_events(store, filters)
    where, params = _where(store, filters)
    where = [*where, "e.lat IS NOT NULL", "e.lon IS NOT NULL"]
    # Rough: coarser than a town, or a town placed at its parent unit's point (read from the
    # JSON only for towns). Sorted only when there are too many: the first ones by date.
    sql = (
        "SELECT e.id, e.lat, e.lon, e.type, e.date, e.certainty, CASE WHEN e.precision IN (?, ?)"
        " THEN json_extract(e.event_json, '$.place.coord_precision') IS 'parent'"
        " ELSE 1 END"
        f" FROM events e{_and(where)}{f' ORDER BY {_ORDER}' if count > limit else ''} LIMIT ?"
    )
    rows = store._conn.execute(sql, [*FINE, *params, limit + 1]).fetchall()
    truncated = len(rows) > limit
    types: dict[str, int] = {}
    certainties: dict[str | None, int] = {}
    points = []
    for id_, lat, lon, type_, date, certainty, rough in rows[:limit]:
        t = types.setdefault(type_, len(types))
        c = certainties.setdefault(certainty, len(certainties))
        points.append([id_, round(lat, 5), round(lon, 5), t, date, c, rough])
    return {
        "count": count,
        "located": None if truncated else len(points),
        "truncated": truncated,
        "fields": ["id", "lat", "lon", "type", "date", "certainty", "rough"],
        "types": list(types),
        "certainties": list(certainties),
        "points": points,
    }
