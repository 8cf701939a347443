"""What each page shows, built from the stored dicts (docs/contract.md): the highlights of a
text and the rows of a cluster. Templates only lay them out."""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from . import present as p
from .annotate import Mark, highlight

# The article page's kinds, in legend order: (kind, legend label).
ARTICLE_KINDS = [
    ("place", "places"),
    ("time", "dates"),
    ("quote", "quotes"),
    ("claim", "claims"),
    ("event", "events"),
    ("actor", "actors"),
]


@dataclass
class Entry:
    """One annotation: its highlight key, what it says, and its text."""

    key: str
    kind: str
    text: str
    label: str
    details: list[tuple[str, str]] = field(default_factory=list)  # (name, value) rows
    href: str | None = None  # a page of its own (events)
    start: int | None = None
    end: int | None = None


def _place(place: dict) -> tuple[str, list[tuple[str, str]]]:
    if not place.get("name"):
        return f"Place “{place.get('text', '')}”: not resolved, no coordinates", [("resolved", "no")]
    coords = p.coords_text(place.get("lat"), place.get("lon")) or "unknown"
    rows = [
        ("name", place["name"]),
        ("coordinates", coords),
        ("precision", place.get("precision") or "unknown"),
        ("coordinates from", place.get("coord_precision") or "unknown"),
        ("in", ", ".join(x for x in (place.get("admin2"), place.get("admin1"), place.get("country")) if x)
         or "unknown"),
        ("gazetteer", place.get("gazetteer_id") or "unknown"),
    ]  # fmt: skip
    if place.get("dateline"):
        rows.append(("dateline", "yes: where the report was filed, not an event's place"))
    return f"Place: {p.place_label(place)} at {coords}", rows


def _time(time: dict) -> tuple[str, list[tuple[str, str]]]:
    value = p.date_text(time)
    if value is None:
        why = "relative, and the article has no publication date" if time.get("anchored") is False else ""
        return f"Date: unknown{' (' + why + ')' if why else ''}", [("value", "unknown"), ("why", why or "unknown")]
    grain = time.get("grain") or "unknown"
    return f"Date: {value} ({grain})", [("value", value), ("grain", grain)]


def _quote(quote: dict) -> tuple[str, list[tuple[str, str]]]:
    speaker = p.mention_label(quote.get("speaker")) or "unknown"
    cue = (quote.get("cue") or {}).get("text") or "unknown"
    kind = "direct" if quote.get("direct") else "indirect"
    return f"Quote ({kind}) by {speaker}", [("speaker", speaker), ("cue", cue), ("kind", kind)]


def _claim(claim: dict) -> tuple[str, list[tuple[str, str]]]:
    certainty = claim.get("certainty") or "unknown"
    source = p.mention_label(claim.get("source")) or ("the outlet" if certainty == "asserted" else "unknown")
    note = p.CERTAINTY_NOTES.get(certainty, "")
    rows = [("certainty", f"{certainty}{': ' + note if note else ''}"), ("source", source),
            ("cue", (claim.get("cue") or {}).get("text") or "unknown")]  # fmt: skip
    return f"Claim, {certainty}, source: {source}", rows


def _actor(actor: dict) -> tuple[str, list[tuple[str, str]]]:
    rows = [("name", actor.get("name") or "unknown"), ("id", actor.get("actor") or "unknown"),
            ("kind", actor.get("kind") or "unknown"), ("country", actor.get("country") or "unknown")]  # fmt: skip
    if actor.get("inferred"):
        rows.append(("inferred", "yes: not named as such in the text"))
    return f"Actor: {p.actor_label(actor)}", rows


def event_summary(event: dict) -> str:
    parts = [event.get("type") or "unknown type"]
    if event.get("subtype"):
        parts[0] += f" / {event['subtype']}"
    parts.append(p.date_text(event.get("time")) or "date unknown")
    parts.append(p.place_label(event.get("place")) or "place unknown")
    parts.append(event.get("certainty") or "certainty unknown")
    return ", ".join(parts)


