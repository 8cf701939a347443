// The map page. The filters live in the page's query string; the same query goes to
// /api/events (the list: pages of full events), /points.json (the markers: every located
// match, a few columns each), /api/stats (the timeline, without the dates), /where.json
// (the where select boxes' values and counts) and the Download links (/api/events.csv, ...:
// every match as a file).
// For measurement: the performance mark "sitreps:markers" when the markers are drawn;
// #map[data-state] is "loading", "ready" or "error", #map[data-markers] the markers drawn,
// #map[data-areas] the events placed only to an area (listed, not markers), #map[data-shaded]
// the areas shaded and #map[data-admin1] the countries whose oblasts are drawn.
/* global L */
import { AreaLayer } from "./areas.js";
import { addBasemap, onlineTilesSwitch } from "./basemap.js";
import { el, formatNumber, root } from "./dom.js";
import { DATES, bboxOf, daySpan, fillForm, fillWhere, fromForm, fromUrl, without } from "./filters.js";
import { EventList } from "./list.js";
import { clusterIcon, markersFor, openPopup } from "./markers.js";
import { dayBins, denseWindow, drawTimeline, monthBins } from "./timeline.js";

const LIST_PAGE = 100;

const page = JSON.parse(document.getElementById("page-data").textContent || "{}");
const form = document.getElementById("filters");
const status = document.getElementById("status");
const note = document.getElementById("map-note");
const mapDiv = document.getElementById("map");
const svg = document.getElementById("timeline-svg");
const allDates = document.getElementById("all-dates");
const title = document.getElementById("timeline-title");
const hint = document.getElementById("timeline-hint");
const downloads = document.getElementById("downloads");
const zoom = document.getElementById("timeline-zoom");
const moreButton = el("button", { type: "button", class: "secondary", id: "show-more", hidden: true });
document.getElementById("event-list").after(moreButton);
document.getElementById("more")?.remove(); // the no-JS pager; the script's button replaces it

// (No request headers: the page preloads /points.json, and a fetch must match the preload.)
async function getJson(url, signal) {
  const response = await fetch(url, { signal });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ? body.error.message : `HTTP ${response.status}`);
  return { body, ignored: response.headers.get("Sitreps-Ignored") };
}

const list = new EventList(document.getElementById("event-list"), moreButton, getJson);
const map = L.map(mapDiv, { worldCopyJump: true, minZoom: 2, maxZoom: 16 });
const firstArea = boxBounds(fromUrl().get("bbox"));
if (firstArea) map.fitBounds(firstArea, { animate: false });
else if (page.bounds) map.fitBounds(page.bounds, { maxZoom: 9, padding: [20, 20], animate: false });
else map.setView([30, 20], 2);
L.control.scale({ imperial: false }).addTo(map);
let markersShown;
const firstMarkers = new Promise((resolve) => { markersShown = resolve; });
const basemap = addBasemap(map, Promise.race([firstMarkers, new Promise((r) => setTimeout(r, 1500))]));
onlineTilesSwitch(map, basemap, document.getElementById("online-tiles"));
const clusters = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 45, iconCreateFunction: clusterIcon });
clusters.on("click", (e) => openPopup(map, e.layer));
map.addLayer(clusters);
// The box of events placed only to a country or region, over the map: closed, it says how many;
// open, it lists them by area (the map's shading shows where).
const areaBox = el("details", { class: "areas-box", id: "areas", hidden: true });
const AreaBox = L.Control.extend({ onAdd: () => areaBox });
new AreaBox({ position: "topright" }).addTo(map);
L.DomEvent.disableClickPropagation(areaBox);
L.DomEvent.disableScrollPropagation(areaBox);
const areas = new AreaLayer(map, areaBox);

let area = null; // the bbox filter, drawn
let timelineMonths = page.timeline || {};
let timelineRough = page.timeline_rough || {}; // of those, the events dated past their month
let undated = page.undated || 0;
let pointDays = []; // [first day, days] of every marker's event, for the per-day timeline
let controller = null;
let showAllDates = false; // the timeline shows every month, not only where the data is dense

