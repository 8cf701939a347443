"""The web UI that `sitreps serve` serves next to the JSON API (docs/ui.md).

    /                     a map of the events, a timeline and filters (the query string is the
                          filter of /api/events, so a view is shared by its URL)
    /events/{id}          one event: its fields, its evidence highlighted in the article, a map
    /articles/{id}        an article with its places, dates, quotes, claims, events highlighted
    /clusters/{id}        reports linked as one incident: its incidents, who says what, disagreements

Every page has a JSON twin at the same path plus `.json`. Pages are rendered on the server
(Jinja2) and work without JavaScript, except the map and the timeline; scripts, styles, the
map libraries (Leaflet, Leaflet.markercluster, topojson-client) and a Natural Earth basemap
are served from `static/`, so nothing is fetched from elsewhere unless the user turns on
online map tiles.
"""

from __future__ import annotations

API_PREFIXES = ("/api/", "/docs", "/redoc", "/openapi", "/static")


def add_web_routes(app, readers) -> None:
    """Mount the UI's pages and static files on `app`; `readers.get()` gives this thread's store."""
    from fastapi.staticfiles import StaticFiles

    from .pages import add_pages
    from .templating import STATIC

    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    add_pages(app, readers)
    _html_not_found(app)


def _html_not_found(app) -> None:
    """An unknown URL asked by a browser gets a page; the API and JSON clients keep the JSON error."""
    from starlette.exceptions import HTTPException

    from .pages import not_found

    previous = app.exception_handlers.get(HTTPException)

    def handler(request, exc: HTTPException):
        path = request.url.path
        wants_html = "text/html" in request.headers.get("accept", "")
        if exc.status_code == 404 and wants_html and not path.startswith(API_PREFIXES) and not path.endswith(".json"):
            return not_found(request, f"There is no page at {path}.")
        if previous is not None:
            return previous(request, exc)
        from starlette.responses import PlainTextResponse

        return PlainTextResponse(str(exc.detail), status_code=exc.status_code, headers=exc.headers)

    app.add_exception_handler(HTTPException, handler)
