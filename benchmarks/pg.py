"""PostgreSQL for the benchmarks: the server given with `--pg URL`, else a throwaway one.

    from pg import Postgres, Unavailable
    with Postgres(args.pg, async_commit=args.pg_async_commit) as pg:   # Unavailable: skip PostgreSQL
        url = pg.database()                 # a new, empty database (PostGIS created by the store)
        ...
        print(pg.sizes(url))                # table and index sizes, after VACUUM ANALYZE
    # every database made here is dropped; a throwaway server is stopped and removed

`--pg URL` names a server's maintenance database where the benchmark may create and drop
databases (as `$SITREPS_TEST_PG` does for the tests). Without it a throwaway server is started
the way the tests start theirs (tests/pg_server.py: `initdb` into a temporary folder, a Unix
socket there and no TCP port, as the `postgres` user when run as root), but with PostgreSQL's
own durable settings (each commit flushed to disk before it returns, as SQLite's default does),
not the tests' fsync=off. `async_commit=True` gives the databases' URLs `synchronous_commit=off`
(libpq's `options`), which a deployment may choose for bulk ingests: a crash loses the last
commits, not consistency, and ingesting again restores them (saves are idempotent). Needs
psycopg (the `postgres` extra) and PostgreSQL's server programs; `Unavailable` says which is
missing.
"""

from __future__ import annotations

import itertools
import os
import sys
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from pg_server import PostgresServer, Unavailable  # tests/pg_server.py

__all__ = ["Postgres", "Unavailable"]

_names = itertools.count(1)


class Postgres:
    def __init__(self, url: str | None = None, *, async_commit: bool = False):
        self.given = url
        self.async_commit = async_commit
        self.server: PostgresServer | None = None
        self.url = url or ""
        self.made: list[str] = []

    def __enter__(self) -> Self:
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise Unavailable("psycopg is not installed (pip install -e '.[postgres]')") from None
        if not self.given:
            self.server = PostgresServer.start(durable=True)
            self.url = self.server.url
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.drop_all()
        finally:
            if self.server is not None:
                self.server.stop()

    def describe(self) -> str:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
            fsync = conn.execute("SHOW fsync").fetchone()[0]
            commit = conn.execute("SHOW synchronous_commit").fetchone()[0]
        where = "a throwaway server" if self.server is not None else "the server given with --pg"
        stores = "; the stores' connections set synchronous_commit off" if self.async_commit else ""
        return f"PostgreSQL {version}, {where} (fsync {fsync}, synchronous_commit {commit}{stores})"

    def database(self) -> str:
        """The URL of a new, empty database on the server."""
        import psycopg

        name = f"sitreps_bench_{os.getpid()}_{next(_names)}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'")
        self.made.append(name)
        url = urlsplit(self.url)._replace(path="/" + name)
        if self.async_commit:
            url = url._replace(query="&".join(filter(None, [url.query, "options=-c%20synchronous_commit%3Doff"])))
        return url.geturl()

    def drop(self, url: str) -> None:
        import psycopg

        name = urlsplit(url).path.lstrip("/")  # the maintenance URL's options, not the store's
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if name in self.made:
            self.made.remove(name)

    def drop_all(self) -> None:
        for name in list(self.made):
            self.drop(urlsplit(self.url)._replace(path="/" + name).geturl())

    def empty_sizes(self) -> dict:
        """`sizes` of a database holding an empty store (catalogs, PostGIS's tables, each
        table's first pages and empty indexes): what a store's sizes start from."""
        from sitreps.store import open_store

        url = self.database()
        try:
            open_store(url).close()
            return self.sizes(url)
        finally:
            self.drop(url)

    @staticmethod
    def sizes(url: str) -> dict:
        """{"articles": N, "database": bytes, "tables": {table: (total, indexes)}} of a store's
        database, after VACUUM ANALYZE (so that the text index's pending list is merged and the
        numbers are those of a settled store). `total` is pg_total_relation_size (heap, TOAST
        and indexes), `indexes` pg_indexes_size."""
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
            articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            database = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
            rows = conn.execute(
                "SELECT c.relname, pg_total_relation_size(c.oid), pg_indexes_size(c.oid) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE c.relkind = 'r' AND n.nspname = 'public' AND c.relname <> 'spatial_ref_sys'"
                " ORDER BY pg_total_relation_size(c.oid) DESC"
            ).fetchall()
        return {"articles": articles, "database": database, "tables": {name: (t, i) for name, t, i in rows}}


def print_sizes(sizes: dict, title: str, empty: dict | None = None) -> None:
    """The table of `Postgres.sizes`, per article; with `empty` (`Postgres.empty_sizes`), what
    each table grew by, so that the pages an empty store has already are not counted."""
    n = sizes["articles"] or 1
    before = (empty or {}).get("tables", {})
    tables = {name: (t - before.get(name, (0, 0))[0], i - before.get(name, (0, 0))[1])
              for name, (t, i) in sizes["tables"].items()}  # fmt: skip
    total = sum(t for t, _ in tables.values())
    indexes = sum(i for _, i in tables.values())
    grown = " grown from an empty store's" if empty else ""
    print(f"{title}: {sizes['articles']:,} articles; bytes per article{grown} (pg_total_relation_size,"
          f" of which pg_indexes_size), after VACUUM ANALYZE")  # fmt: skip
    print(f"  {'table':<18} {'total/article':>14} {'indexes/article':>16}")
    for name, (t, i) in sorted(tables.items(), key=lambda kv: -kv[1][0]):
        if t / n >= 1:
            print(f"  {name:<18} {t / n:>14,.0f} {i / n:>16,.0f}")
    print(f"  {'all tables':<18} {total / n:>14,.0f} {indexes / n:>16,.0f}")
    line = f"  database (pg_database_size): {sizes['database'] / 1e6:.1f} MB"
    if empty is not None:
        line += f", {empty['database'] / 1e6:.1f} MB of it before the first article"
    print(line)
