"""Part of step 6: the person an article names as the one who carried out an attack.

News of a shooting or a bombing often names the attacker in a sentence of its own, by role:
"Springvale shooter John Miller", "Jane Hale, one of two attackers in the Springvale
shooting", "the gunman, John Miller,", "the assailant was identified as John Miller". Such a
name is the doer (ACLED's "Sole perpetrator"; an unidentified armed group when a sentence naming
an attacker says there were more: "one of two attackers", "with her husband") of an attack that names no doer of its own when
the naming sentence is the attack's own, is in its paragraph, or names the attack's place; a
role tied to another place ("Lakeside shooter Tom Roe" in an article on another attack)
names another attack's doer.
"""

from __future__ import annotations

import re

from ...records import ActorMention, Document, Event
from .._tokens import index
from ._discourse import paragraph
from .candidates import EXPLOSIVE_KINDS

_ROLE = (r"(?i:gunm[ae]n|shooters?|bombers?|attackers?|assailants?|killers?|perpetrators?|terrorists?|hijackers?"
         r"|suspects?|stabbers?)")
# a role word that qualifies a thing ("the worst terrorist attack", "a suspect package") names no one
_NOT_A_THING = r"(?!\s+(?:attacks?|acts?|cells?|groups?|threats?|plots?|networks?|organi[sz]ations?|packages?|devices?))"
# what one person carries out: "X carried out the slaughter"
_DEEDS = r"(?:attacks?|shootings?|massacres?|slaughter|bombings?|rampage|killings?|assault)"
# two to four capitalised words, with an initial or a particle between them ("Anna M. Berg", "Ali al-Rashid")
_NAME = r"[A-Z][a-z'’-]+(?:\s+(?:[A-Z]\.\s+)?(?:(?:al|bin|ibn|van|von|de|da|del)[- ])?[A-Z][A-Za-z'’-]+){1,3}"
_NAMED = re.compile(
    rf"\b{_ROLE}\s+(?P<a>{_NAME})"  # "Springvale shooter John Miller"
    rf"|(?P<b>{_NAME}),\s+(?:(?:the|a|an)\s+|one of (?:the|two|three|four)\s+)(?:[\w-]+\s+){{0,3}}{_ROLE}\b{_NOT_A_THING}"  # "X, the gunman"
    rf"|{_ROLE},?\s+(?:who\s+)?(?:was|has been|had been|were|is)\s+(?:later\s+|since\s+)?(?:identified|named)"
    rf"\s+(?:in [\w ]{{1,20}}\s+)?as\s+(?P<c>{_NAME})"  # "one of the suspects is named in media reports as X"
    rf"|\b(?i:the)\s+(?:[\w-]+\s+){{0,2}}{_ROLE},\s+(?P<d>{_NAME})\b"  # "the 29-year-old gunman, X,"
    rf"|(?P<e>{_NAME})\s+carried\s+out\s+(?:(?:his|her|their|the)\s+)?(?:[\w-]+\s+){{0,2}}?{_DEEDS}\b"  # "X carried out his attack"
    rf"|(?P<f>{_NAME})\s+(?:shot|killed|gunned\s+down|murdered|massacred)\s+(?:at\s+least\s+|more\s+than\s+|some\s+)?"
    rf"(?:\d+|a\s+hundred|dozens|scores|(?i:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen|\w+ty))\s"
    rf"(?:[\w-]+\s+){{0,2}}?(?:people|persons|victims|civilians|club\s*goers|worshippers|worshipers|students|officers)\b")
