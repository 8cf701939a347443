"""Step 4: current or background.

An event the text dates as ending more than `[events] background_days` before publication ("in
2014", "last spring", "during the Second World War"), or tells as history (a war of another era,
"decades ago"), is background: `Event.background` is true. It stays in the record and on the
article page; the map, the event lists and the exports leave it out unless asked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta

from ...records import HAPPENED, Document, Event
from .._tokens import index
from ..times import MONTH_NAMES, days_of
from ._discourse import paragraph
from .candidates import names_another_thing

_HISTORY = re.compile(
    r"\b(?:World War (?:I|II|One|Two|1|2)|WWI{1,2}|WW[12]|(?:First|Second) World War|Great Patriotic War|Cold War"
    r"|Holocaust|Napoleonic|9/11|(?:September|Sept\.?) 11(?:th)?(?:,? 2001)?(?: terrorist| terror)? attacks|\d{1,2}(?:st|nd|rd|th) century|centuries ago|decades ago|\d+ years ago|(?:a|one|two|three) years? ago"
    r"|in the (?:19|18|17)\d0s|(?:in )?the (?:first|early|opening) (?:days|weeks|months|hours|stages?) of the (?:war|invasion|full-scale"
    r" invasion|conflict)|(?:at|from) the (?:start|beginning|outset|onset) of the (?:war|invasion|full-scale invasion|conflict)"
    r"|early in the (?:war|invasion)|last (?:spring|summer|autumn|fall|winter))\b",
    re.IGNORECASE,
)
_SEASON = r"(?:(?:early|late|mid-?|the\s+(?:spring|summer|autumn|fall|winter)\s+of)\s+)?(?:(?:spring|summer|autumn|fall|winter|January|February|March|April|May|June|July|August|September|October|November|December)\s+(?:of\s+)?)?"
_YEAR = re.compile(r"(?:\b(?:in|since|during|of|by|until|before|from|after|the)\s+" + _SEASON + r"|\b)(1[5-9]\d\d|20[0-4]\d)\b(?![-\u2013/]\d)(?!\s*(?:borders?|frontiers?|lines?)\b)", re.IGNORECASE)


def mark_background(doc: Document, events: list[Event], days: int) -> list[Event]:
    published = doc.article.published
    day = published.date() if published is not None else _newest_full_date(doc)
    if day is None:
        return [replace(e, background=True) if _told_as_history(doc, e, None, days) else e for e in events]
    cutoff = day - timedelta(days=days) if day.toordinal() > days else date.min  # published in year 1
    frames = _time_frames(doc, cutoff)
    # with no publication date, only what a sentence dates itself says it is old: the newest
    # year named is too rough a "now" to read a whole article as told about the past
    # (two old mentions at least: one "since February" in a day's news report is no retrospective)
    n_old = sum(old for _, old, _ in frames)
    retrospective = published is not None and n_old >= 2 and n_old > sum(not old for _, old, _ in frames)
    out = []
    for e in events:
        end = last_day(e.time.value) if e.time is not None and e.time.basis in ("stated", "context") and e.time.value else None
        old = end is not None and end < cutoff
        if not old and retrospective:
            if e.time is None or e.time.basis == "published":
                old = _in_an_old_frame(frames, e.evidence[0].start)
            elif e.time.start is not None and _A_DAY_OF_A_MONTH.search(e.time.text) and not _A_YEAR.search(e.time.text):
                # "On March 18" after "in 2014": the year the story is in, not this one
                old = _in_an_old_frame([f for f in frames if f[2]], e.time.start)
        if not old and (e.time is None or e.time.basis == "published"):
            old = _goes_on_from_history(doc, e, out) or _conceded(doc, e) or _on_trial(doc, e)
        out.append(replace(e, background=True) if old or _told_as_history(doc, e, cutoff, days) else e)
    return out


# "the bridge was later blown up", "afterwards they shelled the town": the story goes on from
# the event told just before (not "later this week", a time of its own)
_LATER = re.compile(r"\b(?:later|afterwards?|subsequently)\b(?!\s+(?:this|today|tonight|next)\b)", re.IGNORECASE)


# a court's words: the deed they are about was done before the news ("sentenced for the stabbing")
_COURT = re.compile(r"\b(?:convicted|sentenced|(?:pleaded|pleads|pled) (?:not )?guilty|no contest|trial|appeals court"
                    r"|on appeal|parole\w*|jury|jurors?|indicted|acquitted|verdict|testified|confess\w*|execution date"
                    r"|death row)\b", re.IGNORECASE)


def _on_trial(doc: Document, e: Event) -> bool:
    """An undated deed told in a court's words ("was sentenced to life for the stabbing", "at his
    trial for the killing") is retold from before the news: a trial, an appeal or a parole comes
    months or years after it. Arrests are the news themselves."""
    return e.subtype != "Arrests" and bool(_COURT.search(doc.text, e.evidence[0].start, e.evidence[0].end))


def _conceded(doc: Document, e: Event) -> bool:
    """An undated event in an "even when", "even after" or "even though" clause is a known fact
    recalled to make a point ("even when Ukraine recaptured the city, Moscow did not budge")."""
    toks = index(doc)
    tok = toks.at(e.trigger.start)
    if tok is None:
        return False
    for t in [tok, *list(toks.ancestors(tok))[:3]]:
        marks = [c for c in toks.children(t.i) if c.dep in ("mark", "advmod") and c.text.lower() in ("when", "after", "though")]
        if any(c.i > 0 and toks.tokens[c.i - 1].text.lower() == "even" for c in marks):
            return True
        if t.dep in ("ROOT", "conj", "parataxis", "ccomp", "advcl"):
            break
    return False


def _goes_on_from_history(doc: Document, e: Event, before: list[Event]) -> bool:
    """An event with no time of its own that goes on "later" from a background event told in its
    paragraph's sentence before is background too ("Russian forces bombed civilians fleeing
    over a bridge [in 2022]. The bridge was later blown up")."""
    sent = e.evidence[0]
    if not _LATER.search(doc.text, sent.start, e.trigger.start) and not _LATER.search(doc.text, e.trigger.end, sent.end):
        return False
    prev = [b for b in before if b.evidence[0].end <= sent.start]
    if not prev:
        return False
    last = max(prev, key=lambda b: b.evidence[0].start)
    para, _ = paragraph(doc.text, sent.start)
    between = [s for s in doc.sentences if last.evidence[0].end <= s.start < sent.start]
    return last.background and last.evidence[0].start >= para and not between


