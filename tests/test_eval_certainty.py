"""The certainty evaluation: the MEANTIME CoNLL reader on files the tests write, the scoring on
hand-made labels (no model), one run on a tiny file (model), and the real files (shared)."""

from __future__ import annotations

import pytest

from sitreps.errors import InputError
from sitreps.evaluation import certainty as ev
from sitreps.evaluation.certainty import (
    GoldEvent,
    Judged,
    class_scores,
    conll_paths,
    hedge_baseline,
    is_mistake,
    judge_doc,
    load_conll,
    prf,
    read_conll,
    rebuild,
    scores,
)
from sitreps.records import Article, Claim, Document, Mention

# Columns as in MEANTIME's files: number, word, event, certainty, polarity, time; "_" outside
# an event; a blank line between sentences; numbers run on across sentences.
ROWS = [
    ["Army", "shells", "port"],
    ["March", "3", ",", "2024"],
    ["Officials", "said", "troops", "may", "have", "entered", "the", "city", "."],
    ["They", "did", "n't", "confirm", "the", "``", "heavy", "losses", "."],
    ["''", "Talks", "will", "resume", "."],  # MEANTIME puts a closing quote after the stop here
]
EVENTS = {  # (sentence, token) -> (tag, certainty, polarity, time)
    (0, 1): ("B-E-1", "CERTAIN", "POS", "NON_FUTURE"),
    (2, 1): ("B-E-2", "CERTAIN", "POS", "NON_FUTURE"),
    (2, 5): ("B-E-3", "POSSIBLE", "POS", "NON_FUTURE"),
    (3, 3): ("B-E-4", "CERTAIN", "NEG", "NON_FUTURE"),
    (3, 6): ("B-E-5", "CERTAIN", "POS", "NON_FUTURE"),  # "heavy losses": two tokens, one mention
    (3, 7): ("I-E-5", "CERTAIN", "POS", "NON_FUTURE"),
    (4, 3): ("B-E-6", "UNDERSPECIFIED", "UNDERSPECIFIED", "FUTURE"),
}


def conll_text(rows=ROWS, events=EVENTS) -> str:
    lines, n = [], 0
    for k, words in enumerate(rows):
        for j, word in enumerate(words):
            n += 1
            if (k, j) in events:
                tag, cert, pol, time = events[(k, j)]
                bio, _, number = tag.split("-")
                cells = [tag, f"{bio}-{cert}-{number}", f"{bio}-{pol}-{number}", f"{bio}-{time}-{number}"]
            else:
                cells = ["_"] * 4
            lines.append("\t".join([str(n), word, *cells]))
        lines.append("")
    return "\n".join(lines) + "\n"


