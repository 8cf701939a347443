"""`sitreps gazetteer add`: GeoNames dumps (19 columns) and postal-code files (12 columns) loaded
into a tiny gazetteer built from hand-made rows in tmp_path. The dump files are written by the
tests themselves: a few lines shaped like the real ones."""

from __future__ import annotations

import gzip
import sqlite3
import zipfile

import pytest
from translitua import translit
from typer.testing import CliRunner

from sitreps.cli import app
from sitreps.errors import GazetteerError
from sitreps.gazetteer import fold
from sitreps.gazetteer.build import CityRow, CountryRow, DivisionRow, Sources
from sitreps.gazetteer.dumps import _same_admin2, add_dump, added_files, admin2_key, rebuild_hint
from sitreps.gazetteer.sqlite import SQLiteGazetteer, build_gazetteer

COUNTRIES = (CountryRow("UA", "Ukraine", 690791, 40_000_000, capital="Kyiv"),)
# GeoNames admin1 codes: Kyiv city is 12 and Kyiv Oblast 13; the postal dump has them the other way
DIVISIONS = (
    DivisionRow(
        "UA", "05", "Donetska oblast", 709716, "Region", ("Donetsk", "Donetsk Oblast", "Донецька область")
    ),
    DivisionRow("UA", "12", "Kyiv", 703447, "City", ("Kyiv City", "Misto Kyiv")),
    DivisionRow("UA", "13", "Kyivska oblast", 703446, "Region", ("Kyiv", "Kyiv Oblast", "Київська область")),
)
CITIES = (
    CityRow(703448, "Kyiv", 50.45, 30.52, "UA", "12", 2_900_000, ("Kiev", "Київ")),
    CityRow(712165, "Bila Tserkva", 49.80, 30.11, "UA", "13", 200_000, ("Біла Церква",)),
    CityRow(713174, "Bakhmut", 48.594, 37.999, "UA", "05", 70_000, ("Бахмут", "Artemivsk")),
    CityRow(900010, "Andriivka", 48.50, 37.90, "UA", "05", 600),  # made "parent" below, raion Bakhmut
    CityRow(900011, "Andriivka", 47.90, 37.20, "UA", "05", 700),  # a namesake with its own position
    CityRow(900020, "Novoselivka", 48.70, 37.50, "UA", "05", 500),  # "parent"
    CityRow(900030, "Ivanivka", 48.00, 38.00, "UA", "05", 500),  # "parent"
    CityRow(900040, "Mykolaivka", 48.00, 37.00, "UA", "05", 900),
    CityRow(900041, "Mykolaivka", 48.90, 38.30, "UA", "05", 800),
    CityRow(900050, "Pokrovka", 49.00, 38.20, "UA", "05", 500),  # "parent"
    CityRow(900051, "Pokrovka", 48.20, 37.00, "UA", "05", 500),  # "parent", a namesake far away
)
PARENT = {
    "geonames:900010": "Bakhmut Raion",
    "geonames:900020": None,
    "geonames:900030": None,
    "geonames:900050": None,
    "geonames:900051": None,
}

