"""Ingest throughput with one local worker, with several, and on a Dask cluster, and the memory
each worker costs.

    python benchmarks/scaling.py [--workers 1,2] [--cluster 2] [--limit N] [--repeat K]

The machine's other work moves wall times by a third here from one minute to the next: use
--repeat 3 or more (the runs take turns and the best of each is kept) before comparing.

Reads ../shared/data/articles/ukraine_war_news_2022_2023.jsonl (not part of the repository).

Local workers: loads the model and gazetteer once, then for each worker count analyses every
article through `sitreps.isolation.Workers` and saves it into a fresh SQLite store, as
`sitreps ingest --workers N` does.

Cluster (`--cluster N`, 0 to leave it out; needs sitreps[cluster]): starts a Dask LocalCluster of
N worker processes with one thread each (not daemons, so that they may fork the records process
of the time budget; docs/scaling.md), lets each build the pipeline (`sitreps.parallel.Cluster`
registers the plugin), then analyses every article through it and saves it into a fresh store,
as `sitreps ingest --scheduler` does. The start of the cluster and the loading of the model are
timed apart, as the local runs load the model before their clock starts.

Linking is left out of both: it runs once after the analysis whatever analysed it. Prints
seconds, articles/s, the speed-up over one local worker, the cluster's time against the same
number of local workers, and each worker's peak proportional set size (PSS: pages shared with
other processes are split between them, so a model shared by forked workers is counted once),
read from /proc/PID/smaps_rollup while the records run. Record the numbers in docs/scaling.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

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


def save_all(docs, store, peaks: Peaks, pids) -> None:
    for k, doc in enumerate(docs):
        store.save(doc)
        if k % 10 == 0:
            peaks.sample(pids())


def run_local(pipeline, articles, workers: int, seconds: float) -> tuple[float, Peaks]:
    from sitreps.isolation import Workers
    from sitreps.store import open_store

    peaks = Peaks()
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "bench.db") as store:
        t = time.perf_counter()
        with Workers(pipeline, seconds, workers) as pool:
            pids = lambda: [s._proc.pid for s in pool._slots if getattr(s, "_proc", None) is not None]  # noqa: E731
            save_all(pool.imap(articles), store, peaks, pids)
        return time.perf_counter() - t, peaks


def run_cluster(address: str, settings, articles) -> tuple[float, float, Peaks]:
    """(seconds for the model to load on every worker, seconds for the records, peaks)."""
    from sitreps.parallel import Cluster
    from sitreps.store import open_store

    peaks = Peaks()
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "bench.db") as store:
        t = time.perf_counter()
        with Cluster(address, settings) as pool:
            loaded = time.perf_counter() - t
            workers = list(pool.client.run(os.getpid).values())
            t = time.perf_counter()
            save_all(pool.imap(articles), store, peaks, lambda: workers)
            return loaded, time.perf_counter() - t, peaks


def memory(peaks: Peaks) -> str:
    if peaks.worker is None:
        return ""
    return f"  worker PSS {peaks.worker:.0f} MB, writer PSS {peaks.writer:.0f} MB"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", default="1,2", help="local worker counts to time, comma-separated")
    parser.add_argument("--cluster", type=int, default=2, help="Dask worker processes to time (0: none)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles")
    parser.add_argument("--repeat", type=int, default=1,
                        help="time each run K times, the runs taking turns, and keep the best of each")
    args = parser.parse_args()
    if not ARTICLES.exists():
        print(f"skipped: {ARTICLES} is absent (evaluation data is not part of the repository)")
        return 0

    from contextlib import ExitStack

    from sitreps.isolation import usable_cores
    from sitreps.pipeline import Context, Pipeline
    from sitreps.settings import load_settings
    from sitreps.stages.read import read_paths

    settings = load_settings()
    articles = list(read_paths([str(ARTICLES)], settings))
    if args.limit:
        articles = articles[: args.limit]
    counts = [int(n) for n in args.workers.split(",")] if args.workers else []
    print(f"articles        {len(articles)}  (usable cores: {usable_cores()}, Dask tasks of "
          f"{settings.cluster.batch} articles)")
    pipeline = Pipeline(Context(settings))
    pipeline.warm()
    local: dict[int, tuple[float, Peaks]] = {}
    dask_runs: list[tuple[float, float, Peaks]] = []
    with ExitStack() as stack:
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
            for n in counts:
                result = run_local(pipeline, articles, n, settings.pipeline.record_seconds)
                if n not in local or result[0] < local[n][0]:
                    local[n] = result
            if address:
                dask_runs.append(run_cluster(address, settings, articles))
    for n in counts:
        seconds, peaks = local[n]
        base = local[min(local)][0]
        print(f"--workers {n:<3}   {seconds:6.1f} s  {len(articles) / seconds:5.1f} articles/s  "
              f"speed-up {base / seconds:4.2f}{memory(peaks)}")
    if dask_runs:
        loaded = dask_runs[0][0]  # later runs find the model loaded (the same settings)
        _, seconds, peaks = min(dask_runs, key=lambda r: r[1])
        versus = f"  {seconds / local[args.cluster][0]:4.2f} x --workers {args.cluster}" if args.cluster in local else ""
        print(f"dask {args.cluster} workers  {seconds:6.1f} s  {len(articles) / seconds:5.1f} articles/s"
              f"{versus}{memory(peaks)}")
        print(f"  (before the clock: cluster start {started:.1f} s, model load on every worker {loaded:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
