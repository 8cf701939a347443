"""`sitreps eval geo`: place resolution and end-to-end geoparsing against gold toponyms.

Input: JSON lines `{dataset, doc_id, text, toponyms: [{text, start, end, lat, lon, geonameid?,
country?, type?}]}` (the layout of the LGL, TR-News, GeoWebNews and GeoVirus files described in
docs/evaluation.md). Two measurements per dataset:

- **resolution** (gold spans given): each gold toponym with coordinates goes to the resolver with
  the other gold toponyms of its document as context. Reported: the exact gazetteer id (where the
  gold has a GeoNames id), within 161 km (100 miles, the field's usual tolerance), the right
  country, the median error in km (an unresolved toponym counts as 20,038 km, half the
  circumference), and how often the gold place is among the candidates (same id or within 161 km).
- **end to end** (raw text): the NLP and places stages on the text; a predicted place is a true
  positive when its span overlaps a gold toponym in scope and it lies within 161 km of it. Every
  other predicted place is a false positive, including places on gold spans of other types
  (GeoWebNews demonyms, metonymy, non-toponyms); gold toponyms in scope without such a match are
  false negatives. Unresolved predictions count as false positives; recognition alone (span
  overlap, any coordinates) is reported beside it.

`country` of a gold toponym: the dataset's country name when it has one (an empty one, as for
a continent or a sea, means no country, matched by a place without one), else the country of
the nearest populated place of the gazetteer to the gold point.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..gazetteer import GazetteerEntry, distance_km
from ..stages.places import mention_at, resolve
from . import json_lines

TOLERANCE_KM = 161.0
HALF_EARTH_KM = 20038.0
# GeoWebNews types that name a place taken literally (Gritta et al. 2019 "literal" group); the
# associative ones (metonymy, demonyms, non-literal modifiers, languages, homonyms) are not
# places to geoparse, and their `*_Expression` / `Non_Toponym` rows are not toponyms at all.
GWN_LITERAL = {"Literal", "Mixed", "Coercion", "Embedded_Literal", "Literal_Modifier"}


@dataclass(frozen=True, slots=True)
class GoldToponym:
    start: int
    end: int
    text: str
    lat: float | None
    lon: float | None
    geonameid: str | None = None
    country_name: str | None = None
    type: str | None = None
    # the dataset gives a country field for its toponyms: an empty one means "no country"
    # (a continent, a sea), which a place without a country matches
    has_country_field: bool = False

    @property
    def located(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(frozen=True, slots=True)
class GoldDoc:
    dataset: str
    doc_id: str
    text: str
    toponyms: tuple[GoldToponym, ...]
    skipped: int = 0  # toponyms whose offsets do not match their text


def load_gold(paths: Iterable[str | Path], limit: int | None = None) -> list[GoldDoc]:
    """The documents of each file (the first `limit` of each when given)."""
    docs = []
    for path in paths:
        taken = 0
        for n, raw in json_lines(path, "a gold document"):
            if limit is not None and taken >= limit:
                break
            taken += 1
            if not isinstance(raw.get("text"), str):
                raise InputError(f"{path}:{n}: not a gold document (needs a JSON object with text and toponyms)")
            docs.append(_gold_doc(raw, Path(path).stem.split(".")[0]))
    return docs


def _gold_doc(raw: dict, default_dataset: str) -> GoldDoc:
    text = raw.get("text") or ""
    toponyms, skipped = [], 0
    for t in raw.get("toponyms", []):
        start, end = t.get("start"), t.get("end")
        if t.get("offset_invalid") or start is None or text[start:end] != t.get("text"):
            skipped += 1
            continue
        toponyms.append(
            GoldToponym(
                start=start,
                end=end,
                text=t["text"],
                lat=_float(t.get("lat")),
                lon=_float(t.get("lon")),
                geonameid=str(t["geonameid"]) if t.get("geonameid") else None,
                country_name=t.get("country"),
                type=t.get("type"),
                has_country_field="country" in t and bool(t.get("geonameid")),
            )
        )
    return GoldDoc(
        dataset=str(raw.get("dataset") or default_dataset),
        doc_id=str(raw.get("doc_id", "")),
        text=text,
        toponyms=tuple(toponyms),
        skipped=skipped,
    )


def _float(value) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def in_scope(t: GoldToponym) -> bool:
    """A toponym to resolve: it has coordinates and, in GeoWebNews, a literal type."""
    return t.located and (t.type is None or t.type in GWN_LITERAL)


# ---------------------------------------------------------------------------- countries


class CountryFinder:
    """The country of a point (nearest populated place) or of a country name."""

    def __init__(self, gazetteer):
        self.gaz = gazetteer
        self._grid: dict[tuple[int, int], list[GazetteerEntry]] | None = None
        self._names: dict[str, str | None] = {}

    def of_name(self, name: str) -> str | None:
        if name not in self._names:
            found = [e for e in self.gaz.lookup(name) if e.feature_code == "PCLI"]
            self._names[name] = found[0].country if found else None
        return self._names[name]

    def of_point(self, lat: float, lon: float) -> str | None:
        if self._grid is None:
            self._grid = defaultdict(list)
            for e in self.gaz.entries("P"):
                self._grid[int(math.floor(e.lat)), int(math.floor(e.lon))].append(e)
        best, best_d = None, float("inf")
        for radius in range(6):
            cy, cx = int(math.floor(lat)), int(math.floor(lon))
            for y in range(cy - radius, cy + radius + 1):
                for x in range(cx - radius, cx + radius + 1):
                    if max(abs(y - cy), abs(x - cx)) != radius:
                        continue
                    for e in self._grid.get((y, ((x + 180) % 360) - 180), ()):
                        d = distance_km(lat, lon, e.lat, e.lon)
                        if d < best_d:
                            best, best_d = e, d
            if best is not None and best_d < radius * 80:
                break
        return best.country if best else None

    def of(self, t: GoldToponym) -> str | None:
        """ISO code, "" for "no country" (when the dataset says so), None when unknown."""
        if t.country_name:
            iso = self.of_name(t.country_name)
            if iso:
                return iso
        elif t.has_country_field:
            return ""
        return self.of_point(t.lat, t.lon) if t.located else None


# ---------------------------------------------------------------------------- resolution


@dataclass
class ResolutionScore:
    n: int = 0
    with_id: int = 0
    exact_id: int = 0
    within: int = 0
    country_known: int = 0
    country: int = 0
    among_candidates: int = 0
    unresolved: int = 0
    errors: list[float] = field(default_factory=list)

    def row(self) -> dict:
        pct = lambda a, b: round(100 * a / b, 1) if b else None
        return {
            "toponyms": self.n,
            "exact_id": pct(self.exact_id, self.with_id),
            "within_161km": pct(self.within, self.n),
            "country": pct(self.country, self.country_known),
            "median_km": round(statistics.median(self.errors), 1) if self.errors else None,
            "gold_among_candidates": pct(self.among_candidates, self.n),
            "unresolved": pct(self.unresolved, self.n),
        }


def evaluate_resolution(
    docs: list[GoldDoc], gazetteer, settings=None, *, on_doc: Callable[[], None] | None = None,
    mistakes: list | None = None,
) -> dict[str, dict]:
    finder = CountryFinder(gazetteer)
    scores: dict[str, ResolutionScore] = defaultdict(ResolutionScore)
    min_score = settings.places.min_score if settings is not None else 0.0
    for doc in docs:
        gold = [t for t in doc.toponyms if in_scope(t)]
        mentions = [mention_at(doc.text, t.start, t.end) for t in gold]
        for t, r in zip(gold, resolve(doc.text, mentions, gazetteer, settings), strict=True):
            s = scores[doc.dataset]
            s.n += 1
            best, score = r.best
            if best is not None and score < min_score:
                best = None
            err = distance_km(t.lat, t.lon, best.lat, best.lon) if best else HALF_EARTH_KM
            s.errors.append(err)
            s.unresolved += best is None
            s.within += err <= TOLERANCE_KM
            if t.geonameid:
                s.with_id += 1
                s.exact_id += best is not None and best.id == f"geonames:{t.geonameid}"
            iso = finder.of(t)
            if iso is not None:
                s.country_known += 1
                s.country += best is not None and (best.country or "") == iso
            s.among_candidates += any(
                c.id == f"geonames:{t.geonameid}" or distance_km(t.lat, t.lon, c.lat, c.lon) <= TOLERANCE_KM
                for c in r.candidates
            )
            if mistakes is not None and err > TOLERANCE_KM:
                mistakes.append(
                    {
                        "dataset": doc.dataset,
                        "doc_id": doc.doc_id,
                        "text": t.text,
                        "gold": [t.lat, t.lon, t.geonameid],
                        "got": [best.name, best.id, best.feature, best.country, best.admin1] if best else None,
                        "km": round(err),
                        "candidates": len(r.candidates),
                    }
                )
        if on_doc:
            on_doc()
    return {name: s.row() for name, s in sorted(scores.items())}


# ---------------------------------------------------------------------------- end to end


@dataclass
class EndToEndScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    span_tp: int = 0  # overlap only, any coordinates
    span_fp: int = 0
    span_fn: int = 0

    @staticmethod
    def _prf(tp: int, fp: int, fn: int) -> tuple[float | None, float | None, float | None]:
        p = tp / (tp + fp) if tp + fp else None
        r = tp / (tp + fn) if tp + fn else None
        f = 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
        return (round(p, 3) if p is not None else None, round(r, 3) if r is not None else None,
                round(f, 3) if f is not None else None)

    def row(self) -> dict:
        p, r, f = self._prf(self.tp, self.fp, self.fn)
        sp, sr, sf = self._prf(self.span_tp, self.span_fp, self.span_fn)
        return {
            "gold": self.tp + self.fn,
            "predicted": self.tp + self.fp,
            "precision": p,
            "recall": r,
            "f1_161km": f,
            "span_precision": sp,
            "span_recall": sr,
            "span_f1": sf,
        }


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def score_end_to_end(doc: GoldDoc, places, score: EndToEndScore, mistakes: list | None = None) -> None:
    """Add one document's predicted places to `score`."""
    scope = [t for t in doc.toponyms if in_scope(t)]
    # gold spans that are not in scope but are known not to be places to resolve: predictions
    # there are false positives; predictions on located out-of-scope gold spans of datasets
    # without types (a street without coordinates) are neither
    ignorable = [t for t in doc.toponyms if not in_scope(t) and t.type is None]
    matched: set[int] = set()
    span_matched: set[int] = set()
    for p in places:
        hits = [k for k, t in enumerate(scope) if _overlaps(p.start, p.end, t.start, t.end)]
        if hits:
            span_matched.update(hits)
            score.span_tp += 1
        elif any(_overlaps(p.start, p.end, t.start, t.end) for t in ignorable):
            continue
        else:
            score.span_fp += 1
        good = [k for k in hits if p.resolved and distance_km(scope[k].lat, scope[k].lon, p.lat, p.lon) <= TOLERANCE_KM]
        if good and not (set(good) <= matched):
            matched.update(good)
            score.tp += 1
        else:
            score.fp += 1
            if mistakes is not None:
                mistakes.append({"dataset": doc.dataset, "doc_id": doc.doc_id, "kind": "fp", "text": p.text,
                                 "got": [p.name, p.gazetteer_id, p.feature], "gold_spans": [scope[k].text for k in hits]})
    score.fn += len(scope) - len(matched)
    score.span_fn += len(scope) - len(span_matched)
    if mistakes is not None:
        for k, t in enumerate(scope):
            if k not in matched:
                mistakes.append({"dataset": doc.dataset, "doc_id": doc.doc_id, "kind": "fn", "text": t.text,
                                 "gold": [t.lat, t.lon, t.type]})


def evaluate_end_to_end(
    docs: list[GoldDoc], ctx, *, on_doc: Callable[[], None] | None = None, mistakes: list | None = None
) -> dict[str, dict]:
    from ..records import Document
    from ..stages.nlp import parse
    from ..stages.places import geoparse
    from ..stages.read import article_from_text

    scores: dict[str, EndToEndScore] = defaultdict(EndToEndScore)
    for gold in docs:
        doc = Document(article=article_from_text(gold.text, id=gold.doc_id), text=gold.text)
        doc = geoparse(parse(doc, ctx), ctx)
        score_end_to_end(gold, doc.places, scores[gold.dataset], mistakes)
        if on_doc:
            on_doc()
    return {name: s.row() for name, s in sorted(scores.items())}
