"""`sitreps eval quotes`: attributions (content, source, cue) against PolNeAR-style annotations.

Input: JSON lines `{doc_id, annotator, compartment, text, quotes: [{id, type, cue, cue_spans,
sources, contents, has_quote_marks}]}`, every span `{start, end, text}` with character offsets
into `text`. Some documents were annotated by several people, one line each: only the first line
of a `doc_id` is scored (the others are counted), so no document weighs twice. A gold
attribution without content spans cannot be matched and is left out (counted); one without a
source ("Attribution-no-source") counts for content and cue but not for source. A span whose
offsets do not give its text leaves its attribution out (counted).

**System attributions.** Each `doc.quotes` record is one, except that quotes sharing a cue span
(one quote split by its attribution, '"We will," he said, "hold."', or a quote continued after
one) are one attribution with several content spans, as PolNeAR annotates them. Content = the
quote's span(s), source = the speaker's span (when it has offsets), cue = the cue's span;
direct = `Quote.direct`. With `with_claims`, a `doc.claims` record whose source has offsets is an
indirect attribution too (content = the claim's span), unless its span overlaps a quote's.

**Offsets.** System spans index the cleaned text. When the cleaner changed the text, they are
mapped back onto the gold text (`original_offsets`: removed pieces skipped, whitespace may
differ); a document that cannot be mapped is not scored (counted).

**Words.** A span's words are the `\\w+` matches of the gold text that overlap it, so
whitespace, quotation marks and punctuation never count.

**Matching.** Gold and system attributions are paired one to one by content: the pair sharing
the most words first (ties: the smaller union), only pairs sharing a word.

**Measures**, each over all attributions and split into direct (gold: `has_quote_marks`; system:
`Quote.direct`, claims are indirect) and indirect. Precision is credit summed over the system
attributions of the row divided by their number, recall the same over gold attributions, F1
their harmonic mean; unmatched attributions earn nothing. In a split row, precision counts the
system attributions of that kind and recall the gold ones of that kind, whatever their partner.
- *token overlap*: a matched pair earns |shared words| / |system words| towards precision and
  |shared words| / |gold words| towards recall.
- *exact, raw*: the same character spans (all pieces of a split content).
- *exact*: the same words, i.e. equal after dropping whitespace, quotation marks and punctuation
  at either edge (and between the pieces of a split content). A leading "that" is not dropped:
  PolNeAR contents often start with it, and `mistakes` shows how often it is the only difference.
- *source* and *cue* rows count only attributions that have one (gold and system); they earn
  credit through their matched pair only. A source is exact when its words are those of any of
  the gold sources; overlap uses the gold source sharing the most words. The gold cue is the
  union of its `cue_spans` (else `cue`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..records import Span
from . import json_lines

WORD = re.compile(r"\w+")
SLICES = ("all", "direct", "indirect")
MEASURES = (
    "content, token overlap",
    "content, exact, raw",
    "content, exact",
    "source, exact",
    "source, token overlap",
    "cue, exact",
    "cue, token overlap",
)
# the targets, F1 over all attributions
TARGETS = {"content, token overlap": 0.80, "source, exact": 0.70}
PUBLISHED_NOTE = (
    "For comparison, published exact-span F1 on PolNeAR (source / cue / content): BERT+CofeNet "
    "0.832 / 0.753 / 0.729; CRF 0.506 / 0.534 / 0.286; rule-based 0.107 / 0.228 / 0.056. "
    "Targets: content token-overlap F1 >= 0.80, source exact F1 >= 0.70."
)


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who said what, with which words: gold (`origin` "gold") or the system's ("quote", "claim")."""

    contents: tuple[Span, ...]
    sources: tuple[Span, ...] = ()
    cues: tuple[Span, ...] = ()
    direct: bool = False
    origin: str = "gold"
    id: str = ""


