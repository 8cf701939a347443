"""Quotes: the attribution rules tuned on PolNeAR's conventions (speaker spans, cue spans, which
attributions count), each pinned on hand-written sentences about the fictional republic of Verania.
"""

from __future__ import annotations

import pytest
from conftest import hand_doc

from sitreps.stages._speakers import text_speaker
from sitreps.stages.quotes import find_quotes, pair_marks


def quotes_of(doc):
    return find_quotes(doc, None).quotes


def only(quotes, text):
    found = [q for q in quotes if q.text == text]
    assert len(found) == 1, [q.text for q in quotes]
    return found[0]


def indirect(quotes):
    return [q for q in quotes if not q.direct]


# --- marks, no model -----------------------------------------------------------------------------


def test_paragraph_opening_with_a_closing_curly_mark_opens_a_quote():
    text = "”We hold the bridge,” the colonel said."
    pairs, notes, orphans = pair_marks(text)
    assert pairs == [(0, text.index("” the"))] and notes == [] and orphans == []


def test_curly_marks_nest_when_enough_closers_follow():
    text = "“He calls it “hell” over there,” she said."
    pairs, notes, _ = pair_marks(text)
    assert pairs == [(0, text.index("” she"))] and notes == []


def test_curly_mark_reopened_without_closers_still_orphans_the_first():
    pairs, _notes, orphans = pair_marks("“We hold. “The town is calm,” she said.")
    assert len(pairs) == 1 and orphans == [0]


# --- continuation, no model ----------------------------------------------------------------------


def test_quote_paragraph_after_an_attributed_one_continues_its_speaker():
    doc = hand_doc("“We will hold the bridge,” the mayor said.\n\n“The station is ours as well.”")
    first, second = quotes_of(doc)
    assert second.text == "The station is ours as well."
    assert second.speaker.text == first.speaker.text == "the mayor"


def test_quote_paragraph_after_unattributed_text_gets_no_speaker():
    doc = hand_doc("The bridge fell on Monday after a long siege.\n\n“The station is ours as well, and so is the rest.”")
    [q] = quotes_of(doc)
    assert q.speaker is None


def test_quote_after_a_sentence_ending_with_its_attribution():
    doc = hand_doc("The road to the dam is closed, the mayor said. “We are ready for the flood.”")
    q = only(quotes_of(doc), "We are ready for the flood.")
    assert q.speaker.text == "the mayor" and q.cue.text == "said"


# --- with the real parse -------------------------------------------------------------------------


@pytest.mark.model
def test_relative_pronoun_is_the_speaker_span_named_after_its_noun(parsed):
    doc = parsed("The envoy, who said the talks would resume on Monday, left the capital.")
    q = only(quotes_of(doc), "the talks would resume on Monday")
    assert q.speaker.text == "who" and q.speaker.name == "The envoy"


@pytest.mark.model
def test_passive_subject_is_not_the_speaker(parsed):
    q = only(quotes_of(parsed("The colonel was accused of shelling the market.")), "shelling the market")
    assert q.speaker is None and q.cue.text == "was accused"


@pytest.mark.model
def test_nested_attribution_is_part_of_the_outer_words(parsed):
    qs = indirect(quotes_of(parsed("The mayor said the army plans to rebuild the bridge in spring.")))
    assert [(q.cue.text, q.speaker.text) for q in qs] == [("said", "The mayor")]


@pytest.mark.model
@pytest.mark.parametrize(
    "text, cue",
    [
        ("The ministry has not confirmed the report about the depot.", "has not confirmed"),
        ("The envoy pointed out that the road was closed.", "pointed out"),
    ],
)
def test_cue_keeps_auxiliaries_negation_and_particle(parsed, text, cue):
    [q] = indirect(quotes_of(parsed(text)))
    assert q.cue.text == cue


@pytest.mark.model
def test_single_word_object_is_content(parsed):
    q = only(quotes_of(parsed("The minister praised Varga.")), "Varga")
    assert q.speaker.text == "The minister"


@pytest.mark.model
def test_object_with_its_predicate(parsed):
    q = only(quotes_of(parsed("The governor called the raid a provocation.")), "the raid a provocation")
    assert q.speaker.text == "The governor"


