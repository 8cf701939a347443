"""The incremental same-incident linker (see the package docstring)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from .copies import Copies
from .reports import Cluster, describe
from .similarity import Blocks, compatible, cosine, evidence, pair_score, stop_words, weigh, words
from .summaries import DocSummary, LinkSettings

# ---------------------------------------------------------------------------- linker


def average_link(
    units: list[list[int]], score, threshold: float
) -> tuple[list[list[int]], list[list[float]]]:
    """Average-link agglomeration of `units` (lists of items, ordered by their first item) under
    `score(i, j)`: merge the two groups with the highest average pair score while it reaches
    `threshold` (ties: the older groups). Returns the groups (items in order, groups by first
    item) and the summed scores between them."""
    g = len(units)
    sums = np.zeros((g, g))
    for a in range(g):
        for b in range(a + 1, g):
            sums[a, b] = sums[b, a] = math.fsum(score(i, j) for i in units[a] for j in units[b])
    size = np.array([len(u) for u in units], dtype=float)
    members = [list(u) for u in units]
    alive = np.ones(g, dtype=bool)
    upper = np.triu(np.ones((g, g), dtype=bool), 1)
    while alive.sum() > 1:
        avg = np.where(upper & alive[:, None] & alive[None, :], sums / np.outer(size, size), -np.inf)
        a, b = divmod(int(np.argmax(avg)), g)  # the first maximum: the oldest pair among equals
        if avg[a, b] < threshold:
            break
        row = sums[a] + sums[b]
        sums[a, :], sums[:, a] = row, row
        sums[a, a] = 0.0
        size[a] += size[b]
        alive[b] = False
        members[a] += members[b]
    keep = [k for k in range(g) if alive[k]]
    groups = [sorted(members[k]) for k in keep]
    return groups, [[float(sums[k, m]) for m in keep] for k in keep]


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
    """Same-incident clusters, built one document at a time (see the package docstring).
    A document that could join two or more clusters has them regrouped by average link from
    single documents (`_regroup`), so one document's arrival can move earlier documents, and a
    cluster can part; ids never come back (`_name`), and `merged` maps ids that went away to where
    most of their documents went. `blocked=False` compares every pair: the reference the blocked
    linker must equal."""

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
        self._members: dict[str, list[int]] = {}  # cluster id -> its documents, in the order added
        self._links: dict[str, dict[str, float]] = defaultdict(dict)  # summed scores between clusters
        self.merged: dict[str, str] = {}  # old cluster id -> the id it merged into
        self.compared = 0  # pairs scored so far: the work blocking saves
        self.rescored = 0  # pairs scored again to regroup clusters (with the current frequencies)
        self._scores: dict[tuple[int, int], float] = {}  # pair scores of this epoch, for regrouping
        self._scores_epoch = -1
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
        """Add a document; returns the id of its cluster (its first document's id, unless
        regrouping named it otherwise: `_name`)."""
        if summary.id in self._index:
            raise ValueError(f"document {summary.id!r} was added already")
        st = self.settings
        item = self._item(summary, "")

        copied = self.copies.add(summary.id, summary.text)
        earlier = self._blocks.candidates(summary) if self.blocked else range(len(self._items))
        sums: dict[str, float] = defaultdict(float)
        scores: dict[int, float] = {}
        for j in sorted(earlier):
            other = self._items[j]
            if not compatible(summary, other.summary, st):
                continue
            scores[j] = score = self._score(item, other)
            sums[other.cluster] += score
            self.compared += 1
        new = len(self._index)
        self._index[summary.id] = new
        self._items.append(item)
        self._blocks.add(summary, new)
        if copied != summary.id:  # a copy goes where its original is
            return self._join(new, self._items[self._index[copied]].cluster, sums)
        could = sorted((c for c in sums if sums[c] / len(self._members[c]) >= st.threshold), key=self._age)
        if len(could) > 1:
            return self._regroup(new, could, sums, scores)
        return self._join(new, could[0] if could else summary.id, sums)

    def _score(self, a: _Item, b: _Item) -> float:
        st = self.settings
        return pair_score(evidence(a.summary, b.summary, self.text_similarity(a, b), st), st)

    def _join(self, new: int, cluster: str, sums: dict[str, float]) -> str:
        """Put document `new` in `cluster` (a new one if it is not there yet), then merge."""
        self._members.setdefault(cluster, []).append(new)
        self._items[new].cluster = cluster
        self.touched.add(cluster)
        for other, total in sums.items():
            if other != cluster:
                self.touched.add(other)
                self._links[cluster][other] = self._links[cluster].get(other, 0.0) + total
                self._links[other][cluster] = self._links[cluster][other]
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
        return self._members[cluster][0]  # when its first document came

    # -- regrouping: average link again over a new document and the clusters it could join ---------

    def _regroup(self, new: int, could: list[str], sums: dict[str, float], scores: dict[int, float]) -> str:
        """Document `new` could join each of the clusters `could` (two or more: its average score
        with each reaches the threshold), which were kept apart. Rather than join the best and
        merge the others in whole when the average over all reaches the threshold, average link
        starts again from single documents (a group of copies as one) over all of theirs: a
        document that fits two clusters may fit only parts of them, and clusters built one
        document at a time keep early choices that this revisits. Pair scores are those of the
        current document frequencies (`_pair`), and so are the new groups' summed scores with
        every other cluster; then each group merges as a cluster a document joined would."""
        if self._scores_epoch != self._snapshot[0]:
            self._scores, self._scores_epoch = {}, self._snapshot[0]
        docs = sorted([j for c in could for j in self._members[c]] + [new])
        for j in docs[:-1]:
            self._scores[(j, new)] = scores.get(j, 0.0)  # scored just now, with these frequencies
        units: dict[str, list[int]] = {}
        for j in docs:
            units.setdefault(self.copies.first_of(self._items[j].summary.id), []).append(j)
        groups, between = average_link(list(units.values()), self._pair, self.settings.threshold)

        old = {c: self._members.pop(c) for c in could}
        for c in could:
            for o in self._links.pop(c, {}):
                self._links[o].pop(c, None)
                self.touched.add(o)
        ids = self._name(groups, old)
        for gid, members in zip(ids, groups):
            self._members[gid] = members
            for j in members:
                self._items[j].cluster = gid
        for c, members in old.items():
            if c not in self._members:  # gone: bookmarks follow most of its documents
                share = [len(set(members).intersection(g)) for g in groups]
                self.merged[c] = ids[share.index(max(share))]
        self.touched |= set(old) | set(ids)

        # each group's summed scores with the other clusters, from its documents' pair scores
        inside = set(docs)
        outside: dict[int, dict[str, float]] = {new: {o: x for o, x in sums.items() if o not in old}}
        for i in docs[:-1]:
            a = self._items[i].summary
            outside[i] = found = defaultdict(float)
            near = self._blocks.candidates(a) if self.blocked else range(len(self._items))
            for j in sorted(near):
                if j not in inside and compatible(a, self._items[j].summary, self.settings):
                    found[self._items[j].cluster] += self._pair(i, j)
        for k, (gid, members) in enumerate(zip(ids, groups)):
            links: dict[str, float] = defaultdict(float)
            for i in members:
                for o, x in outside[i].items():
                    links[o] += x
            links.update((other, between[k][m]) for m, other in enumerate(ids) if m != k)
            for o, x in links.items():
                self._links[gid][o] = self._links[o][gid] = x
                self.touched.add(o)
        for gid in ids:
            if gid in self._members:  # not merged away by an earlier group meanwhile
                self._merge(gid)
        return self._items[new].cluster

    def _pair(self, i: int, j: int) -> float:
        """The score of two documents with the current document frequencies (0 if they could
        never be one incident, as for documents never compared)."""
        key = (i, j) if i < j else (j, i)
        found = self._scores.get(key)
        if found is None:  # the later document first, as `add` scores it
            a, b = self._items[key[1]], self._items[key[0]]
            found = self._score(a, b) if compatible(a.summary, b.summary, self.settings) else 0.0
            self._scores[key] = found
            self.rescored += 1
        return found

    def _name(self, groups: list[list[int]], old: dict[str, list[int]]) -> list[str]:
        """Ids for regrouped clusters: each old cluster's id goes to the group holding most of its
        documents (largest overlaps first, then the older cluster); a group that gets none is named
        after its first document whose id no cluster ever had (so no id ever comes back)."""
        ids: list[str | None] = [None] * len(groups)
        overlap = sorted(
            (-n, members[0], k, c)
            for c, members in old.items() for k, g in enumerate(groups)
            if (n := len(set(members).intersection(g)))
        )
        taken: set[str] = set()
        for _, _, k, c in overlap:
            if ids[k] is None and c not in taken:
                ids[k] = c
                taken.add(c)
        used = set(self._members) | set(old) | set(self.merged)
        for k, g in enumerate(groups):
            if ids[k] is None:
                free = [self._items[j].summary.id for j in g if self._items[j].summary.id not in used]
                name, n = (free[0], 1) if free else (self._items[g[0]].summary.id, 2)
                while name in used:
                    name, n = f"{self._items[g[0]].summary.id}~{n}", n + 1
                ids[k] = name
                used.add(name)
        return ids  # type: ignore[return-value]

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
            self._members[keep] = sorted(self._members[keep] + self._members.pop(drop))
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
        """Every cluster, oldest first (by when its first document came)."""
        return [self.cluster(c) for c in sorted(self._members, key=self._age)]

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
        return self.rows(), {a: dict(b) for a, b in self._links.items() if b}

    def rows(self, start: int = 0) -> list[tuple[DocSummary, str, str, bytes]]:
        """The rows of `state` from the `start`-th document added (a store writes the new ones)."""
        return [
            (it.summary, it.cluster, self.copies.first_of(it.summary.id), self.copies.signature(it.summary.id))
            for it in self._items[start:]
        ]

    def links_of(self, cluster: str) -> dict[str, float]:
        """The summed pair scores between `cluster` and each cluster it was compared with."""
        return dict(self._links.get(cluster, {}))

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
