"""The web UI's pages and their JSON twins (sitreps.web), through TestClient on a temporary
store of hand-built documents: no model, no browser, no network. tests/test_browser.py drives
the same pages in Chromium. The tests that take `store_path` (or a client made from one) run on
SQLite and on PostgreSQL (tests/conftest.py)."""

from __future__ import annotations

import html
import random
import re
import warnings
from dataclasses import replace
from datetime import datetime

import pytest
from test_store import ALDER, BIRCH, CEDAR, make_doc, where_docs

pytest.importorskip("fastapi")
pytest.importorskip("jinja2")
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2")
    from fastapi.testclient import TestClient

from sitreps.api import create_app
from sitreps.records import (
    ActorMention,
    Article,
    Claim,
    Count,
    Document,
    Event,
    Mention,
    Place,
    Quote,
    Span,
    TimeExpr,
)
from sitreps.store import open_store
from sitreps.web import views
from sitreps.web.annotate import Mark, highlight

HTML = {"accept": "text/html,application/xhtml+xml"}

# An invented report with overlapping annotations and text that must never become markup.
RICH_TEXT = (
    "Artillery struck a grain depot in Alder on Friday, the regional governor said. "
    '"Three workers were killed and the fire is still burning," Governor Ilse Varga told reporters. '
    "Officials in Birch reportedly denied that their troops fired. "
    "<script>alert('x')</script> Residents fear more strikes."
)


def span(text: str, needle: str, start: int = 0) -> Span:
    i = text.index(needle, start)
    return Span(i, i + len(needle), needle)


def rich_doc() -> Document:
    t = RICH_TEXT
    alder, birch, friday = span(t, "Alder"), span(t, "Birch"), span(t, "Friday")
    quote = span(t, '"Three workers were killed and the fire is still burning,"')
    crossing = span(t, "the fire is still burning,\" Governor Ilse Varga told reporters.")  # crosses the quote's end
    first = span(t, "Artillery struck a grain depot in Alder on Friday, the regional governor said.")
    denial = span(t, "Officials in Birch reportedly denied that their troops fired.")
    governor = span(t, "the regional governor")
    varga, told = span(t, "Governor Ilse Varga"), span(t, "told")
    place_a = Place(alder.start, alder.end, "Alder", name="Alder", lat=ALDER[0], lon=ALDER[1], country="XA",
                    admin1="North Province", feature="P.PPL", gazetteer_id="g-Alder", precision="city")
    place_b = Place(birch.start, birch.end, "Birch", name="Birch", lat=BIRCH[0], lon=BIRCH[1], country="XA",
                    feature="P.PPL", gazetteer_id="g-Birch", precision="city", coord_precision="parent")
    when = TimeExpr(friday.start, friday.end, "Friday", value="2022-11-11", grain="day", anchored=True)
    gun, who = span(t, "Artillery"), span(t, "workers")
    artillery = ActorMention(gun.start, gun.end, gun.text, "XB.MIL", "Army of B", "state_forces", "XB", True)
    workers = ActorMention(who.start, who.end, who.text, "CIV", "Civilians", "civilians")
    killed = span(t, "Three workers were killed")
    source = Mention(governor.start, governor.end, governor.text, None, "government")
    strike = Event(
        id="ev-rich", type="Explosions/Remote violence", subtype="Shelling/artillery/missile attack",
        trigger=span(t, "struck"), actors=(artillery,), targets=(workers,), place=place_a, time=when,
        fatalities=Count(3, 3, killed.start, killed.end, killed.text), certainty="reported", source=source,
        evidence=(first, span(t, '"Three workers were killed and the fire is still burning," Governor Ilse Varga told reporters.')),
    )  # fmt: skip
    denied = Event(id="ev-bare", type="Battles", subtype=None, trigger=span(t, "fired"), certainty="negated",
                   evidence=(denial,))  # fmt: skip
    article = Article(
        id="rich", text=t, url="javascript:alert(1)", title='Depot <b>struck</b> "x" & <script>',
        published=datetime(2022, 11, 12, 7, 0), origin="hand-built",
    )
    return Document(
        article=article, text=t, sentences=(first, denial), places=(place_a, place_b), times=(when,),
        quotes=(Quote(quote.start, quote.end, quote.text, True, Mention(varga.start, varga.end, varga.text, "Ilse Varga", "person"),
                      Mention(told.start, told.end, "told", None, "cue")),),
        claims=(Claim(first.start, first.end, first.text, "reported", source),
                Claim(crossing.start, crossing.end, crossing.text, "asserted"),
                Claim(denial.start, denial.end, denial.text, "negated", Mention(denial.start, denial.start + 9, "Officials", None, "government"))),
        actors=(artillery, workers), events=(strike, denied),
    )  # fmt: skip


def docs() -> list[Document]:
    return [
        make_doc("a1", extra=" Firefighters worked through the night."),
        make_doc("a2", town="Birch", coords=BIRCH, value="2022-11-15", event_type="Battles", certainty="hedged"),
        make_doc("a3", town="Cedar", coords=CEDAR, value="2022-12-02", certainty="confirmed"),
        make_doc("a5", town="Nowhere", coords=None, value=None, grain=None, certainty="hedged", fatalities=None),
        make_doc("feed.json", value="2022-11-20"),
        make_doc("wire/2023/7", value="2022-11-21"),
        rich_doc(),
    ]  # fmt: skip


