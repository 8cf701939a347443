"""Latency of the JSON API over a store of synthetic events, on SQLite or PostgreSQL or both.

    python benchmarks/api_latency.py [--events 100000] [--requests 450] [--limit 100] [--rounds 2]
                                     [--store sqlite,postgres] [--db PATH] [--pg URL] [--pg-async-commit]

Builds a temporary store (or reuses --db, SQLite only, if it exists) holding N synthetic events,
4 per article, spread over 2022-02 .. 2023-12 and a 10 x 8 degree box, with made-up actors and
towns (each in a made-up district and region), written in one transaction straight into the
tables `save` fills (events from real `Event` records through the store's own row mapping, so
their columns and JSON have the real shape and size; SQLite's FTS index is filled by the store's
triggers, PostgreSQL's text search and PostGIS points are its generated columns). Then it sends
R filtered page requests, one at a time, through the ASGI app in-process (httpx's ASGITransport:
no sockets, no server) and prints p50/p95/max per kind of filter and overall, wall clock and
the process's CPU time. Target (issue 6): p95 under 100 ms for a filtered page over 100,000
events; the same target on PostgreSQL (issue 16).

`--store postgres` (or `sqlite,postgres`) builds the same rows in a new database on the server
given with `--pg URL` (a server's maintenance database where databases may be created and
dropped), else on a throwaway server started as the tests start theirs (benchmarks/pg.py;
without PostgreSQL or psycopg it is skipped with the reason); rows go in with COPY, then VACUUM
ANALYZE, as autovacuum would leave a store that has been written to for a while. With both
stores, each request goes to one store and then to the other before the next, so that the
machine's other work hits both alike: compare their numbers, measured side by side. The CPU
column is this process's time only: PostgreSQL's share of a query runs in its server's process.
The mix is sent `--rounds` times (one request of each kind first, untimed, opening connections);
the overall p50/p95 of each round is printed too. Record the numbers in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from contextlib import AsyncExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

TYPES = [  # (type, subtype, weight)
    ("Battles", "Armed clash", 30),
    ("Battles", "Government regains territory", 3),
    ("Battles", "Non-state actor overtakes territory", 3),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", 35),
    ("Explosions/Remote violence", "Air/drone strike", 12),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED", 3),
    ("Violence against civilians", "Attack", 5),
    ("Violence against civilians", "Abduction/forced disappearance", 1),
    ("Protests", "Peaceful protest", 3),
    ("Strategic developments", "Disrupted weapons use", 4),
    ("Strategic developments", "Arrests", 1),
]
CERTAINTY_WEIGHTS = {
    "asserted": 20,
    "reported": 45,
    "confirmed": 10,
    "hedged": 12,
    "possible": 8,
    "negated": 5,
}
ACTORS = [("XA.MIL", "Army of A", "state_forces"), ("XB.MIL", "Army of B", "state_forces"),
          ("XA.GOV", "Government of A", "government"), ("XB.GOV", "Government of B", "government"),
          ("XC.ARM", "Northern Brigade", "armed_group")]  # fmt: skip
WORDS = ["depot", "bridge", "village", "convoy", "railway", "station", "field", "hospital", "school", "market", "power", "plant", "river", "checkpoint", "warehouse", "airfield", "harbour", "ridge", "forest", "highway", "substation"]  # fmt: skip


def build(path: Path, n_events: int, seed: int = 7) -> None:
    """Synthetic articles and events in a new SQLite store, written in one transaction."""
    write_sqlite(path, synthetic(n_events, seed))


def synthetic(n_events: int, seed: int = 7) -> dict[str, list[tuple]]:
    """The rows of a store of synthetic articles and events: {table: rows} in the column order
    of `columns()`."""
    from sitreps.records import ActorMention, Count, Event, Mention, Place, Span, TimeExpr
    from sitreps.serialize import SCHEMA
    from sitreps.store.sqlite import _event_row as event_row

    rng = random.Random(seed)
    towns = [
        (f"Town{i}", round(rng.uniform(45.0, 53.0), 4), round(rng.uniform(24.0, 34.0), 4)) for i in range(400)
    ]
    # each town in one of 40 districts, 5 to a region (the where filters' admin2 and admin1)
    units = {town: (f"Region{i % 8} Oblast", f"District{i % 40} Raion") for i, (town, _, _) in enumerate(towns)}
    kinds, type_weights = zip(*[((t, s), w) for t, s, w in TYPES], strict=True)
    certainties, certainty_weights = zip(*CERTAINTY_WEIGHTS.items(), strict=True)
    start_day = 19047  # 2022-02-24 as days since 1970-01-01
    article_rows, event_rows = [], []
    per_article = 4
    for a in range(n_events // per_article):
        art_id = f"art{a:06d}"
        words = " ".join(rng.choice(WORDS) for _ in range(40))
        sentence = f"Shelling hit a {rng.choice(WORDS)} in {{town}} on Thursday, officials said."
        sentences = [sentence.format(town=rng.choice(towns)[0]) for _ in range(per_article)]
        text = " ".join(sentences) + " " + words
        day = start_day + rng.randrange(0, 675)
        published = time.strftime("%Y-%m-%dT08:00:00", time.gmtime(day * 86400))
        offset = 0
        for i, sent in enumerate(sentences):
            ev_day = day - rng.randrange(0, 3)
            value = None if rng.random() < 0.03 else time.strftime("%Y-%m-%d", time.gmtime(ev_day * 86400))
            if value and rng.random() < 0.05:
                value = f"{value}/{time.strftime('%Y-%m-%d', time.gmtime((ev_day + 3) * 86400))}"
            type_, subtype = rng.choices(kinds, type_weights)[0]
            town, lat, lon = rng.choice(towns)
            located = rng.random() > 0.1
            t0 = offset + sent.index(" in ") + 4
            place = Place(t0, t0 + len(town), town, name=town if located else None,
                          lat=lat if located else None, lon=lon if located else None,
                          country="XA" if located else None, precision="city" if located else None,
                          gazetteer_id=f"g:{town}" if located else None,
                          admin1=units[town][0] if located else None, admin2=units[town][1] if located else None)  # fmt: skip
            actor_id, actor_name, actor_kind = rng.choice(ACTORS)
            event = Event(
                id=f"{a:06d}{i:02d}{rng.getrandbits(32):08x}",
                type=type_, subtype=subtype,
                trigger=Span(offset, offset + 8, "Shelling"),
                actors=(ActorMention(offset, offset + 8, "Shelling", actor_id, actor_name, actor_kind, "XA", True),),
                targets=(ActorMention(offset, offset + 8, "Shelling", "CIV", "Civilians", "civilians"),),
                place=place,
                time=TimeExpr(offset, offset + 8, "Thursday", value=value, grain="day" if value else None, anchored=bool(value)),
                fatalities=Count(2, 2, offset, offset + 8, "two") if rng.random() < 0.3 else None,
                certainty=rng.choices(certainties, certainty_weights)[0],
                source=Mention(offset, offset + 9, "officials", None, "government"),
                evidence=(Span(offset, offset + len(sent), sent),),
            )  # fmt: skip
            event_rows.append(event_row(art_id, event, text))  # the row `SQLiteStore.save` writes
            offset += len(sent) + 1
        doc_json = json.dumps({"schema": SCHEMA, "id": art_id, "text": text, "events": []})
        article_rows.append((art_id, f"h{a}", f"https://news.example/{art_id}", f"Report {a}", published,
                             "synthetic", text, doc_json, published))  # fmt: skip
    # Same-incident clusters as linking leaves them: runs of 1-6 articles, one outlet each,
    # the i-th events of a run's articles one incident told by all of them.
    events_of: dict[str, list[str]] = {}
    for row in event_rows:
        events_of.setdefault(row[1], []).append(row[0])
    link_rows, cluster_rows, incident_rows = [], [], []
    a = 0
    while a < len(article_rows):
        size = min(rng.choice((1, 1, 1, 2, 2, 3, 4, 6)), len(article_rows) - a)
        members = [row[0] for row in article_rows[a : a + size]]
        for art_id in members:
            link_rows.append((art_id, "{}", len(link_rows), members[0], art_id))
            for i, event_id in enumerate(events_of.get(art_id, ())):
                incident_rows.append((event_id, members[0], events_of[members[0]][i], size, 0))
        cluster_rows.append((members[0], size, size, "{}"))
        a += size
    return {"articles": article_rows, "events": event_rows, "link_docs": link_rows, "clusters": cluster_rows,
            "incident_events": incident_rows}  # fmt: skip


def columns() -> dict[str, tuple[str, ...]]:
    """The columns of `synthetic`'s rows, per table."""
    from sitreps.store.sqlite import _EVENT_COLUMNS

    return {
        "articles": ("id", "content_hash", "url", "title", "published", "origin", "text", "doc_json", "ingested_at"),
        "events": _EVENT_COLUMNS,
        "link_docs": ("article_id", "summary_json", "seq", "cluster_id", "copy_of"),
        "clusters": ("id", "corroboration", "documents", "report_json"),
        "incident_events": ("event_id", "cluster_id", "incident_id", "corroboration", "reports_outlet_unknown"),
    }