@dataclass(frozen=True, slots=True)
class GoldDoc:
    doc_id: str
    annotator: str
    text: str
    attributions: tuple[Attribution, ...]
    without_content: int = 0  # gold attributions left out: no content span
    bad_offsets: int = 0  # gold attributions left out: a span's offsets do not give its text


@dataclass(frozen=True, slots=True)
class GoldSet:
    docs: tuple[GoldDoc, ...]
    lines: int  # annotation lines read
    duplicates: int  # lines of a doc_id already taken (another annotator), not scored


# ---------------------------------------------------------------------------- loading


def load_gold(path: str | Path, limit: int | None = None, compartment: str | None = None) -> GoldSet:
    """The first annotation of each document (the first `limit` documents when given), of one
    `compartment` ("dev", "train") or of all when None."""
    docs: list[GoldDoc] = []
    seen: set[str] = set()
    lines = duplicates = 0
    for n, raw in json_lines(path, "an annotation"):
        if limit is not None and len(docs) >= limit:
            break
        where = f"{path}:{n}"
        if not (isinstance(raw.get("text"), str) and "doc_id" in raw
                and isinstance(raw.get("quotes"), list)):
            raise InputError(f"{where}: not an annotation (needs a JSON object with doc_id, text and quotes)")
        if compartment is not None and raw.get("compartment") != compartment:
            continue
        lines += 1
        doc_id = str(raw["doc_id"])
        if doc_id in seen:
            duplicates += 1
            continue
        seen.add(doc_id)
        docs.append(_gold_doc(raw, where))
    return GoldSet(tuple(docs), lines, duplicates)


def _spans(value, what: str, where: str) -> list[Span]:
    if value is None:
        return []
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        raise InputError(f"{where}: {what} is not a list of spans")
    out = []
    for s in value:
        if not (isinstance(s, dict) and isinstance(s.get("start"), int) and isinstance(s.get("end"), int)):
            raise InputError(f"{where}: {what} holds a span without whole-number start and end: {s!r}")
        out.append(Span(s["start"], s["end"], s.get("text", "")))
    return out


def _gold_doc(raw: dict, where: str) -> GoldDoc:
    text = raw["text"]
    attributions, without_content, bad = [], 0, 0
    for q in raw["quotes"]:
        if not isinstance(q, dict) or not isinstance(q.get("has_quote_marks"), bool):
            name = q.get("id", "?") if isinstance(q, dict) else repr(q)
            raise InputError(f"{where}: quote {name} lacks has_quote_marks")
        here = f"{where}: quote {q.get('id', '?')}"
        contents = _spans(q.get("contents"), "contents", here)
        sources = _spans(q.get("sources"), "sources", here)
        cues = _spans(q["cue_spans"] if "cue_spans" in q else q.get("cue"), "cue_spans", here)
        if not contents:
            without_content += 1
            continue
        if any(text[s.start:s.end] != s.text for s in contents + sources + cues):
            bad += 1
            continue
        attributions.append(Attribution(
            tuple(sorted(contents, key=lambda s: s.start)), tuple(sources), tuple(cues),
            direct=q["has_quote_marks"], origin="gold", id=str(q.get("id", "")),
        ))
    return GoldDoc(str(raw["doc_id"]), str(raw.get("annotator", "")), text, tuple(attributions),
                   without_content, bad)


# ---------------------------------------------------------------------------- system side


def original_offsets(original: str, cleaned: str, removed: Iterable = ()) -> list[int] | None:
    """For each character of the cleaned text, its offset in the original: the cleaner cuts the
    `removed` pieces (offsets into the original) and may change whitespace. None when the cleaned
    text is not the original so edited."""
    cut = bytearray(len(original))
    for r in removed:
        cut[r.start:r.end] = b"\x01" * (r.end - r.start)
    out, j = [], 0
    for ch in cleaned:
        while j < len(original) and (cut[j] or (original[j] != ch and original[j].isspace())):
            j += 1
        if j < len(original) and original[j] == ch:
            out.append(j)
            j += 1
        elif ch.isspace():
            out.append(j)  # a space the cleaner put in where it joined a cut
        else:
            return None
    return out


