"""The `sitreps` command: a thin skin over the library. Parse arguments, call, print."""

from __future__ import annotations

import collections
import contextlib
import itertools
import json
import sys
from collections.abc import Iterable
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .. import __version__
from ..errors import InputError, SitrepsError
from ..settings import Settings, load_settings, with_overrides

app = typer.Typer(
    help="sitreps: sourced, geolocated, dated event records from conflict news.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
gazetteer_app = typer.Typer(help="Build and inspect the offline gazetteer.", no_args_is_help=True)
app.add_typer(gazetteer_app, name="gazetteer")
eval_app = typer.Typer(help="Measure sitreps on annotated data (see docs/evaluation.md).", no_args_is_help=True)
app.add_typer(eval_app, name="eval")

out = Console(soft_wrap=True)
err = Console(stderr=True)

ConfigOpt = Annotated[Path | None, typer.Option("--config", help="Settings TOML file (see defaults.toml).")]
WorkersOpt = Annotated[int | None, typer.Option(
    "--workers", "-w", min=0, help="Worker processes: 0 for one per usable core, 1 for one at a time [default: pipeline.workers, 0].")]
DbOpt = Annotated[str | None, typer.Option(
    "--db", envvar="SITREPS_DB", show_envvar=True,
    help="The store: a SQLite file, sqlite:///path, or postgresql://user@host/dbname [default: user data dir].")]


def _settings(config: Path | None, db: str | None = None) -> Settings:
    settings = load_settings(config)
    if db is not None:
        settings = with_overrides(settings, store={"path": _db_path(str(db))})
    return settings


def _db_path(db: str) -> str:
    """A path, a sqlite:/// URL (sqlite:///relative.db, sqlite:////absolute.db) or a PostgreSQL
    URL (kept as it is); any other URL is an error, never a folder named after it."""
    from ..store.urls import is_postgres, sqlite_path

    return db if is_postgres(db) else sqlite_path(db)


def _existing_store(settings: Settings) -> str:
    """The store a reading command opens: it must exist (only `ingest` creates one)."""
    from ..errors import StoreError
    from ..store.urls import describe, store_exists

    target = settings.store_target()
    if not store_exists(target):
        raise StoreError(f"no store at {describe(target)}: `sitreps ingest` makes one (or give the right --db)")
    return target


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
    str | None, typer.Option(help="Only these certainties, comma-separated [default: those that say it happened].")
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


@contextmanager
def _errors():
    try:
        yield
    except SitrepsError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from None


def _context(settings: Settings):
    from ..pipeline import Context

    return Context(settings, progress=lambda msg: err.print(f"[dim]{msg}[/dim]"))


def _progress(auto_refresh: bool = True) -> Progress:
    """A progress bar on stderr. Without auto refresh there is no drawing thread, which a loop
    that forks worker processes needs (a fork copies a lock another thread holds); that loop
    calls `refresh()` itself."""
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, transient=False, disable=not err.is_terminal, auto_refresh=auto_refresh,
    )


@app.callback(invoke_without_command=True)
def main(version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False):
    if version:
        out.print(f"sitreps {__version__}")
        raise typer.Exit()


@app.command()
def analyze(
    paths: Annotated[list[str], typer.Argument(help="Files, directories, or - for stdin.")],
    published: Annotated[str | None, typer.Option(help="Publication date (ISO), anchors relative dates.")] = None,
    url: Annotated[str | None, typer.Option(help="The article's URL.")] = None,
    title: Annotated[str | None, typer.Option(help="The article's title.")] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="json, jsonl or text.")] = "text",
    workers: WorkersOpt = None,
    config: ConfigOpt = None,
):
    """Analyse articles and print one record per input (docs/contract.md), in input order."""
    from ..isolation import Workers
    from ..pipeline import Pipeline
    from ..stages.read import parse_published, read_paths

    if format not in ("json", "jsonl", "text"):
        raise typer.BadParameter("choose json, jsonl or text", param_hint="--format")
    with _errors():
        pub = _published(published, parse_published)
        settings = _settings(config)
        _check_paths(paths)
        pipeline = Pipeline(_context(settings))
        with Workers(pipeline, settings.pipeline.record_seconds, _workers(settings, workers)) as pool:
            for doc in pool.imap(read_paths(paths, settings, url=url, title=title, published=pub)):
                _print_record(doc, format)


def _print_record(doc, format: str) -> None:
    from ..serialize import document_dict

    if format == "jsonl":
        sys.stdout.write(json.dumps(document_dict(doc), ensure_ascii=False) + "\n")
    elif format == "json":
        sys.stdout.write(json.dumps(document_dict(doc), ensure_ascii=False, indent=2) + "\n")
    else:
        from ..report import print_document

        print_document(out, doc)


