"""Who says it: the speaker and cue of an attribution, from the dependency parse or the text
around it, shared by the quotes and claims stages. The cue lexicons are `lexicons/cues.toml`.

A speaker is the reporting verb's subject (its whole phrase, apposition included, as PolNeAR
marks it), named after the person or body it is or stands for ("he" -> the last person named
before); a relative pronoun is the span, named after its noun ("the senator, who said ...");
a passive verb's subject is who is spoken about, so the speaker is the "by" agent or nobody.
A cue keeps its auxiliaries, negation and particle ("has not pointed out").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from ..lexicons import load_lexicon
from ..records import Document, Mention, Token

MARKS = "\"“”«»‘’"
# a speaker's words in the text fallback: up to 60 characters without punctuation or marks
SPK = r"(?P<spk>[^,.;:!?\"“”«»\n]{1,60}?)"
_SUBJECT_DEPS = ("nsubj", "nsubjpass")
_INHERIT_DEPS = ("advcl", "xcomp", "conj", "acl", "pcomp", "prep")
_DROP_FROM_NP = ("relcl", "acl", "appos", "punct", "cc")
_OTHER_PRONOUNS = ("they", "it", "we", "i", "you", "them", "us", "who")
NOT_SOURCES = {"what", "which", "that", "this", "there", "who", "whom", "whose"}



@dataclass(frozen=True)
class Cues:
    verbs: frozenset[str]
    crowd: frozenset[str]
    indirect: frozenset[str]
    speakers: dict
    cue_re: re.Pattern  # any reporting or crowd verb form
    crowd_re: re.Pattern
    indirect_re: re.Pattern
    clause_verbs: frozenset[str]
    object_verbs: frozenset[str]
    prep_verbs: dict[str, frozenset[str]]
    nouns: frozenset[str]
    adjectives: frozenset[str]
    not_speakers: frozenset[str]


def _words_re(words) -> re.Pattern:
    alts = sorted({w.lower() for w in words}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in alts) + r")\b", re.IGNORECASE)


@cache
def cues() -> Cues:
    lex = load_lexicon("cues")
    rep = lex["reporting"]
    return Cues(
        verbs=frozenset(rep["verbs"]),
        crowd=frozenset(rep["crowd_verbs"]),
        indirect=frozenset(rep["indirect"]),
        speakers={k: frozenset(v) for k, v in lex["speakers"].items()},
        cue_re=_words_re(rep["forms"] + rep["crowd_forms"]),
        crowd_re=_words_re(rep["crowd_forms"]),
        indirect_re=_words_re(rep["indirect_forms"]),
        clause_verbs=frozenset(rep["indirect"]) | frozenset(lex["attribution"]["clause_verbs"]),
        object_verbs=frozenset(lex["attribution"]["object_verbs"]),
        prep_verbs={k: frozenset(v) for k, v in lex["attribution"]["prep_verbs"].items()},
        nouns=frozenset(lex["attribution"]["nouns"]["nouns"]),
        adjectives=frozenset(lex["attribution"]["adjectives"]),
        not_speakers=frozenset(lex["attribution"]["colon"]["not_speakers"]),
    )


# --- speakers ----------------------------------------------------------------------------------


class Parse:
    """Token-level helpers over doc.tokens (indices are document token indices)."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.tokens = doc.tokens
        self.children: dict[int, list[int]] = {}
        for t in doc.tokens:
            if t.head != t.i:
                self.children.setdefault(t.head, []).append(t.i)

    def subtree(self, i: int, drop: tuple[str, ...] = ()) -> list[int]:
        out, todo = [], [i]
        while todo:
            j = todo.pop()
            out.append(j)
            todo.extend(c for c in self.children.get(j, ()) if self.tokens[c].dep not in drop)
        return sorted(out)

    def ancestors(self, i: int):
        seen = {i}
        while (h := self.tokens[i].head) not in seen:
            seen.add(h)
            yield h
            i = h

    def subject(self, verb: int, depth: int = 3) -> int | None:
        for c in self.children.get(verb, ()):
            if self.tokens[c].dep in _SUBJECT_DEPS:
                return c
        t = self.tokens[verb]
        if depth and t.dep in _INHERIT_DEPS and t.head != verb:
            return self.subject(t.head, depth - 1)
        return None

    def full_phrase(self, i: int) -> tuple[int, int]:
        """Offsets of token i's whole subtree, without punctuation at its edges."""
        idx = self.subtree(i)
        lo, hi = idx[0], idx[-1]
        while hi > lo and self.tokens[hi].pos == "PUNCT":
            hi -= 1
        while lo < hi and self.tokens[lo].pos == "PUNCT":
            lo += 1
        return self.tokens[lo].start, self.tokens[hi].end

    def phrase(self, i: int) -> tuple[int, int]:
        """Offsets of the noun phrase headed by token i, without clauses, appositions or edge punctuation."""
        keep = set(self.subtree(i, _DROP_FROM_NP))
        lo = hi = i
        while lo - 1 in keep:
            lo -= 1
        while hi + 1 in keep:
            hi += 1
        while hi > lo and self.tokens[hi].pos == "PUNCT":
            hi -= 1
        return self.tokens[lo].start, self.tokens[hi].end


