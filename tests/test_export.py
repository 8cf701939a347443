"""Exports: JSON Lines, ACLED-style CSV and GeoJSON, from the store and from bare event dicts."""

from __future__ import annotations

import csv
import io
import json

import pytest
from test_store import make_doc

from sitreps.export import (
    CSV_COLUMNS,
    event_csv_row,
    event_date,
    write_events_csv,
    write_events_geojson,
    write_jsonl,
)
from sitreps.serialize import document_dict, event_dict
from sitreps.store import open_store


@pytest.fixture
def events(tmp_path):
    with open_store(tmp_path / "sitreps.db") as store:
        store.save(make_doc("a1"))
        store.save(make_doc("a2", town="Nowhere", coords=None, value=None, grain=None, fatalities=None))
        yield list(store.iter_events())


def test_jsonl_one_object_per_line():
    docs = [document_dict(make_doc("a1")), document_dict(make_doc("a2"))]
    fh = io.StringIO()
    assert write_jsonl(iter(docs), fh) == 2
    lines = fh.getvalue().splitlines()
    assert [json.loads(line) for line in lines] == docs


def test_csv_header_and_row(events):
    fh = io.StringIO(newline="")
    assert write_events_csv(iter(events), fh) == 2
    fh.seek(0)
    reader = csv.reader(fh)
    header = next(reader)
    assert tuple(header) == CSV_COLUMNS
    assert header[:4] == ["event_id_cnty", "event_date", "year", "time_precision"]
    rows = [dict(zip(header, r, strict=True)) for r in reader]
    first = rows[0]
    assert first == {
        "event_id_cnty": "ev-a1",
        "event_date": "2022-11-10",
        "year": "2022",
        "time_precision": "1",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
        "actor1": "Army of B",
        "assoc_actor_1": "",
        "actor2": "Civilians",
        "country": "XA",
        "admin1": "North Province",
        "location": "Alder",
        "latitude": "50.0",
        "longitude": "30.0",
        "geo_precision": "1",
        "source": "officials",
        "source_scale": "",
        "notes": "Shelling hit a depot in Alder on Thursday, officials said.",
        "fatalities": "2",
        "certainty": "reported",
        "article_id": "a1",
        "url": "https://news.example/a1",
        "cluster_id": "",  # not linked
        "corroboration": "",
        "reports_outlet_unknown": "",
    }
    # No date, no resolved place, no fatalities reported: empty, not invented.
    second = rows[1]
    assert second["event_date"] == second["year"] == second["time_precision"] == ""
    assert second["latitude"] == second["geo_precision"] == second["fatalities"] == ""
    assert second["location"] == "Nowhere"


def test_csv_notes_fall_back_to_trigger_for_bare_event_dicts():
    e = event_dict(make_doc("a1").events[0])  # no evidence text, no article columns
    row = event_csv_row(e)
    assert row["notes"] == "Shelling"
    assert row["article_id"] == row["url"] == ""


@pytest.mark.parametrize(
    ("value", "grain", "expected"),
    [
        ("2022-11-10", "day", ("2022-11-10", "2022", 1)),
        ("2022-11-10T06:00", None, ("2022-11-10", "2022", 1)),
        ("2022-W45", "week", ("2022-11-07", "2022", 2)),
        ("2022-11-07/2022-11-12", "interval", ("2022-11-07", "2022", 2)),
        ("2022-10-20/2022-11-12", "interval", ("2022-10-20", "2022", 3)),
        ("2022-11", "month", ("2022-11-01", "2022", 3)),
        ("2022", "year", ("2022-01-01", "2022", 3)),
        ("P3D", "duration", ("", "", None)),
        (None, None, ("", "", None)),
    ],
)
def test_event_date_and_time_precision(value, grain, expected):
    assert event_date({"value": value, "grain": grain}) == expected


def test_geojson_points_in_lon_lat_order(events):
    fh = io.StringIO()
    assert write_events_geojson(iter(events), fh) == 1
    data = json.loads(fh.getvalue())
    assert data["type"] == "FeatureCollection"
    assert data["skipped_without_coordinates"] == 1
    [feature] = data["features"]
    assert feature["type"] == "Feature"
    assert feature["geometry"] == {"type": "Point", "coordinates": [30.0, 50.0]}
    props = feature["properties"]
    assert props["id"] == "ev-a1"
    assert props["date"] == "2022-11-10"
    assert props["actors"] == ["Army of B"]
    assert props["article_id"] == "a1"


def test_geojson_empty_is_valid():
    fh = io.StringIO()
    assert write_events_geojson([], fh) == 0
    assert json.loads(fh.getvalue()) == {
        "type": "FeatureCollection",
        "features": [],
        "skipped_without_coordinates": 0,
    }


def test_a_date_the_text_does_not_state_is_at_best_a_weeks_precision():
    from sitreps.export import event_date

    assert event_date({"value": "2022-11-11", "grain": "day", "basis": "stated"})[2] == 1
    assert event_date({"value": "2022-11-11", "grain": "day", "basis": "context"})[2] == 1
    assert event_date({"value": "2022-11-11", "grain": "day", "basis": "published"})[2] == 2
    assert event_date({"value": "2022-11", "grain": "month", "basis": "published"})[2] == 3
