"""`sitreps demo`: ingest the sample articles that ship with sitreps and show their events."""

from __future__ import annotations

from importlib import resources

from .common import ConfigOpt, DbOpt, _errors, _settings, app, err
from .ingest import _ingest, _print_summary, _workers
from .query import _print_events


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
