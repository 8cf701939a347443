"""Named, ordered schema migrations, recorded in the `migrations(name, applied_at)` table.

Append new migrations to `MIGRATIONS`; never edit or reorder one that has shipped. Each
migration runs in its own `BEGIN IMMEDIATE` transaction together with the row that records
it, so two processes opening the same new database cannot both apply it, and a failure
leaves the database as it was. A migration that needs an SQLite feature this build lacks
(`needs=("fts5",)`) is skipped, not recorded, and reported as a `Note`; it is applied by the
first later open whose SQLite has the feature.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import NamedTuple

from ..records import Note


class Migration(NamedTuple):
    name: str
    sql: str
    needs: tuple[str, ...] = ()  # SQLite features the SQL depends on, e.g. "fts5"


_SCHEMA = """
CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    url TEXT,
    title TEXT,
    published TEXT,
    origin TEXT,
    text TEXT,
    doc_json TEXT NOT NULL,
    ingested_at TEXT NOT NULL
);

CREATE TABLE failures (
    id TEXT PRIMARY KEY,
    origin TEXT,
    code TEXT,
    detail TEXT,
    level TEXT,
    recorded_at TEXT NOT NULL
);

CREATE TABLE places (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT,
    name TEXT,
    lat REAL,
    lon REAL,
    country TEXT,
    admin1 TEXT,
    feature TEXT,
    gazetteer_id TEXT,
    precision TEXT
);
CREATE INDEX places_article ON places(article_id);

CREATE TABLE times (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT,
    value TEXT,
    grain TEXT,
    anchored INTEGER
);
CREATE INDEX times_article ON times(article_id);

CREATE TABLE quotes (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT,
    direct INTEGER,
    speaker_name TEXT,
    speaker_text TEXT,
    cue_text TEXT
);
CREATE INDEX quotes_article ON quotes(article_id);

CREATE TABLE claims (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT,
    certainty TEXT,
    source_name TEXT,
    source_kind TEXT
);
CREATE INDEX claims_article ON claims(article_id);

CREATE TABLE events (
    id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    subtype TEXT,
    certainty TEXT,
    date TEXT,
    date_end TEXT,
    place_name TEXT,
    lat REAL,
    lon REAL,
    country TEXT,
    admin1 TEXT,
    precision TEXT,
    fatalities INTEGER,
    actors TEXT,
    targets TEXT,
    source_name TEXT,
    evidence_json TEXT NOT NULL,
    event_json TEXT NOT NULL
);
CREATE INDEX events_article ON events(article_id);
CREATE INDEX events_type ON events(type);
CREATE INDEX events_date ON events(date);
CREATE INDEX events_latlon ON events(lat, lon);
"""

# External-content FTS5 index over articles(title, text), kept in step by triggers
# (the sqlite-utils `enable_fts(create_triggers=True)` layout). `rebuild` fills it from rows
# stored before the index existed, e.g. by an earlier open whose SQLite lacked FTS5.
_FTS = """
CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', content_rowid='rowid');

CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;

CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.rowid, old.title, old.text);
END;

CREATE TRIGGER articles_fts_au AFTER UPDATE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.rowid, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;

INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');
"""

# Same-incident linking (sitreps.linking, run by sitreps.store.clusters.link_pending):
# - link_docs: each article's linking summary (written when the article is saved), and once
#   linked its place in the linker's order (`seq`), its cluster, the first article it copies
#   and its MinHash signature. `seq IS NULL`: not linked yet.
# - cluster_links: summed pair scores between clusters (both directions), what the linker
#   needs to decide later merges without comparing old pairs again.
# - cluster_merges: cluster ids merged into another (old links and bookmarks keep working).
# - clusters: one row per live cluster with its report (corroboration, outlets, incidents,
#   disagreements), rewritten for the clusters each linking run touches.
_LINKING = """
CREATE TABLE link_docs (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    summary_json TEXT NOT NULL,
    seq INTEGER UNIQUE,
    cluster_id TEXT,
    copy_of TEXT,
    minhash BLOB
);
CREATE INDEX link_docs_cluster ON link_docs(cluster_id);