def entity_at(doc: Document, start: int, end: int, labels=("PERSON", "ORG", "GPE", "NORP")):
    """The entity that covers [start, end) or, failing that, the last one inside it."""
    inside = None
    for e in doc.entities:
        if e.label in labels:
            if e.start <= start and end <= e.end:
                return e
            if start <= e.start and e.end <= end:
                inside = e
    return inside


def head_word(text: str) -> str:
    """The head noun of a phrase without a parse: the last word before "of", else the last word."""
    words = re.findall(r"[\w'’-]+", text.split(" of ")[0])
    return words[-1].lower() if words else ""


def speaker_kind(head: str, label: str | None, crowd_cue: bool = False) -> str:
    lex = cues().speakers
    if crowd_cue:
        return "crowd"
    sources = _source_nouns()
    if head in sources["reports"]:
        return "reports"  # "reports suggest": unnamed reports, as the claims stage calls them
    if head in sources["media"]:
        return "media"
    for kind in ("crowd", "government", "media", "person", "organisation"):
        if head in lex[kind]:
            return kind
    if label == "PERSON" or head in lex["pronouns_person"]:
        return "person"
    return {"ORG": "organisation", "GPE": "government"}.get(label or "", "unknown")


@cache
def _source_nouns() -> dict[str, frozenset[str]]:
    src = load_lexicon("cues")["sources"]
    return {k: frozenset(w.lower() for w in src[k]) for k in ("reports", "media")}


def resolve_person(doc: Document, text: str, before: int) -> str | None:
    """Full name for a pronoun or a bare surname: the latest fitting PERSON mention before `before`."""
    people = [e for e in doc.entities if e.label == "PERSON" and e.end <= before]
    if text.lower() in cues().speakers["pronouns_person"]:
        if not people:
            return None
        text = people[-1].text
    if " " not in text.strip():
        for e in reversed(people):
            if e.text != text and e.text.split()[-1] == text:
                return e.text
    return text


def make_speaker(doc: Document, start: int, end: int, head: str | None = None, crowd_cue: bool = False) -> Mention:
    text = doc.text[start:end]
    head = head or head_word(text)
    ent = entity_at(doc, start, end)
    if ent is not None and head not in (w.lower() for w in re.findall(r"[\w'’-]+", ent.text)):
        ent = None  # an entity inside the phrase ("the office of President X") is not its head
    kind = speaker_kind(head, ent.label if ent else None, crowd_cue)
    if head in _OTHER_PRONOUNS:
        name = None
    elif head in cues().speakers["pronouns_person"]:
        name = resolve_person(doc, head, start)
    elif text[:1].isupper() and " " not in text and resolve_person(doc, text, start) != text:
        # a bare surname of someone named in full earlier (the model may tag it ORG or nothing)
        name, kind = resolve_person(doc, text, start), "person"
    elif ent is not None and ent.label == "PERSON":
        name = resolve_person(doc, ent.text, start)
    elif ent is not None:
        name = ent.text
    else:
        name = text
    return Mention(start, end, text, name=name, kind=kind)


