"""The clean stage: boilerplate out, article content untouched, offsets into the text as read."""

from __future__ import annotations

import pytest

from sitreps.lexicons import load_lexicon
from sitreps.pipeline import Context
from sitreps.records import Article, Document
from sitreps.settings import load_settings
from sitreps.stages.clean import clean, load_promos


@pytest.fixture(scope="module")
def ctx():
    return Context(load_settings())


def cleaned(text: str, ctx) -> Document:
    return clean(Document(article=Article(id="t", text=text)), ctx)


def assert_offsets_point_at_original(doc: Document) -> None:
    for r in doc.removed:
        assert doc.article.text[r.start : r.end] == r.text


def test_promo_glued_to_paragraph_end_is_cut_to_end_of_line(ctx):
    text = (
        "Two families left the hamlet of Verbove at dawn as they tried to escape. "
        "READ MORE: Some other headline about markets [REVEAL]\n\n"
        "The road north was still open by noon."
    )
    doc = cleaned(text, ctx)
    assert doc.text == (
        "Two families left the hamlet of Verbove at dawn as they tried to escape.\n\n"
        "The road north was still open by noon."
    )
    assert [r.reason for r in doc.removed] == ["promo_headline"]
    assert doc.removed[0].text.strip() == "READ MORE: Some other headline about markets [REVEAL]"
    assert_offsets_point_at_original(doc)


def test_promo_on_its_own_line(ctx):
    text = (
        "A bridge was damaged overnight.\n\nREAD NEXT: Ten things to know this week\n\n"
        "Repairs began on Monday."
    )
    doc = cleaned(text, ctx)
    assert doc.text == "A bridge was damaged overnight.\n\nRepairs began on Monday."
    assert [(r.text, r.reason) for r in doc.removed] == [
        ("READ NEXT: Ten things to know this week", "promo_headline")
    ]
    assert_offsets_point_at_original(doc)


@pytest.mark.parametrize(
    "sentence",
    [
        "Officials urged residents to read more about shelter locations on the council website.",
        "He said people should read more: the report is long but clear.",
        "A photo of the damaged school was shared by the mayor on Tuesday.",
        "The photo: a burnt-out bus on the edge of town, taken by a volunteer.",
        "Click rates on the appeal rose sharply, the charity said.",
        "Residents share photos of the flooding with each other.",
        "The advertisement for volunteers ran in three local papers.",
        "KYIV (AP) — The council met on Friday to discuss repairs.",
        "GLORY TO THE DEFENDERS!",
    ],
)
def test_ordinary_sentences_are_untouched(sentence, ctx):
    text = f"The market reopened after the strike.\n\n{sentence}\n\nTraders returned slowly."
    doc = cleaned(text, ctx)
    assert doc.removed == ()
    assert doc.text == text


def test_each_kind_of_boilerplate_is_removed_with_its_reason(ctx):
    text = (
        "Shells hit a depot near the station.\n"
        "Advertisement\n"
        "Sign up to our newsletter for the morning briefing\n"
        "Share this article\n"
        "Click here to download our app\n"
        "Picture: Reuters\n"
        "Photo: AP\n"
        "The depot had been empty since spring (Image: Getty), a guard said.\n"
        "Crews worked through the night."
    )
    doc = cleaned(text, ctx)
    assert doc.text == (
        "Shells hit a depot near the station.\n"
        "The depot had been empty since spring, a guard said.\n"
        "Crews worked through the night."
    )
    assert [r.reason for r in doc.removed] == [
        "advertisement",
        "newsletter",
        "share",
        "click_here",
        "picture_credit",
        "picture_credit",
        "picture_credit",
    ]
    assert_offsets_point_at_original(doc)


def test_capitalised_related_headline_line_is_removed(ctx):
    text = (
        "The ministry gave no figures.\n\nOFFICIALS WARN OF LONG QUEUES AT THE BORDER CROSSING\n\n"
        "Talks resume next week."
    )
    doc = cleaned(text, ctx)
    assert doc.text == "The ministry gave no figures.\n\nTalks resume next week."
    assert doc.removed[0].reason == "related_headline"


def test_newlines_normalised_offsets_still_index_the_text_as_read(ctx):
    text = "\r\n\r\nFirst line.\r\nAdvertisement\r\nSecond line with “curly quotes” and an é.\rThird.\r\n"
    doc = cleaned(text, ctx)
    assert doc.text == "First line.\nSecond line with “curly quotes” and an é.\nThird."
    assert [r.text for r in doc.removed] == ["Advertisement"]
    assert_offsets_point_at_original(doc)


def test_whitespace_collapses_only_at_the_cuts(ctx):
    text = "One.\n\nAdvertisement\n\n\n\nAdvertisement\n\nTwo  words keep  their spacing (Photo: AP) here."
    doc = cleaned(text, ctx)
    assert doc.text == "One.\n\nTwo  words keep  their spacing here."
    assert "\n\n\n" not in doc.text
    assert_offsets_point_at_original(doc)


def test_nothing_left_is_clean_empty(ctx):
    doc = cleaned("\n\nAdvertisement\n\nShare this article\n", ctx)
    assert doc.text == ""
    assert doc.failed
    assert [(n.stage, n.code, n.level) for n in doc.notes] == [("clean", "clean.empty", "error")]


def test_plain_text_passes_through_stripped(ctx):
    doc = cleaned("  \n A quiet night, the governor said.  \n", ctx)
    assert doc.text == "A quiet night, the governor said."
    assert doc.removed == () and doc.notes == ()


def test_every_pattern_has_a_reason_and_an_explanation():
    entries = load_lexicon("promos")["promo"]
    assert len(entries) == len(load_promos())
    for entry in entries:
        assert entry["reason"] and entry["why"].strip(), entry["name"]


def test_a_run_of_one_punctuation_mark_is_cut(ctx):
    doc = cleaned("Shelling hit the depot." + "(" * 5000 + " Two were killed.", ctx)
    assert doc.text == "Shelling hit the depot. Two were killed."
    assert [r.reason for r in doc.removed] == ["punctuation_run"]
    assert cleaned("He paused... and went on - then stopped.", ctx).removed == ()


@pytest.mark.parametrize("policy, code, level", [("truncate", "clean.truncated", "warning"), ("refuse", "read.too_long", "error")])
def test_a_text_past_the_nlp_limit_is_cut_at_a_paragraph_or_refused(policy, code, level):
    from sitreps.settings import with_overrides

    settings = with_overrides(load_settings(), nlp={"max_length": 100}, pipeline={"too_long": policy})
    text = "First paragraph about shelling.\n\n" + "Second paragraph, a long one. " * 10
    doc = clean(Document(article=Article(id="t", text=text)), Context(settings))
    assert [(n.code, n.level) for n in doc.notes] == [(code, level)]
    if policy == "truncate":
        assert doc.text == "First paragraph about shelling." or doc.text.endswith(".")
        assert len(doc.text) <= 100 and text.startswith(doc.text)


def test_a_text_of_more_lines_than_an_article_has_is_cut_at_the_limit():
    from sitreps.settings import with_overrides

    settings = with_overrides(load_settings(), pipeline={"max_lines": 100})
    text = "\n".join(f"Line {i}." for i in range(1000))
    doc = clean(Document(article=Article(id="t", text=text)), Context(settings))
    assert [n.code for n in doc.notes] == ["clean.truncated"] and "max_lines" in doc.notes[0].detail
    assert doc.text.count("\n") == 99 and text.startswith(doc.text)
    short = clean(Document(article=Article(id="t", text="\n".join(["Line."] * 99))), Context(settings))
    assert short.notes == ()
