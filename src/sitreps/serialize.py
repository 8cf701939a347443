"""Documents as plain dicts, the `sitreps/3` output contract (docs/contract.md), and back.

    document_dict(doc)             a Document as its record (what `sitreps analyze` prints)
    exported_record(...)           a stored article's record as `sitreps export --format jsonl`
                                   writes it: with a `stored` member, what the store keeps beside it
    failure_record(...)            a stored failure as a failed record, for the same export
    document_from_dict(record)     the Document a record describes, to be stored as it is

`document_from_dict` takes only what `document_dict` writes, exactly: a record of another
contract version, or one with a key, a type or an offset that sitreps never writes, raises
`RecordError` saying where, and the reader makes that the record's failure. So a record stored
from an export hashes as it did in the store it came from (store/sqlite.py `content_hash`), and
a re-run finds it unchanged.
"""

from __future__ import annotations

import json
import re
from dataclasses import MISSING, asdict, fields, is_dataclass, replace
from datetime import datetime
from functools import cache
from types import NoneType, UnionType
from typing import Literal, Union, get_args, get_origin, get_type_hints

from .records import (
    ActorMention,
    Article,
    Claim,
    Count,
    Document,
    Event,
    Mention,
    Note,
    Place,
    Quote,
    Recap,
    Removed,
    Span,
    TimeExpr,
)

SCHEMA = "sitreps/3"
_VERSION = re.compile(r"sitreps/(\d+)")

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


# -- a store's export: records with what the store keeps beside them -------------------------------


def exported_record(record: dict, site_name: str | None, summary: dict | None) -> dict:
    """A stored article's record with a `stored` member: the page's site name (its outlet when
    the URL gives none) and what linking read of its sentences and entities (the `lead`,
    `names` and `people` of its stored summary, when it has one), which the record does not keep."""
    recap = {key: summary[key] for key in _RECAP} if summary is not None else {}
    return {**record, "stored": {"site_name": site_name, **recap}}


_RECAP = ("lead", "names", "people")


def failure_record(id: str, origin: str, code: str, detail: str, level: str = "error") -> dict:
    """A stored failure as the failed record `sitreps analyze` prints: no text, its error note.
    The store keeps no stage: the code's prefix stands for it."""
    note = Note(code.partition(".")[0], code, detail, level)
    return document_dict(Document(article=Article(id=id, origin=origin), notes=(note,)))


# -- records back into Documents -------------------------------------------------------------------


class RecordError(ValueError):
    """A record this sitreps cannot store as it is; `code` is the failure's note code:
    `read.bad_schema` (another contract version) or `read.bad_analysis` (not as sitreps writes it)."""

    def __init__(self, detail: str, code: str = "read.bad_analysis"):
        super().__init__(detail)
        self.code = code


def is_record(value: object) -> bool:
    """Whether a JSON value is a record of some sitreps contract (it names its `schema`), not an
    article to analyse."""
    schema = value.get("schema") if isinstance(value, dict) else None
    return isinstance(schema, str) and schema.startswith("sitreps/")


def document_from_dict(record: dict) -> Document:
    """The Document a `sitreps/3` record describes (the inverse of `document_dict`), with the
    site name and recap of its `stored` member when it has one (`exported_record`)."""
    _check_schema(record.get("schema"))
    if _SURROGATE.search(json.dumps(record, ensure_ascii=False)):
        raise RecordError("it holds unpaired UTF-16 surrogates (invalid text)")
    given = {k: v for k, v in record.items() if k != "stored"}
    doc = _document(given)
    if "stored" in record:
        doc = _with_stored(doc, record["stored"])
    difference = _difference(document_dict(doc), given)
    if difference:
        raise RecordError(f"it is not as sitreps writes it: {difference}")
    _check_offsets(given)
    return doc


def _check_schema(schema: object) -> None:
    if schema == SCHEMA:
        return
    match = _VERSION.fullmatch(schema) if isinstance(schema, str) else None
    if match and int(match[1]) < int(_VERSION.fullmatch(SCHEMA)[1]):
        detail = (f"it is a {schema} record, an older contract: this sitreps stores {SCHEMA} records as they are, "
                  "and an older one only by analysing its article again (ingest the article itself)")
    else:
        detail = (f"it is a {schema!r} record, which this sitreps ({SCHEMA}) does not know: store it with the "
                  "sitreps that wrote it, or a newer one")
    raise RecordError(detail, "read.bad_schema")


def _document(record: dict) -> Document:
    def take(key: str, hint):
        return _value(hint, _field(record, key, "$"), f"$.{key}")

    text, published = take("text", str), take("published", str | None)
    try:
        published = datetime.fromisoformat(published) if published is not None else None
    except ValueError:
        raise RecordError(f"$.published is no ISO 8601 date: {_shown(published)}") from None
    article = Article(id=take("id", str) or _missing("$.id"), text=text, url=take("url", str | None),
                      title=take("title", str | None), published=published, origin=take("origin", str))
    lists = {key: take(key, tuple[kind, ...]) for key, kind in _LISTS.items()}
    events = tuple(_event(e, text, f"$.events[{i}]") for i, e in enumerate(take("events", list)))
    first = {}
    for i, e in enumerate(events):  # a store keys events by id
        if first.setdefault(e.id, i) != i:
            raise RecordError(f"$.events[{i}].id {_shown(e.id)} is the id of $.events[{first[e.id]}] too")
    return Document(article=article, text=text, events=events, **lists)


_LISTS = {"removed": Removed, "places": Place, "times": TimeExpr, "quotes": Quote, "claims": Claim,
          "actors": ActorMention, "notes": Note}  # fmt: skip


