"""First load of the web UI's map page, in headless Chromium, over a store of synthetic events.

    python benchmarks/ui_load.py [--events 10000] [--runs 7] [--db PATH] [--query "type=Battles"]

Builds a temporary store of N synthetic events the way benchmarks/api_latency.py does (or
reuses --db), serves it with uvicorn on a free localhost port in this process, and opens `/`
in Debian's Chromium (/usr/bin/chromium) through Playwright, a fresh browser context (empty
cache) per run. For each run it reads, from the page's own clock (navigation start = 0):
- `load event`: the HTML, styles and scripts loaded and run;
- `markers drawn`: every matching located event fetched (/points.json, the page's filters)
  and drawn as clustered markers, painted (the page's `#map[data-state=ready]`);
- `basemap drawn`: the offline Natural Earth basemap drawn under them (it waits for the markers).
Prints the median and p95 over the runs, and the load average (`os.getloadavg()`) before and
after them: on a shared machine, run it more than once. Target (issue 6): under 1 s.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(app, port: int):
    """uvicorn in a thread; returns the server (set .should_exit to stop it)."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise SystemExit("the server did not start")
        time.sleep(0.05)
    return server, thread


_TIMES = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const mark = (name) => (performance.getEntriesByName(name)[0] || {}).startTime ?? null;
  return {load: nav.loadEventEnd, markers: mark("sitreps:markers"), basemap: mark("sitreps:basemap"),
          count: Number(document.getElementById("map").dataset.markers || 0)};
}"""


def measure(url: str, runs: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for i in range(runs + 1):  # the first run warms the server and the OS caches
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                page = context.new_page()
                page.goto(url)
                page.wait_for_selector("#map[data-state=ready]", timeout=60_000)
                page.wait_for_function("performance.getEntriesByType('navigation')[0].loadEventEnd > 0")
                page.wait_for_function("performance.getEntriesByName('sitreps:basemap').length > 0")
                times = page.evaluate(_TIMES)
                context.close()
                if i:
                    results.append(times)
        finally:
            browser.close()
    return results


def _pct(xs: list[float], p: int) -> float:
    return statistics.quantiles(xs, n=100, method="inclusive")[p - 1] if len(xs) > 1 else xs[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", type=Path, help="keep the store here (built if missing)")
    parser.add_argument("--query", default="", help="filters in the page's URL, e.g. type=Battles")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium")

    from api_latency import build

    from sitreps.api import create_app
    from sitreps.settings import load_settings

    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "ui.db"
        if not path.exists():
            t = time.perf_counter()
            build(path, args.events)
            print(f"built {args.events:,} events in {time.perf_counter() - t:.1f} s")
        port = free_port()
        server, thread = serve(create_app(path, load_settings()), port)
        try:
            url = f"http://127.0.0.1:{port}/" + (f"?{args.query}" if args.query else "")
            before = os.getloadavg()
            results = measure(url, args.runs)
        finally:
            server.should_exit = True
            thread.join(10)
    print(f"{url} over {args.runs} runs (fresh browser context each), {results[0]['count']:,} markers;"
          " ms from navigation start")  # fmt: skip
    print(f"{'':<15} {'median':>8} {'p95':>8} {'max':>8}")
    for key, name in (("load", "load event"), ("markers", "markers drawn"), ("basemap", "basemap drawn")):
        xs = [r[key] for r in results if r[key] is not None]
        print(f"{name:<15} {statistics.median(xs):>8.0f} {_pct(xs, 95):>8.0f} {max(xs):>8.0f}")
    after = os.getloadavg()
    print(f"load average before {before[0]:.2f} {before[1]:.2f} {before[2]:.2f}, after {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
