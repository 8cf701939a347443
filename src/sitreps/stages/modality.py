"""Modality: how sure the text is that one event happened, and whether it says it did not.

`event_certainty(doc, start, end)` judges the event word at those offsets of a parsed Document
in MEANTIME's terms: certainty CERTAIN, PROBABLE or POSSIBLE, polarity POS or NEG. It is not a
pipeline stage but a reading of what two stages left: the tokens of `nlp` and the claims of
`claims`. Cue words live in lexicons/modality.toml.

**The scope of a cue.** From the event word we walk up the parse through the words it is a
complement of (`_governors`): objects, clausal complements, a noun's "of"/"for"/"on"/"over"/
"about" phrase, an infinitive ("a plan *to evacuate*"), the predicate of a copula, a
coordinated word. The walk stops at a subject ("repairs could push the cost up": the repairs
are not in doubt), a relative or adverbial clause, a verb's prepositional phrase ("*during the
attack*, soldiers tried to flee"), a participle describing a noun ("the town *held by* the
army").

**Certainty**, the nearest cue on that walk deciding:
1. on a word of the walk: a modal ("may", "might", "could", "can"), a hedging adverb
   ("possibly" -> POSSIBLE, "probably", "reportedly" -> PROBABLE), a conditional or question
   subordinator ("if", "whether", "unless") -> POSSIBLE;
2. "would" on the event's own verb -> POSSIBLE ("a truce would give both sides time"), unless it
   is the future of a reported statement ("said it would send troops"), of a forecast
   ("predicted that it would recover": the forecast decides) or a polite wish ("would like");
3. a governor whose direct complement the event is (one step, not further: "attempted to
   address reports of looting" makes the addressing possible, not the reports): fear, try,
   consider, hope, propose, prevent, a plan or measure ... -> POSSIBLE; expect, forecast,
   predict, likely -> PROBABLE; a raising verb ("appears to show", "is said to be") ->
   POSSIBLE. A negated governor ("does not attempt to compete") says nothing is tried:
   CERTAIN (but "might not prevent a flood" leaves the flood possible);
4. the claim covering the word (claims stage, cues.toml), when its cue is a modifier of a word
   of the walk ("was apparently hit", "an offensive in the coming weeks"): hedged -> PROBABLE,
   possible -> POSSIBLE. The claim's class is not used on its own: it is the class of the whole
   clause, so "officials said ..." or "plans to ..." would colour every event in it; and the
   claims stage counts "will" as `possible`, where MEANTIME (and a reader) takes "the plant will
   open in May" as CERTAIN. On MEANTIME the clause's class alone put non-certain F1 at 0.22;
5. otherwise CERTAIN. A negated ability or hypothesis ("can not afford", "would not sell")
   is CERTAIN and NEG.

**Polarity** is NEG when an odd number of these hold: the word (or the copula it completes: "is
not efficient") has a negation child ("not", "never", "no"); its direct governor negates its
complement ("failed to pass", "prevent an escalation", "stopped shelling", "the flight was
delayed"); a negating participle describes it ("a cancelled visit"); its subject is negated
("no civilians were hurt"); it is the object of "without". A negated negator ("might not
prevent a flood") counts twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..lexicons import load_lexicon
from ..records import Claim, Document, Token
from ._tokens import TokenIndex, index

CERTAIN, PROBABLE, POSSIBLE = "CERTAIN", "PROBABLE", "POSSIBLE"
POS, NEG = "POS", "NEG"

# claims-stage certainty -> MEANTIME certainty, when the claim's cue qualifies the event
CLAIM_CERTAINTY = {
    "asserted": CERTAIN, "confirmed": CERTAIN, "reported": CERTAIN, "negated": CERTAIN,
    "hedged": PROBABLE, "possible": POSSIBLE,
}

# a word is in its governor's scope when it hangs from it by one of these
_SCOPED = frozenset({
    "xcomp", "ccomp", "dobj", "pobj", "prep", "pcomp", "acl",
    "attr", "acomp", "oprd", "conj", "appos", "dative",
})
# ... and these steps do not take it further from the governor ("fears of an *offensive*", "feared
# the bridge would be *lost*", "tried to reach the town and *evacuate* residents")
_LIGHT = frozenset({"pobj", "attr", "acomp", "oprd", "conj", "appos"})
_COPULA_PARTS = frozenset({"attr", "acomp", "oprd"})
# the prepositions that give a noun's content ("fears of", "plans for", "worries over")
_CONTENT_PREPS = frozenset({"of", "for", "on", "over", "about"})
_VERBAL = frozenset({"xcomp", "pcomp"})  # "stopped shelling", "ceased firing"
# how a claim's cue can qualify a word of the walk
_MODIFIERS = frozenset({"advmod", "prep", "npadvmod"})
_MAX_STEPS = 6


@dataclass(frozen=True)
class Lexicon:
    possible_modals: frozenset[str]
    hypothetical_modals: frozenset[str]
    reported_future: frozenset[str]
    polite: frozenset[str]
    possible_adverbs: frozenset[str]
    probable_adverbs: frozenset[str]
    possible_governors: frozenset[str]
    possible_nouns: frozenset[str]
    probable_governors: frozenset[str]
    raising: frozenset[str]
    conditionals: frozenset[str]
    negations: frozenset[str]
    negating_governors: frozenset[str]
    negating_verb_governors: frozenset[str]
    negating_prepositions: frozenset[str]


@cache
def lexicon() -> Lexicon:
    lex = load_lexicon("modality")
    modals, gov, neg = lex["modals"], lex["governors"], lex["negation"]

    def words(xs) -> frozenset[str]:
        return frozenset(x.lower() for x in xs)

    return Lexicon(
        possible_modals=words(modals["possible"]),
        hypothetical_modals=words(modals["hypothetical"]),
        reported_future=words(modals["reported_future"]),
        polite=words(modals["polite"]),
        possible_adverbs=words(lex["adverbs"]["possible"]),
        probable_adverbs=words(lex["adverbs"]["probable"]),
        possible_governors=words(gov["possible"]),
        possible_nouns=words(gov["possible_nouns"]),
        probable_governors=words(gov["probable"]),
        raising=words(gov["raising"]),
        conditionals=words(lex["conditionals"]["marks"]),
        negations=words(neg["words"]),
        negating_governors=words(neg["governors"]),
        negating_verb_governors=words(neg["verb_governors"]),
        negating_prepositions=words(neg["prepositions"]),
    )


def event_certainty(doc: Document, start: int, end: int) -> tuple[str, str]:
    """(certainty, polarity) of the event mentioned at `doc.text[start:end]`: certainty
    CERTAIN, PROBABLE or POSSIBLE, polarity POS or NEG (see the module docstring)."""
    claim = claim_at(doc.claims, start)
    toks = index(doc)
    tok = toks.head_of_span(start, end) or toks.at(start)
    if tok is None:  # no parse: the claim is all there is
        negated = claim is not None and claim.certainty == "negated"
        return (CLAIM_CERTAINTY[claim.certainty] if claim else CERTAIN), NEG if negated else POS
    lex = lexicon()
    walk = _governors(toks, tok)
    negated = _negated(toks, tok, walk, lex)
    certainty = _local_certainty(toks, tok, walk, lex) or _claim_certainty(toks, tok, walk, claim)
    if negated and certainty == POSSIBLE and _negated_modal(toks, tok):
        certainty = CERTAIN  # "can not afford", "would not sell": certainly not
    return certainty, NEG if negated else POS


def claim_at(claims: tuple[Claim, ...], offset: int) -> Claim | None:
    """The narrowest claim covering `offset`."""
    best = None
    for c in claims:
        if c.start <= offset < c.end and (best is None or c.end - c.start < best.end - best.start):
            best = c
    return best


# ---------------------------------------------------------------------------- the walk


@dataclass(frozen=True, slots=True)
class Step:
    child: Token
    governor: Token
    distance: int  # complements between the event and this governor (1: its direct governor)

    @property
    def direct(self) -> bool:
        """Is the child the governor's own complement (not its coordinate or apposition)?"""
        return self.distance == 1 and self.child.dep not in ("conj", "appos")


