"""What every `sitreps` command shares: the root Typer `app` (and its --version), the consoles
(`out` for results, `err` for messages and progress bars), the --config and --db options, and
the helpers that read settings, open a store that must exist, turn a SitrepsError into exit
code 2, and draw progress."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .. import __version__
from ..errors import SitrepsError
from ..settings import Settings, load_settings, with_overrides

app = typer.Typer(
    help="sitreps: sourced, geolocated, dated event records from conflict news.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

out = Console(soft_wrap=True)
err = Console(stderr=True)

ConfigOpt = Annotated[Path | None, typer.Option("--config", help="Settings TOML file (see defaults.toml).")]
DbOpt = Annotated[str | None, typer.Option(
    "--db", envvar="SITREPS_DB", show_envvar=True,
    help="The store: a SQLite file, sqlite:///path, or postgresql://user@host/dbname \\[default: user data dir].")]


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


def _check_paths(paths: list[str]) -> None:
    from ..errors import InputError

    missing = [p for p in paths if p != "-" and not Path(p).exists()]
    if missing:
        raise InputError(f"no such file or directory: {', '.join(missing)}")
