"""The small public surface: analyse one text or many articles, and serve a store over HTTP.

    from sitreps import analyze_text
    doc = analyze_text("...article...", published="2022-11-11")

    from sitreps.api import create_app
    app = create_app("sitreps.db", settings)            # an ASGI app: `sitreps serve` runs it

The JSON API (`create_app`) reads the store; writing is off unless a token is given:

    GET  /api/events           a filtered page of events, by date then id: {"events", "count", "next"}
    GET  /api/events.csv       every matching event, streamed: ACLED-style CSV (also .geojson, .jsonl,
                               or /api/events?format=csv|geojson|jsonl)
    GET  /api/events/{id}      one event with its evidence and its article's id, URL and title
    GET  /api/articles/{id}    the stored sitreps/3 document with every annotation
    GET  /api/clusters/{id}    reports linked as one incident: its incidents, their outlets, disagreements
    GET  /api/stats            events by type, month and certainty (the filters of /api/events)
    GET  /api/health           version, schema, migrations, whether search and writing are on
    POST /api/articles         analyse one article and store it (Authorization: Bearer <token>)

Every error, unknown URLs and invalid parameters included, has one shape,
`{"error": {"code": ..., "message": ..., "status": ...}}`, with stable codes (`ERROR_CODES`);
an article whose analysis failed answers 422 with its first error note's code
("read.html_no_text"), and the failure is recorded in the store as `sitreps ingest` records it.

FastAPI is imported inside `create_app`, so `import sitreps` stays light and works without it.
The SQL lives in store/queries.py. A SQLite connection belongs to the thread that opened it, so
each server thread opens its own read-only store (WAL lets them read while one writes); a
PostgreSQL store's readers share a pool of connections (store/urls.py open_stores).

The package, one module a concern:

    __init__.py   `analyze_text`, `analyze_articles`, and `create_app`, which builds the app
    reading.py    the GET routes: events (a page, or a download), one event, article, cluster,
                  stats, health; one read-only store per server thread
    exports.py    every matching event streamed as CSV, GeoJSON or JSON lines
    writing.py    POST /api/articles: the token, the pipeline, the store it writes
    errors.py     the handlers that give every error the one shape of web/errors.py
    openapi.py    what /docs shows: parameter help, description, examples, response models
"""

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from ..filters import decode_cursor, encode_cursor
from ..guard import TOKEN_ENV, UNAUTHORIZED, WRITING_OFF
from ..pipeline import Context, Pipeline
from ..records import Article, Document
from ..settings import Settings, load_settings
from ..stages.read import article_from_text, parse_published
from ..web.errors import ERROR_CODES, ApiError, error_body
from .errors import _install_error_handlers
from .exports import CHUNK, DOWNLOADS
from .openapi import _DESCRIPTION, _TAGS
from .reading import DEFAULT_LIMIT, MAX_LIMIT, _add_read_routes, _Readers
from .writing import _add_write_route

__all__ = [
    "CHUNK", "DEFAULT_LIMIT", "DOWNLOADS", "ERROR_CODES", "MAX_LIMIT", "TOKEN_ENV", "UNAUTHORIZED", "WRITING_OFF",
    "ApiError", "analyze_articles", "analyze_text", "create_app", "decode_cursor", "encode_cursor", "error_body",
]

if TYPE_CHECKING:
    from fastapi import FastAPI

    from ..store import Store


def analyze_text(
    text: str,
    *,
    published: str | None = None,
    url: str | None = None,
    title: str | None = None,
    id: str | None = None,
    ctx: Context | None = None,
) -> Document:
    article = article_from_text(text, id=id, url=url, title=title, published=parse_published(published))
    return Pipeline(ctx).__call__(article)


def analyze_articles(articles: Iterable[Article], ctx: Context | None = None) -> Iterator[Document]:
    return Pipeline(ctx).pipe(articles)


# -- the JSON API ---------------------------------------------------------------------------------


def create_app(
    store: "str | os.PathLike | Store | None" = None,
    settings: Settings | None = None,
    token: str | None = None,
    *,
    pipeline: Callable[[Article], Document] | None = None,
    allowed_hosts: Iterable[str] | None = None,
) -> "FastAPI":
    """The API over the store at a path (or a `SQLiteStore`'s path; default: the settings').

    With `token`, POST /api/articles analyses articles with `pipeline` (default: the sitreps
    pipeline on `settings`, loaded at the first POST) and stores them. Tests pass a pipeline
    that returns hand-built documents. `allowed_hosts`: the Host names to answer (None: any;
    `sitreps serve` passes its own, see guard.py)."""
    from fastapi_offline import FastAPIOffline  # /docs and /redoc with their scripts bundled, no CDN

    from .. import __version__
    from ..guard import Guard
    from ..store.urls import open_stores

    settings = settings or load_settings()
    token = token or None  # an empty token (an unset variable) is no token
    path = _store_path(store, settings)
    stores = open_stores(path)  # create and migrate now: a bad path fails at start, not per request

    @asynccontextmanager
    async def lifespan(app):
        yield
        stores.close()

    app = FastAPIOffline(
        title="sitreps",
        version=__version__,
        summary="Sourced, geolocated, dated event records from conflict news.",
        description=_DESCRIPTION,
        openapi_tags=_TAGS,
        lifespan=lifespan,
    )
    app.state.writing = token is not None  # told by /api/health
    # a JSON body may spell each character of the text as a six-byte \\uXXXX escape
    app.add_middleware(Guard, allowed_hosts=allowed_hosts, token=token, write_paths=("/api/articles",),
                       max_body=6 * settings.read.max_bytes + 65_536, error=error_body)
    _install_error_handlers(app)
    readers = _Readers(stores)
    _add_read_routes(app, readers)
    _add_write_route(app, stores, settings, token, pipeline)
    from ..web import add_web_routes

    add_web_routes(app, readers)
    return app


def _store_path(store, settings: Settings) -> str:
    if store is None:
        return settings.store_target()
    if isinstance(store, (str, os.PathLike)):
        path = str(store)
    elif isinstance(getattr(store, "path", None), str):
        path = store.path  # its own connection stays with its owner's thread
    else:
        raise TypeError(f"create_app needs a store, its path or its URL, not {type(store).__name__}")
    if path == ":memory:":
        raise ValueError("an in-memory store cannot be served (its connection belongs to one thread)")
    return path
