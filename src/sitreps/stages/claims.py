"""Claims stage: one Claim per clause, with how sure the text is and who says so.

Clauses: a sentence, split where it joins clauses with ", while", ", but", ", whereas" or "; "
(never inside quotation marks). Heading-like sentences (no verb, or ending in ":") are skipped.

Certainty comes from cue phrases in lexicons/cues.toml. Every cue of every class is matched; where
matches overlap the longest wins ("could not be verified" is one hedge, not "could" + "not"), and
"neutral" phrases ("what appears to be") swallow the words they contain. Cues inside a relative
clause describe a noun, not the claim, and are ignored when there is a parse. Of what remains,
the class first in `precedence` wins: negated > possible > hedged > confirmed > reported. So
"A said that X could happen" is possible (the attribution does not make a prediction happen) and
"A confirmed X" is confirmed; "A did not confirm X" is negated. No cue at all: asserted.

Source, first that applies: the speaker of an indirect quote whose reported clause overlaps the
clause; the speaker of a direct quote cued by a reporting verb in the clause; the subject of a
reporting, confirming or denying verb ("Russia confirmed" -> Russia); a media or reports noun that
carries the clause ("footage has shown", "in one video", "reports suggest"). Unnamed officials and
sources are kind "anonymous". A clause with a source but no cue is "reported", not "asserted".
With a parse, a clause without its own cue that sits inside the complement of a framing verb in an
earlier clause ("Reports suggest that A, while B") takes that clause's certainty and source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from itertools import islice

from ..lexicons import load_lexicon
from ..records import Claim, Document, Mention
from ._intervals import pick_non_overlapping
from ._speakers import Parse, cue_mention, make_speaker
from .quotes import pair_marks

_SPLIT = re.compile(r",\s+(?:while|but|whereas)\s+|;\s+")
_SOURCE_CLASSES = ("confirmed", "reported", "negated")


@dataclass(frozen=True)
class Lexicon:
    classes: tuple[tuple[str, re.Pattern], ...]  # (class, pattern), "neutral" included
    precedence: tuple[str, ...]
    lowercase_only: frozenset[str]
    media_re: re.Pattern
    reports_re: re.Pattern
    show_re: re.Pattern
    media: frozenset[str]
    reports: frozenset[str]
    anonymous: frozenset[str]


def _alt(words) -> str:
    alts = sorted({w.lower() for w in words}, key=len, reverse=True)
    return "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in alts)


@cache
def lexicon() -> Lexicon:
    lex = load_lexicon("cues")
    cert, src = lex["certainty"], lex["sources"]
    classes = []
    for name in ("neutral", *cert["precedence"]):
        pats = [r"\b(?:" + _alt(cert[name]) + r")\b"] + list(cert.get(f"{name}_patterns", []))
        classes.append((name, re.compile("|".join(pats), re.IGNORECASE)))
    return Lexicon(
        classes=tuple(classes),
        precedence=tuple(cert["precedence"]),
        lowercase_only=frozenset(cert["lowercase_only"]),
        media_re=re.compile(r"\b(?:" + _alt(src["media"]) + r")\b", re.IGNORECASE),
        reports_re=re.compile(r"\b(?:" + _alt(src["reports"]) + r")\b", re.IGNORECASE),
        show_re=re.compile(r"\b(?:" + _alt(src["show_forms"]) + r")\b", re.IGNORECASE),
        media=frozenset(w.lower() for w in src["media"]),
        reports=frozenset(w.lower() for w in src["reports"]),
        anonymous=frozenset(w.lower() for w in lex["speakers"]["anonymous"]),
    )


# --- clauses -----------------------------------------------------------------------------------


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and (text[s].isspace() or text[s] in ",;:—–-"):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:—–-"):
        e -= 1
    return s, e


def clauses(doc: Document, start: int, end: int, quoted: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out, s = [], start
    for m in _SPLIT.finditer(doc.text, start, end):
        if any(a <= m.start() < b for a, b in quoted):
            continue
        out.append(_trim(doc.text, s, m.start()))
        s = m.end()
    out.append(_trim(doc.text, s, end))
    return [(a, b) for a, b in out if b > a]


def _heading_only(doc: Document, s: int, e: int) -> bool:
    text = doc.text[s:e].strip()
    if not re.search(r"[^\W\d_]", text) or text.endswith(":"):
        return True
    toks = doc.tokens_in(s, e)
    return bool(toks) and not any(t.pos in ("VERB", "AUX") for t in toks)


# --- cues --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cue:
    cls: str
    start: int
    end: int


def find_cues(doc: Document, s: int, e: int, p: Parse | None) -> list[Cue]:
    lex = lexicon()
    found = [Cue(cls, m.start(), m.end()) for cls, rx in lex.classes for m in rx.finditer(doc.text, s, e)]
    found.sort(key=lambda c: (c.start - c.end, c.start))
    out = []
    for c in pick_non_overlapping(found):
        word = doc.text[c.start:c.end]
        if c.cls == "neutral":
            continue
        if word.lower() in lex.lowercase_only and word[:1].isupper() and doc.text[s:c.start].strip():
            continue
        if p is not None and _in_relative_clause(p, c, s, e):
            continue
        out.append(c)
    return out


_MAX_DEPTH = 40  # deeper than any sentence of prose: a runaway "sentence" is a chain


def _in_relative_clause(p: Parse, c: Cue, s: int, e: int) -> bool:
    for t in p.doc.tokens_in(c.start, c.end):
        chain = [t.i, *islice(p.ancestors(t.i), _MAX_DEPTH)]
        for i in chain:
            a = p.tokens[i]
            if not (s <= a.start < e):
                break
            if a.dep == "relcl":
                return True
    return False


# --- sources -----------------------------------------------------------------------------------


def _quote_source(doc: Document, s: int, e: int) -> tuple[Mention | None, Mention | None]:
    for q in doc.quotes:
        if q.direct or q.speaker is None or not (q.start < e and s < q.end):
            continue
        if (q.cue and s <= q.cue.start < e) or (q.start <= s and e <= q.end):
            return q.speaker, q.cue
    for q in doc.quotes:
        if q.direct and q.speaker and q.cue and s <= q.start < e and s <= q.cue.start < e:
            if q.speaker.kind != "crowd":
                return q.speaker, q.cue
    return None, None


def _verb_source(doc: Document, p: Parse | None, cues: list[Cue], s: int) -> Mention | None:
    for c in cues:
        if c.cls not in _SOURCE_CLASSES:
            continue
        if p is not None:
            for t in doc.tokens_in(c.start, c.end):
                subj = p.subject(t.i) if t.pos == "VERB" else None
                # a passive subject is the one told, not the teller ("residents were told")
                if subj is not None and p.tokens[subj].dep == "nsubj":
                    a, b = p.phrase(subj)
                    return make_speaker(doc, a, b, p.tokens[subj].text.lower())
        else:
            before = doc.text[s:c.start]
            if re.fullmatch(r"[A-Z][^,;:]{0,60}\s", before):  # "The army denied ..."
                return make_speaker(doc, s, s + len(before.rstrip()))
    return None


def _noun_source(doc: Document, p: Parse | None, s: int, e: int) -> tuple[Mention | None, Mention | None]:
    """A media or reports noun that carries the clause, and the verb that attaches it (if any)."""
    lex = lexicon()
    for rx, kind in ((lex.reports_re, "reports"), (lex.media_re, "media")):
        for m in rx.finditer(doc.text, s, e):
            start = m.start()
            det = re.search(r"(?i)\b(?:a|an|one|another|the|this|that|other|some|new)\s+$", doc.text[s:start])
            if det:
                start = s + det.start()
            mention = Mention(start, m.end(), doc.text[start:m.end()], name=None, kind=kind)
            if p is not None:
                toks = doc.tokens_in(m.start(), m.end())
                if not toks:
                    continue
                t = toks[-1]
                head = p.tokens[t.head]
                if t.dep in ("nsubj", "nsubjpass") and head.pos in ("VERB", "AUX"):
                    show = lex.show_re.search(doc.text, m.end(), e)
                    verb = (show.start(), show.end()) if show else (head.start, head.end)
                    return mention, cue_mention(doc, *verb)
                if t.dep == "pobj" and head.text.lower() in ("in", "on") and head.start - s < 4:
                    return mention, None  # "In one video, ..." frames the whole clause
                continue
            show = lex.show_re.search(doc.text, m.end(), e)
            if show and len(doc.text[m.end():show.start()].split()) <= 8:
                return mention, cue_mention(doc, show.start(), show.end())
            if re.fullmatch(r"(?i)\s*(?:in|on)\s+", doc.text[s:start]):
                return mention, None
    return None, None


def _anonymise(m: Mention | None) -> Mention | None:
    if m is None or m.kind not in ("government", "person", "unknown"):
        return m
    words = m.text.lower().split()
    if words and words[-1] in lexicon().anonymous and not any(w[:1].isupper() for w in m.text.split()[1:]):
        return replace(m, kind="anonymous", name=None)
    return m


# --- the stage ---------------------------------------------------------------------------------


def _claim(doc: Document, p: Parse | None, s: int, e: int) -> tuple[Claim, list[Cue]]:
    cues = find_cues(doc, s, e, p)
    rank = {c: i for i, c in enumerate(lexicon().precedence)}
    best = min(cues, key=lambda c: (rank[c.cls], c.start), default=None)
    certainty = best.cls if best else "asserted"
    cue = cue_mention(doc, best.start, best.end) if best else None
    source, quote_cue = _quote_source(doc, s, e)
    if source is None:
        source = _verb_source(doc, p, cues, s)
    if source is None:
        source, noun_cue = _noun_source(doc, p, s, e)
        quote_cue = quote_cue or noun_cue
    source = _anonymise(source)
    if source is not None and certainty == "asserted":
        certainty, cue = "reported", quote_cue
    return Claim(s, e, doc.text[s:e], certainty, source=source, cue=cue), cues


def _inherits(p: Parse, frame: list[Cue], s: int, e: int) -> bool:
    """Is the clause inside the clausal complement of a framing verb ("suggest that ...")?"""
    roots = {t.i for t in p.doc.tokens_in(s, e) if not (s <= p.tokens[t.head].start < e) or t.head == t.i}
    for c in frame:
        for f in p.doc.tokens_in(c.start, c.end):
            for comp in p.children.get(f.i, ()):
                if p.tokens[comp].dep == "ccomp" and roots & set(p.subtree(comp)):
                    return True
    return False


def find_claims(doc: Document, ctx) -> Document:
    if not doc.text:
        return doc
    p = Parse(doc) if doc.tokens else None
    quoted = [(o, c) for o, c in pair_marks(doc.text)[0]]
    claims: list[Claim] = []
    for sent in doc.sentences:
        if sent.text.strip().endswith(":"):
            continue
        prev: tuple[Claim, list[Cue]] | None = None
        for s, e in clauses(doc, sent.start, sent.end, quoted):
            if _heading_only(doc, s, e):
                continue
            claim, cues = _claim(doc, p, s, e)
            if prev and p is not None and not cues and _inherits(p, prev[1], s, e):
                first = prev[0]
                claim = replace(claim, certainty=first.certainty, source=claim.source or first.source,
                                cue=first.cue)
            claims.append(claim)
            prev = (claim, cues) if cues else prev
    return replace(doc, claims=tuple(sorted(claims, key=lambda c: (c.start, c.end))))
