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
verb's subject); without a parse, or when the parse finds nothing, from the text around the marks
(`_speakers.py`). Indirect speech ("X said (that) CLAUSE", "according to X, CLAUSE") becomes
Quote(direct=False) whose span is the reported clause (`_indirect.py`); clauses holding quotation
marks are left to the direct quote. Spans follow PolNeAR's conventions, measured with
`sitreps eval quotes`.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..records import Document, Mention, Note, Quote
from ._indirect import (
    according,
    adjective_attributions,
    colon_paragraphs,
    indirect_text,
    indirect_tree,
    noun_attributions,
    outermost,
    overlaps,
)
from ._speakers import (
    MARKS,
    SPK,
    Parse,
    cue_mention,
    cues,
    entity_at,
    is_cue,
    make_speaker,
    text_speaker,
    verb_speaker,
)

_PAIRS = {"“": ("double", "open"), "”": ("double", "close"), "«": ("guillemet", "open"),
          "»": ("guillemet", "close"), "‘": ("single", "open")}
_OPENING_CONTEXT = " \t([{—–-/"
_CLOSING_CONTEXT = " \t.,;:!?)]}—–-/"
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
        for m in re.finditer(f"[{MARKS}]", para.group()):
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
                opens = (before in _OPENING_CONTEXT or before in MARKS) and not after.isspace()
                closes = (after in _CLOSING_CONTEXT or after in MARKS or after == "\n") and not before.isspace()
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
            if is_cue(at):
                return verb_speaker(p, a, marks)
    return None, None




def _text_attribution(doc: Document, marks: tuple[int, int], left: int, right: int):
    """Speaker and cue from the words before the opening mark, else after the closing mark."""
    c = cues()
    before = doc.text[left:marks[0]]
    found = [m for m in c.cue_re.finditer(before) if _verb_at(doc, left + m.start(), left + m.end())]
    if found:
        m = found[-1]
        chunk = re.split(r"[,;:]|\bthat\b", before[: m.start()])[-1]
        crowd = bool(c.crowd_re.fullmatch(m.group()))
        if chunk.strip():
            s = left + m.start() - len(chunk) + (len(chunk) - len(chunk.lstrip()))
            e = left + m.start() - (len(chunk) - len(chunk.rstrip()))
        else:  # inverted: ', said the mayor, "..."'
            after_cue = re.match(r"\s+" + SPK + r"\s*(?:[,:]|$)", before[m.end():])
            if not after_cue:
                return None, cue_mention(doc, left + m.start(), left + m.end())
            s, e = left + m.end() + after_cue.start("spk"), left + m.end() + after_cue.end("spk")
        return text_speaker(doc, s, e, crowd), cue_mention(doc, left + m.start(), left + m.end())
    after = doc.text[marks[1] + 1:right]
    pat = c.cue_re.pattern
    m = re.match(r"\s*,?\s*" + SPK + r"\s+(?P<cue>" + pat + r")", after, re.IGNORECASE)
    if m is None:
        m = re.match(r"\s*,?\s*(?P<cue>" + pat + r")\s+" + SPK + r"\s*(?:[,.;!?]|$)", after, re.IGNORECASE)
    if m is None:
        return None, None
    base = marks[1] + 1
    crowd = bool(c.crowd_re.fullmatch(m.group("cue")))
    spk = text_speaker(doc, base + m.start("spk"), base + m.end("spk"), crowd)
    return spk, cue_mention(doc, base + m.start("cue"), base + m.end("cue"))


def _verb_at(doc: Document, start: int, end: int) -> bool:
    """The cue word found in the text is a verb ("claims" in "she claims", not in "32% of claims"),
    or there are no tokens to tell."""
    toks = doc.tokens_in(start, end)
    return not toks or toks[0].pos not in ("NOUN", "PROPN", "ADJ", "NUM")


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
    m = (re.search(r",\s*" + SPK + r"\s+(?P<cue>" + pat + r")\s*\.\s*$", before, re.IGNORECASE)
         or re.search(r",\s*(?P<cue>" + pat + r")\s+" + SPK + r"\s*\.\s*$", before, re.IGNORECASE))
    if m is None:
        return None, cue
    base = open_ - len(before)
    speaker = text_speaker(doc, base + m.start("spk"), base + m.end("spk"), False)
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



def find_quotes(doc: Document, ctx) -> Document:
    if not doc.text:
        return doc
    pairs, notes, orphans = pair_marks(doc.text)
    p = Parse(doc) if doc.tokens else None
    quotes = _direct_quotes(doc, p, pairs)
    marked = [(o, c + 1) for o, c in pairs] + [(o, max(o + 1, _bounds(doc, o)[1])) for o in orphans]
    indirect = indirect_tree(p, marked) if p else []
    if p is not None:
        indirect += [q for q in noun_attributions(p, marked) if not overlaps(q.start, q.end, [(i.start, i.end) for i in indirect])]
        indirect += [q for q in adjective_attributions(p, marked)
                     if not overlaps(q.start, q.end, [(i.start, i.end) for i in indirect])]
    # "according to X" frames the whole clause, whatever verb inside it has its own attribution
    indirect += [q for q in indirect_text(doc, marked, p is None)
                 if not any(overlaps(q.start, q.end, [(i.start, i.end)]) and not according(q) for i in indirect)
                 and not any((i.start, i.end) == (q.start, q.end) for i in indirect)]
    colon = _headline_colon(doc)
    if p is not None:
        taken = [(q.start, q.end) for q in quotes + indirect] + marked
        indirect += [q for q in colon_paragraphs(p) if not overlaps(q.start, q.end, taken)]
    # a transcript quoted over several paragraphs ('"ROE: ...' / '"DOE: ...'): each turn is its own
    # statement, by its own speaker, rather than one quote of the whole exchange
    quotes = [q for q in quotes if "\n" not in q.text
              or sum(q.start <= c.start and c.end <= q.end for c in colon) < 2]
    # a "Name: words" line may hold quotes of its own ("Roe: Dam 'will hold'"): those nest in it
    taken = [(i.start, i.end) for i in indirect] + [(q.start, q.end) for q in quotes]
    indirect += [q for q in colon
                 if not any(overlaps(q.start, q.end, [t]) and not (q.start <= t[0] and t[1] <= q.end) for t in taken)]
    # a few words in marks with no speaker and no cue are a title or a scare quote, not speech
    quotes = [q for q in quotes if q.speaker or q.cue or len(q.text.split()) >= _MIN_UNATTRIBUTED_WORDS]
    indirect = outermost(indirect)
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
