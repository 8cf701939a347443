"""The quotes evaluation's matching and measures on hand-built attributions (no model), its
loader on tiny files the tests write, and one run on the first documents of the shared dev file."""

from __future__ import annotations

import json

import pytest

from sitreps.errors import InputError
from sitreps.evaluation.quotes import (
    Attribution,
    RunNotes,
    Scores,
    Tally,
    Words,
    evaluate_quotes,
    load_gold,
    match,
    original_offsets,
    score_document,
    system_attributions,
)
from sitreps.records import Claim, Mention, Quote, Removed, Span

TEXT = 'The mayor said that the bridge was closed. "We will rebuild it," Ms. Ode told reporters.'


def span(needle: str, text: str = TEXT, occurrence: int = 0) -> Span:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return Span(start, start + len(needle), needle)


def att(content, source=None, cue=None, direct=False, origin="gold", text=TEXT) -> Attribution:
    contents = tuple(span(c, text) for c in ([content] if isinstance(content, str) else content))
    sources = tuple(span(s, text) for s in ([source] if isinstance(source, str) else source or ()))
    cues = (span(cue, text),) if cue else ()
    return Attribution(contents, sources, cues, direct=direct, origin=origin)


def score(gold, system, text=TEXT, mistakes=None) -> dict[str, dict]:
    scores = Scores()
    score_document(text, gold, system, scores, mistakes)
    return scores.table()


def mention(needle: str, text: str = TEXT) -> Mention:
    s = span(needle, text)
    return Mention(s.start, s.end, s.text)


# ---------------------------------------------------------------------------- words and matching


def test_words_ignore_whitespace_quotation_marks_and_punctuation():
    words = Words(TEXT)
    assert words.of([span('"We will rebuild it,"')]) == words.of([span("We will rebuild it")])
    assert len(words.of([span("that the bridge was closed.")])) == 5
    assert words.of([Span(0, 2, "Th")]) == words.of([span("The")])  # a word cut in two still counts
    assert words.of([span(". ")]) == frozenset()


def test_matching_pairs_the_largest_overlap_first():
    gold = [frozenset({1, 2, 3}), frozenset({3, 4})]
    system = [frozenset({1, 2, 3, 4}), frozenset({4, 5})]
    # gold 0 / system 0 share three words and go first; gold 1 then takes system 1 (one word),
    # though it shares two with system 0
    assert match(gold, system) == [(0, 0), (1, 1)]


def test_matching_prefers_the_tighter_pair_on_a_tie_and_needs_a_shared_word():
    gold = [frozenset({1, 2, 3, 4}), frozenset({1, 2})]
    system = [frozenset({1, 2}), frozenset({9})]
    assert match(gold, system) == [(1, 0)]


# ---------------------------------------------------------------------------- measures


def test_a_perfect_attribution_scores_one_everywhere_it_counts():
    gold = [att("the bridge was closed", "The mayor", "said")]
    table = score(gold, [att("the bridge was closed", "The mayor", "said", origin="quote")])
    for name in ("content, token overlap", "content, exact, raw", "content, exact", "source, exact",
                 "source, token overlap", "cue, exact", "cue, token overlap"):
        assert table[f"{name} (all)"]["f1"] == 1.0, name
        assert table[f"{name} (indirect)"]["f1"] == 1.0, name
        assert table[f"{name} (direct)"]["gold"] == 0 and table[f"{name} (direct)"]["f1"] is None


def test_a_leading_that_costs_recall_in_token_overlap_and_the_exact_match():
    gold = [att("that the bridge was closed", "The mayor", "said")]
    table = score(gold, [att("the bridge was closed", "The mayor", "said", origin="quote")])
    row = table["content, token overlap (all)"]
    assert row["precision"] == 1.0 and row["recall"] == 0.8
    assert table["content, exact (all)"]["f1"] == 0.0
    assert table["content, exact, raw (all)"]["f1"] == 0.0
    assert table["source, exact (all)"]["f1"] == 1.0  # the pair still matched


def test_quotation_marks_and_edge_punctuation_are_normalised_away_but_not_in_raw():
    gold = [att('"We will rebuild it,"', "Ms. Ode", "told", direct=True)]
    table = score(gold, [att("We will rebuild it", "Ms. Ode", "told", direct=True, origin="quote")])
    assert table["content, exact (all)"]["f1"] == 1.0
    assert table["content, exact (direct)"]["f1"] == 1.0
    assert table["content, exact, raw (all)"]["f1"] == 0.0


