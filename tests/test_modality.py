"""Modality: (certainty, polarity) of one event word, in MEANTIME's terms.

Each sentence is parsed by the real model (`parsed`), then run through the quotes and claims
stages, whose claims `event_certainty` reads; the event is named by its word (the first
occurrence unless told). The last tests build documents by hand: no parse, only claims.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import _find, hand_doc

from sitreps.pipeline import Context
from sitreps.records import Claim, Mention
from sitreps.settings import load_settings
from sitreps.stages.claims import find_claims
from sitreps.stages.modality import CLAIM_CERTAINTY, claim_at, event_certainty, lexicon
from sitreps.stages.quotes import find_quotes

CERTAIN, PROBABLE, POSSIBLE = "CERTAIN", "PROBABLE", "POSSIBLE"


@pytest.fixture(scope="module")
def judge(parsed):
    ctx = Context(load_settings())

    def _judge(text: str, word: str, occurrence: int = 0) -> tuple[str, str]:
        doc = parsed(text)
        for stage in (find_quotes, find_claims):
            doc = stage(doc, ctx)
        return event_certainty(doc, *_find(doc.text, word, occurrence))

    return _judge


# ---------------------------------------------------------------------------- with the model


@pytest.mark.model
@pytest.mark.parametrize("text, word, expected", [
    # plain statements, and statements someone made: what they report happened
    ("Russian forces shelled the town on Monday.", "shelled", (CERTAIN, "POS")),
    ("Officials said that Russian forces shelled the town.", "shelled", (CERTAIN, "POS")),
    ("Officials said that Russian forces shelled the town.", "said", (CERTAIN, "POS")),
    ("According to the governor, two people were killed in the attack.", "killed", (CERTAIN, "POS")),
    # "will" states what is going to happen; a stated plan is reported as decided
    ("The army will launch a new offensive next week.", "launch", (CERTAIN, "POS")),
    ("The company plans to close 40 stores.", "close", (CERTAIN, "POS")),
])
def test_statements_and_reports_are_certain(judge, text, word, expected):
    assert judge(text, word) == expected


@pytest.mark.model
@pytest.mark.parametrize("text, word", [
    ("Russian forces may have shelled the town.", "shelled"),
    ("The strike might have hit a school.", "hit"),
    ("The army could launch a new offensive.", "launch"),
    ("The army could launch a new offensive.", "offensive"),  # a modal covers its verb's object
    ("Officials said Russian forces may have shelled the town.", "shelled"),  # reported, still a modal
    ("The drone can fly 300 kilometres without refuelling.", "fly"),
    ("The bill would give the region more autonomy.", "give"),
])
def test_modals_make_an_event_possible(judge, text, word):
    assert judge(text, word) == (POSSIBLE, "POS")


@pytest.mark.model
def test_would_after_a_report_is_the_reported_future_not_a_hypothesis(judge):
    assert judge("The ministry said it would send more troops to the border.", "send") == (CERTAIN, "POS")
    assert judge("The airline would like to thank its staff.", "like") == (CERTAIN, "POS")


@pytest.mark.model
@pytest.mark.parametrize("text, word", [
    ("Ukrainian forces did not attack the bridge.", "attack"),
    ("Troops never entered the village.", "entered"),
    ("The new air defence system is not efficient enough.", "efficient"),  # the copula carries the "not"
    ("The ministry denied shelling the hospital.", "shelling"),
    ("The talks failed to produce a ceasefire.", "produce"),
    ("They want to stop selling the device.", "selling"),
    ("No civilians were hurt in the attack.", "hurt"),
    ("The brigade has been unable to capture the town.", "capture"),
])
def test_negation_makes_an_event_neg(judge, text, word):
    assert judge(text, word) == (CERTAIN, "NEG")


@pytest.mark.model
def test_what_negates_an_event_is_itself_positive(judge):
    assert judge("The ministry denied shelling the hospital.", "denied") == (CERTAIN, "POS")
    assert judge("Troops never entered the village.", "Troops") == (CERTAIN, "POS")


@pytest.mark.model
def test_a_negated_ability_is_certain_and_negative(judge):
    assert judge("The city can not afford another winter without heating.", "afford") == (CERTAIN, "NEG")


@pytest.mark.model
def test_a_negated_prevention_leaves_the_event_positive_but_possible(judge):
    text = "Residents worry that the new dam might not prevent a flood."
    assert judge(text, "prevent") == (POSSIBLE, "NEG")
    assert judge(text, "flood") == (POSSIBLE, "POS")  # perhaps not prevented: not negated


@pytest.mark.model
@pytest.mark.parametrize("text, word, expected", [
    ("Officials fear an attack on the port.", "attack", POSSIBLE),
    ("Residents fled on fears of a new offensive.", "offensive", POSSIBLE),
    ("The minister is considering using the reserve troops.", "using", POSSIBLE),
    ("Soldiers tried to flee the town.", "flee", POSSIBLE),
    ("The government announced a plan to bail out the banks.", "bail", POSSIBLE),
    ("Analysts expect the army to withdraw from the bridgehead.", "withdraw", PROBABLE),
    ("Fuel prices are likely to rise further.", "rise", PROBABLE),
    ("The new missile is said to be twice as fast.", "be", POSSIBLE),
    ("The video appears to show a burning tank.", "show", POSSIBLE),
])
def test_intensional_governors_make_their_complement_uncertain(judge, text, word, expected):
    assert judge(text, word) == (expected, "POS")


@pytest.mark.model
def test_the_governing_word_itself_happened(judge):
    assert judge("Officials fear an attack on the port.", "fear") == (CERTAIN, "POS")
    assert judge("Soldiers tried to flee the town.", "tried") == (CERTAIN, "POS")


@pytest.mark.model
def test_a_governor_reaches_its_complement_not_what_that_complement_governs(judge):
    text = "The minister attempted to address reports of looting."
    assert judge(text, "address") == (POSSIBLE, "POS")
    assert judge(text, "reports") == (CERTAIN, "POS")  # the reports exist; only addressing them is tried


@pytest.mark.model
def test_adjuncts_and_subjects_are_outside_a_governor_scope(judge):
    assert judge("During the attack, soldiers tried to flee the town.", "attack") == (CERTAIN, "POS")
    assert judge("Repairs could push the cost of the bridge higher.", "Repairs") == (CERTAIN, "POS")


@pytest.mark.model
def test_a_negated_attempt_is_no_attempt(judge):
    assert judge("The new model does not attempt to compete with its rivals.", "compete") == (CERTAIN, "POS")


@pytest.mark.model
def test_conditions_and_open_questions_are_possible(judge):
    text = "If the talks fail, the army will attack the city."
    assert judge(text, "fail") == (POSSIBLE, "POS")
    assert judge(text, "attack") == (CERTAIN, "POS")  # the main clause is stated
    assert judge("Nobody knows whether the bridge was destroyed.", "destroyed") == (POSSIBLE, "POS")


@pytest.mark.model
def test_hedging_adverbs(judge):
    assert judge("The convoy was reportedly hit by a drone.", "hit") == (PROBABLE, "POS")
    assert judge("The convoy was possibly hit by a drone.", "hit") == (POSSIBLE, "POS")


@pytest.mark.model
def test_a_hedge_cue_of_the_claims_stage_counts_when_it_modifies_the_event(judge):
    # "apparently" is not in modality.toml; the claims stage marks the clause hedged by it, and
    # it modifies the event's verb
    assert judge("The convoy was apparently hit by a drone.", "hit") == (PROBABLE, "POS")


@pytest.mark.model
def test_a_clause_wide_cue_elsewhere_does_not_colour_every_event(judge):
    # the claims stage calls the whole clause `possible` ("plans to"); the cutting is planned,
    # but the losses that led to it happened
    text = "After heavy losses, the brigade plans to rotate 2,000 soldiers."
    assert judge(text, "losses") == (CERTAIN, "POS")


# ---------------------------------------------------------------------------- without a model


def test_without_a_parse_the_claim_decides():
    doc = hand_doc("Troops may have entered the city. The army denied it.")
    claims = (
        Claim(0, 33, doc.text[0:33], "possible", cue=Mention(7, 10, "may")),
        Claim(34, 54, doc.text[34:54], "negated", cue=Mention(43, 49, "denied")),
    )
    doc = replace(doc, claims=claims)
    assert event_certainty(doc, *_find(doc.text, "entered")) == (POSSIBLE, "POS")
    assert event_certainty(doc, *_find(doc.text, "denied")) == (CERTAIN, "NEG")
    assert event_certainty(hand_doc("Nothing was said."), 0, 7) == (CERTAIN, "POS")


def test_every_claim_certainty_has_a_meantime_value():
    from sitreps.records import CERTAINTIES

    assert set(CLAIM_CERTAINTY) == set(CERTAINTIES)
    assert set(CLAIM_CERTAINTY.values()) <= {CERTAIN, PROBABLE, POSSIBLE}


def test_the_narrowest_claim_covers_an_offset():
    outer = Claim(0, 40, "x" * 40, "reported")
    inner = Claim(10, 20, "x" * 10, "hedged")
    assert claim_at((outer, inner), 15) is inner
    assert claim_at((outer, inner), 30) is outer
    assert claim_at((outer, inner), 45) is None


def test_the_lexicon_loads_and_keeps_will_out_of_the_modals():
    lex = lexicon()
    assert {"may", "might", "could"} <= lex.possible_modals
    assert "will" not in lex.possible_modals and "will" not in lex.hypothetical_modals
    assert "expect" in lex.probable_governors and "fear" in lex.possible_governors
    assert not (lex.possible_governors & lex.probable_governors)
