// The filter state lives in the page's query string, which is also the query of /api/events.
import { el, formatNumber } from "./dom.js";

export const FILTERS = ["type", "subtype", "since", "until", "country", "admin1", "admin2", "place", "bbox", "near",
  "actor", "certainty", "min_corroboration", "q", "include_background", "include_copies"]; // sitreps.filters.FILTERS
export const DATES = ["since", "until"];
export const WHERE = ["country", "admin1", "admin2", "place"];

// Known filters only, empty ones dropped, in the server's order (so that the URL the page
// preloads and the one the script asks for are the same).
function clean(pairs) {
  const out = new URLSearchParams();
  const given = [...pairs].filter(([name, value]) => FILTERS.includes(name) && String(value).trim() !== "");
  for (const name of FILTERS) {
    for (const [n, value] of given) if (n === name) out.append(name, String(value).trim());
  }
  return out;
}

export function fromUrl(search = window.location.search) {
  return clean(new URLSearchParams(search));
}

export function fromForm(form) {
  return clean(new FormData(form));
}

export function fillForm(form, params) {
  for (const field of form.elements) {
    if (!field.name || !FILTERS.includes(field.name)) continue;
    if (field.type === "checkbox") field.checked = params.getAll(field.name).includes(field.value);
    else field.value = params.get(field.name) || "";
  }
  form.querySelector("#area").hidden = !params.get("bbox");
}

// The where select boxes refilled from /where.json: the values events matching the other
// filters hold, with how many; a chosen value the list lacks is kept as its own option.
export function fillWhere(form, where, params) {
  for (const name of WHERE) {
    const select = form.querySelector(`select[name=${name}]`);
    const box = where[name] || { options: [], more: 0 };
    const chosen = params.get(name) || "";
    const options = box.options.map((o) => el("option", { value: o.value }, `${o.label} (${formatNumber(o.count)})`));
    if (chosen && !box.options.some((o) => o.value === chosen)) options.push(el("option", { value: chosen }, chosen));
    select.replaceChildren(select.options[0], ...options);
    select.value = chosen;
    if (box.more) select.title = `the ${box.options.length} with most events; ${formatNumber(box.more)} more not listed`;
    else select.removeAttribute("title");
  }
}

export function without(params, names) {
  const out = new URLSearchParams(params);
  for (const name of names) out.delete(name);
  return out;
}

// The map's view as a bbox the API accepts: longitudes in [-180, 180], west > east across the
// antimeridian, nothing when the view spans the whole world.
export function bboxOf(bounds) {
  const wrap = (x) => ((((x + 180) % 360) + 360) % 360) - 180;
  const clampLat = (y) => Math.max(-90, Math.min(90, y));
  const f = (x) => x.toFixed(4);
  if (bounds.getEast() - bounds.getWest() >= 360) return null;
  return [wrap(bounds.getWest()), clampLat(bounds.getSouth()), wrap(bounds.getEast()), clampLat(bounds.getNorth())]
    .map(f).join(",");
}

// Days from since to until (inclusive), when both are given to the day: the timeline then
// shows days.
export function daySpan(params) {
  const since = params.get("since"), until = params.get("until");
  if (!since || !until) return null;
  const lo = Date.parse(since.length === 7 ? `${since}-01` : since);
  const hiStart = Date.parse(until.length === 7 ? `${until}-01` : until);
  if (Number.isNaN(lo) || Number.isNaN(hiStart) || since.length === 4 || until.length === 4) return null;
  let hi = hiStart;
  if (until.length === 7) { const d = new Date(hiStart); hi = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0); }
  const days = Math.round((hi - lo) / 86400000) + 1;
  return days >= 1 ? { lo, days } : null;
}
