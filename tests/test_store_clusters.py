"""Same-incident clusters kept in the store (store/clusters.py) and served by the API: linking
what was saved since the last run, incrementally, with the same result as linking all at once.
Every test that takes `new_store_target` runs on SQLite and on PostgreSQL."""

from __future__ import annotations

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


def report(id: str, outlet: str, text: str, day: int) -> object:
    doc = make_doc(id)  # one hand-built event; the text below is what linking compares
    article = replace(
        doc.article, text=text, url=f"https://{outlet}/{id}", title=text[:40], published=datetime(2023, 5, day, 9)
    )
    return replace(doc, article=article, text=text, sentences=(doc.span(0, 0),), events=(), places=(), times=())


def corpus() -> list:
    docs = []
    for n, (name, texts) in enumerate(INCIDENTS.items()):
        for k, text in enumerate(texts):
            docs.append(report(f"{name}-{k}", f"outlet{k}.example", text, 8 + n))
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


def test_cluster_report_lists_documents_outlets_and_events(new_store_target):
    docs = corpus()
    docs[0] = replace(docs[0], events=make_doc("dam-0").events)
    path = new_store_target()
    link_all(path, docs)
    with open_store(path) as store:
        cluster_id = store._conn.execute("SELECT cluster_id FROM link_docs WHERE article_id = 'dam-1'").fetchone()[0]
        c = get_cluster(store, cluster_id)
    assert c["corroboration"] == 3
    assert c["outlets"] == ["outlet0.example", "outlet1.example", "outlet2.example"]
    assert [d["article_id"] for d in c["documents"]] == ["dam-0", "dam-1", "dam-2"]
    assert c["documents"][0]["url"] == "https://outlet0.example/dam-0"
    assert all(d["copy_of"] is None for d in c["documents"])
    assert [e["id"] for e in c["events"]] == ["ev-dam-0"]
    assert c["events"][0]["corroboration"] == 3


def test_wire_copies_count_once(new_store_target):
    text = INCIDENTS["convoy"][0]
    docs = [report("w1", "wire.example", text, 9), report("w2", "paper.example", text + " More soon.", 9)]
    path = new_store_target()
    link_all(path, docs)
    with open_store(path) as store:
        c = get_cluster(store, "w1")
    assert c["corroboration"] == 1
    assert c["copies"] == [["w1", "w2"]]
    assert [d["copy_of"] for d in c["documents"]] == [None, "w1"]


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

    docs = corpus()
    docs[0] = replace(docs[0], events=make_doc("dam-0").events)
    docs[-1] = replace(docs[-1], events=make_doc("school-0").events)
    path = new_store_target()
    link_all(path, docs)
    with TestClient(create_app(path, load_settings())) as c:
        yield c


def test_api_filters_by_corroboration_and_serves_clusters(client):
    def ids(query: str) -> list[str]:
        return [e["id"] for e in client.get(f"/api/events?{query}").json()["events"]]

    assert sorted(ids("")) == ["ev-dam-0", "ev-school-0"]
    assert ids("min_corroboration=2") == ["ev-dam-0"]
    assert ids("min_corroboration=4") == []
    event = client.get("/api/events/ev-dam-0").json()
    assert event["corroboration"] == 3
    cluster = client.get(f"/api/clusters/{event['cluster_id']}").json()
    assert cluster["id"] == event["cluster_id"] and cluster["corroboration"] == 3
    assert client.get("/api/stats").json()["store"]["clusters"] == 3
    # no copies here: asking for them changes nothing; a flag that is no flag is refused
    assert sorted(ids("include_copies=true")) == ["ev-dam-0", "ev-school-0"]
    assert sorted(ids("include_background=1")) == ["ev-dam-0", "ev-school-0"]
    assert client.get("/api/events?include_copies=maybe").status_code == 422
    assert client.get("/?include_copies=maybe").status_code == 422


def test_ingest_over_http_links_the_new_article(new_store_target):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from sitreps.api import create_app
    from sitreps.settings import load_settings

    texts = INCIDENTS["convoy"]
    by_text = {t: report(f"c{i}", f"o{i}.example", t, 9) for i, t in enumerate(texts)}

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
