"""Step 6: who did it.

The doer comes from the event's clause (step 1); when the clause names none:
- the paragraph: the doer of the nearest earlier violent event of the same paragraph, or the
  armed actor the previous sentence names ("Russian forces pushed on. They shelled ..."),
  marked inferred;
- the territory: a strike or an attack on civilians on one side's own ground is the other
  side's (inferred); not on ground the other side held ([territory] in lexicons/actors.toml).
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from ...lexicons import load_lexicon
from ...records import ActorMention, Document, Event
from ._discourse import paragraph
from .candidates import _country_forces

_ARMED = {"state_forces", "armed_group"}
_STRIKES = {"Explosions/Remote violence"}
_ATTACKS = {"Attack", "Abduction/forced disappearance", "Sexual violence"}
_FOUGHT = {"Battles", "Explosions/Remote violence", "Violence against civilians"}


@cache
def _territory() -> dict:
    return load_lexicon("actors")["territory"]


def attribute_events(doc: Document, events: list[Event]) -> list[Event]:
    out: list[Event] = []
    for e in events:
        if not e.actors and e.type in _FOUGHT:
            doer = _from_paragraph(doc, e, out) or _from_territory(e)
            if doer is not None:
                e = replace(e, actors=(doer,), targets=tuple(t for t in e.targets if t.actor != doer.actor))
        out.append(e)
    return out


def _from_paragraph(doc: Document, e: Event, before: list[Event]) -> ActorMention | None:
    sent = e.evidence[0]
    lo, _ = paragraph(doc.text, sent.start)
    for prev in reversed(before):
        p = prev.evidence[0]
        if p.start < lo or p.start >= sent.start:
            continue
        if prev.type in _FOUGHT and prev.actors and prev.actors[0].kind in _ARMED:
            return replace(prev.actors[0], inferred=True)
        break
    previous = [s for s in doc.sentences if lo <= s.start and s.end <= sent.start]
    if not previous:
        return None
    last = previous[-1]
    armed = [a for a in doc.actors if last.start <= a.start and a.end <= last.end and a.kind in _ARMED]
    sides = {a.actor for a in armed}
    if len(sides) == 1:
        return replace(armed[0], inferred=True)
    return None


def _from_territory(e: Event) -> ActorMention | None:
    if not (e.type in _STRIKES or e.subtype in _ATTACKS) or e.place is None or not e.place.country:
        return None
    terr = _territory()
    other = terr["sides"].get(e.place.country)
    if other is None:
        return None
    admin1 = (e.place.admin1 or "").lower()
    if any(c in admin1 for c in terr["contested_admin1"]) or (e.place.name or "") in terr["contested_places"]:
        return None
    forces = _country_forces().get(other)
    if not forces:
        return None
    t = e.trigger
    return ActorMention(t.start, t.end, t.text, forces[0], forces[1], "state_forces", other, inferred=True)
