"""Moving a store: `sitreps export --format jsonl` from one store and `sitreps ingest` of the file
into another (SQLite or PostgreSQL) gives the store a normal ingest gives, without loading the
model; records that cannot be stored as they are fail one by one; a run mixing records and
articles analyses only the articles (docs/scaling.md, "From a laptop to the shared database").

The first store is made the usual way, from a handful of hand-made articles run through the real
pipeline (as test_cli does, whose memoised model this module shares).
"""

from __future__ import annotations

import json
import shutil

import pytest
from test_cli import (
    KHARKIV_TEXT,
    LVIV_TEXT,
    flat,
    invoke,
    ok,
    shared_model,  # noqa: F401 - an autouse fixture: the model loads once for the module
    toml_str,
)
from test_store import store_contents

from sitreps.settings import load_settings
from sitreps.store import open_store

pytestmark = pytest.mark.model

STRIKE = "A Russian missile hit a school in Kharkiv on Monday, killing three people, the governor said.\n"
STRIKE_RETOLD = "Three people died on Monday when a Russian missile struck a Kharkiv school, regional officials said.\n"
PAGE = """<!DOCTYPE html><html><head><title>Drones over Lviv</title>
<meta property="og:site_name" content="The Lviv Courier">
<meta property="article:published_time" content="2023-05-16T07:00:00+00:00"></head>
<body><article><h1>Drones over Lviv</h1><p>{}</p><p>Firefighters put out the fire by morning.</p></article></body></html>
"""


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    """Settings with the default gazetteer path spelled out, as test_cli's."""
    path = tmp_path_factory.mktemp("move-config") / "settings.toml"
    path.write_text(f"[gazetteer]\npath = {toml_str(load_settings().gazetteer_path())}\n", encoding="utf-8")
    return path


def jsonl(path, *records) -> None:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def first(tmp_path_factory, config):
    """A store made by two ordinary ingests, and its export: articles of three outlets, one of
    them a copy, a page that names its site but gives no URL, failures, and an article that a
    later run failed on (so its id has both)."""
    root = tmp_path_factory.mktemp("first")
    folder = root / "in"
    folder.mkdir()
    jsonl(folder / "wire.jsonl",
          {"id": "school-a", "url": "https://www.alpha.example/1", "published": "2023-05-15T18:00:00", "text": STRIKE},
          {"id": "school-b", "url": "https://beta.example/news/2", "published": "2023-05-15T20:00:00",
           "text": STRIKE_RETOLD},
          {"id": "school-copy", "url": "https://gamma.example/3", "published": "2023-05-16T06:00:00", "text": STRIKE},
          {"id": "market", "url": "https://alpha.example/4", "published": "2023-05-12", "text": KHARKIV_TEXT},
          '{"id": "broken", ',
          {"id": "no-text", "title": "Nothing here"})  # fmt: skip
    (folder / "page.html").write_text(PAGE.format(LVIV_TEXT.strip()), encoding="utf-8")
    (folder / "empty.txt").write_text("  \n", encoding="utf-8")
    db = root / "first.db"
    ok("ingest", folder, "--db", db, "--workers", "1", "--config", config)
    jsonl(root / "later.jsonl", {"id": "market", "title": "The market strike, again, without its text"})
    ok("ingest", root / "later.jsonl", "--db", db, "--config", config)
    dump = root / "first.jsonl"
    ok("export", "--format", "jsonl", "-o", dump, "--db", db, "--config", config)
    with open_store(db) as store:
        held = store_contents(store)
    assert held["counts"]["articles"] == 5 and held["counts"]["failures"] == 4 and held["counts"]["clusters"] >= 1
    assert [(row[0], row[4]) for row in held["linking"] if row[4] != row[0]] == [("school-copy", "school-a")]
    assert "The Lviv Courier" in {row[8] for row in held["articles"]}
    return db, dump, held