def write_sqlite(path: Path, rows: dict[str, list[tuple]]) -> None:
    """`synthetic`'s rows into a new SQLite store, in one transaction."""
    import sqlite3

    from sitreps.store import open_store
    from sitreps.store.sqlite import _insert_sql as insert_sql

    open_store(path).close()  # the real schema, migrations and FTS triggers
    conn = sqlite3.connect(path)
    with conn:
        for table, names in columns().items():
            conn.executemany(insert_sql(table, names), rows[table])
    conn.close()


def write_postgres(url: str, rows: dict[str, list[tuple]]) -> None:
    """`synthetic`'s rows into a new PostgreSQL store with COPY, in one transaction; then VACUUM
    ANALYZE (the planner's statistics, as autovacuum keeps them on a store in use)."""
    import psycopg

    from sitreps.store import open_store

    open_store(url).close()  # the real schema, migrations, PostGIS
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        for table, names in columns().items():
            quoted = ", ".join(f'"{name}"' for name in names)
            with cur.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows[table]:
                    copy.write_row(row)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def requests(n: int, limit: int, seed: int = 11) -> list[tuple[str, str]]:
    """(kind, URL) pairs: each a filtered first page, some followed to a later page."""
    rng = random.Random(seed)

    def month() -> tuple[str, str]:
        y, m = rng.choice([(2022, m) for m in range(3, 13)] + [(2023, m) for m in range(1, 13)])
        return f"{y}-{m:02d}-01", f"{y}-{m:02d}-28"

    kinds = {
        "type + month": lambda: "type=Battles&since={}&until={}".format(*month()),
        "subtype": lambda: f"subtype={rng.choice(TYPES)[1]}",
        "bbox + since": lambda: f"bbox={(lon := rng.uniform(24, 32)):.1f},{(lat := rng.uniform(45, 51)):.1f},{lon + 2:.1f},{lat + 2:.1f}&since={month()[0]}",
        "near 25 km": lambda: f"near={rng.uniform(45, 53):.3f},{rng.uniform(24, 34):.3f},25",
        "certainty x2 + type": lambda: "certainty=hedged,possible&type=Explosions/Remote%20violence",
        "actor id + month": lambda: "actor=XB.MIL&since={}&until={}".format(*month()),
        "actor name": lambda: "actor=brigade",
        "min_corroboration + month": lambda: "min_corroboration={}&since={}&until={}".format(
            rng.choice((2, 3, 4)), *month()
        ),
        "q (full text)": lambda: f"q={rng.choice(WORDS)}%20{rng.choice(WORDS)}",
        "country + admin1 + month": lambda: "country=XA&admin1=region{}&since={}&until={}".format(
            rng.randrange(8), *month()
        ),
        "admin2": lambda: f"admin2=District{rng.randrange(40)}",
        "place (name)": lambda: f"place=town{rng.randrange(400)}",
        "no filter": lambda: "",
    }
    names = list(kinds)
    return [
        (names[i % len(names)], f"/api/events?limit={limit}&" + kinds[names[i % len(names)]]())
        for i in range(n)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=450, help="filtered page requests to time, per round")
    parser.add_argument("--limit", type=int, default=100, help="events per page")
    parser.add_argument("--rounds", type=int, default=2, help="times to send the whole mix")
    parser.add_argument("--store", default="sqlite", help="sqlite, postgres or both (sqlite,postgres), side by side")
    parser.add_argument(
        "--db", type=Path, help="keep the SQLite store here (built if missing) instead of a temporary one"
    )
    parser.add_argument("--pg", metavar="URL", help="a PostgreSQL server to create the database on (default: a throwaway one)")
    parser.add_argument("--pg-async-commit", action="store_true", help="PostgreSQL with synchronous_commit off")
    args = parser.parse_args()
    kinds = [k.strip() for k in args.store.split(",") if k.strip()]
    if not kinds or set(kinds) - {"sqlite", "postgres"}:
        parser.error("--store takes sqlite, postgres or both, comma-separated")

    from contextlib import ExitStack

    from sitreps.api import create_app
    from sitreps.settings import load_settings

    with ExitStack() as stack:
        targets: dict[str, str | Path] = {}
        if "postgres" in kinds:
            from pg import Postgres, Unavailable

            try:
                pg = stack.enter_context(Postgres(args.pg, async_commit=args.pg_async_commit))
                print(pg.describe())
                targets["postgres"] = pg.database()
            except Unavailable as exc:
                print(f"PostgreSQL skipped: {exc}")
                kinds.remove("postgres")
                if not kinds:
                    return 0
        if "sqlite" in kinds:
            targets["sqlite"] = args.db or Path(stack.enter_context(tempfile.TemporaryDirectory())) / "bench.db"
        rows = None
        for kind in kinds:
            target = targets[kind]
            if kind == "sqlite" and Path(target).exists():
                continue
            t = time.perf_counter()
            rows = rows or synthetic(args.events)
            if kind == "sqlite":
                write_sqlite(target, rows)
                size = f"{Path(target).stat().st_size / 1e6:.0f} MB"
            else:
                write_postgres(target, rows)
                size = f"{pg.sizes(target)['database'] / 1e6:.0f} MB"
            print(f"built {args.events:,} events in {kind} in {time.perf_counter() - t:.1f} s ({size})")
        del rows
        apps = {}
        for kind in kinds:
            app = create_app(targets[kind], load_settings())
            stack.enter_context(_lifespan(app))  # PostgreSQL's pool is closed when the app stops
            apps[kind] = app
        print(f"load average before the requests {os.getloadavg()}")
        wall, cpu, rounds = asyncio.run(_measure(apps, requests(args.requests, args.limit), args.rounds))
        print(f"load average after the requests {os.getloadavg()}")
    print(
        f"{args.rounds} x {args.requests} requests and their later pages, {args.limit} events per page, `count`"
        " included; wall clock, and CPU time of this process (steadier on a busy machine; PostgreSQL's share"
        " is in its server's process, not here)"
    )
    for kind in kinds:
        print(f"\n{kind}")
        print(f"{'filter':<26} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'cpu p50':>8} {'cpu p95':>8}")
        for name in [*wall[kind], "all"]:
            w = [x for xs in wall[kind].values() for x in xs] if name == "all" else wall[kind][name]
            c = [x for xs in cpu[kind].values() for x in xs] if name == "all" else cpu[kind][name]
            print(
                f"{name:<26} {len(w):>4} {_pct(w, 50):>8.1f} {_pct(w, 95):>8.1f} {max(w):>8.1f}"
                f" {_pct(c, 50):>8.1f} {_pct(c, 95):>8.1f}"
            )
        each = "; ".join(f"p50 {_pct(r, 50):.1f} p95 {_pct(r, 95):.1f} (load {load:.2f})" for r, load in rounds[kind])
        p95s = [_pct(r, 95) for r, _ in rounds[kind]]
        print(f"rounds: {each}; median p95 {statistics.median(p95s):.1f} ms")
    if len(kinds) == 2:
        ratio = [_pct([x for xs in wall["postgres"].values() for x in xs], p)
                 / _pct([x for xs in wall["sqlite"].values() for x in xs], p) for p in (50, 95)]  # fmt: skip
        print(f"\npostgres / sqlite, all requests: p50 x{ratio[0]:.2f}, p95 x{ratio[1]:.2f}")
    return 0


