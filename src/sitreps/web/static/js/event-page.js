// The event page: a small map of the event's place (a circle when the point is rough), and the
// evidence scrolled into view.
/* global L */
import { addBasemap, onlineTilesSwitch } from "./basemap.js";

const ZOOM = { city: 7, district: 9, admin3: 7, admin2: 7, admin1: 6, country: 4, water: 6, region: 5, continent: 3 };
const ROUGH_KM = { admin3: 10, admin2: 25, admin1: 120, country: 400, water: 60, region: 200, continent: 1500 };

const div = document.getElementById("event-map");
if (div && window.L) {
  const lat = Number(div.dataset.lat), lon = Number(div.dataset.lon);
  const precision = div.dataset.precision;
  const parent = div.dataset.coordPrecision === "parent";
  const map = L.map(div, { scrollWheelZoom: false, maxZoom: 18 }).setView([lat, lon], ZOOM[precision] || 7);
  onlineTilesSwitch(map, addBasemap(map), document.getElementById("online-tiles"));
  const km = parent ? 8 : ROUGH_KM[precision];
  if (km) {
    L.circle([lat, lon], { radius: km * 1000, className: "ev rough", dashArray: "4 4", weight: 2, fillOpacity: 0.1 })
      .bindTooltip(`${div.dataset.name}: roughly here`).addTo(map);
  }
  L.circleMarker([lat, lon], { radius: 7, weight: 2, fillOpacity: 0.85, className: "ev t-here" })
    .bindTooltip(div.dataset.name).addTo(map);
}

const box = document.getElementById("evidence-text");
const first = document.getElementById("t-evidence-0");
if (box && first && box.scrollHeight > box.clientHeight) {
  box.scrollTop = Math.max(0, first.offsetTop - box.offsetTop - 24);
}
