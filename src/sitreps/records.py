"""The vocabulary of sitreps: plain frozen records that every stage reads and returns.

Data flows one way: an `Article` (what a reader found) becomes a `Document` (the cleaned
text plus everything extracted from it). Every extracted fact carries half-open character
offsets (`start`, `end`) into `Document.text`, which never changes after cleaning.
Records hold no spaCy objects, so they pickle cheaply and tests can build them by hand.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Certainty = Literal["asserted", "confirmed", "reported", "hedged", "possible", "negated"]
CERTAINTIES: tuple[str, ...] = ("asserted", "confirmed", "reported", "hedged", "possible", "negated")
HAPPENED = frozenset(CERTAINTIES[:4])  # told as having happened; "possible" and "negated" were not
Level = Literal["info", "warning", "error"]


@dataclass(frozen=True, slots=True)
class Note:
    """Something a stage could not use or wants the user to know; `code` is stable."""

    stage: str
    code: str
    detail: str = ""
    level: Level = "info"


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the cleaned text: `text == doc.text[start:end]`."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Removed:
    """A piece the cleaner cut out; offsets index the text *before* cleaning."""

    start: int
    end: int
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class Article:
    """One input record as read: raw text or HTML plus what the caller or page said about it."""

    id: str | None
    text: str = ""
    html: str | None = None
    url: str | None = None
    title: str | None = None
    published: datetime | None = None
    origin: str = ""  # where it came from: a path, "path:line", "<stdin>"
    notes: tuple[Note, ...] = ()
    # the page's name for its site (og:site_name and the like, from HTML): the article's outlet
    # when its URL gives none (sitreps.outlets); kept in the store, not in the sitreps/3 record
    site_name: str | None = None

    @property
    def failed(self) -> bool:
        return any(n.level == "error" for n in self.notes)


@dataclass(frozen=True, slots=True)
class Token:
    """A token as the NLP stage saw it; `head` and `i` are token indices within the document."""

    i: int
    start: int
    end: int
    text: str
    lemma: str
    pos: str
    tag: str
    dep: str
    head: int
    ent_type: str = ""


@dataclass(frozen=True, slots=True)
class Entity:
    start: int
    end: int
    text: str
    label: str  # spaCy label: GPE, LOC, PERSON, ORG, NORP, DATE, TIME, CARDINAL, ...


@dataclass(frozen=True, slots=True)
class Place:
    """A place name in the text, resolved to a gazetteer entry or explicitly not."""

    start: int
    end: int
    text: str
    name: str | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    admin1: str | None = None  # first-level division name
    feature: str | None = None  # GeoNames-style class.code, e.g. "P.PPLA", "A.ADM1", "H.STM"
    gazetteer_id: str | None = None
    precision: str | None = None  # city, district, admin1, country, water, region; None = unresolved
    score: float = 0.0
    admin2: str | None = None  # second-level division (raion, county), when the gazetteer knows it
    # where the entry's coordinates come from ("source", "postal", "parent": the place itself
    # is not located, the point is its parent unit's; see gazetteer.GazetteerEntry)
    coord_precision: str | None = None
    # in the article's dateline ("KYIV, Ukraine (Reuters) -"): where the report was filed,
    # which says nothing about where its events happened
    dateline: bool = False

    @property
    def resolved(self) -> bool:
        return self.gazetteer_id is not None


@dataclass(frozen=True, slots=True)
class TimeExpr:
    """A date or time expression; `value` is ISO 8601 (a date, or `start/end` for an interval).

    An event's time also says how it was found (`basis`): `stated` by the event's own sentence,
    `context` (an earlier sentence of its paragraph or the lead said when), or `published` (the
    text says nothing: the publication date, or the day before for an overnight report). A
    `published` time points at no words: `start` and `end` are None and `text` is empty."""

    start: int | None
    end: int | None
    text: str
    value: str | None = None
    grain: str | None = None  # day, week, month, year, interval, duration, future
    anchored: bool = False
    basis: str | None = None  # events only: stated, context, published


@dataclass(frozen=True, slots=True)
class Mention:
    """Who or what a span refers to: a speaker, a cue, a source. `name` is the resolved name."""

    start: int | None
    end: int | None
    text: str
    name: str | None = None
    kind: str | None = None  # person, organisation, government, media, reports, anonymous, outlet


@dataclass(frozen=True, slots=True)
class Quote:
    start: int
    end: int
    text: str
    direct: bool
    speaker: Mention | None = None
    cue: Mention | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """A clause asserting something, with how sure it is and who says so."""

    start: int
    end: int
    text: str
    certainty: Certainty
    source: Mention | None = None
    cue: Mention | None = None


@dataclass(frozen=True, slots=True)
class ActorMention:
    start: int
    end: int
    text: str
    actor: str  # stable id from the actor lexicon, e.g. "RUS.MIL"
    name: str  # normalised name, e.g. "Russian military"
    kind: str  # state_forces, government, civilians, armed_group, police, person, ...
    country: str | None = None
    inferred: bool = False


@dataclass(frozen=True, slots=True)
class Count:
    """How many people, as the text says it: "12" is 12..12, "at least 12" 12..None (no upper
    bound), "up to 20" None..20, "between 5 and 8" 5..8, "dozens" 12..None (ACLED's reading).
    `approximate` marks "about", "nearly", "some"; the span is the number's phrase."""

    low: int | None
    high: int | None
    start: int
    end: int
    text: str
    approximate: bool = False

    @property
    def best(self) -> int | None:
        """One number for a table: the lower bound, else the upper ("up to 20" -> 20)."""
        return self.low if self.low is not None else self.high


@dataclass(frozen=True, slots=True)
class Weapon:
    """A weapon the text names for an event: `kind` is artillery, mlrs, missile, drone,
    aircraft, mortar, tank, small_arms, mine, grenade, naval, chemical or crowd_control."""

    start: int
    end: int
    text: str
    kind: str


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    type: str
    subtype: str | None
    trigger: Span
    actors: tuple[ActorMention, ...] = ()
    targets: tuple[ActorMention, ...] = ()
    place: Place | None = None
    time: TimeExpr | None = None
    fatalities: Count | None = None
    certainty: Certainty = "asserted"
    source: Mention | None = None
    evidence: tuple[Span, ...] = ()
    injured: Count | None = None
    weapons: tuple[Weapon, ...] = ()
    # the text dates it well before the article's news window (docs/contract.md): kept in the
    # record and the article page, left off the map, the lists and the exports unless asked
    background: bool = False


@dataclass(frozen=True, slots=True)
class Recap:
    """What linking reads of a document's sentences and named entities: its lead (first
    sentences), the names and numbers it names (lower-cased) and the people (one key a mention).
    The record keeps no sentences or entities, so a document read back from a store's export
    carries the recap the store kept, to be linked as it was (sitreps.linking.summarise)."""

    lead: str
    names: tuple[str, ...] = ()
    people: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    """An article after cleaning, enriched stage by stage. Stages return a new Document."""

    article: Article
    text: str = ""
    removed: tuple[Removed, ...] = ()
    sentences: tuple[Span, ...] = ()
    tokens: tuple[Token, ...] = ()
    entities: tuple[Entity, ...] = ()
    places: tuple[Place, ...] = ()
    times: tuple[TimeExpr, ...] = ()
    quotes: tuple[Quote, ...] = ()
    claims: tuple[Claim, ...] = ()
    actors: tuple[ActorMention, ...] = ()
    events: tuple[Event, ...] = ()
    notes: tuple[Note, ...] = field(default=())
    # set only on a document read back from an export (sitreps.serialize.document_from_dict):
    # what linking read of the sentences and entities it no longer has
    recap: Recap | None = None

    @property
    def failed(self) -> bool:
        return any(n.level == "error" for n in self.notes)

    def span(self, start: int, end: int) -> Span:
        return Span(start, end, self.text[start:end])

    def sentence_of(self, offset: int) -> Span | None:
        k = bisect_right(self.sentences, offset, key=_start) - 1  # sentences are in text order
        if k >= 0 and self.sentences[k].start <= offset < self.sentences[k].end:
            return self.sentences[k]
        return None

    def tokens_in(self, start: int, end: int) -> tuple[Token, ...]:
        k = bisect_left(self.tokens, start, key=_start)  # tokens are in text order
        out = []
        while k < len(self.tokens) and self.tokens[k].start < end:
            if self.tokens[k].end <= end:
                out.append(self.tokens[k])
            k += 1
        return tuple(out)


def _start(span) -> int:
    return span.start
