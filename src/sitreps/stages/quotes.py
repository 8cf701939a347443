"""Quotes stage: direct quotes (inside quotation marks) and indirect speech, with speaker and cue.

Direct quotes: straight "..." and curly “...” double quotes, curly single ‘...’ (only ‘ opens: ’ is
also the apostrophe) and guillemets «...». Marks are paired per paragraph with a stack, so an
unbalanced mark costs only its own quote (`quotes.unbalanced` note). A quote left open at the end
of a paragraph continues when the next paragraph opens with the same mark (a multi-paragraph
quote reopens each paragraph and closes only in the last): it is one quote over both. Only outermost quotes are
reported: a quote nested inside another is part of the outer speaker's words.

A quote split by its attribution ('"We will," he said, "hold the line."') becomes two quotes with
the same speaker and cue, because a Quote is one contiguous span of the speaker's words.

Speaker and cue come from the dependency parse (the reporting verb governing the quote, and that
verb's subject); without a parse, or when the parse finds nothing, from the text around the marks.
Indirect speech ("X said (that) CLAUSE", "according to X, CLAUSE") becomes Quote(direct=False)
whose span is the reported clause; clauses holding quotation marks are left to the direct quote.

Spans follow PolNeAR's conventions (measured with `sitreps eval quotes`): a cue keeps its
auxiliaries, negation and particle ("has not pointed out"); a relative pronoun is the speaker's
span ("who said ...", named after its noun); a passive verb's subject is who is spoken about,
not the speaker; and an attribution whose cue lies inside another one's reported words ("she
said he plans to resign") is part of those words, not a statement of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from ..lexicons import load_lexicon
from ..records import Document, Mention, Note, Quote, Token

_PAIRS = {"“": ("double", "open"), "”": ("double", "close"), "«": ("guillemet", "open"),
          "»": ("guillemet", "close"), "‘": ("single", "open")}
_MARKS = "\"“”«»‘’"
_OPENING_CONTEXT = " \t([{—–-/"
_CLOSING_CONTEXT = " \t.,;:!?)]}—–-/"
_SUBJECT_DEPS = ("nsubj", "nsubjpass")
_INHERIT_DEPS = ("advcl", "xcomp", "conj", "acl", "pcomp", "prep")
_DROP_FROM_NP = ("relcl", "acl", "appos", "punct", "cc")
_OTHER_PRONOUNS = ("they", "it", "we", "i", "you", "them", "us", "who")
_NOT_SOURCES = {"what", "which", "that", "this", "there", "who", "whom", "whose"}


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
    return re.compile(r"\b(?:" + "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in alts) + r")\b", re.I)


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


# --- pairing the marks -------------------------------------------------------------------------


def pair_marks(text: str) -> tuple[list[tuple[int, int]], list[Note], list[int]]:
    """(open, close) offsets of outermost quotation-mark pairs, a note per unbalanced mark, and
    the offsets of those marks."""
    pairs: list[tuple[int, int]] = []
    notes: list[Note] = []
    orphans: list[int] = []

    def lost(pos: int, why: str) -> None:
        orphans.append(pos)
        notes.append(Note("quotes", "quotes.unbalanced", f"{why} {text[pos]} at {pos}: {text[pos:pos + 40]!r}"))

    carry: tuple[int, str] | None = None  # a quote left open at the end of a paragraph
    for para in re.finditer(r"[^\n]+", text):
        stack: list[tuple[int, str]] = []
        skip = None
        first = len(para.group()) - len(para.group().lstrip())
        lead = para.start() + first
        if carry is not None:
            # a quote running over paragraphs reopens each one and closes only in the last
            if text[lead : lead + 1] in ('"', "\u201c", "\u00ab") and _family(text[lead]) == carry[1]:
                stack, skip = [carry], lead
            else:
                lost(carry[0], "opening mark never closed")
            carry = None
        for m in re.finditer(f"[{_MARKS}]", para.group()):
            pos = para.start() + m.start()
            if pos == skip:
                continue
            ch = text[pos]
            before = text[pos - 1] if pos > 0 else " "
            after = text[pos + 1] if pos + 1 < len(text) else " "
            if ch == "’":
                # an apostrophe unless it can close an open ‘ and is not inside a word
                if after.isalnum() or not any(f == "single" for _, f in stack):
                    continue
                family, role = "single", "close"
            elif ch == '"':
                family = "straight"
                opens = (before in _OPENING_CONTEXT or before in _MARKS) and not after.isspace()
                closes = (after in _CLOSING_CONTEXT or after in _MARKS or after == "\n") and not before.isspace()
                role = "open" if opens and not closes else "close" if closes and not opens else ""
                if not role:
                    role = "close" if any(f == "straight" for _, f in stack) else "open"
            else:
                family, role = _PAIRS[ch]
                if ch == "\u201d" and pos == lead and not after.isspace():
                    role = "open"  # a paragraph opening with ” (autocorrect's wrong mark) opens a quote
            if role == "open":
                # a mark never nests inside its own kind: an earlier open one was left unclosed
                same = next((k for k in range(len(stack) - 1, -1, -1) if stack[k][1] == family), None)
                if same is not None and family == "double":
                    # '“He calls it “hell” here”': curly marks may nest when enough closers follow
                    opened = sum(f == "double" for _, f in stack)
                    if text.count("\u201d", pos, para.end()) > opened:
                        same = None
                if same is not None:
                    for orphan, _ in stack[same:]:
                        lost(orphan, "opening mark never closed")
                    del stack[same:]
                stack.append((pos, family))
                continue
            idx = next((k for k in range(len(stack) - 1, -1, -1) if stack[k][1] == family), None)
            if idx is None:
                lost(pos, "closing mark without opening")
                continue
            for orphan, _ in stack[idx + 1:]:
                lost(orphan, "opening mark never closed")
            if idx == 0:
                pairs.append((stack[0][0], pos))
            del stack[idx:]
        if len(stack) == 1:
            carry = stack[0]
        else:
            for orphan, _ in stack:
                lost(orphan, "opening mark never closed")
    if carry is not None:
        lost(carry[0], "opening mark never closed")
    # typewriter quotes written as two apostrophes (''like this''): the pair is reported as the
    # second apostrophe of the opener and the first of the closer, so the content sits between
    for para in re.finditer(r"[^\n]+", text):
        for m in re.finditer(r"(?<!')''(?!')(.+?)(?<!')''(?!')", para.group()):
            o, c = para.start() + m.start() + 1, para.start() + m.end() - 2
            if not any(a <= o <= b for a, b in pairs):
                pairs.append((o, c))
    pairs.sort()
    return pairs, notes, orphans


def _family(ch: str) -> str:
    return "straight" if ch == '"' else _PAIRS[ch][0]


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


def _trim_speaker(speaker: Mention) -> Mention:
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


def _verb_speaker(p: Parse, verb: int, avoid: tuple[int, int] | None = None):
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
    speaker = _trim_speaker(_without_lead(p, speaker))
    if "\n" in speaker.text:  # "7 p.m.\n\nDonald Trump": a heading above the sentence is not the speaker
        cut = speaker.text.rindex("\n") + 1
        speaker = replace(speaker, start=speaker.start + cut, text=speaker.text[cut:])
    if speaker.text.lower() in _NOT_SOURCES or not re.search(r"[^\W\d_]{2}|\bI\b", speaker.text) or speaker.text.startswith(("'s", "\u2019s")):
        return None, cue  # "that says ...", a stray mark or "'s": the parse's subject names no one
    return speaker, cue


_RELATIVE_PRONOUNS = ("who", "which")


def _relative_speaker(p: Parse, subj: int) -> Mention | None:
    """"the senator, who said ...": the relative pronoun is the speaker's span, as PolNeAR marks
    it; the name and kind are those of the noun it stands for."""
    t = p.tokens[subj]
    if t.text.lower() not in _RELATIVE_PRONOUNS or t.dep != "nsubj":
        return None
    clause = next((a for a in [t.head, *p.ancestors(t.head)] if p.tokens[a].dep == "relcl"), None)
    if clause is None or p.tokens[clause].head == clause:
        return None
    noun = p.tokens[clause].head
    ref = make_speaker(p.doc, *p.phrase(noun), p.tokens[noun].text.lower())
    return Mention(t.start, t.end, t.text, name=ref.name, kind=ref.kind)


def _is_cue(t: Token) -> bool:
    c = cues()
    return t.pos in ("VERB", "AUX") and (t.lemma.lower() in c.verbs or t.lemma.lower() in c.crowd)


def _tree_attribution(p: Parse, inner: tuple[int, int], marks: tuple[int, int]):
    """Walk up from the quote's tokens to the nearest reporting verb outside the marks."""
    toks = p.doc.tokens_in(*inner)
    inside = {t.i for t in toks}
    roots = [t.i for t in toks if t.head not in inside or t.head == t.i]
    for r in roots:
        for a in p.ancestors(r):
            at = p.tokens[a]
            if marks[0] <= at.start < marks[1] + 1:
                continue
            if _is_cue(at):
                return _verb_speaker(p, a, marks)
    return None, None


