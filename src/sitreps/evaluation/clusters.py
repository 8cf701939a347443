"""`sitreps eval clusters`: same-incident clusters of documents against ECB+ events.

The gold is a JSON lines file of ECB+ documents, `{doc_id, topic, subtopic, cluster_id, text}`
(Cybulska & Vossen, LREC 2014): documents with the same `cluster_id` report the same real-world
event, and each topic holds two similar but different events (two earthquakes on one island,
two title fights of one boxer), which is what makes it hard. Only `text` is read to cluster:
`doc_id` and `source_url` would give the answer away (the second event's documents are the
"ecbplus" ones, and only they have a URL), and there is no publication date.

Every text goes through the whole sitreps pipeline (`summaries`): the linker uses its cleaned
text, sentences, entities, stated dates and events. The linker's result depends on the order
documents arrive in, and file order groups each topic's documents: it gets them in the order of
their content ids (a hash of the text) and in seeded shuffles of that (`SCORING_ORDERS`), and
its rows are the means over these orders (the note gives the spread).

**Measures**, each over all documents (or all pairs) of the clustering scored:

- **B-cubed** precision and recall (Bagga & Baldwin 1998): per document, the share of its
  predicted cluster that is in its gold cluster, and the share of its gold cluster that is in
  its predicted cluster, averaged over documents; F1 of the two averages.
- **pairwise** precision, recall and F1 over document pairs put in one cluster.
- **false merges**: the share of predicted same-cluster pairs that join documents of different
  gold clusters (1 - pairwise precision), split into pairs of the two events of one topic
  (`same_topic_%`) and pairs of different topics (`other_topic_%`).

**Honest tuning.** The one tuned value, the threshold, is chosen on the documents of the odd
topics and scored on the even topics, and the reverse (`held out`); each half is clustered on
its own. `tuned on` lines show the same thresholds scored on the topics they were chosen on, and
the pooled held-out line both halves together. Tuning picks the best B-cubed F1 (the linker's
mean over `TUNING_ORDERS`) over a fixed grid of thresholds (`LINKER_GRID`, `BASELINE_GRID`),
never looking at single documents. A last pair of lines clusters all topics at once: the linker
at its default threshold (`LinkSettings.threshold`, set from the two held-out tunings), where
documents of different topics can meet.

**Baseline**: TF-IDF cosine over words (the same words as the linker: stop words dropped,
sublinear term frequency), average-link agglomerative clustering cut at one threshold, tuned
the same way; plus a line with its threshold tuned on all documents, as the issue states it.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import InputError
from ..linking import DocSummary, Linker, LinkSettings, stop_words, summarise, weigh, words
from . import json_lines, pct

TARGET_BCUBED_F1 = 0.90
ISSUE_BASELINE_NOTE = (
    "The issue states TF-IDF with its threshold tuned on the data itself reaches B-cubed F1 0.857."
)
LINKER_GRID = tuple(round(0.12 + 0.01 * i, 2) for i in range(15))  # 0.12 .. 0.26
BASELINE_GRID = tuple(round(0.05 + 0.01 * i, 2) for i in range(36))  # 0.05 .. 0.40
# input orders of the linker: None is content-hash order, a number a seeded shuffle of it
TUNING_ORDERS: tuple[int | None, ...] = (None, 1, 2)
SCORING_ORDERS: tuple[int | None, ...] = (None, 1, 2, 3, 4)

_NEEDED = ("doc_id", "topic", "cluster_id", "text")


@dataclass(frozen=True, slots=True)
class GoldDoc:
    id: str
    topic: int
    cluster: str
    text: str


def load_docs(path: str | Path, limit: int | None = None) -> list[GoldDoc]:
    """The documents of an ECB+-style JSON lines file (the first `limit` when given)."""
    docs: list[GoldDoc] = []
    seen: set[str] = set()
    for n, raw in json_lines(path, "an ECB+ document"):
        if limit is not None and len(docs) >= limit:
            break
        missing = [k for k in _NEEDED if k not in raw]
        if missing:
            raise InputError(f"{path}:{n}: not an ECB+ document, it lacks {', '.join(missing)}")
        doc_id = str(raw["doc_id"])
        if doc_id in seen:
            raise InputError(f"{path}:{n}: doc_id {doc_id!r} appears twice")
        try:
            topic = int(raw["topic"])
        except (TypeError, ValueError):
            raise InputError(f"{path}:{n}: topic is not a whole number: {raw['topic']!r}") from None
        seen.add(doc_id)
        docs.append(GoldDoc(doc_id, topic, str(raw["cluster_id"]), str(raw["text"] or "")))
    if not docs:
        raise InputError(f"{path}: no documents")
    return docs


# ---------------------------------------------------------------------------- scores


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _groups(labels: Mapping[str, str]) -> dict[str, set[str]]:
    groups: dict[str, set[str]] = defaultdict(set)
    for item, label in labels.items():
        groups[label].add(item)
    return groups


def _check(pred: Mapping[str, str], gold: Mapping[str, str]) -> None:
    if set(pred) != set(gold):
        raise ValueError("predicted and gold clusterings cover different items")
    if not pred:
        raise ValueError("nothing to score")


def bcubed(pred: Mapping[str, str], gold: Mapping[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a clustering (item -> label) against the gold."""
    _check(pred, gold)
    pg, gg = _groups(pred), _groups(gold)
    p = r = 0.0
    for item in pred:
        both = len(pg[pred[item]] & gg[gold[item]])
        p += both / len(pg[pred[item]])
        r += both / len(gg[gold[item]])
    p, r = p / len(pred), r / len(pred)
    return p, r, _f1(p, r)


