"""Same-incident clusters in the SQLite store: link what was saved since the last run, and
read clusters back.

    from sitreps.store.clusters import link_pending, get_cluster
    with open_store("sitreps.db") as store:
        run = link_pending(store)            # after saving articles; `sitreps ingest` does it
        run.linked, run.touched              # articles linked now, clusters rewritten
        get_cluster(store, cluster_id)       # its report, documents and events

Linking is incremental. Each saved article has a summary in `link_docs` (written by `save`);
`link_pending` puts the linker back as the last run left it (`Linker.restore`: the stored
order, clusters, MinHash signatures and the summed scores between clusters; no pair is scored
again), adds the articles not linked yet, oldest publication first, and writes back only what
changed: the new articles' rows, the members of clusters that grew or merged, their scores and
their reports. Putting the linker back reads every summary once (linear, about a tenth of what
linking them cost: docs/benchmarks.md); a process that links again and again (the API's write
route) keeps the linker and hands it back, and only articles saved by someone else meanwhile
make it read the store again (a generation counter tells).

The whole run holds the store's linking lock (`store.linking()`: SQLite's write lock, a
PostgreSQL advisory lock), so two processes linking the same store take turns instead of
clustering the same articles twice.

A cluster's report (`sitreps.linking.describe`) groups its events into incidents, each with its
corroboration; `incident_events` gives every event its incident's, for the event queries and
the `min_corroboration` filter. Outlets come from `articles.outlet` (sitreps.outlets), not from
the stored summaries, so a better outlet rule needs no relinking: when `REPORTS` goes up, the
next `open_store` rewrites every outlet and report (`refresh_reports`, under the same linking
lock, on either database).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace

from ..linking import Cluster, DocSummary, Linker, LinkSettings, describe, summary_from_dict
from ..outlets import outlet_of
from .conditions import Dialect
from .sqlite import SQLiteStore

# The version of the outlets and cluster reports this code writes (link_state.reports): 1, outlets
# by registrable domain or site name and corroboration per incident; 2, an account on a platform
# (a Telegram channel, abcnews.go.com: sitreps.outlets.PLATFORMS) is an outlet of its own. Raise
# it when either rule changes, and stores rewrite theirs when next opened.
REPORTS = 2


@dataclass(frozen=True)
class LinkRun:
    linked: int  # articles linked by this run
    touched: int  # clusters written (created, grown or merged)
    clusters: int  # clusters in the store after the run
    linker: Linker | None = None  # the linker as this run left the store
    generation: int = -1  # the store's linking generation after this run


def pending(store: SQLiteStore) -> int:
    """Articles saved but not linked yet."""
    return store._conn.execute("SELECT count(*) FROM link_docs WHERE seq IS NULL").fetchone()[0]


def link_pending(
    store: SQLiteStore,
    settings: LinkSettings | None = None,
    *,
    previous: LinkRun | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> LinkRun:
    """Link the articles saved since the last run (see the module docstring). `previous` is
    what an earlier call in this process returned: its linker is reused when nobody has linked
    or reset the store since (the store's linking generation is still the one it left);
    `progress(done, total)` is called after each article."""
    with store.linking() as conn:
        return _link(conn, settings or LinkSettings(), previous, progress, store.dialect)


def _link(
    conn: sqlite3.Connection, settings: LinkSettings, previous: LinkRun | None, progress, dialect: Dialect
) -> LinkRun:
    new = conn.execute(
        "SELECT d.article_id, d.summary_json, a.text, a.outlet FROM link_docs d JOIN articles a ON a.id = d.article_id"
        " WHERE d.seq IS NULL ORDER BY a.published IS NULL, a.published, a.rowid"
    ).fetchall()
    generation = conn.execute("SELECT generation FROM link_state").fetchone()[0]
    current = previous is not None and previous.linker is not None and previous.generation == generation
    linker = previous.linker if current else None
    if not new:
        return LinkRun(0, 0, _count(conn), linker, generation)
    if linker is None or linker.settings != settings:
        linker = _restore(conn, settings)
    linker.touched.clear()
    merged_before = set(linker.merged)
    start = len(linker)
    for i, (_, summary_json, text, outlet) in enumerate(new):
        linker.add(_summary(summary_json, text, outlet))
        if progress is not None:
            progress(i + 1, len(new))
    _write(conn, linker, start, merged_before, dialect)
    conn.execute("UPDATE link_state SET generation = generation + 1")
    return LinkRun(len(new), len(linker.touched), _count(conn), linker, generation + 1)


def _summary(summary_json: str, text: str | None, outlet: str | None) -> DocSummary:
    """A stored summary with the article's outlet as the store has it now (`articles.outlet`)."""
    return replace(summary_from_dict(json.loads(summary_json), text or ""), outlet=outlet)


def _restore(conn: sqlite3.Connection, settings: LinkSettings) -> Linker:
    rows = conn.execute(
        "SELECT d.summary_json, a.text, a.outlet, d.cluster_id, d.copy_of, d.minhash FROM link_docs d"
        " JOIN articles a ON a.id = d.article_id WHERE d.seq IS NOT NULL ORDER BY d.seq"
    )
    state = (
        (_summary(summary_json, text, outlet), cluster, copy_of, minhash)
        for summary_json, text, outlet, cluster, copy_of, minhash in rows
    )
    links = conn.execute("SELECT a, b, score FROM cluster_links").fetchall()
    merged = dict(conn.execute("SELECT old, new FROM cluster_merges").fetchall())
    return Linker.restore(state, links, merged, settings)


def _write(conn: sqlite3.Connection, linker: Linker, start: int, merged_before: set[str], dialect: Dialect) -> None:
    # only the new documents' rows and the touched clusters' links: not the whole state again.
    # `values`: the subquery of a JSON array's values (the store's dialect: conditions.py)
    conn.executemany(
        "UPDATE link_docs SET seq = ?, cluster_id = ?, copy_of = ?, minhash = ? WHERE article_id = ?",
        [(start + i, cluster, first, sig, s.id) for i, (s, cluster, first, sig) in enumerate(linker.rows(start))],
    )
    conn.executemany(
        "INSERT INTO cluster_merges (old, new) VALUES (?, ?) ON CONFLICT(old) DO UPDATE SET new = excluded.new",
        [(old, new) for old, new in linker.merged.items() if old not in merged_before],
    )
    # Old bookmarks of a cluster that has since merged again point at its latest id.
    conn.execute(
        "UPDATE cluster_merges SET new = (SELECT m.new FROM cluster_merges m WHERE m.old = cluster_merges.new)"
        " WHERE new IN (SELECT old FROM cluster_merges)"
    )
    live = {c for c in linker.touched if c not in linker.merged}
    gone = linker.touched - live
    for c in linker.touched:
        conn.execute("DELETE FROM cluster_links WHERE a = ?", (c,))
        conn.execute("DELETE FROM cluster_links WHERE b = ?", (c,))
    conn.executemany(
        "INSERT INTO cluster_links (a, b, score) VALUES (?, ?, ?)",
        [(a, b, score) for a in live for b, score in linker.links_of(a).items()]
        + [(b, a, score) for a in live for b, score in linker.links_of(a).items() if b not in live],
    )
    conn.executemany("DELETE FROM clusters WHERE id = ?", [(c,) for c in gone])
    conn.executemany("DELETE FROM incident_events WHERE cluster_id = ?", [(c,) for c in linker.touched])
    for c in live:
        cluster = linker.cluster(c)
        conn.execute(
            f"UPDATE link_docs SET cluster_id = ? WHERE article_id IN ({dialect.json_values})",
            (c, dialect.json_list(cluster.documents)),
        )
        _write_cluster(conn, cluster, dialect)


def _write_cluster(conn: sqlite3.Connection, cluster: Cluster, dialect: Dialect) -> None:
    """A cluster's row and report, and its events' incidents. `dialect`: the store's, for the
    subquery of a JSON array's values (conditions.py)."""
    published = [
        p for (p,) in conn.execute(
            f"SELECT published FROM articles WHERE id IN ({dialect.json_values})"
            " AND published IS NOT NULL ORDER BY published",
            (dialect.json_list(cluster.documents),),
        )
    ]  # fmt: skip
    conn.execute(
        "INSERT INTO clusters (id, corroboration, documents, first_published, last_published, report_json)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET corroboration = excluded.corroboration,"
        " documents = excluded.documents, first_published = excluded.first_published,"
        " last_published = excluded.last_published, report_json = excluded.report_json",
        (cluster.id, cluster.corroboration, len(cluster.documents), published[0] if published else None,
         published[-1] if published else None, json.dumps(cluster_dict(cluster), ensure_ascii=False)),
    )  # fmt: skip
    conn.executemany(
        "INSERT INTO incident_events (event_id, cluster_id, incident_id, corroboration, reports_outlet_unknown)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT(event_id) DO UPDATE SET cluster_id = excluded.cluster_id,"
        " incident_id = excluded.incident_id, corroboration = excluded.corroboration,"
        " reports_outlet_unknown = excluded.reports_outlet_unknown",
        [(e, cluster.id, i.id, i.corroboration, i.unknown) for i in cluster.incidents for e in i.events],
    )


def refresh_reports(store: SQLiteStore, settings: LinkSettings | None = None, *, force: bool = False) -> bool:
    """Rewrite every article's outlet (from its URL and site name) and every cluster's report and
    incidents (from the stored summaries: nothing is linked again) when the store's are older
    than this code's (`REPORTS`), or always with `force`. `open_store` calls it (SQLite and
    PostgreSQL alike); it holds the store's linking lock (`store.linking()`). Returns whether
    it rewrote them."""
    if not force and _reports(store._conn) >= REPORTS:  # the usual case, without taking the lock
        return False
    with store.linking() as conn:
        return _refresh(conn, settings or LinkSettings(), force, store.dialect)


def _reports(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT reports FROM link_state").fetchone()[0]


def _refresh(conn: sqlite3.Connection, settings: LinkSettings, force: bool, dialect: Dialect) -> bool:
    if not force and _reports(conn) >= REPORTS:  # another process did it meanwhile
        return False
    changed = [
        (outlet, article_id)
        for article_id, url, site_name, old in conn.execute("SELECT id, url, site_name, outlet FROM articles")
        if (outlet := outlet_of(url, site_name)) != old
    ]
    conn.executemany("UPDATE articles SET outlet = ? WHERE id = ?", changed)
    conn.execute("DELETE FROM incident_events")
    rows = conn.execute(
        "SELECT d.cluster_id, d.article_id, d.copy_of, d.summary_json, a.outlet FROM link_docs d"
        " JOIN articles a ON a.id = d.article_id JOIN clusters c ON c.id = d.cluster_id"
        " WHERE d.seq IS NOT NULL ORDER BY d.cluster_id, d.seq"
    ).fetchall()
    members: dict[str, list[tuple[DocSummary, str]]] = {}
    for cluster_id, article_id, copy_of, summary_json, outlet in rows:
        members.setdefault(cluster_id, []).append((_summary(summary_json, "", outlet), copy_of or article_id))
    for cluster_id, docs in members.items():
        first = {d.id: copy_of for d, copy_of in docs}
        _write_cluster(conn, describe(cluster_id, [d for d, _ in docs], first, settings), dialect)
    # a linker kept by another process holds the old outlets: make it read the store again
    conn.execute("UPDATE link_state SET reports = ?, generation = generation + 1", (REPORTS,))
    return True


def _count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM clusters").fetchone()[0]


def _value(value: object) -> object:
    """A disagreement's value as JSON: (low, high) counts and actor ids as lists, days as ISO."""
    if isinstance(value, tuple):
        return [_value(v) for v in value]
    return value.isoformat() if hasattr(value, "isoformat") else value


def cluster_dict(c: Cluster) -> dict:
    """A cluster's report as stored (`report_json`)."""
    return {
        "id": c.id,
        "corroboration": c.corroboration,
        "outlets": list(c.outlets),
        "reports_outlet_unknown": c.unknown,
        "documents": list(c.documents),
        "copies": [list(g) for g in c.copies],
        "incidents": [
            {
                "id": i.id, "events": list(i.events), "articles": list(i.documents), "corroboration": i.corroboration,
                "outlets": list(i.outlets), "reports_outlet_unknown": i.unknown,
            }  # fmt: skip
            for i in c.incidents
        ],
        "spread": {
            "km": c.spread.km, "places": list(c.spread.places) if c.spread.places else None,
            "days": c.spread.days, "far": c.spread.far,
        },  # fmt: skip
        "disagreements": [
            {
                "field": d.field,
                "event_type": d.event_type,
                "values": [{"article_id": a, "outlet": o, "value": _value(v)} for a, o, v in d.values],
            }
            for d in c.disagreements
        ],
    }


def resolve_cluster(store: SQLiteStore, cluster_id: str) -> str | None:
    """The live id of a cluster (following merges), or None if there is no such cluster."""
    conn = store._conn
    row = conn.execute("SELECT new FROM cluster_merges WHERE old = ?", (cluster_id,)).fetchone()
    live = row[0] if row else cluster_id
    found = conn.execute("SELECT 1 FROM clusters WHERE id = ?", (live,)).fetchone()
    return live if found else None


def get_cluster(store: SQLiteStore, cluster_id: str) -> dict | None:
    """One cluster: its report, each document with its title, URL, outlet (None: unknown),
    publication date and the document it copies (if any), and its events (as `query_events`
    gives them)."""
    from .queries import events_of

    live = resolve_cluster(store, cluster_id)
    if live is None:
        return None
    conn = store._conn
    report = json.loads(conn.execute("SELECT report_json FROM clusters WHERE id = ?", (live,)).fetchone()[0])
    rows = conn.execute(
        "SELECT a.id, a.title, a.url, a.published, a.outlet, d.copy_of FROM link_docs d"
        " JOIN articles a ON a.id = d.article_id WHERE d.cluster_id = ? ORDER BY d.seq",
        (live,),
    ).fetchall()
    report["documents"] = [
        {
            "article_id": art_id, "title": title, "url": url, "outlet": outlet,
            "published": published, "copy_of": copy_of if copy_of != art_id else None,
        }  # fmt: skip
        for art_id, title, url, published, outlet, copy_of in rows
    ]
    report["events"] = events_of(store, [r[0] for r in rows])
    if live != cluster_id:
        report["merged_from"] = cluster_id
    return report
