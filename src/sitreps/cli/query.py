"""The store out: `events` (a list on the terminal or stdout) and `export` (the whole store as
JSONL, or the filtered events as CSV or GeoJSON), with the event filters they share, read by
sitreps.filters as the API and the map page read theirs."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer

from .common import ConfigOpt, DbOpt, _errors, _existing_store, _settings, app, err, out


def _filter(parse, *args, hint: str):
    """A shared filter check (sitreps.filters); its error is a usage error naming the option."""
    from ..filters import FilterError

    try:
        return parse(*args)
    except FilterError as exc:
        raise typer.BadParameter(str(exc), param_hint=hint) from None


# The event filters `events` and `export` share, read as the API reads its own (sitreps.filters):
# every filter of the API and the map page, by the same names (--include-unhappened is ours).
TypeOpt = Annotated[str | None, typer.Option("--type", help="Event type or sub-event type, any case.")]
SubtypeOpt = Annotated[str | None, typer.Option(help="Sub-event type, any case.")]
SinceOpt = Annotated[str | None, typer.Option(help="Earliest date: YYYY, YYYY-MM or YYYY-MM-DD.")]
UntilOpt = Annotated[str | None, typer.Option(help="Latest date: YYYY, YYYY-MM or YYYY-MM-DD.")]
CountryOpt = Annotated[str | None, typer.Option(help="Country: ISO code (UA) or name (Ukraine).")]
Admin1Opt = Annotated[str | None, typer.Option(help="Region (admin1) by name: Donetsk or Donetsk Oblast.")]
Admin2Opt = Annotated[str | None, typer.Option(help="District (admin2) by name: Bakhmut or Bakhmut Raion.")]
PlaceOpt = Annotated[str | None, typer.Option(help="Place: a gazetteer id (geonames:706448) or a name.")]
BboxOpt = Annotated[str | None, typer.Option(help="MINLON,MINLAT,MAXLON,MAXLAT: events inside the box.")]
NearOpt = Annotated[str | None, typer.Option(help="LAT,LON,KM: events within KM of a point.")]
ActorOpt = Annotated[
    str | None, typer.Option(help="An actor id (RUS.MIL) or part of an actor's name, any case, as doer or target.")
]
WordsOpt = Annotated[
    str | None, typer.Option("--q", help="Words that must all appear in the article's title or text.")
]
CorroborationOpt = Annotated[
    str | None,
    typer.Option(help="Only events whose incident at least N distinct known outlets tell (copies count once; "
                 "reports whose outlet is unknown never count).", metavar="N", show_default=False),
]  # fmt: skip
CertaintyOpt = Annotated[
    str | None, typer.Option(help="Only these certainties, comma-separated \\[default: those that say it happened].")
]
BackgroundOpt = Annotated[
    bool, typer.Option(help="Also events told as history (dated well before the article's news).")
]
CopiesOpt = Annotated[bool, typer.Option(help="Also events of articles that copy an earlier article's text.")]
UnhappenedOpt = Annotated[bool, typer.Option(help="Also events marked possible or negated (every certainty).")]
FILTER_OPTIONS = ("type", "subtype", "since", "until", "country", "admin1", "admin2", "place", "bbox", "near",
                  "actor", "certainty", "min_corroboration", "q", "include_background", "include_copies",
                  "include_unhappened")  # fmt: skip


def _filters_given(arguments: dict) -> dict:
    """The filter options out of a command's arguments (its `locals()` before anything else)."""
    return {name: arguments[name] for name in FILTER_OPTIONS}


def _event_filter(store, chosen: dict):
    """The filters given on the command line, checked against `store` as the API checks its
    own; a bad one is a usage error naming its option (exit code 2)."""
    from functools import partial

    from ..filters import FilterError, parse_query, parse_type_or_subtype
    from ..records import CERTAINTIES
    from ..store.queries import stored_values

    given = dict(chosen)
    if given.get("type"):  # --type takes a sub-event type too
        type_, subtype = _filter(parse_type_or_subtype, given["type"], hint="--type")
        if subtype and given.get("subtype"):
            raise typer.BadParameter(f"{subtype!r} is a sub-event type, and --subtype gives one too: give one",
                                     param_hint="--type")
        given["type"], given["subtype"] = type_, subtype or given.get("subtype")
    if given.pop("include_unhappened"):
        if given.get("certainty"):
            raise typer.BadParameter("give --certainty or --include-unhappened, not both", param_hint="--certainty")
        given["certainty"] = list(CERTAINTIES)
    try:
        return parse_query(given, partial(stored_values, store)).filter
    except FilterError as exc:
        option = "--" + (exc.name or "filters").replace("_", "-")
        raise typer.BadParameter(str(exc), param_hint=option) from None


