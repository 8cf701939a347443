// The timeline: one SVG bar per month, quarter or year (from /api/stats; grouped so a bar stays
// wide enough to see and tap), or per day (from the loaded events, when the date range is
// short). Every dated event is on it once, at the first day its date covers (a week at its
// Monday, a month at its first day, in the month view in that day's month); the part of a bar
// whose events are dated more roughly than the bar (a week or a month on a day's bar, a year
// or a week across two months on a month's) is drawn hollow and dashed, as the map draws rough
// places. By default it covers the months where the data is dense (`denseWindow`); the events
// outside are counted in its caption and a button shows all dates. A click on a bar, or a drag
// across bars, picks a date range; bars are also buttons for the keyboard; labels that would
// overlap are left out.

const SVG = "http://www.w3.org/2000/svg";
const DAY = 86400000;
const CHAR_PX = 6.2; // a tick label's width per character (10px system font, digits and letters)
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function svgEl(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  return node;
}

function monthKey(y, m) {
  return `${y}-${String(m + 1).padStart(2, "0")}`;
}

export const GAP = 12; // months without events that set a stretch of months apart
export const OUTLIER = 10; // an end stretch with a tenth or less of the others' events is left out
export const MIN_STEP = 6; // px: narrower bars are grouped (quarters, years, five years)

function monthIndex(key) {
  const [y, m] = key.split("-").map(Number);
  return y * 12 + (m || 1) - 1;
}

function keyOf(index) {
  return monthKey(Math.floor(index / 12), index % 12);
}

// Where the data is dense: the months from `lo` to `hi` (YYYY-MM) once the stretches at either
// end that stand apart (GAP empty months or more) and hold few events (OUTLIER) are left out,
// with how many events that leaves out before and after. One event in 1944 no longer stretches
// a war's two years to 950 bars. Null without dated events.
export function denseWindow(byMonth) {
  const keys = Object.keys(byMonth).filter((k) => byMonth[k] > 0).sort();
  if (!keys.length) return null;
  const runs = [];
  for (const key of keys) {
    const last = runs[runs.length - 1];
    if (last && monthIndex(key) - monthIndex(last.hi) <= GAP) { last.hi = key; last.count += byMonth[key]; }
    else runs.push({ lo: key, hi: key, count: byMonth[key] });
  }
  let before = 0, after = 0;
  let total = runs.reduce((n, r) => n + r.count, 0);
  while (runs.length > 1) {
    const end = runs[0].count <= runs[runs.length - 1].count ? 0 : runs.length - 1;
    if (runs[end].count * OUTLIER > total - runs[end].count) break;
    total -= runs[end].count;
    if (end === 0) before += runs.shift().count;
    else after += runs.pop().count;
  }
  return { lo: runs[0].lo, hi: runs[runs.length - 1].hi, before, after, first: keys[0], last: keys[keys.length - 1] };
}

// Bars for the months from `lo` to `hi` (empty months included), grouped so that each bar is at
// least MIN_STEP px wide in `width` px: by month, quarter, year or five years. Each bin has its
// `key`, the months it covers (`lo`, `hi`: what a click sets the dates to), its count, how many
// of those are `rough` (`roughByMonth`: /api/stats' by_month_rough, events whose dates run past
// the month they are counted in), its `label` on the bottom line (the year where one starts)
// and `short` (month or quarter name).
export function monthBins(byMonth, lo, hi, width = 600, roughByMonth = {}) {
  if (!lo || !hi) return { bins: [], unit: "month" };
  const first = monthIndex(lo), last = monthIndex(hi);
  const months = last - first + 1;
  const [size, unit] = [[1, "month"], [3, "quarter"], [12, "year"], [60, "five years"]]
    .find(([n]) => (width / Math.ceil(months / n)) >= MIN_STEP || n === 60);
  const start = first - (size === 1 ? 0 : size === 3 ? first % 3 : size === 12 ? first % 12 : first % 60);
  const bins = [];
  for (let i = start; i <= last; i += size) {
    let count = 0, rough = 0;
    for (let j = Math.max(i, first); j < i + size && j <= last; j++) {
      count += byMonth[keyOf(j)] || 0;
      rough += roughByMonth[keyOf(j)] || 0;
    }
    const y = Math.floor(i / 12), m = i % 12;
    const newYear = m === 0 || !bins.length;
    bins.push({
      key: size === 1 ? keyOf(i) : size === 3 ? `${y}-Q${m / 3 + 1}` : String(y),
      lo: keyOf(Math.max(i, first)), hi: keyOf(Math.min(i + size - 1, last)), count, rough,
      label: size >= 12 || newYear ? String(y) : "",
      short: size === 1 ? MONTHS[m] : size === 3 ? `Q${m / 3 + 1}` : "",
    });
  }
  return { bins, unit };
}

// Events per day over `span` ({lo: ms, days}), each on the first day its date covers (`points`:
// [first day, how many days], as /points.json gives them). An event dated more roughly than a
// day (a week, a month, an interval: `days` is not 1) is counted apart as `rough`, on its first
// day, or on the first day shown when it began before (its dates overlap the range).
export function dayBins(points, span) {
  const keys = [];
  for (let i = 0; i < span.days; i++) keys.push(new Date(span.lo + i * DAY).toISOString().slice(0, 10));
  const lo = keys[0], hi = keys[keys.length - 1];
  const counts = new Map(), rough = new Map();
  for (const [first, days] of points) {
    if (!first || first > hi || (first < lo && days === 1)) continue;
    const key = first < lo ? lo : first;
    counts.set(key, (counts.get(key) || 0) + 1);
    if (days !== 1) rough.set(key, (rough.get(key) || 0) + 1);
  }
  return keys.map((key, i) => ({
    key, count: counts.get(key) || 0, rough: rough.get(key) || 0,
    label: i === 0 || key.endsWith("-01") ? key.slice(0, 7) : "", short: key.slice(8),
  }));
}