@pytest.fixture
def store_path(store_target):
    path = store_target
    with open_store(path) as store:
        for doc in docs():
            store.save(doc)
    return path


@pytest.fixture
def client(store_path):
    with TestClient(create_app(store_path)) as c:
        yield c


def page(client, url: str, status: int = 200) -> str:
    r = client.get(url, headers=HTML)
    assert r.status_code == status, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    return r.text


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def listed_ids(body: str) -> list[str]:
    return re.findall(r'<li class="ev [^"]*" data-id="([^"]+)"', body)


# -- the map page -----------------------------------------------------------------------------------


def test_map_page_lists_events_and_points_to_its_twin(client):
    body = page(client, "/")
    assert listed_ids(body) == [e["id"] for e in client.get("/api/events").json()["events"]]
    assert '<link rel="alternate" type="application/json" href="/.json">' in body
    assert 'id="map"' in body and 'id="timeline-svg"' in body
    assert "7 events match" in body  # the denied one is not shown as happened
    r = client.get("/", headers=HTML)
    assert "default-src 'self'" in r.headers["content-security-policy"]


def test_map_page_of_an_empty_store(tmp_path):
    with TestClient(create_app(tmp_path / "empty.db")) as c:
        body = page(c, "/")
        assert "0 events match" in body and listed_ids(body) == []
        assert '"bounds": null' in body
        assert c.get("/points.json").json()["points"] == []


def test_map_page_loads_nothing_from_elsewhere(client):
    body = page(client, "/")
    for url in re.findall(r'(?:src|href)="([^"]+)"', body):
        assert url.startswith(("/", "#")), url
    for asset in re.findall(r'(?:src|href)="(/static/[^"?]+)', body):
        assert client.get(asset).status_code == 200, asset


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=Battles", ["ev-a2"]),
        ("type=Battles&certainty=negated", ["ev-bare"]),
        ("since=2022-11-15&until=2022-11-30", ["ev-a2", "ev-feed.json", "ev-wire/2023/7"]),
        ("certainty=hedged&certainty=possible", ["ev-a2", "ev-a5"]),
        ("certainty=negated", ["ev-bare"]),
        ("q=firefighters", ["ev-a1"]),
        ("bbox=29.9,50.02,30.1,50.5", ["ev-a2"]),
        ("type=&q=&certainty=hedged", ["ev-a2", "ev-a5"]),  # a plain form submission sends the empty fields
    ],
)
def test_map_page_filters_are_the_api_filters(client, query, expected):
    body = page(client, f"/?{query}")
    assert listed_ids(body) == expected
    api_query = "&".join(p for p in query.split("&") if not p.endswith("="))
    assert [e["id"] for e in client.get(f"/api/events?{api_query}").json()["events"]] == expected
    twin = client.get(f"/.json?{query}").json()
    assert [e["id"] for e in twin["events"]] == expected
    assert twin["count"] == len(expected)


def test_the_download_links_carry_the_filters_and_give_every_match(client):
    import csv
    import io

    body = page(client, "/?type=&since=2022-11-12&certainty=hedged&certainty=reported")
    links = dict(re.findall(r'<a id="download-(\w+)" data-format="\w+" href="([^"]+)" download>', body))
    query = "since=2022-11-12&amp;certainty=hedged&amp;certainty=reported"  # canonical, empty ones dropped
    assert links == {fmt: f"/api/events.{fmt}?{query}" for fmt in ("csv", "geojson", "jsonl")}
    r = client.get(html.unescape(links["csv"]))
    assert r.status_code == 200 and r.headers["content-disposition"].endswith('.csv"')
    assert [row["event_id_cnty"] for row in csv.DictReader(io.StringIO(r.text))] == listed_ids(body)
    # no filters: every event the map shows; refused filters: no links to follow
    assert 'href="/api/events.geojson" download>' in page(client, "/")
    refused = client.get("/?since=2022-13", headers=HTML).text
    assert '<p id="downloads" class="downloads" hidden>' in refused


def test_a_list_marks_a_date_coarser_than_a_day_by_its_precision(tmp_path):
    """A date range keeps a month-, week- or interval-precision event that overlaps it; the list
    says how coarse its date is, so "2023-01" does not read as a day in the range."""
    path = tmp_path / "coarse.db"
    with open_store(path) as store:
        store.save(make_doc("d1", value="2023-01-20", grain="day"))
        store.save(make_doc("d2", value="2023-01", grain="month"))
        store.save(make_doc("d3", value="2023-01-14/2023-01-16", grain="interval"))
        store.save(make_doc("d4", value="2023", grain="year"))
        store.save(make_doc("d5", value="2023-W03", grain="week"))
    with TestClient(create_app(path)) as c:
        body = page(c, "/?since=2023-01-15&until=2023-01-31")
        dates = re.findall(r'<span class="date">([^<]*)</span>', body)
        # by the first day each covers (a year and its January both begin on the 1st: by id)
        assert dates == [
            "2023-01 (month)", "2023 (year)", "2023-01-14 to 2023-01-16 (interval)", "2023-W03 (week)",
            "2023-01-20",
        ]  # fmt: skip


