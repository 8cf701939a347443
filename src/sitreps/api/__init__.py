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
"""

import hmac
import json
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import asynccontextmanager
from functools import cache, partial
from typing import TYPE_CHECKING, Annotated, Any, Literal

from .. import filters
from ..filters import FILTERS, FilterError, check_params, decode_cursor, encode_cursor
from ..pipeline import Context, Pipeline
from ..records import CERTAINTIES, Article, Document
from ..settings import Settings, load_settings
from ..stages.read import article_from_text, parse_published, read_record
from ..web.errors import ERROR_CODES, ApiError, error_body
from ..web.present import public

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

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
TOKEN_ENV = "SITREPS_API_TOKEN"  # read by `sitreps serve`, never by the library
WRITING_OFF = (f"writing is off on this server: start it with a token (`sitreps serve --token ...` or ${TOKEN_ENV}) "
               "and send it as `Authorization: Bearer <token>`")
UNAUTHORIZED = "send the server's token as `Authorization: Bearer <token>`"

# The filters /api/events and /api/stats share (sitreps.filters.FILTERS), and the paging
# parameters of /api/events: any other query parameter is an error, so a misspelt filter never
# silently returns everything.
_PAGING = frozenset({"limit", "cursor"})

# Downloads: every matching event as a file, streamed (sitreps.export): media type and writer.
DOWNLOADS = {
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "jsonl": "application/x-ndjson",
}
CHUNK = 64 * 1024  # characters sent at a time: each chunk costs a hop through the server's thread pool


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
    from ..guard import Guard

    from fastapi_offline import FastAPIOffline  # /docs and /redoc with their scripts bundled, no CDN

    from .. import __version__
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


class _Readers:
    """One read-only store per server thread, opened at the thread's first request (a
    PostgreSQL store's readers share one pool of connections: store/urls.py open_stores)."""

    def __init__(self, stores):
        self.stores = stores
        self._local = threading.local()

    def get(self):
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = self.stores.reader()
        return store


# -- routes ---------------------------------------------------------------------------------------


def _install_error_handlers(app) -> None:
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse
    from starlette.exceptions import HTTPException

    from ..errors import SearchUnavailable

    def answer(status: int, code: str, message: str, headers: dict | None = None) -> JSONResponse:
        return JSONResponse(error_body(status, code, message), status_code=status, headers=headers)

    @app.exception_handler(ApiError)
    def api_error(request, exc: ApiError):
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return answer(exc.status, exc.code, exc.message, headers)

    @app.exception_handler(HTTPException)
    def http_error(request, exc: HTTPException):
        message = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"no such URL: {request.url.path} (the API is listed at /docs)"
        elif exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        return answer(exc.status_code, ERROR_CODES.get(exc.status_code, "http_error"), message, exc.headers)

    @app.exception_handler(RequestValidationError)
    def validation_error(request, exc: RequestValidationError):
        problems = []
        for e in exc.errors():
            where = ".".join(str(part) for part in e.get("loc", ()))
            problems.append(f"{where}: {e.get('msg', 'invalid')}")
        return answer(422, "validation_error", "; ".join(problems) or "invalid request")

    @app.exception_handler(FilterError)
    def filter_error(request, exc: FilterError):
        return answer(422, "validation_error", str(exc))

    @app.exception_handler(SearchUnavailable)
    def search_unavailable(request, exc: SearchUnavailable):
        return answer(501, "search_unavailable", str(exc))

    @app.exception_handler(Exception)
    def internal_error(request, exc: Exception):
        # Starlette re-raises it after this answer, so the server logs the traceback.
        return answer(500, "internal_error", "internal error; the server log has the details")


