"""Actors stage: lexicon aliases, "<owner> <force noun>" forms, countries acting as subjects,
inferred "other side" words, and longest-match-wins on overlaps.

Hand-built documents need no model; the country-as-subject rule needs the parse (`parsed`).
"""

from __future__ import annotations

import pytest
from conftest import hand_doc

from sitreps.gazetteer import GazetteerEntry, MemoryGazetteer
from sitreps.pipeline import Context
from sitreps.settings import load_settings
from sitreps.stages.actors import find_actors
from sitreps.stages.places import geoparse

E = GazetteerEntry
ENTRIES = [
    E("t:harbour", "Harbour Town", 47.10, 33.20, "P", "PPLA", "UA", "North Oblast", population=250_000),
    E("t:ua", "Ukraine", 49.00, 32.00, "A", "PCLI", "UA", None, population=40_000_000),
    E("t:ru", "Russia", 60.00, 100.00, "A", "PCLI", "RU", None, population=140_000_000),
]


@pytest.fixture(scope="module")
def ctx():
    return Context(load_settings(), gazetteer_=MemoryGazetteer(ENTRIES))


def actors_of(text, entities=(), ctx=None):
    doc = hand_doc(text, entities)
    if ctx is not None:
        doc = geoparse(doc, ctx)
    doc = find_actors(doc, ctx)
    for a in doc.actors:
        assert doc.text[a.start : a.end] == a.text
    return doc.actors


def only(actors):
    assert len(actors) == 1, actors
    return actors[0]


@pytest.mark.parametrize(
    "text, mention, actor, name, kind, country",
    [
        ("Russian troops shelled the outskirts overnight.", "Russian troops", "RUS.MIL", "Russian military", "state_forces", "RU"),
        ("Putin's forces pushed towards the river.", "Putin's forces", "RUS.MIL", "Russian military", "state_forces", "RU"),
        ("Putin\u2019s forces pushed towards the river.", "Putin\u2019s forces", "RUS.MIL", "Russian military", "state_forces", "RU"),
        ("Ukraine's Armed Forces repelled the assault.", "Ukraine's Armed Forces", "UKR.MIL", "Ukrainian military", "state_forces", "UA"),
        ("Ukraine\u2019s Armed Forces repelled the assault.", "Ukraine\u2019s Armed Forces", "UKR.MIL", "Ukrainian military", "state_forces", "UA"),
        ("Ukrainian soldiers held the line.", "Ukrainian soldiers", "UKR.MIL", "Ukrainian military", "state_forces", "UA"),
        ("Russia's troops dug in.", "Russia's troops", "RUS.MIL", "Russian military", "state_forces", "RU"),
        ("Belarusian border guards were put on alert.", "Belarusian border guards", "BLR.MIL", "Belarusian military", "state_forces", "BY"),
        ("Residents fled the town.", "Residents", "CIV", "Civilians", "civilians", None),
        ("The shelling wounded several residents.", "residents", "CIV", "Civilians", "civilians", None),
        ("A source in the Kremlin declined to comment.", "the Kremlin", "RUS.GOV", "Government of Russia", "government", "RU"),
    ],
)
def test_lexicon_and_force_forms(text, mention, actor, name, kind, country):
    a = only(actors_of(text))
    assert (a.text, a.actor, a.name, a.kind, a.country) == (mention, actor, name, kind, country)
    assert a.start == text.index(mention) and a.end == a.start + len(mention)
    assert not a.inferred


def test_known_person_is_their_government():
    a = only(actors_of("Zelensky visited the front."))
    assert (a.actor, a.kind, a.country) == ("UKR.GOV", "person", "UA")


def test_several_actors_in_text_order():
    text = "Russian troops fired on residents while Ukrainian forces returned fire."
    assert [(a.text, a.actor) for a in actors_of(text)] == [
        ("Russian troops", "RUS.MIL"),
        ("residents", "CIV"),
        ("Ukrainian forces", "UKR.MIL"),
    ]


def test_no_text_no_actors():
    assert find_actors(hand_doc(""), None).actors == ()


def test_invaders_in_a_text_that_mentions_russia_are_the_russian_military(ctx):
    text = "The invaders shelled the town overnight, officials said, blaming Russia."
    actors = actors_of(text, [("Russia", "GPE")], ctx)
    a = only(actors)
    assert (a.text, a.actor, a.name, a.kind, a.country) == (
        "The invaders", "RUS.MIL", "Russian military", "state_forces", "RU",
    )
    assert a.inferred is True