def _event(event: dict) -> tuple[str, list[tuple[str, str]]]:
    rows = [
        ("type", event.get("type") or "unknown"),
        ("subtype", event.get("subtype") or "unknown"),
        ("date", p.date_text(event.get("time")) or "unknown"),
        ("place", p.place_label(event.get("place")) or "unknown"),
        ("fatalities", p.count_text(event.get("fatalities")) or "unknown"),
        ("certainty", event.get("certainty") or "unknown"),
    ]
    return f"Event: {event_summary(event)}", rows


def _span(obj: dict | None) -> tuple[int | None, int | None]:
    return (obj or {}).get("start"), (obj or {}).get("end")


def article_entries(doc: dict) -> list[Entry]:
    """Every highlighted annotation of an article, grouped by kind in legend order."""
    makers = {"place": ("places", _place), "time": ("times", _time), "quote": ("quotes", _quote),
              "claim": ("claims", _claim), "actor": ("actors", _actor)}  # fmt: skip
    entries: list[Entry] = []
    for kind, _ in ARTICLE_KINDS:
        if kind == "event":
            for i, event in enumerate(doc.get("events") or []):
                label, rows = _event(event)
                trigger = event.get("trigger") or {}
                href = p.page_url("events", event["id"]) if event.get("id") else None
                start, end = _span(trigger)
                entries.append(Entry(f"event-{i}", "event", trigger.get("text", ""), label, rows, href, start, end))
            continue
        name, make = makers[kind]
        for i, item in enumerate(doc.get(name) or []):
            label, rows = make(item)
            start, end = _span(item)
            entries.append(Entry(f"{kind}-{i}", kind, item.get("text", ""), label, rows, None, start, end))
    return entries


def article_html(doc: dict, entries: list[Entry]) -> Markup:
    marks = [Mark(e.start, e.end, e.kind, e.key, e.label) for e in entries]
    return highlight(doc.get("text") or "", marks)


def event_marks(event: dict) -> list[Mark]:
    """The event's evidence and, inside it, the words that give each field."""
    marks = [Mark(s.get("start"), s.get("end"), "evidence", f"evidence-{i}", "Evidence for this event")
             for i, s in enumerate(event.get("evidence") or [])]  # fmt: skip
    trigger = event.get("trigger") or {}
    marks.append(Mark(trigger.get("start"), trigger.get("end"), "event", "trigger", "Trigger: " + event_summary(event)))
    if event.get("place"):
        label, _ = _place(event["place"])
        marks.append(Mark(*_span(event["place"]), "place", "place", label))
    if event.get("time"):
        label, _ = _time(event["time"])
        marks.append(Mark(*_span(event["time"]), "time", "time", label))
    for side in ("actors", "targets"):
        for i, actor in enumerate(event.get(side) or []):
            role = "Actor" if side == "actors" else "Target"
            marks.append(Mark(*_span(actor), "actor", f"{side}-{i}", f"{role}: {p.actor_label(actor)}"))
    for name in ("fatalities", "injured"):
        count = event.get(name)
        if count:
            words = p.count_text(count) or "no number"
            marks.append(Mark(*_span(count), "count", name, f"{name.capitalize()}: {words}"))
    if event.get("source") and event["source"].get("start") is not None:
        marks.append(Mark(*_span(event["source"]), "source", "source", "Source: " + (p.mention_label(event["source"]) or "unknown")))
    return marks  # fmt: skip


def event_evidence_html(event: dict, text: str | None) -> Markup | None:
    if not text:
        return None
    return highlight(text, event_marks(event))