@app.command()
def events(
    db: DbOpt = None,
    type: TypeOpt = None,
    subtype: SubtypeOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    country: CountryOpt = None,
    admin1: Admin1Opt = None,
    admin2: Admin2Opt = None,
    place: PlaceOpt = None,
    bbox: BboxOpt = None,
    near: NearOpt = None,
    actor: ActorOpt = None,
    certainty: CertaintyOpt = None,
    min_corroboration: CorroborationOpt = None,
    q: WordsOpt = None,
    include_background: BackgroundOpt = False,
    include_copies: CopiesOpt = False,
    include_unhappened: UnhappenedOpt = False,
    limit: Annotated[int, typer.Option(min=0, help="At most this many events; 0 for all of them.")] = 100,
    format: Annotated[str, typer.Option("--format", "-f", help="table, json, jsonl, csv or geojson.")] = "table",
    config: ConfigOpt = None,
):
    """Query the events in the database (by default those said to have happened, not background).
    `export` takes the same filters; the API and the map page take them by the same names."""
    chosen = _filters_given(locals())
    from ..store import open_store
    from ..store.queries import count_events

    if format not in EVENT_FORMATS:
        raise typer.BadParameter(f"choose {', '.join(EVENT_FORMATS)}", param_hint="--format")
    with _errors():
        settings = _settings(config, db)
        with open_store(_existing_store(settings)) as store:
            event_filter = _event_filter(store, chosen)
            rows = store.iter_events(event_filter, limit=limit + 1 if limit else None)
            matched = None
            if limit:  # one more than asked says whether --limit stopped the list
                rows = list(rows)
                if len(rows) > limit:
                    matched, rows = count_events(store, event_filter), rows[:limit]
            _print_events(rows, format)
        if matched is not None:
            err.print(f"stopped at --limit {limit}: {matched:,} events match; --limit 0 lists them all, and "
                      "`sitreps export --format csv` (or geojson) with the same filters writes them to a file")


EVENT_FORMATS = ("table", "json", "jsonl", "csv", "geojson")


def _print_events(rows: Iterable[dict], format: str) -> None:
    """The events on stdout; every format but json and table as they stream."""
    from ..export import write_events_csv, write_events_geojson, write_jsonl

    if format == "json":
        sys.stdout.write(json.dumps(list(rows), ensure_ascii=False, indent=2) + "\n")
    elif format == "jsonl":
        write_jsonl(rows, sys.stdout)
    elif format == "csv":
        write_events_csv(rows, sys.stdout)
    elif format == "geojson":
        write_events_geojson(rows, sys.stdout)
    else:
        from ..report import events_table

        out.print(events_table(list(rows)))


@app.command()
def export(
    format: Annotated[str, typer.Option(
        "--format", "-f", help="jsonl (the whole store: every article's record and every failure; "
        "`sitreps ingest` of it fills another store), csv or geojson (events).")] = "jsonl",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write \\[default: stdout].")] = None,
    type: TypeOpt = None,
    subtype: SubtypeOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    country: CountryOpt = None,
    admin1: Admin1Opt = None,
    admin2: Admin2Opt = None,
    place: PlaceOpt = None,
    bbox: BboxOpt = None,
    near: NearOpt = None,
    actor: ActorOpt = None,
    certainty: CertaintyOpt = None,
    min_corroboration: CorroborationOpt = None,
    q: WordsOpt = None,
    include_background: BackgroundOpt = False,
    include_copies: CopiesOpt = False,
    include_unhappened: UnhappenedOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
):
    """Export the database: the whole store as sitreps/3 JSONL, or as CSV/GeoJSON the events the
    map shows (said to have happened, not background), filtered as `events` filters them.

    The JSONL is how a store moves: `sitreps ingest --db <other> <file>` stores its records as
    they are, without analysing them again, and links them as this store did (docs/scaling.md)."""
    chosen = _filters_given(locals())
    from ..export import write_events_csv, write_events_geojson, write_jsonl
    from ..store import open_store

    if format not in ("jsonl", "csv", "geojson"):
        raise typer.BadParameter("choose jsonl, csv or geojson", param_hint="--format")
    named = [k for k, v in chosen.items() if v is not None and v is not False and v != ""]  # 0 is given
    if format == "jsonl" and named:
        given = ", ".join("--" + k.replace("_", "-") for k in named)
        raise typer.BadParameter(f"{given} choose events: they apply to --format csv or geojson; jsonl writes "
                                 "the whole store", param_hint="--format")  # fmt: skip
    with _errors():
        settings = _settings(config, db)
        path = _existing_store(settings)
        with open_store(path) as store:
            event_filter = None if format == "jsonl" else _event_filter(store, chosen)
            fh = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
            try:
                if event_filter is None:
                    write_jsonl(store.iter_records(), fh)
                else:
                    rows = store.iter_events(event_filter)  # streamed
                    (write_events_csv if format == "csv" else write_events_geojson)(rows, fh)
            finally:
                if output:
                    fh.close()
        if output:
            err.print(f"wrote {output}")