def _pairs(groups: Iterable[set[str]]) -> int:
    return sum(len(g) * (len(g) - 1) // 2 for g in groups)


def pairwise(pred: Mapping[str, str], gold: Mapping[str, str]) -> tuple[float, float, float]:
    """Precision, recall and F1 over the item pairs put in one cluster (1.0 when there are none
    to find or none found)."""
    _check(pred, gold)
    joint = Counter((pred[i], gold[i]) for i in pred)
    both = sum(n * (n - 1) // 2 for n in joint.values())
    predicted, wanted = _pairs(_groups(pred).values()), _pairs(_groups(gold).values())
    p = both / predicted if predicted else 1.0
    r = both / wanted if wanted else 1.0
    return p, r, _f1(p, r)


def false_merges(
    pred: Mapping[str, str], gold: Mapping[str, str], topic: Mapping[str, int]
) -> dict[str, object]:
    """Predicted same-cluster pairs that join different gold clusters: their share of all
    predicted pairs, split into pairs within one topic and pairs across topics."""
    _check(pred, gold)
    pairs = wrong = same_topic = 0
    for members in _groups(pred).values():
        ordered = sorted(members)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                pairs += 1
                if gold[a] != gold[b]:
                    wrong += 1
                    same_topic += topic[a] == topic[b]
    return {"pairs": pairs, "false_merge_%": pct(wrong, pairs), "same_topic_%": pct(same_topic, pairs),
            "other_topic_%": pct(wrong - same_topic, pairs)}


def measure(
    pred: Mapping[str, str], docs: Sequence[GoldDoc], threshold: float | None = None
) -> dict[str, object]:
    """One table row: every measure of one clustering of `docs`."""
    gold = {d.id: d.cluster for d in docs}
    topic = {d.id: d.topic for d in docs}
    bp, br, bf = bcubed(pred, gold)
    pp, pr, pf = pairwise(pred, gold)
    merges = false_merges(pred, gold, topic)
    return {
        "docs": len(docs), "clusters": len(set(pred.values())), "gold_clusters": len(set(gold.values())),
        "threshold": threshold,
        "bcubed_p": round(bp, 3), "bcubed_r": round(br, 3), "bcubed_f1": round(bf, 3),
        "pair_p": round(pp, 3), "pair_r": round(pr, 3), "pair_f1": round(pf, 3),
        "false_merge_%": merges["false_merge_%"], "same_topic_%": merges["same_topic_%"],
        "other_topic_%": merges["other_topic_%"],
    }


def mistakes_of(pred: Mapping[str, str], docs: Sequence[GoldDoc], run: str) -> list[dict]:
    """Every predicted cluster that mixes gold clusters, and every gold cluster split up."""
    gold = {d.id: d.cluster for d in docs}
    found = []
    for label, members in _groups(pred).items():
        by_gold = _groups({m: gold[m] for m in members})
        if len(by_gold) > 1:
            found.append({"run": run, "kind": "merged", "predicted": label,
                          "gold": {g: sorted(ms) for g, ms in sorted(by_gold.items())}})
    for label, members in _groups(gold).items():
        by_pred = _groups({m: pred[m] for m in members})
        if len(by_pred) > 1:
            found.append({"run": run, "kind": "split", "gold": label,
                          "predicted": {p: sorted(ms) for p, ms in sorted(by_pred.items())}})
    return found


# ---------------------------------------------------------------------------- clusterings


def summaries(docs: Sequence[GoldDoc], ctx, *, on_doc: Callable[[], None] | None = None) -> list[DocSummary]:
    """Each text through the whole pipeline, summarised for the linker (ids are the gold's)."""
    from ..pipeline import Pipeline
    from ..stages.read import article_from_text

    pipeline = Pipeline(ctx)
    found = []
    for d in docs:
        found.append(replace(summarise(pipeline(article_from_text(d.text, id=d.id))), id=d.id))
        if on_doc:
            on_doc()
    return found


def content_order(items: Sequence[DocSummary], seed: int | None = None) -> list[DocSummary]:
    """Documents in the order of their content hash (a seed shuffles it reproducibly)."""
    from ..stages.read import content_id

    ordered = sorted(items, key=lambda s: (content_id(s.text), s.id))
    if seed is not None:
        random.Random(seed).shuffle(ordered)
    return ordered


def link_labels(
    items: Sequence[DocSummary], threshold: float, settings: LinkSettings | None = None
) -> dict[str, str]:
    linker = Linker(replace(settings or LinkSettings(), threshold=threshold))
    for s in items:
        linker.add(s)
    return linker.labels()


def tfidf_similarities(texts: Sequence[str]):
    """Cosine similarities of sublinear TF-IDF vectors over words (a NumPy matrix)."""
    import numpy as np

    stop = stop_words()
    bags = [Counter(words(t, stop)) for t in texts]
    df = Counter(w for b in bags for w in b)
    vocab = {w: i for i, w in enumerate(df)}
    matrix = np.zeros((len(texts), len(vocab)))
    for i, bag in enumerate(bags):
        for w, x in weigh(bag, df, len(texts)).items():
            matrix[i, vocab[w]] = x
    return matrix @ matrix.T


def average_link(similarity, ids: Sequence[str], threshold: float) -> dict[str, str]:
    """Average-link agglomerative clusters: merge while the average similarity between two
    clusters is at least `threshold`. Labels are each cluster's first id."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    if len(ids) == 1:
        return {ids[0]: ids[0]}
    distance = np.clip(1.0 - similarity, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    flat = fcluster(tree, t=1.0 - threshold + 1e-12, criterion="distance")
    first: dict[int, str] = {}
    for i, c in enumerate(flat):
        first.setdefault(int(c), ids[i])
    return {ids[i]: first[int(c)] for i, c in enumerate(flat)}


# ---------------------------------------------------------------------------- the evaluation


def tune(
    run: Callable[[float], list[dict[str, str]]], docs: Sequence[GoldDoc], grid: Sequence[float]
) -> float:
    """The threshold of `grid` with the best mean B-cubed F1 on `docs` over the clusterings
    `run` makes (one per input order; the lowest threshold among equals)."""
    gold = {d.id: d.cluster for d in docs}

    def f1(t: float) -> float:
        runs = run(t)
        return round(sum(bcubed(p, gold)[2] for p in runs) / len(runs), 6)

    return max(grid, key=lambda t: (f1(t), -t))


def halves(docs: Sequence[GoldDoc]) -> dict[str, list[GoldDoc]]:
    return {"odd": [d for d in docs if d.topic % 2], "even": [d for d in docs if not d.topic % 2]}


def mean_row(rows: Sequence[dict]) -> dict:
    """The mean of each number over rows of one setting (counts to one decimal)."""
    out = {}
    for key, first in rows[0].items():
        values = [r[key] for r in rows]
        if isinstance(first, (int, float)) and not isinstance(first, bool) and None not in values:
            mean = sum(values) / len(values)
            out[key] = round(mean, 3 if isinstance(first, float) else 1)
            if all(v == first for v in values):
                out[key] = first
        else:
            out[key] = first
    return out


@dataclass
class _Method:
    name: str
    grid: tuple[float, ...]
    tuning_orders: tuple[int | None, ...]
    scoring_orders: tuple[int | None, ...]
    make: Callable[[Sequence[GoldDoc], tuple], Callable[[float], list[dict[str, str]]]]


def evaluate(
    docs: Sequence[GoldDoc], items: Sequence[DocSummary], *, settings: LinkSettings | None = None,
    on_step: Callable[[], None] | None = None, mistakes: list | None = None,
) -> tuple[dict[str, dict], list[str]]:
    """The table (a row per setting, the mean over input orders for the linker) and notes.
    `items` are the summaries of `docs`; `on_step` is called after each of `steps()` steps."""
    settings = settings or LinkSettings()
    by_id = {s.id: s for s in items}

    def linker_for(part: Sequence[GoldDoc], seeds: tuple):
        orders = [content_order([by_id[d.id] for d in part], seed) for seed in seeds]
        return lambda t: [link_labels(o, t, settings) for o in orders]

    def baseline_for(part: Sequence[GoldDoc], seeds: tuple):
        sim = tfidf_similarities([by_id[d.id].text for d in part])
        ids = [d.id for d in part]
        return lambda t: [average_link(sim, ids, t)]  # no order to vary

    methods = (
        _Method("linker", LINKER_GRID, TUNING_ORDERS, SCORING_ORDERS, linker_for),
        _Method("TF-IDF baseline", BASELINE_GRID, (None,), (None,), baseline_for),
    )
    parts = halves(docs)
    rows: dict[str, dict] = {}
    spread: list[float] = []
    for m in methods:
        held: list[dict[str, str]] = [{} for _ in m.scoring_orders]
        lines = {}
        for tuned_on, scored_on in (("odd", "even"), ("even", "odd")):
            if not parts[tuned_on] or not parts[scored_on]:
                continue
            t = tune(m.make(parts[tuned_on], m.tuning_orders), parts[tuned_on], m.grid)
            preds = m.make(parts[scored_on], m.scoring_orders)(t)
            for pooled, pred in zip(held, preds):
                pooled.update(pred)
            lines[f"{m.name}, held out: {scored_on} topics (tuned on {tuned_on})"] = mean_row(
                [measure(p, parts[scored_on], t) for p in preds])
            lines[f"{m.name}, tuned on: {tuned_on} topics"] = mean_row(
                [measure(p, parts[tuned_on], t) for p in m.make(parts[tuned_on], m.scoring_orders)(t)])
            if mistakes is not None:
                mistakes += mistakes_of(preds[0], parts[scored_on], f"{m.name}, held out, {scored_on} topics")
            if on_step:
                on_step()
        if held[0]:
            scored = [d for d in docs if d.id in held[0]]
            per_order = [measure(p, scored) for p in held]
            rows[f"{m.name}, held out: both halves"] = mean_row(per_order)
            if m.name == "linker":
                spread = [r["bcubed_f1"] for r in per_order]
        rows.update(sorted(lines.items(), key=lambda kv: "tuned on" in kv[0]))

    rows[f"linker, all topics at once, default threshold {settings.threshold}"] = mean_row(
        [measure(p, docs, settings.threshold) for p in linker_for(docs, SCORING_ORDERS)(settings.threshold)])
    t_all = tune(baseline_for(docs, (None,)), docs, BASELINE_GRID)
    rows["TF-IDF baseline, all topics at once, threshold tuned on them"] = measure(
        baseline_for(docs, (None,))(t_all)[0], docs, t_all)
    if on_step:
        on_step()

    notes = []
    if spread:
        notes.append(
            f"The linker depends on the order documents arrive in: its rows are means over {len(spread)} "
            f"input orders (content hash, then shuffles; thresholds tuned on the mean of "
            f"{len(TUNING_ORDERS)}); "
            f"held-out B-cubed F1 per order: min {min(spread):.3f}, max {max(spread):.3f}."
        )
    notes.append(f"Target: B-cubed F1 >= {TARGET_BCUBED_F1:.2f} held out. {ISSUE_BASELINE_NOTE}")
    notes.append(
        "ECB+ documents have no publication date: the linker's publication window never applies here."
    )
    return rows, notes


def steps(docs: Sequence[GoldDoc]) -> int:
    """How many times `evaluate` calls `on_step` (for a progress bar)."""
    return (4 if all(halves(docs).values()) else 0) + 1