def _published(value, parse):
    try:
        return parse(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--published") from None


def _check_paths(paths: list[str]) -> None:
    from ..errors import InputError

    missing = [p for p in paths if p != "-" and not Path(p).exists()]
    if missing:
        raise InputError(f"no such file or directory: {', '.join(missing)}")


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, directories, or - for stdin.")],
    db: DbOpt = None,
    published: Annotated[str | None, typer.Option(
        help="Publication date (overrides the inputs' own; records already analysed keep theirs).")] = None,
    workers: WorkersOpt = None,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", envvar="SITREPS_SCHEDULER", show_envvar=True,
        help="Analyse on a Dask cluster: its scheduler's address, tcp://HOST:8786 (needs sitreps\\[cluster]; "
             "docs/scaling.md).")] = None,
    config: ConfigOpt = None,
):
    """Analyse articles into the database. Re-running is idempotent; failures are recorded.

    Records already analysed (what `sitreps export --format jsonl` writes, or `sitreps analyze
    --format jsonl`) are stored as they are, not analysed again: export one store and ingest the
    file to move it into another (docs/scaling.md)."""
    from ..stages.read import count_records, parse_published, read_paths

    if scheduler and workers is not None:
        raise typer.BadParameter("give --workers (this machine) or --scheduler (a Dask cluster), not both",
                                 param_hint="--scheduler")
    with _errors():
        pub = _published(published, parse_published)
        settings = _settings(config, db)
        _check_paths(paths)
        summary = _ingest(settings, read_paths(paths, settings, published=pub), count_records(paths),
                          workers=_workers(settings, workers), scheduler=scheduler or None)
        _print_summary(settings, summary)


def _workers(settings: Settings, option: int | None) -> int:
    """The number of worker processes: the option, else the setting; 0 is one per usable core."""
    from ..isolation import usable_cores

    n = settings.pipeline.workers if option is None else option
    return n or usable_cores()


def _ingest(settings: Settings, articles, total: int | None = None, workers: int = 1,
            scheduler: str | None = None) -> dict:
    """Read, analyse and save one record at a time (analysed by `workers` processes, or on the
    Dask cluster of `scheduler`, and saved here in input order): a bad file or record costs
    only itself. A record already analysed is saved as it is (`summary["analysed"]` counts them)."""
    from ..store import open_store

    summary = {"new": 0, "updated": 0, "unchanged": 0, "failed": 0, "failures": [], "analysed": 0}
    came_analysed: collections.deque[bool] = collections.deque()  # of each record read, in input order
    records, first = _peek(_noting_analysed(articles, came_analysed))
    with contextlib.ExitStack() as stack:
        # what fails fastest goes first, so a failure makes nothing: a cluster that cannot be
        # reached (before any store is made), else a store that cannot open (before the model loads)
        if scheduler is not None:
            pool = stack.enter_context(_analysts(settings, workers, scheduler))
        store = stack.enter_context(open_store(settings.store_target()))
        if scheduler is None:
            # records that come analysed (or refused) need no model: it loads here when the first
            # record needs it, else when one does (a run of records alone never loads it)
            pool = stack.enter_context(_analysts(settings, workers, scheduler, warm=_needs_analysis(first)))
        with _progress(auto_refresh=False) as progress:
            task = progress.add_task("analysing", total=total)
            for doc in pool.imap(records):  # one a record, in input order
                analysed = came_analysed.popleft()
                summary["analysed"] += analysed
                doc, status = _save(store, doc, analysed)
                summary[status] += 1
                if status == "failed":
                    error = next(n for n in doc.notes if n.level == "error")
                    summary["failures"].append((doc.article.origin, error.code, error.detail))
                progress.advance(task)
                progress.refresh()
            progress.update(task, total=progress.tasks[0].completed)
            progress.refresh()
        pool.close()  # the workers are done: linking below needs none of them
        with _progress() as progress:
            summary["linked"] = _link(store, progress)
        summary["counts"] = store.counts()
    return summary


def _cluster_type():
    """sitreps.parallel.Cluster, or a ClusterError naming the extra to install."""
    from ..errors import ClusterError

    try:
        from ..parallel import Cluster
    except ImportError as exc:
        if (exc.name or "").split(".")[0] not in ("dask", "distributed"):
            raise
        raise ClusterError("--scheduler needs Dask distributed, which is not installed: "
                           "pip install 'sitreps[cluster]'") from None
    return Cluster


def _analysts(settings: Settings, workers: int, scheduler: str | None, warm: bool = True):
    """What analyses the records: `workers` processes forked from this one once the model is
    loaded here, or the workers of a Dask cluster (which load it themselves; sitreps.parallel).
    Without `warm` the model loads when the first record that needs it comes, if one does."""
    if scheduler is not None:
        return _cluster_type()(scheduler, settings)
    from ..isolation import Workers
    from ..pipeline import Pipeline

    pipeline = Pipeline(_context(settings))
    if warm:
        pipeline.warm()  # load the model (and gazetteer) before the bar starts and the workers fork
    return Workers(pipeline, settings.pipeline.record_seconds, workers)


