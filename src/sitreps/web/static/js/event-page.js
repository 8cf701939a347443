// The event page: a small map of the event's place on the same basemap as the map page's: a
// marker, with a dashed circle when the point is rough; for a place that is an oblast, a
// country or a region, the area's outline when the basemap has it (no marker: the point is
// only its centre), else the circle. And the evidence scrolled into view.
/* global L */
import { outline } from "./areas.js";
import { addBasemap, flatGeometry, onlineTilesSwitch } from "./basemap.js";

const ZOOM = { city: 7, district: 9, admin3: 7, admin2: 7, admin1: 6, country: 4, water: 6, region: 5, continent: 3 };
const ROUGH_KM = { admin3: 10, admin2: 25, admin1: 120, country: 400, water: 60, region: 200, continent: 1500 };
const AREA = ["admin1", "region", "water", "country", "continent"]; // as store/queries.py's AREA

const div = document.getElementById("event-map");
if (div && window.L) {
  const lat = Number(div.dataset.lat), lon = Number(div.dataset.lon);
  const { precision, name, country, admin1 } = div.dataset;
  const parent = div.dataset.coordPrecision === "parent";
  const map = L.map(div, { scrollWheelZoom: false, maxZoom: 18 }).setView([lat, lon], ZOOM[precision] || 7);
  onlineTilesSwitch(map, addBasemap(map), document.getElementById("online-tiles"));
  const circle = () => {
    const km = parent ? 8 : ROUGH_KM[precision];
    if (km) {
      L.circle([lat, lon], { radius: km * 1000, className: "ev rough", dashArray: "4 4", weight: 2, fillOpacity: 0.1 })
        .bindTooltip(`${name}: roughly here`).addTo(map);
    }
  };
  const marker = () => L.circleMarker([lat, lon], { radius: 7, weight: 2, fillOpacity: 0.85, className: "ev t-here" })
    .bindTooltip(name).addTo(map);
  if (AREA.includes(precision)) {
    outline({ precision, country, admin1, name, lat, lon }).catch(() => null).then((geometry) => {
      if (!geometry) { circle(); marker(); div.dataset.area = "none"; return; }
      const shape = L.geoJSON(flatGeometry(geometry), {
        style: { className: "area-shape", color: "#6e40c9", weight: 2, dashArray: "5 4", fillColor: "#8250df", fillOpacity: 0.12 },
      }).bindTooltip(`${name}: somewhere in here`).addTo(map);
      map.fitBounds(shape.getBounds(), { padding: [10, 10], maxZoom: 8, animate: false });
      div.dataset.area = "outline";
    });
  } else {
    circle();
    marker();
  }
}

const box = document.getElementById("evidence-text");
const first = document.getElementById("t-evidence-0");
if (box && first && box.scrollHeight > box.clientHeight) {
  box.scrollTop = Math.max(0, first.offsetTop - box.offsetTop - 24);
}