@pytest.mark.parametrize(("time", "label"), [
    ({"value": "2022-11-10", "grain": "day"}, "2022-11-10"),
    ({"value": "2022-11-10T06:00", "grain": "time"}, "2022-11-10T06:00"),
    ({"value": "2022-11", "grain": "month"}, "2022-11 (month)"),
    ({"value": "2022-11"}, "2022-11 (month)"),  # no grain: the value's shape
    ({"value": "2022-W45", "grain": "week"}, "2022-W45 (week)"),
    ({"value": "2022", "grain": "year"}, "2022 (year)"),
    ({"value": "2022-11-07/2022-11-10", "grain": "interval"}, "2022-11-07 to 2022-11-10 (interval)"),
    ({"value": None, "grain": "unknown"}, None),
    (None, None),
])  # fmt: skip
def test_date_labels_say_the_precision(time, label):
    from sitreps.report import events_table
    from sitreps.web.present import date_label

    assert date_label(time) == label
    table = events_table([{"time": time, "type": "Battles"}])
    assert list(table.columns[0].cells) == [label or "-"]  # `sitreps events` shows the same


def test_map_page_keeps_the_filters_in_its_form(client):
    body = page(client, "/?type=Battles&certainty=hedged&since=2022-11&q=depot&bbox=29,49,31,51")
    assert '<option value="Battles" selected>' in body
    assert re.search(r'value="hedged" checked', body)
    assert 'name="since" value="2022-11"' in body.replace('id="f-since" ', "")
    assert 'value="depot"' in body
    assert 'value="29,49,31,51"' in body
    assert 'href="/.json?type=Battles&amp;since=2022-11&amp;bbox=29%2C49%2C31%2C51&amp;certainty=hedged&amp;q=depot"' in body


@pytest.mark.parametrize(
    ("query", "words"),
    [("since=yesterday", "since"), ("certainty=sure", "'sure'"), ("tpye=Battles", "'tpye'"),
     ("bbox=1,2,3", "bbox"), ("min_corroboration=0", "min_corroboration"), ("limit=5000", "limit")],
)  # fmt: skip
def test_invalid_filters_say_why_in_html_and_json(client, query, words):
    body = page(client, f"/?{query}", status=422)
    assert words in html.unescape(body)
    assert listed_ids(body) == []
    r = client.get(f"/.json?{query}")
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "validation_error"


@pytest.fixture(scope="module")
def where_client(module_store_target):
    path = module_store_target
    with open_store(path) as store:
        for doc in where_docs():
            store.save(doc)
    with TestClient(create_app(path)) as c:
        yield c


def options(body: str, name: str) -> list[tuple[str, str, bool]]:
    """(value, text, selected) of a select box's options, the "all" one left out."""
    select = re.search(rf'<select id="f-{name}" name="{name}"[^>]*>(.*?)</select>', body, re.S).group(1)
    found = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)
    return [(html.unescape(v), html.unescape(t), bool(sel)) for v, sel, t in found if v]


def test_where_select_boxes_are_filled_from_the_store_with_counts(where_client):
    body = page(where_client, "/")
    assert options(body, "country") == [("UA", "UA Ukraine (5)", False), ("XA", "XA (1)", False)]
    assert options(body, "admin1")[0] == ("Donetsk Oblast", "Donetsk Oblast (2)", False)
    assert {v for v, _, _ in options(body, "admin1")} == {"Donetsk Oblast", "Kharkiv", "Kyiv", "Kyiv Oblast",
                                                           "North Province"}
    assert ("g-Bakhmut", "Bakhmut, Donetsk Oblast (1)", False) in options(body, "place")
    assert ("Nowhere", "Nowhere (1)", False) in options(body, "place")  # unresolved: by its text
    assert where_client.get("/.json").json()["where"] == where_client.get("/where.json").json()


def test_where_select_boxes_keep_the_choice_and_count_under_the_other_filters(where_client):
    body = page(where_client, "/?country=ukraine&admin1=donetsk")
    # what was typed is read as the store holds it, chosen in the form and carried in the links
    assert ("UA", "UA Ukraine (2)", True) in options(body, "country")
    assert ("Donetsk Oblast", "Donetsk Oblast (2)", True) in options(body, "admin1")
    assert 'href="/.json?country=UA&amp;admin1=Donetsk+Oblast"' in body
    assert listed_ids(body) == ["ev-w1", "ev-w2"]
    # each box counts what the other filters leave: the regions of Ukraine, the districts of Donetsk Oblast
    assert {v for v, _, _ in options(body, "admin1")} == {"Donetsk Oblast", "Kharkiv", "Kyiv", "Kyiv Oblast"}
    assert options(body, "admin2") == [("Bakhmut Raion", "Bakhmut Raion (1)", False),
                                       ("Kramatorsk Raion", "Kramatorsk Raion (1)", False)]
    twin = where_client.get("/.json?country=ukraine&admin1=donetsk").json()
    assert twin["filters"] == {"country": "UA", "admin1": "Donetsk Oblast"}
    assert [e["id"] for e in twin["events"]] == ["ev-w1", "ev-w2"]
    assert twin["where"] == where_client.get("/where.json?country=UA&admin1=Donetsk+Oblast").json()
    assert [p[0] for p in where_client.get("/points.json?admin1=donetsk").json()["points"]] == ["ev-w1", "ev-w2"]
    # a country with no events here is no error: chosen, with nothing listed
    body = page(where_client, "/?country=RU")
    assert ("RU", "RU", True) in options(body, "country") and listed_ids(body) == []


