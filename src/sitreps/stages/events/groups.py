"""Part of step 6: a named armed group as an event's doer, only where the text makes it one.

A group ([[group]] in lexicons/actors.toml: the Islamic State, al-Shabaab, the Taliban ...) is
the doer of an attack when
- its clause says so: the group (or its fighters, "Islamic State militants") is the subject of
  the event's verb or of the verb that carries the event out ("al-Shabaab launched an attack"),
  the agent of a passive ("killed by Isis", "was carried out by Boko Haram"), or the modifier of
  the event's noun ("an al-Shabaab attack", "an attack by the Taliban");
- else a sentence about the attack says the group claimed it: "X claimed (or asserted)
  responsibility for", "X claimed the bombing", "the attack was claimed by X", "X said it carried
  out / was behind", "X was responsible for the attacks", also through a relative pronoun ("X,
  which officials said was responsible for the attacks").
  That sentence is the event's own, one of its paragraph, or one of the two that follow it; the
  mention in the claim is the doer's evidence.
Named as what is fought, bombed or held ("destroying ISIL", "the Islamic State's strongholds")
a group is no doer; a name in front of "offshoot", "affiliate" or "splinter" names another
group; a claim that is denied ("has not claimed") or about other attacks ("claimed
responsibility for previous attacks") makes none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ...lexicons import load_lexicon
from ...records import ActorMention, Document, Event, Span, Token
from .._tokens import TokenIndex, index
from ._discourse import paragraph

# the people of a group who act for it: "Islamic State militants", "fighters of al-Shabaab"
_MEMBERS = {"militant", "fighter", "member", "gunman", "jihadist", "insurgent", "rebel", "bomber", "attacker",
            "operative", "guerrilla", "guerilla", "extremist", "terrorist", "cell", "commander", "unit"}
# verbs whose subject does the attack their object names: "launched an attack", "carried out a bombing"
_CARRY = {"carry", "launch", "stage", "mount", "conduct", "perpetrate", "commit", "execute", "orchestrate", "unleash"}
# what a claim takes: the responsibility, or the attack itself ("claimed the bombing")
_CLAIMED = {"responsibility", "credit", "attack", "bombing", "blast", "explosion", "shooting", "assault", "killing",
            "massacre", "ambush", "raid", "strike", "kidnapping", "abduction", "beheading", "execution", "attacks",
            "bombings", "killings", "strikes", "raids", "operation", "ambushes"}
_TAKE = {"claim", "take", "accept", "assume", "admit", "assert"}  # "took responsibility", "claimed credit"
# a group's name in front of these names another group: "the al-Qaeda offshoot", "an al-Shabaab affiliate"
_OFFSHOOTS = {"offshoot", "offshoots", "affiliate", "affiliates", "splinter", "franchise", "branch", "spinoff", "spin-off",
              "breakaway", "rival", "rivals"}
_SAY = {"say", "announce", "state", "declare", "boast", "confirm", "report"}
# a claim about other attacks than this one
_OTHER = re.compile(r"\b(?:previous|earlier|past|prior|similar|other|former|several|many|years)\b", re.IGNORECASE)
_DOER_SUBJECTS = {"it", "they", "its", "their"}  # "X said it carried out", "X said its fighters were behind"


@dataclass(frozen=True, slots=True)
class _Group:
    id: str
    name: str
    country: str | None


@cache
def _groups() -> tuple[re.Pattern, dict[str, _Group]]:
    by_alias: dict[str, _Group] = {}
    for g in load_lexicon("actors").get("group", []):
        for alias in g["aliases"]:
            by_alias[alias] = _Group(g["id"], g["name"], g.get("country"))
    names = sorted(by_alias, key=len, reverse=True)
    return re.compile(rf"(?<![\w-])(?:{'|'.join(map(re.escape, names))})(?![\w-])"), by_alias


def group_mentions(doc: Document) -> list[ActorMention]:
    """Every named group in the text, as an actor mention with the lexicon's country (None for a
    group that fights in many: the event's country is given when it becomes a doer)."""
    rx, by_alias = _groups()
    out = []
    for m in rx.finditer(doc.text):
        if m.group().isupper() and len(m.group()) <= 3 and _in_capitals(doc.text, m.start(), m.end()):
            continue  # "TRUMP IS RIGHT": a headline's word, not the group
        if (re.findall(r"[\w-]+", doc.text[m.end() : m.end() + 30])[:1] or [""])[0].lower() in _OFFSHOOTS:
            continue  # "the al-Qaeda offshoot": another group, named by the one it came from
        g = by_alias[m.group()]
        out.append(ActorMention(m.start(), m.end(), m.group(), g.id, g.name, "armed_group", g.country))
    return out