@contextmanager
def _lifespan(app):
    """The app's lifespan as a server runs it: startup now, shutdown (the stores closed) at exit."""

    async def run(phase: str) -> None:
        if phase == "startup":
            run.context = app.router.lifespan_context(app)
            await run.context.__aenter__()
        else:
            await run.context.__aexit__(None, None, None)

    asyncio.run(run("startup"))
    try:
        yield app
    finally:
        asyncio.run(run("shutdown"))


async def _measure(apps: dict, urls: list[tuple[str, str]], rounds: int) -> tuple[dict, dict, dict]:
    """Each request through each app in turn, one at a time, in-process (httpx's ASGITransport:
    the app's event loop and thread pool as under a server, no sockets). Returns wall and CPU
    ms per store and kind of filter, and per store each round's wall times with the load average
    after it."""
    import httpx

    wall: dict[str, dict[str, list[float]]] = {kind: {} for kind in apps}
    cpu: dict[str, dict[str, list[float]]] = {kind: {} for kind in apps}
    per_round: dict[str, list] = {kind: [] for kind in apps}
    async with AsyncExitStack() as stack:
        clients = {
            kind: await stack.enter_async_context(
                httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench")
            )
            for kind, app in apps.items()
        }

        async def timed(kind: str, name: str, url: str, times: list[float] | None) -> dict:
            t, c = time.perf_counter(), time.process_time()
            r = await clients[kind].get(url)
            if times is not None:
                wall[kind].setdefault(name, []).append((time.perf_counter() - t) * 1000)
                cpu[kind].setdefault(name, []).append((time.process_time() - c) * 1000)
                times.append(wall[kind][name][-1])
            if r.status_code != 200:
                raise SystemExit(f"{kind} {url}: {r.status_code} {r.text[:200]}")
            return r.json()

        seen = set()
        for name, url in urls:  # one of each kind, untimed: connections opened, caches warm
            if name not in seen:
                seen.add(name)
                for kind in apps:
                    await timed(kind, name, url, None)
        for _ in range(rounds):
            times: dict[str, list[float]] = {kind: [] for kind in apps}
            for i, (name, url) in enumerate(urls):
                for kind in apps:
                    body = await timed(kind, name, url, times[kind])
                    if body["next"] and i % 3 == 0:  # and a later page now and then
                        await timed(kind, "next page", body["next"], times[kind])
            for kind in apps:
                per_round[kind].append((times[kind], os.getloadavg()[0]))
    return wall, cpu, per_round


def _pct(xs: list[float], p: int) -> float:
    return statistics.quantiles(xs, n=100, method="inclusive")[p - 1] if len(xs) > 1 else xs[0]


if __name__ == "__main__":
    sys.exit(main())
