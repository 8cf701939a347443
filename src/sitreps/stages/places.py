"""Places stage: place names in the text, resolved against the gazetteer.

Two steps, each usable alone (the evaluation feeds gold spans straight to the second):

- `recognize`: the model's GPE/LOC/FAC entities (the NLP stage's gazetteer matcher adds names
  the model missed) minus what is not a place: slogans ("Glory to X"), metonymy (a country or
  capital that speaks or owns an army is an actor), demonyms and adjectives, first names.
- `resolve`: each mention's candidates from the gazetteer (folded names, "X region" forms),
  ranked with the document's context: country focus, "X, Y" and "X in/near Y" pairs, the
  first-level divisions the article is about, distance to the places already placed, cue words
  (river, village, district, region), feature class and population. "X, <division or
  country>" picks the X inside it; a world-famous city is not outvoted by the article's
  country for a small namesake there. A mention whose best score stays under
  `places.min_score` is kept unresolved, with its span.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ..gazetteer import GazetteerEntry, distance_km, fold
from ..lexicons import load_lexicon
from ..records import Document, Place
from ._tokens import TokenIndex, index

PLACE_LABELS = {"GPE", "LOC", "FAC"}
# candidates' names are folded several times per mention and recur across documents
_fold = lru_cache(maxsize=65536)(fold)
# cue -> the feature classes it favours
CUE_CLASSES = {"admin": {"A"}, "district": {"A", "P"}, "water": {"H"}, "settlement": {"P"}}
# features whose entries contain others (an "X, Y" partner of this kind names X's container)
_CONTAINERS = {"A.PCLI", "A.ADM1", "A.ADM2", "A.ADM3"}
# a mention and a partner joined by one of these is "X, Y" or "X in Y"
_PAIR_JOINS = re.compile(r"^(?:,\s*|\s+(?:in|near|outside|of|on|at)\s+(?:the\s+)?|\s+\()$")


@dataclass(frozen=True, slots=True)
class Mention:
    """A stretch of text taken for a place name. `name` is the part looked up (no "the", no
    "'s"); `cue` is what the words around it say it is ("admin", "district", "water",
    "settlement"); `demonym` marks an adjective the resolver should map to its country."""

    start: int
    end: int
    name: str
    cue: str | None = None
    cue_end: int | None = None  # end of "<name> <cue word>" when the cue word follows
    demonym: bool = False
    adjective: bool = False  # tagged as an adjective: a place only if the gazetteer has the name
    role: str | None = None  # "subject" of a verb, or "modifier" of an actor's noun ("U.S. officials")
    person_word: bool = False  # the text is part of a person's name elsewhere in the document
    unseen: bool = False  # found by a pattern, not by the model: a place only if the gazetteer knows it
    context_only: bool = False  # stands for its government ("X said"): context for the others, never a place
    dateline: bool = False  # a dateline in capitals ("TORONTO —"): where the report was filed
    capital: bool = False  # "the French capital": a national capital, whatever town shares its name


@dataclass(slots=True)
class Resolution:
    mention: Mention
    candidates: list[GazetteerEntry]
    scores: list[float] = field(default_factory=list)
    loose: frozenset[str] = frozenset()  # candidates found only by a loose spelling
    looser: frozenset[str] = frozenset()  # ... and among them, only by their consonants
    settled: bool = False  # the text itself narrowed the candidates ("... of the capital"): no variants join

    @property
    def best(self) -> tuple[GazetteerEntry | None, float]:
        """The top candidate and the confidence in it (0..1): its score, scaled, plus a little
        for its lead over the runner-up."""
        if not self.scores:
            return None, 0.0
        k = max(range(len(self.scores)), key=self.scores.__getitem__)
        top = self.scores[k]
        rest = [s for i, s in enumerate(self.scores) if i != k]
        margin = top - max(rest) if rest else 0.3
        return self.candidates[k], round(max(0.0, min(1.0, top / 1.3 + 0.1 * min(margin, 0.3))), 3)


# ---------------------------------------------------------------------------- recognition


_NAME = r"[A-Z][\w'\u2019-]+(?:\s+[A-Z][\w'\u2019-]+)?"
# "north of", "south-eastern": how a text says where one place lies from another
DIRECTIONS = r"(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?"
_WHERE_OF = rf"{DIRECTIONS}\s+of\s+(?:the\s+)?[\w'\u2019-]+(?:\s+[A-Z][\w'\u2019-]+)?"
# a place in a list of regions: "the regions of X, north of Y, and Z", "the X, Y and Z oblasts"
_ADMIN_LIST_BEFORE = re.compile(
    rf"\b(?:regions|provinces|oblasts)\s+of\s+(?:{_NAME}(?:\s+{_WHERE_OF})?\s*(?:,\s*(?:{_WHERE_OF}\s*,\s*)?)?(?:(?:and|or)\s+)?)*$"
)
_ADMIN_LIST_AFTER = re.compile(rf"(?:\s*,\s*{_NAME})*\s*,?\s+(?:and|or)\s+{_NAME}\s+(?:regions|provinces|oblasts)\b")


def _cue(text: str, start: int, end: int, lex: dict) -> tuple[str | None, int]:
    """What the words right after (or before) a name say it is; returns (cue, new end)."""
    after = text[end : end + 24]
    word = after.lstrip(" ").split(" ")[0].strip(",.;:()").lower() if after.startswith(" ") else ""
    new_end = end + (len(after) - len(after.lstrip(" "))) + len(word) if word else end
    for cue, key in (("admin", "admin_cues"), ("district", "district_cues"), ("water", "water_cues")):
        if word in lex[key]:
            return cue, new_end
    before = text[max(0, start - 20) : start].lower()
    if any(before.endswith(p + " ") for p in lex["water_before"]):
        return "water", end
    if before.endswith("region of ") or before.endswith("province of "):
        return "admin", end
    if _ADMIN_LIST_BEFORE.search(text, max(0, start - 160), start) or _ADMIN_LIST_AFTER.match(text, end):
        return "admin", end  # "the regions of X, Y and Z", "the X and Y regions": each one a region
    if word in lex["settlement_cues"] or any(before.endswith(f"{w} of ") for w in lex["settlement_cues"]):
        return "settlement", end
    return None, end


def _in_slogan(text: str, start: int, lex: dict) -> bool:
    for pattern in lex["slogans"]:
        head = pattern.split("{X}")[0]
        if head and text[max(0, start - len(head)) : start].lower() == head:
            return True
    return False


def _is_metonymy(toks, start: int, end: int, lex: dict) -> bool:
    """A country/capital name that speaks ("X said") or owns a force ("X's army")."""
    head = toks.head_of_span(start, end)
    if head is None:
        return False
    if head.dep in ("nsubj", "nsubjpass"):
        verb = toks.head(head)
        if verb.lemma.lower() in lex["metonymy_verbs"]:
            return True
    if head.dep == "poss":
        owner = toks.head(head)
        if owner.lemma.lower() in lex["owned_nouns"] or owner.text.lower() in lex["owned_nouns"]:
            return True
    if head.dep == "compound":
        owner = toks.head(head)
        if owner.text.lower() in lex["compound_owners"] and not _dash_between(toks, end, owner):
            return True
    return False


def _dash_between(toks, end: int, owner) -> bool:
    """"Kupyansk - Defence Ministry": the parser may join a headline's place and source, but a
    dash between them means the place does not qualify the noun."""
    return any(t.text in ("-", "\u2013", "\u2014", "--") for t in toks.in_span(end, owner.start))


_QUOTES = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb"


def _names_a_thing(text: str, start: int, end: int, lex: dict) -> bool:
    """A weapon's or a grouping's name: quoted, or next to a word such as "MLRS" or "grouping"."""
    if text[start - 1 : start] in _QUOTES and text[end : end + 1] in _QUOTES:
        return True
    words = lex["named_thing_words"]
    before = text[max(0, start - 30) : start].rstrip(_QUOTES + " ").rsplit(None, 1)
    after = text[end : end + 30].lstrip(_QUOTES + " ").split(None, 1)
    return bool(before and before[-1].lower().strip(",.:;") in words or after and after[0].lower().strip(",.:;") in words)


def _is_demonym(name: str, lex: dict) -> bool:
    return (
        name in lex["demonyms"]
        or any(name.endswith(suffix) for suffix in lex["demonym_suffixes"])
        and name not in lex["names_not_demonyms"]
    )


def _role(toks, start: int, end: int, lex: dict) -> str | None:
    """"subject" when the name is the subject of an action verb ("Russia invaded"), "modifier"
    when it qualifies an actor or institution ("U.S. officials", "China's economy")."""
    head = toks.head_of_span(start, end)
    if head is None:
        return None
    owner = toks.head(head)
    if head.dep in ("nsubj", "nsubjpass") and owner.pos in ("VERB", "AUX"):
        if owner.lemma.lower() not in lex["literal_subject_verbs"]:
            return "subject"
    if head.dep in ("compound", "amod", "nmod", "poss") and owner.i != head.i and not _dash_between(toks, end, owner):
        noun = owner.lemma.lower()
        if noun in lex["actor_nouns"] or owner.text.lower() in lex["actor_nouns"]:
            return "modifier"
    # "sanctions against Russia", "talks with China": the party to a relation is its state
    if head.dep == "pobj" and owner.text.lower() in lex["relation_preps"]:
        noun = toks.head(owner)
        if noun.i != owner.i and noun.lemma.lower() in lex["relation_nouns"]:
            return "party"
    # "accused Russia", "urged China": the object of a verb addressed to a state
    if head.dep == "dobj" and owner.lemma.lower() in lex["addressed_verbs"]:
        return "party"
    return None


def _is_adjective(toks, start: int, end: int) -> bool:
    head = toks.head_of_span(start, end)
    return head is not None and head.pos == "ADJ"


def _is_first_name(toks, text: str, start: int, end: int) -> bool:
    """"Vladimir" in "Vladimir Smith" is not a place."""
    nxt = toks.at(end + 1) if text[end : end + 1] == " " else None
    return bool(nxt and nxt.ent_type == "PERSON" and nxt.pos == "PROPN")


_INITIALS = re.compile(r"(?:\b[A-Z][a-z]?\.\s?){2,}$")


def _strip(text: str, start: int) -> tuple[str, int]:
    """"the X" -> "X"; "X's" -> "X"; surrounding punctuation off."""
    for art in ("the ", "The "):
        if text.startswith(art):
            text, start = text[len(art) :], start + len(art)
    text = text.removesuffix("'s").removesuffix("\u2019s")
    stripped = text.lstrip("\"'\u201c\u2018(")
    start += len(text) - len(stripped)
    # "Kreminna - Marochko": a headline's dash starts the source, not more of the name
    stripped = re.split(r"\s+[-\u2013\u2014]\s*", stripped, maxsplit=1)[0]
    if _INITIALS.search(stripped):
        return stripped.rstrip("\"'\u201d\u2019),;:- "), start  # "U.S.", "D.C." keep their stop
    return stripped.rstrip("\"'\u201d\u2019).,;:- "), start


_DISTRICT = re.compile(r"\b([A-Z][a-z]+(?:-[A-Z][a-z]+)? (?:district|raion|microdistrict))\b(?= (?:of|in) [A-Z])")
# "the village of X": a settlement the model did not tag (small villages, Russian spellings)
_SETTLEMENT = re.compile(
    r"\b(?:village|town|city|settlement|hamlet|township) of ((?:[A-Z][a-z'’]+)(?:[- ][A-Z][a-z'’]+)?)\b"
)


# "TORONTO —", "RALEIGH, N.C. (AP) -", "MANILA, Philippines –": a dateline in capitals at the
# start of a line or after a byline, which the model (trained on mixed case) rarely tags
_CAPS_DATELINE = re.compile(
    r"(?:^|(?<=[.!?\"\u201d]\s))(?P<name>[A-Z][A-Z'\u2019.\-]+(?: [A-Z][A-Z'\u2019.\-]+){0,3})"
    r"(?=(?:,{1,2}\s*[\w.]+(?:[\s,]+[\w.]+){0,4})?\s*(?:\([^)\n]{1,30}\)|(?:[-\u2013\u2014]{1,2}|:)))",
    re.MULTILINE,
)


# "at Cavan Town Hall", "in the Seoul Central District Court": an organisation's name after "at"
# or "in" is often the building it sits in, placed by the place its name holds
_VENUE_BEFORE = re.compile(r"\b(?:at|in)\s+(?:the\s+)?$")
_IN_BEFORE = re.compile(r"\b[Ii]n\s+$")


def _is_venue(name: str, lex: dict) -> bool:
    """A building's or an institution's name that holds a place: "Cavan Town Hall", "University
    of Leeds" (not "the Cossack duel": one word is a name, not a venue)."""
    words = name.lower().replace("’", "'").split()
    return len(words) >= 2 and (words[-1] in lex["container_heads"] or words[0] in lex["container_of"])