def _peek(records) -> tuple[Iterable, object]:
    """The records as they were, and the first of them (None when there are none)."""
    source = iter(records)
    first = next(source, None)
    return (source if first is None else itertools.chain([first], source)), first


def _is_analysed(record) -> bool:
    from ..records import Document

    return isinstance(record, Document)


def _needs_analysis(record) -> bool:
    from ..pipeline import passed

    return record is not None and passed(record) is None


def _noting_analysed(records, came_analysed: collections.deque):
    """The records, noting in `came_analysed` whether each came already analysed."""
    for record in records:
        came_analysed.append(_is_analysed(record))
        yield record


def _save(store, doc, analysed: bool):
    """Save one record: (the record as saved, "new" | "updated" | "unchanged" | "failed"). The
    pipeline makes event ids from the article's id, so one that another article holds is a bug
    (EventClash); a record that came analysed brought its ids along, and there it is the
    record's failure (an edited file)."""
    from dataclasses import replace

    from ..errors import EventClash
    from ..records import Note

    try:
        return doc, store.save(doc)
    except EventClash as exc:
        if not analysed:
            raise
        detail = f"The analysed record was not stored: {exc} (the pipeline makes event ids from the article's id)."
        failed = replace(doc, notes=doc.notes + (Note("read", "read.bad_analysis", detail, "error"),))
        return failed, store.save(failed)


def _link(store, progress: Progress) -> int:
    """Link the articles saved since the last run into same-incident clusters."""
    from ..store.clusters import link_pending, pending

    todo = pending(store)
    if not todo:
        return 0
    task = progress.add_task("linking", total=todo)
    return link_pending(store, progress=lambda done, total: progress.update(task, completed=done)).linked


def _print_summary(settings: Settings, summary: dict) -> None:
    from ..store.urls import describe

    for origin, code, detail in summary["failures"]:
        err.print(f"[yellow]skipped[/yellow] {escape(origin)}: {code}: {escape(detail)}")
    err.print(
        f"{summary['new']} new, {summary['updated']} updated, {summary['unchanged']} unchanged, "
        f"{summary['failed']} failed -> {describe(settings.store_target())}"
    )
    if summary.get("analysed"):
        err.print(f"{summary['analysed']} of them came already analysed: stored as they are, not analysed "
                  "again")
    if summary.get("linked"):
        err.print(f"linked {summary['linked']} articles into same-incident clusters")
    counts = summary["counts"]
    err.print("store: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


@app.command()
def link(
    rebuild: Annotated[bool, typer.Option(help="Forget every cluster and link all articles again.")] = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
):
    """Group stored articles into same-incident clusters (`ingest` does it after each run).

    Incremental: only articles not linked yet are compared, with the stored ones of their week."""
    from ..store import open_store
    with _errors():
        settings = _settings(config, db)
        with open_store(_existing_store(settings)) as store, _progress() as progress:
            if rebuild:
                store.reset_linking()
            linked = _link(store, progress)
            counts = store.counts()
        err.print(f"linked {linked} articles; {counts['clusters']} clusters of {counts['articles']} articles")


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
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write [default: stdout].")] = None,
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


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on; 0.0.0.0 listens on every one.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="SITREPS_API_TOKEN",
            show_default=False,
            help="Turn on POST /api/articles for clients that send `Authorization: Bearer <token>`. "
            "Prefer the environment variable: an option shows in the process list.",
        ),
    ] = None,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(help="Also answer requests for this Host name (repeatable; '*' answers any). By default "
                     "only the loopback names, the address listened on and this machine's name."),
    ] = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
):
    """Serve the database: the web UI at /, the JSON API at /api (documented at /docs). Read-only unless a token is given."""
    with _errors():
        try:
            import uvicorn

            from ..api import create_app
        except ImportError as exc:
            raise typer.BadParameter(f"serving needs FastAPI and uvicorn: {exc}") from None
        from ..store.urls import describe

        settings = _settings(config, db)
        api = create_app(_existing_store(settings), settings, token=token, allowed_hosts=_served_hosts(host, allow_host or []))
        where = f"http://{'localhost' if host in ('127.0.0.1', '::1') else host}:{port}"
        err.print(f"serving {describe(settings.store_target())}: the UI at {where}/, the API at {where}/api/events, documented at {where}/docs")
        err.print("writing (POST /api/articles): " + ("on, with the token" if token else "off (no token)"))
        if token and host not in ("127.0.0.1", "localhost", "::1"):
            err.print("[yellow]note:[/yellow] the token travels in clear over plain HTTP: put TLS in front")
        uvicorn.run(api, host=host, port=port, log_level="info")


