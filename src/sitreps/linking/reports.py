"""What a cluster reports: its documents, its incidents with their corroboration, how far
apart they are, and where its reports disagree."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..gazetteer import distance_km
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
class Incident:
    """Events of a cluster's reports told as one incident (`group_events`), and who tells it.
    `outlets` are the distinct known outlets of its reports, a group of copies counting once;
    `unknown` counts its reports whose outlet is unknown (a group of copies once): they may or may
    not be independent of the others, so they are never counted as independent outlets."""

    id: str  # its first event's id
    events: tuple[str, ...]  # event ids, in the order their reports were linked
    documents: tuple[str, ...]  # the reports telling it, each once
    outlets: tuple[str, ...]  # distinct, sorted
    unknown: int

    @property
    def corroboration(self) -> int:
        """Independent outlets telling this incident."""
        return len(self.outlets)


@dataclass(frozen=True, slots=True)
class Spread:
    """How far apart a cluster's events are: the largest distance between two located events (km,
    with the two places) and the longest gap between two dated events (days between one's end and
    the other's start). Events of one incident are never further apart than `near_km` nor more
    than a day apart, so `far` (beyond `near_km` or `date_slack_days`) means separate incidents
    that cannot be one story. None: fewer than two events say where, or when."""

    km: float | None = None
    places: tuple[str | None, str | None] | None = None
    days: int | None = None
    far: bool = False


@dataclass(frozen=True, slots=True)
class Cluster:
    """Reports linked as one incident, and what they tell: linking groups documents that read
    alike, so a cluster may tell several incidents (`incidents`, most corroborated first); each
    has its own corroboration, and `spread` says when they are far apart."""

    id: str
    documents: tuple[str, ...]
    outlets: tuple[str, ...]  # the known outlets of its reports: distinct, sorted
    unknown: int  # its reports (a group of copies once) whose outlet is unknown
    copies: tuple[tuple[str, ...], ...]  # near-duplicate groups within the cluster
    incidents: tuple[Incident, ...]
    disagreements: tuple[Disagreement, ...]
    spread: Spread

    @property
    def corroboration(self) -> int:
        """The corroboration of its best-told incident (0 when it has no event): never the sum of
        unrelated incidents' outlets."""
        return max((i.corroboration for i in self.incidents), default=0)


def describe(
    cluster_id: str, docs: list[DocSummary], first: dict[str, str], settings: LinkSettings
) -> Cluster:
    """The report of one cluster: `first` maps each document to the first of its copies."""
    by_id = {d.id: d for d in docs}
    copies: dict[str, list[str]] = defaultdict(list)
    for d in docs:
        copies[first.get(d.id, d.id)].append(d.id)
    events = [(d, e) for d in docs for e in d.events]
    groups = group_events(events, settings)
    incidents = []
    for k, group in enumerate(groups):
        members = list({d.id: d for d, _ in group}.values())
        outlets, unknown = tellers(members, first, by_id)
        incidents.append((k, Incident(group[0][1].id, tuple(e.id for _, e in group),
                                      tuple(d.id for d in members), outlets, unknown)))  # fmt: skip
    incidents.sort(key=lambda x: (-x[1].corroboration, -len(x[1].documents), x[0]))
    _, unknown = tellers(docs, first, by_id)
    return Cluster(
        id=cluster_id,
        documents=tuple(d.id for d in docs),
        outlets=tuple(sorted({d.outlet for d in docs if d.outlet})),
        unknown=unknown,
        copies=tuple(tuple(g) for g in copies.values() if len(g) > 1),
        incidents=tuple(i for _, i in incidents),
        disagreements=tuple(x for g in groups for x in disagreements(g)),
        spread=spread([e for _, e in events], settings),
    )


def tellers(
    members: list[DocSummary], first: dict[str, str], by_id: dict[str, DocSummary]
) -> tuple[tuple[str, ...], int]:
    """Who tells something: the distinct known outlets of `members` (sorted), and how many of
    them have no known outlet. A group of copies is one report: its original's outlet when the
    original is in the cluster and its outlet is known, else its first member's known one."""
    units: dict[str, str | None] = {}
    for d in members:
        key = first.get(d.id, d.id)
        original = by_id.get(key)
        units[key] = units.get(key) or (original.outlet if original is not None else None) or d.outlet
    known = tuple(sorted({o for o in units.values() if o}))
    return known, sum(1 for o in units.values() if not o)


def group_events(
    events: list[tuple[DocSummary, EventSummary]], settings: LinkSettings
) -> list[list[tuple[DocSummary, EventSummary]]]:
    """Events told as one incident. Two groups join when every pair of their events could be one
    incident (`event_match`) and no two of them come from one report (the events stage keeps one
    record per occurrence, so one report's two events are two incidents). Every pair, not a chain:
    an event without a place matches a strike in Kharkiv and one in Kherson, and joins one of
    them, never both into one incident. Groups form in the order the events come (their reports'
    linking order), each event trying the earlier ones in turn."""
    group = list(range(len(events)))  # event -> its group (the group's first event)
    members: dict[int, list[int]] = {i: [i] for i in range(len(events))}
    known: dict[tuple[int, int], bool] = {}

    def match(a: int, b: int) -> bool:
        if events[a][0].id == events[b][0].id:
            return False
        key = (a, b) if a < b else (b, a)
        if key not in known:
            known[key] = event_match(events[a][1], events[b][1], settings)
        return known[key]

    for i in range(len(events)):
        refused: set[int] = set()  # groups i's group cannot join: they only grow stricter meanwhile
        for j in range(i):
            gi, gj = group[i], group[j]
            if gi == gj or gj in refused or not match(i, j):
                continue
            if not all(match(a, b) for a in members[gi] for b in members[gj]):
                refused.add(gj)
                continue
            keep, drop = min(gi, gj), max(gi, gj)
            members[keep] = sorted(members[keep] + members.pop(drop))
            for a in members[keep]:
                group[a] = keep
    return [[events[a] for a in members[g]] for g in sorted(members)]


def spread(events: list[EventSummary], settings: LinkSettings) -> Spread:
    """How far apart `events` are (see `Spread`)."""
    named: dict[tuple[float, float], str | None] = {}
    for e in events:
        if e.lat is not None and e.lon is not None:
            named[(e.lat, e.lon)] = named.get((e.lat, e.lon)) or e.place
    points = list(named.items())
    km = places = None
    for i, ((lat1, lon1), name1) in enumerate(points):
        for (lat2, lon2), name2 in points[:i]:
            d = distance_km(lat1, lon1, lat2, lon2)
            if km is None or d > km:
                km, places = d, (name2, name1)
    dated = [(e.start, e.end or e.start) for e in events if e.start is not None]
    days = None
    if len(dated) > 1:
        days = max(0, (max(a for a, _ in dated) - min(b for _, b in dated)).days)
    far = (km is not None and km > settings.near_km) or (days is not None and days > settings.date_slack_days)
    return Spread(round(km, 1) if km is not None else None, places, days, far)


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
