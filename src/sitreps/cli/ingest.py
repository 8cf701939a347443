"""Articles in: `analyze` (records printed), `ingest` (records stored, then linked) and `link`
(same-incident clusters), with the ingest loop that `demo` and `eval audit` reuse: read,
analyse in worker processes or on a Dask cluster, save in input order, link."""

from __future__ import annotations

import collections
import contextlib
import itertools
import json
import sys
from collections.abc import Iterable
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import Progress

from ..settings import Settings
from .common import (
    ConfigOpt,
    DbOpt,
    _check_paths,
    _context,
    _errors,
    _existing_store,
    _progress,
    _settings,
    app,
    err,
    out,
)

WorkersOpt = Annotated[int | None, typer.Option(
    "--workers", "-w", min=0, help="Worker processes: 0 for one per usable core, 1 for one at a time \\[default: pipeline.workers, 0].")]


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
