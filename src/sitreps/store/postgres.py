"""The PostgreSQL store: the `Store` interface (sitreps.store) on a PostgreSQL database, with
psycopg 3.

    with open_store("postgresql://sitreps@db.example/sitreps") as store:   # store/urls.py
        store.save(doc)

Same tables and columns as the SQLite store (the schema: pg_migrations.py), the same record
<-> row mapping (sqlite.py's), the same SQL for every query (conditions.py, queries.py,
clusters.py): the connection here takes their `?` placeholders, and what PostgreSQL says
differently comes from `PostgresDialect`.

Several processes may write to one database at once (`sitreps ingest` in each), so what SQLite
gets from its one write lock is taken here with advisory locks, held to the end of a
transaction:
- a save holds its article's lock: two processes saving the same article take turns, and the
  second sees the first's row ("unchanged"), so every article is stored once;
- a save holds the linking lock shared, a linking run (store/clusters.py) holds it alone: a run
  never sees half a save, and saves wait while a run writes clusters;
- a save that changes an article already linked (which forgets every cluster: sqlite.py
  `save_summary`) holds the reset lock first, so two such saves take turns rewriting every
  linking row instead of locking them in each other's way;
- applying a migration holds the migration lock: processes opening a new database at once
  apply each migration once.

Connections are in autocommit mode; writes run in explicit transactions. Long reads (exports)
use a server-side cursor, so an export holds one event at a time here too. A server borrows its
connections from a `psycopg_pool.ConnectionPool` (`PostgresStores`).
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import string
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache

import psycopg
from psycopg import errors as pg_errors

from ..errors import StoreError
from ..filters import EventFilter
from ..outlets import outlet_of
from ..records import Document, Note
from ..serialize import document_dict
from .conditions import Dialect, actor_line
from .migrations import Migration
from .pg_migrations import MIGRATIONS
from .sqlite import (
    _ARTICLE_COLUMNS,
    _CHILD_TABLES,
    _COUNTED,
    _FAILURE_COLUMNS,
    EVENT_COLUMNS,
    EVENTS_FROM,
    FAILURES_SQL,
    RECORDS_SQL,
    _insert_sql,
    _now,
    article_key,
    child_rows,
    content_hash,
    event_clash,
    event_from_row,
    exported_records,
    reset_linking,
    save_summary,
    stored_doc_json,
    stored_document,
)
from .urls import redact

log = logging.getLogger(__name__)

# Advisory lock keys (pg_advisory_xact_lock(int, int)): the first number says "sitreps", the
# second which lock; an article's lock is keyed by a hash of its id.
_LOCKS = 0x53495452  # "SITR"
_MIGRATING, _LINKING, _RESETTING = 1, 2, 3
_ARTICLE_LOCKS = 0x53495453  # "SITS"

CONNECT_TIMEOUT = 10  # seconds, unless the URL says (libpq's default is to wait forever)


class PostgresDialect(Dialect):
    """What PostgreSQL says its own way (the SQLite defaults: conditions.py)."""

    skip_index = ""  # PostgreSQL's planner keeps statistics: it needs no steering
    like = "ILIKE"  # LIKE is case-sensitive in PostgreSQL
    json_values = "SELECT json_array_elements_text(CAST(? AS json))"
    month = "CASE WHEN e.first_day ~ '^[0-9]{4}-(0[1-9]|1[0-2])-[0-9]{2}' THEN substr(e.first_day, 1, 7) END"
    parent_point = "CAST(coalesce(e.event_json::jsonb #>> '{place,coord_precision}' = 'parent', false) AS integer)"

    def __init__(self, postgis: bool):
        self.postgis = postgis

    def json_list(self, values: Iterable[str]) -> str:
        # as the rows hold them (`_text`): json text may not hold an escaped NUL either
        return json.dumps([_text(v) for v in values])

    def text_search(self, text: str, ix: str) -> tuple[str, list]:
        # every word, lower-cased and not stemmed, as the SQLite store's FTS5 query asks
        return "e.article_id IN (SELECT id FROM articles WHERE fts @@ to_tsquery('simple', ?))", [ts_query(text)]

    def actor_id(self, actor: str) -> tuple[str, list]:
        return "strpos(e.actor_ids, ?) > 0", [actor_line(actor)]

    def bbox(self, box: tuple[float, float, float, float], ix: str) -> tuple[list[str], list]:
        where, params = super().bbox(box, ix)
        if not self.postgis:
            return where, params
        # the point's GiST index finds the candidates; the degrees above decide, as in SQLite
        min_lon, min_lat, max_lon, max_lat = box
        envelope = "e.geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)"
        if min_lon <= max_lon:
            return [envelope, *where], [min_lon, min_lat, max_lon, max_lat, *params]
        both = f"({envelope} OR {envelope})"  # across the antimeridian
        return [both, *where], [min_lon, min_lat, 180.0, max_lat, -180.0, min_lat, max_lon, max_lat, *params]

    def near(self, lat: float, lon: float, km: float, ix: str) -> tuple[list[str], list]:
        if not self.postgis:
            return super().near(lat, lon, km, ix)  # the box, then sitreps_km (pg_migrations.py)
        # On the sphere (use_spheroid false) of the mean radius sitreps_km uses: the same distance.
        sql = "ST_DWithin(e.geom::geography, ST_SetSRID(ST_MakePoint(?, ?), 4326)::geography, ?, false)"
        return [sql], [lon, lat, km * 1000.0]


_WORD_BREAKS = str.maketrans(string.punctuation, " " * len(string.punctuation))


def ts_query(text: str) -> str:
    """Plain words -> a `to_tsquery` query in which every word must appear, as `fts_query`
    (conditions.py) asks of FTS5: ASCII punctuation breaks words, as in the stored `fts`
    (migration 0010), so a word that holds some ("Kyiv-based", "example.com") is the phrase
    of its parts. Each part is quoted: nothing of the query syntax is left in it."""
    phrases = []
    for word in text.split():
        parts = word.translate(_WORD_BREAKS).split()
        if parts:
            phrases.append("(" + " <-> ".join(f"'{part}'" for part in parts) + ")")
    return " & ".join(phrases)


# -- the connection ---------------------------------------------------------------------------------

_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\?|%")


@lru_cache(maxsize=1024)
def pyformat(sql: str) -> str:
    """SQL with `?` placeholders as psycopg takes it: `%s`, and a literal `%` doubled (quoted
    strings and names are left as they are)."""

    def swap(m: re.Match) -> str:
        token = m.group()
        return {"?": "%s", "%": "%%"}.get(token, token)

    return _TOKENS.sub(swap, sql)


class Connection:
    """A psycopg connection that takes the store's SQL as written for SQLite's driver:
    `?` placeholders, `execute` returning a cursor to fetch from or iterate, `executemany`."""

    def __init__(self, raw: psycopg.Connection):
        self.raw = raw

    def execute(self, sql: str, params=()) -> psycopg.Cursor:
        return self.raw.execute(pyformat(sql), _params(params))

    def executemany(self, sql: str, rows) -> None:
        with self.raw.cursor() as cur:
            cur.executemany(pyformat(sql), (_params(row) for row in rows))

    def stream(self, sql: str, params=(), done: Callable[[], None] | None = None) -> Iterator[tuple]:
        """Rows read a batch at a time from a server-side cursor. The query runs now (its
        errors are raised here); the rows come as they are taken. `done` is called when the
        stream ends or is dropped."""
        cur = self.raw.cursor(name=f"sitreps_{next(_cursors)}", withhold=True)
        try:
            cur.execute(pyformat(sql), _params(params))
        except BaseException:
            cur.close()
            if done is not None:
                done()
            raise
        return _rows(cur, done)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self.raw.transaction():
            yield self


_cursors = itertools.count(1)


def _rows(cur: psycopg.ServerCursor, done: Callable[[], None] | None = None) -> Iterator[tuple]:
    try:
        yield from cur
    finally:
        cur.close()
        if done is not None:
            done()


class PooledConnection:
    """`Connection` over a pool: each statement borrows a connection, reads every row and gives
    it back (the store's queries read bounded results: pages, counts, statistics); a stream or a
    transaction keeps one until it ends. Shared by a server's threads."""

    def __init__(self, pool):
        self.pool = pool

    def execute(self, sql: str, params=()) -> _Result:
        with self.pool.connection() as raw:
            cur = raw.execute(pyformat(sql), _params(params))
            return _Result(cur.fetchall() if cur.description is not None else [])

    def executemany(self, sql: str, rows) -> None:
        with self.pool.connection() as raw:
            Connection(raw).executemany(sql, rows)

    def stream(self, sql: str, params=()) -> Iterator[tuple]:
        raw = self.pool.getconn()
        return Connection(raw).stream(sql, params, done=lambda: self.pool.putconn(raw))

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self.pool.connection() as raw, raw.transaction():
            yield Connection(raw)


class _Result(list):
    """Rows already read, as a cursor gives them."""

    def fetchone(self) -> tuple | None:
        return self[0] if self else None

    def fetchall(self) -> list[tuple]:
        return list(self)


def _text(value):
    """A value PostgreSQL text can hold: NUL becomes U+FFFD (one code point for one, so offsets
    hold; the stored JSON keeps the original, escaped)."""
    return value.replace("\x00", "\ufffd") if isinstance(value, str) and "\x00" in value else value


def _texts(row: tuple) -> tuple:
    return tuple(_text(v) for v in row)


def _params(params):
    """The parameters of a statement, every text (in a list too: `= ANY(?)`) as `_text` stores
    it: an id or a name asked for with a NUL finds what was stored with one, where psycopg
    refused to send it (a server error for a query string)."""
    if not params:
        return params
    return [[_text(v) for v in p] if isinstance(p, list) else _text(p) for p in params]


# -- the store --------------------------------------------------------------------------------------


class PostgresStore:
    """The `Store` on PostgreSQL (see sitreps.store for the interface and the tables)."""

    has_fts = True  # tsvector search is part of the schema

    def __init__(
        self, conn: Connection | PooledConnection, url: str, notes: tuple[Note, ...] = (), *, postgis: bool = False
    ):
        self._conn = conn
        self.path = url  # what the store was opened with, as a SQLite store's path
        self.notes = notes  # e.g. a skipped PostGIS migration
        self.postgis = postgis
        self.dialect = PostgresDialect(postgis)

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        """Close its connection (a pooled store has none of its own: nothing to close)."""
        if isinstance(self._conn, Connection):
            self._conn.raw.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"PostgresStore({redact(self.path)!r})"

    def migrations(self) -> list[dict]:
        rows = self._conn.execute("SELECT name, applied_at FROM migrations ORDER BY rowid")
        return [{"name": name, "applied_at": at} for name, at in rows]

    def refuse_writes(self) -> None:
        """Make this connection read-only (a server's readers: store/queries.py open_reader).
        A pooled store's connections are read-only already (`PostgresStores`)."""
        if isinstance(self._conn, Connection):
            self._conn.execute("SET default_transaction_read_only = on")

    @contextmanager
    def _transaction(self, *locks: str) -> Iterator[Connection]:
        """A transaction holding advisory locks, taken in the order given: "linking" alone or
        shared ("linking-shared"), or an article's ("article:<id>")."""
        with self._conn.transaction() as conn:
            for lock in locks:
                if lock == "linking":
                    conn.execute("SELECT pg_advisory_xact_lock(?, ?)", (_LOCKS, _LINKING))
                elif lock == "linking-shared":
                    conn.execute("SELECT pg_advisory_xact_lock_shared(?, ?)", (_LOCKS, _LINKING))
                else:
                    key = lock.removeprefix("article:")
                    conn.execute("SELECT pg_advisory_xact_lock(?, hashtext(?))", (_ARTICLE_LOCKS, key))
            yield conn

    def linking(self):
        """The transaction a linking run holds (store/clusters.py): the linking lock, alone."""
        return self._transaction("linking")

    # -- writing -----------------------------------------------------------------------------

    def save(self, doc: Document) -> str:
        """Upsert one document; returns "new", "updated", "unchanged" or "failed"."""
        key = article_key(doc)
        if doc.failed:
            self._save_failure(key, doc)
            return "failed"
        try:
            return self._save_analysis(key, doc)
        except (OverflowError, UnicodeError, ValueError, TypeError, psycopg.DataError,
                pg_errors.ProgramLimitExceeded) as exc:  # fmt: skip
            # a value this store cannot hold is the record's failure, not the batch's
            log.error("cannot store %s", key, exc_info=exc)
            detail = f"the store cannot hold this analysis ({type(exc).__name__}); this is a bug in sitreps (see the log)"
            failed = Document(article=doc.article, notes=doc.notes + (Note("store", "store.rejected", detail, "error"),))
            self._save_failure(key, failed)
            return "failed"

    def _save_analysis(self, key: str, doc: Document) -> str:
        data = document_dict(doc)
        data["id"] = key
        digest = content_hash(data)
        art = doc.article
        text = _text(doc.text)
        article = _texts((key, digest, art.url, art.title, data["published"], art.origin, text,
                          stored_doc_json(data, text), _now(), art.site_name, outlet_of(art.url, art.site_name)))  # fmt: skip
        children = [(table, columns, [_texts(r) for r in rows]) for table, columns, rows in child_rows(key, doc)]
        with self._transaction("linking-shared", f"article:{key}") as conn:
            conn.execute("DELETE FROM failures WHERE id = ?", (key,))
            row = conn.execute("SELECT content_hash FROM articles WHERE id = ?", (key,)).fetchone()
            if row is not None and row[0] == digest:
                return "unchanged"
            conn.execute(_insert_sql("articles", _ARTICLE_COLUMNS, upsert=True), article)
            if row is not None:
                for table in _CHILD_TABLES:
                    conn.execute(f"DELETE FROM {table} WHERE article_id = ?", (key,))
            for table, columns, rows in children:
                if table == "events" and rows:
                    self._check_event_ids(conn, key, [r[0] for r in rows])
                if rows:
                    conn.executemany(_insert_sql(table, columns), rows)
            linked = conn.execute("SELECT seq FROM link_docs WHERE article_id = ?", (key,)).fetchone()
            if linked is not None and linked[0] is not None:
                conn.execute("SELECT pg_advisory_xact_lock(?, ?)", (_LOCKS, _RESETTING))
            save_summary(conn, key, doc)
        return "new" if row is None else "updated"

    def _check_event_ids(self, conn: Connection, key: str, ids: list[str]) -> None:
        # Checked before the insert: after a failed statement a PostgreSQL transaction can only
        # roll back, so the owner could not be looked up then.
        owner = conn.execute("SELECT id, article_id FROM events WHERE id = ANY(?) LIMIT 1", (ids,)).fetchone()
        if owner is not None:
            raise event_clash(owner[0], key, owner[1])

    def reset_linking(self) -> None:
        """Forget every same-incident cluster; the next linking run links all articles again."""
        with self._transaction("linking") as conn:
            reset_linking(conn)

    def _save_failure(self, key: str, doc: Document) -> None:
        # The first error is the cause; later ones usually follow from it.
        note = next(n for n in doc.notes if n.level == "error")
        row = (key, doc.article.origin, note.code, note.detail, note.level, _now())
        row = tuple(_text(v.encode("utf-8", "replace").decode("utf-8")) if isinstance(v, str) else v for v in row)
        with self._transaction(f"article:{key}") as conn:
            conn.execute(_insert_sql("failures", _FAILURE_COLUMNS, upsert=True), row)

    # -- reading -----------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        sql = "SELECT " + ", ".join(f"(SELECT count(*) FROM {t})" for t in _COUNTED)
        return dict(zip(_COUNTED, self._conn.execute(sql).fetchone(), strict=True))

    def failures(self) -> list[dict]:
        names = ", ".join(_FAILURE_COLUMNS)
        rows = self._conn.execute(f"SELECT {names} FROM failures ORDER BY recorded_at, id")
        return [dict(zip(_FAILURE_COLUMNS, row, strict=True)) for row in rows]

    def get_article(self, id: str) -> dict | None:
        row = self._conn.execute("SELECT doc_json, text FROM articles WHERE id = ?", (id,)).fetchone()
        return None if row is None else stored_document(*row)

    def iter_documents(self) -> Iterator[dict]:
        """Every stored sitreps/3 dict, in the order first stored."""
        for doc_json, text in self._conn.stream("SELECT doc_json, text FROM articles ORDER BY rowid"):
            yield stored_document(doc_json, text)

    def iter_records(self) -> Iterator[dict]:
        """The whole store as records (`sitreps export --format jsonl`; sqlite.py `exported_records`)."""
        yield from exported_records(self._conn.stream(RECORDS_SQL), ())
        yield from exported_records((), self._conn.stream(FAILURES_SQL))

    def query_events(
        self, filters: EventFilter | None = None, /, *, limit: int | None = 100, offset: int = 0, **fields
    ) -> list[dict]:
        """Events matching every filter given: `SQLiteStore.query_events` says how."""
        return list(self.iter_events(filters, limit=limit, offset=offset, **fields))

    def iter_events(
        self, filters: EventFilter | None = None, /, *, limit: int | None = None, offset: int = 0, **fields
    ) -> Iterator[dict]:
        """`query_events` as a stream (for exports), from a server-side cursor; the query runs
        when this is called."""
        from .conditions import event_conditions

        if filters is not None and fields:
            raise TypeError("give an EventFilter or its fields as keywords, not both")
        where, params = event_conditions(filters or EventFilter(**fields), has_fts=True, dialect=self.dialect)
        sql = (
            f"SELECT {EVENT_COLUMNS} {EVENTS_FROM}" + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY e.first_day IS NULL, e.first_day, e.article_id, e.rowid LIMIT ? OFFSET ?"
        )
        return map(event_from_row, self._conn.stream(sql, [*params, limit, offset]))


# -- opening ----------------------------------------------------------------------------------------


def connect(url: str, **options) -> psycopg.Connection:
    """An autocommit connection to `url`; StoreError (one line, no password) when it fails."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        given = conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise StoreError(f"{redact(url)} is not a PostgreSQL URL psycopg can read: {_first_line(exc)}") from None
    if "connect_timeout" not in given:
        options.setdefault("connect_timeout", CONNECT_TIMEOUT)
    try:
        return psycopg.connect(url, autocommit=True, **options)
    except psycopg.Error as exc:
        raise StoreError(f"cannot connect to the PostgreSQL store {redact(url)}: {_first_line(exc)}") from None


def _first_line(exc: Exception) -> str:
    lines = [redact(line.strip()) for line in str(exc).splitlines() if line.strip()]
    # libpq says "connection failed: connection to server ... failed: <why>"; the why is last
    return lines[0] if lines else type(exc).__name__


def open_postgres(url: str) -> PostgresStore:
    """Open the store in the PostgreSQL database at `url`, schema brought up to date."""
    conn = connect(url)
    try:
        notes, postgis = migrate(conn, url)
        store = PostgresStore(Connection(conn), url, notes, postgis=postgis)
        refresh(store)
    except BaseException:
        conn.close()
        raise
    return store


def refresh(store: PostgresStore) -> None:
    """Bring the store's outlets and cluster reports up to this code's (store/clusters.py
    `refresh_reports`, under the linking lock), as opening a SQLite store does."""
    from .clusters import refresh_reports  # linking's reports: above this module

    try:
        refresh_reports(store)
    except psycopg.Error as exc:
        raise StoreError(
            f"cannot update the outlets and cluster reports of {redact(store.path)}: {_first_line(exc)}"
        ) from None


def has_store(url: str) -> bool:
    """Whether the database at `url` holds a store (its migrations table)."""
    with connect(url) as conn:
        return conn.execute("SELECT to_regclass('migrations') IS NOT NULL").fetchone()[0]


def migrate(conn: psycopg.Connection, url: str) -> tuple[tuple[Note, ...], bool]:
    """Apply the pending migrations; returns (notes, whether PostGIS is in use)."""
    try:
        _, notes = apply_migrations(conn)
        postgis = conn.execute("SELECT 1 FROM migrations WHERE name = 'postgis'").fetchone() is not None
    except psycopg.Error as exc:
        raise StoreError(f"cannot use {redact(url)} as a sitreps store: {_first_line(exc)}") from None
    return tuple(notes), postgis


def apply_migrations(
    raw: psycopg.Connection, migrations: tuple[Migration, ...] = MIGRATIONS
) -> tuple[list[str], list[Note]]:
    """Apply the pending migrations in order, each in its own transaction under the migration
    lock; returns (names applied now, notes). A migration that needs PostGIS, where the server
    lacks it or this user may not create it, is skipped with a note (applied by a later open that
    can)."""
    conn = Connection(raw)
    with raw.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(?, ?)", (_LOCKS, _MIGRATING))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS migrations (name TEXT COLLATE \"C\" PRIMARY KEY, applied_at TEXT NOT NULL,"
            " rowid BIGINT GENERATED ALWAYS AS IDENTITY)"
        )
    applied = {name for (name,) in conn.execute("SELECT name FROM migrations")}
    done: list[str] = []
    notes: list[Note] = []
    for migration in migrations:
        if migration.name in applied:
            continue
        with raw.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(?, ?)", (_LOCKS, _MIGRATING))
            if conn.execute("SELECT 1 FROM migrations WHERE name = ?", (migration.name,)).fetchone():
                continue  # another process applied it meanwhile
            missing = [need for need in migration.needs if not _has_feature(raw, need)]
            if missing:
                notes.append(Note("store", "store.migration_skipped",
                                  f"{migration.name} needs the PostgreSQL extension {', '.join(missing)}, which this "
                                  "server lacks (or this user may not create): near and bbox work without it",
                                  "warning"))  # fmt: skip
                continue
            raw.execute(migration.sql)
            conn.execute("INSERT INTO migrations (name, applied_at) VALUES (?, ?)", (migration.name, _now()))
            done.append(migration.name)
    return done, notes


def _has_feature(raw: psycopg.Connection, extension: str) -> bool:
    """Whether the extension is in this database, creating it if the server has it and this user
    may (in a savepoint: a refusal leaves the transaction usable)."""
    if raw.execute("SELECT 1 FROM pg_extension WHERE extname = %s", (extension,)).fetchone():
        return True
    if not raw.execute("SELECT 1 FROM pg_available_extensions WHERE name = %s", (extension,)).fetchone():
        return False
    try:
        with raw.transaction():
            raw.execute(f'CREATE EXTENSION IF NOT EXISTS "{extension}"')
    except psycopg.Error as exc:
        log.info("cannot create extension %s: %s", extension, _first_line(exc))
        return False
    return True


# -- a server's connections -------------------------------------------------------------------------


class PostgresStores:
    """What a server opens on one database (store/urls.py `open_stores`): readers that share a
    pool of read-only connections, borrowed per statement or per download, and a writer with a
    connection of its own per write.

        stores = PostgresStores(url)      # connects and migrates now: a bad URL fails at start
        stores.reader().query_events(...)
        with stores.writer() as store: store.save(doc)
        stores.close()                    # the pool's connections
    """

    def __init__(self, url: str, max_size: int = 16):
        from psycopg_pool import ConnectionPool

        conn = connect(url)
        try:
            self.notes, self.postgis = migrate(conn, url)
            refresh(PostgresStore(Connection(conn), url, self.notes, postgis=self.postgis))
        finally:
            conn.close()
        self.url = url
        kwargs = {"autocommit": True, "options": "-c default_transaction_read_only=on"}
        if "connect_timeout" not in url:
            kwargs["connect_timeout"] = CONNECT_TIMEOUT
        self._pool = ConnectionPool(url, min_size=1, max_size=max_size, kwargs=kwargs, open=True,
                                    check=ConnectionPool.check_connection, name="sitreps-readers")  # fmt: skip
        self._reader = PostgresStore(PooledConnection(self._pool), url, self.notes, postgis=self.postgis)

    def reader(self, *, any_thread: bool = False) -> PostgresStore:
        """The readers' store: any thread may use it, closing it is a no-op."""
        return self._reader

    def writer(self) -> PostgresStore:
        return open_postgres(self.url)

    def close(self) -> None:
        self._pool.close()


__all__ = ["PostgresDialect", "PostgresStore", "PostgresStores", "open_postgres"]
