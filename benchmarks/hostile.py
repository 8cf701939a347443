"""Hostile input through the whole pipeline: every file is stored or refused with a code, none
crashes, none small is slow.

    python benchmarks/hostile.py [--n 1000] [--seed 7] [--keep DIR]

Writes N generated files (each under 100 kB; the classes below, in turn) to a folder, then

1. reads and analyses each one in this process under the record budget, timing it, and counts
   crashes (`pipeline.crash`), timeouts and the slowest inputs;
2. runs `sitreps ingest` over the whole folder and then `sitreps link`, as a user would, and
   checks both exit 0 without a traceback.

Prints a Markdown table for docs/reliability.md. Needs the spaCy model (as `make test` installs).
"""

from __future__ import annotations

import argparse
import json
import random
import string
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

SENTENCES = [
    "Russian troops shelled the village of Alder on Monday, killing two people, the governor said.",
    "A drone struck an energy facility in Lviv overnight, the mayor said.",
    "Ukrainian forces recaptured the town after weeks of fighting, officials said on Friday.",
    "Protesters gathered in the capital on Sunday and police detained dozens.",
    "The ministry said air defences shot down 12 missiles over Kyiv.",
]
SURROGATES = ["\ud800", "\udfff", "\udc80x"]


def _prose(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(SENTENCES) for _ in range(n))


def _mutate(rng: random.Random, text: str) -> str:
    pieces = list(text)
    for _ in range(rng.randint(1, 30)):
        at = rng.randrange(len(pieces) + 1)
        pieces.insert(at, rng.choice(["\x00", "\u202e", "\ufeff", "[/]", "((", "\n\n", "\u00a0", "“", "'", "\t", "\x1b[31m"]))
    return "".join(pieces)


def gen_binary(rng):
    return "bin", rng.randbytes(rng.randint(0, 5000))


def gen_control_text(rng):
    chars = string.printable + "".join(map(chr, range(0, 32))) + "\u2028\u2029\u200b"
    return "txt", "".join(rng.choice(chars) for _ in range(rng.randint(1, 3000))).encode("utf-8")


def gen_jsonl_fields(rng):
    def value():
        return rng.choice([
            None, 7, 1.5, True, [], {}, ["a"], {"x": 1}, "", "  ", rng.choice(SURROGATES) + _prose(rng, 1),
            _prose(rng, 2), "1" * rng.randint(1, 6000), "[/]" + _prose(rng, 1),
        ])  # fmt: skip

    lines = []
    for _ in range(rng.randint(1, 6)):
        record = {k: value() for k in rng.sample(["id", "url", "title", "published", "text", "html", "extra"], rng.randint(0, 6))}
        line = json.dumps(record, ensure_ascii=rng.random() < 0.5)
        if rng.random() < 0.2:
            line = line[: rng.randint(0, len(line))]  # cut short
        lines.append(line)
    if rng.random() < 0.1:
        lines.append("[" * 50_000 + "]" * 50_000)
    if rng.random() < 0.1:
        lines.append('{"id": ' + "9" * 5001 + ', "text": "x"}')
    return "jsonl", "\n".join(lines).encode("utf-8", "surrogatepass")


def gen_dates(rng):
    phrase = rng.choice([
        "over the past {n} years", "the past {n} days", "{n} days ago", "in {n} weeks", "last week", "tomorrow",
        "on January 1", "since {n}", "in the year {n}", "{n} BC", "next month", "on Monday",
    ]).format(n=rng.choice([0, 1, 99, 5000, 10_000, 99_999_999_999, 10**30]))
    published = rng.choice(["0001-01-01", "9999-12-31", "2022-05-01", "0001-01-07T00:00:00", "9999-12-31T23:59:59"])
    record = {"id": f"d{rng.random()}", "published": published, "text": f"Russian troops shelled Kharkiv {phrase}. " + _prose(rng, 2)}
    return "jsonl", json.dumps(record).encode("utf-8")


def gen_counts(rng):
    n = rng.choice(["123456789012345678901234567890", "9" * 5001, "-5", "0", "1e400", "dozens of thousands"])
    return "txt", f"Russian shelling killed {n} people in Kharkiv on Monday and wounded {n} more.".encode("utf-8")