def _span(m, mapping: list[int] | None, text: str) -> Span | None:
    if m is None or m.start is None or m.end is None or m.end <= m.start:
        return None
    s, e = (m.start, m.end) if mapping is None else (mapping[m.start], mapping[m.end - 1] + 1)
    return Span(s, e, text[s:e])


def system_attributions(quotes, claims=(), *, with_claims: bool = False, mapping: list[int] | None = None,
                        text: str = "") -> list[Attribution]:
    """The system's attributions of one document, in gold offsets (see the module docstring).
    `mapping`: `original_offsets` when the cleaner changed the text; `text`: the gold text."""
    by_cue: dict[tuple[int, int], list] = {}
    groups: list[list] = []
    for q in quotes:
        cue = _span(q.cue, mapping, text)
        key = (cue.start, cue.end) if cue is not None else None
        if key is not None and key in by_cue:
            by_cue[key].append(q)
            continue
        groups.append([q])
        if key is not None:
            by_cue[key] = groups[-1]
    out = []
    for group in groups:
        contents = tuple(s for q in group if (s := _span(q, mapping, text)) is not None)
        if not contents:
            continue
        source = next((s for q in group if (s := _span(q.speaker, mapping, text)) is not None), None)
        cue = _span(group[0].cue, mapping, text)
        out.append(Attribution(contents, (source,) if source else (), (cue,) if cue else (),
                               direct=any(q.direct for q in group), origin="quote"))
    if with_claims:
        quoted = [(q.start, q.end) for q in quotes]
        for c in claims:
            source = _span(c.source, mapping, text)
            content = _span(c, mapping, text)
            if source is None or content is None or any(c.start < e and s < c.end for s, e in quoted):
                continue
            cue = _span(c.cue, mapping, text)
            out.append(Attribution((content,), (source,), (cue,) if cue else (), direct=False, origin="claim"))
    return out


# ---------------------------------------------------------------------------- scoring


class Words:
    """The `\\w+` words of a text, so spans compare by the words they cover."""

    def __init__(self, text: str):
        found = [(m.start(), m.end()) for m in WORD.finditer(text)]
        self.starts = [s for s, _ in found]
        self.ends = [e for _, e in found]

    def of(self, spans: Iterable[Span]) -> frozenset[int]:
        """Indices of the words that overlap any of the spans."""
        out: set[int] = set()
        for sp in spans:
            i = bisect.bisect_right(self.ends, sp.start)
            while i < len(self.starts) and self.starts[i] < sp.end:
                out.add(i)
                i += 1
        return frozenset(out)


def match(gold: list[frozenset[int]], system: list[frozenset[int]]) -> list[tuple[int, int]]:
    """One-to-one (gold index, system index) pairs: most shared words first, then the smaller
    union; only pairs sharing a word."""
    candidates = sorted(
        ((len(g & s), -len(g | s), i, j) for i, g in enumerate(gold) for j, s in enumerate(system) if g & s),
        reverse=True,
    )
    used_g: set[int] = set()
    used_s: set[int] = set()
    pairs = []
    for _, _, i, j in candidates:
        if i not in used_g and j not in used_s:
            used_g.add(i)
            used_s.add(j)
            pairs.append((i, j))
    return sorted(pairs)


@dataclass
class Tally:
    """Precision and recall credit of one measure over one slice."""

    gold: int = 0
    system: int = 0
    p_credit: float = 0.0
    r_credit: float = 0.0

    def row(self, target: float | None = None) -> dict:
        p = self.p_credit / self.system if self.system else None
        r = self.r_credit / self.gold if self.gold else None
        f = 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
        rnd = lambda v: None if v is None else round(v, 3)
        return {"gold": self.gold, "system": self.system, "precision": rnd(p), "recall": rnd(r), "f1": rnd(f),
                "target_f1": target}


