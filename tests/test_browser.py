"""The web UI in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright):
the map draws markers, a filter changes them (a type, a place from the where boxes), the timeline
sets dates, the Download links follow the filters, an event page highlights its evidence, an
article's highlights explain themselves, and no page asks anything of a host other than this one.
Each page is served over a SQLite store and over a PostgreSQL one (`module_new_store_target`,
tests/conftest.py): a server per backend and module, not per test; the few tests that no store
can change run over SQLite only (`ONE_BACKEND`).

Skipped when Chromium or Playwright is missing, unless SITREPS_REQUIRE_BROWSER=1 (CI sets it),
which turns the skip into a failure. Run alone: `python -m pytest -q tests/test_browser.py`;
SITREPS_CHROMIUM names another Chromium binary.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from test_store import make_doc
from test_web import area_docs, docs, rich_doc

from sitreps.store import open_store

CHROMIUM = Path(os.environ.get("SITREPS_CHROMIUM", "/usr/bin/chromium"))  # Debian's package
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
REQUIRED = os.environ.get("SITREPS_REQUIRE_BROWSER") == "1"
LOCAL = {"127.0.0.1", "localhost"}


def unavailable(reason: str):
    if REQUIRED:
        pytest.fail(f"{reason}, and SITREPS_REQUIRE_BROWSER=1 asks for the browser tests")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright for Python is not installed (pip install -e '.[dev]')")
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def serve(path: str, documents, link=None):
    """uvicorn on a free localhost port, in a thread, over a store of `documents` (linked into
    clusters by `link(store)` when given) at `path` (a SQLite file or a PostgreSQL URL)."""
    import uvicorn

    from sitreps.api import create_app

    with open_store(path) as store:
        for doc in documents:
            store.save(doc)
        if link:
            link(store)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(create_app(path), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def server(module_new_store_target):
    """The hand-built documents of test_web."""
    server, thread, url = serve(module_new_store_target(), docs())
    yield url
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def area_server(module_new_store_target):
    """Towns in Donetsk oblast, a raion, and events placed only to the oblast, to Ukraine, to Europe."""
    server, thread, url = serve(module_new_store_target(), area_docs())
    yield url
    server.should_exit = True
    thread.join(10)


def timeline_docs():
    """Thirteen events from November 2022 to February 2023, and one of May 1944."""
    dated = [make_doc(f"m{i}", value=f"2022-{11 + i % 2}-{10 + i}") for i in range(12)]
    return [*dated, make_doc("m12", value="2023-02-01"), make_doc("old", value="1944-05-09")]


@pytest.fixture(scope="module")
def timeline_server(module_new_store_target):
    server, thread, url = serve(module_new_store_target(), timeline_docs())
    yield url
    server.should_exit = True
    thread.join(10)


def rough_date_docs():
    """A day, a week across two months (30 January to 5 February 2023) and a month."""
    return [make_doc("d1", value="2023-01-10"), make_doc("w1", value="2023-W05", grain="week"),
            make_doc("m1", value="2023-02", grain="month")]  # fmt: skip


@pytest.fixture(scope="module")
def rough_date_server(module_new_store_target):
    server, thread, url = serve(module_new_store_target(), rough_date_docs())
    yield url
    server.should_exit = True
    thread.join(10)


LONG_ID = "20220131T223000Z_US_272c2d715d_and_a_long_tail_without_spaces"


def linked_docs():
    """Two outlets' reports of one incident under long ids without spaces (as feeds name them),
    linked into a cluster, and the hand-built article with every kind of annotation."""
    extra = [" Firefighters from the regional rescue service fought the blaze at the depot until dawn, and the"
             " mayor promised compensation to the families of the dead.",
             " The mayor of Alder said the families would be compensated, while rescue crews battled the flames"
             " at the burning fuel depot through the whole night."]  # fmt: skip
    out = []
    for i, outlet in enumerate(("one.example", "a-very-long-outlet-name-without-spaces.example")):
        doc = make_doc(f"{LONG_ID}_{i}", extra=extra[i])
        out.append(replace(doc, article=replace(doc.article, url=f"https://{outlet}/{LONG_ID}/{i}")))
    return [*out, rich_doc()]


@pytest.fixture(scope="module")
def linked_server(module_new_store_target):
    from sitreps.store.clusters import link_pending

    server, thread, url = serve(module_new_store_target(), linked_docs(), link=link_pending)
    yield url
    server.should_exit = True
    thread.join(10)


def recorded_page(browser, base: str, viewport: dict):
    """A fresh page that records every URL it asks for and every script error; `checked`
    closes it and fails on a request to another host or a script error."""
    context = browser.new_context(viewport=viewport, is_mobile=viewport["width"] < 500, has_touch=viewport["width"] < 500)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.requested, page.errors = [], []
    page.on("request", lambda r: page.requested.append(r.url))
    # a request the page's Content-Security-Policy refuses never leaves the browser
    page.on("requestfailed", lambda r: r.failure == "csp" and page.requested.remove(r.url))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.base = base
    return page


def checked(page) -> None:
    page.context.close()
    hosts = {urlsplit(u).hostname for u in page.requested if urlsplit(u).scheme in ("http", "https", "ws", "wss")}
    assert hosts <= LOCAL, f"requests to other hosts: {sorted(hosts - LOCAL)}"
    assert not page.errors, page.errors


@pytest.fixture
def page(browser, server):
    page = recorded_page(browser, server, {"width": 1280, "height": 800})
    yield page
    checked(page)


@pytest.fixture
def phone(browser, server):
    """A page the size of a phone's (390 x 844 CSS px, touch)."""
    page = recorded_page(browser, server, {"width": 390, "height": 844})
    yield page
    checked(page)


