"""The geo evaluation's scoring on tiny gold files the tests write (no third-party data)."""

from __future__ import annotations

import json

import pytest

from sitreps.errors import InputError
from sitreps.evaluation.geo import (
    EndToEndScore,
    GoldDoc,
    GoldToponym,
    evaluate_resolution,
    load_gold,
    score_end_to_end,
)
from sitreps.evaluation.ucdp import UcdpRow, _date, load_rows
from sitreps.gazetteer import GazetteerEntry, MemoryGazetteer
from sitreps.records import Place

E = GazetteerEntry
GAZ = MemoryGazetteer(
    [
        E("geonames:1", "Portove", 46.6, 32.6, "P", "PPLA", "UA", "South Oblast", population=280_000),
        E("geonames:2", "Portove", 40.0, -90.0, "P", "PPL", "US", "Illinois", population=900),
        E("geonames:3", "Ukraine", 49.0, 32.0, "A", "PCLI", "UA", None, population=40_000_000),
        E("geonames:4", "Mistove", 46.97, 32.0, "P", "PPLA", "UA", "Bay Oblast", population=470_000),
    ]
)


def gold_doc(text, toponyms, dataset="T"):
    return GoldDoc(dataset, "d1", text, tuple(toponyms))


def top(text, needle, lat, lon, gid=None, type=None, country=None):
    start = text.index(needle)
    return GoldToponym(start, start + len(needle), needle, lat, lon, gid, country, type)


def test_load_gold_skips_toponyms_whose_offsets_do_not_match(tmp_path):
    path = tmp_path / "g.jsonl"
    text = "Shells hit Portove."
    rows = [
        {"dataset": "T", "doc_id": "1", "text": text, "toponyms": [
            {"text": "Portove", "start": 11, "end": 18, "lat": 46.6, "lon": 32.6, "geonameid": "1"},
            {"text": "Portove", "start": 0, "end": 7, "lat": 46.6, "lon": 32.6},  # wrong offsets
        ]},
        {"dataset": "T", "doc_id": "2", "text": "x", "toponyms": []},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    docs = load_gold([path])
    assert [len(d.toponyms) for d in docs] == [1, 0] and docs[0].skipped == 1
    assert len(load_gold([path], limit=1)) == 1


def test_load_gold_reports_the_bad_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "a"}\nnot json\n', encoding="utf-8")
    with pytest.raises(InputError, match="bad.jsonl:2"):
        load_gold([path])
    path.write_text('[1, 2]\n', encoding="utf-8")
    with pytest.raises(InputError, match="not a gold document"):
        load_gold([path])


def test_ucdp_file_without_its_columns_is_refused(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="lacks the columns"):
        load_rows([path])


def test_resolution_scores(tmp_path):
    text = "Shells hit Portove and Mistove in Ukraine. Later Atlantis."
    doc = gold_doc(
        text,
        [
            top(text, "Portove", 46.6, 32.6, gid="1", country="Ukraine"),  # right, exact id
            top(text, "Mistove", 47.5, 32.0, gid="99"),  # 59 km off: within 161 km, not the id
            top(text, "Ukraine", 49.0, 32.0, gid="3"),
            top(text, "Atlantis", 10.0, 10.0),  # not in the gazetteer: unresolved
        ],
    )
    mistakes: list = []
    row = evaluate_resolution([doc], GAZ, None, mistakes=mistakes)["T"]
    assert row["toponyms"] == 4
    assert row["exact_id"] == pytest.approx(100 * 2 / 3, abs=0.1)
    assert row["within_161km"] == 75.0 and row["unresolved"] == 25.0
    assert row["gold_among_candidates"] == 75.0
    assert [m["text"] for m in mistakes] == ["Atlantis"]


def test_end_to_end_counts():
    text = "Shells hit Portove. Officials in Mistove spoke. Ukraine said no."
    doc = gold_doc(
        text,
        [
            top(text, "Portove", 46.6, 32.6, type="Literal"),
            top(text, "Mistove", 46.97, 32.0, type="Literal"),
            top(text, "Ukraine", 49.0, 32.0, type="Metonymic"),  # not in scope: predicting it is a FP
        ],
    )
    s = text.index
    places = [
        Place(s("Portove"), s("Portove") + 7, "Portove", lat=46.6, lon=32.6, gazetteer_id="geonames:1"),
        Place(s("Mistove"), s("Mistove") + 7, "Mistove", lat=40.0, lon=-90.0, gazetteer_id="geonames:2"),  # wrong place
        Place(s("Ukraine"), s("Ukraine") + 7, "Ukraine", lat=49.0, lon=32.0, gazetteer_id="geonames:3"),
        Place(s("spoke"), s("spoke") + 5, "spoke"),  # unresolved, nothing there
    ]
    score = EndToEndScore()
    score_end_to_end(doc, places, score)
    row = score.row()
    assert (score.tp, score.fp, score.fn) == (1, 3, 1)
    assert (score.span_tp, score.span_fp, score.span_fn) == (2, 2, 0)
    assert row["precision"] == 0.25 and row["recall"] == 0.5 and row["f1_161km"] == pytest.approx(0.333, abs=1e-3)


