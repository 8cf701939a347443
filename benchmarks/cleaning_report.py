"""What the clean stage removes from real scraped news: counts per reason and every piece.

    python benchmarks/cleaning_report.py            # summary and the list of removed pieces
    python benchmarks/cleaning_report.py --summary  # counts only
    python benchmarks/cleaning_report.py --table N  # markdown sample: N pieces per reason (docs)

Reads ../shared/data/articles/ukraine_war_news_2022_2023.jsonl next to the repository (evaluation
data that is not part of it). Read the listed pieces: none of them may be article content.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from sitreps.pipeline import Context
from sitreps.records import Article, Document
from sitreps.settings import load_settings
from sitreps.stages.clean import clean

DATA = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "data"
    / "articles"
    / "ukraine_war_news_2022_2023.jsonl"
)


def first_words(text: str, n: int) -> str:
    words = text.split()
    return " ".join(words[:n]) + (" ..." if len(words) > n else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="a JSONL file of {id, text} records")
    parser.add_argument("--summary", action="store_true", help="print the counts only")
    parser.add_argument(
        "--table", type=int, metavar="N", help="print a markdown table of N pieces per reason"
    )
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(
            f"cleaning_report: {args.data} is absent (evaluation data is not part of the repository)",
            file=sys.stderr,
        )
        return 2

    ctx = Context(load_settings())
    docs = []
    with args.data.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            docs.append(clean(Document(article=Article(id=record["id"], text=record["text"])), ctx))

    pieces = [(doc.article.id, r) for doc in docs for r in doc.removed]
    by_reason = Counter(r.reason for _, r in pieces)
    chars_before = sum(len(doc.article.text) for doc in docs)
    print(f"articles:            {len(docs)}")
    print(f"articles with cuts:  {len({aid for aid, _ in pieces})}")
    print(f"pieces removed:      {len(pieces)}")
    for reason, count in sorted(by_reason.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {reason:<18} {count}")
    print(f"chars removed:       {sum(r.end - r.start for _, r in pieces)} of {chars_before}")
    print(f"clean.empty:         {sum(1 for doc in docs if doc.failed)}")

    if args.table:
        print("\n| article id | offsets | reason | piece (first words) |\n|---|---|---|---|")
        for reason, _ in sorted(by_reason.items(), key=lambda kv: (-kv[1], kv[0])):
            seen: set[str] = set()
            for aid, r in pieces:
                snippet = first_words(r.text, 6)
                if r.reason == reason and snippet not in seen and len(seen) < args.table:
                    seen.add(snippet)
                    print(f"| `{aid}` | {r.start}-{r.end} | {r.reason} | {snippet} |")
    elif not args.summary:
        print("\nremoved pieces:")
        for aid, r in pieces:
            print(f"  {aid}  {r.reason:<16} {first_words(r.text, 8)!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
