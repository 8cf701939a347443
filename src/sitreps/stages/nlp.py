"""NLP stage: spaCy tokens, sentences and entities, copied into plain records.

spaCy objects never leave this module. The model is a setting; an entity ruler placed before
`ner` holds people's and actors' names, and a gazetteer matcher after `ner` adds the places the
small English model misses or mislabels (it tags many Ukrainian towns as PERSON).
"""

from __future__ import annotations

from dataclasses import replace

from ..errors import ModelError
from ..records import Document, Entity, Span, Token

# ruler patterns that are ordinary English words or too short to trust as place names
_MIN_RULER_CHARS = 4


def load_model(settings, gazetteer=None, actor_patterns=None):
    """Load the configured spaCy pipeline, with the entity ruler (people and actors) in front
    and the gazetteer matcher after `ner`."""
    import spacy

    try:
        nlp = spacy.load(settings.nlp.model)
    except (OSError, ImportError) as exc:
        raise ModelError(
            f"cannot load spaCy model {settings.nlp.model!r}: {exc}. "
            "Install it with `pip install --no-deps -r requirements/model.txt`, "
            "or set [nlp] model in your settings file."
        ) from exc
    nlp.max_length = settings.nlp.max_length
    patterns = ruler_patterns(actor_patterns)
    if patterns and "ner" in nlp.pipe_names:
        # first in the pipeline: spaCy runs every earlier component over each pattern text, and
        # ORTH patterns need only the tokenizer. `ner` keeps the entities the ruler set.
        ruler = nlp.add_pipe("entity_ruler", first=True, config={"phrase_matcher_attr": "ORTH"})
        ruler.add_patterns(patterns)
    if "parser" in nlp.pipe_names:
        # a line break ends a sentence: headlines, datelines, list items and transcript lines
        # have no final stop, and the parser would run them into the next paragraph
        nlp.add_pipe("sitreps_line_breaks", before="parser")
    if gazetteer is not None and "ner" in nlp.pipe_names:
        names = gazetteer_names(settings, gazetteer)
        matcher = nlp.add_pipe("sitreps_gazetteer_matcher", after="ner")
        matcher.add(nlp.tokenizer, names)
    return nlp


def gazetteer_names(settings, gazetteer) -> list[tuple[str, str, bool]]:
    """The gazetteer's names fit for matching in text: capitalised, Latin, not a stop word."""
    from spacy.lang.en.stop_words import STOP_WORDS

    rows = gazetteer.matcher_names(settings.nlp.ruler_min_population, settings.nlp.ruler_countries)
    return [
        (text, label, strong)
        for text, label, strong in rows
        if (len(text) >= _MIN_RULER_CHARS or (strong and len(text) == 3 and text.isupper()))  # "DPR", "USA"
        and text.lower() not in STOP_WORDS
        and text[:1].isupper()
        and text.isascii()
    ]