_FRAME_GRAINS = ("day", "week", "month", "year", "interval")


def _newest_full_date(doc: Document) -> date | None:
    """For an article without a publication date, the newest calendar day its text writes out
    with its year ("March 31, 2018"), else the last day of the newest month or year it names
    ("in 2009"): the article is at least that recent, so a lynching "in 1946" it retells is
    history. None when the text names no year."""
    for grains in (("day",), ("month", "year")):
        days = [last_day(t.value) for t in doc.times
                if t.start is not None and t.value and t.grain in grains and _A_YEAR.search(t.text)]
        days = [d for d in days if d is not None]
        if days:
            return max(days)
    return None


_A_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
_MONTH = rf"(?:{MONTH_NAMES})\.?"
# "March 18", "3 March": a calendar day whose year the reader takes from the story
_A_DAY_OF_A_MONTH = re.compile(rf"\b(?:{_MONTH}\s+\d{{1,2}}|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH})\b")


def _time_frames(doc: Document, cutoff: date) -> list[tuple[int, bool, bool]]:
    """Where the article sets a time frame, whether it is older than the news window and
    whether its words name the year: (offset, old, has year) for each dated expression, in
    text order."""
    frames = []
    for t in doc.times:
        if t.start is None or not t.value or t.grain not in _FRAME_GRAINS:
            continue
        end = last_day(t.value)
        if end is not None:
            # "since last year", "since 2014": a time that runs to the present, no frame in the past
            since = _SINCE.search(t.text) or _SINCE_BEFORE.search(doc.text, max(0, t.start - 8), t.start)
            frames.append((t.start, end < cutoff and not since, bool(_A_YEAR.search(t.text))))
    return sorted(frames)


