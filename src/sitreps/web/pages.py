"""The UI's pages and their JSON twins.

Each page answers HTML at its path and JSON at the same path with `.json` appended (or with
`?format=json`): `/` and `/.json` (or `/index.json`), `/events/{id}`, `/articles/{id}`,
`/clusters/{id}`. The twin holds the data the page shows. A path ending in `.json` is always a
twin, so a page whose id itself ends in `.json` is reached with `?format=html`.
"""

from ..filters import FilterError, decode_cursor, encode_cursor
from ..store.queries import event_bounds, event_page, event_points, event_stats, get_event, where_counts
from . import clusters, views
from . import present as p
from .errors import ApiError
from .filters import read_query, without_dates
from .templating import render

LIST_LIMIT = 100  # events listed on the map page without JS, and in its twin


def twin(request, ident: str) -> tuple[bool, str]:
    """(wants JSON, the id): `?format=` decides, else a `.json` suffix (removed once)."""
    fmt = request.query_params.get("format")
    if fmt in ("json", "html"):
        return fmt == "json", ident
    if fmt is not None:
        raise FilterError(f"format: expected json or html, got {fmt!r}")
    if ident.endswith(".json"):
        return True, ident[: -len(".json")]
    return False, ident


def json_response(body, status: int = 200):
    from fastapi.responses import JSONResponse

    return JSONResponse(body, status_code=status, headers={"X-Content-Type-Options": "nosniff"})


def not_found(request, message: str, *, hint: str | None = None):
    return render(request, "error.html", {"title": "Not found", "message": message, "hint": hint}, status=404)


def add_pages(app, readers) -> None:
    from fastapi import Request

    @app.get("/", include_in_schema=False)
    def index(request: Request):
        return _index(request, readers.get(), as_json=request.query_params.get("format") == "json")

    @app.get("/.json", include_in_schema=False)
    @app.get("/index.json", include_in_schema=False)
    def index_json(request: Request):
        return _index(request, readers.get(), as_json=True)

    @app.get("/points.json", include_in_schema=False)
    def points(request: Request):
        store = readers.get()
        query = read_query(request.query_params, _multi(request.query_params), store)
        return json_response(event_points(store, query.filter))

    @app.get("/where.json", include_in_schema=False)
    def where(request: Request):
        store = readers.get()
        query = read_query(request.query_params, _multi(request.query_params), store)
        return json_response(where_counts(store, query.filter))

    @app.get("/events/{event_id}", include_in_schema=False)
    def event(request: Request, event_id: str):
        as_json, event_id = twin(request, event_id)
        store = readers.get()
        found = get_event(store, event_id)
        if found is None:
            if as_json:
                raise ApiError(404, "not_found", f"no event {event_id!r}")
            return not_found(request, f"There is no event “{event_id}” in this store.",
                             hint="Event ids change when an article is analysed again; find it on the map.")  # fmt: skip
        if as_json:
            return json_response(found)
        doc = store.get_article(found["article_id"]) or {}
        context = {
            "event": found,
            "doc": doc,
            "evidence_html": views.event_evidence_html(found, doc.get("text")),
            "others": [e for e in doc.get("events") or [] if e.get("id") != found.get("id")],
            "summary": views.event_summary,
            "clusters_stored": clusters.available(),
        }
        return render(request, "event.html", context, twin=p.page_url("events", event_id, json=True))

    @app.get("/articles/{article_id:path}", include_in_schema=False)
    def article(request: Request, article_id: str):
        as_json, article_id = twin(request, article_id)
        doc = readers.get().get_article(article_id)
        if doc is None:
            if as_json:
                raise ApiError(404, "not_found", f"no article {article_id!r}")
            return not_found(request, f"There is no article “{article_id}” in this store.")
        doc = p.public(doc)
        if as_json:
            return json_response(doc)
        entries = views.article_entries(doc)
        context = {
            "doc": doc,
            "entries": entries,
            "kinds": views.ARTICLE_KINDS,
            "text_html": views.article_html(doc, entries),
            "summary": views.event_summary,
        }
        return render(request, "article.html", context, twin=p.page_url("articles", article_id, json=True))

    @app.get("/clusters/{cluster_id:path}", include_in_schema=False)
    def cluster(request: Request, cluster_id: str):
        as_json, cluster_id = twin(request, cluster_id)
        found = clusters.find_cluster(readers.get(), cluster_id)
        if found is None:
            linked = clusters.available()
            message = (f"There is no cluster “{cluster_id}” in this store." if linked else
                       "Articles are not linked into same-incident clusters in this store yet.")  # fmt: skip
            if as_json:
                raise ApiError(404, "not_found", f"no cluster {cluster_id!r}" + ("" if linked else ": not linked yet"))
            return not_found(request, message, hint=None if linked else "Reports of one incident by several "
                             "outlets are shown here once the store holds clusters.")  # fmt: skip
        if as_json:
            return json_response(found)
        context = {"cluster": found, "rows": views.cluster_rows(found), "value_text": views.value_text}
        return render(request, "cluster.html", context, twin=p.page_url("clusters", cluster_id, json=True))