def _governors(toks: TokenIndex, tok: Token) -> list[Step]:
    """The words whose scope `tok` is in, nearest first (see the module docstring)."""
    steps: list[Step] = []
    t, distance = tok, 0
    for _ in range(_MAX_STEPS):
        if t.head == t.i or t.dep not in _SCOPED:
            break
        h = toks.head(t)
        if t.dep == "conj" and any(c.dep == "aux" for c in toks.children(t.i)):
            break  # "can fly far and has been tested": the second verb has its own auxiliaries
        if t.dep == "prep" and (h.pos in ("VERB", "AUX") or t.text.lower() not in _CONTENT_PREPS):
            break  # a verb's adjunct; a noun's place or time ("a plan after the talks")
        if t.dep == "acl" and not _infinitive(toks, t):
            break  # "the town held by the army" describes the town
        if t.dep not in _LIGHT:
            distance += 1
        steps.append(Step(t, h, max(distance, 1)))
        t = h
    return steps


def _infinitive(toks: TokenIndex, t: Token) -> bool:
    return any(c.dep == "aux" and c.tag == "TO" for c in toks.children(t.i))


# ---------------------------------------------------------------------------- certainty


def _local_certainty(toks: TokenIndex, tok: Token, walk: list[Step], lex: Lexicon) -> str | None:
    cue = _own_cue(toks, tok, lex, own=True)
    if cue:
        return cue
    if judged(toks, tok):
        return None
    for step in walk:
        # "would be a disaster": the copula's "would" is the predicate's own
        own = step.child is tok and tok.dep in _COPULA_PARTS
        lexical = _governor_cue(toks, step, lex) if step.direct else None
        cue = lexical or _own_cue(toks, step.governor, lex, own=own)
        if cue:
            return cue
    return None


