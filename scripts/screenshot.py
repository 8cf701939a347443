"""The README's picture of the web UI: docs/img/ui.png.

    python scripts/screenshot.py                       # the bundled sample articles, analysed
    python scripts/screenshot.py --synthetic 2000      # synthetic events (no model needed)
    python scripts/screenshot.py --path "/?type=Battles" -o /tmp/battles.png

Builds a temporary store (the sample articles through the real pipeline, which needs the spaCy
model and builds the gazetteer on first use; or synthetic events as benchmarks/api_latency.py
makes them), serves it with uvicorn on a free localhost port, opens the page in Debian's
headless Chromium (/usr/bin/chromium, driven by Playwright), waits for the markers and the
basemap, opens one marker's popup, and saves a PNG (1280 x 720; the README wants it under
300 KB).
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


def shoot(url: str, out: Path, popup: bool) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(url)
        if page.locator("#map").count():
            page.wait_for_selector("#map[data-state=ready]", timeout=60_000)
            page.wait_for_function("performance.getEntriesByName('sitreps:basemap').length > 0")
            markers = page.locator("#map path.ev")
            if popup and markers.count():
                markers.last.click()
                page.wait_for_selector(".leaflet-popup-content dl", timeout=10_000)
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
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ui.db"
        if args.synthetic:
            synthetic_store(path, args.synthetic)
        else:
            sample_store(path)
        server, thread, base = serve(path)
        try:
            shoot(base + args.path, args.out, popup=not args.no_popup)
        finally:
            server.should_exit = True
            thread.join(10)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1000:.0f} kB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
