// The offline basemap: Natural Earth 1:50m land and country borders (static/basemap/), drawn
// on a canvas under the markers. OpenStreetMap tiles are an option the user turns on; the
// choice is remembered in this browser (localStorage) and nothing is fetched from elsewhere
// until then.
/* global L, topojson */
import { root } from "./dom.js";

const TILES_KEY = "sitreps.onlineTiles";
let basemapData = null;

function loadBasemap() {
  if (!basemapData) {
    const url = `${root}/static/basemap/countries-50m.json`;
    basemapData = fetch(url).then((r) => r.json()).then((topo) => ({
      land: topojson.feature(topo, topo.objects.land),
      borders: topojson.mesh(topo, topo.objects.countries, (a, b) => a !== b),
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
  const data = loadBasemap();
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