def _served_hosts(host: str, extra: list[str]) -> list[str] | None:
    """The Host names `serve` answers: a page that reaches a loopback server under another name
    is a DNS-rebinding attack."""
    import socket

    from ..guard import LOOPBACK

    if "*" in extra:
        return None
    names = [*LOOPBACK, host, *extra]
    if host in ("0.0.0.0", "::"):
        names += [socket.gethostname(), socket.getfqdn()]
    return [n.lower() for n in names]


@app.command()
def demo(db: DbOpt = None, config: ConfigOpt = None):
    """Ingest the sample articles that ship with sitreps and show their events."""
    from ..stages.read import count_records, read_paths
    from ..store import open_store

    with _errors():
        settings = _settings(config, db)
        samples = resources.files("sitreps").joinpath("samples")
        with resources.as_file(samples) as folder:
            summary = _ingest(settings, read_paths([str(folder)], settings), count_records([str(folder)]),
                              workers=_workers(settings, None))
        _print_summary(settings, summary)
        with open_store(settings.store_target()) as store:
            rows = store.query_events(limit=50)
        _print_events(rows, "table")
        from ..store.urls import describe

        where = describe(settings.store_target())
        err.print(
            f"\nNext: `sitreps serve --db {where}` and open http://127.0.0.1:8000/ (the map; "
            f"the JSON API at /api/events, its docs at /docs), `sitreps events --db {where} --format geojson`, "
            f"or `sitreps export --db {where} --format csv`."
        )


@gazetteer_app.command("build")
def gazetteer_build(
    force: Annotated[bool, typer.Option(help="Rebuild even if the file exists.")] = False,
    config: ConfigOpt = None,
):
    """Build the gazetteer from the GeoNames data installed with sitreps (done on first use)."""
    from ..gazetteer.sqlite import build_gazetteer

    with _errors():
        settings = _settings(config)
        path = settings.gazetteer_path()
        if path.exists() and not force:
            err.print(f"{path} exists (use --force to rebuild)")
            return
        from ..gazetteer.dumps import rebuild_hint

        hint = rebuild_hint(path) if path.exists() else None  # files `gazetteer add` put in it
        with err.status("building gazetteer") as status:
            build_gazetteer(path, min_population=settings.gazetteer.min_population, progress=lambda m: status.update(m))
        err.print(f"built {path} ({path.stat().st_size / 1e6:.1f} MB)")
        if hint:
            err.print(f"[yellow]note:[/yellow] {escape(hint)}")


@gazetteer_app.command("lookup")
def gazetteer_lookup(name: str, config: ConfigOpt = None):
    """List the gazetteer entries for a name."""
    with _errors():
        settings = _settings(config)
        ctx = _context(settings)
        table = Table("id", "name", "feature", "country", "admin1", "lat", "lon", "population")
        for e in ctx.gazetteer.lookup(name):
            table.add_row(e.id, e.name, e.feature, e.country or "", e.admin1 or "", f"{e.lat:.4f}", f"{e.lon:.4f}", str(e.population))
        out.print(table)


@gazetteer_app.command("add")
def gazetteer_add(
    files: Annotated[list[Path], typer.Argument(help="GeoNames dumps (allCountries, UA, cities500...) or postal-code files; .txt, .zip or .gz.")],
    format: Annotated[str, typer.Option("--format", help="auto, geonames (19 columns) or postal (12 columns).")] = "auto",
    countries: Annotated[str | None, typer.Option(help="Only these countries, e.g. UA,RU.")] = None,
    min_population: Annotated[int, typer.Option(help="Skip populated places with fewer inhabitants (GeoNames dumps).")] = 0,
    classes: Annotated[str | None, typer.Option(help="Only these feature classes, e.g. P,A,H (GeoNames dumps).")] = None,
    config: ConfigOpt = None,
):
    """Add GeoNames dumps to the gazetteer for more depth (villages, postal positions). Each file is one
    transaction; adding a file again is a no-op. `gazetteer build --force` drops what was added."""
    from rich.progress import TimeRemainingColumn

    from ..gazetteer.dumps import add_dump
    from ..gazetteer.sqlite import build_gazetteer

    if format not in ("auto", "geonames", "postal"):
        raise typer.BadParameter("choose auto, geonames or postal", param_hint="--format")
    failed = False
    with _errors():
        settings = _settings(config)
        path = settings.gazetteer_path()
        if not path.exists():
            with err.status("building gazetteer") as status:
                build_gazetteer(path, min_population=settings.gazetteer.min_population, progress=lambda m: status.update(m))
    for file in files:
        bar = Progress(
            TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[amount]}"), TimeRemainingColumn(),
            console=err, transient=True, disable=not err.is_terminal,
        )
        name = escape(file.name)
        with bar:
            task = bar.add_task(name, total=None, amount="")

            def progress(what: str, done: int, total: int, task=task, bar=bar, name=name) -> None:
                amount = f"{done:,}/{total:,} places" if what == "matching" else f"{done / 1e6:,.0f}/{total / 1e6:,.0f} MB"
                bar.update(task, description=f"{what} {name}", completed=done, total=total, amount=amount)

            try:
                result = add_dump(
                    path, file, format=None if format == "auto" else format,
                    countries=(countries or "").split(","), min_population=min_population,
                    classes=(classes or "").split(","), progress=progress,
                )
            except SitrepsError as exc:
                err.print(f"[red]error:[/red] {escape(str(exc))}")
                failed = True
                continue
        _print_added(result)
    if failed:
        raise typer.Exit(2)


