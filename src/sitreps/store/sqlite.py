"""The SQLite store: one file, WAL mode, foreign keys on, schema from migrations.py.

Record <-> row mapping lives here too: a Document is kept whole as its `sitreps/3` dict
(`articles.doc_json`) and, for querying, flattened into one row per place, time, quote, claim
and event. The child rows are derived data: a changed analysis replaces them all at once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from ..errors import EventClash, StoreError
from ..filters import EventFilter
from ..outlets import outlet_of
from ..records import Document, Event, Note
from ..serialize import document_dict, event_dict, exported_record, failure_record
from ..stages.times import days_of
from .conditions import SQLITE, event_conditions, register_functions
from .migrations import apply_migrations

log = logging.getLogger(__name__)


def _storable(value):
    """Text SQLite can take: unpaired surrogates (from a bad file name or record) become U+FFFD."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    return value

# Keys of the sitreps/3 dict left out of the content hash: where an article was read from
# ("a.jsonl:3" today, "b.jsonl:7" tomorrow) says nothing about what it says.
VOLATILE_KEYS = frozenset({"origin"})

# Counted tables, in the order `counts()` reports them.
_COUNTED = ("articles", "events", "places", "quotes", "claims", "clusters", "failures")
_CHILD_TABLES = ("places", "times", "quotes", "claims", "events")

_ARTICLE_COLUMNS = (
    "id", "content_hash", "url", "title", "published", "origin", "text", "doc_json", "ingested_at", "site_name",
    "outlet",
)  # fmt: skip
_FAILURE_COLUMNS = ("id", "origin", "code", "detail", "level", "recorded_at")
_SPAN = ("article_id", "start", "end", "text")
_PLACE_COLUMNS = _SPAN + ("name", "lat", "lon", "country", "admin1", "feature", "gazetteer_id", "precision")
_TIME_COLUMNS = _SPAN + ("value", "grain", "anchored")
_QUOTE_COLUMNS = _SPAN + ("direct", "speaker_name", "speaker_text", "cue_text")
_CLAIM_COLUMNS = _SPAN + ("certainty", "source_name", "source_kind")
_EVENT_COLUMNS = (
    "id", "article_id", "type", "subtype", "certainty", "date", "date_end", "place_name", "lat", "lon",
    "country", "admin1", "precision", "fatalities", "actors", "targets", "source_name", "evidence_json",
    "event_json", "background", "admin2", "place_id", "first_day", "last_day", "actor_ids",
)  # fmt: skip


# Events with their article and, once linked, their same-incident cluster and incident
# (store/clusters.py).
EVENTS_FROM = (
    "FROM events e JOIN articles a ON a.id = e.article_id"
    " LEFT JOIN link_docs d ON d.article_id = e.article_id LEFT JOIN incident_events i ON i.event_id = e.id"
)
# What `event_from_row` reads (the first day and id also serve as a page's keyset: store/queries.py).
EVENT_COLUMNS = (
    "e.event_json, e.evidence_json, a.id, a.url, a.title, a.published, e.first_day, e.id, d.cluster_id,"
    " a.outlet, i.incident_id, i.corroboration, i.reports_outlet_unknown, a.ingested_at"
)


def event_from_row(row: tuple) -> dict:
    """An event as the store gives it: its sitreps/3 dict, evidence spans with their text, and
    its article's, cluster's and incident's fields (a row of EVENT_COLUMNS). `ingested_at` is when
    the article's current analysis was stored (ISO 8601, UTC): a re-ingest that changes nothing
    keeps it."""
    event_json, evidence_json, art_id, url, title, published, _, _, cluster, outlet = row[:10]
    incident, sources, unknown, stored = row[10:14]
    event = json.loads(event_json)
    event["evidence"] = json.loads(evidence_json)
    event.update(article_id=art_id, url=url, title=title, published=published, outlet=outlet, ingested_at=stored)
    event.update(cluster_id=cluster, incident_id=incident)
    event.update(corroboration=sources, reports_outlet_unknown=unknown)
    return event


