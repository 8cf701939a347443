"""Full-article event evaluation: the extractor's events against every event coded by hand.

Gold: `labels/article_events.jsonl` (one event a line) and `labels/article_events_docs.jsonl`
(one line per annotated article), coded by docs/annotation-events.md part 2, with offsets into
the `text` of `../shared/data/articles/ukraine_war_news_2022_2023.jsonl`. The output's evidence
is in the cleaned text; each span is found again in the raw text to compare offsets.

Matching: an output event and a gold event match when their evidence overlaps; among
overlapping pairs, those alike in standing first (both current events said to have happened, or
neither: a feared strike in the same sentence does not take the place of the strike that
happened), then same subtype, then same type, then any, each event used once. Current
events only count for precision and recall (see `score`); matched pairs are then compared
field by field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from ..gazetteer import distance_km
from ..stages.times import days_of

LABELS = Path(__file__).with_name("labels")
GOLD = LABELS / "article_events.jsonl"
GOLD_DOCS = LABELS / "article_events_docs.jsonl"
# the same articles coded again by a second annotator who saw neither the gold nor the output
SECOND = LABELS / "article_events_second.jsonl"
SECOND_DOCS = LABELS / "article_events_second_docs.jsonl"

TYPES = {
    "Battles": {"Armed clash", "Government regains territory", "Non-state actor overtakes territory"},
    "Explosions/Remote violence": {"Shelling/artillery/missile attack", "Air/drone strike", "Remote explosive/landmine/IED",
                                   "Grenade", "Suicide bomb", "Chemical weapon"},
    "Violence against civilians": {"Attack", "Abduction/forced disappearance", "Sexual violence"},
    "Protests": {"Peaceful protest", "Protest with intervention", "Excessive force against protesters"},
    "Riots": {"Violent demonstration", "Mob violence"},
    "Strategic developments": {"Agreement", "Arrests", "Non-violent transfer of territory", "Looting/property destruction",
                               "Disrupted weapons use", "Headquarters or base established", "Change to group/activity", "Other"},
}
CERTAINTIES = {"asserted", "confirmed", "reported", "hedged"}
NOT_HAPPENED = {"possible", "negated"}
PRECISIONS = {"city", "admin2", "admin1", "front", "region", "country"}
BASES = {"stated", "context", "published", None}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:/\d{4}-\d{2}-\d{2})?$")


def read_jsonl(path: Path) -> list[dict]:
    with Path(path).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def check_gold(path: Path, articles: Mapping[str, dict], docs_path: Path | None = None) -> list[str]:
    """Every problem of a gold file, as lines `article event: what`; empty when it is sound."""
    problems: list[str] = []
    seen: set[tuple[str, int]] = set()
    rows = read_jsonl(path)
    for r in rows:
        where = f"{r.get('article')} {r.get('event')}"
        art = articles.get(str(r.get("article")))
        if art is None:
            problems.append(f"{where}: unknown article")
            continue
        n = len(art["text"])
        key = (r["article"], r.get("event"))
        if key in seen:
            problems.append(f"{where}: event number used twice")
        seen.add(key)
        ev = r.get("evidence") or []
        if not ev:
            problems.append(f"{where}: no evidence")
        for span in ev:
            if not (isinstance(span, list) and len(span) == 2 and 0 <= span[0] < span[1] <= n):
                problems.append(f"{where}: evidence {span} outside the text (length {n})")
        if r.get("type") not in TYPES:
            problems.append(f"{where}: unknown type {r.get('type')!r}")
        elif r.get("subtype") not in TYPES[r["type"]]:
            problems.append(f"{where}: subtype {r.get('subtype')!r} is not one of {r['type']}")
        if r.get("certainty") not in CERTAINTIES:
            problems.append(f"{where}: certainty {r.get('certainty')!r}")
        if not isinstance(r.get("background"), bool):
            problems.append(f"{where}: background must be true or false")
        d = r.get("date")
        if d is not None:
            if not (isinstance(d, str) and _DATE.match(d)):
                problems.append(f"{where}: date {d!r} is not YYYY-MM-DD or YYYY-MM-DD/YYYY-MM-DD")
            else:
                try:
                    _interval(d)
                except ValueError as exc:
                    problems.append(f"{where}: date {d!r}: {exc}")
        if r.get("date_basis") not in BASES:
            problems.append(f"{where}: date_basis {r.get('date_basis')!r}")
        p = r.get("place")
        if p is not None:
            if not isinstance(p, dict) or not all(k in p for k in ("lat", "lon", "country", "precision")):
                problems.append(f"{where}: place needs lat, lon, country, precision")
            else:
                if not (-90 <= float(p["lat"]) <= 90 and -180 <= float(p["lon"]) <= 180):
                    problems.append(f"{where}: place coordinates out of range")
                if p["precision"] not in PRECISIONS:
                    problems.append(f"{where}: place precision {p['precision']!r}")
                s = p.get("span")
                if s is not None and not (isinstance(s, list) and len(s) == 2 and 0 <= s[0] < s[1] <= n):
                    problems.append(f"{where}: place span {s} outside the text")
    if docs_path is not None and docs_path.exists():
        docs = {d["article"]: d for d in read_jsonl(docs_path)}
        for a, d in docs.items():
            if a not in articles:
                problems.append(f"{a}: manifest names an unknown article")
            counted = sum(1 for r in rows if r.get("article") == a)
            if counted != d.get("events"):
                problems.append(f"{a}: manifest says {d.get('events')} events, the gold has {counted}")
        for a in {r.get("article") for r in rows} - set(docs):
            problems.append(f"{a}: events but no manifest line")
    return problems


def _interval(value: str) -> tuple[date, date]:
    lo, _, hi = value.partition("/")
    a = date.fromisoformat(lo[:10])
    b = date.fromisoformat(hi[:10]) if hi else a
    if b < a:
        raise ValueError("the span ends before it starts")
    return a, b


def raw_spans(raw: str, clean: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Cleaned-text spans as raw-text offsets: the cleaner only drops and trims lines, so each
    span's text is found in the raw text (the occurrence nearest its cleaned offset)."""
    out = []
    for s, e in spans:
        piece = clean[s:e].strip()
        if not piece:
            continue
        hits = [m.start() for m in re.finditer(re.escape(piece), raw)]
        if not hits:
            head = piece[:60]
            hits = [m.start() for m in re.finditer(re.escape(head), raw)]
            if not hits:
                continue
        at = min(hits, key=lambda h: abs(h - s))
        out.append((at, at + len(piece)))
    return out