@dataclass
class Scores:
    tallies: dict[tuple[str, str], Tally] = field(
        default_factory=lambda: {(m, s): Tally() for m in MEASURES for s in SLICES}
    )

    def table(self) -> dict[str, dict]:
        return {f"{m} ({s})": self.tallies[m, s].row(TARGETS.get(m) if s == "all" else None)
                for m in MEASURES for s in SLICES}


def _slices(a: Attribution) -> tuple[str, str]:
    return ("all", "direct" if a.direct else "indirect")


def _overlap(gold: frozenset[int], system: frozenset[int]) -> tuple[float, float]:
    shared = len(gold & system)
    return (shared / len(system) if system else 0.0, shared / len(gold) if gold else 0.0)


def _text(spans: Iterable[Span]) -> str | None:
    spans = list(spans)
    return " … ".join(s.text for s in spans) if spans else None


def score_document(text: str, gold: list[Attribution], system: list[Attribution], scores: Scores,
                   mistakes: list | None = None, doc_id: str = "") -> None:
    """Add one document's attributions to `scores` (and its misses to `mistakes`)."""
    words = Words(text)
    g_words = [words.of(a.contents) for a in gold]
    s_words = [words.of(a.contents) for a in system]
    pairs = match(g_words, s_words)
    t = scores.tallies

    def count(a: Attribution, side: str) -> None:
        has = {"content": True, "source": bool(a.sources), "cue": bool(a.cues)}
        for s in _slices(a):
            for m in MEASURES:
                if has[m.split(",")[0]]:
                    setattr(t[m, s], side, getattr(t[m, s], side) + 1)

    def credit(m: str, g: Attribution, s: Attribution, p: float, r: float) -> None:
        for sl in _slices(s):
            t[m, sl].p_credit += p
        for sl in _slices(g):
            t[m, sl].r_credit += r

    for a in gold:
        count(a, "gold")
    for a in system:
        count(a, "system")
    for i, j in pairs:
        g, s = gold[i], system[j]
        credit("content, token overlap", g, s, *_overlap(g_words[i], s_words[j]))
        raw = float([(x.start, x.end) for x in g.contents] == [(x.start, x.end) for x in s.contents])
        credit("content, exact, raw", g, s, raw, raw)
        exact = float(g_words[i] == s_words[j])
        credit("content, exact", g, s, exact, exact)
        source_ok = True
        if g.sources and s.sources:
            sw = words.of(s.sources)
            gws = [words.of([x]) for x in g.sources]
            source_ok = any(gw == sw for gw in gws)
            credit("source, exact", g, s, float(source_ok), float(source_ok))
            credit("source, token overlap", g, s, *max((_overlap(gw, sw) for gw in gws), key=lambda pr: pr[1]))
        elif g.sources or s.sources:
            source_ok = False
        cue_ok = True
        if g.cues and s.cues:
            gw, sw = words.of(g.cues), words.of(s.cues)
            cue_ok = gw == sw
            credit("cue, exact", g, s, float(cue_ok), float(cue_ok))
            credit("cue, token overlap", g, s, *_overlap(gw, sw))
        elif g.cues or s.cues:
            cue_ok = False
        if mistakes is not None and not (exact and source_ok and cue_ok):
            mistakes.append(_mistake(doc_id, "wrong source" if not source_ok else "wrong cue" if not cue_ok
                                     else "content boundary", g, s)
                            | {"content_exact": bool(exact), "source_ok": source_ok, "cue_ok": cue_ok})
    if mistakes is not None:
        matched_g = {i for i, _ in pairs}
        matched_s = {j for _, j in pairs}
        mistakes += [_mistake(doc_id, "missed", a, None) for i, a in enumerate(gold) if i not in matched_g]
        mistakes += [_mistake(doc_id, "spurious", None, a) for j, a in enumerate(system) if j not in matched_s]


