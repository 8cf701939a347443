"""One bad record never sinks a batch: a stage that raises, a worker that dies and a record that
runs past its time budget each cost only that record, and the next one is analysed as usual."""

from __future__ import annotations

import os
import signal
import time
from dataclasses import replace

import pytest

from sitreps.isolation import Isolated
from sitreps.pipeline import Context, Pipeline, Stage
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
    with Isolated(pipeline, seconds=1) as run:
        assert run.budgeted
        docs = [run(article_from_text(t, id=str(i))) for i, t in enumerate(["one", "SLOW one", "DIE now", "two", "RAISE"])]
    assert [_codes(d) for d in docs] == [[], ["pipeline.timeout"], ["pipeline.crash"], [], ["pipeline.crash"]]
    assert docs[0].text == "ONE" and docs[3].text == "TWO"
    assert "signal 9" in docs[2].notes[-1].detail


def test_no_budget_runs_records_in_this_process(pipeline):
    with Isolated(pipeline, seconds=0) as run:
        assert not run.budgeted
        assert run(article_from_text("here", id="x")).text == "HERE"