@dataclass
class Tally:
    """Counts for one slice of the gold (all articles, the tuning half, the test half)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    fields: dict[str, list[int]] = field(default_factory=dict)  # name -> [right, compared]
    not_happened: int = 0
    background_out: int = 0
    undated: int = 0
    misses: list[dict] = field(default_factory=list)
    alarms: list[dict] = field(default_factory=list)
    wrong: list[dict] = field(default_factory=list)

    def field_ok(self, name: str, ok: bool | None) -> None:
        if ok is None:
            return
        cell = self.fields.setdefault(name, [0, 0])
        cell[0] += int(ok)
        cell[1] += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def share(self, name: str) -> float | None:
        right, n = self.fields.get(name, [0, 0])
        return right / n if n else None


def _overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def _date_ok(gold: dict, event: dict) -> bool | None:
    if gold.get("date") is None:
        return None
    value = (event.get("time") or {}).get("value")
    if not value:
        return False
    got = days_of(value)
    if got is None:
        return False
    lo, hi = _interval(gold["date"])
    one = timedelta(days=1)
    return got[0] - one <= hi and lo <= got[1] + one


def _place_ok(gold: dict, event: dict) -> bool | None:
    gp = gold.get("place")
    if gp is None:
        return None
    p = event.get("place") or {}
    if p.get("lat") is None or p.get("lon") is None:
        return False
    distance = distance_km(float(gp["lat"]), float(gp["lon"]), float(p["lat"]), float(p["lon"]))
    if gp["precision"] == "country" and gp.get("country"):
        return (p.get("country") or "").upper() == gp["country"].upper()
    if gp["precision"] in ("admin1", "region") and gp.get("admin1"):
        return _same_admin1(p.get("admin1"), gp["admin1"])
    if gp["precision"] in ("admin1", "region", "country"):  # a sea, an area across borders
        return distance <= 100.0
    return distance <= 25.0


def _norm_admin1(name: str | None) -> str:
    name = (name or "").lower().replace("'", "").replace("’", "")
    for w in ("oblast", "oblast'", "region", "province", "city of", "republic of", "the "):
        name = name.replace(w, " ")
    return re.sub(r"[^a-z]", "", name)


def _same_admin1(a: str | None, b: str | None) -> bool:
    na, nb = _norm_admin1(a), _norm_admin1(b)
    return bool(na) and (na == nb or na.startswith(nb) or nb.startswith(na))


def _actor_ok(gold: dict, event: dict) -> bool | None:
    want = gold.get("actor1")
    if want is None:
        return None
    got = [a.get("actor") for a in event.get("actors") or []]
    return bool(got) and got[0] == want


def _shown(event: dict) -> bool:
    """A current event said to have happened: what the map shows."""
    return event.get("certainty") not in NOT_HAPPENED and not event.get("background")


def match_article(gold: list[dict], events: list[dict], raw: str, clean: str) -> list[tuple[dict | None, dict | None]]:
    """Pairs (gold, output) for one article, unmatched ones paired with None."""
    gold_spans = [[tuple(s) for s in g["evidence"]] for g in gold]
    out_spans = [raw_spans(raw, clean, [(s["start"], s["end"]) for s in e.get("evidence") or []]) for e in events]
    candidates = []
    for i, g in enumerate(gold):
        for j, e in enumerate(events):
            ov = _overlap(gold_spans[i], out_spans[j])
            if ov <= 0:
                continue
            kind = 2 if e.get("subtype") == g["subtype"] else 1 if e.get("type") == g["type"] else 0
            alike = _shown(e) == (not g["background"])
            candidates.append((alike, kind, ov, i, j))
    candidates.sort(key=lambda c: (-c[0], -c[1], -c[2], c[3], c[4]))
    used_g: set[int] = set()
    used_e: set[int] = set()
    pairs: list[tuple[dict | None, dict | None]] = []
    for _, _, _, i, j in candidates:
        if i in used_g or j in used_e:
            continue
        used_g.add(i)
        used_e.add(j)
        pairs.append((gold[i], events[j]))
    pairs += [(g, None) for i, g in enumerate(gold) if i not in used_g]
    pairs += [(None, e) for j, e in enumerate(events) if j not in used_e]
    return pairs


def score_pairs(pairs: list[tuple[dict | None, dict | None]], tally: Tally, article: str) -> None:
    for g, e in pairs:
        happened = e is not None and e.get("certainty") not in NOT_HAPPENED
        out_current = happened and not e.get("background")
        if e is not None:
            if not happened:
                tally.not_happened += 1
            elif e.get("background"):
                tally.background_out += 1
            elif not (e.get("time") or {}).get("value"):
                tally.undated += 1
        if g is not None and g["background"]:
            if out_current:
                tally.fp += 1
                tally.alarms.append({"article": article, "why": "background shown as current", **_brief(e)})
            continue
        if g is None:
            if out_current:
                tally.fp += 1
                tally.alarms.append({"article": article, **_brief(e)})
            continue
        if not out_current:
            tally.fn += 1
            tally.misses.append({"article": article, "event": g["event"], "subtype": g["subtype"], "evidence": g["evidence"][0],
                                 "output": "background or not happened" if e is not None else None})
            continue
        tally.tp += 1
        checks = {
            "type": e.get("type") == g["type"],
            "subtype": e.get("subtype") == g["subtype"],
            "actor1": _actor_ok(g, e),
            "place": _place_ok(g, e),
            "date": _date_ok(g, e),
            "certainty": e.get("certainty") == g["certainty"],
        }
        for name, ok in checks.items():
            tally.field_ok(name, ok)
        full = checks["type"] and checks["place"] is not False and checks["date"] is not False and checks["actor1"] is not False
        tally.field_ok("all four", full)
        if not full:
            tally.wrong.append({"article": article, "event": g["event"], **{k: v for k, v in checks.items() if v is False},
                                **_brief(e)})


def _brief(e: dict) -> dict:
    place = e.get("place") or {}
    return {"out_subtype": e.get("subtype"), "out_trigger": (e.get("trigger") or {}).get("text"),
            "out_place": place.get("name"), "out_date": (e.get("time") or {}).get("value"),
            "out_actor": [a.get("actor") for a in e.get("actors") or []][:1], "out_certainty": e.get("certainty"),
            "out_basis": (e.get("time") or {}).get("basis"), "out_evidence": e.get("_evidence_text")}


def halves(article_ids: list[str]) -> dict[str, str]:
    """The tuning and test halves: alternate articles of the gold's id list (odd positions tune)."""
    return {a: ("tune" if i % 2 == 0 else "test") for i, a in enumerate(article_ids)}


