"""Saving and linking one more article as the store grows: at 10k, 50k and 100k stored (linked)
articles, on SQLite and on PostgreSQL.

    python benchmarks/linking_store.py [--sizes 10000,50000,100000] [--per-day 50] [--batch 100]
                                       [--store sqlite,postgres] [--drop-index NAME] [--pg URL]

The articles are benchmarks/linking_speed.py's synthetic reports (seeded incidents told by 1-6
outlets, copies among them, `--per-day` a day), each made into a Document with one event (type,
place, day, actors, killed, as its summary says) and a recap (lead and names), so that the store's
own `save` and `summarise` give back the summary linking_speed.py links. The first N, in
publication order, are linked in memory by one `Linker` and written into a fresh store of each
kind as a store that linked them holds them (articles and child rows through the store's own row
mapping, link_docs with seq, cluster and MinHash, cluster links, merges, clusters and incidents
through store/clusters.py's writer; PostgreSQL's rows by COPY, then VACUUM ANALYZE). The next
articles in publication order are then saved and linked the ways a store links:

- `cold`: `--batch` articles saved, then one `link_pending` (what `sitreps ingest` or `sitreps
  link` does after a run: it first puts the linker back from the store, every summary read once);
- `kept: 1 run per batch`: `--batch` more articles saved, then one run with the linker of the run
  before kept (a process that links batch after batch; no store read when nobody else linked
  meanwhile);
- `kept: 1 run per save`: `--batch` more, each saved and linked at once with the linker kept (what
  the API's write route does).

`--drop-index NAME` measures `kept: 1 run per save` once more after dropping that index (what it
is worth, on the same store, side by side). Printed per size and store: the `cluster_links` rows
(and on PostgreSQL their bytes) per article, then per phase ms per save, ms of linking per
article, saves/s with linking, and the statements of the linking runs that took the most time
(the time in `execute`: what a statement does before its first row; the statements here that
write read no rows); then the in-memory linker's own time and memory per 1k articles. One
process, one core; the SQL of PostgreSQL runs in its server. Record the numbers in
docs/scaling.md.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from linking_speed import synthetic  # noqa: E402

from sitreps.linking import DocSummary, Linker, LinkSettings  # noqa: E402
from sitreps.records import ActorMention, Article, Count, Document, Event, Place, Recap, Span, TimeExpr  # noqa: E402


def as_document(s: DocSummary) -> Document:
    """A Document whose summary (`sitreps.linking.summarise`) is `s`, outlet and all: the text and
    recap as they are, its one event on its place (resolved), day, actors and count."""
    [e] = s.events
    where = s.text.index(e.place) if e.place and e.place in s.text else 0
    span = Span(where, where + len(e.place or ""), e.place or "")
    place = Place(span.start, span.end, span.text, name=e.place, lat=e.lat, lon=e.lon, country="XA",
                  gazetteer_id=f"g:{e.place}", precision="city")  # fmt: skip
    day = e.start.isoformat()
    when = TimeExpr(span.start, span.end, span.text, value=day, grain="day", anchored=True, basis="stated")
    actors = tuple(ActorMention(span.start, span.end, span.text, a, a, "state_forces") for a in e.actors)
    killed = Count(e.killed[0], e.killed[1], span.start, span.end, span.text) if e.killed else None
    event = Event(id=e.id, type=e.type, subtype=None, trigger=span, actors=actors, place=place, time=when,
                  fatalities=killed, certainty="reported", evidence=(Span(0, len(s.text), s.text),))  # fmt: skip
    published = datetime(s.published.year, s.published.month, s.published.day, 8)
    article = Article(id=s.id, text=s.text, url=f"https://{s.outlet}/{s.id}", title=s.lead[:60],
                      published=published, origin="synthetic")  # fmt: skip
    return Document(article=article, text=s.text, places=(place,), times=(when,), events=(event,),
                    recap=Recap(s.lead, s.names, s.people))  # fmt: skip


# -- a store holding N linked articles --------------------------------------------------------------


def rows_of(docs: list[Document]) -> dict[str, tuple[tuple[str, ...], list[tuple]]]:
    """{table: (columns, rows)} of the articles and child rows `save` would write."""
    from sitreps.outlets import outlet_of
    from sitreps.serialize import document_dict
    from sitreps.store import sqlite as mapping

    stamp = mapping._now()
    tables: dict[str, tuple[tuple[str, ...], list[tuple]]] = {"articles": (mapping._ARTICLE_COLUMNS, [])}
    for doc in docs:
        art, data = doc.article, document_dict(doc)
        tables["articles"][1].append((art.id, mapping.content_hash(data), art.url, art.title, data["published"],
                                      art.origin, doc.text, mapping.stored_doc_json(data, doc.text), stamp, None,
                                      outlet_of(art.url, None)))  # fmt: skip
        for table, columns, rows in mapping.child_rows(art.id, doc):
            tables.setdefault(table, (columns, []))[1].extend(rows)
    return tables


def linking_rows(linker: Linker) -> dict[str, tuple[tuple[str, ...], list[tuple]]]:
    """The linker's state as a store keeps it: link_docs, cluster_links and cluster_merges."""
    from sitreps.linking import summary_dict
    from sitreps.store.sqlite import _canonical

    docs = [(s.id, _canonical({**summary_dict(s), "id": s.id}), seq, cluster, first, sig)
            for seq, (s, cluster, first, sig) in enumerate(linker.rows())]  # fmt: skip
    _, links = linker.state()
    return {
        "link_docs": (("article_id", "summary_json", "seq", "cluster_id", "copy_of", "minhash"), docs),
        "cluster_links": (("a", "b", "score"), [(a, b, x) for a, bs in links.items() for b, x in bs.items()]),
        "cluster_merges": (("old", "new"), [(old, linker._resolve(old)) for old in linker.merged]),
    }