def _in_capitals(text: str, start: int, end: int) -> bool:
    """Is the word next to it, either side, in capitals too?"""
    before = re.findall(r"[A-Za-z]+", text[max(0, start - 30) : start])[-1:]
    after = re.findall(r"[A-Za-z]+", text[end : end + 30])[:1]
    return any(len(w) > 1 and w.isupper() for w in before + after)


def _role(toks: TokenIndex, m: ActorMention) -> Token | None:
    """The token that plays the group's part in its clause: the head of "the Islamic State group",
    and the member noun of "Islamic State militants", "fighters of al-Shabaab", "a bomber from"."""
    r = toks.head_of_span(m.start, m.end)
    if r is None:
        return None
    for _ in range(3):
        head = toks.head(r)
        if head.i == r.i:
            break
        if r.dep in ("compound", "amod", "nmod") and head.pos in ("NOUN", "PROPN") and head.lemma.lower() == "group":
            r = head  # "the Islamic State group"
        elif r.dep in ("compound", "amod", "nmod", "poss") and head.lemma.lower() in _MEMBERS:
            r = head  # "Islamic State militants", "the group's fighters": never the group's strongholds
        elif r.dep == "pobj" and head.text.lower() in ("of", "from") and toks.head(head).lemma.lower() in _MEMBERS:
            r = toks.head(head)
        elif r.dep == "appos" and head.lemma.lower() in _MEMBERS | {"group", "organization", "organisation"}:
            r = head  # "the militant group, al-Shabaab"
        else:
            break
    return r


def _negated(toks: TokenIndex, verb: Token) -> bool:
    return any(c.dep == "neg" or c.lemma.lower() in ("no", "never") for c in toks.children(verb.i))


def _subjects(toks: TokenIndex, verb: Token) -> list[Token]:
    """The doers a verb names: its active subject (shared along "stormed ... and killed") and the
    agent of its passive."""
    kids = toks.children(verb.i)
    subjects = [c for c in kids if c.dep == "nsubj"]
    if not subjects and verb.dep == "conj" and not any(c.dep == "nsubjpass" for c in kids):
        subjects = [c for c in toks.children(toks.head(verb).i) if c.dep == "nsubj"]
    return subjects + [g for c in kids if c.dep == "agent" for g in toks.children(c.i) if g.dep == "pobj"]


def _doers_of(toks: TokenIndex, tok: Token) -> list[Token]:
    """The tokens that stand for the doer of the trigger `tok` in its clause."""
    if tok.pos == "VERB":
        return _subjects(toks, tok)
    word = toks.word(tok)  # "counter-attack" parsed as three nouns: the modifiers of the whole word
    kids = toks.children(tok.i)
    out = [tok] if tok.lemma.lower() in _MEMBERS else []  # "a suicide bomber from al-Shabaab"
    out += [c for w in word for c in toks.children(w.i) if c.dep in ("compound", "amod", "nmod") and c.i < word[0].i]
    out += [g for c in kids if c.dep == "prep" and c.text.lower() == "by" for g in toks.children(c.i) if g.dep == "pobj"]
    head = toks.head(tok)
    if head.i != tok.i and head.pos == "VERB" and head.lemma.lower() in _CARRY and tok.dep in ("dobj", "nsubjpass"):
        out += _subjects(toks, head)  # "launched an attack", "the attack was carried out by"
    return out


def _in_clause(doc: Document, toks: TokenIndex, e: Event, mentions: list[ActorMention]) -> ActorMention | None:
    tok = toks.at(e.trigger.start)
    sent = e.evidence[0]
    if tok is None:
        return None
    doers = {t.i for t in _doers_of(toks, tok)}
    for m in mentions:
        if sent.start <= m.start and m.end <= sent.end and (r := _role(toks, m)) is not None and r.i in doers:
            return m
    return None