_SPK = r"(?P<spk>[^,.;:!?\"“”«»\n]{1,60}?)"


def _text_attribution(doc: Document, marks: tuple[int, int], left: int, right: int):
    """Speaker and cue from the words before the opening mark, else after the closing mark."""
    c = cues()
    before = doc.text[left:marks[0]]
    found = list(c.cue_re.finditer(before))
    if found:
        m = found[-1]
        chunk = re.split(r"[,;:]|\bthat\b", before[: m.start()])[-1]
        crowd = bool(c.crowd_re.fullmatch(m.group()))
        if chunk.strip():
            s = left + m.start() - len(chunk) + (len(chunk) - len(chunk.lstrip()))
            e = left + m.start() - (len(chunk) - len(chunk.rstrip()))
        else:  # inverted: ', said the mayor, "..."'
            after_cue = re.match(r"\s+" + _SPK + r"\s*(?:[,:]|$)", before[m.end():])
            if not after_cue:
                return None, cue_mention(doc, left + m.start(), left + m.end())
            s, e = left + m.end() + after_cue.start("spk"), left + m.end() + after_cue.end("spk")
        return _text_speaker(doc, s, e, crowd), cue_mention(doc, left + m.start(), left + m.end())
    after = doc.text[marks[1] + 1:right]
    pat = c.cue_re.pattern
    m = re.match(r"\s*,?\s*" + _SPK + r"\s+(?P<cue>" + pat + r")", after, re.I)
    if m is None:
        m = re.match(r"\s*,?\s*(?P<cue>" + pat + r")\s+" + _SPK + r"\s*(?:[,.;!?]|$)", after, re.I)
    if m is None:
        return None, None
    base = marks[1] + 1
    crowd = bool(c.crowd_re.fullmatch(m.group("cue")))
    spk = _text_speaker(doc, base + m.start("spk"), base + m.end("spk"), crowd)
    return spk, cue_mention(doc, base + m.start("cue"), base + m.end("cue"))


