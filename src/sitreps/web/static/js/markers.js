// One circle marker per event placed at a point (a row of /points.json), coloured by ACLED type
// (css/marks.css); hollow and dashed when the point is rough (a parent unit's point, a raion, a
// hromada, a front sector), and so is a cluster of them (dashed ring: some of its markers are).
// A popup fetches the event from /api/events/{id} when first opened and is built from text
// nodes.
/* global L */
import { countText, dateLabel, el, pageUrl, root, unknown } from "./dom.js";

// The CSS class of each ACLED type comes from the server (web/present.py: TYPE_CLASSES), in the
// page's data, so the markers and the server-drawn badges cannot disagree.
const TYPE_CLASSES = (JSON.parse(document.getElementById("page-data")?.textContent || "{}").type_classes) || {};

export function typeClass(type) {
  return "t-" + (TYPE_CLASSES[type] || "other");
}

// Markers for the rows of a /points.json answer (their popups: `openPopup`, on a click); an
// event placed only to an area (its `area` is set) is no marker: areas.js lists and shades it.
export function markersFor(answer) {
  const classes = answer.types.map(typeClass);
  return answer.points.filter((row) => row[7] == null).map(([id, lat, lon, t, , , rough]) => L.circleMarker([lat, lon], {
    radius: 7,
    weight: 2,
    fillOpacity: rough ? 0.15 : 0.85,
    dashArray: rough ? "3 3" : null,
    className: `ev ${classes[t]}${rough ? " rough" : ""}`,
    eventId: id,
    rough,
  }));
}

export function openPopup(map, marker) {
  const popup = L.popup({ minWidth: 220 }).setLatLng(marker.getLatLng());
  popup.setContent(popupFor(marker.options.eventId, popup, marker.options.rough)).openOn(map);
}

// As the server words it (web/present.py: corroboration_text): reports whose outlet is unknown
// are counted apart and never called independent; null when the event is in no incident.
function corroborationText(ev) {
  const n = ev.corroboration;
  if (n == null) return null;
  const parts = [];
  if (n >= 2) parts.push(`${n} independent outlets`);
  else if (n === 1) parts.push("1 outlet");
  const unknownReports = ev.reports_outlet_unknown || 0;
  if (unknownReports) parts.push(`${unknownReports} report${unknownReports === 1 ? "" : "s"}, outlet unknown`);
  return parts.join("; ") || "no known outlet";
}

function row(name, value) {
  return [el("dt", {}, name), el("dd", {}, value == null || value === "" ? unknown() : value)];
}

function popupFor(id, popup, rough) {
  const box = el("div", { class: "popup" }, el("a", { href: pageUrl("events", id), class: "popup-title" }, "Event " + id), "Loading…");
  fetch(`${root}/api/events/${encodeURIComponent(id)}`)
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
    .then((ev) => {
      const place = ev.place || {};
      box.replaceChildren(
        el("a", { href: pageUrl("events", ev.id), class: "popup-title" }, ev.type || "unknown type", ev.subtype ? ` / ${ev.subtype}` : ""),
        el("dl", { class: "mini" },
          row("date", dateLabel(ev.time)),
          row("place", place.name ? `${place.name} (${place.precision || "level unknown"})` : null),
          row("fatalities", countText(ev.fatalities)),
          row("certainty", ev.certainty),
          row("outlets", corroborationText(ev)),
          row("article", ev.title || ev.article_id)),
        ...(rough ? [el("p", { class: "muted" }, "Roughly placed: the point stands for a larger unit.")] : []));
      popup.update();
    })
    .catch((err) => box.append(el("p", { class: "error" }, `Could not load the event: ${err.message}`)));
  return box;
}

// A cluster's icon, as Leaflet.markercluster draws it, marked when its markers are rough: all
// of them ("rough": hollow, dashed) or some ("some-rough": a dashed ring), so clustering does
// not make rough placements look exact.
export function clusterIcon(cluster) {
  const markers = cluster.getAllChildMarkers();
  const n = markers.length;
  const rough = markers.filter((m) => m.options.rough).length;
  const size = n < 10 ? "small" : n < 100 ? "medium" : "large";
  const kind = rough === n ? " rough" : rough ? " some-rough" : "";
  const title = `${n} events` + (rough ? `, ${rough === n ? "all" : rough} roughly placed` : "");
  return L.divIcon({
    html: el("div", { title }, el("span", {}, n.toLocaleString("en"))),
    className: `marker-cluster marker-cluster-${size}${kind}`,
    iconSize: L.point(40, 40),
  });
}
