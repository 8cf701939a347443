"""A random audit of what the map shows: draw events from a store, write a worksheet a judge fills
in, and tally the judged worksheet.

Hand-picked label sets test the rules they were picked for; a random draw of the output measures
what a user sees. `sitreps eval audit ARTICLES --db D --n 100 --seed S` ingests the articles
(idempotent) and draws `n` of the events the map shows (current events; background ones are left
out as on the map) with a seeded generator, writing one JSON object per event with its fields,
its evidence and the paragraph around it, and empty judgement fields. `--half tune` or `--half report`
draws only from the articles of one half (split by a hash of the article id), so that rules can be
tuned on one half and the other judged once at the end:

    real       is it a particular event of an ACLED kind that the article reports as happened?
    type_ok    is the type (and subtype) what a coder would give?
    place_ok   within 25 km of where it happened (the right oblast when only that is known)?
    date_ok    the day it happened, +-1 day (the right span when only a week/month is known)?
    actor_ok   is the first actor the doer (or empty when the article names none)?

`sitreps eval audit --score WORKSHEET` counts the judged fields: the share of real events and the
share fully right (real, and type, place, date and actor all right).
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterable
from pathlib import Path

HALVES = ("tune", "report")


def article_half(article_id: str) -> str:
    """The half an article belongs to, fixed by a hash of its id: rules are tuned on judged draws
    of the "tune" half, and the "report" half is drawn and judged once, after the last change."""
    digest = hashlib.sha256(article_id.encode("utf-8", "surrogatepass")).digest()
    return HALVES[digest[0] % 2]


JUDGED = ("real", "type_ok", "place_ok", "date_ok", "actor_ok")
TARGETS = {"real": 0.85, "fully right": 0.60}


def _context(text: str, start: int, end: int, width: int = 400) -> str:
    lo = text.rfind("\n", 0, max(0, start - width // 2))
    lo = max(lo + 1, start - width) if lo >= 0 else max(0, start - width)
    hi = text.find("\n", min(len(text), end + width // 2))
    hi = min(hi if hi >= 0 else len(text), end + width)
    return text[lo:hi]


def worksheet_rows(events: Iterable[dict], documents: dict[str, dict], n: int, seed: int,
                   half: str | None = None) -> list[dict]:
    """`n` events drawn with `seed` (all of them when fewer), each with what a judge needs; with
    `half`, only events of that half's articles (`article_half`)."""
    pool = sorted((e for e in events if half is None or article_half(e["article_id"]) == half),
                  key=lambda e: e["id"])
    rng = random.Random(seed)
    drawn = rng.sample(pool, min(n, len(pool)))
    rows = []
    for k, e in enumerate(drawn, 1):
        doc = documents[e["article_id"]]
        text = doc.get("text") or ""
        ev = e.get("evidence") or []
        first = ev[0] if ev else {"start": e["trigger"]["start"], "end": e["trigger"]["end"]}
        place = e.get("place") or {}
        time = e.get("time") or {}
        rows.append({
            "n": k,
            "event_id": e["id"],
            "article": e["article_id"],
            "published": doc.get("published"),
            "type": e.get("type"),
            "subtype": e.get("subtype"),
            "certainty": e.get("certainty"),
            "trigger": (e.get("trigger") or {}).get("text"),
            "actors": [f"{a.get('name')} ({a.get('actor')})" for a in e.get("actors") or []],
            "targets": [f"{a.get('name')} ({a.get('actor')})" for a in e.get("targets") or []],
            "place": None if not place else f"{place.get('name')}, {place.get('admin1')}, {place.get('country')} "
                                            f"({place.get('precision')}; {place.get('lat')}, {place.get('lon')})",
            "date": time.get("value"),
            "date_basis": time.get("basis"),
            "fatalities": (e.get("fatalities") or {}).get("low") if e.get("fatalities") else None,
            "evidence": [text[s["start"]:s["end"]] for s in ev],
            "context": _context(text, first["start"], first["end"]),
            **{name: None for name in JUDGED},
            "note": None,
        })
    return rows


def score(rows: list[dict]) -> dict[str, dict]:
    """Shares of a judged worksheet; rows not judged (`real` is null) are left out and counted."""
    judged = [r for r in rows if r.get("real") is not None]
    real = [r for r in judged if r["real"]]
    full = [r for r in real if all(r.get(k) for k in ("type_ok", "place_ok", "date_ok", "actor_ok"))]
    share = lambda a, b: round(a / b, 3) if b else None
    out = {
        "judged events": {"count": len(judged), "share": None, "target": None},
        "real events": {"count": len(real), "share": share(len(real), len(judged)), "target": TARGETS["real"]},
        "fully right (real; type, place, date, actor right)": {
            "count": len(full), "share": share(len(full), len(judged)), "target": TARGETS["fully right"]},
    }
    for k in ("type_ok", "place_ok", "date_ok", "actor_ok"):
        ok = sum(1 for r in real if r.get(k))
        out[f"of real events: {k.removesuffix('_ok')} right"] = {"count": ok, "share": share(ok, len(real)), "target": None}
    undated = sum(1 for r in judged if not r.get("date"))
    out["no date"] = {"count": undated, "share": share(undated, len(judged)), "target": None}
    return out


def write_worksheet(rows: list[dict], path: Path) -> None:
    with Path(path).open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