def test_a_split_content_is_compared_as_all_its_pieces():
    text = '"We will," Ms. Ode said, "rebuild it."'
    gold = [att(['"We will,"', '"rebuild it."'], "Ms. Ode", "said", direct=True, text=text)]
    half = [att("We will", "Ms. Ode", "said", direct=True, origin="quote", text=text)]
    table = score(gold, half, text)
    assert table["content, token overlap (all)"]["recall"] == 0.5
    assert table["content, exact (all)"]["f1"] == 0.0
    whole = [att(["We will", "rebuild it"], "Ms. Ode", "said", direct=True, origin="quote", text=text)]
    assert score(gold, whole, text)["content, exact (all)"]["f1"] == 1.0


def test_unmatched_items_earn_nothing_and_count_in_the_denominators():
    gold = [att("the bridge was closed", "The mayor", "said"),
            att('"We will rebuild it,"', "Ms. Ode", "told", direct=True)]
    system = [att("the bridge was closed", "The mayor", "said", origin="quote"),
              att("reporters", None, None, origin="quote")]  # shares no word with any gold content
    row = score(gold, system)["content, token overlap (all)"]
    assert (row["gold"], row["system"], row["precision"], row["recall"], row["f1"]) == (2, 2, 0.5, 0.5, 0.5)
    source = score(gold, system)["source, exact (all)"]
    assert (source["gold"], source["system"], source["precision"], source["recall"]) == (2, 1, 1.0, 0.5)


def test_direct_and_indirect_rows_count_system_and_gold_by_their_own_kind():
    # gold says indirect; the system calls the same words a direct quote
    gold = [att("the bridge was closed", "The mayor", "said", direct=False)]
    system = [att("the bridge was closed", "The mayor", "said", direct=True, origin="quote")]
    table = score(gold, system)
    assert table["content, exact (direct)"] == {**table["content, exact (direct)"], "gold": 0, "system": 1,
                                                "precision": 1.0, "recall": None}
    assert table["content, exact (indirect)"]["gold"] == 1 and table["content, exact (indirect)"]["recall"] == 1.0
    assert table["content, exact (indirect)"]["system"] == 0


def test_source_is_right_when_it_is_any_gold_source_and_partial_in_token_overlap():
    gold = [att("the bridge was closed", ["The mayor", "Ms. Ode"], "said")]
    assert score(gold, [att("the bridge was closed", "Ms. Ode", "said", origin="quote")])["source, exact (all)"]["f1"] == 1.0
    table = score(gold, [att("the bridge was closed", "mayor", "said", origin="quote")])
    assert table["source, exact (all)"]["f1"] == 0.0
    assert table["source, token overlap (all)"]["precision"] == 1.0
    assert table["source, token overlap (all)"]["recall"] == 0.5


def test_a_gold_attribution_without_source_counts_for_content_only_and_a_system_source_there_is_wrong():
    gold = [att("the bridge was closed", None, "said")]
    table = score(gold, [att("the bridge was closed", "The mayor", "said", origin="quote")])
    assert table["content, exact (all)"]["gold"] == 1
    assert table["source, exact (all)"]["gold"] == 0
    assert table["source, exact (all)"]["system"] == 1 and table["source, exact (all)"]["precision"] == 0.0


def test_a_multi_word_gold_cue_is_partly_found():
    text = "The mayor said on Monday that the bridge was closed."
    gold = [att("that the bridge was closed", "The mayor", "said on Monday", text=text)]
    table = score(gold, [att("the bridge was closed", "The mayor", "said", origin="quote", text=text)], text)
    assert table["cue, exact (all)"]["f1"] == 0.0
    assert table["cue, token overlap (all)"]["precision"] == 1.0
    assert table["cue, token overlap (all)"]["recall"] == round(1 / 3, 3)


def test_mistakes_name_misses_spurious_items_and_wrong_sources():
    gold = [att("the bridge was closed", "The mayor", "said"),
            att('"We will rebuild it,"', "Ms. Ode", "told", direct=True)]
    system = [att("the bridge was closed", "Ms. Ode", "said", origin="quote"),
              att("reporters", None, None, origin="claim")]
    found: list = []
    score(gold, system, mistakes=found)
    kinds = sorted(m["kind"] for m in found)
    assert kinds == ["missed", "spurious", "wrong source"]
    wrong = next(m for m in found if m["kind"] == "wrong source")
    assert wrong["gold"]["source"] == ["The mayor"] and wrong["got"]["source"] == ["Ms. Ode"]
    assert next(m for m in found if m["kind"] == "spurious")["got"]["origin"] == "claim"


