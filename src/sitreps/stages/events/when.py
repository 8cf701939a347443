"""Step 3: every event gets a date, and says how it was found (`time.basis`).

- `stated`: the time under the trigger or in its sentence (found with the candidate);
- `context`: the nearest earlier time of the same paragraph ("On Monday, ... . Three soldiers
  were killed." dates both sentences);
- `published`: the text says nothing, so the publication date: a report is news of the day it
  appears, or of the day before when it says "overnight" / "last night" or appears in the small
  hours (before 06:00 UTC, the evening before in the Americas and the early morning in Ukraine).

Without a publication date a relative or missing date stays unknown, never guessed; the event
is left undated and the article gets a note.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from ...records import Document, Event, TimeExpr
from ._discourse import paragraph

_NIGHT = re.compile(r"\b(?:overnight|last night|during the night|in the night)\b", re.IGNORECASE)


def date_events(doc: Document, events: list[Event]) -> list[Event]:
    out = []
    for e in events:
        if e.time is not None and e.time.value:
            out.append(replace(e, time=replace(e.time, basis="stated")))
            continue
        if e.time is not None and e.time.grain in ("day", "week", "interval", "time") and doc.article.published is None:
            out.append(e)  # "last week" with no date to count from: unknown, not an earlier sentence's year
            continue
        time = context_time(doc, e) or published_time(doc, e)
        out.append(replace(e, time=time) if time is not None else e)
    return out


def usable(doc: Document, t: TimeExpr) -> bool:
    """A time that can date an event: a past point or span with a value, not a duration, a
    future or the start of a period ("since February")."""
    if t.grain in ("duration", "future") or not t.value or t.start is None:
        return False
    before = doc.text[max(0, t.start - 60) : t.start].lower()
    return not (t.text.lower().startswith("since") or re.search(r"\bsince\s*$", before))


def context_time(doc: Document, e: Event) -> TimeExpr | None:
    """The nearest usable time before the event's sentence in its paragraph."""
    sent = e.evidence[0]
    lo, _ = paragraph(doc.text, sent.start)
    earlier = [t for t in doc.times if t.start is not None and lo <= t.start and t.end <= sent.start and usable(doc, t)]
    if not earlier:
        return None
    return replace(max(earlier, key=lambda t: t.start), basis="context")


def published_time(doc: Document, e: Event) -> TimeExpr | None:
    published = doc.article.published
    if published is None:
        return None
    day = published.date()
    sent = e.evidence[0]
    early = published.tzinfo is not None and published.utcoffset() == timedelta(0) and published.hour < 6 \
        and (published.hour, published.minute) != (0, 0)
    if (_NIGHT.search(doc.text, sent.start, sent.end) or early) and day.toordinal() > 1:
        day -= timedelta(days=1)
    return TimeExpr(None, None, "", value=day.isoformat(), grain="day", anchored=True, basis="published")
