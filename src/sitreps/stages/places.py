"""Places stage: place names in the text, resolved against the gazetteer.

Candidates are the model's GPE/LOC entities (the entity ruler in the NLP stage feeds gazetteer
names, so villages the model misses are there too). Mentions that are not places are filtered
out: slogans ("Glory to X"), metonymy (a country or capital that speaks or owns an army is an
actor). Each remaining mention is resolved by scoring its gazetteer candidates with the
document's context; below `places.min_score` it stays unresolved, with its span.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import replace

from ..gazetteer import GazetteerEntry
from ..lexicons import load_lexicon
from ..records import Document, Place
from ._tokens import index

PLACE_LABELS = {"GPE", "LOC", "FAC"}
# cue -> the feature classes it favours
CUE_CLASSES = {"admin": {"A"}, "district": {"A", "P"}, "water": {"H"}, "settlement": {"P"}}


def _cue(doc: Document, start: int, end: int, lex: dict) -> tuple[str | None, int]:
    """What the words right after (or before) a name say it is; returns (cue, new end)."""
    after = doc.text[end : end + 24]
    word = after.lstrip(" ").split(" ")[0].strip(",.;:()").lower() if after.startswith(" ") else ""
    new_end = end + (len(after) - len(after.lstrip(" "))) + len(word) if word else end
    for cue, key in (("admin", "admin_cues"), ("district", "district_cues"), ("water", "water_cues")):
        if word in lex[key]:
            return cue, new_end
    before = doc.text[max(0, start - 20) : start].lower()
    if any(before.endswith(p + " ") for p in lex["water_before"]):
        return "water", end
    if word in lex["settlement_cues"] or any(before.endswith(f"{w} of ") for w in lex["settlement_cues"]):
        return "settlement", end
    return None, end


def _in_slogan(doc: Document, start: int, end: int, lex: dict) -> bool:
    for pattern in lex["slogans"]:
        head = pattern.split("{X}")[0]
        if head and doc.text[max(0, start - len(head)) : start].lower() == head:
            return True
    return False


def _is_metonymy(doc: Document, start: int, end: int, lex: dict) -> bool:
    """A country/capital name that speaks ("X said") or owns a force ("X's army")."""
    if not doc.tokens:
        return False
    toks = index(doc)
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
        if owner.text.lower() in ("forces", "army", "military", "troops", "government", "officials"):
            return True
    return False


def _is_demonym_or_name(doc: Document, start: int, end: int, name: str, lex: dict) -> bool:
    """"Ukrainian" (an adjective or demonym) or "Vladimir" in "Vladimir Smith" are not places."""
    if any(name.endswith(suffix) for suffix in lex["demonym_suffixes"]) and name not in lex["names_not_demonyms"]:
        return True
    if not doc.tokens:
        return False
    toks = index(doc)
    head = toks.head_of_span(start, end)
    if head is not None and head.pos == "ADJ":
        return True
    nxt = toks.at(end + 1) if doc.text[end : end + 1] == " " else None
    return bool(nxt and nxt.ent_type == "PERSON" and nxt.pos == "PROPN")


def _strip_article(text: str) -> tuple[str, int]:
    for art in ("the ", "The "):
        if text.startswith(art):
            return text[len(art) :], len(art)
    return text, 0


def _score(entry: GazetteerEntry, name: str, cue: str | None, focus: Counter, n_focus: int) -> float:
    score = 0.3
    if entry.name.casefold() == name.casefold():
        score += 0.05
    if entry.feature_class == "A" and entry.feature_code == "PCLI":
        score += 0.3  # a country's name means the country unless a cue says otherwise
    if cue:
        score += 0.25 if entry.feature_class in CUE_CLASSES[cue] else -0.2
    elif entry.feature_class == "P":
        score += 0.1  # "X" alone is the city, not the division named after it
    if n_focus and entry.country:
        score += 0.25 * focus[entry.country] / n_focus
    score += 0.15 * min(1.0, math.log10(entry.population + 1) / 6.5)
    return round(min(score, 1.0), 3)


def _best(cands, name, cue, focus, n_focus, regions: Counter):
    best, best_score = None, 0.0
    n_regions = sum(regions.values())
    for entry in cands:
        s = _score(entry, name, cue, focus, n_focus)
        if n_regions and entry.admin1:
            s += 0.15 * regions[entry.admin1] / n_regions
        if s > best_score:
            best, best_score = entry, round(min(s, 1.0), 3)
    return best, best_score


def geoparse(doc: Document, ctx) -> Document:
    if not doc.entities:
        return doc
    lex = load_lexicon("geo")
    gaz = ctx.gazetteer
    mentions = []  # (start, end, name, cue, candidates)
    for ent in doc.entities:
        if ent.label not in PLACE_LABELS:
            continue
        name, offset = _strip_article(ent.text)
        start = ent.start + offset
        name = name.removesuffix("'s").removesuffix("\u2019s")
        end = start + len(name)
        if not name or _in_slogan(doc, start, end, lex) or _is_metonymy(doc, start, end, lex):
            continue
        if _is_demonym_or_name(doc, start, end, name, lex):
            continue
        cue, cue_end = _cue(doc, start, end, lex)
        candidates = gaz.lookup(name)
        if not candidates and cue and cue_end > end:
            candidates = gaz.lookup(doc.text[start:cue_end])
        if cue == "admin" and cue_end > end:
            end = cue_end  # "X region" as one mention: it names the division
        mentions.append((start, end, name, cue, candidates))

    # country focus: the countries of unambiguous mentions (one candidate, or all in one country)
    focus: Counter = Counter()
    for *_, cands in mentions:
        countries = {c.country for c in cands if c.country}
        if len(countries) == 1:
            focus[countries.pop()] += 1
    n_focus = sum(focus.values())

    # two passes: the second favours candidates in the first-level divisions that the first
    # pass found most (a district or village named in an article about its region)
    first = [_best(cands, name, cue, focus, n_focus, Counter()) for *_, name, cue, cands in mentions]
    regions = Counter(b.admin1 for b, _ in first if b is not None and b.admin1 and b.feature_code != "PCLI")
    places = []
    min_score = ctx.settings.places.min_score
    for start, end, name, cue, cands in mentions:
        best, best_score = _best(cands, name, cue, focus, n_focus, regions)
        text = doc.text[start:end]
        if best is None or best_score < min_score:
            places.append(Place(start, end, text, score=best_score))
            continue
        places.append(
            Place(
                start,
                end,
                text,
                name=best.name,
                lat=best.lat,
                lon=best.lon,
                country=best.country,
                admin1=best.admin1,
                feature=best.feature,
                gazetteer_id=best.id,
                precision=best.precision,
                score=best_score,
            )
        )
    return replace(doc, places=tuple(places))


def focus_place(doc: Document) -> Place | None:
    """The finest resolved place the document is most about (most mentions, city level first)."""
    counts = Counter(p.gazetteer_id for p in doc.places if p.resolved and p.precision in ("city", "district"))
    if not counts:
        return None
    top = counts.most_common(1)[0][0]
    return next(p for p in doc.places if p.gazetteer_id == top)