def _claim(toks: TokenIndex, m: ActorMention) -> Token | None:
    """The verb by which the group mention `m` claims an attack, if it does."""
    r = _role(toks, m)
    if r is None:
        return None
    head = toks.head(r)
    if r.dep == "nsubj":  # "members of X used a website to claim credit for": the claim's own subject
        head = next((c for c in toks.children(head.i) if c.dep in ("xcomp", "advcl") and c.lemma.lower() in _TAKE
                     and not any(s.dep.startswith("nsubj") for s in toks.children(c.i))), head)
    if r.dep == "nsubj" and head.lemma.lower() in _TAKE:  # "X claimed responsibility for", "X claimed the bombing"
        objects = [c for c in toks.children(head.i) if c.dep == "dobj" and c.lemma.lower() in _CLAIMED]
        return head if objects and not _negated(toks, head) else None
    if r.dep == "pobj" and head.text.lower() == "by":  # "was claimed by X", "was carried out by X"
        verb = toks.head(head)
        if verb.lemma.lower() == "claim" or (verb.lemma.lower() in _CARRY and _does_an_attack(toks, verb)):
            return None if _negated(toks, verb) else verb
        return None
    if r.dep != "nsubj" or _negated(toks, head):
        return None
    if (head.lemma.lower() in _CARRY and _does_an_attack(toks, head)) or _behind(toks, head, _CLAIMED) \
            or _responsible(toks, head):
        return head  # "X carried out the attack", "X was behind the bombing", "X was responsible for the attacks"
    if head.lemma.lower() in _SAY:  # "X said it carried out", "X said its fighters were behind"
        for c in toks.children(head.i):
            if c.dep != "ccomp" or _negated(toks, c):
                continue
            said_by = [s for s in toks.children(c.i) if s.dep in ("nsubj", "nsubjpass")]
            if not any(s.text.lower() in _DOER_SUBJECTS or any(
                    p.dep == "poss" and p.text.lower() in _DOER_SUBJECTS for p in toks.children(s.i)) for s in said_by):
                continue
            if c.lemma.lower() in _CARRY or _behind(toks, c, None):
                return c
    return None


def _responsible(toks: TokenIndex, verb: Token) -> bool:
    """"was responsible for the attacks"."""
    return verb.lemma.lower() == "be" and any(
        a.dep == "acomp" and a.lemma.lower() == "responsible" and any(
            p.text.lower() == "for" and any(o.lemma.lower() in _CLAIMED for o in toks.children(p.i))
            for p in toks.children(a.i)) for a in toks.children(verb.i))


def _behind(toks: TokenIndex, verb: Token, what: set[str] | None) -> bool:
    """"was behind the bombing" (`what`: the words the object may be; None: any)."""
    return verb.lemma.lower() == "be" and any(
        p.text.lower() == "behind" and (what is None or any(o.lemma.lower() in what for o in toks.children(p.i)))
        for p in toks.children(verb.i))


def _does_an_attack(toks: TokenIndex, verb: Token) -> bool:
    """"carried out the attack", "the bombing was carried out": the verb's object is an attack."""
    return any(c.dep in ("dobj", "nsubjpass") and c.lemma.lower() in _CLAIMED for c in toks.children(verb.i))


@dataclass(frozen=True, slots=True)
class _Claim:
    sentence: Span
    group: ActorMention
    verb: int  # the claiming verb's token
    start: int  # the claim's words: the verb's subtree
    end: int
    others: bool  # "claimed responsibility for previous attacks": about other attacks than the ones near
    countries: frozenset[str]  # of the places the claim's words name ("the bombing in Kabul")


def _relative_claim(doc: Document, toks: TokenIndex, m: ActorMention, mentions: list[ActorMention]) -> Token | None:
    """"the Islamic State, ..., which officials have said was responsible for the attacks",
    "groups like X, which claimed responsibility": a claim whose subject is a relative pronoun
    standing for the group, the last one named before it in the sentence."""
    sent = doc.sentence_of(m.start)
    if sent is None:
        return None
    for t in toks.in_span(m.end, sent.end):
        if t.dep != "nsubj" or t.text.lower() not in ("which", "that", "who"):
            continue
        if any(o is not m and m.end <= o.start and o.end <= t.start for o in mentions):
            return None  # another group is named nearer the pronoun
        verb = toks.head(t)
        if _negated(toks, verb):
            return None
        if _responsible(toks, verb) or _behind(toks, verb, _CLAIMED) or (
                verb.lemma.lower() in _TAKE and any(c.dep == "dobj" and c.lemma.lower() in _CLAIMED for c in toks.children(verb.i))):
            return verb
        return None
    return None


def _claims(doc: Document, toks: TokenIndex, mentions: list[ActorMention]) -> list[_Claim]:
    out: list[_Claim] = []
    for m in mentions:
        sent = doc.sentence_of(m.start)
        if sent is None or any(c.sentence == sent for c in out):
            continue
        verb = _claim(toks, m) or _relative_claim(doc, toks, m, mentions)
        if verb is None:
            continue
        lo, hi = toks.subtree(verb.i)
        if verb.dep == "relcl":  # "the attacks of Nov. 13 in Paris, which were claimed by X": what it claims
            above = toks.subtree(toks.head(verb).i)
            lo, hi = min(lo, above[0]), max(hi, above[1])
        countries = frozenset(p.country for p in doc.places if lo <= p.start < hi and p.country)
        out.append(_Claim(sent, m, verb.i, lo, hi, bool(_OTHER.search(doc.text, lo, hi)), countries))
    return out