def _insert_sql(table: str, columns: tuple[str, ...], upsert: bool = False) -> str:
    """INSERT for constant table and column names ("end" is quoted: it is an SQL keyword).

    With `upsert`, a row whose first column (the primary key) exists has its other columns replaced.
    """
    names = ", ".join(f'"{c}"' for c in columns)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' for _ in columns)})"
    if upsert:
        sets = ", ".join(f'"{c}" = excluded."{c}"' for c in columns[1:])
        sql += f' ON CONFLICT("{columns[0]}") DO UPDATE SET {sets}'
    return sql


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def stored_doc_json(data: dict, text: str | None) -> str:
    """A sitreps/3 dict as `articles.doc_json` keeps it: without its text when the `text` column
    holds that text (`text`), so that an article's text is stored once (migration 0010); with it
    when the column holds another (PostgreSQL's, where NUL cannot be: postgres.py `_text`).
    `stored_document` puts it back."""
    if data.get("text") == text:
        data = {k: v for k, v in data.items() if k != "text"}
    return _canonical(data)


def stored_document(doc_json: str, text: str | None) -> dict:
    """The sitreps/3 dict of a stored article: its `doc_json` with the `text` column put back
    where the JSON has none, its keys in the order of the canonical JSON, as before they parted."""
    data = json.loads(doc_json)
    if "text" in data:
        return data
    return dict(sorted({**data, "text": text}.items()))


def article_key(doc: Document) -> str:
    """The id a document is stored under: its article id, else a content hash.

    Readers normally give every article an id; the fallback keeps an id-less document from
    colliding with other id-less ones while still updating in place when re-read.
    """
    art = doc.article
    if art.id is not None:
        return art.id
    basis = art.url or doc.text or art.text or art.origin
    return "sha256:" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


def content_hash(data: dict) -> str:
    """sha256 of the canonical JSON of a sitreps/3 dict without its volatile keys."""
    stable = {k: v for k, v in data.items() if k not in VOLATILE_KEYS}
    return hashlib.sha256(_canonical(stable).encode("utf-8")).hexdigest()


def _time_bounds(value: str | None) -> tuple[str | None, str | None]:
    """ISO value -> (date, date_end): an interval "a/b" gives (a, b); anything else (value, None)."""
    if not value:
        return None, None
    first, sep, last = value.partition("/")
    return (first or None), ((last or None) if sep else None)


_DAY_OR_FINER = re.compile(r"\d{4}-\d{2}-\d{2}")


def day_bounds(value: str | None) -> tuple[str | None, str | None]:
    """ISO value -> (first_day, last_day): the first day its start covers and the last day its
    end covers, as strings that sort among ISO days, so that the date filters and the order can
    compare them as strings. A month, a year or an ISO week becomes its first or last day
    ("2023-W03" as it is sorts after every day of 2023); a day, or a day and a time, stays as it
    is; a value of another shape too (it is compared as the string it is)."""
    start, end = _time_bounds(value)
    return _day_edge(start, 0), _day_edge(end or start, 1)


def _day_edge(value: str | None, edge: int) -> str | None:
    if value is None or _DAY_OR_FINER.match(value):
        return value
    days = days_of(value)
    return value if days is None else days[edge].isoformat()


def _event_row(article_id: str, e: Event, text: str) -> tuple:
    place, time = e.place, e.time
    start, end = _time_bounds(time.value if time else None)
    first_day, last_day = day_bounds(time.value if time else None)
    evidence = [{"start": s.start, "end": s.end, "text": s.text or text[s.start : s.end]} for s in e.evidence]
    return (
        e.id,
        article_id,
        e.type,
        e.subtype,
        e.certainty,
        start,
        end,
        (place.name or place.text) if place else None,
        place.lat if place else None,
        place.lon if place else None,
        place.country if place else None,
        place.admin1 if place else None,
        place.precision if place else None,
        e.fatalities.best if e.fatalities else None,
        "; ".join(a.name for a in e.actors) or None,
        "; ".join(a.name for a in e.targets) or None,
        (e.source.name or e.source.text) if e.source else None,
        _canonical(evidence),
        _canonical(event_dict(e)),
        int(e.background),
        place.admin2 if place else None,
        place.gazetteer_id if place else None,
        first_day,
        last_day,
        actor_ids(e),
    )


def actor_ids(e: Event) -> str | None:
    """The lexicon ids of an event's actors and targets, each between newlines ("\\nRUS.MIL\\nCIV\\n"),
    or None: the `actor_ids` column (migration 0009), which the actor filter matches."""
    ids = [a.actor for a in (*e.actors, *e.targets) if a.actor is not None]
    return "\n" + "\n".join(ids) + "\n" if ids else None


