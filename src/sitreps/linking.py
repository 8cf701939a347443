"""Cross-article linking: near-duplicate articles and same-incident clusters.

Two questions, asked of documents the pipeline has already analysed:

- **Is this article a copy of one we have?** Wire stories re-published by other outlets, the
  same report updated. `Copies` keeps a MinHash of each text's word 5-shingles in an LSH index
  (datasketch) and groups texts whose estimated Jaccard similarity is at least
  `LinkSettings.copy_jaccard` (0.6: a re-publication with a new headline and a paragraph cut or
  added keeps well over 60% of its 5-word sequences; two outlets writing up one incident in their
  own words share almost none).
- **Does it report an incident we already have?** `Linker.add(summary) -> cluster id` compares a
  new document only with the documents it could be the same incident as (`compatible`: published
  within `window_days` of each other and, when `max_km` is set, their events' places within it;
  unknown dates and places are compatible with everything), found through a block index keyed
  by publication week (and a grid of `max_km` cells), so the cost of an addition does not grow
  with the corpus, only with how many reports share its week and region. The pair score (`pair_score`) is a text
  similarity plus small terms for what the extraction found (`Evidence`): stated dates that
  overlap or not, and events that match (same type, places within `near_km`, overlapping times,
  a shared actor) or not. A document joins the cluster with the highest *average* score over
  its members (average link: members it was not compared with count 0) when that reaches
  `threshold`, else starts a new one; two clusters whose average cross score reaches
  `threshold` then merge (the older id stays).

Text similarity is `text_words` x cosine of sublinear TF-IDF over words (stop words dropped, the
summary's `lead`, its first sentences, counted twice: headline and lead say what happened) plus
`text_names` x cosine of TF-IDF over the names and numbers spaCy found (people, places,
organisations, counts, dates). Document frequencies grow with the corpus; vectors are weighed
with a snapshot of them taken each time the corpus has grown by a quarter (`_epoch`), so the
result does not depend on which documents were compared when, and blocked linking equals the
all-pairs reference (`Linker(blocked=False)`). Why TF-IDF and not sentence embeddings: see
docs/evaluation.md (measured on ECB+: all-MiniLM-L6-v2 alone clustered worse than TF-IDF, and
added nothing next to it, at ~100x the cost).

A `Cluster` reports its documents, its corroboration (independent sources: distinct outlets,
a group of copies counting once), its events grouped as one incident, and where the reports
disagree (fatalities, actors, dates) as plain data.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlsplit

from .gazetteer import distance_km
from .records import Document

# ---------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class LinkSettings:
    """Every threshold of linking, each with its reason. The threshold comes from `sitreps eval
    clusters` (tuned on half the ECB+ dev topics, scored on the other half); the text weights were
    chosen while exploring all ECB+ dev topics (not held out); the date, event, distance and window
    values are set by reason for conflict news, which ECB+ cannot measure."""

    threshold: float = 0.18  # average pair score to join (or merge) a cluster: the mean of the two
    # thresholds `sitreps eval clusters` tunes on half the ECB+ topics each (0.16, 0.20)
    text_words: float = 0.7  # weight of the word TF-IDF cosine
    text_names: float = 0.3  # weight of the names-and-numbers TF-IDF cosine
    dates: float = 0.05  # stated dates overlap (+) or all differ (-)
    events: float = 0.03  # some events match (+) or none can be the same (-)
    date_slack_days: int = 7  # stated dates this close still overlap (a week's reporting)
    near_km: float = 50.0  # events this close can be one incident
    window_days: int = 7  # reports published further apart are never one incident
    # documents whose event places are all further apart are never one incident; None: off.
    # Off by default: on ECB+ even 2000 km cost 0.01 B-cubed F1, as extracted event places are
    # often wrong; the publication window alone keeps the cost linear.
    max_km: float | None = None
    copy_jaccard: float = 0.6  # estimated Jaccard of word 5-shingles for a copy
    shingle_words: int = 5
    num_perm: int = 128  # MinHash permutations: Jaccard estimated within about +-0.04


# ---------------------------------------------------------------------------- summaries


@dataclass(frozen=True, slots=True)
class EventSummary:
    """What linking needs of one event: type, where, when, who, how many killed."""

    id: str
    type: str
    lat: float | None = None
    lon: float | None = None
    start: date | None = None
    end: date | None = None
    actors: tuple[str, ...] = ()  # actor ids, e.g. "RUS.MIL"
    killed: tuple[int | None, int | None] | None = None  # (low, high) as the text says it
    place: str | None = None


@dataclass(frozen=True, slots=True)
class DocSummary:
    """What linking needs of one document. `text` is the cleaned text; `lead` its first
    sentences; `names` the names and numbers found in it; `dates` the days it states."""

    id: str
    text: str
    outlet: str | None = None
    published: date | None = None
    lead: str = ""
    names: tuple[str, ...] = ()
    dates: tuple[tuple[date, date], ...] = ()
    events: tuple[EventSummary, ...] = ()


NAME_LABELS = frozenset({
    "PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW",
    "CARDINAL", "DATE", "MONEY", "QUANTITY", "ORDINAL", "PERCENT",
})
NOT_HAPPENED = frozenset({"possible", "negated"})


def day_range(value: str | None) -> tuple[date, date] | None:
    """The days an ISO value covers: a day, a month, or a `start/end` interval; None for a year,
    a week, a duration or nothing (too coarse to tell incidents apart)."""
    if not value or value.startswith("P"):
        return None
    if "/" in value:
        a, _, b = value.partition("/")
        lo, hi = day_range(a), day_range(b)
        return (lo[0], hi[1]) if lo and hi else None
    try:
        if re.fullmatch(r"\d{4}-\d\d-\d\d(?:T.*)?", value):
            d = date.fromisoformat(value[:10])
            return d, d
        if re.fullmatch(r"\d{4}-\d\d", value):
            y, m = int(value[:4]), int(value[5:])
            last = date(y + m // 12, m % 12 + 1, 1) - timedelta(days=1)
            return date(y, m, 1), last
    except ValueError:
        return None
    return None


def outlet_of(url: str | None) -> str | None:
    """The outlet of a URL: its host without "www." (None without a URL)."""
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None


def summarise(doc: Document, outlet: str | None = None, lead_sentences: int = 2) -> DocSummary:
    """The summary of an analysed document; the outlet defaults to the article URL's host."""
    article = doc.article
    events = []
    for e in doc.events:
        if e.certainty in NOT_HAPPENED:
            continue
        located = e.place is not None and e.place.resolved and not e.place.dateline
        days = day_range(e.time.value) if e.time is not None else None
        killed = (e.fatalities.low, e.fatalities.high) if e.fatalities is not None else None
        events.append(EventSummary(
            id=e.id, type=e.type,
            lat=e.place.lat if located else None, lon=e.place.lon if located else None,
            start=days[0] if days else None, end=days[1] if days else None,
            actors=tuple(dict.fromkeys(a.actor for a in e.actors)),
            killed=killed, place=(e.place.name or e.place.text) if e.place is not None else None,
        ))
    stated = (day_range(t.value) for t in doc.times if t.grain in ("day", "month", "interval", "time"))
    return DocSummary(
        id=article.id or "",
        text=doc.text,
        outlet=outlet or outlet_of(article.url),
        published=article.published.date() if article.published else None,
        lead=" ".join(s.text for s in doc.sentences[:lead_sentences]),
        names=tuple(e.text.lower() for e in doc.entities if e.label in NAME_LABELS),
        dates=tuple(dict.fromkeys(d for d in stated if d)),
        events=tuple(events),
    )


