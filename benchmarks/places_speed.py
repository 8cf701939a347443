"""Speed of the places stage: resolution throughput, gazetteer build, model load.

    python benchmarks/places_speed.py [--repeat K] [--limit N] [--skip-build] [--skip-model]

Three measures, on one core (everything here is pure Python and SQLite; no threads are set):

a) resolution: every document's gold toponym spans from ../shared/data/geo/*.dev.jsonl (not
   part of the repository) go through `mention_at` + `resolve`, document by document as the
   evaluation does; K passes over the gazetteer that is already open, the best kept. The first
   pass runs on a freshly opened connection (cold SQLite page cache), the later ones on a warm
   one. The operating system's file cache is warm in both. Target: >= 2,000 mentions/s.
   Without the gold files, names sampled from the gazetteer itself stand in (10 per document).
b) gazetteer build: `build_gazetteer` into a temporary directory (the user's cached gazetteer
   is not touched), seconds and file size. Targets: < 120 s, < 100 MB. --skip-build skips it.
c) model load: time and peak RSS (ru_maxrss) before and after loading the spaCy model with its
   gazetteer matcher (`Context(settings).nlp`). Runs first, so the process is still small.
   --skip-model skips it.

Record the numbers in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
GEO = SHARED / "data/geo"
DATASETS = ("lgl", "gwn", "trnews", "geovirus")
TARGET_RATE = 2000  # mentions/s
TARGET_BUILD_S = 120
TARGET_BUILD_MB = 100


def rss_mb() -> float:
    """Peak resident set size of this process so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def gold_documents(limit: int) -> tuple[list[tuple[str, list[tuple[int, int]]]], int]:
    """(text, [(start, end), ...]) per document, keeping spans whose text matches the toponym's;
    also the number of spans dropped."""
    docs, dropped = [], 0
    for name in DATASETS:
        path = GEO / f"{name}.dev.jsonl"
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                raw = json.loads(line)
                text = raw.get("text") or ""
                spans = []
                for t in raw.get("toponyms") or []:
                    start, end = t.get("start"), t.get("end")
                    if isinstance(start, int) and isinstance(end, int) and text[start:end] == t.get("text"):
                        spans.append((start, end))
                    else:
                        dropped += 1
                if spans:
                    docs.append((text, spans))
    return docs[:limit] if limit else docs, dropped