def gen_runs(rng):
    unit = rng.choice(["(", "''", "``", ", said", "in Kyiv, ", "Shelling hit Kharkiv.\n", "x\n", "-", "!?", "<<", "  "])
    size = rng.randint(1000, 95_000)
    return "txt", (unit * (size // len(unit) + 1))[:size].encode("utf-8")


def gen_html(rng):
    depth = rng.randint(1, 3000)
    body = "<div>" * depth + "<p>" + _prose(rng, 3) + "</p>" + "</span>" * rng.randint(0, 50)
    extra = rng.choice(["<script>alert(1)</script>", "<!--", "<![CDATA[", "<meta charset='koi8-r'>", "", "<title>[/]</title>"])
    return "html", f"<html><head>{extra}</head><body>{body}".encode("utf-8")


def gen_encoding(rng):
    text = _prose(rng, 3) + " Café, Kyiv – “quoted”."
    enc = rng.choice(["latin-1", "utf-16-le", "utf-16-be", "cp1251", "utf-32"])
    return "txt", text.encode(enc, "replace")


def gen_empty(rng):
    return rng.choice(["txt", "jsonl", "html", "json"]), rng.choice([b"", b" ", b"\n\n\t", b"{}", b"[]", b"null", b"\xef\xbb\xbf"])


def gen_mutated(rng):
    return "txt", _mutate(rng, _prose(rng, rng.randint(1, 40))).encode("utf-8", "surrogatepass")


GENERATORS = [gen_binary, gen_control_text, gen_jsonl_fields, gen_dates, gen_counts, gen_runs, gen_html,
              gen_encoding, gen_empty, gen_mutated]  # fmt: skip


def write_inputs(folder: Path, n: int, seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    kinds = {}
    for i in range(n):
        gen = GENERATORS[i % len(GENERATORS)]
        suffix, data = gen(rng)
        name = f"{i:05d}-{gen.__name__[4:]}.{suffix}"
        (folder / name).write_bytes(data[:99_000])
        kinds[name] = gen.__name__[4:]
    return kinds


def analyse_each(folder: Path, kinds: dict[str, str]) -> dict:
    from sitreps.isolation import Workers
    from sitreps.pipeline import Context, Pipeline
    from sitreps.settings import load_settings
    from sitreps.stages.read import read_paths

    settings = load_settings()
    pipeline = Pipeline(Context(settings))
    pipeline.warm()
    codes, slowest, crashes, heads = Counter(), [], [], {}
    with Workers(pipeline, settings.pipeline.record_seconds) as run:
        for name in sorted(kinds):
            t0 = time.perf_counter()
            for article in read_paths([folder / name], settings):
                doc = run(article)
                for note in doc.notes:
                    if note.level in ("error", "warning"):
                        codes[note.code] += 1
                    if note.code in ("pipeline.crash", "pipeline.timeout"):
                        crashes.append((name, note.code, note.detail))
            slowest.append((time.perf_counter() - t0, name))
            heads[name] = (folder / name).read_bytes()[:40]
    slowest.sort(reverse=True)
    return {"codes": codes, "slowest": slowest, "crashes": crashes, "heads": heads}


def ingest_all(folder: Path, db: Path) -> dict:
    exe = [sys.executable, "-m", "sitreps.cli"] if not Path(sys.executable).with_name("sitreps").exists() else [
        str(Path(sys.executable).with_name("sitreps"))]
    t0 = time.perf_counter()
    ingest = subprocess.run([*exe, "ingest", str(folder), "--db", str(db)], capture_output=True, text=True, errors="replace")
    link = subprocess.run([*exe, "link", "--rebuild", "--db", str(db)], capture_output=True, text=True, errors="replace")
    return {
        "seconds": time.perf_counter() - t0,
        "ingest_rc": ingest.returncode, "link_rc": link.returncode,
        "traceback": "Traceback" in ingest.stderr + link.stderr,
        "summary": [line for line in ingest.stderr.splitlines() if " new, " in line or line.startswith("store:")],
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="write the inputs here and keep them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp) / "inputs"
        folder.mkdir(parents=True, exist_ok=True)
        kinds = write_inputs(folder, args.n, args.seed)
        each = analyse_each(folder, kinds)
        whole = ingest_all(folder, Path(tmp) / "hostile.db")
    by_kind = Counter(kinds.values())
    worst = {}
    for seconds, name in each["slowest"]:
        worst.setdefault(kinds[name], (seconds, name))
    print(f"**{args.n} generated hostile inputs (seed {args.seed}), each under 100 kB**\n")
    print("| class | inputs | slowest (s) |")
    print("|---|---|---|")
    for kind, count in sorted(by_kind.items()):
        print(f"| {kind} | {count} | {worst[kind][0]:.1f} |")
    print(f"\ncrashes or timeouts: {len(each['crashes'])}; inputs over 10 s: "
          f"{sum(1 for s, _ in each['slowest'] if s > 10)}; slowest: {each['slowest'][0][0]:.1f} s ({each['slowest'][0][1]})")
    for crash in each["crashes"][:10]:
        print("  ", *crash)
    slow = [(s, n) for s, n in each["slowest"] if s > 10]
    if slow:
        print("\ninputs over 10 s (what they hold):")
        for seconds, name in slow[:10]:
            print(f"   {seconds:.1f} s  {name}  {each['heads'][name]!r}")
    print("\nnotes (warnings and errors) by code: " + ", ".join(f"`{c}` {n}" for c, n in each["codes"].most_common()))
    print(f"\n`sitreps ingest` of the folder: exit {whole['ingest_rc']}, then `sitreps link --rebuild`: exit "
          f"{whole['link_rc']}; traceback printed: {'yes' if whole['traceback'] else 'no'}; {whole['seconds']:.0f} s")
    for line in whole["summary"]:
        print("  ", line)


if __name__ == "__main__":
    main()
