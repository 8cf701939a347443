"""NLP stage: spaCy tokens, sentences and entities, copied into plain records.

spaCy objects never leave this module. The model is a setting; an entity ruler placed before
`ner` is fed from the gazetteer and the actor lexicon, because the small English model tags
many Ukrainian cities as PERSON.
"""

from __future__ import annotations

from dataclasses import replace

from ..errors import ModelError
from ..records import Document, Entity, Span, Token

# ruler patterns that are ordinary English words or too short to trust as place names
_MIN_RULER_CHARS = 4


def load_model(settings, gazetteer=None, actor_patterns=None):
    """Load the configured spaCy pipeline and add the entity ruler in front of `ner`."""
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
    patterns = ruler_patterns(nlp, settings, gazetteer, actor_patterns)
    if patterns and "ner" in nlp.pipe_names:
        # first in the pipeline: spaCy runs every earlier component over each pattern text, and
        # ORTH patterns need only the tokenizer. `ner` keeps the entities the ruler set.
        ruler = nlp.add_pipe("entity_ruler", first=True, config={"phrase_matcher_attr": "ORTH"})
        ruler.add_patterns(patterns)
    return nlp


def ruler_patterns(nlp, settings, gazetteer=None, actor_patterns=None) -> list[dict]:
    from spacy.lang.en.stop_words import STOP_WORDS

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
    if gazetteer is not None:
        names = gazetteer.ruler_names(settings.nlp.ruler_min_population, settings.nlp.ruler_countries)
        for text, label in names:
            if (
                text in seen
                or len(text) < _MIN_RULER_CHARS
                or text.lower() in STOP_WORDS
                or not text[:1].isupper()
                or not text.isascii()
            ):
                continue
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
