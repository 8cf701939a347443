"""Generated hostile input for the parts that take text from outside: the readers, the time
normaliser, the count parser, the cursor decoder and the API's query parameters (over a SQLite
and a PostgreSQL store). Each must give a record, a reading or a 4xx answer, never raise or
answer 500.

The CI slice runs the same few hundred examples every time, in well under a minute; `make fuzz`
runs the long profile (HYPOTHESIS_PROFILE=long), new examples each run. No model is needed:
these parts run without spaCy.
"""

from __future__ import annotations

import json
import os
import warnings
from datetime import date

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from sitreps.settings import load_settings  # noqa: E402
from sitreps.stages._counts import find_counts  # noqa: E402
from sitreps.stages.read import read_bytes, read_record  # noqa: E402
from sitreps.stages.times import read_time  # noqa: E402

# CI draws the same examples every run (a red build means a change broke something, never luck);
# the long profile draws new ones each time, to find what CI's examples miss
settings.register_profile("ci", max_examples=150, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

SETTINGS = load_settings()

# words and numbers the parsers look for, mixed with anything
WORDS = st.sampled_from([
    "killed", "wounded", "dead", "people", "soldiers", "civilians", "the past", "last", "next", "ago", "days",
    "weeks", "years", "since", "on", "Monday", "tomorrow", "January", "2022", "0001", "9999", "-", "/", ",",
    "more than", "up to", "dozens", "hundreds", "\ud800", "\x00", "[/]", "\n", "  ",
])  # fmt: skip
NUMBERS = st.integers(min_value=-10, max_value=10**40).map(str) | st.just("9" * 5001)
HOSTILE_TEXT = st.lists(WORDS | NUMBERS | st.text(max_size=8), max_size=30).map(" ".join)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)
RECORD_KEYS = st.sampled_from(["id", "url", "title", "published", "text", "html", "other"])


@given(data=st.binary(max_size=2000), kind=st.sampled_from([None, "text", "html", "json", "jsonl"]))
def test_readers_give_records_for_any_bytes(data, kind):
    for article in read_bytes(data, SETTINGS, origin="<fuzz>", kind=kind):
        assert isinstance(article.id, str) and article.id
        assert article.failed or (article.text or "").encode("utf-8")  # storable text


@given(record=st.dictionaries(RECORD_KEYS, JSON | HOSTILE_TEXT, max_size=6))
def test_a_record_of_any_shape_is_read_or_refused(record):
    article = read_record(record, origin="<fuzz>")
    assert isinstance(article.id, str)
    assert all(isinstance(getattr(article, f), (str, type(None))) for f in ("text", "url", "title"))
    if not article.failed:
        assert article.text.encode("utf-8") and article.id.encode("utf-8")


@given(lines=st.lists(JSON.map(lambda v: json.dumps(v)) | HOSTILE_TEXT, max_size=6))
def test_json_lines_of_anything(lines):
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    assert list(read_bytes(data, SETTINGS, origin="<fuzz>", kind="jsonl")) is not None


@given(text=HOSTILE_TEXT, published=st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)) | st.none())
def test_time_phrases_read_or_stay_unknown(text, published):
    reading = read_time(text, published)
    if reading is not None and reading.value:
        assert reading.value[:1].isdigit() or reading.value.startswith("P")


@given(text=HOSTILE_TEXT)
def test_counts_of_any_size(text):
    for phrase in find_counts(text, 0, len(text)):
        assert phrase.count.low is None or 0 <= phrase.count.low < 10**9


# -- the API --------------------------------------------------------------------------------------

pytest.importorskip("fastapi")
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2")
    from fastapi.testclient import TestClient  # noqa: E402

from sitreps.api import create_app  # noqa: E402
from sitreps.filters import FilterError, decode_cursor  # noqa: E402


@given(value=st.text(max_size=300) | st.binary(max_size=300).map(lambda b: __import__("base64").urlsafe_b64encode(b).decode()))
def test_cursor_decoder_refuses_what_it_did_not_give(value):
    try:
        decode_cursor(value)
    except FilterError as exc:  # the API answers it as a 422 (test_api: garbage cursors)
        assert str(exc).startswith("cursor:")


PARAMS = st.sampled_from(["type", "subtype", "since", "until", "country", "admin1", "admin2", "place", "bbox",
                          "near", "actor", "certainty", "min_corroboration", "q", "include_background",
                          "include_copies", "limit", "cursor", "format", "unknown"])  # fmt: skip
VALUES = HOSTILE_TEXT | NUMBERS | st.sampled_from(["2022-13-45", "2022-02-30", "1,2,3,4", "91,0,1", "-5", "true", ""])


@pytest.fixture(scope="module")
def client(module_store_target):
    """The API over test_api's five events, once per backend (SQLite, PostgreSQL: see
    tests/conftest.py), so that every filter has rows to run over."""
    from test_api import docs

    from sitreps.store import open_store

    with open_store(module_store_target) as store:
        for doc in docs():
            store.save(doc)
    with TestClient(create_app(module_store_target)) as c:
        yield c


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None)
@given(params=st.lists(st.tuples(PARAMS, VALUES), max_size=5),
       path=st.sampled_from(["/api/events", "/api/stats", "/", "/api/events/x", "/api/clusters/a/b"]))
def test_query_strings_never_break_the_api(client, params, path):
    assume(sum(len(k) + len(v) for k, v in params) < 20_000)  # the client refuses longer URLs
    r = client.get(path, params=[(k, v.encode("utf-8", "replace").decode("utf-8")) for k, v in params])
    assert r.status_code < 500, (path, params, r.text[:500])
    if r.status_code >= 400 and r.headers.get("content-type", "").startswith("application/json"):
        assert set(r.json()) == {"error"}
