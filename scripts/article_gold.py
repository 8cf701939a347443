"""Helper for the full-article event gold (docs/annotation-events.md, part 2).

    python scripts/article_gold.py show ARTICLE_ID [--articles PATH]
        prints the article's publication date and its text cut into numbered pieces (lines, then
        sentences by a plain punctuation rule), each with its [start, end] character offsets into
        the article's `text`, so that an annotator can cite offsets without counting characters.
    python scripts/article_gold.py check [GOLD] [--articles PATH]
        checks a gold file: offsets inside the text, known types and subtypes, dates, one line per
        annotated article in the manifest.

The article texts stay in ../shared (publishers' copyright); the gold holds offsets and codes only.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT.parent / "shared" / "data" / "articles" / "ukraine_war_news_2022_2023.jsonl"
GOLD = ROOT / "src" / "sitreps" / "evaluation" / "labels" / "article_events.jsonl"

_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'\u201d\u2019)]))\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])")


def pieces(text: str) -> list[tuple[int, int]]:
    out = []
    for line in re.finditer(r"[^\n]+", text):
        lo = line.start()
        body = line.group(0)
        cut = [0, *[m.end() for m in _SENTENCE_END.finditer(body)], len(body)]
        for a, b in zip(cut, cut[1:], strict=False):
            seg = body[a:b]
            strip_left = len(seg) - len(seg.lstrip())
            seg_end = a + len(seg.rstrip())
            if seg_end > a + strip_left:
                out.append((lo + a + strip_left, lo + seg_end))
    return out


def load_articles(path: Path) -> dict[str, dict]:
    with path.open(encoding="utf-8") as fh:
        return {str(r["id"]): r for r in map(json.loads, fh) if r}


def show(article_id: str, path: Path) -> None:
    art = load_articles(path)[article_id]
    print(f"# {article_id}  published {art.get('published')}  outlet country {art.get('outlet_country')}")
    for n, (a, b) in enumerate(pieces(art["text"]), 1):
        print(f"[{n}] [{a}, {b}] {art['text'][a:b]}")


def check(gold: Path, path: Path) -> int:
    sys.path.insert(0, str(ROOT / "src"))
    from sitreps.evaluation.articles import check_gold

    problems = check_gold(gold, load_articles(path))
    for p in problems:
        print(p)
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["show", "check"])
    ap.add_argument("target", nargs="?")
    ap.add_argument("--articles", type=Path, default=ARTICLES)
    args = ap.parse_args()
    if args.command == "show":
        show(args.target, args.articles)
        return 0
    return check(Path(args.target) if args.target else GOLD, args.articles)


if __name__ == "__main__":
    raise SystemExit(main())
