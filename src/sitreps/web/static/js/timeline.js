// The timeline: one SVG bar per month (from /api/stats) or per day (from the loaded events,
// when the date range is short). A click on a bar, or a drag across bars, picks a date range;
// bars are also buttons for the keyboard.

const SVG = "http://www.w3.org/2000/svg";
const DAY = 86400000;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function svgEl(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  return node;
}

function monthKey(y, m) {
  return `${y}-${String(m + 1).padStart(2, "0")}`;
}

// Every month from the first to the last that has events, empty months included.
export function monthBins(byMonth) {
  const keys = Object.keys(byMonth).sort();
  if (!keys.length) return [];
  let [y, m] = keys[0].split("-").map(Number);
  m -= 1;
  const [ly, lm] = keys[keys.length - 1].split("-").map(Number);
  const bins = [];
  while (y < ly || (y === ly && m <= lm - 1)) {
    const key = monthKey(y, m);
    const name = MONTHS[m];
    bins.push({ key, count: byMonth[key] || 0, label: m === 0 || !bins.length ? String(y) : "", short: name });
    m += 1;
    if (m === 12) { m = 0; y += 1; }
  }
  return bins;
}

// Events per day over `span` ({lo: ms, days}), by the day each starts (`dates`: their dates).
export function dayBins(dates, span) {
  const counts = new Map();
  for (const value of dates) {
    if (!value || value.length < 10 || !/^\d{4}-\d{2}-\d{2}/.test(value)) continue;
    const key = value.slice(0, 10);
    counts.set(key, (counts.get(key) || 0) + 1);
  }
  const bins = [];
  for (let i = 0; i < span.days; i++) {
    const key = new Date(span.lo + i * DAY).toISOString().slice(0, 10);
    const first = i === 0 || key.endsWith("-01");
    bins.push({ key, count: counts.get(key) || 0, label: first ? key.slice(0, 7) : "", short: key.slice(8) });
  }
  return bins;
}

// Compares at the coarser of the two: month 2022-11 overlaps a range from 2022-11-15.
function compare(a, b) {
  const n = Math.min(a.length, b.length);
  return a.slice(0, n) < b.slice(0, n) ? -1 : a.slice(0, n) > b.slice(0, n) ? 1 : 0;
}

function inRange(key, range) {
  if (!range || (!range.since && !range.until)) return true;
  return (!range.since || compare(key, range.since) >= 0) && (!range.until || compare(key, range.until) <= 0);
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
  const groups = bins.map((bin, i) => {
    const h = ((height - top - bottom) * bin.count) / max;
    const g = svgEl("g", {
      class: `bar${inRange(bin.key, range) ? " in" : ""}`, tabindex: 0, role: "button",
      "aria-label": `${bin.key}: ${bin.count} event${bin.count === 1 ? "" : "s"}; set the dates to this ${unit}`,
      "data-key": bin.key,
    });
    g.append(svgEl("rect", { x: i * step, y: top, width: Math.max(step, 1), height: height - top - bottom, class: "hit" }));
    g.append(svgEl("rect", { x: i * step, y: height - bottom - h, width: barW, height: Math.max(h, bin.count ? 1 : 0), class: "fill" }));
    const title = svgEl("title");
    title.textContent = `${bin.key}: ${bin.count.toLocaleString("en")} event${bin.count === 1 ? "" : "s"}`;
    g.append(title);
    // Years (or, for days, months) on the bottom line; each bar's month or day above them
    // when there is room.
    const lines = [[bin.label, height - 3], [named ? bin.short : "", height - 15]];
    for (const [text, y] of lines) {
      if (!text) continue;
      const t = svgEl("text", { x: i * step + 1, y, class: "tick" });
      t.textContent = text;
      g.append(t);
    }
    g.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); onPick(bin.key, bin.key); }
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
    onPick(bins[a].key, bins[b].key);
  };
  svg.onpointercancel = () => { dragFrom = null; mark(-1, -1); };
}