class SQLiteStore:
    """The default `Store` (see sitreps.store for the interface and the tables)."""

    dialect = SQLITE  # what SQLite says its own way (conditions.py)

    def __init__(self, conn: sqlite3.Connection, path: str, notes: tuple[Note, ...] = ()):
        self._conn = conn
        self.path = path
        self.notes = notes  # e.g. a skipped FTS migration
        self.has_fts = self._table_exists("articles_fts")
        register_functions(conn)

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def migrations(self) -> list[dict]:
        rows = self._conn.execute("SELECT name, applied_at FROM migrations ORDER BY rowid")
        return [{"name": name, "applied_at": at} for name, at in rows]

    def _table_exists(self, name: str) -> bool:
        row = self._conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone()
        return row is not None

    def refuse_writes(self) -> None:
        """Make this connection read-only (a server's readers: store/queries.py open_reader)."""
        self._conn.execute("PRAGMA query_only = ON")
        # Reads through a memory map: no read() call and copy per page, and the pages are shared by
        # every thread's connection (the OS page cache) instead of held once per connection.
        self._conn.execute("PRAGMA mmap_size = 1073741824")

    def linking(self):
        """The transaction a linking run holds (store/clusters.py): the write lock, so two
        processes linking one store take turns."""
        return self._transaction()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    # -- writing -----------------------------------------------------------------------------

    def save(self, doc: Document) -> str:
        """Upsert one document; returns "new", "updated", "unchanged" or "failed"."""
        key = article_key(doc)
        if doc.failed:
            self._save_failure(key, doc)
            return "failed"
        try:
            return self._save_analysis(key, doc)
        except (OverflowError, UnicodeError, ValueError, TypeError, sqlite3.InterfaceError) as exc:
            # a value this store cannot hold is the record's failure, not the batch's
            log.error("cannot store %s", key, exc_info=exc)
            detail = f"the store cannot hold this analysis ({type(exc).__name__}); this is a bug in sitreps (see the log)"
            self._save_failure(key, Document(article=doc.article, notes=doc.notes + (Note("store", "store.rejected", detail, "error"),)))
            return "failed"

    def _save_analysis(self, key: str, doc: Document) -> str:
        data = document_dict(doc)
        data["id"] = key
        digest = content_hash(data)
        with self._transaction() as conn:
            conn.execute("DELETE FROM failures WHERE id = ?", (key,))
            row = conn.execute("SELECT content_hash FROM articles WHERE id = ?", (key,)).fetchone()
            if row is not None and row[0] == digest:
                return "unchanged"
            art = doc.article
            # An upsert, not INSERT OR REPLACE: the rowid must stay, the FTS index is keyed on it.
            conn.execute(
                _insert_sql("articles", _ARTICLE_COLUMNS, upsert=True),
                (key, digest, art.url, art.title, data["published"], art.origin, doc.text,
                 stored_doc_json(data, doc.text), _now(), art.site_name, outlet_of(art.url, art.site_name)),
            )  # fmt: skip
            if row is not None:
                for table in _CHILD_TABLES:
                    conn.execute(f"DELETE FROM {table} WHERE article_id = ?", (key,))
            self._insert_children(conn, key, doc)
            save_summary(conn, key, doc)
        return "new" if row is None else "updated"

    def reset_linking(self) -> None:
        """Forget every same-incident cluster; the next linking run links all articles again."""
        with self._transaction() as conn:
            reset_linking(conn)

    def _save_failure(self, key: str, doc: Document) -> None:
        # The first error is the cause; later ones usually follow from it.
        note = next(n for n in doc.notes if n.level == "error")
        with self._transaction() as conn:
            conn.execute(
                _insert_sql("failures", _FAILURE_COLUMNS, upsert=True),
                tuple(map(_storable, (key, doc.article.origin, note.code, note.detail, note.level, _now()))),
            )

    def _insert_children(self, conn: sqlite3.Connection, key: str, doc: Document) -> None:
        for table, columns, rows in child_rows(key, doc):
            if table != "events":
                conn.executemany(_insert_sql(table, columns), rows)
                continue
            for row in rows:
                try:
                    conn.execute(_insert_sql(table, columns), row)
                except sqlite3.IntegrityError as exc:
                    # Event ids are content hashes that include the article: a clash is a bug upstream.
                    owner = conn.execute("SELECT article_id FROM events WHERE id = ?", (row[0],)).fetchone()
                    raise event_clash(row[0], key, owner[0] if owner else None) from exc

    # -- reading -----------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        return {t: self._conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in _COUNTED}

    def failures(self) -> list[dict]:
        names = ", ".join(_FAILURE_COLUMNS)
        rows = self._conn.execute(f"SELECT {names} FROM failures ORDER BY recorded_at, id")
        return [dict(zip(_FAILURE_COLUMNS, row, strict=True)) for row in rows]

    def get_article(self, id: str) -> dict | None:
        row = self._conn.execute("SELECT doc_json, text FROM articles WHERE id = ?", (id,)).fetchone()
        return None if row is None else stored_document(*row)

    def iter_documents(self) -> Iterator[dict]:
        """Every stored sitreps/3 dict, in the order first stored."""
        for doc_json, text in self._conn.execute("SELECT doc_json, text FROM articles ORDER BY rowid"):
            yield stored_document(doc_json, text)

    def iter_records(self) -> Iterator[dict]:
        """The whole store as records (`sitreps export --format jsonl`; `exported_records`)."""
        return exported_records(self._conn.execute(RECORDS_SQL), self._conn.execute(FAILURES_SQL))

    def query_events(
        self, filters: EventFilter | None = None, /, *, limit: int | None = 100, offset: int = 0, **fields
    ) -> list[dict]:
        """Events matching every filter given, oldest first (undated last), at most `limit`
        (None: all) after skipping `offset`.

        The filters are an `EventFilter` (sitreps.filters: what each one means), or its fields
        as keywords: `query_events(type="Battles", since="2022-11", near=(50.45, 30.52, 25))`.
        Values match as stored (`sitreps.filters` turns what people type into stored values).
        Background events, events not said to have happened and the events of an article that
        copies an earlier one come only when asked.
        Each result is the event's sitreps/3 dict, its `evidence` spans also carrying their
        text, plus "article_id", "url", "title", "published", "outlet" and "ingested_at" (when the
        store took its current analysis) of its article, "cluster_id" of its same-incident
        cluster, and "incident_id", "corroboration" and "reports_outlet_unknown" of its incident
        (None until linked, and for the events linking leaves out, possible or negated:
        store/clusters.py).
        """
        return list(self.iter_events(filters, limit=limit, offset=offset, **fields))

    def iter_events(
        self, filters: EventFilter | None = None, /, *, limit: int | None = None, offset: int = 0, **fields
    ) -> Iterator[dict]:
        """`query_events` as a stream (for exports); no limit unless given. Within a date,
        events come in article order, and an article's in the order it tells them.

        The query runs when this is called, not at the first event taken: a filter the store
        cannot answer (`text` without FTS5) raises here, before a caller starts streaming."""
        if filters is not None and fields:
            raise TypeError("give an EventFilter or its fields as keywords, not both")
        where, params = event_conditions(filters or EventFilter(**fields), has_fts=self.has_fts)
        sql = (
            f"SELECT {EVENT_COLUMNS} {EVENTS_FROM}" + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY e.first_day IS NULL, e.first_day, e.article_id, e.rowid LIMIT ? OFFSET ?"
        )
        return map(event_from_row, self._conn.execute(sql, [*params, -1 if limit is None else limit, offset]))


