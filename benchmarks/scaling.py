"""Ingest throughput with one local worker, with several, and on a Dask cluster, into SQLite and
into PostgreSQL; the memory each worker costs; and the single writer's ceiling.

    python benchmarks/scaling.py [--store sqlite,postgres] [--workers 1,2] [--cluster 2] [--limit N]
                                 [--repeat K] [--ceiling SAVES] [--pg URL] [--pg-async-commit]

The machine's other work moves wall times by a third here from one minute to the next: every
timing runs --repeat times (2 by default), the runs taking turns (each store and worker count
once per turn), and the median of each is printed with the range and the load averages
(`os.getloadavg()`) seen after its runs. Compare runs of one invocation, not numbers of two.

Reads ../shared/data/articles/ukraine_war_news_2022_2023.jsonl (not part of the repository;
skipped when absent).

Stores (`--store`): each run saves into a fresh store: a SQLite file in a temporary folder, or a
new database on a PostgreSQL server, the one given with `--pg URL` (a server's maintenance
database where the benchmark may create and drop databases) or else a throwaway server started
here as the tests start theirs (benchmarks/pg.py), with PostgreSQL's durable defaults, as SQLite
flushes each commit too (`--pg-async-commit`: the stores' connections with synchronous_commit
off). Without psycopg or PostgreSQL's programs the PostgreSQL runs are skipped with the reason.

Local workers: loads the model and gazetteer once, then for each worker count analyses every
article through `sitreps.isolation.Workers` and saves it into the store, as `sitreps ingest
--workers N` does.

Cluster (`--cluster N`, 0 to leave it out; needs sitreps[cluster]): starts a Dask LocalCluster of
N worker processes with one thread each (not daemons, so that they may fork the records process
of the time budget; docs/scaling.md), lets each build the pipeline (`sitreps.parallel.Cluster`
registers the plugin), then analyses every article through it and saves it into a fresh store,
as `sitreps ingest --scheduler` does. The start of the cluster and the loading of the model are
timed apart, as the local runs load the model before their clock starts.

Linking is left out of the clock: it runs once after the analysis whatever analysed it; it is
timed after each local run (all the run's articles, as `ingest` links them) and printed apart.
Prints seconds, articles/s, the speed-up over one local worker, the cluster's time against the
same number of local workers, and each worker's peak proportional set size (PSS: pages shared
with other processes are split between them, so a model shared by forked workers is counted
once), read from /proc/PID/smaps_rollup while the records run.

The writer's ceiling (`--ceiling SAVES`, 0 to leave it out): the documents of the first local
run, already analysed, saved SAVES times into a fresh store of each kind (the articles again and
again, each round under fresh article and event ids, so each save is a new article with its
events, child rows and linking summary), timing `store.save` alone: saves/s that one writer
sustains, and from it and one worker's articles/s how many workers one writer keeps busy. Then
the sizes of the PostgreSQL ceiling store (and of the last PostgreSQL run's store of the real
articles), per article: pg_total_relation_size and pg_indexes_size of each table, after VACUUM
ANALYZE; and the SQLite files' bytes per article. Record the numbers in docs/scaling.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ARTICLES = SHARED / "data/articles/ukraine_war_news_2022_2023.jsonl"


def pss_mb(pid: int) -> float | None:
    """Proportional set size of a process in MB (Linux), None where /proc does not say."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class Peaks:
    """Peak PSS of the busiest of some processes (each with its children) and of this one,
    sampled from the saving loop: a sampling thread would be copied into each fork."""

    def __init__(self):
        self.worker: float | None = None
        self.writer: float | None = None

    def sample(self, pids: list[int]) -> None:
        for pid in pids:
            size = sum(filter(None, (pss_mb(p) for p in [pid, *children(pid)])))
            if size:
                self.worker = max(self.worker or 0.0, size)
        own = pss_mb(os.getpid())
        if own is not None:
            self.writer = max(self.writer or 0.0, own)