@pytest.mark.model
def test_offer_attributes_its_object(parsed):
    q = only(quotes_of(parsed("The minister offered a ceasefire.")), "a ceasefire")
    assert q.speaker.text == "The minister"


@pytest.mark.model
def test_attitude_adjective_attributes_its_phrase(parsed):
    q = only(quotes_of(parsed("Farmers in the valley are worried about the dam.")), "the dam")
    assert q.speaker.text == "Farmers in the valley" and q.cue.text == "are worried about"


@pytest.mark.model
def test_it_can_be_a_source(parsed):
    doc = parsed("The report was published on Monday. It says the dam is safe.")
    q = only(quotes_of(doc), "the dam is safe")
    assert q.speaker.text == "It"


@pytest.mark.model
def test_according_to_frames_a_clause_with_its_own_attribution(parsed):
    # the mayor's words are kept inside what the police are reported to have said
    qs = indirect(quotes_of(parsed("The mayor said the bridge was closed, according to the police.")))
    assert [(q.text, q.speaker.text, q.cue.text) for q in qs] == [
        ("The mayor said the bridge was closed", "the police", "according to")]


@pytest.mark.model
def test_participle_after_a_preposition_takes_the_subject(parsed):
    q = only(quotes_of(parsed("The governor opened the session by saying that the dam was safe.")),
             "that the dam was safe")
    assert q.speaker.text == "The governor"


@pytest.mark.model
@pytest.mark.parametrize(
    "text, speaker",
    [
        ("Even the mayor said the road was closed.", "the mayor"),
        ("Nearly 80 residents said the road was closed.", "Nearly 80 residents"),
    ],
)
def test_leading_adverb_is_not_part_of_the_speaker(parsed, text, speaker):
    q = only(quotes_of(parsed(text)), "the road was closed")
    assert q.speaker.text == speaker


@pytest.mark.model
def test_fallback_speaker_loses_conjunctions_and_needs_a_noun(parsed):
    doc = parsed("And he forcefully told them to leave.")
    start = doc.text.index("And")
    assert text_speaker(doc, start, start + len("And he"), False).text == "he"
    adverb = doc.text.index("forcefully")
    assert text_speaker(doc, adverb, adverb + len("forcefully"), False) is None


@pytest.mark.model
def test_transcript_turns_inside_one_quote_are_separate(parsed):
    text = ('Part of the transcript follows:\n\n"ROE: We hold the bridge and the station.\n\n'
            '"DOE: And what about the dam to the north?\n\n"ROE: That one is ours too."')
    qs = quotes_of(parsed(text))
    assert [q.speaker.text for q in qs] == ["ROE", "DOE", "ROE"]
    assert not any("\n" in q.text for q in qs)


@pytest.mark.model
def test_paragraph_after_an_attribution_line_ending_in_a_colon(parsed):
    doc = parsed("The governor added:\n\nThe dam will hold through the winter.")
    q = only(quotes_of(doc), "The dam will hold through the winter")
    assert q.speaker.text == "The governor" and not q.direct


@pytest.mark.model
def test_headline_label_before_a_colon_is_not_a_speaker(parsed):
    assert quotes_of(parsed("Correction: The dam was built in 1950 by the state.")) == ()


@pytest.mark.model
def test_any_verb_with_a_person_subject_and_a_clause_attributes_it(parsed):
    q = only(quotes_of(parsed("Anna Varga figures the budget will pass in spring.")), "the budget will pass in spring")
    assert q.speaker.text == "Anna Varga" and q.cue.text == "figures"
    assert indirect(quotes_of(parsed("The ministry figures the budget will pass in spring."))) == []


@pytest.mark.model
def test_relative_clause_after_a_comma_ends_the_content(parsed):
    q = only(quotes_of(parsed("The minister criticized the new tariff, which the parliament passed in May.")),
             "the new tariff")
    assert q.speaker.text == "The minister"


@pytest.mark.model
def test_fallback_cue_is_a_verb_not_a_noun(parsed):
    doc = parsed("The review lists 40% of the claims as “false and misleading for every reader in the valley.”")
    q = only(quotes_of(doc), "false and misleading for every reader in the valley.")
    assert q.speaker is None and q.cue is None