_RELABEL = {"PERSON", "ORG", "NORP", "GPE", "LOC", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT"}


_DASHES = {"-", "\u2013", "\u2014", "--"}


def _split_at_dash(ent, i: int, j: int, label: str) -> list | None:
    """Headlines glue a place to its source with a dash ("near Kupyansk - Defence Ministry"), and
    the model takes both for one entity: split it there, the place before, the rest after."""
    from spacy.tokens import Span as SpacySpan

    doc = ent.doc
    if ent.start != i or j >= ent.end or doc[j].text not in _DASHES:
        return None  # the entity must start with the place; something before it: the model's call
    pieces = [SpacySpan(doc, i, j, label=label)]
    if j + 1 < ent.end:
        pieces.append(SpacySpan(doc, j + 1, ent.end, label=ent.label_))
    return pieces


def _within(ent, i: int, j: int) -> bool:
    """The entity lies inside tokens i..j, give or take punctuation at its edges ("Kupyansk -")."""
    doc = ent.doc
    start, end = ent.start, ent.end
    while start < end and doc[start].is_punct:
        start += 1
    while end > start and doc[end - 1].is_punct:
        end -= 1
    return i <= start and end <= j


class GazetteerMatcher:
    """Place names from the gazetteer, matched on token texts after `ner` (a dict keyed by
    first token: a fraction of the memory of spaCy's PhraseMatcher with 100k patterns).

    - A match the model did not tag at all becomes a GPE/LOC entity when its first token is a
      proper noun (the tagger's PROPN): villages the small model misses.
    - A match that is exactly one of the model's PERSON/ORG/NORP entities is relabelled when the
      name is *strong* (a division, a curated place, or a populated place of the focus
      countries): the small model tags many Ukrainian towns as people.
    - Anything else the model decided is left alone.
    """

    def __init__(self, nlp=None, name: str = "sitreps_gazetteer_matcher"):
        self.name = name
        self.table: dict[str, list[tuple[tuple[str, ...], str, bool]]] = {}

    def add(self, tokenizer, names: list[tuple[str, str, bool]]) -> None:
        texts = [n for n, _, _ in names]
        for (_, label, strong), doc in zip(names, tokenizer.pipe(texts, batch_size=2000), strict=True):
            words = tuple(t.text for t in doc)
            if not words:
                continue
            entries = self.table.setdefault(words[0], [])
            for k, (w, old_label, old_strong) in enumerate(entries):
                if w == words:
                    entries[k] = (w, old_label, old_strong or strong)
                    break
            else:
                entries.append((words, label, strong))
        for entries in self.table.values():
            entries.sort(key=lambda e: -len(e[0]))

    def __call__(self, doc):
        from spacy.tokens import Span as SpacySpan

        if not self.table:
            return doc
        # entities by key, and the key owning each token: kept up to date match by match, so a
        # text with thousands of matches costs no more than their number (no rebuilding)
        ents = dict(enumerate(doc.ents))
        owner = {i: k for k, ent in ents.items() for i in range(ent.start, ent.end)}
        next_key = len(ents)

        def swap(old_keys, spans) -> None:
            nonlocal next_key
            for k in old_keys:
                ent = ents.pop(k)
                for t in range(ent.start, ent.end):
                    owner.pop(t, None)
            for span in spans:
                ents[next_key] = span
                for t in range(span.start, span.end):
                    owner[t] = next_key
                next_key += 1

        changed = False
        i, n = 0, len(doc)
        while i < n:
            text = doc[i].text
            # a line in capitals ("SHELLING IN DONETSK REGION"): compare in title case, and
            # only for strong names (a capitalised common word is no evidence there)
            shout = len(text) > 3 and text.isupper()
            entries = self.table.get(text.title() if shout else text)
            match = None
            if entries:
                for words, label, strong in entries:
                    j = i + len(words)
                    if shout and not strong:
                        continue
                    if j <= n and all(
                        doc[i + k].text.lower() == w.lower() if shout else doc[i + k].text == w
                        for k, w in enumerate(words)
                    ):
                        match = (j, label, strong)
                        break
            if match is None:
                i += 1
                continue
            j, label, strong = match
            hit = {owner[t] for t in range(i, j) if t in owner}
            pieces = _split_at_dash(ents[next(iter(hit))], i, j, label) if strong and len(hit) == 1 else None
            if not hit:
                if strong or self._looks_like_a_name(doc, i, j):
                    swap((), [SpacySpan(doc, i, j, label=label)])
                    changed = True
            elif pieces:
                swap(hit, pieces)
                changed = True
            elif strong and all(ents[k].label_ in _RELABEL and _within(ents[k], i, j) for k in hit):
                # the name covers the model's entities ("Kharkov" as PERSON, "X" PERSON + "region")
                swap(hit, [SpacySpan(doc, i, j, label=label)])
                changed = True
            i = j
        if changed:
            doc.ents = sorted(ents.values(), key=lambda e: e.start)
        return doc

    @staticmethod
    def _looks_like_a_name(doc, i: int, j: int) -> bool:
        """A weak name fills a gap only as a proper noun standing alone: not first in its
        sentence (where any word is capitalised), not next to another proper noun ("David
        Allen"), and not in a line of capitals."""
        first = doc[i]
        if first.pos_ != "PROPN" or first.is_sent_start or first.is_upper:
            return False
        before = doc[i - 1] if i > 0 else None
        after = doc[j] if j < len(doc) else None
        return not any(t is not None and t.pos_ == "PROPN" and t.text[:1].isupper() for t in (before, after))

    # the component holds no trained state: nothing to save with the model
    def to_disk(self, path, exclude=()):
        return None

    def from_disk(self, path, exclude=()):
        return self


def line_breaks(doc):
    """Start a sentence at the first token after a line break (the parser keeps preset starts).
    Set all at once: setting `token.is_sent_start` one by one scans the whole doc each time."""
    from spacy.attrs import SENT_START

    starts = []
    broken = False
    for token in doc:
        if token.is_space:
            broken = broken or "\n" in token.text
            continue
        if broken and token.i > 0:
            starts.append(token.i)
        broken = "\n" in token.whitespace_
    if starts:
        values = doc.to_array([SENT_START])
        values[starts] = 1
        doc.from_array([SENT_START], values)
    return doc


def _register() -> None:
    from spacy.language import Language

    if "sitreps_gazetteer_matcher" not in Language.factories:
        Language.factory("sitreps_gazetteer_matcher")(lambda nlp, name: GazetteerMatcher(nlp, name))
    if "sitreps_line_breaks" not in Language.factories:
        Language.component("sitreps_line_breaks")(line_breaks)


_register()


def ruler_patterns(actor_patterns=None) -> list[dict]:
    """Entity-ruler patterns: people's full names and actor names (place names go to the
    gazetteer matcher)."""
    if actor_patterns is None:
        from ..lexicons import load_lexicons

        actor_patterns = load_lexicons().ruler_patterns
    seen: set[str] = set()
    patterns = []
    # full names of known people first: the ruler prefers the longest match, so "Vladimir"
    # inside a leader's name is not taken for a town of that name
    from ..lexicons import load_lexicon

    for person in load_lexicon("actors").get("person", []):
        for alias in person["aliases"]:
            if " " in alias and alias not in seen:
                seen.add(alias)
                patterns.append({"label": "PERSON", "pattern": alias})
    for text, label in actor_patterns:
        if text not in seen:
            seen.add(text)
            patterns.append({"label": label, "pattern": text})
    return patterns


def to_records(sp_doc) -> tuple[tuple[Span, ...], tuple[Token, ...], tuple[Entity, ...]]:
    tokens = tuple(
        Token(
            i=t.i,
            start=t.idx,
            end=t.idx + len(t.text),
            text=t.text,
            lemma=t.lemma_,
            pos=t.pos_,
            tag=t.tag_,
            dep=t.dep_,
            head=t.head.i,
            ent_type=t.ent_type_,
        )
        for t in sp_doc
    )
    sentences = tuple(Span(s.start_char, s.end_char, s.text) for s in sp_doc.sents)
    entities = tuple(Entity(e.start_char, e.end_char, e.text, e.label_) for e in sp_doc.ents)
    return sentences, tokens, entities


def parse(doc: Document, ctx) -> Document:
    if not doc.text:
        return doc
    sentences, tokens, entities = to_records(ctx.nlp(doc.text))
    return replace(doc, sentences=sentences, tokens=tokens, entities=entities)
