// The offline basemap, drawn on a canvas under the markers: Natural Earth 1:50m land and country
// borders (static/basemap/countries-50m.json) and, from zoom 5, the first-level units (oblasts,
// provinces, states) of the countries in view with their names (static/basemap/admin1/, one
// file per country, loaded when it first comes into view). OpenStreetMap tiles are an option the
// user turns on; the choice is remembered in this browser (localStorage) and nothing is fetched
// from elsewhere until then.
/* global L, topojson */
import { el, root } from "./dom.js";

const TILES_KEY = "sitreps.onlineTiles";
export const ADMIN1_ZOOM = 5; // oblast borders and names from this zoom on
const LABEL_CAP = 80; // names drawn at once, largest units first
let worldData = null;
let admin1Index = null;
const admin1Files = new Map(); // ISO 3166-1 alpha-2 -> Promise of {features, borders}

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

// -- data ---------------------------------------------------------------------------------------

export function loadWorld() {
  if (!worldData) {
    worldData = fetch(`${root}/static/basemap/countries-50m.json`).then((r) => r.json()).then((topo) => ({
      land: flatFeature(topojson.feature(topo, topo.objects.land)),
      borders: flatFeature(topojson.mesh(topo, topo.objects.countries, (a, b) => a !== b)),
      countries: topojson.feature(topo, topo.objects.countries).features,
    }));
  }
  return worldData;
}

export function loadAdmin1Index() {
  if (!admin1Index) {
    admin1Index = fetch(`${root}/static/basemap/admin1/index.json`).then((r) => (r.ok ? r.json() : {})).catch(() => ({}));
  }
  return admin1Index;
}

// One country's units: {features (GeoJSON, properties name and label), borders (between its
// units)}; null when the country has no file (one unit, or not in the data).
export function loadAdmin1(code) {
  if (!admin1Files.has(code)) {
    admin1Files.set(code, loadAdmin1Index().then((index) => {
      if (!index[code]) return null;
      return fetch(`${root}/static/basemap/admin1/${code}.json`).then((r) => r.json()).then((topo) => {
        const object = topo.objects.admin1;
        const features = topojson.feature(topo, object).features;
        for (const f of features) f.bbox = bboxOf(f.geometry);
        return { code, features, borders: flatFeature(topojson.mesh(topo, object, (a, b) => a !== b)) };
      });
    }).catch(() => null));
  }
  return admin1Files.get(code);
}

// -- geometry helpers ---------------------------------------------------------------------------

function bboxOf(geometry) {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  for (const polygon of polygons) {
    for (const [x, y] of polygon[0]) {
      if (x < w) w = x;
      if (x > e) e = x;
      if (y < s) s = y;
      if (y > n) n = y;
    }
  }
  return [w, s, e, n];
}