def _event(value: object, text: str, where: str) -> Event:
    """An event: its evidence is written as offsets alone, the text they point into says the rest."""
    evidence = []
    for i, span in enumerate(_value(list, _field(value, "evidence", where), f"{where}.evidence")):
        here = f"{where}.evidence[{i}]"
        start, end = (_value(int, _field(span, k, here), f"{here}.{k}") for k in ("start", "end"))
        evidence.append(Span(start, end, text[start:end]))
    return _build(Event, value, where, evidence=tuple(evidence))


def _with_stored(doc: Document, stored: object) -> Document:
    """The site name and recap an export wrote beside the record (none when the first store
    kept no linking summary: an article stored before linking; it is then summarised from the
    record alone)."""
    site_name = _value(str | None, _field(stored, "site_name", "$.stored"), "$.stored.site_name")
    unknown = sorted(set(stored) - {"site_name", *_RECAP})
    if unknown:
        raise RecordError(f"$.stored has a key sitreps does not write: {unknown[0]!r}")
    recap = {k: v for k, v in stored.items() if k != "site_name"}
    recap = _build(Recap, recap, "$.stored") if recap else None
    return replace(doc, article=replace(doc.article, site_name=site_name), recap=recap)


def _field(value: object, key: str, where: str):
    if not isinstance(value, dict):
        raise RecordError(f"{where} is {_kind(value)}, not an object")
    return value[key] if key in value else _missing(f"{where}.{key}")


def _missing(where: str):
    raise RecordError(f"{where} is missing")


def _build(cls, value: object, where: str, **given):
    """A record of `cls` from its dict, each value checked against the field's annotation. A
    key left out takes the field's default: `document_from_dict` then compares the record with
    what `document_dict` writes, so only the keys sitreps leaves out may be left out."""
    if not isinstance(value, dict):
        raise RecordError(f"{where} is {_kind(value)}, not an object")
    hints = _hints(cls)
    for f in fields(cls):
        if f.name in given:
            continue
        if f.name in value:
            given[f.name] = _value(hints[f.name], value[f.name], f"{where}.{f.name}")
        elif f.default is MISSING:
            _missing(f"{where}.{f.name}")
    return cls(**given)


@cache
def _hints(cls) -> dict:
    return get_type_hints(cls)


def _value(hint, value: object, where: str):
    """`value` as the annotation `hint` asks: JSON lists become tuples, objects records."""
    origin = get_origin(hint)
    if origin in (Union, UnionType):
        if value is None and NoneType in get_args(hint):
            return None
        (hint,) = [a for a in get_args(hint) if a is not NoneType]
        return _value(hint, value, where)
    if origin is Literal:
        if value not in get_args(hint):
            raise RecordError(f"{where} is {_shown(value)}, not one of {', '.join(map(_shown, get_args(hint)))}")
        return value
    if origin is tuple:
        items = _value(list, value, where)
        return tuple(_value(get_args(hint)[0], v, f"{where}[{i}]") for i, v in enumerate(items))
    if is_dataclass(hint):
        return _build(hint, value, where)
    if not _is(hint, value):
        raise RecordError(f"{where} is {_kind(value)}, not {_KINDS[hint]}")
    return value


def _is(kind: type, value: object) -> bool:
    if kind is int:  # one a store's integer column holds; true and false are not numbers here
        return type(value) is int and -(2**63) <= value < 2**63
    if kind is float:
        return type(value) in (int, float)
    return type(value) is kind


_KINDS = {int: "an integer (64-bit)", float: "a number", str: "a string", bool: "true or false",
          list: "a list"}  # fmt: skip


def _kind(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true or false", NoneType: "null"}
    return names.get(type(value), "a number")


def _difference(written: object, given: object, where: str = "$") -> str | None:
    """Where `given` differs from what sitreps writes (`written`), or None."""
    if isinstance(written, dict) and isinstance(given, dict):
        for key in given.keys() - written.keys():
            return f"{where} has a key sitreps does not write: {key!r}"
        for key in written.keys() - given.keys():
            return f"{where}.{key} is missing"
        return next(filter(None, (_difference(written[k], given[k], f"{where}.{k}") for k in written)), None)
    if isinstance(written, list) and isinstance(given, list) and len(written) == len(given):
        items = (_difference(w, g, f"{where}[{i}]") for i, (w, g) in enumerate(zip(written, given)))
        return next(filter(None, items), None)
    return None if written == given else f"{where} is {_shown(given)}, where sitreps writes {_shown(written)}"


def _shown(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_offsets(record: dict) -> None:
    """Every span of the record inside its text and, where it quotes itself, saying what the
    text says there: the contract's one promise about offsets (`removed` points into the text
    before cleaning, so not there)."""
    text = record["text"]
    for key in ("places", "times", "quotes", "claims", "actors", "events"):
        for where, span in _spans(record[key], f"$.{key}"):
            start, end = span["start"], span["end"]
            if not 0 <= start <= end <= len(text):
                raise RecordError(f"{where} points outside the text ({start}..{end} of {len(text)} characters)")
            if isinstance(span.get("text"), str) and text[start:end] != span["text"]:
                raise RecordError(f"{where} says {span['text']!r} where the text says {text[start:end]!r}")


def _spans(value: object, where: str):
    if isinstance(value, dict):
        if isinstance(value.get("start"), int) and isinstance(value.get("end"), int):
            yield where, value
        for key, item in value.items():
            yield from _spans(item, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _spans(item, f"{where}[{i}]")


_SURROGATE = re.compile("[\ud800-\udfff]")