_EPISTEMIC = {"may", "might", "could"}
_DEFINITE = {"the", "this", "that", "these", "those"}


def judged(toks: TokenIndex, tok: Token) -> bool:
    """Is the event the definite subject of a modal copula with a noun ("the arrest on July 21 may
    be a sign of ...", "the strike could be the work of saboteurs")? The modal weighs what the
    event means, not whether it happened ("an invasion would be a disaster" stays a hypothesis)."""
    if tok.dep != "nsubj" or tok.pos != "NOUN" or tok.head == tok.i:
        return False
    be = toks.head(tok)
    kids = toks.children(be.i)
    return be.lemma.lower() == "be" and any(c.dep == "attr" and c.pos == "NOUN" for c in kids) \
        and any(c.dep == "aux" and c.text.lower() in _EPISTEMIC for c in kids) \
        and any((c.dep == "det" and c.text.lower() in _DEFINITE) or c.dep == "poss" for c in toks.children(tok.i))


def _own_cue(toks: TokenIndex, t: Token, lex: Lexicon, *, own: bool) -> str | None:
    """A cue among a word's children: modal, hedging adverb, conditional subordinator. `own`:
    the event's own verb (or its copula), where "would" counts too."""
    for c in toks.children(t.i):
        word = c.text.lower()
        if c.dep == "aux" and c.tag == "MD":
            if word in lex.possible_modals or c.lemma.lower() in lex.possible_modals:
                return POSSIBLE
            if own and word in lex.hypothetical_modals and _hypothetical(toks, t, lex):
                return POSSIBLE
        elif c.dep == "advmod":
            if word in lex.possible_adverbs:
                return POSSIBLE
            if word in lex.probable_adverbs:
                return PROBABLE
        elif c.dep == "mark" and word in lex.conditionals:
            return POSSIBLE
    return None


def _hypothetical(toks: TokenIndex, verb: Token, lex: Lexicon) -> bool:
    """Is "would" on this verb a hypothesis, not the future of a reported statement ("said it
    would cut"), of a forecast ("predicted that it would be profitable": the forecast decides),
    or a polite wish ("would like to")?"""
    if verb.lemma.lower() in lex.polite:
        return False
    t = verb
    while t.dep == "conj" and t.head != t.i:
        t = toks.head(t)  # "said that the unit had been merged ... and would withdraw"
    if t.dep != "ccomp" and not any(c.dep == "mark" and c.text.lower() == "that" for c in toks.children(t.i)):
        return True
    # a "that" clause may hang from the report's noun ("announced in a letter that he would go")
    for up in list(toks.ancestors(t))[:3]:
        lemma = up.lemma.lower()
        if lemma in lex.reported_future or lemma in lex.probable_governors:
            return False
    return True


