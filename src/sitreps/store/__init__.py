"""The store: where analysed documents are kept and events are queried.

    from sitreps.store import open_store
    with open_store(settings.store_target()) as store:   # a path, sqlite:///path or postgresql://…
        store.save(doc)                      # "new" | "updated" | "unchanged" | "failed"
        store.query_events(type="Battles", since="2022-11-01", near=(50.45, 30.52, 25))
        store.query_events(EventFilter(country="UA", admin1="Donetsk Oblast"), limit=None)

`Store` below is the interface; `SQLiteStore` (sqlite.py) is the default implementation, and it
is cheap enough to be its own in-memory twin: `open_store(":memory:")` or a file under pytest's
`tmp_path`. `PostgresStore` (postgres.py) keeps the same tables in a PostgreSQL database, for
several processes writing at once; `open_store` (urls.py) picks the one a path or URL names.

Filters are `sitreps.filters.EventFilter`, turned into SQL in one place (conditions.py) for
every query here and in queries.py.

Saving is an idempotent upsert keyed by the article id (a content hash when the article has
none). The stored row carries a sha256 of the document's `sitreps/3` dict without its volatile
keys (`origin`), so re-saving the same analysis writes nothing and returns "unchanged"; a changed
analysis replaces the article row and all its child rows in one transaction ("updated"). A
document whose notes include an error is not stored as an article: it goes into `failures`
(keyed by its id, first error note) and `save` returns "failed"; an analysis stored earlier
under the same id is kept, not overwritten by the failure. A later successful save of the same
id removes the failure row.

Tables (schema in migrations.py; every migration is named and recorded in `migrations`):

    migrations(name PK, applied_at)          one row per applied migration, in order
    articles(id PK, content_hash, url, title, published, origin, text, doc_json, ingested_at,
             site_name, outlet)
        one row per stored document; doc_json is the whole sitreps/3 dict, the source of truth,
        but for its text, which only the text column holds (migration 0010; the readers put it
        back: sqlite.py `stored_document`); site_name: the page's own name, as read from HTML
        (not in doc_json); outlet: derived from url and site_name (sitreps.outlets; NULL:
        unknown)
    failures(id PK, origin, code, detail, level, recorded_at)
        per-article failures: the first error note of a document that could not be analysed
    places(article_id, start, end, text, name, lat, lon, country, admin1, feature,
           gazetteer_id, precision)          every place mention, resolved or not
    times(article_id, start, end, text, value, grain, anchored)
    quotes(article_id, start, end, text, direct, speaker_name, speaker_text, cue_text)
    claims(article_id, start, end, text, certainty, source_name, source_kind)
    events(id PK, article_id, type, subtype, certainty, date, date_end, place_name, lat, lon,
           country, admin1, precision, fatalities, actors, targets, source_name,
           evidence_json, event_json, background, admin2, place_id, first_day, last_day, actor_ids)
        date/date_end: the event time's ISO value, split at "/" for an interval (NULL if none);
        first_day/last_day: the first and the last day that value covers (a day, or a day and
        a time, as it is; sqlite.py `day_bounds`), what the date filters and the order compare;
        place_name: the place's name, else its text; place_id: its gazetteer id;
        actors/targets: names joined by "; "; actor_ids: their lexicon ids, each between
        newlines ("\\nRUS.MIL\\nCIV\\n"; NULL for none), which the actor filter matches;
        evidence_json: [{start, end, text}];
        event_json: the event's sitreps/3 dict; background: 1 for an event told as history.
        Indexed on type, first_day, (lat, lon), article_id, and each column the where filters
        match: country, admin1, admin2, place_id, place_name. (PostgreSQL: first_day's index
        covers the filter columns, pg_migrations.py's 0009.)
    articles_fts  FTS5 index over articles(title, text), kept in step by triggers; skipped
                  with a warning note (store.notes) when SQLite lacks FTS5.
    link_docs(article_id PK, summary_json, seq, cluster_id, copy_of, minhash)
        each article's linking summary, written by `save`; `seq` NULL until linked
    cluster_links(a, b, score), cluster_merges(old, new), link_state(generation, reports)
        the linker's state between runs: summed scores between clusters, merged-away ids, a
        counter bumped by every run and reset (a kept linker is reused only if it matches), and
        the version of the outlets and reports the store holds (older ones are rewritten when
        the store is opened: `store/clusters.py: refresh_reports`)
    clusters(id PK, corroboration, documents, first_published, last_published, report_json)
        one row per same-incident cluster; `store/clusters.py: link_pending` writes them
        (`sitreps ingest` runs it after each batch) and `get_cluster` reads one; corroboration
        is its best-told incident's
    incident_events(event_id PK, cluster_id, incident_id, corroboration, reports_outlet_unknown)
        each linked event's incident (named after its first event) with that incident's
        corroboration (distinct known outlets, copies once) and reports whose outlet is unknown:
        what events carry and `min_corroboration` filters on; written with the clusters

Child tables reference articles(id) ON DELETE CASCADE; offsets are half-open character
offsets into articles.text, as everywhere in sitreps.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from ..filters import EventFilter
from ..records import Document
from .sqlite import SQLiteStore
from .urls import open_store


class Store(Protocol):
    def save(self, doc: Document) -> str:
        """Upsert one document: "new", "updated", "unchanged" or "failed"."""

    def counts(self) -> dict[str, int]:
        """Rows in articles, events, places, quotes, claims and failures."""

    def failures(self) -> list[dict]:
        """Per-article failures: id, origin, code, detail, level, recorded_at."""

    def get_article(self, id: str) -> dict | None:
        """The stored sitreps/3 dict of one article."""

    def query_events(
        self, filters: EventFilter | None = None, /, *, limit: int | None = 100, offset: int = 0, **fields
    ) -> list[dict]:
        """Event dicts (sitreps/3 plus article_id, url, title, published) matching every filter:
        an `EventFilter` (sitreps.filters) or its fields as keywords."""

    def iter_events(
        self, filters: EventFilter | None = None, /, *, limit: int | None = None, offset: int = 0, **fields
    ) -> Iterator[dict]:
        """`query_events` as a stream, unlimited by default (for exports)."""

    def iter_documents(self) -> Iterator[dict]:
        """Every stored sitreps/3 dict, in the order first stored."""

    def iter_records(self) -> Iterator[dict]:
        """The whole store as records that `sitreps ingest` stores as they are: every article's
        sitreps/3 dict with a `stored` member (its page's site name, what linking read of its
        sentences and entities), in the order first stored, then every failure as a failed
        record."""

    def close(self) -> None: ...

    def __enter__(self) -> Store: ...

    def __exit__(self, *exc: object) -> None: ...


__all__ = ["SQLiteStore", "Store", "open_store"]