def _add_read_routes(app, readers: _Readers) -> None:
    from fastapi import Depends, Path, Query, Request, Response
    from fastapi.responses import JSONResponse

    from .. import __version__
    from ..serialize import SCHEMA
    from ..store.clusters import get_cluster
    from ..store.queries import EventFilter, event_page, event_stats, get_event, stored_values

    s = _schemas()

    def event_filter(
        type_: Annotated[
            str | None, Query(alias="type", description=_HELP["type"], examples=["Battles"])
        ] = None,
        subtype: Annotated[str | None, Query(description=_HELP["subtype"], examples=["Armed clash"])] = None,
        since: Annotated[
            str | None, Query(pattern=_DATE, description=_HELP["since"], examples=["2022-11-01"])
        ] = None,
        until: Annotated[
            str | None, Query(pattern=_DATE, description=_HELP["until"], examples=["2022-11-30"])
        ] = None,
        country: Annotated[str | None, Query(description=_HELP["country"], examples=["UA"])] = None,
        admin1: Annotated[str | None, Query(description=_HELP["admin1"], examples=["Donetsk Oblast"])] = None,
        admin2: Annotated[str | None, Query(description=_HELP["admin2"], examples=["Bakhmut Raion"])] = None,
        place: Annotated[str | None, Query(description=_HELP["place"], examples=["geonames:706448"])] = None,
        bbox: Annotated[
            str | None, Query(json_schema_extra={"pattern": _FLOATS.format(n=3)}, description=_HELP["bbox"], examples=["29.5,49.5,31.0,50.5"])
        ] = None,
        near: Annotated[str | None, Query(json_schema_extra={"pattern": _FLOATS.format(n=2)}, description=_HELP["near"], examples=["50.45,30.52,25"])] = None,
        actor: Annotated[
            str | None, Query(min_length=1, description=_HELP["actor"], examples=["RUS.MIL"])
        ] = None,
        certainty: Annotated[
            list[str] | None, Query(description=_HELP["certainty"], examples=[["reported", "confirmed"]])
        ] = None,
        min_corroboration: Annotated[int | None, Query(ge=1, le=filters.MAX_CORROBORATION, description=_HELP["min_corroboration"])] = None,
        q: Annotated[
            str | None, Query(min_length=1, max_length=500, description=_HELP["q"], examples=["bridge"])
        ] = None,
        include_background: Annotated[bool, Query(description=_HELP["include_background"])] = False,
        include_copies: Annotated[bool, Query(description=_HELP["include_copies"])] = False,
    ) -> EventFilter:
        """The filters as the map page and the command line read them (sitreps.filters); FastAPI
        has checked their form, as the OpenAPI description tells it."""
        given = {
            "type": type_, "subtype": subtype, "since": since, "until": until, "country": country,
            "admin1": admin1, "admin2": admin2, "place": place, "bbox": bbox, "near": near, "actor": actor,
            "certainty": certainty, "min_corroboration": min_corroboration, "q": q,
            "include_background": include_background, "include_copies": include_copies,
        }  # fmt: skip
        return filters.parse_query(given, partial(stored_values, readers.get())).filter

    Filters = Annotated[EventFilter, Depends(event_filter)]

    @app.get(
        "/api/events", tags=["events"], summary="Events, filtered and paged",
        response_model=s.EventPage, responses={200: _DOWNLOAD_CONTENT, **_errors(422, 501)},
    )  # fmt: skip
    def list_events(
        request: Request,
        filters: Filters,
        limit: Annotated[
            int, Query(ge=1, le=MAX_LIMIT, description=f"Events per page (at most {MAX_LIMIT}).")
        ] = DEFAULT_LIMIT,
        cursor: Annotated[
            str | None,
            Query(json_schema_extra={"pattern": r"^[A-Za-z0-9_-]{1,2000}$"},
                  description="Where the page starts: copy it from the previous page's `next` link."),
        ] = None,
        format: Annotated[
            Literal["json", "csv", "geojson", "jsonl"],
            Query(description="json: this page; csv, geojson or jsonl: every matching event as a file, "
                  "as /api/events.csv, .geojson and .jsonl give it (no `limit` or `cursor` then)."),
        ] = "json",
    ):
        """Events matching every filter given, sorted by date then id (undated events last).

        `count` is the number of events matching the filters across all pages, as of the first
        page; `next` is the URL of the following page (the same filters and a `cursor`), null
        on the last page. Each event is its sitreps/3 dict (docs/contract.md) with `evidence`
        spans carrying their text, plus `article_id`, `url`, `title`, `published` and
        `ingested_at` of its article. With `format=csv` (`geojson`, `jsonl`) the answer is every
        match as a file instead, as GET /api/events.csv gives it."""
        check_params(request.query_params, {*FILTERS, *_PAGING, "format"})
        if format != "json":
            paging = sorted(_PAGING & set(request.query_params))
            if paging:
                raise FilterError(f"{', '.join(paging)}: pages of JSON only; format={format} streams every "
                                  "matching event")
            return _download(readers.stores, filters, format)
        store = readers.get()
        # Later pages carry the first page's count in their cursor: counting is often the
        # larger half of the work, and a count that moved while paging would confuse anyway.
        after, count = decode_cursor(cursor) if cursor else (None, None)
        page = event_page(store, filters, limit=limit, after=after, count=count)
        next_url = None
        if page.next_key is not None:
            next_url = str(request.url.include_query_params(cursor=encode_cursor(page.next_key, page.count)))
        body = {"events": page.events, "count": page.count, "next": next_url}
        return JSONResponse(body)

    @app.get(
        "/api/events.{format}", tags=["events"], summary="Every matching event as a file",
        responses={200: _DOWNLOAD_CONTENT, **_errors(422, 501)}, response_class=Response,
    )  # fmt: skip
    def download_events(
        request: Request,
        filters: Filters,
        format: Annotated[
            Literal["csv", "geojson", "jsonl"],
            Path(description="csv: ACLED's columns and ours; geojson: a FeatureCollection of the located "
                 "events, properties named as the CSV's columns; jsonl: the events of /api/events, one a line."),
        ],
    ):
        """Every event matching the filters (those of GET /api/events), streamed as it is read:
        no page size, no cap. A bad filter is refused (422) before anything is sent. The CSV's
        and the GeoJSON's columns are described in docs/contract.md ("Exports"); the answer
        names a file (Content-Disposition), so a browser saves it."""
        check_params(request.query_params, FILTERS)
        return _download(readers.stores, filters, format)

    @app.get(
        "/api/events/{event_id}", tags=["events"], summary="One event",
        response_model=s.Event, responses=_errors(404),
    )  # fmt: skip
    def one_event(
        event_id: Annotated[str, Path(description="The event's id.", examples=["3f2a9c1d7b4e8a06"])],
    ):
        """One event: its sitreps/3 dict, its evidence spans with their text, and `article_id`,
        `url`, `title` and `published` of the article it was read from (GET /api/articles/{id})."""
        event = get_event(readers.get(), event_id)
        if event is None:
            raise ApiError(404, "not_found", f"no event {event_id!r}")
        return JSONResponse(event)

    @app.get(
        "/api/articles/{article_id:path}", tags=["articles"], summary="One article with its annotations",
        response_model=s.Document, responses=_errors(404),
    )  # fmt: skip
    def one_article(article_id: Annotated[str, Path(description="The article's id.", examples=["a1"])]):
        """The stored sitreps/3 document (docs/contract.md): cleaned text, places, times, quotes,
        claims, actors, events and notes, every one with character offsets into `text`."""
        doc = readers.get().get_article(article_id)
        if doc is None:
            raise ApiError(404, "not_found", f"no article {article_id!r}")
        return JSONResponse(public(doc))

    @app.get(
        "/api/clusters/{cluster_id:path}", tags=["clusters"], summary="One same-incident cluster",
        responses=_errors(404),
    )  # fmt: skip
    def one_cluster(
        cluster_id: Annotated[str, Path(description="The cluster's id (an event's `cluster_id`).", examples=["a1"])],
    ):
        """Reports linked as one incident, and what they tell. Linking groups articles that read
        alike, so a cluster may tell several incidents: `incidents` (most corroborated first),
        each with its `events`, `articles`, `corroboration` (the distinct known outlets telling
        it, a group of copies counting once), `outlets` and `reports_outlet_unknown` (its reports
        whose outlet is unknown: never counted as independent); `spread` (`km`, `places`, `days`:
        how far apart the cluster's events are; `far`: too far to be one incident, so not one
        story); `corroboration` (its best-told incident's), `outlets` and
        `reports_outlet_unknown` of the whole cluster; `documents` (each with title, URL, outlet,
        publication date and `copy_of`, the article it copies); `copies`; `disagreements`
        (fatalities, actors or dates stated differently, with who says what) and `events`. An id
        that was merged into another cluster answers with that cluster and `merged_from`."""
        cluster = get_cluster(readers.get(), cluster_id)
        if cluster is None:
            raise ApiError(404, "not_found", f"no cluster {cluster_id!r}")
        return JSONResponse(cluster)

    @app.get(
        "/api/stats", tags=["stats"], summary="Counts by type, month and certainty",
        response_model=s.Stats, responses=_errors(422, 501),
    )  # fmt: skip
    def stats(request: Request, filters: Filters):
        """Events matching the filters (the same as GET /api/events) counted by type, by month
        (events dated to a month or finer, by the month they start) and by certainty; `store`
        counts every row in the store."""
        check_params(request.query_params, FILTERS)
        store = readers.get()
        body = {**event_stats(store, filters), "store": store.counts()}
        return JSONResponse(body)

    @app.get("/api/health", tags=["service"], summary="Service status", response_model=s.Health)
    def health():
        """Version, output schema, applied migrations, and whether text search and writing are on."""
        store = readers.get()
        return JSONResponse({
            "status": "ok",
            "version": __version__,
            "schema": SCHEMA,
            "migrations": [m["name"] for m in store.migrations()],
            "text_search": store.has_fts,
            "writing": app.state.writing,
        })  # fmt: skip


