"""The `sitreps` command, end to end through Typer's CliRunner.

These run the real pipeline (spaCy model + SQLite gazetteer). The gazetteer is the default one in
the user cache dir (built on first use, ~15 s, then reused across runs): a session settings file
points `[gazetteer] path` at it explicitly, and every command gets `--config` and a `--db` under
tmp_path, so nothing touches the user's data dir.

Loading the model with its gazetteer entity ruler takes several seconds and every CLI command
builds a fresh Context, so `load_model` is memoised for this module (keyed on the nlp settings and
the gazetteer path): the first command loads it for real, later ones reuse the same pipeline.

Installed Click >= 8.2 (Typer's runner included) always keeps stdout and stderr apart:
`result.stdout` is what the commands print for machines, `result.stderr` the messages for people.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import pathlib
import random
import re
import subprocess
import sys
import time

import pytest
from test_store import where_docs
from typer.testing import CliRunner

from sitreps import __version__
from sitreps.cli import app
from sitreps.export import CSV_COLUMNS
from sitreps.settings import load_settings
from sitreps.store import open_store

pytestmark = pytest.mark.model

KHARKIV = (49.99, 36.23)
KHARKIV_TEXT = "Russian forces shelled Kharkiv on Friday, killing two people, the regional governor said.\n"
LVIV_TEXT = "A drone struck an energy facility in Lviv on Tuesday night, the mayor of the city said.\n"
BROKEN_ARTICLE_HTML = (
    "<html><head><title>Depot fire</title><body><div class='story'><p>Ukrainian drones hit a fuel depot "
    "near Belgorod on Sunday, setting it on fire, the local governor said.<p>Crews fought the blaze "
    "through the night.</div></span></td>"
)
CYRILLIC_TEXT = (
    "Украинские военные сообщили, что в среду артиллерия обстреляла окраины Харькова. "
    "Погибших нет, заявил губернатор области.\n"
)

# Rich wraps long lines at the console width (80 when not a terminal); a wide one keeps the
# messages on one line, and `flat` undoes any wrapping and the boxes of usage errors anyway.
RUNNER = CliRunner(env={"COLUMNS": "400", "NO_COLOR": "1", "SITREPS_CONFIG": None, "SITREPS_SCHEDULER": None})


def flat(s: str) -> str:
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", s).split())


def toml_str(value: object) -> str:
    return "'" + str(value) + "'"  # a TOML literal string: backslashes in Windows paths stay as they are


# -- fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def config_dir(tmp_path_factory) -> pathlib.Path:
    return tmp_path_factory.mktemp("cli-config")


@pytest.fixture(scope="session")
def config(config_dir) -> pathlib.Path:
    """Settings with the default gazetteer path spelled out (the file is built at most once)."""
    path = config_dir / "settings.toml"
    path.write_text(f"[gazetteer]\npath = {toml_str(load_settings().gazetteer_path())}\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def small_config(config_dir) -> pathlib.Path:
    """As `config`, with read.max_bytes = 20000 so a 50 KB file is 'too large'."""
    path = config_dir / "small.toml"
    path.write_text(
        f"[gazetteer]\npath = {toml_str(load_settings().gazetteer_path())}\n\n[read]\nmax_bytes = 20000\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module", autouse=True)
def shared_model():
    """Memoise load_model so each CLI invocation does not reload spaCy and the ruler."""
    from sitreps.stages import nlp

    real = nlp.load_model
    cache: dict = {}

    def load_model(settings, gazetteer=None, actor_patterns=None):
        key = (settings.nlp, str(settings.gazetteer_path()), gazetteer is None, actor_patterns is None)
        if key not in cache:
            cache[key] = real(settings, gazetteer, actor_patterns)
        return cache[key]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(nlp, "load_model", load_model)
        yield


def invoke(*args, input=None):
    result = RUNNER.invoke(app, [str(a) for a in args], input=input)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # an unexpected crash: show its traceback, not just exit code 1
    return result


def ok(*args, input=None):
    result = invoke(*args, input=input)
    assert result.exit_code == 0, f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    return result


def spans(value, path="$"):
    """Every dict with integer start/end in a sitreps/3 document, with where it was found."""
    if isinstance(value, dict):
        if isinstance(value.get("start"), int) and isinstance(value.get("end"), int):
            yield path, value
        for k, v in value.items():
            yield from spans(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from spans(v, f"{path}[{i}]")


def assert_offsets(doc: dict, require: bool = True) -> None:
    text = doc["text"]
    checked = 0
    for key in ("places", "times", "quotes", "claims", "actors", "events"):
        for where, item in spans(doc[key], f"$.{key}"):
            assert 0 <= item["start"] <= item["end"] <= len(text), (where, item)
            if isinstance(item.get("text"), str):
                assert text[item["start"] : item["end"]] == item["text"], (where, item)
            checked += 1
    assert checked or not require


def haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def kharkiv_places(items):
    return [
        p for p in items
        if p and p.get("name") == "Kharkiv" and p.get("lat") is not None
        and abs(p["lat"] - KHARKIV[0]) <= 0.2 and abs(p["lon"] - KHARKIV[1]) <= 0.2
    ]  # fmt: skip


def store_counts(db) -> dict:
    with open_store(db) as store:
        return store.counts()


# -- --version ------------------------------------------------------------------------------------


def test_version():
    result = ok("--version")
    assert result.stdout.strip() == f"sitreps {__version__}"


def test_python_dash_m_runs_the_same_command_line():
    done = subprocess.run([sys.executable, "-m", "sitreps", "--version"], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(pathlib.Path(__file__).resolve().parents[1] / "src")})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"sitreps {__version__}"


# -- analyze --------------------------------------------------------------------------------------


@pytest.fixture
def article(tmp_path) -> pathlib.Path:
    path = tmp_path / "kharkiv.txt"
    path.write_text(KHARKIV_TEXT, encoding="utf-8")
    return path


def test_analyze_json(article, config):
    result = ok("analyze", article, "--published", "2023-05-12", "--format", "json", "--config", config)
    doc = json.loads(result.stdout)  # stdout is exactly one JSON document, messages go to stderr
    assert doc["schema"] == "sitreps/3"
    assert doc["text"].strip() == KHARKIV_TEXT.strip()
    assert doc["published"].startswith("2023-05-12")
    assert kharkiv_places(doc["places"]), doc["places"]
    assert "2023-05-12" in [t["value"] for t in doc["times"]], doc["times"]
    assert doc["events"]
    assert not [n for n in doc["notes"] if n["level"] == "error"]
    assert_offsets(doc)


def test_analyze_event_is_placed_and_dated(article, config):
    doc = json.loads(ok("analyze", article, "--published", "2023-05-12", "-f", "json", "--config", config).stdout)
    placed = [e for e in doc["events"] if kharkiv_places([e["place"]])]
    assert placed, doc["events"]
    assert any((e["time"] or {}).get("value") == "2023-05-12" for e in placed)


def test_analyze_without_published_leaves_weekday_unanchored(article, config):
    doc = json.loads(ok("analyze", article, "--format", "json", "--config", config).stdout)
    assert doc["published"] is None
    friday = [t for t in doc["times"] if t["text"] == "Friday"]
    assert friday, doc["times"]
    assert friday[0]["anchored"] is False
    assert friday[0]["value"] is None
    assert_offsets(doc)


def test_analyze_text_format(article, config):
    result = ok("analyze", article, "--published", "2023-05-12", "--config", config)
    assert "Kharkiv" in result.stdout
    assert "2023-05-12" in result.stdout


def test_analyze_stdin(config):
    result = ok("analyze", "-", "--format", "jsonl", "--published", "2023-05-12", "--config", config, input=KHARKIV_TEXT)
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    doc = json.loads(lines[0])
    assert doc["origin"] == "<stdin>"
    assert kharkiv_places(doc["places"])


def test_analyze_jsonl_records_in_order(tmp_path, config):
    src = tmp_path / "wire.jsonl"
    src.write_text(
        json.dumps({"id": "keep-me", "published": "2023-05-12", "text": KHARKIV_TEXT}) + "\n"
        + json.dumps({"title": "No id here", "text": LVIV_TEXT}) + "\n"
        + '{"id": "broken", "text": "unterminated\n',
        encoding="utf-8",
    )  # fmt: skip
    result = ok("analyze", src, "--format", "jsonl", "--config", config)
    lines = result.stdout.splitlines()
    assert len(lines) == 3, result.stdout
    docs = [json.loads(line) for line in lines]
    assert all(d["schema"] == "sitreps/3" for d in docs)
    assert [d["origin"].rsplit(":", 1)[1] for d in docs] == ["1", "2", "3"]
    first, second, third = docs
    assert first["id"] == "keep-me"
    assert kharkiv_places(first["places"])
    assert second["id"] and second["id"] != "keep-me"
    assert second["title"] == "No id here"
    assert "Lviv" in second["text"]
    assert [n["code"] for n in third["notes"] if n["level"] == "error"] == ["read.bad_json"]
    assert third["text"] == ""
    for d in docs[:2]:
        assert_offsets(d)


def test_analyze_bad_published_is_a_usage_error(article, config):
    result = invoke("analyze", article, "--published", "garbage", "--format", "json", "--config", config)
    assert result.exit_code != 0
    assert result.exit_code == 2
    assert result.stdout == ""
    msg = flat(result.stderr)
    assert "--published" in msg
    assert "cannot read 'garbage' as a publication date" in msg


def test_analyze_missing_path(tmp_path, config):
    missing = tmp_path / "nowhere.txt"
    result = invoke("analyze", missing, "--config", config)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "no such file" in flat(result.stderr)
    assert "nowhere.txt" in flat(result.stderr)


def test_analyze_missing_path_with_brackets(tmp_path, config):
    missing = tmp_path / "drafts[" / "old].txt"  # the path string contains "[/old]"
    result = RUNNER.invoke(app, ["analyze", str(missing), "--config", str(config)])
    assert result.exit_code == 2
    assert "no such file" in flat(result.stderr)
    assert str(missing) in flat(result.stderr)


def test_analyze_bad_format(article, config):
    result = invoke("analyze", article, "--format", "xml", "--config", config)
    assert result.exit_code == 2
    assert "--format" in flat(result.stderr)


def test_bad_config_file(article, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[read]\nmax_bites = 3\n", encoding="utf-8")
    result = invoke("analyze", article, "--config", bad)
    assert result.exit_code == 2
    assert "read.max_bites" in flat(result.stderr)


# -- ingest ---------------------------------------------------------------------------------------

# file name -> the error code it is skipped with
BAD_FILES = {
    "big.txt": "read.too_large",
    "blob.bin": "read.binary",
    "broken.html": "read.html_no_text",
    "empty.txt": "read.empty",
}


def make_messy_dir(root: pathlib.Path) -> pathlib.Path:
    root.mkdir()
    (root / "good.txt").write_text(KHARKIV_TEXT, encoding="utf-8")
    (root / "broken-article.html").write_text(BROKEN_ARTICLE_HTML, encoding="utf-8")
    (root / "cyrillic.txt").write_bytes(CYRILLIC_TEXT.encode("cp1251"))  # not UTF-8
    (root / "empty.txt").write_bytes(b"")
    (root / "blob.bin").write_bytes(random.Random(7).randbytes(4096) + b"\x00" + random.Random(8).randbytes(64))
    (root / "broken.html").write_text("<html><body><div><p></div></span><table><td>", encoding="utf-8")
    line = "Artillery fire was reported along the front line again this morning.\n"
    (root / "big.txt").write_text(line * (50_000 // len(line) + 1), encoding="utf-8")  # ~50 KB > 20000
    return root


@pytest.fixture
def messy(tmp_path) -> pathlib.Path:
    return make_messy_dir(tmp_path / "inbox")


def test_ingest_messy_directory(messy, tmp_path, small_config):
    db = tmp_path / "x.db"
    result = ok("ingest", messy, "--db", db, "--config", small_config)
    assert result.stdout == ""
    msg = flat(result.stderr)
    for name, code in BAD_FILES.items():
        assert f"{name}: {code}" in msg, (name, code, result.stderr)
    for name in ("good.txt", "broken-article.html", "cyrillic.txt"):
        assert f"{name}: read." not in msg
    assert "3 new, 0 updated, 0 unchanged, 4 failed" in msg

    counts = store_counts(db)
    assert counts["articles"] == 3
    assert counts["failures"] == 4
    assert counts["events"] >= 1
    with open_store(db) as store:
        docs = {pathlib.Path(d["origin"]).name: d for d in store.iter_documents()}
        failures = {pathlib.Path(f["origin"]).name: f["code"] for f in store.failures()}
    assert failures == BAD_FILES
    assert set(docs) == {"good.txt", "broken-article.html", "cyrillic.txt"}
    assert kharkiv_places(docs["good.txt"]["places"])
    assert "fuel depot" in docs["broken-article.html"]["text"]
    assert "Харькова" in docs["cyrillic.txt"]["text"]
    assert "read.encoding" in [n["code"] for n in docs["cyrillic.txt"]["notes"]]
    for d in docs.values():
        assert_offsets(d, require=False)

    events = json.loads(ok("events", "--db", db, "--format", "json", "--config", small_config).stdout)
    assert any(kharkiv_places([e["place"]]) for e in events)


def test_ingest_twice_is_idempotent(messy, tmp_path, small_config):
    db = tmp_path / "x.db"
    ok("ingest", messy, "--db", db, "--config", small_config)
    before = store_counts(db)
    result = ok("ingest", messy, "--db", db, "--config", small_config)
    msg = flat(result.stderr)
    assert "0 new, 0 updated, 3 unchanged, 4 failed" in msg
    assert store_counts(db) == before


def test_ingest_refuses_50mb_file_without_reading_it(tmp_path, config, monkeypatch):
    folder = tmp_path / "huge"
    folder.mkdir()
    big = folder / "dump.txt"
    chunk = ("Shelling was reported near the river again overnight. " * 20 + "\n").encode()
    with big.open("wb") as f:
        while f.tell() < 50 * 1024 * 1024:
            f.write(chunk)
    size = big.stat().st_size
    assert size >= 50 * 1024 * 1024
    assert load_settings(config).read.max_bytes < size  # the default limit

    real_read_bytes = pathlib.Path.read_bytes

    def guarded_read_bytes(self):
        assert self.name != "dump.txt", "the too-large file was read into memory"
        return real_read_bytes(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", guarded_read_bytes)
    db = tmp_path / "x.db"
    ok("ingest", folder, "--db", db, "--config", config)
    # refused by its size before any read: the guard above fails the test if the file is read
    # into memory (no timing: speed is make bench's and make hostile's to report)
    result = ok("ingest", big, "--db", db, "--config", config)
    msg = flat(result.stderr)
    assert "dump.txt: read.too_large" in msg
    assert f"{size:,} bytes" in msg
    assert "0 new" in msg and "1 failed" in msg
    assert store_counts(db)["articles"] == 0


def test_ingest_missing_path(tmp_path, config):
    result = invoke("ingest", tmp_path / "nope", "--db", tmp_path / "x.db", "--config", config)
    assert result.exit_code == 2
    assert "no such file" in flat(result.stderr)


def test_ingest_reports_file_names_with_brackets_verbatim(tmp_path, config):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "notes[draft].txt").write_bytes(b"")
    result = ok("ingest", folder, "--db", tmp_path / "x.db", "--config", config)
    assert "notes[draft].txt: read.empty" in flat(result.stderr)


# -- events and export ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def db(tmp_path_factory, config) -> pathlib.Path:
    """A store holding a Kharkiv and a Lviv article, both dated."""
    root = tmp_path_factory.mktemp("cli-store")
    src = root / "wire.jsonl"
    src.write_text(
        json.dumps({"id": "kharkiv-1", "title": "Kharkiv shelled", "published": "2023-05-12", "text": KHARKIV_TEXT})
        + "\n"
        + json.dumps({"id": "lviv-1", "title": "Lviv drone", "published": "2023-05-10", "text": LVIV_TEXT})
        + "\n",
        encoding="utf-8",
    )
    path = root / "x.db"
    ok("ingest", src, "--db", path, "--config", config)
    counts = store_counts(path)
    assert counts["articles"] == 2 and counts["events"] >= 1, counts
    return path


def test_events_json(db, config):
    rows = json.loads(ok("events", "--db", db, "--format", "json", "--config", config).stdout)
    assert len(rows) == store_counts(db)["events"]
    kharkiv = [r for r in rows if kharkiv_places([r["place"]])]
    assert kharkiv
    assert kharkiv[0]["article_id"] == "kharkiv-1"
    assert kharkiv[0]["time"]["value"] == "2023-05-12"


def test_events_csv(db, config):
    out = ok("events", "--db", db, "--format", "csv", "--config", config).stdout
    reader = csv.DictReader(io.StringIO(out))
    assert tuple(reader.fieldnames) == CSV_COLUMNS
    rows = list(reader)
    assert len(rows) == store_counts(db)["events"]
    kharkiv = [r for r in rows if r["location"] == "Kharkiv"]
    assert kharkiv
    assert kharkiv[0]["event_date"] == "2023-05-12"
    assert abs(float(kharkiv[0]["latitude"]) - KHARKIV[0]) <= 0.2
    assert abs(float(kharkiv[0]["longitude"]) - KHARKIV[1]) <= 0.2


def test_events_geojson(db, config):
    fc = json.loads(ok("events", "--db", db, "--format", "geojson", "--config", config).stdout)
    assert fc["type"] == "FeatureCollection"
    assert len(fc["features"]) + fc["skipped_without_coordinates"] == store_counts(db)["events"]
    points = [f["geometry"]["coordinates"] for f in fc["features"]]
    assert all(f["geometry"]["type"] == "Point" for f in fc["features"])
    # [lon, lat] order
    assert any(abs(lon - KHARKIV[1]) <= 0.2 and abs(lat - KHARKIV[0]) <= 0.2 for lon, lat in points)


def test_events_table(db, config):
    out = ok("events", "--db", db, "--config", config).stdout
    assert f"{store_counts(db)['events']} events" in out
    assert "Kharkiv" in out
    assert "2023-05-12" in out


def test_events_near(db, config):
    rows = json.loads(ok("events", "--db", db, "--near", "49.99,36.23,50", "-f", "json", "--config", config).stdout)
    assert any(kharkiv_places([r["place"]]) for r in rows)
    for r in rows:
        assert haversine_km(*KHARKIV, r["place"]["lat"], r["place"]["lon"]) <= 50
    assert all(r["article_id"] == "kharkiv-1" for r in rows)

    none = json.loads(ok("events", "--db", db, "--near", "0,0,10", "-f", "json", "--config", config).stdout)
    assert none == []


def test_events_filters(db, config):
    def query(*args):
        return json.loads(ok("events", "--db", db, "-f", "json", "--config", config, *args).stdout)

    assert {r["article_id"] for r in query("--since", "2023-05-11")} == {"kharkiv-1"}
    assert query("--until", "2023-01-01") == []
    assert len(query("--limit", "1")) == 1


@pytest.mark.parametrize("value", ["bad", "49.99,36.23", "1,2,3,4", "a,b,c"])
def test_events_near_bad(db, config, value):
    result = invoke("events", "--db", db, "--near", value, "--config", config)
    assert result.exit_code == 2
    assert result.stdout == ""
    msg = flat(result.stderr)
    assert "--near" in msg
    assert "lat,lon,km" in msg  # the API's message (sitreps.filters.parse_near)


def test_events_bad_format(db, config):
    result = invoke("events", "--db", db, "--format", "xml", "--config", config)
    assert result.exit_code == 2


def test_export_jsonl(db, config, tmp_path):
    target = tmp_path / "out" / "articles.jsonl"
    target.parent.mkdir()
    result = ok("export", "--format", "jsonl", "-o", target, "--db", db, "--config", config)
    assert result.stdout == ""
    assert str(target) in flat(result.stderr)
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == store_counts(db)["articles"] == 2
    docs = [json.loads(line) for line in lines]
    assert all(d["schema"] == "sitreps/3" for d in docs)
    assert [d["id"] for d in docs] == ["kharkiv-1", "lviv-1"]
    for d in docs:
        assert_offsets(d)


def test_export_jsonl_to_stdout(db, config):
    lines = ok("export", "--db", db, "--config", config).stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["kharkiv-1", "lviv-1"]


def test_export_csv(db, config, tmp_path):
    target = tmp_path / "events.csv"
    ok("export", "--format", "csv", "-o", target, "--db", db, "--config", config)
    with target.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames) == CSV_COLUMNS
        rows = list(reader)
    assert len(rows) == store_counts(db)["events"]
    assert "Kharkiv" in {r["location"] for r in rows}


def test_export_geojson(db, config, tmp_path):
    target = tmp_path / "events.geojson"
    ok("export", "--format", "geojson", "-o", target, "--db", db, "--config", config)
    fc = json.loads(target.read_text(encoding="utf-8"))
    assert fc["type"] == "FeatureCollection"
    assert fc["features"]
    assert len(fc["features"]) + fc["skipped_without_coordinates"] == store_counts(db)["events"]


def test_export_bad_format(db, config, tmp_path):
    target = tmp_path / "x.out"
    result = invoke("export", "--format", "xml", "-o", target, "--db", db, "--config", config)
    assert result.exit_code == 2
    assert not target.exists()


# -- demo -----------------------------------------------------------------------------------------


def test_demo(tmp_path, config):
    db = tmp_path / "demo.db"
    result = ok("demo", "--db", db, "--config", config)
    msg = flat(result.stderr)
    assert "wire.jsonl:3: read.no_text" in msg
    assert "5 new, 0 updated, 0 unchanged, 1 failed" in msg
    assert "events" in result.stdout  # the events table
    counts = store_counts(db)
    assert counts["articles"] == 5
    assert counts["failures"] == 1
    assert counts["events"] >= 1
    with open_store(db) as store:
        ids = {d["id"] for d in store.iter_documents()}
        failures = store.failures()
    assert {"sample-bakhmut-1", "sample-odesa-2"} <= ids
    assert [(f["id"], f["code"]) for f in failures] == [("sample-empty-3", "read.no_text")]
    # two outlets tell the market strike in their own words: one incident, two sources
    assert counts["clusters"] == 4
    with open_store(db) as store:
        (sources,) = store._conn.execute(
            "SELECT c.corroboration FROM link_docs d JOIN clusters c ON c.id = d.cluster_id"
            " WHERE d.article_id = 'sample-market-agency'"
        ).fetchone()
    assert sources == 2


# -- hostile input: nothing sinks a batch ---------------------------------------------------------


def _hostile_folder(root: pathlib.Path) -> dict[str, str]:
    """Inputs that once crashed or stalled a batch, beside good ones; returns {record: code}
    for the records that must be refused (the rest must be stored)."""
    def jsonl(name, *records):
        (root / name).write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in records), encoding="utf-8")

    (root / "good.txt").write_text(KHARKIV_TEXT, encoding="utf-8")
    jsonl("surrogates.jsonl", '{"id": "sur\\ud800", "title": "\\udfff", "text": "Shelling hit Kharkiv \\ud800 on Friday."}')
    jsonl(
        "dates.jsonl",
        {"id": "year-1", "published": "0001-01-01", "text": "Russian troops shelled Kharkiv last week and will again tomorrow."},
        {"id": "year-1-b", "published": "0001-01-01", "text": "Russian troops shelled Kharkiv on January 1."},
        {"id": "year-9999", "published": "9999-12-31", "text": "Russian troops will shell Kharkiv tomorrow."},
        {"id": "far-past", "published": "2022-05-01", "text": "Shelling went on over the past 5000 years in Kharkiv."},
        {"id": "far-days", "published": "2022-05-01", "text": "Shelling went on for the past 99999999999 days in Kharkiv."},
    )
    jsonl(
        "counts.jsonl",
        {"id": "huge-toll", "text": "Russian shelling killed 123456789012345678901234567890 people in Kharkiv on Monday."},
        {"id": "long-toll", "text": "Russian shelling killed " + "9" * 5001 + " people in Kharkiv on Monday."},
    )
    jsonl(
        "ids.jsonl",
        {"id": 7, "text": "An integer id."},
        {"id": "7", "text": "A string id."},
        '{"id": 1' + "0" * 5000 + ', "text": "A very long integer id."}',
        {"id": "twice", "text": "The first text."},
        {"id": "twice", "text": "Another text under the same id."},
        {"id": "both", "text": "Shelling hit Kharkiv on Friday.", "html": "<p>Other words.</p>"},
        {"id": "list-text", "text": ["not", "a", "string"]},
    )
    (root / "nested.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    jsonl("markup.jsonl", {"id": "[/]markup[bold]", "url": "https://x.example/[/]",
                           "text": 'The mayor said: "Shelling [in Bakhmut] went on [/] all night."'})
    if os.name == "posix":
        (root / os.fsdecode(b"bad-name-\xff.txt")).write_text(LVIV_TEXT, encoding="utf-8")
    return {"ids.jsonl:1": "read.bad_field", "ids.jsonl:3": "read.bad_json", "ids.jsonl:5": "read.duplicate_id",
            "ids.jsonl:7": "read.bad_field", "nested.json": "read.bad_json"}


def test_a_batch_of_hostile_inputs_stores_every_good_record_and_reports_each_bad_one(tmp_path, config):
    folder = tmp_path / "in"
    folder.mkdir()
    refused = _hostile_folder(folder)
    db = tmp_path / "x.db"
    result = ok("ingest", folder, "--db", db, "--config", config)
    assert "Traceback" not in result.stderr and "pipeline.crash" not in result.stderr, result.stderr
    with open_store(db) as store:
        failures = {pathlib.Path(f["origin"]).name: f["code"] for f in store.failures()}
        stored = {d["id"] for d in store.iter_documents()}
    assert failures == refused
    assert {"sur\ufffd", "year-1", "year-1-b", "year-9999", "far-past", "far-days", "huge-toll", "long-toll",
            "7", "twice", "both", "[/]markup[bold]"} <= stored
    assert len(stored) == 12 + 1 + (os.name == "posix")  # and good.txt (and the badly named file)
    again = ok("ingest", folder, "--db", db, "--config", config)
    assert f"0 new, 0 updated, {len(stored)} unchanged, {len(refused)} failed" in flat(again.stderr)
    ok("link", "--rebuild", "--db", db, "--config", config)


def test_text_output_shows_user_text_verbatim(tmp_path, config):
    path = tmp_path / "markup.jsonl"
    path.write_text(json.dumps({"id": "[/]x", "text": 'The mayor said: "Shelling [in Bakhmut] went on [/] all night."'}),
                    encoding="utf-8")
    result = ok("analyze", path, "--format", "text", "--config", config)
    assert "[/]x" in result.stdout and "[in Bakhmut]" in result.stdout


def test_an_ingest_killed_midway_leaves_a_store_that_a_rerun_completes(tmp_path, config):
    """kill -9 during `sitreps ingest`, then the same command again: the store equals the one an
    uninterrupted run makes (same articles, same events)."""
    import signal
    import subprocess
    import sys

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(40):
        (folder / f"{i:03d}.txt").write_text(f"Report {i}. " + KHARKIV_TEXT + LVIV_TEXT, encoding="utf-8")
    exe = [sys.executable, "-c", "from sitreps.cli import app; app()"]

    def ingest(db, kill_after=None):
        proc = subprocess.Popen([*exe, "ingest", str(folder), "--db", str(db), "--config", str(config)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if kill_after is not None:
            deadline = time.time() + 120
            while time.time() < deadline and proc.poll() is None:
                if db.exists() and store_counts(db)["articles"] >= kill_after:
                    break
                time.sleep(0.05)
            proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=300)
        return proc.returncode, err.decode("utf-8", "replace")

    def contents(db):
        with open_store(db) as store:
            return sorted((d["id"], tuple(sorted(e["id"] for e in d["events"]))) for d in store.iter_documents())

    code, _ = ingest(tmp_path / "killed.db", kill_after=5)
    assert code == -signal.SIGKILL
    assert 0 < store_counts(tmp_path / "killed.db")["articles"] < 40
    code, err = ingest(tmp_path / "killed.db")
    assert code == 0 and "Traceback" not in err, err
    assert ingest(tmp_path / "whole.db")[0] == 0
    assert contents(tmp_path / "killed.db") == contents(tmp_path / "whole.db")


def test_ingest_with_several_workers_stores_what_one_worker_stores(messy, tmp_path, small_config):
    for i in range(8):
        (messy / f"report-{i}.txt").write_text(f"Report {i}. " + (KHARKIV_TEXT if i % 2 else LVIV_TEXT), encoding="utf-8")

    def contents(db):
        with open_store(db) as store:
            docs = sorted(({k: v for k, v in d.items() if k not in ("ingested_at", "updated_at")}
                           for d in store.iter_documents()), key=lambda d: d["id"])
            failures = sorted((f["origin"], f["code"]) for f in store.failures())
        return docs, failures

    one = ok("ingest", messy, "--db", tmp_path / "one.db", "--workers", "1", "--config", small_config)
    two = ok("ingest", messy, "--db", tmp_path / "two.db", "--workers", "2", "--config", small_config)
    assert "11 new, 0 updated, 0 unchanged, 4 failed" in flat(one.stderr)
    assert flat(two.stderr).replace("two.db", "one.db") == flat(one.stderr)
    assert contents(tmp_path / "two.db") == contents(tmp_path / "one.db")
    bad = invoke("ingest", messy, "--db", tmp_path / "x.db", "--workers", "-1", "--config", small_config)
    assert bad.exit_code == 2 and "--workers" in flat(bad.stderr)


def test_ingest_on_a_scheduler_without_dask_names_the_extra_to_install(tmp_path, config, monkeypatch):
    import sys

    for name in ("dask", "distributed"):
        monkeypatch.setitem(sys.modules, name, None)  # an import of either now fails, as when not installed
    monkeypatch.delitem(sys.modules, "sitreps.parallel", raising=False)
    (tmp_path / "a.txt").write_text(KHARKIV_TEXT, encoding="utf-8")
    result = invoke("ingest", tmp_path / "a.txt", "--db", tmp_path / "x.db", "--scheduler", "tcp://127.0.0.1:8786",
                    "--config", config)
    assert result.exit_code == 2 and "pip install 'sitreps[cluster]'" in flat(result.stderr)
    assert not (tmp_path / "x.db").exists()
    both = invoke("ingest", tmp_path / "a.txt", "--db", tmp_path / "x.db", "--scheduler", "tcp://127.0.0.1:8786",
                  "--workers", "2", "--config", config)
    assert both.exit_code == 2 and "not both" in flat(both.stderr)


def test_analyze_with_several_workers_keeps_the_input_order(tmp_path, small_config):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(6):
        (folder / f"{i}.txt").write_text(f"Report {i}. " + KHARKIV_TEXT, encoding="utf-8")
    one = ok("analyze", folder, "--format", "jsonl", "--workers", "1", "--config", small_config).stdout
    two = ok("analyze", folder, "--format", "jsonl", "--workers", "2", "--config", small_config).stdout
    assert [json.loads(line)["id"] for line in two.splitlines()] == [json.loads(line)["id"] for line in one.splitlines()]
    assert two == one


# -- where: country, admin1, admin2, place, in events and export alike --------------------------------


@pytest.fixture(scope="module")
def where_db(tmp_path_factory):
    """The hand-built events of the API's where tests (test_store.where_docs): no model needed."""
    path = tmp_path_factory.mktemp("where") / "x.db"
    with open_store(path) as store:
        for doc in where_docs():
            store.save(doc)
    return path