CREATE TABLE cluster_links (
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    score REAL NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;

CREATE TABLE cluster_merges (
    old TEXT PRIMARY KEY,
    new TEXT NOT NULL
);

CREATE TABLE clusters (
    id TEXT PRIMARY KEY,
    corroboration INTEGER NOT NULL,
    documents INTEGER NOT NULL,
    first_published TEXT,
    last_published TEXT,
    report_json TEXT NOT NULL
);
CREATE INDEX clusters_corroboration ON clusters(corroboration);
"""

# A counter bumped by every linking run and every reset: a process that kept its linker from an
# earlier run (the API's write route) reuses it only if nobody has linked or reset since.
_LINK_GENERATION = """
CREATE TABLE link_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
);
INSERT INTO link_state (id, generation) VALUES (1, 0);
"""

# sitreps/3: an event can be background (told as history, dated well before the news window).
# Events stored by sitreps/2 were never marked: they stay current (0) and say so in their JSON
# too; re-ingesting the articles marks them.
_EVENT_BACKGROUND = """
ALTER TABLE events ADD COLUMN background INTEGER NOT NULL DEFAULT 0;
UPDATE events SET event_json = json_set(event_json, '$.background', json('false'));
"""

# The where filters (country, admin1, admin2, place) match columns, each indexed. admin2 and the
# place's gazetteer id were in the event JSON only: copied into columns here (NULL where the JSON
# has none, as for events stored before places carried admin2).
_EVENT_WHERE = """
ALTER TABLE events ADD COLUMN admin2 TEXT;
ALTER TABLE events ADD COLUMN place_id TEXT;
UPDATE events SET admin2 = json_extract(event_json, '$.place.admin2'),
                  place_id = json_extract(event_json, '$.place.gazetteer_id');
CREATE INDEX events_country ON events(country);
CREATE INDEX events_admin1 ON events(admin1);
CREATE INDEX events_admin2 ON events(admin2);
CREATE INDEX events_place_id ON events(place_id);
CREATE INDEX events_place_name ON events(place_name);
"""

# Corroboration per incident. Each article keeps the site name its page gave (NULL for text input,
# and for articles stored before this migration: it was not kept) and its outlet
# (sitreps.outlets: the registrable domain of its URL, else its site name; NULL: unknown).
# `incident_events` puts each linked event in its incident (named after the incident's first
# event) with the incident's corroboration (distinct known outlets) and its reports whose outlet
# is unknown; linking writes it with the clusters' reports (WITHOUT ROWID: an event's row is one
# lookup, for every event `min_corroboration` checks). `link_state.reports` is the version
# of these derived values the store holds (store/clusters.py: REPORTS): a store holding older
# ones, as every store from before this migration, has its outlets and reports rewritten from
# its stored URLs and link summaries when it is opened (`refresh_reports`), without relinking.
_INCIDENTS = """
ALTER TABLE articles ADD COLUMN site_name TEXT;
ALTER TABLE articles ADD COLUMN outlet TEXT;
CREATE TABLE incident_events (
    event_id TEXT PRIMARY KEY,
    cluster_id TEXT NOT NULL,
    incident_id TEXT NOT NULL,
    corroboration INTEGER NOT NULL,
    reports_outlet_unknown INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX incident_events_cluster ON incident_events(cluster_id);
CREATE INDEX incident_events_corroboration ON incident_events(corroboration);
ALTER TABLE link_state ADD COLUMN reports INTEGER NOT NULL DEFAULT 0;
"""


def _day_edge(value: str, edge: str) -> str:
    """SQL for the first or the last day (`edge`) that the ISO `value` covers, as sqlite.py's
    `day_bounds` gives it: a year, a month (a month that is no month stays as it is), or an ISO
    week, whose week 1 holds 4 January, so its Monday is the first Monday on or after 29
    December; any other shape as it is."""
    last = edge == "last"
    year = f"{value} || '-12-31'" if last else f"{value} || '-01-01'"
    month_end = ", '+1 month', '-1 day'" if last else ""
    month = f"coalesce(date({value} || '-01'{month_end}), {value})"
    days = f"7 * (substr({value}, 7, 2) - 1)" + (" + 6" if last else "")
    week = f"date(substr({value}, 1, 4) || '-01-04', '-6 days', 'weekday 1', printf('%+d days', {days}))"
    return (
        f"CASE WHEN {value} GLOB '[0-9][0-9][0-9][0-9]' THEN {year}"
        f" WHEN {value} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]' THEN {month}"
        f" WHEN {value} GLOB '[0-9][0-9][0-9][0-9]-W[0-9][0-9]' THEN {week}"
        f" ELSE {value} END"
    )


# The date filters and the order compared an event's date as a string, which works for days,
# months and years ("2023-01" sorts before its days, "2023-01~" after them) but not for an ISO
# week: "2023-W03" sorts after every day of 2023. Each event keeps the first day its date covers
# and the last day (sqlite.py `day_bounds`: a day, or a day and a time, as it is), which compare
# as days whatever the precision (conditions.py). The order walks `first_day`'s index now; the
# date index, which nothing else used, goes. Stored events get their days from their date
# columns here, as `day_bounds` gives them (tests/test_store.py checks that the two agree).
_EVENT_DAYS = f"""
ALTER TABLE events ADD COLUMN first_day TEXT;
ALTER TABLE events ADD COLUMN last_day TEXT;
UPDATE events SET first_day = {_day_edge("date", "first")},
                  last_day = {_day_edge("coalesce(date_end, date)", "last")};
DROP INDEX events_date;
CREATE INDEX events_first_day ON events(first_day);
"""

# The lexicon ids of an event's actors and targets, each between newlines ("\nRUS.MIL\nCIV\n"; NULL
# for none), which the `actor` filter matches instead of parsing event_json row by row (an id is
# one whole line: "\nRUS.MIL\n" never matches RUS.MIL.X). sqlite.py's `actor_ids` writes them.
_EVENT_ACTOR_IDS = """
ALTER TABLE events ADD COLUMN actor_ids TEXT;
UPDATE events SET actor_ids = (
    SELECT char(10) || group_concat(id, char(10)) || char(10) FROM (
        SELECT json_extract(value, '$.actor') AS id FROM json_each(events.event_json, '$.actors')
        UNION ALL SELECT json_extract(value, '$.actor') FROM json_each(events.event_json, '$.targets'))
    WHERE id IS NOT NULL);
"""

# PostgreSQL's twin makes its text search read words as the FTS5 index above always has
# (pg_migrations.py): nothing to change here, the name keeps the two lists in step.
_FTS_WORDS = ""

# An article's text was stored twice: in `articles.text` (which the FTS index and linking read)
# and inside `doc_json`. `doc_json` keeps it no more: the readers take it from the column
# (sqlite.py `stored_document`). A row whose JSON seems to hold another text than its column keeps
# it: a text with NUL, which SQLite's JSON functions cut at the NUL (a save stores such a text once;
# PostgreSQL's column cannot hold it). The file keeps its size until VACUUM.
#
# And linking rewrites the links of every cluster a run touched, deleting them first by either end:
# `cluster_links` is keyed (a, b), so deleting by b read the whole table, once per touched cluster
# (benchmarks/linking_store.py: most of a linking run's time, growing with the store). An index on
# b makes it a lookup.
_ARTICLE_TEXT_ONCE = """
UPDATE articles SET doc_json = json_remove(doc_json, '$.text') WHERE json_extract(doc_json, '$.text') IS text;
CREATE INDEX cluster_links_b ON cluster_links(b);
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration("0001_initial", _SCHEMA),
    Migration("0002_articles_fts", _FTS, needs=("fts5",)),
    Migration("0003_linking", _LINKING),
    Migration("0004_link_generation", _LINK_GENERATION),
    Migration("0005_event_background", _EVENT_BACKGROUND),
    Migration("0006_event_where", _EVENT_WHERE),
    Migration("0007_incidents", _INCIDENTS),
    Migration("0008_event_days", _EVENT_DAYS),
    Migration("0009_event_actor_ids", _EVENT_ACTOR_IDS),
    Migration("0010_articles_fts_words", _FTS_WORDS),
    Migration("0011_text_once_cluster_links_b", _ARTICLE_TEXT_ONCE),
)


