"""`sitreps serve`: the web UI and the JSON API (sitreps.api) over a store, answering only the
Host names it should."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import ConfigOpt, DbOpt, _errors, _existing_store, _settings, app, err


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on; 0.0.0.0 listens on every one.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="SITREPS_API_TOKEN",
            show_default=False,
            help="Turn on POST /api/articles for clients that send `Authorization: Bearer <token>`. "
            "Prefer the environment variable: an option shows in the process list.",
        ),
    ] = None,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(help="Also answer requests for this Host name (repeatable; '*' answers any). By default "
                     "only the loopback names, the address listened on and this machine's name."),
    ] = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
):
    """Serve the database: the web UI at /, the JSON API at /api (documented at /docs). Read-only unless a token is given."""
    with _errors():
        try:
            import uvicorn

            from ..api import create_app
        except ImportError as exc:
            raise typer.BadParameter(f"serving needs FastAPI and uvicorn: {exc}") from None
        from ..store.urls import describe

        settings = _settings(config, db)
        api = create_app(_existing_store(settings), settings, token=token, allowed_hosts=_served_hosts(host, allow_host or []))
        where = f"http://{'localhost' if host in ('127.0.0.1', '::1') else host}:{port}"
        err.print(f"serving {describe(settings.store_target())}: the UI at {where}/, the API at {where}/api/events, documented at {where}/docs")
        err.print("writing (POST /api/articles): " + ("on, with the token" if token else "off (no token)"))
        if token and host not in ("127.0.0.1", "localhost", "::1"):
            err.print("[yellow]note:[/yellow] the token travels in clear over plain HTTP: put TLS in front")
        uvicorn.run(api, host=host, port=port, log_level="info")


def _served_hosts(host: str, extra: list[str]) -> list[str] | None:
    """The Host names `serve` answers: a page that reaches a loopback server under another name
    is a DNS-rebinding attack."""
    import socket

    from ..guard import LOOPBACK

    if "*" in extra:
        return None
    names = [*LOOPBACK, host, *extra]
    if host in ("0.0.0.0", "::"):
        names += [socket.gethostname(), socket.getfqdn()]
    return [n.lower() for n in names]