def _download(stores, filters, format: str):
    """Every event matching `filters` as a file, streamed: one event is held at a time. The
    query runs before the answer starts, so an error is still a JSON error; the rows are then
    read from a connection of the download's own, which the thread pool's threads take in turn,
    closed when the stream ends (or the client leaves)."""
    from fastapi.responses import StreamingResponse

    from ..export import csv_chunks, geojson_chunks, jsonl_chunks

    chunks = {"csv": csv_chunks, "geojson": geojson_chunks, "jsonl": jsonl_chunks}[format]
    store = stores.reader(any_thread=True)
    try:
        events = store.iter_events(filters)
    except BaseException:
        store.close()
        raise

    def body() -> Iterator[bytes]:
        try:
            pending: list[str] = []
            size = 0
            for chunk in chunks(events):
                pending.append(chunk)
                size += len(chunk)
                if size >= CHUNK:
                    yield "".join(pending).encode("utf-8")
                    pending, size = [], 0
            yield "".join(pending).encode("utf-8")
        finally:
            store.close()

    headers = {"Content-Disposition": f'attachment; filename="sitreps-events.{format}"'}
    return StreamingResponse(body(), media_type=DOWNLOADS[format], headers=headers)


def _add_write_route(app, stores, settings: Settings, token: str | None, pipeline) -> None:
    from fastapi import Depends, Request, Security
    from fastapi.responses import JSONResponse
    from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

    from ..store.clusters import link_pending
    from ..store.sqlite import article_key

    s = _schemas()
    bearer = HTTPBearer(auto_error=False, description="The token `sitreps serve` was started with.")
    lock = threading.Lock()  # one analysis at a time: the spaCy pipeline is not shared across threads
    loaded: list[Callable[[Article], Document]] = [pipeline] if pipeline else []
    runs: list = []  # the last request's linking run: its linker serves the next one

    def writer(credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]) -> None:
        """The same checks as the Guard makes before the body is read (kept here for the docs'
        security scheme and for apps built without the Guard)."""
        if token is None:
            raise ApiError(403, "writing_disabled", WRITING_OFF)
        given = credentials.credentials if credentials else ""
        if not hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8")):
            raise ApiError(401, "unauthorized", UNAUTHORIZED)

    @app.post(
        "/api/articles", tags=["articles"], summary="Analyse and store one article",
        status_code=201, response_model=s.Ingested, dependencies=[Depends(writer)],
        responses={200: {"description": "Stored before: updated or unchanged", "model": s.Ingested},
                   **_errors(401, 403, 413, 422)},
    )  # fmt: skip
    def ingest(body: s.ArticleIn, request: Request):
        """Runs the sitreps pipeline on `text` (or the main text of `html`) and stores the result,
        as `sitreps ingest` does: 201 for a new article, 200 when it replaced (`updated`) or
        matched (`unchanged`) the stored analysis of the same id. Without an `id` the article's
        id is a hash of its content. An article the pipeline cannot use answers 422 with the
        reason's stable code and is recorded among the store's failures.

        Off (403) unless the server has a token; then the token is required (401)."""
        size = len((body.text or body.html or "").encode("utf-8", "surrogatepass"))
        if size > settings.read.max_bytes:
            raise ApiError(
                413,
                "too_large",
                f"the article has {size:,} bytes, more than read.max_bytes ({settings.read.max_bytes:,})",
            )
        article = _article(body)
        with lock:
            if not loaded:
                loaded.append(Pipeline(Context(settings)))
            doc = loaded[0](article)
            with stores.writer() as store:
                status = store.save(doc)
                if status in ("new", "updated"):
                    # the linker is kept between requests: only articles saved by others meanwhile
                    # make it read the store again (store/clusters.py)
                    runs[:] = [link_pending(store, previous=runs[0] if runs else None)]
        key = article_key(doc)
        if status == "failed":
            note = next(n for n in doc.notes if n.level == "error")
            raise ApiError(422, note.code, f"{note.detail} (recorded as a failure of article {key!r})")
        url = str(request.url_for("one_article", article_id=key))
        answer = {"id": key, "status": status, "events": len(doc.events), "url": url}
        return JSONResponse(answer, status_code=201 if status == "new" else 200)


