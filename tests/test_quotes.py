"""Quotes: quotation-mark pairing, speakers and cues, indirect speech.

Sentences are about a fictional conflict in the republic of Verania. Most tests run the real model
through the `parsed` fixture; the hand-built ones pin the textual fallback used without a parse.
"""

from __future__ import annotations

import pytest
from conftest import hand_doc

from sitreps.stages.quotes import find_quotes, pair_marks


def quotes_of(doc):
    return find_quotes(doc, None).quotes


def direct(quotes):
    return [q for q in quotes if q.direct]


def only(quotes, text):
    found = [q for q in quotes if q.text == text]
    assert len(found) == 1, [q.text for q in quotes]
    return found[0]


# --- pairing, no model ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, inner",
    [
        ('He said "the road is open" today.', "the road is open"),
        ("He said “the road is open” today.", "the road is open"),
        ("He called the raid ‘reckless’ today.", "reckless"),
        ("The prefect said «all is calm» today.", "all is calm"),
        ("He said ''the road is open'' today.", "the road is open"),  # typewriter quotes
    ],
)
def test_each_kind_of_mark_gives_its_content(text, inner):
    doc = hand_doc(text)
    q = only(quotes_of(doc), inner)
    assert doc.text[q.start:q.end] == inner and q.direct


def test_apostrophes_are_not_quotation_marks():
    doc = hand_doc("Verania’s army crossed the soldiers’ old line near Tarn’s bridge.")
    assert quotes_of(doc) == ()
    assert find_quotes(doc, None).notes == ()


def test_nested_quote_stays_inside_the_outer_one():
    doc = hand_doc("“They shouted ‘run’ and we ran,” a farmer said.")
    qs = quotes_of(doc)
    assert [q.text for q in qs] == ["They shouted ‘run’ and we ran"]
    assert qs[0].speaker.text == "a farmer"


def test_unbalanced_mark_costs_only_its_own_quote():
    text = 'The colonel said "we hold the ridge. Later the mayor said "nothing has changed" to reporters.'
    doc = find_quotes(hand_doc(text), None)
    assert [q.text for q in direct(doc.quotes)] == ["nothing has changed"]
    assert [n.code for n in doc.notes] == ["quotes.unbalanced"]
    assert doc.notes[0].stage == "quotes"


def test_unbalanced_curly_closer_is_noted_and_the_rest_kept():
    doc = find_quotes(hand_doc("The siege ended” he wrote. The envoy said “talks resume”."), None)
    assert [q.text for q in direct(doc.quotes)] == ["talks resume"]
    assert len(doc.notes) == 1


def test_a_few_words_in_marks_with_no_speaker_or_cue_are_not_speech():
    doc = hand_doc('The "special military operation" went on. A long answer "we will hold every street of this city" came.')
    assert [q.text for q in direct(find_quotes(doc, None).quotes)] == ["we will hold every street of this city"]


def test_pair_marks_returns_outermost_pairs():
    pairs, notes, orphans = pair_marks('A "b" c «d ‘e’ f» g')
    assert [(o, c) for o, c in pairs] == [(2, 4), (8, 16)]
    assert notes == [] and orphans == []


def test_multi_paragraph_quote_reopens_each_paragraph_and_closes_in_the_last():
    text = 'The mayor spoke. "We hold the bridge.\n\n"We hold the station too," she said.\n\nThe "end'
    pairs, notes, orphans = pair_marks(text)
    opening = text.index('"We hold the bridge')
    assert pairs == [(opening, text.index('" she'))]
    assert orphans == [text.index('"end')]  # a quote left open with no next paragraph is still lost
    doc = find_quotes(hand_doc(text), None)
    [q] = direct(doc.quotes)
    assert q.text.startswith("We hold the bridge.") and q.text.endswith("We hold the station too")
    assert q.speaker.text == "she"


