"""The incremental same-incident linker (see the package docstring)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .copies import Copies
from .reports import Cluster, describe
from .similarity import Blocks, compatible, cosine, evidence, pair_score, stop_words, weigh, words
from .summaries import DocSummary, LinkSettings

# ---------------------------------------------------------------------------- linker


def _epoch(n: int) -> int:
    """Document frequencies are re-read each time the corpus has grown by a quarter."""
    return int(math.log(n) / math.log(1.25)) if n > 0 else 0


@dataclass
class _Item:
    summary: DocSummary
    words: Counter
    names: Counter
    cluster: str
    epoch: int = -1
    vectors: tuple[dict, dict] = field(default=({}, {}))


class Linker:
    """Same-incident clusters, built one document at a time (see the module docstring).
    `blocked=False` compares every pair: the reference the blocked linker must equal."""

    def __init__(self, settings: LinkSettings | None = None, *, blocked: bool = True):
        self.settings = settings or LinkSettings()
        self.blocked = blocked
        self.copies = Copies(self.settings)
        self._stop = stop_words()
        self._items: list[_Item] = []
        self._index: dict[str, int] = {}
        self._blocks = Blocks(self.settings)
        self._df = (Counter(), Counter())
        self._snapshot: tuple[int, int, Counter, Counter] = (-1, 0, Counter(), Counter())
        self._members: dict[str, list[int]] = {}
        self._links: dict[str, dict[str, float]] = defaultdict(dict)  # summed scores between clusters
        self.merged: dict[str, str] = {}  # old cluster id -> the id it merged into
        self.compared = 0  # pairs scored so far: the work blocking saves
        # clusters whose members, links or existence changed since the caller last cleared it
        # (a store writes back only these)
        self.touched: set[str] = set()

    def __len__(self) -> int:
        return len(self._items)

    def _vectors(self, item: _Item) -> tuple[dict, dict]:
        epoch, n, wdf, ndf = self._snapshot
        if item.epoch != epoch:
            item.vectors = (weigh(item.words, wdf, n), weigh(item.names, ndf, n))
            item.epoch = epoch
        return item.vectors

    def text_similarity(self, a: _Item, b: _Item) -> float:
        (wa, na), (wb, nb) = self._vectors(a), self._vectors(b)
        return self.settings.text_words * cosine(wa, wb) + self.settings.text_names * cosine(na, nb)

    def add(self, summary: DocSummary) -> str:
        """Add a document; returns the id of its cluster (the first member's document id)."""
        if summary.id in self._index:
            raise ValueError(f"document {summary.id!r} was added already")
        st = self.settings
        item = self._item(summary, "")

        copied = self.copies.add(summary.id, summary.text)
        earlier = self._blocks.candidates(summary) if self.blocked else range(len(self._items))
        sums: dict[str, float] = defaultdict(float)
        for j in sorted(earlier):
            other = self._items[j]
            if not compatible(summary, other.summary, st):
                continue
            score = pair_score(evidence(summary, other.summary, self.text_similarity(item, other), st), st)
            sums[other.cluster] += score
            self.compared += 1
        if copied != summary.id:
            cluster = self._items[self._index[copied]].cluster
        else:
            best = max(sums, key=lambda c: (sums[c] / len(self._members[c]), -self._age(c)), default=None)
            ok = best is not None and sums[best] / len(self._members[best]) >= st.threshold
            cluster = best if ok else summary.id
        if cluster not in self._members:
            self._members[cluster] = []
        self.touched.add(cluster)
        for other, total in sums.items():
            if other != cluster:
                self.touched.add(other)
                self._links[cluster][other] = self._links[cluster].get(other, 0.0) + total
                self._links[other][cluster] = self._links[cluster][other]
        item.cluster = cluster
        self._index[summary.id] = len(self._items)
        self._items.append(item)
        self._members[cluster].append(len(self._items) - 1)
        self._blocks.add(summary, len(self._items) - 1)
        return self._merge(cluster)

    def _item(self, summary: DocSummary, cluster: str) -> _Item:
        """The bags of words and names of a new document, counted into the document frequencies."""
        # the lead counts twice: it is in the text too
        counts = Counter(words(summary.text, self._stop)) + Counter(words(summary.lead, self._stop))
        item = _Item(summary, counts, Counter(summary.names), cluster)
        for df, bag in zip(self._df, (item.words, item.names)):
            df.update(bag.keys())
        n = len(self._items) + 1
        if _epoch(n) != self._snapshot[0]:
            self._snapshot = (_epoch(n), n, self._df[0].copy(), self._df[1].copy())
        return item

    def _age(self, cluster: str) -> int:
        return self._index[cluster]  # a cluster's id is its first document's

    def _merge(self, cluster: str) -> str:
        """Merge `cluster` with any cluster whose average cross score reaches the threshold."""
        while True:
            size = len(self._members[cluster])
            scores = {o: s / (size * len(self._members[o])) for o, s in self._links[cluster].items()}
            best = max(scores, key=lambda o: (scores[o], -self._age(o)), default=None)
            if best is None or scores[best] < self.settings.threshold:
                return cluster
            keep, drop = sorted((cluster, best), key=self._age)
            self.touched |= {keep, drop, *self._links[drop]}
            for j in self._members[drop]:
                self._items[j].cluster = keep
            self._members[keep] += self._members.pop(drop)
            for other, s in self._links.pop(drop).items():
                self._links[other].pop(drop, None)
                if other != keep:
                    self._links[keep][other] = self._links[keep].get(other, 0.0) + s
                    self._links[other][keep] = self._links[keep][other]
            self.merged[drop] = keep
            cluster = keep

    def cluster_of(self, doc_id: str) -> str:
        return self._items[self._index[doc_id]].cluster

    def labels(self) -> dict[str, str]:
        """Document id -> cluster id, in the order documents were added."""
        return {it.summary.id: it.cluster for it in self._items}

    def clusters(self) -> list[Cluster]:
        return [self.cluster(c) for c in self._members]

    def cluster(self, cluster_id: str) -> Cluster:
        cluster_id = self._resolve(cluster_id)
        docs = [self._items[j].summary for j in self._members[cluster_id]]
        first = {d.id: self.copies.first_of(d.id) for d in docs}
        return describe(cluster_id, docs, first, self.settings)

    def _resolve(self, cluster_id: str) -> str:
        while cluster_id in self.merged:
            cluster_id = self.merged[cluster_id]
        return cluster_id


    # -- state, for a store to keep between runs ---------------------------------------------------

    def state(self) -> tuple[list[tuple[DocSummary, str, str, bytes]], dict[str, dict[str, float]]]:
        """What `restore` needs: each document in the order added as (summary, cluster id, first
        of its copies, MinHash signature), and the summed pair scores between clusters."""
        rows = [
            (it.summary, it.cluster, self.copies.first_of(it.summary.id), self.copies.signature(it.summary.id))
            for it in self._items
        ]
        return rows, {a: dict(b) for a, b in self._links.items() if b}

    @classmethod
    def restore(
        cls,
        rows: Iterable[tuple[DocSummary, str, str, bytes]],
        links: Iterable[tuple[str, str, float]] = (),
        merged: dict[str, str] | None = None,
        settings: LinkSettings | None = None,
    ) -> Linker:
        """A linker as it was after adding `rows` (from `state`, in order), without comparing
        any pair again: adding more documents to it gives what adding them to the original
        would have. `links` are (cluster, other cluster, summed score) in both directions;
        `merged` maps merged-away cluster ids to the ids they went into."""
        self = cls(settings)
        for summary, cluster, first, signature in rows:
            if summary.id in self._index:
                raise ValueError(f"document {summary.id!r} is in the state twice")
            item = self._item(summary, cluster)
            self._index[summary.id] = len(self._items)
            self._items.append(item)
            self._members.setdefault(cluster, []).append(len(self._items) - 1)
            self._blocks.add(summary, len(self._items) - 1)
            self.copies.restore(summary.id, first, signature)
        for a, b, score in links:
            if a in self._members and b in self._members:
                self._links[a][b] = score
        self.merged = dict(merged or {})
        return self


def link(summaries: Iterable[DocSummary], settings: LinkSettings | None = None) -> dict[str, str]:
    """Document id -> cluster id for documents added in the given order."""
    linker = Linker(settings)
    for s in summaries:
        linker.add(s)
    return linker.labels()
