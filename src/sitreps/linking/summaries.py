"""What linking needs of a document: its settings and summaries (from an analysed Document)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..outlets import outlet_of
from ..records import Document, Recap

# ---------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class LinkSettings:
    """Every threshold of linking, each with its reason. The threshold comes from `sitreps eval
    clusters` (tuned on half the ECB+ dev topics, scored on the other half); the text weights were
    chosen while exploring all ECB+ dev topics (not held out); the date, event, distance and window
    values are set by reason for conflict news, which ECB+ cannot measure."""

    threshold: float = 0.18  # average pair score to join (or merge) a cluster: the mean of the two
    # thresholds `sitreps eval clusters` tunes on half the ECB+ topics each (0.17, 0.19)
    text_words: float = 0.7  # weight of the word TF-IDF cosine
    text_names: float = 0.3  # weight of the names-and-numbers TF-IDF cosine
    dates: float = 0.05  # stated dates overlap (+) or all differ (-)
    events: float = 0.03  # some events match (+) or none can be the same (-)
    # the people each text names most are absent from the other (-, `people_differ`): one more
    # piece of structured evidence, weighed as the dates are. On ECB+ it holds for 9-13% of pairs
    # of one event and 60-71% of pairs of a topic's two events; held-out B-cubed F1 0.908, 0.912,
    # 0.911 at 0.03, 0.05, 0.10 (docs/evaluation.md)
    people: float = 0.05
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
    sentences; `names` the names and numbers found in it; `dates` the days it states; `people`
    the people it names, one key (`person_key`: the surname) per mention, so who it names most
    can be counted."""

    id: str
    text: str
    outlet: str | None = None
    published: date | None = None
    lead: str = ""
    names: tuple[str, ...] = ()
    dates: tuple[tuple[date, date], ...] = ()
    events: tuple[EventSummary, ...] = ()
    people: tuple[str, ...] = ()


NAME_LABELS = frozenset({
    "PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW",
    "CARDINAL", "DATE", "MONEY", "QUANTITY", "ORDINAL", "PERCENT",
})
NOT_HAPPENED = frozenset({"possible", "negated"})
_LETTERS = re.compile(r"[^\W\d_]+")
_NOT_SURNAMES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def person_key(name: str) -> str | None:
    """The key of a person's name: its last word, lower-cased, without a "Jr." ("Tara Reid",
    "Reid" and "REID's" are one person; "Arcade Joseph Comeaux Jr." is "comeaux"); None for a
    name without such a word."""
    found = [w for w in _LETTERS.findall(name.lower()) if w not in _NOT_SURNAMES and w != "s"]
    return found[-1] if found and len(found[-1]) > 1 else None


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


def summarise(doc: Document, outlet: str | None = None, lead_sentences: int = 2) -> DocSummary:
    """The summary of an analysed document; the outlet defaults to the article's
    (`sitreps.outlets.outlet_of`: its URL's registrable domain or its account on a platform, else
    its page's site name). A document read back from an export has no sentences or entities: its
    `recap` says what they gave."""
    article = doc.article
    recap = doc.recap or recap_of(doc, lead_sentences)
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
        outlet=outlet or outlet_of(article.url, article.site_name),
        published=article.published.date() if article.published else None,
        lead=recap.lead,
        names=recap.names,
        dates=tuple(dict.fromkeys(d for d in stated if d)),
        events=tuple(events),
        people=recap.people,
    )


def recap_of(doc: Document, lead_sentences: int = 2) -> Recap:
    """What linking reads of an analysed document's sentences and named entities."""
    return Recap(
        lead=" ".join(s.text for s in doc.sentences[:lead_sentences]),
        names=tuple(e.text.lower() for e in doc.entities if e.label in NAME_LABELS),
        people=tuple(k for e in doc.entities if e.label == "PERSON" and (k := person_key(e.text))),
    )


# ---------------------------------------------------------------------------- stored form


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def summary_dict(s: DocSummary) -> dict:
    """A summary as plain JSON data, without its text (a store keeps the text already)."""
    return {
        "id": s.id,
        "outlet": s.outlet,
        "published": s.published.isoformat() if s.published else None,
        "lead": s.lead,
        "names": list(s.names),
        "dates": [[a.isoformat(), b.isoformat()] for a, b in s.dates],
        "events": [
            {
                "id": e.id, "type": e.type, "lat": e.lat, "lon": e.lon,
                "start": e.start.isoformat() if e.start else None,
                "end": e.end.isoformat() if e.end else None,
                "actors": list(e.actors), "killed": list(e.killed) if e.killed is not None else None,
                "place": e.place,
            }  # fmt: skip
            for e in s.events
        ],
        "people": list(s.people),
    }


def summary_from_dict(data: dict, text: str) -> DocSummary:
    """The inverse of `summary_dict`, given the document's text."""
    return DocSummary(
        id=data["id"],
        text=text,
        outlet=data.get("outlet"),
        published=_day(data.get("published")),
        lead=data.get("lead", ""),
        names=tuple(data.get("names", ())),
        dates=tuple((date.fromisoformat(a), date.fromisoformat(b)) for a, b in data.get("dates", ())),
        events=tuple(
            EventSummary(
                id=e["id"], type=e["type"], lat=e.get("lat"), lon=e.get("lon"),
                start=_day(e.get("start")), end=_day(e.get("end")), actors=tuple(e.get("actors", ())),
                killed=tuple(e["killed"]) if e.get("killed") is not None else None, place=e.get("place"),
            )  # fmt: skip
            for e in data.get("events", ())
        ),
        people=tuple(data.get("people", ())),
    )