def _names(toks: TokenIndex, claim: _Claim, e: Event) -> bool | None:
    """Do the claim's words name the event ("claimed the bombing", "claimed credit for the
    attacks")? None when the event is told inside them under another verb ("claimed the attack,
    which followed an air strike that killed four"): that one is not what was claimed."""
    if not claim.start <= e.trigger.start < claim.end:
        return False
    tok = toks.at(e.trigger.start)
    if tok is None:
        return None
    for t in toks.ancestors(tok):
        if t.i == claim.verb:
            return True
        if t.pos in ("VERB", "AUX"):
            return None
    return None


def _claimed(doc: Document, e: Event, claims: list[_Claim]) -> _Claim | None:
    """The claim of the event: one whose words name it ("claimed the bombing"), else the nearest
    claim of no other attacks, in no other country, in its sentence, its paragraph, or the two
    sentences after it, else one anywhere whose words name the event's town."""
    toks = index(doc)
    said = [(c, _names(toks, c, e)) for c in claims]
    named = [c for c, names in said if names]
    if named:
        return named[0]
    sent = e.evidence[0]
    lo, hi = paragraph(doc.text, sent.start)
    following = [s for s in doc.sentences if s.start >= sent.end][:2]
    country = e.place.country if e.place is not None else None
    near = [c for c, names in said if names is False and not c.others
            and not (country and c.countries and country not in c.countries)
            and (c.sentence == sent or lo <= c.sentence.start < hi or c.sentence in following)]
    if not near and e.place is not None and e.place.precision in ("city", "district"):
        # further away, a claim whose words name the event's town ("claimed the attacks in X")
        near = [c for c, names in said if names is False and not c.others and any(
            c.start <= p.start < c.end and p.gazetteer_id == e.place.gazetteer_id for p in doc.places)]
    return min(near, key=lambda c: abs(c.sentence.start - sent.start)) if near else None


@dataclass(frozen=True, slots=True)
class Named:
    """The groups a document names, and the sentences in which one claims an attack."""

    mentions: tuple[ActorMention, ...] = ()
    claims: tuple[_Claim, ...] = ()


def named_groups(doc: Document) -> Named:
    mentions = group_mentions(doc)
    if not mentions or not doc.tokens:
        return Named(tuple(mentions))
    return Named(tuple(mentions), tuple(_claims(doc, index(doc), mentions)))


def group_doer(doc: Document, e: Event, named: Named) -> tuple[ActorMention, Span | None] | None:
    """The named group the text makes the event's doer, with the claim's sentence when a claim
    says so (None when the clause itself does); None when the text makes no group its doer."""
    if not named.mentions:
        return None
    found = _in_clause(doc, index(doc), e, list(named.mentions))
    said = None
    if found is None:
        claim = _claimed(doc, e, list(named.claims))
        if claim is None:
            return None
        said, found = claim.sentence, claim.group
    if any(t.actor == found.actor for t in e.targets):
        return None
    country = found.country or (e.place.country if e.place is not None else None)
    return ActorMention(found.start, found.end, found.text, found.actor, found.name, found.kind, country), said


def group_targets(doc: Document, e: Event, named: Named) -> tuple[ActorMention, ...]:
    """The groups the event's clause names as what was attacked or fought: the object of its verb
    ("destroying ISIL", "fighting the Taliban") or of "against"/"on" ("air strikes against
    Islamic State")."""
    if not named.mentions:
        return ()
    toks = index(doc)
    tok = toks.at(e.trigger.start)
    if tok is None:
        return ()
    kids = toks.children(tok.i)
    hit = {c.i for c in kids if c.dep in ("dobj", "nsubjpass")}
    hit |= {g.i for c in kids if c.dep == "prep" and c.text.lower() in ("against", "on", "at")
            for g in toks.children(c.i) if g.dep == "pobj"}
    sent = e.evidence[0]
    out = []
    for m in named.mentions:
        if sent.start <= m.start and m.end <= sent.end and (r := _role(toks, m)) is not None and r.i in hit:
            country = m.country or (e.place.country if e.place is not None else None)
            out.append(ActorMention(m.start, m.end, m.text, m.actor, m.name, m.kind, country))
    return tuple(out)
