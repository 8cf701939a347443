"""Readable summaries for a person at a terminal (`--format text`, `sitreps events`)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from .records import Document
from .web.present import date_label


def _plain(value, limit: int = 300) -> Text:
    """User text as a table cell or line: never read as Rich markup ("[/]" in a quote is text),
    and cut, since a megabyte id would take the terminal renderer minutes."""
    value = "" if value is None else str(value)
    return Text(value if len(value) <= limit else value[: limit - 1] + "\u2026")


def _fmt_place(p) -> str:
    if p is None:
        return "-"
    if not p.resolved:
        return f"{p.text} (unresolved)"
    return f"{p.name}, {p.admin1 or ''} {p.country or ''} ({p.lat:.2f}, {p.lon:.2f}) [{p.precision}]"


def print_document(console: Console, doc: Document) -> None:
    art = doc.article
    head = art.title or art.origin or art.id
    console.rule(f"[bold]{escape(str(_plain(head, 120)))}[/bold]")
    console.print(_plain(f"id {_plain(art.id, 200)}  published {art.published.date() if art.published else 'unknown'}  "
                         f"url {_plain(art.url or '-', 200)}", 1000))
    for n in doc.notes:
        style = {"error": "red", "warning": "yellow"}.get(n.level, "dim")
        console.print(Text(f"{n.level}: {n.code}: {n.detail}", style=style))
    if doc.failed:
        return
    for r in doc.removed:
        console.print(Text(f"removed ({r.reason}): {r.text[:70]}", style="dim"))
    if doc.places:
        table = Table("place", "resolved to", title="Places", title_justify="left")
        for p in doc.places:
            table.add_row(_plain(p.text), _plain(_fmt_place(p)))
        console.print(table)
    if doc.times:
        table = Table("expression", "value", "grain", "anchored", title="Dates", title_justify="left")
        for t in doc.times:
            table.add_row(_plain(t.text), t.value or "-", t.grain or "-", "yes" if t.anchored else "no")
        console.print(table)
    if doc.quotes:
        table = Table("speaker", "words", "direct", title="Quotes", title_justify="left")
        for q in doc.quotes:
            who = (q.speaker.name or q.speaker.text) if q.speaker else "(unknown)"
            table.add_row(_plain(who), _plain(q.text, 90), "yes" if q.direct else "no")
        console.print(table)
    if doc.events:
        table = Table("event", "actors", "where", "when", "certainty", "source", title="Events", title_justify="left")
        for e in doc.events:
            table.add_row(
                _plain(f"{e.subtype or e.type} ({e.trigger.text})"),
                _plain(", ".join(a.name for a in e.actors) or "-"),
                _plain(_fmt_place(e.place)),
                e.time.value if e.time and e.time.value else "-",
                e.certainty,
                _plain((e.source.name or e.source.text) if e.source else "-"),
            )
        console.print(table)


def events_table(rows: list[dict]) -> Table:
    table = Table("date", "type", "actors", "place", "certainty", "fatalities", "article", title=f"{len(rows)} events")
    for r in rows:
        place = r.get("place") or {}
        time = r.get("time")
        table.add_row(
            date_label(time) or "-",
            r.get("subtype") or r.get("type"),
            _plain(", ".join(a["name"] for a in r.get("actors", [])) or "-"),
            _plain(place.get("name") or place.get("text") or "-"),
            r.get("certainty", ""),
            _count(r.get("fatalities")),
            _plain((r.get("title") or r.get("article_id") or "")[:40]),
        )
    return table


def _count(c: dict | int | None) -> str:
    """ "12", "12+" (at least), "<=20" (up to), "5-8"; empty when none."""
    if c is None:
        return ""
    if isinstance(c, int):
        return str(c)
    low, high = c.get("low"), c.get("high")
    if low is not None and high is None:
        return f"{low}+"
    if low is None:
        return f"<={high}"
    return str(low) if low == high else f"{low}-{high}"
