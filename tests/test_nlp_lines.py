"""A line break starts a sentence (stages/nlp.py: line_breaks), on a blank spaCy pipeline."""

from __future__ import annotations

import spacy

from sitreps.stages.nlp import line_breaks


def starts(text: str) -> list[str]:
    doc = line_breaks(spacy.blank("en")(text))
    return [t.text for t in doc if t.is_sent_start and t.i > 0]


def test_the_first_word_after_a_line_break_starts_a_sentence():
    assert starts("Pence: Flowers will not attend\n\nOn Sunday the governor spoke") == ["On"]
    assert starts('WALLACE: Let us start.\n"PENCE: Well, look') == ['"']


def test_text_without_line_breaks_is_left_to_the_parser():
    assert starts("The governor spoke on Sunday. He left early.") == []


def test_trailing_and_repeated_breaks_add_nothing_else():
    assert starts("One line\n\n\n") == []
    assert starts("A\n \nB") == ["B"]