_NOT_SPEAKER_LEAD = ("CCONJ", "SCONJ", "ADP", "ADV", "PUNCT", "PART")
_NOT_SPEAKER_TAIL = _NOT_SPEAKER_LEAD + ("AUX", "VERB")


def _text_speaker(doc: Document, start: int, end: int, crowd: bool) -> Mention | None:
    """The words the text fallback took for a speaker, without a conjunction, adverb or verb at
    either edge ("and he", "To which she", "he has"); None when no noun or pronoun is left
    ("forcefully", "After"). Without tokens, the words as they are."""
    toks = doc.tokens_in(start, end)
    if not toks:
        return make_speaker(doc, start, end, None, crowd)
    lo, hi = 0, len(toks)
    while lo < hi and (toks[lo].pos in _NOT_SPEAKER_LEAD or toks[lo].text.lower() in _NOT_SOURCES and lo < hi - 1):
        lo += 1
    while hi > lo and toks[hi - 1].pos in _NOT_SPEAKER_TAIL:
        hi -= 1
    if not any(t.pos in ("NOUN", "PROPN", "PRON") for t in toks[lo:hi]):
        return None
    return make_speaker(doc, toks[lo].start, toks[hi - 1].end, None, crowd)


def _bounds(doc: Document, pos: int) -> tuple[int, int]:
    sent = doc.sentence_of(pos)
    if sent is not None:
        return sent.start, sent.end
    line_start = doc.text.rfind("\n", 0, pos) + 1
    line_end = doc.text.find("\n", pos)
    return line_start, len(doc.text) if line_end < 0 else line_end


