"""Part of step 2: war words in their everyday senses.

Outside a war report the words that tell a strike or an attack mostly tell something else: an
earthquake or a car "strikes", a house "fire", a government "under fire" from critics, a
worker "fired", a league title race "blown open", gold "mined", a search "executed", goods
"seized", police "searching for" a suspect, tear gas "fired" at a crowd, a capsule that "blasted
off", a total that "hit" a record, and the court news of an old crime ("pleaded not guilty to
murder", "a rape suspect to stand trial"). Each test reads the trigger's own parse; word lists:
[senses] in lexicons/events.toml.
"""

from __future__ import annotations

import re
from functools import cache

from ...lexicons import load_lexicon
from ...records import Document, Event, Token
from .._tokens import TokenIndex

_ARMED = {"state_forces", "armed_group", "police"}
_VIOLENT = {"Battles", "Explosions/Remote violence", "Violence against civilians"}


# what one "executes on" that is no person: "executing on that", "on its promises"
_EXECUTED_ON = frozenset({"that", "this", "it", "promise", "promises", "agenda", "vision", "goals", "priorities"})


@cache
def _words() -> dict:
    lex = load_lexicon("events")["senses"]
    return {k: frozenset(v) if isinstance(v, list) else v for k, v in lex.items()}


def everyday_sense(doc: Document, toks: TokenIndex, e: Event, tok: Token) -> bool:
    """Is the trigger a war word used in an everyday sense (see the module's docstring)?"""
    w = _words()
    lemma = tok.lemma.lower()
    children = toks.children(tok.i)
    armed = any(a.kind in _ARMED for a in e.actors)
    if any(c.dep in ("compound", "amod") and (c.lemma.lower() in w["everyday_modifiers"] or c.text.lower() in w["everyday_modifiers"])
           for c in children):
        return True  # "malware attacks", "a bee attack", "a gas explosion", "an annual biker rally"
    if any(c.dep == "advmod" and c.text.lower() in w["by_accident"] for c in children):
        return True  # "a neighbour accidentally hit her"
    if _struck_by_nature(toks, tok, w):
        return True  # "an earthquake struck", "struck by a vehicle", "hurricanes striking US soil"
    if lemma in ("hit", "strike") and _not_struck_by_arms(doc, toks, e, tok, w, armed):
        return True  # "hit by several protests", "a hit programme", "the car struck a tree"
    if lemma == "strike" and tok.pos == "VERB" and not any(c.dep == "dobj" for c in children) and any(
            d.lemma.lower() in w["labour_subjects"] for d in _doers(toks, tok)):
        return True  # "teachers striking across the state"
    if lemma in w["accident_triggers"] and _an_accident_story(doc, toks, e, tok, w, armed):
        return True  # "a pedestrian was struck and killed", "a hit-and-run", "four villages were destroyed"
    if lemma == "strike" and (tok.dep == "acomp" or any(c.dep == "dobj" and c.lemma.lower() in w["struck_things"] for c in children)):
        return True  # "striking a chord", "struck a deal", "it is striking"
    if lemma == "strike" and not armed and not e.weapons and any(c.dep == "prt" and c.text.lower() == "down" for c in children):
        return True  # "struck down a rule"
    if lemma == "hit" and _a_figure_reached(toks, tok, w, armed or bool(e.weapons)):
        return True  # "donations hit $20 million", "hit the jackpot", "hit a record high"
    if lemma == "blast" and tok.pos == "VERB" and any(c.dep == "prt" and c.text.lower() == "off" for c in children):
        return True  # "the capsule blasted off": a launch
    if lemma == "pound" and tok.pos == "NOUN" and any(c.dep == "nummod" for c in children):
        return True  # "weighed 40 pounds", "a million pounds": a weight or a sum
    if lemma == "shoot" and tok.pos == "NOUN" and tok.text.lower() in ("shoot", "shoots"):
        return True  # "a photo shoot": the violent noun is "shooting"
    if lemma == "shoot" and not armed and not e.weapons and e.fatalities is None and e.injured is None \
            and any(c.dep in ("prt", "advmod") and c.text.lower() == "back" for c in children) \
            and not any(c.dep == "dobj" for c in children):
        return True  # "the candidate shot back at his critics": a retort
    if lemma == "rally" and any(c.dep == "prep" and c.text.lower() == "from" and any(
            g.lemma.lower() in w["comebacks"] for g in toks.children(c.i)) for c in children):
        return True  # "rallying from a double-digit deficit"
    if lemma in w["verbal_triggers"] and not armed and not e.weapons and _words_not_arms(doc, toks, tok, w, e.actors):
        return True  # "the senator attacked her rival", "hit him on guns", "hit back", "took a hit"
    if e.type == "Protests" and _a_campaign_rally(doc, toks, tok, e, w):
        return True  # "told supporters at a rally in Michigan"
    if lemma == "shoot" and any(c.dep == "dobj" and c.text.lower() in w["reflexives"] for c in children):
        return True  # "shot himself"
    if lemma == "execute" and any(c.dep == "prep" and c.text.lower() == "on" and any(
            g.dep == "pobj" and (g.lemma.lower() in w["executed_things"] or g.text.lower() in _EXECUTED_ON) for g in toks.children(c.i))
            for c in children):
        return True  # "good at executing on that", "executed on the plan" (not "executed two men on Monday")
    if lemma == "shoot" and any(c.dep == "dobj" and c.lemma.lower() in w["shot_things"] for c in children):
        return True  # "spent three days shooting footage"
    if lemma == "fire" and tok.pos == "NOUN" and not _gunfire(toks, tok, w, armed):
        return True  # "a house fire", "the fire department", "came under fire from officials"
    if lemma == "fire" and tok.pos == "VERB" and not _fired_weapons(toks, tok, w, armed):
        return True  # "he was fired", "the board fired its chief"
    if lemma in ("fire", "shoot", "use", "spray", "launch") and any(x.kind == "crowd_control" for x in e.weapons) \
            and all(x.kind in ("crowd_control", "incendiary") for x in e.weapons) \
            and e.fatalities is None and e.injured is None:
        return True  # "riot police fired tear gas at the crowd": the protest it broke up is the event
    if lemma in ("fire", "launch") and any(c.dep == "prep" and c.text.lower() == "into" and any(
            g.dep == "pobj" and g.lemma.lower() in ("sea", "ocean", "water", "waters") for g in toks.children(c.i))
            for c in children):
        return True  # "fired three missiles into the sea": a test launch, nothing struck
    if lemma == "mine" and tok.pos == "VERB" and not armed:
        return True  # "began illegally mining gold"
    if lemma == "blow" and tok.pos == "VERB" and not armed and not any(
            c.text.lower() in w["blow_particles"] for c in [*children, *filter(None, [toks.next(tok)])]):
        return True  # "had blown the title race wide open"
    if lemma == "blow" and tok.pos == "NOUN" and not armed and _a_setback(toks, tok):
        return True  # "in a blow to the opposition" (not "a massive blow to Ukraine's grid")
    if lemma == "execute" and any(c.dep == "dobj" and c.lemma.lower() in w["executed_things"] for c in children):
        return True  # "executed a search warrant", "executed the plan"
    if lemma == "search" and (tok.dep == "compound" or any(c.dep == "prep" and c.text.lower() == "for" for c in children)):
        return True  # "a search warrant", "police are searching for two suspects": looking, not a raid
    if lemma == "strike" and tok.pos == "NOUN" and _a_labour_strike(toks, tok, w):
        return True  # "workers went on strike", "a hunger strike"
    if e.subtype in ("Non-state actor overtakes territory", "Government regains territory") and _seized_goods(doc, toks, tok, w):
        return True  # "police seized 300 kilos of meat at the market"
    return e.type in ("Violence against civilians", "Explosions/Remote violence", "Battles") and _in_court(toks, tok, w)


