"""`sitreps eval certainty`: how sure the text is that an event happened, against MEANTIME.

MEANTIME (English Wikinews, CC BY 2.5; not shipped with sitreps) marks event mentions in the
title and first sentences of each article with a *certainty* (CERTAIN, PROBABLE, POSSIBLE,
UNDERSPECIFIED), a *polarity* (POS, NEG, UNDERSPECIFIED) and a time (FUTURE, NON_FUTURE). Its
CoNLL files (`read_conll`) hold one token a line: number, word, then the event, certainty,
polarity and time columns as `B-<value>-<id>` / `I-<value>-<id>` / `_`, a blank line between
sentences. Each file is rebuilt into one text (`rebuild`: the tokens re-joined the way they were
written, a full stop after the title and the date line), the whole pipeline runs on it, and
every gold event mention is judged by `stages.modality.event_certainty` at its character offsets
(its first to last token). The cleaner changes none of these texts; were it to cut something,
offsets are aligned to the cleaned text and a mention it cut counts as CERTAIN and POS.

Measured, over the mentions whose gold value is set:
- **certainty**: precision, recall and F1 for CERTAIN, PROBABLE and POSSIBLE, their macro
  average, and *non-certain* F1: PROBABLE or POSSIBLE as one positive class against CERTAIN (the
  question a reader of a news digest asks: did it happen?). Mentions whose gold certainty is
  UNDERSPECIFIED (or missing) are left out of every certainty line and counted in the notes.
- **polarity**: F1 for NEG and for POS and their macro average; mentions with UNDERSPECIFIED
  polarity are left out.
- **baseline**: non-certain iff the mention's sentence holds a word of `HEDGE_WORDS` (a plain
  hedge-word list, the approach the system is meant to beat), and NEG iff it holds a negation
  word; no model involved.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import InputError

CERTAINTY_CLASSES = ("CERTAIN", "PROBABLE", "POSSIBLE")
NON_CERTAIN = frozenset({"PROBABLE", "POSSIBLE"})
POLARITY_CLASSES = ("POS", "NEG")
NON_CERTAIN_TARGET = 0.60  # the target for non-certain F1
NON_CERTAIN_LINE = "non-certain (PROBABLE or POSSIBLE)"

# The baseline's list: the words a reader would first put in a hedge detector. Fixed here (not
# in a lexicon) so the baseline stays the same whatever the system's lexicons become.
HEDGE_WORDS = frozenset(
    ["may", "might", "could", "possibly", "possible", "perhaps", "maybe", "probably", "likely", "unlikely", "reportedly", "allegedly", "apparently", "seems", "seem", "seemed", "appears", "appear", "appeared", "suggest", "suggests", "suggested", "believe", "believes", "believed", "expect", "expects", "expected"]
)
NEGATION_WORDS = frozenset(["not", "n't", "never", "no", "none", "nobody", "nothing", "neither", "nor", "without"])


# ---------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class GoldEvent:
    """One event mention: character offsets into the rebuilt text, and its gold values
    ("" when the file leaves a column empty)."""

    id: str  # the mention's number in its file
    start: int
    end: int
    text: str
    certainty: str
    polarity: str
    time: str
    sentence: int  # index into ConllDoc.sentences


@dataclass(frozen=True, slots=True)
class ConllDoc:
    id: str
    text: str
    sentences: tuple[tuple[int, int], ...]  # character offsets of each sentence
    events: tuple[GoldEvent, ...]


_TAG = re.compile(r"([BI])-(.+)-(\d+)")
# re-joining tokens: no space before these, none after the opening ones
_NO_SPACE_BEFORE = frozenset(
    [",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "''"]
    + ["'s", "'S", "n't", "N'T", "'re", "'ve", "'ll", "'d", "'m"]
)
_NO_SPACE_AFTER = frozenset({"(", "[", "{", "$", "``"})
_QUOTES = {"``": '"', "''": '"'}
# Sentences are joined by a space: with a blank line between them the small English model runs
# 92 of MEANTIME's 1,263 sentences into their neighbours (mostly after a closing quotation
# mark), with a space 6.
_SEP = " "
_STOPS = frozenset({".", "!", "?", "''", '"', "'", ")", ":", ";"})


def rebuild(sentences: Sequence[Sequence[str]]) -> tuple[str, list[list[tuple[int, int]]]]:
    """The text of tokenised sentences, and every token's character offsets in it. Tokens are
    re-joined as written ("did n't" -> "didn't", "( ECB )" -> "(ECB)", `` '' -> straight
    quotes) so that the parser sees ordinary prose, sentences one after the other (`_SEP`); a
    closing quotation mark that MEANTIME puts at the start of the next sentence stays with its
    own. A sentence that does not end in a stop (the title, the date line) gets a full stop, or
    the parser runs it into the next sentence, and the title's events with it."""
    parts: list[str] = []
    offsets: list[list[tuple[int, int]]] = []
    pos = 0
    prev: str | None = None

    def emit(piece: str) -> tuple[int, int]:
        nonlocal pos
        parts.append(piece)
        pos += len(piece)
        return pos - len(piece), pos

    for k, words in enumerate(sentences):
        spans = []
        for j, w in enumerate(words):
            closing = j == 0 and w == "''"
            if k and (j == 0 and not closing or j == 1 and words[0] == "''"):
                emit(_SEP)
                prev = None
            if prev is not None and w not in _NO_SPACE_BEFORE and prev not in _NO_SPACE_AFTER:
                emit(" ")
            spans.append(emit(_QUOTES.get(w, w)))
            prev = w
        if k + 1 == len(sentences) or (sentences[k + 1][:1] != ["''"]):
            if prev is not None and prev not in _STOPS:
                emit(".")
        offsets.append(spans)
    return "".join(parts), offsets


