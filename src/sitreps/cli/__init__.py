"""The `sitreps` command: a thin skin over the library. Parse arguments, call, print.

One module a concern; each adds its commands to `app` when imported, and the order they are
imported below is the order `sitreps --help` lists them:

    common.py     the root `app`, the consoles, the --config and --db options, shared helpers
    ingest.py     analyze, ingest, link: articles in (and the ingest loop demo and eval reuse)
    query.py      events, export: the store out, with the event filters both take
    serve.py      serve: the web UI and the JSON API over a store
    demo.py       demo: the sample articles in, their events out
    gazetteer.py  gazetteer build, lookup, add
    evaluate.py   eval geo, events, articles, audit, quotes, certainty, clusters
"""

from .common import app

__all__ = ["app"]

# the modules that add commands to `app`, in the order of `sitreps --help` (not sorted)
from . import ingest, query, serve, demo, gazetteer, evaluate  # noqa: F401, I001