def _article(body) -> Article:
    """The request body read as a line of a JSON-lines file is (the same checks and notes)."""
    return read_record(body.model_dump(exclude_none=True), origin="<api>")


# -- documentation --------------------------------------------------------------------------------

_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
# n + 1 decimal numbers separated by commas (bbox: 4, near: 3): told in the OpenAPI spec; the
# parsers check it themselves (parse_bbox, parse_near), with messages that say what is wrong
_FLOATS = r"^\s*-?(\d+\.?\d*|\.\d+)(\s*,\s*-?(\d+\.?\d*|\.\d+)){{{n}}}\s*$"

_HELP = {
    "type": "ACLED event type, in any case; an unknown one is refused (422) with the nearest names.",
    "subtype": "ACLED sub-event type, in any case; an unknown one is refused (422) with the nearest names.",
    "since": "Earliest date, inclusive: YYYY, YYYY-MM or YYYY-MM-DD. An event whose date interval overlaps "
    "the range matches; undated events never do.",
    "until": "Latest date, inclusive, as for `since`: until=2022-11 keeps 30 November.",
    "country": "The country of the event's place: its ISO 3166-1 code (UA, UKR) or English name (Ukraine), in"
    " any case. A name or code that is no country is refused (422) with the nearest ones in the store.",
    "admin1": "The first-level division (oblast, province, state) of the event's place, by name, in any case,"
    " with or without the word for its kind: Donetsk and Donetsk Oblast match what the store holds. A name"
    " no stored event has is refused (422) with the nearest stored names.",
    "admin2": "The second-level division (raion, county) of the event's place, by name, as for `admin1`:"
    " Bakhmut and Bakhmut Raion.",
    "place": "The event's place: a gazetteer id exactly (geonames:706448, katottg:UA14..., curated:...) or a"
    " place name in any case. One no stored event has is refused (422) with the nearest stored names.",
    "bbox": "minlon,minlat,maxlon,maxlat (WGS84); minlon > maxlon crosses the antimeridian. Events without "
    "coordinates never match.",
    "near": "lat,lon,km: events within km kilometres (great-circle) of the point.",
    "actor": "An actor id (exact, e.g. RUS.MIL) or part of an actor's name (any case), as the doer or the "
    "target.",
    "certainty": f"One or several of {', '.join(CERTAINTIES)}: repeat the parameter or separate with commas."
    " Without it, only events said to have happened (not possible or negated).",
    "include_background": "Also events the article tells as history (dated well before its news window,"
    " `background` in the record); left out by default.",
    "include_copies": "Also the events of articles that copy an earlier stored article (the same text"
    " re-published or syndicated, found by linking); left out by default, since the first copy's events"
    " are the same.",
    "min_corroboration": "Minimum number of independent sources telling the event's incident (the events "
    "linked across articles as one occurrence): distinct known outlets, copies counting once; reports whose "
    "outlet is unknown never count, nor do the other incidents of its cluster. Events not linked yet, and "
    "possible or negated ones, do not match.",
    "q": "Words that must all appear in the article's title or text (SQLite FTS5; punctuation is not query "
    "syntax).",
}