def _tag(cell: str) -> tuple[str, str, str] | None:
    """`B-CERTAIN-8` -> ("B", "CERTAIN", "8"); `_` -> None."""
    m = _TAG.fullmatch(cell.strip())
    return m.groups() if m else None


def read_conll(path: str | Path) -> ConllDoc:
    """One MEANTIME CoNLL file (see the module docstring)."""
    path = Path(path)
    rows: list[list[list[str]]] = [[]]
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line.strip():
                if rows[-1]:
                    rows.append([])
                continue
            cells = line.split("\t")
            if len(cells) < 6:
                raise InputError(f"{path}:{n}: not a MEANTIME CoNLL line (6 tab-separated columns): {line!r}")
            rows[-1].append(cells)
    rows = [r for r in rows if r]
    text, offsets = rebuild([[c[1] for c in sent] for sent in rows])
    # a sentence starts at its first token, or its second when the first is a moved quote
    sentences = tuple(
        (spans[1 if sent[0][1] == "''" and len(spans) > 1 else 0][0], spans[-1][1])
        for sent, spans in zip(rows, offsets)
    )
    events: list[GoldEvent] = []
    where: dict[str, int] = {}  # mention number -> its index in `events`
    for k, sent in enumerate(rows):
        for cells, (s, e) in zip(sent, offsets[k]):
            tag = _tag(cells[2])
            if tag is None:
                continue
            bio, _, number = tag
            if bio == "I" and number in where:  # a further token of a multi-word mention
                i = where[number]
                events[i] = replace(events[i], end=e, text=text[events[i].start : e])
                continue
            certainty, polarity, time = (v[1] if v else "" for v in map(_tag, cells[3:6]))
            where[number] = len(events)
            events.append(GoldEvent(number, s, e, text[s:e], certainty, polarity, time, k))
    return ConllDoc(path.name.removesuffix(".conll").removesuffix(".xml"), text, sentences, tuple(events))


