"""Step 5: the place where the event happened.

A place name in the event's sentence is not where it happened when it is
- part of a larger name: an organisation, an agreement, a summit, a title, a person ("the Minsk
  agreements", "the Institute for the Study of War in Washington", "the governor of X");
- a capital standing for its government ("Moscow said", "Kyiv's decision");
- an acronym or an all-caps word the gazetteer does not know as that acronym ("SBU", "CNN");
- the first half of a hyphenated modifier ("Moscow-annexed Crimea", "a Kyiv-based analyst");
- a place that says where another lies ("Chernihiv, north of Kyiv,") or the region named before
  a town ("the Donetsk town of Bakhmut");
- where the weapons were fired from ("missiles launched from bombers over the Caspian Sea");
- where someone speaks, visits or meets, or any place of another clause than the event's ("the
  official told reporters in Washington", "the strikes came as a summit began in Bavaria"); but
  the town whose mayor or administration reports the event is its place ("the mayor of X said
  two explosions ...").
An event whose place is one of a list ("in the regions of X, Y and Z") is one record per place.
Without a place in its sentence an event takes the nearest earlier place of its paragraph (the
discourse carries it), else the country the article is about (a rough placement); the town the
article is most about is not taken, as it was too often another incident's (measured by the
random audit, docs/evaluation.md).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace

from ...lexicons import load_lexicon
from ...records import HAPPENED, Count, Document, Event, Place, Span
from .._counts import elided_count
from .._tokens import TokenIndex, index
from ..places import DIRECTIONS
from ._discourse import paragraph, told_just_before
from .candidates import person_words, place_for, where_clause

_CONTAINERS = {"WORK_OF_ART", "LAW", "EVENT", "PERSON", "NORP", "PRODUCT"}  # an organisation's name: `_seat`
_NAME_TAIL = re.compile(
    r"\s*(?:agreements?|accords?|format|protocols?|talks|summit|process|memorandum|declaration|charter|conference"
    r"|platform|forum|institute|university|embassy|consulate|council|court|tribunal|initiative|deal|treaty"
    r"|convention|club|times|post|news|journal|review|daily|herald|tribune|airlines?|group of)\b",
    re.IGNORECASE,
)
# nouns whose "in/of/at/from X" names the seat of an institution or a person's post, not an event's place
_INSTITUTION_NOUNS = {
    "institute", "summit", "embassy", "consulate", "agreement", "agreements", "accord", "accords", "ministry", "office",
    "conference", "university", "talks", "meeting", "forum", "court", "parliament", "newspaper", "correspondent",
    "reporter", "reporters", "spokesman", "spokeswoman", "spokesperson", "chief", "minister", "ambassador",
    "president", "government", "envoy", "leader", "leaders", "delegation", "negotiator", "negotiators", "think-tank",
    "tank", "analyst", "analysts", "expert", "experts", "school", "college", "bureau", "agency", "committee",
    "commission", "regime", "format", "law", "laws", "legislation", "bill",
}
# groups of people whose "from X" says where they come from, beside the words for one person
_PEOPLE = {"people", "family", "delegation", "team", "children"}
# verbs whose object, a country or a capital, is a state dealt with, not a place
_ADDRESSED = {"blame", "accuse", "condemn", "urge", "criticise", "criticize", "thank", "join", "sanction", "warn",
              "support", "back", "recognise", "recognize", "lobby", "pressure", "ask", "implore"}
# a name in front of these is a weapon system's ("Grad rockets", "Tochka missiles")
_WEAPON_NOUNS = {"missile", "rocket", "launcher", "system", "howitzer", "mlrs", "launch"}
# a local authority's seat ("the Kharkiv regional administration", "the mayor of X") says whose
# jurisdiction reports the event: a place only when the sentence names no other
_JURISDICTION_NOUNS = {"administration", "authorities", "authority", "governor", "mayor", "council", "police",
                       "prosecutor", "prosecutors", "official", "officials", "head", "military administration"}
_SPEECH_OR_VENUE = {
    "say", "tell", "report", "announce", "state", "add", "claim", "write", "note", "speak", "brief", "explain",
    "visit", "travel", "tour", "arrive", "meet", "host", "gather", "attend", "fly", "return", "hold", "address",
}


def place_events(doc: Document, events: list[Event]) -> list[Event]:
    if not events:
        return events
    toks = index(doc)
    bad = {(p.start, p.end) for p in doc.places if not_where(doc, toks, p)}
    weak = {(p.start, p.end) for p in doc.places if _seat(doc, toks, p)}
    country = _main_country(doc, bad)
    out = []
    for e in events:
        tok = toks.at(e.trigger.start)
        sent = e.evidence[0]
        allowed = tuple(p for p in doc.places if (p.start, p.end) not in bad and not _beside(doc, toks, p, tok, sent))
        strong = tuple(p for p in allowed if (p.start, p.end) not in weak)
        place = e.place
        if place is None or (place.start, place.end) not in {(p.start, p.end) for p in strong}:
            place = None
            if tok is not None:
                place = place_for(replace(doc, places=strong), toks, tok, sent) or \
                    place_for(replace(doc, places=allowed), toks, tok, sent)
        if place is None:
            place = _carried(doc, strong, sent)
        if place is None and (told := _told_on(doc, out, e)) is not None:
            place = told.place  # and its day, when this paragraph gives none of its own
            if told.time is not None and (e.time is None or e.time.basis == "published"):
                e = replace(e, time=told.time)
        if place is None:
            place = country
        if place is None and tok is not None:
            place = _country_of_what_was_hit(doc, toks, tok, strong)
        e = replace(e, place=place) if place is not e.place else e
        out.append(e)
        out += [_at(e, other) for other in coordinated(doc, strong, place, sent)]
        out += [_at(e, other, toll) for other, toll in _tolls_for_each_place(doc, strong, place, e)]
    return out


def _tolls_for_each_place(doc: Document, places: tuple[Place, ...], place: Place | None, e: Event) -> list[tuple[Place, Count]]:
    """"Shelling killed two people in X, one in Y and three in Z": the toll goes on, elided, for
    more places, each its own event with its own count (a coder codes one per place)."""
    toll = e.fatalities or e.injured
    if place is None or place.start is None or toll is None or toll.end > place.start or place.precision not in _LISTED:
        return []
    sent = e.evidence[0]
    after = sorted((p for p in places if place.end <= p.start and p.end <= sent.end), key=lambda p: p.start)
    out, last = [], place
    for p in after:
        count = elided_count(doc.text, last.end, p.start)
        if count is None or p.precision not in _LISTED or p.gazetteer_id in {place.gazetteer_id, *(q.gazetteer_id for q, _ in out)}:
            break
        out.append((p, count))
        last = p
    return out


_LISTED = frozenset({"city", "district", "admin3", "admin2", "admin1", "front"})


def coordinated(doc: Document, places: tuple[Place, ...], place: Place | None, sent: Span) -> list[Place]:
    """The other places of a list the event's place is in ("struck training centres in the
    regions of X, north of the capital, Y and Z", "protests in X, Y and Z"): a coder codes one
    event per place. A list is places of the sentence joined only by commas and "and"/"or"
    (a "north of X" between them says where one lies and is no member); each member is a town,
    district, oblast or front sector."""
    if place is None or place.precision not in _LISTED or place.start is None:
        return []
    in_sent = sorted((p for p in places if sent.start <= p.start and p.end <= sent.end), key=lambda p: p.start)
    members = [p for p in in_sent if not _RELATIVE.search(doc.text, max(sent.start, p.start - 30), p.start)]
    at = next((k for k, p in enumerate(members) if (p.start, p.end) == (place.start, place.end)), None)
    if at is None:
        return []

    def joined(a: Place, b: Place) -> bool:
        gap = doc.text[a.end : b.start]
        for r in doc.places:  # drop "north of Kyiv," between two members
            if a.end <= r.start and r.end <= b.start:
                gap = gap.replace(doc.text[r.start : r.end], "")
        gap = _RELATIVE_PHRASE.sub("", gap)
        return bool(_LIST_GAP.fullmatch(gap))
    group = [members[at]]
    k = at
    while k > 0 and joined(members[k - 1], members[k]):
        k -= 1
        group.insert(0, members[k])
    k = at
    while k + 1 < len(members) and joined(members[k], members[k + 1]):
        k += 1
        group.append(members[k])
    seen = {place.gazetteer_id}
    out = []
    for p in group:
        if p.precision in _LISTED and p.gazetteer_id not in seen:
            seen.add(p.gazetteer_id)
            out.append(p)
    return out


_RELATIVE = re.compile(rf"\b{DIRECTIONS}\s+of\s+(?:the\s+)?$", re.IGNORECASE)
_RELATIVE_PHRASE = re.compile(rf"\b{DIRECTIONS}\s+of\s+(?:the\s+)?", re.IGNORECASE)
# between members: commas and "and"; a relative clause on the member before ("X, where one
# person died, and Y"); what kind of place the next one is ("and the north-eastern Y region")
_LIST_GAP = re.compile(
    rf"\s*(?:,\s*(?:where|which)\b[^,;()]*?(?=,))?(?:,\s*)*(?:(?:and|or)\s+)?"
    rf"(?:the\s+(?:(?:{DIRECTIONS}|central)\s+)?(?:(?:city|town|village|region|province|district)\s+of\s+)?)?",
    re.IGNORECASE)


def _at(e: Event, place: Place, toll: Count | None = None) -> Event:
    """The event again at another place of its list: one record per place. A toll the sentence
    gives for the whole list stays on the first record only: the text does not split it; a toll
    it gives for this place (`toll`, of the first record's kind) is this record's."""
    key = f"{e.id}:{place.gazetteer_id}"
    killed = toll if toll is not None and e.fatalities is not None else None
    hurt = toll if toll is not None and e.fatalities is None else None
    return replace(e, id=hashlib.sha1(key.encode()).hexdigest()[:16], place=place, fatalities=killed, injured=hurt)


_SAYS_WHERE_ANOTHER_LIES = re.compile(
    rf"[A-Z][\w'\u2019-]+,\s+(?:(?:just|some|about)\s+)?(?:\d+\s*(?:km|kilometres|kilometers|miles)\s+)?"
    rf"{DIRECTIONS}\s+of\s+(?:the\s+)?(?:city\s+of\s+)?$"
)
# "less than a three-hour drive to Kyiv", "within striking distance of Kyiv": a place named to
# measure how far something is, not where it happens
_A_DISTANCE_TO = re.compile(
    r"\b(?:drive|walk|flight|ride|journey|hours?|minutes?|distance)(?:\s+away)?\s+(?:from|to|of)\s+"
    r"(?:the\s+)?(?:(?:Ukrainian|Russian|Belarusian)\s+)?(?:(?:capital|city|town)\s*,?\s+(?:of\s+)?)?$",
    re.IGNORECASE)
_REGION_OF_A_TOWN = re.compile(r"\s+(?:town|city|village|port|settlement)\s+of\s+[A-Z]")


# a street, road or square the gazetteer placed at the town in its name
_A_STREET = re.compile(r"\s(?:Street|St|Road|Rd|Avenue|Ave|Boulevard|Blvd|Lane|Drive|Highway|Square)\.?$", re.IGNORECASE)


def not_where(doc: Document, toks: TokenIndex, p: Place) -> bool:
    """Is this mention never an event's place, whatever the event?"""
    if any(e.label in _CONTAINERS and e.start <= p.start and p.end <= e.end and (e.start, e.end) != (p.start, p.end)
           for e in doc.entities):
        return True
    if p.precision == "country" and any(a.start <= p.start and p.end <= a.end and (a.start, a.end) != (p.start, p.end)
                                        for a in doc.actors):
        return True  # "the Armed Forces of Ukraine" (a region in one, "the forces of the LPR", still says where)
    if _NAME_TAIL.match(doc.text, p.end):
        return True
    if _A_STREET.search(p.text):
        return True  # "Seaton Street", "Sumska Street": named after a town, not in it
    if p.text.isupper() and len(p.text) <= 5 and (p.name or "").upper() != p.text:
        return True  # an acronym the gazetteer took for a town
    if re.match(r"[-\u2010\u2011]\s?[a-z]", doc.text[p.end : p.end + 3]):
        return True  # "Moscow-annexed Crimea", "Kyiv-based": a modifier, not a place of its own
    if _SAYS_WHERE_ANOTHER_LIES.search(doc.text, max(0, p.start - 60), p.start):
        return True  # "Chernihiv, north of Kyiv,": says where Chernihiv lies
    if _A_DISTANCE_TO.search(doc.text, max(0, p.start - 60), p.start):
        return True  # "a three-hour drive to Kyiv": a yardstick
    if _REGION_OF_A_TOWN.match(doc.text, p.end):
        return True  # "the Donetsk town of Bakhmut": the region a town is in, named as its modifier
    if _launch_site(toks, p):
        return True  # where the weapons were fired from
    tok = toks.head_of_span(p.start, p.end)
    if tok is None:
        return False
    head = toks.head(tok)
    if tok.dep == "nsubj" and any(c.dep == "prep" and c.text.lower() == "behind" for c in toks.children(head.i)):
        return True  # "Russia was behind the attacks": who did it, not where
    if tok.dep == "pobj" and head.text.lower() == "from" and (
            (who := toks.head(head).lemma.lower()) in _PEOPLE or who in person_words()):
        return True  # "three girls from Kyiv": where people come from, not where it happened
    if tok.dep == "dobj" and head.lemma.lower() in _ADDRESSED and (
            p.precision == "country" or (p.feature or "").startswith("P.PPLC") or (p.feature or "") == "P.PPLG"):
        return True  # "blamed Kyiv for the murder", "would join the Russian Federation": a state spoken of
    if tok.dep == "pobj" and head.text.lower() in ("in", "of", "at", "from", "for"):
        noun = toks.head(head)
        if noun.lemma.lower() in _INSTITUTION_NOUNS or noun.text.lower() in _INSTITUTION_NOUNS or noun.ent_type == "ORG":
            return True
    if tok.dep == "compound" and (head.lemma.lower() in _INSTITUTION_NOUNS or head.text.lower() in _INSTITUTION_NOUNS):
        return True  # "Kyiv officials", "Moscow talks"
    if tok.dep == "compound" and head.lemma.lower() in _WEAPON_NOUNS:
        return True  # "Grad rockets", "the GRAD missiles": a weapon's name, not where it fell
    if (p.feature or "").startswith("P.PPLC") or (p.feature or "") == "P.PPLG":
        after = doc.text[p.end : p.end + 3]
        first = tok
        for _ in range(4):  # "Kyiv and Moscow have traded accusations": a conjunct of the subject
            if first.dep != "conj":
                break
            first = toks.head(first)
        if first.dep in ("nsubj", "nsubjpass", "poss") or after.startswith(("'s", "\u2019s")) or (
                tok.dep == "pobj" and head.text.lower() == "by"):
            return True  # the capital standing for its government ("Moscow said", "a counter-attack by Kyiv")
    return False


def _launch_site(toks: TokenIndex, p: Place) -> bool:
    """"fired from bombers over the Caspian Sea", "launched from Belarus": the place hangs, through
    "from" or "over", under a verb of firing."""
    node = toks.head_of_span(p.start, p.end)
    through = False
    for _ in range(6):
        if node is None or node.i == node.head:
            return False
        head = toks.head(node)
        if node.dep == "pobj" and head.text.lower() in ("from", "over"):
            through = True
        if head.pos in ("VERB", "AUX") and head.lemma.lower() not in ("fly",):
            return through and head.lemma.lower() in _LAUNCH_VERBS
        node = head
    return False


def _seat(doc: Document, toks: TokenIndex, p: Place) -> bool:
    """"the X administration", "the governor of X", an organisation named after a place: the
    seat of who reports it."""
    if any(e.label == "ORG" and e.start <= p.start and p.end <= e.end and (e.start, e.end) != (p.start, p.end)
           for e in doc.entities) and not any(a.start <= p.start and p.end <= a.end for a in doc.actors):
        return True
    tok = toks.head_of_span(p.start, p.end)
    if tok is None:
        return False
    head = toks.head(tok)
    if tok.dep == "pobj" and head.text.lower() in ("in", "of", "at", "from"):
        head = toks.head(head)
    elif tok.dep not in ("compound", "amod", "nmod"):
        return False
    return head.lemma.lower() in _JURISDICTION_NOUNS or head.text.lower() in _JURISDICTION_NOUNS


_LAUNCH_VERBS = {"fire", "launch"}


def _of_an_authority(toks: TokenIndex, ptok) -> bool:
    """"the mayor of X", "the X regional administration": the seat of a local authority."""
    head = toks.head(ptok)
    if ptok.dep == "pobj" and head.text.lower() == "of":
        head = toks.head(head)
    elif ptok.dep not in ("compound", "amod", "nmod"):
        return False
    return head.lemma.lower() in _JURISDICTION_NOUNS or head.text.lower() in _JURISDICTION_NOUNS


# a venue verb whose subject or object is the event itself: "protests were held in X"
_STAGED = {"hold"}


def _beside(doc: Document, toks: TokenIndex, p: Place, tok, sent: Span) -> bool:
    """A place of the sentence outside the event's clause: where someone speaks or visits, or
    a clause of its own."""
    if tok is None or not (sent.start <= p.start and p.end <= sent.end):
        return False
    lo, hi = toks.subtree(tok.i)
    if lo <= p.start and p.end <= hi:
        return False
    ptok = toks.head_of_span(p.start, p.end)
    if ptok is None:
        return False
    if any(a.i == ptok.i for a in toks.ancestors(tok)):
        return False  # "Borodianka, where forces are accused of killing civilians"
    if _where_of(toks, tok, ptok):
        return False  # "touring Borodianka on Thursday, where ...": the parse hangs "where" on the day
    verb = next((a for a in toks.ancestors(ptok) if a.pos in ("VERB", "AUX")), None)
    if verb is None:
        return False
    if _of_an_authority(toks, ptok):
        return False  # "the mayor of Melitopol said two explosions ...": the town whose authority reports it
    if verb.lemma.lower() in _SPEECH_OR_VENUE:
        # not when the event is what was held or took place there ("protests were held in X")
        return not (toks.head(tok).i == verb.i and tok.dep in ("nsubj", "nsubjpass", "dobj")
                    and verb.lemma.lower() in _STAGED)
    # a clause of its own that does not hold the event ("the strikes came as leaders began a
    # summit in Bavaria"): its place is that clause's
    mine = toks.clause_verb(tok)
    if mine is not None and mine.dep in ("nsubj", "nsubjpass") and mine.i != mine.head:
        mine = toks.head(mine)  # "shelling continues ... and one person was killed in X": the clause is "continues"
    if mine is None or verb.i == mine.i or any(a.i == verb.i for a in toks.ancestors(tok)):
        return False
    if verb.dep == "conj" and toks.head(verb).i == mine.i:
        return False  # "stopped the assault and drove the invaders out of X": one clause's subject
    return verb.dep in ("advcl", "relcl", "ccomp", "conj", "parataxis") and toks.head(verb).i != tok.i


def _where_of(toks: TokenIndex, tok, ptok) -> bool:
    """Is the place what a "where" clause holding the event refers back to, though the parse
    hangs the clause on a word after it ("toured X on Thursday, where ...")? The place comes
    before the clause, and the clause hangs on a sibling of it under the same verb, that is not a
    place."""
    a = where_clause(toks, tok)
    if a is None:
        return False
    held = toks.head(a)
    if held.i == ptok.i or not ptok.i < held.i < a.i:
        return False
    up = toks.head(held)
    if up.dep == "prep":
        up = toks.head(up)
    return toks.head(ptok).i == up.i and held.ent_type not in ("GPE", "LOC", "FAC")


def _country_of_what_was_hit(doc: Document, toks: TokenIndex, tok, places: tuple[Place, ...]) -> Place | None:
    """"A missile strike on a Ukrainian mall", "kidnapped Ukrainian journalists": with no place
    of its own, an event is in the country its target belongs to, as a country-level place the
    article names elsewhere (a rough placement, and said so by its precision)."""
    hit = [o for c in toks.children(tok.i) if c.dep == "prep" and c.text.lower() in ("on", "against")
           for o in toks.children(c.i) if o.dep == "pobj"]
    hit += [c for c in toks.children(tok.i) if c.dep in ("dobj", "nsubjpass")]
    demonyms = load_lexicon("geo")["demonyms"]  # "Ukrainian" -> "Ukraine"
    for noun in hit:
        for adj in toks.children(noun.i):
            name = demonyms.get(adj.text) if adj.dep in ("amod", "compound") else None
            country = next((p for p in places if p.precision == "country" and p.name == name), None) if name else None
            if country is not None:
                return country
    return None


def _main_country(doc: Document, bad: set) -> Place | None:
    """The country the article is about, as a country-level place it names: the country of at
    least two thirds of its resolved places (a rough placement, and said so by its precision)."""
    located = [p for p in doc.places if p.resolved and p.country and not p.dateline and (p.start, p.end) not in bad]
    if len(located) < 3:
        return None
    counts: dict[str, int] = {}
    for p in located:
        counts[p.country] = counts.get(p.country, 0) + 1
    code, n = max(counts.items(), key=lambda kv: kv[1])
    if n * 3 < len(located) * 2:
        return None
    return next((p for p in located if p.country == code and p.precision == "country"), None)


def _told_on(doc: Document, before: list[Event], e: Event) -> Event | None:
    """A paragraph that names no place and goes on with the kind of event the paragraph before
    told ("Thousands protested in X." / "Riot police used water cannon to disperse
    protesters."): the discourse carries that event's place (when it was below the country and
    the two are not told of different days)."""
    for b in reversed(told_just_before(doc.text, before, e)):
        if b.type == e.type and b.certainty in HAPPENED and not b.background and b.place is not None \
                and b.place.precision not in ("country", "continent", "region") \
                and _same_day_or_undated(b, e):
            return b
    return None


def _same_day_or_undated(a: Event, b: Event) -> bool:
    stated = [e.time.value for e in (a, b) if e.time is not None and e.time.basis in ("stated", "context")]
    return len(stated) < 2 or stated[0] == stated[1]


def _carried(doc: Document, allowed: tuple[Place, ...], sent: Span) -> Place | None:
    """The last resolved place below the country before the sentence in its paragraph."""
    lo, _ = paragraph(doc.text, sent.start)
    earlier = [p for p in allowed if lo <= p.start and p.end <= sent.start and p.resolved and not p.dateline
               and p.precision not in ("country", "continent", "region")]
    return earlier[-1] if earlier else None