function inRing(x, y, ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i], [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

// Whether [lon, lat] lies in a GeoJSON (Multi)Polygon (holes count as outside).
export function contains(geometry, lon, lat) {
  if (!geometry || (geometry.type !== "Polygon" && geometry.type !== "MultiPolygon")) return false;
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  return polygons.some((polygon) => inRing(lon, lat, polygon[0]) && !polygon.slice(1).some((hole) => inRing(lon, lat, hole)));
}

// -- drawing ------------------------------------------------------------------------------------

const LAND = { className: "land", color: "#8fa6b3", weight: 0.8, fillColor: "#f4f1ea", fillOpacity: 1 };
const BORDERS = { color: "#9c9486", weight: 0.9, fill: false };
const ADMIN1_BORDERS = { className: "admin1", color: "#a59d8f", weight: 0.8, dashArray: "4 3", fill: false };

// Draws the basemap on `map` once `after` (a promise) settles: the map page draws its markers
// first, which is what a reader waits for. `ready` resolves when the land is drawn (performance
// mark "sitreps:basemap"); the units follow as their countries come into view ("sitreps:admin1"
// the first time).
export function addBasemap(map, after = Promise.resolve()) {
  map.createPane("basemap").style.zIndex = 150;
  const labelPane = map.createPane("labels");
  labelPane.style.zIndex = 350; // over the areas (overlayPane, 400 is the markers') and under popups
  labelPane.style.pointerEvents = "none";
  const renderer = L.canvas({ pane: "basemap", padding: 0.3 });
  const group = L.layerGroup().addTo(map);
  const ready = after.catch(() => {}).then(() => loadWorld()).then(({ land, borders }) => {
    L.geoJSON(land, { renderer, interactive: false, style: LAND }).addTo(group);
    L.geoJSON(borders, { renderer, interactive: false, style: BORDERS }).addTo(group);
    performance.mark("sitreps:basemap");
  });
  const units = new Admin1Layer(map, renderer, group, ready);
  units.update();
  map.on("moveend", () => units.update());
  return { group, ready, units };
}

// The first-level units of the countries in view: borders between them, and their names where
// there is room.
class Admin1Layer {
  constructor(map, renderer, group, ready) {
    this.map = map;
    this.ready = ready; // the land first: the canvas draws in the order layers are added
    this.renderer = renderer;
    this.group = group;
    this.drawn = new Map(); // code -> layer of its borders
    this.labels = L.layerGroup().addTo(group);
    this.generation = 0;
  }

  async update() {
    const generation = ++this.generation;
    const map = this.map;
    await this.ready;
    if (map.getZoom() < ADMIN1_ZOOM) {
      for (const layer of this.drawn.values()) this.group.removeLayer(layer);
      this.drawn.clear();
      this.labels.clearLayers();
      map.getContainer().dataset.admin1 = "";
      return;
    }
    const view = map.getBounds();
    const index = await loadAdmin1Index();
    const codes = Object.keys(index).filter((code) => {
      const [w, s, e, n] = index[code].bbox;
      return view.intersects(L.latLngBounds([s, w], [n, e]));
    });
    const loaded = (await Promise.all(codes.map(loadAdmin1))).filter(Boolean);
    if (generation !== this.generation) return; // the view moved on meanwhile
    for (const [code, layer] of this.drawn) {
      if (!codes.includes(code)) { this.group.removeLayer(layer); this.drawn.delete(code); }
    }
    for (const country of loaded) {
      if (this.drawn.has(country.code)) continue;
      const layer = L.geoJSON(country.borders, { renderer: this.renderer, interactive: false, style: ADMIN1_BORDERS });
      this.drawn.set(country.code, layer.addTo(this.group));
    }
    this.drawLabels(loaded, view);
    map.getContainer().dataset.admin1 = loaded.map((c) => c.code).sort().join(" ");
    if (loaded.length && !performance.getEntriesByName("sitreps:admin1").length) performance.mark("sitreps:admin1");
  }

  // Names at each unit's label point, largest units first, leaving out a name that would
  // overlap one already placed or is much wider than its unit on screen.
  drawLabels(countries, view) {
    const map = this.map;
    this.labels.clearLayers();
    const size = (f) => (f.bbox[2] - f.bbox[0]) * (f.bbox[3] - f.bbox[1]);
    const units = countries.flatMap((c) => c.features)
      .filter((f) => f.properties.label && view.contains(L.latLng(f.properties.label[1], f.properties.label[0])))
      .sort((a, b) => size(b) - size(a));
    const placed = [];
    for (const f of units) {
      if (placed.length >= LABEL_CAP) break;
      const [lon, lat] = f.properties.label;
      const p = map.latLngToContainerPoint([lat, lon]);
      const w = 6.5 * f.properties.name.length + 6, h = 14;
      // a unit much narrower on screen than its name (Moldova's raions at zoom 6) goes unnamed
      const [west, , east] = f.bbox;
      if (map.latLngToContainerPoint([lat, east]).x - map.latLngToContainerPoint([lat, west]).x < 0.8 * w) continue;
      const box = [p.x - w / 2, p.y - h / 2, p.x + w / 2, p.y + h / 2];
      if (placed.some((b) => box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3])) continue;
      placed.push(box);
      L.marker([lat, lon], {
        pane: "labels", interactive: false, keyboard: false,
        icon: L.divIcon({ className: "admin1-label", html: el("span", {}, f.properties.name), iconSize: null }),
      }).addTo(this.labels);
    }
  }
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