_DESCRIPTION = """
Events read from news articles, each with the words that support it. The records follow the
`sitreps/3` contract (docs/contract.md): every place, date, quote, claim and event carries
half-open character offsets into its article's cleaned `text`.

**Paging.** `GET /api/events` answers `{"events": [...], "count": n, "next": url | null}`,
sorted by date, then id, undated events last; follow `next` until it is null. `count` is the
number of matches across all pages when the first page was asked (later pages repeat it).

**Downloads.** `GET /api/events.csv`, `.geojson` and `.jsonl` (or `/api/events?format=csv`...)
take the filters of `/api/events` and stream every matching event as a file, with no page size:
CSV in ACLED's columns, GeoJSON properties under the CSV's names, JSON lines of the events
`/api/events` gives. The columns are described in docs/contract.md ("Exports").

**Errors.** Every error has one shape, whatever its cause (unknown URL, invalid or unknown
parameter, missing token): `{"error": {"code": "not_found", "message": "...", "status": 404}}`.
Codes: `validation_error` (422), `not_found` (404), `method_not_allowed` (405), `unauthorized`
(401), `writing_disabled` (403), `too_large` (413), `search_unavailable` (501),
`internal_error` (500), and a failed analysis's own code such as `read.html_no_text` (422).

**Writing.** `POST /api/articles` is off unless the server was started with a token
(`sitreps serve --token ...` or `$SITREPS_API_TOKEN`); then send `Authorization: Bearer <token>`.
"""