def _direct_quotes(doc: Document, p: Parse | None, pairs: list[tuple[int, int]]) -> list[Quote]:
    quotes: list[Quote] = []
    prev_close = -1
    for k, (o, c) in enumerate(pairs):
        raw = doc.text[o + 1:c]
        s = o + 1 + (len(raw) - len(raw.lstrip()))
        e = c - (len(raw) - len(raw.rstrip().rstrip(",").rstrip()))
        if e <= s:
            continue
        speaker = cue = None
        if p is not None:
            speaker, cue = _tree_attribution(p, (s, e), (o, c))
        if speaker is None:
            left, right = _bounds(doc, o)
            left = max(left, prev_close + 1)
            nxt = pairs[k + 1][0] if k + 1 < len(pairs) else len(doc.text)
            close_end = _bounds(doc, c)[1]
            rest = doc.text[c + 1:]
            if not doc.text[c + 1:close_end].strip() and rest.strip() and "\n" not in rest[:len(rest) - len(rest.lstrip())]:
                # '“You winning?” she said': the parser ended the sentence at the mark
                close_end = _bounds(doc, c + 1 + len(rest) - len(rest.lstrip()))[1]
            right = min(max(right, close_end), nxt)
            t_speaker, t_cue = _text_attribution(doc, (o, c), left, right)
            if t_speaker is not None or cue is None:
                speaker, cue = t_speaker, t_cue or cue
        if speaker is None:
            speaker, cue = _dash_or_colon_line(doc, (o, c), speaker, cue)
        if speaker is None and quotes and quotes[-1].speaker and _continues(doc, prev_close, o):
            speaker, cue = quotes[-1].speaker, quotes[-1].cue
        if speaker is None:
            speaker, cue = _after_attribution(doc, o, prev_close, cue)
        quotes.append(Quote(s, e, doc.text[s:e], direct=True, speaker=speaker, cue=cue))
        prev_close = c
    return quotes


_DASH_SPEAKER = re.compile(r"[ \t\u00a0]*([\u2015\u2014\u2013])[ \t\u00a0]*([A-Z][\w.'\u2019-]*(?: [A-Z][\w.'\u2019-]*){0,3})")


def _dash_or_colon_line(doc: Document, marks: tuple[int, int], speaker, cue):
    """Two layouts the sentence cannot show: a quote signed with a dash after it ('"..." ― Jane
    Roe', as collected reactions are printed) and a quote that opens the paragraph after an
    attribution line ending in a colon ('The mayor said:' / '"...'). (speaker, cue) or what was
    given."""
    o, c = marks
    signed = _DASH_SPEAKER.match(doc.text, c + 1)
    if signed is not None:
        s, e = signed.span(2)
        return make_speaker(doc, s, e), cue_mention(doc, *signed.span(1))
    line_start = doc.text.rfind("\n", 0, o) + 1
    if doc.text[line_start:o].strip():
        return speaker, cue  # the quote does not open its paragraph
    prev_end = len(doc.text[:line_start].rstrip())
    if prev_end == 0 or doc.text[prev_end - 1] != ":":
        return speaker, cue
    prev_start = doc.text.rfind("\n", 0, prev_end) + 1
    t_speaker, t_cue = _text_attribution(doc, (o, c), prev_start, o)
    return (t_speaker, t_cue) if t_speaker is not None else (speaker, cue)


def _after_attribution(doc: Document, open_: int, prev_close: int, cue):
    """'Prices will rise, Roe said. "We are ready."': a quote right after a sentence that ends with
    its speaker and cue, in the same paragraph, is that speaker's. (speaker, cue) or (None, cue)."""
    before = doc.text[max(prev_close + 1, doc.text.rfind("\n", 0, open_) + 1):open_]
    pat = cues().cue_re.pattern
    m = (re.search(r",\s*" + _SPK + r"\s+(?P<cue>" + pat + r")\s*\.\s*$", before, re.IGNORECASE)
         or re.search(r",\s*(?P<cue>" + pat + r")\s+" + _SPK + r"\s*\.\s*$", before, re.IGNORECASE))
    if m is None:
        return None, cue
    base = open_ - len(before)
    speaker = _text_speaker(doc, base + m.start("spk"), base + m.end("spk"), False)
    if speaker is None:
        return None, cue
    return speaker, cue_mention(doc, base + m.start("cue"), base + m.end("cue"))


def _continues(doc: Document, prev_close: int, open_: int) -> bool:
    """'"We will," he said. "We hold."': a bare quote right after an attributed one, same paragraph."""
    gap = doc.text[prev_close + 1:open_]
    if "\n" in gap:
        # '"...," he said.' / '"And more."': a paragraph that is only a quote, right after a
        # paragraph that ends with an attributed one, goes on with the same speaker's words
        tail, _, between = gap.partition("\n")
        return not between.strip() and len(tail) < 200 and bool(cues().cue_re.search(tail))
    # the attribution between the parts may carry a long apposition ("said Jane Roe, an economist
    # at the institute, '...'")
    return len(gap) < 200 and bool(cues().cue_re.search(gap))


# --- indirect speech ---------------------------------------------------------------------------


def _overlaps(s: int, e: int, spans) -> bool:
    return any(s < b and a < e for a, b in spans)


