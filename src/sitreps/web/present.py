"""How record fields read on a page. A missing value stays missing: these give None (or say
"unknown" with the reason) rather than a guess, and templates print "unknown" for None."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from ..outlets import outlet_of

CERTAINTY_NOTES = {
    "asserted": "stated by the outlet itself",
    "confirmed": "confirmed by the source",
    "reported": "attributed to a source, without hedging",
    "hedged": "reportedly, believed, appears",
    "possible": "could, feared, planned: has not happened",
    "negated": "denied, did not happen",
}

PRECISION_NOTES = {
    "city": "a city, town or village",
    "district": "a city district",
    "admin3": "a hromada or municipality",
    "admin2": "a raion or county",
    "front": "a front sector named after a place: the area around it",
    "admin1": "an oblast, province or state",
    "country": "a whole country",
    "water": "a river, sea or reservoir",
    "region": "a historic or world region",
    "continent": "a continent",
}

TYPE_CLASSES = {  # ACLED event types: a CSS class each (map markers, legend, badges)
    "Battles": "battles",
    "Explosions/Remote violence": "explosions",
    "Violence against civilians": "civilians",
    "Protests": "protests",
    "Riots": "riots",
    "Strategic developments": "strategic",
}


def type_class(event_type: str | None) -> str:
    return "t-" + TYPE_CLASSES.get(event_type or "", "other")


def count_text(count: dict | None) -> str | None:
    """A Count as words: 2, at least 12, up to 20, 5-8; None when the text gives no number."""
    if not count:
        return None
    low, high = count.get("low"), count.get("high")
    about = "about " if count.get("approximate") else ""
    if low is None and high is None:
        return None
    if low is not None and high is not None:
        return f"{about}{low}" if low == high else f"{about}{low}–{high}"
    if low is not None:
        return f"about {low} or more" if about else f"at least {low}"
    return f"up to {about}{high}"


def date_text(time: dict | None) -> str | None:
    if not time or not time.get("value"):
        return None
    value = time["value"]
    return value.replace("/", " to ") if "/" in value else value


_COARSE_GRAINS = ("week", "month", "year")
_SHAPES = (
    (re.compile(r"\d{4}-W\d{2}"), "week"),
    (re.compile(r"\d{4}-\d{2}"), "month"),
    (re.compile(r"\d{4}"), "year"),
)


def date_precision(time: dict | None) -> str | None:
    """How coarse a date is when it is coarser than a day: "week", "month", "year" or "interval"
    (from the grain, else the value's shape); None for a day or finer, or no date. A date range
    keeps such events, so a list marks them (issue 15, point 4)."""
    value = (time or {}).get("value")
    if not value:
        return None
    if "/" in value:
        return "interval"
    grain = time.get("grain")
    if grain in _COARSE_GRAINS:
        return grain
    if grain is None:
        return next((name for shape, name in _SHAPES if shape.fullmatch(value)), None)
    return None


def date_label(time: dict | None) -> str | None:
    """A date as an event list shows it: "2022-11-10", "2023-01 (month)", "2022-10-28 to
    2022-11-03 (interval)"."""
    text = date_text(time)
    precision = date_precision(time)
    return f"{text} ({precision})" if text and precision else text


def coords_text(lat, lon) -> str | None:
    if lat is None or lon is None:
        return None
    return f"{lat:.4f}, {lon:.4f}"


def place_label(place: dict | None) -> str | None:
    """"Alder (city; North Province, XA)" or None for an unresolved place."""
    if not place or not place.get("name"):
        return None
    where = ", ".join(p for p in (place.get("admin2"), place.get("admin1"), place.get("country")) if p)
    level = place.get("precision") or "level unknown"
    return f"{place['name']} ({level}{'; ' + where if where else ''})"


def actor_label(actor: dict) -> str:
    name = actor.get("name") or actor.get("text") or "unknown"
    extra = [x for x in (actor.get("actor"), actor.get("kind")) if x]
    if actor.get("inferred"):
        extra.append("inferred")
    return f"{name} ({', '.join(extra)})" if extra else name


def mention_label(mention: dict | None) -> str | None:
    if not mention:
        return None
    name = mention.get("name") or mention.get("text")
    if not name:
        return None
    kind = mention.get("kind")
    return f"{name} ({kind})" if kind else name


def outlet(url: str | None) -> str | None:
    """The outlet of a URL as the store reads it (sitreps.outlets), for a dict without one."""
    return outlet_of(url)


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def corroboration_text(
    corroboration: int | None, unknown: int | None = 0, outlets: list[str] | None = None
) -> str | None:
    """How many outlets tell an incident: "3 independent outlets", "1 outlet" (with their names
    when given), and the reports whose outlet is unknown apart ("2 reports, outlet unknown"):
    those may copy or repeat one another, so they are never called independent. None: not
    counted (not linked yet)."""
    if corroboration is None:
        return None
    parts = []
    named = f" ({', '.join(outlets)})" if outlets else ""
    if corroboration >= 2:
        parts.append(f"{corroboration:,} independent outlets{named}")
    elif corroboration == 1:
        parts.append(f"1 outlet{named}")
    if unknown:
        parts.append(f"{plural(unknown, 'report')}, outlet unknown")
    return "; ".join(parts) or "no known outlet"


def safe_href(url: str | None) -> str | None:
    """An article's URL as a link target only when it is http(s): never `javascript:`."""
    if not url:
        return None
    return url if urlsplit(url.strip()).scheme.lower() in ("http", "https") else None


def page_url(kind: str, id: str, json: bool = False) -> str:
    """/events/{id}, /articles/{id}, /clusters/{id}; with json, the page's twin.

    A path ending in `.json` is always a twin, so an id that itself ends in `.json` gets its
    HTML page with `?format=html` (and its twin at `....json.json`)."""
    path = f"/{kind}/" + quote(id, safe="/" if kind in ("articles", "clusters") else "")
    if json:
        return path + ".json"
    return path + "?format=html" if id.endswith(".json") else path


def public(doc: dict) -> dict:
    """A stored document as the server shows it: the file it was read from by name only (the
    server's folders are nobody's business): "/srv/feeds/x.jsonl:158" -> "x.jsonl:158"."""
    origin = doc.get("origin")
    if not origin or origin.startswith("<"):
        return doc
    return {**doc, "origin": origin.replace("\\", "/").rsplit("/", 1)[-1]}
