"""Quality floors: a fast slice of each evaluation command, run on the real annotated data in
../shared, must score at least what it scored when its floor was last raised.

The full evaluations are the `make eval-*` commands (docs/evaluation.md). These slices take about
a minute together, so CI catches a change that makes sitreps worse. A change that scores higher
should raise the floor in the same commit: floors only go up (STYLE.md, 9). The pipeline is
deterministic for one model and gazetteer version, so a floor is the measured value itself.
Skipped, with a message, when ../shared is absent.
"""

from __future__ import annotations

import json

import pytest

from sitreps.pipeline import Context
from sitreps.settings import load_settings

pytestmark = [pytest.mark.shared, pytest.mark.model]


@pytest.fixture(scope="module")
def ctx():
    return Context(load_settings())


def at_least(measured: dict[str, float], floors: dict[str, float]) -> None:
    below = {k: (measured[k], floor) for k, floor in floors.items() if measured[k] is None or measured[k] < floor}
    assert not below, f"below the floor (measured, floor): {below}; every measure: {measured}"


def test_place_resolution_with_gold_spans(shared_dir, ctx):
    # `make eval-geo`, resolution part: all four geoparsing dev sets, no model (about 6 s)
    from sitreps.evaluation.geo import evaluate_resolution, load_gold

    docs = load_gold(sorted((shared_dir / "data/geo").glob("*.dev.jsonl")))
    table = evaluate_resolution(docs, ctx.gazetteer, ctx.settings)
    at_least(
        {name: row["within_161km"] for name, row in table.items()},
        {"GWN": 71.7, "GeoVirus": 78.1, "LGL": 83.9, "TRNEWS": 89.3},
    )


def test_geoparsing_end_to_end_on_geowebnews(shared_dir, ctx):
    # `make eval-geo`, end to end, GeoWebNews only (about 15 s)
    from sitreps.evaluation.geo import evaluate_end_to_end, load_gold

    docs = [d for d in load_gold([shared_dir / "data/geo/gwn.dev.jsonl"]) if d.dataset == "GWN"]
    row = evaluate_end_to_end(docs, ctx)["GWN"]
    at_least({"f1_161km": row["f1_161km"]}, {"f1_161km": 0.576})


def test_ucdp_event_location(shared_dir, ctx):
    # `make eval-ucdp` without the postal file: all 372 precise rows (about 15 s)
    from sitreps.evaluation.ucdp import evaluate_locations, load_rows

    table = evaluate_locations(load_rows([shared_dir / "data/events/ucdp_ged_ukraine.dev.csv"]), ctx)
    every = table["all precise rows"]
    given = table["headline names the place or its oblast"]
    at_least(
        {"within_10km": every["within_10km"], "right_oblast": every["right_oblast"],
         "right_oblast where given": given["right_oblast"]},
        {"within_10km": 33.9, "right_oblast": 77.7, "right_oblast where given": 94.7},
    )


def test_attributions_on_the_first_polnear_dev_documents(shared_dir, ctx):
    # `make eval-quotes` on its first 30 documents (about 10 s)
    from sitreps.evaluation.quotes import evaluate_quotes, load_gold

    table = evaluate_quotes(load_gold(shared_dir / "data/quotes/polnear.dev.jsonl", limit=30), ctx)["quotes only"]
    at_least(
        {k: table[k]["f1"] for k in ("source, exact (all)", "content, token overlap (all)", "cue, exact (all)")},
        {"source, exact (all)": 0.717, "content, token overlap (all)": 0.738, "cue, exact (all)": 0.667},
    )


def test_certainty_and_polarity_on_meantime(shared_dir, ctx):
    # `make eval-certainty`, whole (about 8 s)
    from sitreps.evaluation import certainty

    folder = shared_dir / "data/factuality/meantime_en"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    table, _ = certainty.evaluate_docs(certainty.load_conll([folder]), ctx)
    at_least(
        {"non-certain": table[certainty.NON_CERTAIN_LINE]["F1"], "polarity NEG": table["polarity NEG"]["F1"]},
        {"non-certain": 0.712, "polarity NEG": 0.822},
    )


def test_events_of_fully_annotated_articles(shared_dir, ctx):
    # `make eval-articles`: the 40 articles whose every event is coded by hand (about 10 s)
    from sitreps.evaluation import articles as ev
    from sitreps.evaluation.sentences import load_articles

    ids, gold = ev.load_gold()
    texts = load_articles(shared_dir / "data/articles/ukraine_war_news_2022_2023.jsonl", set(ids))
    every = ev.evaluate(ids, gold, texts, ctx)["all"]
    at_least({k: every[k] for k in ("precision", "recall", "F1", "date", "all four")},
             # the adjudicated gold (session 18) dates a page stamped three weeks before the events it
             # reports by its text; the times stage reads it from there too (`early_stamp`)
             {"precision": 0.93, "recall": 0.70, "F1": 0.80, "date": 0.93, "all four": 0.90})


def test_both_annotations_of_the_article_gold_are_sound(shared_dir):
    # the gold and the second annotator's coding of the same 40 articles: offsets inside the text,
    # known types, dates, manifests that count every event; then their agreement (`make eval-agreement`)
    from sitreps.evaluation import articles as ev

    articles = {}
    with (shared_dir / "data/articles/ukraine_war_news_2022_2023.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            articles[row["id"]] = row
    assert ev.check_gold(ev.GOLD, articles, ev.GOLD_DOCS) == []
    assert ev.check_gold(ev.SECOND, articles, ev.SECOND_DOCS) == []
    ids, gold = ev.load_gold()
    coded, second = ev.load_gold(ev.SECOND, ev.SECOND_DOCS)
    assert coded == ids
    texts = {a: (None, articles[a]["text"]) for a in ids}
    every = ev.agreement(ids, gold, second, texts)["all"]
    at_least({k: every[k] for k in ("F1", "type")}, {"F1": 0.9, "type": 0.95})