def _is_object_of_preposition(toks, start: int, end: int) -> bool:
    """"in Kent" (a place the model took for an organisation), not "in the Cossack duel" (a
    name qualifying a noun)."""
    head = toks.head_of_span(start, end)
    return head is not None and head.dep == "pobj"


def _labelled_otherwise(ent, text: str, toks, lex: dict) -> bool:
    """A place the model labelled an organisation ("in Kent", "at Cavan Town Hall") or a person
    ("In Boise, users pay ...": no one is "in" a person); a place only if the gazetteer knows it."""
    if ent.label == "ORG" and _VENUE_BEFORE.search(text, max(0, ent.start - 8), ent.start):
        return _is_venue(ent.text, lex) or toks is not None and _is_object_of_preposition(toks, ent.start, ent.end)
    if ent.label == "PERSON" and toks is not None and _IN_BEFORE.search(text, max(0, ent.start - 4), ent.start):
        return _is_object_of_preposition(toks, ent.start, ent.end)
    return False


def recognize(doc: Document, lex: dict | None = None) -> list[Mention]:
    """The place mentions of a parsed document, filtered."""
    lex = lex or load_lexicon("geo")
    toks = index(doc) if doc.tokens else None
    person_words = {w for e in doc.entities if e.label == "PERSON" and " " in e.text for w in e.text.split()}
    people = [(e.start, e.end) for e in doc.entities if e.label == "PERSON"]
    never = set(lex["never_places"])
    titles = set(lex["titles"])
    mentions = []
    for ent in doc.entities:
        venue = _labelled_otherwise(ent, doc.text, toks, lex)
        if ent.label not in PLACE_LABELS and not venue:
            continue
        name, start = _strip(ent.text, ent.start)
        end = start + len(name)
        if not name or _in_slogan(doc.text, start, lex):
            continue
        before = doc.text[max(0, start - 16) : start].split()
        if before and before[-1] in titles:
            continue  # "President Buhari", "Gov. Kemp": a person
        if _is_demonym(name, lex):
            continue
        if _a_label_in_brackets(doc, start, end):
            continue  # "Sen. Bernie Sanders (Vt.)", "the National Rifle Association (NRA)"
        if not any(ch.isupper() for ch in name):
            continue  # "a", "the front": a place name has a capital
        if name in lex["named_things"] and _names_a_thing(doc.text, start, end, lex):
            continue  # MLRS "Grad", the "Vostok" grouping
        if toks is not None and _is_first_name(toks, doc.text, start, end):
            continue
        if toks is not None and people and _a_surname_beside_a_person(doc.text, toks, start, end, people):
            continue  # "authorities said Brown and Jordan shot ...": two men, not a man and a country
        if toks is not None and _a_nickname(toks, doc.text, start, end):
            continue  # "the Queen City remains in limbo": Charlotte's nickname, not the town of that name
        if toks is not None and _is_metonymy(toks, start, end, lex):
            # "the DPR reported": not where anything is, but still which region the text is about
            mentions.append(replace(mention_at(doc.text, start, end, lex), context_only=True))
            continue
        m = mention_at(doc.text, start, end, lex)
        if venue:
            m = replace(m, unseen=True)  # "at Cavan Town Hall": a place only where the name holds one
        if m.name in never and not m.cue:
            continue  # "West" alone is not a place; "the North region" may be
        if toks is not None:
            m = replace(m, adjective=_is_adjective(toks, start, end), role=_role(toks, start, end, lex))
        if name in person_words:
            m = replace(m, person_word=True)
        mentions.append(m)
    # "the Petrovsky district of X": city districts the model does not tag
    taken = [(m.start, m.end) for m in mentions] + [
        (e.start, e.end) for e in doc.entities if e.label not in ("PERSON", "ORG", "NORP", "PRODUCT", "WORK_OF_ART")
    ]  # "the city of X" is a place whatever name the model took X for; a date or a place it tagged stands
    not_datelines = set(lex["dateline_stopwords"])
    datelines = [
        hit for hit in _CAPS_DATELINE.finditer(doc.text)
        if sum(ch.isalpha() for ch in hit["name"]) >= 3 and hit["name"].rstrip(".") not in not_datelines
    ]
    tagged_datelines = set()
    for hit in (*_DISTRICT.finditer(doc.text), *_SETTLEMENT.finditer(doc.text), *datelines):
        start, end = hit.span(1)
        if any(a < end and start < b for a, b in taken):
            if hit.re is _CAPS_DATELINE:  # "CHARLOTTE -" the model tagged itself is still a dateline
                tagged_datelines.add((start, end))
            continue
        taken.append((start, end))
        m = replace(mention_at(doc.text, start, end, lex), unseen=True, dateline=hit.re is _CAPS_DATELINE)
        mentions.append(m)
    if tagged_datelines:
        mentions = [replace(m, dateline=True) if (m.start, m.end) in tagged_datelines else m for m in mentions]
    mentions += _capitals_by_adjective(doc.text, mentions, lex)
    return sorted(mentions, key=lambda m: m.start)


