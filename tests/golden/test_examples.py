"""End-to-end acceptance on the worked examples in ../shared/examples (not part of the repo).

Each example folder holds `article.txt` and `EXPECTED.md`, what a careful analyst codes from it.
The expectations checked here are read from EXPECTED.md where they are names (so nothing in this
repository names the example's people or places), and are the issue's acceptance criteria
otherwise. Skipped, with a message, when ../shared is absent.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from sitreps.api import analyze_text
from sitreps.pipeline import Context

pytestmark = pytest.mark.shared

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
EXAMPLES = sorted(p for p in (SHARED / "examples").glob("*") if (p / "EXPECTED.md").exists()) if SHARED.is_dir() else []
PUBLISHED = "2022-11-11"  # EXPECTED.md: "It was published on Friday 11 November 2022."
CITY = (46.64, 32.61)  # the acceptance point for the article's main city


CROWD = {"residents", "locals", "citizens", "crowd", "people"}


def km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(a))


@pytest.fixture(scope="module")
def ctx():
    return Context()


@pytest.fixture(scope="module")
def example():
    if not EXAMPLES:
        pytest.skip(f"{SHARED}/examples is absent: the worked examples are not part of the repository")
    return EXAMPLES[0]


@pytest.fixture(scope="module")
def doc(example, ctx):
    return analyze_text((example / "article.txt").read_text(encoding="utf-8"), published=PUBLISHED, ctx=ctx)


def expected_quotes(example: Path) -> list[tuple[str, str]]:
    """(speaker description, quoted words) from the '## Quotes' section of EXPECTED.md."""
    text = (example / "EXPECTED.md").read_text(encoding="utf-8")
    section = text.split("## Quotes", 1)[1].split("\n## ", 1)[0]
    pairs = []
    for line in section.splitlines():
        m = re.match(r"- (.+?): \"([^\"]+)\"", line)
        if m and not line.startswith("- Indirect"):
            pairs.append((m.group(1), m.group(2)))
    return pairs


def test_promos_removed_and_nothing_comes_from_them(doc):
    reasons = [r.text.strip()[:9] for r in doc.removed]
    assert "READ MORE" in reasons and "READ NEXT" in reasons
    assert "READ MORE" not in doc.text and "READ NEXT" not in doc.text


def test_spans_index_the_cleaned_text(doc):
    for item in (*doc.places, *doc.times, *doc.quotes, *doc.actors):
        assert doc.text[item.start : item.end] == item.text
    for e in doc.events:
        assert doc.text[e.trigger.start : e.trigger.end] == e.trigger.text
        for s in e.evidence:
            assert 0 <= s.start < s.end <= len(doc.text)


def test_main_city_resolved_within_10_km(doc):
    resolved = [p for p in doc.places if p.resolved and p.precision == "city"]
    main = max(set(p.gazetteer_id for p in resolved), key=lambda g: sum(p.gazetteer_id == g for p in resolved))
    place = next(p for p in resolved if p.gazetteer_id == main)
    assert km(place.lat, place.lon, *CITY) < 10


def test_region_is_the_division_not_the_city(doc):
    regions = [p for p in doc.places if p.text.endswith(" region")]
    assert regions and all(p.precision == "admin1" for p in regions)


def _expected_places(example: Path) -> str:
    text = (example / "EXPECTED.md").read_text(encoding="utf-8")
    return text.split("## Places", 1)[1].split("\n## ", 1)[0]


def test_district_is_the_main_citys_district(doc, example):
    section = _expected_places(example)
    district = re.search(r"^- (\w+ district), a district of (\w+) city", section, re.MULTILINE)
    assert district, "EXPECTED.md names a district"
    found = [p for p in doc.places if p.text == district.group(1)]
    assert found and all(p.precision == "district" for p in found)
    city = [p for p in doc.places if p.text == district.group(2) and p.resolved][0]
    for p in found:
        assert p.admin1 == city.admin1 and km(p.lat, p.lon, city.lat, city.lon) < 10
        # placed by its city and saying so, or located itself
        assert p.coord_precision in ("parent", "source", "curated", "matched")


def test_river_and_region(doc, example):
    section = _expected_places(example)
    river = re.search(r"^- (\w+) River \(a stream", section, re.MULTILINE).group(1)
    region = re.search(r"^- (\w+) \(a region/peninsula\)", section, re.MULTILINE).group(1)
    rivers = [p for p in doc.places if p.text.startswith(river) and "River" in p.text]
    assert rivers and all(p.feature and p.feature.startswith("H.") and p.precision == "water" for p in rivers)
    regions = [p for p in doc.places if p.text == region]
    assert regions and all(p.resolved and p.precision in ("region", "admin1") for p in regions)


def test_slogan_demonym_and_metonymy_are_not_places(doc, example):
    section = _expected_places(example).split("Not places:", 1)[1]
    slogan = re.search(r'"(Glory to (\w+))"', section)
    phrases = re.findall(r'"([^"]+)"', section)
    for phrase in phrases:
        for m in re.finditer(re.escape(phrase), doc.text):
            inside = [p for p in doc.places if m.start() <= p.start and p.end <= m.end()]
            assert not inside, f"a place inside {phrase!r}"
    assert slogan and any(slogan.group(1) in doc.text for _ in [0])


def test_quotes_have_the_expected_speakers(doc, example):
    pairs = expected_quotes(example)
    assert pairs, "EXPECTED.md lists quotes"
    for speaker_desc, words in pairs:
        quotes = [q for q in doc.quotes if q.text == words]
        assert quotes, f"quote {words!r} not found"
        desc_words = {w.lower() for w in re.findall(r"[A-Za-z]{4,}", speaker_desc)}
        for q in quotes:
            assert q.speaker is not None, f"{words!r} has no speaker"
            said_by = {w.lower() for w in re.findall(r"[A-Za-z]{4,}", (q.speaker.name or "") + " " + q.speaker.text)}
            if q.speaker.kind == "crowd":  # "citizens", "locals", "residents": the same crowd
                said_by |= CROWD
            assert said_by & desc_words, f"{words!r}: speaker {q.speaker.text!r} does not match {speaker_desc!r}"


def test_indirect_claim_of_the_council_member(doc):
    indirect = [q for q in doc.quotes if not q.direct and q.speaker and "council" in q.speaker.text]
    assert indirect


def test_dates_anchored_on_publication(doc):
    fridays = [t for t in doc.times if t.text.startswith("Friday")]
    assert fridays and all(t.value == PUBLISHED for t in fridays)
    assert any(t.value == "2022-02-24" for t in doc.times if "February 24" in t.text)
    week = [t for t in doc.times if t.text == "earlier this week"]
    assert week and week[0].value == "2022-11-07/2022-11-10"


def test_an_event_in_the_city_on_publication_day(doc):
    assert any(
        e.place is not None and e.place.resolved and km(e.place.lat, e.place.lon, *CITY) < 10
        and e.time is not None and e.time.value == PUBLISHED and e.certainty in ("asserted", "confirmed", "reported")
        for e in doc.events
    )


def test_feared_strikes_are_not_an_event_that_happened(doc):
    strikes = [e for e in doc.events if e.trigger.text in ("strikes", "missile")]
    assert strikes and all(e.certainty == "possible" for e in strikes)


def test_withdrawal_is_confirmed_and_sourced(doc):
    withdrawals = [e for e in doc.events if e.subtype == "Non-violent transfer of territory" and e.certainty == "confirmed"]
    assert withdrawals and withdrawals[0].source is not None
    assert any(a.actor == "RUS.MIL" for a in withdrawals[0].actors)


def test_without_publication_date_friday_is_unanchored(example, ctx):
    doc = analyze_text((example / "article.txt").read_text(encoding="utf-8"), ctx=ctx)
    fridays = [t for t in doc.times if t.text.startswith("Friday")]
    assert fridays and all(not t.anchored and t.value is None for t in fridays)
