"""The README's picture of the web UI, docs/img/ui.png, and docs/ui.md's pictures.

    python scripts/screenshot.py                       # the bundled sample articles, analysed
    python scripts/screenshot.py --synthetic 2000      # synthetic events (no model needed)
    python scripts/screenshot.py --path "/?type=Battles" -o /tmp/battles.png
    python scripts/screenshot.py --docs                # docs/img/: map (desktop, phone), event, cluster

Builds a temporary store (the sample articles through the real pipeline, which needs the spaCy
model and builds the gazetteer on first use; or synthetic events as benchmarks/api_latency.py
makes them), serves it with uvicorn on a free localhost port, opens the page in Debian's
headless Chromium (/usr/bin/chromium, driven by Playwright), waits for the markers and the
basemap, opens one marker's popup, and saves a PNG (1280 x 720; the README wants it under
300 KB).

`--docs` takes docs/ui.md's four pictures over the sample articles and illustrative events
written here (`illustrative_docs`: template sentences at real towns of Ukraine, a few placed
only to a raion, an oblast, Ukraine or Europe, and one of 1944), so that the map shows its
markers, rough clusters, shaded areas, oblast names and a timeline with an outlier: the map at
1280 x 720 and at 390 x 844 (a phone), a sample event's page and a sample cluster's page.
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs/img/ui.png"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--hide-scrollbars"]  # fmt: skip


def sample_store(path: Path) -> None:
    """The articles in src/sitreps/samples, analysed and linked as `sitreps ingest` does."""
    from importlib import resources

    from sitreps.api import analyze_articles
    from sitreps.pipeline import Context
    from sitreps.settings import load_settings
    from sitreps.stages.read import read_paths
    from sitreps.store import open_store
    from sitreps.store.clusters import link_pending

    settings = load_settings()
    with resources.as_file(resources.files("sitreps").joinpath("samples")) as folder:
        articles = list(read_paths([str(folder)], settings))
    with open_store(path) as store:
        for doc in analyze_articles(articles, Context(settings)):
            store.save(doc)
        link_pending(store)


# (name, lat, lon, precision, admin1, events): real places, approximate coordinates
ILLUSTRATIVE = [
    ("Kharkiv", 49.99, 36.23, "city", "Kharkiv Oblast", 9), ("Izium", 49.21, 37.26, "city", "Kharkiv Oblast", 6),
    ("Kupiansk", 49.71, 37.61, "city", "Kharkiv Oblast", 5), ("Bakhmut", 48.595, 38.0, "city", "Donetsk Oblast", 14),
    ("Kramatorsk", 48.72, 37.56, "city", "Donetsk Oblast", 6), ("Avdiivka", 48.14, 37.75, "city", "Donetsk Oblast", 7),
    ("Vuhledar", 47.78, 37.25, "city", "Donetsk Oblast", 4), ("Zaporizhzhia", 47.84, 35.14, "city", "Zaporizhzhia Oblast", 5),
    ("Kherson", 46.64, 32.61, "city", "Kherson Oblast", 8), ("Mykolaiv", 46.97, 32.0, "city", "Mykolaiv Oblast", 4),
    ("Odesa", 46.48, 30.72, "city", "Odesa Oblast", 3), ("Kyiv", 50.45, 30.52, "city", "Kyiv", 4),
    ("Nikopol", 47.57, 34.39, "city", "Dnipropetrovsk Oblast", 5), ("Sumy", 50.91, 34.8, "city", "Sumy Oblast", 2),
    ("Bakhmut Raion", 48.62, 38.2, "admin2", "Donetsk Oblast", 4), ("Kupiansk Raion", 49.65, 37.8, "admin2", "Kharkiv Oblast", 3),
    ("Donetsk Oblast", 48.04, 36.03, "admin1", "Donetsk Oblast", 4), ("Ukraine", 49.0, 32.0, "country", None, 9),
    ("Russia", 60.0, 100.0, "country", None, 3), ("Europe", 48.69, 9.14, "continent", None, 1),
]  # fmt: skip
SENTENCES = ["Shelling hit a depot in {} on Thursday, officials said.", "Fighting continued near {} on Thursday, the army said.",
             "A drone struck a power station in {} on Thursday, the governor said."]  # fmt: skip


def illustrative_docs() -> list:
    """Events written here to show the map's kinds of placement (see the module's docstring)."""
    import random
    from datetime import date, datetime, timedelta

    from sitreps.records import Article, Document, Event, Place, Span, TimeExpr

    rng = random.Random(15)
    types = [("Explosions/Remote violence", "Shelling/artillery/missile attack"), ("Battles", "Armed clash"),
             ("Explosions/Remote violence", "Air/drone strike")]  # fmt: skip
    docs = []
    for name, lat, lon, precision, admin1, n in ILLUSTRATIVE:
        for i in range(n):
            day = date(2022, 3, 1) + timedelta(days=rng.randrange(0, 480))
            if name == "Kyiv" and i == 0:
                day = date(1944, 5, 9)  # an outlier the timeline leaves out by default
            k = rng.randrange(len(SENTENCES))
            text = SENTENCES[k].format(name)
            at = text.index(name)
            place = Place(at, at + len(name), name, name=name, lat=lat, lon=lon, country={"Russia": "RU"}.get(name, None if name == "Europe" else "UA"),
                          admin1=admin1, precision=precision, gazetteer_id=f"illustrative:{name}", score=0.9)  # fmt: skip
            when = text.index("Thursday")
            event = Event(id=f"ill-{name.lower().replace(' ', '-')}-{i}", type=types[k][0], subtype=types[k][1],
                          trigger=Span(0, text.index(" "), text[: text.index(" ")]), place=place,
                          time=TimeExpr(when, when + 8, "Thursday", value=day.isoformat(), grain="day", anchored=True),
                          certainty="reported", evidence=(Span(0, len(text), text),))  # fmt: skip
            article = Article(id=f"illustrative-{name.lower().replace(' ', '-')}-{i}", text=text, title=f"{name}: report {i + 1}",
                              published=datetime(day.year, day.month, day.day, 9), origin="scripts/screenshot.py")  # fmt: skip
            docs.append(Document(article=article, text=text, sentences=(Span(0, len(text), text),), places=(place,),
                                 times=(event.time,), events=(event,)))  # fmt: skip
    return docs


def synthetic_store(path: Path, n: int) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from api_latency import build

    build(path, n)


def serve(path: Path):
    import uvicorn

    from sitreps.api import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(path), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise SystemExit("the server did not start")
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def shoot(url: str, out: Path, popup: bool, viewport: tuple[int, int] = (1280, 720)) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        phone = viewport[0] < 500
        page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]}, is_mobile=phone, has_touch=phone)
        page.goto(url)
        if page.locator("#map").count():
            page.wait_for_selector("#map[data-state=ready]", timeout=60_000)
            page.wait_for_function("performance.getEntriesByName('sitreps:basemap').length > 0")
            page.wait_for_timeout(500)  # the oblasts' file and the areas' outlines
            markers = page.locator("#map path.ev")
            if popup and markers.count():
                markers.last.click()
                page.wait_for_selector(".leaflet-popup-content dl", timeout=10_000)
        if page.locator("#event-map").count():
            page.wait_for_function("performance.getEntriesByName('sitreps:basemap').length > 0")
            page.wait_for_timeout(500)
        page.wait_for_timeout(300)
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out))
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--synthetic", type=int, metavar="N", help="N synthetic events instead of the samples")
    parser.add_argument("--path", default="/", help="the page to take (default: the map)")
    parser.add_argument("--no-popup", action="store_true", help="do not open a marker's popup")
    parser.add_argument("-o", "--out", type=Path, default=OUT)
    parser.add_argument("--docs", action="store_true", help="docs/ui.md's four pictures (see above)")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ui.db"
        if args.synthetic:
            synthetic_store(path, args.synthetic)
        else:
            sample_store(path)
        if args.docs:
            from sitreps.store import open_store

            with open_store(path) as store:
                for doc in illustrative_docs():
                    store.save(doc)
        server, thread, base = serve(path)
        try:
            if args.docs:
                shots = docs_shots(path)
                for page_path, out, viewport, popup in shots:
                    shoot(base + page_path, out, popup=popup, viewport=viewport)
                    print(f"wrote {out} ({out.stat().st_size / 1000:.0f} kB)")
            else:
                shoot(base + args.path, args.out, popup=not args.no_popup)
                print(f"wrote {args.out} ({args.out.stat().st_size / 1000:.0f} kB)")
        finally:
            server.should_exit = True
            thread.join(10)
    return 0


def docs_shots(path: Path) -> list[tuple[str, Path, tuple[int, int], bool]]:
    """docs/ui.md's pictures: (page, file, viewport, open a marker's popup)."""
    import sqlite3

    conn = sqlite3.connect(path)
    event = conn.execute("SELECT id FROM events WHERE place_name = 'Kharkiv' AND article_id NOT LIKE 'illustrative%'"
                         " ORDER BY id LIMIT 1").fetchone()  # fmt: skip
    cluster = conn.execute("SELECT id FROM clusters ORDER BY documents DESC, id LIMIT 1").fetchone()
    conn.close()
    img = ROOT / "docs/img"
    return [
        ("/", img / "map.png", (1280, 720), False),
        ("/", img / "map-phone.png", (390, 844), False),
        (f"/events/{event[0]}", img / "event.png", (1280, 900), False),
        (f"/clusters/{cluster[0]}", img / "cluster.png", (1280, 900), False),
    ]


if __name__ == "__main__":
    sys.exit(main())
