"""One bad record never sinks a batch: a stage that raises, a worker that dies and a record that
runs past its time budget each cost only that record, and the next one is analysed as usual."""

from __future__ import annotations

import os
import signal
import time
from dataclasses import replace

import pytest

from sitreps.isolation import Workers
from sitreps.pipeline import Context, Pipeline, Stage
from sitreps.records import Note
from sitreps.settings import load_settings
from sitreps.stages.read import article_from_text


def _misbehave(doc, ctx):
    text = doc.article.text
    if "RAISE" in text:
        raise KeyError("a bug")
    if "DIE" in text:
        os.kill(os.getpid(), signal.SIGKILL)
    if "SLOW" in text:
        time.sleep(30)
    return replace(doc, text=text.upper())


@pytest.fixture
def pipeline():
    return Pipeline(Context(load_settings()), stages=(Stage("misbehave", _misbehave, ("article",), ("text",)),))


def _codes(doc):
    return [n.code for n in doc.notes if n.level == "error"]


def test_a_stage_that_raises_fails_only_its_record(pipeline):
    bad = pipeline(article_from_text("RAISE please", id="bad"))
    assert _codes(bad) == ["pipeline.crash"] and "KeyError" in bad.notes[-1].detail and "misbehave" in bad.notes[-1].detail
    assert pipeline(article_from_text("fine", id="ok")).text == "FINE"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the time budget needs fork")
def test_a_record_past_its_budget_is_stopped_and_the_next_gets_a_fresh_worker(pipeline):
    with Workers(pipeline, seconds=1) as run:
        assert run.budgeted
        docs = [run(article_from_text(t, id=str(i))) for i, t in enumerate(["one", "SLOW one", "DIE now", "two", "RAISE"])]
    assert [_codes(d) for d in docs] == [[], ["pipeline.timeout"], ["pipeline.crash"], [], ["pipeline.crash"]]
    assert docs[0].text == "ONE" and docs[3].text == "TWO"
    assert "signal 9" in docs[2].notes[-1].detail


def test_no_budget_runs_records_in_this_process(pipeline):
    with Workers(pipeline, seconds=0) as run:
        assert not run.budgeted
        assert run(article_from_text("here", id="x")).text == "HERE"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked")
def test_several_workers_hand_back_every_record_in_input_order(pipeline):
    texts = [f"record {k}" for k in range(40)]
    texts[5], texts[17], texts[30] = "SLOW five", "DIE seventeen", "RAISE thirty"
    articles = [article_from_text(t, id=str(i)) for i, t in enumerate(texts)]
    with Workers(pipeline, seconds=1, workers=3) as pool:
        assert pool.budgeted and pool.start_method == "fork"
        docs = list(pool.imap(articles))
    assert [d.article.id for d in docs] == [str(i) for i in range(40)]
    assert _codes(docs[5]) == ["pipeline.timeout"] and _codes(docs[17]) == ["pipeline.crash"]
    assert _codes(docs[30]) == ["pipeline.crash"]
    fine = [i for i in range(40) if i not in (5, 17, 30)]
    assert all(docs[i].text == texts[i].upper() and not _codes(docs[i]) for i in fine)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked")
def test_workers_without_a_budget_still_share_the_records(pipeline):
    articles = [article_from_text(f"text {k}", id=str(k)) for k in range(12)]
    with Workers(pipeline, seconds=0, workers=2) as pool:
        assert not pool.budgeted
        docs = list(pool.imap(articles))
        pids = {s._proc.pid for s in pool._slots if s._proc is not None}
    assert [d.text for d in docs] == [f"TEXT {k}" for k in range(12)]
    assert len(pids) == 2 and os.getpid() not in pids


def test_a_record_the_reader_refused_is_handed_back_unanalysed(pipeline):
    refused = replace(article_from_text("never read", id="r"),
                      notes=(Note("read", "read.bad_json", "not JSON", "error"),))
    with Workers(pipeline, seconds=1, workers=2) as pool:
        docs = list(pool.imap([article_from_text("first", id="a"), refused, article_from_text("last", id="b")]))
    assert [d.article.id for d in docs] == ["a", "r", "b"]
    assert docs[1].text == "" and _codes(docs[1]) == ["read.bad_json"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked")
def test_records_already_analysed_are_handed_back_as_they_are_and_start_no_worker(pipeline, monkeypatch):
    from test_store import make_doc

    def no_model():
        raise AssertionError("the model was loaded for records that needed none")

    monkeypatch.setattr(pipeline, "warm", no_model)  # what forking a worker does first
    done = [make_doc(f"done-{k}") for k in range(12)]
    with Workers(pipeline, seconds=1, workers=2) as pool:
        assert list(pool.imap(done)) == done
        assert pool._slots == []
    with Workers(pipeline, seconds=0, workers=1) as pool:
        assert list(pool.imap(done)) == done
    monkeypatch.undo()
    with Workers(pipeline, seconds=1, workers=2) as pool:  # among articles, in input order
        docs = list(pool.imap([done[0], article_from_text("raw", id="r"), done[1]]))
    assert docs[0] is done[0] and docs[2] is done[1] and docs[1].text == "RAW"


def test_where_fork_is_missing_the_workers_are_spawned_and_build_their_own_pipeline(pipeline, monkeypatch):
    import sitreps.isolation as isolation

    real = isolation._context
    monkeypatch.setattr(isolation, "_context", lambda method: None if method == "fork" else real(method))
    articles = [article_from_text(t, id=str(i)) for i, t in enumerate(["one", "RAISE", "two", "three"])]
    with Workers(pipeline, seconds=20, workers=2) as pool:
        assert pool.start_method == "spawn"
        docs = list(pool.imap(articles))
    assert [d.text for d in docs] == ["ONE", "", "TWO", "THREE"]
    assert _codes(docs[1]) == ["pipeline.crash"]