def test_invaders_inferred_from_a_russian_actor_in_the_text():
    text = "Russian troops crossed the river. The occupiers then shelled the bridge."
    actors = actors_of(text)
    assert [(a.text, a.actor, a.inferred) for a in actors] == [
        ("Russian troops", "RUS.MIL", False),
        ("The occupiers", "RUS.MIL", True),
    ]


def test_invaders_in_a_text_about_ukraine_are_the_russian_military(ctx):
    # Ukrainian officials' word for the Russian side, also when Russia itself is not named
    text = "The invaders shelled Harbour Town overnight, Ukrainian troops said."
    actors = actors_of(text, [("Harbour Town", "GPE")], ctx)
    assert [(a.text, a.actor, a.inferred) for a in actors if "invaders" in a.text] == [("The invaders", "RUS.MIL", True)]


@pytest.mark.parametrize("text, enemy", [
    # the enemy of the side named before it in the sentence
    ("Russian troops shelled the enemy positions near the river.", "UKR.MIL"),
    ("Ukrainian forces repelled the enemy near the river.", "RUS.MIL"),
    # none named in the sentence: the side the article names most, else the Russian military
    ("Ukrainian troops held the line. The enemy shelled the town.", "RUS.MIL"),
    ("Russian troops held the line. The enemy shelled the town.", "UKR.MIL"),
])
def test_the_enemy_is_the_side_opposed_to_the_one_named(text, enemy):
    got = [a.actor for a in actors_of(text) if "enemy" in a.text.lower()]
    assert got == [enemy]


def test_invaders_alone_are_not_resolved():
    assert actors_of("The invaders shelled the town overnight.") == ()


@pytest.mark.parametrize(
    "text, longest, actor",
    [
        ("Putin's forces advanced.", "Putin's forces", "RUS.MIL"),  # not the person "Putin"
        ("Officials in the Kremlin said nothing.", "the Kremlin", "RUS.GOV"),  # not "Kremlin"
        ("The General Staff of the Armed Forces of Ukraine said so.", "General Staff of the Armed Forces of Ukraine", "UKR.MIL"),
        ("The National Police of Ukraine opened a case.", "National Police of Ukraine", "UKR.POL"),
        ("The invaders fled as Russian troops arrived.", "The invaders", "RUS.MIL"),  # not "invaders"
    ],
)
def test_overlapping_matches_keep_the_longest(text, longest, actor):
    actors = actors_of(text)
    spans = [(a.start, a.end) for a in actors]
    assert all(s1 >= e0 for (_, e0), (s1, _) in zip(spans, spans[1:])), "mentions overlap"
    hit = [a for a in actors if a.text == longest]
    assert len(hit) == 1 and hit[0].actor == actor
    inside = [a for a in actors if a is not hit[0] and hit[0].start <= a.start and a.end <= hit[0].end]
    assert inside == []


# --- countries acting as subjects (real model) ---------------------------------------------------


@pytest.mark.model
@pytest.mark.parametrize(
    "text, name, actor, country",
    [
        ("Russia confirmed the strike on Tuesday.", "Russia", "RUS.GOV", "RU"),
        ("Moscow said on Monday that the talks had failed.", "Moscow", "RUS.GOV", "RU"),
        ("Ukraine rejected the proposal on Friday.", "Ukraine", "UKR.GOV", "UA"),
    ],
)
def test_country_as_subject_is_its_government(parsed, text, name, actor, country):
    doc = find_actors(parsed(text), None)
    a = only([a for a in doc.actors if a.text == name])
    assert (a.actor, a.kind, a.country, a.inferred) == (actor, "government", country, False)


@pytest.mark.model
def test_country_as_object_is_not_an_actor(parsed):
    doc = parsed("Missiles hit Ukraine on Monday.")
    assert any(e.text == "Ukraine" for e in doc.entities), doc.entities
    assert [a for a in find_actors(doc, None).actors if a.text == "Ukraine"] == []


@pytest.mark.model
def test_country_as_subject_lets_invaders_be_inferred(parsed):
    doc = find_actors(parsed("Russia launched the offensive in spring. The invaders shelled the town."), None)
    inferred = [a for a in doc.actors if a.inferred]
    assert [(a.text, a.actor) for a in inferred] == [("The invaders", "RUS.MIL")]


def test_a_unit_without_a_country_is_no_actor_without_the_other_side():
    assert [a.text for a in actors_of("Border guards held a parade in the town.")] == []
