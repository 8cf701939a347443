"""Step 2: is a candidate an event record at all?

An event is a particular occurrence the article reports. Not events: habits and patterns ("shell
the city every day"), running totals ("since the start of the war"), a past event named only to
date something else ("since Russia seized the peninsula"), and trigger words used in another
sense ("demonstrated that", "prices rallied", "doubled down", "exchanged views", "withdrew from
the deal"). Strategic developments, protests and riots must be as particular as violent events
(a place below the country, a day, a count). Forecasts, demands, threats and conditionals stay,
marked `possible`: they are never shown as having happened. Word lists: [eventhood] in
lexicons/events.toml.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from ...lexicons import load_lexicon
from ...records import HAPPENED, Document, Event, Token
from .._counts import find_weapons
from .._tokens import TokenIndex, index
from ..times import days_of
from ._discourse import paragraph, told_just_before
from .candidates import PARTICULAR_PRECISION, impact_told, needs_target, presupposed, word_lemma
from .groups import group_mentions
from .senses import everyday_sense

_VIOLENT = {"Battles", "Explosions/Remote violence", "Violence against civilians"}
_BELOW_COUNTRY = PARTICULAR_PRECISION
_ARMED = {"state_forces", "armed_group", "police"}


@cache
def _words() -> dict:
    lex = load_lexicon("events")["eventhood"]
    return {
        **lex,
        "habitual_re": re.compile(r"\b(?:" + "|".join(re.escape(w) for w in lex["habitual"]) + r")\b", re.IGNORECASE),
        "totals_re": re.compile(r"\b(?:" + "|".join(lex["totals"]) + r")\b", re.IGNORECASE),
        "found_dead_re": re.compile(r"\b(?:" + "|".join(lex["found_dead"]) + r")\b", re.IGNORECASE),
    }


def keep_events(doc: Document, events: list[Event]) -> list[Event]:
    toks = index(doc)
    out = []
    for e in events:
        tok = toks.at(e.trigger.start)
        sent = e.evidence[0]
        goes_on = any(b.type == e.type and b.certainty in HAPPENED for b in told_just_before(doc.text, out, e))
        if tok is None or not is_event(doc, toks, e, tok, sent.start, sent.end, goes_on):
            continue
        if e.certainty in HAPPENED and _no_sign(toks, tok):
            e = replace(e, certainty="negated")
        elif e.certainty in HAPPENED and not_happened(doc, toks, tok, sent.start):
            e = replace(e, certainty="possible")
        out.append(e)
    return out


# subjects that make a march or a rally a military movement
_FORCES = {"force", "forces", "troops", "soldier", "soldiers", "fighter", "fighters", "unit", "units", "column",
           "convoy", "mercenary", "mercenaries", "army", "tank", "tanks"}


def is_event(doc: Document, toks: TokenIndex, e: Event, tok: Token, lo: int, hi: int, goes_on: bool = False) -> bool:
    """Is this candidate an event record at all? `goes_on`: the paragraph before told an event
    of its kind, which gives a non-violent one the place or day its own sentence lacks."""
    w = _words()
    sentence = doc.text[lo:hi]
    if any(_governs(toks, m.start() + lo, tok, m.end() + lo) for m in w["habitual_re"].finditer(sentence)):
        return False  # "shell the town every day"; not "decried a strike ..., saying he prays every day"
    if any(_governs(toks, m.start() + lo, tok, m.end() + lo) for m in w["totals_re"].finditer(sentence)):
        return False  # not "on his first visit since the start of the invasion": that dates the visit
    if w["found_dead_re"].search(sentence) and not any(
            lo <= t.start and t.end <= hi and t.grain in ("day", "time") for t in doc.times):
        return False  # "found a mass grave with 440 bodies": the dead of an occupation, found
    if _time_reference(toks, tok):
        return False
    if _a_yearly_count(doc, toks, tok, lo, hi):
        return False
    if _in_title(doc, tok, lo):
        return False  # "the editorial 'Don't retreat from ...'"
    if (tok.pos == "NOUN" or tok.tag == "VBG") and (any(
            c.dep == "amod" and c.lemma.lower() in w["pattern_modifiers"] for c in toks.children(tok.i))
            or toks.head(tok).lemma.lower() in w["pattern_modifiers"]):  # the parse may hang the noun on its adjective
        return False  # "widespread and systematic torture", "indiscriminate shelling of civilian areas": a pattern
    if tok.dep in ("advcl", "conj") and _a_pattern_beside(toks, toks.head(tok), w):
        return False  # "carried out systematic torture, summarily executing 70": the same pattern
    if _a_summary(doc, toks, tok, lo, hi):
        return False  # "its missiles have destroyed supply trains, bridges and roads"
    if tok.lemma.lower() == "loss" and e.fatalities is None and not _placed_outside_brackets(doc, e, lo) \
            and not any(t.pos == "NUM" and _outside_brackets(doc, t.start, lo) for t in toks.in_span(lo, hi)) \
            and not _A_SECTOR.search(doc.text, lo, hi):
        return False  # "Russia suffering colossal losses (the headline of a letter's article)": a comment
    if _a_description(doc, toks, tok):
        return False  # "the city of Mariupol, barbarously bombarded and destroyed": what a place has been through
    if _purpose(toks, tok):
        return False  # "troops that Russia sent to fight in Ukraine": what they went for, not one fight
    if _a_contrast(doc, toks, tok):
        return False  # "Grad rockets hit Mariupol, not European cities": a speech's point, not news
    if _war_itself(doc, toks, tok, lo, hi):
        return False  # "is engaged in a war", "help Russia wage war and destroy lives"
    if not _right_sense(doc, toks, e, tok, lo, hi) or everyday_sense(doc, toks, e, tok):
        return False
    if e.fatalities is not None and (e.fatalities.low or e.fatalities.high or 0) >= w["max_fatalities"]:
        return False  # a famine's, a world war's or the whole war's toll
    if e.type == "Violence against civilians" or e.type == "Battles":
        if _MILLIONS.search(sentence):
            return False  # "killed an estimated five million people"
    if _generic_present(doc, toks, tok, lo, hi):
        return False
    if e.type not in _VIOLENT and not goes_on and not _particular(doc, e, lo, hi):
        return False
    return True


def _governs(toks: TokenIndex, at: int, tok: Token, end: int | None = None) -> bool:
    """Does the phrase at offset `at` ("every day", "so far") belong to the trigger's clause or
    to one above it, not to another clause of the sentence ("decried a strike ..., saying he
    prays for them every day")? A first conjunct's phrase covers the clauses joined to it. A
    phrase that hangs on a noun of its own ("his first visit since the start of the invasion")
    tells of that noun only."""
    word = toks.at(at)
    if word is None:
        return True
    ids = {tok.i, *(t.i for t in toks.ancestors(tok))}
    if word.i in ids:
        return True
    head = toks.head_of_span(at, end) if end is not None else None
    if head is not None and head.i not in ids:
        up = toks.head(head)
        if up.i != head.i and up.i not in ids and up.pos in ("NOUN", "PROPN") and head.dep == "prep":
            return False
    return _reaches(toks, word, ids)


def _reaches(toks: TokenIndex, word: Token, ids: set[int]) -> bool:
    """Does a word modify one of `ids` within its own clause: is one of them among its heads
    before the first verb?"""
    for t in toks.ancestors(word):
        if t.i in ids:
            return True
        if t.pos in ("VERB", "AUX"):
            return False
    return False


_SENT = {"send", "deploy", "dispatch", "mobilise", "mobilize", "recruit", "train", "go", "come", "travel", "volunteer",
         "enlist", "sign", "move", "leave", "arrive", "return", "prepare", "gather", "mass"}


def _a_contrast(doc: Document, toks: TokenIndex, tok: Token) -> bool:
    """Is the place the trigger struck set against a whole class of places ("hit Mariupol, not
    European cities")? Such a contrast makes a point in a speech or a column about the war as a
    whole; a report's contrast names one place ("hit Kharkiv, not Kyiv") or says what was hit
    ("hit military targets, not residential areas")."""
    objects = [c for c in toks.children(tok.i) if c.dep in ("dobj", "nsubjpass")]
    objects += [o for c in toks.children(tok.i) if c.dep == "prep" for o in toks.children(c.i) if o.dep == "pobj"]
    for o in objects:
        if not any(p.start <= o.start < p.end for p in doc.places):
            continue
        kids = toks.children(o.i)
        if not any(k.dep == "neg" for k in kids):
            continue
        for k in kids:
            if k.dep in ("appos", "conj") and k.tag == "NNS" and not any(
                    d.dep == "det" or d.dep == "nummod" for d in toks.children(k.i)):
                return True
    return False


def _purpose(toks: TokenIndex, tok: Token) -> bool:
    """An infinitive of purpose under a verb of sending or going ("sent to fight", "went to
    Ukraine to fight", "mobilised to defend the city") tells what someone went for."""
    if tok.pos != "VERB" or tok.dep not in ("advcl", "xcomp") or not any(
            c.dep == "aux" and c.tag == "TO" for c in toks.children(tok.i)):
        return False
    return toks.head(tok).lemma.lower() in _SENT


def _a_yearly_count(doc: Document, toks: TokenIndex, tok: Token, lo: int, hi: int) -> bool:
    """"There were 130 murders in London in 2017": a count of events over a year or a month
    with no day is a statistic, not an occurrence ("there were clashes near X on Monday" is one)."""
    if tok.pos != "NOUN" or tok.tag != "NNS" or tok.dep not in ("attr", "nsubj"):
        return False
    head = toks.head(tok)
    if head.lemma.lower() != "be" or not any(c.dep == "expl" for c in toks.children(head.i)):
        return False
    if not any(c.dep == "nummod" for c in toks.children(tok.i)):
        return False
    grains = {t.grain for t in doc.times if lo <= t.start and t.end <= hi}
    return bool(grains & {"year", "month"}) and not grains & {"day", "time"}


def _a_description(doc: Document, toks: TokenIndex, tok: Token) -> bool:
    """A bare participle set off by a comma after a noun, with no doer, no day and no count: it
    describes the noun ("the city of Mariupol, barbarously bombarded and destroyed,") rather than
    telling an occurrence ("a school destroyed in Monday's strike" has its day)."""
    first = tok
    while first.dep == "conj" and first.i != first.head:
        first = toks.head(first)  # "bombarded and destroyed": the first participle carries the comma
    if first.tag not in ("VBN", "VBD") or first.dep not in ("advcl", "acl", "amod"):
        return False
    before = toks.tokens[first.i - 1] if first.i > 0 else None
    if before is None or before.text != "," or (first.i > 1 and toks.tokens[first.i - 2].pos not in ("PROPN", "NOUN")):
        # allow one adverb between: "Mariupol, barbarously bombarded"
        adverb = before
        before = toks.tokens[first.i - 2] if first.i > 1 else None
        if adverb is None or adverb.pos != "ADV" or before is None or before.text != "," \
                or first.i < 3 or toks.tokens[first.i - 3].pos not in ("PROPN", "NOUN"):
            return False
    if any(c.dep in ("nsubj", "nsubjpass", "agent", "aux", "auxpass") for c in toks.children(first.i)):
        return False
    lo, hi = toks.subtree(first.i)
    if any(t.pos == "NUM" for t in toks.in_span(lo, hi)):
        return False
    return not any(lo <= t.start and t.end <= hi for t in doc.times)


def _a_summary(doc: Document, toks: TokenIndex, tok: Token, lo: int, hi: int) -> bool:
    """A present perfect over kinds of things, with no place below the country and no day
    ("its missiles have destroyed supply trains, bridges and roads", "forces have shelled
    villages"): what a campaign has done so far, not one occurrence."""
    if tok.pos == "NOUN" and tok.dep == "dobj":
        tok = toks.head(tok)  # "has dropped bombs in sovereign states": the verb over the trigger
    perfect = [tok, toks.head(tok)] if tok.dep == "conj" else [tok]  # "has waged wars and dropped bombs"
    if tok.pos != "VERB" or not any(c.dep in ("aux", "auxpass") and c.lemma.lower() == "have"
                                    for v in perfect for c in toks.children(v.i)):
        return False
    objects = [c for c in toks.children(tok.i) if c.dep == "dobj"]
    if not objects or not all(o.tag == "NNS" and not any(m.dep in ("det", "nummod", "poss") for m in toks.children(o.i))
                              for o in objects):
        return False
    inside = [toks.subtree(o.i) for o in objects]  # "bridges used to carry troops to Kherson": what, not where
    if any(lo <= p.start and p.end <= hi and p.resolved and p.precision not in ("country", "continent") and not p.dateline
           and not any(a <= p.start and p.end <= b for a, b in inside) for p in doc.places):
        return False
    c_lo, c_hi = toks.subtree(perfect[-1].i)  # a day of its own clause, not of the speech that tells it
    return not any(c_lo <= t.start and t.end <= c_hi and t.grain in ("day", "time") for t in doc.times)


def _a_pattern_beside(toks: TokenIndex, verb: Token, w: dict) -> bool:
    """Does the verb this event hangs on have an object that is a pattern ("carried out
    widespread and systematic torture")?"""
    objects = [c for c in toks.children(verb.i) if c.dep in ("dobj", "nsubjpass")]
    return any(m.dep == "amod" and m.lemma.lower() in w["pattern_modifiers"] for o in objects for m in toks.children(o.i))


# verbs a politician does a rally with: holds, addresses or speaks at it
_RALLY_HOSTS = {"hold", "address", "headline", "host", "stage", "speak", "tell", "say", "attend", "appear", "campaign"}


_LEAD = 600  # characters of an article that say what it is about
# words of an election campaign, in the rally's paragraph
_CAMPAIGN = re.compile(r"\b(?:campaign\w*|presidential|primar(?:y|ies)|nominee|nomination|candidates?|candidacy|caucus\w*"
                       r"|voters?|electoral|re-?election)\b", re.IGNORECASE)


def _a_campaign_story(doc: Document, at: int) -> bool:
    """Does the paragraph at `at`, or the article's lead, speak of an election campaign?"""
    lo, hi = paragraph(doc.text, at)
    return bool(_CAMPAIGN.search(doc.text, lo, hi) or _CAMPAIGN.search(doc.text, 0, min(len(doc.text), _LEAD)))


def _an_election_race(doc: Document, toks: TokenIndex, tok: Token) -> bool:
    """Is the battle or fight one "for" something that is no place (a seat, second place, the
    nomination) in a campaign story? "The battle for Bakhmut" is fought for a place."""
    if not _a_campaign_story(doc, tok.start):
        return False
    words = [tok, *(a for a in toks.children(tok.i) if a.dep == "amod")]  # "a tight battle for": "for" may hang on "tight"
    aims = [o for w in words for c in toks.children(w.i) if c.dep == "prep" and c.text.lower() == "for"
            for o in toks.children(c.i) if o.dep == "pobj"]
    # what is fought for is a place when the object itself is one, or names one ("control of X")
    return bool(aims) and not any(o.lemma.lower() in ("control", "city", "town", "village", "territory")
                                  or any(p.start <= o.start < p.end for p in doc.places) for o in aims)


def _a_politicians_rally(doc: Document, toks: TokenIndex, tok: Token) -> bool:
    """Is the rally a campaign event, no protest: in a paragraph about a campaign, held,
    addressed or spoken at by one named person or a party ("Trump held a rally", "told a rally
    in X"), or named after a person ("a Sanders rally")? A group the lexicons know or people who
    gather ("supporters held a rally") still protest."""
    if not _a_campaign_story(doc, tok.start):
        return False
    if any(c.dep in ("compound", "poss") and c.ent_type == "PERSON" for c in toks.children(tok.i)):
        return True
    head = toks.head(tok)
    verb = toks.head(head) if tok.dep == "pobj" else head
    if verb.lemma.lower() not in _RALLY_HOSTS:
        return False
    parties = load_lexicon("events")["senses"]["politicians"]  # "Republicans", "the campaign"
    known = [*doc.actors, *group_mentions(doc)]
    # one named person: a capitalised singular ("Trump" at a sentence's start may be tagged a noun)
    subjects = [s for s in toks.children(verb.i) if s.dep == "nsubj"]
    if not subjects and verb.dep in ("xcomp", "advcl", "conj"):
        subjects = [s for s in toks.children(verb.head) if s.dep == "nsubj"]  # "flew to Maine to hold a rally"
    return any(s.lemma.lower() in parties or s.text.lower() in ("he", "she") or s.text[:1].isupper() and s.tag in ("NNP", "NN")
               and s.ent_type not in ("GPE", "LOC", "NORP", "FAC") and not any(a.start <= s.start < a.end for a in known)
               for s in subjects)


def _time_reference(toks: TokenIndex, tok: Token) -> bool:
    """"since Russia seized Crimea", "since the invasion": the event only starts a period."""
    head = toks.head(tok)
    if tok.dep == "pobj" and head.text.lower() == "since":
        return True  # "since the invasion"
    if tok.dep == "pobj" and head.text.lower() in ("during", "amid", "amidst", "throughout") and \
            word_lemma(toks, tok) in _words()["campaign_nouns"] and \
            not any(c.dep == "det" and c.text.lower() in ("a", "an") for w in toks.word(tok) for c in toks.children(w.i)):
        return True  # "during the battle for Bakhmut", "amid the counteroffensive": a backdrop (not "during a counterattack")
    for t in [tok, *list(toks.ancestors(tok))[:3]]:
        if any(c.dep == "mark" and c.text.lower() == "since" for c in toks.children(t.i)):
            return True  # "since Russia seized Crimea" (not "since the beginning of the day, 20 died")
        if t.dep in ("ROOT", "conj", "parataxis", "ccomp"):
            break
    return False


def _right_sense(doc: Document, toks: TokenIndex, e: Event, tok: Token, lo: int, hi: int) -> bool:
    w = _words()
    lemma = word_lemma(toks, tok)
    word = tok.text.lower()
    children = toks.children(tok.i)
    subjects = [c for c in children if c.dep in ("nsubj", "nsubjpass")]
    if any(x.lemma.lower() in w["not_doers"] for x in subjects):
        return False  # "prices rallied", "food prices shot up", "stocks plunged"
    if tok.dep in ("compound", "amod") and toks.head(tok).lemma.lower() in w["warning_nouns"]:
        return False  # "air raid sirens", "missile alert", "an air raid shelter": a warning or a refuge
    if lemma == "stab" and tok.pos == "NOUN":
        return False  # "a stab in the back", "a stab at a deal" (the deed is "stabbing")
    if lemma == "shoot" and any(c.dep == "prt" and c.text.lower() == "up" for c in children):
        return False  # "shot up": rose
    if tok.pos == "NOUN" and lemma in w["campaign_nouns"] and _whole_war(doc, e, lo, hi):
        return False  # "Ukraine's fight for freedom", "the counteroffensive", "Russia's assault on Ukraine"
    if tok.pos == "NOUN" and lemma in w["campaign_nouns"] and _an_election_race(doc, toks, tok):
        return False  # "locked in a tight battle for second place in the primary"
    if lemma in w["show_verbs"]:
        # "demonstrated that ...", "demonstrates the folly", "is demonstrated by": to show
        if any(c.dep in ("dobj", "ccomp", "nsubjpass", "agent", "attr") for c in children) or tok.tag == "VBN":
            return False
    if e.type in ("Protests", "Riots"):
        if any(s.lemma.lower() in w["not_protesters"] or s.text.lower() in w["not_protesters"] for s in subjects):
            return False
        if e.subtype == "Peaceful protest" and any(a.kind in _ARMED or a.kind == "government" for a in e.actors):
            return False  # troops or a government "marching" is no protest
        if any(s.lemma.lower() in _FORCES for s in subjects):
            return False  # "Prigozhin's forces march towards Moscow": a column, not a protest
        if lemma in ("rally", "march") and any(c.dep == "dobj" for c in children):
            return False  # "rallied support", "marched troops"
        if lemma == "rally" and tok.pos == "NOUN" and _a_politicians_rally(doc, toks, tok):
            return False  # "Trump held a rally in Bangor", "a Sanders rally": a campaign event
        if lemma == "march" and tok.pos == "VERB":
            said = doc.text[lo:hi].lower()
            if not any(re.search(rf"\b{re.escape(p)}\b", said) for p in w["protest_words"] if p != "march"):
                return False
    if lemma == "blast" and tok.pos == "VERB":
        objects = [c for c in children if c.dep == "dobj"]
        subjects = [c for c in children if c.dep == "nsubj"]
        if any(o.lemma.lower() in w["criticise_objects"] or o.text in w["criticise_objects"] for o in objects) \
                or any(s.ent_type == "PERSON" for s in subjects):
            return False  # "blasted the decision": criticised
    if word == "down" or lemma == "down":
        prev = toks.tokens[tok.i - 1] if tok.i > 0 else None
        head = toks.head(tok)
        if not ((prev and prev.text.lower() in w["down_heads"]) or head.text.lower() in w["down_heads"]
                or head.lemma.lower() in w["down_heads"]):
            return False
    if e.subtype == "Agreement":
        said = doc.text[lo:hi].lower()
        if lemma in ("exchange", "swap") and not any(re.search(rf"\b{re.escape(x)}\b", said) for x in w["agreement_objects"]):
            return False  # "exchanged views", "currency swap"
    if e.subtype == "Looting/property destruction" and lemma == "blow":
        nxt = toks.next(tok)
        if not (nxt and nxt.text.lower() == "up") and not any(c.text.lower() == "up" for c in children):
            return False  # "withstood the blow"
    if e.subtype == "Non-violent transfer of territory":
        lo_t, hi_t = toks.subtree(tok.i)
        words = set(re.findall(r"[a-z]+", doc.text[lo_t:hi_t].lower()))
        if words & set(w["not_territory"]):
            return False  # "withdraw from the deal", "pulled out of the market"
        if lemma == "pull" and not any(c.text.lower() in ("back", "out", "away") for c in children) \
                and not any(c.dep == "dobj" and (c.lemma.lower() in _FORCES or c.text.lower() in _FORCES) for c in children):
            return False  # "pulled bodies from the rubble": only pulling back or out, or pulling troops, gives up ground
        if lemma in ("flee", "evacuate") and not any(a.kind in _ARMED for a in e.actors):
            return False  # people fleeing or evacuated: displacement, not ground changing hands
    if lemma in ("return", "enter") and e.type == "Battles" and not any(
            a.kind in _ARMED and (not a.inferred or _named_unit(doc, e, a)) for a in e.actors):
        return False  # "many Ukrainians have returned to areas they fled": people coming home, not troops
    cyber = needs_target(toks, tok)  # "cyber attacks that shut down the websites": no armed doer needed
    if lemma == "attack" and not cyber and _CYBER.search(doc.text, lo, hi) and not find_weapons(doc.text, lo, hi):
        return False  # "the website was attacked from Russian territory" after a cyberattack
    if e.subtype == "Other" and not cyber and not any(a.kind in _ARMED or a.kind in ("civilians", "nationals") for a in e.actors):
        return False  # "the president abandoned those calls"
    if e.subtype == "Change to group/activity" and not any(a.kind in _ARMED or a.kind == "government" for a in e.actors):
        return False  # "deployed diplomats"
    return True


_CYBER = re.compile(r"\bcyber|\bhack(?:ers?|ing|ed)\b|\bDDoS\b", re.IGNORECASE)
_ONGOING = {"continue", "remain", "keep", "persist", "rage", "intensify", "go", "carry"}
_SPEECH = {"say", "report", "tell", "announce", "state", "claim", "add", "write", "note", "confirm", "according"}


def _finite(toks: TokenIndex, tok: Token) -> Token | None:
    """The present-simple verb that carries the trigger's clause, if it is one: the trigger
    itself ("shells"), the verb it is the infinitive or participle of ("attempt to encircle and
    bombard", "make gains, seizing the port"), or a present passive ("bodies are found")."""
    node = tok
    for _ in range(4):
        if node.pos in ("VERB", "AUX"):
            word = node.text.lower()
            if node.tag in ("VBZ", "VBP") and (word == node.lemma.lower() or (node.tag == "VBZ" and word.endswith("s"))):
                return node
            if node.tag == "VBN" and any(c.dep == "auxpass" and c.tag in ("VBZ", "VBP") for c in toks.children(node.i)):
                return node
            if node.tag in ("VBD",) or any(c.dep in ("aux", "auxpass") and c.tag in ("VBD", "MD") for c in toks.children(node.i)):
                return None
        if node.dep not in ("xcomp", "conj", "advcl", "dobj", "pobj", "prep") or node.i == node.head:
            return None
        node = toks.head(node)
    return None


def _generic_present(doc: Document, toks: TokenIndex, tok: Token, lo: int, hi: int) -> bool:
    """A present-simple verb ("when a member annexes", "Russia shells towns", a timeline's
    "forces make gains, seizing the port") states a habit, a rule or history retold, unless the
    line is a headline (news headlines tell the past in the present) or the sentence says when."""
    finite = _finite(toks, tok)
    if finite is None or finite.lemma.lower() in _ONGOING:
        return False  # "forces continue their siege": going on now
    if any(a.lemma.lower() in _SPEECH for a in toks.ancestors(finite)):
        return False  # reported speech keeps the speaker's present ("the council said the army suffers losses")
    if any(c.dep == "aux" for c in toks.children(finite.i)):
        return False  # "has shelled", "is attacking", "will strike": not a simple present
    if any(c.dep == "mark" and c.text.lower() in ("when", "whenever", "once", "as") for c in toks.children(finite.i)):
        return True
    line_start = doc.text.rfind("\n", 0, lo) + 1
    line_end = doc.text.find("\n", hi)
    line = doc.text[line_start : len(doc.text) if line_end < 0 else line_end].strip()
    if line_start == 0 or not line.endswith((".", "\u201d", '"')) or len(line.split()) < 12:
        return False  # a headline or a caption
    return not any(lo <= t.start and t.end <= hi and t.grain not in ("duration", "future", "unknown") for t in doc.times)


def _whole_war(doc: Document, e: Event, lo: int, hi: int) -> bool:
    """A campaign noun in a sentence without a place below the country, a count or a day
    ("Ukraine's fight for freedom", "the counteroffensive has begun") is the war or a campaign
    as a whole."""
    if e.fatalities is not None or e.injured is not None or _DAILY.search(doc.text, lo, hi):
        return False
    pinned_down = any(lo <= p.start and p.end <= hi and p.resolved and p.precision in PARTICULAR_PRECISION and not p.dateline
                      for p in doc.places)  # not a whole region ("the spring offensive in the Donbas")
    return not pinned_down and not any(lo <= t.start and t.end <= hi and t.grain in ("day", "time") for t in doc.times)


_MILLIONS = re.compile(r"\b(?:\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|several|many|a)\s+million\b",
                       re.IGNORECASE)

# the words of a daily report: "during the day", "per day", "over the past day", "overnight"
_DAILY = re.compile(r"\b(?:(?:during|in|over|for|since the beginning of) (?:the (?:past |last )?|a )day|per day|overnight"
                    r"|last night|today|yesterday)\b", re.IGNORECASE)


def _in_title(doc: Document, tok: Token, lo: int) -> bool:
    """Is the trigger inside a quoted title ("the July 1 editorial 'Don't retreat ...'")?"""
    before = doc.text[lo : tok.start]
    opening = max(before.rfind("\u201c"), before.rfind('"'))
    if opening < 0 or ("\u201d" in before[opening + 1 :]) or ('"' in before[opening + 1 :]):
        return False
    words = re.findall(r"[\w-]+", before[:opening].lower())[-3:]
    return any(word in _words()["title_words"] for word in words)


# "losses in the Slobozhansky direction": a sector of the front says where, though no gazetteer knows it
_A_SECTOR = re.compile(r"\b(?:direction|axis|sector|front)\b", re.IGNORECASE)


def _placed_outside_brackets(doc: Document, e: Event, lo: int) -> bool:
    """Is the event placed below the country by a name outside any parenthesis (a letter's
    "(Moscow confirms attack on Kyiv, 29 April)" cites another article)?"""
    p = e.place
    return p is not None and p.precision in _BELOW_COUNTRY and _outside_brackets(doc, p.start, lo)


def _outside_brackets(doc: Document, at: int, lo: int) -> bool:
    """Is offset `at` outside any parenthesis opened since `lo` (the sentence's start)?"""
    opening = doc.text.rfind("(", lo, at)
    return opening < 0 or ")" in doc.text[opening:at]


def _war_itself(doc: Document, toks: TokenIndex, tok: Token, lo: int, hi: int) -> bool:
    """A verb whose object is the war ("engaged in a war", "wage war"), or "destroy" of something
    no weapon destroys ("destroy Russia", "destroy lives"), with no place below the country; a
    battle or a fight for a cause ("the battle for freedom")."""
    w = _words()
    if tok.lemma.lower() in ("battle", "fight", "struggle") and any(
            c.dep == "prep" and c.text.lower() == "for" and any(
                g.dep == "pobj" and g.lemma.lower() in w["causes"] for g in toks.children(c.i))
            for c in toks.children(tok.i)):
        return True  # "Ukraine's battle for freedom": the war as a whole, whatever places follow
    objects = [c for c in toks.children(tok.i) if c.dep in ("dobj", "nsubjpass")]
    objects += [g for c in toks.children(tok.i) if c.dep == "prep" for g in toks.children(c.i) if g.dep == "pobj"]
    if not objects:
        return False
    war = any(o.lemma.lower() in ("war", "conflict", "invasion", "aggression", "hostilities") for o in objects)
    abstract = tok.lemma.lower() in ("destroy", "destruction") and all(
        o.lemma.lower() in w["abstract_objects"] or (o.ent_type == "GPE" and not any(
            p.start <= o.start < p.end and p.precision not in ("country", "continent") for p in doc.places))
        for o in objects)
    return (war or abstract) and not _local_place(doc, lo, hi)


def _local_place(doc: Document, lo: int, hi: int) -> bool:
    """Does the span name a resolved place below the country (not a dateline)?"""
    return any(lo <= p.start and p.end <= hi and p.resolved and p.precision not in ("country", "continent")
               and not p.dateline for p in doc.places)


def _particular(doc: Document, e: Event, lo: int, hi: int) -> bool:
    """A non-violent development needs what a coder needs to place it: a place below the
    country, a day, a week ("this week": ACLED's time precision 2) or a count in its sentence."""
    if e.place is not None and e.place.precision in _BELOW_COUNTRY:
        return True
    if any(lo <= p.start and p.end <= hi and p.resolved and p.precision in _BELOW_COUNTRY and not p.dateline
           for p in doc.places):
        return True
    if any(lo <= t.start and t.end <= hi and (t.grain in ("day", "time") or _a_week(t)) for t in doc.times):
        return True
    return e.fatalities is not None or e.injured is not None


def _a_week(t) -> bool:
    """Is the time a span of a week at most ("this week", "in recent days")?"""
    days = days_of(t.value) if t.grain == "interval" else None
    return days is not None and (days[1] - days[0]).days < 7


def _no_sign(toks: TokenIndex, tok: Token) -> bool:
    """"There was no sign of an attack", "no evidence of shelling": the text says it did not happen."""
    node = tok
    for _ in range(3):
        if node.i == node.head:
            return False
        head = toks.head(node)
        if node.dep == "pobj" and head.text.lower() == "of":
            noun = toks.head(head)
            return noun.pos == "NOUN" and any(c.dep == "det" and c.text.lower() == "no" for c in toks.children(noun.i))
        node = head
    return False


def _complement(path: list[Token]) -> bool:
    """`path` runs from the trigger up to a governing word: is each step a complement?"""
    below = path[:-1]
    if len(below) == 1:
        return below[0].dep in ("xcomp", "ccomp", "dobj", "nsubjpass", "acl", "attr")
    first, prep = below
    return first.dep == "pobj" and prep.dep == "prep" and prep.text.lower() in ("of", "for", "on", "to", "about") \
        or (first.dep in ("dobj", "ccomp") and prep.dep == "xcomp")


def _prevented(path: list[Token], heads: list[str]) -> bool:
    """`path` runs from the trigger up to a word that keeps it from happening: "to stop it
    attacking", "deter Russia from invading", "prevented an attack"."""
    head, tok = path[-1].lemma.lower(), path[0]
    if head not in heads:
        return False
    if tok.tag == "VBG":
        return True
    return head in heads[:4] and len(path) == 2 and tok.dep in ("dobj", "nsubjpass")


def not_happened(doc: Document, toks: TokenIndex, tok: Token, sent_start: int) -> bool:
    """A forecast, demand, threat, option or condition: "will attack", "must withdraw", "warned of
    strikes", "the worst-case scenario would involve attacks", "any retreat"."""
    w = _words()
    chain = [tok, *list(toks.ancestors(tok))[:5]]
    for k, t in enumerate(chain):
        for c in toks.children(t.i):
            if c.dep in ("aux", "auxpass") and c.text.lower() in w["future_aux"]:
                return True
            if c.dep == "mark" and c.text.lower() in ("if", "unless", "whether"):
                return True
            if k == 0 and c.dep == "det" and c.text.lower() == "any":
                return True
            if k == 0 and c.dep == "amod" and c.lemma.lower() in w["possible_modifiers"] and tok.pos == "NOUN":
                return True  # "a possible attack", "an imminent invasion"
            if k == 1 and tok.dep == "nsubj" and c.dep == "acomp" and c.lemma.lower() in w["possible_heads"]:
                return True  # "a larger barrage is likely to cause damage"
        # a governing word counts when the event is its complement: "threatened to strike",
        # "warned of strikes", "the threat of an attack"; not "vowed revenge for the attack"
        if 0 < k <= 2 and t.lemma.lower() in w["possible_heads"] and _complement(chain[:k + 1]):
            return True
        if t.lemma.lower() in ("call", "push", "urge") and k <= 4 and any(
                c.dep == "prep" and c.text.lower() in ("for", "on") for c in toks.children(t.i)):
            return True  # "called for an end to the shelling", "called on the West to stop the massacre"
        if t.lemma.lower() == "going" and any(c.text.lower() == "to" for c in toks.children(t.i)):
            return True
        if 0 < k <= 2 and _prevented(chain[:k + 1], w["prevent_heads"]):
            return True
        if t.dep in ("ROOT", "parataxis") or t is tok and presupposed(toks, tok):
            break
    before = doc.text[sent_start:tok.start].lower()
    if tok.tag == "VBG" and _AIMS_LISTED.search(before):
        return True  # "its initial goals; removing the president, capturing Kyiv": what was aimed at
    return bool(re.search(r"\b(?:worst-case|would-be|in the event of|in case of)\b", before))


# a list of gerunds after "goals:" or "aims;" names what was aimed at, not what happened
_AIMS_LISTED = re.compile(r"\b(?:goals?|aims?|objectives?|ambitions?|plans?)\s*[;:\u2013\u2014-]\s*[^.;:]*$")


_COARSE = {"country", "continent"}


def pinned(doc: Document, e: Event) -> bool:
    """After the place step: can a coder pin the event down? One placed nowhere, or only in a
    country or a continent, needs a count, a verb the text dates to a day ("fired three dozen
    missiles across Ukraine on Thursday") or a past verb with a named armed doer ("troops
    recaptured the village"): without them it is the war as a whole or a comment on it ("Russia's
    assault on Ukraine", "attacks would hit the capital")."""
    if e.place is not None and e.place.precision not in _COARSE:
        return True
    if e.fatalities is not None or e.injured is not None:
        return True
    tok = index(doc).at(e.trigger.start)
    if tok is None:
        return False
    sent = e.evidence[0]
    dated = (e.time is not None and e.time.basis in ("stated", "context") and e.time.grain in ("day", "time", "interval")) \
        or bool(_DAILY.search(doc.text, sent.start, sent.end))
    if dated and tok.pos == "NOUN" and tok.dep in ("dobj", "nsubj", "nsubjpass"):
        return True  # "made four strikes on enemy positions during the day"
    if dated and tok.pos == "NOUN" and impact_told(index(doc), tok):
        return True  # "in recent days ... a missile that targeted a Russian position": one strike, when and what
    if dated and needs_target(index(doc), tok):
        return True  # "cyber attacks this week that shut down the websites of two banks": what it disabled, and when
    if dated and tok.pos == "NOUN" and e.time.start is not None and _dates_the_noun(index(doc), tok, e.time):
        return True  # "after Friday's missile attacks across the country": the noun carries its own day
    named = any(a.kind in _ARMED and (not a.inferred or _named_unit(doc, e, a)) for a in e.actors)
    if named and tok.pos == "NOUN" and any(c.dep == "nummod" for c in index(doc).children(tok.i)):
        return True  # "the aircraft inflicted 18 strikes on the enemy": who, what and how many
    if tok.pos != "VERB":
        return False
    # "Ukrainian troops reportedly recaptured the village": who and what are pinned; a finite
    # verb (a present one is a headline's or a mis-tagged past: `_generic_present` has already
    # dropped the habits)
    told = tok.tag in ("VBD", "VBN", "VBP", "VBZ") and named
    return dated or told


def _dates_the_noun(toks: TokenIndex, tok: Token, time) -> bool:
    """Is the time a modifier of the noun itself ("Friday's attacks", "the attack on Monday"),
    not of a clause inside its phrase ("the same attack he made last week")?"""
    word = toks.head_of_span(time.start, time.end)
    return word is not None and _reaches(toks, word, {tok.i})


@cache
def _unit_words() -> frozenset[str]:
    forces = load_lexicon("actors")["forces"]
    return frozenset(w.lower() for w in (*forces["unit_words"], *forces["inferred"], *forces["enemy_words"],
                                         *forces["inferred_ukraine"]))


def _named_unit(doc: Document, e: Event, a) -> bool:
    """A doer its own sentence names by a unit or a word for the other side ("paratroopers",
    "the invaders"), whose side only is inferred: as named as "Ukrainian troops". Not a side
    guessed from the ground or from the losses a trigger tells (its span is the trigger)."""
    sent = e.evidence[0]
    inside = sent.start <= a.start and a.end <= sent.end and not (a.start <= e.trigger.start < a.end)
    return inside and doc.text[a.start : a.end].lower() in _unit_words()