# ---------------------------------------------------------------------------- copies


def shingles(text: str, k: int = 5) -> set[str]:
    """Word k-shingles of a text (lower-cased words; a shorter text is one shingle)."""
    tokens = re.findall(r"\w+", text.lower())
    if len(tokens) <= k:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i:i + k]) for i in range(len(tokens) - k + 1)}


class Copies:
    """Near-duplicate texts, incrementally: `add(key, text)` returns the key of the first text
    it copies (itself when it copies none); `groups()` lists groups of two or more."""

    def __init__(self, settings: LinkSettings | None = None):
        from datasketch import MinHashLSH

        self.settings = settings or LinkSettings()
        self._lsh = MinHashLSH(threshold=self.settings.copy_jaccard, num_perm=self.settings.num_perm)
        self._hashes: dict[str, object] = {}
        self._first: dict[str, str] = {}  # key -> first key of its group
        self._order: dict[str, int] = {}

    def minhash(self, text: str):
        from datasketch import MinHash

        m = MinHash(num_perm=self.settings.num_perm)
        m.update_batch([s.encode("utf-8") for s in sorted(shingles(text, self.settings.shingle_words))])
        return m

    def add(self, key: str, text: str) -> str:
        if key in self._first:
            raise ValueError(f"{key!r} was added already")
        m = self.minhash(text)
        hits = [
            k for k in self._lsh.query(m)
            if self._hashes[k].jaccard(m) >= self.settings.copy_jaccard  # LSH gives candidates only
        ]
        first = min((self._first[k] for k in hits), key=self._order.__getitem__, default=key)
        self._order[key] = len(self._order)
        self._first[key] = first
        self._hashes[key] = m
        self._lsh.insert(key, m)
        return first

    def first_of(self, key: str) -> str:
        return self._first[key]

    def groups(self) -> list[tuple[str, ...]]:
        grouped: dict[str, list[str]] = defaultdict(list)
        for key, first in self._first.items():
            grouped[first].append(key)
        return [tuple(keys) for keys in grouped.values() if len(keys) > 1]


