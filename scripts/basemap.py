"""Build the UI's offline basemap from Natural Earth 1:50m countries (world-atlas on npm).

    npm install --prefix /tmp/na world-atlas@2.0.2
    python scripts/basemap.py /tmp/na/node_modules/world-atlas/countries-50m.json

writes src/sitreps/web/static/basemap/countries-50m.json: the same TopoJSON (Natural Earth 4.1.0,
public domain; world-atlas packaging ISC) with one change. Natural Earth draws de facto control,
so its Russia includes the Crimean peninsula; the UI draws internationally recognised borders
(UN General Assembly resolution 68/262), as ACLED codes events there, so the peninsula's polygon
is moved from Russia's geometry to Ukraine's. Nothing else is altered: the browser derives the
land (`objects.land`) and the borders between countries (a mesh of `objects.countries`).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src/sitreps/web/static/basemap/countries-50m.json"
CRIMEA = [(34.10, 44.95), (33.52, 44.60)]  # Simferopol, Sevastopol (lon, lat)


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
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


def ring_points(ring: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def inside(point: tuple[float, float], ring: list[tuple[float, float]]) -> bool:
    x, y = point
    found = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            found = not found
    return found


def polygons(geometry: dict) -> list[list[list[int]]]:
    return [geometry["arcs"]] if geometry["type"] == "Polygon" else list(geometry["arcs"])


def move_crimea(topo: dict) -> int:
    arcs = decode_arcs(topo)
    by_name = {g["properties"]["name"]: g for g in topo["objects"]["countries"]["geometries"]}
    russia, ukraine = by_name["Russia"], by_name["Ukraine"]
    keep, moved = [], []
    for polygon in polygons(russia):
        outer = ring_points(polygon[0], arcs)
        (moved if any(inside(p, outer) for p in CRIMEA) else keep).append(polygon)
    if not moved:
        return 0
    russia.update(type="MultiPolygon" if len(keep) > 1 else "Polygon", arcs=keep if len(keep) > 1 else keep[0])
    ukraine.update(type="MultiPolygon", arcs=polygons(ukraine) + moved)
    return len(moved)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", type=Path, help="world-atlas's countries-50m.json")
    parser.add_argument("-o", "--out", type=Path, default=OUT)
    args = parser.parse_args()
    topo = json.loads(args.source.read_text(encoding="utf-8"))
    n = move_crimea(topo)
    args.out.write_text(json.dumps(topo, separators=(",", ":")), encoding="utf-8")
    print(f"moved {n} polygon(s) from Russia to Ukraine; wrote {args.out} ({args.out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
