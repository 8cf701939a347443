"""The `sitreps` command: a thin skin over the library. Parse arguments, call, print."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import __version__
from .errors import SitrepsError
from .settings import Settings, load_settings, with_overrides

app = typer.Typer(
    help="sitreps: sourced, geolocated, dated event records from conflict news.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
gazetteer_app = typer.Typer(help="Build and inspect the offline gazetteer.", no_args_is_help=True)
app.add_typer(gazetteer_app, name="gazetteer")

out = Console(soft_wrap=True)
err = Console(stderr=True)

ConfigOpt = Annotated[Optional[Path], typer.Option("--config", help="Settings TOML file (see defaults.toml).")]
DbOpt = Annotated[Optional[Path], typer.Option("--db", help="SQLite database file [default: user data dir].")]


def _settings(config: Path | None, db: Path | None = None) -> Settings:
    settings = load_settings(config)
    if db is not None:
        settings = with_overrides(settings, store={"path": str(db)})
    return settings


@contextmanager
def _errors():
    try:
        yield
    except SitrepsError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from None


def _context(settings: Settings):
    from .pipeline import Context

    return Context(settings, progress=lambda msg: err.print(f"[dim]{msg}[/dim]"))


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, transient=False, disable=not err.is_terminal,
    )


@app.callback(invoke_without_command=True)
def main(version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False):
    if version:
        out.print(f"sitreps {__version__}")
        raise typer.Exit()


@app.command()
def analyze(
    paths: Annotated[list[str], typer.Argument(help="Files, directories, or - for stdin.")],
    published: Annotated[Optional[str], typer.Option(help="Publication date (ISO), anchors relative dates.")] = None,
    url: Annotated[Optional[str], typer.Option(help="The article's URL.")] = None,
    title: Annotated[Optional[str], typer.Option(help="The article's title.")] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="json, jsonl or text.")] = "text",
    config: ConfigOpt = None,
):
    """Analyse articles and print one record per input (docs/contract.md)."""
    from .pipeline import Pipeline
    from .serialize import document_dict
    from .stages.read import parse_published, read_paths

    if format not in ("json", "jsonl", "text"):
        raise typer.BadParameter("choose json, jsonl or text", param_hint="--format")
    with _errors():
        pub = _published(published, parse_published)
        settings = _settings(config)
        _check_paths(paths)
        pipeline = Pipeline(_context(settings))
        for article in read_paths(paths, settings, url=url, title=title, published=pub):
            doc = pipeline(article)
            if format == "jsonl":
                sys.stdout.write(json.dumps(document_dict(doc), ensure_ascii=False) + "\n")
            elif format == "json":
                sys.stdout.write(json.dumps(document_dict(doc), ensure_ascii=False, indent=2) + "\n")
            else:
                from .report import print_document

                print_document(out, doc)


def _published(value, parse):
    try:
        return parse(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--published") from None


def _check_paths(paths: list[str]) -> None:
    from .errors import InputError

    missing = [p for p in paths if p != "-" and not Path(p).exists()]
    if missing:
        raise InputError(f"no such file or directory: {', '.join(missing)}")


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, directories, or - for stdin.")],
    db: DbOpt = None,
    published: Annotated[Optional[str], typer.Option(help="Publication date (overrides the inputs' own).")] = None,
    config: ConfigOpt = None,
):
    """Analyse articles into the database. Re-running is idempotent; failures are recorded."""
    from .stages.read import parse_published, read_paths

    with _errors():
        pub = _published(published, parse_published)
        settings = _settings(config, db)
        _check_paths(paths)
        summary = _ingest(settings, read_paths(paths, settings, published=pub))
        _print_summary(settings, summary)


def _ingest(settings: Settings, articles) -> dict:
    from .pipeline import Pipeline
    from .store import open_store

    articles = list(articles)
    pipeline = Pipeline(_context(settings))
    pipeline.ctx.nlp  # load the model (and gazetteer) before the bar starts
    summary = {"new": 0, "updated": 0, "unchanged": 0, "failed": 0, "failures": []}
    with open_store(settings.store_path()) as store, _progress() as progress:
        task = progress.add_task("analysing", total=len(articles))
        for article in articles:
            doc = pipeline(article)
            status = store.save(doc)
            summary[status] += 1
            if status == "failed":
                error = next(n for n in doc.notes if n.level == "error")
                summary["failures"].append((article.origin, error.code, error.detail))
            progress.advance(task)
        summary["counts"] = store.counts()
    return summary


def _print_summary(settings: Settings, summary: dict) -> None:
    for origin, code, detail in summary["failures"]:
        err.print(f"[yellow]skipped[/yellow] {escape(origin)}: {code}: {escape(detail)}")
    err.print(
        f"{summary['new']} new, {summary['updated']} updated, {summary['unchanged']} unchanged, "
        f"{summary['failed']} failed -> {settings.store_path()}"
    )
    counts = summary["counts"]
    err.print("store: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


@app.command()
def events(
    db: DbOpt = None,
    type: Annotated[Optional[str], typer.Option("--type", help="Event type or sub-event type.")] = None,
    since: Annotated[Optional[str], typer.Option(help="Earliest date, YYYY-MM-DD.")] = None,
    until: Annotated[Optional[str], typer.Option(help="Latest date, YYYY-MM-DD.")] = None,
    near: Annotated[Optional[str], typer.Option(help="LAT,LON,KM: events within KM of a point.")] = None,
    certainty: Annotated[Optional[str], typer.Option(help="Only this certainty.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many events.")] = 100,
    format: Annotated[str, typer.Option("--format", "-f", help="table, json, csv or geojson.")] = "table",
    config: ConfigOpt = None,
):
    """Query the events in the database."""
    from .store import open_store

    if format not in ("table", "json", "csv", "geojson"):
        raise typer.BadParameter("choose table, json, csv or geojson", param_hint="--format")
    point = _near(near) if near else None
    with _errors():
        settings = _settings(config, db)
        with open_store(settings.store_path()) as store:
            rows = store.query_events(type=type, since=since, until=until, near=point, certainty=certainty, limit=limit)
        _print_events(rows, format)


def _near(value: str):
    try:
        lat, lon, km = (float(x) for x in value.split(","))
    except ValueError:
        raise typer.BadParameter("expected LAT,LON,KM, e.g. 46.6,32.6,25", param_hint="--near") from None
    return lat, lon, km


def _print_events(rows: list[dict], format: str) -> None:
    from .export import write_events_csv, write_events_geojson

    if format == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    elif format == "csv":
        write_events_csv(rows, sys.stdout)
    elif format == "geojson":
        write_events_geojson(rows, sys.stdout)
    else:
        from .report import events_table

        out.print(events_table(rows))


@app.command()
def export(
    format: Annotated[str, typer.Option("--format", "-f", help="jsonl (articles), csv or geojson (events).")] = "jsonl",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File to write [default: stdout].")] = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
):
    """Export the database: every article as sitreps/1 JSONL, or every event as CSV/GeoJSON."""
    from .export import write_events_csv, write_events_geojson, write_jsonl
    from .store import open_store

    if format not in ("jsonl", "csv", "geojson"):
        raise typer.BadParameter("choose jsonl, csv or geojson", param_hint="--format")
    with _errors():
        settings = _settings(config, db)
        fh = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
        try:
            with open_store(settings.store_path()) as store:
                if format == "jsonl":
                    write_jsonl(store.iter_documents(), fh)
                else:
                    rows = store.iter_events()  # streamed: exports can be large
                    (write_events_csv if format == "csv" else write_events_geojson)(rows, fh)
        finally:
            if output:
                fh.close()
        if output:
            err.print(f"wrote {output}")


@app.command()
def demo(db: DbOpt = None, config: ConfigOpt = None):
    """Ingest the sample articles that ship with sitreps and show their events."""
    from .stages.read import read_paths
    from .store import open_store

    with _errors():
        settings = _settings(config, db)
        samples = resources.files("sitreps").joinpath("samples")
        with resources.as_file(samples) as folder:
            summary = _ingest(settings, read_paths([str(folder)], settings))
        _print_summary(settings, summary)
        with open_store(settings.store_path()) as store:
            rows = store.query_events(limit=50)
        _print_events(rows, "table")
        err.print(
            f"\nNext: `sitreps events --db {settings.store_path()} --format geojson`, "
            f"or `sitreps export --db {settings.store_path()} --format csv`."
        )


@gazetteer_app.command("build")
def gazetteer_build(
    force: Annotated[bool, typer.Option(help="Rebuild even if the file exists.")] = False,
    config: ConfigOpt = None,
):
    """Build the gazetteer from the GeoNames data installed with sitreps (done on first use)."""
    from .gazetteer.sqlite import build_gazetteer

    with _errors():
        settings = _settings(config)
        path = settings.gazetteer_path()
        if path.exists() and not force:
            err.print(f"{path} exists (use --force to rebuild)")
            return
        with err.status("building gazetteer") as status:
            build_gazetteer(path, min_population=settings.gazetteer.min_population, progress=lambda m: status.update(m))
        err.print(f"built {path} ({path.stat().st_size / 1e6:.1f} MB)")


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


if __name__ == "__main__":
    app()
