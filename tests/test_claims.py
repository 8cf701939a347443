"""Claims: clause splitting, certainty classes and their precedence, and sources.

Sentences are about a fictional conflict in the republic of Verania. `claims_of` runs the quotes
stage first, because claims reuse its speakers.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import hand_doc

from sitreps.records import CERTAINTIES, Span
from sitreps.stages.claims import find_claims
from sitreps.stages.quotes import find_quotes


def claims_of(doc):
    return find_claims(find_quotes(doc, None), None).claims


def one(doc):
    claims = claims_of(doc)
    assert len(claims) == 1, [c.text for c in claims]
    return claims[0]


# --- hand-built documents (no parse) -------------------------------------------------------------


@pytest.mark.parametrize(
    "text, certainty, cue",
    [
        ("Artillery hit the northern suburbs overnight.", "asserted", None),
        ("The ministry confirmed the loss of two tanks.", "confirmed", "confirmed"),
        ("The ministry announced the loss of two tanks.", "reported", "announced"),
        ("Rebel fighters allegedly seized the airport.", "hedged", "allegedly"),
        ("Rebel fighters may seize the airport.", "possible", "may"),
        ("Rebel fighters did not seize the airport.", "negated", "did not"),
    ],
)
def test_each_certainty_without_a_parse(text, certainty, cue):
    claim = one(hand_doc(text))
    assert claim.certainty == certainty and certainty in CERTAINTIES
    assert (claim.cue.text if claim.cue else None) == cue
    assert claim.text == text


def test_fallback_source_is_the_words_before_the_verb():
    claim = one(hand_doc("The border guard denied the crossing was closed."))
    assert claim.certainty == "negated"
    assert claim.source.text == "The border guard"


def test_capitalised_may_is_a_month_not_a_modal():
    assert one(hand_doc("Envoys met in May to discuss aid.")).certainty == "asserted"


def test_heading_only_sentences_are_skipped():
    text = "LATEST UPDATES:\nThe dam was breached on Monday."
    doc = replace(hand_doc(text), sentences=(Span(0, 15, text[:15]), Span(16, len(text), text[16:])))
    assert [c.text for c in claims_of(doc)] == ["The dam was breached on Monday."]


# --- the real parse ------------------------------------------------------------------------------


@pytest.mark.model
def test_confirmed_with_government_source(parsed):
    claim = one(parsed("Verania confirmed its withdrawal from the southern district on Friday."))
    assert claim.certainty == "confirmed" and claim.cue.text == "confirmed" and claim.cue.kind == "cue"
    assert claim.source.text == "Verania" and claim.source.kind in ("government", "organisation")


@pytest.mark.model
def test_reported_with_named_speaker(parsed):
    claim = one(parsed("The governor said the convoy had reached the port."))
    assert claim.certainty == "reported" and claim.source.text == "The governor"


@pytest.mark.model
def test_unnamed_officials_are_anonymous(parsed):
    claim = one(parsed("Officials said the convoy had reached the port."))
    assert claim.certainty == "reported" and claim.source.kind == "anonymous"


@pytest.mark.model
def test_reports_suggest_is_hedged_with_reports_source(parsed):
    claim = one(parsed("Reports suggest that the garrison has run out of fuel."))
    assert claim.certainty == "hedged" and claim.source.kind == "reports"


@pytest.mark.model
@pytest.mark.parametrize(
    "text, cue",
    [
        ("Militia units are believed to have left the valley.", "believed to"),
        ("Two patrols appear to be guarding the bridge.", "appear to"),
        ("The rebels are suspected of planting the mines.", "suspected"),
        ("Rebel fighters reportedly seized the airport.", "reportedly"),
    ],
)
def test_hedged(parsed, text, cue):
    claim = one(parsed(text))
    assert claim.certainty == "hedged" and claim.cue.text == cue


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        "Fears remain that the rebels could be planning a winter offensive.",
        "The rebels are expected to attack the airport in the coming weeks.",
        "The militia threatens to cut the water supply.",
    ],
)
def test_possible(parsed, text):
    assert one(parsed(text)).certainty == "possible"


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        "The ministry denied that its troops had shelled the market.",
        "No civilians were hurt in the attack.",
        "The army rejected claims of a retreat.",
    ],
)
def test_negated(parsed, text):
    assert one(parsed(text)).certainty == "negated"


@pytest.mark.model
def test_media_sources(parsed):
    video = one(parsed("In one video, soldiers can be seen raising a flag over the town hall."))
    assert video.source.kind == "media" and video.source.text == "one video"
    assert video.certainty == "reported"  # attributed to the video, not asserted by the outlet
    footage = one(parsed("Residents crowded the square to greet the troops, footage has shown."))
    # the cue keeps its auxiliary, as attribution cues are marked ("has shown")
    assert footage.source.kind == "media" and footage.cue.text == "has shown"
    pictures = one(parsed("Pictures on social media reportedly showed tanks entering the town."))
    assert pictures.source.kind == "media" and pictures.certainty == "hedged"


@pytest.mark.model
def test_plain_outlet_statement_has_no_source(parsed):
    claim = one(parsed("The siege of the port lasted eight months."))
    assert claim.certainty == "asserted" and claim.source is None and claim.cue is None


# --- precedence ----------------------------------------------------------------------------------


@pytest.mark.model
def test_said_that_something_could_happen_is_possible_with_the_speaker_as_source(parsed):
    claim = one(parsed("The governor said the bridge could collapse within days."))
    assert claim.certainty == "possible" and claim.cue.text == "could"
    assert claim.source.text == "The governor"


@pytest.mark.model
def test_reportedly_beats_said(parsed):
    assert one(parsed("The mayor reportedly said the water plant was hit.")).certainty == "hedged"


@pytest.mark.model
def test_negation_beats_everything(parsed):
    claim = one(parsed("The army said troops did not fire at the crowd."))
    assert claim.certainty == "negated" and claim.source.text == "The army"


@pytest.mark.model
def test_longest_cue_wins(parsed):
    claim = one(parsed("The strike on the depot could not be verified."))
    assert claim.certainty == "hedged" and claim.cue.text == "could not be verified"


@pytest.mark.model
def test_what_appears_to_be_does_not_hedge_the_clause(parsed):
    claim = one(parsed("Troops gathered outside what appears to be a school."))
    assert claim.certainty == "asserted"


@pytest.mark.model
def test_cue_in_relative_clause_is_ignored(parsed):
    claim = one(parsed("The brigade, which had threatened to leave, confirmed its new position."))
    assert claim.certainty == "confirmed"


# --- clauses and sources from quotes -------------------------------------------------------------


@pytest.mark.model
def test_clauses_split_on_while_but_and_semicolon(parsed):
    claims = claims_of(parsed(
        "Verania confirmed the ceasefire, but rebels shelled two villages; the talks ended."))
    assert [c.text for c in claims] == ["Verania confirmed the ceasefire", "rebels shelled two villages",
                                       "the talks ended."]
    assert [c.certainty for c in claims] == ["confirmed", "asserted", "asserted"]


@pytest.mark.model
def test_while_clause_inside_a_reported_complement_inherits(parsed):
    claims = claims_of(parsed("Reports suggest that the depot was burned, while others say the garrison "
                              "fled across the river."))
    assert len(claims) == 2 and claims[0].certainty == "hedged"
    assert claims[0].source.kind == "reports"


@pytest.mark.model
def test_source_reused_from_quote_speaker(parsed):
    doc = parsed("Ivan Marek runs the garrison. Marek said the regime had “no intention” of retreating.")
    claim = claims_of(doc)[-1]
    assert claim.certainty == "reported"
    assert claim.source.text == "Marek" and claim.source.name == "Ivan Marek"


@pytest.mark.model
def test_source_from_indirect_quote_in_participle(parsed):
    doc = parsed("The office of the governor described the night as “quiet”, reporting that rebels had "
                 "shelled two villages.")
    claim = one(doc)
    assert claim.certainty == "reported" and claim.source.text == "The office of the governor"
    assert claim.source.kind == "government"


@pytest.mark.model
def test_claims_sorted_and_offsets_match(parsed):
    doc = find_claims(find_quotes(parsed("Shells fell at dawn. The mayor said the port was shut."), None), None)
    assert [c.start for c in doc.claims] == sorted(c.start for c in doc.claims)
    assert all(doc.text[c.start:c.end] == c.text for c in doc.claims)