def test_a_where_value_the_store_lacks_says_why_in_html_and_json(where_client):
    body = html.unescape(page(where_client, "/?admin1=Donetks", status=422))
    assert "admin1: no events in 'Donetks' in this store; did you mean 'Donetsk Oblast'?" in body
    for twin in ("/.json?admin1=Donetks", "/where.json?admin1=Donetks", "/points.json?place=Bakhmutt"):
        r = where_client.get(twin)
        assert r.status_code == 422 and r.json()["error"]["code"] == "validation_error", twin


def test_map_twin_pages_like_the_api(client):
    seen, url = [], "/.json?limit=3"
    while url:
        body = client.get(url).json()
        seen += [e["id"] for e in body["events"]]
        url = body["next"]
        assert body["count"] == 7
    assert seen == [e["id"] for e in client.get("/api/events").json()["events"]]
    body = client.get("/index.json").json()
    assert set(body) >= {"filters", "count", "events", "next", "api", "points", "bounds", "timeline", "where"}
    assert body["timeline"]["by_month"] == {"2022-11": 5, "2022-12": 1}
    assert body["timeline"]["undated"] == 1
    assert body["bounds"] == [[ALDER[0], ALDER[1]], [CEDAR[0], CEDAR[1]]]
    assert client.get("/?format=json").json()["count"] == 7


def test_no_js_list_pages_with_a_next_link(client):
    body = page(client, "/?limit=3")
    assert len(listed_ids(body)) == 3
    more = html.unescape(re.search(r'<a id="more" href="([^"]+)"', body).group(1))
    assert len(listed_ids(page(client, more))) == 3


def test_points_are_the_located_matches(client):
    body = client.get("/points.json").json()
    assert body["count"] == 7
    assert body["fields"] == ["id", "lat", "lon", "type", "first_day", "certainty", "rough", "area", "days"]
    rows = {p[0]: p for p in body["points"]}
    assert "ev-a5" not in rows and "ev-bare" not in rows  # no coordinates: listed, not mapped
    assert len(rows) == 6
    a2 = rows["ev-a2"]
    assert (a2[1], a2[2]) == BIRCH
    assert body["types"][a2[3]] == "Battles"
    assert body["certainties"][a2[5]] == "hedged"
    assert a2[4] == "2022-11-15" and a2[6] == 0 and a2[7] is None and a2[8] == 1
    assert body["areas"] == []
    battles = client.get("/points.json?type=Battles").json()
    assert battles["count"] == 1 and [p[0] for p in battles["points"]] == ["ev-a2"]
    assert client.get("/points.json?since=junk").status_code == 422


def area_docs() -> list[Document]:
    """Two towns in Donetsk oblast, a raion (a rough point), and events placed only to the
    oblast, to Ukraine (twice) and to Europe: their points are centres, not places."""
    ua = {"country": "UA"}
    return [
        make_doc("t1", town="Bakhmut", coords=(48.59, 38.0), admin1="Donetsk Oblast", **ua),
        make_doc("t2", town="Kramatorsk", coords=(48.72, 37.56), admin1="Donetsk Oblast", **ua),
        make_doc("r1", town="Bakhmut Raion", coords=(48.6, 38.1), admin1="Donetsk Oblast", precision="admin2", **ua),
        make_doc("o1", town="Donetsk Oblast", coords=(48.0, 37.8), admin1="Donetsk Oblast", precision="admin1", **ua),
        make_doc("c1", town="Ukraine", coords=(49.0, 32.0), admin1=None, precision="country", **ua),
        make_doc("c2", town="Ukraine", coords=(49.0, 32.0), admin1=None, precision="country", value="2022-11-12", **ua),
        make_doc("e1", town="Europe", coords=(48.69, 9.14), country=None, admin1=None, precision="continent"),
    ]  # fmt: skip


@pytest.fixture
def area_client(tmp_path):
    path = tmp_path / "areas.db"
    with open_store(path) as store:
        for doc in area_docs():
            store.save(doc)
    with TestClient(create_app(path)) as c:
        yield c