_TAGS = [
    {
        "name": "events",
        "description": "Event records: who did what to whom, where, when, how sure, said by whom.",
    },
    {
        "name": "articles",
        "description": "Stored articles with every annotation; ingesting one (token needed).",
    },
    {"name": "clusters", "description": "Reports linked as one incident: the incidents they tell, who tells each."},
    {"name": "stats", "description": "Counts for charts and overviews."},
    {"name": "service", "description": "Is the server up, and what can it do."},
]

_ERROR_EXAMPLES = {
    401: ("unauthorized", "send the server's token as `Authorization: Bearer <token>`"),
    403: ("writing_disabled", "writing is off on this server: start it with a token ..."),
    404: ("not_found", "no event '3f2a9c1d7b4e8a06'"),
    413: ("too_large", "the article has 9,000,000 bytes, more than read.max_bytes (5,000,000)"),
    422: ("validation_error", "query.limit: Input should be less than or equal to 1000"),
    501: ("search_unavailable", "text search needs SQLite with FTS5, which this store's SQLite lacks"),
}


_DOWNLOAD_CONTENT = {
    "description": "Every matching event as a file (on /api/events with `format` other than json)",
    "content": {
        "text/csv": {"schema": {"type": "string", "description": "CSV, a header row first"}},
        "application/geo+json": {"schema": {"type": "object", "required": ["type", "features"],
                                            "description": "a GeoJSON FeatureCollection"}},
        "application/x-ndjson": {"schema": {"type": "string", "description": "one JSON event a line"}},
    },
}