def conll_paths(paths: Iterable[str | Path]) -> list[Path]:
    """The files given, directories replaced by their `*.conll` files in sorted order."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(p.glob("*.conll"))
            if not found:
                raise InputError(f"{p}: no .conll files in this directory")
            out += found
        elif p.is_file():
            out.append(p)
        else:
            raise InputError(f"no such file or directory: {p}")
    return out


def load_conll(paths: Iterable[str | Path], limit: int | None = None) -> list[ConllDoc]:
    """The documents of the files (and directories) given; the first `limit` when given."""
    files = conll_paths(paths)
    return [read_conll(f) for f in (files[:limit] if limit is not None else files)]


# ---------------------------------------------------------------------------- scoring


@dataclass(frozen=True, slots=True)
class Judged:
    """One gold mention with what the system and the baseline made of it."""

    doc: str
    event: GoldEvent
    sentence: str
    certainty: str  # the system's
    polarity: str
    baseline_certainty: str
    baseline_polarity: str
    placed: bool = True  # False: the cleaner cut the mention's text, nothing judged it


def hedge_baseline(sentence: str) -> tuple[str, str]:
    """POSSIBLE when the sentence holds a hedge word, else CERTAIN; NEG when it holds a negation
    word, else POS."""
    words = {w.lower() for w in re.findall(r"[A-Za-z']+", sentence)}
    words |= {"n't" for w in words if w.endswith("n't")}
    return ("POSSIBLE" if words & HEDGE_WORDS else "CERTAIN", "NEG" if words & NEGATION_WORDS else "POS")


def prf(gold: Sequence[bool], predicted: Sequence[bool]) -> dict:
    """Precision, recall and F1 of a positive class (0 when undefined), with the counts."""
    tp = sum(g and p for g, p in zip(gold, predicted))
    n_gold, n_pred = sum(gold), sum(predicted)
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"gold": n_gold, "predicted": n_pred, "correct": tp,
            "P": round(p, 3), "R": round(r, 3), "F1": round(f, 3)}


def class_scores(pairs: Sequence[tuple[str, str]], classes: Sequence[str]) -> dict[str, dict]:
    """A line per class of (gold, predicted) pairs, and their macro average ("macro": the mean
    of the classes' P, R and F1; its counts are all pairs and the pairs that agree)."""
    lines = {c: prf([g == c for g, _ in pairs], [p == c for _, p in pairs]) for c in classes}
    macro: dict = {"gold": len(pairs), "predicted": len(pairs), "correct": sum(g == p for g, p in pairs)}
    for m in ("P", "R", "F1"):
        macro[m] = round(sum(lines[c][m] for c in classes) / len(classes), 3)
    return {**lines, "macro": macro}


def scores(judged: Iterable[Judged]) -> dict[str, dict]:
    """The table: certainty per class, macro, non-certain (system and baseline); polarity per
    class, macro (system and baseline)."""
    judged = list(judged)
    cert = [j for j in judged if j.event.certainty in CERTAINTY_CLASSES]
    pol = [j for j in judged if j.event.polarity in POLARITY_CLASSES]
    by_class = class_scores([(j.event.certainty, j.certainty) for j in cert], CERTAINTY_CLASSES)
    by_polarity = class_scores([(j.event.polarity, j.polarity) for j in pol], POLARITY_CLASSES)
    base_polarity = class_scores([(j.event.polarity, j.baseline_polarity) for j in pol], POLARITY_CLASSES)
    gold_nc = [j.event.certainty in NON_CERTAIN for j in cert]
    table = {f"certainty {c}": by_class[c] for c in CERTAINTY_CLASSES}
    table["certainty, macro over the 3 classes"] = by_class["macro"]
    table[NON_CERTAIN_LINE] = prf(gold_nc, [j.certainty in NON_CERTAIN for j in cert])
    baseline_nc = [j.baseline_certainty in NON_CERTAIN for j in cert]
    table["non-certain, hedge-word baseline"] = prf(gold_nc, baseline_nc)
    table["polarity NEG"] = by_polarity["NEG"]
    table["polarity POS"] = by_polarity["POS"]
    table["polarity, macro over POS/NEG"] = by_polarity["macro"]
    table["polarity NEG, negation-word baseline"] = base_polarity["NEG"]
    for name, row in table.items():
        row["target"] = NON_CERTAIN_TARGET if name == NON_CERTAIN_LINE else None
    return table


def notes(docs: Sequence[ConllDoc], judged: Sequence[Judged]) -> list[str]:
    n = sum(len(d.events) for d in docs)
    left = [j for j in judged if j.event.certainty not in CERTAINTY_CLASSES]
    unpol = [j for j in judged if j.event.polarity not in POLARITY_CLASSES]
    said = Counter(j.certainty for j in left)
    cut = sum(not j.placed for j in judged)
    return [
        f"{len(docs)} documents, {n} event mentions.",
        f"Certainty lines leave out {len(left)} mentions whose gold certainty is UNDERSPECIFIED or missing "
        f"(the system called them {', '.join(f'{k} {v}' for k, v in said.most_common()) or 'nothing'}).",
        f"Polarity lines leave out {len(unpol)} mentions whose gold polarity is UNDERSPECIFIED or missing.",
        f"Baselines: non-certain iff the sentence holds one of {len(HEDGE_WORDS)} hedge words; "
        "NEG iff it holds a negation word.",
    ] + ([f"{cut} mentions lie in text the cleaner cut; they count as CERTAIN and POS."] if cut else [])


# ---------------------------------------------------------------------------- running


def judge_doc(gold: ConllDoc, doc) -> list[Judged]:
    """Every gold mention of one file against the Document sitreps made of its text."""
    from ..stages.modality import event_certainty

    shift = _offset_map(gold.text, doc.text)
    out = []
    for e in gold.events:
        start, end = shift(e.start), shift(e.end - 1)
        sentence = gold.text[slice(*gold.sentences[e.sentence])]
        baseline = hedge_baseline(sentence)
        if start is None or end is None:  # the cleaner cut it: kept, scored as the default
            out.append(Judged(gold.id, e, sentence, "CERTAIN", "POS", *baseline, placed=False))
        else:
            out.append(Judged(gold.id, e, sentence, *event_certainty(doc, start, end + 1), *baseline))
    return out


def _offset_map(before: str, after: str) -> Callable[[int], int | None]:
    """Offsets of the rebuilt text -> offsets of the cleaned text (None for a cut character).
    The cleaner changes nothing in MEANTIME's texts; the alignment is there in case a promo
    pattern ever matches."""
    if before == after:
        return lambda i: i
    from difflib import SequenceMatcher

    table: dict[int, int] = {}
    for a, b, size in SequenceMatcher(None, before, after, autojunk=False).get_matching_blocks():
        for k in range(size):
            table[a + k] = b + k
    return table.get


def evaluate_docs(
    docs: Sequence[ConllDoc], ctx, *, on_doc: Callable[[], None] | None = None, mistakes: list | None = None
) -> tuple[dict[str, dict], list[str]]:
    """The table of `scores` and the notes, running the whole pipeline on every document."""
    from ..pipeline import Pipeline
    from ..stages.read import article_from_text

    pipeline = Pipeline(ctx)
    judged: list[Judged] = []
    for gold in docs:
        doc = pipeline(article_from_text(gold.text, id=f"meantime-{gold.id}"))
        found = judge_doc(gold, doc)
        judged += found
        if mistakes is not None:
            mistakes += [mistake(j) for j in found if is_mistake(j)]
        if on_doc:
            on_doc()
    return scores(judged), notes(docs, judged)


def is_mistake(j: Judged) -> bool:
    wrong_certainty = j.event.certainty in CERTAINTY_CLASSES and j.certainty != j.event.certainty
    wrong_polarity = j.event.polarity in POLARITY_CLASSES and j.polarity != j.event.polarity
    return wrong_certainty or wrong_polarity


def mistake(j: Judged) -> dict:
    return {
        "dataset": "MEANTIME", "doc": j.doc, "event": j.event.id, "text": j.event.text,
        "sentence": j.sentence, "gold": [j.event.certainty, j.event.polarity],
        "got": [j.certainty, j.polarity],
    }