# For a page whose test no store can change (the API's docs, the basemap, a filter refused before
# any query): served over the SQLite store only, which keeps the suite's time down.
ONE_BACKEND = pytest.mark.parametrize("module_new_store_target", ["sqlite"], indirect=True)


def ready(page, markers: int) -> None:
    page.wait_for_selector(f"#map[data-state=ready][data-markers='{markers}']")


def test_map_draws_markers_and_a_filter_changes_them(page):
    page.goto(page.base + "/")
    ready(page, 6)  # 7 events said to have happened (the denied one is not shown), 6 with coordinates
    assert page.locator("#map .marker-cluster, #map path.ev").count() > 0
    assert page.locator("#event-list li").count() == 7
    assert "7 events match; 6 on the map, 1 without coordinates" in page.inner_text("#status")
    assert page.locator("#timeline-svg .bar").count() == 2  # 2022-11, 2022-12

    page.select_option("#f-type", "Battles")
    page.click("#filters button[type=submit]")
    ready(page, 1)
    assert "type=Battles" in page.url
    assert page.locator("#event-list li").count() == 1
    assert page.locator("#event-list li").first.get_attribute("data-id") == "ev-a2"

    page.click("#map path.ev")  # the one located battle: its popup loads the event
    page.wait_for_selector(".leaflet-popup-content a.popup-title:has-text('Battles')")
    assert "2022-11-15" in page.inner_text(".leaflet-popup-content")
    assert "null" not in page.inner_text(".leaflet-popup-content")

    page.go_back()
    ready(page, 6)
    assert page.input_value("#f-type") == ""

    page.click("#search-area")  # the map's view becomes the bbox filter
    page.wait_for_url("**bbox=*")
    ready(page, 6)
    assert page.is_visible("#area") and page.input_value("#f-bbox").count(",") == 3


def test_where_select_boxes_filter_and_follow_the_choice(page):
    page.goto(page.base + "/")
    ready(page, 6)
    assert "XA (6)" in page.inner_text("#f-country")
    page.select_option("#f-place", "g-Birch")
    page.click("#filters button[type=submit]")
    ready(page, 1)
    assert "place=g-Birch" in page.url
    assert page.input_value("#f-place") == "g-Birch"
    assert page.locator("#event-list li").first.get_attribute("data-id") == "ev-a2"
    # the other boxes now count what the chosen place leaves
    page.wait_for_function("document.querySelector('#f-country').textContent.includes('XA (1)')")
    assert page.input_value("#f-place") == "g-Birch"

    page.go_back()
    ready(page, 6)
    assert page.input_value("#f-place") == ""
    page.wait_for_function("document.querySelector('#f-country').textContent.includes('XA (6)')")


def test_the_download_link_gives_every_event_the_filters_keep(page):
    """Filters applied by the script (no reload) reach the Download links: the CSV behind
    "CSV" holds exactly the events listed, each in the region and the date range chosen."""
    import csv
    import io

    page.goto(page.base + "/")
    ready(page, 6)
    page.evaluate("window.sameDocument = true")
    page.select_option("#f-admin1", "North Province")
    page.fill("#f-since", "2022-11-12")
    page.fill("#f-until", "2022-11-30")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**admin1=North+Province*")
    ready(page, 3)
    assert page.evaluate("window.sameDocument") is True  # the script applied them: no new page
    href = page.get_attribute("#download-csv", "href")
    assert href.startswith("/api/events.csv?") and "admin1=North+Province" in href and "since=2022-11-12" in href
    assert page.is_visible("#downloads")
    text = page.evaluate("url => fetch(url).then(r => r.text())", href)
    rows = list(csv.DictReader(io.StringIO(text)))
    listed = [li.get_attribute("data-id") for li in page.locator("#event-list li").all()]
    assert sorted(row["event_id_cnty"] for row in rows) == sorted(listed) == ["ev-a2", "ev-feed.json", "ev-wire/2023/7"]
    assert all(row["admin1"] == "North Province" and "2022-11-12" <= row["event_date"] <= "2022-11-30" for row in rows)
    for fmt in ("geojson", "jsonl"):
        assert page.get_attribute(f"#download-{fmt}", "href") == href.replace(".csv?", f".{fmt}?")


