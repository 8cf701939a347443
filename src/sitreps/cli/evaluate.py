"""`sitreps eval`: measure sitreps on annotated data (docs/evaluation.md), one command a task
(places, events, whole articles, a random audit, quotes, certainty, clusters), and the tables,
JSON and mistake files they print and write."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..errors import InputError
from .common import ConfigOpt, DbOpt, _check_paths, _context, _errors, _progress, _settings, app, err, out
from .ingest import _ingest, _print_summary, _workers

eval_app = typer.Typer(help="Measure sitreps on annotated data (see docs/evaluation.md).", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


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
    headline_labels: Annotated[Path | None, typer.Option(help="Which UCDP rows' headlines report a violent event (JSON lines {row, reports}); by default the ones packaged with sitreps.")] = None,
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
        _check_paths([str(p) for p in (file, articles, labels, headline_labels) if p is not None])
        settings = _settings(config)
        ctx = _context(settings)
        misses: list | None = [] if mistakes else None
        rows = ev.load_ged(file, limit=limit, labels=ev.headline_labels(headline_labels))
        notes = [ev.GDELT_NOTE]
        if not any(r.reports is not None for r in rows):
            notes.append("No row has a headline label: the hand-labelled lines are empty (give --headline-labels).")
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


@eval_app.command("agreement")
def eval_agreement(
    articles: Annotated[Path, typer.Argument(help="Articles (JSON lines {id, published, text}) the offsets point into.")],
    second: Annotated[Path | None, typer.Option(help="The second annotator's events (JSON lines); by default the ones packaged with sitreps.")] = None,
    second_docs: Annotated[Path | None, typer.Option(help="The second annotator's manifest: one line per article coded.")] = None,
    gold: Annotated[Path | None, typer.Option(help="Gold events (JSON lines); by default the ones packaged with sitreps.")] = None,
    gold_docs: Annotated[Path | None, typer.Option(help="The gold's manifest: one line per annotated article.")] = None,
    markdown: Annotated[bool, typer.Option(help="Print Markdown tables (for docs/evaluation.md).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the numbers as JSON.")] = False,
    mistakes: Annotated[Path | None, typer.Option(help="Write every event only one annotator coded, and every field they code apart, to this JSON lines file.")] = None,
):
    """How far two annotators agree on the full-article gold: the second annotator's events scored
    against the gold with the same matching and field checks as `eval articles` (no model needed)."""
    from ..evaluation import articles as ev
    from ..evaluation.sentences import load_articles

    with _errors():
        paths = (gold or ev.GOLD, gold_docs or ev.GOLD_DOCS, second or ev.SECOND, second_docs or ev.SECOND_DOCS)
        _check_paths([str(articles), *map(str, paths)])
        ids, events = ev.load_gold(paths[0], paths[1])
        coded, events_b = ev.load_gold(paths[2], paths[3])
        missing = [a for a in ids if a not in set(coded)]
        if missing:
            raise InputError(f"{len(missing)} gold articles are not in the second annotator's manifest: {', '.join(missing[:5])}")
        texts = load_articles(articles, set(ids))
        absent = [a for a in ids if a not in texts]
        if absent:
            raise InputError(f"{len(absent)} annotated articles are not in {articles}: {', '.join(absent[:5])}")
        misses: list | None = [] if mistakes else None
        rows = ev.agreement(ids, events, events_b, texts, mistakes=misses)
        _write_mistakes(mistakes, misses)
        _print_results({"second annotator against the gold (current events; fields over matched events)": rows},
                       ["Precision is the share of the second annotator's events the gold also codes; recall the reverse.",
                        "Halves: alternate articles of the gold's manifest, as in `eval articles`."],
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
    from ..evaluation import audit, read_jsonl_objects
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