def children(pid: int) -> list[int]:
    """A process's children, whichever of its threads started them (a Dask worker forks its
    records process from a task thread, not from its main one)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


@dataclasses.dataclass
class Run:
    seconds: float
    peaks: Peaks | None = None
    load: float = 0.0  # the 1-minute load average as the run ended
    linking: float | None = None  # seconds to link the run's articles afterwards
    sizes: dict | None = None  # the store's sizes after the run


class Stores:
    """Fresh stores of each kind: `with stores.fresh(kind) as target` gives a SQLite path in a
    temporary folder or the URL of a new PostgreSQL database, removed afterwards."""

    def __init__(self, pg=None):
        self.pg = pg  # pg.Postgres, or None without PostgreSQL

    @contextmanager
    def fresh(self, kind: str):
        if kind == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                yield str(Path(tmp) / "bench.db")
        else:
            url = self.pg.database()
            try:
                yield url
            finally:
                self.pg.drop(url)

    def sizes(self, kind: str, target: str) -> dict:
        """Postgres.sizes for PostgreSQL; the file's bytes (the store closed, its WAL folded in)
        for SQLite."""
        if kind == "postgres":
            return self.pg.sizes(target)
        import sqlite3

        with sqlite3.connect(target) as conn:
            articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        files = [Path(target), Path(target + "-wal")]
        return {"articles": articles, "database": sum(p.stat().st_size for p in files if p.exists())}


def save_all(docs, store, peaks: Peaks, pids, keep: list | None = None) -> None:
    for k, doc in enumerate(docs):
        store.save(doc)
        if keep is not None:
            keep.append(doc)
        if k % 10 == 0:
            peaks.sample(pids())


def link(store) -> float:
    from sitreps.store.clusters import link_pending

    t = time.perf_counter()
    link_pending(store)
    return time.perf_counter() - t


def run_local(pipeline, articles, workers: int, seconds: float, stores: Stores, kind: str,
              keep: list | None = None) -> Run:  # fmt: skip
    from sitreps.isolation import Workers
    from sitreps.store import open_store

    peaks = Peaks()
    with stores.fresh(kind) as target:
        with open_store(target) as store:
            t = time.perf_counter()
            with Workers(pipeline, seconds, workers) as pool:
                pids = lambda: [s._proc.pid for s in pool._slots if getattr(s, "_proc", None) is not None]
                save_all(pool.imap(articles), store, peaks, pids, keep)
            run = Run(time.perf_counter() - t, peaks, os.getloadavg()[0])
            run.linking = link(store)
        run.sizes = stores.sizes(kind, target)
        return run


def run_cluster(address: str, settings, articles, stores: Stores, kind: str) -> tuple[float, Run]:
    """(seconds for the model to load on every worker, the run)."""
    from sitreps.parallel import Cluster
    from sitreps.store import open_store

    peaks = Peaks()
    with stores.fresh(kind) as target, open_store(target) as store:
        t = time.perf_counter()
        with Cluster(address, settings) as pool:
            loaded = time.perf_counter() - t
            workers = list(pool.client.run(os.getpid).values())
            t = time.perf_counter()
            save_all(pool.imap(articles), store, peaks, lambda: workers)
            return loaded, Run(time.perf_counter() - t, peaks, os.getloadavg()[0])


def renamed(docs, saves: int) -> list:
    """`saves` documents: `docs` over and over, each round under fresh article and event ids."""
    from sitreps.store.sqlite import article_key

    out = []
    for r in range(saves // len(docs) + 1):
        for doc in docs:
            if len(out) == saves:
                return out
            article = dataclasses.replace(doc.article, id=f"{article_key(doc)}~{r}")
            events = tuple(dataclasses.replace(e, id=f"{e.id}~{r}") for e in doc.events)
            out.append(dataclasses.replace(doc, article=article, events=events))
    return out


def run_ceiling(docs, stores: Stores, kind: str) -> Run:
    """`store.save` alone, of documents analysed already, into a fresh store."""
    from sitreps.store import open_store

    with stores.fresh(kind) as target:
        with open_store(target) as store:
            t = time.perf_counter()
            for doc in docs:
                store.save(doc)
            run = Run(time.perf_counter() - t, load=os.getloadavg()[0])
        run.sizes = stores.sizes(kind, target)
        return run


def memory(peaks: Peaks | None) -> str:
    if peaks is None or peaks.worker is None:
        return ""
    return f"  worker PSS {peaks.worker:.0f} MB, writer PSS {peaks.writer:.0f} MB"


def summary(runs: list[Run]) -> tuple[float, str]:
    """(median seconds, "median s (min-max), load a-b")."""
    seconds = [r.seconds for r in runs]
    loads = [r.load for r in runs]
    median = statistics.median(seconds)
    spread = f" ({min(seconds):.1f}-{max(seconds):.1f})" if len(runs) > 1 else ""
    return median, f"{median:6.1f} s{spread:<12} load {min(loads):.1f}-{max(loads):.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", default="sqlite,postgres", help="stores to save into: sqlite, postgres or both")
    parser.add_argument("--workers", default="1,2", help="local worker counts to time, comma-separated")
    parser.add_argument("--cluster", type=int, default=2, help="Dask worker processes to time (0: none)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles")
    parser.add_argument("--repeat", type=int, default=2,
                        help="time each run K times, the runs taking turns, and print the median of each")
    parser.add_argument("--ceiling", type=int, default=2000,
                        help="saves of analysed documents to time per store for the writer's ceiling (0: none)")
    parser.add_argument("--pg", metavar="URL", help="a PostgreSQL server to create databases on (default: a throwaway one)")
    parser.add_argument("--pg-async-commit", action="store_true",
                        help="PostgreSQL stores with synchronous_commit off (commits not waiting for the disk)")
    args = parser.parse_args()
    if not ARTICLES.exists():
        print(f"skipped: {ARTICLES} is absent (evaluation data is not part of the repository)")
        return 0
    kinds = [k.strip() for k in args.store.split(",") if k.strip()]
    if not kinds or set(kinds) - {"sqlite", "postgres"}:
        parser.error("--store takes sqlite, postgres or both, comma-separated")

    from contextlib import ExitStack

    from sitreps.isolation import usable_cores
    from sitreps.pipeline import Context, Pipeline
    from sitreps.settings import load_settings
    from sitreps.stages.read import read_paths

    with ExitStack() as stack:
        pg = None
        if "postgres" in kinds:
            from pg import Postgres, Unavailable

            try:
                pg = stack.enter_context(Postgres(args.pg, async_commit=args.pg_async_commit))
                print(pg.describe())
            except Unavailable as exc:
                print(f"PostgreSQL skipped: {exc}")
                kinds.remove("postgres")
                if not kinds:
                    return 0
        stores = Stores(pg)

        settings = load_settings()
        articles = list(read_paths([str(ARTICLES)], settings))
        if args.limit:
            articles = articles[: args.limit]
        counts = [int(n) for n in args.workers.split(",")] if args.workers else []
        print(f"articles        {len(articles)}  (usable cores: {usable_cores()}, Dask tasks of "
              f"{settings.cluster.batch} articles; load average at start {os.getloadavg()[0]:.2f})")
        pipeline = Pipeline(Context(settings))
        pipeline.warm()
        local: dict[tuple[str, int], list[Run]] = {}
        dask_runs: dict[str, list[Run]] = {}
        loaded = None
        docs: list = []  # the first local run's documents, for the writer's ceiling
        address = started = None
        if args.cluster:  # started first and left idle while the local runs take their turns
            import logging

            import dask
            from distributed import LocalCluster

            t = time.perf_counter()
            stack.enter_context(dask.config.set({"distributed.worker.daemon": False}))
            cluster = stack.enter_context(LocalCluster(n_workers=args.cluster, threads_per_worker=1, processes=True,
                                                       dashboard_address=":0", silence_logs=logging.ERROR))
            address, started = cluster.scheduler_address, time.perf_counter() - t
        for _ in range(args.repeat):  # in turns, so that a busy spell of the machine's other work hits every run
            for kind in kinds:
                for n in counts:
                    run = run_local(pipeline, articles, n, settings.pipeline.record_seconds, stores, kind,
                                    keep=docs if not docs else None)  # fmt: skip
                    local.setdefault((kind, n), []).append(run)
                    print(f"  ({kind} --workers {n}: {run.seconds:.1f} s, load {os.getloadavg()})", flush=True)
                if address:
                    load_seconds, run = run_cluster(address, settings, articles, stores, kind)
                    loaded = load_seconds if loaded is None else loaded  # later runs find the model loaded
                    dask_runs.setdefault(kind, []).append(run)
                    print(f"  ({kind} dask: {run.seconds:.1f} s, load {os.getloadavg()})", flush=True)

        print(f"\ningest throughput, {len(articles)} articles, median of {args.repeat} turns (min-max),"
              " 1-minute load average after the runs:")
        for kind in kinds:
            base = statistics.median(r.seconds for r in local[(kind, min(counts))]) if counts else None
            for n in counts:
                seconds, text = summary(local[(kind, n)])
                peaks = max(local[(kind, n)], key=lambda r: r.peaks.worker or 0).peaks
                print(f"{kind:<8} --workers {n:<2} {text}  {len(articles) / seconds:5.1f} articles/s"
                      f"  speed-up {base / seconds:4.2f}{memory(peaks)}")
            if kind in dask_runs:
                seconds, text = summary(dask_runs[kind])
                versus = ""
                if (kind, args.cluster) in local:
                    versus = f"  {seconds / statistics.median(r.seconds for r in local[(kind, args.cluster)]):4.2f}" \
                             f" x --workers {args.cluster}"  # fmt: skip
                peaks = max(dask_runs[kind], key=lambda r: r.peaks.worker or 0).peaks
                print(f"{kind:<8} dask {args.cluster} wkrs {text}  {len(articles) / seconds:5.1f} articles/s"
                      f"{versus}{memory(peaks)}")
            linking = [r.linking for (k, _), runs in local.items() if k == kind for r in runs]
            if linking:
                print(f"{kind:<8} linking the {len(articles)} articles after a run (not in the times above):"
                      f" median {statistics.median(linking):.2f} s")
        if address:
            print(f"  (before the clock: cluster start {started:.1f} s, model load on every worker {loaded:.1f} s)")

        if args.ceiling and docs:
            ceiling(docs, args, kinds, stores, local, counts, len(articles))
        elif args.ceiling:
            print("the writer's ceiling skipped: it saves the documents of a local run (--workers)")
        if "sqlite" in kinds and counts:
            size = local[("sqlite", counts[-1])][-1].sizes
            print(f"\nSQLite store of the last run: {size['database'] / max(1, size['articles']):,.0f} bytes per"
                  f" article ({size['articles']:,} articles, {size['database'] / 1e6:.1f} MB)")
        if "postgres" in kinds and counts:
            from pg import print_sizes

            print()
            print_sizes(local[("postgres", counts[-1])][-1].sizes, "PostgreSQL store of the last run", pg.empty_sizes())
    print(f"\nload average at the end {os.getloadavg()}")
    return 0


def ceiling(docs, args, kinds, stores: Stores, local, counts, n_articles: int) -> None:
    """The writer's ceiling, in turns; then workers per writer and the stores' sizes."""
    saves = renamed(docs, args.ceiling)
    events = sum(len(d.events) for d in saves)
    failed = sum(d.failed for d in saves)
    runs: dict[str, list[Run]] = {}
    for _ in range(args.repeat):
        for kind in kinds:
            run = run_ceiling(saves, stores, kind)
            runs.setdefault(kind, []).append(run)
            print(f"  ({kind} ceiling: {run.seconds:.1f} s, load {os.getloadavg()})", flush=True)
    print(f"\nthe writer's ceiling: {len(saves):,} saves of analysed documents ({events:,} events,"
          f" {failed} failed documents), store.save alone, median of {args.repeat}:")
    for kind in kinds:
        seconds, text = summary(runs[kind])
        rate = len(saves) / seconds
        line = f"{kind:<8} {text}  {rate:7.1f} saves/s  {1000 / rate:5.2f} ms a save"
        if (kind, 1) in local:
            per_worker = n_articles / statistics.median(r.seconds for r in local[(kind, 1)])
            line += f"  = {rate / per_worker:5.1f} workers of {per_worker:.1f} articles/s (--workers 1)"
        if (kind, 2) in local:
            per_worker = n_articles / statistics.median(r.seconds for r in local[(kind, 2)]) / 2
            line += f", {rate / per_worker:5.1f} of {per_worker:.1f} (--workers 2 / 2)"
        print(line)
    if "sqlite" in runs:
        size = runs["sqlite"][-1].sizes
        print(f"SQLite ceiling store: {size['database'] / size['articles']:,.0f} bytes per article"
              f" ({size['articles']:,} articles, {size['database'] / 1e6:.1f} MB)")
    if "postgres" in runs:
        from pg import print_sizes

        print()
        print_sizes(runs["postgres"][-1].sizes, "PostgreSQL ceiling store", stores.pg.empty_sizes())


if __name__ == "__main__":
    sys.exit(main())
