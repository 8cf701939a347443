"""Which store a `--db` value (or `[store] path`, or $SITREPS_DB) names, and opening it.

    open_store("events.db")                              SQLite, a file (created if missing)
    open_store("sqlite:///events.db")                    the same; sqlite:////abs/path.db for an absolute path
    open_store("postgresql://user@host:5432/sitreps")    PostgreSQL (postgres:// too): store/postgres.py

A URL of any other scheme is an error (StoreError), never a file named after it. So is a
PostgreSQL server that cannot be reached or a database that cannot be used: one message, which
the command line prints with exit code 2.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import StoreError

POSTGRES_SCHEMES = ("postgresql", "postgres")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def is_postgres(target: str | os.PathLike) -> bool:
    match = _SCHEME.match(str(target))
    return match is not None and match.group(1).lower() in POSTGRES_SCHEMES


def sqlite_path(target: str | os.PathLike) -> str:
    """The file a SQLite target names: a path as it is, sqlite:///x.db as x.db (":memory:" for
    sqlite:// alone). Raises StoreError for a URL of another scheme."""
    target = str(target)
    if target.startswith("sqlite:///"):
        return target.removeprefix("sqlite:///") or ":memory:"
    if target in ("sqlite://", "sqlite:"):
        return ":memory:"
    match = _SCHEME.match(target)
    if match is not None:
        raise StoreError(
            f"{redact(target)}: not a store this version can open (a file path, sqlite:///path or postgresql://…)"
        )
    return target


def redact(target: str | os.PathLike) -> str:
    """The target as messages show it: a URL without its password (in the user part or the
    query string), also inside a longer message. Works on a URL too broken to parse."""
    text = re.sub(r"(://[^/@:\s\"']*):[^/@\s\"']*@", r"\1:***@", str(target))
    return re.sub(r"(password=)[^&\s\"']*", r"\1***", text, flags=re.IGNORECASE)


def describe(target: str | os.PathLike) -> str:
    """Where the store is, for messages: a path expanded, a URL without its password."""
    if is_postgres(target):
        return redact(target)
    path = sqlite_path(target)
    return path if path == ":memory:" else str(Path(path).expanduser())


def open_store(target: str | os.PathLike, *, any_thread: bool = False):
    """Open (creating if needed) the store `target` names, schema brought up to date.

    `any_thread`: any thread may use the store, one at a time (a SQLite connection otherwise
    belongs to the thread that opened it; a PostgreSQL one is always shareable)."""
    if is_postgres(target):
        return _postgres().open_postgres(str(target))
    from .sqlite import open_store as open_sqlite

    return open_sqlite(sqlite_path(target), any_thread=any_thread)


def open_stores(target: str | os.PathLike):
    """What a server opens on one store: `reader(any_thread=False)` gives a read-only store
    (a server keeps one per thread, and opens one per download), `writer()` one to save with,
    `close()` lets go of what they share. For SQLite each is a connection of its own (WAL lets
    readers and a writer work at once); PostgreSQL's readers share a pool of connections.
    Opening checks the store and brings its schema up to date: a bad target fails here."""
    if is_postgres(target):
        return _postgres().PostgresStores(str(target))
    return SQLiteStores(sqlite_path(target))


class SQLiteStores:
    """`open_stores` for a SQLite file."""

    def __init__(self, path: str):
        from .queries import open_reader

        if path == ":memory:":
            raise ValueError("an in-memory store cannot be served (its connection belongs to one thread)")
        self.path = path
        open_reader(path).close()  # create and migrate now

    def reader(self, *, any_thread: bool = False):
        from .queries import open_reader

        return open_reader(self.path, any_thread=any_thread)

    def writer(self):
        return open_store(self.path)

    def close(self) -> None:
        pass


def store_exists(target: str | os.PathLike) -> bool:
    """Whether there is a store to read: a SQLite file, or a PostgreSQL database that has the
    store's tables (`sitreps ingest` makes one). An unreachable server raises StoreError."""
    if is_postgres(target):
        return _postgres().has_store(str(target))
    path = sqlite_path(target)
    return path != ":memory:" and Path(path).expanduser().is_file()


def _postgres():
    """store/postgres.py, which needs psycopg (the `postgres` extra)."""
    try:
        from . import postgres
    except ImportError as exc:
        raise StoreError(f"a PostgreSQL store needs psycopg 3 and its pool: pip install 'sitreps[postgres]' ({exc})") from None
    return postgres