@pytest.fixture
def conll_file(tmp_path):
    path = tmp_path / "1234_Army_shells_port.xml.conll"
    path.write_text(conll_text(), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------- reading


def test_the_text_is_rebuilt_as_written(conll_file):
    doc = read_conll(conll_file)
    assert doc.id == "1234_Army_shells_port"
    assert doc.text == (
        'Army shells port. March 3, 2024. Officials said troops may have entered the city. '
        'They didn\'t confirm the "heavy losses." Talks will resume.'
    )  # a full stop after the title and the date line; the closing quote back with its sentence
    assert [doc.text[s:e] for s, e in doc.sentences] == [
        "Army shells port", "March 3, 2024", "Officials said troops may have entered the city.",
        'They didn\'t confirm the "heavy losses.', "Talks will resume.",
    ]


def test_events_keep_their_offsets_and_gold_values(conll_file):
    doc = read_conll(conll_file)
    got = [(e.id, e.text, e.certainty, e.polarity, e.time, e.sentence) for e in doc.events]
    assert got == [
        ("1", "shells", "CERTAIN", "POS", "NON_FUTURE", 0),
        ("2", "said", "CERTAIN", "POS", "NON_FUTURE", 2),
        ("3", "entered", "POSSIBLE", "POS", "NON_FUTURE", 2),
        ("4", "confirm", "CERTAIN", "NEG", "NON_FUTURE", 3),
        ("5", "heavy losses", "CERTAIN", "POS", "NON_FUTURE", 3),
        ("6", "resume", "UNDERSPECIFIED", "UNDERSPECIFIED", "FUTURE", 4),
    ]
    assert all(doc.text[e.start : e.end] == e.text for e in doc.events)


def test_rebuild_gives_every_token_its_offsets():
    text, offsets = rebuild([["It", "did", "n't", "(", "quite", ")", "work"], ["''", "Yes", "."]])
    assert text == 'It didn\'t (quite) work" Yes.'  # the moved quote ends the sentence: no stop added
    words = ["It", "did", "n't", "(", "quite", ")", "work", '"', "Yes", "."]
    assert [text[s:e] for sent in offsets for s, e in sent] == words


def test_a_line_without_six_columns_is_an_input_error(tmp_path):
    path = tmp_path / "bad.conll"
    path.write_text("1\tArmy\t_\t_\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.conll:1: not a MEANTIME CoNLL line"):
        read_conll(path)


def test_directories_give_their_conll_files_in_order(tmp_path, conll_file):
    (tmp_path / "0001_first.xml.conll").write_text(conll_text(), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not data", encoding="utf-8")
    assert [p.name for p in conll_paths([tmp_path])] == ["0001_first.xml.conll", conll_file.name]
    assert [d.id for d in load_conll([tmp_path], limit=1)] == ["0001_first"]
    with pytest.raises(InputError, match="no such file"):
        conll_paths([tmp_path / "missing"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no .conll files"):
        conll_paths([tmp_path / "empty"])


# ---------------------------------------------------------------------------- scoring


def test_prf_counts_and_rounds():
    assert prf([True, True, False, False], [True, False, True, False]) == {
        "gold": 2, "predicted": 2, "correct": 1, "P": 0.5, "R": 0.5, "F1": 0.5,
    }
    assert prf([False, False], [False, False])["F1"] == 0.0  # nothing to find, nothing found


def test_class_scores_macro_averages_the_classes():
    pairs = [("CERTAIN", "CERTAIN"), ("CERTAIN", "CERTAIN"), ("CERTAIN", "POSSIBLE"), ("POSSIBLE", "POSSIBLE"),
             ("PROBABLE", "CERTAIN")]
    got = class_scores(pairs, ev.CERTAINTY_CLASSES)
    assert got["CERTAIN"]["F1"] == 0.667  # P 2/3, R 2/3
    assert got["POSSIBLE"]["F1"] == 0.667  # P 1/2, R 1
    assert got["PROBABLE"]["F1"] == 0.0
    assert got["macro"] == {"gold": 5, "predicted": 5, "correct": 3, "P": 0.389, "R": 0.556, "F1": 0.445}


def judged(gold_cert, got_cert, gold_pol="POS", got_pol="POS", sentence="It happened."):
    event = GoldEvent("1", 0, 2, "It", gold_cert, gold_pol, "NON_FUTURE", 0)
    return Judged("d", event, sentence, got_cert, got_pol, *hedge_baseline(sentence))


def test_scores_leave_underspecified_gold_out_and_pool_the_non_certain():
    items = [
        judged("CERTAIN", "CERTAIN"),
        judged("CERTAIN", "PROBABLE"),
        judged("PROBABLE", "POSSIBLE", sentence="It may happen."),  # right as non-certain, wrong class
        judged("POSSIBLE", "POSSIBLE"),
        judged("UNDERSPECIFIED", "POSSIBLE", "UNDERSPECIFIED", "NEG"),  # in no line
        judged("CERTAIN", "CERTAIN", "NEG", "NEG", sentence="It did not happen."),
    ]
    table = scores(items)
    assert table["certainty CERTAIN"]["gold"] == 3
    assert table[ev.NON_CERTAIN_LINE] == {
        "gold": 2, "predicted": 3, "correct": 2, "P": 0.667, "R": 1.0, "F1": 0.8, "target": ev.NON_CERTAIN_TARGET,
    }
    assert table["non-certain, hedge-word baseline"]["correct"] == 1  # "may"
    assert table["polarity NEG"] == {
        "gold": 1, "predicted": 1, "correct": 1, "P": 1.0, "R": 1.0, "F1": 1.0, "target": None,
    }
    assert table["polarity NEG, negation-word baseline"]["correct"] == 1
    assert sum(n["gold"] for k, n in table.items() if k.startswith("certainty ") and "macro" not in k) == 5
    assert len({tuple(row) for row in table.values()}) == 1  # one set of columns for the printed table


def test_the_baseline_looks_only_for_words():
    assert hedge_baseline("Troops may have entered the city.") == ("POSSIBLE", "POS")
    assert hedge_baseline("They didn't confirm it.") == ("CERTAIN", "NEG")
    assert hedge_baseline("The army will attack.") == ("CERTAIN", "POS")  # "will" is not a hedge word


def test_a_mistake_is_a_wrong_value_where_gold_has_one():
    assert is_mistake(judged("CERTAIN", "POSSIBLE"))
    assert is_mistake(judged("CERTAIN", "CERTAIN", "NEG", "POS"))
    assert not is_mistake(judged("UNDERSPECIFIED", "POSSIBLE", "UNDERSPECIFIED", "NEG"))


def hand_document(gold, text=None) -> Document:
    """The Document sitreps would make of a gold file, by hand: no tokens, only claims."""
    text = gold.text if text is None else text
    start = text.index("Officials")
    end = text.index("city.") + 5
    claim = Claim(start, end, text[start:end], "possible", cue=Mention(text.index("may"), text.index("may") + 3, "may"))
    return Document(article=Article(id="t", text=text), text=text, claims=(claim,))


def test_judge_doc_asks_event_certainty_at_each_mention(conll_file):
    gold = read_conll(conll_file)
    found = {j.event.text: (j.certainty, j.polarity) for j in judge_doc(gold, hand_document(gold))}
    assert found["entered"] == ("POSSIBLE", "POS")  # no parse: the claim's class decides
    assert found["shells"] == ("CERTAIN", "POS")


def test_judge_doc_follows_a_cleaner_that_changed_the_text(conll_file):
    gold = read_conll(conll_file)
    cut = gold.text.replace("March 3, 2024. ", "")  # as if the cleaner had removed the date line
    judged_ = judge_doc(gold, hand_document(gold, cut))
    assert all(j.placed for j in judged_)
    assert {j.event.text: j.certainty for j in judged_}["entered"] == "POSSIBLE"
    lost = judge_doc(gold, hand_document(gold, gold.text.replace("Army shells port. ", "")))
    assert [j.event.text for j in lost if not j.placed] == ["shells"]
    assert any("cleaner cut" in n for n in ev.notes([gold], lost))


# ---------------------------------------------------------------------------- with the model


@pytest.mark.model
def test_a_run_on_a_tiny_file(conll_file, nlp_model):
    from sitreps.gazetteer import MemoryGazetteer
    from sitreps.pipeline import Context
    from sitreps.settings import load_settings

    ctx = Context(load_settings(), gazetteer_=MemoryGazetteer([]), nlp_=nlp_model)
    docs = load_conll([conll_file])
    ticks, mistakes = [], []
    table, notes = ev.evaluate_docs(docs, ctx, on_doc=lambda: ticks.append(1), mistakes=mistakes)
    assert ticks == [1]
    assert table[ev.NON_CERTAIN_LINE]["gold"] == 1
    assert table[ev.NON_CERTAIN_LINE]["correct"] == 1  # "may have entered"
    assert table["polarity NEG"]["correct"] == 1  # "didn't confirm"
    assert any("leave out 1 mentions" in n for n in notes)
    assert all(m["dataset"] == "MEANTIME" and m["gold"] != m["got"] for m in mistakes)


# ---------------------------------------------------------------------------- the real files


@pytest.mark.shared
def test_the_meantime_files_load_whole(shared_dir):
    folder = shared_dir / "data/factuality/meantime_en"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    docs = load_conll([folder])
    events = [e for d in docs for e in d.events]
    assert len(docs) == 83 and len(events) == 1413
    assert all(d.text[e.start : e.end] == e.text for d in docs for e in d.events)
    assert {e.certainty for e in events} == {"CERTAIN", "PROBABLE", "POSSIBLE", "UNDERSPECIFIED"}
    assert {e.polarity for e in events} == {"POS", "NEG", "UNDERSPECIFIED"}
