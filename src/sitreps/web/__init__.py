"""The web UI served by `sitreps serve` next to the JSON API (placeholder; being built)."""

from __future__ import annotations


def add_web_routes(app, readers) -> None:
    """Mount the UI's pages and static files on `app`; `readers.get()` gives this thread's store."""
    return None
