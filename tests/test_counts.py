"""Casualty counts and weapons from plain text (stages/_counts.py): every phrasing the events
stage relies on, on sentences written for these tests."""

from __future__ import annotations

import pytest

from sitreps.stages._counts import find_counts, find_weapons


def counts(text):
    return [(p.kind, p.count.low, p.count.high) for p in find_counts(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        # digits and words, passive and active
        ("Three civilians were killed in the attack.", [("killed", 3, 3)]),
        ("The strike killed 12 people.", [("killed", 12, 12)]),
        ("Twenty-five people died.", [("killed", 25, 25)]),
        ("The blast killed 1,200 people.", [("killed", 1200, 1200)]),
        # bounds kept as bounds
        ("At least 12 people were killed.", [("killed", 12, None)]),
        ("Up to 20 soldiers were killed.", [("killed", None, 20)]),
        ("More than 50 people died.", [("killed", 50, None)]),
        ("The attack killed between 5 and 8 civilians.", [("killed", 5, 8)]),
        ("Officials said 10-15 people were killed.", [("killed", 10, 15)]),
        # vague amounts are open-ended lower bounds
        ("Dozens were killed in the shelling.", [("killed", 12, None)]),
        ("Hundreds of people died.", [("killed", 100, None)]),
        # one person, a couple
        ("A woman died after the strike.", [("killed", 1, 1)]),
        ("One soldier was wounded.", [("injured", 1, 1)]),
        ("A couple died when a shell hit their house.", [("killed", 2, 2)]),
        # no number: one or more
        ("Shells fell on the town, there are dead and wounded.", [("injured", 1, None), ("killed", 1, None)]),
        # tolls
        ("The death toll rose to 25.", [("killed", 25, 25)]),
        ("The death toll from the shelling in the city rises to 2.", [("killed", 2, 2)]),
        # killed and injured together
        ("Four people were killed and 30 injured.", [("killed", 4, 4), ("injured", 30, 30)]),
        ("The attack killed two and wounded dozens.", [("killed", 2, 2), ("injured", 12, None)]),
        # fighters put out of action
        ("Gunners eliminated 106 invaders.", [("killed", 106, 106)]),
        ("The army lost more than 55 servicemen.", [("killed", 55, None)]),
        ("The unit destroyed up to 20 and wounded more than 50 enemy soldiers.", [("killed", None, 20), ("injured", 50, None)]),
        ("The brigade lost more than 300 people killed.", [("killed", 300, None)]),
        ("More than 270 military personnel of the brigade were destroyed.", [("killed", 270, None)]),
        ("Over 120 servicemen lost in the east per day.", [("killed", 120, None)]),
        ("Troops killed a civilian and wounded another.", [("killed", 1, 1)]),
        # a headline's one victim without an article
        ("Foreign journalist injured in the east.", [("injured", 1, 1)]),
        ("Soldier killed near the border.", [("killed", 1, 1)]),
    ],
)
def test_casualty_phrasing(text, expected):
    assert sorted(counts(text), key=lambda c: c[0]) == sorted(expected, key=lambda c: c[0])


@pytest.mark.parametrize(
    "text",
    [
        "The strike destroyed 3 tanks and 20 trucks.",  # equipment, not people
        "Three tanks were destroyed.",
        "The army lost up to 120 soldiers killed and wounded.",  # one number for both: not a death toll
        "Prices rose by 12 percent.",
        "The war has lasted 300 days.",
        "A mother of three killed in the strike.",  # not a toll of three
    ],
)
def test_no_death_toll(text):
    assert [c for c in counts(text) if c[0] == "killed"] == []


def test_count_span_and_personnel():
    text = "In the east, the brigade eliminated 106 invaders overnight."
    [p] = find_counts(text)
    assert text[p.count.start : p.count.end] == p.count.text == "eliminated 106 invaders"
    assert p.word.text == "eliminated" and p.personnel
    [q] = find_counts("Five civilians were killed.")
    assert not q.personnel


def test_offsets_inside_a_window():
    text = "Calm day. Two people were killed in the village."
    [p] = find_counts(text, 10, len(text))
    assert text[p.count.start : p.count.end] == "Two people were killed"


@pytest.mark.parametrize(
    "text, kinds",
    [
        ("They fired from Grad MLRS and howitzers.", ["mlrs", "mlrs", "artillery"]),
        ("A Shahed drone hit the depot.", ["drone", "drone"]),
        ("A landmine exploded under a tractor.", ["mine"]),
        ("Jets dropped glide bombs on the town.", ["aircraft", "aircraft"]),
        ("Peace talks resumed.", []),
    ],
)
def test_weapons(text, kinds):
    assert [w.kind for w in find_weapons(text)] == kinds