function setStatus(text, error = false) {
  status.textContent = text;
  status.classList.toggle("error", error);
}

// The Download links carry the filters shown; hidden while the filters are refused.
function setDownloads(query) {
  for (const link of downloads.querySelectorAll("a[data-format]")) {
    link.href = `${root}/api/events.${link.dataset.format}${query ? "?" + query : ""}`;
  }
  downloads.hidden = false;
}

// The bbox of the URL as map bounds; null when it is not four numbers in range (the server
// answers such a filter with an error message; the map then keeps its default view).
function boxBounds(bbox) {
  const parts = (bbox || "").split(",").map((x) => (x.trim() === "" ? NaN : Number(x)));
  if (parts.length !== 4 || !parts.every(Number.isFinite)) return null;
  let [w, s, e, n] = parts;
  if (Math.abs(w) > 180 || Math.abs(e) > 180 || s < -90 || n > 90 || s > n) return null;
  if (w > e) e += 360;
  return L.latLngBounds([[s, w], [n, e]]);
}

function drawArea(params) {
  if (area) { map.removeLayer(area); area = null; }
  const bounds = boxBounds(params.get("bbox"));
  if (!bounds) return null;
  area = L.rectangle(bounds, { className: "area", interactive: false, fill: false, dashArray: "6 4", weight: 2 }).addTo(map);
  return area.getBounds();
}

function drawTime(params) {
  const span = daySpan(params);
  const range = { since: params.get("since"), until: params.get("until") };
  allDates.hidden = !range.since && !range.until;
  const pick = (lo, hi) => {
    const next = without(fromUrl(), DATES);
    next.set("since", lo);
    next.set("until", hi);
    go(next);
  };
  if (span && span.days <= 92) {
    title.textContent = "Events per day";
    hint.textContent = "(located events matching the filters; click a day or drag across days to narrow the dates)";
    const bins = dayBins(pointDays, span);
    if (bins.some((b) => b.rough)) hint.textContent += "; dashed: dated only to a week, a month or longer, on its first day";
    drawTimeline(svg, bins, { range: null, unit: "day", onPick: pick });
  } else {
    // Where the data is dense, unless asked for all dates or the chosen range reaches outside.
    const dense = denseWindow(timelineMonths);
    const outside = dense && (dense.before || dense.after);
    const reaches = dense && ((range.since && range.since.slice(0, 7) < dense.lo) || (range.until && range.until.slice(0, 7) > dense.hi));
    const all = !dense || !outside || showAllDates || reaches;
    const [lo, hi] = dense ? (all ? [dense.first, dense.last] : [dense.lo, dense.hi]) : [null, null];
    const { bins, unit } = monthBins(timelineMonths, lo, hi, svg.clientWidth || 600, timelineRough);
    title.textContent = `Events per ${unit === "five years" ? "five years" : unit}`;
    const left = all ? "" : [dense.before && `${formatNumber(dense.before)} before ${dense.lo}`,
      dense.after && `${formatNumber(dense.after)} after ${dense.hi}`].filter(Boolean).join(" and ");
    hint.textContent = `(all filters but the dates; click a ${unit === "five years" ? "bar" : unit} or drag across them to set the dates)` +
      (left ? `; ${left} not shown` : "") + (undated ? `; ${formatNumber(undated)} undated not shown` : "") +
      (bins.some((b) => b.rough) ? "; dashed: dates that run past their month, counted in the month they begin" : "");
    zoom.hidden = !outside || reaches;
    zoom.textContent = all ? `Show the busy months (${dense.lo} to ${dense.hi})` : `Show all dates (${dense.first} to ${dense.last})`;
    drawTimeline(svg, bins, { range, unit, onPick: pick });
  }
}