def test_the_background_and_copies_boxes_reach_the_url(page):
    page.goto(page.base + "/")
    ready(page, 6)
    page.check("#filters input[name=include_background]")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**include_background=1*")
    ready(page, 6)
    assert page.is_checked("#filters input[name=include_background]")


@ONE_BACKEND
@pytest.mark.parametrize("bbox", ["1,2,3", "a,b,c,d", "0,95,10,99", ",,,"])
def test_a_malformed_area_in_the_url_is_an_error_message_not_a_script_error(page, bbox):
    page.goto(page.base + f"/?bbox={bbox}")
    page.wait_for_selector("#map[data-state=error]")
    assert "bbox" in page.inner_text("#status")


def test_timeline_bar_sets_the_dates(page):
    page.goto(page.base + "/")
    ready(page, 6)
    page.click('#timeline-svg .bar[data-key="2022-12"]')
    ready(page, 1)
    assert "since=2022-12&until=2022-12" in page.url
    assert page.inner_text("#timeline-title") == "Events per day"
    assert page.input_value("#f-since") == "2022-12"


def test_event_page_highlights_its_evidence(page):
    page.goto(page.base + "/?q=Varga")
    ready(page, 1)
    page.click('#event-list li[data-id="ev-rich"] a')
    page.wait_for_url("**/events/ev-rich")
    evidence = page.locator("#evidence-text mark.ann-evidence")
    assert evidence.count() == 2
    assert evidence.first.inner_text().startswith("Artillery struck a grain depot in Alder on Friday")
    assert page.locator("#evidence-text mark.ann-evidence mark.ann-event").first.inner_text() == "struck"
    page.wait_for_selector("#event-map path.ev")  # the small map's marker


def test_article_highlights_explain_themselves(page):
    page.goto(page.base + "/articles/rich")
    place = page.locator('#doctext mark[data-ann="place-0"]')
    place.click()
    detail = page.locator("#ann-detail")
    assert detail.is_visible()
    assert "50.0000, 30.0000" in detail.inner_text()
    assert page.locator("#ann-place-0.on").count() == 1
    background = place.evaluate("m => getComputedStyle(m).backgroundColor")
    page.uncheck("#show-place")
    assert place.evaluate("m => getComputedStyle(m).backgroundColor") != background
    assert "<script>" in page.inner_text("#doctext")  # shown as text, never run


@ONE_BACKEND
@pytest.mark.parametrize("path, ready_selector", [("/docs", ".swagger-ui .info"), ("/redoc", "[role=navigation], .api-content")])
def test_the_api_docs_load_nothing_from_elsewhere(page, path, ready_selector):
    """Swagger UI and ReDoc come bundled; what they would fetch from a CDN (ReDoc's logo) the
    page's policy refuses before it leaves the browser. The fixture fails the test on any
    request sent to another host."""
    page.goto(page.base + path)
    page.wait_for_selector(ready_selector)
    assert "sitreps" in page.inner_text("body")


@ONE_BACKEND
@pytest.mark.parametrize("query, message", [
    ("since=2022-13-45", "since: '2022-13-45' has no month 13"),
    ("since=2022-12-01&until=2022-11-01", "since (2022-12-01) is after until (2022-11-01)"),
    ("type=Shelling", "did you mean the sub-event type 'Shelling/artillery/missile attack'"),
])
def test_a_bad_filter_in_the_url_shows_the_apis_message_in_the_page(page, query, message):
    page.goto(page.base + f"/?{query}")
    page.wait_for_selector("#map[data-state=error]")
    status = page.inner_text("#status")
    assert status.startswith("Could not load the events: ") and message in status, status


