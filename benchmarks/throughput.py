"""Throughput of the whole pipeline against spaCy's own `nlp.pipe` on the same texts.

    python benchmarks/throughput.py [--limit N] [--repeat K]

Reads ../shared/data/articles/ukraine_war_news_2022_2023.jsonl (not part of the repository)
and prints articles/s, words/s, peak RSS and the ratio full pipeline / nlp.pipe. The model is
loaded (with its entity ruler and gazetteer matcher) before timing starts; both runs use the same object.
Record the numbers in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ARTICLES = SHARED / "data/articles/ukraine_war_news_2022_2023.jsonl"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles")
    parser.add_argument("--repeat", type=int, default=1, help="time each side K times, keep the best")
    args = parser.parse_args()
    if not ARTICLES.exists():
        print(f"skipped: {ARTICLES} is absent (evaluation data is not part of the repository)")
        return 0

    from sitreps.pipeline import Context, Pipeline
    from sitreps.settings import load_settings
    from sitreps.stages.read import read_paths

    settings = load_settings()
    articles = [a for a in read_paths([str(ARTICLES)], settings) if not a.failed]
    if args.limit:
        articles = articles[: args.limit]
    t0 = time.perf_counter()
    pipeline = Pipeline(Context(settings))
    nlp = pipeline.ctx.nlp
    load_s = time.perf_counter() - t0

    from sitreps.records import Document
    from sitreps.stages.clean import clean

    texts = [clean(Document(article=a), pipeline.ctx).text for a in articles]
    words = sum(len(t.split()) for t in texts)

    # the pipeline first, so its peak memory is not the baseline's: nlp.pipe's default batch
    # (1000 texts) holds every document of this corpus at once and peaks far higher
    spacy_s = full_s = float("inf")
    events = 0
    for _ in range(args.repeat):
        t = time.perf_counter()
        events = sum(len(d.events) for d in pipeline.pipe(articles))
        full_s = min(full_s, time.perf_counter() - t)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for _ in range(args.repeat):
        t = time.perf_counter()
        for _doc in nlp.pipe(texts):
            pass
        spacy_s = min(spacy_s, time.perf_counter() - t)
    spacy_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"articles        {len(articles)}  ({words} words)")
    print(f"model load      {load_s:.2f} s (spaCy + entity ruler + gazetteer matcher)")
    print(f"spaCy nlp.pipe  {spacy_s:.2f} s  {len(articles) / spacy_s:.1f} articles/s  {words / spacy_s:.0f} words/s")
    print(f"full pipeline   {full_s:.2f} s  {len(articles) / full_s:.1f} articles/s  {words / full_s:.0f} words/s")
    print(f"ratio           {full_s / spacy_s:.2f}  (full pipeline / spaCy alone; target <= 1.5)")
    print(f"peak RSS        {rss_mb:.0f} MB  after the full pipeline (target < 1024)")
    print(f"peak RSS        {spacy_rss_mb:.0f} MB  after spaCy's nlp.pipe baseline (default batch size)")
    print(f"events found    {events}")

    # the same records through the forked worker `ingest` and `analyze` use (the record budget):
    # what the pipe to the worker and back costs
    from sitreps.isolation import Workers

    budget_s = float("inf")
    for _ in range(args.repeat):
        t = time.perf_counter()
        with Workers(pipeline, settings.pipeline.record_seconds) as run:
            for a in articles:
                run(a)
        budget_s = min(budget_s, time.perf_counter() - t)
    print(f"with the budget {budget_s:.2f} s  {len(articles) / budget_s:.1f} articles/s  "
          f"ratio {budget_s / full_s:.2f} (records in the forked worker / in this process)")

    # time per stage: each stage function wrapped with a clock, one more pass over the articles
    from dataclasses import replace as _replace

    spent: dict[str, float] = {}

    def timed(stage):
        def fn(doc, ctx, _f=stage.fn, _name=stage.name):
            t = time.perf_counter()
            try:
                return _f(doc, ctx)
            finally:
                spent[_name] = spent.get(_name, 0.0) + time.perf_counter() - t

        return _replace(stage, fn=fn)

    staged = Pipeline(pipeline.ctx, tuple(timed(st) for st in pipeline.stages))
    for _doc in staged.pipe(articles):
        pass
    nlp_s = spent.get("nlp", float("nan"))
    print("time per stage  " + ", ".join(f"{name} {sec:.2f} s" for name, sec in spent.items()))
    events_s = spent.get("events", 0.0) + spent.get("actors", 0.0)
    print(f"events / nlp    {events_s / nlp_s:.3f}  (the actors and events stages over the NLP stage; target <= 0.20)")
    quotes_s = spent.get("quotes", 0.0) + spent.get("claims", 0.0)
    print(f"quotes / nlp    {quotes_s / nlp_s:.3f}  (the quotes and claims stages over the NLP stage; target <= 0.10)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
