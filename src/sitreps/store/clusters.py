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
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from ..linking import Cluster, Linker, LinkSettings, summary_from_dict
from .sqlite import SQLiteStore


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
        return _link(conn, settings or LinkSettings(), previous, progress, store.dialect.json_values)


def _link(
    conn: sqlite3.Connection, settings: LinkSettings, previous: LinkRun | None, progress, values: str
) -> LinkRun:
    new = conn.execute(
        "SELECT d.article_id, d.summary_json, a.text FROM link_docs d JOIN articles a ON a.id = d.article_id"
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
    for i, (article_id, summary_json, text) in enumerate(new):
        linker.add(summary_from_dict(json.loads(summary_json), text or ""))
        if progress is not None:
            progress(i + 1, len(new))
    _write(conn, linker, start, merged_before, values)
    conn.execute("UPDATE link_state SET generation = generation + 1")
    return LinkRun(len(new), len(linker.touched), _count(conn), linker, generation + 1)


def _restore(conn: sqlite3.Connection, settings: LinkSettings) -> Linker:
    rows = conn.execute(
        "SELECT d.summary_json, a.text, d.cluster_id, d.copy_of, d.minhash FROM link_docs d"
        " JOIN articles a ON a.id = d.article_id WHERE d.seq IS NOT NULL ORDER BY d.seq"
    )
    state = (
        (summary_from_dict(json.loads(summary_json), text or ""), cluster, copy_of, minhash)
        for summary_json, text, cluster, copy_of, minhash in rows
    )
    links = conn.execute("SELECT a, b, score FROM cluster_links").fetchall()
    merged = dict(conn.execute("SELECT old, new FROM cluster_merges").fetchall())
    return Linker.restore(state, links, merged, settings)


def _write(conn: sqlite3.Connection, linker: Linker, start: int, merged_before: set[str], values: str) -> None:
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
    for c in live:
        cluster = linker.cluster(c)
        conn.execute(
            f"UPDATE link_docs SET cluster_id = ? WHERE article_id IN ({values})",
            (c, json.dumps(cluster.documents)),
        )
        published = [
            p for (p,) in conn.execute(
                f"SELECT published FROM articles WHERE id IN ({values})"
                " AND published IS NOT NULL ORDER BY published",
                (json.dumps(cluster.documents),),
            )
        ]  # fmt: skip
        conn.execute(
            "INSERT INTO clusters (id, corroboration, documents, first_published, last_published, report_json)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET corroboration = excluded.corroboration,"
            " documents = excluded.documents, first_published = excluded.first_published,"
            " last_published = excluded.last_published, report_json = excluded.report_json",
            (c, cluster.corroboration, len(cluster.documents), published[0] if published else None,
             published[-1] if published else None, json.dumps(cluster_dict(cluster), ensure_ascii=False)),
        )  # fmt: skip


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
        "documents": list(c.documents),
        "copies": [list(g) for g in c.copies],
        "incidents": [list(g) for g in c.incidents],
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
    """One cluster: its report, each document with its title, URL, outlet, publication date and
    the document it copies (if any), and its events (as `query_events` gives them)."""
    from .queries import events_of

    live = resolve_cluster(store, cluster_id)
    if live is None:
        return None
    conn = store._conn
    report = json.loads(conn.execute("SELECT report_json FROM clusters WHERE id = ?", (live,)).fetchone()[0])
    rows = conn.execute(
        "SELECT a.id, a.title, a.url, a.published, d.summary_json, d.copy_of FROM link_docs d"
        " JOIN articles a ON a.id = d.article_id WHERE d.cluster_id = ? ORDER BY d.seq",
        (live,),
    ).fetchall()
    report["documents"] = [
        {
            "article_id": art_id, "title": title, "url": url, "outlet": json.loads(summary).get("outlet"),
            "published": published, "copy_of": copy_of if copy_of != art_id else None,
        }  # fmt: skip
        for art_id, title, url, published, summary, copy_of in rows
    ]
    report["events"] = events_of(store, [r[0] for r in rows])
    if live != cluster_id:
        report["merged_from"] = cluster_id
    return report
