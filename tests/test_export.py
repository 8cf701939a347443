"""Exports: JSON Lines, ACLED-style CSV and GeoJSON, from the store and from bare event dicts."""

from __future__ import annotations

import csv
import io
import json
import time

import pytest
from test_store import make_doc

from sitreps.export import (
    CSV_COLUMNS,
    GEOJSON_EXTRA,
    event_csv_row,
    event_date,
    event_row,
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
    stored = first.pop("timestamp")
    assert first == {
        "event_id_cnty": "ev-a1",
        "event_date": "2022-11-10",
        "year": "2022",
        "time_precision": "1",
        "disorder_type": "Political violence",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
        "actor1": "Army of B",
        "assoc_actor_1": "",
        "inter1": "8",  # XB's army in XA: external forces
        "actor2": "Civilians",
        "inter2": "7",
        "interaction": "78",
        "civilian_targeting": "Civilian targeting",
        "iso": "",  # XA is no ISO country: no number, no name
        "country": "",
        "admin1": "North Province",
        "admin2": "",
        "location": "Alder",
        "latitude": "50.0",
        "longitude": "30.0",
        "geo_precision": "1",
        "source": "officials",
        "source_scale": "",
        "notes": "Shelling hit a depot in Alder on Thursday, officials said.",
        "fatalities": "2",
        "country_code": "XA",
        "certainty": "reported",
        "article_id": "a1",
        "url": "https://news.example/a1",
        "cluster_id": "",  # not linked
        "corroboration": "",
        "reports_outlet_unknown": "",
    }
    assert abs(int(stored) - time.time()) < 600  # when the store took the analysis, as a Unix time
    # No date, no resolved place, no fatalities reported: empty, not invented.
    second = rows[1]
    assert second["event_date"] == second["year"] == second["time_precision"] == ""
    assert second["latitude"] == second["geo_precision"] == second["fatalities"] == ""
    assert second["iso"] == second["country"] == second["country_code"] == second["inter1"] == ""
    assert second["interaction"] == ""  # state forces at home or abroad: the place does not say
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


def test_geojson_points_in_lon_lat_order_with_the_csv_names(events):
    fh = io.StringIO()
    assert write_events_geojson(iter(events), fh) == 1
    data = json.loads(fh.getvalue())
    assert data["type"] == "FeatureCollection"
    assert data["skipped_without_coordinates"] == 1
    [feature] = data["features"]
    assert feature["type"] == "Feature"
    assert feature["id"] == "ev-a1"
    assert feature["geometry"] == {"type": "Point", "coordinates": [30.0, 50.0]}
    props = feature["properties"]
    assert list(props) == [*CSV_COLUMNS, *GEOJSON_EXTRA]
    csv_row = event_csv_row(events[0])
    # the same values as the CSV's, numbers as numbers and null for an empty cell
    assert {k: "" if v is None else str(v) for k, v in props.items() if k in CSV_COLUMNS} == {
        k: str(v) for k, v in csv_row.items()
    }
    assert props["event_date"] == "2022-11-10" and props["year"] == 2022 and props["fatalities"] == 2
    assert props["latitude"] == 50.0 and props["iso"] is None and props["country_code"] == "XA"
    assert props["title"] == "Depot shelled in Alder" and props["published"] == "2022-11-11T08:30:00"


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


# -- ACLED's columns, each on hand-built events ------------------------------------------------------


def actor(kind: str | None, country: str | None = None, name: str = "X") -> dict:
    return {"name": name, "kind": kind, "country": country, "actor": None}


def event(type_="Explosions/Remote violence", subtype=None, actors=(), targets=(), country="UA", **more) -> dict:
    place = {"name": "Bakhmut", "lat": 48.6, "lon": 38.0, "country": country, "admin1": "Donetsk Oblast",
             "admin2": "Bakhmut Raion", "precision": "city"}  # fmt: skip
    return {"id": "e", "type": type_, "subtype": subtype, "actors": list(actors), "targets": list(targets),
            "place": place, "time": {"value": "2023-05-12", "grain": "day"}, **more}  # fmt: skip


def test_country_is_a_name_the_iso_code_has_its_own_column_and_iso_is_the_numeric_code():
    row = event_row(event(country="UA"))
    assert (row["country"], row["country_code"], row["iso"]) == ("Ukraine", "UA", 804)
    assert (row["admin1"], row["admin2"]) == ("Donetsk Oblast", "Bakhmut Raion")
    ru = event_row(event(country="RU"))
    assert (ru["country"], ru["iso"]) == ("Russia", 643)


@pytest.mark.parametrize(("kind", "country", "expected"), [
    ("state_forces", "UA", 1),  # at home
    ("state_forces", "RU", 8),  # abroad: external forces, as ACLED codes them
    ("government", "UA", 1),
    ("police", "UA", 1),
    ("police", None, 1),  # police named without a country: the country's own
    ("armed_group", "UA", None),  # a rebel group (2) or a militia (3, 4)? the kind does not say
    ("rioters", None, 5),
    ("protesters", None, 6),
    ("civilians", None, 7),
    ("international", None, 8),
    ("nationals", "RU", None),  # "the Russians": no actor type
    ("person", "RU", None),
    (None, None, None),
])  # fmt: skip
def test_inter1_is_acleds_actor_type_code(kind, country, expected):
    assert event_row(event(actors=[actor(kind, country)]))["inter1"] == expected


def test_state_forces_need_the_places_country_to_be_at_home_or_abroad():
    row = event_row(event(actors=[actor("state_forces", "RU")], country=None))
    assert row["inter1"] is None and row["interaction"] is None and row["country"] is None


@pytest.mark.parametrize(("actors", "targets", "inter", "interaction"), [
    ([actor("state_forces", "RU")], [actor("state_forces", "UA")], (8, 1), 18),  # lower code first
    ([actor("state_forces", "UA")], [actor("civilians")], (1, 7), 17),
    ([actor("protesters")], [], (6, 0), 60),  # no second actor: ACLED's 0, and the first code then 0
    ([actor("state_forces", "UA")], [actor("armed_group", "UA")], (1, None), None),  # unknown: no interaction
    ([], [actor("civilians")], (None, 7), None),
])  # fmt: skip
def test_inter2_and_the_interaction(actors, targets, inter, interaction):
    row = event_row(event(actors=actors, targets=targets))
    assert (row["inter1"], row["inter2"]) == inter
    assert row["interaction"] == interaction


@pytest.mark.parametrize(("type_", "subtype", "expected"), [
    ("Battles", "Armed clash", "Political violence"),
    ("Explosions/Remote violence", "Air/drone strike", "Political violence"),
    ("Violence against civilians", "Attack", "Political violence"),
    ("Protests", "Peaceful protest", "Demonstrations"),
    ("Protests", "Excessive force against protesters", "Political violence; Demonstrations"),
    ("Riots", "Violent demonstration", "Demonstrations"),
    ("Riots", "Mob violence", "Political violence; Demonstrations"),
    ("Strategic developments", "Arrests", "Strategic developments"),
    ("Something else", None, None),
])  # fmt: skip
def test_disorder_type(type_, subtype, expected):
    assert event_row(event(type_, subtype))["disorder_type"] == expected


@pytest.mark.parametrize(("type_", "subtype", "targets", "expected"), [
    ("Violence against civilians", "Attack", [], "Civilian targeting"),  # civilians by definition
    ("Explosions/Remote violence", "Air/drone strike", [actor("civilians")], "Civilian targeting"),
    ("Explosions/Remote violence", "Air/drone strike", [actor("state_forces", "UA")], None),
    ("Explosions/Remote violence", "Air/drone strike", [actor("state_forces", "UA"), actor("civilians")], None),
    ("Explosions/Remote violence", "Air/drone strike", [], None),  # no target named: not said
    ("Riots", "Mob violence", [actor("civilians")], "Civilian targeting"),
    ("Riots", "Violent demonstration", [actor("civilians")], None),  # a demonstration, not political violence
    ("Battles", "Armed clash", [actor("civilians")], None),  # fought between armed groups
    ("Strategic developments", "Arrests", [actor("civilians")], None),
])  # fmt: skip
def test_civilian_targeting(type_, subtype, targets, expected):
    assert event_row(event(type_, subtype, targets=targets))["civilian_targeting"] == expected


def test_timestamp_is_the_stored_time_as_a_unix_time_and_source_scale_is_never_guessed():
    row = event_row(event(ingested_at="2023-05-13T10:00:00+00:00", source={"name": "Reuters", "kind": "media"}))
    assert row["timestamp"] == 1683972000
    assert event_row(event(ingested_at="2023-05-13T10:00:00"))["timestamp"] == 1683972000  # no zone: UTC
    assert row["source"] == "Reuters" and row["source_scale"] is None
    assert event_row(event())["timestamp"] is None  # a bare event dict was never stored
