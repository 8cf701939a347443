// The filter state lives in the page's query string, which is also the query of /api/events.

export const FILTERS = ["type", "subtype", "since", "until", "bbox", "near", "actor", "certainty", "min_corroboration", "q"];
export const DATES = ["since", "until"];

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