def _a_surname_beside_a_person(text: str, toks: TokenIndex, start: int, end: int,
                               people: list[tuple[int, int]]) -> bool:
    """A one-word name joined by "and" to a person the model tagged (`people`: their spans), the
    two the subject of a verb ("Brown and Jordan shot ..."), is a surname too; read as a country
    it would stand for its government, a party and not a place, either way."""
    if " " in text[start:end].strip():
        return False
    head = toks.head_of_span(start, end)
    if head is None:
        return False
    first = toks.head(head) if head.dep == "conj" else head
    if first.dep not in ("nsubj", "nsubjpass"):
        return False
    pair = [first, *(c for c in toks.children(first.i) if c.dep == "conj")]
    if len(pair) < 2 or all(t.i != head.i for t in pair):
        return False
    return any(lo <= t.start < hi for t in pair if t.i != head.i for lo, hi in people)


_NICKNAME = re.compile(r"\S+\s+(?:City|Town)")


def _a_nickname(toks: TokenIndex, text: str, start: int, end: int) -> bool:
    """"The Queen City remains ...", "life returned to the Windy City.": a city's nickname is
    "the" and a name in "City" or "Town" that heads its own phrase (not "the Charles City crash",
    "the Kansas City, Kan., police")."""
    if not _NICKNAME.fullmatch(text[start:end]) or text[max(0, start - 4) : start].lower() != "the ":
        return False
    after = next((t for t in toks.in_span(end, end + 40)), None)
    return after is not None and (after.pos in ("VERB", "AUX") or after.text in (".", ";", "!", "?"))


_LABEL_BEFORE = re.compile(r"\s\((?:[DRI]-)?$")
_LABEL_AFTER = re.compile(r"\.?\)")


def _a_label_in_brackets(doc: Document, start: int, end: int) -> bool:
    """A name in brackets that labels the words before it, not a place the text speaks of: a
    politician's state ("Sen. Bernie Sanders (Vt.)", "Rep. Jim Jordan (R-Ohio)") or an
    organisation's initials ("the National Rifle Association (NRA)")."""
    before = _LABEL_BEFORE.search(doc.text, max(0, start - 4), start)
    if before is None or not _LABEL_AFTER.match(doc.text, end):
        return False
    at = before.start()
    if any(e.label == "PERSON" and e.end == at for e in doc.entities):
        return True
    name = doc.text[start:end]
    words = re.findall(r"[A-Z][\w'\u2019-]*", doc.text[max(0, at - 80) : at])
    return name.isupper() and 2 <= len(name) <= 6 and "".join(w[0] for w in words[-len(name):]) == name