_SINCE = re.compile(r"^since\b", re.IGNORECASE)
_SINCE_BEFORE = re.compile(r"\bsince\s+$", re.IGNORECASE)


def _in_an_old_frame(frames: list[tuple[int, bool, bool]], offset: int) -> bool:
    """An article told mostly about the past (more old dated mentions than recent ones: a
    profile, a timeline, an anniversary piece) keeps the time frame it last set: an undated
    event after "in 2014" or "on February 24, 2022" belongs to that time, not to the day the
    article appeared. A news report with one look back is not retrospective and keeps the
    publication date for its undated events."""
    before = [old for start, old, _ in frames if start < offset]
    return bool(before) and before[-1]


_VISITS = {"visit", "tour", "see", "show", "take", "lay", "stand", "walk", "inspect", "pass"}


def _a_visited_sites_past(doc: Document, e: Event) -> bool:
    """"He visited a bridge in Irpin where Russian forces bombed civilians", "was taken to an
    apartment block that was damaged in a bombardment": an undated event told to say what a
    visited place is, not news of the day."""
    if e.time is not None and e.time.basis != "published":
        return False
    toks = index(doc)
    tok = toks.at(e.trigger.start)
    if tok is None:
        return False
    for node in [tok, *list(toks.ancestors(tok))[:4]]:
        if node.dep in ("relcl", "acl"):
            owner = toks.head(node)
            verb = toks.clause_verb(owner)
            return verb is not None and verb.lemma.lower() in _VISITS
    return False


def _only_a_yardstick(text: str, m: re.Match) -> bool:
    """A history word that measures or describes, not the event's time: "the biggest attack since
    World War II", "the post-Second World War order", "WWI-like trench warfare", "a WWII-era bomb"."""
    return bool(re.search(r"(?:\bsince\s+(?:the\s+)?|\b(?:post|pre)[-\u2010\u2011]\s?(?:the\s+)?)$", text[: m.start()], re.IGNORECASE)
                or re.match(r"[-\u2010\u2011]\s?[a-z]", text[m.end() : m.end() + 3]))


def _told_as_history(doc: Document, e: Event, cutoff: date | None, days: int) -> bool:
    sent = e.evidence[0]
    text = doc.text[sent.start : sent.end]
    if _a_visited_sites_past(doc, e):
        return True
    if any(not _only_a_yardstick(text, m) for m in _HISTORY.finditer(text)):
        return True
    if _once_upon(doc, e):
        return True  # "local racists once fired potshots at miners": what used to happen there
    if re.search(r"\banniversary of (?:the |its |his |their )?(?:[\w'\u2019-]+\s+){0,6}$", doc.text[sent.start : e.trigger.start],
                 re.IGNORECASE):
        return True  # "the 20th anniversary of the opening strike on Baghdad"
    if cutoff is None or (e.time is not None and e.time.basis == "stated" and e.time.grain in ("day", "time")):
        return False
    if re.search(r"\bearlier this year\b", text, re.IGNORECASE) and doc.article.published is not None \
            and cutoff.year == doc.article.published.year \
            and cutoff.timetuple().tm_yday > days:
        return True  # "captured the plant earlier this year", told in the autumn: not this month's news
    toks = index(doc)
    trigger = toks.at(e.trigger.start)  # "the 2014 Minsk agreements" names the agreements, not this event's year
    return any(date(int(m.group(1)), 12, 31) < cutoff
               and not names_another_thing(toks, trigger, toks.at(sent.start + m.start(1)), ("NOUN", "PROPN"))
               for m in _YEAR.finditer(text))


_DEFINITE = {"the", "this", "that", "these", "those"}
# "the recent attacks", "the ongoing siege": the news of these days, not an incident recalled
_FRESH = {"recent", "latest", "new", "ongoing", "continuing", "continued", "current", "fresh", "overnight",
          "renewed", "today", "tonight", "yesterday", "weekend", "morning", "night"}


