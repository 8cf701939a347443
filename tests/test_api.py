"""The JSON API on a temporary store of hand-built documents (no model, no server, no network),
and the page queries under it (store/queries.py). The tests that take `store_path` (or a client
made from one) run on SQLite and on PostgreSQL (tests/conftest.py)."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
import warnings
from dataclasses import replace

import pytest
from test_store import ALDER, BIRCH, CEDAR, make_doc, where_docs

pytest.importorskip("fastapi")
pytest.importorskip("fastapi_offline")
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2")  # Starlette now prefers httpx2; httpx works
    from fastapi.testclient import TestClient

from sitreps.api import create_app, decode_cursor, encode_cursor
from sitreps.records import Document
from sitreps.serialize import document_dict
from sitreps.settings import load_settings, with_overrides
from sitreps.store import open_store, queries
from sitreps.store.queries import EventFilter, event_page, open_reader

TOKEN = "s3cret-token"


def docs() -> list[Document]:
    """Five articles, one event each: three towns, one interval, one undated and unplaced."""
    return [
        make_doc("a1", extra=" Firefighters worked through the night."),
        make_doc("a2", town="Birch", coords=BIRCH, value="2022-11-15", event_type="Battles", certainty="hedged"),
        make_doc("a3", town="Cedar", coords=CEDAR, value="2022-12-02T06:00", certainty="confirmed",
                 extra=" The bridge was reopened to traffic."),
        make_doc("a4", value="2022-10-28/2022-11-03", grain="interval"),
        make_doc("a5", town="Nowhere", coords=None, value=None, grain=None, certainty="hedged"),
    ]  # fmt: skip


ORDER = ["ev-a4", "ev-a1", "ev-a2", "ev-a3", "ev-a5"]  # by date, then id; undated last


@pytest.fixture
def store_path(store_target):
    """The store of `docs()`: a SQLite file or a PostgreSQL URL."""
    path = store_target
    with open_store(path) as store:
        for doc in docs():
            store.save(doc)
    return path


@pytest.fixture
def settings():
    return load_settings()


@pytest.fixture
def client(store_path, settings):
    with TestClient(create_app(store_path, settings)) as c:
        c.store_target = str(store_path)
        yield c


def fake_pipeline(seen: list | None = None):
    """Stands in for the sitreps pipeline: a hand-built analysis of whatever article it gets;
    an article that could not be read comes back failed, as from the real one."""

    def run(article):
        if seen is not None:
            seen.append(article)
        if article.failed:
            return Document(article=article, notes=article.notes)
        doc = make_doc(article.id)
        return replace(
            doc, article=replace(doc.article, url=article.url, title=article.title, origin=article.origin)
        )

    return run


@pytest.fixture
def writer(store_path, settings):
    seen: list = []
    with TestClient(create_app(store_path, settings, token=TOKEN, pipeline=fake_pipeline(seen))) as c:
        c.seen = seen
        yield c


def ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [e["id"] for e in response.json()["events"]]


def assert_error(response, status: int, code: str, *words: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "status"}
    assert body["error"]["code"] == code
    assert body["error"]["status"] == status
    for word in words:
        assert word in body["error"]["message"]


# -- GET /api/events --------------------------------------------------------------------------------


def test_events_sorted_by_date_then_id_undated_last(client):
    r = client.get("/api/events")
    assert ids(r) == ORDER
    body = r.json()
    assert body["count"] == 5
    assert body["next"] is None
    first = body["events"][1]
    assert first["article_id"] == "a1"
    assert first["url"] == "https://news.example/a1"
    assert first["title"] == "Depot shelled in Alder"
    assert first["published"] == "2022-11-11T08:30:00"
    assert first["evidence"][0]["text"].startswith("Shelling hit a depot in Alder")
    assert first["place"]["name"] == "Alder"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=Battles", ["ev-a2"]),
        ("type=battles", ["ev-a2"]),  # any case, as the taxonomy spells it
        ("subtype=Shelling%2Fartillery%2Fmissile%20attack", ORDER),
        ("subtype=Armed%20clash", []),
        # date ranges keep events whose date or interval overlaps them; undated never match
        ("since=2022-11-10&until=2022-11-30", ["ev-a1", "ev-a2"]),
        ("since=2022-11-02&until=2022-12-02", ["ev-a4", "ev-a1", "ev-a2", "ev-a3"]),
        ("until=2022-10-31", ["ev-a4"]),
        ("since=2022-12", ["ev-a3"]),
        ("until=2022-11", ["ev-a4", "ev-a1", "ev-a2"]),
        ("since=2022", ORDER[:4]),
        # position: Birch is 5 km north of Alder, Cedar 100 km
        ("near=50.0,30.0,10", ["ev-a4", "ev-a1", "ev-a2"]),
        ("near=50.0,30.0,150", ORDER[:4]),
        ("bbox=29.9,50.02,30.1,50.5", ["ev-a2"]),
        ("bbox=29.0,49.0,31.0,51.0", ORDER[:4]),
        ("bbox=31.0,49.0,32.0,51.0", []),
        ("bbox=179.0,49.0,31.0,51.0", ORDER[:4]),  # across the antimeridian: 179E..180, -180..31E
        # actor: a name's part (any case) on either side, or an id exactly
        ("actor=army%20of", ORDER),
        ("actor=CIVILIANS", ORDER),
        ("actor=XB.MIL", ORDER),
        ("actor=XB", []),
        ("actor=Army%20of%20C", []),
        ("certainty=hedged", ["ev-a2", "ev-a5"]),
        ("certainty=hedged&certainty=confirmed", ["ev-a2", "ev-a3", "ev-a5"]),
        ("certainty=confirmed,possible", ["ev-a3"]),
        ("q=firefighters", ["ev-a1"]),
        ("q=bridge%20traffic", ["ev-a3"]),
        ("q=bridge%20firefighters", []),
        ("q=re-opened%20%22bridge", []),  # punctuation is not FTS syntax
        ("type=Explosions%2FRemote%20violence&certainty=reported&since=2022-11-05&near=50.0,30.0,10", ["ev-a1"]),
    ],
)
def test_event_filters(client, query, expected):
    r = client.get(f"/api/events?{query}")
    assert ids(r) == expected
    assert r.json()["count"] == len(expected)


def test_min_corroboration_keeps_nothing_before_linking(client):
    assert ids(client.get("/api/events?min_corroboration=1")) == []
    assert [e["cluster_id"] for e in client.get("/api/events").json()["events"]] == [None] * 5
    assert_error(client.get("/api/events?min_corroboration=0"), 422, "validation_error", "min_corroboration")


def test_pages_follow_next_links_to_the_end(client):
    seen, counts = [], set()
    url = "/api/events?limit=2&type=Explosions%2FRemote%20violence"
    while url:
        r = client.get(url)
        body = r.json()
        assert len(body["events"]) <= 2
        seen += ids(r)
        counts.add(body["count"])
        url = body["next"]
        if url:
            assert url.startswith("http://testserver/api/events?")
            assert "type=Explosions" in url and "limit=2" in url
    assert seen == ["ev-a4", "ev-a1", "ev-a3", "ev-a5"]
    assert counts == {4}


def test_page_limit_has_a_maximum(client):
    assert ids(client.get("/api/events?limit=1000")) == ORDER
    assert_error(client.get("/api/events?limit=1001"), 422, "validation_error", "limit")
    assert_error(client.get("/api/events?limit=0"), 422, "validation_error", "limit")


def test_cursor_round_trip_and_garbage(client):
    assert decode_cursor(encode_cursor(("2022-11-10", "ev-a1"), 5)) == (("2022-11-10", "ev-a1"), 5)
    assert decode_cursor(encode_cursor((None, "ev-ä"), 1)) == ((None, "ev-ä"), 1)
    for bad in ("nope", "e30", encode_cursor(("x", "y"), 1)[:-3] + "!!!"):
        assert_error(client.get(f"/api/events?cursor={bad}"), 422, "validation_error", "cursor")


@pytest.mark.parametrize(
    "kw",
    [{}, {"type": "Explosions/Remote violence"}, {"since": "2022-11-02", "until": "2022-12-02"}, {"near": (*ALDER, 150)},
     {"certainty": ("reported", "possible")}, {"text": "firefighters"}, {"until": "2022-11"}],
)  # fmt: skip
@pytest.mark.parametrize("sparse", [0, 10**9])  # count first, or one counting pass
@pytest.mark.parametrize("limit", [1, 2, 10])
def test_every_plan_pages_through_what_query_events_finds(store_path, monkeypatch, kw, sparse, limit):
    monkeypatch.setattr(queries, "SPARSE", sparse)
    with open_reader(store_path) as store:
        expected = store.query_events(limit=None, **kw)
        expected.sort(
            key=lambda e: (
                e["time"] is None or e["time"]["value"] is None,
                e["time"] and e["time"]["value"],
                e["id"],
            )
        )
        page = event_page(store, EventFilter(**kw), limit=limit)
        got, count = list(page.events), page.count
        while page.next_key is not None:
            page = event_page(store, EventFilter(**kw), limit=limit, after=page.next_key, count=count)
            got += page.events
    assert got == expected
    assert count == len(expected)


def test_reader_refuses_to_write(store_path):
    with open_reader(store_path) as store, pytest.raises(Exception, match="readonly|read-only"):
        store.save(make_doc("a9"))


# -- one event, article, cluster --------------------------------------------------------------------


def test_one_event_with_evidence_and_article(client):
    r = client.get("/api/events/ev-a2")
    assert r.status_code == 200
    event = r.json()
    assert event["id"] == "ev-a2"
    assert event["type"] == "Battles"
    assert event["article_id"] == "a2"
    assert event["url"] == "https://news.example/a2"
    [evidence] = event["evidence"]
    assert evidence["text"] == "Shelling hit a depot in Birch on Thursday, officials said."
    assert (evidence["start"], evidence["end"]) == (0, len(evidence["text"]))
    assert event == client.get("/api/events?type=Battles").json()["events"][0]  # the same shape


def test_one_article_is_the_stored_document(client, store_path):
    r = client.get("/api/articles/a3")
    assert r.status_code == 200
    assert r.json() == document_dict(docs()[2])
    with open_store(store_path) as store:
        store.save(make_doc("feeds/wire/7"))
    assert client.get("/api/articles/feeds/wire/7").json()["id"] == "feeds/wire/7"


def test_missing_records_are_404_in_the_error_shape(client):
    assert_error(client.get("/api/events/ev-zz"), 404, "not_found", "ev-zz")
    assert_error(client.get("/api/articles/zz"), 404, "not_found", "zz")
    assert_error(client.get("/api/clusters/c1"), 404, "not_found", "no cluster 'c1'")


# -- where: country, admin1, admin2, place -----------------------------------------------------------


@pytest.fixture(scope="module")
def where_client(module_store_target):
    path = module_store_target
    with open_store(path) as store:
        for doc in where_docs():
            store.save(doc)
    with TestClient(create_app(path, load_settings())) as c:
        yield c


UKRAINE = ["ev-w1", "ev-w2", "ev-w3", "ev-w4", "ev-w5"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # country: an ISO code or a name, any case
        ("country=UA", UKRAINE),
        ("country=ua", UKRAINE),
        ("country=Ukraine", UKRAINE),
        ("country=UKR", UKRAINE),
        ("country=XA", ["ev-w7"]),  # a code the store holds, though no country has it
        ("country=RU", []),  # a country, none of whose events is stored: nothing, not an error
        # admin1: any case, with or without the word for the unit, whatever form the store holds
        ("admin1=Donetsk%20Oblast", ["ev-w1", "ev-w2"]),
        ("admin1=donetsk", ["ev-w1", "ev-w2"]),
        ("admin1=Kharkiv%20Oblast", ["ev-w3"]),
        ("admin1=kharkiv", ["ev-w3"]),
        ("admin1=Kyiv", ["ev-w4"]),  # the city's own unit, held as such: not Kyiv Oblast too
        ("admin1=kyiv%20oblast", ["ev-w5"]),
        # admin2 likewise
        ("admin2=Bakhmut", ["ev-w1"]),
        ("admin2=bakhmut%20raion", ["ev-w1"]),
        ("admin2=Kramatorsk%20Raion", ["ev-w2"]),
        # place: a gazetteer id exactly, or a name in any case (an unresolved one by its text)
        ("place=g-Bakhmut", ["ev-w1"]),
        ("place=BAKHMUT", ["ev-w1"]),
        ("place=nowhere", ["ev-w6"]),
        # with each other and the other filters
        ("country=Ukraine&admin1=Donetsk&admin2=Kramatorsk", ["ev-w2"]),
        ("admin1=Donetsk&type=Battles", ["ev-w2"]),
        ("admin2=Bakhmut&type=Battles", []),
        ("place=Bakhmut&near=50.0,30.0,10", ["ev-w1"]),
        ("country=UA&bbox=29.9,50.02,30.1,50.5", ["ev-w2"]),
    ],
)
def test_where_filters(where_client, query, expected):
    r = where_client.get(f"/api/events?{query}")
    assert ids(r) == expected
    assert r.json()["count"] == len(expected)
    assert where_client.get(f"/api/stats?{query}").json()["events"] == len(expected)


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("country=Ukriane", ["country: no country 'Ukriane'", "did you mean 'UA' (Ukraine)?", "in this store: UA, XA"]),
        ("country=ZZ", ["no country 'ZZ'", "an ISO code"]),
        ("admin1=Donetks", ["admin1: no events in 'Donetks' in this store", "did you mean 'Donetsk Oblast'?"]),
        ("admin1=Lviv%20Oblast", ["admin1: no events in 'Lviv Oblast'"]),
        ("admin2=Kramatorks", ["admin2:", "did you mean 'Kramatorsk Raion'?"]),
        ("place=Bakhmutt", ["place: no events at 'Bakhmutt'", "did you mean 'Bakhmut'?"]),
        ("place=G-BAKHMUT", ["place: no events at 'G-BAKHMUT'"]),  # an id is matched exactly
        ("admin1=" + "x" * 201, ["admin1: at most 200 characters"]),
    ],
)
def test_a_where_filter_the_store_has_nothing_for_is_422_with_the_nearest_values(where_client, query, words):
    assert_error(where_client.get(f"/api/events?{query}"), 422, "validation_error", *words)
    assert_error(where_client.get(f"/api/stats?{query}"), 422, "validation_error", *words)


@pytest.mark.parametrize("sparse", [0, 10**9])
def test_where_filters_page_through_every_plan(where_client, tmp_path, monkeypatch, sparse):
    monkeypatch.setattr(queries, "SPARSE", sparse)
    seen, url = [], "/api/events?limit=1&country=UA&admin1=donetsk"
    while url:
        body = where_client.get(url).json()
        seen += [e["id"] for e in body["events"]]
        url = body["next"]
    assert seen == ["ev-w1", "ev-w2"]


# -- downloads: every match, streamed --------------------------------------------------------------


def many_docs() -> list[Document]:
    """300 events, two a day from 2022-11-01: even ones in North Province, odd ones in South
    Province; every tenth (m008, m018, ...) is unresolved: no coordinates, no province."""
    from datetime import date, timedelta

    out = []
    for i in range(300):
        day = (date(2022, 11, 1) + timedelta(days=i // 2)).isoformat()
        coords = None if i % 10 == 8 else (ALDER[0] + i / 1000, ALDER[1])
        out.append(make_doc(f"m{i:03}", town=f"Town{i:03}", coords=coords, value=day,
                            admin1="North Province" if i % 2 == 0 else "South Province"))
    return out


@pytest.fixture(scope="module")
def many_client(module_store_target):
    path = module_store_target
    with open_store(path) as store:
        for doc in many_docs():
            store.save(doc)
    with TestClient(create_app(path, load_settings())) as c:
        yield c


# North Province from 2022-11-11: the even events from m020 on but the unresolved ones, 126 of
# them: more than a page of the map's list (100) holds.
DOWNLOAD_QUERY = "admin1=north&since=2022-11-11"
EXPECTED = [f"ev-m{i:03}" for i in range(20, 300, 2) if i % 10 != 8]


def read_csv(text: str) -> list[dict]:
    import csv
    import io

    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("url", [f"/api/events.csv?{DOWNLOAD_QUERY}", f"/api/events?{DOWNLOAD_QUERY}&format=csv"])
def test_a_csv_download_streams_every_match_past_any_page_size(many_client, url):
    r = many_client.get(url)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.headers["content-disposition"] == 'attachment; filename="sitreps-events.csv"'
    rows = read_csv(r.text)
    assert len(rows) == len(EXPECTED) > 100
    assert sorted(row["event_id_cnty"] for row in rows) == EXPECTED
    assert all(row["admin1"] == "North Province" and row["event_date"] >= "2022-11-11" for row in rows)
    assert [row["event_date"] for row in rows] == sorted(row["event_date"] for row in rows)


def test_geojson_and_jsonl_downloads_hold_the_same_matches(many_client):
    r = many_client.get(f"/api/events.geojson?{DOWNLOAD_QUERY}")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/geo+json"
    assert r.headers["content-disposition"] == 'attachment; filename="sitreps-events.geojson"'
    fc = r.json()
    assert sorted(f["id"] for f in fc["features"]) == EXPECTED
    assert all(f["properties"]["admin1"] == "North Province" for f in fc["features"])
    # without the province, the unresolved events match too: counted, not placed
    fc = many_client.get("/api/events.geojson?since=2022-11-11").json()
    assert len(fc["features"]) == 252 and fc["skipped_without_coordinates"] == 28

    r = many_client.get(f"/api/events.jsonl?{DOWNLOAD_QUERY}")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/x-ndjson"
    events = [json.loads(line) for line in r.text.splitlines()]
    assert sorted(e["id"] for e in events) == EXPECTED
    page = many_client.get(f"/api/events?{DOWNLOAD_QUERY}&limit=1").json()
    assert page["count"] == len(EXPECTED)
    assert set(page["events"][0]) == set(events[0])  # the events of /api/events, whole
    assert many_client.get(f"/api/events?{DOWNLOAD_QUERY}&format=jsonl").text == r.text


def test_a_download_takes_every_filter_of_the_pages(client):
    def csv_ids(query):
        r = client.get(f"/api/events.csv?{query}")
        assert r.status_code == 200, r.text
        return sorted(row["event_id_cnty"] for row in read_csv(r.text))

    assert csv_ids("") == sorted(ORDER)
    for query in ("type=Battles", "since=2022-11-05&until=2022-11-30", "certainty=hedged", "q=bridge",
                  "near=50.0,30.0,10", "actor=civilians", "place=Cedar", "include_background=1"):  # fmt: skip
        assert csv_ids(query) == sorted(ids(client.get(f"/api/events?{query}&limit=1000"))), query


@pytest.mark.parametrize(("url", "words"), [
    ("/api/events.csv?type=Shelling", ["did you mean the sub-event type"]),
    ("/api/events.geojson?admin1=Donetks", ["admin1: no events in 'Donetks'"]),
    ("/api/events.jsonl?since=2022-13", ["no month 13"]),
    ("/api/events.csv?limit=5", ["unknown parameter 'limit'"]),  # a download has no pages
    ("/api/events?format=csv&cursor=abc", ["cursor: pages of JSON only"]),
    ("/api/events?format=xml", ["format"]),
    ("/api/events.xml", ["'csv', 'geojson' or 'jsonl'"]),
])  # fmt: skip
def test_a_bad_download_is_a_json_error_before_anything_is_streamed(client, url, words):
    assert_error(client.get(url), 422, "validation_error", *words)


def test_a_download_without_fts5_is_501_before_the_stream(tmp_path, settings, monkeypatch):
    from sitreps.store import migrations

    monkeypatch.setattr(migrations, "has_fts5", lambda: False)
    path = tmp_path / "plain.db"
    with open_store(path) as store:
        store.save(make_doc("a1"))
    with TestClient(create_app(path, settings)) as c:
        assert_error(c.get("/api/events.csv?q=depot"), 501, "search_unavailable", "FTS5")


def test_a_download_reads_through_its_own_connection_closed_at_the_end(client, monkeypatch):
    """The stream's connection is opened for it and closed once the last chunk is sent (a
    PostgreSQL store's is borrowed from the readers' pool and given back)."""
    from sitreps.store import queries as store_queries

    if "postgresql" in client.store_target:
        from psycopg_pool import ConnectionPool

        lent = []
        real_getconn, real_putconn = ConnectionPool.getconn, ConnectionPool.putconn
        monkeypatch.setattr(ConnectionPool, "getconn", lambda pool, *a, **kw: lent.append(1) or real_getconn(pool, *a, **kw))
        monkeypatch.setattr(ConnectionPool, "putconn", lambda pool, conn: lent.append(-1) or real_putconn(pool, conn))
        assert client.get("/api/events.csv").status_code == 200
        assert lent == [1, -1]
        return

    opened = []
    real = store_queries.open_reader

    def spy(path, **kw):
        store = real(path, **kw)
        opened.append((kw, store))
        return store

    monkeypatch.setattr(store_queries, "open_reader", spy)
    assert client.get("/api/events.csv").status_code == 200
    [store] = [store for kw, store in opened if kw == {"any_thread": True}]
    with pytest.raises(Exception, match="closed"):
        store.counts()


# -- stats, health ----------------------------------------------------------------------------------


def test_stats_count_by_type_month_and_certainty(client):
    body = client.get("/api/stats").json()
    assert body["events"] == 5
    assert body["undated"] == 1
    assert body["by_type"] == {"Explosions/Remote violence": 4, "Battles": 1}
    assert body["by_month"] == {
        "2022-10": 1,
        "2022-11": 2,
        "2022-12": 1,
    }  # the interval counts where it starts
    assert body["by_certainty"] == {"reported": 2, "confirmed": 1, "hedged": 2}
    assert (body["first"], body["last"]) == ("2022-10-28", "2022-12-02T06:00")
    assert body["store"] == {"articles": 5, "events": 5, "places": 5, "quotes": 0, "claims": 0, "clusters": 0, "failures": 0}


def test_stats_take_the_event_filters(client):
    body = client.get("/api/stats?since=2022-11-10&type=Explosions%2FRemote%20violence").json()
    assert body["events"] == 2
    assert body["by_type"] == {"Explosions/Remote violence": 2}
    assert body["by_month"] == {"2022-11": 1, "2022-12": 1}
    assert body["store"]["events"] == 5
    assert_error(client.get("/api/stats?limit=5"), 422, "validation_error", "'limit'")


def test_health(client):
    body = client.get("/api/health").json()
    assert body["status"] == "ok"
    assert body["schema"] == "sitreps/3"
    assert body["migrations"][0] == "0001_initial"
    assert body["text_search"] is True
    assert body["writing"] is False


# -- errors -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("since=11/2022", ["query.since"]),
        ("until=2022-1-5", ["query.until"]),
        ("bbox=30,50", ["bbox", "minlon,minlat,maxlon,maxlat"]),
        ("bbox=30,51,31,50", ["bbox", "minlat <= maxlat"]),
        ("bbox=30,50,31,nan", ["bbox"]),
        ("near=50,30", ["near", "lat,lon,km"]),
        ("near=50,30,0", ["near", "km"]),
        ("near=95,30,10", ["near", "lat"]),
        ("certainty=sure", ["certainty", "'sure'", "reported"]),
        ("q=", ["query.q"]),
        ("tpye=Battles", ["unknown parameter", "'tpye'"]),  # a misspelt filter never returns everything
        ("limit=ten", ["query.limit"]),
    ],
)
def test_invalid_parameters_are_422_in_the_error_shape(client, query, words):
    assert_error(client.get(f"/api/events?{query}"), 422, "validation_error", *words)


def test_unknown_url_and_method_use_the_error_shape(client):
    assert_error(client.get("/api/nothing"), 404, "not_found", "/api/nothing")
    assert_error(client.delete("/api/events"), 405, "method_not_allowed", "DELETE")


def test_text_search_without_fts5_is_501(tmp_path, settings, monkeypatch):
    from sitreps.store import migrations

    monkeypatch.setattr(migrations, "has_fts5", lambda: False)
    path = tmp_path / "plain.db"
    with open_store(path) as store:
        store.save(make_doc("a1"))
    with TestClient(create_app(path, settings)) as c:
        assert ids(c.get("/api/events")) == ["ev-a1"]
        assert_error(c.get("/api/events?q=depot"), 501, "search_unavailable", "FTS5")
        assert c.get("/api/health").json()["text_search"] is False


# -- POST /api/articles -----------------------------------------------------------------------------

ARTICLE = {
    "id": "n1",
    "url": "https://news.example/n1",
    "title": "New report",
    "text": "Shelling hit a depot.",
}


def test_writing_is_off_without_a_token(client):
    assert_error(
        client.post("/api/articles", json=ARTICLE), 403, "writing_disabled", "--token", "SITREPS_API_TOKEN"
    )
    # refused before the body is looked at, and with a token sent anyway
    assert_error(client.post("/api/articles", json={}), 403, "writing_disabled")
    headers = {"Authorization": f"Bearer {TOKEN}"}
    assert_error(client.post("/api/articles", json=ARTICLE, headers=headers), 403, "writing_disabled")
    assert client.get("/api/articles/n1").status_code == 404


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN},
                                     {"Authorization": f"Basic {TOKEN}"}])  # fmt: skip
def test_writing_needs_the_token(writer, headers):
    r = writer.post("/api/articles", json=ARTICLE, headers=headers)
    assert_error(r, 401, "unauthorized", "Bearer")
    assert r.headers["www-authenticate"] == "Bearer"
    assert writer.seen == []


def test_ingest_stores_the_analysis(writer):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = writer.post("/api/articles", json={**ARTICLE, "published": "2022-11-11"}, headers=auth)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body == {"id": "n1", "status": "new", "events": 1, "url": "http://testserver/api/articles/n1"}
    [article] = writer.seen
    assert (article.text, article.url, article.title) == (ARTICLE["text"], ARTICLE["url"], ARTICLE["title"])
    assert article.published.isoformat() == "2022-11-11T00:00:00"
    stored = writer.get(body["url"]).json()
    assert stored["id"] == "n1" and stored["title"] == "New report"
    # the fake analysis gives the stored articles' text again: linking finds a copy of them
    assert ids(writer.get("/api/events?q=depot%20thursday")).count("ev-n1") == 0
    assert ids(writer.get("/api/events?q=depot%20thursday&include_copies=1")).count("ev-n1") == 1
    assert writer.get("/api/health").json()["writing"] is True

    again = writer.post("/api/articles", json={**ARTICLE, "published": "2022-11-11"}, headers=auth)
    assert (again.status_code, again.json()["status"]) == (200, "unchanged")
    changed = writer.post("/api/articles", json={**ARTICLE, "title": "Renamed"}, headers=auth)
    assert (changed.status_code, changed.json()["status"]) == (200, "updated")


def test_ingest_without_id_uses_a_content_hash(writer):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = writer.post("/api/articles", json={"text": "Shelling hit a depot."}, headers=auth)
    assert r.status_code == 201
    key = r.json()["id"]
    assert len(key) == 16 and key == writer.seen[0].id


def test_ingest_html_reads_its_main_text(writer):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    paragraph = "Shelling hit a depot in Alder on Thursday, officials said. " * 4
    html = f"<html><head><title>Depot</title></head><body><article><p>{paragraph}</p></article></body></html>"
    r = writer.post("/api/articles", json={"id": "h1", "html": html}, headers=auth)
    assert r.status_code == 201, r.text
    [article] = writer.seen
    assert article.id == "h1"
    assert "Shelling hit a depot in Alder" in article.text
    assert "<p>" not in article.text


def test_failed_analysis_is_422_with_its_code_and_recorded(writer, store_path):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = writer.post(
        "/api/articles", json={"id": "h2", "html": "<html><body><div> </div></body></html>"}, headers=auth
    )
    assert_error(r, 422, "read.html_no_text", "'h2'")
    with open_store(store_path) as store:
        assert [f["id"] for f in store.failures()] == ["h2"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"id": "x"}, ["exactly one of `text` and `html`"]),
        ({"text": "   "}, ["exactly one of"]),
        ({"text": "a", "html": "<p>b</p>"}, ["exactly one of"]),
        ({"text": "a", "published": "someday"}, ["body.published", "publication date"]),
        ({"text": "a", "author": "me"}, ["body.author"]),
        ({"text": 5}, ["body.text"]),
    ],
)
def test_invalid_article_is_422_in_the_error_shape(writer, body, words):
    r = writer.post("/api/articles", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert_error(r, 422, "validation_error", *words)
    assert writer.seen == []


def test_not_json_is_422(writer):
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    assert_error(writer.post("/api/articles", content=b"{nope", headers=headers), 422, "validation_error")


def test_article_over_the_size_limit_is_413(store_path, settings):
    small = with_overrides(settings, read={"max_bytes": 100})
    with TestClient(create_app(store_path, small, token=TOKEN, pipeline=fake_pipeline())) as c:
        r = c.post("/api/articles", json={"text": "x" * 101}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert_error(r, 413, "too_large", "read.max_bytes")


def test_empty_token_means_writing_off(store_path, settings):
    with TestClient(create_app(store_path, settings, token="")) as c:
        assert_error(
            c.post("/api/articles", json=ARTICLE, headers={"Authorization": "Bearer "}),
            403,
            "writing_disabled",
        )


@pytest.mark.model
def test_ingest_through_the_real_pipeline(store_path, settings, nlp_model):
    from sitreps.gazetteer import MemoryGazetteer
    from sitreps.pipeline import Context, Pipeline

    pipeline = Pipeline(Context(settings, gazetteer_=MemoryGazetteer([]), nlp_=nlp_model))
    with TestClient(create_app(store_path, settings, token=TOKEN, pipeline=pipeline)) as c:
        text = "Artillery shelled a depot on Thursday, officials said. Two workers were killed."
        r = c.post("/api/articles", json={"id": "real", "text": text, "published": "2022-11-11"},
                   headers={"Authorization": f"Bearer {TOKEN}"})  # fmt: skip
        assert r.status_code == 201, r.text
        doc = c.get("/api/articles/real").json()
    assert doc["schema"] == "sitreps/3"
    assert doc["text"] == text
    assert r.json()["events"] == len(doc["events"])


# -- the app itself ---------------------------------------------------------------------------------


def test_store_arguments(store_path, settings):
    with open_store(store_path) as store, TestClient(create_app(store, settings)) as c:
        assert ids(c.get("/api/events?type=Battles")) == ["ev-a2"]  # a SQLiteStore: served from its path
    with open_store(":memory:") as memory, pytest.raises(ValueError, match="in-memory"):
        create_app(memory, settings)
    with pytest.raises(TypeError):
        create_app(42, settings)


def test_openapi_documents_routes_parameters_and_the_error_shape(client):
    spec = client.get("/openapi.json").json()
    assert set(spec["paths"]) >= {
        "/api/events", "/api/events/{event_id}", "/api/articles", "/api/articles/{article_id}",
        "/api/clusters/{cluster_id}", "/api/stats", "/api/health",
    }  # fmt: skip
    params = {p["name"]: p for p in spec["paths"]["/api/events"]["get"]["parameters"]}
    assert set(params) >= {"type", "subtype", "since", "until", "bbox", "near", "actor", "certainty",
                           "min_corroboration", "q", "limit", "cursor"}  # fmt: skip
    assert "independent sources" in params["min_corroboration"]["description"].lower()
    assert all(p.get("description") for p in params.values())
    errors = spec["paths"]["/api/events"]["get"]["responses"]["422"]
    assert errors["content"]["application/json"]["example"]["error"]["code"] == "validation_error"
    assert "ErrorBody" in spec["components"]["schemas"]
    assert "HTTPBearer" in spec["components"]["securitySchemes"]
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "cdn" not in docs.text.lower()  # usable offline: the page's scripts come from the package
    assert client.get("/static-offline-docs/swagger-ui-bundle.js").status_code == 200
    assert client.get("/redoc").status_code == 200


def test_import_sitreps_does_not_load_the_web_stack():
    code = "import sys, sitreps, sitreps.api; assert 'fastapi' not in sys.modules and 'pydantic' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_internal_errors_use_the_error_shape(store_path, settings):
    def broken(article):
        raise RuntimeError("boom")

    app = create_app(store_path, settings, token=TOKEN, pipeline=broken)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.post("/api/articles", json=ARTICLE, headers={"Authorization": f"Bearer {TOKEN}"})
    assert_error(r, 500, "internal_error")
    assert "boom" not in r.text


def test_failed_analysis_keeps_an_earlier_good_one(writer):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert writer.post("/api/articles", json=ARTICLE, headers=auth).status_code == 201
    failing = {"id": "n1", "html": "<html><body></body></html>"}
    assert_error(writer.post("/api/articles", json=failing, headers=auth), 422, "read.html_no_text")
    assert writer.get("/api/articles/n1").json()["title"] == "New report"


# -- hostile requests: 4xx with the one error shape, never a 500 ----------------------------------


@pytest.mark.parametrize("query, code", [
    ("q=%20", "validation_error"), ("q=%00", "validation_error"), ("q=%09%0A", "validation_error"),
    ("min_corroboration=9223372036854775808", "validation_error"),
    ("cursor=" + "W" * 3000, "validation_error"),
])  # fmt: skip
def test_hostile_query_strings_are_refused_not_crashes(client, query, code):
    assert_error(client.get(f"/api/events?{query}"), 422, code)


def test_a_nul_in_an_id_or_an_actor_is_no_server_error(writer):
    """PostgreSQL text cannot hold a NUL: its store writes U+FFFD for one, and now asks with the
    same, where an id or an actor with a NUL was a 500 (SQLite holds the NUL itself)."""
    for path in ("/api/events/a%00b", "/api/articles/a%00b", "/api/clusters/a%00b", "/events/a%00b",
                 "/articles/a%00b", "/clusters/a%00b"):  # fmt: skip
        assert writer.get(path).status_code == 404, path
    for path in ("/api/events", "/api/stats", "/api/events.csv", "/"):
        assert writer.get(path, params={"actor": "army\x00"}).status_code == 200, path
    assert ids(writer.get("/api/events", params={"actor": "army\x00"})) == []
    before = len(ids(writer.get("/api/events?q=depot&include_copies=1")))
    article = {"id": "n\x001", "title": "New report", "text": "Shelling hit a depot."}
    assert writer.post("/api/articles", json=article, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 201
    assert writer.get("/api/articles/n%001").json()["title"] == "New report"
    assert len(ids(writer.get("/api/events?q=depot&include_copies=1"))) == before + 1  # make_doc's text again: a copy


def test_cursors_that_this_api_did_not_give_are_refused(client):
    import base64
    import json

    def cursor(raw: str) -> str:
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    for raw in ("[" * 3000 + "]" * 3000, json.dumps(["2022-11-11", "ev", -5]), json.dumps(["2022-11-11", "ev", True]),
                json.dumps(["2022-11-11", "ev", 2**70])):
        assert_error(client.get(f"/api/events?cursor={cursor(raw)}"), 422, "validation_error", "cursor")


def test_a_write_is_refused_before_its_body_is_parsed(store_path, settings):
    small = with_overrides(settings, read={"max_bytes": 1000})
    seen: list = []
    with TestClient(create_app(store_path, small, token=TOKEN, pipeline=fake_pipeline(seen))) as c:
        # no token: 401 even for a body that is not JSON (FastAPI would have answered 422)
        r = c.post("/api/articles", content=b"{not json", headers={"Content-Type": "application/json"})
        assert_error(r, 401, "unauthorized")
        auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
        big = b'{"text": "' + b"a" * 200_000 + b'"}'
        assert_error(c.post("/api/articles", content=big, headers=auth), 413, "too_large")
        # a body sent in chunks declares no length: it is cut off as it passes the cap
        assert_error(c.post("/api/articles", content=iter([big[:50_000]] * 4), headers=auth), 413, "too_large")
        assert seen == []


def test_a_write_with_unpaired_surrogates_is_stored_with_a_note(writer):
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    body = b'{"id": "s1", "title": "\\udfff", "text": "Shelling hit a depot \\ud800 on Friday."}'
    r = writer.post("/api/articles", content=body, headers=auth)
    assert r.status_code == 201, r.text
    [article] = writer.seen
    assert article.text == "Shelling hit a depot \ufffd on Friday."
    assert "read.surrogates" in [n.code for n in article.notes]


def test_only_the_served_host_names_are_answered(store_path, settings):
    with TestClient(create_app(store_path, settings, allowed_hosts=["localhost", "127.0.0.1"])) as c:
        assert_error(c.get("/api/events"), 421, "unknown_host", "--allow-host")
        assert c.get("/api/events", headers={"Host": "localhost:8000"}).status_code == 200
        assert c.get("/api/health", headers={"Host": "127.0.0.1"}).status_code == 200


@pytest.mark.parametrize("path", ["/api/events", "/api/health", "/docs", "/redoc", "/openapi.json", "/api/nothing",
                                  "/static-offline-docs/redoc.standalone.js", "/"])
def test_every_response_carries_the_security_headers(client, path):
    r = client.get(path)
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert "http" not in r.headers["content-security-policy"].replace("https://tile.openstreetmap.org", "")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"


SQL_PROBES = ["' OR 1=1 --", "\"; DROP TABLE events; --", "1; DELETE FROM articles", "') UNION SELECT * FROM articles --",
              "%' OR '%'='", "ev-a1' --", "1) OR (1=1", "\\'; SELECT sqlite_version(); --", "NEAR(a b)", "a* OR b*",
              "\"unbalanced", "col:value", "^start", "x AND", "(((", "*"]  # fmt: skip


@pytest.mark.parametrize("param", ["type", "subtype", "actor", "q", "certainty", "since", "bbox", "near", "cursor"])
def test_sql_and_fts_syntax_in_any_parameter_is_data_not_code(client, store_path, param):
    before = open_reader(store_path).counts()
    for probe in SQL_PROBES:
        r = client.get("/api/events", params={param: probe})
        assert r.status_code in (200, 422), (param, probe, r.text)
        for path in (f"/api/events/{probe}", f"/api/articles/{probe}", f"/api/clusters/{probe}"):
            assert client.get(path).status_code in (404, 422), (path, r.text)
    assert open_reader(store_path).counts() == before


def test_reads_while_another_process_writes_never_hit_a_lock(store_path, settings):
    """The API reads (WAL) while `ingest` saves articles in another process."""
    script = (
        "import sys; sys.path.insert(0, 'tests'); from test_store import make_doc; from sitreps.store import open_store\n"
        f"with open_store({str(store_path)!r}) as s:\n"
        "    for i in range(300): s.save(make_doc(f'w{i}', extra=' ' + 'word ' * (i % 7)))\n"
    )
    writer = subprocess.Popen([sys.executable, "-c", script], cwd=str(pathlib.Path(__file__).parent.parent))
    errors = 0
    with TestClient(create_app(store_path, settings)) as c:
        while writer.poll() is None:
            for path in ("/api/events?limit=5", "/api/stats", "/api/events?q=depot"):
                errors += c.get(path).status_code != 200
    assert writer.returncode == 0 and errors == 0
    assert open_reader(store_path).counts()["articles"] == 305


@pytest.mark.parametrize("query, words", [
    ("since=2022-13-45", ["no month 13"]), ("since=2022-02-30", ["not a calendar date"]),
    ("since=2022-12&until=2022-11", ["after until"]), ("type=Foo", ["no type 'Foo'", "Known:"]),
    ("min_corroboration=9223372036854775808", ["min_corroboration"]),
    ("type=shelling", ["did you mean"]), ("subtype=Shelling", ["did you mean 'Shelling/artillery/missile attack'"]),
])  # fmt: skip
def test_filters_that_match_nothing_they_could_mean_are_422(client, query, words):
    assert_error(client.get(f"/api/events?{query}"), 422, "validation_error", *words)
    assert_error(client.get(f"/?{query}&format=json"), 422, "validation_error", *words)


def test_a_week_precision_event_overlaps_a_range_its_days_overlap(store_target, settings):
    """A week's ISO value (2023-W03) sorts after every day of its year: the filters compare the
    days it covers (migration 0008), so `until` keeps it and `since` late in the year does not."""
    path = store_target
    with open_store(path) as store:
        store.save(make_doc("w1", value="2023-W03", grain="week"))  # 16-22 January 2023
    with TestClient(create_app(path, settings)) as c:
        assert ids(c.get("/api/events?since=2023-12-01")) == []
        assert ids(c.get("/api/events?since=2023-01-20&until=2023-01-31")) == ["ev-w1"]


def test_a_csv_of_a_date_range_gives_a_week_its_monday_and_a_weeks_precision(store_target, settings):
    with open_store(store_target) as store:
        store.save(make_doc("w1", value="2023-W03", grain="week"))  # 16-22 January 2023
        store.save(make_doc("d1", value="2023-02-10", grain="day"))
    with TestClient(create_app(store_target, settings)) as c:
        r = c.get("/api/events.csv?since=2023-01-20&until=2023-01-31")
    assert r.status_code == 200, r.text
    columns = ("event_id_cnty", "event_date", "year", "time_precision")
    rows = [tuple(row[c] for c in columns) for row in read_csv(r.text)]
    assert rows == [("ev-w1", "2023-01-16", "2023", "2")]


def test_stats_first_and_last_are_the_days_a_week_covers(store_target, settings):
    with open_store(store_target) as store:
        store.save(make_doc("w1", value="2023-W03", grain="week"))
        store.save(make_doc("d1", value="2022-12-20", grain="day"))
    with TestClient(create_app(store_target, settings)) as c:
        body = c.get("/api/stats").json()
    assert (body["first"], body["last"]) == ("2022-12-20", "2023-01-22")


def test_stats_by_month_count_every_dated_event_once_in_the_month_of_its_first_day(store_target, settings):
    """A week, a year and an interval of weeks were in no month (their ISO values do not start
    with one), so the timeline left them out: each counts in the month of its first day now, the
    months add up to the dated events, and those whose days run past that month are told apart."""
    with open_store(store_target) as store:
        for id, value, grain in [
            ("w1", "2023-W05", "week"),  # 30 January to 5 February: January
            ("y1", "2023", "year"),  # January
            ("i1", "2022-12-28/2023-01-03", "interval"),  # December
            ("i2", "2023-W07/2023-W08", "interval"),  # 13 to 26 February
            ("m1", "2023-02", "month"),
            ("t1", "2023-03-01T05:00", "day"),
            ("u1", None, None),
        ]:
            store.save(make_doc(id, value=value, grain=grain))
    with TestClient(create_app(store_target, settings)) as c:
        body = c.get("/api/stats").json()
        assert body["by_month"] == {"2022-12": 1, "2023-01": 2, "2023-02": 2, "2023-03": 1}
        assert sum(body["by_month"].values()) == body["events"] - body["undated"] == 6
        assert body["by_month_rough"] == {"2022-12": 1, "2023-01": 2}
        assert c.get("/.json").json()["timeline"]["by_month"] == body["by_month"]
        week = c.get("/api/stats?since=2023-02-01&until=2023-02-05").json()  # the week, the year overlap it
        assert week["by_month"] == {"2023-01": 2, "2023-02": 1}


def test_map_points_give_the_first_day_and_how_many_days_a_date_covers(store_target):
    """The timeline places each marker's event on an axis of days: a point gave its ISO value,
    and a week's or a month's ("2023-W05", "2023-02") has no day; it gives the first day its
    date covers and how many days now."""
    with open_store(store_target) as store:
        for id, value, grain in [
            ("w1", "2023-W05", "week"),
            ("m1", "2023-02", "month"),
            ("y1", "2024", "year"),
            ("i1", "2022-12-28/2023-01-03", "interval"),
            ("t1", "2023-03-01T05:00", "day"),
            ("d1", "2023-03-02", "day"),
            ("u1", None, None),
        ]:
            store.save(make_doc(id, value=value, grain=grain))
        body = queries.event_points(store, EventFilter())
    assert body["fields"][4] == "first_day" and body["fields"][8] == "days"
    assert {p[0]: (p[4], p[8]) for p in body["points"]} == {
        "ev-w1": ("2023-01-30", 7),
        "ev-m1": ("2023-02-01", 28),
        "ev-y1": ("2024-01-01", 366),
        "ev-i1": ("2022-12-28", 7),
        "ev-t1": ("2023-03-01", 1),
        "ev-d1": ("2023-03-02", 1),
        "ev-u1": (None, None),
    }


def test_a_month_precision_event_overlaps_a_day_range_inside_its_month(store_target, settings):
    """"Late January" (2023-01) is in a range that starts on 15 January: the filter compares at
    the coarser precision, in the API, the pages and the CLI's store query alike."""
    path = store_target
    with open_store(path) as store:
        store.save(make_doc("m1", value="2023-01", grain="month"))
        store.save(make_doc("m2", value="2022-12-20", grain="day"))
        assert [e["id"] for e in store.query_events(since="2023-01-15")] == ["ev-m1"]
    with TestClient(create_app(path, settings)) as c:
        for since in ("2023-01-15", "2023-01", "2023"):
            assert ids(c.get(f"/api/events?since={since}")) == ["ev-m1"], since
        assert ids(c.get("/api/events?since=2023-02-01")) == []
        assert ids(c.get("/api/events?until=2023-01-15")) == ["ev-m2", "ev-m1"]


def test_map_points_mark_a_town_at_its_parent_units_point_as_rough(store_target):
    # the one place a page query reads the event JSON (queries.event_points)
    (event,) = make_doc("p1").events
    parent = replace(event, id="ev-p1", place=replace(event.place, coord_precision="parent"))
    doc = replace(make_doc("p1"), events=(parent,))
    oblast = replace(event, id="ev-o1", place=replace(event.place, precision="oblast"))
    with open_store(store_target) as store:
        store.save(doc)
        store.save(make_doc("t1"))
        store.save(replace(make_doc("o1"), events=(oblast,)))
        points = queries.event_points(store, EventFilter())
    assert {p[0]: p[6] for p in points["points"]} == {"ev-p1": 1, "ev-t1": 0, "ev-o1": 1}