@ONE_BACKEND
def test_basemap_draws_no_line_across_the_world(page):
    """The world's TopoJSON steps from 180 to -180 where Russia and Fiji cross the antimeridian
    and runs round the pole for Antarctica: drawn flat, each step was a stripe across the map."""
    page.goto(page.base + "/")
    ready(page, 6)
    steps = page.evaluate("""async () => {
      const { loadWorld } = await import('/static/js/basemap.js');
      const { land, borders } = await loadWorld();
      const lines = [];
      const walk = (g) => {
        if (g.type === 'FeatureCollection') g.features.forEach((f) => walk(f.geometry));
        else if (g.type === 'Feature') walk(g.geometry);
        else if (g.type === 'MultiPolygon') g.coordinates.forEach((p) => lines.push(...p));
        else if (g.type === 'Polygon') lines.push(...g.coordinates);
        else if (g.type === 'MultiLineString') lines.push(...g.coordinates);
        else if (g.type === 'LineString') lines.push(g.coordinates);
      };
      walk(land); walk(borders);
      let steps = 0;
      for (const line of lines) for (let i = 1; i < line.length; i++) {
        const [a, b] = [line[i - 1], line[i]];
        const alongPole = Math.abs(a[1]) === 90 && a[1] === b[1];  // off the map: it closes Antarctica
        if (Math.abs(b[0] - a[0]) > 180 && !alongPole) steps++;
      }
      return [steps, lines.length];
    }""")
    assert steps[1] > 100 and steps[0] == 0


def test_oblast_borders_and_names_are_drawn_on_both_maps(page):
    """The hand-built events lie near 50N 30E, in Kyiv oblast: from zoom 5 the map draws the
    units of the countries in view (static/basemap/admin1/UA.json) and names them."""
    page.goto(page.base + "/")
    ready(page, 6)
    page.wait_for_selector("#map[data-admin1~='UA']")
    names = page.locator("#map .admin1-label").all_inner_texts()
    assert "Kyiv" in names
    page.goto(page.base + "/events/ev-rich")
    page.wait_for_selector("#event-map[data-admin1~='UA']")
    assert page.locator("#event-map .admin1-label").count() > 0


def test_country_level_events_are_not_drawn_as_point_markers(page, area_server):
    page.goto(area_server + "/")
    ready(page, 3)  # Bakhmut, Kramatorsk and the raion; not Ukraine's, Europe's or the oblast's centre
    page.wait_for_selector("#map[data-areas='4'][data-shaded='2']")  # Ukraine and Donetsk oblast shaded
    # the raion's rough marker keeps its style inside the cluster it forms with Bakhmut's
    assert page.locator("#map .marker-cluster.some-rough").count() == 1
    assert "4 placed only to a country or region" in page.inner_text("#status")
    box = page.locator("#areas")
    assert "4 events placed only to a country or region" in box.inner_text()
    box.locator("summary").click()
    assert box.locator("li").all_inner_texts() == ["Ukraine (country) 2", "Donetsk Oblast (admin1) 1", "Europe (continent) 1"]
    box.locator("button", has_text="Ukraine").click()
    page.wait_for_selector(".leaflet-popup-content:has-text('Ukraine: 2 events')")
    assert page.locator(".leaflet-popup-content li a").count() == 2
    # the event page outlines the area and puts no marker at its centre
    for event in ("ev-c1", "ev-o1"):
        page.goto(f"{area_server}/events/{event}")
        page.wait_for_selector("#event-map[data-area='outline'] path.area-shape")
        assert page.locator("#event-map path.ev").count() == 0


def tick_overlaps(page) -> list:
    """Pairs of the timeline's labels on one line whose boxes overlap."""
    return page.evaluate("""() => {
      const boxes = [...document.querySelectorAll('#timeline-svg text.tick')].map((t) => [t.textContent, t.getBoundingClientRect()]);
      const out = [];
      for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
        const [a, ra] = boxes[i], [b, rb] = boxes[j];
        if (ra.top === rb.top && ra.left < rb.right && rb.left < ra.right) out.push([a, b]);
      }
      return out;
    }""")


def bar_widths(page) -> list[float]:
    return page.evaluate("() => [...document.querySelectorAll('#timeline-svg .bar .hit')].map((r) => r.getBoundingClientRect().width)")


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 390, "height": 844}], ids=["desktop", "phone"])
def test_timeline_covers_the_dense_months_and_zooms_out_to_an_outlier(browser, timeline_server, viewport):
    page = recorded_page(browser, timeline_server, viewport)
    page.goto(timeline_server + "/")
    ready(page, 14)
    keys = page.locator("#timeline-svg .bar").evaluate_all("bars => bars.map((b) => b.dataset.key)")
    assert keys == ["2022-11", "2022-12", "2023-01", "2023-02"]  # not 1944-05 to 2023-02: 946 bars
    assert "1 before 2022-11 not shown" in page.inner_text("#timeline-hint")
    assert min(bar_widths(page)) >= 40 and not tick_overlaps(page)
    page.click("#timeline-zoom")
    assert page.inner_text("#timeline-zoom") == "Show the busy months (2022-11 to 2023-02)"
    title = page.inner_text("#timeline-title")
    assert title == ("Events per year" if viewport["width"] > 500 else "Events per five years")
    assert min(bar_widths(page)) >= 6 and not tick_overlaps(page)
    page.locator("#timeline-svg .bar .hit").first.click()  # the bar holding 1944
    page.wait_for_url("**since=194*")
    ready(page, 1)
    assert page.locator("#event-list li").first.get_attribute("data-id") == "ev-old"
    assert page.locator("#timeline-svg .bar.in").count() == 1  # the chosen range is outside the busy months: all shown
    checked(page)