def test_an_open_quote_not_reopened_in_the_next_paragraph_is_unbalanced():
    pairs, notes, orphans = pair_marks('He said "we hold.\n\nThe town is calm.')
    assert pairs == [] and len(orphans) == 1


# --- textual fallback on hand-built documents ----------------------------------------------------


def test_fallback_speaker_after_and_split_quote():
    doc = hand_doc('"We will," he said, "hold the line."')
    first, second = quotes_of(doc)
    assert (first.text, second.text) == ("We will", "hold the line.")
    assert first.speaker.text == second.speaker.text == "he"
    assert first.cue.text == second.cue.text == "said"
    assert first.cue.kind == "cue" and first.speaker.name is None  # no antecedent for "he"


def test_fallback_speaker_before_with_colon_and_surname():
    text = 'Anton Varga inspected the dam. Varga wrote on Telegram: "The dam holds."'
    doc = hand_doc(text, entities=[("Anton Varga", "PERSON")])
    q = only(quotes_of(doc), "The dam holds.")
    assert q.speaker.text == "Varga" and q.speaker.name == "Anton Varga" and q.speaker.kind == "person"
    assert q.cue.text == "wrote"


def test_fallback_indirect_speech_and_according_to():
    doc = hand_doc("The ministry said that two depots burned. Three roads were cut, according to the police.")
    said = only(quotes_of(doc), "two depots burned")
    assert not said.direct and said.speaker.text == "The ministry" and said.speaker.kind == "government"
    acc = only(quotes_of(doc), "Three roads were cut")
    assert acc.speaker.text == "the police" and acc.cue.text == "according to"


# --- with the real parse -------------------------------------------------------------------------


@pytest.mark.model
def test_partial_quote_inside_reported_speech(parsed):
    q = only(quotes_of(parsed('The spokesman said the ministry had "no plans" to comment.')), "no plans")
    assert q.direct and q.speaker.text == "The spokesman" and q.cue.text == "said"
    assert q.speaker.kind == "person"


@pytest.mark.model
def test_colon_quote(parsed):
    doc = parsed("The mayor wrote on Telegram: “The city is calm. Stay indoors.”")
    q = only(quotes_of(doc), "The city is calm. Stay indoors.")
    assert q.speaker.text == "The mayor" and q.cue.text == "wrote"


@pytest.mark.model
def test_speaker_after_quote_inverted(parsed):
    q = only(quotes_of(parsed("“The bridge is still standing,” said the regional governor.")),
             "The bridge is still standing")
    assert q.speaker.text == "the regional governor" and q.cue.text == "said"


@pytest.mark.model
def test_split_quote_gives_two_quotes_with_one_speaker(parsed):
    qs = direct(quotes_of(parsed('"We will," the commander said, "hold the line."')))
    assert [q.text for q in qs] == ["We will", "hold the line."]
    assert {q.speaker.text for q in qs} == {"the commander"}


@pytest.mark.model
def test_crowd_slogan(parsed):
    q = only(quotes_of(parsed("Residents chanted “Long live the republic” as the convoy passed.")),
             "Long live the republic")
    assert q.speaker.text == "Residents" and q.speaker.kind == "crowd" and q.cue.text == "chanted"


@pytest.mark.model
def test_crowd_slogan_in_a_participle(parsed):
    doc = parsed("Villagers poured into the square, shouting “Free Verania” and waving flags.")
    q = only(quotes_of(doc), "Free Verania")
    assert q.speaker.kind == "crowd" and q.cue.text == "shouting"


@pytest.mark.model
def test_guillemets_with_parse(parsed):
    q = only(quotes_of(parsed("«Nous restons», said the prefect of the eastern region.")), "Nous restons")
    assert q.speaker.text.startswith("the prefect")


@pytest.mark.model
def test_surname_resolves_to_full_name(parsed):
    doc = parsed("General Ivan Marek visited the front on Monday. "
                 "“The bridge is ours,” Marek told reporters.")
    q = only(quotes_of(doc), "The bridge is ours")
    assert q.speaker.text == "Marek" and q.speaker.name == "Ivan Marek" and q.speaker.kind == "person"