def _mistake(doc_id: str, kind: str, gold: Attribution | None, got: Attribution | None) -> dict:
    side = lambda a: None if a is None else {
        "direct": a.direct, "content": _text(a.contents), "source": [s.text for s in a.sources],
        "cue": _text(a.cues), "origin": a.origin,
        "offsets": [a.contents[0].start, a.contents[-1].end],
    }
    return {"dataset": "PolNeAR", "doc_id": doc_id, "kind": kind, "gold": side(gold), "got": side(got)}


# ---------------------------------------------------------------------------- running

QUOTES_ONLY = "quotes only"
WITH_CLAIMS = "quotes and claims"


@dataclass
class RunNotes:
    """What the run could not score as given, for the notes under the tables."""

    changed: int = 0  # documents whose text the cleaner changed (offsets mapped back)
    stripped: int = 0  # ... of which only whitespace at either end
    unmapped: list[str] = field(default_factory=list)  # ... and could not be mapped: not scored
    failed: list[str] = field(default_factory=list)  # the pipeline failed: scored as finding nothing

    def lines(self, gold: GoldSet) -> list[str]:
        without = sum(d.without_content for d in gold.docs)
        bad = sum(d.bad_offsets for d in gold.docs)
        scored = sum(len(d.attributions) for d in gold.docs)
        out = [
            f"{len(gold.docs)} documents (the first annotation of each) from {gold.lines} annotation lines; "
            f"{gold.duplicates} further annotations of the same documents skipped; {scored} gold attributions.",
            f"Gold attributions left out: {without} without content spans, "
            f"{bad} with offsets that do not give their text.",
            f"The cleaner changed the text of {self.changed} documents ({self.stripped} only at the ends); "
            "system offsets were mapped back to the gold text.",
        ]
        if self.unmapped:
            out.append(f"{len(self.unmapped)} documents could not be mapped back and were not scored: "
                       + ", ".join(self.unmapped) + ".")
        if self.failed:
            out.append(f"The pipeline failed on {len(self.failed)} documents (scored as finding nothing): "
                       + ", ".join(self.failed) + ".")
        out.append(PUBLISHED_NOTE)
        return out


def evaluate_quotes(
    gold: GoldSet, ctx, *, on_doc: Callable[[], None] | None = None, mistakes: list | None = None,
    notes: RunNotes | None = None,
) -> dict[str, dict]:
    """Both variants (quotes only; quotes and claims): a table each."""
    from ..pipeline import Pipeline
    from ..stages.read import article_from_text

    pipeline = Pipeline(ctx)
    notes = notes if notes is not None else RunNotes()
    scores = {QUOTES_ONLY: Scores(), WITH_CLAIMS: Scores()}
    for g in gold.docs:
        doc = pipeline(article_from_text(g.text, id=g.doc_id))
        mapping = None
        if doc.failed:
            notes.failed.append(g.doc_id)
        elif doc.text != g.text:
            notes.changed += 1
            notes.stripped += doc.text == g.text.strip()
            mapping = original_offsets(g.text, doc.text, doc.removed)
            if mapping is None:
                notes.unmapped.append(g.doc_id)
                if on_doc:
                    on_doc()
                continue
        for variant, with_claims in ((QUOTES_ONLY, False), (WITH_CLAIMS, True)):
            system = [] if doc.failed else system_attributions(
                doc.quotes, doc.claims, with_claims=with_claims, mapping=mapping, text=g.text)
            found = [] if mistakes is not None else None
            score_document(g.text, list(g.attributions), system, scores[variant], found, g.doc_id)
            if mistakes is not None:
                mistakes += [m | {"variant": variant} for m in found]
        if on_doc:
            on_doc()
    return {variant: s.table() for variant, s in scores.items()}