def where_ids(command: str, db, config, *args) -> list[str]:
    if command == "events":
        return [e["id"] for e in json.loads(ok("events", "--db", db, "--config", config, "-f", "json", *args).stdout)]
    out = ok("export", "--db", db, "--config", config, "-f", "csv", *args).stdout
    return [row["event_id_cnty"] for row in csv.DictReader(io.StringIO(out))]


def test_events_and_export_take_the_same_filters():
    from typer.main import get_command

    commands = get_command(app).commands
    options = {name: {p.name for p in commands[name].params} for name in ("events", "export")}
    assert options["events"] - {"limit"} == options["export"] - {"output"}
    assert {"country", "admin1", "admin2", "place", "bbox", "near", "type", "certainty"} <= options["export"]


@pytest.mark.parametrize("command", ["events", "export"])
@pytest.mark.parametrize("args, expected", [
    (["--country", "UA"], ["ev-w1", "ev-w2", "ev-w3", "ev-w4", "ev-w5"]),
    (["--country", "ukraine", "--admin1", "donetsk"], ["ev-w1", "ev-w2"]),
    (["--admin1", "Kharkiv Oblast"], ["ev-w3"]),
    (["--admin1", "Kyiv"], ["ev-w4"]),
    (["--admin2", "bakhmut"], ["ev-w1"]),
    (["--place", "g-Kramatorsk"], ["ev-w2"]),
    (["--place", "KUPIANSK"], ["ev-w3"]),
    (["--admin1", "Donetsk Oblast", "--type", "battles"], ["ev-w2"]),
    (["--country", "RU"], []),  # a country with no events stored: nothing, not an error
    (["--country", "UA", "--bbox", "29.9,50.02,30.1,50.5"], ["ev-w2"]),
])  # fmt: skip
def test_where_filters_on_the_command_line(where_db, config, command, args, expected):
    assert where_ids(command, where_db, config, *args) == expected


