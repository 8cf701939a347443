"""The PostgreSQL store's schema: the SQLite store's named migrations (migrations.py), each
translated, under the same names, recorded in the same `migrations(name, applied_at)` table.

Every migration of migrations.py has its twin here (tests/test_store.py checks the names): a new
SQLite migration needs one here too. The translation keeps the tables, columns and indexes, and
changes only what PostgreSQL does differently:

- Text columns sort and compare byte-wise (`COLLATE "C"`, as SQLite does), whatever the
  database's own collation: dates, ids and the keyset of a page are compared as strings, and
  "2022-11~" must sort after "2022-11-30T10:00".
- `rowid` is an identity column where SQLite's implicit rowid is used (articles, events,
  migrations): the order first stored, and the narrow key a page is picked on.
- Full-text search is a generated `tsvector` over title and text with a GIN index (the `simple`
  configuration: words lower-cased, not stemmed, no stop words, as SQLite's FTS5 index does;
  ASCII punctuation read as a space, as FTS5 reads it: `0010_articles_fts_words`).
- `sitreps_km` is a SQL function: the haversine distance of sitreps.gazetteer.distance_km.
- JSON stays text (the stored dicts are read back as written); the few queries into it cast.

One migration has no SQLite twin: `postgis`, which needs the PostGIS extension (created if the
server has it and the user may create it; otherwise skipped with a note, and applied by a later
open that can). It adds a point column with GiST indexes that `near` and `bbox` use.

Migrations run one by one, each in a transaction that holds an advisory lock, so processes that
open a new database at once apply each migration once.
"""

from __future__ import annotations

from .migrations import Migration

_C = 'TEXT COLLATE "C"'

_SCHEMA = f"""
CREATE TABLE articles (
    id {_C} PRIMARY KEY,
    content_hash {_C} NOT NULL,
    url {_C},
    title {_C},
    published {_C},
    origin {_C},
    text {_C},
    doc_json TEXT NOT NULL,
    ingested_at {_C} NOT NULL,
    rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE
);

CREATE TABLE failures (
    id {_C} PRIMARY KEY,
    origin {_C},
    code {_C},
    detail {_C},
    level {_C},
    recorded_at {_C} NOT NULL
);

CREATE TABLE places (
    article_id {_C} NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text {_C},
    name {_C},
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    country {_C},
    admin1 {_C},
    feature {_C},
    gazetteer_id {_C},
    precision {_C}
);
CREATE INDEX places_article ON places(article_id);

CREATE TABLE times (
    article_id {_C} NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text {_C},
    value {_C},
    grain {_C},
    anchored INTEGER
);
CREATE INDEX times_article ON times(article_id);

CREATE TABLE quotes (
    article_id {_C} NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text {_C},
    direct INTEGER,
    speaker_name {_C},
    speaker_text {_C},
    cue_text {_C}
);
CREATE INDEX quotes_article ON quotes(article_id);

CREATE TABLE claims (
    article_id {_C} NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text {_C},
    certainty {_C},
    source_name {_C},
    source_kind {_C}
);
CREATE INDEX claims_article ON claims(article_id);

CREATE TABLE events (
    id {_C} PRIMARY KEY,
    article_id {_C} NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    type {_C} NOT NULL,
    subtype {_C},
    certainty {_C},
    date {_C},
    date_end {_C},
    place_name {_C},
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    country {_C},
    admin1 {_C},
    precision {_C},
    fatalities BIGINT,
    actors {_C},
    targets {_C},
    source_name {_C},
    evidence_json TEXT NOT NULL,
    event_json TEXT NOT NULL,
    rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE
);
CREATE INDEX events_article ON events(article_id);
CREATE INDEX events_type ON events(type);
CREATE INDEX events_date ON events(date);
CREATE INDEX events_latlon ON events(lat, lon);

CREATE FUNCTION sitreps_km(lat1 DOUBLE PRECISION, lon1 DOUBLE PRECISION, lat2 DOUBLE PRECISION,
                           lon2 DOUBLE PRECISION) RETURNS DOUBLE PRECISION
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT
AS $$ SELECT 2 * 6371.0088 * asin(least(1.0, sqrt(
    power(sin(radians(lat2 - lat1) / 2), 2)
    + cos(radians(lat1)) * cos(radians(lat2)) * power(sin(radians(lon2 - lon1) / 2), 2)))) $$;
"""