def _capitals_by_adjective(text: str, mentions: list[Mention], lex: dict) -> list[Mention]:
    """"The Ukrainian capital", "the French capital": the capital city, named by its country's
    adjective (lexicons/geo.toml [capital_by_adjective]); the span is the phrase."""
    capitals = lex["capital_by_adjective"]
    out = []
    for hit in _the_capital_of(tuple(capitals)).finditer(text):
        start, end = hit.span(1)
        if any(m.start < end and start < m.end and not m.demonym for m in mentions):
            continue
        out.append(Mention(start, end, capitals[hit["adj"]], cue="settlement", capital=True))
    return out


@lru_cache(maxsize=4)
def _the_capital_of(adjectives: tuple[str, ...]) -> re.Pattern:
    words = "|".join(map(re.escape, sorted(adjectives, key=len, reverse=True)))
    # not "the capital of X": X itself is named there
    return re.compile(rf"\b[Tt]he\s+((?P<adj>{words})\s+capital)\b(?!\s+(?:city\s+)?of\b)")


_HYPHEN_BEFORE = re.compile(r"\b([A-Z][\w'\u2019]+)-$")
_HYPHEN_AFTER = re.compile(r"-([A-Z][\w'\u2019]+)\b")


def join_hyphenated(text: str, mentions: list[Mention], gaz, lex: dict | None = None) -> list[Mention]:
    """A hyphenated name the model cut in two ("Kamenka-Dniprovska": a Russian first half and
    a Ukrainian second, so no spelling of it is in the entity ruler) becomes one mention when
    the gazetteer knows the whole name under some spelling. "Russia-Ukraine" stays two."""
    lex = lex or load_lexicon("geo")
    out: list[Mention] = []
    for m in mentions:
        if out and out[-1].end > m.start:
            continue  # swallowed by the joined name before it
        before = _HYPHEN_BEFORE.search(text, max(0, m.start - 40), m.start)
        after = _HYPHEN_AFTER.match(text, m.end)
        start = before.start(1) if before else m.start
        end = after.end(1) if after else m.end
        if (start, end) != (m.start, m.end) and _known_somehow(text[start:end], gaz):
            out = [o for o in out if o.end <= start]
            m = replace(mention_at(text, start, end, lex), role=m.role, unseen=m.unseen)
        out.append(m)
    return out


def _known_somehow(name: str, gaz) -> bool:
    return bool(
        gaz.lookup(name)
        or (hasattr(gaz, "lookup_loose") and gaz.lookup_loose(name))
        or (hasattr(gaz, "lookup_consonants") and gaz.lookup_consonants(name))
    )


def mention_at(text: str, start: int, end: int, lex: dict | None = None) -> Mention:
    """A mention for the span text[start:end] with the cue words around it (no filtering:
    the evaluation uses this for gold spans)."""
    lex = lex or load_lexicon("geo")
    name, start2 = _strip(text[start:end], start)
    if name:
        start, end = start2, start2 + len(name)
    cue, cue_end = _cue(text, start, end, lex)
    last = name.rsplit(" ", 1)[-1].lower() if " " in name else ""
    for kind, key in (("admin", "admin_cues"), ("district", "district_cues"), ("water", "water_cues")):
        if last in lex[key]:
            cue, cue_end = kind, end  # "X region" as one entity: the cue word is inside the name
    demonym = name in lex["demonyms"]
    return Mention(start, end, name or text[start:end], cue, cue_end if cue_end > end else None, demonym)


# ---------------------------------------------------------------------------- resolution


def _container(name: str, gaz, lex: dict) -> list[GazetteerEntry]:
    """The known place inside a name the gazetteer lacks: "Manila Cathedral" -> Manila,
    "University of California" -> California, "South Los Angeles" -> Los Angeles, an English
    county by its county town ("Oxfordshire" -> Oxford). The place found stands for the whole
    (the cathedral is in that city); nothing else is guessed."""
    words = name.split()
    if len(words) == 1 and name.endswith("shire") and len(name) > 8:
        return [e for e in gaz.lookup(name[: -len("shire")]) if e.country == "GB"]
    if len(words) < 2:
        return []
    lowered = [w.lower().strip(",.") for w in words]
    tries = []
    if "of" in lowered[1:-1]:
        k = lowered.index("of", 1)
        if lowered[k - 1] in lex["container_of"]:
            tries.append(" ".join(words[k + 1 :]))  # "Port of Los Angeles"
    if lowered[-1] in lex["container_heads"]:
        tries.append(" ".join(words[:-1]))  # "Manila Cathedral"
    if lowered[0] in lex["container_leads"]:
        tries.append(" ".join(words[1:]))  # "South Los Angeles"
    for attempt in tries:
        attempt = attempt.removeprefix("the ").strip()
        if attempt and attempt[:1].isupper():
            found = gaz.lookup(attempt) or _container(attempt, gaz, lex)
            if found:
                return found
    return []


def _union(a: list, b: list) -> list:
    seen = {e.id for e in a}
    return a + [e for e in b if e.id not in seen]


def _prior(
    entry: GazetteerEntry, m: Mention, namesake_regions: set[str], keys: set[str], cue_fits: bool,
    focus_countries: tuple[str, ...],
) -> float:
    """What the entry is worth before context: feature, population, cue, how it is named."""
    score = 0.3
    if entry.feature_code == "PCLI":
        score += 0.3  # a country's name means the country unless a cue says otherwise
    if _fold(entry.name) in keys:
        score += 0.1  # named so, not only through an alternate name (which carry junk)
    if entry.feature_code == "PPLC":
        score += 0.1  # news names capitals far more often than their namesakes ("Washington")
    if entry.country in focus_countries:
        score += 0.12
    if m.cue:
        if entry.feature_class in CUE_CLASSES[m.cue]:
            score += 0.25
        elif cue_fits:
            score -= 0.2  # another candidate is the kind of place the cue word says
        if m.cue == "district" and entry.feature_code in ("PPLX", "ADM2", "ADM3"):
            score += 0.1
        if m.cue == "settlement" and entry.feature_code == "PCLI":
            score -= 0.3  # "the city of X" is not the country X
    elif entry.feature_class == "P" and entry.admin1 in namesake_regions:
        score += 0.15  # "X" alone is the city, not the division named after it
    if entry.feature_code in _LARGE_FEATURES:
        score += 0.45  # continents, oceans, seas and named regions: no population, but well known
    if entry.coord_precision == "parent":
        score -= 0.02  # a located namesake is a safer guess than one placed by its parent
    return score + 0.45 * min(1.0, math.log10(entry.population + 1) / 7.0)


def _contains(outer: GazetteerEntry, inner: GazetteerEntry) -> bool:
    if outer.id == inner.id or outer.country != inner.country:
        return False
    if outer.feature_code == "PCLI":
        return True
    if outer.feature_code == "ADM1":
        return bool(inner.admin1) and inner.admin1 == outer.admin1 and inner.feature_code != "ADM1"
    if outer.feature_code in ("ADM2", "ADM3"):
        return inner.parent == outer.id or bool(inner.admin2) and inner.admin2 == outer.admin2
    return inner.parent == outer.id


