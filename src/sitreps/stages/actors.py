"""Actors stage: who the text names as acting, normalised through the actor lexicon.

Three sources, longest match wins where they overlap:
- lexicon aliases ("Ukraine's Armed Forces", "the Kremlin", "residents") and known people;
- "<demonym|country's|leader's> <force noun>" ("Russian troops", "Putin's forces");
- a country or capital name acting as the subject of a verb ("Russia confirmed ...") stands for
  its government; words for the other side ("the invaders", "the enemy") are resolved from the
  document's context and marked `inferred`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from ..lexicons import load_lexicon
from ..records import ActorMention, Document
from ._tokens import index

_POSS = r"(?:'s|\u2019s)"


@cache
def _compiled():
    lex = load_lexicon("actors")
    forces = lex["forces"]
    by_id = {a["id"]: a for a in lex["actor"]}
    countries = {c["code"]: c for c in forces["countries"]}
    alias_rules = []  # (literal to look for first, in any case?, regex, actor id, name, kind, country)
    for actor in lex["actor"]:
        folded = actor["kind"] == "civilians"
        for alias in actor["aliases"]:
            alias_rules.append((
                alias.lower() if folded else alias, folded,
                re.compile(rf"\b{re.escape(alias)}\b", re.IGNORECASE if folded else 0),
                actor["id"], actor["name"], actor["kind"], actor.get("country"),
            ))
    people = []
    owner_country: dict[str, str] = {}  # possessor word -> country code, for "Putin's forces"
    for person in lex.get("person", []):
        country = by_id.get(person["actor"], {}).get("country")
        for alias in person["aliases"]:
            people.append((re.compile(rf"\b{re.escape(alias)}\b"), person["actor"], person["name"], country))
            owner_country[alias] = country
    for code, c in countries.items():
        for n in c["names"]:
            owner_country[n.removeprefix("the ")] = code
    owners = sorted(list(forces["demonyms"]) + [re.escape(o) + _POSS for o in owner_country], key=len, reverse=True)
    nouns = sorted(forces["nouns"], key=len, reverse=True)
    force_re = re.compile(
        rf"\b(?P<owner>{'|'.join(owners)})\s+(?:[a-z][a-z-]*\s+)?(?P<noun>{'|'.join(map(re.escape, nouns))})\b"
    )
    named = sorted((n for c in countries.values() for n in c["names"]), key=len, reverse=True)
    of_re = re.compile(
        rf"\b(?P<noun>{'|'.join(re.escape(n.capitalize()) + '|' + re.escape(n) for n in nouns)})\s+of\s+(?P<owner>{'|'.join(map(re.escape, named))})\b"
    )
    return lex, countries, alias_rules, people, owner_country, force_re, of_re


def _forces(countries: dict, code: str) -> tuple[str, str]:
    return tuple(countries[code]["forces"]) if code in countries else (f"{code}.MIL", f"{code} military")


def find_actors(doc: Document, ctx) -> Document:
    if not doc.text:
        return doc
    lex, countries, alias_rules, people, owner_country, force_re, of_re = _compiled()
    text = doc.text
    found: list[ActorMention] = []

    for m in force_re.finditer(text):
        owner = m.group("owner")
        code = lex["forces"]["demonyms"].get(owner) or owner_country.get(re.sub(_POSS + "$", "", owner))
        if code:
            actor_id, name = _forces(countries, code)
            found.append(ActorMention(m.start(), m.end(), m.group(), actor_id, name, "state_forces", code))

    lower = text.lower()
    for literal, folded, rx, actor_id, name, kind, country in alias_rules:
        if literal not in (lower if folded else text):
            continue  # most aliases are in no given text: a substring test is far cheaper than the regex
        for m in rx.finditer(text):
            found.append(ActorMention(m.start(), m.end(), m.group(), actor_id, name, kind, country))

    for rx, actor_id, name, country in people:
        for m in rx.finditer(text):
            found.append(ActorMention(m.start(), m.end(), m.group(), actor_id, name, "person", country))

    # "Artillerymen of the Russian Federation", "aviation of the Armed Forces of Ukraine"
    for m in of_re.finditer(text):
        code = owner_country.get(m.group("owner").removeprefix("the "))
        if code:
            actor_id, name = _forces(countries, code)
            found.append(ActorMention(m.start(), m.end(), m.group(), actor_id, name, "state_forces", code))

    found.extend(_countries_acting(doc, countries))

    doc_countries = {a.country for a in found if a.country} | {p.country for p in doc.places if p.country}
    sides_named = {code for w, code in lex["forces"]["demonyms"].items() if re.search(rf"\b{w}\b", text)}
    if (doc_countries | sides_named) & {"RU", "UA"}:
        found.extend(_other_side(doc, lex["forces"], countries, _longest_first(found)))
    return replace(doc, actors=_longest_first(found))


def _other_side(doc: Document, forces: dict, countries: dict, named: tuple[ActorMention, ...]) -> list[ActorMention]:
    """Words for the other side, marked inferred: "the invaders" are the Russian military, "the
    Kyiv regime's militants" the Ukrainian one, and "the enemy" is whoever opposes the armed
    actor named nearest before it in its sentence (else the one the article names most), the
    Russian military when the text names none."""
    text = doc.text
    armed = [a for a in named if a.kind in ("state_forces", "armed_group") and not a.inferred and a.country in ("RU", "UA")]
    sides = {"RU": "UA", "UA": "RU"}
    out = []

    def add(m, code):
        actor_id, name = _forces(countries, code)
        out.append(ActorMention(m.start(), m.end(), m.group(), actor_id, name, "state_forces", code, inferred=True))

    lower = text.lower()  # a word not in the text at all needs no regex (most of them, in most texts)
    for words, code in ((forces["inferred"], "RU"), (forces["inferred_ukraine"], "UA")):
        for word in words:
            if word.lower() not in lower:
                continue
            for m in re.finditer(rf"\b{re.escape(word)}\b", text, re.IGNORECASE):
                add(m, code)
    majority = None
    if armed:
        tally = {c: sum(1 for a in armed if _side(a) == c) for c in ("RU", "UA")}
        if tally["RU"] != tally["UA"]:
            majority = max(tally, key=tally.get)
    for word in forces["enemy_words"]:
        if word.lower() not in lower:
            continue
        for m in re.finditer(rf"\b{re.escape(word)}\b", text, re.IGNORECASE):
            sent = doc.sentence_of(m.start())
            before = [a for a in armed if sent and sent.start <= a.start < m.start()]
            mine = _side(before[-1]) if before else majority
            add(m, sides[mine] if mine else "RU")
    # units without a country, in a sentence that names the other side by one of those words
    others = list(out)
    toks = index(doc) if doc.tokens else None
    for word in forces.get("unit_words", ()):
        if word.lower() not in lower:
            continue
        flags = 0 if word[:1].isupper() else re.IGNORECASE
        for m in re.finditer(rf"\b{re.escape(word)}\b", text, flags):
            sent = doc.sentence_of(m.start())
            if sent is None or any(a.start <= m.start() < a.end for a in named):
                continue
            opposed = {o.country for o in others if sent.start <= o.start < sent.end and o.actor.endswith(".MIL")}
            if not opposed:
                opposed = _acted_on(doc, toks, m.start(), m.end(), armed, forces["demonyms"]) if toks else set()
            if len(opposed) == 1:
                add(m, sides[opposed.pop()])
    return out


def _acted_on(doc: Document, toks, start: int, end: int, armed: list[ActorMention], demonyms: dict) -> set[str]:
    """The sides (RU/UA) a unit named without its country acts on: "border guards neutralized a
    Russian assault unit", "paratroopers destroyed Ukrainian positions". Only what the unit's own
    verb governs counts, so allies named elsewhere in the sentence do not turn it."""
    unit = toks.head_of_span(start, end)
    if unit is None or unit.dep not in ("nsubj", "agent", "pobj"):
        return set()
    verb = toks.head(unit)
    if unit.dep == "pobj":  # "destroyed by paratroopers"
        if verb.text.lower() != "by":
            return set()
        verb = toks.head(verb)
    if verb.pos != "VERB":
        return set()
    own_lo, own_hi = toks.subtree(unit.i)
    sides = set()
    for c in toks.children(verb.i):
        if c.dep not in ("dobj", "nsubjpass", "prep") or (c.dep == "prep" and c.text.lower() not in ("on", "against", "at")):
            continue  # "fought alongside Russian troops" names an ally
        lo, hi = toks.subtree(c.i)
        if lo <= own_lo < hi:
            continue
        sides |= {_side(a) for a in armed if lo <= a.start and a.end <= hi}
        sides |= {code for w, code in demonyms.items() if code in ("RU", "UA")
                  and re.search(rf"\b{w}\b", doc.text[lo:hi])}
    return {s for s in sides if s in ("RU", "UA")}


def _side(a: ActorMention) -> str | None:
    """RU or UA: which side of the war an armed actor is on (the DPR/LPR forces fought on Russia's)."""
    if a.actor.startswith(("DPR.", "LPR.")):
        return "RU"
    return a.country


def _countries_acting(doc: Document, countries: dict) -> list[ActorMention]:
    """Country and capital names that are the subject of a verb: their government acts."""
    if not doc.tokens:
        return []
    toks = index(doc)
    name_to_code = {n: code for code, c in countries.items() for n in c["names"]}
    out = []
    for ent in doc.entities:
        code = name_to_code.get(ent.text) or name_to_code.get(ent.text.removeprefix("the "))
        if not code or ent.label not in ("GPE", "LOC", "ORG"):
            continue
        head = toks.head_of_span(ent.start, ent.end)
        if head is not None and (head.dep in ("nsubj", "nsubjpass", "agent", "poss") or _party_to(toks, head)):
            gov_id, gov_name = countries[code]["government"]
            out.append(ActorMention(ent.start, ent.end, ent.text, gov_id, gov_name, "government", code))
    return out


# what one agrees with a country on: "a corridor agreed with Russia", "a deal with Kyiv"
_AGREEING = {"agree", "agreement", "deal", "accord", "ceasefire", "truce", "negotiate", "sign"}


def _party_to(toks, word) -> bool:
    """"Agreed on with Russia", "a deal with Kyiv": the country the agreement is made with."""
    prep = toks.head(word)
    return word.dep == "pobj" and prep.text.lower() == "with" and toks.head(prep).lemma.lower() in _AGREEING


def _longest_first(found: list[ActorMention]) -> tuple[ActorMention, ...]:
    kept: list[ActorMention] = []
    taken: list[tuple[int, int]] = []
    for a in sorted(found, key=lambda a: (-(a.end - a.start), a.start)):
        if any(a.start < e and s < a.end for s, e in taken):
            continue
        kept.append(a)
        taken.append((a.start, a.end))
    return tuple(sorted(kept, key=lambda a: a.start))