def _governor_cue(toks: TokenIndex, step: Step, lex: Lexicon) -> str | None:
    gov, lemma = step.governor, step.governor.lemma.lower()
    if step.child.dep == "xcomp" and lemma in lex.raising and _raised(gov):
        return POSSIBLE
    possible = lemma in lex.possible_governors or (gov.pos == "NOUN" and lemma in lex.possible_nouns)
    if not (possible or lemma in lex.probable_governors):
        return None
    if _negated_here(toks, gov, lex) and lemma not in lex.negating_governors:
        return CERTAIN  # "does not attempt to compete": nothing is tried ("might not prevent" is no help)
    return POSSIBLE if possible else PROBABLE


def _raised(gov: Token) -> bool:
    """"appears to", "seems to" always; "say", "report", "believe" only in the passive ("is said
    to be"): "said to reporters" is not hearsay."""
    return gov.lemma.lower() in ("appear", "seem") or gov.tag == "VBN"


def _claim_certainty(toks: TokenIndex, tok: Token, walk: list[Step], claim: Claim | None) -> str:
    """The claim's certainty when its cue modifies the event's word or a word of its walk;
    CERTAIN otherwise (see point 4 of the module docstring)."""
    if claim is None or claim.cue is None or claim.cue.start is None or claim.cue.end is None:
        return CERTAIN
    cue = toks.head_of_span(claim.cue.start, claim.cue.end)
    path = {tok.i, *(s.governor.i for s in walk)}
    if cue is None or cue.tag == "MD" or cue.i in path:
        return CERTAIN  # modals and governors are judged above, with this module's lexicon
    if cue.head in path and cue.dep in _MODIFIERS:
        return CLAIM_CERTAINTY[claim.certainty]
    return CERTAIN


def _negated_modal(toks: TokenIndex, tok: Token) -> bool:
    verbs = [tok, toks.head(tok)] if tok.dep in _COPULA_PARTS else [tok]
    return any(
        c.dep == "aux" and c.tag == "MD" and c.text.lower() not in ("may", "might")
        for v in verbs for c in toks.children(v.i)
    )


# ---------------------------------------------------------------------------- polarity


def _negated_here(toks: TokenIndex, t: Token, lex: Lexicon) -> bool:
    """Has the word a negation child ("did not comment", "never flew", "no deal")?"""
    return any(
        c.dep in ("neg", "det", "advmod") and c.text.lower() in lex.negations for c in toks.children(t.i)
    )


def _negated(toks: TokenIndex, tok: Token, walk: list[Step], lex: Lexicon) -> bool:
    flips = 0
    if _negated_here(toks, tok, lex):
        flips += 1
    elif tok.dep in _COPULA_PARTS and _negated_here(toks, toks.head(tok), lex):
        flips += 1  # "is not efficient", "not a big surprise"
    if any(_participle(c) and c.lemma.lower() in lex.negating_governors for c in toks.children(tok.i)):
        flips += 1  # "the cancelled visit", "the flight delayed by fog"
    if tok.pos in ("VERB", "AUX", "ADJ") and any(
        c.dep in ("nsubj", "nsubjpass") and _negated_here(toks, c, lex) for c in toks.children(tok.i)
    ):
        flips += 1  # "no civilians were hurt", "no one was killed"
    gov = _negating_governor(toks, tok, walk, lex)
    if gov is not None:
        flips += 1 + _negated_here(toks, gov, lex)  # "might not prevent a flood": it may happen
    return flips % 2 == 1


def _participle(t: Token) -> bool:
    """A past participle describing a noun ("a cancelled visit"), not an infinitive that says
    what the noun is about ("the decision to ban")."""
    if t.dep == "acl":
        return t.tag == "VBN"
    return t.dep == "amod" and (t.tag == "VBN" or t.text.lower().endswith("ed"))


def _negating_governor(toks: TokenIndex, tok: Token, walk: list[Step], lex: Lexicon) -> Token | None:
    """The word that says the event did not happen: a negating verb the event is the direct
    complement (or passive subject) of, or "without"."""
    if tok.dep == "nsubjpass" and tok.head != tok.i:
        head = toks.head(tok)  # "the flight was delayed"
        return head if head.lemma.lower() in lex.negating_governors else None
    for step in walk:
        lemma = step.governor.lemma.lower()
        if step.child.dep == "pobj" and lemma in lex.negating_prepositions:
            return step.governor
        if not step.direct:
            continue
        if lemma in lex.negating_governors:
            return step.governor
        if lemma in lex.negating_verb_governors and step.child.dep in _VERBAL:
            return step.governor  # "stopped shelling"; "stop the fighting" does not undo the fighting
    return None
