"""Documents as plain dicts: the `sitreps/2` output contract (docs/contract.md)."""

from __future__ import annotations

from dataclasses import asdict

from .records import Count, Document, Event, Mention, Place, TimeExpr

SCHEMA = "sitreps/3"

_PLACE_KEYS = ("start", "end", "text", "name", "lat", "lon", "country", "admin1", "feature", "gazetteer_id", "precision",
              "admin2", "coord_precision", "dateline")


def place_dict(p: Place | None) -> dict | None:
    if p is None:
        return None
    return {k: getattr(p, k) for k in _PLACE_KEYS}


def time_dict(t: TimeExpr | None) -> dict | None:
    """The time as a dict; `basis` only on an event's time (the article's own times have none)."""
    if t is None:
        return None
    d = asdict(t)
    if d["basis"] is None:
        del d["basis"]
    return d


def mention_dict(m: Mention | None) -> dict | None:
    return None if m is None else asdict(m)


def event_dict(e: Event) -> dict:
    return {
        "id": e.id,
        "type": e.type,
        "subtype": e.subtype,
        "trigger": asdict(e.trigger),
        "actors": [asdict(a) for a in e.actors],
        "targets": [asdict(a) for a in e.targets],
        "place": place_dict(e.place),
        "time": time_dict(e.time),
        "fatalities": count_dict(e.fatalities),
        "injured": count_dict(e.injured),
        "weapons": [asdict(w) for w in e.weapons],
        "certainty": e.certainty,
        "source": mention_dict(e.source),
        "evidence": [{"start": s.start, "end": s.end} for s in e.evidence],
        "background": e.background,
    }


def count_dict(c: Count | None) -> dict | None:
    return None if c is None else asdict(c)


def count_best(c: dict | int | None) -> int | None:
    """One number from a count dict (or a bare int, as stored by sitreps/1): the lower bound,
    else the upper."""
    if c is None or isinstance(c, int):
        return c
    return c["low"] if c.get("low") is not None else c.get("high")


def document_dict(doc: Document) -> dict:
    art = doc.article
    return {
        "schema": SCHEMA,
        "id": art.id,
        "url": art.url,
        "title": art.title,
        "published": art.published.isoformat() if art.published else None,
        "origin": art.origin,
        "text": doc.text,
        "removed": [{"text": r.text, "reason": r.reason, "start": r.start, "end": r.end} for r in doc.removed],
        "places": [place_dict(p) for p in doc.places],
        "times": [time_dict(t) for t in doc.times],
        "quotes": [
            {
                "start": q.start,
                "end": q.end,
                "text": q.text,
                "direct": q.direct,
                "speaker": mention_dict(q.speaker),
                "cue": mention_dict(q.cue),
            }
            for q in doc.quotes
        ],
        "claims": [
            {
                "start": c.start,
                "end": c.end,
                "text": c.text,
                "certainty": c.certainty,
                "source": mention_dict(c.source),
                "cue": mention_dict(c.cue),
            }
            for c in doc.claims
        ],
        "actors": [asdict(a) for a in doc.actors],
        "events": [event_dict(e) for e in doc.events],
        "notes": [asdict(n) for n in doc.notes],
    }
