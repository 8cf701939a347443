"""Events stage: what happened, who did it to whom, where, when, how many died, how sure.

The stage reads as the steps a conflict-data coder takes with an article, each a module that
works on a parsed Document and testable on hand-built ones:

1. `candidates`: every trigger (a verb or noun of lexicons/events.toml) with what its clause
   and sentence say: type, actors and targets from the parse, place and time under the trigger
   or in its sentence, casualties, weapons, certainty and source from the claim around it.
2. `eventhood`: is the candidate an event at all (a particular occurrence the article reports),
   or commentary, a forecast, a habit, a running total, an idiom? Hypothetical, feared and
   threatened ones stay, marked `possible`. `senses` reads war words in their everyday senses
   (an earthquake or a car that "strikes", a house "fire", the court news of an old crime).
3. `when`: every event gets a date: the clause's or sentence's (`stated`), else an earlier
   sentence's of its paragraph (`context`), else the publication date (`published`).
4. `background`: an event dated well before the article's news window (`[events]
   background_days`), or told as history, is `background`.
5. `where`: the place where it happened, never a name inside an organisation or agreement, a
   capital speaking for its government, an acronym, or where a speaker stood; the paragraph's
   place when the sentence names none. An event then placed nowhere or only in a country is
   kept only with a count and a stated date (`eventhood.pinned`): else it is the war as a whole.
6. `who`: the doer from the sentence, else from the paragraph; for a strike on one side's
   territory, the other side (inferred).
7. `merge`: one record per occurrence, with every evidence span; an incident told again
   further down ("the attack", "the Riverside attacks", or with no day of its own) is the one
   told first. A record left whose one telling only refers to an incident the reader knows
   ("in the wake of the Paris attacks", undated) is background (`background.referred_to`).
"""

from __future__ import annotations

from dataclasses import replace

from ...records import Document, Note
from .background import mark_background, referred_to
from .candidates import find_candidates
from .eventhood import keep_events, pinned
from .merge import merge, tellings
from .when import date_events
from .where import place_events
from .who import attribute_events

__all__ = ["extract_events", "merge"]


def extract_events(doc: Document, ctx) -> Document:
    if not doc.tokens:
        return doc
    days = ctx.settings.events.background_days if ctx is not None else 30
    most = ctx.settings.events.max_candidates if ctx is not None else 200
    events = find_candidates(doc, limit=most)
    notes = doc.notes
    if len(events) > most:
        detail = (f"more than events.max_candidates ({most}) event triggers: only the first {most} were read; "
                  "this text is not one news article")
        notes += (Note("events", "events.too_many", detail, "warning"),)
        events = events[:most]
    events = keep_events(doc, events)
    events = date_events(doc, events)
    events = mark_background(doc, events, days)
    events = [e for e in place_events(doc, events) if pinned(doc, e) or e.background or e.certainty in ("possible", "negated")]
    events = attribute_events(doc, events)
    events = referred_to(doc, merge(events, doc.article.published, tellings(doc, events)))
    undated = sum(1 for e in events if e.time is None and not e.background)
    if undated:
        why = "the article has no publication date" if doc.article.published is None else "no usable date"
        notes += (Note("events", "events.undated", f"{undated} event(s) without a date: the text gives none and {why}"),)
    return replace(doc, events=events, notes=notes)