def test_one_gold_toponym_is_matched_once():
    text = "Portove"
    doc = gold_doc(text, [top(text, "Portove", 46.6, 32.6)])
    twice = [Place(0, 7, "Portove", lat=46.6, lon=32.6, gazetteer_id="geonames:1")] * 2
    score = EndToEndScore()
    score_end_to_end(doc, twice, score)
    assert (score.tp, score.fp, score.fn) == (1, 1, 0)


# --- UCDP rows --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, iso",
    [("2022-09-01;2022-09-26", "2022-09-01"), ("01/09/2022", "2022-09-01"), ("09/01/2022 00:00", "2022-09-01"),
     ("8/31/2022 12:00:00 AM", "2022-08-31"), ("soon", None)],
)
def test_ucdp_dates(value, iso):
    got = _date(value)
    assert (got.date().isoformat() if got else None) == iso


def test_ucdp_row_names_its_place_only_by_a_name_word():
    def row(text, where):
        return UcdpRow("1", text, None, where, "X oblast", 0, 0, 1)

    assert row("Shelling of Portove killed two.", "city of Portove").names_place
    assert row("Shelling of Portovoi killed two.", "Portove").names_place  # case endings
    assert not row("Two killed in the Bay region.", "Bay region: 2 in Portove").names_place
    assert not row("Losses in the Bay direction.", "Bay direction: Portove").names_place


def test_ucdp_row_names_its_region_by_any_of_the_divisions_names():
    from sitreps.evaluation.ucdp import names_region
    from sitreps.gazetteer import GazetteerEntry, MemoryGazetteer

    bay = GazetteerEntry("t:bay", "Bay Oblast", 47.0, 32.0, "A", "ADM1", "UA", "Bay Oblast")
    gaz = MemoryGazetteer([bay], {"t:bay": ["Bay region", "BPR"]})

    def row(text):
        return UcdpRow("1", text, None, "village of Dubky", "Bay Oblast", 0, 0, 1)

    assert names_region(row("Two killed in the Bay region."), gaz)
    assert names_region(row("Shelling, the BPR reported."), gaz)
    assert names_region(row("Shelling of Dubky killed two."), gaz)  # the place itself
    assert not names_region(row("Two killed in the south."), gaz)


def test_ucdp_rows_keep_precise_ones_with_headlines(tmp_path):
    path = tmp_path / "u.csv"
    path.write_text(
        "id,source_headline,source_date,where_description,adm_1,latitude,longitude,where_prec\n"
        '1,"Shells hit Portove;Portove burns",2022-09-01,Portove,South oblast,46.6,32.6,1\n'
        "2,Regional news,2022-09-01,South oblast,South oblast,46.0,32.0,4\n"
        "3,,2022-09-01,Portove,South oblast,46.6,32.6,1\n"
        "4,Bad row,2022-09-01,Portove,South oblast,north,32.6,1\n",
        encoding="utf-8",
    )
    rows = load_rows([path])
    assert [r.id for r in rows] == ["1"]
    assert rows[0].text == "Shells hit Portove.\n\nPortove burns."


def test_cli_eval_geo_resolution_prints_a_table(tmp_path):
    from typer.testing import CliRunner

    from sitreps.cli import app

    text = "Shelling hit Kyiv and Lviv."
    row = {"dataset": "tiny", "doc_id": "1", "text": text, "toponyms": [
        {"text": "Kyiv", "start": 13, "end": 17, "lat": 50.45, "lon": 30.52, "geonameid": "703448"},
        {"text": "Lviv", "start": 22, "end": 26, "lat": 49.84, "lon": 24.02},
    ]}
    path = tmp_path / "tiny.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "geo", str(path), "--mode", "resolution", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    row = data["resolution, gold spans given"]["tiny"]
    assert row["toponyms"] == 2 and row["within_161km"] == 100.0 and row["exact_id"] == 100.0


def test_a_place_without_country_matches_a_gold_without_one(tmp_path):
    gaz = MemoryGazetteer([E("geonames:6255148", "Europe", 48.7, 9.1, "L", "CONT", None, None, population=740_000_000)])
    path = tmp_path / "g.jsonl"
    text = "Refugees reached Europe."
    row = {"dataset": "T", "doc_id": "1", "text": text, "toponyms": [
        {"text": "Europe", "start": 17, "end": 23, "lat": 48.69, "lon": 9.14, "geonameid": "6255148", "country": None},
    ]}
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    result = evaluate_resolution(load_gold([path]), gaz, None)["T"]
    assert result["country"] == 100.0 and result["exact_id"] == 100.0