_ROLES = re.compile(rf"\b(?:{_ROLE}|carried\s+out|shot|killed|gunned\s+down|murdered|massacred)\b")
# what a name may not be: a place, a people, a day (the model often calls a foreign name an
# organisation, so an ORG passes unless it is an actor the lexicons know)
_NOT_PEOPLE = {"GPE", "LOC", "NORP", "FAC", "DATE", "TIME", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
DONE_BY_ONE = frozenset({"Violence against civilians", "Explosions/Remote violence"})  # types one person can do


# the attacker was one of several: "X, one of two attackers", "one of the suspects is named as
# X", "X, who with her husband carried out the massacre", "X and his brother"
ONE_OF_SEVERAL = re.compile(r"\bone of (?:the|two|three|four|several)\b|\b(?:with|and) (?:his|her) (?:husband|wife|brother|sister"
                      r"|son|father|accomplices?|partner|co-?conspirators?)\b|\b(?:husband-and-wife|the couple)\b", re.IGNORECASE)


def named_attackers(doc: Document, groups: tuple[ActorMention, ...]) -> tuple[tuple[int, int, str | None], ...]:
    """(start, end, place before the role) of every attacker the text names by role: "Springvale
    shooter John Miller" ties the name to Springvale."""
    out: list[tuple[int, int, str | None]] = []
    matches: dict[tuple[int, int], re.Match] = {}
    for role in _ROLES.finditer(doc.text):  # the full pattern only around a role word: it is slow on long texts
        lo = max(0, role.start() - 120)
        hi = doc.text.find(" ", role.end() + 150)  # a window that cuts no word
        for m in _NAMED.finditer(doc.text, lo, len(doc.text) if hi < 0 else hi):
            matches.setdefault(m.span(), m)
    known = [*doc.actors, *groups]  # `groups`: the named armed groups, read by step 6 already
    for m in sorted(matches.values(), key=lambda m: m.start()):
        group = next(g for g in "abcdef" if m.group(g))
        lo, hi = m.span(group)
        if any(hi > a and lo < b for a, b, _ in out):
            continue  # the same name found from two role words
        if any(e.label in _NOT_PEOPLE and e.start < hi and lo < e.end for e in doc.entities) \
                or any(a.start < hi and lo < a.end for a in known):
            continue  # "the bomber, Manchester Arena,", "attackers Islamic State"
        tied = next((p for p in doc.places if m.start() - 30 <= p.end <= m.start()
                     and re.fullmatch(r"(?:\s+[A-Z][\w-]*){0,2}\s+", doc.text[p.end : m.start()])), None)
        out.append((lo, hi, tied.text if tied is not None else None))
    return tuple(out)


# an unnamed doer the attacker's name makes known: "a gunman opened fire ... The gunman, X, ..."
_ONE_UNNAMED = {"gunman", "shooter", "assailant", "sniper"}


def unnamed(e: Event) -> bool:
    """Is the event's doer one man the text has not named yet ("a gunman")?"""
    return len(e.actors) == 1 and e.actors[0].actor == "UAG" and e.actors[0].text.split()[-1].lower() in _ONE_UNNAMED


def named_perpetrator(doc: Document, e: Event, named: tuple[tuple[int, int, str | None], ...],
                      lead: bool = False) -> ActorMention | None:
    """The attacker the article names by role (`named`, from `named_attackers`) for an attack or
    a bombing with no doer, or with one unnamed gunman: named in its sentence, its paragraph, or a
    sentence that names its place, or, the article's one attacker, for the attack the article
    is about (`lead`: the first it tells); never one whose role is tied to another place."""
    if (e.actors and not unnamed(e)) or not named or e.type not in DONE_BY_ONE \
            or any(w.kind in EXPLOSIVE_KINDS for w in e.weapons):
        return None  # a shelling, an air strike: a side's guns, not one man
    sent = e.evidence[0]
    para = paragraph(doc.text, sent.start)
    places = {w for w in (e.place.text, e.place.name) if w} if e.place is not None else set()
    mine = [(lo, hi) for lo, hi, tied in named if tied is None or tied in places]
    if not mine:
        return None  # (before reading every naming sentence for "one of two attackers")
    one = sole if not _one_of_several(doc, named) else several
    for lo, hi in mine:
        if sent.start <= lo and hi <= sent.end:
            return one(doc, lo, hi)
    for lo, hi in mine:
        if para[0] <= lo and hi <= para[1]:
            return one(doc, lo, hi, inferred=True)
    # further away, only the article's one attacker, for an attack whose sentence names nobody
    # else ("X, convicted of murdering a deputy" is X's), in a sentence that names its place
    if len({doc.text[lo:hi].split()[-1] for lo, hi, _ in named}) != 1 or _a_person_did_it(doc, e):
        return None
    for lo, hi in mine:
        around = next((s for s in doc.sentences if s.start <= lo < s.end), None)
        if lead or around is not None and any(re.search(rf"\b{re.escape(w)}\b", around.text) for w in places):
            return one(doc, lo, hi, inferred=True)
    return None


def _one_of_several(doc: Document, named: tuple[tuple[int, int, str | None], ...]) -> bool:
    """Does a sentence naming an attacker say there were more of them ("X, one of two attackers",
    "X, who with her husband carried out the massacre")? Then the doer is no one person."""
    for lo, _, _ in named:
        around = next((s for s in doc.sentences if s.start <= lo < s.end), None)
        if around is not None and ONE_OF_SEVERAL.search(around.text):
            return True
    return False


def _a_person_did_it(doc: Document, e: Event) -> bool:
    """Does the attack's own clause name a person as who did it: a name in the subject or the
    agent of the trigger's verb, or in the trigger's phrase ("X's attack")? Not a name elsewhere
    in the sentence ("the president met survivors of the massacre")."""
    toks = index(doc)
    tok = toks.at(e.trigger.start)
    if tok is None:
        return True
    # a noun's doer is its own ("Mateen's attack", "the attack by X"); a verb's its subject or agent
    head = tok if tok.pos in ("NOUN", "PROPN") else toks.clause_verb(tok) or tok
    spans = [toks.subtree(c.i) for c in toks.children(head.i)
             if c.dep in ("nsubj", "agent", "poss", "compound") or c.dep == "prep" and c.text.lower() == "by"]
    return any(x.label == "PERSON" and lo <= x.start < hi for x in doc.entities for lo, hi in spans)


def several(doc: Document, lo: int, hi: int, inferred: bool = False) -> ActorMention:
    """One of several attackers, named by the text at lo:hi: no sole perpetrator, but armed men
    no group is named for (ACLED's "Unidentified Armed Group")."""
    return ActorMention(lo, hi, doc.text[lo:hi], "UAG", "Unidentified armed group", "armed_group", None, inferred=inferred)


def sole(doc: Document, lo: int, hi: int, inferred: bool = False) -> ActorMention:
    """One person who did it, named by the text at lo:hi: ACLED's "Sole perpetrator"."""
    return ActorMention(lo, hi, doc.text[lo:hi], "SOLE", "Sole perpetrator", "armed_group", None, inferred=inferred)