def fill(store, tables: dict, linker: Linker) -> None:
    """Write the rows and the clusters' reports into a new store, in one transaction."""
    from sitreps.store.clusters import _write_cluster
    from sitreps.store.sqlite import SQLiteStore, _insert_sql

    values = store.dialect.json_values
    with store.linking() as conn:
        for table, (columns, rows) in tables.items():
            if isinstance(store, SQLiteStore):
                conn.executemany(_insert_sql(table, columns), rows)
                continue
            names = ", ".join(f'"{c}"' for c in columns)
            with conn.raw.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        for cluster_id in linker._members:
            _write_cluster(conn, linker.cluster(cluster_id), values)
    if not isinstance(store, SQLiteStore):
        store._conn.execute("VACUUM ANALYZE")


def links_size(store) -> str:
    """PostgreSQL: what `cluster_links` takes per article, its indexes included."""
    from sitreps.store.sqlite import SQLiteStore

    if isinstance(store, SQLiteStore):
        return ""
    total, articles = store._conn.execute(
        "SELECT pg_total_relation_size('cluster_links'), (SELECT count(*) FROM articles)").fetchone()
    return f", {total / articles:,.0f} bytes an article with its indexes"


# -- timing ------------------------------------------------------------------------------------------


class Timed:
    """A store's connection that adds up the time of each statement in `execute`/`executemany`."""

    def __init__(self, conn):
        self.conn = conn
        self.spent: Counter = Counter()
        self.calls: Counter = Counter()

    def _clock(self, sql: str, run):
        t = time.perf_counter()
        try:
            return run()
        finally:
            key = " ".join(sql.split())[:96]
            self.spent[key] += time.perf_counter() - t
            self.calls[key] += 1

    def execute(self, sql, params=()):
        return self._clock(sql, lambda: self.conn.execute(sql, params))

    def executemany(self, sql, rows):
        return self._clock(sql, lambda: self.conn.executemany(sql, rows))

    @contextmanager
    def transaction(self):
        with self.conn.transaction():
            yield self

    def __getattr__(self, name):
        return getattr(self.conn, name)


@contextmanager
def timed(store, into: Timed):
    real, into.conn = store._conn, store._conn
    store._conn = into
    try:
        yield
    finally:
        store._conn = real


def measure(store, docs: list[Document], previous, per_save: bool, profile: Timed) -> tuple[float, float, object]:
    """(seconds saving, seconds linking, the last run): the documents saved, and linked after each
    save (`per_save`) or once after the last, each run reusing the linker of the one before
    (`previous`, a LinkRun; None: the first run puts it back from the store)."""
    from sitreps.store.clusters import link_pending

    saving = linking = 0.0
    run = previous
    for i, doc in enumerate(docs, 1):
        t = time.perf_counter()
        assert store.save(doc) == "new"
        saving += time.perf_counter() - t
        if per_save or i == len(docs):
            t = time.perf_counter()
            with timed(store, profile):
                run = link_pending(store, previous=run)
            linking += time.perf_counter() - t
    assert run.linked >= 1
    return saving, linking, run