def test_tally_rows():
    assert Tally().row() == {"gold": 0, "system": 0, "precision": None, "recall": None, "f1": None, "target_f1": None}
    assert Tally(gold=2, system=1, p_credit=0.0, r_credit=0.0).row()["f1"] == 0.0
    assert Tally(gold=4, system=2, p_credit=2, r_credit=2).row(0.8)["f1"] == round(2 * 1 * 0.5 / 1.5, 3)


# ---------------------------------------------------------------------------- system side


def test_quotes_sharing_a_cue_are_one_attribution():
    text = '"We will," Ms. Ode said, "rebuild it." "No," he said.'
    said = mention("said", text)
    quotes = [
        Quote(1, 8, "We will", True, mention("Ms. Ode", text), said),
        Quote(span("rebuild it.", text).start, span("rebuild it.", text).end, "rebuild it.", True,
              mention("Ms. Ode", text), said),
        Quote(span("No", text).start, span("No", text).end, "No", True, None, None),
    ]
    got = system_attributions(quotes, text=text)
    assert [len(a.contents) for a in got] == [2, 1]
    assert got[0].sources[0].text == "Ms. Ode" and got[0].cues[0].text == "said" and got[0].direct
    assert got[1].sources == () and got[1].cues == ()


def test_claims_count_only_when_asked_with_a_placed_source_and_outside_quotes():
    text = "Officials said the bridge was closed. Police say the road is open. It rained."
    bridge = span("the bridge was closed", text)
    quote = Quote(bridge.start, bridge.end, bridge.text, False, mention("Officials", text), mention("said", text))
    road = span("Police say the road is open.", text)
    claims = [
        Claim(0, 37, text[0:37], "reported", mention("Officials", text), mention("said", text)),  # overlaps the quote
        Claim(road.start, road.end, road.text, "reported", mention("Police", text), mention("say", text)),
        Claim(67, 76, text[67:76], "reported", Mention(None, None, "reports"), None),  # no offsets
    ]
    assert len(system_attributions([quote], claims, text=text)) == 1
    got = system_attributions([quote], claims, with_claims=True, text=text)
    assert [a.origin for a in got] == ["quote", "claim"]
    assert got[1].contents[0].text == road.text and got[1].sources[0].text == "Police" and not got[1].direct


def test_a_speaker_without_offsets_is_not_a_source():
    quote = Quote(0, 9, "The mayor", True, Mention(None, None, "someone"), None)
    assert system_attributions([quote], text=TEXT)[0].sources == ()


def test_offsets_are_mapped_back_when_the_cleaner_cut_text():
    original = "  Read more here! The mayor said the bridge was closed.\n"
    removed = [Removed(2, 17, "Read more here!", "promo")]
    cleaned = "The mayor said the bridge was closed."
    mapping = original_offsets(original, cleaned, removed)
    quote = Quote(cleaned.index("the bridge"), len(cleaned) - 1, "the bridge was closed", False,
                  Mention(0, 9, "The mayor"), Mention(10, 14, "said"))
    got = system_attributions([quote], mapping=mapping, text=original)[0]
    assert got.contents[0].text == "the bridge was closed"
    assert got.sources[0].text == "The mayor" and got.cues[0].text == "said"
    assert original_offsets("a b", "a x", []) is None  # not the original with cuts: cannot map


def test_offsets_survive_a_space_put_in_at_a_cut():
    original = "Shelled(Image: AP)\nthe town."
    cleaned = "Shelled the town."
    mapping = original_offsets(original, cleaned, [Removed(7, 18, "(Image: AP)", "caption")])
    assert mapping is not None
    assert original[mapping[cleaned.index("town")]:mapping[cleaned.index("town")] + 4] == "town"


# ---------------------------------------------------------------------------- loading


def annotation(doc_id="d1", annotator="a", text=TEXT, quotes=None) -> dict:
    if quotes is None:
        quotes = [gold_quote("that the bridge was closed", "The mayor", "said")]
    return {"doc_id": doc_id, "annotator": annotator, "compartment": "dev", "text": text, "quotes": quotes}


