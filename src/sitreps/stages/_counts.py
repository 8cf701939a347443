"""Numbers of people killed and injured, and the weapons a sentence names: plain patterns over
the text (no model), with the words and numbers in lexicons/events.toml.

`find_counts(text, start, end)` returns every casualty phrase between the offsets as
(`killed` | `injured`, Count, the casualty word's span); `find_weapons` the weapon words.
A count keeps what the text commits to: "at least 12" has no upper bound, "up to 20" no lower
one, "dozens" is 12 or more (ACLED's reading), "there are dead" is one or more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..lexicons import load_lexicon
from ..records import Count, Span, Weapon

# qualifier -> which bound the number is ("low": at least, "high": at most, "about": approximate)
_QUALIFIERS = {
    "at least": "low", "more than": "low", "over": "low", "upwards of": "low", "no fewer than": "low",
    "up to": "high", "as many as": "high", "nearly": "high", "almost": "high", "less than": "high",
    "fewer than": "high", "under": "high", "about": "about", "around": "about", "some": "about",
    "roughly": "about", "approximately": "about", "an estimated": "about", "approx.": "about",
}


@dataclass(frozen=True, slots=True)
class CasualtyPhrase:
    kind: str  # killed | injured
    count: Count
    word: Span  # the casualty word ("killed", "dead", "wounded") or verb ("eliminated")
    personnel: bool  # the victims are fighters ("soldiers", "servicemen", "invaders")


@cache
def _patterns():
    lex = load_lexicon("events")["casualties"]
    words = {k.lower(): v for k, v in lex["numbers"].items()}
    vague = {k.lower(): v for k, v in lex["vague_numbers"].items()}
    number_words = sorted(list(words) + list(vague), key=len, reverse=True)
    num = r"(?:\d{1,3}(?:,\d{3})+|\d+|(?:" + "|".join(map(re.escape, number_words)) + r")(?:[- ](?:" + "|".join(
        map(re.escape, sorted(words, key=len, reverse=True))) + r"))?)"
    qual = r"(?:(?P<qual>" + "|".join(map(re.escape, sorted(_QUALIFIERS, key=len, reverse=True))) + r")\s+)?"
    rng = rf"{qual}(?P<n>{num})(?:\s*(?:-|\u2013|to|or)\s*(?P<n2>{num}))?"
    between = rf"between\s+(?P<b1>{num})\s+and\s+(?P<b2>{num})"
    amount = rf"(?:{between}|{rng})"
    # "four residents of", "six more", "servicemen of the DPR": up to four words, not "and" or a number
    people = r"(?:(?:(?!(?:and|or|but)\b|\d)[\w'\u2019-]+\s+){0,4}?)"
    personnel = "|".join(map(re.escape, lex["personnel"]))
    victims = "|".join(map(re.escape, lex["victims"]))
    singles = "|".join(map(re.escape, lex["victims_singular"]))
    pats = []
    for kind, passive, active, nouns in (
        ("killed", lex["killed_passive"], lex["killed_active"], lex["killed_nouns"]),
        ("injured", lex["injured_passive"], lex["injured_active"], lex["injured_nouns"]),
    ):
        pas = "|".join(map(re.escape, passive))
        act = "|".join(map(re.escape, active))
        nn = "|".join(map(re.escape, nouns))
        # "12 people were killed", "three died", "four residents of X were killed"
        pats.append((kind, re.compile(
            rf"\b{amount}\s+{people}(?:(?:were|was|have been|had been|are|is|been)\s+)?(?:reportedly\s+|also\s+)?(?P<word>{pas})\b",
            re.IGNORECASE)))
        # "killed 12 civilians", "killing at least 3", "wounded more than 50 Ukrainian soldiers"
        pats.append((kind, re.compile(rf"\b(?P<word>{act})\s+{amount}\b(?!\s*(?:%|percent|km|kilomet|hours|days|times))", re.IGNORECASE)))
        # "12 deaths", "three dead", "the death toll rose to 25", "the number of victims increased to 25"
        pats.append((kind, re.compile(rf"\b{amount}\s+(?:(?:{victims})\s+)?(?P<word>{nn})\b", re.IGNORECASE)))
        pats.append((kind, re.compile(
            rf"\b(?P<word>(?:{nn})\s+toll|number\s+of\s+(?:{nn}))\s+(?:[\w-]+\s+){{0,20}}?(?:to|at|reached|is|was|stands at|of)\s+{amount}\b", re.IGNORECASE)))
        # "a woman died", "one soldier was wounded"
        pats.append((kind, re.compile(
            rf"\b(?P<n>a|an|one|another)\s+(?:[\w-]+\s+)?(?:{singles})\s+(?:(?:was|has been|had been|is)\s+)?(?:reportedly\s+)?(?P<word>{pas})\b",
            re.IGNORECASE)))
        # a headline's "Italian journalist injured in X", "Soldier killed near Y": one, told without an article
        pats.append((kind, re.compile(
            rf"^\s*(?P<one>)(?:[A-Z][\w-]+\s+){{0,2}}?(?:{singles})\s+(?:(?:was|has been|is)\s+)?(?P<word>{pas})\b",
            re.IGNORECASE)))
        # "there are dead", "there were wounded", "there are dead and wounded": one or more
        pats.append((kind, re.compile(rf"\bthere\s+(?:are|were|is|was)\s+(?:a\s+)?(?:(?:dead|killed)\s+and\s+)?(?P<word>{nn}|{pas})\b", re.IGNORECASE)))
    # "destroyed up to 20 and wounded more than 50 Ukrainian soldiers", "eliminated 106 invaders",
    # "lost up to 500 servicemen": fighters put out of action by the other side
    loss = "|".join(map(re.escape, lex["personnel_verbs"]))
    pats.append(("killed", re.compile(
        rf"\b(?P<word>{loss})\s+{amount}\s+(?:(?:and|or)\s+(?:wounded|injured)\s+(?:more than\s+|up to\s+)?{num}\s+)?(?:[\w-]+\s+){{0,3}}?(?P<pers>{personnel})\b",
        re.IGNORECASE)))
    # "lost 300 people", "lost 4,000 killed": one side's losses
    nouns = "|".join(map(re.escape, lex["loss_nouns"]))
    pats.append(("killed", re.compile(
        rf"\b(?P<word>lost|losing)\s+{amount}\s+(?:[\w-]+\s+){{0,2}}?(?P<pers>{nouns}|{personnel})\b", re.IGNORECASE)))
    # "more than 270 military personnel of the AFU were destroyed", "over 120 servicemen lost"
    ppas = "|".join(map(re.escape, lex["personnel_passive"]))
    pats.append(("killed", re.compile(
        rf"\b{amount}\s+(?:[\w'-]+\s+){{0,8}}?(?P<pers>{personnel})\s+(?:[\w'-]+\s+){{0,6}}?(?:(?:were|was|have been|had been)\s+)?(?P<word>{ppas})\b",
        re.IGNORECASE)))
    # "killed a civilian", "wounded one soldier"
    for kind, active in (("killed", lex["killed_active"]), ("injured", lex["injured_active"])):
        act = "|".join(map(re.escape, active))
        pats.append((kind, re.compile(rf"\b(?P<word>{act})\s+(?P<n>a|an|one|another)\s+(?:[\w-]+\s+)?(?:{singles})\b", re.IGNORECASE)))
    return pats, words, vague, lex


_MAX_DIGITS = 9


def _value(text: str, words: dict, vague: dict) -> tuple[int | None, bool]:
    """(number, open-ended) for "12", "1,200", "three", "twenty-five", "dozens", "six dozen"."""
    t = text.lower().replace(",", "").strip()
    if t.isdigit():
        # a count past any war's toll is a typo or garbage: no number (it would not fit a store
        # column either); the words stay in the text and the evidence
        return (int(t), False) if len(t) <= _MAX_DIGITS else (None, False)
    parts = re.split(r"[- ]", t)
    if len(parts) == 2 and parts[0] in words and parts[1] in ("dozen",):
        return words[parts[0]] * 12, False
    if len(parts) == 2 and parts[0] in words and parts[1] in words:
        return words[parts[0]] + words[parts[1]], False  # "twenty-five"
    if t in words:
        return words[t], False
    if t in vague:
        return vague[t], True
    return None, False


@cache
def _elided():
    _, words, _, _ = _patterns()
    num = r"\d{1,3}(?:,\d{3})+|\d+|" + "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
    return re.compile(
        rf"\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?P<n>{num})\s+(?:more\s+)?(?:(?:people|persons|civilians|residents|others)\s+)?"
        r"in\s+(?:the\s+(?:village|town|city|settlement|district)\s+of\s+)?",
        re.IGNORECASE)


def elided_count(text: str, start: int, end: int) -> Count | None:
    """The count a toll goes on with for another place, its noun and verb left out: the gap
    text[start:end] (", two in ", " and one in the village of ") between two places of "killed
    three in X, two in Y and one in the village of Z". None when the gap is not that."""
    m = _elided().fullmatch(text, start, end)
    if m is None:
        return None
    _, words, vague, _ = _patterns()
    n = _value(m.group("n"), words, vague)[0]
    return None if n is None else Count(n, n, m.start("n"), m.end("n"), m.group("n"))


