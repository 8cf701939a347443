"""What every HTTP request and response of `sitreps serve` passes before and after the routes.

- **Hosts.** Only the Host names the server answers to (`allowed_hosts`; `sitreps serve` gives
  the loopback names and the address it binds, plus `--allow-host`): a page loaded from another
  name (DNS rebinding against a server on 127.0.0.1) gets 421 and no data.
- **Writes.** A POST is refused before its body is read: 403 when writing is off, 401 without the
  token, 413 when the declared or received body passes `max_body` bytes.
- **Headers.** Every response, pages, API, static files and the API docs alike, carries a
  Content-Security-Policy (nothing from other origins, no framing), `X-Content-Type-Options:
  nosniff`, `X-Frame-Options: DENY` and `Referrer-Policy: no-referrer`.

A plain ASGI middleware, so it sees the request before FastAPI reads and validates the body.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Iterable

from .web.templating import CSP

TOKEN_ENV = "SITREPS_API_TOKEN"  # read by `sitreps serve`, never by the library
WRITING_OFF = (f"writing is off on this server: start it with a token (`sitreps serve --token ...` or ${TOKEN_ENV}) "
               "and send it as `Authorization: Bearer <token>`")
UNAUTHORIZED = "send the server's token as `Authorization: Bearer <token>`"

# Swagger UI and ReDoc start from an inline script and style, and ReDoc runs a worker from a
# blob: URL; they show the API's own description, never stored text.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; font-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc", "/static-offline-docs/")
LOOPBACK = ("localhost", "127.0.0.1", "::1", "[::1]")


class Guard:
    def __init__(
        self,
        app,
        *,
        allowed_hosts: Iterable[str] | None = None,
        token: str | None = None,
        write_paths: Iterable[str] = (),
        max_body: int = 0,
        error: Callable[[int, str, str], dict],
    ):
        self.app = app
        self.hosts = None if allowed_hosts is None else {h.lower() for h in allowed_hosts}
        self.token = token
        self.write_paths = set(write_paths)
        self.max_body = max_body
        self.error = error

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        path = scope["path"]
        send = self._with_headers(send, DOCS_CSP if path.startswith(DOCS_PATHS) else CSP)
        if self.hosts is not None and _host_name(headers.get("host", "")) not in self.hosts:
            return await self._refuse(send, 421, "unknown_host", "this server does not answer to that Host name; "
                                      "start it with --allow-host NAME to serve under another name")
        if scope["method"] == "POST" and path in self.write_paths:
            refusal = self._write_refusal(headers)
            if refusal:
                return await self._refuse(send, *refusal)
            return await self._capped(scope, receive, send)
        await self.app(scope, receive, send)

    async def _capped(self, scope, receive, send) -> None:
        """Pass the body on as it arrives; once it passes `max_body` (a body sent in chunks
        declares no length), answer 413, tell the app the client left, and drop what it sends."""
        seen, refused = 0, False

        async def receiving():
            nonlocal seen, refused
            message = await receive()
            seen += len(message.get("body", b""))
            if self.max_body and seen > self.max_body and not refused:
                refused = True
                await self._refuse(send, 413, "too_large", f"the request body passes {self.max_body:,} bytes")
            return {"type": "http.disconnect"} if refused else message

        async def sending(message):
            if not refused:
                await send(message)

        try:
            await self.app(scope, receiving, sending)
        except Exception:
            if not refused:
                raise

    def _write_refusal(self, headers: dict) -> tuple[int, str, str] | None:
        if self.token is None:
            return 403, "writing_disabled", WRITING_OFF
        scheme, _, given = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode("utf-8"), self.token.encode("utf-8")):
            return 401, "unauthorized", UNAUTHORIZED
        declared = headers.get("content-length", "")
        if self.max_body and declared.isdigit() and int(declared) > self.max_body:
            return 413, "too_large", f"the request body has {int(declared):,} bytes, more than {self.max_body:,}"
        return None

    @staticmethod
    def _with_headers(send, csp: str):
        extra = [
            (b"content-security-policy", csp.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
        ]

        async def sending(message):
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *((k, v) for k, v in extra if k not in names)]
            await send(message)

        return sending

    async def _refuse(self, send, status: int, code: str, message: str) -> None:
        body = json.dumps(self.error(status, code, message)).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        if status == 401:
            headers.append((b"www-authenticate", b"Bearer"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _host_name(host: str) -> str:
    """The name of a Host header without its port: "localhost:8000" -> "localhost"."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host