def _print_added(r) -> None:
    name = escape(r.path)
    if r.already_added:
        err.print(f"{name}: already added on {r.already_added} (same content and options): nothing to do")
        return
    skipped = sum(r.skipped.values())
    err.print(
        f"{name} ({r.format}): {r.rows_read:,} rows read, {skipped:,} skipped, {r.places:,} places; "
        f"{r.inserted:,} inserted, {r.updated:,} coordinates updated, {r.names_added:,} names added, "
        f"{r.ambiguous:,} ambiguous ({r.seconds:.1f} s)"
    )
    for label, counts in (("skipped", r.skipped), ("filtered out", r.filtered), ("coordinates kept", r.kept)):
        if counts:
            err.print(f"  {label}: " + ", ".join(f"{n:,} {reason}" for reason, n in sorted(counts.items())))
    if r.merged:
        err.print(f"  {r.merged:,} unlocated entries replaced by the new row for the same place")
    if r.admin1_unmapped:
        err.print(f"  first-level divisions not found in the gazetteer: {escape(', '.join(r.admin1_unmapped))}")
    for warning in r.warnings:
        err.print(f"  [yellow]warning:[/yellow] {escape(warning)}")


def _print_rows(title: str, rows: dict[str, dict], markdown: bool) -> None:
    """One table: a row per dataset, a column per measure."""
    if not rows:
        return
    columns = list(next(iter(rows.values())))
    cell = lambda v: "" if v is None else str(v)
    if markdown:
        out.print(f"\n**{title}**\n", markup=False)
        out.print("| dataset | " + " | ".join(columns) + " |", markup=False)
        out.print("|---" * (len(columns) + 1) + "|", markup=False)
        for name, row in rows.items():
            out.print(f"| {name} | " + " | ".join(cell(row[c]) for c in columns) + " |", markup=False)
        return
    table = Table("dataset", *columns, title=title)
    for name, row in rows.items():
        table.add_row(name, *(cell(row[c]) for c in columns))
    out.print(table)


def _print_results(results: dict[str, dict], notes: list[str], markdown: bool, as_json: bool, prefix: str = "") -> None:
    """An evaluation's tables (titled `prefix` + key) and notes, or all of it as one JSON object."""
    if as_json:
        out.print_json(data={**results, "notes": notes})
        return
    for title, table in results.items():
        _print_rows(prefix + title, table, markdown)
    out.print()
    for note in notes:
        out.print(note, markup=False)