def _doers(toks: TokenIndex, tok: Token) -> list[Token]:
    """The trigger's subject, its passive agent, or the noun a participle or relative clause
    describes ("three hurricanes striking", "the second snowstorm to hit"); for a trigger that
    goes on from another verb, that verb's subject ("an earthquake hit the south, destroying
    villages", "causing major destruction")."""
    doers = [c for c in toks.children(tok.i) if c.dep == "nsubj"]
    doers += _agents(toks, tok)
    if tok.dep in ("acl", "relcl"):
        doers.append(toks.head(tok))
    node = tok
    for _ in range(3):
        if node.dep not in ("advcl", "conj", "xcomp", "dobj") or node.i == node.head:
            break
        node = toks.head(node)
        doers += [c for c in toks.children(node.i) if c.dep == "nsubj"]
    return doers


def _an_accident_story(doc: Document, toks: TokenIndex, e: Event, tok: Token, w: dict, armed: bool) -> bool:
    """A car or a disaster, not a weapon: no weapon and no armed men in the sentence, and the
    sentence or the article's lead tells a road accident ("hit-and-run", "pedestrian", "drunk
    driver") or a disaster ("earthquake", "landslide")."""
    if armed or e.weapons:
        return False
    sent = e.evidence[0]
    if any(_a_weapon_word(t) and t.i != tok.i for t in toks.in_span(sent.start, sent.end)):
        return False
    lead_end = min(len(doc.text), doc.sentences[1].end if len(doc.sentences) > 1 else len(doc.text)) if doc.sentences else 0
    said = (doc.text[sent.start : sent.end] + " " + doc.text[:lead_end]).lower()
    return any(word in said for word in w["road_words"]) or any(
        re.search(rf"\b{re.escape(word)}", said) for word in w["disaster_words"])