def has_fts5() -> bool:
    """Whether the SQLite library Python is linked against was built with FTS5."""
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("CREATE VIRTUAL TABLE probe USING fts5(x)")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        probe.close()


def statements(sql: str) -> list[str]:
    """Split a script into complete statements (trigger bodies stay whole)."""
    out: list[str] = []
    buf = ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        raise ValueError(f"incomplete SQL statement in migration: {buf.strip()[:80]!r}")
    return out


def applied(conn: sqlite3.Connection) -> list[str]:
    return [row[0] for row in conn.execute("SELECT name FROM migrations ORDER BY rowid")]


def apply_migrations(
    conn: sqlite3.Connection, migrations: tuple[Migration, ...] = MIGRATIONS
) -> tuple[list[str], list[Note]]:
    """Apply the pending migrations in order; returns (names applied now, notes).

    `conn` must be in autocommit mode (`isolation_level=None`): transactions are explicit here.
    """
    conn.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    features = {"fts5": has_fts5()}
    done: list[str] = []
    notes: list[Note] = []
    for migration in migrations:
        missing = [f for f in migration.needs if not features.get(f, False)]
        if missing:
            notes.append(
                Note(
                    "store",
                    "store.migration_skipped",
                    f"{migration.name} needs SQLite {', '.join(missing)}, which this build lacks",
                    "warning",
                )
            )
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            seen = conn.execute("SELECT 1 FROM migrations WHERE name = ?", (migration.name,)).fetchone()
            if seen is None:
                for stmt in statements(migration.sql):
                    conn.execute(stmt)
                conn.execute(
                    "INSERT INTO migrations (name, applied_at) VALUES (?, ?)",
                    (migration.name, datetime.now(UTC).isoformat(timespec="seconds")),
                )
                done.append(migration.name)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return done, notes