def _index(request, store, as_json: bool):
    params = request.query_params
    try:
        query = read_query(params, _multi(params), store)
        limit = _limit(params.get("limit"))
        after, count = decode_cursor(params["cursor"]) if params.get("cursor") else (None, None)
    except FilterError as exc:
        if as_json:
            raise
        context = {"query": None, "params": {}, "error": str(exc), "events": [], "count": 0}
        return render(request, "index.html", _page_context(context), status=422)
    page = event_page(store, query.filter, limit=limit, after=after, count=count)
    timeline = event_stats(store, without_dates(query))
    where = where_counts(store, query.filter)
    next_query = query.query_string(limit=str(limit) if limit != LIST_LIMIT else None,
                                    cursor=encode_cursor(page.next_key, page.count) if page.next_key else None)  # fmt: skip
    if as_json:
        base = str(request.base_url).rstrip("/")
        body = {
            "filters": query.params,
            "count": page.count,
            "events": page.events,
            "next": f"{base}/.json?{next_query}" if page.next_key else None,
            "api": f"{base}/api/events?{query.query_string()}",
            "points": f"{base}/points.json?{query.query_string()}",
            "bounds": event_bounds(store, query.filter),
            "timeline": {k: timeline[k] for k in ("by_month", "by_month_rough", "undated", "first", "last")},
            "where": where,
        }
        return json_response(body)
    qs = query.query_string()
    api_next = None
    if page.next_key:
        cursor = encode_cursor(page.next_key, page.count)
        api_next = f"/api/events?{query.query_string(limit=str(limit), cursor=cursor)}"
    context = {
        "query": query,
        "params": query.params,
        "events": page.events,
        "count": page.count,
        "next_href": f"/?{next_query}" if page.next_key else None,
        "paged": after is not None,
        "where": where,
        "points_url": "/points.json" + (f"?{qs}" if qs else ""),
        "download_query": qs,  # the Download links: /api/events.csv?... and the other formats
        "page_data": {
            "count": page.count,
            "next": api_next,  # the list's next page, for the script
            "paged": after is not None,
            "bounds": event_bounds(store, query.filter),
            "timeline": timeline["by_month"],
            "timeline_rough": timeline["by_month_rough"],
            "undated": timeline["undated"],
            "type_classes": p.TYPE_CLASSES,  # the markers' colours, as the page's own badges
        },
    }
    return render(request, "index.html", _page_context(context), twin="/.json" + (f"?{qs}" if qs else ""))


def _page_context(context: dict) -> dict:
    return {"error": None, "next_href": None, "paged": False, "page_data": {}, "points_url": None, "where": {},
            "download_query": "", **context}


def _multi(params) -> dict[str, list[str]]:
    return {k: params.getlist(k) for k in params}


def _limit(value: str | None) -> int:
    if value is None or value == "":
        return LIST_LIMIT
    try:
        n = int(value)
    except ValueError:
        n = 0
    if not 1 <= n <= 1000:
        raise FilterError(f"limit: expected a whole number from 1 to 1000, got {value!r}")
    return n