POSTAL = [
    # Klishchiivka: three postal codes, median position; a new place
    ("UA", "84558", "Кліщіївка", "Donetska", "05", "Bahmutskiy", "48.5300", "37.9605", "4"),
    ("UA", "84559", "Кліщіївка", "Donetska", "05", "Bahmutskiy", "48.5400", "37.9700", "4"),
    ("UA", "84560", "Кліщіївка", "Donetska", "05", "Bahmutskiy", "48.6000", "37.9900", "4"),
    # Bakhmut has its own coordinates: kept
    ("UA", "84500", "Бахмут", "Donetska", "05", "Bahmutskiy", "48.5956", "37.9999", "4"),
    # two Andriivkas in the oblast: the raion picks the unlocated one, which moves
    (
        "UA",
        "84570",
        "Андріївка (Андріївська сільська рада)",
        "Donetska",
        "05",
        "Bahmutskiy",
        "48.4500",
        "37.9500",
        "1",
    ),
    # Novoselivka and Zelene share a point (an estimate): Novoselivka keeps its place, Zelene is new but unlocated
    ("UA", "84580", "Новоселівка", "Donetska", "05", "Kostiantynivskyi", "48.7000", "37.6000", "1"),
    ("UA", "84581", "Зелене", "Donetska", "05", "Kostiantynivskyi", "48.7000", "37.6000", "1"),
    # Ivanivka: a postal point 200 km away is a namesake, not the place
    ("UA", "84590", "Іванівка", "Donetska", "05", "Slovianskyi", "49.9000", "36.2000", "4"),
    # Mykolaivka: two namesakes, neither near: ambiguous
    ("UA", "84600", "Миколаївка", "Donetska", "05", "Slovianskyi", "48.4500", "37.6000", "4"),
    # postal admin1 "Kyiv" is the city (GeoNames 12), "Kyivska" the oblast (GeoNames 13)
    ("UA", "01001", "Київ", "Kyiv", "13", "Kyiv", "50.4547", "30.5238", "4"),
    ("UA", "07400", "Бровари", "Kyivska", "12", "Brovarskyi", "50.5110", "30.7909", "4"),
    # Pokrovka: one postal code, near where one of two unlocated Pokrovkas was placed (its hromada)
    ("UA", "85300", "Покровка", "Donetska", "05", "Pokrovskyi", "49.0100", "38.2100", "4"),
]


def postal_line(cc, code, name, a1, a1code, a2, lat, lon, acc) -> str:
    admin3 = ("", "", "")  # admin2 code, admin3 name and code
    return "\t".join((cc, code, name, a1, a1code, a2, *admin3, lat, lon, acc))


def dump_line(
    gid, name, alternates, lat, lon, fclass, fcode, cc, a1="05", a2="", pop=0, ascii_name=None
) -> str:
    cols = [str(gid), name, ascii_name or name, alternates, str(lat), str(lon), fclass, fcode, cc, "", a1, a2]
    cols += ["", "", str(pop), "", "150", "Europe/Kyiv", "2024-01-01"]
    assert len(cols) == 19
    return "\t".join(cols)


DUMP = [
    dump_line(700001, "Opytne", "Опитне,Opytnoye", 48.08, 37.68, "P", "PPL", "UA", a2="123", pop=700),
    dump_line(713174, "Bakhmut", "Бахмут,Artemovsk,Bachmut", 48.594, 37.999, "P", "PPLA2", "UA", pop=70_000),
    dump_line(700002, "Bakhmutskyi Raion", "Бахмутський район", 48.6, 38.0, "A", "ADM2", "UA", a2="123"),
    dump_line(700003, "Bakhmutka", "Бахмутка", 48.9, 38.2, "H", "STM", "UA"),
    # the one unlocated Novoselivka of the oblast: one place, merged into the existing entry
    dump_line(700004, "Novoselivka", "Новоселівка", 48.72, 37.62, "P", "PPL", "UA", pop=450),
    dump_line(700005, "Belgorod", "Белгород", 50.6, 36.58, "P", "PPLA", "RU", a1="09", pop=390_000),
    dump_line(700008, "Belgorod Oblast", "Белгородская область", 50.7, 37.5, "A", "ADM1", "RU", a1="09"),
    dump_line(700006, "Khutir", "", 48.1, 37.1, "P", "PPL", "UA", pop=3),
    # two unlocated Pokrovkas: the one whose hromada is near
    dump_line(700007, "Pokrovka", "Покровка", 49.05, 38.25, "P", "PPL", "UA", pop=300),
]


@pytest.fixture
def gaz_path(tmp_path):
    sources = Sources(countries=lambda: COUNTRIES, divisions=lambda: DIVISIONS, cities=lambda: CITIES)
    path = build_gazetteer(tmp_path / "gaz.sqlite", sources=sources)
    conn = sqlite3.connect(path)
    for entry_id, admin2 in PARENT.items():
        conn.execute(
            "UPDATE places SET coord_precision = 'parent', admin2 = ? WHERE id = ?", (admin2, entry_id)
        )
    conn.commit()
    conn.close()
    return path


def write(path, lines, encoding="utf-8"):
    path.write_text("".join(line + "\n" for line in lines), encoding=encoding)
    return path


@pytest.fixture
def postal_file(tmp_path):
    return write(tmp_path / "UA.txt", [postal_line(*row) for row in POSTAL])