def value_text(field: str, value) -> str:
    """A disagreement's value as stored: fatalities [low, high], actors [ids], dates [start, end]."""
    if value is None:
        return "unknown"
    if field == "fatalities" and isinstance(value, list) and len(value) == 2:
        return p.count_text({"low": value[0], "high": value[1]}) or "unknown"
    if field == "dates" and isinstance(value, list) and len(value) == 2:
        start, end = value
        return start or "unknown" if start == end or not end else f"{start or 'unknown'} to {end}"
    if isinstance(value, list):
        return ", ".join(str(v) if v is not None else "unknown" for v in value) or "none named"
    if isinstance(value, dict):
        return p.count_text(value) or value.get("name") or value.get("text") or "unknown"
    return str(value)


def cluster_rows(cluster: dict) -> dict:
    """The cluster page: what it holds (one incident or several, and how far apart), each
    incident with its corroboration and events, most corroborated first, then the events no
    incident holds (possible or negated ones: linking does not compare them)."""
    documents = cluster.get("documents") or []
    outlet_of = {d.get("article_id"): d.get("outlet") or p.outlet(d.get("url")) for d in documents}
    events = {e.get("id"): e for e in cluster.get("events") or []}
    incidents, seen = [], set()
    for n, incident in enumerate(cluster.get("incidents") or [], start=1):
        ids = incident.get("events") or []
        rows = [events[i] for i in ids if i in events]
        seen.update(ids)
        told = p.corroboration_text(
            incident.get("corroboration"), incident.get("reports_outlet_unknown"), incident.get("outlets")
        )
        incidents.append({"n": n, "id": incident.get("id"), "title": incident_title(rows), "told": told,
                          "events": rows})  # fmt: skip
    others = [e for i, e in events.items() if i not in seen]
    reports = len(documents)
    return {"outlet_of": outlet_of, "incidents": incidents, "others": others,
            "titles": {d.get("article_id"): d.get("title") for d in documents},
            "headline": _headline(incidents, reports), "story": _story(cluster, incidents, reports),
            "far": bool((cluster.get("spread") or {}).get("far"))}  # fmt: skip


def incident_title(events: list[dict]) -> str:
    """An incident as a heading: its type, places and dates as its reports give them."""
    if not events:
        return "no events stored"
    places = list(dict.fromkeys(x for e in events if (x := (e.get("place") or {}).get("name"))))
    dates = list(dict.fromkeys(x for e in events if (x := p.date_text(e.get("time")))))
    more = f" and {len(places) - 3} more" if len(places) > 3 else ""
    return ", ".join([events[0].get("type") or "unknown type", " / ".join(places[:3]) + more or "place unknown",
                      " / ".join(dates[:3]) or "date unknown"])  # fmt: skip


def _headline(incidents: list[dict], reports: int) -> str:
    if len(incidents) == 1:
        return f"One incident: {incidents[0]['told'] or 'not counted'}"
    if not incidents:
        return f"{p.plural(reports, 'report')}, no incident among their events"
    return f"{len(incidents):,} incidents in {p.plural(reports, 'report')}"


def _story(cluster: dict, incidents: list[dict], reports: int) -> str | None:
    """Whether the cluster is one story: several incidents are said to be several, and ones far
    apart in place or time (`spread.far`) are said not to be one story."""
    if len(incidents) < 2:
        return None
    these = "This report tells" if reports == 1 else "These reports tell"
    spread = cluster.get("spread") or {}
    if not spread.get("far"):
        return f"{these} {len(incidents):,} incidents, each with its own corroboration below."
    apart = []
    if spread.get("km") is not None:
        names = [x or "a place" for x in spread.get("places") or []]
        apart.append(f"{spread['km']:,.0f} km" + (f" ({' and '.join(names)})" if names else ""))
    if spread.get("days"):
        apart.append(p.plural(spread["days"], "day"))
    why = "Linking grouped these articles because they read alike; " if reports > 1 else ""
    return (f"Not one story: {these.lower()} {len(incidents):,} incidents, up to {' and '.join(apart)} apart. "
            f"{why}each incident below has its own corroboration, and none is corroborated by the reports of "
            "another.")  # fmt: skip