def near_duplicates(
    texts: Iterable[tuple[str, str]], settings: LinkSettings | None = None
) -> list[tuple[str, ...]]:
    """Groups of near-duplicate texts among (key, text) pairs, in input order."""
    copies = Copies(settings)
    for key, text in texts:
        copies.add(key, text)
    return copies.groups()


# ---------------------------------------------------------------------------- similarity


def stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


def words(text: str, stop: frozenset[str] = frozenset()) -> list[str]:
    """Lower-cased words of a text without stop words and one-letter words."""
    return [w for w in _WORD.findall(text.lower()) if len(w) > 1 and w not in stop]


def cosine(u: dict[str, float], v: dict[str, float]) -> float:
    """Dot product of two unit-length sparse vectors (`fsum`: the same whatever the set order)."""
    return math.fsum(u[t] * v[t] for t in u.keys() & v.keys())


def weigh(counts: Counter, df: Counter, n: int) -> dict[str, float]:
    """Unit-length sublinear TF-IDF: (1 + ln tf) * (ln((1 + n) / (1 + df)) + 1)."""
    vec = {t: (1 + math.log(c)) * (math.log((1 + n) / (1 + df[t])) + 1) for t, c in counts.items() if c > 0}
    norm = math.sqrt(sum(x * x for x in vec.values()))
    return {t: x / norm for t, x in vec.items()} if norm else {}


def _overlap(a: tuple[date, date], b: tuple[date, date], slack: int) -> bool:
    pad = timedelta(days=slack)
    return a[0] - pad <= b[1] and b[0] - pad <= a[1]