_FTS = """
ALTER TABLE articles ADD COLUMN fts tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(text, ''))) STORED;
CREATE INDEX articles_fts ON articles USING gin(fts);
"""

_LINKING = f"""
CREATE TABLE link_docs (
    article_id {_C} PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    summary_json TEXT NOT NULL,
    seq BIGINT UNIQUE,
    cluster_id {_C},
    copy_of {_C},
    minhash BYTEA
);
CREATE INDEX link_docs_cluster ON link_docs(cluster_id);

CREATE TABLE cluster_links (
    a {_C} NOT NULL,
    b {_C} NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (a, b)
);

CREATE TABLE cluster_merges (
    old {_C} PRIMARY KEY,
    new {_C} NOT NULL
);

CREATE TABLE clusters (
    id {_C} PRIMARY KEY,
    corroboration INTEGER NOT NULL,
    documents INTEGER NOT NULL,
    first_published {_C},
    last_published {_C},
    report_json TEXT NOT NULL
);
CREATE INDEX clusters_corroboration ON clusters(corroboration);
"""

_LINK_GENERATION = """
CREATE TABLE link_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
);
INSERT INTO link_state (id, generation) VALUES (1, 0);
"""

_EVENT_BACKGROUND = """
ALTER TABLE events ADD COLUMN background INTEGER NOT NULL DEFAULT 0;
UPDATE events SET event_json = jsonb_set(event_json::jsonb, '{background}', 'false')::text;
"""

_EVENT_WHERE = f"""
ALTER TABLE events ADD COLUMN admin2 {_C};
ALTER TABLE events ADD COLUMN place_id {_C};
UPDATE events SET admin2 = event_json::jsonb #>> '{{place,admin2}}',
                  place_id = event_json::jsonb #>> '{{place,gazetteer_id}}';
CREATE INDEX events_country ON events(country);
CREATE INDEX events_admin1 ON events(admin1);
CREATE INDEX events_admin2 ON events(admin2);
CREATE INDEX events_place_id ON events(place_id);
CREATE INDEX events_place_name ON events(place_name);
"""

_INCIDENTS = f"""
ALTER TABLE articles ADD COLUMN site_name {_C};
ALTER TABLE articles ADD COLUMN outlet {_C};
CREATE TABLE incident_events (
    event_id {_C} PRIMARY KEY,
    cluster_id {_C} NOT NULL,
    incident_id {_C} NOT NULL,
    corroboration INTEGER NOT NULL,
    reports_outlet_unknown INTEGER NOT NULL
);
CREATE INDEX incident_events_cluster ON incident_events(cluster_id);
CREATE INDEX incident_events_corroboration ON incident_events(corroboration);
ALTER TABLE link_state ADD COLUMN reports INTEGER NOT NULL DEFAULT 0;
"""


def _day_edge(value: str, edge: str) -> str:
    """migrations.py's `_day_edge` in PostgreSQL's words; a value shaped like a month or a
    week that is none stays as it is (a cast would fail the migration)."""
    last = edge == "last"
    year = f"{value} || '-12-31'" if last else f"{value} || '-01-01'"
    first = f"CAST({value} || '-01' AS date)"
    month = f"(CAST({first} + interval '1 month' AS date) - 1)" if last else first
    jan4 = f"make_date(CAST(substr({value}, 1, 4) AS integer), 1, 4)"
    days = f"7 * (CAST(substr({value}, 7, 2) AS integer) - 1)" + (" + 6" if last else "")
    week = f"({jan4} - (CAST(extract(isodow FROM {jan4}) AS integer) - 1) + {days})"
    return (
        f"CASE WHEN {value} ~ '^[0-9]{{4}}$' THEN {year}"
        f" WHEN {value} ~ '^[0-9]{{4}}-(0[1-9]|1[0-2])$' THEN to_char({month}, 'YYYY-MM-DD')"
        f" WHEN {value} ~ '^[0-9]{{4}}-W[0-9]{{2}}$' THEN to_char({week}, 'YYYY-MM-DD')"
        f" ELSE {value} END"
    )


_EVENT_DAYS = f"""
ALTER TABLE events ADD COLUMN first_day {_C};
ALTER TABLE events ADD COLUMN last_day {_C};
UPDATE events SET first_day = {_day_edge("date", "first")},
                  last_day = {_day_edge("coalesce(date_end, date)", "last")};
DROP INDEX events_date;
CREATE INDEX events_first_day ON events(first_day);
"""