def _errors(*statuses: int) -> dict:
    s = _schemas()
    out = {}
    for status in statuses:
        code, message = _ERROR_EXAMPLES[status]
        out[status] = {
            "model": s.ErrorBody,
            "description": code,
            "content": {"application/json": {"example": error_body(status, code, message)}},
        }
    return out


_EXAMPLE_EVENT = {
    "id": "3f2a9c1d7b4e8a06",
    "type": "Explosions/Remote violence",
    "subtype": "Shelling/artillery/missile attack",
    "trigger": {"start": 0, "end": 8, "text": "Shelling"},
    "actors": [{"start": 0, "end": 8, "text": "Shelling", "actor": "XB.MIL", "name": "Army of B",
                "kind": "state_forces", "country": "XB", "inferred": True}],
    "targets": [{"start": 70, "end": 77, "text": "workers", "actor": "CIV", "name": "Civilians",
                 "kind": "civilians", "country": None, "inferred": False}],
    "place": {"start": 24, "end": 29, "text": "Alder", "name": "Alder", "lat": 50.0, "lon": 30.0,
              "country": "XA", "admin1": "North Province", "feature": "P.PPL", "gazetteer_id": "geonames:1",
              "precision": "city", "admin2": None, "coord_precision": "source", "dateline": False},
    "time": {"start": 33, "end": 41, "text": "Thursday", "value": "2022-11-10", "grain": "day", "anchored": True},
    "fatalities": {"low": 2, "high": 2, "start": 62, "end": 85, "text": "Two workers were killed", "approximate": False},
    "injured": None,
    "weapons": [],
    "certainty": "reported",
    "source": {"start": 43, "end": 52, "text": "officials", "name": None, "kind": "government"},
    "evidence": [{"start": 0, "end": 61, "text": "Shelling hit a depot in Alder on Thursday, officials said."}],
    "article_id": "a1",
    "url": "https://news.example/a1",
    "title": "Depot shelled in Alder",
    "published": "2022-11-11T08:30:00",
}  # fmt: skip