def _related(a: GazetteerEntry, b: GazetteerEntry) -> float:
    """How strongly two entries named side by side ("X, Y", "X in Y") fit: containment, or
    being close."""
    if _contains(b, a) or _contains(a, b):
        return 1.0
    if a.feature_class in "PH" and b.feature_class in "PH" and a.feature_code != "PCLI":
        d = distance_km(a.lat, a.lon, b.lat, b.lon)
        if d < 60:
            return 0.8
        if d < 200:
            return 0.4
    return 0.0


def _partners(text: str, mentions: list[Mention]) -> dict[int, list[int]]:
    """Mentions joined by "X, Y" / "X in Y" / "X (Y)" / "X of Y": index -> partner indexes."""
    out: dict[int, list[int]] = {}
    order = sorted(range(len(mentions)), key=lambda k: mentions[k].start)
    for a, b in zip(order, order[1:], strict=False):
        ma, mb = mentions[a], mentions[b]
        gap = text[(ma.cue_end or ma.end) : mb.start]
        if len(gap) <= 12 and _PAIR_JOINS.match(gap):
            out.setdefault(a, []).append(b)
            out.setdefault(b, []).append(a)
    return out


_OF_THE_CAPITAL = re.compile(r"\s+(?:district\s+)?of\s+the\s+(?:[A-Z]\w+\s+)?capital\b")


def _is_a_capital(entry_id: str, gaz) -> bool:
    """Is the gazetteer entry `entry_id` a national capital?"""
    names = gaz.names_of(entry_id) if hasattr(gaz, "names_of") else []
    return any(e.id == entry_id and e.feature_code == "PPLC" for name in names[:1] for e in gaz.lookup(name))


def resolve(doc_text: str, mentions: list[Mention], gaz, settings=None, lex: dict | None = None) -> list[Resolution]:
    """Rank the candidates of every mention with the document's context (see the module doc)."""
    lex = lex or load_lexicon("geo")
    focus_countries = tuple(settings.places.focus_countries) if settings is not None else ()
    cue_words = {}
    for m in mentions:
        if m.cue_end is not None:
            cue_words[m] = doc_text[m.end : m.cue_end].strip()
    res = []
    cache: dict[tuple, list[GazetteerEntry]] = {}
    for m in mentions:
        key = (m.name, cue_words.get(m), m.demonym, m.capital)
        if key not in cache:
            cache[key] = _candidates(m, cue_words.get(m), gaz, lex)
        candidates, loose = cache[key]
        in_capital = []
        if _OF_THE_CAPITAL.match(doc_text, m.cue_end or m.end):
            # "the Shevchenkivskyi district of the capital": the district of a capital city
            in_capital = [c for c in candidates if c.parent and _is_a_capital(c.parent, gaz)]
        res.append(Resolution(m, in_capital or candidates, loose=loose, settled=bool(in_capital)))
    if not res:
        return res
    _add_vowel_variants(res, gaz, focus_countries, lex)

    # country focus: the countries of unambiguous mentions (all candidates in one country)
    focus: Counter = Counter()
    for r in res:
        countries = {c.country for c in r.candidates if c.country}
        if len(countries) == 1:
            focus[countries.pop()] += 1
    n_focus = sum(focus.values())
    priors = []
    # per mention, the small namesakes of a world-famous city abroad: in a story that also
    # names places abroad, the country the article is about says nothing for them ("the attacks
    # in Paris" in a story of American politics are France's); only a place near them in their
    # own division, a partner ("Paris, Texas") or a cue does
    local_only: list[frozenset[str]] = []
    for r in res:
        namesakes = {c.admin1 for c in r.candidates if c.feature_code == "ADM1" and c.admin1}
        abbr = lex["abbreviations"].get(r.mention.name) or lex["abbreviations"].get(r.mention.name + ".")
        keys = {fold(r.mention.name), fold((abbr or r.mention.name).partition("|")[0])}
        fits = bool(r.mention.cue) and any(c.feature_class in CUE_CLASSES[r.mention.cue] for c in r.candidates)
        # when some candidate bears the name itself, one known by it only as an alternate name
        # (which carry history and junk: "Twickenham" for an American city) is a weaker guess;
        # not in the focus countries, where alternate names are the other romanisations
        named_pop = max((c.population for c in r.candidates if _fold(c.name) in keys), default=None)
        # a country's or an ocean's name means it: the small towns named after it ("China",
        # Texas; "Atlantic", Iowa) need a partner or a cue ("China, Texas") to win; a city inside
    # it ("Kuwait", "Gaza") is not a namesake but its usual meaning
        famous = {c.country for c in r.candidates if c.id not in r.loose and _is_famous(c, keys)}
        # a big first-level division named so ("Wales", "Ontario", "Wyoming") is what the bare
        # name means; the towns named after it elsewhere need a partner or a cue to win
        divisions = {c.admin1 for c in r.candidates if c.feature_code == "ADM1" and c.id not in r.loose
                     and c.population >= _FAMOUS_DIVISION and _fold(c.name) in keys}
        local_only.append(_namesakes_of_famous_city(r, keys))
        priors.append([
            _prior(c, r.mention, namesakes, keys, fits, focus_countries)
            - (0.15 if c.id in r.loose else 0.0)
            - (_VOWEL_VARIANT if c.id in r.looser else 0.0)
            - (_ALIAS_ONLY if _alias_only(c, keys, named_pop, focus_countries) else 0.0)
            - (_NAMESAKE_OF_FAMOUS if famous and c.country not in famous and _is_small_namesake(c, r.mention, keys) else 0.0)
            - (_NAMESAKE_OF_FAMOUS if divisions and c.admin1 not in divisions
               and _is_small_namesake(c, r.mention, keys) and c.population < _FAMOUS_DIVISION_NAMESAKE else 0.0)
            for c in r.candidates
        ])
    for r, p in zip(res, priors, strict=True):
        r.scores = [s + (0.3 * focus[c.country] / n_focus if n_focus and c.country else 0.0)
                    for c, s in zip(r.candidates, p, strict=True)]

    # regions the other names could be in: a candidate whose first-level division is among the
    # possible divisions of other, different names is likelier ("Paris" with "Henry County":
    # the state that has both). A name possible in few divisions says more than a common one.
    votes: dict[str, dict[tuple, float]] = {}
    for r in res:
        key = fold(r.mention.name)
        if key in votes or not r.candidates:
            continue
        regions_of = {(c.country, c.admin1) for c in r.candidates[:120] if c.admin1}
        if regions_of:
            votes[key] = {reg: 1.0 / len(regions_of) for reg in regions_of}
    cooc = []
    for r in res:
        own = fold(r.mention.name)
        others = [v for k, v in votes.items() if k != own]
        total = sum(max(v.values()) for v in others)
        cooc.append([
            sum(v.get((c.country, c.admin1), 0.0) for v in others) / total if total and c.admin1 else 0.0
            for c in r.candidates
        ])

    # "Paris, Texas", "London, Ontario": a place followed by the division or country it lies in
    # is the namesake inside it, whatever else the text is about
    placed = _placed_by_division(doc_text, res)
    for k, ids in placed.items():
        priors[k] = [s + (_IN_NAMED_DIVISION if c.id in ids else 0.0) for c, s in zip(res[k].candidates, priors[k], strict=True)]

    partners = _partners(doc_text, [r.mention for r in res])
    # two more passes: context from the first pass's choices (regions the article is about,
    # places already placed, partners); each pass rescored from the priors
    names = [fold(r.mention.name) for r in res]
    cued = {name: r for name, r in zip(names, res, strict=True) if r.mention.cue in ("settlement", "water")}
    for k, ids in placed.items():
        if not res[k].mention.cue and any(c.feature_code not in _DIVISION_KINDS for c in res[k].candidates if c.id in ids):
            cued.setdefault(names[k], res[k])  # "Paris, Texas" says what a later bare "Paris" is
    for _ in range(2):
        chosen = [r.best for r in res]
        # one vote per distinct name: a name repeated ten times does not outvote the others
        picks: dict[str, GazetteerEntry] = {}
        for name, (e, _) in zip(names, chosen, strict=True):
            if e is not None:
                picks.setdefault(name, e)
        regions = Counter(e.admin1 for e in picks.values() if e.admin1 and e.feature_code != "PCLI")
        countries = Counter(e.country for e in picks.values() if e.country)
        anchors = [e for e in picks.values() if e.feature_class in "PH" and e.feature_code != "PCLI"]
        new_scores = []
        for k, r in enumerate(res):
            scores = []
            mates = [res[j] for j in partners.get(k, ())]
            mine = picks.get(names[k])  # this name's own vote, left out below
            n_countries = sum(countries.values()) - (1 if mine is not None and mine.country else 0)
            n_regions = sum(regions.values()) - (
                1 if mine is not None and mine.admin1 and mine.feature_code != "PCLI" else 0
            )
            unsupported = _unsupported(r.candidates, local_only[k], picks.values(), mine) if local_only[k] else set()
            for i, (c, s) in enumerate(zip(r.candidates, priors[k], strict=True)):
                s += _COOC_WEIGHT * cooc[k][i]
                if n_countries > 0 and c.country and c.id not in unsupported:
                    own = 1 if mine is not None and mine.country == c.country else 0
                    s += 0.3 * (countries[c.country] - own) / n_countries
                if n_regions > 0 and c.admin1:
                    # other names, not this one's own choice, tell which region this is
                    own = 1 if mine is not None and mine.admin1 == c.admin1 and mine.feature_code != "PCLI" else 0
                    s += 0.2 * (regions[c.admin1] - own) / n_regions
                if anchors and c.feature_class in "PH":
                    near = sum(
                        1 for a in anchors
                        if a.id != c.id and a is not mine and distance_km(a.lat, a.lon, c.lat, c.lon) < 150
                    )
                    s += 0.15 * min(1.0, near / 2)
                for mate in mates:
                    best_fit = max((_related(c, d) * min(1.0, ds) for d, ds in zip(mate.candidates[:25], mate.scores[:25], strict=False)), default=0.0)
                    s += 0.35 * best_fit
                scores.append(s)
            new_scores.append(scores)
        for r, scores in zip(res, new_scores, strict=True):
            r.scores = scores
    # one sense per name: "the city of X" says what the bare "X" elsewhere in the text is
    for k, r in enumerate(res):
        lead = cued.get(names[k])
        if lead is not None and not r.mention.cue and [c.id for c in r.candidates] == [c.id for c in lead.candidates]:
            r.scores = list(lead.scores)
    return res