def bars(page) -> dict[str, tuple[int, int, float]]:
    """The timeline's bars with events: key -> (events, rough events, the rough part's height),
    the events as the bar's title says ("2023-01: 2 events ...")."""
    rows = page.evaluate("""() => [...document.querySelectorAll('#timeline-svg .bar')].map((b) =>
      [b.dataset.key, parseInt(b.querySelector('title').textContent.split(': ')[1]),
       Number(b.dataset.rough || 0), b.querySelector('rect.rough')?.getBoundingClientRect().height || 0])""")
    return {key: (count, rough, height) for key, count, rough, height in rows if count}


def test_a_week_and_a_month_are_on_the_timeline_at_their_first_day_marked_rough(browser, rough_date_server):
    """A week's and a month's ISO values (2023-W05, 2023-02) hold no day: the month bars left the
    week out and the day bars both. Each is at its first day now, drawn hollow and dashed where
    its dates run past the bar."""
    page = recorded_page(browser, rough_date_server, {"width": 1280, "height": 800})
    page.goto(rough_date_server + "/")
    ready(page, 3)
    months = bars(page)
    assert {k: v[:2] for k, v in months.items()} == {"2023-01": (2, 1), "2023-02": (1, 0)}  # the week: Jan.
    assert months["2023-01"][2] > 0 and "dashed" in page.inner_text("#timeline-hint")
    title = page.locator('#timeline-svg .bar[data-key="2023-01"] title').text_content()
    assert "reaching past its month" in title

    page.goto(rough_date_server + "/?since=2023-01-25&until=2023-02-10")  # the week and the month overlap it
    ready(page, 2)
    assert page.inner_text("#timeline-title") == "Events per day"
    days = bars(page)
    assert {k: v[:2] for k, v in days.items()} == {"2023-01-30": (1, 1), "2023-02-01": (1, 1)}
    assert all(height > 0 for _, _, height in days.values())
    page.click('#timeline-svg .bar[data-key="2023-01-30"] .hit')  # the week's Monday: the week is in it
    page.wait_for_url("**until=2023-01-30*")
    ready(page, 1)
    assert page.locator("#event-list li").first.get_attribute("data-id") == "ev-w1"
    # how a list of events placed only to an area gives their days (areas.js)
    days = page.evaluate("""async () => { const { daysText } = await import('/static/js/dom.js');
      return [daysText('2023-01-30', 7), daysText('2023-01-30', 1), daysText('2023-01-30', null)]; }""")
    assert days == ["2023-01-30 to 2023-02-05", "2023-01-30", "2023-01-30 or later"]
    checked(page)


def test_no_page_is_wider_than_a_phone_and_the_map_comes_first(browser, linked_server):
    """At 390 CSS px (a phone) no page scrolls sideways: long ids, URLs, tables and the event
    fields wrap or stack. On the map page the map comes before the filters and the list."""
    page = recorded_page(browser, linked_server, {"width": 390, "height": 844})
    page.goto(linked_server + "/")
    ready(page, 3)
    cluster = page.evaluate("() => fetch('/api/events/ev-' + encodeURIComponent('%s_0')).then((r) => r.json())" % LONG_ID)["cluster_id"]
    assert cluster
    order = page.evaluate("""() => ['map', 'timeline', 'filters', 'event-list'].map((id) => document.getElementById(id).getBoundingClientRect().top)""")
    assert order == sorted(order), order
    for path in ["/", f"/events/ev-{LONG_ID}_0", f"/articles/{LONG_ID}_1", f"/clusters/{cluster}", "/events/ev-rich",
                 "/articles/rich", "/events/no-such-event"]:  # fmt: skip
        page.goto(linked_server + path)
        page.wait_for_load_state("load")
        if path == "/":
            ready(page, 3)
        width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1] == 390, (path, width)
    checked(page)
