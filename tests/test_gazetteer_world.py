"""Country points, continents, US counties and towns from ZIP codes, division boxes and the
Russian-era spellings and loose keys the SQLite writer adds: tiny hand-made sources."""

from __future__ import annotations

from dataclasses import replace

import pytest
from test_gazetteer import CITIES, COUNTRIES, CURATED, DIVISIONS

from sitreps.errors import GazetteerError
from sitreps.gazetteer.build import CityRow, Sources, World, load_curated
from sitreps.gazetteer.sqlite import SQLiteGazetteer, build_gazetteer
from sitreps.gazetteer.world import Continent, CountryPoint, ZipPlace, box_middle

US_CITIES = (
    CityRow(4726206, "San Antonio", 29.42, -98.49, "US", "TX", 1_400_000),
    CityRow(4736287, "Texas City", 29.38, -94.9, "US", "TX", 45_000),
    CityRow(5520993, "El Paso", 31.76, -106.49, "US", "TX", 680_000),
    CityRow(4671654, "Amarillo", 35.22, -101.83, "US", "TX", 200_000),
)
WORLD = World(
    countries={"UA": CountryPoint("UA", 49.0, 32.0, ("Ukraine", "Ukrayina"), "Ukrainian")},
    continents=(Continent(6255148, "Europe", 48.69, 9.14, 741_000_000, ("Europe",)),),
    zip_places=lambda: [
        ZipPlace("town", "TX", "Amarillo", "Potter County", 35.2, -101.8, 9, "79101"),  # GeoNames has it
        ZipPlace("town", "TX", "Greer Station", "Anderson County", 31.9, -95.6, 1, "75801"),
        ZipPlace("county", "TX", "Anderson County", "Anderson County", 31.8, -95.65, 4, "75801"),
    ],
)


def sources(world=WORLD, curated=CURATED) -> Sources:
    from sitreps.gazetteer.build import CountryRow, DivisionRow

    return Sources(
        countries=lambda: (*COUNTRIES, CountryRow("US", "United States", 6252001, 330_000_000, capital="Washington")),
        divisions=lambda: (*DIVISIONS, DivisionRow("US", "TX", "Texas", 4736286, "State", ())),
        cities=lambda: (*CITIES, *US_CITIES),
        curated=lambda: curated,
        world=lambda: world,
        labels={"cities": "test cities", "zip": "test zips"},
    )


@pytest.fixture(scope="module")
def gaz(tmp_path_factory):
    path = build_gazetteer(tmp_path_factory.mktemp("gaz") / "world.sqlite", sources=sources())
    with SQLiteGazetteer(path) as g:
        yield g


def test_country_takes_its_representative_point_and_names(gaz):
    (ukraine,) = [e for e in gaz.lookup("Ukrayina") if e.feature_code == "PCLI"]
    assert (ukraine.lat, ukraine.lon) == (49.0, 32.0)
    assert ukraine.coord_precision == "source" and "countryinfo" in ukraine.coord_note


def test_country_without_a_point_falls_back_to_its_places(gaz):
    (poland,) = gaz.lookup("Poland")
    assert poland.coord_precision == "centroid"


def test_curated_point_overrides_the_package_point(tmp_path):
    curated = replace(CURATED, country_points={"UA": ((48.4, 31.2), "a test source")})
    path = build_gazetteer(tmp_path / "g.sqlite", sources=sources(curated=curated))
    with SQLiteGazetteer(path) as g:
        (ukraine,) = [e for e in g.lookup("Ukraine") if e.feature_code == "PCLI"]
    assert (ukraine.lat, ukraine.lon) == (48.4, 31.2) and ukraine.coord_note == "a test source"


def test_curated_point_needs_a_source():
    with pytest.raises(GazetteerError, match="point_source"):
        load_curated({"country": [{"iso": "US", "point": [39.0, -98.0]}]})


def test_division_is_the_middle_of_its_box_not_its_biggest_city(gaz):
    (texas,) = [e for e in gaz.lookup("Texas") if e.feature_code == "ADM1"]
    # places span 29.38..35.22 N and 106.49..94.9 W; San Antonio alone would pull it south
    assert texas.lat == pytest.approx((29.38 + 35.22) / 2, abs=1e-4)
    assert texas.lon == pytest.approx((-106.49 + -94.9) / 2, abs=1e-4)