# "amid the heavy bombardment", "despite the shelling": the news of these days as backdrop
_BACKDROP = {"amid", "amidst", "despite", "under"}
# verbs that talk about an incident ("brought up the Oklahoma City bombing", "cited the attack")
_MENTIONS = {"mention", "cite", "invoke", "recall", "remember", "reference", "discuss", "call", "describe", "label",
             "politicize", "politicise", "exploit", "compare", "liken"}


def referred_to(doc: Document, events: Iterable[Event]) -> tuple[Event, ...]:
    """Step 7's last look, after `merge`: a record whose only telling is a reference to an
    incident the reader is taken to know is background (`_presupposed`). Told again as news
    further up or down, it merged into that telling and is not one; beside news of its own type
    ("briefed about the bombings in New York and New Jersey" under a report of the blast), it is
    one of that day's incidents (news that happened: "called on him to stop attacking her" is none)."""
    events = list(events)
    referred = [not e.background and _presupposed(doc, e) for e in events]
    news = [e for e, ref in zip(events, referred) if not e.background and not ref and e.certainty in HAPPENED]
    return tuple(replace(e, background=True) if ref and not any(_beside(e, n) for n in news) else e
                 for e, ref in zip(events, referred))


def _beside(ref: Event, news: Event) -> bool:
    """Is the referred-to incident one of the news's own: of its type, at its place or with no
    place to tell them apart? "The San Bernardino attack" beside news of attacks across the
    country on another day is an incident recalled, not one of those."""
    if ref.type != news.type:
        return False
    if ref.place is None or news.place is None or not ref.place.gazetteer_id or not news.place.gazetteer_id:
        return True
    return ref.place.gazetteer_id == news.place.gazetteer_id


def _presupposed(doc: Document, e: Event) -> bool:
    """An incident the article names only by a definite noun inside a prepositional phrase, with
    no day and no toll of its own ("during the attack on the compound", "the families of those
    killed in the massacre at the school", "in the wake of the Paris attacks"), or as what
    someone talks about ("brought up the Oklahoma City bombing", "cited the attack"), is one the
    reader is taken to know: the article refers to it and does not report it. A report names its
    news with a day ("Monday's strike"), a toll, or a verb ("gunmen attacked the compound"); a
    day the paragraph gives (`context`) dates it as news too."""
    if doc.article.published is None or e.time is None or e.time.basis != "published":
        return False
    if e.fatalities is not None or e.injured is not None:
        return False
    toks = index(doc)
    tok = toks.at(e.trigger.start)
    if tok is None or tok.pos not in ("NOUN", "PROPN"):
        return False
    node = tok
    while node.dep == "conj" and node.head != node.i:
        node = toks.head(node)
    head = toks.head(node)
    mentioned = node.dep == "dobj" and (head.lemma.lower() in _MENTIONS or (
        head.lemma.lower() == "bring" and any(c.dep == "prt" and c.text.lower() == "up" for c in toks.children(head.i))))
    if not mentioned and (node.dep != "pobj" or head.text.lower() in _BACKDROP):
        return False
    kids = toks.children(tok.i)
    if any(k.text.lower() in _FRESH for k in kids):
        return False
    return any(k.dep == "det" and k.text.lower() in _DEFINITE or k.dep == "poss" for k in kids)


def _once_upon(doc: Document, e: Event) -> bool:
    """"Once" before a past verb ("once fired", "had once occupied") says what used to happen, not
    what happened now; "struck once", after the verb, counts how often."""
    toks = index(doc)
    tok = toks.at(e.trigger.start)
    if tok is None or tok.pos != "VERB" or tok.tag not in ("VBD", "VBN"):
        return False
    return any(c.dep == "advmod" and c.text.lower() == "once" and c.i < tok.i for c in toks.children(tok.i))


def last_day(value: str) -> date | None:
    """The last day an ISO time value covers (`stages.times.days_of`)."""
    days = days_of(value)
    return days[1] if days else None
