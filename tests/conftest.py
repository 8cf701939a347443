"""Shared test helpers.

`hand_doc` builds a Document by hand (no model): give the text and, optionally, entities as
(substring, label) pairs and a publication date. `parsed` runs the real clean + nlp stages
(needs the spaCy model; the gazetteer ruler is left out, so it stays fast).
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

import pytest

from sitreps.records import Article, Document, Entity, Span

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def _find(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    starts = [m.start() for m in re.finditer(re.escape(needle), text)]
    if len(starts) <= occurrence:
        raise AssertionError(f"{needle!r} not in text")
    s = starts[occurrence]
    return s, s + len(needle)


def hand_doc(
    text: str,
    entities: list[tuple[str, str]] = (),
    published: str | None = None,
    sentences: bool = True,
) -> Document:
    pub = datetime.fromisoformat(published) if published else None
    ents = []
    for needle, label in entities:
        s, e = _find(text, needle)
        ents.append(Entity(s, e, needle, label))
    sents = ()
    if sentences:
        sents = tuple(
            Span(m.start(), m.end(), m.group()) for m in re.finditer(r"[^.!?]+[.!?]?", text) if m.group().strip()
        )
    return Document(
        article=Article(id="t", text=text, published=pub),
        text=text,
        sentences=sents,
        entities=tuple(sorted(ents, key=lambda e: e.start)),
    )


@pytest.fixture(scope="session")
def nlp_model():
    pytest.importorskip("spacy")
    from sitreps.settings import load_settings
    from sitreps.stages.nlp import load_model

    try:
        return load_model(load_settings(), gazetteer=None)
    except Exception as exc:  # the model package is part of the default install
        pytest.fail(f"spaCy model not installed: {exc}")


@pytest.fixture(scope="session")
def parsed(nlp_model):
    """parsed(text, published=None) -> Document after the real clean and nlp stages."""
    from sitreps.pipeline import Context
    from sitreps.settings import load_settings
    from sitreps.stages.clean import clean
    from sitreps.stages.nlp import parse

    ctx = Context(load_settings(), nlp_=nlp_model)

    def run(text: str, published: str | None = None) -> Document:
        pub = datetime.fromisoformat(published) if published else None
        doc = Document(article=Article(id="t", text=text, published=pub))
        return parse(clean(doc, ctx), ctx)

    return run


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: evaluation data and examples are not part of the repository")
    return SHARED


# -- PostgreSQL ------------------------------------------------------------------------------------
# The store and API tests run against SQLite and PostgreSQL (`store_target`). The PostgreSQL
# server is $SITREPS_TEST_PG (a URL of a server where the tests may create and drop databases:
# .ci/run starts one), else a throwaway one started here (tests/pg_server.py). Without PostgreSQL
# or psycopg the PostgreSQL cases are skipped, unless SITREPS_REQUIRE_POSTGRES=1 (CI) fails them.

REQUIRE_POSTGRES = os.environ.get("SITREPS_REQUIRE_POSTGRES") == "1"
TEMPLATE = "sitreps_test_template"


_postgres_skipped: list[str] = []  # why, told once at the end of the run


def postgres_unavailable(reason: str):
    if REQUIRE_POSTGRES:
        pytest.fail(f"{reason}, and SITREPS_REQUIRE_POSTGRES=1 asks for the PostgreSQL tests")
    _postgres_skipped.append(reason)
    pytest.skip(reason)


def pytest_terminal_summary(terminalreporter):
    if _postgres_skipped:
        terminalreporter.write_line(f"PostgreSQL store tests skipped: {_postgres_skipped[0]}", yellow=True)


@pytest.fixture(scope="session")
def postgres_server():
    """The URL of a PostgreSQL server's maintenance database, with a template database made:
    a default collation that is not byte order (ICU's en-US, as most servers have: the store must
    not depend on the server's collation) and PostGIS when the server has it."""
    try:
        import psycopg
    except ImportError:
        postgres_unavailable("psycopg is not installed (pip install -e '.[postgres]')")
    from pg_server import PostgresServer, Unavailable

    server = None
    url = os.environ.get("SITREPS_TEST_PG")
    if not url:
        try:
            server = PostgresServer.start()
        except Unavailable as exc:
            postgres_unavailable(f"no PostgreSQL server for the tests: {exc} (or set SITREPS_TEST_PG)")
        url = server.url
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {TEMPLATE} TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu"
                         " ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'")
        with psycopg.connect(_database_url(url, TEMPLATE), autocommit=True) as conn:
            # PostGIS takes a second to create: once here, not in every test's database
            if conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").fetchone():
                conn.execute("CREATE EXTENSION postgis")
    except psycopg.Error as exc:
        if server is not None:
            server.stop()
        postgres_unavailable(f"cannot prepare the PostgreSQL server for the tests: {exc}")
    yield url
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
    if server is not None:
        server.stop()


def _database_url(url: str, name: str) -> str:
    """The same server's URL for another database."""
    from urllib.parse import urlsplit

    return urlsplit(url)._replace(path="/" + name).geturl()


_databases = iter(range(1, 1_000_000))


class _Databases:
    """make() -> the URL of a new, empty database of the test server; drop() drops them all."""

    def __init__(self, server: str):
        self.server = server
        self.made: list[str] = []

    def __call__(self) -> str:
        import psycopg

        name = f"sitreps_test_{os.getpid()}_{next(_databases)}"
        with psycopg.connect(self.server, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        self.made.append(name)
        return _database_url(self.server, name)

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(self.server, autocommit=True) as conn:
            for name in self.made:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def postgres_databases(postgres_server):
    """make() -> the URL of a new, empty database of the test server; all dropped afterwards."""
    made = _Databases(postgres_server)
    yield made
    made.drop()


@pytest.fixture
def postgres_url(postgres_databases) -> str:
    """The URL of a new, empty database of the test server (dropped afterwards)."""
    return postgres_databases()


@pytest.fixture(params=["sqlite", "postgresql"])
def new_store_target(request, tmp_path):
    """make() -> where a new store goes, of one backend per run of the test: a SQLite file
    (not there yet) or the URL of an empty PostgreSQL database."""
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_databases")
    count = iter(range(1, 1000))
    return lambda: str(tmp_path / f"store{next(count)}" / "sitreps.db")


@pytest.fixture
def store_target(new_store_target) -> str:
    """Where a test's store goes, once per backend (see new_store_target)."""
    return new_store_target()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_new_store_target(request, tmp_path_factory):
    """As `new_store_target`, for stores a whole test module shares: the module's tests run once
    per backend, and every store made for one run is of that run's backend."""
    if request.param == "postgresql":
        made = _Databases(request.getfixturevalue("postgres_server"))
        request.addfinalizer(made.drop)
        return made
    folder = tmp_path_factory.mktemp("stores")
    count = iter(range(1, 1000))
    return lambda: str(folder / f"store{next(count)}" / "sitreps.db")


@pytest.fixture(scope="module")
def module_store_target(module_new_store_target) -> str:
    """As `store_target`, for a store a whole test module shares."""
    return module_new_store_target()