// What a bar's title says of its rough part.
function roughText(bin, unit) {
  if (!bin.rough) return "";
  const all = bin.rough === 1 ? "dated" : "all dated";
  const of = bin.rough === bin.count ? all : `${bin.rough.toLocaleString("en")} dated`;
  return unit === "day"
    ? ` (${of} only roughly: a week, a month or longer, placed on its first day or the first day shown)`
    : ` (${of} to a year, a week or an interval reaching past its month, counted in the month it begins)`;
}

// Compares at the coarser of the two: month 2022-11 overlaps a range from 2022-11-15.
function compare(a, b) {
  const n = Math.min(a.length, b.length);
  return a.slice(0, n) < b.slice(0, n) ? -1 : a.slice(0, n) > b.slice(0, n) ? 1 : 0;
}

function inRange(bin, range) {
  if (!range || (!range.since && !range.until)) return true;
  const lo = bin.lo || bin.key, hi = bin.hi || bin.key;
  return (!range.since || compare(hi, range.since) >= 0) && (!range.until || compare(lo, range.until) <= 0);
}

export function drawTimeline(svg, bins, { range, unit, onPick }) {
  svg.replaceChildren();
  const width = svg.clientWidth || 600, height = svg.clientHeight || 110;
  const step = Math.min(width / Math.max(bins.length, 1), 48);
  const named = step >= 34; // room to name every bar (months, days) on a line above the years
  const top = 6, bottom = named ? 28 : 16;
  if (!bins.length) {
    const t = svgEl("text", { x: 8, y: height / 2, class: "empty" });
    t.textContent = "No dated events.";
    svg.append(t);
    return;
  }
  const max = Math.max(1, ...bins.map((b) => b.count));
  const barW = Math.max(1, step - (step > 4 ? 1 : 0));
  let dragFrom = null;
  const ends = [-Infinity, -Infinity]; // where the last label of each line ends
  const groups = bins.map((bin, i) => {
    const rough = bin.rough || 0, exact = bin.count - rough;
    const h = ((height - top - bottom) * exact) / max;
    const hRough = Math.max(((height - top - bottom) * rough) / max, rough ? 1 : 0);
    const events = `${bin.count.toLocaleString("en")} event${bin.count === 1 ? "" : "s"}`;
    const counted = `${bin.key}: ${events}${roughText(bin, unit)}`;
    const g = svgEl("g", {
      class: `bar${inRange(bin, range) ? " in" : ""}`, tabindex: 0, role: "button",
      "aria-label": `${counted}; set the dates to this ${unit}`,
      "data-key": bin.key, "data-count": bin.count, "data-rough": rough,
    });
    g.append(svgEl("rect", { x: i * step, y: top, width: Math.max(step, 1), height: height - top - bottom, class: "hit" }));
    g.append(svgEl("rect", { x: i * step, y: height - bottom - h, width: barW, height: Math.max(h, exact ? 1 : 0), class: "fill" }));
    if (rough) {
      // the events dated more roughly than the bar, on top: hollow and dashed, as a rough marker
      g.append(svgEl("rect", {
        x: i * step + 0.5, y: height - bottom - h - hRough + 0.5,
        width: Math.max(barW - 1, 1), height: Math.max(hRough - 1, 1), class: "rough",
      }));
    }
    const title = svgEl("title");
    title.textContent = counted;
    g.append(title);
    // Years (or, for days, months) on the bottom line; each bar's month or day above them
    // when there is room. A label that would reach the previous one on its line is left out.
    const lines = [[bin.label, height - 3, 0], [named ? bin.short : "", height - 15, 1]];
    for (const [text, y, line] of lines) {
      const x = i * step + 1;
      if (!text || x < ends[line]) continue;
      ends[line] = x + text.length * CHAR_PX + 4;
      const t = svgEl("text", { x, y, class: "tick" });
      t.textContent = text;
      g.append(t);
    }
    g.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); onPick(bin.lo || bin.key, bin.hi || bin.key); }
    });
    return g;
  });
  svg.append(...groups);
  const indexAt = (e) => {
    const box = svg.getBoundingClientRect();
    return Math.max(0, Math.min(bins.length - 1, Math.floor((e.clientX - box.left) / step)));
  };
  const mark = (a, b) => groups.forEach((g, i) => g.classList.toggle("brush", i >= Math.min(a, b) && i <= Math.max(a, b)));
  svg.onpointerdown = (e) => { dragFrom = indexAt(e); svg.setPointerCapture(e.pointerId); mark(dragFrom, dragFrom); };
  svg.onpointermove = (e) => { if (dragFrom !== null) mark(dragFrom, indexAt(e)); };
  svg.onpointerup = (e) => {
    if (dragFrom === null) return;
    const to = indexAt(e);
    const [a, b] = [Math.min(dragFrom, to), Math.max(dragFrom, to)];
    dragFrom = null;
    onPick(bins[a].lo || bins[a].key, bins[b].hi || bins[b].key);
  };
  svg.onpointercancel = () => { dragFrom = null; mark(-1, -1); };
}