async function load(params, { first = false, fit = true } = {}) {
  if (controller) controller.abort();
  controller = new AbortController();
  const { signal } = controller;
  mapDiv.dataset.state = "loading";
  setStatus("Loading events…");
  note.hidden = true;
  const areaBounds = drawArea(params);
  const query = params.toString();
  const amp = query ? "&" : "";
  setDownloads(query);
  if (!first) {
    getJson(`${root}/api/stats?${without(params, DATES)}`, signal)
      .then(({ body }) => {
        timelineMonths = body.by_month;
        timelineRough = body.by_month_rough;
        undated = body.undated;
        drawTime(params);
      })
      .catch(() => {});
    getJson(`${root}/where.json${query ? "?" + query : ""}`, signal)
      .then(({ body }) => fillWhere(form, body, params))
      .catch(() => {});
  }
  let listed;
  if (first && !page.paged) listed = list.adopt(page.next ? root + page.next : null, signal);
  else listed = list.load(`${root}/api/events?${query}${amp}limit=${LIST_PAGE}`, signal);
  try {
    const { body } = await getJson(`${root}/points.json${query ? "?" + query : ""}`, signal);
    clusters.clearLayers();
    const markers = markersFor(body);
    clusters.addLayers(markers);
    areas.show(body);
    pointDays = body.points.map((p) => [p[4], p[8]]); // first_day, days
    const inAreas = body.points.length - markers.length;
    if (first) {
      // the server's bounds gave the first view
    } else if (fit && (markers.length || inAreas)) {
      // the points; the centres of the areas only when there is nothing else (as the server's bounds)
      const at = markers.length ? markers.map((m) => m.getLatLng()) : body.points.map((p) => L.latLng(p[1], p[2]));
      map.fitBounds(areaBounds || L.latLngBounds(at), { maxZoom: 9, padding: [20, 20], animate: false });
    } else if (fit && areaBounds) {
      map.fitBounds(areaBounds, { animate: false });
    }
    // Ready once the browser has painted them: after the frame that follows this one.
    requestAnimationFrame(() => requestAnimationFrame(() => {
      if (signal.aborted) return;
      performance.mark("sitreps:markers");
      mapDiv.dataset.markers = String(markers.length);
      mapDiv.dataset.state = "ready";
      markersShown();
    }));
    const unplaced = body.truncated ? null : body.count - body.points.length;
    setStatus(`${formatNumber(body.count)} event${body.count === 1 ? "" : "s"} match; ${formatNumber(markers.length)} on the map` +
      (inAreas ? `, ${formatNumber(inAreas)} placed only to a country or region (shaded, listed on the map)` : "") +
      (unplaced ? `, ${formatNumber(unplaced)} without coordinates (listed only)` : "") + ".");
    if (body.truncated) {
      note.textContent = `The map shows the first ${formatNumber(markers.length)} located events (by date): narrow the filters to see the rest.`;
      note.hidden = false;
    }
    drawTime(params);
    await listed;
  } catch (err) {
    if (signal.aborted) return;
    clusters.clearLayers();
    areas.clear();
    list.clear();
    downloads.hidden = true;
    mapDiv.dataset.state = "error";
    setStatus(`Could not load the events: ${err.message}`, true);
    markersShown();
  }
}

function go(params, options = {}) {
  const qs = params.toString();
  history.pushState(null, "", `${root}/${qs ? "?" + qs : ""}`);
  fillForm(form, params);
  load(params, options);
}

form.addEventListener("submit", (e) => { e.preventDefault(); go(fromForm(form)); });
document.getElementById("reset").addEventListener("click", (e) => { e.preventDefault(); go(new URLSearchParams()); });
document.getElementById("clear-area").addEventListener("click", () => go(without(fromUrl(), ["bbox"])));
allDates.addEventListener("click", () => go(without(fromUrl(), DATES)));
zoom.addEventListener("click", () => { showAllDates = !showAllDates; drawTime(fromUrl()); });
const searchArea = document.getElementById("search-area");
searchArea.disabled = false;
searchArea.addEventListener("click", () => {
  const params = without(fromUrl(), ["bbox"]);
  const bbox = bboxOf(map.getBounds());
  if (bbox) params.set("bbox", bbox);
  go(params, { fit: false }); // keep the view the user chose
});
window.addEventListener("popstate", () => { const p = fromUrl(); fillForm(form, p); load(p); });
window.addEventListener("resize", () => drawTime(fromUrl()));

load(fromUrl(), { first: true });