def report(kind: str, n: int, phase: str, batch: int, saving: float, linking: float, profile: Timed) -> None:
    per = 1000 / batch
    print(f"{kind:<8} {n:>8,} {phase:<22} {saving * per:>8.2f} {linking * per:>9.2f}"
          f" {batch / (saving + linking):>8.1f}", flush=True)  # fmt: skip
    for sql, spent in profile.spent.most_common(3):
        print(f"{'':>10}{spent * per:>8.2f} ms/article in {profile.calls[sql]:>5} x {sql}")


def rss_mb() -> float:
    """This process's resident set size now (Linux)."""
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,50000,100000", help="linked articles in the store")
    parser.add_argument("--per-day", type=int, default=50, help="articles a day in the feed")
    parser.add_argument("--batch", type=int, default=100, help="new articles saved and linked per measurement")
    parser.add_argument("--store", default="sqlite,postgres", help="sqlite, postgres or both")
    parser.add_argument("--drop-index", metavar="NAME", help="measure `kept` again without this index")
    parser.add_argument("--pg", metavar="URL", help="a PostgreSQL server to create databases on (default: a throwaway one)")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    kinds = [k.strip() for k in args.store.split(",") if k.strip()]
    batches = 4 if args.drop_index else 3
    settings = LinkSettings()
    summaries = synthetic(sizes[-1] + batches * args.batch, args.per_day)

    from contextlib import ExitStack

    from sitreps.store import open_store

    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        pg = None
        if "postgres" in kinds:
            from pg import Postgres, Unavailable

            try:
                pg = stack.enter_context(Postgres(args.pg))
                print(pg.describe())
            except Unavailable as exc:
                print(f"PostgreSQL skipped: {exc}")
                kinds.remove("postgres")
        print(f"synthetic articles, {args.per_day} a day; batches of {args.batch}; load average {os.getloadavg()}")
        print(f"{'store':<8} {'stored':>8} {'phase':<22} {'ms/save':>8} {'ms/link':>9} {'saves/s':>8}"
              "   (ms per article; saves/s with linking)")  # fmt: skip
        linker, added, building = Linker(settings), 0, []
        for n in sizes:
            gc.collect()
            t, before = time.perf_counter(), rss_mb()
            for s in summaries[added:n]:
                linker.add(s)
            building.append((n, time.perf_counter() - t, added, rss_mb() - before))
            added = n
            tables = {**rows_of([as_document(s) for s in summaries[:n]]), **linking_rows(linker)}
            new = [as_document(s) for s in summaries[n : n + batches * args.batch]]
            for kind in kinds:
                target = str(Path(tmp) / f"{n}.db") if kind == "sqlite" else pg.database()
                with open_store(target) as store:
                    t = time.perf_counter()
                    fill(store, tables, linker)
                    filled = time.perf_counter() - t
                    links = len(tables["cluster_links"][1]) / n
                    print(f"{kind:<8} {n:>8,} (filled in {filled:.0f} s; {links:.0f} cluster_links rows an article"
                          f"{links_size(store)}; load {os.getloadavg()[0]:.1f})", flush=True)  # fmt: skip
                    phases = [("cold: 1 run per batch", None, False), ("kept: 1 run per batch", True, False),
                              ("kept: 1 run per save", True, True)]  # fmt: skip
                    if args.drop_index:
                        phases.append((f"kept, no {args.drop_index}"[:22], True, True))
                    run = None
                    for k, (phase, keep, per_save) in enumerate(phases):
                        if phase.startswith("kept, no"):
                            store._conn.execute(f"DROP INDEX {args.drop_index}")
                        profile = Timed(None)
                        batch = new[k * args.batch : (k + 1) * args.batch]
                        saving, linking, run = measure(store, batch, run if keep else None, per_save, profile)
                        report(kind, n, phase, args.batch, saving, linking, profile)
                if kind == "postgres":
                    pg.drop(target)
            del tables
            gc.collect()
        print("\nthe in-memory linker (Linker.add; no store):")
        for n, seconds, since, grown in building:
            print(f"  {since:>8,} -> {n:>8,} articles: {1000 * seconds / (n - since):.2f} s per 1k articles,"
                  f" RSS grew {grown:,.0f} MB ({1000 * grown / (n - since):.1f} kB an article)")
        print("  (a linking run that restores the linker from the store holds every article's words too)")
    print(f"\nload average at the end {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
