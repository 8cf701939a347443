"""The random audit of the map: the worksheet, the halves and the tally (no model needed)."""

from collections import Counter

from sitreps.evaluation import audit


def _event(k: int, article: str) -> dict:
    return {
        "id": f"e{k:03d}", "article_id": article, "type": "Battles", "subtype": "Armed clash",
        "certainty": "asserted", "trigger": {"text": "fought", "start": 4, "end": 10},
        "evidence": [{"start": 0, "end": 20}], "actors": [{"name": "troops", "actor": "UKR.MIL"}],
        "targets": [], "place": {"name": "Avdiivka", "admin1": "Donetsk", "country": "UA", "precision": "place",
                                 "lat": 48.14, "lon": 37.74},
        "time": {"value": "2023-03-01", "basis": "stated"},
    }


def test_the_halves_are_fixed_by_the_id_and_split_about_evenly():
    ids = [f"article-{k}" for k in range(400)]
    halves = [audit.article_half(a) for a in ids]
    assert halves == [audit.article_half(a) for a in ids]
    counts = Counter(halves)
    assert set(counts) == set(audit.HALVES)
    assert 150 < counts["tune"] < 250


def test_a_draw_of_one_half_takes_only_its_articles():
    ids = [f"article-{k}" for k in range(40)]
    docs = {a: {"id": a, "text": "Troops fought near the town today.", "published": "2023-03-02"} for a in ids}
    events = [_event(k, a) for k, a in enumerate(ids)]
    rows = audit.worksheet_rows(events, docs, 100, seed=3, half="report")
    assert rows and all(audit.article_half(r["article"]) == "report" for r in rows)
    assert len(rows) == sum(1 for a in ids if audit.article_half(a) == "report")
    assert len(audit.worksheet_rows(events, docs, 100, seed=3)) == 40


def test_the_seed_fixes_the_draw_and_rows_carry_what_a_judge_needs():
    docs = {"a": {"id": "a", "text": "Troops fought near the town today.", "published": "2023-03-02"}}
    events = [_event(k, "a") for k in range(30)]
    first = audit.worksheet_rows(events, docs, 5, seed=7)
    assert [r["event_id"] for r in first] == [r["event_id"] for r in audit.worksheet_rows(events, docs, 5, seed=7)]
    assert [r["event_id"] for r in first] != [r["event_id"] for r in audit.worksheet_rows(events, docs, 5, seed=8)]
    row = first[0]
    assert row["evidence"] == ["Troops fought near t"]
    assert row["place"].startswith("Avdiivka, Donetsk, UA (place;")
    assert row["date"] == "2023-03-01" and row["date_basis"] == "stated"
    assert all(row[k] is None for k in audit.JUDGED)


def test_the_tally_counts_real_and_fully_right_rows_and_skips_unjudged_ones():
    ok = {"type_ok": True, "place_ok": True, "date_ok": True, "actor_ok": True}
    rows = [
        {"real": True, **ok, "date": "2023-03-01"},
        {"real": True, **ok, "actor_ok": False, "date": "2023-03-01"},
        {"real": False, "date": "2023-03-01"},
        {"real": None, "date": None},
    ]
    out = audit.score(rows)
    assert out["judged events"]["count"] == 3
    assert out["real events"]["count"] == 2 and out["real events"]["share"] == 0.667
    assert out["fully right (real; type, place, date, actor right)"]["count"] == 1
    assert out["of real events: actor right"]["count"] == 1
    assert out["no date"]["count"] == 0