def event_match(a: EventSummary, b: EventSummary, settings: LinkSettings) -> bool:
    """Could two events be one incident? Same type; places within `near_km`, times that
    overlap (a day's slack) and a shared actor, each only when both sides state it."""
    if a.type != b.type:
        return False
    if None not in (a.lat, b.lat) and distance_km(a.lat, a.lon, b.lat, b.lon) > settings.near_km:
        return False
    if None not in (a.start, b.start) and not _overlap((a.start, a.end), (b.start, b.end), 1):
        return False
    return not (a.actors and b.actors and not set(a.actors) & set(b.actors))


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why two documents scored as they did: the text similarity, and +1 (agree), -1
    (disagree) or 0 (one side says nothing) for stated dates and for events."""

    text: float
    dates: int
    events: int


def evidence(a: DocSummary, b: DocSummary, text: float, settings: LinkSettings) -> Evidence:
    dates = 0
    if a.dates and b.dates:
        slack = settings.date_slack_days
        dates = 1 if any(_overlap(x, y, slack) for x in a.dates for y in b.dates) else -1
    events = 0
    if a.events and b.events:
        events = 1 if any(event_match(x, y, settings) for x in a.events for y in b.events) else -1
    return Evidence(text, dates, events)


def pair_score(e: Evidence, settings: LinkSettings) -> float:
    return e.text + settings.dates * e.dates + settings.events * e.events


def _places(s: DocSummary) -> list[tuple[float, float]]:
    return [(e.lat, e.lon) for e in s.events if e.lat is not None and e.lon is not None]


def compatible(a: DocSummary, b: DocSummary, settings: LinkSettings) -> bool:
    """Can two documents be one incident at all? Published within `window_days`, and some of
    their event places within `max_km`; what a side does not state does not rule it out."""
    if a.published and b.published and abs((a.published - b.published).days) > settings.window_days:
        return False
    if settings.max_km is None:
        return True
    pa, pb = _places(a), _places(b)
    if pa and pb and min(distance_km(*x, *y) for x in pa for y in pb) > settings.max_km:
        return False
    return True


# ---------------------------------------------------------------------------- blocks


class Blocks:
    """Which earlier documents a new one could be compatible with: keyed by publication
    bucket (`window_days` wide) and grid cell (`max_km` high); a superset, `compatible`
    decides. Undated or unplaced documents sit under None and meet everyone."""

    def __init__(self, settings: LinkSettings):
        self.width = max(1, settings.window_days)
        self.deg = max(settings.max_km / 111.0, 1e-3) if settings.max_km else None
        self.cols = math.ceil(360 / self.deg) if self.deg else 1
        # publication bucket (None: undated) -> grid cell (None: no event place) -> documents
        self._by: dict = defaultdict(lambda: defaultdict(list))

    def keys(self, s: DocSummary) -> tuple[int | None, tuple[tuple[int, int], ...]]:
        bucket = s.published.toordinal() // self.width if s.published else None
        if self.deg is None:
            return bucket, ()
        cells = tuple(dict.fromkeys(
            (math.floor(lat / self.deg), math.floor(lon / self.deg) % self.cols) for lat, lon in _places(s)
        ))
        return bucket, cells

    def add(self, s: DocSummary, index: int) -> None:
        bucket, cells = self.keys(s)
        for cell in cells or (None,):
            self._by[bucket][cell].append(index)

    def _near(self, cell: tuple[int, int]) -> Iterable[tuple[int, int]]:
        row, col = cell
        for r in (row - 1, row, row + 1):
            lat = min(89.9, max(abs(r), abs(r + 1)) * self.deg)
            k = min(self.cols, math.ceil(1 / max(math.cos(math.radians(lat)), 1e-6)))
            for c in range(col - k, col + k + 1):
                yield r, c % self.cols

    def candidates(self, s: DocSummary) -> set[int]:
        bucket, cells = self.keys(s)
        buckets = list(self._by) if bucket is None else [bucket - 1, bucket, bucket + 1, None]
        found: set[int] = set()
        for b in buckets:
            by_cell = self._by.get(b)
            if not by_cell:
                continue
            if not cells:
                for ids in by_cell.values():
                    found.update(ids)
                continue
            for cell in {n for c in cells for n in self._near(c)} | {None}:
                found.update(by_cell.get(cell, ()))
        return found


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
        # the lead counts twice: it is in the text too
        counts = Counter(words(summary.text, self._stop)) + Counter(words(summary.lead, self._stop))
        item = _Item(summary, counts, Counter(summary.names), "")
        for df, bag in zip(self._df, (item.words, item.names)):
            df.update(bag.keys())
        n = len(self._items) + 1
        if _epoch(n) != self._snapshot[0]:
            self._snapshot = (_epoch(n), n, self._df[0].copy(), self._df[1].copy())

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
        for other, total in sums.items():
            if other != cluster:
                self._links[cluster][other] = self._links[cluster].get(other, 0.0) + total
                self._links[other][cluster] = self._links[cluster][other]
        item.cluster = cluster
        self._index[summary.id] = len(self._items)
        self._items.append(item)
        self._members[cluster].append(len(self._items) - 1)
        self._blocks.add(summary, len(self._items) - 1)
        return self._merge(cluster)

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


def link(summaries: Iterable[DocSummary], settings: LinkSettings | None = None) -> dict[str, str]:
    """Document id -> cluster id for documents added in the given order."""
    linker = Linker(settings)
    for s in summaries:
        linker.add(s)
    return linker.labels()


# ---------------------------------------------------------------------------- cluster reports


@dataclass(frozen=True, slots=True)
class Disagreement:
    """Reports of one incident that state a field differently: (document id, outlet, value)."""

    field: str  # fatalities, actors, dates
    event_type: str
    values: tuple[tuple[str, str | None, object], ...]


@dataclass(frozen=True, slots=True)
class Cluster:
    id: str
    documents: tuple[str, ...]
    outlets: tuple[str, ...]  # distinct, sorted
    corroboration: int  # independent sources: distinct outlets, a group of copies counting once
    copies: tuple[tuple[str, ...], ...]  # near-duplicate groups within the cluster
    incidents: tuple[tuple[str, ...], ...]  # event ids told as one incident, by several documents or one
    disagreements: tuple[Disagreement, ...]


def describe(
    cluster_id: str, docs: list[DocSummary], first: dict[str, str], settings: LinkSettings
) -> Cluster:
    """The report of one cluster: `first` maps each document to the first of its copies."""
    by_id = {d.id: d for d in docs}
    sources = {
        (by_id[first[d.id]].outlet if first[d.id] in by_id else d.outlet) or first[d.id]
        for d in docs
    }
    copies: dict[str, list[str]] = defaultdict(list)
    for d in docs:
        copies[first[d.id]].append(d.id)
    events = [(d, e) for d in docs for e in d.events]
    groups = _group_events(events, settings)
    return Cluster(
        id=cluster_id,
        documents=tuple(d.id for d in docs),
        outlets=tuple(sorted({d.outlet for d in docs if d.outlet})),
        corroboration=len(sources),
        copies=tuple(tuple(g) for g in copies.values() if len(g) > 1),
        incidents=tuple(tuple(e.id for _, e in g) for g in groups),
        disagreements=tuple(x for g in groups for x in disagreements(g)),
    )


def _group_events(events: list[tuple[DocSummary, EventSummary]], settings: LinkSettings) -> list[list]:
    """Events of different documents that `event_match` are one incident (transitively)."""
    parent = list(range(len(events)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (da, a) in enumerate(events):
        for j in range(i):
            db, b = events[j]
            if da.id != db.id and event_match(a, b, settings):
                parent[root(i)] = root(j)
    groups: dict[int, list] = defaultdict(list)
    for i, pair in enumerate(events):
        groups[root(i)].append(pair)
    return list(groups.values())


def disagreements(group: list[tuple[DocSummary, EventSummary]]) -> list[Disagreement]:
    """Where the documents telling one incident differ: fatalities (different counts), actors
    (different sets), dates (ranges that do not overlap). Only what both sides state."""
    kind = group[0][1].type
    found = []
    killed = [(d.id, d.outlet, e.killed) for d, e in group if e.killed is not None]
    if len({v for _, _, v in killed}) > 1:
        found.append(Disagreement("fatalities", kind, tuple(killed)))
    actors = [(d.id, d.outlet, e.actors) for d, e in group if e.actors]
    if len({frozenset(v) for _, _, v in actors}) > 1:
        found.append(Disagreement("actors", kind, tuple(actors)))
    dated = [(d.id, d.outlet, (e.start, e.end)) for d, e in group if e.start is not None]
    if any(not _overlap(a[2], b[2], 0) for a in dated for b in dated):
        found.append(Disagreement("dates", kind, tuple(dated)))
    return found
