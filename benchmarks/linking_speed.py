"""Speed of linking: `Linker.add` over synthetic documents, at 1k, 3k and 10k articles.

    python benchmarks/linking_speed.py [--sizes 1000,3000,10000] [--per-day 50] [--max-km KM]

The documents are made up here (seeded, nothing is read): incidents of a random type at a random
place in a 1,000 km box on a random day, each told by 1-6 reports from 40 outlets, published on
the incident's day or up to two days later; reports are ~80 words drawn from the incident's own
words, a shared vocabulary and report-specific noise; one report in ten is a re-published copy
of another (a headline added). A feed brings `--per-day` articles a day, so 10k articles span
four times as many days as 3k at the same rate, as a growing store does: the publication window
keeps the candidates per article about constant, and the cost should grow about linearly.

A store links incrementally (store/clusters.py): each run first puts the linker back from the
stored state, reading every summary once. The last line times that for the largest size (the
state turned into the stored JSON and back, and `Linker.restore`) against linking them.

Printed per size: seconds in total, seconds per 1,000 articles, earlier articles scored per article,
clusters, and the growth ratios (time ratio over size ratio: 1.0 is linear). Target (issue 6):
10,000 articles linked in under 5 minutes on the 2-core machine. One process, one core; the time
of building the summaries (the pipeline) is not included. Record the numbers in
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import date, timedelta

from sitreps.linking import DocSummary, EventSummary, Linker, LinkSettings, summary_dict, summary_from_dict

TARGET_S = 300  # 10,000 articles
TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Strategic developments")
ACTORS = ("RUS.MIL", "UKR.MIL", "CIV", "POL", "RUS.GOV", "UKR.GOV")


def _vocabulary(rng: random.Random, n: int) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(4, 9))) for _ in range(n)]


def synthetic(n: int, per_day: int, seed: int = 1) -> list[DocSummary]:
    """`n` reports of made-up incidents, in publication order."""
    rng = random.Random(seed)
    common = _vocabulary(rng, 3000)
    start = date(2023, 1, 1)
    days = max(1, n // per_day)
    docs: list[DocSummary] = []
    while len(docs) < n:
        day = start + timedelta(days=rng.randrange(days))
        lat, lon = rng.uniform(45.0, 52.0), rng.uniform(24.0, 38.0)
        kind = rng.choice(TYPES)
        own = _vocabulary(rng, 12)
        place = own[0].title()
        actors = tuple(rng.sample(ACTORS, rng.randint(0, 2)))
        for _ in range(rng.randint(1, 6)):
            published = day + timedelta(days=rng.choice((0, 0, 0, 1, 2)))
            if docs and rng.random() < 0.1:
                original = rng.choice(docs[-200:])
                text = "Headline: " + original.text
            else:
                words = rng.sample(own, 8) + rng.sample(common, 60) + _vocabulary(rng, 12)
                rng.shuffle(words)
                text = f"{place}. " + " ".join(words) + "."
            killed = rng.choice((None, (rng.randint(0, 9), None), (rng.randint(1, 5),) * 2))
            event = EventSummary(
                f"e{len(docs)}", kind, lat + rng.uniform(-0.05, 0.05), lon + rng.uniform(-0.05, 0.05),
                day, day, actors, killed, place,
            )
            docs.append(DocSummary(
                id=f"d{len(docs)}", text=text, outlet=f"outlet{rng.randrange(40)}.example", published=published,
                lead=text[:120], names=(place.lower(), str(rng.randint(1, 20))),
                dates=((day, day),), events=(event,),
            ))
    docs = docs[:n]
    docs.sort(key=lambda d: d.published)
    return docs


def run(docs: list[DocSummary], settings: LinkSettings) -> tuple[float, float, int, Linker]:
    """Seconds to add every document, pairs scored per document, clusters, the linker."""
    linker = Linker(settings)
    t0 = time.perf_counter()
    for d in docs:
        linker.add(d)
    seconds = time.perf_counter() - t0
    return seconds, linker.compared / len(docs), len(linker.clusters()), linker


def restore_seconds(linker: Linker, settings: LinkSettings) -> float:
    """Seconds to turn a linker's state into stored JSON and put it back (as a store run does)."""
    t0 = time.perf_counter()
    rows, links = linker.state()
    stored = [(json.dumps(summary_dict(s)), s.text, c, f, sig) for s, c, f, sig in rows]
    pairs = [(a, b, x) for a, bs in links.items() for b, x in bs.items()]
    back = ((summary_from_dict(json.loads(j), text), c, f, sig) for j, text, c, f, sig in stored)
    restored = Linker.restore(back, pairs, linker.merged, settings)
    assert restored.labels() == linker.labels()
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,3000,10000")
    parser.add_argument("--per-day", type=int, default=50, help="articles a day in the feed")
    parser.add_argument("--max-km", type=float, default=None, help="also block by place (LinkSettings.max_km)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    settings = LinkSettings(max_km=args.max_km)
    print(f"linking synthetic articles, {args.per_day} a day, window {settings.window_days} days, "
          f"max_km {settings.max_km}")
    print(f"{'articles':>9} {'seconds':>9} {'s/1k':>7} {'compared':>9} {'clusters':>9}")
    results = []
    for n in sizes:
        docs = synthetic(n, args.per_day)
        seconds, candidates, clusters, linker = run(docs, settings)
        results.append((n, seconds))
        print(f"{n:>9,} {seconds:>9.1f} {1000 * seconds / n:>7.2f} {candidates:>9.0f} {clusters:>9,}")
        sys.stdout.flush()
    for (n0, s0), (n1, s1) in zip(results, results[1:]):
        print(f"growth {n0:,} -> {n1:,}: time x{s1 / s0:.2f} for size x{n1 / n0:.2f} "
              f"(per-article cost x{(s1 / n1) / (s0 / n0):.2f}; 1.00 is linear)")
    last_n, last_s = results[-1]
    back = restore_seconds(linker, settings)
    print(f"restore of {last_n:,} linked articles (state to JSON and back): {back:.1f} s, "
          f"x{back / last_s:.2f} of linking them")
    if last_n >= 10000:
        verdict = "meets" if last_s * 10000 / last_n < TARGET_S else "misses"
        print(f"target: 10,000 articles in < {TARGET_S} s: {verdict} ({last_s * 10000 / last_n:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