def test_events_placed_only_to_a_country_or_region_are_areas_not_points(area_client):
    body = area_client.get("/points.json").json()
    assert body["count"] == body["located"] == 7
    rows = {p[0]: p for p in body["points"]}
    assert [rows[i][7] for i in ("ev-t1", "ev-t2", "ev-r1")] == [None, None, None]
    assert rows["ev-r1"][6] == 1 and rows["ev-t1"][6] == 0  # a raion is a rough point
    areas = body["areas"]
    by_name = {a["name"]: a for a in areas}
    assert set(by_name) == {"Donetsk Oblast", "Ukraine", "Europe"}
    assert by_name["Ukraine"] == {"name": "Ukraine", "precision": "country", "country": "UA", "admin1": None,
                                  "lat": 49.0, "lon": 32.0, "count": 2}  # fmt: skip
    assert by_name["Donetsk Oblast"]["precision"] == "admin1" and by_name["Europe"]["precision"] == "continent"
    assert areas[rows["ev-c1"][7]]["name"] == areas[rows["ev-c2"][7]]["name"] == "Ukraine"
    assert areas[rows["ev-o1"][7]]["admin1"] == "Donetsk Oblast"
    one = area_client.get("/points.json?type=Battles").json()
    assert one["points"] == [] and one["areas"] == []


def test_the_first_view_fits_the_points_not_the_centres_of_areas(area_client):
    bounds = area_client.get("/.json").json()["bounds"]
    assert bounds == [[48.59, 37.56], [48.72, 38.1]]  # not Europe's centre, not Ukraine's
    only_areas = area_client.get("/.json?q=Europe").json()
    assert only_areas["count"] == 1 and only_areas["bounds"] == [[48.69, 9.14], [48.69, 9.14]]


# -- the event page ---------------------------------------------------------------------------------


def test_event_page_shows_fields_and_highlights_evidence(client):
    body = page(client, "/events/ev-rich")
    assert "Explosions/Remote violence" in body and "Shelling/artillery/missile attack" in body
    assert "2022-11-11" in body
    assert "50.0000, 30.0000" in body
    assert "Army of B" in body and "XB.MIL" in body and "inferred" in body
    assert "Civilians" in body
    assert "“Three workers were killed”" in text_of(body) or "Three workers were killed" in body
    evidence = re.findall(r'<mark class="ann ann-evidence" data-ann="(evidence-\d)"', body)
    assert evidence == ["evidence-0", "evidence-1"]
    first = body[body.index('<mark class="ann ann-evidence" data-ann="evidence-0"'):]
    assert text_of(first).startswith("Artillery struck a grain depot in Alder on Friday")
    assert 'class="ann ann-event"' in body and 'class="ann ann-place"' in body
    assert '<link rel="alternate" type="application/json" href="/events/ev-rich.json">' in body
    assert 'data-lat="50.0" data-lon="30.0"' in body


def test_event_page_says_unknown_and_never_guesses(client):
    body = page(client, "/events/ev-bare")
    fields = text_of(body[body.index('<dl class="fields">'):body.index("</dl>")])
    for name in ("Subtype", "Date", "Place", "Actors", "Targets", "Fatalities", "Injured", "Weapons", "Source"):
        assert re.search(rf"{name}\s*unknown", fields), name
    assert "not linked yet" in fields
    assert "not a report that the event happened" in body
    assert "No coordinates" in body
    assert 'id="event-map"' not in body


def test_event_twin_is_the_api_event(client):
    for event_id in ("ev-a1", "ev-rich", "ev-feed.json"):
        twin = client.get(f"/events/{event_id}.json")
        assert twin.status_code == 200
        assert twin.json() == client.get(f"/api/events/{event_id}").json()
    assert client.get("/events/ev-a1?format=json").json()["id"] == "ev-a1"
    assert "ev-feed.json" in page(client, "/events/ev-feed.json?format=html")


def test_missing_pages_are_helpful_404s(client):
    body = page(client, "/events/nope", status=404)
    assert "There is no event “nope”" in body and 'href="/"' in body
    assert "no article" in page(client, "/articles/nope", status=404).lower()
    assert "no page at /somewhere" in page(client, "/somewhere", status=404)
    missing = client.get("/events/nope.json")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert client.get("/somewhere").json()["error"]["code"] == "not_found"  # not a browser: JSON
    assert client.get("/api/nothing", headers=HTML).json()["error"]["code"] == "not_found"


# -- the article page -------------------------------------------------------------------------------


def test_article_page_highlights_each_kind_with_a_legend_and_list(client):
    body = page(client, "/articles/rich")
    for kind in ("place", "time", "quote", "claim", "event", "actor"):
        assert f'class="ann ann-{kind}" data-ann="{kind}-0"' in body, kind
        assert f'id="show-{kind}"' in body
        assert f'id="ann-{kind}-0"' in body
    assert "Place: Alder (city; North Province, XA) at 50.0000, 30.0000" in html.unescape(body)
    assert "Quote (direct) by Ilse Varga (person)" in body
    assert "Claim, negated" in body
    assert 'href="/events/ev-rich"' in body
    doctext = body[body.index('<div class="doctext" id="doctext">') + 34:body.index('<aside id="ann-detail"')]
    assert text_of(doctext.rsplit("</div>", 1)[0]) == RICH_TEXT


def test_article_page_escapes_everything(client):
    body = page(client, "/articles/rich")
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in body
    assert "<b>struck</b>" not in body
    assert 'href="javascript:' not in body
    assert "Depot &lt;b&gt;struck&lt;/b&gt; &#34;x&#34; &amp; &lt;script&gt;" in body
    event = page(client, "/events/ev-rich")
    assert 'href="javascript:' not in event and "<script>alert" not in event