def _agents(toks: TokenIndex, tok: Token) -> list[Token]:
    return [g for c in toks.children(tok.i) if c.dep == "agent" for g in toks.children(c.i) if g.dep == "pobj"]


def _a_setback(toks: TokenIndex, tok: Token) -> bool:
    """"In a blow to the opposition", "a blow to his hopes": a setback, unless the blow lands on
    a place."""
    if tok.dep == "pobj" and toks.head(tok).text.lower() == "in":
        return True
    if tok.dep == "dobj" and toks.head(tok).lemma.lower() == "deal":
        return True  # "dealing a blow to the secretary of state"
    to = [g for c in toks.children(tok.i) if c.dep == "prep" and c.text.lower() == "to" for g in toks.children(c.i) if g.dep == "pobj"]
    return bool(to) and not any(g.ent_type in ("GPE", "LOC", "FAC") for g in to)


def _a_person(t: Token, w: dict) -> bool:
    return t.ent_type == "PERSON" or t.text.lower() in w["people_pronouns"] or t.lemma.lower() in w["rivals"]


def _words_not_arms(doc: Document, toks: TokenIndex, tok: Token, w: dict, actors=()) -> bool:
    """With no weapon and no armed men about, an attack on a person, a hit back or a hit taken is
    said, not done: a politician "attacked" a rival, "hit him on immigration", "hit back".
    `actors`: the event's; a noun attack with a doer named is not read as words."""
    children = toks.children(tok.i)
    if tok.pos == "VERB":
        speakers = [c for c in children if c.dep == "nsubj" and (
            c.ent_type == "PERSON" or c.lemma.lower() in w["rivals"] or c.lemma.lower() in w["politicians"]
            or c.text.lower() in w["politicians"])]
        if speakers and any(c.dep == "dobj" and (_a_person(c, w) or c.pos == "PROPN") for c in children):
            return True  # "Miller attacked Stone", "Republicans blast Obama", not "assailants attacked him"
        if any(c.dep == "dobj" and (_a_person(c, w) or c.pos == "PROPN" and c.ent_type == "PERSON") for c in children) and any(
                c.dep == "prep" and c.text.lower() == "on" and any(
                    g.dep == "pobj" and g.lemma.lower() not in w["body_parts"] and g.ent_type not in _WHERE
                    for g in toks.children(c.i)) for c in children):
            return True  # "she hit him on guns" (not "hit him on the head")
        if any(c.dep == "dobj" and c.lemma.lower() in w["rivals"] for c in children):
            return True  # "spent the day attacking a rival"
        if any(c.dep == "prep" and any(g.dep == "pobj" and g.lemma.lower() in w["speech_words"] for g in toks.children(c.i))
               for c in children):
            return True  # "attacked her in early-morning tweets", "during the debate"
        if any(c.dep in ("prt", "advmod") and c.text.lower() in ("back", "home") for c in children):
            return True
        if any(c.dep == "dobj" and (_a_person(c, w) or c.ent_type == "PERSON") for c in children) and any(
                c.dep == "prep" and c.text.lower() == "for" for c in children):
            return True  # "hitting Trump for using eminent domain", "attacked Clinton for her record"
        return any(c.dep == "nsubj" and c.ent_type == "PERSON" for c in children) and any(
            c.dep == "prep" and c.text.lower() == "over" for c in children)  # "attacked Stone over her record"
    on = [g for c in children if c.dep == "prep" and c.text.lower() == "on" for g in toks.children(c.i) if g.dep == "pobj"]
    if any(_a_person(g, w) for g in on):
        return True  # "an attack on Stone"
    if any(g.dep == "pobj" and g.ent_type == "PERSON" for c in children if c.dep == "prep" and c.text.lower() == "from"
           for g in toks.children(c.i)):
        return True  # "an expected attack from Romney" in a debate
    if not actors and any(g.pos == "PROPN" for g in on) and _said_about(doc, toks, tok, w):
        return True  # "responded with attacks on Machado, including Friday's tweets"
    if any(c.dep == "poss" and c.ent_type == "PERSON" for c in children):
        return True  # "Sanders' attack"
    return tok.dep == "dobj" and toks.head(tok).lemma.lower() == "take"  # "its reputation has taken a hit"


