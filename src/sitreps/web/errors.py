"""The one shape of every error the server answers, API and page twins alike:

    {"error": {"code": "not_found", "message": "no event 'x'", "status": 404}}

`code` is stable (`ERROR_CODES` by status, or a failed analysis's own note code such as
`read.html_no_text`), `message` is for a person. Routes raise `ApiError`; the app's handlers
(sitreps.api) answer it, and answer a bad filter (sitreps.filters.FilterError) as a 422.
"""

from __future__ import annotations

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "writing_disabled",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    422: "validation_error",
    500: "internal_error",
    501: "search_unavailable",
}


class ApiError(Exception):
    """An error answer: HTTP status, stable code, message for a person."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_body(status: int, code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message, "status": status}}