@cache
def _schemas():
    """Pydantic models that document the answers in /docs (answers are not validated against
    them: the store's dicts are the contract, and re-validating every page would cost time)."""
    from types import SimpleNamespace

    from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

    class ErrorDetail(BaseModel):
        code: str = Field(description="Stable, machine-readable.", examples=["not_found"])
        message: str = Field(description="For a person.", examples=["no event '3f2a9c1d7b4e8a06'"])
        status: int = Field(description="The HTTP status, repeated.", examples=[404])

    class ErrorBody(BaseModel):
        error: ErrorDetail

    class Event(BaseModel):
        """A sitreps/3 event (docs/contract.md) with its article's fields."""

        model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [_EXAMPLE_EVENT]})
        id: str
        type: str = Field(description="ACLED event type.")
        subtype: str | None = Field(description="ACLED sub-event type.")
        certainty: str = Field(description=f"One of {', '.join(CERTAINTIES)}.")
        trigger: dict[str, Any]
        actors: list[dict[str, Any]] = Field(description="Who did it.")
        targets: list[dict[str, Any]] = Field(description="Who had it done to them.")
        place: dict[str, Any] | None
        time: dict[str, Any] | None
        fatalities: dict[str, Any] | None = Field(
            description="Bounds low..high with the phrase that gives them."
        )
        source: dict[str, Any] | None = Field(description="Who says so.")
        evidence: list[dict[str, Any]] = Field(description="Spans of the article's text, with that text.")
        article_id: str
        url: str | None
        title: str | None
        published: str | None
        outlet: str | None = Field(
            description="The article's outlet: its URL's registrable domain, else its page's site name (null: unknown)."
        )
        cluster_id: str | None = Field(description="The article's same-incident cluster (null: not linked yet).")
        incident_id: str | None = Field(
            description="The event's incident in that cluster (null: not linked yet, or a possible or negated event)."
        )
        corroboration: int | None = Field(
            description="Independent sources of the event's incident: distinct known outlets, copies counting once."
        )
        reports_outlet_unknown: int | None = Field(
            description="Reports of the event's incident whose outlet is unknown (never counted as independent)."
        )

    class EventPage(BaseModel):
        events: list[Event]
        count: int = Field(description="Events matching the filters, across all pages.", examples=[1234])
        next: str | None = Field(
            description="The next page's URL; null on the last page.",
            examples=["http://localhost:8000/api/events?type=Battles&cursor=WyIyMDIyLTExLTEwIiwiM2YyYSJd"],
        )

    class Document(BaseModel):
        """A stored sitreps/3 document (docs/contract.md)."""

        model_config = ConfigDict(extra="allow")
        schema_: str = Field(alias="schema", examples=["sitreps/3"])
        id: str
        url: str | None
        title: str | None
        published: str | None
        text: str = Field(description="The cleaned text every offset points into.")
        places: list[dict[str, Any]]
        times: list[dict[str, Any]]
        quotes: list[dict[str, Any]]
        claims: list[dict[str, Any]]
        actors: list[dict[str, Any]]
        events: list[dict[str, Any]]
        notes: list[dict[str, Any]]

    class Stats(BaseModel):
        events: int = Field(description="Events matching the filters.")
        undated: int
        first: str | None = Field(
            description="First day covered by a matching event's date (a month's, a week's first day)."
        )
        last: str | None = Field(
            description="Last day covered by a matching event's date (a month's, a week's last day)."
        )
        by_type: dict[str, int] = Field(examples=[{"Battles": 812, "Explosions/Remote violence": 640}])
        by_month: dict[str, int] = Field(examples=[{"2022-10": 301, "2022-11": 455}])
        by_certainty: dict[str, int] = Field(examples=[{"reported": 900, "asserted": 410}])
        store: dict[str, int] = Field(description="Rows in the store's tables (unfiltered).")

    class Health(BaseModel):
        status: str = Field(examples=["ok"])
        version: str
        schema_: str = Field(alias="schema", examples=["sitreps/3"])
        migrations: list[str]
        text_search: bool = Field(description="Whether `q` works (SQLite with FTS5).")
        writing: bool = Field(description="Whether POST /api/articles is enabled (a token is set).")

    class ArticleIn(BaseModel):
        """One article: `text`, or `html` whose main text is extracted; the rest is optional."""

        model_config = ConfigDict(
            extra="forbid",
            json_schema_extra={
                # exactly one of text and html, as a string with something besides spaces
                "oneOf": [{"required": [k], "properties": {k: {"not": {"type": "null"}, "pattern": "\\S"}}} for k in ("text", "html")],
                "examples": [{
                    "id": "wire-0001", "url": "https://news.example/wire-0001", "title": "Depot shelled in Alder",
                    "published": "2022-11-11T08:30:00",
                    "text": "Shelling hit a depot in Alder on Thursday, officials said. Two workers were killed.",
                }],
            },
        )  # fmt: skip
        id: str | None = Field(
            None, min_length=1, max_length=200, description="Kept as given; default: a content hash."
        )
        url: str | None = None
        title: str | None = None
        published: str | None = Field(None, description="ISO 8601 or a full date; anchors relative dates.")
        text: str | None = Field(None, description="Plain text.")
        html: str | None = Field(None, description="A whole page; its main text is extracted.")

        @field_validator("published")
        @classmethod
        def _published(cls, value: str | None) -> str | None:
            parse_published(value)  # raises ValueError with a readable message
            return value

        @model_validator(mode="after")
        def _one_body(self):
            given = [name for name in ("text", "html") if (getattr(self, name) or "").strip()]
            if len(given) != 1:
                raise ValueError("give exactly one of `text` and `html`, not blank")
            return self

    class Ingested(BaseModel):
        id: str = Field(examples=["wire-0001"])
        status: str = Field(description="new, updated or unchanged.", examples=["new"])
        events: int = Field(description="Events found in the article.", examples=[1])
        url: str = Field(
            description="Where the stored article is.",
            examples=["http://localhost:8000/api/articles/wire-0001"],
        )

    return SimpleNamespace(
        **{c.__name__: c for c in (ErrorBody, Event, EventPage, Document, Stats, Health, ArticleIn, Ingested)}
    )