def test_the_command_line_takes_every_filter_of_the_api_and_the_map_page():
    from typer.main import get_command

    from sitreps.filters import FILTERS

    commands = get_command(app).commands
    for name in ("events", "export"):
        options = {p.name for p in commands[name].params}
        assert set(FILTERS) <= options, set(FILTERS) - options


@pytest.mark.parametrize("command", ["events", "export"])
@pytest.mark.parametrize("args, expected", [
    (["--q", "Kramatorsk"], ["ev-w2"]),  # words of the article
    (["--q", "depot Bucha"], ["ev-w5"]),  # every word
    (["--actor", "XB.MIL", "--admin1", "Kyiv"], ["ev-w4"]),  # an actor id
    (["--actor", "army of", "--place", "Kupiansk"], ["ev-w3"]),  # part of a name
    (["--actor", "civilians", "--place", "Kupiansk"], ["ev-w3"]),  # a target
    (["--actor", "RUS.MIL"], []),
    (["--subtype", "shelling/artillery/missile attack", "--admin2", "Bakhmut"], ["ev-w1"]),
    (["--type", "Explosions/Remote violence", "--subtype", "Armed clash"], []),
    (["--min-corroboration", "1"], []),  # nothing is linked in this store
])  # fmt: skip
def test_words_actors_subtypes_and_outlets_on_the_command_line(where_db, config, command, args, expected):
    assert where_ids(command, where_db, config, *args) == expected