def test_continent(gaz):
    (europe,) = gaz.lookup("Europe")
    assert europe.feature == "L.CONT" and europe.precision == "continent" and europe.country is None


def test_zip_towns_fill_gaps_and_counties_are_divisions(gaz):
    assert [e.id for e in gaz.lookup("Amarillo")] == ["geonames:4671654"]  # no duplicate of a GeoNames town
    (greer,) = gaz.lookup("Greer Station")
    assert greer.feature == "P.PPL" and greer.admin1 == "Texas" and greer.admin2 == "Anderson County"
    assert "mean position of its 1 ZIP code" in greer.coord_note
    (county,) = gaz.lookup("Anderson County")
    assert county.feature == "A.ADM2" and county.precision == "admin2" and county.admin1_code == "TX"
    assert gaz.lookup("Anderson Co.")[0].id == county.id


def test_russian_era_spelling_and_loose_key_for_focus_countries(gaz):
    # "Миколаїв" among the alternate names gives a Latin form; loose keys join spellings
    assert "geonames:700569" in [e.id for e in gaz.lookup("Nikolaev")]
    assert gaz.lookup("Mikolaiiv") == []
    assert "geonames:700569" in [e.id for e in gaz.lookup_loose("Mikolaiiv")]
    assert gaz.lookup_loose("Warszawa") == []  # loose keys only for the focus countries' region
    assert "geonames:700569" in [e.id for e in gaz.lookup_consonants("Mikolayev")]
    assert gaz.lookup_consonants("Warszawa") == []


@pytest.mark.parametrize(
    "points, expected",
    [
        ([(10, 170), (12, -170)], (11.0, 180.0)),  # across the antimeridian: the narrow box
        ([(0, 0), (2, 4)], (1.0, 2.0)),
        ([], None),
    ],
)
def test_box_middle(points, expected):
    got = box_middle(points)
    if expected is None:
        assert got is None
    else:
        assert got[0] == pytest.approx(expected[0]) and abs((got[1] - expected[1] + 180) % 360 - 180) < 1e-6


def test_box_middle_leaves_out_a_far_stray_point():
    cluster = [(48.0 + 0.01 * i, 37.0 + 0.03 * i) for i in range(21)]  # 48.0..48.2 N, 37.0..37.6 E
    stray = (48.1, 33.1)
    assert box_middle([*cluster, stray]) == pytest.approx((48.1, 35.35))  # the stray stretches the box
    assert box_middle([*cluster, stray], gap=3.0) == pytest.approx((48.1, 37.3))
    # across the antimeridian too: the stray is 4 degrees east of 178..179 E / 181 E
    assert box_middle([(60.0, 178.0 + 0.05 * i) for i in range(21)] + [(60.0, -176.0)], gap=3.0) == pytest.approx(
        (60.0, 178.5)
    )


def test_box_middle_keeps_places_that_thin_out_without_a_gap():
    # sparse places to the north, each within 3 degrees of the next: the box keeps them
    south = [(45.0 + 0.01 * i, -72.0) for i in range(40)]
    north = [(48.0, -72.0), (50.5, -72.0), (53.0, -72.0), (55.5, -72.0), (58.0, -72.0)]
    assert box_middle([*south, *north], gap=3.0) == pytest.approx((51.5, -72.0))
    # a lone point beyond a wide gap goes, but never more than `share` of them at either end
    far = [(62.0, -72.0), (62.1, -72.0), (62.2, -72.0)]
    assert box_middle([*south, *north, *far], gap=3.0, share=0.05) == pytest.approx((53.6, -72.0))
    assert box_middle([*south, *north, *far[:1]], gap=3.0, share=0.05) == pytest.approx((51.5, -72.0))


def test_older_gazetteer_versions_are_removed(tmp_path):
    from sitreps.gazetteer import remove_stale

    for name in ("gazetteer-1.sqlite", "gazetteer-9.sqlite", "gazetteer-10.sqlite", "gazetteer-x.sqlite", "other.db"):
        (tmp_path / name).write_bytes(b"")
    removed = remove_stale(tmp_path / "gazetteer-10.sqlite")
    assert sorted(removed) == ["gazetteer-1.sqlite", "gazetteer-9.sqlite"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gazetteer-10.sqlite", "gazetteer-x.sqlite", "other.db"]