@pytest.fixture
def dump_file(tmp_path):
    return write(tmp_path / "UA-dump.txt", DUMP)


def entry(path, entry_id):
    with SQLiteGazetteer(path) as g:
        return g.get(entry_id)


def lookup(path, name):
    with SQLiteGazetteer(path) as g:
        return g.lookup(name)


def names_of(path, entry_id):
    with SQLiteGazetteer(path) as g:
        return g.names_of(entry_id)


def counts(path):
    conn = sqlite3.connect(path)
    try:
        return tuple(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("places", "names"))
    finally:
        conn.close()


# ---------------------------------------------------------------------------- GeoNames dumps


def test_dump_inserts_new_places_with_admin_names(gaz_path, dump_file):
    result = add_dump(gaz_path, dump_file)
    assert result.format == "geonames"
    opytne = entry(gaz_path, "geonames:700001")
    assert (opytne.name, opytne.feature, opytne.country) == ("Opytne", "P.PPL", "UA")
    assert (opytne.admin1, opytne.admin1_code) == ("Donetsk Oblast", "05")
    assert opytne.admin2 == "Bakhmutskyi Raion"  # from the dump's own ADM2 row
    assert (opytne.lat, opytne.lon, opytne.population, opytne.coord_precision) == (
        48.08,
        37.68,
        700,
        "source",
    )
    assert "UA-dump.txt" in opytne.source
    assert [e.id for e in lookup(gaz_path, "Опитне")] == ["geonames:700001"]
    assert entry(gaz_path, "geonames:700003").feature == "H.STM"
    # a division the gazetteer lacks is named by the dump's own ADM1 row
    assert entry(gaz_path, "geonames:700005").admin1 == "Belgorod Oblast"
    assert result.rows_read == 9 and result.inserted == 8 and result.merged == 2


def test_dump_adds_missing_names_to_an_existing_id(gaz_path, dump_file):
    before = names_of(gaz_path, "geonames:713174")
    result = add_dump(gaz_path, dump_file)
    after = names_of(gaz_path, "geonames:713174")
    assert set(after) - set(before) == {"Artemovsk", "Bachmut"}
    assert len(after) == len({fold(n) for n in after})  # no duplicate forms
    assert result.names_added == 2


def test_dump_row_replaces_the_unlocated_entry_it_duplicates(gaz_path, dump_file):
    result = add_dump(gaz_path, dump_file)
    assert entry(gaz_path, "geonames:900020") is None
    novoselivka = entry(gaz_path, "geonames:700004")
    assert (novoselivka.lat, novoselivka.lon, novoselivka.coord_precision) == (48.72, 37.62, "source")
    assert "geonames:900020" in novoselivka.coord_note
    assert [e.id for e in lookup(gaz_path, "Новоселівка")] == ["geonames:700004"]
    # among namesakes, the one placed near
    assert entry(gaz_path, "geonames:900050") is None
    assert entry(gaz_path, "geonames:900051").coord_precision == "parent"
    assert sorted(e.id for e in lookup(gaz_path, "Pokrovka")) == ["geonames:700007", "geonames:900051"]
    assert result.merged == 2


def test_dump_added_again_under_another_name_changes_nothing(gaz_path, dump_file, tmp_path):
    add_dump(gaz_path, dump_file)
    before = counts(gaz_path)
    copy = write(tmp_path / "other.txt", DUMP[::-1])  # other bytes, same rows
    again = add_dump(gaz_path, copy)
    assert (again.inserted, again.merged, again.names_added) == (0, 0, 0)
    assert counts(gaz_path) == before


def test_dump_filters(gaz_path, dump_file):
    result = add_dump(gaz_path, dump_file, countries=["UA"], min_population=100, classes=["P"])
    assert entry(gaz_path, "geonames:700005") is None  # RU
    assert entry(gaz_path, "geonames:700006") is None  # 3 inhabitants
    assert entry(gaz_path, "geonames:700003") is None  # a stream
    assert result.filtered == {
        "other countries": 2,
        "other feature classes": 2,
        "populated places below --min-population": 1,
    }
    assert entry(gaz_path, "geonames:700001") is not None