# the targets (docs/evaluation.md)
TARGETS = {"F1": 0.70, "precision": 0.80, "type": 0.85, "place": 0.80, "date": 0.85, "actor1": 0.80}


def load_gold(gold: Path = GOLD, docs: Path = GOLD_DOCS) -> tuple[list[str], dict[str, list[dict]]]:
    """(annotated article ids in gold order, article id -> its gold events)."""
    ids = [d["article"] for d in read_jsonl(docs)]
    events: dict[str, list[dict]] = {a: [] for a in ids}
    for r in read_jsonl(gold):
        events.setdefault(r["article"], []).append(r)
    return ids, events


def evaluate(ids: list[str], gold: dict[str, list[dict]], articles: Mapping[str, tuple], ctx, *,
             on_item=None, mistakes: list | None = None) -> dict[str, dict]:
    """Analyse each annotated article and score its events; one table row per half and overall."""
    from ..pipeline import Pipeline
    from ..serialize import document_dict
    from ..stages.read import article_from_text

    pipeline = Pipeline(ctx)
    half = halves(ids)
    tallies = {"all": Tally(), "tune half": Tally(), "test half": Tally()}
    for a in ids:
        published, raw = articles[a]
        doc = document_dict(pipeline(article_from_text(raw, id=a, published=published)))
        text = doc.get("text") or ""
        events = [{**e, "_evidence_text": " | ".join(text[s["start"]:s["end"]] for s in e.get("evidence") or [])[:300]}
                  for e in doc.get("events") or []]
        pairs = match_article(gold.get(a, []), events, raw, text)
        for name in ("all", f"{half[a]} half"):
            score_pairs(pairs, tallies[name], a)
        if on_item:
            on_item()
    if mistakes is not None:
        t = tallies["all"]
        mistakes += [{"kind": "missed", **m} for m in t.misses] + [{"kind": "false alarm", **m} for m in t.alarms]
        mistakes += [{"kind": "wrong field", **m} for m in t.wrong]
    return _rows(tallies, ids)