@pytest.mark.parametrize("command", [["events"], ["export", "-f", "csv"]])
@pytest.mark.parametrize("args, words", [
    (["--min-corroboration", "0"], ["--min-corroboration", "a whole number from 1"]),
    (["--min-corroboration", "two"], ["--min-corroboration", "a whole number from 1"]),
    (["--q", "  "], ["--q", "at least one word"]),
    (["--subtype", "Armed clashes"], ["--subtype", "did you mean 'Armed clash'"]),
    (["--type", "air/drone strike", "--subtype", "Armed clash"], ["--type", "give one"]),
])  # fmt: skip
def test_bad_words_actors_subtypes_and_outlets_are_usage_errors(where_db, config, command, args, words):
    result = invoke(*command, "--db", where_db, "--config", config, *args)
    assert result.exit_code == 2, result.stdout
    assert result.stdout == ""
    for word in words:
        assert word in flat(result.stderr), result.stderr


def test_events_says_when_it_stopped_at_the_limit_and_how_to_get_all(where_db, config):
    result = ok("events", "--db", where_db, "--config", config, "-f", "csv", "--limit", "2")
    assert len(list(csv.DictReader(io.StringIO(result.stdout)))) == 2
    message = flat(result.stderr)
    assert "stopped at --limit 2: 7 events match" in message
    assert "--limit 0 lists them all" in message and "sitreps export --format csv" in message

    every = ok("events", "--db", where_db, "--config", config, "-f", "jsonl", "--limit", "0")
    assert [json.loads(line)["id"] for line in every.stdout.splitlines()] == [f"ev-w{i}" for i in range(1, 8)]
    assert "stopped" not in every.stderr
    exactly = ok("events", "--db", where_db, "--config", config, "-f", "json", "--limit", "7")
    assert len(json.loads(exactly.stdout)) == 7 and "stopped" not in exactly.stderr
    assert invoke("events", "--db", where_db, "--config", config, "--limit", "-1").exit_code == 2