# The store as records: each article with its page's site name and linking summary, in the order
# first stored; then the failures, in the order recorded (`exported_records`).
RECORDS_SQL = (
    "SELECT a.doc_json, a.text, a.site_name, d.summary_json FROM articles a"
    " LEFT JOIN link_docs d ON d.article_id = a.id"
    " ORDER BY a.rowid"
)
FAILURES_SQL = "SELECT id, origin, code, detail, level FROM failures ORDER BY recorded_at, id"


def exported_records(articles: Iterable[tuple], failures: Iterable[tuple]) -> Iterator[dict]:
    """The store as records `sitreps ingest` takes into another store, as it is (rows of
    RECORDS_SQL and FAILURES_SQL): each article's sitreps/3 dict with what the store keeps beside
    it (serialize.exported_record), then each failure as a failed record. Articles go first, so
    an id that has both (a later run failed on an article stored earlier) has both again; and in
    the order first stored, so linking takes them in the order it took them here."""
    for doc_json, text, site_name, summary_json in articles:
        summary = json.loads(summary_json) if summary_json else None
        yield exported_record(stored_document(doc_json, text), site_name, summary)
    for row in failures:
        yield failure_record(*row)


def child_rows(key: str, doc: Document) -> list[tuple[str, tuple[str, ...], list[tuple]]]:
    """(table, columns, rows) of each child table for a document stored under `key`."""
    return [
        ("places", _PLACE_COLUMNS, [
            (key, p.start, p.end, p.text, p.name, p.lat, p.lon, p.country, p.admin1, p.feature, p.gazetteer_id,
             p.precision)
            for p in doc.places
        ]),
        ("times", _TIME_COLUMNS, [(key, t.start, t.end, t.text, t.value, t.grain, int(t.anchored)) for t in doc.times]),
        ("quotes", _QUOTE_COLUMNS, [
            (key, q.start, q.end, q.text, int(q.direct), q.speaker.name if q.speaker else None,
             q.speaker.text if q.speaker else None, q.cue.text if q.cue else None)
            for q in doc.quotes
        ]),
        ("claims", _CLAIM_COLUMNS, [
            (key, c.start, c.end, c.text, c.certainty, c.source.name if c.source else None,
             c.source.kind if c.source else None)
            for c in doc.claims
        ]),
        ("events", _EVENT_COLUMNS, [_event_row(key, e, doc.text) for e in doc.events]),
    ]  # fmt: skip


