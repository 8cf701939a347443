"""Event filters as SQL: the one place an `EventFilter` becomes WHERE conditions.

`SQLiteStore.iter_events` (exports, the command line) and the API's pages, counts, statistics
and map markers (queries.py) all filter through `event_conditions`, so a filter means the same
everywhere. Conditions refer to `events e` only; a query joins what else it needs.

    where, params = event_conditions(EventFilter(type="Battles", since="2023-01"), has_fts=True)
    sql = "SELECT count(*) FROM events e WHERE " + " AND ".join(where)

Values are matched as stored: `sitreps.filters` turns what people type ("battles", "Donetsk",
"Ukraine") into stored values ("Battles", "Donetsk Oblast", "UA") first.

The SQL is SQLite's, with `?` placeholders. The few pieces another database says differently
(text search, JSON, the distance check) come from a `Dialect`: `SQLITE` below, and the
PostgreSQL store's in postgres.py. A store carries its own (`store.dialect`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable

from ..errors import SearchUnavailable
from ..filters import EventFilter
from ..gazetteer import distance_km

_KM_PER_DEGREE = 111.32
_ACTOR_ID = re.compile(r"[A-Z][A-Z0-9]*(?:\.[A-Z0-9]+)*")  # actor lexicon ids: RUS.MIL, CIV, INT.UN

# Events the text says happened (not `possible` or `negated`): what the map, the lists and the
# exports show unless a certainty filter asks for others.
HAPPENED_SQL = "e.certainty NOT IN ('possible', 'negated')"
# events of an article that is a later copy of another (same text re-published or syndicated:
# linking's near-duplicate test) are the first copy's events again, left out unless asked
NOT_A_COPY_SQL = (
    "e.article_id NOT IN (SELECT article_id FROM link_docs WHERE copy_of IS NOT NULL AND copy_of <> article_id)"
)
# An event overlaps the range `since`..`until` when the last day its date covers is not before
# `since` and its first day not after `until` (the days of migration 0008: a month-precision
# "2023-01", late January, has 2023-01-31 for its last day and matches since=2023-01-15; a week
# "2023-W03" is 16-22 January). A filter value is a prefix of its days, so it compares as
# strings: "2023-01-31" >= "2023-01", and "~" sorts after every character of an ISO value, so
# until="2022-11" keeps "2022-11-30T10:00". The order walks `first_day`'s index, which the
# `until` condition can use too.
SINCE_SQL = "e.last_day >= ?"
UNTIL_SQL = "e.first_day <= ?"


class Dialect:
    """What SQLite says its own way, as the conditions and the store's queries use it. The
    PostgreSQL store's dialect (postgres.py) overrides each of these."""

    # keeps the planner off a column's index (see `event_conditions`' walk): SQLite's unary "+"
    skip_index = "+"
    # a pattern match that ignores case (SQLite's LIKE does, for ASCII)
    like = "LIKE"
    # the values of a JSON array given as one parameter, as the rows of a subquery
    json_values = "SELECT value FROM json_each(?)"
    # the month of an event's first day ("2022-11" of "2022-11-10", of "2022-11" and of the week
    # "2022-W45"; "2022-01" of the year "2022"); NULL when undated, or when the first day is no
    # day (a date of another shape, kept as it is: sqlite.py `day_bounds`)
    month = (
        "CASE WHEN e.first_day GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-9][0-9]*'"
        " AND substr(e.first_day, 6, 2) BETWEEN '01' AND '12' THEN substr(e.first_day, 1, 7) END"
    )
    # 1 when an event's point is its place's parent unit's, else 0
    parent_point = "json_extract(e.event_json, '$.place.coord_precision') IS 'parent'"

    def json_list(self, values: Iterable[str]) -> str:
        """`values` as the one parameter `json_values` takes."""
        return json.dumps(list(values))

    def text_search(self, text: str, ix: str) -> tuple[str, list]:
        """Events of articles whose title or text has every word of `text` (the FTS5 index)."""
        sql = (
            f"{ix}e.article_id IN (SELECT id FROM articles WHERE rowid IN"
            " (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?))"
        )
        return sql, [fts_query(text)]

    def actor_id(self, actor: str) -> tuple[str, list]:
        """Events with an actor or target of the lexicon id `actor`: a whole line of their
        `actor_ids` (migration 0009), never their JSON."""
        return "instr(e.actor_ids, ?) > 0", [actor_line(actor)]

    def bbox(self, box: tuple[float, float, float, float], ix: str) -> tuple[list[str], list]:
        min_lon, min_lat, max_lon, max_lat = box
        where, params = [f"{ix}e.lat BETWEEN ? AND ?"], [min_lat, max_lat]
        if min_lon <= max_lon:
            where.append("e.lon BETWEEN ? AND ?")
            params += [min_lon, max_lon]
        else:  # across the antimeridian
            where.append("(e.lon >= ? OR e.lon <= ?)")
            params += [min_lon, max_lon]
        return where, params

    def near(self, lat: float, lon: float, km: float, ix: str) -> tuple[list[str], list]:
        """A box the index can use first, then the great-circle distance on what is left:
        `sitreps_km`, which `register_functions` adds to a connection."""
        min_lon, min_lat, max_lon, max_lat = near_box(lat, lon, km)
        where = [f"{ix}e.lat BETWEEN ? AND ? AND e.lon BETWEEN ? AND ?", "sitreps_km(?, ?, e.lat, e.lon) <= ?"]
        return where, [min_lat, max_lat, min_lon, max_lon, lat, lon, km]