# the small model's lemmas that miss their verb ("hoped" -> "hop"), mapped back when the word
# itself shows the verb meant
_LEMMA_FIXES = {"hop": "hope"}


def _lemma(t: Token) -> str:
    lemma = t.lemma.lower()
    fixed = _LEMMA_FIXES.get(lemma)
    return fixed if fixed and t.text.lower().startswith(fixed) else lemma


def _indirect_tree(p: Parse, marked: list[tuple[int, int]]) -> list[Quote]:
    """Attributed statements from the parse: the clausal complement of an attribution verb ("said
    that ...", "found that ...", "vowed to ...", "urged X to ..."), else the object of a verb that
    attributes by naming its object ("praised the deal", "described X as Y"), else, for a verb set
    in the middle of its clause ("Prices, officials said, will rise"), the clause around it. A
    clause that holds a quoted part is kept ("called the deal a 'breakthrough'"); one that lies
    inside quotation marks is left to the direct quote."""
    c = cues()
    out = []
    for t in p.tokens:
        lemma = _lemma(t)
        if t.pos != "VERB" or _inside(t.start, t.end, marked):
            continue
        if lemma not in c.clause_verbs and lemma not in c.object_verbs and lemma not in c.prep_verbs:
            continue
        span = _content(p, t, lemma in c.clause_verbs, lemma in c.object_verbs, c.prep_verbs.get(lemma, frozenset()))
        if span is None:
            continue
        s, e = span
        if _inside(s, e, marked):
            continue
        # "Prices, he said, will rise": the content spans the verb set inside it, whose subject
        # is then the speaker, not part of the words reported
        inset = t.dep == "parataxis" and s <= t.start and t.end <= e
        speaker, cue = _verb_speaker(p, t.i, None if inset else (s, e))
        relative = speaker is not None and speaker.text.lower() in _RELATIVE_PRONOUNS and speaker.name
        # "X was accused of Y": attributed to someone unnamed, kept without a speaker
        passive = speaker is None and any(p.tokens[k].dep == "auxpass" for k in p.children.get(t.i, ()))
        if not passive and lemma not in c.indirect and (
                speaker is None or speaker.text.lower() in _NOT_SOURCES and not relative):
            continue  # an attribution needs someone it is attributed to ("what appears to be": no one)
        out.append(Quote(s, e, p.doc.text[s:e], direct=False, speaker=speaker, cue=cue))
    return out


def _adjective_attributions(p: Parse, marked: list[tuple[int, int]]) -> list[Quote]:
    """"Critics are worried about the deal", "she was confident that it would pass": an attitude
    adjective after a copula; its subject is the source, its phrase or clause the content."""
    adjectives = cues().adjectives
    out = []
    for t in p.tokens:
        if t.pos != "ADJ" or t.dep != "acomp" or t.lemma.lower() not in adjectives and t.text.lower() not in adjectives:
            continue
        kids = [p.tokens[k] for k in p.children.get(t.i, ()) if k > t.i]
        comp = [k for k in kids if k.dep in ("ccomp", "xcomp")]
        prep = [k for k in kids if k.dep == "prep"]
        if comp:
            span = _span(p, p.subtree(comp[0].i))
        elif prep:
            span = _span(p, p.subtree(prep[0].i)[1:], least=1)
        else:
            continue
        if span is None or _inside(*span, marked):
            continue
        speaker, _ = _verb_speaker(p, t.head, span)
        if speaker is None or speaker.text.lower() in _NOT_SOURCES:
            continue
        # the cue runs from the copula and its auxiliaries to the preposition: "has been critical of"
        verb = [t.head] + [k for k in p.children.get(t.head, ()) if p.tokens[k].dep in ("aux", "neg")]
        start = p.tokens[min(verb)].start
        end = prep[0].end if prep and not comp else t.end
        out.append(Quote(span[0], span[1], p.doc.text[span[0]:span[1]], direct=False, speaker=speaker,
                         cue=cue_mention(p.doc, start, end)))
    return out


