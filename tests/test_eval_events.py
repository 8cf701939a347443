"""The events evaluation: scoring on hand-built rows and events (no model), its loaders on files
the tests write, and one run of the command on a tiny file (model)."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, replace
from datetime import date, datetime

import pytest

from sitreps.errors import InputError
from sitreps.evaluation import events as ev
from sitreps.evaluation import sentences as labelled
from sitreps.evaluation.events import (
    GedRow,
    _killed,
    expected_sides,
    in_window,
    killed_number,
    load_ged,
    names_side,
    on_side,
    primary_event,
    same_oblast,
    score_row,
    states_toll,
    summarise,
    time_range,
)
from sitreps.evaluation.sentences import LabelledSentence, attach_text, load_articles, load_labels
from sitreps.records import ActorMention, Article, Document, Event, Place, Span, TimeExpr

RU, UA = "Government of Russia (Soviet Union)", "Government of Ukraine"


@dataclass(frozen=True)
class FakeCount:
    """Stands for the count record events are moving to: only `low` and `high` matter here."""

    low: int | None
    high: int | None


def actor(actor_id="RUS.MIL", kind="state_forces", text="Russian troops"):
    return ActorMention(0, len(text), text, actor_id, text, kind)


def place(name="Portove", lat=47.0, lon=35.0, admin1="Zaporizhzhia Oblast", precision="city"):
    return Place(0, len(name), name, name, lat, lon, "UA", admin1, "P.PPL", f"geonames:{name}", precision)


def event(type="Explosions/Remote violence", certainty="asserted", actors=(), place=None, time=None,
          fatalities=None, subtype="Shelling/artillery/missile attack"):
    return Event("e", type, subtype, Span(0, 6, "shells"), actors=tuple(actors), place=place, time=time,
                 fatalities=fatalities, certainty=certainty)


def when(value):
    return TimeExpr(0, 5, "today", value, "day", True)


def doc(*events, places=()):
    return Document(article=Article(id="t"), text="x", events=tuple(events), places=tuple(places))


def row(**kw):
    base = dict(
        id="1", text="Russian troops shelled Portove, killing two people.", published=datetime(2022, 9, 2),
        where="Portove town", adm_1="Zaporizhzhya oblast", lat=47.0, lon=35.0, where_prec=1, side_a=RU, side_b=UA,
        deaths_a=0, deaths_b=2, low=2, high=2, start=date(2022, 9, 1), end=date(2022, 9, 1),
    )
    base.update(kw)
    return GedRow(**base)


def by_field(judged):
    return {j.field: j for j in judged}


# ---------------------------------------------------------------------------- sides


@pytest.mark.parametrize(
    "deaths_a, deaths_b, expected",
    [(0, 2, (RU,)), (3, 0, (UA,)), (1, 1, (RU, UA)), (0, 0, (RU, UA))],
)
def test_the_acting_side_is_read_off_the_deaths(deaths_a, deaths_b, expected):
    assert expected_sides(row(deaths_a=deaths_a, deaths_b=deaths_b)) == expected


def test_ucdp_side_names_map_to_actors():
    assert on_side(actor("RUS.MIL"), RU) and on_side(actor("RUS.GOV", "government"), RU)
    assert on_side(actor("UKR.MIL"), UA) and not on_side(actor("UKR.MIL"), RU)
    assert on_side(actor("DPR.MIL", "state_forces"), "DPR")
    assert on_side(actor("XYZ.BAT", "armed_group"), "LPR")
    assert not on_side(actor("RUS.MIL"), "DPR")
    assert on_side(actor("CIV", "civilians"), "Civilians") and not on_side(actor("CIV", "civilians"), UA)
    assert not on_side(actor("RUS.MIL"), "Government of Atlantis")
    assert ev.unmapped_sides([row(side_b="Government of Atlantis")]) == ["Government of Atlantis"]


def test_a_row_whose_sides_are_unknown_is_not_scored_for_actor_side():
    judged = by_field(score_row(row(side_a="X", side_b="Y"), doc(event(actors=[actor()]))))
    assert "actor side" not in judged


# ---------------------------------------------------------------------------- events


def test_primary_event_is_the_first_violent_one_with_fatalities():
    protest = event(type="Protests", subtype="Peaceful protest", fatalities=5)
    maybe = event(certainty="possible", fatalities=9)
    denied = event(certainty="negated", fatalities=9)
    first = event(actors=[actor("UKR.MIL")])
    deadly = event(type="Battles", subtype="Armed clash", fatalities=FakeCount(3, 3))
    assert primary_event(doc(protest, maybe, denied, first, deadly)) is deadly
    assert primary_event(doc(protest, first, event(fatalities=0))) is first  # none killed: the first one
    assert primary_event(doc(protest, maybe, denied)) is None
    assert ev.violent_events(doc(event(certainty="hedged"), event(certainty="reported")))


def test_killed_accepts_a_number_a_count_or_nothing():
    assert _killed(event(fatalities=4)) == (4, 4)
    assert _killed(event(fatalities=FakeCount(12, None))) == (12, None)
    assert _killed(event(fatalities=FakeCount(None, 20))) == (None, 20)
    assert _killed(event(fatalities=FakeCount(None, None))) is None
    assert _killed(event()) is None
    assert killed_number(event(fatalities=FakeCount(12, None))) == 12
    assert killed_number(event(fatalities=FakeCount(None, 20))) == 20
    assert killed_number(None) is None
    with pytest.raises(TypeError):
        _killed(event(fatalities="four"))


# ---------------------------------------------------------------------------- dates


def test_time_values_cover_days_and_intervals_only():
    assert time_range("2022-09-01") == (date(2022, 9, 1), date(2022, 9, 1))
    assert time_range("2022-09-01T14:30") == (date(2022, 9, 1), date(2022, 9, 1))
    assert time_range("2022-08-29/2022-09-02") == (date(2022, 8, 29), date(2022, 9, 2))
    for coarse in ("2022-09", "2022", "2022-W35", None, "", "2022-09-01/2022-09"):
        assert time_range(coarse) is None, coarse


@pytest.mark.parametrize(
    "value, ok",
    [
        ("2022-09-05", True),
        ("2022-09-04", True),  # a day early
        ("2022-09-07", True),  # a day late
        ("2022-09-03", False),
        ("2022-09-08", False),
        ("2022-08-20/2022-09-04", True),  # overlaps the window's first day
        ("2022-09-07/2022-09-20", True),
        ("2022-08-20/2022-09-03", False),
        ("2022-09", False),  # a month is not a day
        (None, False),
    ],
)
def test_date_window_is_one_day_wider_each_side(value, ok):
    assert in_window(value, date(2022, 9, 5), date(2022, 9, 6)) is ok


# ---------------------------------------------------------------------------- headline words


def test_headline_names_the_side_that_acted():
    russia, ukraine = "Government of Russia (Soviet Union)", "Government of Ukraine"
    for text, sides in (("The invaders shelled a school", [russia]), ("AFU hit two command posts", [ukraine]),
                        ("Russian troops killed three civilians", [russia]), ("the ENEMY fired at", [russia, ukraine]),
                        ("Armed Forces of Ukraine retreated", [ukraine]), ("DPR militia fired", ["DPR"])):
        assert names_side(text, sides), text
    for text, sides in (("Two civilians died in a market", [russia, ukraine]), ("Explosions heard in Ukraine", [russia, ukraine]),
                        ("AFU hit two command posts", [russia]), ("Rfid", [russia]), ("apus", [ukraine]), ("enemyship", [russia])):
        assert not names_side(text, sides), text


def test_headline_states_a_death_toll():
    for text in (
        "Three people died from shelling in a day",
        "Russia killed 3 civilians",
        "Death toll in market shelling rises to 4",
        "Russian Armed Forces destroyed up to 200 nationalists near the town",
        "AFU eliminated almost 140 invaders",
        "More than 40 people lost APU in battles",
        "dozens dead after the strike",
        "two soldiers lost their lives",
    ):
        assert states_toll(text), text
    for text in (
        "On September 1, the invaders fired at a school, there are dead",  # the number is a date
        "Su-25 shot down, pilot killed",  # a model name
        "In 2022 the village was shelled and people were killed",  # a year
        "Russians shelled the region, there are dead and wounded",
        "Losses of the AFU amounted to 60 people",  # losses include the wounded
        "Two tanks destroyed near the river",  # no death word
    ):
        assert not states_toll(text), text


# ---------------------------------------------------------------------------- scoring a row


def test_a_fully_right_row():
    e = event(actors=[actor()], place=place(), time=when("2022-09-01"), fatalities=2)
    judged = by_field(score_row(row(), doc(e, places=[place()])))
    assert all(j.correct for j in judged.values()), judged
    assert set(judged) == {"detection", "actor side", "within 10 km", "within 50 km", "right oblast", "date",
                           ev.PUBLISHED_FALLBACK, "fatalities", ev.CEILING}
    assert judged["actor side"].groups == (ev.NAMES_ACTOR, ev.ALL)
    assert judged["within 10 km"].groups == (ev.PRECISE, ev.PRECISE_NAMED)
    assert judged["fatalities"].groups == (ev.STATES_TOLL, ev.GOLD_DEATHS)


def test_a_row_with_the_wrong_fields():
    far = place("Farove", lat=47.3, lon=35.0, admin1="Zaporizhzhia Oblast")  # ~33 km north
    e = event(actors=[actor("UKR.MIL", text="Ukrainian troops")], place=far, time=when("2022-09-10"),
              fatalities=FakeCount(5, None))
    judged = by_field(score_row(row(), doc(e)))
    assert not judged["actor side"].correct and judged["actor side"].got == ["UKR.MIL", "Ukrainian troops"]
    assert not judged["within 10 km"].correct and judged["within 50 km"].correct
    assert judged["right oblast"].correct
    assert not judged["date"].correct and not judged[ev.PUBLISHED_FALLBACK].correct  # it has a time, kept
    assert not judged["fatalities"].correct and judged["fatalities"].got == [5, None]
    assert json.dumps([j.got for j in judged.values()]) and json.dumps([j.gold for j in judged.values()])


def test_publication_date_stands_in_only_for_a_missing_event_time():
    judged = by_field(score_row(row(published=datetime(2022, 9, 2)), doc(event(actors=[actor()]))))
    assert not judged["date"].correct and judged["date"].got is None
    assert judged[ev.PUBLISHED_FALLBACK].correct and judged[ev.PUBLISHED_FALLBACK].got == "2022-09-02"
    nothing = by_field(score_row(row(), doc()))  # no event: nothing to date
    assert not nothing["detection"].correct
    assert not nothing["date"].correct and not nothing[ev.PUBLISHED_FALLBACK].correct


def test_only_rows_whose_headlines_report_violence_count_in_the_labelled_lines():
    reported = score_row(row(reports=True), doc(event(actors=[actor()], time=when("2022-09-01"))))
    assert ev.REPORTS in by_field(reported)["detection"].groups and ev.REPORTS in by_field(reported)["date"].groups
    halves = {g for j in reported for g in j.groups} & {ev.REPORTS_TUNE, ev.REPORTS_TEST}
    assert len(halves) == 1  # each labelled row is in one half
    for label in (False, None):  # "none", or a row nobody labelled
        judged = score_row(row(reports=label), doc())
        assert not any(ev.REPORTS in j.groups for j in judged)
    table = summarise(reported + score_row(row(id="2", reports=False), doc()))
    assert table[f"detection: {ev.REPORTS}"]["rows"] == 1 and table["detection: all rows"]["rows"] == 2


def test_headline_labels_are_read_and_a_bad_line_is_named(tmp_path):
    good = write_lines(tmp_path / "h.jsonl", [{"row": 7, "reports": "violent"}, {"row": "8", "reports": "none"}])
    assert ev.headline_labels(good) == {"7": True, "8": False}
    rows = load_ged(write_csv(tmp_path / "ged.csv", [raw_row(), raw_row(id="9")]), labels=ev.headline_labels(good))
    assert [r.reports for r in rows] == [True, None]
    bad = write_lines(tmp_path / "b.jsonl", [{"row": 7, "reports": "violent"}, {"row": 8, "reports": "maybe"}])
    with pytest.raises(InputError, match=r"b.jsonl:2"):
        ev.headline_labels(bad)


def test_an_event_without_a_place_falls_back_to_the_texts_place():
    judged = by_field(score_row(row(), doc(event(actors=[actor()]), places=[place()])))
    assert judged["within 10 km"].correct and judged["right oblast"].correct
    unplaced = by_field(score_row(row(), doc(event())))
    assert not unplaced["within 50 km"].correct and unplaced["within 50 km"].got is None
    assert not unplaced["actor side"].correct and unplaced["actor side"].got is None


def test_denominators_follow_the_row():
    vague = row(text="Explosions in the region.", where_prec=4, adm_1="", high=0, low=0, start=None)
    judged = by_field(score_row(vague, doc(event())))
    assert set(judged) == {"detection", "actor side"}
    assert judged["actor side"].groups == (ev.ALL,)  # the headline names no actor
    unnamed = row(where="Othertown village")
    assert by_field(score_row(unnamed, doc(event(place=place()))))["within 10 km"].groups == (ev.PRECISE,)


def test_oblast_names_are_compared_however_spelt():
    assert same_oblast("Zaporizhzhia Oblast", "Zaporizhzhya oblast")
    assert not same_oblast("Kharkiv Oblast", "Zaporizhzhya oblast")
    assert not same_oblast(None, "Zaporizhzhya oblast") and not same_oblast("Kharkiv Oblast", "")


def test_summary_counts_each_judgement_in_each_of_its_denominators():
    e = event(actors=[actor()], place=place(), time=when("2022-09-01"), fatalities=2)
    judged = score_row(row(), doc(e)) + score_row(row(id="2", text="Shelling.", deaths_a=1, deaths_b=0), doc())
    table = summarise(judged)
    assert list(table) == [f"{f}: {g}" for f, g in ev.TABLE]
    assert table["detection: all rows"] == {"rows": 2, "correct": 1, "correct_%": 50.0, "target_%": None}
    assert table["actor side: headline names the side that acted"]["rows"] == 1
    assert table["actor side: all rows"] == {"rows": 2, "correct": 1, "correct_%": 50.0, "target_%": 85}
    assert table["fatalities: headline states a death toll"]["correct_%"] == 100.0
    assert summarise([])["date: rows with parseable dates"]["correct_%"] is None


# ---------------------------------------------------------------------------- loading UCDP


COLUMNS = ["id", "type_of_violence", "side_a", "side_b", "source_date", "source_headline", "where_prec",
           "where_description", "adm_1", "latitude", "longitude", "date_start", "date_end", "deaths_a", "deaths_b",
           "deaths_civilians", "deaths_unknown", "best", "high", "low"]


def write_csv(path, rows, columns=COLUMNS):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return path


def raw_row(**kw):
    base = dict(id="7", type_of_violence="1", side_a=RU, side_b=UA, source_date="01/09/2022;2022-09-26",
                source_headline="Shells hit Portove, two killed;Second headline", where_prec="5",
                where_description="Portove town", adm_1="", latitude="47.0", longitude="35.0",
                date_start="8/31/2022 12:00:00 AM", date_end="09/01/2022 00:00", deaths_a="0", deaths_b="2",
                deaths_civilians="0", deaths_unknown="0", best="2", high="3", low="2")
    base.update(kw)
    return base


def test_load_ged_keeps_every_row_and_reads_dates_each_way(tmp_path):
    path = write_csv(tmp_path / "ged.csv", [raw_row(), raw_row(id="8", date_start="", where_prec="", latitude="")])
    rows = load_ged(path)
    assert [r.id for r in rows] == ["7", "8"]  # imprecise rows are kept
    r = rows[0]
    assert r.published == datetime(2022, 9, 1)  # source_date is day first
    assert (r.start, r.end) == (date(2022, 8, 31), date(2022, 9, 1))  # date_start/end are month first
    assert r.text == "Shells hit Portove, two killed.\n\nSecond headline."
    assert (r.low, r.high, r.deaths_b, r.where_prec) == (2, 3, 2, 5) and not r.precise
    assert rows[1].start is None and rows[1].where_prec is None and rows[1].lat is None
    assert len(load_ged(path, limit=1)) == 1


def test_load_ged_refuses_a_file_without_the_ucdp_columns(tmp_path):
    path = write_csv(tmp_path / "other.csv", [{"a": 1, "b": 2}], columns=["a", "b"])
    with pytest.raises(InputError, match="lacks the columns"):
        load_ged(path)
    short = write_csv(tmp_path / "short.csv", [raw_row()], columns=[c for c in COLUMNS if c != "deaths_a"])
    with pytest.raises(InputError, match="deaths_a"):
        load_ged(short)


def test_load_ged_names_the_line_of_a_bad_number(tmp_path):
    path = write_csv(tmp_path / "bad.csv", [raw_row(), raw_row(high="many")])
    with pytest.raises(InputError, match=r"bad.csv:3: high is not a whole number"):
        load_ged(path)


@pytest.mark.shared
def test_the_dev_file_loads_whole(shared_dir):
    rows = load_ged(shared_dir / "data/events/ucdp_ged_ukraine.dev.csv", labels=ev.headline_labels())
    assert len(rows) == 538
    assert all(r.reports is not None for r in rows)  # the packaged labels cover every row
    assert all(r.start and r.end and r.start <= r.end and r.published for r in rows)
    assert not ev.unmapped_sides(rows)


# ---------------------------------------------------------------------------- labelled sentences


def write_lines(path, items):
    path.write_text("".join((i if isinstance(i, str) else json.dumps(i)) + "\n" for i in items), encoding="utf-8")
    return path


ARTICLE = "Talks went on in Geneva. Shells hit a market, killing two."


def test_labels_are_attached_to_their_sentences(tmp_path):
    labels = write_lines(tmp_path / "l.jsonl", [
        {"article": "a1", "start": 0, "end": 24, "label": "none"},
        {"article": "a1", "start": 25, "end": len(ARTICLE), "label": "violent", "note": "shelling"},
    ])
    arts = write_lines(tmp_path / "a.jsonl", [{"id": "a1", "published": "2022-09-01T10:00:00Z", "text": ARTICLE},
                                              {"id": "a2", "published": "", "text": "unused"}])
    items = labelled.labelled_sentences(labels, arts)
    assert [(i.text, i.label) for i in items] == [("Talks went on in Geneva.", "none"),
                                                 ("Shells hit a market, killing two.", "violent")]
    assert items[0].published.date() == date(2022, 9, 1)
    assert len(load_labels(labels, limit=1)) == 1


@pytest.mark.parametrize(
    "line, message",
    [
        ("not json", "l.jsonl:2: not JSON"),
        ("[1, 2]", "l.jsonl:2: not a labelled sentence"),
        ('{"article": "a1", "start": "0", "end": 4, "label": "none"}', "needs article"),
        ('{"article": "a1", "start": 0, "end": 4, "label": "violence"}', "label is 'violence'"),
    ],
)
def test_bad_label_lines_are_refused(tmp_path, line, message):
    path = write_lines(tmp_path / "l.jsonl", [{"article": "a1", "start": 0, "end": 4, "label": "none"}, line])
    with pytest.raises(InputError, match=message):
        load_labels(path)


def test_labels_that_point_nowhere_are_listed_together():
    labels = [LabelledSentence("a1", 0, 5, "none"), LabelledSentence("gone", 0, 5, "none"),
              LabelledSentence("a1", 50, 500, "violent"), LabelledSentence("a1", 7, 7, "none")]
    with pytest.raises(InputError) as info:
        attach_text(labels, {"a1": (None, ARTICLE)})
    message = str(info.value)
    assert message.startswith("3 labelled sentences")
    assert "gone (no such article)" in message and "a1 50-500" in message and "a1 7-7" in message
    assert attach_text(labels[:1], {"a1": (None, ARTICLE)})[0] == replace(labels[0], text="Talks")


def test_articles_with_a_bad_date_or_no_text_are_refused(tmp_path):
    path = write_lines(tmp_path / "a.jsonl", [{"id": "a1", "published": "someday", "text": "x"}])
    with pytest.raises(InputError, match="a.jsonl:1: article 'a1': published"):
        load_articles(path)
    path = write_lines(tmp_path / "b.jsonl", [{"id": "a1", "published": "2022-09-01"}])
    with pytest.raises(InputError, match="has no text"):
        load_articles(path)
    assert load_articles(path, wanted={"other"}) == {}


# ---------------------------------------------------------------------------- the command


def test_command_refuses_a_file_that_is_not_ucdp(tmp_path):
    from typer.testing import CliRunner

    from sitreps.cli import app

    path = write_csv(tmp_path / "other.csv", [{"a": 1, "b": 2}], columns=["a", "b"])
    result = CliRunner(env={"COLUMNS": "400", "NO_COLOR": "1"}).invoke(app, ["eval", "events", str(path)])
    assert result.exit_code == 2 and "not a UCDP GED file" in result.stderr


@pytest.mark.model
def test_command_scores_a_tiny_file(tmp_path):
    from typer.testing import CliRunner

    from sitreps.cli import app

    ged = write_csv(tmp_path / "ged.csv", [
        raw_row(source_headline="Russian troops shelled Zaporizhzhia on September 1, killing two civilians",
                source_date="2022-09-02", where_prec="1", adm_1="Zaporizhzhya oblast", latitude="47.82",
                longitude="35.19"),
        raw_row(id="8", source_headline="Talks on grain exports resumed in Istanbul"),
    ])
    labels = write_lines(tmp_path / "l.jsonl", [{"article": "a1", "start": 0, "end": 24, "label": "none"}])
    arts = write_lines(tmp_path / "a.jsonl", [{"id": "a1", "published": "2022-09-01", "text": ARTICLE}])
    misses = tmp_path / "m.jsonl"
    result = CliRunner(env={"COLUMNS": "400", "NO_COLOR": "1"}).invoke(app, [
        "eval", "events", str(ged), "--labels", str(labels), "--articles", str(arts), "--json",
        "--mistakes", str(misses),
    ])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    ucdp = data["UCDP GED rows: the primary violent event's fields"]
    assert ucdp["detection: all rows"]["rows"] == 2
    assert ucdp["within 10 km: precise rows (where_prec <= 2)"]["rows"] == 1
    sentences = data["labelled sentences: does the sentence yield a violent event?"]
    assert sentences["`none` sentences yielding a violent event (false alarms)"]["sentences"] == 1
    assert any("GDELT" in n for n in data["notes"])
    for line in misses.read_text(encoding="utf-8").splitlines():
        assert set(json.loads(line)) == {"dataset", "row", "field", "headline", "gold", "got"}


def test_headline_numbers_for_the_ceiling():
    assert ev.headline_numbers("Shelling killed 1,200 people and a child; three more died") == [1200, 1, 3]


def test_article_matching_pairs_a_happened_gold_event_with_the_shown_record():
    from sitreps.evaluation.articles import match_article

    text = "Missiles hit the port on Monday. A larger barrage is likely next week, officials said."
    first, second = (0, text.index(".") + 1), (text.index("A larger"), len(text))
    gold = [{"event": 1, "evidence": [list(first), list(second)], "background": False,
             "type": "Explosions/Remote violence", "subtype": "Shelling/artillery/missile attack"}]
    feared = {"id": "f", "type": "Explosions/Remote violence", "subtype": "Shelling/artillery/missile attack",
              "certainty": "possible", "evidence": [{"start": second[0], "end": second[1]}]}
    hit = {**feared, "id": "h", "certainty": "asserted", "evidence": [{"start": first[0], "end": first[1]}]}
    # the feared barrage overlaps the gold more, but the strike that happened is the match
    pairs = match_article(gold, [feared, hit], text, text)
    assert (pairs[0][0]["event"], pairs[0][1]["id"]) == (1, "h")
    assert (None, feared) in pairs


def _coded(article: str, event: int, span: tuple[int, int], subtype: str, **fields) -> dict:
    from sitreps.evaluation.articles import TYPES

    kind = next(t for t, subs in TYPES.items() if subtype in subs)
    row = {"article": article, "event": event, "evidence": [list(span)], "type": kind, "subtype": subtype,
           "actor1": None, "actor2": None, "place": None, "date": None, "date_basis": None,
           "certainty": "asserted", "background": False, "fatalities": None, "note": ""}
    return {**row, **fields}


def test_two_annotators_are_scored_with_the_extractors_matching():
    from sitreps.evaluation.articles import agreement

    text = "Shelling hit the market on Monday. Protesters marched in the capital. A strike in 2014 killed two."
    shell = (0, text.index(".") + 1)
    march = (text.index("Protesters"), text.index("capital.") + 8)
    old = (text.index("A strike"), len(text))
    kyiv = {"lat": 50.45, "lon": 30.52, "country": "UA", "admin1": "Kyiv City", "precision": "city"}
    gold = {"a": [_coded("a", 1, shell, "Shelling/artillery/missile attack", actor1="RUS.MIL", date="2022-03-07", place=kyiv),
                  _coded("a", 2, march, "Peaceful protest", actor1="PROT"),
                  _coded("a", 3, old, "Air/drone strike", background=True)],
            "b": []}
    far = {**kyiv, "lat": 49.99, "lon": 36.23}
    second = {"a": [_coded("a", 1, shell, "Air/drone strike", actor1="RUS.MIL", date="2022-03-09", place=far),
                    _coded("a", 2, old, "Air/drone strike")],  # coded current: a false alarm against the gold
              "b": []}
    articles = {"a": (None, text), "b": (None, "Nothing happened.")}
    misses: list = []
    rows = agreement(["a", "b"], gold, second, articles, mistakes=misses)
    row = rows["all"]
    # one shared event, the protest only in the gold, the old strike shown as current only by the second
    assert (row["gold current"], row["second current"], row["precision"], row["recall"]) == (2, 2, 0.5, 0.5)
    assert (row["type"], row["subtype"], row["actor1"], row["place"], row["date"]) == (1.0, 0.0, 1.0, 0.0, 0.0)
    assert rows["tune half"]["gold current"] == 2 and rows["test half"]["gold current"] == 0
    assert sorted(m["kind"] for m in misses) == ["fields differ", "gold only", "second only"]
    # the same file against itself agrees on everything
    same = agreement(["a", "b"], gold, gold, articles)["all"]
    assert (same["F1"], same["place"], same["date"], same["second background"]) == (1.0, 1.0, 1.0, 1)


def test_agreement_command_scores_two_files_and_refuses_an_article_the_second_did_not_code(tmp_path):
    from typer.testing import CliRunner

    from sitreps.cli import app

    text = "Shelling hit the market on Monday."
    event = _coded("a", 1, (0, len(text)), "Shelling/artillery/missile attack")
    arts = write_lines(tmp_path / "a.jsonl", [{"id": "a", "published": "2022-03-08", "text": text},
                                              {"id": "b", "published": "2022-03-08", "text": "Quiet."}])
    gold = write_lines(tmp_path / "g.jsonl", [event])
    gold_docs = write_lines(tmp_path / "gd.jsonl", [{"article": "a", "events": 1}, {"article": "b", "events": 0}])
    second = write_lines(tmp_path / "s.jsonl", [event])
    runner = CliRunner(env={"COLUMNS": "400", "NO_COLOR": "1"})
    args = ["eval", "agreement", str(arts), "--gold", str(gold), "--gold-docs", str(gold_docs), "--second", str(second)]
    partial = write_lines(tmp_path / "sd.jsonl", [{"article": "a", "events": 1}])
    result = runner.invoke(app, [*args, "--second-docs", str(partial)])
    assert result.exit_code != 0 and "not in the second annotator's manifest: b" in result.stderr
    whole = write_lines(tmp_path / "sd2.jsonl", [{"article": "a", "events": 1}, {"article": "b", "events": 0}])
    result = runner.invoke(app, [*args, "--second-docs", str(whole), "--json"])
    assert result.exit_code == 0, result.stderr
    row = json.loads(result.stdout)["second annotator against the gold (current events; fields over matched events)"]["all"]
    assert (row["gold current"], row["second current"], row["F1"]) == (1, 1, 1.0)