def test_crossing_spans_are_split_and_share_their_key(client):
    body = page(client, "/articles/rich")
    pieces = re.findall(r'<mark [^>]*data-ann="claim-1"[^>]*>', body)
    assert len(pieces) == 2  # the claim that crosses the quote's end: inside it, then after it
    assert sum('id="t-claim-1"' in p for p in pieces) == 1


def test_article_twin_and_ids_with_slashes_or_json(client):
    assert client.get("/articles/rich.json").json() == client.get("/api/articles/rich").json()
    assert client.get("/articles/wire/2023/7.json").json()["id"] == "wire/2023/7"
    assert "Depot shelled in Alder" in page(client, "/articles/wire/2023/7")
    # A path ending in .json is the twin of the path without it: the article "feed.json" has
    # its page at ?format=html and its twin at .json.json.
    assert client.get("/articles/feed.json").status_code == 404  # no article "feed"
    assert client.get("/articles/feed.json.json").json()["id"] == "feed.json"
    body = page(client, "/articles/feed.json?format=html")
    assert '<link rel="alternate" type="application/json" href="/articles/feed.json.json">' in body
    event = page(client, "/events/ev-feed.json?format=html")
    assert 'href="/articles/feed.json?format=html"' in event
    assert client.get("/articles/rich?format=xml").status_code == 422


# -- the cluster page -------------------------------------------------------------------------------

CLUSTER = {
    "id": "c-7", "corroboration": 2, "outlets": ["one.example", "two.example"],
    "documents": [
        {"article_id": "a1", "title": "Depot shelled in Alder", "url": "https://one.example/a1", "outlet": "one.example",
         "published": "2022-11-11T08:30:00", "copy_of": None},
        {"article_id": "rich", "title": "Depot struck", "url": "https://two.example/r", "outlet": "two.example",
         "published": "2022-11-12T07:00:00", "copy_of": None},
        {"article_id": "a3", "title": "Copy", "url": "https://three.example/c", "outlet": "three.example",
         "published": None, "copy_of": "a1"},
    ],
    "reports_outlet_unknown": 0,
    "copies": [["a1", "a3"]],
    "incidents": [{"id": "ev-a1", "events": ["ev-a1", "ev-rich"], "articles": ["a1", "rich"], "corroboration": 2,
                   "outlets": ["one.example", "two.example"], "reports_outlet_unknown": 0}],
    "spread": {"km": None, "places": None, "days": 1, "far": False},
    "disagreements": [
        {"field": "fatalities", "event_type": "Explosions/Remote violence",
         "values": [{"article_id": "a1", "outlet": "one.example", "value": [2, 2]},
                    {"article_id": "rich", "outlet": "two.example", "value": [3, None]}]},
        {"field": "dates", "event_type": "Explosions/Remote violence",
         "values": [{"article_id": "a1", "outlet": "one.example", "value": ["2022-11-10", "2022-11-10"]},
                    {"article_id": "rich", "outlet": "two.example", "value": ["2022-11-11", "2022-11-12"]}]},
    ],
}  # fmt: skip


# An over-merged cluster: two reports that read alike tell a strike and, 7,800 km and a month
# away, something else; one report's outlet is unknown.
FAR_APART = {
    "id": "c-far", "corroboration": 1, "outlets": ["one.example"], "reports_outlet_unknown": 2,
    "documents": [
        {"article_id": "a1", "title": "Depot shelled in Alder", "url": "https://one.example/a1", "outlet": "one.example",
         "published": "2022-11-11T08:30:00", "copy_of": None},
        {"article_id": "rich", "title": "Depot struck", "url": None, "outlet": None, "published": None, "copy_of": None},
        {"article_id": "a3", "title": "Copy", "url": None, "outlet": None, "published": None, "copy_of": None},
    ],
    "copies": [],
    "incidents": [
        {"id": "ev-a1", "events": ["ev-a1"], "articles": ["a1"], "corroboration": 1, "outlets": ["one.example"],
         "reports_outlet_unknown": 0},
        {"id": "ev-rich", "events": ["ev-rich", "ev-a3"], "articles": ["rich", "a3"], "corroboration": 0, "outlets": [],
         "reports_outlet_unknown": 2},
    ],
    "spread": {"km": 7812.3, "places": ["Sevastopol", "Washington"], "days": 30, "far": True},
    "disagreements": [],
}  # fmt: skip


@pytest.fixture
def with_cluster(client, monkeypatch):
    from sitreps.web import clusters

    def find(store, cluster_id):
        found = {"c-7": CLUSTER, "c-far": FAR_APART}.get(cluster_id)
        if found is None:
            return None
        events = [client.get(f"/api/events/{i}").json() for i in ("ev-a1", "ev-rich", "ev-a3")]
        return {**found, "events": events}

    monkeypatch.setattr(clusters, "find_cluster", find)
    return client