def _noun_attributions(p: Parse, marked: list[tuple[int, int]]) -> list[Quote]:
    """"Trump's claim that ...", "the warning by officials that ...", "questions about X": an
    attribution noun with a "that" clause (or an "about"/"of" phrase) and whose owner (a
    possessive, or "by X") is the source."""
    c = cues()
    out = []
    for t in p.tokens:
        if t.pos != "NOUN" or t.lemma.lower() not in c.nouns and t.text.lower() not in c.nouns:
            continue
        kids = [p.tokens[k] for k in p.children.get(t.i, ())]
        comp = [k for k in kids if k.dep in ("acl", "ccomp") and k.i > t.i and any(
            p.tokens[x].dep == "mark" and p.tokens[x].text.lower() == "that" for x in p.children.get(k.i, ()))]
        prep = [k for k in kids if k.dep == "prep" and k.text.lower() in ("about", "of", "over", "on") and k.i > t.i]
        owner = [k for k in kids if k.dep == "poss"] + [
            x for k in kids if k.dep == "prep" and k.text.lower() == "by" for x in [p.tokens[y] for y in p.children.get(k.i, ())]
            if x.dep == "pobj"]
        if comp:
            span = _span(p, p.subtree(comp[0].i))
        elif prep and owner:
            span = _span(p, p.subtree(prep[0].i)[1:])
        else:
            continue
        if span is None or _inside(*span, marked) or not owner:
            continue
        s, e = p.full_phrase(owner[0].i)
        if p.doc.text[s:e].lower() in _NOT_SOURCES:
            continue
        spk = make_speaker(p.doc, *p.phrase(owner[0].i), owner[0].text.lower())
        spk = replace(spk, start=s, end=e, text=p.doc.text[s:e])
        out.append(Quote(span[0], span[1], p.doc.text[span[0]:span[1]], direct=False, speaker=spk,
                         cue=cue_mention(p.doc, t.start, t.end)))
    return out


def _inside(s: int, e: int, spans) -> bool:
    """[s, e) lies within one of the spans."""
    return any(a <= s and e <= b for a, b in spans)


def _content(p: Parse, t: Token, clause: bool, obj: bool, preps: frozenset[str] = frozenset()) -> tuple[int, int] | None:
    kids = [p.tokens[k] for k in p.children.get(t.i, ())]
    after = [k for k in kids if k.i > t.i]
    if clause:
        comp = [k for k in after if k.dep == "ccomp"]
        if comp:
            return _span(p, p.subtree(comp[0].i))  # "that" included, as attributions are annotated
        # "The ad could start this week, said Brian Baker" / "..., the agency said in a report":
        # the reported clause comes first, a comma before the attribution
        before = [k for k in kids if k.i < t.i and k.dep == "ccomp"]
        if before:
            lo, hi = p.subtree(before[0].i)[0], p.subtree(before[0].i)[-1]
            gap = p.doc.text[p.tokens[hi].end : t.start]
            if hi + 1 < len(p.tokens) and p.tokens[hi + 1].text == "," and "\n" not in gap:
                return _span(p, list(range(lo, hi + 1)))
        inf = [k for k in after if k.dep == "xcomp" and any(p.tokens[x].dep == "aux" for x in p.children.get(k.i, ()))]
        if inf:
            dobj = [k for k in after if k.dep == "dobj" and k.i < inf[0].i]
            first = p.subtree(dobj[0].i)[0] if dobj else p.subtree(inf[0].i)[0]
            return _span(p, list(range(first, p.subtree(inf[0].i)[-1] + 1)))  # "urged X to ..."
    if obj:
        dobj = [k for k in after if k.dep in ("dobj", "attr")]
        if dobj:
            last = p.subtree(dobj[0].i)[-1]
            for k in after:  # "described X as Y", "blamed X on Y"
                if (k.dep == "prep" and k.text.lower() in ("as", "on", "for", "of") or k.dep == "oprd") and k.i > dobj[0].i:
                    last = max(last, p.subtree(k.i)[-1])  # and "called X a Y"
            # a single word is enough: "praised Roe", "defended it"
            return _span(p, list(range(p.subtree(dobj[0].i)[0], last + 1)), least=1)
    if preps:  # "complained about the microphone", "called for a ceasefire", "responded with attacks"
        prep = [k for k in after if k.dep in ("prep", "agent") and k.text.lower() in preps]
        if prep:
            return _span(p, p.subtree(prep[0].i)[1:] or p.subtree(prep[0].i))
    if clause and t.dep in ("ROOT", "conj", "advcl", "parataxis", "ccomp"):
        # "Prices will rise in spring, officials said.": the words before the comma ahead of the
        # speaker, when the verb closes its sentence
        sent = p.doc.sentence_of(t.start)
        subj = p.subject(t.i)
        if sent is not None and subj is not None:
            s0 = p.full_phrase(subj)[0]
            tail = p.doc.text[t.end : sent.end].strip()
            head = p.doc.text[sent.start : s0].rstrip()
            if len(tail) <= 25 and "," not in tail and head.endswith(",") and s0 < t.start and len(head) > 12:
                lo = sent.start + len(p.doc.text[sent.start : s0]) - len(p.doc.text[sent.start : s0].lstrip())
                lo = sent.start + (len(head) - len(head.lstrip()))
                return lo, sent.start + len(head) - 1
    if clause and t.dep in ("parataxis",) and p.tokens[t.head].pos in ("VERB", "AUX"):
        # "Prices will rise, officials said, by spring": the clause around the verb
        own = set(p.subtree(t.i))
        rest = [i for i in p.subtree(t.head) if i not in own]
        return _span(p, rest)
    return None