_DIVISION_AFTER = re.compile(r"^(?:,\s*|\s+\(\s*)$")
_LIST_GOES_ON = re.compile(r"^(?:,\s*(?:(?:and|or)\s+)?|\s+(?:and|or|&)\s+)$")
_DIVISION_KINDS = ("ADM1", "PCLI")


def _placed_by_division(text: str, res: list[Resolution]) -> dict[int, set[str]]:
    """Mentions of the form "X, Y" or "X (Y)" where Y reads as a first-level division or a
    country and X does not: index -> the ids of the candidates that lie in Y, for both X and Y
    (Y's own id: "Athens, Georgia" makes Georgia the state). A list of divisions or countries
    ("Ohio, Illinois and Indiana") is not such a pair: there X reads as a division itself."""
    out: dict[int, set[str]] = {}
    order = sorted(range(len(res)), key=lambda k: res[k].mention.start)
    for n, (a, b) in enumerate(zip(order, order[1:], strict=False)):
        ma, mb = res[a].mention, res[b].mention
        if not _DIVISION_AFTER.match(text[(ma.cue_end or ma.end) : mb.start]):
            continue
        x, y = res[a].best[0], res[b].best[0]
        if x is None or y is None or x.feature_code in _DIVISION_KINDS or y.feature_code not in _DIVISION_KINDS:
            continue
        after = order[n + 2] if n + 2 < len(order) else None
        if after is not None and _LIST_GOES_ON.match(text[(mb.cue_end or mb.end) : res[after].mention.start]):
            following = res[after].best[0]
            if following is None or following.feature_code != "PCLI":
                continue  # "Washington, New York and Boston": a list, not a town and its state
        best, inside = None, set()
        for cy, sy in zip(res[b].candidates, res[b].scores, strict=True):
            if cy.feature_code not in _DIVISION_KINDS or cy.id in res[b].loose or best is not None and sy <= best[1]:
                continue
            if cy.feature_code == "PCLI" and y.feature_code != "PCLI":
                continue  # "Torti (Panama Province)": the province, not the country
            ids = {cx.id for cx in res[a].candidates if _contains(cy, cx)}
            if ids:
                best, inside = (cy, sy), ids
        if best is not None:
            out.setdefault(a, set()).update(inside)
            if best[0].id != y.id:
                out.setdefault(b, set()).add(best[0].id)
    return out


def _is_famous(c: GazetteerEntry, keys: set[str]) -> bool:
    """A country named so, or a continent, ocean, sea or world region by any of its names."""
    return c.feature_code in _LARGE_FEATURES or c.feature_code == "PCLI" and _fold(c.name) in keys


def _is_small_namesake(c: GazetteerEntry, m: Mention, keys: set[str]) -> bool:
    """A populated place sharing a famous feature's name, small enough to be the lesser guess."""
    if _is_famous(c, keys) or m.cue == "settlement":
        return False
    return c.feature_class in "PA" and c.feature_code not in ("PCLI", "ADM1") and c.population < 500_000