def test_cluster_page_says_which_outlet_says_what(with_cluster):
    body = page(with_cluster, "/clusters/c-7")
    text = text_of(body)
    assert "One incident: 2 independent outlets (one.example, two.example)" in text
    assert "Outlets: one.example, two.example" in text
    assert "Not one story" not in text and "(not independent)" in text
    assert re.search(r"Fatalities\s+of Explosions/Remote violence", text)
    assert "at least 3" in text and re.search(r"one\.example\s*2\s", text)
    assert "2022-11-11 to 2022-11-12" in text
    incident = body[body.index('id="incident-ev-a1"'):body.index("Other events in these reports")]
    assert "Incident 1: Explosions/Remote violence, Alder" in text_of(incident)
    assert "Told by 2 independent outlets (one.example, two.example)" in text_of(incident)
    assert 'href="/events/ev-a1"' in incident and 'href="/events/ev-rich"' in incident
    assert 'href="/events/ev-a3"' in body[body.index("Other events in these reports"):]
    twin = with_cluster.get("/clusters/c-7.json").json()
    assert twin["id"] == "c-7" and len(twin["events"]) == 3
    assert '<link rel="alternate" type="application/json" href="/clusters/c-7.json">' in body
    assert "no cluster" in page(with_cluster, "/clusters/c-8", status=404).lower()
    assert with_cluster.get("/clusters/c-8.json").status_code == 404


def test_a_cluster_of_unrelated_incidents_says_so_and_never_counts_unknown_outlets(with_cluster):
    body = page(with_cluster, "/clusters/c-far")
    text = text_of(body)
    assert "2 incidents in 3 reports" in text
    assert ("Not one story: these reports tell 2 incidents, up to 7,812 km (Sevastopol and Washington) and 30 days "
            "apart.") in text  # fmt: skip
    assert "Outlets: one.example · 2 reports, outlet unknown" in text
    first = text_of(body[body.index('id="incident-ev-a1"'):body.index('id="incident-ev-rich"')])
    second = text_of(body[body.index('id="incident-ev-rich"'):])
    assert "Told by 1 outlet (one.example)" in first
    assert "Told by 2 reports, outlet unknown" in second
    assert "independent" not in text.replace("(not independent)", "")  # no count of unknowns is "independent"
    assert "One incident" not in text


def test_an_events_corroboration_is_its_incidents(tmp_path):
    path = tmp_path / "s.db"
    with open_store(path) as store:
        extra = [  # three reports in their own words (the same text would be one copied report)
            " Firefighters from the regional rescue service fought the blaze at the depot until dawn.",
            " The mayor of Alder said the families would be compensated for the burned depot.",
            " Rescue crews battled the flames at the burning fuel depot in Alder through the night.",
        ]
        for i, url in enumerate(("https://one.example/x", None, None)):
            doc = make_doc(f"u{i}", extra=extra[i])
            store.save(replace(doc, article=replace(doc.article, url=url)))
        from sitreps.store.clusters import link_pending

        link_pending(store)
    with TestClient(create_app(path)) as c:
        event = c.get("/api/events/ev-u0").json()
        assert (event["corroboration"], event["reports_outlet_unknown"]) == (1, 2)
        body = page(c, "/events/ev-u0")
        assert "1 outlet; 2 reports, outlet unknown" in text_of(body)
        assert f'href="/clusters/{event["cluster_id"]}#incident-{event["incident_id"]}"' in body


def test_corroboration_words():
    from sitreps.web.present import corroboration_text

    assert corroboration_text(None, None) is None
    assert corroboration_text(3, 0) == "3 independent outlets"
    assert corroboration_text(1, 0, ["one.example"]) == "1 outlet (one.example)"
    assert corroboration_text(0, 1) == "1 report, outlet unknown"
    assert corroboration_text(2, 3, ["a.example", "b.example"]) == (
        "2 independent outlets (a.example, b.example); 3 reports, outlet unknown")
    assert corroboration_text(0, 0) == "no known outlet"


def test_cluster_from_a_linked_store(tmp_path):
    from sitreps.store.clusters import link_pending

    extra = [
        (" Firefighters from the regional rescue service fought the blaze at the depot until dawn, and the"
        " mayor promised compensation to the families of the dead."),
        (" The mayor of Alder said the families would be compensated, while rescue crews battled the flames"
        " at the burning fuel depot through the whole night."),
    ]
    path = tmp_path / "linked.db"
    with open_store(path) as store:
        for i, outlet in enumerate(("one.example", "two.example")):
            doc = make_doc(f"l{i}", extra=extra[i])
            store.save(replace(doc, article=replace(doc.article, url=f"https://{outlet}/l{i}")))
        link_pending(store)
    with TestClient(create_app(path)) as c:
        event = c.get("/api/events/ev-l0").json()
        assert event["cluster_id"] and event["corroboration"] == 2
        body = page(c, "/events/ev-l0")
        assert f'href="/clusters/{event["cluster_id"]}#incident-ev-l0"' in body
        assert "2 independent outlets" in text_of(body)
        cluster = page(c, f"/clusters/{event['cluster_id']}")
        assert "One incident: 2 independent outlets (one.example, two.example)" in text_of(cluster)


# -- pieces -----------------------------------------------------------------------------------------