@pytest.mark.parametrize("command", ["events", "export"])
def test_min_corroboration_counts_the_outlets_of_the_events_incident(tmp_path, config, command):
    from test_store_clusters import corpus, link_all

    db = tmp_path / "linked.db"
    link_all(db, corpus())  # three incidents told by three, two and one outlets
    assert where_ids(command, db, config, "--min-corroboration", "3") == ["ev-dam-0", "ev-dam-1", "ev-dam-2"]
    assert len(where_ids(command, db, config, "--min-corroboration", "2")) == 5
    assert where_ids(command, db, config, "--min-corroboration", "4") == []
    as_csv = ["-f", "csv"] if command == "export" else []
    result = invoke(command, "--db", db, "--config", config, *as_csv, "--min-corroboration", "0")
    assert result.exit_code == 2 and "--min-corroboration" in flat(result.stderr)
    assert "from 1 to" in flat(result.stderr)
    if command == "export":  # articles are not events: a 0 is still a filter given, refused
        result = invoke(command, "--db", db, "--config", config, "--min-corroboration", "0")
        assert result.exit_code == 2 and "--min-corroboration choose events" in flat(result.stderr)


@pytest.mark.parametrize("command", [["events"], ["export", "-f", "geojson"]])
@pytest.mark.parametrize("args, words", [
    (["--country", "Ukriane"], ["--country", "did you mean 'UA' (Ukraine)?"]),
    (["--admin1", "Donetks"], ["--admin1", "no events in 'Donetks' in this store", "did you mean 'Donetsk Oblast'?"]),
    (["--admin2", "Kramatorks"], ["--admin2", "did you mean 'Kramatorsk Raion'?"]),
    (["--place", "Bakhmutt"], ["--place", "did you mean 'Bakhmut'?"]),
    (["--bbox", "30,50"], ["--bbox", "minlon,minlat,maxlon,maxlat"]),
    (["--certainty", "hedged", "--include-unhappened"], ["--certainty", "not both"]),
])  # fmt: skip
def test_a_where_value_the_store_lacks_is_a_usage_error(where_db, config, command, args, words):
    result = invoke(*command, "--db", where_db, "--config", config, *args)
    assert result.exit_code == 2, result.stdout
    assert result.stdout == ""
    for word in words:
        assert word in flat(result.stderr), result.stderr


