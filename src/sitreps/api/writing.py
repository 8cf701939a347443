"""POST /api/articles: analyse one article and store it, on a server started with a token
(`Authorization: Bearer <token>`), one analysis at a time, then link it."""

import hmac
import threading
from collections.abc import Callable
from typing import Annotated

from ..guard import UNAUTHORIZED, WRITING_OFF  # the words the guard refuses with
from ..pipeline import Context, Pipeline
from ..records import Article, Document
from ..settings import Settings
from ..stages.read import read_record
from ..web.errors import ApiError
from .openapi import _errors, _schemas


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
