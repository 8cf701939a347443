"""Step 6: who did it.

The doer comes from the event's clause (step 1), or is a named armed group (the Islamic State,
al-Shabaab ...) that the clause makes the doer or that claimed the attack nearby (`groups`); when
none is named:
- for a battle, the one armed side its sentence makes the subject of a verb, marked inferred;
- the paragraph: the doer of the nearest earlier violent event of the same paragraph, or the
  armed actor the previous sentence names ("Russian forces pushed on. They shelled ..."),
  marked inferred;
- the territory: a strike or an attack on civilians on one side's ground is the other side's
  (inferred). The ground is the side's that held it throughout (Crimea: Russia's), else the
  country's, and nobody's where the sides took it from each other ([territory] in
  lexicons/actors.toml).
A protest's first actor is the protesters (inferred when unnamed), and police who broke it up
are its target; police or troops who killed or wounded protesters used excessive force (they
come first); a riot's first actor is the rioters, and police who fought protesters met a riot.
An attack whose targets are all armed (police, troops) is an armed clash, unless prisoners or
captives are told.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from ...lexicons import load_lexicon
from ...records import HAPPENED, ActorMention, Document, Event, Token
from .._tokens import TokenIndex, index
from ._discourse import paragraph
from .candidates import (
    EXPLOSIVE_KINDS,
    a_person,
    as_forces,
    countries,
    country_forces,
    country_names,
    demonyms,
    subjects_of_a_deed,
)
from .groups import group_doer, group_targets, named_groups
from .perpetrators import (
    DONE_BY_ONE,
    ONE_OF_SEVERAL,
    named_attackers,
    named_perpetrator,
    several,
    sole,
    unnamed,
)

_ARMED = {"state_forces", "armed_group"}
_STRIKES = {"Explosions/Remote violence"}
_ATTACKS = {"Attack", "Abduction/forced disappearance", "Sexual violence"}
_FOUGHT = {"Battles", "Explosions/Remote violence", "Violence against civilians"}


@cache
def _territory() -> dict:
    return load_lexicon("actors")["territory"]


def attribute_events(doc: Document, events: list[Event]) -> list[Event]:
    out: list[Event] = []
    groups = named_groups(doc)
    attackers = named_attackers(doc, groups.mentions)
    # the article's own attack: the first one it tells as having happened, now
    lead = next((x.id for x in events if x.type in DONE_BY_ONE and x.certainty in HAPPENED and not x.background), None)
    rioting = frozenset(e.evidence[0].start for e in events if e.type == "Riots" and e.certainty in HAPPENED)
    crowds = any(e.certainty in HAPPENED and (e.type in ("Protests", "Riots") or e.actors and e.actors[0].kind in ("protesters", "rioters"))
                 for e in events)
    for e in events:
        if e.actors and e.actors[0].inferred and e.actors[0].actor in {t.actor for t in e.targets}:
            e = replace(e, actors=())  # a guessed doer that is also the target ("struck Russian installations")
        if e.subtype == "Disrupted weapons use":
            e = _defender(doc, e)
        e = _excessive_force(_hurt_at_a_protest(_crowd_violence(e, crowds, rioting)))
        if e.type == "Protests":
            e = _protesters(_held(doc, e))
        elif e.type == "Riots":
            e = _rioters(e)
        owner = _weapon_owner(doc, e)
        if owner is not None and (not e.actors or e.actors[0].inferred) and (not e.actors or e.actors[0].actor != owner.actor):
            e = replace(e, actors=(owner,), targets=tuple(t for t in e.targets if t.actor != owner.actor))
        accused = _accused(doc, e, groups.mentions)
        if accused is not None:
            e = replace(e, actors=(accused,), targets=tuple(t for t in e.targets if t.actor != accused.actor))
        if e.type in _FOUGHT and groups.mentions:
            e = _by_group(doc, e, groups)
        if _DISPUTED.search(doc.text, e.evidence[0].start, e.evidence[0].end):
            e = replace(e, actors=tuple(a for a in e.actors if not a.inferred))  # each side blames the other
        elif not e.actors and e.type in _FOUGHT:
            doer = _from_sentence(doc, e) or _from_paragraph(doc, e, out) or _sole_perpetrator(doc, e) \
                or named_perpetrator(doc, e, attackers, e.id == lead) or _from_territory(e, doc.article.published)
            if doer is not None:
                e = replace(e, actors=(doer,), targets=tuple(t for t in e.targets if t.actor != doer.actor))
        elif unnamed(e) and (doer := named_perpetrator(doc, e, attackers, e.id == lead)) is not None:
            e = replace(e, actors=(replace(doer, inferred=False),))  # "a gunman ... The gunman, X, ..."
        e = _arrested_by_the_state(e)
        out.append(_planted_bomb(_armed_victims(_unarmed_attack(_territory_by_side(e), doc.article.published))))
    return out


_BOMB = re.compile(r"(?:car |truck |pipe |suicide |nail )?bomb(?:s|ing|ings)?", re.IGNORECASE)


def _planted_bomb(e: Event) -> Event:
    """A bomb or bombing with no army, air force or drone behind it ("a bomb went off in the
    street", "the bombings in the city") was set off where it went off: ACLED's remote explosive,
    not shelling, which needs a side's guns or aircraft (named: a side only guessed from whose
    ground it hit does not make a bomb a shell)."""
    if e.subtype != "Shelling/artillery/missile attack" or not _BOMB.fullmatch(e.trigger.text.strip()):
        return e
    if any(a.kind == "state_forces" and not a.inferred for a in e.actors) or any(w.kind not in ("incendiary", "mine") for w in e.weapons):
        return e
    return replace(e, subtype="Remote explosive/landmine/IED")


_HORS_DE_COMBAT = re.compile(r"\b(?:prisoners?|POWs?|captives?|captured|detained|surrendered|unarmed|wounded soldiers)\b", re.IGNORECASE)


def _armed_victims(e: Event) -> Event:
    """An attack on police, troops or armed men ("two police officers were shot") is no violence
    against civilians (ACLED keeps that for the unarmed): an armed clash, unless civilians were
    its targets too."""
    if e.subtype != "Attack" or not e.targets or any(t.kind == "civilians" for t in e.targets):
        return e
    if _HORS_DE_COMBAT.search(e.evidence[0].text) or e.trigger.text.lower().startswith(("execut", "tortur", "rape", "raping", "massac")):
        return e  # prisoners executed or tortured are unarmed: violence against civilians, as ACLED codes it
    if all(t.kind in ("state_forces", "armed_group", "police") for t in e.targets):
        return replace(e, type="Battles", subtype="Armed clash")
    return e


# doers a named group that did or claimed the attack stands in for: a guess, a gunman, one person
_UNNAMED = {"UAG", "SOLE"}


def _by_group(doc: Document, e: Event, groups) -> Event:
    """A named armed group the clause makes the doer, or that claimed the attack, is its first
    actor (ACLED's), before any guess; a group the clause attacks or fights is a target."""
    hit = group_targets(doc, e, groups)
    if hit:
        e = replace(e, targets=e.targets + tuple(t for t in hit if t.actor not in {x.actor for x in e.targets}))
    if e.actors and not (e.actors[0].inferred or e.actors[0].actor in _UNNAMED):
        return e
    found = group_doer(doc, e, groups)
    if found is None:
        return e
    doer, claim = found
    others = tuple(a for a in e.actors if not a.inferred and a.actor not in _UNNAMED and a.actor != doer.actor)
    evidence = e.evidence + ((claim,) if claim is not None and claim not in e.evidence else ())
    return replace(e, actors=(doer,) + others, evidence=evidence)


def _unarmed_attack(e: Event, published) -> Event:
    """An "attack" with no explosive weapon named and no state's forces doing it, told or
    inferred, is no shelling (ACLED): a gunman's or a mob's attack on people is violence against
    civilians, one on armed men an armed clash ("the attack on a nightclub", "attacked a police
    station"). In a war report the undone strike is the other side's (inferred) and stays one."""
    if e.subtype != "Shelling/artillery/missile attack" or not e.trigger.text.lower().startswith("attack"):
        return e
    if any(w.kind in EXPLOSIVE_KINDS for w in e.weapons) or any(a.kind == "state_forces" for a in e.actors):
        return e
    if e.place is not None and e.place.country in _territory()["sides"] and _in_the_war(e, published):
        return e  # the war's own ground, contested or not: a strike whose side is unsaid
    if any(t.kind in ("state_forces", "armed_group", "police") for t in e.targets):
        return replace(e, type="Battles", subtype="Armed clash")
    return replace(e, type="Violence against civilians", subtype="Attack")


_TERRITORY = ("Government regains territory", "Non-state actor overtakes territory")


def _territory_by_side(e: Event) -> Event:
    """ACLED tells ground taken apart by who took it: the forces of the country the place is in
    regain it, any other side overtakes it ("Ukrainian troops captured the village", "Russian
    forces liberated the town" in Ukraine: a government regaining, and an overtaking)."""
    if e.subtype not in _TERRITORY or not e.actors or e.place is None or not e.place.country:
        return e
    doer = e.actors[0]
    if doer.kind != "state_forces" or not doer.country:
        return e
    subtype = _TERRITORY[0] if doer.country == e.place.country else _TERRITORY[1]
    return e if subtype == e.subtype else replace(e, subtype=subtype)


# "Kyiv and Moscow have traded accusations over strikes on the plant": the sentence says the doer
# is disputed, so no side is guessed for it
_DISPUTED = re.compile(r"\b(?:trad(?:ed|e|ing)\s+(?:accusations|blame)|(?:blam|accus)(?:ed|e|es|ing)\s+(?:each other|one another))\b",
                       re.IGNORECASE)


# "police detained 50 people at the protest", "dispersed them with tear gas": the authorities stepped in
_DETAINED = re.compile(r"\b(?:detain(?:ed|s|ing)?|arrest(?:ed|s|ing)?|detentions|dispers(?:ed|e|ing)|tear[ -]?gas|water cannons?"
                       r"|pepper spray|rubber bullets)\b", re.IGNORECASE)


def _held(doc: Document, e: Event) -> Event:
    """A peaceful protest whose sentence tells of people detained or dispersed at it is one
    with intervention (ACLED: arrests and dispersal are the authorities' intervention)."""
    if e.subtype != "Peaceful protest" or e.certainty not in HAPPENED:
        return e
    sent = e.evidence[0]
    said = doc.text[sent.start : sent.end]
    if not _DETAINED.search(said) or re.search(r"\b(?:release|freedom|free)\b", said, re.IGNORECASE):
        return e  # "demanding the release of activists detained last week": an earlier detention
    return replace(e, subtype="Protest with intervention")


def _protesters(e: Event) -> Event:
    """A protest's first actor is the people protesting (named or not: inferred); police who
    broke it up are its target, as coders code a protest with intervention."""
    police = tuple(a for a in e.actors if a.kind in ("police", "state_forces"))
    if e.subtype == "Excessive force against protesters" and police and police[0] is e.actors[0]:
        return e  # the force that killed or wounded them acted: ACLED's first actor
    protesters = tuple(a for a in e.actors + e.targets if a.kind == "protesters")[:1]
    if not protesters:
        t = e.trigger
        country = e.place.country if e.place is not None else None
        protesters = (ActorMention(t.start, t.end, t.text, "PROT", "Protesters", "protesters", country, inferred=True),)
    others = tuple(a for a in e.actors if a not in police and a not in protesters)
    targets = police + tuple(t for t in e.targets if t not in police and t.kind != "protesters")
    return replace(e, actors=protesters + others, targets=targets)


def _excessive_force(e: Event) -> Event:
    """Police or troops set against protesters. Those who kill or wound them ("police shot dead
    two protesters") use ACLED's excessive force against protesters, the force its first actor
    and the protesters its target; those who fight them ("police fought pitched battles with
    protesters") meet a riot, the rioters its first actor."""
    if e.type not in _FOUGHT or e.certainty not in HAPPENED or not e.actors:
        return e
    if e.actors[0].kind not in ("police", "state_forces") or e.actors[0].inferred:
        return e
    if not any(t.kind == "protesters" for t in e.targets):
        return e
    if e.type == "Battles":
        return replace(e, type="Riots", subtype="Violent demonstration")
    if e.fatalities is None and e.injured is None:
        return e
    return replace(e, type="Protests", subtype="Excessive force against protesters")


def _crowd_violence(e: Event, crowds: bool, rioting: frozenset[int] = frozenset()) -> Event:
    """Protesters or rioters named as the doers of violence ("protesters hurled petrol bombs at the
    bank", "rioters attacked a ministry building") riot: ACLED's violent demonstration, not a
    battle or a shelling. So does a petrol bomb no armed side threw, in an article that tells of
    protests or riots (`crowds`), and violence with no doer in a sentence that tells a riot
    (`rioting`: "rioting youths attacked a police station")."""
    if e.type not in _FOUGHT or e.certainty not in HAPPENED:
        return e
    by_crowd = bool(e.actors) and e.actors[0].kind in ("protesters", "rioters") and not e.actors[0].inferred \
        or not e.actors and e.evidence[0].start in rioting and not e.weapons
    thrown = crowds and bool(e.weapons) and all(w.kind == "incendiary" for w in e.weapons) \
        and not any(a.kind in ("state_forces", "armed_group", "police") for a in e.actors)
    if not (by_crowd or thrown):
        return e
    return replace(e, type="Riots", subtype="Violent demonstration")


def _hurt_at_a_protest(e: Event) -> Event:
    """A "peaceful" protest its sentence counts dead or wounded at ("three people were killed when
    protesters threw petrol bombs at a bank") was none: excessive force when police or troops are
    named in it, else a violent demonstration."""
    if e.subtype != "Peaceful protest" or (e.fatalities is None and e.injured is None):
        return e
    if any(a.kind in ("police", "state_forces") and not a.inferred for a in e.actors + e.targets):
        police = tuple(a for a in e.actors + e.targets if a.kind in ("police", "state_forces"))
        crowd = tuple(a for a in e.actors + e.targets if a not in police)
        return replace(e, subtype="Excessive force against protesters", actors=police, targets=crowd)
    return replace(e, type="Riots", subtype="Violent demonstration")


def _rioters(e: Event) -> Event:
    """A riot's first actor is the rioters (ACLED's "Rioters (Country)"): the protesters the
    text names as rioting, else the crowd unnamed (inferred); police and troops who met them
    are its target. An armed group or a named person who led the mob stays the doer."""
    if any(a.kind in ("armed_group", "person", "rioters") for a in e.actors[:1]):
        return e
    police = tuple(a for a in e.actors if a.kind in ("police", "state_forces"))
    named = next((a for a in e.actors + e.targets if a.kind == "protesters"), None)
    country = e.place.country if e.place is not None else None
    if named is not None:
        rioters = replace(named, actor="RIOT", name="Rioters", kind="rioters")
    else:
        t = e.trigger
        rioters = ActorMention(t.start, t.end, t.text, "RIOT", "Rioters", "rioters", country, inferred=True)
    others = tuple(a for a in e.actors if a not in police and a is not named)
    targets = police + tuple(t for t in e.targets if t not in police and t is not named)
    return replace(e, actors=(rioters, *others), targets=targets)


def _from_sentence(doc: Document, e: Event) -> ActorMention | None:
    """A battle whose clause names no doer: the one armed side the sentence makes the subject of
    a verb ("fighting continues in X, where Russian forces are trying to break through")."""
    if e.type != "Battles":
        return None
    toks = index(doc)
    sent = e.evidence[0]
    subjects = [a for a in doc.actors if sent.start <= a.start and a.end <= sent.end and a.kind in _ARMED
                and (t := toks.head_of_span(a.start, a.end)) is not None and t.dep in ("nsubj", "nsubjpass")]
    if len({a.actor for a in subjects}) != 1:
        return None
    return replace(subjects[0], inferred=True)


def _a_full_name(toks: TokenIndex, s: Token) -> bool:
    """Two or more capitalised words the model tagged as no entity at all ("John Miller"): a
    person's name, when it is the subject of a deed done to people."""
    return s.tag == "NNP" and not s.ent_type and any(
        c.dep == "compound" and c.tag == "NNP" and not c.ent_type for c in toks.children(s.i)) \
        and not any(c.dep in ("det", "poss") for c in toks.children(s.i))


_POLICE_TITLES = {"officer", "patrolman", "patrolwoman", "trooper", "deputy", "sergeant", "constable", "sheriff", "detective"}


def _sole_perpetrator(doc: Document, e: Event) -> ActorMention | None:
    """An attack on people whose clause makes one person its subject ("a 45-year-old man shot
    two neighbours", "Smith stabbed his wife"): ACLED's "Sole perpetrator", not nobody."""
    if e.type != "Violence against civilians" or e.subtype != "Attack":
        return None
    toks = index(doc)
    tok = toks.at(e.trigger.start)
    if tok is None or tok.pos != "VERB":
        return None
    agents = [g for c in toks.children(tok.i) if c.dep == "agent" for g in toks.children(c.i) if g.dep == "pobj"]
    subjects = subjects_of_a_deed(toks, tok, hung=not agents) + agents
    # "Betty Smith, who shot and killed a man last week": the one the relative clause is about
    subjects = [toks.head(verb) if s.text.lower() in ("who", "that") and (verb := toks.head(s)).dep == "relcl" else s
                for s in subjects]
    sent = e.evidence[0]
    one = several if ONE_OF_SEVERAL.search(doc.text, sent.start, sent.end) else sole  # "who with her husband carried out"
    for s in subjects:  # a subject with an object, or the agent of a passive: not "the boy drowned"
        if not a_person(s) and _a_full_name(toks, s):
            # "John Miller shot 100 people": a name the model missed
            lo = min([s.start, *(c.start for c in toks.children(s.i) if c.dep == "compound" and c.tag == "NNP")])
            hi = s.end
            return one(doc, lo, hi)
        if a_person(s):
            before = [c for c in toks.children(s.i) if c.i < s.i]
            lo = min([s.start, *(c.start for c in before)])  # "a 45-year-old man"
            if any(c.lemma.lower() in _POLICE_TITLES for c in before):
                return ActorMention(lo, s.end, doc.text[lo : s.end], "POL", "Police", "police", None)  # "Officer Betty Smith"
            return one(doc, lo, s.end)
    return None


def _from_paragraph(doc: Document, e: Event, before: list[Event]) -> ActorMention | None:
    sent = e.evidence[0]
    lo, _ = paragraph(doc.text, sent.start)
    for prev in reversed(before):
        p = prev.evidence[0]
        if p.start < lo or p.start >= sent.start:
            continue
        if prev.type in _FOUGHT and prev.actors and prev.actors[0].kind in _ARMED:
            return replace(prev.actors[0], inferred=True)
        break
    previous = [s for s in doc.sentences if lo <= s.start and s.end <= sent.start]
    if not previous:
        return None
    last = previous[-1]
    armed = [a for a in doc.actors if last.start <= a.start and a.end <= last.end and a.kind in _ARMED]
    sides = {a.actor for a in armed}
    if len(sides) == 1:
        return replace(armed[0], inferred=True)
    return None


def _contested(place) -> bool:
    """Ground the other side held for part of 2022-23 ([territory] in lexicons/actors.toml)."""
    terr = _territory()
    names = f"{place.admin1 or ''} {place.name or ''}".lower()
    return any(c in names for c in terr["contested_admin1"]) or (place.name or "") in terr["contested_places"]


def holder(place) -> str | None:
    """The side whose ground this is: the side that held it for all of 2022-23 ([territory]
    held), else the place's own country unless the ground was contested, else None."""
    if place is None or not place.country:
        return None
    names = f"{place.admin1 or ''} {place.name or ''}".lower()
    for side, grounds in _territory()["held"].items():
        if any(g in names for g in grounds):
            return side
    if place.country not in _territory()["sides"] or _contested(place):
        return None
    return place.country


def _from_territory(e: Event, published) -> ActorMention | None:
    if not (e.type in _STRIKES or e.subtype in _ATTACKS) or not _in_the_war(e, published):
        return None
    other = _territory()["sides"].get(holder(e.place) or "")
    if other is None:
        return None
    forces = country_forces().get(other)
    if not forces:
        return None
    t = e.trigger
    return ActorMention(t.start, t.end, t.text, forces[0], forces[1], "state_forces", other, inferred=True)


def _arrested_by_the_state(e: Event) -> Event:
    """An arrest whose sentence names no one who made it, in a country the sentence names ("a
    Russian man was detained in Belarus"), was made by that country's police (ACLED's "Police
    Forces of ...": an arrest is the state's), inferred. Not from a country the article only
    falls back on: the place must be told in the arrest's own sentence."""
    if e.subtype != "Arrests" or e.actors or e.place is None or not e.place.country or e.place.start is None:
        return e
    sent = e.evidence[0]
    if not (sent.start <= e.place.start and e.place.end <= sent.end):
        return e
    t = e.trigger
    code, name = _national_police(e.place.country)
    police = ActorMention(t.start, t.end, t.text, code, name, "police", e.place.country, inferred=True)
    return replace(e, actors=(police,))


def _national_police(country: str) -> tuple[str, str]:
    """The id and name of a country's police ("BLR.POL", "Police of Belarus", as "UKR.POL" is
    Ukraine's), for a country [forces] knows; else police with the country kept beside the id."""
    known = countries().get(country)
    if known is None:
        return "POL", "Police"
    name = known["names"][0]
    return f"{known['forces'][0].split('.')[0]}.POL", f"Police of {'the ' if name.startswith('United ') else ''}{name}"


def _in_the_war(e: Event, published) -> bool:
    """Is the event dated (by its own date, else the article's) on or after the day the sides
    of [territory] hold from? A poisoning in a 2018 story is no strike of this war."""
    day = (e.time.value or "")[:10] if e.time is not None else ""
    if not day and published is not None:
        day = published.date().isoformat()
    return bool(day) and day >= _territory()["since"]


# verbs whose object did the deed their "of", "for" or "with" tells
_ACCUSING = {"accuse", "blame", "criticize", "criticise", "condemn", "charge", "fault", "arrest", "convict", "indict",
             "sentence", "praise", "thank", "commend", "credit"}


def _accused(doc: Document, e: Event, groups: tuple[ActorMention, ...] = ()) -> ActorMention | None:
    """"Russia accused Ukraine of carrying out strikes", "blamed Kyiv for the attack", "criticised
    the officer for shooting a man", "was charged with murdering": the one accused (or praised)
    is the doer the speaker names (the certainty stays the claim's)."""
    toks = index(doc)
    tok = toks.at(e.trigger.start)
    if tok is None:
        return None
    below = tok
    for t in list(toks.ancestors(tok))[:5]:
        if t.lemma.lower() in _ACCUSING:
            if not (below.dep == "prep" and below.text.lower() in ("of", "for", "with")):
                return None
            objects = [c for c in toks.children(t.i) if c.dep in ("dobj", "nsubjpass")]
            # "the group, which the president blamed for the attacks": the noun the clause is on
            relative = [o for o in objects if o.text.lower() in ("which", "who", "whom", "that") and t.dep == "relcl"]
            for o in objects:
                lo, hi = toks.subtree(o.i)
                if o in relative:  # the noun the relative clause is on, without the clause
                    o = toks.head(t)
                    lo, hi = min([o.start, *(c.start for c in toks.children(o.i) if c.i < o.i)]), o.end
                named = [a for a in (*doc.actors, *groups) if lo <= a.start and a.end <= hi]
                if named:
                    return as_forces(named[0])
                if e.type == "Violence against civilians" and a_person(o):
                    # "criticised Betty Smith for shooting a man": one person, ACLED's sole perpetrator
                    return sole(doc, lo, hi)
                code = country_names().get(doc.text[lo:hi].strip())
                forces = country_forces().get(code) if code else None
                if forces:  # a country named as the one accused is not an actor mention yet
                    return ActorMention(lo, hi, doc.text[lo:hi], forces[0], forces[1], "state_forces", code, inferred=True)
            return None
        below = t
    return None


_WEAPON_NOUNS = {"missile", "rocket", "shell", "drone", "bomb", "artillery", "jet", "aircraft", "warplane", "helicopter",
                 "bomber", "plane", "mortar", "tank", "gun", "howitzer", "himars", "cruise"}


def _weapon_owner(doc: Document, e: Event) -> ActorMention | None:
    """"Russian missiles were fired", "Ukrainian drones hit": the demonym on the weapon that is
    the trigger's subject (or the trigger itself) names the side that fired it."""
    toks = index(doc)
    tok = toks.at(e.trigger.start)
    if tok is None:
        return None
    nouns = [tok] if tok.pos == "NOUN" else [c for c in toks.children(tok.i) if c.dep in ("nsubj", "nsubjpass")]
    for n in nouns:
        if n.lemma.lower() not in _WEAPON_NOUNS:
            continue
        for c in toks.children(n.i):
            code = demonyms().get(c.text) if c.dep in ("amod", "compound") and c.i < n.i else None
            forces = country_forces().get(code) if code else None
            if forces:
                return ActorMention(c.start, c.end, c.text, forces[0], forces[1], "state_forces", code, inferred=True)
    return None


def _one_force_named(doc: Document, e: Event) -> Event:
    """"Ukraine's air defences have had success in shooting down missiles": the parse does not
    make them the subject, but the one armed side the sentence names, besides what was shot
    down, is the side that shot."""
    sent = e.evidence[0]
    shot = {t.actor for t in e.targets}
    named = [a for a in doc.actors if sent.start <= a.start < sent.end and a.kind == "state_forces" and a.actor not in shot]
    return replace(e, actors=(named[0],)) if len({a.actor for a in named}) == 1 else e


def _defender(doc: Document, e: Event) -> Event:
    """"Shot down another enemy aircraft near X", "drones were intercepted over Moscow": what
    was shot down is the target; the doer is the side that shot it down, else the side whose
    ground it was over (its air defence, inferred). With no place told, it fell over the
    doer's own country (placed here, as only this step knows the doer)."""
    toks = index(doc)
    tok = toks.at(e.trigger.start)
    if tok is None:
        return e
    head = toks.head(tok) if tok.text.lower() == "down" else tok
    objects = [c for c in toks.children(head.i) if c.dep in ("dobj", "nsubjpass")]
    spans = [toks.subtree(o.i) for o in objects]
    downed = [a for a in e.actors if any(lo <= a.start and a.end <= hi for lo, hi in spans)]
    if downed:
        e = replace(e, actors=tuple(a for a in e.actors if a not in downed), targets=tuple(downed) + e.targets)
    if not e.actors:
        e = _one_force_named(doc, e)
    if e.place is None and e.actors and e.actors[0].country:
        # "air defences shot down 16 of the 36 missiles launched", no place told: over the
        # defenders' own country, as a rough place the text names
        code = e.actors[0].country
        e = replace(e, place=next((p for p in doc.places if p.resolved and p.country == code and p.precision == "country"
                                   and not p.dateline), None))
    side = holder(e.place)
    if e.actors or side is None or not _in_the_war(e, doc.article.published):
        return e
    forces = country_forces().get(side)
    if not forces:
        return e
    t = e.trigger
    return replace(e, actors=(ActorMention(t.start, t.end, t.text, forces[0], forces[1], "state_forces", side,
                                           inferred=True),))
