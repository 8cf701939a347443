"""Linking on hand-written texts and hand-made summaries (no model): near-duplicates, the pair
evidence, blocking, the incremental linker against the all-pairs reference, cluster reports."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import ClassVar

import pytest

from sitreps.linking import (
    Blocks,
    Copies,
    DocSummary,
    EventSummary,
    Evidence,
    Linker,
    LinkSettings,
    compatible,
    day_range,
    describe,
    event_match,
    evidence,
    group_events,
    link,
    near_duplicates,
    outlet_of,
    pair_score,
    shingles,
    summarise,
    summary_dict,
    summary_from_dict,
)
from sitreps.linking.linker import average_link
from sitreps.linking.similarity import main_people, people_differ
from sitreps.linking.summaries import person_key
from sitreps.records import (
    ActorMention,
    Article,
    Count,
    Document,
    Entity,
    Event,
    Place,
    Span,
    TimeExpr,
)

WIRE = (
    "Rockets hit the port of Odesa early on Tuesday, damaging a grain terminal and two warehouses, "
    "the regional governor said. Three dock workers were killed and eleven people were wounded, "
    "according to the emergency service, which said fires at the terminal were put out by noon. "
    "The governor said air defences shot down four of the six missiles launched from the sea. "
    "The port had resumed grain shipments only last month after a pause of several weeks."
)
# the same wire story re-published: a headline and a line of boilerplate added
COPY = "Port of Odesa hit by rockets. " + WIRE + " Follow our live coverage for updates."
# the same incident in another outlet's own words
OWN_WORDS = (
    "A missile strike on Odesa's harbour on Tuesday morning left three port employees dead, officials "
    "reported. Eleven others needed hospital treatment. A grain facility was badly damaged, and "
    "two storage buildings burned for hours before firefighters contained the blaze."
)


def test_shingles_are_word_sequences():
    assert shingles("One two three four five six", 5) == {"one two three four five", "two three four five six"}
    assert shingles("Too short", 5) == {"too short"}
    assert shingles("", 5) == set()


def test_a_republished_wire_story_is_a_copy_and_a_rewrite_is_not():
    assert near_duplicates([("wire", WIRE), ("copy", COPY), ("own", OWN_WORDS)]) == [("wire", "copy")]


def test_copies_name_the_first_text_of_their_group():
    copies = Copies()
    assert copies.add("wire", WIRE) == "wire"
    assert copies.add("own", OWN_WORDS) == "own"
    assert copies.add("copy", COPY) == "wire"
    assert copies.add("copy-of-copy", COPY + " Updated.") == "wire"
    assert copies.groups() == [("wire", "copy", "copy-of-copy")]
    with pytest.raises(ValueError):
        copies.add("wire", WIRE)


def test_the_copy_threshold_is_a_setting():
    strict = LinkSettings(copy_jaccard=0.95)
    assert near_duplicates([("wire", WIRE), ("copy", COPY)], strict) == []


def test_day_ranges():
    assert day_range("2022-10-11") == (date(2022, 10, 11), date(2022, 10, 11))
    assert day_range("2022-10-11T05:00") == (date(2022, 10, 11), date(2022, 10, 11))
    assert day_range("2022-02") == (date(2022, 2, 1), date(2022, 2, 28))
    assert day_range("2022-12") == (date(2022, 12, 1), date(2022, 12, 31))
    assert day_range("2022-10-10/2022-10-16") == (date(2022, 10, 10), date(2022, 10, 16))
    for coarse in ("2022", "P3D", "2022-W41", None, "", "2022-13"):
        assert day_range(coarse) is None


def test_outlet_is_the_host():
    assert outlet_of("https://www.example.com/news/1") == "example.com"
    assert outlet_of(None) is None


# ---------------------------------------------------------------------------- evidence

KYIV = (50.45, 30.52)
IRPIN = (50.52, 30.25)  # about 20 km from Kyiv
LVIV = (49.84, 24.03)  # about 470 km from Kyiv


def ev(type="Explosions/Remote violence", at=KYIV, day=None, actors=(), killed=None, id="e"):
    lat, lon = at if at else (None, None)
    return EventSummary(id, type, lat, lon, day, day, tuple(actors), killed)


def doc(id, text="", *, outlet=None, published=None, dates=(), events=(), names=()):
    return DocSummary(id, text, outlet=outlet, published=published, dates=tuple(dates), events=tuple(events),
                      names=tuple(names))


S = LinkSettings()
D1 = date(2022, 10, 10)


def test_events_match_on_type_place_time_and_actors():
    assert event_match(ev(), ev(at=IRPIN), S)
    assert not event_match(ev(), ev(at=LVIV), S)
    assert not event_match(ev(), ev(type="Battles"), S)
    assert event_match(ev(day=D1), ev(day=D1 + timedelta(days=1)), S)  # a day's slack
    assert not event_match(ev(day=D1), ev(day=D1 + timedelta(days=3)), S)
    assert not event_match(ev(actors=["RUS.MIL"]), ev(actors=["UKR.MIL"]), S)
    assert event_match(ev(actors=["RUS.MIL"]), ev(actors=["RUS.MIL", "CIV"]), S)
    # what one side does not state does not count against it
    assert event_match(ev(at=None, day=None), ev(at=LVIV, day=D1, actors=["UKR.MIL"]), S)


def test_evidence_is_plus_one_minus_one_or_zero():
    week = (D1, D1)
    a = doc("a", dates=[week], events=[ev()])
    same = doc("b", dates=[(D1 + timedelta(days=3), D1 + timedelta(days=3))], events=[ev(at=IRPIN)])
    other = doc("c", dates=[(D1 + timedelta(days=60), D1 + timedelta(days=60))], events=[ev(at=LVIV)])
    silent = doc("d")
    assert evidence(a, same, 0.4, S) == Evidence(0.4, 1, 1)
    assert evidence(a, other, 0.4, S) == Evidence(0.4, -1, -1)
    assert evidence(a, silent, 0.4, S) == Evidence(0.4, 0, 0)
    assert pair_score(Evidence(0.4, 1, -1), S) == pytest.approx(0.4 + S.dates - S.events)


def test_a_person_is_the_last_word_of_the_name():
    assert person_key("Tara Reid") == person_key("REID") == person_key("Reid's") == "reid"
    assert person_key("Arcade Joseph Comeaux Jr.") == "comeaux"
    assert person_key("Jim O'Brien") == "brien"
    assert person_key("Володимир Зеленський") == "зеленський"
    assert person_key("J.") is None and person_key("") is None and person_key("42") is None


def test_people_differ_when_each_text_is_about_someone_the_other_never_names():
    reid = ("reid", "reid", "ketsoyan")  # Tara Reid most, her agent once
    lohan = ("lohan", "holley", "lohan")
    assert main_people(reid) == (frozenset({"reid"}), frozenset({"reid", "ketsoyan"}))
    assert main_people(("a", "b")) == (frozenset({"a", "b"}), frozenset({"a", "b"}))  # a tie: both
    assert people_differ(reid, lohan) and people_differ(lohan, reid)
    assert not people_differ(reid, ("lohan", "lohan", "reid"))  # the other names her, if less
    assert not people_differ(reid, reid)
    assert not people_differ(reid, ())  # naming nobody is no evidence
    a = doc("a", names=("x",))
    assert evidence(replace(a, people=reid), replace(a, id="b", people=lohan), 0.4, S) == Evidence(0.4, 0, 0, -1)
    assert evidence(replace(a, people=reid), replace(a, id="b", people=reid), 0.4, S) == Evidence(0.4, 0, 0, 0)
    assert pair_score(Evidence(0.4, 0, 0, -1), S) == pytest.approx(0.4 - S.people)


def test_summaries_keep_their_people_when_stored():
    s = doc("a", "text", published=D1, names=("kyiv",))
    s = replace(s, people=("kiper", "kiper", "zelensky"))
    data = summary_dict(s)
    assert data["people"] == ["kiper", "kiper", "zelensky"]
    assert summary_from_dict(data, "text") == s
    del data["people"]  # stored before people were kept: nobody named, no evidence either way
    assert summary_from_dict(data, "text").people == ()


def test_compatible_needs_a_close_publication_date_and_optionally_close_places():
    a = doc("a", published=D1, events=[ev()])
    assert compatible(a, doc("b", published=D1 + timedelta(days=S.window_days)), S)
    assert not compatible(a, doc("b", published=D1 + timedelta(days=S.window_days + 1)), S)
    assert compatible(a, doc("b"), S)  # undated: could be anything
    far = doc("b", published=D1, events=[ev(at=LVIV)])
    assert compatible(a, far, S)  # places are not a block by default
    assert not compatible(a, far, replace(S, max_km=300))
    assert compatible(a, doc("b", published=D1, events=[ev(at=IRPIN)]), replace(S, max_km=300))


def test_blocks_return_every_compatible_earlier_document():
    settings = replace(S, max_km=300)
    blocks = Blocks(settings)
    rng = random.Random(7)
    docs = []
    for i in range(300):
        published = D1 + timedelta(days=rng.randrange(120)) if rng.random() > 0.1 else None
        places = [] if rng.random() < 0.2 else [ev(at=(rng.uniform(44, 52), rng.uniform(22, 40)))]
        docs.append(doc(str(i), published=published, events=places))
    for i, d in enumerate(docs):
        found = blocks.candidates(d)
        wanted = {j for j in range(i) if compatible(d, docs[j], settings)}
        assert wanted <= found
        blocks.add(d, i)
    # and they prune: a dated, placed document meets far fewer than all
    assert len(blocks.candidates(docs[-1])) < len(docs) / 3 or docs[-1].published is None


# ---------------------------------------------------------------------------- the linker

KYIV_TEXTS = (
    "Russian shelling hit Kyiv overnight, killing 4 civilians and damaging a school and a hospital, officials said.",
    "Five civilians died when Russian artillery shelled Kyiv during the night; a hospital and a school were hit.",
    "Kyiv residents were evacuated after overnight shelling killed at least four civilians near a school.",
)
LVIV_TEXTS = (
    "Ukrainian forces struck a bridge near Lviv on Tuesday with missiles, cutting a supply route, the army said.",
    "The army said its missiles hit a bridge outside Lviv on Tuesday and cut a supply route used by troops.",
)


def two_incidents() -> list[DocSummary]:
    kyiv_day = date(2022, 10, 10)
    lviv_day = date(2022, 10, 11)
    return [
        doc("k1", KYIV_TEXTS[0], outlet="one.example", published=kyiv_day,
            events=[ev(killed=(4, 4), actors=["RUS.MIL"], day=kyiv_day)], names=("kyiv", "4")),
        doc("l1", LVIV_TEXTS[0], outlet="one.example", published=lviv_day,
            events=[ev("Battles", at=LVIV, actors=["UKR.MIL"], day=lviv_day)], names=("lviv", "tuesday")),
        doc("k2", KYIV_TEXTS[1], outlet="two.example", published=kyiv_day,
            events=[ev(killed=(5, 5), actors=["RUS.MIL"], day=kyiv_day)], names=("kyiv", "five")),
        doc("l2", LVIV_TEXTS[1], outlet="three.example", published=lviv_day,
            events=[ev("Battles", at=LVIV, actors=["UKR.MIL"])], names=("lviv", "tuesday")),
        doc("k3", KYIV_TEXTS[2], outlet="three.example", published=kyiv_day + timedelta(days=1),
            events=[ev(at=IRPIN, killed=(4, None))], names=("kyiv", "at least four")),
    ]


def test_two_incidents_told_by_several_outlets_make_two_clusters():
    labels = link(two_incidents())
    assert labels["k1"] == labels["k2"] == labels["k3"] == "k1"
    assert labels["l1"] == labels["l2"] == "l1"


def test_add_returns_the_cluster_id_and_refuses_the_same_document_twice():
    linker = Linker()
    docs = two_incidents()
    assert [linker.add(d) for d in docs] == ["k1", "l1", "k1", "l1", "k1"]
    with pytest.raises(ValueError):
        linker.add(docs[0])
    assert linker.cluster_of("k3") == "k1"
    assert len(linker) == 5


def test_a_cluster_reports_corroboration_incidents_and_disagreements():
    linker = Linker()
    for d in two_incidents():
        linker.add(d)
    kyiv = linker.cluster("k1")
    assert kyiv.documents == ("k1", "k2", "k3")
    assert kyiv.outlets == ("one.example", "three.example", "two.example")
    (incident,) = kyiv.incidents
    assert incident.events == ("e", "e", "e") and incident.documents == ("k1", "k2", "k3")
    assert incident.outlets == kyiv.outlets and incident.unknown == 0
    assert incident.corroboration == kyiv.corroboration == 3
    assert not kyiv.spread.far and kyiv.spread.km == pytest.approx(21, abs=1)
    fields = {d.field: d.values for d in kyiv.disagreements}
    assert fields["fatalities"] == (("k1", "one.example", (4, 4)), ("k2", "two.example", (5, 5)),
                                    ("k3", "three.example", (4, None)))
    assert "actors" not in fields  # k3 names no actor: silence is not disagreement
    lviv = linker.cluster("l1")
    assert lviv.corroboration == 2 and lviv.disagreements == ()


def test_copies_join_their_original_and_count_as_one_source():
    wire = doc("w1", WIRE, outlet="wire.example", published=D1)
    copy = doc("w2", COPY, outlet="paper.example", published=D1 + timedelta(days=1))
    own = doc("o1", OWN_WORDS, outlet="other.example", published=D1)
    linker = Linker(replace(S, threshold=0.9))  # so high that only copies can join
    assert [linker.add(d) for d in (wire, copy, own)] == ["w1", "w1", "o1"]
    cluster = linker.cluster("w1")
    assert cluster.copies == (("w1", "w2"),)
    assert cluster.outlets == ("paper.example", "wire.example")
    assert cluster.incidents == () and cluster.corroboration == 0  # no event: nothing to corroborate
    strike = ev(day=D1, id="strike")
    told = describe("w1", [replace(wire, events=(strike,)), replace(copy, events=(strike,))],
                    {"w1": "w1", "w2": "w1"}, S)  # fmt: skip
    (incident,) = told.incidents
    assert incident.documents == ("w1", "w2")
    assert incident.outlets == ("wire.example",) and incident.corroboration == 1  # a re-published wire story: one source


# ---------------------------------------------------------------------------- corroboration

SEVASTOPOL = (44.62, 33.53)
WASHINGTON = (38.90, -77.04)
KHARKIV = (49.99, 36.23)
KHERSON = (46.64, 32.62)  # about 430 km from Kharkiv


def told(*docs: DocSummary, copies: dict[str, str] | None = None):
    """The report of one cluster of `docs` (linking decided they belong together)."""
    return describe(docs[0].id, list(docs), {d.id: (copies or {}).get(d.id, d.id) for d in docs}, S)


def test_unknown_outlets_are_never_independent_outlets():
    strike = ev(day=D1)
    report = told(doc("a", events=[strike]), doc("b", events=[strike]), doc("c", events=[strike]))
    (incident,) = report.incidents
    assert incident.documents == ("a", "b", "c")
    assert (incident.corroboration, incident.outlets, incident.unknown) == (0, (), 3)
    assert (report.corroboration, report.outlets, report.unknown) == (0, (), 3)
    mixed = told(doc("a", events=[strike]), doc("b", outlet="one.example", events=[strike]), doc("c", events=[strike]))
    (incident,) = mixed.incidents
    assert (incident.corroboration, incident.outlets, incident.unknown) == (1, ("one.example",), 2)


def test_one_outlet_telling_an_incident_twice_is_one_outlet():
    strike = ev(day=D1)
    report = told(doc("a", outlet="one.example", events=[strike]), doc("b", outlet="one.example", events=[strike]),
                  doc("c", outlet="two.example", events=[strike]))  # fmt: skip
    assert report.incidents[0].outlets == ("one.example", "two.example")
    assert report.incidents[0].corroboration == 2


def test_copies_count_once_and_take_a_known_outlet_of_their_group():
    strike = ev(day=D1)
    copies = {"w2": "w1", "w3": "w1"}
    report = told(doc("w1", outlet="wire.example", events=[strike]), doc("w2", outlet="paper.example", events=[strike]),
                  doc("w3", events=[strike]), doc("o1", outlet="other.example", events=[strike]), copies=copies)  # fmt: skip
    (incident,) = report.incidents
    assert incident.outlets == ("other.example", "wire.example") and incident.unknown == 0
    # an original whose outlet is unknown: its copies' known outlet speaks for the group, once
    report = told(doc("w1", events=[strike]), doc("w2", outlet="paper.example", events=[strike]),
                  doc("w3", outlet="daily.example", events=[strike]), copies=copies)  # fmt: skip
    (incident,) = report.incidents
    assert (incident.outlets, incident.unknown) == (("paper.example",), 0)
    # a group of copies with no known outlet is one report, outlet unknown
    report = told(doc("w1", events=[strike]), doc("w2", events=[strike]), copies={"w2": "w1"})
    assert (report.incidents[0].corroboration, report.incidents[0].unknown, report.unknown) == (0, 1, 1)


def test_corroboration_belongs_to_the_incident_not_to_an_over_merged_cluster():
    # one cluster, as text similarity can make it: three outlets tell a strike near Sevastopol,
    # one of them also a protest in Washington a month later
    crimea = ev(at=SEVASTOPOL, day=D1)
    protest = EventSummary("protest", "Protests", *WASHINGTON, D1 + timedelta(days=30), D1 + timedelta(days=30),
                           place="Washington")  # fmt: skip
    report = told(
        doc("a", outlet="one.example", events=[replace(crimea, id="a-crimea", place="Sevastopol"), protest]),
        doc("b", outlet="two.example", events=[replace(crimea, id="b-crimea")]),
        doc("c", outlet="three.example", events=[replace(crimea, id="c-crimea")]),
        doc("d", events=[replace(crimea, id="d-crimea")]),
    )
    crimea_told, protest_told = report.incidents  # most corroborated first
    assert crimea_told.events == ("a-crimea", "b-crimea", "c-crimea", "d-crimea")
    assert (crimea_told.corroboration, crimea_told.unknown) == (3, 1)
    assert protest_told.events == ("protest",) and protest_told.documents == ("a",)
    assert (protest_told.corroboration, protest_told.outlets) == (1, ("one.example",))  # not the cluster's 3
    assert report.corroboration == 3  # the best-told incident's, never a sum over the cluster
    assert report.spread.far and report.spread.km > 7000 and report.spread.days == 30
    assert set(report.spread.places) == {"Sevastopol", "Washington"}


def test_an_unplaced_event_never_chains_two_places_into_one_incident():
    kharkiv, kherson, unplaced = ev(at=KHARKIV, day=D1), ev(at=KHERSON, day=D1), ev(at=None, day=D1)
    docs = [doc("a", outlet="one.example", events=[replace(kharkiv, id="kharkiv")]),
            doc("b", outlet="two.example", events=[replace(unplaced, id="somewhere")]),
            doc("c", outlet="three.example", events=[replace(kherson, id="kherson")])]  # fmt: skip
    events = [(d, e) for d in docs for e in d.events]
    groups = [[e.id for _, e in g] for g in group_events(events, S)]
    # the unplaced report could be either: it joins the first, and Kherson, 430 km away, stays apart
    assert groups == [["kharkiv", "somewhere"], ["kherson"]]
    report = told(*docs)
    assert [i.corroboration for i in report.incidents] == [2, 1]
    assert report.spread.far and report.spread.days == 0


def test_two_events_of_one_report_are_two_incidents():
    strike = ev(day=D1)
    a = doc("a", outlet="one.example", events=[replace(strike, id="a1"), replace(strike, id="a2")])
    b = doc("b", outlet="two.example", events=[replace(strike, id="b1")])
    report = told(a, b)
    assert [i.events for i in report.incidents] == [("a1", "b1"), ("a2",)]
    assert [i.corroboration for i in report.incidents] == [2, 1]
    assert not report.spread.far  # one place, one day: separate events, not separate stories


def test_a_cluster_without_located_or_dated_events_has_no_spread():
    report = told(doc("a", outlet="one.example", events=[ev(at=None)]), doc("b", outlet="two.example"))
    assert (report.spread.km, report.spread.places, report.spread.days, report.spread.far) == (None, None, None, False)


def test_far_publication_dates_are_never_one_incident():
    a = doc("a", KYIV_TEXTS[0], published=D1)
    b = doc("b", "Officials said overnight Russian shelling hit Kyiv, killing 4 civilians; a school and a hospital "
                 "were damaged.", published=D1 + timedelta(days=30))
    assert link([a, b]) == {"a": "a", "b": "b"}
    assert link([a, replace(b, published=D1 + timedelta(days=2))]) == {"a": "a", "b": "a"}
    # a copy is the same report, whenever it was re-published
    copy = doc("c", KYIV_TEXTS[0] + " More soon.", published=D1 + timedelta(days=30))
    assert link([a, copy]) == {"a": "a", "c": "a"}


def test_clusters_merge_when_a_document_joins_them_and_keep_the_older_id():
    # x and z do not reach the threshold together, y is close to both
    x = doc("x", "alpha beta gamma delta epsilon zeta")
    z = doc("z", "eta theta iota kappa lambda mu")
    y = doc("y", "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu")
    linker = Linker(replace(S, threshold=0.2))
    assert linker.add(x) == "x"
    assert linker.add(z) == "z"
    assert linker.add(y) == "x"
    assert linker.labels() == {"x": "x", "z": "x", "y": "x"}
    assert linker.merged == {"z": "x"}
    assert linker.cluster("z").id == "x"


def test_average_link_by_hand():
    table = {(0, 1): 0.9, (0, 2): 0.5, (1, 2): 0.2, (2, 3): 0.8, (0, 3): 0.0, (1, 3): 0.0}
    score = lambda i, j: table[min(i, j), max(i, j)]
    # 0+1 (0.9), then 2+3 (0.8); {0,1} with {2,3}: (0.5 + 0.2 + 0 + 0) / 4 = 0.175
    groups, between = average_link([[0], [1], [2], [3]], score, 0.3)
    assert groups == [[0, 1], [2, 3]]
    assert between == [[0.0, pytest.approx(0.7)], [pytest.approx(0.7), 0.0]]
    assert average_link([[0], [1], [2], [3]], score, 0.1)[0] == [[0, 1, 2, 3]]
    assert average_link([[0], [1], [2], [3]], score, 0.95)[0] == [[0], [1], [2], [3]]
    # a unit stays whole: {0, 2} start together, 1 joins them at (0.9 + 0.2) / 2 = 0.55
    assert average_link([[0, 2], [1], [3]], score, 0.5)[0] == [[0, 1, 2], [3]]
    # ties go to the older pair: 0-1 and 2-3 both 0.5, 0 and 1 merge first
    even = lambda i, j: 0.5 if (min(i, j), max(i, j)) in ((0, 1), (2, 3), (1, 2)) else 0.0
    assert average_link([[0], [1], [2], [3]], even, 0.5)[0] == [[0, 1], [2, 3]]


def test_average_link_agrees_with_scipy():
    import numpy as np

    from sitreps.evaluation.clusters import average_link as batch

    rng = np.random.default_rng(4)
    for n in (2, 7, 30):
        x = rng.random((n, n))
        sim = (x + x.T) / 2 * 0.6  # pair scores in 0-0.6, no two equal
        ids = [str(i) for i in range(n)]
        for t in (0.2, 0.3, 0.4):
            groups, _ = average_link([[i] for i in range(n)], lambda i, j, sim=sim: float(sim[i, j]), t)
            ours = {str(i): str(g[0]) for g in groups for i in g}
            assert ours == batch(sim, ids, t)


class Scripted(Linker):
    """A linker whose pair scores come from a table (by document ids; missing pairs score 0)."""

    table: ClassVar[dict] = {}

    def _score(self, a, b):
        return self.table.get(frozenset((a.summary.id, b.summary.id)), 0.0)


def scripted(scores: dict[tuple[str, str], float]) -> type[Linker]:
    return type("ScriptedLinker", (Scripted,), {"table": {frozenset(k): v for k, v in scores.items()}})


def test_a_document_that_could_join_two_clusters_regroups_them_from_single_documents():
    # b1 joined a1 early on little evidence; a2 and b2 then stayed apart from that pair. d fits
    # the a's: joining the best cluster ({a2}) would keep the early mistake; regrouping the
    # clusters d could join ({a1, b1} and {a2}) parts a1 from b1, and b1 then merges with b2.
    Linked = scripted({("b1", "a1"): 0.6, ("a2", "a1"): 0.9, ("b2", "b1"): 0.9,
                       ("d", "a1"): 0.9, ("d", "a2"): 0.9, ("d", "b1"): 0.1})
    linker = Linked(replace(S, threshold=0.5))
    names = ("a1", "b1", "a2", "b2", "d")
    added = [linker.add(doc(n, f"text of {n}")) for n in names]
    assert added == ["a1", "a1", "a2", "b2", "a1"]
    assert linker.labels() == {"a1": "a1", "b1": "b1", "a2": "a1", "b2": "b1", "d": "a1"}
    # a1 keeps its id (most of its old documents); b1's group gets b1's; a2 and b2 went into others
    assert linker.merged == {"a2": "a1", "b2": "b1"}
    assert linker.cluster("a2").documents == ("a1", "a2", "d")
    assert linker.cluster("b2").documents == ("b1", "b2")
    assert {"a1", "a2", "b1", "b2"} <= linker.touched
    # the scores between clusters are summed again: a's with b's 0.6 + 0.1
    rows, links = linker.state()
    assert links == {"a1": {"b1": pytest.approx(0.7)}, "b1": {"a1": pytest.approx(0.7)}}
    # and a linker put back from that state goes on as this one
    restored = Linked.restore(rows, [(a, b, x) for a, bs in links.items() for b, x in bs.items()],
                              linker.merged, linker.settings)
    assert restored.labels() == linker.labels()
    assert [c.documents for c in restored.clusters()] == [c.documents for c in linker.clusters()]


def test_without_regrouping_the_early_mistake_would_stay():
    # the same scores, but d fits only the cluster {a2}: it joins it as before, no regrouping
    Linked = scripted({("b1", "a1"): 0.6, ("a2", "a1"): 0.9, ("b2", "b1"): 0.9, ("d", "a2"): 0.9})
    linker = Linked(replace(S, threshold=0.5))
    for n in ("a1", "b1", "a2", "b2", "d"):
        linker.add(doc(n, f"text of {n}"))
    assert linker.labels() == {"a1": "a1", "b1": "a1", "a2": "a2", "b2": "b2", "d": "a2"}
    assert linker.rescored == 0 and linker.merged == {}


def test_a_regrouped_group_no_old_cluster_names_takes_a_new_id():
    # x and y could each take z; z bridges them, but x2 must leave x's cluster: it fits neither
    # z's group nor stays with x (x and x2 were together only through an early join)
    Linked = scripted({("x2", "x"): 0.6, ("z", "x"): 0.9, ("z", "y"): 0.9, ("y", "x"): 0.4,
                       ("z", "x2"): 0.1})
    linker = Linked(replace(S, threshold=0.5))
    for n in ("x", "x2", "y", "z"):
        linker.add(doc(n, f"text of {n}"))
    # {x, y, z}: x-z 0.9 first, then y: (0.4 + 0.9) / 2; x2 with them (0.6 + 0.1) / 3 < 0.5
    assert linker.labels() == {"x": "x", "x2": "x2", "y": "x", "z": "x"}
    assert linker.merged == {"y": "x"}
    assert [c.id for c in linker.clusters()] == ["x", "x2"]


PLACES = [(50.45, 30.52), (49.99, 36.23), (46.48, 30.72), (48.46, 35.04), (47.84, 35.14), (49.84, 24.03)]
TYPES = ["Battles", "Explosions/Remote violence", "Violence against civilians"]
WORDS = ["shelling", "strike", "drone", "missile", "artillery", "school", "hospital", "bridge", "market", "convoy", "village", "city"]


def synthetic(n: int, seed: int) -> list[DocSummary]:
    """Incidents told by a few outlets each: shared words, place and day per incident."""
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        incident = rng.randrange(max(1, n // 3))
        irng = random.Random(incident)
        day = date(2022, 3, 1) + timedelta(days=irng.randrange(60))
        at = PLACES[irng.randrange(len(PLACES))]
        theme = irng.sample(WORDS, 5)
        text = " ".join(theme + rng.sample(WORDS, 3) + [f"place{incident}", f"n{rng.randrange(5)}"])
        published = None if rng.random() < 0.05 else day + timedelta(days=rng.randrange(3))
        docs.append(doc(f"d{i}", text, outlet=f"o{rng.randrange(8)}.example", published=published,
                        events=[ev(TYPES[incident % 3], at=at, day=day, killed=(rng.randrange(4), None))],
                        names=(f"place{incident}",)))
    return docs


@pytest.mark.parametrize("max_km", [None, 300.0])
def test_incremental_blocked_linking_equals_the_all_pairs_reference(max_km):
    settings = replace(S, max_km=max_km)
    docs = synthetic(150, seed=3)
    blocked, reference = Linker(settings), Linker(settings, blocked=False)
    for d in docs:
        assert blocked.add(d) == reference.add(d)
    assert blocked.labels() == reference.labels()
    assert blocked.clusters() == reference.clusters()
    assert blocked.state() == reference.state() and blocked.merged == reference.merged
    assert 5 < len(blocked.clusters()) < 150  # it did cluster, and not into one lump
    assert blocked.rescored > 0  # and regrouped on the way


def test_regrouping_keeps_the_clusters_consistent_and_restorable():
    docs = synthetic(150, seed=3)
    linker = Linker(S)
    splits = 0
    for i, d in enumerate(docs):
        before = linker.labels()
        linker.add(d)
        after = linker.labels()
        together: dict[str, set[str]] = {}
        for doc_id, cluster in before.items():
            together.setdefault(cluster, set()).add(after[doc_id])
        splits += sum(len(v) > 1 for v in together.values())
        members = {}
        for doc_id, cluster in after.items():
            members.setdefault(cluster, []).append(doc_id)
        rows, links = linker.state()
        assert not set(members) & set(linker.merged)  # no id is both live and merged away
        assert all(linker._resolve(old) in members for old in linker.merged)
        for a, others in links.items():  # no two clusters that should have merged
            for b, total in others.items():
                assert total / (len(members[a]) * len(members[b])) < S.threshold
        if i in (40, 90):  # put back from its state, it goes on as the original
            restored = Linker.restore(rows, [(a, b, x) for a, bs in links.items() for b, x in bs.items()],
                                      linker.merged, S)
            for rest in docs[i + 1:]:
                restored.add(rest)
            final = restored
    assert splits > 0  # some clusters lost documents to a regrouping
    assert final.labels() == linker.labels() and final.state() == linker.state()
    assert final.merged == linker.merged


def test_adding_in_batches_equals_adding_all_at_once():
    docs = synthetic(60, seed=5)
    once = Linker()
    for d in docs:
        once.add(d)
    batches = Linker()
    for start in range(0, len(docs), 17):
        for d in docs[start:start + 17]:
            batches.add(d)
    assert once.labels() == batches.labels() == link(docs)


# ---------------------------------------------------------------------------- summaries


def test_summarise_keeps_what_linking_needs():
    text = "KYIV - Russian shelling killed 4 civilians in Irpin on 10 October. A strike may hit Lviv."
    place = Place(text.index("Irpin"), text.index("Irpin") + 5, "Irpin", name="Irpin", lat=50.52, lon=30.25,
                  gazetteer_id="g:1", precision="city")
    dateline = Place(0, 4, "KYIV", name="Kyiv", lat=50.45, lon=30.52, gazetteer_id="g:2", precision="city",
                     dateline=True)
    when = TimeExpr(text.index("10 October"), text.index("10 October") + 10, "10 October", "2022-10-10", "day", True)
    actor = ActorMention(0, 0, "Russian", "RUS.MIL", "Russian military", "state_forces")
    trigger = Span(text.index("shelling"), text.index("shelling") + 8, "shelling")
    events = (
        Event("e1", "Explosions/Remote violence", "Shelling/artillery/missile attack", trigger, actors=(actor,),
              place=place, time=when, fatalities=Count(4, 4, 0, 0, "4")),
        Event("e2", "Explosions/Remote violence", None, trigger, place=dateline, certainty="possible"),
        Event("e3", "Battles", None, trigger, place=dateline),
    )
    document = Document(
        article=Article("a1", text, url="https://www.example.com/x", published=datetime(2022, 10, 11, 9)),
        text=text,
        sentences=(Span(0, text.index(".") + 1, text[: text.index(".") + 1]),),
        entities=(Entity(place.start, place.end, "Irpin", "GPE"), Entity(0, 0, "", "CARDINAL"),
                  Entity(trigger.start, trigger.end, "shelling", "VERB_NOT_A_LABEL"),
                  Entity(0, 0, "Oleh Kiper", "PERSON"), Entity(0, 0, "Kiper", "PERSON"), Entity(0, 0, "J.", "PERSON")),
        times=(when, TimeExpr(0, 0, "2022", "2022", "year", True)),
        events=events,
    )
    s = summarise(document)
    assert (s.id, s.outlet, s.published) == ("a1", "example.com", date(2022, 10, 11))
    assert s.lead.startswith("KYIV - Russian shelling") and "Lviv" not in s.lead
    assert s.names == ("irpin", "", "oleh kiper", "kiper", "j.")
    assert s.people == ("kiper", "kiper")  # one key a mention; "J." is no name to tell people apart
    assert s.dates == ((date(2022, 10, 10), date(2022, 10, 10)),)  # the year alone is too coarse
    assert [e.id for e in s.events] == ["e1", "e3"]  # a possible event did not (yet) happen
    first, dateline_event = s.events
    assert (first.lat, first.lon, first.start, first.actors, first.killed) == (
        50.52, 30.25, date(2022, 10, 10), ("RUS.MIL",), (4, 4))
    assert dateline_event.lat is None  # the dateline says where the report was filed
    assert summarise(document, outlet="given").outlet == "given"


def test_disagreements_on_actors_and_dates_are_plain_data():
    from sitreps.linking import disagreements

    a = doc("a", outlet="one.example")
    b = doc("b", outlet="two.example")
    group = [(a, ev(actors=["RUS.MIL"], day=D1, killed=(2, 2))), (b, ev(actors=["UKR.MIL"], day=D1 + timedelta(days=5),
                                                                        killed=(2, 2)))]
    found = {d.field: d for d in disagreements(group)}
    assert set(found) == {"actors", "dates"}  # the same two killed: no disagreement there
    assert found["actors"].values == (("a", "one.example", ("RUS.MIL",)), ("b", "two.example", ("UKR.MIL",)))
    assert found["dates"].event_type == "Explosions/Remote violence"
    assert disagreements([(a, ev())]) == []


def test_a_report_stating_a_figure_twice_is_listed_once():
    from sitreps.linking import disagreements

    a = doc("a", outlet="one.example")
    b = doc("b", outlet="two.example")
    group = [(a, ev(killed=(4, None))), (b, ev(killed=(5, 5))), (b, ev(killed=(5, 5)))]
    (found,) = disagreements(group)
    assert found.values == (("a", "one.example", (4, None)), ("b", "two.example", (5, 5)))