def cue_mention(doc: Document, start: int, end: int) -> Mention:
    return Mention(start, end, doc.text[start:end], name=None, kind="cue")


# what follows a speaker's name and apposition but is not part of naming them: a participle or a
# comparison after a comma (", speaking to ...", ", like Obama"); and a dateline before it
# ("WASHINGTON -- President Obama"). Relative clauses (", who watched ...") stay: PolNeAR's
# annotators kept them more often than not (cutting them lowered source exact F1 by 0.004).
_SPEAKER_TAIL = re.compile(r",\s+(?:like|[a-z]+ing)\b")
_SPEAKER_DATELINE = re.compile(r"^[A-Z][A-Z .'-]+\s+(?:--|-|\u2014|\u2013|\u2015)\s+(?=\S)")


def trim_speaker(speaker: Mention) -> Mention:
    text = speaker.text
    tail = _SPEAKER_TAIL.search(text)
    if tail is not None and tail.start() > 0:
        text = text[: tail.start()]
    head = _SPEAKER_DATELINE.match(text)
    cut = head.end() if head and head.end() < len(text) else 0
    text = text[cut:]
    if text == speaker.text:
        return speaker
    return replace(speaker, start=speaker.start + cut, end=speaker.start + cut + len(text), text=text)


def _without_lead(p: Parse, speaker: Mention) -> Mention:
    """"Even China", "Both X and Y", "while 73 percent": a conjunction or adverb before the
    speaker's phrase is not part of it (but "nearly 80 voters" counts them)."""
    toks = p.doc.tokens_in(speaker.start, speaker.end)
    k = 0
    while k < len(toks) - 1 and (toks[k].dep in ("cc", "preconj", "mark") or toks[k].pos in ("CCONJ", "SCONJ")
                                 or toks[k].dep == "advmod" and toks[k].pos == "ADV" and toks[k + 1].pos != "NUM"
                                 or toks[k].pos == "PUNCT"):
        k += 1
    if k == 0:
        return speaker
    start = toks[k].start
    return replace(speaker, start=start, text=p.doc.text[start:speaker.end])


_CUE_LEFT = ("aux", "auxpass", "neg", "advmod")


def _cue_span(p: Parse, verb: int) -> tuple[int, int]:
    """The verb with the auxiliaries, negation and adverbs right before it and its particle right
    after ("has also pointed out", "did not say"), as PolNeAR marks cues."""
    kids = set(p.children.get(verb, ()))
    lo = hi = verb
    while lo - 1 in kids and p.tokens[lo - 1].dep in _CUE_LEFT and p.tokens[lo - 1].pos != "PUNCT":
        lo -= 1
    if hi + 1 in kids and p.tokens[hi + 1].dep == "prt":
        hi += 1
    return p.tokens[lo].start, p.tokens[hi].end


