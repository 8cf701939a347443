"""Step 3: every event gets a date, and says how it was found (`time.basis`).

- `stated`: the time under the trigger or in its sentence (found with the candidate), or counted
  from it for an event told inside "N days after ..." / "... before ..." (`counted_back`), or
  the weeks up to the report for an event its own word calls recent ("a town recently
  liberated", "the recent attacks": `recently`);
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
from datetime import date, timedelta

from ...records import Document, Event, Span, TimeExpr, Token
from .._tokens import TokenIndex, index
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
        time = recently(doc, e) or context_time(doc, e) or published_time(doc, e)
        out.append(replace(e, time=time) if time is not None else e)
    return out


RECENT_DAYS = 30  # "recently": within the news window ([events] background_days' default)
_RECENT = {"recently", "lately", "recent", "newly"}


def recently(doc: Document, e: Event) -> TimeExpr | None:
    """"X, a town recently liberated by Ukrainian troops", "the recent Russian attacks on its
    ports": the event's own word says it happened in the weeks up to the report, which is all
    the text knows of its day (an interval; ACLED's time precision 3)."""
    published = doc.article.published
    toks = index(doc)
    tok = toks.at(e.trigger.start)
    if published is None or tok is None:
        return None
    word = next((c for c in toks.children(tok.i) if c.dep in ("advmod", "amod") and c.text.lower() in _RECENT), None)
    if word is None:
        return None
    day = published.date()
    value = f"{(day - timedelta(days=RECENT_DAYS)).isoformat()}/{day.isoformat()}"
    return TimeExpr(word.start, word.end, word.text, value=value, grain="interval", anchored=True, basis="stated")


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


_SPAN = re.compile(r"P(\d+)([DWM])")
_AFTER = re.compile(r"\s+(?:or so\s+)?(after|before)\b")


def told_apart(doc: Document, toks: TokenIndex, tok: Token, sent: Span):
    """(duration, the "after"/"before" match, start, end of what they tell) when the
    trigger is told inside "N days/weeks/months after ..." or "... before ...": an event that
    long before (or after) what the sentence's own clause tells. None otherwise."""
    if not _AFTER.search(doc.text, sent.start, sent.end):
        return None  # (asked for every trigger, twice: most sentences say neither word)
    for t in doc.times:
        if not (sent.start <= t.start and t.end <= sent.end) or t.grain != "duration":
            continue
        span, after = _SPAN.fullmatch(t.value or ""), _AFTER.match(doc.text, t.end)
        word = toks.at(after.start(1)) if span and after else None
        if word is None:
            continue
        told = word if word.dep == "prep" else toks.head(word) if word.dep == "mark" else None
        if told is None:
            continue
        lo, hi = toks.subtree(told.i)
        if toks.head(told).start < word.start:
            hi = sent.end  # "come one week after ...": what follows the main clause is the other event's
        if lo <= tok.start < hi and tok.i != word.i:
            return t, after, lo, hi
    return None


def counted_back(doc: Document, toks: TokenIndex, tok: Token, sent: Span) -> TimeExpr | None:
    """"The blasts on Tuesday come one week after ... similar explosions at an airbase": an event
    inside "N days/weeks/months after ..." happened that long before what the sentence's own
    clause tells ("... before ...": that long after), dated by that clause's day, or, told in the
    present ("the city remains in limbo nearly a week after the shooting"), by the report's.
    None when there is nothing to count from."""
    apart = told_apart(doc, toks, tok, sent)
    if apart is None:
        return None
    t, after, lo, hi = apart
    word = toks.at(after.start(1))
    told = word if word.dep == "prep" else toks.head(word)
    outside = [x for x in doc.times if sent.start <= x.start and x.end <= sent.end and not lo <= x.start < hi
               and x.grain == "day" and x.value and x is not t]
    main = toks.head(told)
    while main.head != main.i and main.pos not in ("VERB", "AUX"):
        main = toks.head(main)
    if outside:
        anchor = date.fromisoformat(outside[0].value[:10])
    elif doc.article.published is not None and main.tag in ("VBZ", "VBP"):
        anchor = doc.article.published.date()
    else:
        return None
    span = _SPAN.fullmatch(t.value)
    n, unit = int(span.group(1)) * (-1 if after.group(1) == "after" else 1), span.group(2)
    words = doc.text[t.start : after.end()]
    if unit == "M":
        month = anchor.year * 12 + anchor.month - 1 + n
        if not 1 <= month // 12 <= 9999:
            return None  # "30000 months after": off the calendar, unknown
        return TimeExpr(t.start, after.end(), words, f"{month // 12:04d}-{month % 12 + 1:02d}", "month", anchored=True)
    try:
        day = anchor + timedelta(days=n * (7 if unit == "W" else 1))
    except OverflowError:
        return None  # "99999999 days after": off the calendar, unknown
    return TimeExpr(t.start, after.end(), words, day.isoformat(), "day", anchored=True)
