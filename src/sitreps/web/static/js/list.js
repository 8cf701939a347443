// The side list of events: pages of /api/events with the page's filters, the same rows the
// server renders without JavaScript; "Show more" follows the answer's `next` link.
import { countText, dateLabel, el, pageUrl, unknown } from "./dom.js";
import { typeClass } from "./markers.js";

export function eventItem(ev) {
  const killed = countText(ev.fatalities);
  const place = ev.place && ev.place.name;
  return el("li", { class: `ev ${typeClass(ev.type)}`, "data-id": ev.id },
    el("a", { href: pageUrl("events", ev.id) },
      el("span", { class: "date" }, dateLabel(ev.time) || "unknown"), " ",
      ev.type || "unknown", ev.subtype ? ` / ${ev.subtype}` : ""),
    " ", el("span", { class: "where" }, place || unknown()), " ",
    ev.certainty ? el("span", { class: `cert c-${ev.certainty}` }, ev.certainty) : unknown(),
    killed ? el("span", { class: "fat" }, ` ${killed} killed`) : null);
}

export class EventList {
  constructor(ol, button, getJson) {
    this.ol = ol;
    this.button = button;
    this.getJson = getJson;
    this.next = null;
    button.addEventListener("click", () => this.more());
  }

  // The first page; resolves to the answer ({events, count, next}, and `ignored`).
  async load(url, signal) {
    this.signal = signal;
    const answer = await this.getJson(url, signal);
    this.ol.replaceChildren(...answer.body.events.map(eventItem));
    this.setNext(answer.body.next);
    return answer;
  }

  // Keep the rows the server rendered; `next` is their next page.
  adopt(next, signal) {
    this.signal = signal;
    this.setNext(next);
  }

  async more() {
    if (!this.next) return;
    this.button.disabled = true;
    try {
      const { body } = await this.getJson(this.next, this.signal);
      this.ol.append(...body.events.map(eventItem));
      this.setNext(body.next);
    } finally {
      this.button.disabled = false;
    }
  }

  setNext(next) {
    this.next = next;
    this.button.hidden = !next;
    this.button.textContent = "Show more events";
  }

  clear() {
    this.ol.replaceChildren();
    this.setNext(null);
  }
}
