"""The JSON API's GET routes: /api/events (a page of events, or every match as a file through
exports.py), /api/events.{format}, /api/events/{id}, /api/articles/{id}, /api/clusters/{id},
/api/stats and /api/health, with the filters they share (sitreps.filters), and the read-only
store each server thread opens (`_Readers`)."""

import threading
from functools import partial
from typing import Annotated, Literal

from .. import filters
from ..filters import FILTERS, FilterError, check_params, decode_cursor, encode_cursor
from ..web.errors import ApiError
from ..web.present import public
from .exports import _download
from .openapi import _DATE, _DOWNLOAD_CONTENT, _FLOATS, _HELP, _errors, _schemas

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000

# The filters /api/events and /api/stats share (sitreps.filters.FILTERS), and the paging
# parameters of /api/events: any other query parameter is an error, so a misspelt filter never
# silently returns everything.
_PAGING = frozenset({"limit", "cursor"})


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
        (every dated event once, in the month of the first day its date covers; `by_month_rough`:
        those whose dates run past that month) and by certainty; `store` counts every row in the
        store."""
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