SQLITE = Dialect()


def event_conditions(
    f: EventFilter, *, has_fts: bool, walk: bool = False, dialect: Dialect = SQLITE
) -> tuple[list[str], list]:
    """SQL conditions on `events e` and their parameters, every filter of `f` given.

    `has_fts`: whether the store has its FTS5 index (without it, `text` raises
    SearchUnavailable). With `walk`, a unary "+" keeps the planner off the indexes of filter
    columns, so it walks the date index in order (see queries.event_page). `dialect` says what
    the store's database says differently."""
    ix = dialect.skip_index if walk else ""
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
        where.append(UNTIL_SQL)
        params.append(f.until + "~")
    for condition, values in where_conditions(f, ix):
        where.append(condition)
        params += values
    if f.certainty:
        where.append(f"e.certainty IN ({_marks(f.certainty)})")
        params.extend(f.certainty)
    else:
        where.append(HAPPENED_SQL)
    if not f.include_background:
        where.append("e.background = 0")
    if not f.include_copies:
        where.append(NOT_A_COPY_SQL)
    if f.actor:
        where.append(_actor_condition(f.actor, params, dialect))
    if f.text is not None:
        if not has_fts:
            raise SearchUnavailable("text search needs SQLite with FTS5, which this store's SQLite lacks")
        condition, values = dialect.text_search(f.text, ix)
        where.append(condition)
        params += values
    if f.min_corroboration is not None:
        # the event's own incident, never the whole cluster's outlets (store/clusters.py); one
        # lookup an event: a list of every corroborated event to match against cost more
        where.append("EXISTS (SELECT 1 FROM incident_events ie WHERE ie.event_id = e.id AND ie.corroboration >= ?)")
        params.append(f.min_corroboration)
    if f.bbox is not None:
        conditions, values = dialect.bbox(f.bbox, ix)
        where += conditions
        params += values
    if f.near is not None:
        conditions, values = dialect.near(*f.near, ix)
        where += conditions
        params += values
    return where, params


def where_conditions(f: EventFilter, ix: str = "") -> list[tuple[str, list]]:
    """(condition, parameters) for each where filter given: country, admin1, admin2, place (its
    gazetteer id or its name). Each can use its column's index (none with `ix` "+")."""
    out = [
        (f"{ix}e.{column} IN ({_marks(values)})", list(values))
        for column, values in (("country", f.country), ("admin1", f.admin1), ("admin2", f.admin2))
        if values
    ]
    if f.place:
        marks = _marks(f.place)
        out.append((f"({ix}e.place_id IN ({marks}) OR {ix}e.place_name IN ({marks}))", [*f.place, *f.place]))
    return out


def _marks(values) -> str:
    return ", ".join("?" for _ in values)


def _actor_condition(actor: str, params: list, dialect: Dialect) -> str:
    # Names are stored joined by "; ", ids only inside event_json: a value shaped like an id
    # ("RUS.MIL", "CIV") is also looked up there.
    pattern = "%" + actor.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    like = dialect.like
    names = f"e.actors {like} ? ESCAPE '\\' OR e.targets {like} ? ESCAPE '\\'"
    params += [pattern, pattern]
    if _ACTOR_ID.fullmatch(actor):
        condition, values = dialect.actor_id(actor)
        names += " OR " + condition
        params += values
    return f"({names})"


def actor_line(actor: str) -> str:
    """An actor id as it stands in the `actor_ids` column: a line of its own."""
    return f"\n{actor}\n"


def fts_query(text: str) -> str:
    """Plain words -> an FTS5 query in which every word must appear (as sqlite-utils does).

    Quoting each word keeps hyphens, colons and stray quotes from being read as FTS syntax.
    """
    words = text.split()
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


def near_box(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) around a circle; near a pole or across the
    antimeridian the longitudes are left open and the distance check decides."""
    dlat = km / _KM_PER_DEGREE
    if abs(lat) + dlat < 89.0:
        dlon = km / (_KM_PER_DEGREE * math.cos(math.radians(lat)))
        if -180.0 <= lon - dlon and lon + dlon <= 180.0:
            return lon - dlon, lat - dlat, lon + dlon, lat + dlat
    return -180.0, lat - dlat, 180.0, lat + dlat


def register_functions(conn) -> None:
    """The SQL functions the conditions call: `sitreps_km(lat1, lon1, lat2, lon2)`."""
    conn.create_function("sitreps_km", 4, _km, deterministic=True)


def _km(lat1: float, lon1: float, lat2: float | None, lon2: float | None) -> float | None:
    # SQLite may call it before the box conditions have ruled out a row without coordinates.
    return None if lat2 is None or lon2 is None else distance_km(lat1, lon1, lat2, lon2)
