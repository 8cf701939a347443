"""The clusters evaluation: B-cubed, pairwise and false-merge scores on tiny clusterings with
values worked out by hand, the loader on files the tests write, the baseline and the tuning on
hand-made summaries (no model), and the real ECB+ file when ../shared is there."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sitreps.errors import InputError
from sitreps.evaluation import clusters as ce
from sitreps.evaluation.clusters import GoldDoc, average_link, bcubed, false_merges, measure, pairwise
from sitreps.linking import DocSummary

GOLD = {"a": "1", "b": "1", "c": "2"}


def test_bcubed_by_hand():
    # a alone; b and c together. Precision: a 1, b 1/2, c 1/2 -> 2/3. Recall: a 1/2, b 1/2, c 1 -> 2/3.
    p, r, f = bcubed({"a": "x", "b": "y", "c": "y"}, GOLD)
    assert (p, r, f) == pytest.approx((2 / 3, 2 / 3, 2 / 3))
    assert bcubed(GOLD, GOLD) == (1.0, 1.0, 1.0)
    # everything in one cluster: precision a 2/3, b 2/3, c 1/3 -> 5/9; recall 1
    assert bcubed({"a": "z", "b": "z", "c": "z"}, GOLD) == pytest.approx((5 / 9, 1.0, 2 * 5 / 9 / (5 / 9 + 1)))
    # singletons: precision 1; recall a 1/2, b 1/2, c 1 -> 2/3
    assert bcubed({"a": "a", "b": "b", "c": "c"}, GOLD)[:2] == pytest.approx((1.0, 2 / 3))


def test_pairwise_by_hand():
    gold = {"a": "1", "b": "1", "c": "1", "d": "2"}
    # predicted pairs: ab, ac, bc (right), cd... pred {a,b} {c,d}: pairs ab (right), cd (wrong)
    p, r, f = pairwise({"a": "x", "b": "x", "c": "y", "d": "y"}, gold)
    assert (p, r) == pytest.approx((1 / 2, 1 / 3))  # gold pairs ab ac bc: one found
    assert f == pytest.approx(2 * (1 / 2) * (1 / 3) / (1 / 2 + 1 / 3))
    assert pairwise({"a": "x", "b": "y", "c": "y"}, GOLD) == (0.0, 0.0, 0.0)
    assert pairwise({"a": "a", "b": "b"}, {"a": "1", "b": "2"}) == (1.0, 1.0, 1.0)  # nothing to find


def test_scores_refuse_clusterings_of_different_items():
    with pytest.raises(ValueError):
        bcubed({"a": "x"}, GOLD)
    with pytest.raises(ValueError):
        pairwise({}, {})


def test_false_merges_split_by_topic():
    gold = {"a": "1_1", "b": "1_1", "c": "1_2", "d": "2_1"}
    topic = {"a": 1, "b": 1, "c": 1, "d": 2}
    # one predicted cluster of all four: 6 pairs, ab right; ac bc join the two events of topic 1;
    # ad bd cd join topics
    merges = false_merges({k: "all" for k in gold}, gold, topic)
    assert merges == {"pairs": 6, "false_merge_%": 83.3, "same_topic_%": 33.3, "other_topic_%": 50.0}
    assert false_merges(gold, gold, topic)["false_merge_%"] == 0.0
    assert false_merges({k: k for k in gold}, gold, topic)["false_merge_%"] is None  # no pairs predicted


def docs(*rows: tuple[str, int, str]) -> list[GoldDoc]:
    return [GoldDoc(i, t, c, f"text of {i}") for i, t, c in rows]


def test_measure_and_mistakes():
    gold = docs(("a", 1, "1_1"), ("b", 1, "1_1"), ("c", 1, "1_2"))
    row = measure({"a": "x", "b": "y", "c": "y"}, gold, 0.2)
    assert row["bcubed_f1"] == 0.667 and row["clusters"] == 2 and row["gold_clusters"] == 2
    assert row["same_topic_%"] == 100.0 and row["threshold"] == 0.2
    found = ce.mistakes_of({"a": "x", "b": "y", "c": "y"}, gold, "run")
    assert {"run": "run", "kind": "merged", "predicted": "y", "gold": {"1_1": ["b"], "1_2": ["c"]}} in found
    assert {"run": "run", "kind": "split", "gold": "1_1", "predicted": {"x": ["a"], "y": ["b"]}} in found
    assert len(found) == 2


def test_mean_row():
    rows = [{"docs": 4, "clusters": 2, "bcubed_f1": 0.5, "threshold": None},
            {"docs": 4, "clusters": 3, "bcubed_f1": 0.7, "threshold": None}]
    assert ce.mean_row(rows) == {"docs": 4, "clusters": 2.5, "bcubed_f1": 0.6, "threshold": None}


def write(tmp_path, lines: list) -> str:
    path = tmp_path / "docs.jsonl"
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    return str(path)


def test_load_docs(tmp_path):
    path = write(tmp_path, [
        {"doc_id": "1_1ecb", "topic": 1, "subtopic": 1, "cluster_id": "1_1", "text": "One."},
        "",
        {"doc_id": "1_2ecb", "topic": "1", "subtopic": 1, "cluster_id": "1_1", "text": "Two."},
    ])
    assert ce.load_docs(path) == [GoldDoc("1_1ecb", 1, "1_1", "One."), GoldDoc("1_2ecb", 1, "1_1", "Two.")]
    assert len(ce.load_docs(path, limit=1)) == 1


@pytest.mark.parametrize("lines, message", [
    (["{not json"], "not JSON"),
    ([["a list"]], "JSON object"),
    ([{"doc_id": "a", "topic": 1, "text": "x"}], "lacks cluster_id"),
    ([{"doc_id": "a", "topic": "one", "cluster_id": "1", "text": "x"}], "topic is not a whole number"),
    ([{"doc_id": "a", "topic": 1, "cluster_id": "1", "text": "x"}] * 2, "appears twice"),
    ([""], "no documents"),
])
def test_load_docs_errors(tmp_path, lines, message):
    with pytest.raises(InputError, match=message):
        ce.load_docs(write(tmp_path, lines))


def test_average_link_cuts_at_the_average_similarity():
    # a-b 0.9, c close to b (0.5) but not to a (0.1): average from {a,b} to c is 0.3
    sim = np.array([[1.0, 0.9, 0.1], [0.9, 1.0, 0.5], [0.1, 0.5, 1.0]])
    assert average_link(sim, ["a", "b", "c"], 0.35) == {"a": "a", "b": "a", "c": "c"}
    assert average_link(sim, ["a", "b", "c"], 0.25) == {"a": "a", "b": "a", "c": "a"}
    assert average_link(sim, ["a", "b", "c"], 0.95) == {"a": "a", "b": "b", "c": "c"}
    assert average_link(np.ones((1, 1)), ["a"], 0.5) == {"a": "a"}


def test_tfidf_similarities():
    sim = ce.tfidf_similarities(["missile strike on the port", "the port hit by a missile strike", "football final"])
    assert sim[0, 0] == pytest.approx(1.0)
    assert sim[0, 1] > 0.5 and sim[0, 2] == 0.0


def test_tune_picks_the_best_threshold_and_the_lowest_among_equals():
    gold = docs(("a", 1, "1"), ("b", 1, "1"), ("c", 2, "2"))

    def run(t):
        together = {"a": "a", "b": "a", "c": "c"}
        return [together if 0.2 <= t <= 0.4 else {"a": "a", "b": "a", "c": "a"}]

    assert ce.tune(run, gold, [0.1, 0.2, 0.3, 0.4, 0.5]) == 0.2


STORIES = {
    1: ("Missile strike on the port of Odesa damages grain terminal, three dock workers killed",
        "Football club wins the cup final after extra time in a tense match"),
    2: ("Flooding in the river valley forces thousands of residents from their homes",
        "Parliament passes the budget after a long night of debate on taxes"),
    3: ("Wildfire spreads across the hills and destroys dozens of houses near the coast",
        "Central bank raises interest rates to slow inflation, markets fall"),
    4: ("Earthquake shakes the island, buildings collapse and rescuers search the rubble",
        "Tennis champion retires after losing in the first round of the open"),
}


def test_evaluate_on_hand_made_summaries():
    gold, items = [], []
    for topic, (first, second) in STORIES.items():
        for sub, story in ((1, first), (2, second)):
            words = story.split()
            for k, text in enumerate((story, " ".join(words[1:]), " ".join(words[:-1]))):  # three reports
                doc_id = f"{topic}_{sub}_{k}"
                gold.append(GoldDoc(doc_id, topic, f"{topic}_{sub}", text))
                items.append(DocSummary(doc_id, text, lead=text))
    steps = []
    rows, notes = ce.evaluate(gold, items, on_step=lambda: steps.append(1))
    assert len(steps) == ce.steps(gold) == 5
    assert rows["linker, held out: both halves"]["bcubed_f1"] == 1.0
    assert rows["TF-IDF baseline, held out: both halves"]["bcubed_f1"] == 1.0
    assert rows["linker, held out: even topics (tuned on odd)"]["docs"] == 12
    assert any("Target" in n for n in notes)


@pytest.mark.shared
def test_the_ecbplus_dev_file_loads(shared_dir):
    path = shared_dir / "data/clustering/ecbplus_docs.dev.jsonl"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    loaded = ce.load_docs(path)
    assert len(loaded) > 100
    assert all(d.text for d in loaded)
    by_topic: dict[int, set[str]] = {}
    for d in loaded:
        by_topic.setdefault(d.topic, set()).add(d.cluster)
    assert all(len(c) == 2 for c in by_topic.values())  # two events per topic, as the README says
