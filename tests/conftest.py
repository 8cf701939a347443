"""Shared test helpers.

`hand_doc` builds a Document by hand (no model): give the text and, optionally, entities as
(substring, label) pairs and a publication date. `parsed` runs the real clean + nlp stages
(needs the spaCy model; the gazetteer ruler is left out, so it stays fast).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from sitreps.records import Article, Document, Entity, Span

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def _find(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    starts = [m.start() for m in re.finditer(re.escape(needle), text)]
    if len(starts) <= occurrence:
        raise AssertionError(f"{needle!r} not in text")
    s = starts[occurrence]
    return s, s + len(needle)


def hand_doc(
    text: str,
    entities: list[tuple[str, str]] = (),
    published: str | None = None,
    sentences: bool = True,
) -> Document:
    pub = datetime.fromisoformat(published) if published else None
    ents = []
    for needle, label in entities:
        s, e = _find(text, needle)
        ents.append(Entity(s, e, needle, label))
    sents = ()
    if sentences:
        sents = tuple(
            Span(m.start(), m.end(), m.group()) for m in re.finditer(r"[^.!?]+[.!?]?", text) if m.group().strip()
        )
    return Document(
        article=Article(id="t", text=text, published=pub),
        text=text,
        sentences=sents,
        entities=tuple(sorted(ents, key=lambda e: e.start)),
    )


@pytest.fixture(scope="session")
def nlp_model():
    pytest.importorskip("spacy")
    from sitreps.settings import load_settings
    from sitreps.stages.nlp import load_model

    try:
        return load_model(load_settings(), gazetteer=None)
    except Exception as exc:  # the model package is part of the default install
        pytest.fail(f"spaCy model not installed: {exc}")


@pytest.fixture(scope="session")
def parsed(nlp_model):
    """parsed(text, published=None) -> Document after the real clean and nlp stages."""
    from sitreps.pipeline import Context
    from sitreps.settings import load_settings
    from sitreps.stages.clean import clean
    from sitreps.stages.nlp import parse

    ctx = Context(load_settings(), nlp_=nlp_model)

    def run(text: str, published: str | None = None) -> Document:
        pub = datetime.fromisoformat(published) if published else None
        doc = Document(article=Article(id="t", text=text, published=pub))
        return parse(clean(doc, ctx), ctx)

    return run


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: evaluation data and examples are not part of the repository")
    return SHARED