# The actor ids of migrations.py's 0009, and what makes the API's filters cheap here: an event row
# is wide (about 1.5 kB, its JSON stored inline: too short for TOAST), so a count or a page walk
# that reads the table reads every event's JSON. `events_walk` holds the first-day order and every
# column the common filters test (not the box, the point or the text), so counts and page walks
# are index-only scans of about a tenth of the table (after VACUUM; autovacuum keeps the
# visibility map up to date). `events_first_day` stays: counting a date range reads that narrower
# index four times faster (queries.py's estimates). `link_docs_copies` lists the copies
# that NOT_A_COPY_SQL leaves out (conditions.py) without reading all of link_docs.
_EVENT_ACTOR_IDS = f"""
ALTER TABLE events ADD COLUMN actor_ids {_C};
UPDATE events SET actor_ids = (
    SELECT E'\\n' || string_agg(id #>> '{{}}', E'\\n') || E'\\n' FROM (
        SELECT jsonb_path_query(event_json::jsonb, 'lax $.actors[*].actor') AS id
        UNION ALL SELECT jsonb_path_query(event_json::jsonb, 'lax $.targets[*].actor')) ids);
CREATE INDEX events_walk ON events(first_day, id) INCLUDE (
    last_day, certainty, background, type, subtype, article_id, actors, targets, actor_ids, rowid);
CREATE INDEX link_docs_copies ON link_docs(article_id) WHERE copy_of IS NOT NULL AND copy_of <> article_id;
"""

# PostgreSQL's default text parser reads HTML and web addresses: it left out every word from a
# `<script>` or `<style>` to its closing tag and the word of a tag (`<b>`), and kept host names,
# e-mail addresses, paths and decimals whole, where FTS5 (unicode61) finds their parts. ASCII
# punctuation becomes a space before the parser sees the text, as FTS5's tokenizer treats it
# (postgres.py `ts_query` reads the searched words the same way).
_FTS_WORDS = r"""
ALTER TABLE articles DROP COLUMN fts;
ALTER TABLE articles ADD COLUMN fts tsvector GENERATED ALWAYS AS (to_tsvector('simple', translate(
    coalesce(title, '') || ' ' || coalesce(text, ''), E'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~', repeat(' ', 32)))) STORED;
CREATE INDEX articles_fts ON articles USING gin(fts);
"""

# migrations.py's 0011: the text once, and the links indexed by b. The text column holds U+FFFD
# where the text had NUL (postgres.py `_text`), so those rows keep their text in the JSON; jsonb
# cannot hold "\u0000" at all, and CASE keeps the cast away from them. The rewritten JSON is jsonb's
# rendering (keys in jsonb's order, a space after each colon and comma), which readers parse the
# same; a save writes the canonical form again.
_ARTICLE_TEXT_ONCE = """
UPDATE articles SET doc_json = (doc_json::jsonb - 'text')::text
WHERE CASE WHEN strpos(doc_json, '\\u0000') > 0 THEN false
           ELSE doc_json::jsonb ->> 'text' IS NOT DISTINCT FROM text END;
CREATE INDEX cluster_links_b ON cluster_links(b);
"""

# A point per located event (NULL for coordinates no point can have), indexed twice: as geometry
# for `bbox` (a box in degrees) and as geography for `near` (metres on the sphere).
_POSTGIS = """
ALTER TABLE events ADD COLUMN geom geometry(Point, 4326) GENERATED ALWAYS AS (
    CASE WHEN lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180
         THEN ST_SetSRID(ST_MakePoint(lon, lat), 4326) END) STORED;
CREATE INDEX events_geom ON events USING gist(geom);
CREATE INDEX events_geog ON events USING gist((geom::geography));
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration("0001_initial", _SCHEMA),
    Migration("0002_articles_fts", _FTS),
    Migration("0003_linking", _LINKING),
    Migration("0004_link_generation", _LINK_GENERATION),
    Migration("0005_event_background", _EVENT_BACKGROUND),
    Migration("0006_event_where", _EVENT_WHERE),
    Migration("0007_incidents", _INCIDENTS),
    Migration("0008_event_days", _EVENT_DAYS),
    Migration("0009_event_actor_ids", _EVENT_ACTOR_IDS),
    Migration("0010_articles_fts_words", _FTS_WORDS),
    Migration("0011_text_once_cluster_links_b", _ARTICLE_TEXT_ONCE),
    Migration("postgis", _POSTGIS, needs=("postgis",)),
)
