"""Step 6, one record per occurrence: the same event told twice in an article (the headline and
the lead, a later paragraph) is one record with every evidence span."""

from __future__ import annotations

from dataclasses import replace

from ...records import Event

def merge(events: list[Event]) -> tuple[Event, ...]:
    """The same event told twice in one article is one: same subtype and place (resolved to the
    same gazetteer entry), no two different dates, the same side acting (or one side unnamed),
    both said to have happened or both not. The first telling stays; a later one adds its
    evidence and what the first left unknown (date, casualties, weapons, actors)."""
    merged: list[Event] = []
    for e in events:
        k = next((i for i, m in enumerate(merged) if same_incident(m, e)), None)
        if k is None:
            merged.append(e)
            continue
        first = merged[k]
        merged[k] = replace(
            first,
            evidence=first.evidence + tuple(s for s in e.evidence if s not in first.evidence),
            time=first.time if first.time is not None and first.time.basis != "published" or e.time is None else e.time,
            fatalities=first.fatalities if first.fatalities is not None else e.fatalities,
            injured=first.injured if first.injured is not None else e.injured,
            weapons=first.weapons + tuple(w for w in e.weapons if w not in first.weapons),
            actors=first.actors or e.actors,
            targets=first.targets or e.targets,
        )
    return tuple(merged)


_HAPPENED = frozenset({"asserted", "confirmed", "reported", "hedged"})


def same_incident(a: Event, b: Event) -> bool:
    if a.subtype != b.subtype or a.place is None or b.place is None:
        return False
    if not a.place.gazetteer_id or a.place.gazetteer_id != b.place.gazetteer_id:
        return False
    if a.background != b.background:
        return False
    stated_a = a.time is not None and a.time.basis != "published"
    stated_b = b.time is not None and b.time.basis != "published"
    if stated_a and stated_b and a.time.value != b.time.value:
        return False
    if (a.certainty in _HAPPENED) != (b.certainty in _HAPPENED):
        return False
    if a.certainty not in _HAPPENED and a.certainty != b.certainty:
        return False
    sides_a, sides_b = {x.actor for x in a.actors}, {x.actor for x in b.actors}
    return not (sides_a and sides_b and sides_a != sides_b)
