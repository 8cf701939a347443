// The offline basemap: Natural Earth 1:50m land and country borders (static/basemap/), drawn
// on a canvas under the markers. OpenStreetMap tiles are an option the user turns on; the
// choice is remembered in this browser (localStorage) and nothing is fetched from elsewhere
// until then.
/* global L, topojson */
import { root } from "./dom.js";

const TILES_KEY = "sitreps.onlineTiles";
let basemapData = null;

// -- the antimeridian ---------------------------------------------------------------------------
// The world's TopoJSON is made for spherical drawing: a ring that crosses the antimeridian
// (Chukotka, Fiji) steps from 180 to -180, and Antarctica's ring runs round the pole. On a flat
// map each such step is a line across the whole world. Rings are made continuous (longitudes
// past 180 are kept, and a copy is shifted by 360 so the piece shows at both edges), rings round
// a pole are closed along it, and lines are cut where they step.

// A ring with continuous longitudes; one that goes round a pole is closed along the pole.
export function unwrapRing(ring) {
  const out = [];
  let shift = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x, y] = ring[i];
    if (i) {
      const step = x + shift - out[i - 1][0];
      if (step > 180) shift -= 360;
      else if (step < -180) shift += 360;
    }
    out.push([x + shift, y]);
  }
  const drift = out[out.length - 1][0] - out[0][0];
  if (Math.abs(drift) > 180) {
    const pole = out.reduce((s, p) => s + p[1], 0) < 0 ? -90 : 90;
    const [x0, y0] = out[0], [xn] = out[out.length - 1];
    out.push([xn, pole], [x0, pole], [x0, y0]);
  }
  return out;
}

// Lines cut where they step across the antimeridian.
export function splitLine(line) {
  const parts = [[line[0]]];
  for (let i = 1; i < line.length; i++) {
    if (Math.abs(line[i][0] - line[i - 1][0]) > 180) parts.push([]);
    parts[parts.length - 1].push(line[i]);
  }
  return parts.filter((p) => p.length > 1);
}

function shifted(polygon, dx) {
  return polygon.map((ring) => ring.map(([x, y]) => [x + dx, y]));
}

// A GeoJSON geometry drawable on a flat map (see above).
export function flatGeometry(geometry) {
  if (!geometry) return geometry;
  if (geometry.type === "LineString" || geometry.type === "MultiLineString") {
    const lines = geometry.type === "LineString" ? [geometry.coordinates] : geometry.coordinates;
    return { type: "MultiLineString", coordinates: lines.flatMap(splitLine) };
  }
  if (geometry.type !== "Polygon" && geometry.type !== "MultiPolygon") return geometry;
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  const out = [];
  for (const polygon of polygons) {
    const rings = polygon.map(unwrapRing);
    out.push(rings);
    const xs = rings[0].map((p) => p[0]);
    if (Math.max(...xs) > 180) out.push(shifted(rings, -360));
    if (Math.min(...xs) < -180) out.push(shifted(rings, 360));
  }
  return { type: "MultiPolygon", coordinates: out };
}

function flatFeature(feature) {
  if (feature.type === "FeatureCollection") return { ...feature, features: feature.features.map(flatFeature) };
  if (feature.type === "Feature") return { ...feature, geometry: flatGeometry(feature.geometry) };
  return flatGeometry(feature);
}

export function loadWorld() {
  if (!basemapData) {
    const url = `${root}/static/basemap/countries-50m.json`;
    basemapData = fetch(url).then((r) => r.json()).then((topo) => ({
      land: flatFeature(topojson.feature(topo, topo.objects.land)),
      borders: flatFeature(topojson.mesh(topo, topo.objects.countries, (a, b) => a !== b)),
    }));
  }
  return basemapData;
}

// Draws the basemap on `map` once `after` (a promise) settles: the map page draws its markers
// first, which is what a reader waits for. Resolves when drawn (performance mark
// "sitreps:basemap").
export function addBasemap(map, after = Promise.resolve()) {
  map.createPane("basemap").style.zIndex = 150;
  const renderer = L.canvas({ pane: "basemap", padding: 0.3 });
  const group = L.layerGroup().addTo(map);
  const data = loadWorld();
  const ready = after.catch(() => {}).then(() => data).then(({ land, borders }) => {
    L.geoJSON(land, { renderer, interactive: false, style: { className: "land", color: "#8fa6b3", weight: 0.8, fillColor: "#f4f1ea", fillOpacity: 1 } }).addTo(group);
    L.geoJSON(borders, { renderer, interactive: false, style: { color: "#9c9486", weight: 0.9, dashArray: null, fill: false } }).addTo(group);
    performance.mark("sitreps:basemap");
  });
  return { group, ready };
}

export function onlineTilesSwitch(map, basemap, checkbox) {
  let tiles = null;
  const apply = (on) => {
    if (on && !tiles) {
      tiles = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
        maxZoom: 19,
        attribution: "&copy; OpenStreetMap contributors",
      }).addTo(map);
      map.removeLayer(basemap.group);
    } else if (!on && tiles) {
      map.removeLayer(tiles);
      tiles = null;
      basemap.group.addTo(map);
    }
  };
  let stored = false;
  try { stored = localStorage.getItem(TILES_KEY) === "on"; } catch { /* storage off */ }
  if (checkbox) {
    checkbox.checked = stored;
    checkbox.addEventListener("change", () => {
      try { localStorage.setItem(TILES_KEY, checkbox.checked ? "on" : "off"); } catch { /* storage off */ }
      apply(checkbox.checked);
    });
  }
  apply(stored);
}