def test_export_geojson_and_unhappened_events_by_filter(where_db, config, tmp_path):
    target = tmp_path / "donetsk.geojson"
    ok("export", "--db", where_db, "--config", config, "-f", "geojson", "-o", target, "--admin1", "donetsk")
    fc = json.loads(target.read_text(encoding="utf-8"))
    assert [f["id"] for f in fc["features"]] == ["ev-w1", "ev-w2"]
    every = where_ids("export", where_db, config, "--include-unhappened")
    assert every == where_ids("events", where_db, config, "--certainty", "asserted,confirmed,reported,hedged,possible,negated")


def test_export_of_articles_takes_no_event_filter(where_db, config, tmp_path):
    result = invoke("export", "--db", where_db, "--config", config, "--country", "UA", "-o", tmp_path / "x.jsonl")
    assert result.exit_code == 2
    assert "--country choose events" in flat(result.stderr) and "csv or geojson" in flat(result.stderr)
    assert not (tmp_path / "x.jsonl").exists()


# -- mistakes are errors, never an empty answer ---------------------------------------------------


@pytest.fixture(scope="module")
def filled_db(tmp_path_factory, config):
    db = tmp_path_factory.mktemp("filled") / "x.db"
    folder = db.parent / "in"
    folder.mkdir()
    (folder / "kharkiv.txt").write_text(KHARKIV_TEXT, encoding="utf-8")
    ok("ingest", folder, "--db", db, "--config", config)
    return db