@pytest.fixture
def no_model(monkeypatch):
    """Loading the spaCy model fails the test: records already analysed must not need it."""
    from sitreps.stages import nlp

    def load_model(*args, **kwargs):
        raise AssertionError("the model was loaded to store records already analysed")

    monkeypatch.setattr(nlp, "load_model", load_model)


def test_an_export_ingested_into_an_empty_store_gives_the_store_it_came_from(first, new_store_target, config, no_model):
    _, dump, held = first
    target = new_store_target()
    moved = ok("ingest", dump, "--db", target, "--workers", "2", "--config", config)
    said = flat(moved.stderr)
    assert "5 new, 0 updated, 0 unchanged, 4 failed" in said
    assert "9 of them came already analysed: stored as they are, not analysed again" in said
    assert "skipped" in said and "read.no_text" in said  # failures are reported as a normal run reports them
    with open_store(target) as store:
        assert store_contents(store) == held
    again = ok("ingest", dump, "--db", target, "--config", config)
    assert "0 new, 0 updated, 5 unchanged, 4 failed" in flat(again.stderr)
    with open_store(target) as store:
        assert store_contents(store) == held


def test_a_run_mixing_records_and_articles_analyses_only_the_articles(first, tmp_path, config):
    db, dump, _ = first
    news = tmp_path / "news.jsonl"
    jsonl(news, {"id": "odesa", "url": "https://delta.example/5", "published": "2023-05-20",
                 "text": "Russian drones struck the port of Odesa on Friday night, the southern command said.\n"})
    grown = tmp_path / "grown.db"
    shutil.copy(db, grown)
    ok("ingest", news, "--db", grown, "--config", config)  # the first store, then the new article
    mixed = tmp_path / "mixed.db"
    said = flat(ok("ingest", dump, news, "--db", mixed, "--config", config).stderr)
    assert "6 new, 0 updated, 0 unchanged, 4 failed" in said and "9 of them came already analysed" in said
    with open_store(mixed) as one, open_store(grown) as other:
        assert store_contents(one) == store_contents(other)


def test_records_that_cannot_be_stored_as_they_are_fail_one_by_one(first, tmp_path, config, no_model):
    _, dump, _ = first
    good = next(r for r in map(json.loads, dump.read_text(encoding="utf-8").splitlines()) if r["id"] == "school-a")
    path = tmp_path / "records.jsonl"
    jsonl(path, {**good, "id": "old", "schema": "sitreps/2"}, {**good, "id": "new", "schema": "sitreps/4"},
          {**good, "id": "no-events", "events": None},
          {**good, "id": "edited", "text": good["text"].replace("Kharkiv", "Poltava")},
          good, {**good, "id": "stolen"})  # another article's events, under their ids
    db = tmp_path / "x.db"
    result = ok("ingest", path, "--db", db, "--config", config)
    said = flat(result.stderr)
    assert "Traceback" not in result.stderr
    assert "1 new, 0 updated, 0 unchanged, 5 failed" in said
    assert f"{path}:1: read.bad_schema: The analysed record at {path}:1 was not stored: it is a sitreps/2 record, " \
           "an older contract" in said
    with open_store(db) as store:
        assert sorted((f["id"], f["code"]) for f in store.failures()) == [
            ("edited", "read.bad_analysis"), ("new", "read.bad_schema"), ("no-events", "read.bad_analysis"),
            ("old", "read.bad_schema"), ("stolen", "read.bad_analysis")]  # fmt: skip
        assert "is already stored for article 'school-a'" in {f["id"]: f["detail"] for f in store.failures()}["stolen"]
        assert [d["id"] for d in store.iter_documents()] == ["school-a"]
    assert "0 new, 0 updated, 1 unchanged, 5 failed" in flat(ok("ingest", path, "--db", db, "--config", config).stderr)


def test_the_export_help_names_the_way_to_move_a_store(config):
    said = flat(invoke("export", "--help").stdout)
    assert "sitreps ingest" in said and "another store" in said