def test_zipped_and_gzipped_dumps(gaz_path, tmp_path, dump_file):
    archive = tmp_path / "UA.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("readme.txt", "GeoNames readme\n")
        zf.write(dump_file, "UA.txt")
    result = add_dump(gaz_path, archive)
    assert (result.format, result.rows_read, result.inserted) == ("geonames", 9, 8)
    assert entry(gaz_path, "geonames:700001").name == "Opytne"

    packed = tmp_path / "UA.txt.gz"
    packed.write_bytes(gzip.compress(dump_file.read_bytes()))
    again = add_dump(gaz_path, packed)  # another file, same rows: nothing new
    assert (again.rows_read, again.inserted, again.names_added) == (9, 0, 0)


def test_zip_without_a_dump_is_an_error(gaz_path, tmp_path):
    archive = tmp_path / "empty.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("readme.txt", "nothing here\n")
        zf.writestr("notes.csv", "a,b\n")
    with pytest.raises(GazetteerError, match="no .txt file"):
        add_dump(gaz_path, archive)


def test_zip_with_several_dumps_is_an_error(gaz_path, tmp_path, dump_file):
    archive = tmp_path / "two.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(dump_file, "UA.txt")
        zf.write(dump_file, "RU.txt")
    with pytest.raises(GazetteerError, match="several .txt files"):
        add_dump(gaz_path, archive)


def test_truncated_gzip_is_an_error_and_adds_nothing(gaz_path, tmp_path, dump_file):
    before = counts(gaz_path)
    packed = gzip.compress((dump_file.read_text(encoding="utf-8") * 200).encode())
    path = tmp_path / "cut.txt.gz"
    path.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(GazetteerError, match="damaged after line"):
        add_dump(gaz_path, path)
    assert counts(gaz_path) == before


def test_bad_dump_lines_are_counted_and_skipped(gaz_path, tmp_path):
    lines = [
        *DUMP[:2],
        dump_line(700100, "Nowhere", "", "north", 37.0, "P", "PPL", "UA"),
        dump_line(700101, "Faraway", "", 123.0, 37.0, "P", "PPL", "UA"),
        "\t".join(["700102", "Short"] + [""] * 16),  # 18 columns
        dump_line(700103, "Nopop", "", 48.0, 37.0, "P", "PPL", "UA").replace("\t0\t", "\tmany\t"),
    ]
    path = write(tmp_path / "bad.txt", lines)
    with path.open("ab") as fh:
        fh.write(
            dump_line(700104, "Bad", "", 48.0, 37.0, "P", "PPL", "UA").encode().replace(b"Bad", b"B\xffd")
            + b"\n"
        )
    result = add_dump(gaz_path, path)
    assert result.rows_read == 7
    assert result.skipped == {
        "bad latitude/longitude": 1,
        "latitude/longitude out of range": 1,
        "wrong column count": 1,
        "bad population": 1,
        "not UTF-8 text": 1,
    }
    assert result.inserted == 1 and entry(gaz_path, "geonames:700001") is not None


# ---------------------------------------------------------------------------- postal codes


def test_postal_groups_rows_per_place_at_their_median_with_a_latin_name(gaz_path, postal_file):
    result = add_dump(gaz_path, postal_file)
    assert result.format == "postal" and result.rows_read == len(POSTAL)
    (place,) = lookup(gaz_path, "Klishchiivka")
    assert place.id == "postal:UA:84558"
    assert (place.lat, place.lon) == (48.54, 37.97)
    assert (place.feature, place.country, place.admin1, place.admin1_code) == (
        "P.PPL",
        "UA",
        "Donetsk Oblast",
        "05",
    )
    assert (place.admin2, place.coord_precision) == ("Bahmutskiy", "postal")
    assert "3 postal-code rows" in place.coord_note and "UA.txt" in place.coord_note
    assert [e.id for e in lookup(gaz_path, "Кліщіївка")] == ["postal:UA:84558"]