@pytest.mark.model
def test_pronoun_resolves_to_latest_person(parsed):
    doc = parsed("Olena Baranova runs the field hospital. She said “we have no more beds” on Tuesday.")
    q = only(quotes_of(doc), "we have no more beds")
    assert q.speaker.text == "She" and q.speaker.name == "Olena Baranova"


@pytest.mark.model
def test_pronoun_without_antecedent_has_no_name(parsed):
    q = only(quotes_of(parsed("He said “the shelling stopped at dawn”.")), "the shelling stopped at dawn")
    assert q.speaker.text == "He" and q.speaker.name is None


@pytest.mark.model
def test_organisation_speaker_noun_phrase(parsed):
    doc = parsed("The office of the regional governor described the situation as “critical”.")
    q = only(quotes_of(doc), "critical")
    assert q.speaker.text == "The office of the regional governor" and q.speaker.kind == "government"
    assert q.cue.text == "described"


@pytest.mark.model
def test_indirect_said_that(parsed):
    doc = parsed("The governor said that the shelling had stopped overnight.")
    q = only(quotes_of(doc), "that the shelling had stopped overnight")  # "that" kept, as annotated
    assert not q.direct and q.speaker.text == "The governor" and q.cue.text == "said"


@pytest.mark.model
def test_indirect_told_reporters_and_denied(parsed):
    doc = parsed("The commander told reporters the ridge was secure. The army denied its units had left.")
    told = only(quotes_of(doc), "the ridge was secure")
    assert told.speaker.text == "The commander" and told.cue.text == "told"
    denied = only(quotes_of(doc), "its units had left")
    assert denied.speaker.text == "The army" and denied.cue.text == "denied"


@pytest.mark.model
@pytest.mark.parametrize(
    "text, clause, speaker",
    [
        ("According to the regional council, three bridges were destroyed.",
         "three bridges were destroyed", "the regional council"),
        ("Two schools were damaged in the strikes, according to local officials.",
         "Two schools were damaged in the strikes", "local officials"),
    ],
)
def test_according_to_before_and_after(parsed, text, clause, speaker):
    q = only(quotes_of(parsed(text)), clause)
    assert not q.direct and q.speaker.text == speaker and q.cue.text.lower() == "according to"


@pytest.mark.model
def test_partial_quote_inside_a_reported_clause_keeps_both(parsed):
    # the reported clause is the attribution's content; the quoted words inside it stay a quote
    qs = quotes_of(parsed('The spokesman said the ministry had "no plans" to comment.'))
    assert [(q.direct, q.text) for q in qs] == [(False, 'the ministry had "no plans" to comment'), (True, "no plans")]
    assert qs[0].cue.text == qs[1].cue.text == "said"


@pytest.mark.model
def test_a_whole_quoted_clause_is_only_the_direct_quote(parsed):
    qs = quotes_of(parsed('The spokesman said: "The ministry has no plans."'))
    assert [q.direct for q in qs] == [True]


@pytest.mark.model
def test_quotes_are_sorted_and_offsets_match(parsed):
    doc = find_quotes(parsed("The mayor said the port was shut. Later he said “it reopens soon”."), None)
    assert [q.start for q in doc.quotes] == sorted(q.start for q in doc.quotes)
    assert all(doc.text[q.start:q.end] == q.text for q in doc.quotes)


@pytest.mark.model
def test_name_colon_lines_are_their_speakers_words(parsed):
    text = (
        "Marta Kovalenko: The Eastern Dam Will Hold 'For Years'\n\n"
        "The engineer spoke to reporters on Monday.\n\n"
        "Partial transcript follows:\n\n"
        '"HOST: Will the water rise again this week?\n\n'
        '"KOVALENKO: Not this week, and not next week either, as far as we can tell."'
    )
    doc = parsed(text)
    headline = only(quotes_of(doc), "The Eastern Dam Will Hold 'For Years'")
    assert headline.speaker.text == "Marta Kovalenko" and headline.cue.text == ":"
    # the transcript's lines reopen one quoted passage: it is one quote of several paragraphs
    assert any(q.text.startswith("HOST: Will the water rise") for q in quotes_of(doc))


