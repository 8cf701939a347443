"""What a cluster reports: its documents, corroboration, incidents and disagreements."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .similarity import _overlap, event_match
from .summaries import DocSummary, EventSummary, LinkSettings

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
    killed = _once([(d.id, d.outlet, e.killed) for d, e in group if e.killed is not None])
    if len({v for _, _, v in killed}) > 1:
        found.append(Disagreement("fatalities", kind, tuple(killed)))
    actors = _once([(d.id, d.outlet, e.actors) for d, e in group if e.actors])
    if len({frozenset(v) for _, _, v in actors}) > 1:
        found.append(Disagreement("actors", kind, tuple(actors)))
    dated = _once([(d.id, d.outlet, (e.start, e.end)) for d, e in group if e.start is not None])
    if any(not _overlap(a[2], b[2], 0) for a in dated for b in dated):
        found.append(Disagreement("dates", kind, tuple(dated)))
    return found


def _once(values: list[tuple]) -> list[tuple]:
    """Each (document, outlet, value) once: one report often states a figure in two sentences."""
    return list(dict.fromkeys(values))
