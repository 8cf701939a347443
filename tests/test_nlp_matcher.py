"""The gazetteer matcher that runs after `ner`, on a blank English pipeline (no model): the
entities the model would have set are set by hand."""

from __future__ import annotations

import pytest

spacy = pytest.importorskip("spacy")

from sitreps.gazetteer import GazetteerEntry, MemoryGazetteer
from sitreps.settings import load_settings
from sitreps.stages.nlp import gazetteer_names

NAMES = [
    ("Kupyansk", "GPE", True),
    ("Portove", "GPE", True),
    ("Hola Prystan", "GPE", True),
    ("Springfield", "GPE", False),  # a populated place outside the focus countries: weak
    ("DPR", "GPE", True),
]


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    matcher = nlp.add_pipe("sitreps_gazetteer_matcher")
    matcher.add(nlp.tokenizer, NAMES)
    return nlp


def run(nlp, text, ents=()):
    doc = nlp.make_doc(text)
    spans = []
    for needle, label in ents:
        start = text.index(needle)
        spans.append(doc.char_span(start, start + len(needle), label=label))
    doc.ents = spans
    return [(e.text, e.label_) for e in nlp.get_pipe("sitreps_gazetteer_matcher")(doc).ents]


def test_strong_name_the_model_missed_is_added(nlp):
    assert run(nlp, "Troops left Portove at dawn.") == [("Portove", "GPE")]
    assert run(nlp, "Boats near Hola Prystan sank.") == [("Hola Prystan", "GPE")]


def test_strong_name_tagged_as_a_person_is_relabelled(nlp):
    assert run(nlp, "Shelling hit Portove again.", [("Portove", "PERSON")]) == [("Portove", "GPE")]


def test_headline_dash_splits_place_from_source(nlp):
    got = run(nlp, "Strikes near Kupyansk - Defence Ministry.", [("Kupyansk - Defence Ministry", "ORG")])
    assert got == [("Kupyansk", "GPE"), ("Defence Ministry", "ORG")]


def test_name_inside_a_longer_entity_is_left_alone(nlp):
    got = run(nlp, "The Portove Harbour Company said so.", [("Portove Harbour Company", "ORG")])
    assert got == [("Portove Harbour Company", "ORG")]


def test_other_labels_are_never_overwritten(nlp):
    assert run(nlp, "It was Portove Day.", [("Portove Day", "DATE")]) == [("Portove Day", "DATE")]


def test_weak_name_needs_a_proper_noun_tag(nlp):
    # a blank pipeline has no tagger: a weak name is never taken on its own
    assert run(nlp, "Visitors came from Springfield.") == []


def test_gazetteer_names_filter():
    gaz = MemoryGazetteer(
        [
            GazetteerEntry("t:1", "DPR", 48.0, 37.8, "A", "ADM1", "UA", "East Oblast"),
            GazetteerEntry("t:2", "Ab", 48.0, 37.8, "A", "ADM1", "UA", "East Oblast"),
            GazetteerEntry("t:3", "Portove", 48.0, 37.8, "P", "PPL", "UA", "East Oblast"),
            GazetteerEntry("t:4", "Київ", 50.4, 30.5, "P", "PPL", "UA", "Kyiv"),
            GazetteerEntry("t:5", "abc town", 50.4, 30.5, "P", "PPL", "UA", "Kyiv"),
        ]
    )
    names = {n for n, _, _ in gazetteer_names(load_settings(), gaz)}
    assert names == {"DPR", "Portove"}


def test_a_line_in_capitals_matches_strong_names_only(nlp):
    assert run(nlp, "SHELLING NEAR PORTOVE AT DAWN.") == [("PORTOVE", "GPE")]
    assert run(nlp, "VISITORS FROM SPRINGFIELD.") == []