def _namesakes_of_famous_city(r: Resolution, keys: set[str]) -> frozenset[str]:
    """The candidates that are small namesakes abroad of a world-famous city among the
    candidates (a national capital or a very large city): "Paris" the town in Texas beside the
    capital of France. None when a cue says what kind of place the name is."""
    if r.mention.cue or r.mention.demonym:
        return frozenset()
    famous = [c for c in r.candidates if c.id not in r.loose and c.feature_class == "P" and _fold(c.name) in keys and (
        c.population >= _FAMOUS_CITY or c.feature_code == "PPLC" and c.population >= _FAMOUS_CAPITAL)]
    if not famous:
        return frozenset()
    return frozenset(
        c.id for c in r.candidates
        if c.feature_code not in ("PCLI", "ADM1") and c.feature_class in "PA"
        and all(c.country != f.country and c.population * _FAMOUS_CITY_RATIO < f.population for f in famous)
    )


def _unsupported(candidates, namesakes: frozenset[str], picks, mine) -> set[str]:
    """The namesakes the text does not support, of a story that names a place outside their
    country. Support is a place chosen for another name within `_SUPPORT_KM` of the namesake
    and in its first-level division ("a Paris man ... in Puryear"); the division's own name
    does not count ("Beaumont, Tex." in a story of Washington politics does not make its
    "Paris" the Texan one). A story that names nothing abroad is local news, where the country
    it is about still decides ("a Paris man was arrested" in a Texan paper)."""
    picks = [p for p in picks if p is not mine]
    nearby = [p for p in picks if p.feature_code not in _DIVISION_KINDS]
    return {
        c.id for c in candidates if c.id in namesakes
        and any(p.country != c.country for p in picks)
        and not any(
            p.country == c.country and p.admin1 == c.admin1 and distance_km(p.lat, p.lon, c.lat, c.lon) < _SUPPORT_KM
            for p in nearby
        )
    }


def _alias_only(c: GazetteerEntry, keys: set[str], named_pop: int | None, focus_countries) -> bool:
    """Known by the name only as an alternate name while another candidate bears it, and not
    overwhelmingly bigger than that one (St. Petersburg is Russia's city, not Florida's)."""
    if named_pop is None or _fold(c.name) in keys or c.country in focus_countries:
        return False
    if c.feature_code in _LARGE_FEATURES:
        return False  # "Pacific" is the ocean's short name, not junk
    return c.population < 10 * max(named_pop, 1)


def _candidates(m: Mention, cue_word: str | None, gaz, lex: dict) -> tuple[list[GazetteerEntry], frozenset[str]]:
    """The entries a mention may mean, and the ids among them found only by a loose spelling."""
    found = gaz.lookup(m.name)
    expanded = lex["abbreviations"].get(m.name) or lex["abbreviations"].get(m.name + ".")
    if expanded:
        # "US" is also a village in France: the expansion goes first, the rest stays
        name, _, country = expanded.partition("|")
        found = _union([e for e in gaz.lookup(name) if not country or e.country == country], found)
    if cue_word and m.cue in ("admin", "district", "water"):
        found = _union(gaz.lookup(f"{m.name} {cue_word}"), found)
    country = lex["demonyms"].get(m.name) or (m.name.endswith("s") and lex["demonyms"].get(m.name[:-1]))
    if country and (m.demonym or not found):
        found = _union(found, [e for e in gaz.lookup(country) if e.feature_code == "PCLI"])
    if not found:
        words = m.name.split()
        if len(words) > 1 and words[-1].lower() in lex["strip_words"]:
            found = gaz.lookup(" ".join(words[:-1]))
    if not found:
        found = _container(m.name, gaz, lex)
    if m.capital:
        found = [e for e in found if e.feature_code == "PPLC"] or found  # not Paris, Texas
    found = found[: lex.get("max_candidates", 60)]
    if hasattr(gaz, "lookup_loose") and m.name[:1].isupper() and not m.demonym:
        # spelling variants ("Hola Pristan" -> "Hola Prystan", "Stepanovka" -> "Stepanivka")
        # join as weaker candidates: context may prefer one ("... in the X region")
        have = {e.id for e in found}
        loose = [e for e in gaz.lookup_loose(m.name)[:150] if e.id not in have]
        return found + loose, frozenset(e.id for e in loose)
    return found, frozenset()


# a candidate known only by the consonants of its name pays this on top of the loose penalty
_VOWEL_VARIANT = 0.1
# a misspelt "city of X" is taken for a town at least this large (one of them, or none)
_MISSPELT_TOWN_POPULATION = 10_000


def _add_vowel_variants(res: list[Resolution], gaz, focus_countries: tuple[str, ...], lex: dict) -> None:
    """Candidates whose name differs from the mention only in its vowels: a Ukrainian place
    under its Russian name ("Peski" for Pisky, "Dvurechnoye" for Dvorichna, "Kurakhovoy" for
    Kurakhove), which no romanisation rule derives. The key matches many unrelated places, so
    such a candidate joins only in a first-level division another name of the text places
    unambiguously ("... of the DPR", "X, Kharkov region"); never on its own ("Yuzhno" of
    "Yuzhno-Donetsk" would be Pivdenne, whose Russian name is Yuzhnoye)."""
    if not hasattr(gaz, "lookup_consonants"):
        return
    # mention name -> the one division all its exact candidates are in (a focus country's)
    regions: dict[str, set[str]] = {}
    for r in res:
        exact = {(c.country, c.admin1) for c in r.candidates if c.id not in r.loose}
        if len(exact) == 1 and all(a and (not focus_countries or c in focus_countries) for c, a in exact):
            regions.setdefault(r.mention.name, set()).update(a for _, a in exact)
    found: dict[str, list[GazetteerEntry]] = {}
    for r in res:
        m = r.mention
        if m.demonym or not m.name[:1].isupper() or r.settled:
            continue
        named = set().union(*(a for name, a in regions.items() if name != m.name))
        # "the city of Sevirodontsk": the text says it is a town and nothing else matches it;
        # the one town of some size in a focus country with those consonants is meant
        misspelt_town = m.cue == "settlement" and not r.candidates and bool(focus_countries)
        if not named and not misspelt_town:
            continue  # no region to trust a candidate in: no look-up either
        if m.name not in found:
            found[m.name] = gaz.lookup_consonants(m.name)
        have = {c.id for c in r.candidates}
        extra = [c for c in found[m.name] if c.id not in have and c.admin1 in named]
        if not extra and misspelt_town:
            towns = [c for c in found[m.name] if c.feature_class == "P" and c.country in focus_countries
                     and c.population >= _MISSPELT_TOWN_POPULATION]
            extra = towns if len(towns) == 1 else []
        extra = extra[: lex.get("max_candidates", 60)]
        if extra:
            r.candidates = r.candidates + extra
            ids = frozenset(c.id for c in extra)
            r.loose = r.loose | ids
            r.looser = ids