def find_counts(text: str, start: int = 0, end: int | None = None) -> list[CasualtyPhrase]:
    """Casualty phrases in text[start:end], left to right, overlapping matches dropped."""
    pats, words, vague, lex = _patterns()
    end = len(text) if end is None else end
    chunk = text[start:end]
    found: list[tuple[int, int, CasualtyPhrase]] = []
    for kind, rx in pats:
        for m in rx.finditer(chunk):
            phrase = _phrase(kind, m, chunk, start, words, vague, lex)
            if phrase is not None:
                found.append((m.start(), m.end(), phrase))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    kept: list[tuple[int, int, CasualtyPhrase]] = []
    for a, b, p in found:
        if any(a < y and x < b and p.kind == q.kind for x, y, q in kept):
            continue
        kept.append((a, b, p))
    return [p for _, _, p in sorted(kept, key=lambda k: k[0])]


def _phrase(kind, m, chunk, offset, words, vague, lex) -> CasualtyPhrase | None:
    groups = m.groupdict()
    if groups.get("b1"):
        groups["n"], groups["n2"] = groups["b1"], groups["b2"]
    word = Span(offset + m.start("word"), offset + m.end("word"), m.group("word"))
    after = chunk[m.end() : m.end() + 24].lower()
    n_text = groups.get("n")
    both = r"\s*(?:killed\s+)?(?:and|or)\s+(?:wounded|injured)"
    n_at = m.start("b1") if m.groupdict().get("b1") else m.start("n") if n_text else -1
    number_first = 0 <= n_at < m.start("word")  # "120 soldiers killed and wounded", not "killed two and wounded"
    if n_text and kind == "killed" and re.match(both, after) and (groups.get("pers") or number_first):
        return None  # "120 soldiers killed and wounded": one number for both
    if n_at >= 0 and _PARENT_OF.search(chunk, max(0, n_at - 24), n_at):
        return None  # "a mother of three killed": one person, not three
    if groups.get("one") is not None and n_text is None:  # "Journalist injured in X": one
        s, e = offset + m.start(), offset + m.end()
        return CasualtyPhrase(kind, Count(1, 1, s, e, chunk[m.start() : m.end()]), word, _personnel(m.group(0), lex))
    if n_text is None:  # "there are dead"
        count = Count(1, None, word.start, word.end, word.text)
        return CasualtyPhrase(kind, count, word, False)
    low, open_low = _value(n_text, words, vague)
    if low is None:
        if n_text.lower() in ("a", "an", "one", "another"):
            low = 1
        else:
            return None
    high = None if open_low else low
    if groups.get("n2"):
        n2, _ = _value(groups["n2"], words, vague)
        if n2 is not None and n2 > low:
            high = n2
    approximate = False
    qual = (groups.get("qual") or "").lower()
    bound = _QUALIFIERS.get(qual)
    if bound == "low":
        high = None
    elif bound == "high":
        high, low = max(low, high or low), None
    elif bound == "about":
        approximate = True
    s, e = offset + m.start(), offset + m.end()
    count = Count(low, high, s, e, chunk[m.start() : m.end()], approximate)
    return CasualtyPhrase(kind, count, word, bool(groups.get("pers")) or _personnel(count.text, lex))


_PARENT_OF = re.compile(r"\b(?:mother|father|parent|mum|mom|dad|grandmother|grandfather)\s+of\s+$", re.IGNORECASE)


def _personnel(text: str, lex) -> bool:
    return bool(re.search(r"\b(?:" + "|".join(map(re.escape, lex["personnel"])) + r")\b", text, re.IGNORECASE))


@cache
def _weapon_patterns():
    lex = load_lexicon("events")["weapons"]
    out = []
    for kind, names in lex.items():
        rx = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + r")(?![\w-])", re.IGNORECASE)
        out.append((kind, rx))
    return out


def find_weapons(text: str, start: int = 0, end: int | None = None) -> list[Weapon]:
    end = len(text) if end is None else end
    chunk = text[start:end]
    found = []
    for kind, rx in _weapon_patterns():
        for m in rx.finditer(chunk):
            found.append(Weapon(start + m.start(), start + m.end(), m.group(), kind))
    found.sort(key=lambda w: (w.start, -(w.end - w.start)))
    kept: list[Weapon] = []
    for w in found:
        if kept and w.start < kept[-1].end:
            continue
        kept.append(w)
    return kept
