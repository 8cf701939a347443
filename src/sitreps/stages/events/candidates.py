"""Events stage: what happened, who did it to whom, where, when, how many died, how sure.

A trigger (a verb or noun lemma from lexicons/events.toml) starts an event; its arguments come
from the dependency parse: the subject (or the "by" agent) is the actor, the object the target,
places and times under the trigger first, then in its sentence. Certainty and source come from
the claim that covers the trigger, overridden by modal context around the trigger itself:
"could be planning ... strikes" is `possible` and never an event that happened.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from functools import cache
from itertools import islice

from ...lexicons import load_lexicon
from ...records import ActorMention, Claim, Count, Document, Event, Place, Span, TimeExpr, Token, Weapon
from .._counts import CasualtyPhrase, find_counts, find_weapons
from .._tokens import TokenIndex, index
from ..modality import NEG, POSSIBLE, PROBABLE, claim_at, event_certainty, judged
from ._discourse import paragraph
from .groups import group_mentions
from .when import counted_back, told_apart

_ARMED = {"state_forces", "armed_group", "police"}
_CROWD = {"protesters", "rioters"}
_VIOLENT = {"Battles", "Explosions/Remote violence", "Violence against civilians"}
_PRONOUN_SUBJECTS = {"others", "some", "many", "most", "several", "they", "who", "which", "that", "both"}
_NON_TRIGGER_ENTS = {"ORG", "PERSON", "GPE", "LOC", "FAC", "WORK_OF_ART", "NORP", "EVENT", "LAW", "PRODUCT"}
PRECISION_ORDER = {
    "district": 0, "city": 1, "water": 2, "admin2": 3, "front": 3, "admin1": 4, "region": 5, "country": 6,
}


@cache
def _lexicon():
    lex = load_lexicon("events")
    triggers: dict[str, dict] = {}
    by_subtype: dict[str, dict] = {}
    for t in lex["type"]:
        by_subtype.setdefault(t["subtype"], t)
        for lemma in t["lemmas"]:
            triggers.setdefault(lemma, t)  # the first listed type wins a shared lemma
    return lex, triggers, by_subtype


# a side's losses told as one number of killed and wounded (no death toll to take)
_LOST_KILLED_AND_WOUNDED = re.compile(
    r"\b(?:lost|loses|lose|losing)\s+(?:[\w,.-]+\s+){1,6}?(?:killed|dead)\s+(?:and|or)\s+(?:wounded|injured)\b", re.IGNORECASE)


def _a_common_noun_named(toks: TokenIndex, ent) -> bool:
    """A one-word entity that is a plain plural or mass noun ("Protests" at a sentence's start,
    tagged a nationality): a mistake of the model, not a name."""
    words = toks.in_span(ent.start, ent.end)
    return len(words) == 1 and words[0].tag in ("NNS", "NN") and words[0].pos == "NOUN"


def word_lemma(toks: TokenIndex, tok: Token) -> str:
    """The lemma of the whole word the token ends: the model splits "counter-attack" into
    "counter", "-", "attack", which is a counterattack, not an attack."""
    lemma = tok.lemma.lower()
    if tok.i < 2 or toks.tokens[tok.i - 1].text != "-":
        return lemma  # every token passes here: the whole word only after a hyphen
    word = toks.word(tok)[-3:]
    if len(word) == 3 and word[1].text == "-" and word[0].text.lower() in _PREFIXES:
        return word[0].text.lower() + lemma  # "cyber-attack" is a cyberattack
    return lemma


_PREFIXES = frozenset({"counter", "cyber"})  # a hyphenated word these start is another word


def _entry_for(tok: Token, toks: TokenIndex, triggers: dict, by_subtype: dict, phrases: list[CasualtyPhrase],
               lost_both: frozenset[int] = frozenset()) -> dict | None:
    """The taxonomy entry a token triggers: a phrasal verb first ("shoot down"), then the lemma;
    a verb that puts a number of fighters out of action ("eliminated 106 invaders", "lost 500
    servicemen") is a battle whatever its lemma says."""
    if any(p.personnel and p.kind == "killed" and p.word.start == tok.start for p in phrases):
        return by_subtype["Armed clash"]
    if tok.start in lost_both:
        return by_subtype["Armed clash"]  # "lost up to 60 servicemen killed and wounded": one count for both
    lemma = word_lemma(toks, tok)
    if lemma != tok.lemma.lower():
        return triggers.get(lemma)  # "counter-attack"
    if tok.i > 0:  # two-word triggers: "suicide bomber", "sexual violence", "chemical weapon"
        prev = toks.tokens[tok.i - 1]
        for key in (f"{prev.text.lower()} {lemma}", f"{prev.lemma.lower()} {lemma}", f"{prev.text.lower()} {tok.text.lower()}"):
            if key in triggers:
                return triggers[key]
    particles = [c for c in toks.children(tok.i) if c.dep in ("prt", "advmod", "prep") and c.i == tok.i + 1]
    for c in particles:
        entry = triggers.get(f"{lemma} {c.text.lower()}")
        if entry is not None:
            return entry
    return triggers.get(lemma) or triggers.get(tok.text.lower())


def find_candidates(doc: Document, limit: int | None = None) -> list[Event]:
    """Every event a trigger starts, with what its clause and sentence say (steps 1 and the
    clause-level part of 3-5); the later steps decide which are events and fill the gaps.
    With `limit`, reading stops at the first sentence that takes the count past it."""
    if not doc.tokens:
        return []
    lex, triggers, by_subtype = _lexicon()
    toks = index(doc)
    groups = group_mentions(doc)
    ent_tokens = {
        t.i for e in doc.entities if e.label in _NON_TRIGGER_ENTS and not _a_common_noun_named(toks, e)
        for t in toks.in_span(e.start, e.end)
    } | {t.i for a in doc.actors for t in toks.in_span(a.start, a.end)}  # "Russian artillery" acts
    events: list[Event] = []
    last: Event | None = None  # the last violent event told
    for sent in doc.sentences:
        taken: list[tuple[str, int, int]] = []  # (subtype, subtree start, end) of triggers kept
        phrases = find_counts(doc.text, sent.start, sent.end)
        phrases += _named_dead(doc, toks, sent, phrases)
        weapons = find_weapons(doc.text, sent.start, sent.end)
        lost_both = frozenset(m.start() for m in _LOST_KILLED_AND_WOUNDED.finditer(doc.text, sent.start, sent.end))
        in_sentence: list[Event] = []
        for k, tok in enumerate(toks.in_span(sent.start, sent.end)):
            entry = _entry_for(tok, toks, triggers, by_subtype, phrases, lost_both)
            if entry is not None and tok.pos == "AUX" and tok.tag == "VBG" and k == 0:
                tok = replace(tok, pos="NOUN")  # "Shelling continued in X": a sentence's first word, mis-tagged
            if entry is None or tok.pos not in ("VERB", "NOUN") or tok.i in ent_tokens:
                continue
            if entry.get("nouns_only") and (tok.pos != "NOUN" or not _one_named(toks, tok)):
                continue  # "killing two people" is a count; "crimes and violence and killings" a kind of thing
            head = toks.head(tok)
            if tok.dep in ("compound", "amod") and triggers.get(head.lemma.lower()) is entry:
                continue  # "missile strikes": the head noun carries the event
            if tok.dep in ("compound", "amod") and tok.start > sent.start and doc.text[tok.start - 1] == "-":
                continue  # "shoulder-fired grenades", "rocket-propelled": a kind of thing, not an event
            if tok.lemma.lower() == "fire" and tok.pos == "NOUN" and head.lemma.lower() in _BURNING:
                continue  # "the pipeline caught fire", "put out the fire": burning, not gunfire
            if any(sub == entry["subtype"] and lo <= tok.start < hi for sub, lo, hi in taken):
                continue  # "missile strikes": one event, not two
            actors, targets, syntactic = _participants(doc, toks, tok, sent, entry["type"] in _SUFFERED)
            if entry["subtype"] == "Disrupted weapons use" and any(t.kind in _ARMED for t in targets) \
                    and not _downs_a_weapon(toks, tok):
                entry = by_subtype["Armed clash"]  # "neutralized several enemy groups", not "shot down an enemy aircraft"
            if entry["subtype"] == "Armed clash" and tok.lemma.lower() == "assault" and _a_person_assaulted(toks, tok):
                entry = by_subtype["Attack"]  # "an actor who was assaulted in Dublin": one person attacked, no battle
            if entry["subtype"] == "Agreement" and not actors and (party := _agreed_with(doc, toks, tok)):
                # "a corridor has been agreed on with Russia, according to the Ukrainian deputy
                # prime minister": Russia is the other party, the source's government the first
                actors, targets = _the_sources_government(doc, tok, party), (*targets, *party)
            if entry["subtype"] == "Arrests" and _taken_by_force(doc, sent, entry, actors):
                entry = by_subtype["Abduction/forced disappearance"]  # "Russian forces detained the mayor of X"
            if entry["subtype"] == "Non-state actor overtakes territory" and _takes_fighters(toks, tok, targets):
                entry = by_subtype["Armed clash"]  # "captured two enemy soldiers": taken in a fight, not ground
            if entry["subtype"] == "Non-violent transfer of territory" and leaves_no_ground(toks, tok):
                entry = by_subtype["Change to group/activity"]  # "pulled troops back from the border": a move, no ground
            if entry["type"] == "Battles" or entry["subtype"] == "Armed clash":
                actors, targets, lost = _losses_turned(doc, toks, tok, sent, phrases, actors, targets)
                syntactic = syntactic or lost or any(not a.inferred for a in actors)
            if entry.get("needs_actor") and not syntactic and not _fighting_at(doc, toks, tok, sent) \
                    and not _by_a_named_group(toks, tok, groups):
                stray = _subjectless_doer(doc, toks, tok)
                if not stray:
                    continue
                actors, syntactic = stray, True
            if not actors and entry["type"] in _VIOLENT:
                actors = _adjacent_actor(doc, tok) or _other_side_of(tok, targets)
            if tok.pos == "NOUN" and not actors and not targets and any(sub == entry["subtype"] for sub, _, _ in taken) \
                    and not any(c.dep == "amod" and c.lemma.lower() in _ANOTHER for c in toks.children(tok.i)):
                continue  # "shelled the town from artillery": one shelling, told twice (not "similar explosions")
            if entry.get("objects") and not any(c.dep == "dobj" and c.lemma.lower() in entry["objects"] for c in toks.children(tok.i)):
                continue  # "stopped a push" is a battle, "stopped the talks" no event
            if entry.get("only_objects") and not any(w in doc.text[sent.start : sent.end].lower() for w in entry["only_objects"]) \
                    and not (entry["subtype"] == "Arrests" and _a_named_person_held(doc, toks, tok, sent)):
                continue
            if entry.get("only_heads") and not _used(toks, tok, entry["only_heads"]):
                continue
            if entry.get("needs_target") and not _hit_something(toks, tok):
                continue  # "the threat of cyberattacks": nothing was hit
            if tok.pos == "VERB" and any(c.dep == "nsubj" and needs_target(toks, c) for c in toks.children(tok.i)):
                continue  # "a cyber-attack hit the website": the attack's verb, not a strike
            if entry["subtype"] == "Looting/property destruction":
                entry = _military_destruction(entry, toks, tok, actors, targets, weapons, by_subtype, phrases)
                if entry is None:
                    continue
            if not _particular(doc, toks, tok, sent, entry, phrases, actors, targets, lex):
                continue  # the war as a whole, a weapon talked about, a figure of speech
            if tok.pos == "NOUN" and (_means_of(toks, tok, taken) or _disrupted(toks, tok, taken) or _repelled(toks, tok, taken)):
                continue  # "destroyed ... with strikes", "shot down 20 drones", "repelled an attack": one event
            if entry["type"] in _VIOLENT or entry["subtype"] in ("Non-violent transfer of territory", "Disrupted weapons use"):
                actors = tuple(as_forces(a) for a in actors)  # a country that strikes or shoots down: its forces
            taken.append((entry["subtype"], *toks.subtree(tok.i)))
            claim = claim_at(doc.claims, tok.start)
            certainty = _certainty(doc, toks, tok, lex, claim)
            place = place_for(doc, toks, tok, sent)
            time = _time_for(doc, toks, tok, sent)
            evidence = [Span(sent.start, sent.end, sent.text)]
            in_sentence.append(
                Event(
                    id=_event_id(doc, tok, entry["subtype"]),
                    type=entry["type"],
                    subtype=entry["subtype"],
                    trigger=Span(tok.start, tok.end, tok.text),
                    actors=actors,
                    targets=targets,
                    place=place,
                    time=time,
                    certainty=certainty,
                    source=claim.source if claim else None,
                    evidence=tuple(evidence),
                )
            )
        if phrases and not any(e.type in _VIOLENT for e in in_sentence):
            casualty = _casualty_event(doc, toks, sent, phrases, weapons, by_subtype, lex, _told_before(doc, sent, last))
            if casualty is not None:
                in_sentence.append(casualty)
        in_sentence = _riots_met_by_police(_without_subject_weapons(toks, _without_bare_blasts(in_sentence)))
        events.extend(_with_counts_and_weapons(in_sentence, phrases, weapons, by_subtype))
        last = next((e for e in reversed(in_sentence) if e.type in _VIOLENT), None) or last
        if limit is not None and len(events) > limit:
            break
    return events


# "died at the front", "killed in action", "wounded in the fighting near X", "killed while
# fighting for the other side": a battle's dead
_IN_COMBAT = re.compile(r"\b(?:at the front(?:line| line)?|on the front ?lines?|in action|in (?:a |the )?(?:battle|combat|fighting)\b(?! (?:against|for))"
                        r"|(?:killed|died|dies|wounded|injured)\s+(?:while\s+|when\s+)?(?:fighting|defending)\s+(?:for|alongside|against|with|in|on)\b"
                        r"(?!\s+(?:(?:his|her|their|its|my|your|our|a|an|the|long)\s+)?(?:life|lives|cancer|illness|disease|covid|addiction)\b))",
                        re.IGNORECASE)
# the dead and hurt whom a war report counts as its own ("four medics were killed during the
# evacuation", "a journalist injured in the Kherson region"), beside fighters and civilians;
# not "residents" or "people": a road accident has them too
_WAR_VICTIMS = re.compile(r"\b(?:civilians|soldiers|servicemen|troops|fighters|combatants|medics|paramedics|rescuers|"
                          r"volunteers|journalists?|reporters?|evacuees)\b", re.IGNORECASE)
_TERRITORY_TYPES = {"Government regains territory", "Non-state actor overtakes territory"}
PARTICULAR_PRECISION = {"city", "district", "admin3", "admin2", "front", "admin1", "water"}


_AIRBORNE = {"aircraft", "plane", "jet", "helicopter", "drone", "missile", "rocket", "uav", "bomber", "fighter", "shell"}


_FIGHTERS = {"soldier", "soldiers", "serviceman", "servicemen", "fighter", "fighters", "mercenary", "mercenaries",
             "paratrooper", "paratroopers", "marine", "marines", "prisoner", "prisoners", "pow", "pows", "wagnerian",
             "wagnerians", "wagnerite", "wagnerites", "invader", "invaders", "occupier", "occupiers"}


def _named_dead(doc: Document, toks: TokenIndex, sent: Span, phrases: list[CasualtyPhrase]) -> list[CasualtyPhrase]:
    """"Captain Anton Sydorov was killed": one person the text names, killed, is a count of one
    (the numbers of casualty phrases leave names out)."""
    if "kill" not in doc.text[sent.start : sent.end].lower():
        return []  # (read for every sentence: most kill no one)
    out = []
    people = [e for e in doc.entities if e.label == "PERSON" and sent.start <= e.start and e.end <= sent.end]
    for tok in toks.in_span(sent.start, sent.end):
        if tok.lemma.lower() != "kill" or tok.tag != "VBN" or any(p.word.start <= tok.start < p.word.end for p in phrases):
            continue
        for subj in (c for c in toks.children(tok.i) if c.dep == "nsubjpass" and c.tag in ("NNP", "NN")):
            lo, hi = toks.subtree(subj.i)
            named = [e for e in people if lo <= e.start and e.end <= hi]
            if len(named) == 1 and not any(c.dep == "conj" for c in toks.children(subj.i)):
                who = named[0]
                out.append(CasualtyPhrase("killed", Count(1, 1, who.start, who.end, who.text),
                                          Span(tok.start, tok.end, tok.text), False))
    return out


def _one_named(toks: TokenIndex, tok: Token) -> bool:
    """Does the noun name one occurrence: with a determiner, a possessor or a modifier noun ("the
    killing", "Friday's killings", "the Evansville killings"), or with what it was done to ("killing
    of a teenager")? Not a bare plural ("crimes and violence and killings")."""
    return any(c.dep in ("det", "poss", "compound", "nmod") or c.dep == "prep" and c.text.lower() == "of"
               for c in toks.children(tok.i))


def _a_person_assaulted(toks: TokenIndex, tok: Token) -> bool:
    """Is who was assaulted one person: the verb's object or its passive's subject (through
    "who" to the noun the clause hangs on) a name or a word for a person?"""
    if tok.pos != "VERB":
        return False
    hit = [c for c in toks.children(tok.i) if c.dep in ("dobj", "nsubjpass")]
    hit = [toks.head(tok) if h.text.lower() in ("who", "that") and tok.dep == "relcl" else h for h in hit]
    return any(h.ent_type == "PERSON" or h.tag in ("NN", "NNP") and h.lemma.lower() in person_words() for h in hit)


@cache
def person_words() -> frozenset[str]:
    """Words for one person (events.toml [casualties]: `victims_singular` and `person_words`)."""
    lex = _lexicon()[0]
    return frozenset(lex["casualties"]["victims_singular"]) | frozenset(lex["casualties"]["person_words"])


def _taken_by_force(doc: Document, sent: Span, entry: dict, actors) -> bool:
    """A detention by an army or an armed group (not the police or a security service) of
    someone who is not a suspect: ACLED's abduction or forced disappearance, not an arrest."""
    if not any(a.kind in ("state_forces", "armed_group") and not a.inferred for a in actors):
        return False
    said = doc.text[sent.start : sent.end].lower()
    return not any(w in said for w in entry.get("only_objects", ()))


_ORDINARY_CRIME = re.compile(
    r"\b(?:shootings?|shot|murder\w*|slay\w*|killings?|homicide|robber\w*|burglar\w*|theft|stabb\w*|rape|carjack\w*"
    r"|drunk\w*|DUI|chase|jail|booked)\b", re.IGNORECASE)
_POLITICAL = re.compile(
    r"\b(?:opposition|activis\w*|journalists?|bloggers?|dissidents?|protest\w*|anti-war|critics?|critici\w*|treason"
    r"|extremis\w*|espionage|spy|spying|regime|Kremlin|military|army|war|occup\w+|separatists?|sabotage|saboteurs?"
    r"|terroris\w*|political|politician|nationalists?|ultranationalists?|coup|insurgents?|rebels?|militants?)\b",
    re.IGNORECASE)
_A_LINE = re.compile(r"[^\n]*\S[^\n]*")
# "house arrest" is a sentence served; "an arrest warrant", "arrest powers", "ordered his arrest" no arrest made
_NOT_AN_ARREST = {"house", "warrant", "warrants", "power", "powers", "order", "orders", "threat", "risk"}


def _a_named_person_held(doc: Document, toks: TokenIndex, tok: Token, sent: Span) -> bool:
    """Is who was arrested or detained a person the text names ("police detained John Miller",
    "a local man, John Miller, was detained", "the arrest of John Miller", "Miller's arrest"), in
    a political story? One named person held is one particular arrest; ordinary police news is
    none ACLED codes."""
    if tok.dep in ("compound", "amod") or any(c.lemma.lower() in _NOT_AN_ARREST for c in toks.children(tok.i)) \
            or toks.head(tok).lemma.lower() in _NOT_AN_ARREST:
        return False  # "house arrest", "an arrest warrant", "ordered his arrest"
    if _ORDINARY_CRIME.search(doc.text, sent.start, sent.end):
        return False  # a suspect arrested for a shooting or a murder
    # political: the sentence, its paragraph or the article's lead (a title and the first paragraph) says so
    lo, hi = paragraph(doc.text, sent.start)
    lead = max((m.end() for m in islice(_A_LINE.finditer(doc.text), 2)), default=0)
    return bool(_POLITICAL.search(doc.text, lo, hi) or _POLITICAL.search(doc.text, 0, lead)) and _named_held(doc, toks, tok)


def _named_held(doc: Document, toks: TokenIndex, tok: Token) -> bool:
    """Does the arrest's object, passive subject, possessor or "of" name a person?"""
    held = [c for c in toks.children(tok.i) if c.dep in ("dobj", "nsubjpass", "poss")]
    held += [o for c in toks.children(tok.i) if c.dep == "prep" and c.text.lower() == "of"
             for o in toks.children(c.i) if o.dep == "pobj"]
    people = [e for e in doc.entities if e.label == "PERSON"]
    for h in held:
        names = [h, *(c for c in toks.children(h.i) if c.dep in ("appos", "conj"))]
        if any(e.start <= n.start < e.end for n in names for e in people):
            return True
        if a_person(h) and any(n.pos == "PROPN" for n in names[1:]):
            return True  # "a Russian man, Alexey Petrov," (a name the model may tag as anything)
    return False


def _takes_fighters(toks: TokenIndex, tok: Token, targets) -> bool:
    """What a capture took is fighters (an armed side, or a word for its men), not ground."""
    objects = [c for c in toks.children(tok.i) if c.dep in ("dobj", "nsubjpass")]
    return any(o.lemma.lower() in _FIGHTERS or o.text.lower() in _FIGHTERS or o.text.lower() in _UNITS for o in objects) \
        or (not objects and any(t.kind in _ARMED for t in targets))


# what troops leave without any ground changing hands
NOT_GROUND = {"border", "frontier", "exercise", "exercises", "drill", "drills", "manoeuvres", "maneuvers"}


def leaves_no_ground(toks: TokenIndex, tok: Token) -> bool:
    """"Troops were withdrawing from the border", "... from the drills": forces moved, no ground
    changed hands (ACLED's change to group activity, not a transfer of territory)."""
    return any(c.dep == "prep" and c.text.lower() == "from" and any(
        g.dep == "pobj" and g.lemma.lower() in NOT_GROUND for g in toks.children(c.i)) for c in toks.children(tok.i))


def _downs_a_weapon(toks: TokenIndex, tok: Token) -> bool:
    head = toks.head(tok) if tok.text.lower() == "down" else tok
    return any(c.dep in ("dobj", "nsubjpass") and c.lemma.lower() in _AIRBORNE for c in toks.children(head.i))


_FIGHT_NOUNS = {"fighting", "battle", "clash", "combat", "firefight", "skirmish", "siege"}


def _fighting_at(doc: Document, toks: TokenIndex, tok: Token, sent: Span) -> bool:
    """"Fighting continues in the city of X": a fighting noun needs no doer when its clause
    names a place below the country."""
    if tok.pos != "NOUN" or tok.lemma.lower() not in _FIGHT_NOUNS:
        return False
    head = toks.head(tok)
    lo, hi = toks.subtree(head.i if tok.dep in ("nsubj", "nsubjpass") else tok.i)
    return any(lo <= p.start and p.end <= hi and p.resolved and p.precision not in ("country", "continent", "region")
               and not p.dateline for p in doc.places)


def _by_a_named_group(toks: TokenIndex, tok: Token, groups: list[ActorMention]) -> bool:
    """Does a named armed group modify the noun ("an Islamic State counter-attack")? Step 6
    makes it the doer."""
    if tok.pos != "NOUN" or not groups:
        return False
    word = toks.word(tok)
    mods = [toks.subtree(c.i) for w in word for c in toks.children(w.i)
            if c.dep in ("compound", "amod", "nmod", "poss") and c.i < word[0].i]
    return bool(mods) and any(lo <= g.start and g.end <= hi for g in groups for lo, hi in mods)


def _particular(doc, toks, tok, sent, entry, phrases, actors, targets, lex) -> bool:
    """Is this trigger a particular violent event (see [specific] in events.toml)? Non-violent
    types pass; a weapon noun needs an impact, a territory change the ground taken, and any
    violent event a casualty count, a place below the country, a day or a time, or an armed
    actor set against a target."""
    violent = entry["type"] in _VIOLENT
    if not violent and entry["subtype"] not in _TERRITORY_TYPES:
        return True
    spec = lex["specific"]
    before = doc.text[max(sent.start, tok.start - 12) : tok.start].lower().split()
    if before and before[-1] in spec["not_violent_before"]:
        return False
    lemma = tok.lemma.lower()
    if tok.pos == "NOUN" and lemma in lex["weapon_triggers"]["lemmas"] and not phrases:
        head = toks.head(tok)
        if tok.dep == "pobj":
            head = toks.head(head)
        impact = lex["weapon_triggers"]["impact_verbs"]
        if head.lemma.lower() not in impact and not impact_told(toks, tok):
            return False
    objects = [toks.subtree(c.i) for c in toks.children(tok.i) if c.dep in ("dobj", "nsubjpass", "pobj", "prep")]
    if tok.dep == "acl" and tok.tag == "VBN" and entry["subtype"] == "Government regains territory":
        # "X, a town recently liberated by Ukrainian troops": the town ("Crimea occupied by
        # Russians" is a state of things, and "the latest town hit" no ground taken)
        noun = toks.head(tok)
        objects.append((noun.start, noun.end))
        if noun.dep == "appos":
            objects.append(toks.subtree(toks.head(noun).i))
    ground = any(
        lo <= p.start and p.end <= hi and p.precision not in ("country", "continent")
        for lo, hi in objects for p in doc.places
    ) or any(w.strip(",.;:").lower() in spec["territory_words"] for lo, hi in objects for w in doc.text[lo:hi].split())
    if entry["subtype"] in _TERRITORY_TYPES:
        return ground  # "recaptured the village": the ground taken is what makes it one
    if tok.pos == "NOUN" and lemma in _BARE_DESTRUCTION and _whole_places_of(doc, toks, tok):
        return False  # "Russia's destruction of Mariupol": a city's ruin over a war, not one event
    if phrases or ground:  # "shelled the village"
        return True
    if any(sent.start <= p.start and p.end <= sent.end and p.resolved and p.precision in PARTICULAR_PRECISION
           and not p.dateline for p in doc.places) or _here(doc, toks, sent):
        return True  # (a reporter's "here" is the dateline's town)
    # a day or a time; "in the coming weeks" makes a feared or planned strike a particular one
    if any(sent.start <= t.start and t.end <= sent.end and t.grain in ("day", "time", "interval", "future") for t in doc.times):
        return True
    armed = [a for a in actors if a.kind in _ARMED or a.kind in ("government", "nationals")]
    if armed and any(t.kind in _ARMED or t.kind == "civilians" for t in targets):
        return True
    if armed and lemma in _BARE_DESTRUCTION and any(
            find_weapons(doc.text, *toks.subtree(c.i)) for c in toks.children(tok.i) if c.dep in ("dobj", "nsubjpass")):
        return True  # "paratroopers destroyed an armoured vehicle with its crew": the other side's arms, struck
    # an armed doer in a paragraph that has already said where or when ("Russian troops attacked
    # X on Monday. Their artillery also shelled the railway station.")
    para = doc.text.rfind("\n", 0, sent.start) + 1
    return bool(armed) and para < sent.start and (
        any(para <= p.start and p.end <= sent.start and p.resolved and p.precision in PARTICULAR_PRECISION
            and not p.dateline for p in doc.places)
        or any(para <= t.start and t.end <= sent.start and t.grain in ("day", "time") for t in doc.times))


def impact_told(toks: TokenIndex, tok: Token) -> bool:
    """"A missile that targeted a position": the weapon's impact told in its relative clause."""
    impact = _lexicon()[0]["weapon_triggers"]["impact_verbs"]
    return any(c.dep == "relcl" and c.lemma.lower() in impact and any(
        g.dep == "nsubj" and g.text.lower() in ("that", "which") for g in toks.children(c.i)) for c in toks.children(tok.i))


def _whole_places_of(doc: Document, toks: TokenIndex, tok: Token) -> bool:
    """Is what the noun's "of" names nothing but places ("the destruction of X and Y"), not
    something in a place ("the destruction of a bridge in X")?"""
    of = [c for c in toks.children(tok.i) if c.dep == "prep" and c.text.lower() == "of"]
    objects = [o for c in of for o in toks.children(c.i) if o.dep == "pobj"]
    heads = [*objects, *(c for o in objects for c in toks.children(o.i) if c.dep == "conj")]
    return bool(heads) and all(any(p.start <= h.start < p.end and p.resolved for p in doc.places) for h in heads)


_EXPLOSIVE = {"artillery", "mlrs", "missile", "drone", "aircraft", "mortar", "naval"}
# "destroyed by Russian bombardment": the means says it was struck
_STRIKE_NOUNS = {"bombardment", "shelling", "strike", "missile", "rocket", "airstrike", "bombing", "artillery", "drone", "shell"}


# verbs whose "fire" is burning, not gunfire
_BURNING = {"catch", "cause", "start", "spark", "fight", "put", "extinguish", "douse", "battle"}
# words that say something was destroyed but not that anyone looted, burned or wrecked it
_BARE_DESTRUCTION = {"destroy", "destruction"}
# what, destroyed, is fighters killed rather than property
_UNITS = {"group", "groups", "saboteurs", "regiment", "regiments", "battalion", "battalions", "company", "platoon",
          "squad", "detachment", "column", "unit", "units", "troops", "soldiers", "fighters", "mercenaries", "brigade"}


def _destroyed_a_unit(toks: TokenIndex, tok: Token) -> bool:
    objects = [c for c in toks.children(tok.i) if c.dep in ("dobj", "nsubjpass")]
    objects += [g for c in toks.children(tok.i) if c.dep == "prep" and c.text.lower() == "of"
                for g in toks.children(c.i) if g.dep == "pobj"]
    return any(o.text.lower() in _UNITS for o in objects)


def _military_destruction(entry, toks, tok, actors, targets, weapons, by_subtype, phrases=()) -> dict | None:
    """"Destroyed the enemy's howitzers" is combat, not property destruction: with an armed
    target or a weapon destroyed, the event is a shelling (when the sentence names an explosive
    weapon or the doers are gunners, pilots, missile crews) or an armed clash. In a war a
    building, a depot or a refinery destroyed by an armed force or a state ("Russia destroyed an
    oil refinery"), or destroyed with people killed in it, was struck: a shelling/missile attack.
    Looting, arson and vandalism with no armed doer and no victims stay property destruction;
    a bare "destroyed" or "destruction" with no doer, means or victims is no event (None): it
    says what state a place is in, not what happened to it, when or by whom."""
    if tok.lemma.lower() == "blow" and not any(t.kind in _ARMED for t in targets):
        return by_subtype["Remote explosive/landmine/IED"]  # "blew up a railway segment", "the dam was blown up"
    lo, hi = toks.subtree(tok.i)
    # the weapons destroyed ("destroyed two tanks"), not the means ("destroyed by a missile")
    means = [toks.subtree(c.i) for c in toks.children(tok.i)
             if c.dep in ("agent", "prep") and c.text.lower() in ("by", "with", "using")]
    hit_weapons = [w for w in weapons if lo <= w.start and w.end <= hi and w.start > tok.start]
    if not (any(t.kind in _ARMED for t in targets)
            or any(not any(a <= w.start and w.end <= b for a, b in means) for w in hit_weapons)):
        armed_doer = any(a.kind in _ARMED or a.kind in ("government", "nationals") for a in actors)
        struck_by = any(c.dep in ("agent", "prep") and c.text.lower() in ("by", "with", "in") and any(
            x.lemma.lower() in _STRIKE_NOUNS for x in toks.in_span(*toks.subtree(c.i))) for c in toks.children(tok.i))
        if armed_doer or struck_by or any(p.kind == "killed" for p in phrases):
            return by_subtype["Shelling/artillery/missile attack"]
        if tok.lemma.lower() in _BARE_DESTRUCTION:
            if _destroyed_a_unit(toks, tok):
                return by_subtype["Armed clash"]  # "destroyed a group of saboteurs", "the regiment was destroyed"
            return None  # "the airport was destroyed", "the destruction of the dam": a state, not an event to code
        return entry
    explosive = any(w.kind in _EXPLOSIVE and w not in hit_weapons for w in weapons) or any(
        re.search(r"artiller|missile|aviation|aircraft|gunner|rocket", a.text, re.IGNORECASE) for a in actors
    )
    return by_subtype["Shelling/artillery/missile attack" if explosive else "Armed clash"]


def _means_of(toks: TokenIndex, tok: Token, taken: list[tuple[str, int, int]]) -> bool:
    """A noun trigger attached by "with", "by", "from" or "under" to a verb already kept as an
    event ("destroyed up to 20 soldiers with strikes")."""
    prep = toks.head(tok)
    if tok.dep != "pobj" or prep.text.lower() not in ("with", "by", "from", "under", "using"):
        return False
    verb = toks.head(prep)
    return any(lo <= verb.start < hi for _, lo, hi in taken)


def _repelled(toks: TokenIndex, tok: Token, taken: list[tuple[str, int, int]]) -> bool:
    """The attack a kept battle trigger stopped: "repelled an enemy attack", "thwarted the
    attempts of the offensive" are one battle, not a battle and an attack."""
    node = tok
    for _ in range(3):
        if node.dep not in ("dobj", "pobj", "prep", "nsubjpass"):
            return False
        node = toks.head(node)
        if node.pos == "VERB":
            break
    return any(sub in _BATTLE_SUBTYPES and lo <= node.start < hi for sub, lo, hi in taken) and node.i != tok.i


_BATTLE_SUBTYPES = {"Armed clash", "Government regains territory", "Non-state actor overtakes territory"}


def _disrupted(toks: TokenIndex, tok: Token, taken: list[tuple[str, int, int]]) -> bool:
    """The weapon a kept "shot down" / "intercepted" event stopped."""
    head = toks.head(tok)
    if tok.dep == "pobj":
        head = toks.head(head)
    return any(sub == "Disrupted weapons use" and lo <= head.start < hi for sub, lo, hi in taken) and head.i != tok.i


def _without_bare_blasts(events: list[Event]) -> list[Event]:
    """"Explosions in X: fighters hit the airfield": a bare "explosion" with no doer, next to an
    attack that says what exploded, is that attack."""
    attacks = [e for e in events if e.type == "Explosions/Remote violence" and e.trigger.text.lower() not in _BLASTS]
    if not attacks:
        return events
    return [e for e in events if not (e.trigger.text.lower() in _BLASTS and not e.actors)]


_BLASTS = {"explosion", "explosions", "blast", "blasts"}
# the types whose passive subject is what the event was done to
_SUFFERED = {"Explosions/Remote violence", "Violence against civilians"}


def needs_target(toks: TokenIndex, tok: Token) -> bool:
    """Is the trigger one of an entry told only with what it disabled (`needs_target`: a cyberattack)?"""
    _, triggers, _ = _lexicon()
    lemma = word_lemma(toks, tok)
    prev = toks.tokens[tok.i - 1].text.lower() if tok.i > 0 else ""
    entry = triggers.get(f"{prev} {lemma}") or triggers.get(lemma)
    return bool(entry and entry.get("needs_target"))


def _hit_something(toks: TokenIndex, tok: Token) -> bool:
    """Does the text say the attack disabled something (the guideline's "a cyber-attack that
    disabled a named system"): a clause of the noun ("attacks that shut down the websites of two
    banks"), or a verb it is the subject of ("the attack knocked the grid offline"), whose verb
    says so and has an object? Not "a cyberattack on its website", which says what was aimed at."""
    def disabled(node: Token) -> bool:
        return node.pos == "VERB" and node.lemma.lower() in _DISABLE and any(c.dep == "dobj" for c in toks.children(node.i))

    if any(c.dep in ("relcl", "acl", "advcl") and disabled(c) for c in toks.children(tok.i)):
        return True
    # "attacks this week that shut down ...": the parse may hang the noun's clause elsewhere
    close = toks.tokens[tok.i + 1 : tok.i + 4]
    if any(w.text.lower() in ("that", "which") and w.dep == "nsubj" and disabled(toks.head(w))
           and not any(v.pos in ("VERB", "AUX") for v in close[: k]) for k, w in enumerate(close)):
        return True
    return tok.dep == "nsubj" and disabled(toks.head(tok))


# verbs that say a system stopped working
_DISABLE = {"shut", "disable", "disrupt", "cripple", "paralyse", "paralyze", "knock", "take", "crash", "halt", "wipe",
            "block", "down", "black", "cut"}


def _used(toks: TokenIndex, tok: Token, heads) -> bool:
    """Is the trigger (a thing) what its verb uses: its object, or the object of "with", "of"
    below such a verb or noun ("fired tear gas", "responded with volleys of tear gas")?"""
    node = tok
    for _ in range(4):
        if node.i == node.head:
            return False
        head = toks.head(node)
        if head.lemma.lower() in heads:
            return True
        if node.dep in ("compound", "amod") or head.pos == "ADP" or (head.pos == "NOUN" and node.dep == "pobj"):
            if node.dep in ("compound", "amod") and head.pos == "NOUN" and head.lemma.lower() not in heads:
                return False  # "tear gas canisters": a kind of thing carried
            node = head
            continue
        return False
    return False


def _riots_met_by_police(events: list[Event]) -> list[Event]:
    """"Youths rioted and police fired tear gas": the police met the riot, one event (ACLED's
    violent demonstration with the police as its second actor), not a protest broken up beside it."""
    riots = [e for e in events if e.type == "Riots"]
    met = [e for e in events if e.subtype == "Protest with intervention" and e.trigger.text.lower() in _crowd_control()]
    if not riots or not met:
        return events
    police = tuple(a for e in met for a in e.actors if a.kind in ("police", "state_forces"))
    first = riots[0]
    return [replace(e, targets=e.targets + tuple(p for p in police if p not in e.targets)) if e is first else e
            for e in events if e not in met]


@cache
def _crowd_control() -> frozenset[str]:
    """The head word of each crowd-control trigger ("gas" of "tear gas"): the lemmas of the
    lexicon's types that count only where the thing is used (`only_heads`)."""
    return frozenset(lemma.split()[-1] for t in _lexicon()[0]["type"] if t.get("only_heads") for lemma in t["lemmas"])


def _without_subject_weapons(toks: TokenIndex, events: list[Event]) -> list[Event]:
    """"Missiles struck the base": the weapon that is the subject of a kept strike verb is that
    strike, not a second one."""
    verbs = {e.trigger.start: e for e in events}
    dropped: dict[int, Event] = {}  # verb start -> the subject's event
    for e in events:
        tok = toks.at(e.trigger.start)
        head = toks.head(tok) if tok is not None else None
        if tok is not None and tok.pos == "NOUN" and tok.dep in ("nsubj", "nsubjpass") and head.start in verbs \
                and head.i != tok.i and (verbs[head.start].type == e.type
                                         or verbs[head.start].subtype == "Disrupted weapons use"):
            dropped[head.start] = e  # "drones were intercepted": what was stopped is the interception's
    out = []
    for e in events:
        if any(d is e for d in dropped.values()):
            continue
        subject = dropped.get(e.trigger.start)
        if subject is not None and subject.subtype in _SPECIFIC and subject.type == e.type:
            e = replace(e, subtype=subject.subtype)  # "a suicide bomber struck": a suicide bombing
        out.append(e)
    return out


_SPECIFIC = {"Suicide bomb", "Grenade", "Chemical weapon", "Remote explosive/landmine/IED", "Air/drone strike"}


# one person who can be an attack's doer: "a man", "the driver", "the shooter" (or a name)
_PERSONS = {"man", "woman", "boy", "girl", "teenager", "youth", "son", "daughter", "father", "mother", "husband", "wife",
            "brother", "sister", "neighbour", "neighbor", "suspect", "driver", "employee", "student", "inmate", "gunman",
            "attacker", "assailant", "killer", "shooter"}


def a_person(t: Token) -> bool:
    """Is the noun one person who acts: a name the model tags a person, or a word for one?"""
    return t.tag in ("NN", "NNP") and (t.ent_type == "PERSON" or t.lemma.lower() in _PERSONS)


def _a_killer(toks: TokenIndex, tok: Token) -> bool:
    """Does one person kill the counted people: the subject of "killed" with its object ("the
    man killed 49 people"), or of the verb a "killing" clause hangs on ("a driver plowed into a
    crowd, killing 84 people")? Not "a man was killed" and not "two men died"."""
    if tok.pos != "VERB" or tok.lemma.lower() not in ("kill", "murder", "shoot", "stab", "injure", "wound"):
        return False
    return any(a_person(s) for s in subjects_of_a_deed(toks, tok))


def subjects_of_a_deed(toks: TokenIndex, tok: Token, hung: bool = True) -> list[Token]:
    """The subjects of a verb done to an object ("the man killed 49 people"), else (`hung`) those
    of the verb its "-ing" clause hangs on ("a driver plowed into a crowd, killing 84"); none
    without an object ("two men died", "the boy drowned")."""
    children = toks.children(tok.i)
    # "shot and killed a man": the object may hang on the verb joined to it
    if not any(c.dep == "dobj" for c in children) and not any(
            c.dep == "conj" and c.pos == "VERB" and any(g.dep == "dobj" for g in toks.children(c.i)) for c in children):
        return []
    subjects = [c for c in children if c.dep == "nsubj"]
    if not subjects and hung and tok.dep == "advcl":
        subjects = [c for c in toks.children(tok.head) if c.dep == "nsubj"]
    return subjects


def _casualty_event(doc, toks, sent, phrases, weapons, by_subtype, lex, before: Event | None = None) -> Event | None:
    """A sentence that reports deaths or injuries but has no trigger of its own ("the Russians
    killed four residents", "three people died in the region overnight") is an event when an
    armed actor or a weapon in it says the deaths are the war's: a battle when the dead are
    fighters, else violence against civilians. "20 civilians killed" says so by itself. With
    none of these, the strikes the sentence before told (`before`) say so: "Other areas
    included the city of X, where one person died" is one more of them, at X."""
    armed = [a for a in _actors_in(doc, sent.start, sent.end) if a.kind in _ARMED or a.kind in ("government", "nationals")]
    war_victims = any(p.personnel or _WAR_VICTIMS.search(p.count.text) for p in phrases)
    in_combat = _IN_COMBAT.search(sent.text) is not None
    phrase = phrases[0]
    tok = toks.at(phrase.word.start)
    if tok is None:
        return None
    killer = _a_killer(toks, tok)
    inherited = not armed and not weapons and not war_victims and not in_combat and not killer
    if inherited and (before is None or _OTHER_CAUSE.search(sent.text)):
        return None
    entry = by_subtype["Armed clash"] if in_combat or any(p.personnel for p in phrases) else by_subtype["Attack"]
    actors, targets, _ = _participants(doc, toks, tok, sent)
    actors = tuple(as_forces(a) for a in actors if a.kind != "civilians")
    if inherited:
        entry = by_subtype[before.subtype]
        actors = actors or tuple(replace(a, inferred=True) for a in before.actors)
    if entry["subtype"] == "Armed clash":
        actors, targets, _ = _losses_turned(doc, toks, tok, sent, phrases, actors, targets)
    claim = claim_at(doc.claims, tok.start)
    return Event(
        id=_event_id(doc, tok, entry["subtype"]),
        type=entry["type"],
        subtype=entry["subtype"],
        trigger=Span(phrase.word.start, phrase.word.end, phrase.word.text),
        actors=actors,
        targets=targets,
        place=place_for(doc, toks, tok, sent),
        time=_time_for(doc, toks, tok, sent),
        certainty=_certainty(doc, toks, tok, lex, claim),
        source=claim.source if claim else None,
        evidence=(Span(sent.start, sent.end, sent.text),),
    )


# deaths the sentence itself puts down to something other than the war
_OTHER_CAUSE = re.compile(r"\b(?:accident|crash|collision|illness|disease|heart attack|natural causes|drown|overdose|suicide|covid|flood|earthquake)",
                          re.IGNORECASE)


_GOES_ON = re.compile(r"\s*(?:other|another|elsewhere|also|further|in addition)\b", re.IGNORECASE)


def _told_before(doc: Document, sent: Span, last: Event | None) -> Event | None:
    """The violent event of the sentence just before this one, when this sentence names a place
    below the country and is in the same paragraph or says it goes on with the list ("Other
    areas included ..."): the deaths it counts are that event's kind."""
    told = last.evidence[0] if last is not None else None
    if told is None or told.end > sent.start or doc.text[told.end : sent.start].strip():
        return None  # not the sentence right before
    if paragraph(doc.text, told.start) != paragraph(doc.text, sent.start) and not _GOES_ON.match(sent.text):
        return None  # another paragraph, unless it says it goes on with the list
    if not any(sent.start <= p.start and p.end <= sent.end and p.resolved and p.precision in PARTICULAR_PRECISION
               for p in doc.places):
        return None
    return last


# weapon kind -> the sub-event type an explosion with that weapon is (ACLED's distinctions)
_WEAPON_SUBTYPES = {"drone": "Air/drone strike", "aircraft": "Air/drone strike", "mine": "Remote explosive/landmine/IED",
                    "grenade": "Grenade", "chemical": "Chemical weapon"}


def _with_counts_and_weapons(events: list[Event], phrases: list[CasualtyPhrase], weapons: list[Weapon], by_subtype) -> list[Event]:
    """Each casualty count goes to the nearest violent event of its sentence (the nearest event
    when none is violent), the first count of a kind per event; the sentence's weapons go to its
    violent events, and a drone, aircraft, mine, grenade or chemical weapon refines a shelling
    event's sub-event type."""
    if not events:
        return events
    counts: dict[int, dict[str, CasualtyPhrase]] = {}
    for p in phrases:
        pool = [k for k, e in enumerate(events) if e.type in _VIOLENT] or list(range(len(events)))
        k = min(pool, key=lambda k: abs(events[k].trigger.start - p.word.start))
        counts.setdefault(k, {}).setdefault(p.kind, p)
    out = []
    for k, e in enumerate(events):
        got = counts.get(k, {})
        fields: dict = {}
        if "killed" in got:
            fields["fatalities"] = got["killed"].count
        if "injured" in got:
            fields["injured"] = got["injured"].count
        gunfire = _gunfire_at(e, weapons)
        if gunfire is not None and gunfire in by_subtype:
            fields["type"], fields["subtype"] = by_subtype[gunfire]["type"], gunfire
        if e.type in _VIOLENT and weapons:
            fields["weapons"] = tuple(weapons)
            nearest = _nearest_explosive(e, weapons)
            if nearest in _WEAPON_SUBTYPES and e.subtype == "Shelling/artillery/missile attack" and _WEAPON_SUBTYPES[nearest] in by_subtype:
                fields["subtype"] = _WEAPON_SUBTYPES[nearest]
        out.append(replace(e, **fields) if fields else e)
    return out



_GUNS = ("shell", "artillery", "mortar")


def _nearest_explosive(e: Event, weapons: list[Weapon]) -> str | None:
    """The kind of the explosive weapon named nearest the trigger (the trigger itself first):
    "missile and drone attacks" are a missile wave, "a drone attack" a drone strike; a shelling
    trigger keeps its guns."""
    explosive = [w for w in weapons if w.kind in EXPLOSIVE_KINDS]
    t = e.trigger
    if not explosive or t.text.lower().startswith(_GUNS):
        return None  # "shelled the town ... drones circled": the trigger names its own weapon
    return min(explosive, key=lambda w: (0 if w.start < t.end and t.start < w.end else 1,
                                         max(w.start - t.end, t.start - w.end, 0), w.start)).kind


_SHOOTING = re.compile(r"(?:open|opened|opening|opens|fire|fired|fires|firing|shoot|shot|shooting|shoots)\b", re.IGNORECASE)
_HIT = re.compile(r"(?:hit|hits|hitting|struck|strike|strikes|striking)\b", re.IGNORECASE)
EXPLOSIVE_KINDS = {"artillery", "mlrs", "missile", "drone", "aircraft", "mortar", "tank", "naval", "mine", "grenade", "chemical"}


def _gunfire_at(e: Event, weapons: list[Weapon]) -> str | None:
    """Shots fired without an explosive weapon are no shelling (ACLED): at armed men, an armed
    clash; at people, or by anyone but a state's forces, an attack ("a gunman opened fire at an
    office party"). Fire at a place by forces ("troops fired on the town") stays a shelling."""
    if e.subtype != "Shelling/artillery/missile attack":
        return None
    if not _SHOOTING.match(e.trigger.text) and not (
            _HIT.match(e.trigger.text) and any(w.kind == "small_arms" for w in weapons)):
        return None  # "a bullet hit her": shots too
    if any(w.kind in EXPLOSIVE_KINDS for w in weapons):
        return None
    if any(t.kind in _ARMED for t in e.targets):
        return "Armed clash"
    if e.targets or not any(a.kind == "state_forces" for a in e.actors):
        return "Attack"  # a gunman's or the police's shots
    return None


def _event_id(doc: Document, tok: Token, subtype: str) -> str:
    key = f"{doc.article.id}:{tok.start}:{subtype}"
    return hashlib.sha1(key.encode()).hexdigest()[:16]


def _actors_in(doc: Document, start: int, end: int) -> list[ActorMention]:
    return [a for a in doc.actors if a.start >= start and a.end <= end]


_LOSS_WORDS = {"lose", "loss", "losses", "suffer", "die", "perish"}


def _other_side_of(tok: Token, targets) -> tuple[ActorMention, ...]:
    """In this war, force used on one side's forces with no doer named ("marines destroyed seven
    invaders", "the enemy was repelled") was the other side's: inferred, its span the trigger."""
    sides = {_side(t) for t in targets if t.kind in _ARMED} - {None}
    if len(sides) != 1:
        return ()
    other = "UA" if sides == {"RU"} else "RU"
    forces = country_forces().get(other)
    return (ActorMention(tok.start, tok.end, tok.text, forces[0], forces[1], "state_forces", other, inferred=True),) if forces else ()


def _side(a: ActorMention) -> str | None:
    """RU or UA: the side of the war an actor is on (the DPR and LPR forces fought on Russia's)."""
    if a.actor.startswith(("DPR.", "LPR.")):
        return "RU"
    return a.country if a.country in ("RU", "UA") else None


def _losses_turned(doc, toks, tok, sent, phrases, actors, targets):
    """In a battle told through one side's losses ("the Armed Forces of Ukraine lost 40 servicemen",
    "losses of X in battles with Y", "five DPR servicemen died in battles with the AFU") the side
    that lost people is the target; the doer is the party named with "with", else the other side
    (inferred, its span the word that tells of the losses)."""
    losers: set[str] = set()
    losing: list[ActorMention] = []
    # subjects of loss words, with what they contain ("four brigades of the AFU lost ...")
    loss_subjects = [toks.subtree(c.i) for t in toks.in_span(sent.start, sent.end) if t.lemma.lower() in _LOSS_WORDS
                     for c in toks.children(t.i) if c.dep in ("nsubj", "nsubjpass")]
    for a in _actors_in(doc, sent.start, sent.end):
        side = _side(a)
        if side is None or a.kind not in _ARMED:
            continue
        head = toks.head_of_span(a.start, a.end)
        if head is None:
            continue
        owner = toks.head(head)
        of_owner = toks.head(owner) if head.dep == "pobj" and owner.text.lower() == "of" else None
        if (
            head.dep in ("nsubj", "nsubjpass") and owner.lemma.lower() in _LOSS_WORDS  # "X lost", "X suffer losses"
            or any(lo <= a.start and a.end <= hi for lo, hi in loss_subjects)
            or of_owner is not None and of_owner.lemma.lower() in _LOSS_WORDS  # "losses of X"
            or any(p.kind == "killed" and p.count.start <= a.start and a.end <= p.count.end and p.word.start > a.start
                   for p in phrases)  # "five DPR servicemen have died"
        ):
            losers.add(side)
            losing.append(a)
    if not losers:
        return actors, targets, False
    doers = [a for a in actors if _side(a) not in losers]
    lost = [a for a in actors if _side(a) in losers]
    party = [a for c in toks.children(tok.i) if c.dep == "prep" and c.text.lower() == "with"
             for a in _actors_in(doc, *toks.subtree(c.i)) if a.kind in _ARMED and _side(a) not in losers]
    doers = doers or party
    if not doers and len(losers) == 1:
        other = "UA" if "RU" in losers else "RU"
        forces = country_forces().get(other)
        if forces:
            doers = [ActorMention(tok.start, tok.end, tok.text, forces[0], forces[1], "state_forces", other, inferred=True)]
    return tuple(_unique(doers)), tuple(_unique(lost + losing + [t for t in targets if t not in doers])), bool(doers)


def _agreed_with(doc: Document, toks: TokenIndex, tok: Token) -> tuple[ActorMention, ...]:
    """The government an agreement is made with ("agreed on with Russia"), when no party is its
    subject: one party of the two, which ACLED codes as a side of the agreement."""
    return tuple(a for c in toks.children(tok.i) if c.dep == "prep" and c.text.lower() == "with"
                 for a in _actors_in(doc, *toks.subtree(c.i)) if a.kind == "government")


def _the_sources_government(doc: Document, tok: Token, party: tuple[ActorMention, ...]) -> tuple[ActorMention, ...]:
    """The government of the country whose demonym the claim's source carries ("the Ukrainian
    deputy prime minister"), when it is not the party already named (inferred)."""
    claim = claim_at(doc.claims, tok.start)
    if claim is None or claim.source is None or claim.source.start is None or claim.source.end is None:
        return ()
    for word in re.findall(r"[A-Z][a-z]+", claim.source.text):
        code = demonyms().get(word)
        gov = _governments().get(code) if code else None
        if gov and all(p.country != code for p in party):
            s = claim.source
            return (ActorMention(s.start, s.end, s.text, gov[0], gov[1], "government", code, inferred=True),)
    return ()


@cache
def _governments() -> dict[str, tuple[str, str]]:
    return {code: tuple(c["government"]) for code, c in countries().items() if "government" in c}


def _participants(doc, toks: TokenIndex, tok: Token, sent: Span, passive_suffers: bool = False):
    """(actors, targets, found_by_syntax) for a trigger token. `passive_suffers`: the subject of
    the trigger's passive is its target ("two police officers were shot"), as for an attack; in
    a battle ("Russian troops were repelled") both sides fought, and the subject stays a doer."""
    actors: list[ActorMention] = []
    targets: list[ActorMention] = []
    verb = tok
    # climb through xcomp/conj/aux chains ("began retreating", "appear to be hanging")
    for _ in range(4):
        subj = [c for c in toks.children(verb.i) if c.dep in ("nsubj", "nsubjpass", "agent", "poss", "amod", "compound")]
        agent = [c for c in toks.children(verb.i) if c.dep == "agent"] or [
            a for c in toks.children(verb.i) if verb.tag == "VBN" and c.dep == "conj" and c.tag == "VBN"
            for a in toks.children(c.i) if a.dep == "agent"]  # "were shot and wounded by the suspect"
        if agent:
            actors += _actors_in(doc, *toks.subtree(agent[0].i))
        for s in subj:
            if s.dep == "nsubjpass" and passive_suffers and verb is tok:
                targets += _actors_in(doc, *toks.subtree(s.i))  # "two police officers were shot": the shot
                continue
            if s.dep == "agent" or (agent and s.dep == "nsubjpass"):
                if s.dep == "nsubjpass":
                    targets += _actors_in(doc, *toks.subtree(s.i))
                continue
            if s.dep == "nsubj" and s.text.lower() in ("it", "they") and (speaker := _the_speaker(doc, toks, verb)):
                actors += speaker  # "Russia said it had captured the village": the speaker did it
                continue
            if s.text.lower() in _PRONOUN_SUBJECTS and s.dep != "poss":
                if toks.head(verb).dep == "relcl" or verb.dep == "relcl":
                    owner = toks.head(verb) if verb.dep == "relcl" else toks.head(toks.head(verb))
                    actors += _actors_in(doc, *toks.subtree(owner.i)) if owner.dep != "relcl" else []
                else:
                    actors += _nearest_before(doc, sent, s.start)
                continue
            actors += _actors_in(doc, *toks.subtree(s.i))
        # "inflicted 18 strikes on the enemy": the light verb carries the target
        light = [x for x in toks.children(verb.i) if x.dep == "prep" and x.text.lower() in ("on", "against")] if verb is not tok else []
        for c in [*toks.children(tok.i), *light]:
            if c.dep in ("dobj", "pobj") or (c.dep == "prep" and c.text.lower() in ("on", "against", "at")):
                targets += _actors_in(doc, *toks.subtree(c.i))
            if c.dep == "prep" and c.text.lower() == "with":  # "clashed with Russian troops", "... with protesters"
                targets += [a for a in _actors_in(doc, *toks.subtree(c.i)) if a.kind in _ARMED or a.kind in _CROWD]
            if c.dep == "prep" and c.text.lower() == "between" and (
                    tok.lemma.lower() in _INTRANSITIVE_FIGHTING or tok.lemma.lower() in _FIGHT_NOUNS):
                sides = _unique(_actors_in(doc, *toks.subtree(c.i)))  # "clashes between police and protesters"
                if len({a.actor for a in sides}) >= 2:
                    actors += sides[:1]
                    targets += sides[1:]
            if c.dep == "prep" and c.text.lower() in ("from", "by") and tok.pos == "NOUN":
                actors += _actors_in(doc, *toks.subtree(c.i))
        has_subject = any(c.dep in ("nsubj", "nsubjpass") for c in toks.children(verb.i))
        if actors or has_subject or verb.dep not in ("xcomp", "conj", "ccomp", "advcl", "pcomp", "dobj", "relcl", "oprd", "acomp", "compound"):
            break
        if verb.dep == "relcl":
            actors += _actors_in(doc, *_noun_chunk(toks, toks.head(verb)))
            break
        verb = toks.head(verb)
    if tok.pos == "NOUN" and impact_told(toks, tok):  # "a missile that targeted a Russian position": the target
        targets += [a for c in toks.children(tok.i) if c.dep == "relcl" for o in toks.children(c.i) if o.dep == "dobj"
                    for a in _actors_in(doc, *toks.subtree(o.i)) or _their_forces(toks, o)]
    if tok.dep == "pobj" and toks.head(tok).text.lower() == "behind" and not actors:
        verb = toks.head(toks.head(tok))  # "Russia was behind cyber attacks": who did it
        actors += [a for c in toks.children(verb.i) if c.dep == "nsubj" for a in _actors_in(doc, *toks.subtree(c.i))]
    if tok.dep == "acl" and not actors:
        # "fighters counterattacked near X" (a headline's participle: the noun acted) against
        # "soldiers killed in the attack" (the noun suffered it)
        noun = _noun_chunk(toks, toks.head(tok))
        acted = tok.lemma.lower() in _INTRANSITIVE_FIGHTING or any(c.dep == "dobj" for c in toks.children(tok.i))
        if acted:
            actors += _actors_in(doc, *noun)
        else:
            targets += _actors_in(doc, *noun)
    found = bool(actors)
    actors = [a for a in actors if a.kind != "civilians" or tok.lemma.lower() in ("celebrate", "cheer", "greet", "protest", "rally")]
    targets = [t for t in targets if t not in actors]
    return tuple(_unique(actors)), tuple(_unique(targets)), found and bool(actors)


_BY_OF = re.compile(r"\s+(?:of|by|from)\s+(?:the\s+)?(?:side\s+of\s+(?:the\s+)?)?$")


def _subjectless_doer(doc: Document, toks: TokenIndex, tok: Token) -> tuple[ActorMention, ...]:
    """A verb the parse left without a subject, right after an armed actor: "Near X, the Armed
    Forces of Ukraine sank a barge" (the parser hangs the forces on the place as an apposition)."""
    if tok.pos != "VERB" or any(c.dep in ("nsubj", "nsubjpass", "expl") for c in toks.children(tok.i)):
        return ()
    return tuple(a for a in _adjacent_actor(doc, tok) if a.kind in _ARMED and not a.inferred)


def _adjacent_actor(doc: Document, tok: Token) -> tuple[ActorMention, ...]:
    """When the parse gives a violent trigger no doer, the words touching it may: an armed actor
    right before it ("enemy shelling"), a demonym ("Russian shelling": that country's forces,
    inferred), or "of/by X" right after it ("the shelling of the Armed Forces of Ukraine")."""
    text = doc.text
    armed = [a for a in doc.actors if a.kind in _ARMED or a.kind in ("government", "nationals")]
    for a in armed:
        if 0 <= tok.start - a.end <= 1 and not text[a.end : tok.start].strip():
            return (as_forces(a),)
    before = re.search(r"([A-Z][a-z]+)\s+$", text[max(0, tok.start - 20) : tok.start])
    if before:
        code = demonyms().get(before.group(1))
        if code:
            forces = country_forces().get(code)
            if forces:
                start = tok.start - len(before.group(0))
                return (ActorMention(start, start + len(before.group(1)), before.group(1), forces[0], forces[1],
                                     "state_forces", code, inferred=True),)
    for a in armed:
        if a.start > tok.end and _BY_OF.fullmatch(text[tok.end : a.start]):
            return (as_forces(a),)
    # "the shelling of the village of X by the Armed Forces of Ukraine": "by X" later in the clause
    for a in armed:
        between = text[tok.end : a.start]
        if a.start > tok.end and len(between) <= 80 and re.search(r"\bby\s+(?:the\s+)?$", between) and not re.search(r"[,;:\u2013\u2014]|\s-\s", between):
            return (as_forces(a),)
    return ()


@cache
def demonyms() -> dict[str, str]:
    return load_lexicon("actors")["forces"]["demonyms"]


@cache
def countries() -> dict[str, dict]:
    """The countries of [forces] in lexicons/actors.toml by code: names, forces, government."""
    return {c["code"]: c for c in load_lexicon("actors")["forces"]["countries"]}


@cache
def country_names() -> dict[str, str]:
    """Country code by the names a country goes by ("Russia", "Moscow", "Kyiv")."""
    return {n: code for code, c in countries().items() for n in c["names"]}


@cache
def country_forces() -> dict[str, tuple[str, str]]:
    return {code: tuple(c["forces"]) for code, c in countries().items()}


_INTRANSITIVE_FIGHTING = {"counterattack", "counterattacked", "fight", "clash", "advance", "attack", "storm", "assault", "push"}


def _their_forces(toks: TokenIndex, noun: Token) -> list[ActorMention]:
    """"A Russian position": a thing a demonym says is one side's stands for that side's forces
    (inferred) as what was hit."""
    for adj in toks.children(noun.i):
        code = demonyms().get(adj.text) if adj.dep == "amod" else None
        forces = country_forces().get(code) if code else None
        if forces:
            return [ActorMention(adj.start, adj.end, adj.text, forces[0], forces[1], "state_forces", code, inferred=True)]
    return []


def _noun_chunk(toks: TokenIndex, noun: Token) -> tuple[int, int]:
    start, end = noun.start, noun.end
    for c in toks.children(noun.i):
        if c.i < noun.i and c.dep in ("det", "poss", "amod", "compound", "nummod", "case"):
            start = min(start, toks.subtree(c.i)[0])
    return start, end


_ASSERTING = {"say", "claim", "report", "announce", "state", "confirm", "add", "declare", "boast", "insist", "admit",
              "acknowledge", "tell"}


def _the_speaker(doc: Document, toks: TokenIndex, verb: Token) -> list[ActorMention]:
    """The state, force or group whose report a clause is, when the clause's subject is "it" or
    "they" ("Russia said it had captured ...", "the ministry said it destroyed a depot")."""
    node = verb
    while node.dep in ("conj", "xcomp") and node.head != node.i:
        node = toks.head(node)
    if node.dep != "ccomp" or node.head == node.i:
        return []
    said = toks.head(node)
    if said.lemma.lower() not in _ASSERTING:
        return []
    subjects = [c for c in toks.children(said.i) if c.dep == "nsubj"]
    speakers = [a for c in subjects for a in _actors_in(doc, *toks.subtree(c.i))]
    speakers = [a for a in speakers if a.kind in _ARMED or a.kind == "government"][:1]
    if speakers or not subjects or subjects[0].lemma.lower() not in _OFFICIAL_BODIES:
        return speakers
    # "the Russian defence ministry said it ...", "Ukraine's general staff said it ...": the
    # country's forces, whose ministry or staff speaks
    lo, hi = toks.subtree(subjects[0].i)
    words = re.findall(r"[A-Z][\w-]*", doc.text[lo:hi])
    codes = {demonyms().get(w) or country_names().get(w) for w in words} - {None}
    code = codes.pop() if len(codes) == 1 else None
    forces = country_forces().get(code) if code else None
    if forces is None:
        return []
    return [ActorMention(lo, hi, doc.text[lo:hi], forces[0], forces[1], "state_forces", code, inferred=True)]


# the bodies whose reports speak for a state's forces
_OFFICIAL_BODIES = {"ministry", "staff", "military", "army", "command", "official", "officials", "government",
                    "spokesman", "spokesperson", "spokeswoman", "authorities", "navy", "headquarters"}


def _nearest_before(doc: Document, sent: Span, offset: int) -> list[ActorMention]:
    armed = [a for a in doc.actors if sent.start <= a.start < offset and a.kind in _ARMED]
    return armed[-1:]


def _unique(items):
    seen, out = set(), []
    for a in items:
        if a.actor not in seen:
            seen.add(a.actor)
            out.append(a)
    return out


def as_forces(a: ActorMention) -> ActorMention:
    """A government or a people named as the doer of violence ("Russia shelled", "the Russians
    shelled") stands for its armed forces (inferred)."""
    if a.kind == "nationals" and a.actor.endswith(".NAT"):
        a = replace(a, actor=a.actor.replace(".NAT", ".GOV"), kind="government")
    if a.kind != "government" or not a.actor.endswith(".GOV"):
        return a
    country_forces = {"RUS.GOV": "Russian military", "UKR.GOV": "Ukrainian military", "BLR.GOV": "Belarusian military"}
    name = country_forces.get(a.actor, f"{a.name} forces")
    return replace(a, actor=a.actor.replace(".GOV", ".MIL"), name=name, kind="state_forces", inferred=True)


def _certainty(doc: Document, toks: TokenIndex, tok: Token, lex: dict, claim: Claim | None) -> str:
    """The event's certainty: planned, feared or threatened (`_modality`) first, then the event
    word's own modality and polarity (stages/modality.py, measured on MEANTIME: "may have hit"
    is possible, "did not hit" negated, "probably hit" hedged), then the claim that covers it."""
    planned = _modality(toks, tok, lex)
    if planned:
        return planned
    certainty, polarity = event_certainty(doc, tok.start, tok.end)
    if polarity == NEG:
        return "negated"
    if certainty == POSSIBLE and not _attempted(toks, tok, lex) and not presupposed(toks, tok):
        return "possible"
    said = claim.certainty if claim else "asserted"
    if said == "negated" and not _denied(toks, tok, lex):
        said = "asserted"  # "Russia, while mobilising troops, denies it plans to invade": the mobilising is told
    if said == "possible" and (presupposed(toks, tok) or judged(toks, tok)):
        said = "asserted"  # "they will pay for the soldiers killed today", "the blast may be a sign"
    if certainty == PROBABLE and said in ("asserted", "reported", "confirmed"):
        return "hedged"
    return said


def _denied(toks: TokenIndex, tok: Token, lex: dict) -> bool:
    """Is the trigger inside what a denial word denies (its object or complement)?"""
    below = tok
    for t in list(toks.ancestors(tok))[:5]:
        if t.lemma.lower() in lex["modality"]["negated_heads"] or any(c.dep == "neg" for c in toks.children(t.i)):
            return below.dep in ("ccomp", "xcomp", "dobj", "pcomp", "pobj", "prep", "nsubjpass", "acomp")
        below = t
    return False


def _attempted(toks: TokenIndex, tok: Token, lex: dict) -> bool:
    """"Tried to counterattack": for a conflict coder the attempt is the event, and it happened
    (MEANTIME, which `event_certainty` follows, counts the tried-for event as possible)."""
    head = toks.head(tok)
    return head.i != tok.i and head.lemma.lower() in lex["modality"]["past_attempts"] and head.tag in ("VBD", "VBN", "VBG")


def _modality(toks: TokenIndex, tok: Token, lex: dict) -> str | None:
    """`possible` / `negated` when the trigger sits under a modal, plan or denial word."""
    if judged(toks, tok):
        return None  # "the arrest on July 21 may be a sign of ...": what it means is in doubt
    chain = [tok, *list(toks.ancestors(tok))[:4]]
    for k, t in enumerate(chain):
        below = chain[k - 1] if k else None  # the chain's step under t: a denial covers its content only
        for c in toks.children(t.i):
            if c.dep == "mark" and c.text.lower() in ("whether", "if"):
                return "possible"  # a question or a condition, not a report that it happened
            if c.dep == "neg" and all(x.dep in ("xcomp", "aux", "auxpass") for x in chain[:k]):
                # "did not shell", "failed to ... did not manage to take"; not "I do not know how
                # they will explain the soldiers killed today" nor "Kyiv did not confirm the strike"
                return "negated"
            if c.dep == "aux" and c.lemma.lower() in ("could", "may", "might", "will", "would", "should", "can"):
                return "possible"
        if t is not tok and t.lemma.lower() in lex["modality"]["negated_heads"] and below is not None \
                and below.dep in ("ccomp", "xcomp", "dobj", "pcomp", "pobj", "prep"):
            return "negated"  # "denied shelling the town", not "while mobilising, denies it plans to invade"
        if t is not tok and t.lemma.lower() in lex["modality"]["possible_heads"]:
            if t.lemma.lower() in lex["modality"]["past_attempts"] and t.tag in ("VBD", "VBN", "VBG"):
                continue  # "tried to counterattack", "are trying to attack": the attempt happened
            return "possible"
        if t.dep in ("ROOT", "conj", "parataxis") or t is tok and presupposed(toks, tok):
            break  # a coordinated clause has its own modality; "the soldiers killed today" its own
    return None


_HABIT = {"sometimes", "often", "always", "usually", "frequently", "routinely", "regularly", "never", "ever"}


def presupposed(toks: TokenIndex, tok: Token) -> bool:
    """A past participle on a noun ("will explain it to the soldiers killed today", "must answer
    for the towns destroyed") or a noun after "after" or "following" ("we can have calm days
    after the missile attack this week") tells what happened: the modal or condition above it
    is not its own. Not one told as a habit ("efforts sometimes attacked by critics")."""
    if tok.pos == "NOUN" and tok.dep == "pobj" and toks.head(tok).text.lower() in ("after", "following"):
        # "after the attack", "after Friday's strikes"; not "would resume after a ceasefire"
        return any(c.dep == "poss" or c.dep == "det" and c.lemma.lower() in ("the", "this", "that", "these", "those")
                   for c in toks.children(tok.i))
    return tok.dep == "acl" and tok.tag == "VBN" and not any(
        c.dep == "advmod" and c.text.lower() in _HABIT for c in toks.children(tok.i))


def _finest(places: list[Place]) -> Place | None:
    resolved = [p for p in places if p.resolved]
    if not resolved:
        return None
    return min(resolved, key=lambda p: PRECISION_ORDER.get(p.precision or "", 9))


# a sentence's closing attribution, as agencies write headlines: "... - Russian Defense
# Ministry.", "... - the city council", "... - mayor"
_SOURCE_TAIL = re.compile(r"\s[-\u2013\u2014]\s+[^.!?\n\-\u2013\u2014]{2,60}?[.!?]?\s*$")


def place_for(doc: Document, toks: TokenIndex, tok: Token, sent: Span) -> Place | None:
    """A place inside the trigger's phrase, else the finest of its sentence; never the dateline
    or a country inside an actor's name ("Artillerymen of the Russian Federation"; a region in
    one, "the forces of the LPR", still says where)."""
    lo, hi = toks.subtree(tok.i)
    named = [(a.start, a.end) for a in doc.actors if a.end - a.start > 0]
    places = [p for p in doc.places if p.precision != "country"
              or not any(s <= p.start and p.end <= e and (s, e) != (p.start, p.end) for s, e in named)]
    # "... was killed in X - the mayor of Y.": the tail names who says so, not where
    tail = _SOURCE_TAIL.search(doc.text, sent.start, sent.end)
    if tail and any(p.start < tail.start() and sent.start <= p.start for p in places):
        places = [p for p in places if not (tail.start() <= p.start and p.end <= sent.end)]
    under = _finest([p for p in places if lo <= p.start and p.end <= hi and p.precision != "country" and not p.dateline])
    if under:
        return under
    in_sent = [p for p in places if sent.start <= p.start and p.end <= sent.end and not p.dateline]
    apart = told_apart(doc, toks, tok, sent)
    if apart is not None:  # "two days before X shot 49 people, he prayed at the mosque in Y": not Y
        in_sent = [p for p in in_sent if apart[2] <= p.start and p.end <= apart[3] and p.precision != "country"]
    # the trigger's clause first ("X was captured, as Moscow launched missiles and attacks on
    # cities including Kyiv": the attacks' place is Kyiv, though the parse hangs it on "missiles")
    verb = toks.clause_verb(tok)
    if verb is not None and verb.i != tok.i:
        c_lo, c_hi = toks.subtree(verb.i)
        clause = _finest([p for p in in_sent if c_lo <= p.start and p.end <= c_hi and p.precision != "country"])
        if clause:
            return clause
    return _finest([p for p in in_sent if p.precision != "country"]) or _finest(in_sent) or _here(doc, toks, sent)


def _here(doc: Document, toks: TokenIndex, sent: Span) -> Place | None:
    """"CHARLOTTE - ... the police shooting of a black man here": a reporter's "here" is the
    town of the dateline, the one place a dateline says anything about."""
    if not any(t.text.lower() == "here" and t.pos == "ADV" for t in toks.in_span(sent.start, sent.end)):
        return None
    return next((p for p in doc.places if p.dateline and p.resolved and p.precision in ("city", "district")), None)


def _time_for(doc: Document, toks: TokenIndex, tok: Token, sent: Span) -> TimeExpr | None:
    """The nearest past time in the sentence; durations, futures and "since X" are not when."""
    back = counted_back(doc, toks, tok, sent)
    if back is not None:
        return back
    candidates = []
    for t in doc.times:
        if not (sent.start <= t.start and t.end <= sent.end) or t.grain in ("duration", "future", "unknown"):
            continue  # (an expression nobody could read, "a weekend", dates nothing)
        if not t.value and t.anchored:
            continue
        before = doc.text[max(sent.start, t.start - 60) : t.start].lower()
        within_today = "beginning of the day" in t.text.lower()
        if (t.text.lower().startswith("since") or re.search(r"\bsince\b", before)) and not within_today:
            continue  # "since February 24" starts a period; it does not date the event
        if _other_clause(toks, tok, t):
            continue  # "killed millions and was recognised earlier this week": the week dates the recognition
        if names_another_thing(toks, tok, toks.head_of_span(t.start, t.end)):
            continue  # "the attacks reframed the 2016 presidential contest": the year names the contest
        if _the_visits_day(toks, tok, t):
            continue  # "toured X on Thursday, where forces are accused of killing civilians": the tour's day
        candidates.append(t)
    if not candidates:
        return None
    # a time of the trigger's own clause first: "on Thursday the officer, who shot him last week,
    # was charged" dates the shooting to last week, the nearer Thursday to the charge
    mine = _clause_of(toks, tok)
    own = [t for t in candidates if mine is not None and _clause_of(toks, toks.head_of_span(t.start, t.end)) == mine]
    return min(own or candidates, key=lambda t: abs(t.start - tok.start))


def where_clause(toks: TokenIndex, tok: Token | None) -> Token | None:
    """The "where" relative clause the trigger sits in ("X, where forces killed civilians"), if any."""
    for a in (tok, *toks.ancestors(tok)) if tok is not None else ():
        if a.dep == "relcl" and any(c.dep == "advmod" and c.text.lower() == "where" for c in toks.children(a.i)):
            return a
    return None


_VISITS = {"visit", "tour", "travel", "arrive", "meet", "host", "attend", "fly", "return", "go", "come"}


def _the_visits_day(toks: TokenIndex, tok: Token, t: TimeExpr) -> bool:
    """Is the time the day of a visit to the place a "where" clause holding the event tells about
    ("toured X on Thursday, where forces are accused of killing civilians")? What happened there
    happened before the visit."""
    rel = where_clause(toks, tok)
    word = toks.head_of_span(t.start, t.end)
    if rel is None or word is None:
        return False
    lo, hi = toks.subtree(rel.i)
    if lo <= t.start < hi:
        return False
    verb = toks.clause_verb(word)
    return verb is not None and verb.lemma.lower() in _VISITS and any(a.i == verb.i for a in toks.ancestors(rel))


# "similar explosions", "an earlier strike": a noun that names another occurrence of its kind
_ANOTHER = {"similar", "earlier", "previous", "separate", "other", "another"}
def _clause_of(toks: TokenIndex, t: Token | None) -> int | None:
    """The verb of the clause a word is in, the first of coordinated ones ("shot and killed")."""
    verb = toks.clause_verb(t) if t is not None else None
    while verb is not None and verb.dep == "conj" and verb.head != verb.i and toks.head(verb).pos in ("VERB", "AUX"):
        verb = toks.head(verb)
    return verb.i if verb is not None else None


def names_another_thing(toks: TokenIndex, trigger: Token | None, word: Token | None, owners=("NOUN",)) -> bool:
    """Is `word`, a year or a date, in front of another noun ("the 2016 presidential contest",
    "the 2014 agreements"), naming that thing rather than saying when the trigger's event was?
    It still dates an event it names ("the 2014 ceasefire agreements" for the ceasefire), and
    "Wednesday night" is still a time. `owners`: the parts of speech the other noun may have."""
    if word is None or word.dep not in ("compound", "nummod", "amod", "nmod") or (trigger is not None and word.i == trigger.i):
        return False
    before = toks.next(word, -1)
    if before is not None and before.pos == "ADP" and before.text.lower() in ("in", "during", "until", "by"):
        return False  # "was caught in 2014 manipulating images" (the year parsed onto "images") is a time
    owner = toks.head(word)
    ours = trigger is not None and (owner.i == trigger.i or trigger.head == owner.i)
    return not ours and owner.pos in owners and owner.i != word.i and owner.lemma.lower() not in _TIME_NOUNS


_TIME_NOUNS = {"night", "morning", "evening", "afternoon", "day", "week", "month", "year", "weekend", "hour", "dawn",
               "midnight", "noon", "date", "time"}


def _other_clause(toks: TokenIndex, tok: Token, time: TimeExpr) -> bool:
    """Does the time belong to a clause coordinated under the trigger's own ("X happened and
    was Y-ed on Monday")? A time of the trigger's clause or of a clause above it dates it."""
    at = toks.at(time.start)
    if at is None:
        return False
    mine, theirs = toks.clause_verb(tok), toks.clause_verb(at)
    if mine is None or theirs is None or theirs.i == mine.i:
        return False
    node = theirs
    for _ in range(6):
        if node.i == node.head:
            return False
        if node.dep == "conj" and toks.head(node).i == mine.i:
            # "shot and killed him last week": one predicate told twice shares its time; a verb
            # with its own subject or auxiliary ("and was recognised this week") is another clause
            return any(c.dep in ("nsubj", "nsubjpass", "aux", "auxpass") for c in toks.children(node.i))
        node = toks.head(node)
        if node.i == mine.i:
            return False
    return False