def as_output(row: dict) -> dict:
    """A gold row in the shape of an extractor's event, so that one annotator's events can be
    scored against another's with the same matching and field checks (its offsets stay raw)."""
    place = row.get("place")
    return {
        "evidence": [{"start": s, "end": e} for s, e in row.get("evidence") or []],
        "type": row.get("type"), "subtype": row.get("subtype"),
        "certainty": row.get("certainty"), "background": bool(row.get("background")),
        "time": {"value": row.get("date"), "basis": row.get("date_basis")},
        "place": None if place is None else {"name": place.get("name"), "lat": place.get("lat"), "lon": place.get("lon"),
                                             "country": place.get("country"), "admin1": place.get("admin1")},
        "actors": [{"actor": row["actor1"]}] if row.get("actor1") else [],
        "_evidence_text": row.get("note"),
    }


def agreement(ids: list[str], gold: dict[str, list[dict]], second: dict[str, list[dict]], articles: Mapping[str, tuple], *,
              mistakes: list | None = None) -> dict[str, dict]:
    """A second annotator's events scored against the gold exactly as the extractor's are: the
    agreement two people reach on the same articles, the ceiling any extractor is measured under.
    Precision and recall swap when the two are swapped; F1 does not."""
    half = halves(ids)
    tallies = {"all": Tally(), "tune half": Tally(), "test half": Tally()}
    for a in ids:
        raw = articles[a][1]
        pairs = match_article(gold.get(a, []), [as_output(r) for r in second.get(a, [])], raw, raw)
        for name in ("all", f"{half[a]} half"):
            score_pairs(pairs, tallies[name], a)
    if mistakes is not None:
        t = tallies["all"]
        mistakes += [{"kind": "gold only", **m} for m in t.misses] + [{"kind": "second only", **m} for m in t.alarms]
        mistakes += [{"kind": "fields differ", **m} for m in t.wrong]
    renamed = {"output current": "second current", "output background": "second background"}
    dropped = {"output undated", "output not happened", "certainty"}
    return {name: {renamed.get(k, k): v for k, v in row.items() if k not in dropped} for name, row in _rows(tallies, ids).items()}


def _rows(tallies: dict[str, Tally], ids: list[str]) -> dict[str, dict]:
    half = halves(ids)
    n_articles = {"all": len(ids), "tune half": sum(1 for a in ids if half[a] == "tune"),
                  "test half": sum(1 for a in ids if half[a] == "test")}
    return {name: _row(t, n_articles[name]) for name, t in tallies.items()}


def _row(t: Tally, n: int) -> dict:
    r3 = lambda x: None if x is None else round(x, 3)
    return {
        "articles": n, "gold current": t.tp + t.fn, "output current": t.tp + t.fp,
        "precision": r3(t.precision), "recall": r3(t.recall), "F1": r3(t.f1),
        **{name: r3(t.share(name)) for name in ("type", "subtype", "actor1", "place", "date", "certainty", "all four")},
        "output undated": t.undated, "output background": t.background_out, "output not happened": t.not_happened,
    }