def gold_quote(content, source, cue, marks=False, text=TEXT) -> dict:
    j = lambda s: {"start": s.start, "end": s.end, "text": s.text}
    c = span(cue, text)
    return {"id": "E1", "type": "Attribution", "cue": j(c), "cue_spans": [j(c)],
            "sources": [j(span(source, text))] if source else [], "contents": [j(span(content, text))],
            "has_quote_marks": marks}


def write(path, items) -> str:
    path.write_text("".join((i if isinstance(i, str) else json.dumps(i)) + "\n" for i in items), encoding="utf-8")
    return str(path)


def test_load_gold_keeps_the_first_annotation_of_each_document(tmp_path):
    second = annotation(annotator="b", quotes=[])
    path = write(tmp_path / "g.jsonl", [annotation(), second, "", annotation("d2")])
    gold = load_gold(path)
    assert [d.doc_id for d in gold.docs] == ["d1", "d2"] and gold.docs[0].annotator == "a"
    assert (gold.lines, gold.duplicates) == (3, 1)
    a = gold.docs[0].attributions[0]
    assert a.contents[0].text == "that the bridge was closed" and a.sources[0].text == "The mayor" and not a.direct
    assert len(load_gold(path, limit=1).docs) == 1


def test_load_gold_counts_attributions_it_cannot_score(tmp_path):
    empty = {"id": "E2", "type": "Attribution-no-source", "cue": None, "sources": [], "contents": [],
             "has_quote_marks": False}
    shifted = gold_quote("the bridge was closed", None, "said")
    shifted["contents"][0]["start"] += 1
    no_source = gold_quote('"We will rebuild it,"', None, "told", marks=True)
    gold = load_gold(write(tmp_path / "g.jsonl", [annotation(quotes=[empty, shifted, no_source])]))
    doc = gold.docs[0]
    assert (doc.without_content, doc.bad_offsets, len(doc.attributions)) == (1, 1, 1)
    assert doc.attributions[0].sources == () and doc.attributions[0].direct
    assert "1 without content spans, 1 with offsets" in " ".join(RunNotes().lines(gold))


@pytest.mark.parametrize(
    "line, message",
    [
        ("not json", r"g.jsonl:1: not JSON"),
        (json.dumps({"doc_id": "d", "text": "x"}), r"g.jsonl:1: not an annotation"),
        (json.dumps({"doc_id": "d", "text": 3, "quotes": []}), r"g.jsonl:1: not an annotation"),
        (json.dumps(annotation(quotes=[{"id": "E1", "contents": []}])), r"g.jsonl:1: quote E1 lacks has_quote_marks"),
        (json.dumps(annotation(quotes=[{"id": "E1", "has_quote_marks": True, "contents": [{"start": "0"}]}])),
         r"g.jsonl:1: quote E1: contents holds a span without whole-number start and end"),
        (json.dumps(annotation(quotes=[{"id": "E1", "has_quote_marks": True, "contents": "x"}])),
         r"g.jsonl:1: quote E1: contents is not a list of spans"),
    ],
)
def test_load_gold_names_the_bad_line(tmp_path, line, message):
    with pytest.raises(InputError, match=message):
        load_gold(write(tmp_path / "g.jsonl", [line]))


# ---------------------------------------------------------------------------- the shared dev file


@pytest.mark.shared
@pytest.mark.model
def test_the_first_dev_documents_score(shared_dir, nlp_model):
    from sitreps.pipeline import Context
    from sitreps.settings import load_settings

    gold = load_gold(shared_dir / "data/quotes/polnear.dev.jsonl", limit=3)
    assert len(gold.docs) == 3 and all(d.attributions for d in gold.docs)
    notes, found, seen = RunNotes(), [], []
    results = evaluate_quotes(gold, Context(load_settings(), nlp_=nlp_model), notes=notes, mistakes=found,
                              on_doc=lambda: seen.append(1))
    assert len(seen) == 3 and not notes.unmapped
    for variant in ("quotes only", "quotes and claims"):
        row = results[variant]["content, token overlap (all)"]
        assert row["gold"] == sum(len(d.attributions) for d in gold.docs)
        assert row["system"] > 0 and row["f1"] is not None
    assert {m["variant"] for m in found} <= {"quotes only", "quotes and claims"}
    assert {m["kind"] for m in found} <= {"missed", "spurious", "wrong source", "wrong cue", "content boundary"}