def test_postal_moves_an_unlocated_entry_and_leaves_a_located_one(gaz_path, postal_file):
    result = add_dump(gaz_path, postal_file)
    andriivka = entry(gaz_path, "geonames:900010")  # picked among two by its raion
    assert (andriivka.lat, andriivka.lon, andriivka.coord_precision) == (48.45, 37.95, "postal")
    assert "UA.txt" in andriivka.coord_note and "1 postal-code row" in andriivka.coord_note
    assert "Андріївка" in names_of(gaz_path, "geonames:900010")
    assert entry(gaz_path, "geonames:900011").coord_precision == "source"
    pokrovka = entry(gaz_path, "geonames:900050")
    assert (pokrovka.lat, pokrovka.coord_precision) == (49.01, "postal")
    bakhmut = entry(gaz_path, "geonames:713174")
    assert (bakhmut.lat, bakhmut.lon, bakhmut.coord_precision) == (48.594, 37.999, "source")
    assert result.updated == 2
    assert result.kept["entry has its own coordinates"] == 2  # Bakhmut, Kyiv


def test_postal_point_shared_or_far_does_not_move_an_entry(gaz_path, postal_file):
    result = add_dump(gaz_path, postal_file)
    assert entry(gaz_path, "geonames:900020").coord_precision == "parent"  # Novoselivka: shared point
    assert entry(gaz_path, "geonames:900030").coord_precision == "parent"  # Ivanivka: 200 km off
    assert result.kept["postal point shared with other places"] == 1
    assert result.kept["postal point over 50 km from the entry"] == 1
    (zelene,) = lookup(gaz_path, "Zelene")
    assert zelene.coord_precision == "parent" and "shared by 2 places" in zelene.coord_note


def test_postal_ambiguous_namesakes_are_left_alone(gaz_path, postal_file):
    result = add_dump(gaz_path, postal_file)
    assert result.ambiguous == 1
    assert sorted(e.id for e in lookup(gaz_path, "Mykolaivka")) == ["geonames:900040", "geonames:900041"]
    assert lookup(gaz_path, "Миколаївка") == []


def test_postal_division_names_map_to_the_gazetteers_divisions(gaz_path, postal_file):
    result = add_dump(gaz_path, postal_file)
    assert result.admin1_unmapped == []
    assert "Київ" in names_of(gaz_path, "geonames:703448")  # "Kyiv" (code 13) is the city
    (brovary,) = lookup(gaz_path, "Brovary")
    assert (brovary.admin1, brovary.admin1_code) == ("Kyiv Oblast", "13")  # "Kyivska" (code 12)


def test_adding_the_same_file_again_does_nothing(gaz_path, postal_file, tmp_path):
    first = add_dump(gaz_path, postal_file)
    before = counts(gaz_path)
    again = add_dump(gaz_path, postal_file)
    assert again.already_added and again.inserted == again.updated == again.rows_read == 0
    assert counts(gaz_path) == before
    copy = tmp_path / "copy.txt"
    copy.write_bytes(postal_file.read_bytes())
    assert add_dump(gaz_path, copy).already_added  # same content under another name
    (record,) = added_files(gaz_path)
    assert (record.format, record.rows_read, record.inserted, record.updated) == (
        "postal",
        len(POSTAL),
        first.inserted,
        first.updated,
    )
    assert record.path == str(postal_file.resolve())
    assert str(postal_file.resolve()) in rebuild_hint(gaz_path)


def test_no_hint_for_a_gazetteer_without_added_files(gaz_path, tmp_path):
    assert rebuild_hint(gaz_path) is None
    assert rebuild_hint(tmp_path / "missing.sqlite") is None


def test_bad_postal_lines_are_counted(gaz_path, tmp_path):
    lines = [
        postal_line(*POSTAL[0]),
        "UA\t84999\tДесь\tDonetska\t05",
        postal_line(*POSTAL[3][:6], "x", "37.9", "4"),
    ]
    result = add_dump(gaz_path, write(tmp_path / "bad.txt", lines))
    assert result.skipped == {"wrong column count": 1, "bad latitude/longitude": 1}
    assert result.inserted == 1


def test_postal_countries_filter(gaz_path, tmp_path):
    lines = [
        postal_line(*POSTAL[0]),
        postal_line("RU", "309000", "Белгород", "Belgorod", "09", "", "50.6", "36.6", "4"),
    ]
    result = add_dump(gaz_path, write(tmp_path / "mixed.txt", lines), countries=["ua"])
    assert result.filtered == {"other countries": 1} and result.inserted == 1
    assert lookup(gaz_path, "Белгород") == []