def event_clash(event_id: str, key: str, owner: str | None) -> EventClash:
    """Event ids are content hashes that include the article: a clash is a bug upstream."""
    return EventClash(
        f"event id {event_id!r} of article {key!r} is already stored" + (f" for article {owner!r}" if owner else "")
    )


def save_summary(conn, key: str, doc: Document) -> None:
    """The article's linking summary, not linked yet (`sitreps.store.clusters.link_pending`
    links it). The linker cannot take a document back: when an article that was linked
    changes, every article is linked again from the start by the next run."""
    from ..linking import summarise, summary_dict

    data = summary_dict(summarise(doc))
    data["id"] = key
    linked = conn.execute("SELECT seq FROM link_docs WHERE article_id = ?", (key,)).fetchone()
    if linked is not None and linked[0] is not None:
        reset_linking(conn)
    conn.execute(
        "INSERT INTO link_docs (article_id, summary_json) VALUES (?, ?) ON CONFLICT(article_id) DO UPDATE"
        " SET summary_json = excluded.summary_json, seq = NULL, cluster_id = NULL, copy_of = NULL,"
        " minhash = NULL",
        (key, _canonical(data)),
    )


def reset_linking(conn: sqlite3.Connection) -> None:
    """Forget every cluster: the next linking run links all articles again, in order."""
    conn.execute("UPDATE link_docs SET seq = NULL, cluster_id = NULL, copy_of = NULL, minhash = NULL")
    for table in ("cluster_links", "cluster_merges", "clusters", "incident_events"):
        conn.execute(f"DELETE FROM {table}")
    conn.execute("UPDATE link_state SET generation = generation + 1")


def open_store(path: str | os.PathLike, *, any_thread: bool = False) -> SQLiteStore:
    """Open (creating if needed) the store at `path` and bring its schema up to date.

    A connection belongs to the thread that opened it; with `any_thread` any thread may use it,
    one at a time (a server's download, whose chunks each worker thread may take in turn)."""
    target = str(path)
    try:
        if target != ":memory:":
            Path(target).expanduser().parent.mkdir(parents=True, exist_ok=True)
            target = str(Path(target).expanduser())
        conn = sqlite3.connect(target, isolation_level=None, check_same_thread=not any_thread)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"cannot open store {target}: {exc}") from exc
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 5000")
        _, notes = apply_migrations(conn)
    except sqlite3.Error as exc:
        conn.close()
        raise StoreError(f"cannot migrate store {target}: {exc}") from exc
    store = SQLiteStore(conn, target, tuple(notes))
    from .clusters import refresh_reports  # linking's reports: above this module

    try:
        refresh_reports(store)
    except sqlite3.Error as exc:
        conn.close()
        raise StoreError(f"cannot update the outlets and cluster reports of store {target}: {exc}") from exc
    return store