def _span(p: Parse, idx: list[int], least: int = 2) -> tuple[int, int] | None:
    idx = sorted(idx)
    while idx and p.tokens[idx[-1]].pos == "PUNCT" and p.tokens[idx[-1]].text not in "\"”’»":
        idx.pop()
    while idx and p.tokens[idx[0]].pos == "PUNCT" and p.tokens[idx[0]].text not in "\"“‘«":
        idx.pop(0)
    if len(idx) < least:
        return None
    return p.tokens[idx[0]].start, p.tokens[idx[-1]].end


def _trim(doc: Document, s: int, e: int) -> tuple[int, int]:
    while s < e and not doc.text[s].isalnum():
        s += 1
    while e > s and not doc.text[e - 1].isalnum() and doc.text[e - 1] not in ")%’'":
        e -= 1
    return s, e


def _indirect_text(doc: Document, marked: list[tuple[int, int]], with_verbs: bool) -> list[Quote]:
    out = []
    for sent in doc.sentences:
        m = re.search(r"\baccording to\s+(?P<spk>[^,.;!?\n]+)", sent.text, re.I)
        if m:
            spk = _trim(doc, sent.start + m.start("spk"), sent.start + m.end("spk"))
            s, e = _trim(doc, sent.start, sent.start + m.start())
            if e - s < 3:
                s, e = _trim(doc, sent.start + m.end(), sent.end)
            cue = cue_mention(doc, sent.start + m.start(), sent.start + m.start() + len("according to"))
        elif with_verbs:
            m = re.match(r"\s*" + _SPK + r"\s+(?P<cue>" + cues().indirect_re.pattern + r")\s+(?:that\s+)?",
                         sent.text, re.I)
            if not m:
                continue
            spk = (sent.start + m.start("spk"), sent.start + m.end("spk"))
            s, e = _trim(doc, sent.start + m.end(), sent.end)
            cue = cue_mention(doc, sent.start + m.start("cue"), sent.start + m.end("cue"))
        else:
            continue
        if e - s < 3 or _overlaps(s, e, marked):
            continue
        out.append(Quote(s, e, doc.text[s:e], direct=False, speaker=make_speaker(doc, *spk), cue=cue))
    return out


def _outermost(indirect: list[Quote]) -> list[Quote]:
    """"She said he plans to resign": "plans to resign" is part of what she said, not a second
    statement, so an attribution whose cue lies inside another's reported words is dropped."""
    spans = [(q.start, q.end) for q in indirect]
    return [q for q in indirect if q.cue is None or q.cue.start is None
            or not any(a <= q.cue.start < b and (a, b) != (q.start, q.end) for a, b in spans)]


_NEXT_LINE = re.compile(r"\n\s*([^\n]+)")


def _colon_paragraphs(p: Parse) -> list[Quote]:
    """'The governor added:' / 'It is typical of her ...': a paragraph after an attribution line
    that ends in a colon is what was said, marks or not (a quoted one is the direct quote's)."""
    out = []
    text = p.doc.text
    for line in re.finditer(r"[^\n]+", text):
        if not line.group().rstrip().endswith(":"):
            continue
        nxt = _NEXT_LINE.match(text, line.end())
        if nxt is None or nxt.group(1)[:1] in _MARKS:
            continue
        verbs = [t for t in p.doc.tokens_in(line.start(), line.end()) if _is_cue(t)]
        if not verbs:
            continue
        speaker, cue = _verb_speaker(p, verbs[-1].i)
        if speaker is None:
            continue
        s, e = _trim(p.doc, nxt.start(1), nxt.end(1))
        out.append(Quote(s, e, text[s:e], direct=False, speaker=speaker, cue=cue))
    return out


def _according(q: Quote) -> bool:
    return q.cue is not None and q.cue.text.lower().startswith("according")