@pytest.mark.model
def test_a_line_label_that_is_not_a_speaker_is_not_one(parsed):
    doc = parsed("BREAKING: Floodwater reached the lower town overnight.\n\nUkraine: the dam is holding.")
    assert quotes_of(doc) == ()


@pytest.mark.model
def test_speaker_after_a_question_the_parser_split_off(parsed):
    doc = parsed("“Is the bridge still standing?” the mayor asked, looking at the river.")
    q = only(quotes_of(doc), "Is the bridge still standing?")
    assert q.speaker.text == "the mayor" and q.cue.text == "asked"


@pytest.mark.model
def test_a_speaker_set_inside_the_reported_clause_is_the_speaker(parsed):
    doc = parsed("To prevent floods, the engineer said, the town should raise its dikes.")
    # the reported words on either side of the inset attribution, one piece each, one speaker
    pieces = [q for q in quotes_of(doc) if not q.direct]
    assert [q.text for q in pieces] == ["To prevent floods", "the town should raise its dikes"]
    assert {(q.speaker.text, q.cue.text) for q in pieces} == {("the engineer", "said")}


def test_speaker_spans_lose_a_dateline_and_a_trailing_participle():
    from sitreps.records import Mention
    from sitreps.stages._speakers import trim_speaker

    def trim(text: str) -> str:
        return trim_speaker(Mention(10, 10 + len(text), text, None, "person")).text

    assert trim("LOWMERE -- Mayor Jane Roe") == "Mayor Jane Roe"
    assert trim("Jane Roe, speaking to reporters at the dam") == "Jane Roe"
    assert trim("Jane Roe, like her predecessor") == "Jane Roe"
    assert trim("Jane Roe, who runs the dam authority") == "Jane Roe, who runs the dam authority"
    assert trim("Jane Roe, 59, of Lowmere") == "Jane Roe, 59, of Lowmere"
    m = trim_speaker(Mention(10, 35, "LOWMERE -- Mayor Jane Roe", None, "person"))
    assert (m.start, m.end) == (21, 35)


@pytest.mark.model
def test_quotes_signed_with_a_dash_or_opened_after_a_colon_line(parsed):
    doc = parsed(
        "Readers wrote in.\n\n“The dam is our pride.” ― Ola Nordmann\n“Fix the road first.”― Kari Holm\n\n"
        'The mayor continued:\n\n"We will rebuild the bridge before winter."\n\n“Who pays for it?” the clerk demanded.'
    )
    got = {q.text: (q.speaker.text if q.speaker else None, q.cue.text if q.cue else None) for q in quotes_of(doc)}
    assert got["The dam is our pride."] == ("Ola Nordmann", "\u2015")
    assert got["Fix the road first."] == ("Kari Holm", "\u2015")
    assert got["We will rebuild the bridge before winter."] == ("The mayor", "continued")
    assert got["Who pays for it?"] == ("the clerk", "demanded")


@pytest.mark.model
def test_a_quote_opening_a_paragraph_after_plain_text_gets_no_colon_speaker(parsed):
    doc = parsed('The mayor spoke at length.\n\n"We will rebuild the bridge before winter and after it."')
    (q,) = quotes_of(doc)
    assert q.speaker is None  # the line above does not end in a colon: no attribution is guessed


@pytest.mark.model
def test_a_reported_clause_before_an_inverted_attribution(parsed):
    doc = parsed("The new bridge could open this week, said Jane Roe, a city engineer.")
    q = next(q for q in quotes_of(doc) if not q.direct)
    assert q.text == "The new bridge could open this week"
    assert q.speaker.text.startswith("Jane Roe") and q.cue.text == "said"
