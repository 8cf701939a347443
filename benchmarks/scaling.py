"""Ingest throughput with one worker and with several, and the memory each extra worker costs.

    python benchmarks/scaling.py [--workers 1,2] [--limit N] [--repeat K]

Reads ../shared/data/articles/ukraine_war_news_2022_2023.jsonl (not part of the repository),
loads the model and gazetteer once, then for each worker count analyses every article through
`sitreps.isolation.Workers` and saves it into a fresh SQLite store, as `sitreps ingest --workers N`
does (linking is left out: it runs once after the analysis whatever N is). Prints articles/s, the
speed-up over one worker, and each worker's peak proportional set size (PSS: pages shared with the
parent and the other workers are split between them, so the model is counted once), read from
/proc/PID/smaps_rollup while the records run. Record the numbers in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
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


def run(pipeline, articles, workers: int, seconds: float) -> tuple[float, float | None, float | None]:
    """(seconds, peak PSS of the busiest worker, peak PSS of this process) for one ingest."""
    import os

    from sitreps.isolation import Workers
    from sitreps.store import open_store

    peak_worker = peak_self = None
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "bench.db") as store:
        t = time.perf_counter()
        with Workers(pipeline, seconds, workers) as pool:
            for k, doc in enumerate(pool.imap(articles)):
                store.save(doc)
                if k % 10 == 0:  # sampled from this loop: a sampling thread would be copied into each fork
                    for slot in pool._slots:
                        proc = getattr(slot, "_proc", None)
                        size = pss_mb(proc.pid) if proc is not None and proc.is_alive() else None
                        if size is not None:
                            peak_worker = max(peak_worker or 0.0, size)
                    own = pss_mb(os.getpid())
                    if own is not None:
                        peak_self = max(peak_self or 0.0, own)
        return time.perf_counter() - t, peak_worker, peak_self


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", default="1,2", help="worker counts to time, comma-separated")
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles")
    parser.add_argument("--repeat", type=int, default=1, help="time each count K times, keep the best")
    args = parser.parse_args()
    if not ARTICLES.exists():
        print(f"skipped: {ARTICLES} is absent (evaluation data is not part of the repository)")
        return 0

    from sitreps.isolation import usable_cores
    from sitreps.pipeline import Context, Pipeline
    from sitreps.settings import load_settings
    from sitreps.stages.read import read_paths

    settings = load_settings()
    articles = list(read_paths([str(ARTICLES)], settings))
    if args.limit:
        articles = articles[: args.limit]
    pipeline = Pipeline(Context(settings))
    pipeline.warm()
    counts = [int(n) for n in args.workers.split(",")]
    print(f"articles        {len(articles)}  (usable cores: {usable_cores()})")
    base = None
    for n in counts:
        best = (float("inf"), None, None)
        for _ in range(args.repeat):
            result = run(pipeline, articles, n, settings.pipeline.record_seconds)
            if result[0] < best[0]:
                best = result
        seconds, worker_mb, self_mb = best
        base = base or seconds
        rate = len(articles) / seconds
        memory = "" if worker_mb is None else f"  worker PSS {worker_mb:.0f} MB, writer PSS {self_mb:.0f} MB"
        print(f"--workers {n:<3}   {seconds:6.1f} s  {rate:5.1f} articles/s  speed-up {base / seconds:4.2f}{memory}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
