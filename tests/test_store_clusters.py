"""Same-incident clusters kept in the store (store/clusters.py) and served by the API: linking
what was saved since the last run, incrementally, with the same result as linking all at once.
Every test that takes `new_store_target` runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import warnings
from dataclasses import replace
from datetime import datetime

import pytest
from test_store import make_doc

from sitreps.linking import Linker, LinkSettings, summarise
from sitreps.store import open_store
from sitreps.store.clusters import get_cluster, link_pending, pending, resolve_cluster

# Invented reports: three incidents, each told by one to three outlets in their own words.
INCIDENTS = {
    "dam": [
        "Floodwater from the breached Lowmere dam swept through three riverside villages on Monday, "
        "and rescuers evacuated hundreds of residents by boat, the regional governor said.",
        "Rescuers used boats to evacuate hundreds of villagers after the Lowmere dam was breached on "
        "Monday and floodwater swept through riverside villages, according to the governor.",
        "The breach of the Lowmere dam flooded riverside villages on Monday; boats carried hundreds of "
        "residents to safety, the governor's office reported.",
    ],
    "convoy": [
        "A drone struck a fuel convoy on the Greyford highway overnight, setting four tankers ablaze, "
        "the army's southern command said on Tuesday.",
        "Four fuel tankers burned on the Greyford highway after a drone hit the convoy overnight, the "
        "southern command reported.",
    ],
    "school": [
        "Teachers in Pellham reopened the bombed secondary school on Wednesday after volunteers rebuilt "
        "its roof and classrooms over the summer.",
    ],
}


# Where each incident happened: every report of it carries one event there (hundreds of km apart).
TOWNS = {"dam": ("Lowmere", (51.2, 31.1)), "convoy": ("Greyford", (47.1, 35.2)), "school": ("Pellham", (49.4, 32.0))}


def report(id: str, outlet: str | None, text: str, day: int, incident: str | None = None) -> object:
    """A report with the given text; with an `incident`, one hand-built event at its town (the
    text is what linking compares, the event what corroboration counts)."""
    town, coords = TOWNS.get(incident or "", ("Alder", None))
    doc = make_doc(id, town=town, coords=coords)
    url = f"https://{outlet}/{id}" if outlet else None
    article = replace(doc.article, text=text, url=url, title=text[:40], published=datetime(2023, 5, day, 9))
    events = doc.events if incident else ()
    return replace(doc, article=article, text=text, sentences=(doc.span(0, 0),), events=events, places=(), times=())


def corpus() -> list:
    docs = []
    for n, (name, texts) in enumerate(INCIDENTS.items()):
        for k, text in enumerate(texts):
            docs.append(report(f"{name}-{k}", f"outlet{k}.example", text, 8 + n, name))
    return docs


def link_all(path, docs, settings=None):
    with open_store(path) as store:
        for doc in docs:
            store.save(doc)
        return link_pending(store, settings), store_clusters(store)


def store_clusters(store) -> dict[str, tuple]:
    conn = store._conn
    members = dict(conn.execute("SELECT article_id, cluster_id FROM link_docs").fetchall())
    rows = conn.execute("SELECT id, corroboration, documents, report_json FROM clusters ORDER BY id").fetchall()
    links = [(a, b, round(score, 9)) for a, b, score in conn.execute("SELECT a, b, score FROM cluster_links ORDER BY a, b")]
    return {"members": members, "clusters": [tuple(r) for r in rows], "links": links}


def test_reports_of_one_incident_share_a_cluster_counted_by_outlet(new_store_target):
    run, state = link_all(new_store_target(), corpus())
    assert run.linked == 6
    groups: dict[str, set] = {}
    for article, cluster in state["members"].items():
        groups.setdefault(cluster, set()).add(article.split("-")[0])
    assert sorted(sorted(g) for g in groups.values()) == [["convoy"], ["dam"], ["school"]]
    by_size = {docs: sources for _, sources, docs, _ in state["clusters"]}
    assert by_size == {3: 3, 2: 2, 1: 1}


def test_linking_in_steps_equals_linking_at_once(new_store_target):
    docs = corpus()
    _, at_once = link_all(new_store_target(), docs)
    with open_store(new_store_target()) as store:
        for chunk in (docs[:2], docs[2:3], docs[3:]):
            for doc in chunk:
                store.save(doc)
            assert pending(store) == len(chunk)
            link_pending(store)  # restored from the store each time
            assert pending(store) == 0
        steps = store_clusters(store)
    assert steps == at_once


def test_a_kept_linker_gives_what_a_restored_one_gives(new_store_target):
    docs = corpus()
    _, at_once = link_all(new_store_target(), docs)
    with open_store(new_store_target()) as store:
        run = None
        for doc in docs:
            store.save(doc)
            kept = run.linker if run else None
            run = link_pending(store, previous=run)
            assert run.linker is not None and (kept is None or run.linker is kept)
        assert store_clusters(store) == at_once


def test_a_linker_is_not_reused_when_another_process_linked_meanwhile(new_store_target):
    docs = corpus()
    path = new_store_target()
    with open_store(path) as store:
        store.save(docs[0])
        mine = link_pending(store)
    with open_store(path) as other:  # someone else saves and links
        other.save(docs[1])
        link_pending(other)
    with open_store(path) as store:
        store.save(docs[2])
        run = link_pending(store, previous=mine)
        assert run.linker is not mine.linker and len(run.linker) == 3
    assert len(mine.linker) == 1


def test_a_linker_is_not_reused_after_a_reset_that_relinked_as_many(new_store_target):
    docs = corpus()
    path = new_store_target()
    with open_store(path) as store:
        for doc in docs[:2]:
            store.save(doc)
        mine = link_pending(store)
    with open_store(path) as other:  # someone else relinks everything: same count, new state
        other.reset_linking()
        link_pending(other)
    with open_store(path) as store:
        store.save(docs[2])
        assert link_pending(store, previous=mine).linker is not mine.linker


def test_running_again_links_nothing_and_changes_nothing(new_store_target):
    path = new_store_target()
    _, before = link_all(path, corpus())
    with open_store(path) as store:
        for doc in corpus():
            assert store.save(doc) == "unchanged"
        assert link_pending(store).linked == 0
        assert store_clusters(store) == before


def test_a_changed_article_relinks_everything_from_the_start(new_store_target):
    path = new_store_target()
    docs = corpus()
    link_all(path, docs)
    changed = report("school-0", "outlet0.example", INCIDENTS["school"][0] + " Pupils returned.", 10)
    with open_store(path) as store:
        assert store.save(changed) == "updated"
        assert pending(store) == len(docs)
        assert store.counts()["clusters"] == 0
        assert link_pending(store).linked == len(docs)
        assert store.counts()["clusters"] == 3


def test_restored_linker_adds_like_the_original():
    docs = corpus()
    summaries = [summarise(d) for d in docs]
    original = Linker()
    for s in summaries[:4]:
        original.add(s)
    rows, links = original.state()
    restored = Linker.restore(rows, [(a, b, x) for a, bs in links.items() for b, x in bs.items()], original.merged)
    for s in summaries[4:]:
        assert restored.add(s) == original.add(s)
    assert restored.labels() == original.labels()
    assert restored.clusters() == original.clusters()


def test_cluster_report_lists_documents_outlets_incidents_and_events(new_store_target):
    path = new_store_target()
    link_all(path, corpus())
    with open_store(path) as store:
        cluster_id = store._conn.execute("SELECT cluster_id FROM link_docs WHERE article_id = 'dam-1'").fetchone()[0]
        c = get_cluster(store, cluster_id)
    assert c["corroboration"] == 3 and c["reports_outlet_unknown"] == 0
    assert c["outlets"] == ["outlet0.example", "outlet1.example", "outlet2.example"]
    assert [d["article_id"] for d in c["documents"]] == ["dam-0", "dam-1", "dam-2"]
    assert [d["outlet"] for d in c["documents"]] == c["outlets"]
    assert c["documents"][0]["url"] == "https://outlet0.example/dam-0"
    assert all(d["copy_of"] is None for d in c["documents"])
    assert c["incidents"] == [{
        "id": "ev-dam-0", "events": ["ev-dam-0", "ev-dam-1", "ev-dam-2"], "articles": ["dam-0", "dam-1", "dam-2"],
        "corroboration": 3, "outlets": c["outlets"], "reports_outlet_unknown": 0,
    }]  # fmt: skip
    assert c["spread"] == {"km": None, "places": None, "days": 0, "far": False}  # one point: no distance
    assert [e["id"] for e in c["events"]] == ["ev-dam-0", "ev-dam-1", "ev-dam-2"]
    event = c["events"][0]
    assert (event["corroboration"], event["reports_outlet_unknown"], event["incident_id"]) == (3, 0, "ev-dam-0")
    assert event["outlet"] == "outlet0.example"
    # the fields every store's events carry (sqlite.py EVENT_COLUMNS), on either backend
    assert {"article_id", "url", "title", "published", "outlet", "ingested_at", "cluster_id", "incident_id",
            "corroboration", "reports_outlet_unknown"} <= event.keys()  # fmt: skip
    assert event["ingested_at"] and event["cluster_id"] == cluster_id


def test_a_report_whose_events_are_not_linked_does_not_corroborate(new_store_target):
    # three outlets in one cluster, but only one report has an event: the others may tell it,
    # and nothing extracted says so
    docs = [d if d.article.id == "dam-0" else replace(d, events=()) for d in corpus()]
    path = new_store_target()
    link_all(path, docs)
    with open_store(path) as store:
        (event,) = [e for e in store.query_events(limit=None) if e["article_id"].startswith("dam")]
        c = get_cluster(store, event["cluster_id"])
        assert store.query_events(min_corroboration=2) == []
    assert len(c["outlets"]) == 3 and event["corroboration"] == 1
    assert [i["corroboration"] for i in c["incidents"]] == [1]


def test_unknown_outlets_are_reports_never_independent_outlets(new_store_target):
    docs = [replace(d, article=replace(d.article, url=None)) for d in corpus()]
    path = new_store_target()
    link_all(path, docs)
    with open_store(path) as store:
        dam = store.query_events(limit=None, place="Lowmere")
        assert {(e["corroboration"], e["reports_outlet_unknown"], e["outlet"]) for e in dam} == {(0, 3, None)}
        assert store.query_events(min_corroboration=1) == []
        c = get_cluster(store, dam[0]["cluster_id"])
    assert (c["corroboration"], c["outlets"], c["reports_outlet_unknown"]) == (0, [], 3)
    assert c["incidents"][0]["reports_outlet_unknown"] == 3


def test_a_site_name_is_the_outlet_of_an_article_without_a_url(new_store_target):
    docs = corpus()[:3]
    docs[1] = replace(docs[1], article=replace(docs[1].article, url=None, site_name="Lowmere Gazette"))
    path = new_store_target()
    link_all(path, docs)
    with open_store(path) as store:
        rows = store._conn.execute("SELECT id, site_name, outlet FROM articles ORDER BY id").fetchall()
        c = get_cluster(store, "dam-0")
    assert rows == [("dam-0", None, "outlet0.example"), ("dam-1", "Lowmere Gazette", "Lowmere Gazette"),
                    ("dam-2", None, "outlet2.example")]  # fmt: skip
    assert c["incidents"][0]["outlets"] == ["Lowmere Gazette", "outlet0.example", "outlet2.example"]


def test_wire_copies_count_once(new_store_target):
    text = INCIDENTS["convoy"][0]
    docs = [report("w1", "wire.example", text, 9, "convoy"),
            report("w2", "paper.example", text + " More soon.", 9, "convoy")]  # fmt: skip
    path = new_store_target()
    link_all(path, docs)
    with open_store(path) as store:
        c = get_cluster(store, "w1")
        events = store.query_events(include_copies=True)
    assert c["corroboration"] == 1 and c["incidents"][0]["outlets"] == ["wire.example"]
    assert c["copies"] == [["w1", "w2"]]
    assert [d["copy_of"] for d in c["documents"]] == [None, "w1"]
    assert [(e["article_id"], e["corroboration"]) for e in events] == [("w1", 1), ("w2", 1)]


def test_merged_ids_lead_to_the_cluster_they_went_into(new_store_target):
    path = new_store_target()
    link_all(path, corpus())
    with open_store(path) as store:
        live = store._conn.execute("SELECT id FROM clusters WHERE documents = 3").fetchone()[0]
        store._conn.execute("INSERT INTO cluster_merges (old, new) VALUES ('old-id', ?)", (live,))
        assert resolve_cluster(store, "old-id") == live
        assert get_cluster(store, "old-id")["merged_from"] == "old-id"
        assert resolve_cluster(store, "nothing") is None


# -- the API ---------------------------------------------------------------------------------------


@pytest.fixture
def client(new_store_target):
    pytest.importorskip("fastapi")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*httpx2")
        from fastapi.testclient import TestClient

    from sitreps.api import create_app
    from sitreps.settings import load_settings

    path = new_store_target()
    link_all(path, corpus())
    with TestClient(create_app(path, load_settings())) as c:
        yield c


def test_api_filters_by_corroboration_and_serves_clusters(client):
    def ids(query: str) -> list[str]:
        return [e["id"] for e in client.get(f"/api/events?{query}").json()["events"]]

    every = sorted(f"ev-{name}-{k}" for name, texts in INCIDENTS.items() for k in range(len(texts)))
    assert sorted(ids("")) == every
    assert sorted(ids("min_corroboration=2")) == ["ev-convoy-0", "ev-convoy-1", "ev-dam-0", "ev-dam-1", "ev-dam-2"]
    assert sorted(ids("min_corroboration=3")) == ["ev-dam-0", "ev-dam-1", "ev-dam-2"]
    assert ids("min_corroboration=4") == []
    event = client.get("/api/events/ev-dam-0").json()
    assert (event["corroboration"], event["reports_outlet_unknown"]) == (3, 0)
    cluster = client.get(f"/api/clusters/{event['cluster_id']}").json()
    assert cluster["id"] == event["cluster_id"] and cluster["corroboration"] == 3
    assert cluster["incidents"][0]["events"] == ["ev-dam-0", "ev-dam-1", "ev-dam-2"]
    assert client.get("/api/stats").json()["store"]["clusters"] == 3
    # no copies here: asking for them changes nothing; a flag that is no flag is refused
    assert sorted(ids("include_copies=true")) == every
    assert sorted(ids("include_background=1")) == every
    assert client.get("/api/events?include_copies=maybe").status_code == 422
    assert client.get("/?include_copies=maybe").status_code == 422


def test_ingest_over_http_links_the_new_article(new_store_target):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from sitreps.api import create_app
    from sitreps.settings import load_settings

    texts = INCIDENTS["convoy"]
    by_text = {t: report(f"c{i}", f"o{i}.example", t, 9, "convoy") for i, t in enumerate(texts)}

    def pipeline(article):
        return by_text[article.text]

    with TestClient(create_app(new_store_target(), load_settings(), token="t", pipeline=pipeline)) as c:
        for t in texts:
            r = c.post("/api/articles", json={"text": t}, headers={"Authorization": "Bearer t"})
            assert r.status_code == 201, r.text
        assert c.get("/api/clusters/c0").json()["corroboration"] == 2


def test_settings_change_relinks_with_a_fresh_linker(new_store_target):
    path = new_store_target()
    docs = corpus()
    with open_store(path) as store:
        store.save(docs[0])
        kept = link_pending(store)
        store.save(docs[1])
        run = link_pending(store, LinkSettings(threshold=0.9), previous=kept)
        assert run.linker is not kept.linker and run.linker.settings.threshold == 0.9


def test_the_events_of_a_copy_are_left_out_unless_asked(new_store_target):
    from sitreps.store.queries import EventFilter, event_page

    text = INCIDENTS["convoy"][0]
    docs = [report(id, outlet, text + more, 9) for id, outlet, more in
            (("w1", "wire.example", ""), ("w2", "paper.example", " More soon."), ("o1", "other.example", "!"))]
    docs[2] = replace(docs[2], text=INCIDENTS["dam"][0], article=replace(docs[2].article, text=INCIDENTS["dam"][0]))
    docs = [replace(d, events=tuple(replace(e, id=f"{d.article.id}-e") for e in make_doc(d.article.id).events))
            for d in docs]
    path = new_store_target()
    link_all(path, docs)
    with open_store(path) as store:
        shown = lambda **kw: sorted(e["article_id"] for e in store.query_events(**kw))
        assert shown() == ["o1", "w1"]  # the wire story once, not again in the paper that re-published it
        assert shown(include_copies=True) == ["o1", "w1", "w2"]
        page = lambda f: sorted(e["article_id"] for e in event_page(store, f, limit=10).events)
        assert page(EventFilter()) == ["o1", "w1"]
        assert page(EventFilter(include_copies=True)) == ["o1", "w1", "w2"]
        assert len(store.get_article("w2")["events"]) == 1  # kept in the record


def test_a_store_from_before_incidents_gets_outlets_and_incidents_when_opened(new_store_target):
    # dam-0 and dam-1 are one outlet's desktop and mobile sites, dam-2 has no URL: the rule before
    # counted three independent sources (two hosts and an article id) for every event
    urls = {"dam-0": "https://www.bbc.co.uk/news/1", "dam-1": "https://m.bbc.co.uk/news/2", "dam-2": None}
    docs = [replace(d, article=replace(d.article, url=urls[d.article.id])) for d in corpus()[:3]]
    path = new_store_target()
    link_all(path, docs)
    with open_store(path) as store:  # what 0006 left: no outlets, a report of the cluster as a whole
        conn = store._conn
        conn.execute("DROP TABLE incident_events")
        for column in ("site_name", "outlet"):
            conn.execute(f"ALTER TABLE articles DROP COLUMN {column}")
        conn.execute("ALTER TABLE link_state DROP COLUMN reports")
        conn.execute("DELETE FROM migrations WHERE name = '0007_incidents'")
        old = {"id": "dam-0", "corroboration": 3, "outlets": ["bbc.co.uk", "m.bbc.co.uk"],
               "documents": ["dam-0", "dam-1", "dam-2"], "copies": [],
               "incidents": [["ev-dam-0", "ev-dam-1", "ev-dam-2"]], "disagreements": []}  # fmt: skip
        conn.execute("UPDATE clusters SET corroboration = 3, report_json = ?", (json.dumps(old),))
        generation = conn.execute("SELECT generation FROM link_state").fetchone()[0]
    with open_store(path) as store:
        assert "0007_incidents" in [m["name"] for m in store.migrations()]
        outlets = store._conn.execute("SELECT id, outlet FROM articles ORDER BY id").fetchall()
        assert outlets == [("dam-0", "bbc.co.uk"), ("dam-1", "bbc.co.uk"), ("dam-2", None)]
        c = get_cluster(store, "dam-0")
        assert (c["corroboration"], c["outlets"], c["reports_outlet_unknown"]) == (1, ["bbc.co.uk"], 1)
        assert c["incidents"][0]["events"] == ["ev-dam-0", "ev-dam-1", "ev-dam-2"]
        assert {(e["corroboration"], e["reports_outlet_unknown"]) for e in c["events"]} == {(1, 1)}
        assert store.query_events(min_corroboration=2) == []
        # nothing was linked again; a linker kept by another process is not reused
        assert pending(store) == 0
        assert store._conn.execute("SELECT generation FROM link_state").fetchone()[0] == generation + 1
    with open_store(path) as store:  # once is enough
        assert store._conn.execute("SELECT generation FROM link_state").fetchone()[0] == generation + 1


def test_telegram_channels_are_outlets_of_their_own_also_in_a_store_that_counted_t_me_once(new_store_target):
    # two channels tell the dam incident, one of them twice (a post and its web preview's URL)
    urls = {"dam-0": "https://t.me/lowmere_news/1", "dam-1": "https://t.me/rivers_watch/7",
            "dam-2": "https://t.me/s/Lowmere_News/2"}  # fmt: skip
    docs = [replace(d, article=replace(d.article, url=urls[d.article.id])) for d in corpus()[:3]]
    path = new_store_target()
    link_all(path, docs)
    with open_store(path) as store:
        c = get_cluster(store, "dam-0")
        assert (c["corroboration"], c["outlets"]) == (2, ["t.me/lowmere_news", "t.me/rivers_watch"])
        # as a store from before REPORTS 2 held it: every channel was the outlet t.me
        conn = store._conn
        conn.execute("UPDATE articles SET outlet = 't.me'")
        conn.execute("UPDATE incident_events SET corroboration = 1")
        conn.execute("UPDATE link_state SET reports = 1")
    with open_store(path) as store:  # the outlets and reports are rewritten when it is opened
        assert {e["outlet"] for e in store.query_events()} == {"t.me/lowmere_news", "t.me/rivers_watch"}
        assert {e["corroboration"] for e in store.query_events()} == {2}
        assert len(store.query_events(min_corroboration=2)) == 3


def test_refresh_rewrites_reports_from_the_stored_summaries_as_linking_wrote_them(new_store_target):
    from sitreps.store.clusters import refresh_reports

    path = new_store_target()
    _, linked = link_all(path, corpus())
    with open_store(path) as store:
        assert refresh_reports(store) is False  # up to date
        assert refresh_reports(store, force=True) is True
        assert store_clusters(store) == linked