def _write_mistakes(path: Path | None, misses: list | None) -> None:
    """Every miss an evaluation collected, one JSON object per line (nothing when no path)."""
    if path is None:
        return
    with open(path, "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(m, ensure_ascii=False) + "\n" for m in misses or [])


@eval_app.command("geo")
def eval_geo(
    files: Annotated[list[Path], typer.Argument(help="Gold JSON lines files ({dataset, text, toponyms}), or UCDP GED CSV files.")],
    mode: Annotated[str, typer.Option(help="resolution (gold spans given), end-to-end (raw text), or both.")] = "both",
    limit: Annotated[int | None, typer.Option(help="Only the first N documents (or UCDP rows) of each file.")] = None,
    postal: Annotated[list[Path] | None, typer.Option("--postal", help="Also measure UCDP rows with these GeoNames files added to a copy of the gazetteer.")] = None,
    markdown: Annotated[bool, typer.Option(help="Print Markdown tables (for docs/evaluation.md).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the numbers as JSON.")] = False,
    mistakes: Annotated[Path | None, typer.Option(help="Write every miss to this JSON lines file.")] = None,
    config: ConfigOpt = None,
):
    """Place resolution and geoparsing against gold toponyms; UCDP rows: event location."""
    from ..evaluation import geo

    if mode not in ("resolution", "end-to-end", "both"):
        raise typer.BadParameter("mode is resolution, end-to-end or both")
    with _errors():
        _check_paths([str(f) for f in files])
        settings = _settings(config)
        ctx = _context(settings)
        misses: list | None = [] if mistakes else None
        results: dict[str, dict] = {}
        jsonl = [f for f in files if f.suffix != ".csv"]
        csvs = [f for f in files if f.suffix == ".csv"]
        if jsonl:
            docs = geo.load_gold(jsonl, limit=limit)
            if mode in ("resolution", "both"):
                with _progress() as bar:
                    task = bar.add_task("resolution (gold spans)", total=len(docs))
                    results["resolution, gold spans given"] = geo.evaluate_resolution(
                        docs, ctx.gazetteer, settings, on_doc=lambda: bar.advance(task), mistakes=misses
                    )
            if mode in ("end-to-end", "both"):
                ctx.nlp  # load the model before the bar starts
                with _progress() as bar:
                    task = bar.add_task("end to end (raw text)", total=len(docs))
                    results["end to end from raw text"] = geo.evaluate_end_to_end(
                        docs, ctx, on_doc=lambda: bar.advance(task), mistakes=misses
                    )
        if csvs:
            from ..evaluation import ucdp

            rows = ucdp.load_rows(csvs, limit=limit)
            ctx.nlp
            with _progress() as bar:
                task = bar.add_task("UCDP headlines", total=len(rows))
                results["UCDP event location"] = ucdp.evaluate_locations(
                    rows, ctx, on_row=lambda: bar.advance(task), mistakes=misses
                )
            if postal:
                with _progress() as bar:
                    task = bar.add_task("UCDP headlines, postal file added", total=len(rows))
                    results["UCDP event location, postal file added"] = ucdp.evaluate_with_added(
                        rows, settings, postal, on_row=lambda: bar.advance(task), mistakes=misses
                    )
        _write_mistakes(mistakes, misses)
        if as_json:
            out.print_json(data=results)
            return
        for title, rows in results.items():
            _print_rows(title, rows, markdown)


@eval_app.command("events")
def eval_events(
    file: Annotated[Path, typer.Argument(help="UCDP GED CSV file.")],
    articles: Annotated[Path | None, typer.Option(help="Articles (JSON lines {id, published, text}) the labelled sentences point into.")] = None,
    labels: Annotated[Path | None, typer.Option(help="Labelled sentences (JSON lines {article, start, end, label}); by default the ones packaged with sitreps.")] = None,
    limit: Annotated[int | None, typer.Option(help="Only the first N UCDP rows (and labelled sentences).")] = None,
    markdown: Annotated[bool, typer.Option(help="Print Markdown tables (for docs/evaluation.md).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the numbers as JSON.")] = False,
    mistakes: Annotated[Path | None, typer.Option(help="Write every wrong field to this JSON lines file.")] = None,
    config: ConfigOpt = None,
):
    """Event records against UCDP GED rows (detection, actor side, place, date, fatalities);
    labelled sentences: how often a sentence without violence yields a violent event."""
    from ..evaluation import events as ev
    from ..evaluation import sentences as labelled

    with _errors():
        _check_paths([str(p) for p in (file, articles, labels) if p is not None])
        settings = _settings(config)
        ctx = _context(settings)
        misses: list | None = [] if mistakes else None
        rows = ev.load_ged(file, limit=limit)
        notes = [ev.GDELT_NOTE]
        unmapped = ev.unmapped_sides(rows)
        if unmapped:
            notes.append(f"Side names without an actor mapping (not scored for actor side): {', '.join(unmapped)}.")
        label_path = labels or labelled.default_labels()
        sentences = None
        if label_path is None:
            notes.append("Labelled sentences skipped: no labels file (give --labels).")
        elif articles is None:
            notes.append("Labelled sentences skipped: give --articles, the file their offsets point into.")
        else:
            sentences = labelled.labelled_sentences(label_path, articles, limit=limit)  # bad files fail before the long run
        results: dict[str, dict] = {}
        ctx.nlp  # load the model before the bar starts
        with _progress() as bar:
            task = bar.add_task("UCDP headlines", total=len(rows))
            results["UCDP GED rows: the primary violent event's fields"] = ev.evaluate_rows(
                rows, ctx, on_row=lambda: bar.advance(task), mistakes=misses
            )
        if sentences is not None:
            with _progress() as bar:
                task = bar.add_task("labelled sentences", total=len(sentences))
                results["labelled sentences: does the sentence yield a violent event?"] = labelled.evaluate_sentences(
                    sentences, ctx, on_item=lambda: bar.advance(task), mistakes=misses
                )
        _write_mistakes(mistakes, misses)
        _print_results(results, notes, markdown, as_json)


@eval_app.command("articles")
def eval_articles(
    articles: Annotated[Path, typer.Argument(help="Articles (JSON lines {id, published, text}) the gold's offsets point into.")],
    gold: Annotated[Path | None, typer.Option(help="Gold events (JSON lines); by default the ones packaged with sitreps.")] = None,
    gold_docs: Annotated[Path | None, typer.Option(help="The gold's manifest: one line per annotated article.")] = None,
    markdown: Annotated[bool, typer.Option(help="Print Markdown tables (for docs/evaluation.md).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the numbers as JSON.")] = False,
    mistakes: Annotated[Path | None, typer.Option(help="Write every miss, false alarm and wrong field to this JSON lines file.")] = None,
    config: ConfigOpt = None,
):
    """Every event of fully annotated articles (docs/annotation-events.md part 2): precision,
    recall and F1 of current events, and type, actor, place, date and certainty of matched ones."""
    from ..evaluation import articles as ev
    from ..evaluation.sentences import load_articles

    with _errors():
        gold_path, docs_path = gold or ev.GOLD, gold_docs or ev.GOLD_DOCS
        _check_paths([str(p) for p in (articles, gold_path, docs_path)])
        ids, events = ev.load_gold(gold_path, docs_path)
        texts = load_articles(articles, set(ids))
        missing = [a for a in ids if a not in texts]
        if missing:
            raise InputError(f"{len(missing)} annotated articles are not in {articles}: {', '.join(missing[:5])}")
        ctx = _context(_settings(config))
        ctx.nlp
        misses: list | None = [] if mistakes else None
        with _progress() as bar:
            task = bar.add_task("annotated articles", total=len(ids))
            rows = ev.evaluate(ids, events, texts, ctx, on_item=lambda: bar.advance(task), mistakes=misses)
        _write_mistakes(mistakes, misses)
        targets = ", ".join(f"{k} >= {v}" for k, v in ev.TARGETS.items())
        _print_results({"full-article events (current events; fields over matched events)": rows},
                       [f"Targets: {targets}, on each half.", "Halves: alternate articles of the manifest (tune, test, tune, ...)."],
                       markdown, as_json)


@eval_app.command("audit")
def eval_audit(
    paths: Annotated[list[str] | None, typer.Argument(help="Articles to ingest first (files or folders); none to draw from the store as it is.")] = None,
    n: Annotated[int, typer.Option("--n", help="How many events to draw.")] = 100,
    seed: Annotated[int, typer.Option(help="Seed of the draw: report on a seed you did not tune on.")] = 1,
    out_path: Annotated[Path | None, typer.Option("--out", "-o", help="Write the worksheet (JSON lines) here.")] = None,
    score_path: Annotated[Path | None, typer.Option("--score", help="Tally a judged worksheet instead of drawing one.")] = None,
    half: Annotated[str | None, typer.Option(help="Draw only from one half of the articles (split by a hash of the id): tune, or report (judge it once, at the end).")] = None,
    markdown: Annotated[bool, typer.Option(help="Print Markdown tables (for docs/evaluation.md).")] = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
):
    """A random audit of what the map shows: draw N current events with a seed and write a
    worksheet for a judge (evaluation/audit.py says what each judged field means); or, with
    --score, the shares of a judged worksheet."""
    from ..evaluation import audit
    from ..evaluation import read_jsonl_objects
    from ..store import open_store

    with _errors():
        if score_path is not None:
            _check_paths([str(score_path)])
            rows = audit.score(read_jsonl_objects(score_path, "a worksheet row"))
            _print_results({f"random audit of what the map shows ({score_path.name})": rows}, [], markdown, False)
            return
        if out_path is None:
            raise typer.BadParameter("give --out for the worksheet, or --score to tally one", param_hint="--out")
        if half is not None and half not in audit.HALVES:
            raise typer.BadParameter(f"{half!r} is no half; use one of: {', '.join(audit.HALVES)}", param_hint="--half")
        settings = _settings(config, db)
        if paths:
            from ..stages.read import count_records, read_paths

            _check_paths(paths)
            _print_summary(settings, _ingest(settings, read_paths(paths, settings), count_records(paths),
                                             workers=_workers(settings, None)))
        with open_store(settings.store_target()) as store:
            events = list(store.iter_events())
            docs = {d["id"]: d for d in store.iter_documents()}
        rows = audit.worksheet_rows(events, docs, n, seed, half)
        audit.write_worksheet(rows, out_path)
        shown = sum(1 for e in events if half is None or audit.article_half(e["article_id"]) == half)
        where = "" if half is None else f", {half} half"
        err.print(f"drew {len(rows)} of {shown} events shown on the map (seed {seed}{where}) -> {out_path}")


@eval_app.command("quotes")
def eval_quotes(
    file: Annotated[Path, typer.Argument(help="PolNeAR-style JSON lines ({doc_id, annotator, text, quotes}).")],
    compartment: Annotated[str, typer.Option(help="Which documents: dev (the default; train was used to grow the cue lexicon), train, or all.")] = "dev",
    limit: Annotated[int | None, typer.Option(help="Only the first N documents.")] = None,
    markdown: Annotated[bool, typer.Option(help="Print Markdown tables (for docs/evaluation.md).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the numbers as JSON.")] = False,
    mistakes: Annotated[Path | None, typer.Option(help="Write every missed, spurious or wrong attribution to this JSON lines file.")] = None,
    config: ConfigOpt = None,
):
    """Attributions (content, source, cue) against annotated news: quotes alone, and quotes with claims."""
    from ..evaluation import quotes as qe

    with _errors():
        _check_paths([str(file)])
        settings = _settings(config)
        ctx = _context(settings)
        misses: list | None = [] if mistakes else None
        if compartment not in ("dev", "train", "all"):
            raise typer.BadParameter("compartment is dev, train or all")
        gold = qe.load_gold(file, limit=limit, compartment=None if compartment == "all" else compartment)
        run = qe.RunNotes()
        ctx.nlp  # load the model before the bar starts
        with _progress() as bar:
            task = bar.add_task("documents", total=len(gold.docs))
            results = qe.evaluate_quotes(gold, ctx, on_doc=lambda: bar.advance(task), mistakes=misses, notes=run)
        notes = run.lines(gold)
        _write_mistakes(mistakes, misses)
        _print_results(results, notes, markdown, as_json, prefix="attributions, ")


@eval_app.command("certainty")
def eval_certainty(
    paths: Annotated[list[Path], typer.Argument(help="MEANTIME CoNLL files, or directories of them (*.conll).")],
    limit: Annotated[int | None, typer.Option(help="Only the first N documents.")] = None,
    markdown: Annotated[bool, typer.Option(help="Print Markdown tables (for docs/evaluation.md).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the numbers as JSON.")] = False,
    mistakes: Annotated[Path | None, typer.Option(help="Write every wrong certainty or polarity to this JSON lines file.")] = None,
    config: ConfigOpt = None,
):
    """Event certainty (CERTAIN/PROBABLE/POSSIBLE) and polarity (POS/NEG) against MEANTIME's
    gold event mentions, with a hedge-word baseline."""
    from ..evaluation import certainty as cert

    with _errors():
        _check_paths([str(p) for p in paths])
        settings = _settings(config)
        ctx = _context(settings)
        docs = cert.load_conll(paths, limit=limit)  # bad files fail before the long run
        misses: list | None = [] if mistakes else None
        ctx.nlp  # load the model before the bar starts
        with _progress() as bar:
            task = bar.add_task("MEANTIME documents", total=len(docs))
            table, notes = cert.evaluate_docs(docs, ctx, on_doc=lambda: bar.advance(task), mistakes=misses)
        _write_mistakes(mistakes, misses)
        _print_results({"MEANTIME event mentions: certainty and polarity": table}, notes, markdown, as_json)


@eval_app.command("clusters")
def eval_clusters(
    file: Annotated[Path, typer.Argument(help="ECB+-style JSON lines ({doc_id, topic, cluster_id, text}).")],
    limit: Annotated[int | None, typer.Option(help="Only the first N documents.")] = None,
    markdown: Annotated[bool, typer.Option(help="Print Markdown tables (for docs/evaluation.md).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the numbers as JSON.")] = False,
    mistakes: Annotated[Path | None, typer.Option(help="Write every wrongly merged or split gold cluster (held-out runs) to this JSON lines file.")] = None,
    config: ConfigOpt = None,
):
    """Same-incident clusters of documents against ECB+ events: B-cubed, pairwise and false merges,
    the threshold tuned on half the topics and scored on the other half; a TF-IDF baseline."""
    from ..evaluation import clusters as ce

    with _errors():
        _check_paths([str(file)])
        settings = _settings(config)
        ctx = _context(settings)
        docs = ce.load_docs(file, limit=limit)  # a bad file fails before the long run
        misses: list | None = [] if mistakes else None
        ctx.nlp  # load the model before the bar starts
        with _progress() as bar:
            task = bar.add_task("ECB+ documents", total=len(docs))
            items = ce.summaries(docs, ctx, on_doc=lambda: bar.advance(task))
        with _progress() as bar:
            task = bar.add_task("clustering (tuning on half the topics)", total=ce.steps(docs))
            table, notes = ce.evaluate(docs, items, on_step=lambda: bar.advance(task), mistakes=misses)
        _write_mistakes(mistakes, misses)
        _print_results({"ECB+ documents: same-event clusters": table}, notes, markdown, as_json)