# entity types of places and dates: what an attack "on" lands on when it is done, not said
_WHERE = ("GPE", "LOC", "FAC", "ORG", "NORP", "DATE", "TIME")


def _said_about(doc: Document, toks: TokenIndex, tok: Token, w: dict) -> bool:
    """Does the trigger's sentence tell words (a tweet, an interview, a debate) and no count of
    the dead or hurt?"""
    sent = doc.sentence_of(tok.start)
    if sent is None:
        return False
    words = list(toks.in_span(sent.start, sent.end))
    if any(t.lemma.lower() in ("kill", "wound", "injure", "die", "dead") for t in words):
        return False
    return any(t.lemma.lower() in w["speech_words"] or t.text.lower() in w["speech_words"] for t in words)


def _a_campaign_rally(doc: Document, toks: TokenIndex, tok: Token, e: Event, w: dict) -> bool:
    """"At a rally in Michigan", with a person speaking and nobody protesting: where a candidate
    spoke, not a protest; "rally crowds", "a rally speech": what a campaign rally has."""
    if tok.pos == "NOUN" and tok.dep in ("compound", "amod") and toks.head(tok).lemma.lower() in w["rally_things"]:
        return True
    if tok.pos == "VERB" and any(c.dep == "dobj" and c.lemma.lower() in w["rally_things"] | w["rallied_people"]
                                 for c in toks.children(tok.i)):
        return True  # "rally crowds into votes", "rallied supporters"
    if tok.pos != "NOUN" or tok.dep != "pobj" or toks.head(tok).text.lower() not in ("at", "during"):
        return False
    sent = e.evidence[0]
    words = set(doc.text[sent.start : sent.end].lower().replace(",", " ").split())
    if words & w["protest_signs"]:
        return False
    return any(t.ent_type == "PERSON" for t in toks.in_span(sent.start, sent.end))


def _struck_by_nature(toks: TokenIndex, tok: Token, w: dict) -> bool:
    """Is the trigger's doer a natural force, a vehicle or a misfortune?"""
    return any(_a_natural_doer(d, w) for d in _doers(toks, tok))


def _a_figure_reached(toks: TokenIndex, tok: Token, w: dict, armed: bool) -> bool:
    """"Hit" a figure: a record, a jackpot, a total, or, with no arms in the sentence, a number
    ("donations hit $20 million"; "the army hit 20 targets" stays a strike)."""
    for o in (c for c in toks.children(tok.i) if c.dep in ("dobj", "nsubjpass")):  # "the jackpot has been hit"
        if o.lemma.lower() in w["figures"] or o.lemma.lower() in w["struck_things"]:
            return True
        if not armed and (o.ent_type in ("MONEY", "PERCENT", "QUANTITY", "CARDINAL")
                          or any(c.dep == "nummod" or c.ent_type == "MONEY" for c in toks.children(o.i))):
            return True
    return False


def _not_struck_by_arms(doc: Document, toks: TokenIndex, e: Event, tok: Token, w: dict, armed: bool) -> bool:
    """"Hit" and "strike" as a modifier ("a hit programme", "the hard-hit state"), struck by
    something that is no weapon and no armed force ("hit by protests"), or, with no weapon and
    no armed men in the sentence, striking a tree or a car: an accident or a figure of speech."""
    if tok.dep in ("amod", "compound") or any(c.dep == "advmod" and c.text.lower() in w["hard_hit"] for c in toks.children(tok.i)):
        return True
    agents = _agents(toks, tok)
    if agents and not armed and not any(x.start <= a.start < x.end for x in e.actors for a in agents):
        lo, hi = toks.subtree(tok.i)  # "hit by Russian shelling", whatever the parse makes of it
        if not any(t.i != tok.i and (t.lemma.lower() in w["armed_means"] or t.text.lower() in w["armed_means"]
                                     or _a_weapon_word(t) or t.ent_type == "NORP") for t in toks.in_span(lo, hi)):
            return True
    objects = [c for c in toks.children(tok.i) if c.dep == "dobj"]
    return bool(objects) and not armed and not e.weapons and all(o.lemma.lower() in w["road_objects"] for o in objects)


@cache
def _weapon_words() -> frozenset[str]:
    lex = load_lexicon("events")
    words = {x.lower() for forms in lex["weapons"].values() for x in forms}
    words |= {x.lower() for t in lex["type"] if t["type"] in _VIOLENT for x in t["lemmas"]}
    return frozenset(words)


def _a_weapon_word(t: Token) -> bool:
    return t.lemma.lower() in _weapon_words() or t.text.lower() in _weapon_words()