@pytest.mark.parametrize("args, words", [
    (["--type", "Shelling"], ["--type", "did you mean 'Shelling/artillery/missile attack'"]),
    (["--type", "Fighting"], ["--type", "no type", "Known:"]),
    (["--certainty", "sure"], ["--certainty", "unknown 'sure'", "asserted"]),
    (["--since", "24/02/2022"], ["--since", "YYYY-MM-DD"]),
    (["--since", "last week"], ["--since", "YYYY-MM-DD"]),
    (["--since", "2022-02-30"], ["--since", "not a calendar date"]),
    (["--since", "2022-13"], ["--since", "no month 13"]),
    (["--since", "2022-12", "--until", "2022-11"], ["after until"]),
])  # fmt: skip
def test_a_filter_that_matches_nothing_it_could_mean_is_a_usage_error(filled_db, config, args, words):
    result = invoke("events", "--db", filled_db, "--config", config, *args)
    assert result.exit_code == 2, result.stdout
    for word in words:
        assert word in flat(result.stderr), result.stderr


def test_filters_take_any_case_and_sub_event_types(filled_db, config):
    shelling = json.loads(ok("events", "--db", filled_db, "--config", config, "--type", "shelling/artillery/missile attack",
                             "--format", "json").stdout)
    assert shelling and {e["subtype"] for e in shelling} == {"Shelling/artillery/missile attack"}
    typed = json.loads(ok("events", "--db", filled_db, "--config", config, "--type", "explosions/remote violence",
                          "--format", "json").stdout)
    assert [e["id"] for e in typed] == [e["id"] for e in shelling]


