"""`sitreps gazetteer`: build the offline gazetteer, look a name up in it, add GeoNames dumps."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from ..errors import SitrepsError
from .common import ConfigOpt, _context, _errors, _settings, app, err, out

gazetteer_app = typer.Typer(help="Build and inspect the offline gazetteer.", no_args_is_help=True)
app.add_typer(gazetteer_app, name="gazetteer")


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
