// Events placed only to an area: an oblast, a country, a region, a sea or a continent (the
// `areas` of /points.json). Their coordinates are the area's centre, which a marker would pass
// off as a place, so they are not markers: a box on the map lists them by area, and the area
// is shaded where the basemap has its outline (a country, a first-level unit). Clicking an
// area, in the box or on the map, lists its events with links to them.
/* global L */
import { contains, flatGeometry, loadAdmin1, loadWorld } from "./basemap.js";
import { daysText, el, formatNumber, pageUrl } from "./dom.js";

const LEVELS = {
  admin1: "the region (oblast, province)", region: "the region", water: "the sea or river",
  country: "the country", continent: "the continent",
};
const SHOWN = 12; // events listed in an area's popup

// "Donetsk Oblast", "Donets'k" and "Donetsk" alike: letters without vowels, doubled letters and
// the words for a unit, so the store's names and the basemap's spellings meet.
export function skeleton(name) {
  return (name || "").normalize("NFD").toLowerCase()
    .replace(/\b(oblast|oblast'|region|province|krai|kray|autonomous|republic|of|the)\b/g, "")
    .replace(/[^a-z]/g, "").replace(/[aeiouyj]/g, "").replace(/(.)\1+/g, "$1");
}

// The outline of an area as a GeoJSON geometry, or null: a country from the world basemap, a
// first-level unit from its country's file (by name, else the one holding the area's point).
export async function outline(area) {
  if (area.precision === "country") {
    const { countries } = await loadWorld();
    const found = countries.find((f) => contains(f.geometry, area.lon, area.lat));
    return found ? found.geometry : null;
  }
  if (area.precision === "admin1" && area.country) {
    const units = await loadAdmin1(area.country);
    if (!units) return null;
    const wanted = skeleton(area.admin1 || area.name);
    const named = units.features.find((f) => f.properties.name && skeleton(f.properties.name) === wanted);
    const found = named || units.features.find((f) => contains(f.geometry, area.lon, area.lat));
    return found ? found.geometry : null;
  }
  return null;
}

export class AreaLayer {
  constructor(map, box) {
    this.map = map;
    map.createPane("areas").style.zIndex = 380; // under the markers' overlay pane (400)
    this.renderer = L.svg({ pane: "areas" });
    this.group = L.layerGroup().addTo(map);
    this.box = box;
    this.generation = 0;
  }

  clear() {
    this.generation++;
    this.group.clearLayers();
    this.box.hidden = true;
    this.map.getContainer().dataset.areas = "0";
    this.map.getContainer().dataset.shaded = "0";
  }

  // Lists and shades the areas of a /points.json answer; resolves when the shapes are drawn.
  async show(answer) {
    this.clear();
    const generation = this.generation;
    const areas = answer.areas || [];
    const events = areas.map(() => []);
    for (const row of answer.points) if (row[7] != null) events[row[7]].push(row);
    const total = events.reduce((n, list) => n + list.length, 0);
    this.map.getContainer().dataset.areas = String(total);
    if (!areas.length) return;
    for (const a of areas) a.label = (a.precision === "admin1" && a.admin1) || a.name || "unnamed"; // "Donetsk Oblast"
    const order = areas.map((a, i) => i).sort((a, b) => areas[b].count - areas[a].count || areas[a].label.localeCompare(areas[b].label));
    const open = (i, layer, at) => this.popup(areas[i], events[i], answer.types, layer, at);
    this.box.replaceChildren(
      el("summary", {}, `${formatNumber(total)} event${total === 1 ? "" : "s"} placed only to a country or region`),
      el("p", { class: "muted" }, "Not on the map as points: their coordinates are the area's centre."),
      el("ol", { class: "plain" }, order.map((i) => el("li", {},
        el("button", { type: "button", class: "link", "data-area": i },
          areas[i].label, " ", el("span", { class: "muted" }, `(${areas[i].precision})`), " ",
          el("b", {}, formatNumber(areas[i].count)))))),
    );
    this.box.hidden = false;
    const layers = new Map();
    this.box.querySelectorAll("button[data-area]").forEach((b) => b.addEventListener("click", () => open(Number(b.dataset.area), layers.get(Number(b.dataset.area)))));
    const shapes = await Promise.all(areas.map((a) => outline(a).catch(() => null)));
    if (generation !== this.generation) return;
    let shaded = 0;
    shapes.forEach((geometry, i) => {
      if (!geometry) return;
      const layer = L.geoJSON(flatGeometry(geometry), {
        renderer: this.renderer,
        style: { className: `area-shape level-${areas[i].precision}`, color: "#6e40c9", weight: 1.5, dashArray: "5 4", fillColor: "#8250df", fillOpacity: 0.1 },
      });
      layer.bindTooltip(`${areas[i].label}: ${formatNumber(areas[i].count)} event${areas[i].count === 1 ? "" : "s"} placed only to ${LEVELS[areas[i].precision] || "the area"}`, { sticky: true });
      layer.on("click", (e) => open(i, layer, e.latlng));
      layer.addTo(this.group);
      layers.set(i, layer);
      shaded++;
    });
    this.map.getContainer().dataset.shaded = String(shaded);
  }

  popup(area, rows, types, layer, at) {
    at = at || (layer ? layer.getBounds().getCenter() : L.latLng(area.lat, area.lon));
    const shown = rows.slice().sort((a, b) => String(a[4]).localeCompare(String(b[4]))).slice(0, SHOWN);
    const box = el("div", { class: "popup" },
      el("p", { class: "popup-title" }, `${area.label}: ${formatNumber(rows.length)} event${rows.length === 1 ? "" : "s"}`),
      el("p", { class: "muted" }, `Placed only to ${LEVELS[area.precision] || "the area"}, not to a town.`),
      el("ul", { class: "plain" }, shown.map((r) => el("li", {},
        el("a", { href: pageUrl("events", r[0]) }, daysText(r[4], r[8]) || "undated", " ", types[r[3]] || "event")))),
      rows.length > SHOWN ? el("p", { class: "muted" }, `and ${formatNumber(rows.length - SHOWN)} more`) : null);
    L.popup({ minWidth: 220 }).setLatLng(at).setContent(box).openOn(this.map);
  }
}