def find_quotes(doc: Document, ctx) -> Document:
    if not doc.text:
        return doc
    pairs, notes, orphans = pair_marks(doc.text)
    p = Parse(doc) if doc.tokens else None
    quotes = _direct_quotes(doc, p, pairs)
    marked = [(o, c + 1) for o, c in pairs] + [(o, max(o + 1, _bounds(doc, o)[1])) for o in orphans]
    indirect = _indirect_tree(p, marked) if p else []
    if p is not None:
        indirect += [q for q in _noun_attributions(p, marked) if not _overlaps(q.start, q.end, [(i.start, i.end) for i in indirect])]
        indirect += [q for q in _adjective_attributions(p, marked)
                     if not _overlaps(q.start, q.end, [(i.start, i.end) for i in indirect])]
    # "according to X" frames the whole clause, whatever verb inside it has its own attribution
    indirect += [q for q in _indirect_text(doc, marked, p is None)
                 if not any(_overlaps(q.start, q.end, [(i.start, i.end)]) and not _according(q) for i in indirect)
                 and not any((i.start, i.end) == (q.start, q.end) for i in indirect)]
    colon = _headline_colon(doc)
    if p is not None:
        taken = [(q.start, q.end) for q in quotes + indirect] + marked
        indirect += [q for q in _colon_paragraphs(p) if not _overlaps(q.start, q.end, taken)]
    # a transcript quoted over several paragraphs ('"ROE: ...' / '"DOE: ...'): each turn is its own
    # statement, by its own speaker, rather than one quote of the whole exchange
    quotes = [q for q in quotes if "\n" not in q.text
              or sum(q.start <= c.start and c.end <= q.end for c in colon) < 2]
    # a "Name: words" line may hold quotes of its own ("Roe: Dam 'will hold'"): those nest in it
    taken = [(i.start, i.end) for i in indirect] + [(q.start, q.end) for q in quotes]
    indirect += [q for q in colon
                 if not any(_overlaps(q.start, q.end, [t]) and not (q.start <= t[0] and t[1] <= q.end) for t in taken)]
    # a few words in marks with no speaker and no cue are a title or a scare quote, not speech
    quotes = [q for q in quotes if q.speaker or q.cue or len(q.text.split()) >= _MIN_UNATTRIBUTED_WORDS]
    indirect = _outermost(indirect)
    quotes = sorted(quotes + indirect, key=lambda q: (q.start, q.end))
    return replace(doc, quotes=tuple(quotes), notes=doc.notes + tuple(notes))


_MIN_UNATTRIBUTED_WORDS = 6


def _surname(doc: Document, start: int, end: int) -> bool:
    """One capitalised word ("Pence:", "Sanders:", "Poll:"), which the model often tags ORG or
    even a common noun; not a label such as "Update:"."""
    words = doc.tokens_in(start, end)
    return (len(words) == 1 and words[0].pos in ("PROPN", "NOUN") and words[0].text[:1].isupper()
            and words[0].text.upper() not in cues().not_speakers)


def _headline_colon(doc: Document) -> list[Quote]:
    """A line opening with a person's name (or a name in capitals, as transcripts write them) and
    a colon ("Jane Roe: The dam will hold", "ROE: We hold") is that person's words."""
    out = []
    for line in re.finditer(r"[^\n]+", doc.text):
        # a transcript line may open with the quotation mark that reopens a quoted paragraph
        m = re.match(r"\s*[\"“”']?([^:\n\"“”]{3,40}):\s+(\S.{8,})$", line.group())
        if not m:
            continue
        s_spk, e_spk = line.start() + m.start(1), line.start() + m.end(1)
        name = m.group(1)
        ent = entity_at(doc, s_spk, e_spk, ("PERSON", "ORG"))
        whole = ent is not None and (ent.start, ent.end) == (s_spk, e_spk)
        capitals = re.fullmatch(r"[A-Z][A-Z.'\-]+(?: [A-Z][A-Z.'\-]+){0,2}", name) and name not in cues().not_speakers
        person = whole and ent.label == "PERSON"
        place = entity_at(doc, s_spk, e_spk, ("GPE", "LOC", "NORP", "FAC"))
        surname = (ent is None or whole) and place is None and _surname(doc, s_spk, e_spk)
        if not (capitals or person or surname):
            continue  # a transcript's "PENCE:" or a person's name, not "Update:" or "Ukraine:"
        s, e = line.start() + m.start(2), line.start() + m.end(2)
        speaker = make_speaker(doc, s_spk, e_spk)
        out.append(Quote(s, e, doc.text[s:e], direct=False, speaker=speaker,
                         cue=Mention(e_spk, e_spk + 1, ":", name=None, kind="cue")))
    return out
