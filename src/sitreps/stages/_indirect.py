"""Indirect speech: "X said (that) CLAUSE", "X urged Y to ...", "according to X, CLAUSE", "X's
claim that ...", "critics are worried about X", and the paragraph after "X added:". Each becomes
Quote(direct=False) whose span is the reported words; clauses holding quotation marks are left
to the direct quote, and an attribution whose cue lies inside another's reported words ("she
said he plans to resign") is part of those words, not a statement of its own.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..records import Document, Quote, Token
from ._speakers import (
    MARKS,
    NOT_SOURCES,
    RELATIVE_PRONOUNS,
    SPK,
    Parse,
    cue_mention,
    cues,
    entity_at,
    is_cue,
    make_speaker,
    verb_speaker,
)


def overlaps(s: int, e: int, spans) -> bool:
    return any(s < b and a < e for a, b in spans)


# the small model's lemmas that miss their verb ("hoped" -> "hop"), mapped back when the word
# itself shows the verb meant
_LEMMA_FIXES = {"hop": "hope"}


def _lemma(t: Token) -> str:
    lemma = t.lemma.lower()
    fixed = _LEMMA_FIXES.get(lemma)
    return fixed if fixed and t.text.lower().startswith(fixed) else lemma


# A "sentence" this long is no prose (a table, a list run together, garbage): its parse is a
# chain, and looking for reported content under each verb of it would take time quadratic in it.
MAX_SENTENCE_TOKENS = 400


def _in_runaway_sentences(p: Parse) -> set[int]:
    out: set[int] = set()
    tokens, k = p.tokens, 0
    for sent in p.doc.sentences:
        first = k
        while k < len(tokens) and tokens[k].start < sent.end:
            k += 1
        if k - first > MAX_SENTENCE_TOKENS:
            out.update(range(first, k))
    return out


def indirect_tree(p: Parse, marked: list[tuple[int, int]]) -> list[Quote]:
    """Attributed statements from the parse: the clausal complement of an attribution verb ("said
    that ...", "found that ...", "vowed to ...", "urged X to ..."), else the object of a verb that
    attributes by naming its object ("praised the deal", "described X as Y"), else, for a verb set
    in the middle of its clause ("Prices, officials said, will rise"), the clause around it. A
    clause that holds a quoted part is kept ("called the deal a 'breakthrough'"); one that lies
    inside quotation marks is left to the direct quote."""
    c = cues()
    out, asides = [], []
    runaway = _in_runaway_sentences(p)
    for t in p.tokens:
        lemma = _lemma(t)
        if t.pos != "VERB" or _inside(t.start, t.end, marked) or t.i in runaway:
            continue
        clause = lemma in c.clause_verbs or _person_clause(p, t)
        if not clause and lemma not in c.object_verbs and lemma not in c.prep_verbs:
            continue
        span = _content(p, t, clause, lemma in c.object_verbs, c.prep_verbs.get(lemma, frozenset()))
        if span is None:
            continue
        s, e = _without_relative(p, *span)
        asides.append((e, span[1]))
        if _inside(s, e, marked):
            continue
        # "Prices, he said, will rise": the content spans the verb set inside it, whose subject
        # is then the speaker, not part of the words reported
        inset = t.dep == "parataxis" and s <= t.start and t.end <= e
        speaker, cue = verb_speaker(p, t.i, None if inset else (s, e))
        relative = speaker is not None and speaker.text.lower() in RELATIVE_PRONOUNS and speaker.name
        # "X was accused of Y": attributed to someone unnamed, kept without a speaker
        passive = speaker is None and any(p.tokens[k].dep == "auxpass" for k in p.children.get(t.i, ()))
        if not passive and lemma not in c.indirect and (
                speaker is None or speaker.text.lower() in NOT_SOURCES and not relative):
            continue  # an attribution needs someone it is attributed to ("what appears to be": no one)
        pieces = _around(p, t.i, s, e) if inset else [(s, e)]
        out += [Quote(a, b, p.doc.text[a:b], direct=False, speaker=speaker, cue=cue) for a, b in pieces]
    # an attribution inside such an aside ("..., which critics say is unfair") is the writer's too
    return [q for q in out if q.cue is None or not any(a <= q.cue.start < b for a, b in asides)]


def _around(p: Parse, verb: int, s: int, e: int) -> list[tuple[int, int]]:
    """"Prices, officials said, will rise": the words on either side of the inset attribution,
    one piece each (like a direct quote split by its attribution, and as PolNeAR splits the
    content there), or the whole span when a side is empty."""
    own = p.subtree(verb)
    idx = [k for k in range(len(p.tokens)) if s <= p.tokens[k].start and p.tokens[k].end <= e]
    pieces = [_span(p, [k for k in idx if k < own[0]], least=1), _span(p, [k for k in idx if k > own[-1]], least=1)]
    return [x for x in pieces if x is not None] if all(pieces) else [(s, e)]


def _without_relative(p: Parse, s: int, e: int) -> tuple[int, int]:
    """"She questioned the plan, which the court has put on hold": a relative clause set off by a
    comma at the end of the reported words is the writer's aside, not part of them."""
    for t in p.doc.tokens_in(s, e):
        if t.dep != "relcl":
            continue
        sub = p.subtree(t.i)
        first, comma = p.tokens[sub[0]], sub[0] - 1
        if (first.text.lower() in ("which", "who") and comma >= 0 and p.tokens[comma].text == ","
                and p.tokens[comma].start > s and p.tokens[sub[-1]].end >= e):
            return s, p.tokens[comma].start
    return s, e


def _person_clause(p: Parse, t: Token) -> bool:
    """"Roe made clear that ...", "Roe figures the deal will pass": any verb whose subject is a
    person's name and that takes a clause after it states that person's view (in PolNeAR's train
    part, over half of such verbs outside the lexicon were cues)."""
    kids = [p.tokens[k] for k in p.children.get(t.i, ())]
    subj = next((k for k in kids if k.dep == "nsubj"), None)
    if subj is None or not any(k.dep == "ccomp" and k.i > t.i for k in kids):
        return False
    return entity_at(p.doc, subj.start, subj.end, ("PERSON",)) is not None


def adjective_attributions(p: Parse, marked: list[tuple[int, int]]) -> list[Quote]:
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
        speaker, _ = verb_speaker(p, t.head, span)
        if speaker is None or speaker.text.lower() in NOT_SOURCES:
            continue
        # the cue runs from the copula and its auxiliaries to the preposition: "has been critical of"
        verb = [t.head] + [k for k in p.children.get(t.head, ()) if p.tokens[k].dep in ("aux", "neg")]
        start = p.tokens[min(verb)].start
        end = prep[0].end if prep and not comp else t.end
        out.append(Quote(span[0], span[1], p.doc.text[span[0]:span[1]], direct=False, speaker=speaker,
                         cue=cue_mention(p.doc, start, end)))
    return out


def noun_attributions(p: Parse, marked: list[tuple[int, int]]) -> list[Quote]:
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
        if p.doc.text[s:e].lower() in NOT_SOURCES:
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


def indirect_text(doc: Document, marked: list[tuple[int, int]], with_verbs: bool) -> list[Quote]:
    out = []
    for sent in doc.sentences:
        m = re.search(r"\baccording to\s+(?P<spk>[^,.;!?\n]+)", sent.text, re.IGNORECASE)
        if m:
            spk = _trim(doc, sent.start + m.start("spk"), sent.start + m.end("spk"))
            s, e = _trim(doc, sent.start, sent.start + m.start())
            if e - s < 3:
                s, e = _trim(doc, sent.start + m.end(), sent.end)
            cue = cue_mention(doc, sent.start + m.start(), sent.start + m.start() + len("according to"))
        elif with_verbs:
            m = re.match(r"\s*" + SPK + r"\s+(?P<cue>" + cues().indirect_re.pattern + r")\s+(?:that\s+)?",
                         sent.text, re.IGNORECASE)
            if not m:
                continue
            spk = (sent.start + m.start("spk"), sent.start + m.end("spk"))
            s, e = _trim(doc, sent.start + m.end(), sent.end)
            cue = cue_mention(doc, sent.start + m.start("cue"), sent.start + m.end("cue"))
        else:
            continue
        if e - s < 3 or overlaps(s, e, marked):
            continue
        out.append(Quote(s, e, doc.text[s:e], direct=False, speaker=make_speaker(doc, *spk), cue=cue))
    return out


def outermost(indirect: list[Quote]) -> list[Quote]:
    """"She said he plans to resign": "plans to resign" is part of what she said, not a second
    statement, so an attribution whose cue lies inside another's reported words is dropped."""
    spans = [(q.start, q.end) for q in indirect]
    return [q for q in indirect if q.cue is None or q.cue.start is None
            or not any(a <= q.cue.start < b and (a, b) != (q.start, q.end) for a, b in spans)]


_NEXT_LINE = re.compile(r"\n\s*([^\n]+)")


def colon_paragraphs(p: Parse) -> list[Quote]:
    """'The governor added:' / 'It is typical of her ...': a paragraph after an attribution line
    that ends in a colon is what was said, marks or not (a quoted one is the direct quote's)."""
    out = []
    text = p.doc.text
    for line in re.finditer(r"[^\n]+", text):
        if not line.group().rstrip().endswith(":"):
            continue
        nxt = _NEXT_LINE.match(text, line.end())
        if nxt is None or nxt.group(1)[:1] in MARKS:
            continue
        verbs = [t for t in p.doc.tokens_in(line.start(), line.end()) if is_cue(t)]
        if not verbs:
            continue
        speaker, cue = verb_speaker(p, verbs[-1].i)
        if speaker is None:
            continue
        s, e = _trim(p.doc, nxt.start(1), nxt.end(1))
        out.append(Quote(s, e, text[s:e], direct=False, speaker=speaker, cue=cue))
    return out


def according(q: Quote) -> bool:
    return q.cue is not None and q.cue.text.lower().startswith("according")