def _a_natural_doer(t: Token, w: dict) -> bool:
    word = t.text.lower()
    if word in w["lowercase_only_doers"] or t.lemma.lower() in w["lowercase_only_doers"]:
        return t.text[:1].islower()  # "Hurricane", "Tornado", "Storm Shadow" also name weapons
    return t.lemma.lower() in w["natural_doers"] or word in w["natural_doers"]


def _gunfire(toks: TokenIndex, tok: Token, w: dict, armed: bool) -> bool:
    """Is the noun "fire" gunfire: opened, exchanged or returned, or of a weapon ("artillery
    fire", "heavy fire"), or "under fire" where armed men are about?"""
    if tok.dep == "compound":
        head = toks.head(tok)  # "inflicted fire damage", not "the fire department", "fire damages a house"
        return head.lemma.lower() in w["gunfire_heads"] and head.dep in ("dobj", "pobj")
    head = toks.head(tok)
    if tok.dep in ("dobj", "nsubjpass") and head.lemma.lower() in w["gunfire_verbs"]:
        return True
    if any(c.dep in ("compound", "amod", "nmod") and (c.lemma.lower() in w["gunfire_modifiers"]
                                                      or c.text.lower() in w["gunfire_modifiers"])
           for c in toks.children(tok.i)):
        return True
    if tok.dep == "pobj" and head.text.lower() == "under":
        return armed  # "troops came under fire", not "the government came under fire from officials"
    return False


def _fired_weapons(toks: TokenIndex, tok: Token, w: dict, armed: bool) -> bool:
    """Did the verb "fire" discharge a weapon: at or on something, with a weapon or a round as
    its object or passive subject, or by armed men?"""
    children = toks.children(tok.i)
    fired = [c for c in children if c.dep in ("dobj", "nsubjpass", "nsubj")]  # "the guns fired", "missiles fired"
    if tok.dep == "acl":
        fired.append(toks.head(tok))  # "missiles fired from bombers"
    if any(c.lemma.lower() in w["fired_things"] or c.text.lower() in w["fired_things"] for c in fired):
        return True
    if any(c.dep == "prep" and c.text.lower() in ("at", "on", "upon", "into", "towards", "toward") and any(
            g.dep == "pobj" and g.ent_type not in ("DATE", "TIME") for g in toks.children(c.i)) for c in children):
        return True  # "fired on the checkpoint" (not "fired on Monday")
    if any(c.dep == "nsubjpass" for c in children):
        return False  # "he was fired"
    return armed and not any(c.dep == "dobj" for c in children)


def _a_labour_strike(toks: TokenIndex, tok: Token, w: dict) -> bool:
    head = toks.head(tok)
    if tok.dep == "pobj" and head.text.lower() == "on":
        return True  # "went on strike", "remain on strike"
    return any(c.dep in ("compound", "amod") and c.lemma.lower() in w["labour_strike_modifiers"] for c in toks.children(tok.i))


def _seized_goods(doc: Document, toks: TokenIndex, tok: Token, w: dict) -> bool:
    """Was what was taken a thing, not ground? Only the direct object is read: the market or
    port where the goods were seized is where, not what."""
    objects = [c for c in toks.children(tok.i) if c.dep == "dobj"]
    if not objects:
        return False
    what = objects[0]  # the parse may take a place after it for a second object ("seized meat at a market, X City")
    if what.lemma.lower() in w["control_words"]:
        return False
    lo, hi = toks.subtree(what.i)
    if any(lo <= p.start and p.end <= hi and p.resolved for p in doc.places):
        return False
    return not any(t.lemma.lower() in w["ground_words"] or t.text.lower() in w["ground_words"] for t in toks.in_span(lo, hi))


def _in_court(toks: TokenIndex, tok: Token, w: dict) -> bool:
    """Is the crime what a court, a charge or a warrant is about ("pleaded not guilty to
    murder", "a rape suspect", "a sexual assault conviction", "charged with killing")? The news
    is then the trial, not the crime."""
    if tok.dep == "compound" and toks.head(tok).lemma.lower() in w["court_words"] | w["court_nouns"]:
        return True
    node = tok
    for _ in range(4):
        if node.i == node.head or node.dep in ("ROOT", "ccomp", "parataxis", "relcl", "advcl", "conj"):
            return False
        node = toks.head(node)
        if node.lemma.lower() in w["court_words"] or node.text.lower() in w["court_words"]:
            return True
        if node.pos == "NOUN" and node.lemma.lower() in w["court_nouns"]:
            return True  # "a suspect in the murder" (not "suspected of killing civilians")
        if node.pos in ("VERB", "AUX"):
            return False
    return False