@pytest.mark.parametrize("command", [["events"], ["export", "--format", "csv"], ["link"], ["serve", "--port", "1"]])
def test_reading_commands_never_create_a_store(tmp_path, config, command):
    db = tmp_path / "no" / "such" / "dir" / "x.db"
    result = invoke(*command, "--db", db, "--config", config)
    assert result.exit_code == 2 and "no store at" in flat(result.stderr) and "sitreps ingest" in flat(result.stderr)
    assert not (tmp_path / "no").exists()


def test_a_database_url_is_a_path_or_a_clear_error(tmp_path, config, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.txt").write_text(KHARKIV_TEXT, encoding="utf-8")
    ok("ingest", "in.txt", "--db", "sqlite:///here.db", "--config", config)
    assert (tmp_path / "here.db").is_file() and not (tmp_path / "sqlite:").exists()
    for url, words in [
        ("postgresql://user:s3cret@127.0.0.1:1/db", "cannot connect to the PostgreSQL store postgresql://user:***@"),
        (f"postgresql://user@/db?host={tmp_path}/none&password=s3cret", "cannot connect to the PostgreSQL store"),
        ("postgresql://user:s3cret@[::1/db", "not a PostgreSQL URL"),
        ("mysql://user@host/db", "not a store this version can open"),
    ]:
        for command in (["events"], ["ingest", "in.txt"], ["export", "--format", "csv"], ["link"]):
            result = invoke(*command, "--db", url, "--config", config)
            assert result.exit_code == 2 and words in flat(result.stderr), (command, url, result.stderr)
            assert "s3cret" not in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["here.db", "in.txt"]  # nothing named after a URL


def test_a_postgresql_store_through_every_command(tmp_path, config, postgres_url):
    """ingest, events, export and link on a PostgreSQL database give what they give on SQLite;
    $SITREPS_DB names the store as --db does."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i, text in enumerate((KHARKIV_TEXT, LVIV_TEXT, CYRILLIC_TEXT)):
        (folder / f"{i}.txt").write_text(text, encoding="utf-8")
    sqlite_db = tmp_path / "s.db"
    for db in (postgres_url, sqlite_db):
        assert "3 new" in flat(ok("ingest", folder, "--db", db, "--workers", "1", "--config", config).stderr)
        assert "0 new, 0 updated, 3 unchanged" in flat(ok("ingest", folder, "--db", db, "--config", config).stderr)
    assert store_counts(postgres_url) == store_counts(sqlite_db)

    def outputs(db):
        got = [ok("events", "--db", db, "--format", "jsonl", "--config", config).stdout,
               ok("events", "--db", db, "--near", "50.0,36.2,50", "--q", "shelled", "--format", "csv", "--config", config).stdout,
               ok("export", "--db", db, "--format", "geojson", "--config", config).stdout,
               ok("link", "--rebuild", "--db", db, "--config", config).stderr]  # fmt: skip
        return [re.sub(r'"ingested_at": "[^"]*"|\d{10}', "", g) for g in got]  # when stored differs

    assert outputs(postgres_url) == outputs(sqlite_db)
    via_env = RUNNER.invoke(app, ["events", "--format", "jsonl", "--config", str(config)], env={"SITREPS_DB": postgres_url})
    assert via_env.exit_code == 0 and len(via_env.stdout.splitlines()) == len(outputs(sqlite_db)[0].splitlines())


def test_several_ingest_processes_at_once_store_every_article_once(tmp_path, config, postgres_url):
    """Three `sitreps ingest` processes on overlapping inputs, into one PostgreSQL database at
    the same time: each article is new in exactly one of them, and the store holds what one
    process ingesting everything makes."""
    import subprocess
    import sys

    folder = tmp_path / "in"
    folder.mkdir()
    files = []
    for i in range(24):
        files.append(folder / f"{i:03d}.txt")
        files[-1].write_text(f"Report {i}. " + (KHARKIV_TEXT if i % 2 else LVIV_TEXT), encoding="utf-8")
    shares = [files[:16], files[8:], files[::3]]
    exe = [sys.executable, "-c", "from sitreps.cli import app; app()"]
    env = {**os.environ, "COLUMNS": "400", "NO_COLOR": "1"}
    procs = [subprocess.Popen([*exe, "ingest", *map(str, share), "--db", postgres_url, "--workers", "1",
                               "--config", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
             for share in shares]  # fmt: skip
    errs = [p.communicate(timeout=600)[1].decode("utf-8", "replace") for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], errs
    new = [int(re.search(r"(\d+) new, (\d+) updated, (\d+) unchanged, (\d+) failed", flat(e)).group(1)) for e in errs]
    assert sum(new) == len(files), errs
    ok("ingest", *files, "--db", tmp_path / "one.db", "--workers", "1", "--config", config)

    def contents(db):
        with open_store(db) as store:
            docs = sorted(({k: v for k, v in d.items() if k != "ingested_at"} for d in store.iter_documents()),
                          key=lambda d: d["id"])
            return docs, store.counts()["events"], store.counts()["places"]

    assert contents(postgres_url) == contents(tmp_path / "one.db")
    with open_store(postgres_url) as store:
        from sitreps.store.clusters import pending

        assert pending(store) == 0  # every article linked, by whichever process came last


def _commands(group, path=()):
    import click

    for name, cmd in getattr(group, "commands", {}).items():
        yield path + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, path + (name,))


def test_help_keeps_every_bracketed_phrase():
    """Rich reads "[default: x]" in a help string as a markup tag and drops it unless escaped."""
    import typer

    checked = 0
    for path, cmd in _commands(typer.main.get_command(app)):
        phrases = [p.replace("\\[", "[") for param in cmd.params
                   for p in re.findall(r"\\?\[[^\]]+\]", getattr(param, "help", None) or "")]
        if not phrases:
            continue
        shown = flat(RUNNER.invoke(app, [*path, "--help"]).stdout)
        for phrase in phrases:
            assert phrase in shown, (path, phrase)
            checked += 1
    assert checked >= 4