def verb_speaker(p: Parse, verb: int, avoid: tuple[int, int] | None = None):
    """(speaker, cue) for reporting verb token `verb`; speaker None when it has no usable subject."""
    doc, t = p.doc, p.tokens[verb]
    cue = cue_mention(doc, *_cue_span(p, verb))
    subj = p.subject(verb)
    if subj is not None and p.tokens[subj].dep == "nsubjpass":
        # "X was accused of ...": X is who it is said about; the teller is the agent ("by Y"), if any
        subj = next((g for k in p.children.get(verb, ()) if p.tokens[k].dep == "agent"
                     for g in p.children.get(k, ()) if p.tokens[g].dep == "pobj"), None)
    if subj is None:
        return None, cue
    s, e = p.phrase(subj)
    if avoid and s < avoid[1] and avoid[0] < e:  # the quote is the subject, not the speaker's words
        return None, cue
    relative = _relative_speaker(p, subj)
    if relative is not None:
        return relative, cue
    crowd = t.lemma.lower() in cues().crowd
    speaker = make_speaker(doc, s, e, p.tokens[subj].text.lower(), crowd)
    # the span is the whole subject, with its apposition or clause ("Roy Smith, a historian who
    # attended,"); the name and kind come from its head phrase
    fs, fe = p.full_phrase(subj)
    if (fs, fe) != (s, e) and not (avoid and fs < avoid[1] and avoid[0] < fe):
        speaker = replace(speaker, start=fs, end=fe, text=doc.text[fs:fe])
    speaker = trim_speaker(_without_lead(p, speaker))
    if "\n" in speaker.text:  # "7 p.m.\n\nDonald Trump": a heading above the sentence is not the speaker
        cut = speaker.text.rindex("\n") + 1
        speaker = replace(speaker, start=speaker.start + cut, text=speaker.text[cut:])
    if speaker.text.lower() in NOT_SOURCES or not re.search(r"[^\W\d_]{2}|\bI\b", speaker.text) or speaker.text.startswith(("'s", "\u2019s")):
        return None, cue  # "that says ...", a stray mark or "'s": the parse's subject names no one
    return speaker, cue


RELATIVE_PRONOUNS = ("who", "which")


def _relative_speaker(p: Parse, subj: int) -> Mention | None:
    """"the senator, who said ...": the relative pronoun is the speaker's span, as PolNeAR marks
    it; the name and kind are those of the noun it stands for."""
    t = p.tokens[subj]
    if t.text.lower() not in RELATIVE_PRONOUNS or t.dep != "nsubj":
        return None
    clause = next((a for a in [t.head, *p.ancestors(t.head)] if p.tokens[a].dep == "relcl"), None)
    if clause is None or p.tokens[clause].head == clause:
        return None
    noun = p.tokens[clause].head
    ref = make_speaker(p.doc, *p.phrase(noun), p.tokens[noun].text.lower())
    return Mention(t.start, t.end, t.text, name=ref.name, kind=ref.kind)


def is_cue(t: Token) -> bool:
    c = cues()
    return t.pos in ("VERB", "AUX") and (t.lemma.lower() in c.verbs or t.lemma.lower() in c.crowd)

_NOT_SPEAKER_LEAD = ("CCONJ", "SCONJ", "ADP", "ADV", "PUNCT", "PART")
_NOT_SPEAKER_TAIL = _NOT_SPEAKER_LEAD + ("AUX", "VERB")


def text_speaker(doc: Document, start: int, end: int, crowd: bool) -> Mention | None:
    """The words the text fallback took for a speaker, without a conjunction, adverb or verb at
    either edge ("and he", "To which she", "he has"); None when no noun or pronoun is left
    ("forcefully", "After"). Without tokens, the words as they are."""
    toks = doc.tokens_in(start, end)
    if not toks:
        return make_speaker(doc, start, end, None, crowd)
    lo, hi = 0, len(toks)
    while lo < hi and (toks[lo].pos in _NOT_SPEAKER_LEAD or toks[lo].text.lower() in NOT_SOURCES and lo < hi - 1):
        lo += 1
    while hi > lo and toks[hi - 1].pos in _NOT_SPEAKER_TAIL:
        hi -= 1
    if not any(t.pos in ("NOUN", "PROPN", "PRON") for t in toks[lo:hi]):
        return None
    return make_speaker(doc, toks[lo].start, toks[hi - 1].end, None, crowd)