# a front sector named after a town or district, as military reports name them
# (also the first of two: "the Vuhledar and Zaporizhzhia directions")
_FRONT = re.compile(
    r"(?:\s*(?:,|\band\b)\s*[A-Z][\w'\u2019\-]+)*\s+(?i:direction|axis|sector|front|salient)s?\b"
)
_LOCAL = frozenset({"city", "district", "admin3", "admin2"})
_TOWARDS = re.compile(r"\b(?:direction|axis|directions|approaches)[\"'\u201d\u2019]?\s+(?:of|to)\s+(?:the\s+)?(?:city\s+of\s+)?"
                      r"[\"'\u201c\u2018]?$", re.IGNORECASE)


def to_place(doc_text: str, r: Resolution, min_score: float) -> Place:
    m = r.mention
    end = m.cue_end if (m.cue == "admin" and m.cue_end) else m.end
    text = doc_text[m.start : end]
    best, score = r.best
    if best is None or score < min_score:
        return Place(m.start, end, text, score=score)
    front = bool(_FRONT.match(doc_text, m.end) or _TOWARDS.search(doc_text, max(0, m.start - 40), m.start))
    if front and best.feature_class == "P":
        # "the direction of X", "advancing towards X": the front near the city X, so the largest
        # namesake of the country, not a village that shares its name (under any spelling the
        # gazetteer matched: "Zaporizhzhia" the village, "Zaporizhzhya" the city)
        towns = [c for c in r.candidates if c.feature_class == "P" and c.country == best.country]
        best = max(towns, key=lambda c: c.population, default=best)
    precision = best.precision
    if (precision in _LOCAL or best.feature == "L.AREA") and front:
        precision = "front"  # "the Kupiansk direction": the front around the town, not the town
    return Place(
        m.start,
        end,
        text,
        name=best.name,
        lat=best.lat,
        lon=best.lon,
        country=best.country,
        admin1=best.admin1,
        feature=best.feature,
        gazetteer_id=best.id,
        precision=precision,
        score=score,
        admin2=best.admin2,
        coord_precision=best.coord_precision,
    )


# "KYIV, Ukraine (Reuters) -", "LONDON —", "Kharkiv, Ukraine, March 3 (AP) --": the head of
# the first paragraph, a capitalised place (and country, date, agency) ended by a dash
_DATELINE = re.compile(
    r"^\s*(?P<head>[A-Z][\w'.\- ]{1,40}(?:,\s*[A-Z][\w'.\- ]{1,30}){0,2}"
    r"(?:,?\s*[A-Z][a-z]{2,8}\.? \d{1,2})?(?:\s*\([^)]{1,30}\))?)\s*(?:[-\u2013\u2014]{1,2}|:)\s"
)


def dateline_end(text: str) -> int:
    """End offset of the article's dateline, 0 when it has none. A dateline starts with a place
    in capitals ("KYIV,") or carries an agency in brackets ("Kyiv (Reuters) -")."""
    m = _DATELINE.match(text[:160])
    if not m:
        return 0
    head = m.group("head")
    first = head.split(",")[0].split("(")[0].strip()
    if len(first.split()) > 3 or not (first.isupper() or "(" in head):
        return 0
    return m.end("head")


def _is_place(r: Resolution, lex: dict) -> bool:
    """What recognition left open, decided with the resolution: unknown adjectives and parts of
    people's names are not places; a country or capital acting ("Russia invaded", "Moscow
    insists") or qualifying an actor ("U.S. officials") stands for its government."""
    m = r.mention
    if not r.candidates:
        return not (m.adjective or m.person_word or m.unseen)
    best, _ = r.best
    if m.role == "modifier" and best.feature_code in _GOVERNMENT_SEATS:
        return False
    if m.role in ("subject", "party") and best.feature_code in _GOVERNMENT_SEATS and not m.cue:
        return False
    return True


_GOVERNMENT_SEATS = {"PCLI", "PPLC", "ADM1"}
_COOC_WEIGHT = 0.3
_ALIAS_ONLY = 0.15
_NAMESAKE_OF_FAMOUS = 0.3
# a first-level division this big is what its bare name means; its namesakes under this size
# elsewhere need a partner or a cue ("Wales" is not the town in Wisconsin; "Gaza" is not
# Mozambique's province but the city of 400,000 either way)
_FAMOUS_DIVISION = 300_000
_FAMOUS_DIVISION_NAMESAKE = 100_000
# a national capital of this size, or any city of the second size, is what its bare name means
# against its namesakes abroad this many times smaller, whatever country the article is about
# (docs/evaluation.md: capitals from 300,000 to 1,000,000 and ratios 5 to 20 change nothing
# measured; cities from 1,000,000 take Edmonton, Alberta, for Edmonton, Queensland)
_FAMOUS_CAPITAL = 500_000
_FAMOUS_CITY = 1_500_000
_FAMOUS_CITY_RATIO = 10
# a place chosen for another name this close to a namesake, in its division, supports it
# (100 km loses Alexandria, Minnesota, with Moorhead about 150 km away, in LGL)
_SUPPORT_KM = 200
# what the division named after a place ("Paris, Texas") adds to its namesakes inside it: more
# than the country focus, the regions and the neighbours together can give another
_IN_NAMED_DIVISION = 1.0
_LARGE_FEATURES = {"CONT", "OCN", "SEA", "RGN", "GULF", "PEN"}


def geoparse(doc: Document, ctx) -> Document:
    if not doc.text:
        return doc
    lex = load_lexicon("geo")
    mentions = join_hyphenated(doc.text, recognize(doc, lex), ctx.gazetteer, lex)
    focus = tuple(ctx.settings.places.focus_countries)
    mentions = [m for m in mentions if not m.context_only or _names_a_focus_division(m, ctx.gazetteer, focus)]
    resolutions = resolve(doc.text, mentions, ctx.gazetteer, ctx.settings, lex)
    min_score = ctx.settings.places.min_score
    kept = [r for r in resolutions if not r.mention.context_only and _is_place(r, lex)]
    places = tuple(
        replace(p, dateline=True) if r.mention.dateline else p
        for r, p in zip(kept, (to_place(doc.text, r, min_score) for r in kept), strict=True)
    )
    cut = dateline_end(doc.text)
    if cut:
        places = tuple(replace(p, dateline=True) if p.end <= cut else p for p in places)
    return replace(doc, places=places)


def _names_a_focus_division(m: Mention, gaz, focus_countries: tuple[str, ...]) -> bool:
    """Is the name only ever a first-level division of a focus country ("the DPR", "the
    Kharkiv region")? Only such a name speaking for its government is kept as context: a
    country or a capital that speaks says little about where the events are."""
    found = gaz.lookup(m.name)
    return bool(found) and all(e.feature_code == "ADM1" and e.country in focus_countries for e in found)


def focus_place(doc: Document) -> Place | None:
    """The finest resolved place the document is most about (most mentions, city level first)."""
    counts = Counter(
        p.gazetteer_id for p in doc.places if p.resolved and p.precision in ("city", "district") and not p.dateline
    )
    if not counts:
        return None
    top = counts.most_common(1)[0][0]
    return next(p for p in doc.places if p.gazetteer_id == top)
