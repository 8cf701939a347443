"""The API's exception handlers: every error, an unknown URL, an invalid or unknown parameter
(a 422 that names the problem and the valid values), a missing token or a crash, answers in
the one shape of web/errors.py, `{"error": {"code", "message", "status"}}`."""

import json

from ..filters import FilterError
from ..web.errors import ERROR_CODES, ApiError, error_body


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