def test_highlight_nests_splits_and_escapes():
    text = "a <b> & c"
    out = highlight(text, [Mark(0, 9, "claim", "k1", 'say "hi"'), Mark(2, 5, "place", "k2"), Mark(4, 7, "time", "k3")])
    assert text_of(out) == text
    assert str(out).count('data-ann="k3"') == 2  # crosses k2's end
    assert 'title="say &#34;hi&#34;"' in out
    assert "&lt;" in out and "&gt;" in out and "&amp;" in out
    bad = highlight("abc", [Mark(2, 9, "x", "out"), Mark(2, 2, "x", "empty"), Mark(-1, 1, "x", "neg"), Mark(None, 1, "x", "none")])
    assert str(bad) == "abc"


def test_highlight_never_corrupts_the_text():
    rng = random.Random(5)
    for _ in range(200):
        text = "".join(rng.choice("ab <>&\"'é\n") for _ in range(rng.randrange(1, 40)))
        marks = []
        for k in range(rng.randrange(0, 8)):
            a, b = sorted(rng.randrange(0, len(text) + 1) for _ in range(2))
            marks.append(Mark(a, b, rng.choice(["place", "quote", "claim"]), f"k{k}"))
        out = str(highlight(text, marks))
        assert text_of(out) == text
        assert out.count("<mark") == out.count("</mark>")
        depth = 0
        for tag in re.findall(r"</?mark", out):
            depth += 1 if tag == "<mark" else -1
            assert depth >= 0


@pytest.mark.parametrize(
    ("field", "value", "text"),
    [("fatalities", [2, 2], "2"), ("fatalities", [12, None], "at least 12"), ("fatalities", [None, 20], "up to 20"),
     ("fatalities", [5, 8], "5–8"), ("actors", ["XA.MIL", "CIV"], "XA.MIL, CIV"), ("actors", [], "none named"),
     ("dates", ["2022-11-10", "2022-11-10"], "2022-11-10"), ("dates", ["2022-11-10", "2022-11-12"], "2022-11-10 to 2022-11-12"),
     ("fatalities", None, "unknown")],
)  # fmt: skip
def test_disagreement_values_read_as_words(field, value, text):
    assert views.value_text(field, value) == text


@pytest.mark.parametrize(
    ("count", "text"),
    [({"low": 2, "high": 2}, "2"), ({"low": 12, "high": None}, "at least 12"),
     ({"low": 12, "high": None, "approximate": True}, "about 12 or more"), ({"low": None, "high": 20}, "up to 20"),
     ({"low": 5, "high": 8, "approximate": True}, "about 5–8"), ({"low": None, "high": None}, None), (None, None)],
)  # fmt: skip
def test_counts_read_as_words_and_none_stays_unknown(count, text):
    from sitreps.web.present import count_text

    assert count_text(count) == text


def test_vendored_libraries_are_served(client):
    for path, words in [
        ("/static/vendor/leaflet/leaflet.js", "Leaflet 1.9.4"),
        ("/static/vendor/leaflet.markercluster/leaflet.markercluster.js", "markercluster"),
        ("/static/vendor/topojson-client/topojson-client.min.js", "topojson"),
    ]:
        r = client.get(path)
        assert r.status_code == 200 and words in r.text, path
    topo = client.get("/static/basemap/countries-50m.json").json()
    assert topo["type"] == "Topology" and set(topo["objects"]) == {"countries", "land"}


def test_first_level_units_are_served_per_country_with_names_inside_their_box(client):
    """static/basemap/admin1/ (scripts/admin1.py): index.json names each country's file by the
    ISO code events store, and every unit has a name and a label point within its country's box."""
    index = client.get("/static/basemap/admin1/index.json").json()
    assert len(index) > 150 and {"UA", "RU", "PL", "BY"} <= set(index)
    for code in ("UA", "RU", "SY"):
        topo = client.get(f"/static/basemap/admin1/{code}.json").json()
        units = topo["objects"]["admin1"]["geometries"]
        assert len(units) == index[code]["units"]
        west, south, east, north = index[code]["bbox"]
        named = [u for u in units if u["properties"]]  # Russia has one unit the source leaves unnamed
        assert len(named) >= len(units) - 1
        for unit in named:
            lon, lat = unit["properties"]["label"]
            assert unit["properties"]["name"] and west <= lon <= east and south <= lat <= north, unit["properties"]
    ukraine = {u["properties"]["name"] for u in client.get("/static/basemap/admin1/UA.json").json()["objects"]["admin1"]["geometries"]}
    assert len(ukraine) == 27 and {"Autonomous Republic of Crimea", "Sevastopol", "Donetsk", "Kyiv City", "Odesa"} <= ukraine


def test_no_page_or_answer_shows_the_servers_folders(tmp_path):
    path = tmp_path / "x.db"
    with open_store(path) as store:
        doc = docs()[0]
        store.save(replace(doc, article=replace(doc.article, id="fed", origin="/srv/secret/feeds/day.jsonl:158")))
    with TestClient(create_app(path)) as c:
        for url in ("/api/articles/fed", "/articles/fed", "/articles/fed.json"):
            body = c.get(url).text
            assert "/srv/secret" not in body and "day.jsonl:158" in body, url