def test_a_failure_leaves_the_gazetteer_untouched(gaz_path, postal_file, monkeypatch):
    from sitreps.gazetteer import dumps

    before = counts(gaz_path)

    def broken(conn, entries):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(dumps, "_insert", broken)
    with pytest.raises(GazetteerError, match="disk I/O error"):
        add_dump(gaz_path, postal_file)
    assert counts(gaz_path) == before  # names added before the failure are rolled back
    assert entry(gaz_path, "geonames:900010").coord_precision == "parent"
    assert added_files(gaz_path) == []


# ---------------------------------------------------------------------------- bad files


@pytest.mark.parametrize(
    "content, message",
    [
        (b"a\tb\tc\td\te\n", "5 tab-separated columns"),
        (b"", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary data"),
        (b"PK\x03\x04 not really a zip", "not a readable"),
        (b"\x1f\x8b\x08 not really gzip", "not a readable"),
    ],
)
def test_files_that_are_not_dumps_are_clear_errors(gaz_path, tmp_path, content, message):
    path = tmp_path / "junk.txt"
    path.write_bytes(content)
    with pytest.raises(GazetteerError, match=message):
        add_dump(gaz_path, path)


def test_explicit_format_must_match_the_columns(gaz_path, postal_file):
    with pytest.raises(GazetteerError, match="a geonames dump has 19"):
        add_dump(gaz_path, postal_file, format="geonames")


def test_missing_file_and_missing_gazetteer(gaz_path, tmp_path, postal_file):
    with pytest.raises(GazetteerError, match="no such file"):
        add_dump(gaz_path, tmp_path / "nope.txt")
    with pytest.raises(GazetteerError, match="no gazetteer"):
        add_dump(tmp_path / "none.sqlite", postal_file)


@pytest.mark.parametrize(
    "a, b",
    [
        ("Bahmutskiy", "Bakhmut Raion"),
        ("Bakhmutskyi raion", "Bahmutskiy"),
        ("Pokrovskyi", "Pokrovsk Raion"),
        ("Zaporizkyi", "Zaporizhzhia Raion"),
    ],
)
def test_admin2_key_matches_raion_spellings(a, b):
    assert _same_admin2(admin2_key(a), admin2_key(b))


def test_admin2_key_tells_raions_apart():
    assert not _same_admin2(admin2_key("Kostiantynivskyi"), admin2_key("Kramatorsk Raion"))
    assert admin2_key("Бахмутський район", latin=translit) == admin2_key("Bakhmut Raion") == "bahmut"
    assert admin2_key(None) == "" and not _same_admin2("", "")


# ---------------------------------------------------------------------------- CLI

RUNNER = CliRunner(env={"COLUMNS": "400", "NO_COLOR": "1", "SITREPS_CONFIG": None})


def test_cli_add_prints_a_summary_and_is_idempotent(gaz_path, postal_file, tmp_path):
    config = tmp_path / "settings.toml"
    config.write_text(f"[gazetteer]\npath = '{gaz_path}'\n", encoding="utf-8")
    missing = tmp_path / "missing.txt"
    result = RUNNER.invoke(app, ["gazetteer", "add", str(postal_file), str(missing), "--config", str(config)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    text = " ".join(result.stderr.split())
    assert f"{len(POSTAL)} rows read, 0 skipped" in text
    assert "2 coordinates updated" in text and "1 ambiguous" in text
    assert "coordinates kept: 2 entry has its own coordinates" in text
    assert f"error: no such file: {missing}" in text
    assert [e.id for e in lookup(gaz_path, "Klishchiivka")] == ["postal:UA:84558"]

    again = RUNNER.invoke(app, ["gazetteer", "add", str(postal_file), "--config", str(config)])
    assert again.exit_code == 0 and "already added" in again.stderr

    bad = RUNNER.invoke(
        app, ["gazetteer", "add", str(postal_file), "--format", "csv", "--config", str(config)]
    )
    assert bad.exit_code == 2 and "choose auto, geonames or postal" in " ".join(bad.stderr.split())