def synthetic_documents(gazetteer_path: Path, n_names: int) -> list[tuple[str, list[tuple[int, int]]]]:
    """Names sampled from the gazetteer, 10 per fake document ("A and B and C ...")."""
    conn = sqlite3.connect(f"{gazetteer_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        step = max(1, conn.execute("SELECT COUNT(*) FROM names").fetchone()[0] // n_names)
        rows = conn.execute(
            "SELECT name FROM (SELECT name, ROW_NUMBER() OVER (ORDER BY key) AS k FROM names) "
            "WHERE k % ? = 0 LIMIT ?",
            (step, n_names),
        ).fetchall()
    finally:
        conn.close()
    names = [r[0] for r in rows if r[0] and r[0].strip() == r[0]]
    docs = []
    for i in range(0, len(names), 10):
        text, spans = "", []
        for name in names[i : i + 10]:
            if text:
                text += " and "
            spans.append((len(text), len(text) + len(name)))
            text += name
        docs.append((text + ".", spans))
    return docs


def resolve_all(docs, gazetteer, settings) -> int:
    from sitreps.stages.places import mention_at, resolve

    n = 0
    for text, spans in docs:
        mentions = [mention_at(text, start, end) for start, end in spans]
        n += len(resolve(text, mentions, gazetteer, settings))
    return n


def measure_model(settings) -> None:
    from sitreps.pipeline import Context

    before = rss_mb()
    cached = settings.gazetteer_path().exists()
    t0 = time.perf_counter()
    nlp = Context(settings).nlp
    load_s = time.perf_counter() - t0
    after = rss_mb()
    print("c) model load (spaCy + entity ruler + gazetteer matcher)")
    print(f"   pipes          {', '.join(nlp.pipe_names)}")
    if "entity_ruler" in nlp.pipe_names:
        print(f"   entity ruler   {len(nlp.get_pipe('entity_ruler').patterns):,} patterns (people, actors)")
    if "sitreps_gazetteer_matcher" in nlp.pipe_names:
        table = nlp.get_pipe("sitreps_gazetteer_matcher").table
        names = sum(len(entries) for entries in table.values())
        print(f"   gaz. matcher   {names:,} names under {len(table):,} first tokens")
    note = "" if cached else "  (includes building the missing cached gazetteer)"
    print(f"   load time      {load_s:.2f} s{note}")
    print(f"   peak RSS       {before:.0f} MB before, {after:.0f} MB after (+{after - before:.0f} MB)")


def measure_resolution(settings, repeat: int, limit: int, synthetic: int) -> None:
    from sitreps.gazetteer import open_gazetteer
    from sitreps.gazetteer.sqlite import SQLiteGazetteer
    from sitreps.lexicons import load_lexicon

    path = settings.gazetteer_path()
    open_gazetteer(settings).close()  # built first if missing; not timed
    if GEO.is_dir():
        docs, dropped = gold_documents(limit)
        source = f"gold spans of {GEO} ({', '.join(DATASETS)}); {dropped} not matching their text dropped"
    else:
        print(f"   {GEO} is absent: synthetic mentions (gazetteer names, 10 per document) instead")
        docs = synthetic_documents(path, synthetic)
        source = f"{sum(len(s) for _, s in docs)} names sampled from {path.name}"
    load_lexicon("geo")  # parsed once, outside the timing
    n_mentions = sum(len(spans) for _, spans in docs)
    print("a) resolution (mention_at + resolve, document by document)")
    print(f"   input          {len(docs)} documents, {n_mentions} mentions: {source}")
    if not n_mentions:
        print("   nothing to resolve")
        return
    times = []
    gazetteer = SQLiteGazetteer(path)  # a fresh connection: its page cache starts empty
    try:
        for _ in range(max(1, repeat)):
            t = time.perf_counter()
            resolve_all(docs, gazetteer, settings)
            times.append(time.perf_counter() - t)
    finally:
        gazetteer.close()
    cold, best = times[0], min(times)
    print(f"   cold (pass 1)  {cold:.2f} s  {n_mentions / cold:,.0f} mentions/s")
    if len(times) > 1:
        warm = min(times[1:])
        warm_rate = n_mentions / warm
        print(f"   warm           {warm:.2f} s  {warm_rate:,.0f} mentions/s  (best of passes 2-{len(times)})")
    rate = n_mentions / best
    ratio = rate / TARGET_RATE
    print(f"   best           {rate:,.0f} mentions/s  = {ratio:.2f} x the target (>= {TARGET_RATE:,}/s)")


def measure_build(settings) -> None:
    from sitreps.gazetteer.sqlite import build_gazetteer

    messages: list[str] = []
    with tempfile.TemporaryDirectory(prefix="sitreps-bench-") as tmp:
        target = Path(tmp) / "g.sqlite"
        t = time.perf_counter()
        build_gazetteer(target, min_population=settings.gazetteer.min_population, progress=messages.append)
        build_s = time.perf_counter() - t
        size = target.stat().st_size / 1e6
    print(f"b) gazetteer build (min_population={settings.gazetteer.min_population}, temporary directory)")
    if messages:
        print(f"   {messages[-1].split(' (')[0]}")
    print(f"   build time     {build_s:.1f} s  (target < {TARGET_BUILD_S} s)")
    print(f"   file size      {size:.1f} MB  (target < {TARGET_BUILD_MB} MB; 1 MB = 10^6 bytes)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="resolution passes; the first is the cold one")
    parser.add_argument("--limit", type=int, default=0, help="only the first N gold documents")
    parser.add_argument("--synthetic", type=int, default=5000, help="names to sample without the gold files")
    parser.add_argument("--skip-build", action="store_true", help="do not time a gazetteer build")
    parser.add_argument("--skip-model", action="store_true", help="do not time the model load")
    args = parser.parse_args()
    if not GEO.is_dir():
        print(f"note: {GEO} is absent (evaluation data is not part of the repository)")

    from sitreps.settings import load_settings

    settings = load_settings()
    if not args.skip_model:
        measure_model(settings)  # first, while the process is still small
    measure_resolution(settings, args.repeat, args.limit, args.synthetic)
    if not args.skip_build:
        measure_build(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
