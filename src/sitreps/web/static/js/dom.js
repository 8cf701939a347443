// Small DOM helpers. Text always goes in as text nodes: nothing from the data is parsed as HTML.

export const root = document.body.dataset.root || "";

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function unknown() {
  return el("span", { class: "unknown" }, "unknown");
}

// The same rule as the server's page_url: a path ending in .json is the JSON twin, so an id
// that itself ends in .json gets its HTML page with ?format=html.
export function pageUrl(kind, id) {
  let path = encodeURIComponent(id);
  if (kind === "articles") path = path.replaceAll("%2F", "/");
  return `${root}/${kind}/${path}${id.endsWith(".json") ? "?format=html" : ""}`;
}

export function dateText(time) {
  if (!time || !time.value) return null;
  return time.value.includes("/") ? time.value.replace("/", " to ") : time.value;
}

// How coarse a date is when coarser than a day, as the server's present.date_precision says.
export function datePrecision(time) {
  if (!time || !time.value) return null;
  if (time.value.includes("/")) return "interval";
  if (["week", "month", "year"].includes(time.grain)) return time.grain;
  if (time.grain == null) {
    if (/^\d{4}-W\d{2}$/.test(time.value)) return "week";
    if (/^\d{4}-\d{2}$/.test(time.value)) return "month";
    if (/^\d{4}$/.test(time.value)) return "year";
  }
  return null;
}

// A date as the event lists show it: "2023-01 (month)", as the server's present.date_label.
export function dateLabel(time) {
  const text = dateText(time);
  const precision = datePrecision(time);
  return text && precision ? `${text} (${precision})` : text;
}

// The days a /points.json row's date covers, from its first day and how many days: "2023-01-30",
// "2023-01-30 to 2023-02-05" (a week), "2023-01-30 or later" when its length is unknown.
export function daysText(first, days) {
  if (!first) return null;
  if (days === 1) return first;
  if (!days) return `${first} or later`;
  const last = new Date(Date.parse(first) + (days - 1) * 86400000).toISOString().slice(0, 10);
  return `${first} to ${last}`;
}

export function countText(count) {
  if (!count) return null;
  const { low, high } = count;
  const about = count.approximate ? "about " : "";
  if (low == null && high == null) return null;
  if (low != null && high != null) return low === high ? `${about}${low}` : `${about}${low}–${high}`;
  if (low != null) return about ? `about ${low} or more` : `at least ${low}`;
  return `up to ${about}${high}`;
}

export function formatNumber(n) {
  return Number(n).toLocaleString("en");
}
