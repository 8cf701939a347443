"""Events stage: triggers, participants, place, date, fatalities and certainty.

Each text is parsed by the real model (`parsed`), then run through the stages the events stage
reads, in pipeline order. `parsed` leaves the gazetteer's entity ruler out, so `run` marks the
made-up gazetteer's names as GPE entities itself, as that ruler would.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from sitreps.gazetteer import GazetteerEntry, MemoryGazetteer
from sitreps.pipeline import Context
from sitreps.records import HAPPENED, Entity, TimeExpr
from sitreps.settings import load_settings
from sitreps.stages.actors import find_actors
from sitreps.stages.claims import find_claims
from sitreps.stages.events import extract_events
from sitreps.stages.places import geoparse
from sitreps.stages.quotes import find_quotes
from sitreps.stages.times import normalise_times

pytestmark = pytest.mark.model

E = GazetteerEntry
ENTRIES = [
    E("t:harbour", "Harbour Town", 47.10, 33.20, "P", "PPLA", "UA", "North Oblast", population=250_000),
    E("t:north", "North Oblast", 47.50, 33.00, "A", "ADM1", "UA", "North Oblast", population=1_000_000),
    E("t:ua", "Ukraine", 49.00, 32.00, "A", "PCLI", "UA", None, population=40_000_000),
    E("t:lake", "Lake Town", 47.40, 33.60, "P", "PPL", "UA", "North Oblast", population=20_000),
    E("t:ru", "Russia", 60.00, 100.00, "A", "PCLI", "RU", None, population=140_000_000),
]
RULER_NAMES = ("Harbour Town", "North Oblast", "North region", "Lake Town")
PUBLISHED = "2024-03-06"  # a Wednesday
SHELLING = "Shelling/artillery/missile attack"


@pytest.fixture(scope="module")
def ctx():
    return Context(load_settings(), gazetteer_=MemoryGazetteer(ENTRIES, {"t:north": ["North region"]}))


def _ruler(doc):
    """Tag the gazetteer names as GPE, replacing whatever the model made of them."""
    ents = list(doc.entities)
    for name in RULER_NAMES:
        for m in re.finditer(re.escape(name), doc.text):
            ents = [e for e in ents if e.end <= m.start() or e.start >= m.end()]
            ents.append(Entity(m.start(), m.end(), name, "GPE"))
    return replace(doc, entities=tuple(sorted(ents, key=lambda e: e.start)))


@pytest.fixture(scope="module")
def run(parsed, ctx):
    def _run(text, published=PUBLISHED):
        doc = _ruler(parsed(text, published))
        for stage in (geoparse, normalise_times, find_quotes, find_claims, find_actors, extract_events):
            doc = stage(doc, ctx)
        return doc

    return _run


def only(events):
    assert len(events) == 1, [(e.subtype, e.trigger.text) for e in events]
    return events[0]


def test_shelling_with_actor_place_date_and_fatalities(run):
    doc = run("Russian forces shelled Harbour Town on Monday, killing three civilians.")
    event = only(doc.events)
    assert event.type == "Explosions/Remote violence" and event.subtype == SHELLING
    assert event.trigger.text == "shelled"
    assert [(a.actor, a.name) for a in event.actors] == [("RUS.MIL", "Russian military")]
    assert event.actors[0].text == "Russian forces"
    assert event.place is not None and event.place.gazetteer_id == "t:harbour"
    assert event.place.text == "Harbour Town" and event.place.precision == "city"
    assert event.time is not None and event.time.text == "Monday"
    assert event.time.anchored and event.time.value == "2024-03-04"  # the Monday before publication
    assert (event.fatalities.low, event.fatalities.high) == (3, 3)
    assert event.fatalities.text == "killing three"
    assert event.certainty == "asserted"


def test_a_closing_attribution_is_not_where_it_happened(run):
    # an agency headline: the tail after the dash says who reports it, not where
    event = only(run("Two civilians were killed in Harbour Town after shelling - Lake Town administration.").events)
    assert event.place.gazetteer_id == "t:harbour"
    # with no other place in the sentence, the tail's place is still the best guess
    event = only(run("Two civilians were killed by shelling - Lake Town administration.").events)
    assert event.place.gazetteer_id == "t:lake"


def test_a_reporters_here_is_the_dateline_town_and_nothing_else_is(run):
    # a dateline under a headline says where the report was filed: only "here" places an event there
    here = only(run("Shells fall.\n\nHARBOUR TOWN - Russian artillery shelled a school here on Monday, officials said.").events)
    assert here.place.gazetteer_id == "t:harbour"
    filed = only(run("Shells fall.\n\nHARBOUR TOWN - Russian artillery shelled a school on Monday, officials said.").events)
    assert filed.place is None
    # with no day and no doer, "here" is what pins the shooting down
    shot = only(run("Calm returns.\n\nHARBOUR TOWN - A week after the police shooting of a man here sparked protests, "
                    "shops reopened.").events)
    assert shot.subtype == "Attack" and shot.place.gazetteer_id == "t:harbour"
    assert not run("Calm returns.\n\nHARBOUR TOWN - A week after the police shooting of a man sparked protests, "
                   "shops reopened.").events


@pytest.mark.parametrize(
    "text",
    [
        "Officials visited Harbour Town, a city recently liberated by Ukrainian troops.",
        "The mayor spoke about the recent Russian shelling of Harbour Town.",
    ],
)
def test_recently_dates_an_event_to_the_weeks_before_the_report(run, text):
    event = only(happened(run(text)))
    assert event.time.value == "2024-02-05/2024-03-06" and event.time.basis == "stated"
    assert event.time.text.lower().startswith("recent") and not event.background


def test_a_day_the_sentence_states_wins_over_recently(run):
    event = only(happened(run("Ukrainian troops recently liberated Harbour Town on Monday, officials said.")))
    assert event.time.value == "2024-03-04"


def test_a_strike_set_against_a_class_of_places_is_a_speechs_point(run):
    assert not happened(run("And Grad rockets hit Harbour Town, not European cities."))
    assert not happened(run("And the rockets were fired on Harbour Town, not European cities."))
    # a report's contrast names one place, or says what was hit
    event = only(happened(run("Russian rockets hit Harbour Town, not Lake Town, on Monday.")))
    assert event.place.gazetteer_id == "t:harbour"
    assert happened(run("Russian missiles hit military targets, not residential areas, in Harbour Town on Monday."))


def test_reported_shelling_names_its_source(run):
    event = only(run("The governor said Russian forces shelled Harbour Town on Sunday.").events)
    assert event.subtype == SHELLING and event.certainty == "reported"
    assert event.time.value == "2024-03-03"
    assert event.place.gazetteer_id == "t:harbour"


def test_feared_future_strikes_are_only_possible(run):
    doc = run("Officials fear that Russia could launch missile strikes on the city next week.")
    assert doc.events, "the strikes are still an event mention"
    assert all(e.certainty == "possible" for e in doc.events), [(e.trigger.text, e.certainty) for e in doc.events]
    # "next week" is in the future: it does not date the event
    assert all(e.time is None or e.time.grain != "future" for e in doc.events)


@pytest.mark.parametrize(
    "text",
    [
        "Russia denied that its troops had shelled the village.",
        "Russian troops did not shell the village.",
    ],
)
def test_denied_shelling_is_not_asserted(run, text):
    doc = run(text)
    assert doc.events
    for e in doc.events:
        assert e.certainty == "negated", (e.trigger.text, e.certainty)


def test_hedged_recapture(run):
    event = only(run("Ukrainian troops reportedly recaptured the village.").events)
    assert event.type == "Battles" and event.subtype == "Government regains territory"
    assert event.certainty == "hedged"
    assert [(a.actor, a.name) for a in event.actors] == [("UKR.MIL", "Ukrainian military")]


def test_hedged_retook(run):
    event = only(run("Ukrainian troops reportedly retook the village.").events)
    assert event.subtype == "Government regains territory"
    assert event.certainty == "hedged"
    assert [(a.actor, a.name) for a in event.actors] == [("UKR.MIL", "Ukrainian military")]


@pytest.mark.parametrize(
    "text",
    [
        "Russia launched missile strikes on Harbour Town overnight.",
        "Russian forces carried out missile strikes on Harbour Town.",
    ],
)
def test_missile_strikes_is_one_event(run, text):
    event = only(run(text).events)
    assert event.subtype == SHELLING
    assert event.trigger.text in ("strikes", "missile")
    assert [a.actor for a in event.actors] == ["RUS.MIL"]


def test_government_doing_violence_stands_for_its_forces(run):
    event = only(run("Russia launched missile strikes on Harbour Town overnight.").events)
    actor = event.actors[0]
    assert (actor.actor, actor.kind, actor.inferred) == ("RUS.MIL", "state_forces", True)
    assert event.place.gazetteer_id == "t:harbour"  # the city, not the country named as actor


def test_no_trigger_no_event(run):
    assert run("The mayor of Harbour Town opened a new school on Monday.").events == ()


TEXTS = [
    "Russian forces shelled Harbour Town on Monday, killing three civilians.",
    "Officials fear that Russia could launch missile strikes on the city next week.",
    "Russia denied that its troops had shelled the village.",
    "Ukrainian troops reportedly recaptured the village.",
    "Residents said the shelling of Harbour Town resumed on Tuesday. "
    "Ukrainian troops later recaptured two villages in the North region, the governor said.",
]


@pytest.mark.parametrize("text", TEXTS)
def test_offsets_index_into_the_text(run, text):
    doc = run(text)
    assert doc.events
    for e in doc.events:
        assert doc.text[e.trigger.start : e.trigger.end] == e.trigger.text
        assert e.evidence
        for span in e.evidence:
            assert doc.text[span.start : span.end] == span.text
        assert any(s.start <= e.trigger.start and e.trigger.end <= s.end for s in e.evidence)
        for a in (*e.actors, *e.targets):
            assert doc.text[a.start : a.end] == a.text
        if e.place:
            assert doc.text[e.place.start : e.place.end] == e.place.text
        if e.time and e.time.basis == "published":
            assert (e.time.start, e.time.end, e.time.text) == (None, None, "")  # no words say when
        elif e.time:
            assert doc.text[e.time.start : e.time.end] == e.time.text


@pytest.mark.parametrize("text", TEXTS)
def test_event_ids_are_stable_and_unique(run, text):
    first, second = run(text), run(text)
    ids = [e.id for e in first.events]
    assert ids == [e.id for e in second.events]
    assert len(set(ids)) == len(ids)
    assert first.events == second.events


def test_two_sentence_text(run):
    doc = run(TEXTS[-1])
    by_subtype = {e.subtype: e for e in doc.events}
    assert set(by_subtype) == {SHELLING, "Government regains territory"}
    shelling = by_subtype[SHELLING]
    assert shelling.place.gazetteer_id == "t:harbour" and shelling.time.value == "2024-03-05"
    retake = by_subtype["Government regains territory"]
    assert [a.actor for a in retake.actors] == ["UKR.MIL"]
    assert retake.place.gazetteer_id == "t:north"
    assert retake.certainty == "reported"


# --- sub-event types, counts, weapons ------------------------------------------------------------


@pytest.mark.parametrize(
    "text, subtype",
    [
        ("Russian troops clashed with Ukrainian forces near Harbour Town.", "Armed clash"),
        ("Ukrainian forces recaptured Harbour Town on Monday.", "Government regains territory"),
        ("Russian forces captured Harbour Town on Monday.", "Non-state actor overtakes territory"),
        ("Russian forces shelled Harbour Town on Monday.", SHELLING),
        ("A Russian drone struck Harbour Town on Monday.", "Air/drone strike"),
        ("A landmine exploded near Harbour Town on Monday, killing a farmer.", "Remote explosive/landmine/IED"),
        ("Russian soldiers abducted the mayor of Harbour Town.", "Abduction/forced disappearance"),
        ("Hundreds of residents protested in Harbour Town on Monday.", "Peaceful protest"),
        ("Russian troops withdrew from Harbour Town on Monday.", "Non-violent transfer of territory"),
        ("Police arrested a saboteur in Harbour Town.", "Arrests"),
        ("Air defence shot down two missiles over Harbour Town.", "Disrupted weapons use"),
    ],
)
def test_sub_event_types(run, text, subtype):
    assert subtype in [e.subtype for e in run(text).events]


@pytest.mark.parametrize("text, subtype", [
    ("Friday's missile and drone attacks on Harbour Town cut the power.", SHELLING),
    ("Friday's drone and missile attacks on Harbour Town cut the power.", "Air/drone strike"),
    ("Russian forces shelled Harbour Town on Monday and drones circled overhead.", SHELLING),
])
def test_the_weapon_named_nearest_the_trigger_decides_a_mixed_wave(run, text, subtype):
    assert subtype in [e.subtype for e in run(text).events]


def test_shot_down_drones_are_not_a_drone_strike(run):
    events = run("Ukrainian air defence shot down 20 drones over Harbour Town overnight.").events
    assert [e.subtype for e in events] == ["Disrupted weapons use"]


def test_fighters_put_out_of_action_are_a_battle_with_a_bounded_toll(run):
    e = only(run("Russian forces destroyed up to 20 Ukrainian soldiers near Harbour Town.").events)
    assert (e.type, e.subtype) == ("Battles", "Armed clash")
    assert (e.fatalities.low, e.fatalities.high) == (None, 20)
    assert e.fatalities.text == "destroyed up to 20 Ukrainian soldiers"


def test_destroying_enemy_weapons_is_combat_not_property_destruction(run):
    e = only(run("Russian artillery destroyed two Ukrainian howitzers near Harbour Town.").events)
    assert e.subtype == SHELLING


def test_casualty_sentence_without_trigger_is_an_event_with_the_war_in_it(run):
    e = only(run("Over the past day, the Russians killed four residents of Harbour Town.").events)
    assert (e.type, e.fatalities.low, e.fatalities.high) == ("Violence against civilians", 4, 4)
    assert [(a.actor, a.inferred) for a in e.actors] == [("RUS.MIL", True)]
    assert e.time.value == "2024-03-05/2024-03-06"
    assert run("Three people died in a road accident in Harbour Town yesterday.").events == ()


def test_killed_and_injured_with_weapons(run):
    e = only(run("Russian forces shelled Harbour Town with Grad rockets, killing at least 3 civilians and wounding 12.").events)
    assert (e.fatalities.low, e.fatalities.high) == (3, None)
    assert (e.injured.low, e.injured.high) == (12, 12)
    assert {w.kind for w in e.weapons} == {"mlrs", "missile"}


# --- a particular event, not the war as a whole -------------------------------------------------

VIOLENT = {"Battles", "Explosions/Remote violence", "Violence against civilians"}


@pytest.mark.parametrize(
    "text",
    [
        "The United States sent more artillery and drones to Ukraine.",  # weapons talked about
        "Russia's attack on Ukraine shocked Europe.",  # the war as a whole
        "Ukraine is fighting for its survival.",
        "Cyber attacks took down the websites of two banks.",
        "Russia seized the initiative in the talks.",  # no ground taken
        "Critics launched fresh attacks on the minister over inflation.",
    ],
)
def test_no_particular_violent_event(run, text):
    assert [e.subtype for e in run(text).events if e.type in VIOLENT] == []


@pytest.mark.parametrize(
    "text, subtype",
    [
        ("A missile hit Harbour Town overnight.", SHELLING),
        ("Russia destroyed an oil refinery in Harbour Town.", SHELLING),
        ("A block of flats was destroyed, killing at least one person.", SHELLING),
        ("Russian troops seized the village on Monday.", "Non-state actor overtakes territory"),
    ],
)
def test_particular_violent_events(run, text, subtype):
    assert subtype in [e.subtype for e in run(text).events]


# --- who acted: losses, agents further on, light verbs ----------------------------------------


def test_losses_make_the_losing_side_the_target(run):
    e = only([e for e in run("Ukrainian forces lost 40 servicemen near Harbour Town on Monday.").events if e.type == "Battles"])
    assert [(a.actor, a.inferred) for a in e.actors] == [("RUS.MIL", True)]
    assert [t.actor for t in e.targets] == ["UKR.MIL"]


def test_deaths_in_battles_with_a_named_side(run):
    events = run("Five DPR servicemen died in battles with the Armed Forces of Ukraine near Harbour Town.").events
    e = only([e for e in events if e.type == "Battles"])
    assert [a.actor for a in e.actors] == ["UKR.MIL"] and [t.actor for t in e.targets] == ["DPR.MIL"]


def test_agent_named_later_in_the_clause(run):
    e = only(run("Two people died in the shelling of the centre of Harbour Town by the Armed Forces of Ukraine.").events)
    assert [a.actor for a in e.actors] == ["UKR.MIL"]


def test_light_verb_carries_the_target(run):
    e = only(run("Ukrainian aviation inflicted 18 strikes on the enemy near Harbour Town.").events)
    assert [a.actor for a in e.actors] == ["UKR.MIL"] and [t.actor for t in e.targets] == ["RUS.MIL"]


def test_force_used_on_one_side_with_no_doer_was_the_other_side(run):
    e = only(run("Seven Russian soldiers were killed near Harbour Town on Monday.").events)
    assert [(a.actor, a.inferred) for a in e.actors] == [("UKR.MIL", True)]


def test_units_without_a_country_oppose_the_side_named_as_the_enemy(run):
    e = only(run("Border guards repelled an enemy attack near Harbour Town.").events)  # one battle
    assert e.subtype == "Armed clash"
    assert [(a.text, a.actor, a.inferred) for a in e.actors] == [("Border guards", "UKR.MIL", True)]
    assert [t.actor for t in e.targets] == ["RUS.MIL"]


def test_fire_damage_inflicted_on_a_side(run):
    e = only(run("Russian troops inflicted fire damage on the Armed Forces of Ukraine near Harbour Town.").events)
    assert [a.actor for a in e.actors] == ["RUS.MIL"] and [t.actor for t in e.targets] == ["UKR.MIL"]


def test_an_attempt_in_the_past_happened_a_future_one_did_not(run):
    tried = only(run("Ukrainian forces tried to counterattack Russian troops near Harbour Town.").events)
    assert tried.certainty != "possible"
    will = only(run("Russian forces will try to capture Harbour Town next week.").events)
    assert will.certainty == "possible"


def test_a_bare_explosion_beside_the_attack_that_caused_it_is_that_attack(run):
    events = run("Explosions in Harbour Town: Ukrainian forces hit the airfield.").events
    assert [(e.trigger.text, [a.actor for a in e.actors]) for e in events] == [("hit", ["UKR.MIL"])]


def test_participle_headline_the_noun_acted_or_suffered(run):
    e = only(run("Ukrainian fighters counterattacked near Harbour Town.").events)
    assert [a.actor for a in e.actors] == ["UKR.MIL"]


@pytest.mark.parametrize(
    "text, subtype",
    [
        ("A soldier threw a grenade at a checkpoint in Harbour Town on Monday.", "Grenade"),
        ("A suicide bomber struck a market in Harbour Town on Monday.", "Suicide bomb"),
        ("Troops used a chemical weapon against defenders in Harbour Town on Monday.", "Chemical weapon"),
        ("Monitors documented sexual violence against women in Harbour Town in March.", "Sexual violence"),
        ("Police dispersed the protest in Harbour Town on Monday.", "Protest with intervention"),
        ("A mob lynched a man in Harbour Town on Monday.", "Mob violence"),
        ("Riots broke out in Harbour Town on Monday.", "Violent demonstration"),
        ("The two sides agreed a local ceasefire around Harbour Town on Monday.", "Agreement"),
        ("Russia deployed additional troops to North Oblast on Monday.", "Change to group/activity"),
        ("Looters ransacked shops in Harbour Town on Monday.", "Looting/property destruction"),
        ("Residents celebrated in the streets of Harbour Town on Friday.", "Other"),
    ],
)
def test_more_sub_event_types(run, text, subtype):
    assert subtype in [e.subtype for e in run(text).events], [(e.subtype, e.trigger.text) for e in run(text).events]


@pytest.mark.parametrize(
    "text, certainty",
    [
        ("Russian forces shelled Harbour Town on Monday.", "asserted"),
        ("Russia confirmed that its forces shelled Harbour Town on Monday.", "confirmed"),
        ("Officials said Russian forces shelled Harbour Town on Monday.", "reported"),
        ("Russian forces reportedly shelled Harbour Town on Monday.", "hedged"),
        ("Russian forces could shell Harbour Town next week.", "possible"),
        ("Russia denied that its forces shelled Harbour Town on Monday.", "negated"),
    ],
)
def test_each_certainty(run, text, certainty):
    assert [e.certainty for e in run(text).events if e.subtype == SHELLING] == [certainty]


def test_one_incident_told_twice_in_an_article_is_one_event():
    from dataclasses import replace

    from test_store import make_doc

    from sitreps.stages.events import merge as _merge

    (lead,) = make_doc("a1", value=None, grain=None, fatalities=None).events  # the headline: no date, no toll
    (later,) = make_doc("a1").events  # the body: a date and two killed
    later = replace(later, id="ev-2", evidence=(replace(later.evidence[0], start=1),))
    (one,) = _merge([replace(lead, time=None), later])
    assert one.id == lead.id and one.time == later.time and one.fatalities == later.fatalities
    assert len(one.evidence) == 2
    # another day, another place, the other side, or one that did not happen: kept apart
    other_day = replace(later, time=replace(later.time, value="2022-11-01"))
    elsewhere = replace(later, place=replace(later.place, gazetteer_id="g-Birch"))
    feared = replace(later, certainty="possible")
    named = replace(later, actors=(replace(later.actors[0], inferred=False),))
    other_side = replace(later, actors=(replace(later.actors[0], actor="XC.MIL", inferred=False),))
    assert len(_merge([later, other_day])) == 2
    assert len(_merge([named, other_side])) == 2
    # a side only guessed (from the ground, the paragraph) does not split one occurrence
    guessed = replace(other_side, actors=(replace(other_side.actors[0], inferred=True),))
    assert len(_merge([named, guessed])) == 1
    assert len(_merge([later, elsewhere])) == 2
    assert len(_merge([later, feared])) == 2


# -- one incident told again further down: "the attack", "the Harbour Town attack", an undated telling ---

def _told(k, subtype=SHELLING, *, place="harbour", day="2024-03-04", basis="stated", actor=None, inferred=False,
          certainty="asserted", background=False, etype="Explosions/Remote violence"):
    """A hand-built telling of an event: trigger at k*100, its sentence k*100..k*100+80."""
    from sitreps.records import ActorMention, Event, Place, Span, TimeExpr

    places = {
        "harbour": Place(k * 100 + 20, k * 100 + 32, "Harbour Town", name="Harbour Town", lat=47.10, lon=33.20,
                         country="UA", admin1="North Oblast", gazetteer_id="t:harbour", precision="city"),
        "lake": Place(k * 100 + 20, k * 100 + 29, "Lake Town", name="Lake Town", lat=47.40, lon=33.60,
                      country="UA", admin1="North Oblast", gazetteer_id="t:lake", precision="city"),
        "oblast": Place(k * 100 + 20, k * 100 + 32, "North Oblast", name="North Oblast", country="UA",
                        admin1="North Oblast", gazetteer_id="t:north", precision="admin1"),
        "ukraine": Place(k * 100 + 20, k * 100 + 27, "Ukraine", name="Ukraine", country="UA", gazetteer_id="t:ua",
                         precision="country"),
        None: None,
    }
    trigger = Span(k * 100, k * 100 + 8, "shelling")
    time = TimeExpr(None, None, "", value=day, grain="day", basis=basis) if day else None
    actors = (ActorMention(k * 100 + 40, k * 100 + 47, "Russian", actor, "x", "state_forces", inferred=inferred),) \
        if actor else ()
    return Event(id=f"e{k}", type=etype, subtype=subtype, trigger=trigger, evidence=(Span(k * 100, k * 100 + 80, "s"),),
                 place=places[place], time=time, actors=actors, certainty=certainty, background=background)


REPORT_DAY = dict(day="2024-03-06", basis="published")


def test_a_told_incident_named_again_without_a_day_of_its_own_is_the_first_telling():
    from sitreps.stages.events import merge as _merge
    from sitreps.stages.events.merge import AGAIN

    first = _told(1)
    # "the shelling" further down, stamped with the report's day: one event, of the first's day
    (one,) = _merge([first, _told(2, **REPORT_DAY)], told={"e2": AGAIN})
    assert one.id == "e1" and one.time.value == "2024-03-04" and len(one.evidence) == 2
    # with no place of its own ("wounded in the attack"), or in the oblast that holds the town
    assert len(_merge([first, _told(2, place=None, **REPORT_DAY)], told={"e2": AGAIN})) == 1
    assert len(_merge([first, _told(2, place="oblast", **REPORT_DAY)], told={"e2": AGAIN})) == 1
    # an attack named by another word of its type family ("the air strike" after a shelling);
    # not named as the one told, it is another day's
    assert len(_merge([first, _told(2, "Air/drone strike", **REPORT_DAY)], told={"e2": AGAIN})) == 1
    assert len(_merge([first, _told(2, "Air/drone strike", **REPORT_DAY)])) == 2
    # history named again without its year stays history, and off the map
    (old,) = _merge([_told(1, day="2012", background=True), _told(2, **REPORT_DAY)], told={"e2": AGAIN})
    assert old.background and old.time.value == "2012"


def test_a_telling_named_again_joins_the_telling_of_its_day_before_an_earlier_one_of_another():
    from sitreps.stages.events import merge as _merge
    from sitreps.stages.events.merge import AGAIN

    # "on Saturday, missiles across Ukraine"; "on Sunday, strikes on the oblast"; then "the
    # strike on Harbour Town" in a story of Sunday: Sunday's strike, not Saturday's
    saturday = _told(1, place="ukraine", day="2024-03-03")
    sunday = _told(2, place="oblast", day="2024-03-04")
    town = _told(3, day="2024-03-04", basis="published")
    first, second = _merge([saturday, sunday, town], told={"e3": AGAIN})
    assert len(first.evidence) == 1 and len(second.evidence) == 2 and second.place.gazetteer_id == "t:harbour"


def test_a_telling_named_again_with_another_day_place_side_or_certainty_stays_apart():
    from sitreps.stages.events import merge as _merge
    from sitreps.stages.events.merge import AGAIN, ANOTHER

    first = _told(1, actor="RUS.MIL")
    again = {"e2": AGAIN}
    assert len(_merge([first, _told(2, day="2024-03-05", actor="RUS.MIL")], told=again)) == 2  # its own day
    assert len(_merge([first, _told(2, place="lake", **REPORT_DAY)], told=again)) == 2  # about 45 km away
    assert len(_merge([first, _told(2, actor="UKR.MIL", **REPORT_DAY)], told=again)) == 2  # the other side
    # a side the sentence words, though marked inferred ("the Ukrainian shelling"), is a side
    assert len(_merge([first, _told(2, actor="UKR.MIL", inferred=True, **REPORT_DAY)], told=again)) == 2
    assert len(_merge([first, _told(2, certainty="negated", **REPORT_DAY)], told=again)) == 2  # denied
    assert len(_merge([first, _told(2, background=True, **REPORT_DAY)], told=again)) == 2  # told as history
    assert len(_merge([first, _told(2, etype="Battles", subtype="Armed clash", **REPORT_DAY)], told=again)) == 2
    assert len(_merge([first, _told(2, **REPORT_DAY)], told={"e2": ANOTHER})) == 2  # "another shelling"
    # one sentence's list ("strikes hit Harbour Town and Lake Town") stays one record per place
    listed = _told(2, place="lake")
    assert len(_merge([first, replace(listed, trigger=first.trigger)], told=again)) == 2


def test_an_undated_telling_beside_a_dated_one_of_its_subtype_and_place_is_the_dated_one():
    from sitreps.stages.events import merge as _merge
    from sitreps.stages.events.merge import AGAIN, ANOTHER

    dated = _told(1)
    (one,) = _merge([_told(2, day=None), dated])  # the undated one told first: the record keeps its id
    assert one.id == "e2" and one.time.value == "2024-03-04" and one.time.basis == "stated"
    assert len(_merge([dated, _told(2, place=None, day=None)])) == 1  # no place and no day of its own
    # a weekday with nothing to count from is no date either
    assert len(_merge([dated, _told(2, day=None, basis="stated")])) == 1
    # kept apart: the report's day (that day's news), another type, another town, history, a
    # new one, another side
    assert len(_merge([dated, _told(2, **REPORT_DAY)])) == 2
    assert len(_merge([dated, _told(2, "Attack", etype="Violence against civilians", place=None, day=None)])) == 2
    assert len(_merge([dated, _told(2, place="lake", day=None)])) == 2  # another town
    assert len(_merge([dated, _told(2, background=True, day=None)])) == 2
    assert len(_merge([dated, _told(2, place=None, day=None)], told={"e2": ANOTHER})) == 2
    assert len(_merge([_told(1, actor="RUS.MIL"), _told(2, actor="UKR.MIL", inferred=True, place=None, day=None)])) == 2
    # both named as one incident ("Monday's attack in the province" after a headline's "Riverside
    # attacks"), a telling gives the day the first lacked, in the division that holds its place;
    # after a telling of the report's day that names no incident, it is another day's news
    (named,) = _merge([_told(1, **REPORT_DAY), _told(2, place="oblast")], told={"e1": AGAIN, "e2": AGAIN})
    assert named.time.value == "2024-03-04" and named.place.gazetteer_id == "t:harbour"
    assert len(_merge([_told(1, **REPORT_DAY), _told(2, place="oblast")], told={"e2": AGAIN})) == 2


@pytest.mark.parametrize(
    "later",
    [
        "The shelling in North Oblast wounded two people, officials said.",
        "After the Harbour Town shelling, the mayor ordered more shelters opened.",
    ],
)
def test_an_incident_told_again_further_down_is_one_event(run, later):
    doc = run(f"Russian forces shelled Harbour Town on Monday, killing three civilians.\n\n{later}")
    event = only(happened(doc))
    assert event.time.value == "2024-03-04" and event.place.gazetteer_id == "t:harbour" and len(event.evidence) == 2


def test_an_incident_named_undated_and_then_with_its_day_is_one_event(run):
    doc = run("The Harbour Town bombing killed three people, officials said.\n\n"
              "Monday's bombing in Harbour Town was the deadliest this year.", published="2024-03-08T17:00:00+00:00")
    event = only(happened(doc))
    assert event.time.value == "2024-03-04" and event.time.basis == "stated" and len(event.evidence) == 2


def test_a_telling_with_no_date_beside_a_dated_one_at_its_place_is_one_event(run):
    # a text with no publication date: the second telling's weekday has nothing to count from
    doc = run("Russian drones hit Lake Town on 4 March 2024, the governor said.\n\n"
              "A drone strike on Lake Town on Monday killed two people, the governor said.", published=None)
    event = only(happened(doc))
    assert event.time.value == "2024-03-04" and event.fatalities.low == 2 and len(event.evidence) == 2


def test_an_attack_named_again_is_the_gunmens_not_a_guess_from_the_ground(run):
    # the strike's side guessed from the ground (the town is Ukraine's) does not split the attack
    doc = run("Gunmen attacked a concert hall in Harbour Town on Monday, killing five people.\n\n"
              "After the Harbour Town attack, the mayor ordered more police patrols.")
    event = only(happened(doc))
    assert event.fatalities.low == 5 and event.time.value == "2024-03-04" and len(event.evidence) == 2
    assert [a.actor for a in event.actors] == ["UAG"]


def test_an_incident_named_by_its_own_town_goes_on_no_telling_placed_elsewhere(run):
    # "the Harbour Town attack" is that town's; it does not give a province-wide telling of last
    # weekend its town, and recalled as a landmark with no day of its own, it is background
    doc = run("Last weekend, gunmen attacked shoppers in North Oblast.\n\n"
              "The men trained at a gun range before the horrific Harbour Town attack.", published="2024-03-13")
    weekend = only([e for e in happened(doc) if not e.background])
    assert weekend.place.gazetteer_id == "t:north" and len(weekend.evidence) == 1
    assert weekend.time.value == "2024-03-09/2024-03-10"
    (recalled,) = [e for e in doc.events if e.background]
    assert recalled.place.gazetteer_id == "t:harbour"


@pytest.mark.parametrize(
    "later",
    [
        "The shelling of Lake Town wounded two people, officials said.",  # another town, 45 km away
        "The Ukrainian shelling of Harbour Town wounded two people, Russian officials said.",  # the other side
        "The shelling of Harbour Town on Tuesday wounded two people, officials said.",  # another day
        "The first shelling of Harbour Town killed two people, officials said.",  # another one
        "Another shelling of Harbour Town killed two people, officials said.",
        "Russian forces shelled Harbour Town again, killing two people, officials said.",
        "In the first weeks of the war, Russian shelling of Harbour Town killed dozens of people.",  # history
    ],
)
def test_a_war_report_of_another_shelling_stays_another_event(run, later):
    doc = run(f"Russian forces shelled Harbour Town on Monday, killing three civilians.\n\n{later}")
    assert len([e for e in doc.events if e.subtype == SHELLING]) == 2, [(e.trigger.text, e.time) for e in doc.events]


def test_a_denied_shelling_and_one_sentences_list_stay_apart(run):
    denied = run("Russian forces shelled Harbour Town on Monday, killing three civilians.\n\n"
                 "Moscow denied the shelling of Harbour Town.")
    assert sorted(e.certainty for e in denied.events) == ["asserted", "negated"]
    listed = run("Russian strikes hit Harbour Town and Lake Town on Monday, killing four people.\n\n"
                 "The strikes damaged a school, officials said.")
    assert sorted(e.place.gazetteer_id for e in happened(listed)) == ["t:harbour", "t:lake"]


# -- the coder's steps (stages/events/*.py): event or not, date basis, background, place, actor ---


def happened(doc):
    return [e for e in doc.events if e.certainty not in ("possible", "negated")]


@pytest.mark.parametrize(
    "text",
    [
        # forecasts, demands, threats, options and conditions: kept only as `possible`
        "Ukraine will likely attack Russian positions near Harbour Town on Monday.",
        "Russia must withdraw its troops from Harbour Town.",
        "Moscow threatened to strike Harbour Town on Monday.",
        "Officials warned of strikes on Harbour Town on Monday.",
        "If there was a war, tens of thousands of soldiers could die in Harbour Town.",
        "The worst-case scenario would involve substantial attacks on Harbour Town on Monday.",
        "The agency had warned counterparts in Lake Town of a possible attack on Harbour Town.",
        "The billionaire called on the West to stop this massacre in Harbour Town.",
    ],
)
def test_forecasts_threats_and_conditions_are_never_shown_as_happened(run, text):
    doc = run(text)
    assert happened(doc) == [], [(e.subtype, e.trigger.text, e.certainty) for e in doc.events]


@pytest.mark.parametrize(
    "text",
    [
        # habits and patterns
        "Russian forces shell Harbour Town every day, killing civilians.",
        "Russian troops routinely shelled Harbour Town with rockets.",
        # running totals
        "Since the start of the war, Russian strikes have killed 300 civilians in Harbour Town.",
        "So far, 40 soldiers have been killed in fighting around Harbour Town.",
        # a past event that only starts a period
        "Prices in Harbour Town have doubled since Russian troops captured Lake Town.",
        # other senses of trigger words
        "The minister demonstrated that the plan worked in Harbour Town on Monday.",
        "Gas prices rallied in Harbour Town on Monday.",
        "The spokesman doubled down on the claims in Harbour Town on Monday.",
        "The two ministers exchanged views in Harbour Town on Monday.",
        "Russia withdrew from the grain deal in Harbour Town on Monday.",
        "The billionaire blasted the decision in Harbour Town on Monday.",
        # a toll of an era, not of one event
        "The famine killed an estimated five million people in North Oblast.",
        # a rule stated in the present
        "When a permanent member of the council annexes the territory of another member, the charter fails.",
    ],
)
def test_habits_totals_and_other_senses_are_not_events(run, text):
    doc = run(text)
    assert happened(doc) == [], [(e.subtype, e.trigger.text, e.certainty) for e in doc.events]


def test_catch_all_subtypes_need_a_particular_place_or_day(run):
    assert run("Russian troops destroyed the grain terminal in Harbour Town on Monday.").events
    assert not [e for e in run("The goal is to destroy the economy.").events if e.subtype == "Looting/property destruction"]
    assert not run("The president has abandoned those calls.").events


def test_a_denial_covers_what_is_denied_not_what_happened_beside_it(run):
    doc = run("Russia, while mobilising 100,000 troops near Harbour Town on Monday, denies it plans to invade.")
    assert [e.certainty for e in doc.events if e.subtype == "Change to group/activity"] == ["asserted"]
    assert only(run("Russia denied that its troops had shelled Harbour Town.").events).certainty == "negated"


def test_the_date_basis_says_how_the_date_was_found(run):
    stated = only(run("Russian forces shelled Harbour Town on Monday.").events)
    assert (stated.time.value, stated.time.basis) == ("2024-03-04", "stated")
    # a later sentence of the same paragraph inherits "On Monday"
    doc = run("On Monday, Russian troops advanced on Lake Town. Russian artillery shelled Harbour Town, killing two.")
    later = [e for e in doc.events if e.trigger.text == "shelled"][0]
    assert (later.time.value, later.time.basis) == ("2024-03-04", "context")
    assert later.time.start is not None and "Monday" in later.time.text
    # ... but not across paragraphs
    doc = run("On Monday, Russian troops advanced on Lake Town.\n\nRussian artillery shelled Harbour Town, killing two.")
    later = [e for e in doc.events if e.trigger.text == "shelled"][0]
    assert later.time.basis == "published"
    # nothing says when: the publication day, the day before for an overnight report
    plain = only(run("Russian artillery shelled Harbour Town, killing two civilians.").events)
    assert (plain.time.value, plain.time.basis, plain.time.start, plain.time.text) == ("2024-03-06", "published", None, "")
    night = only(run("Troops said Russian artillery shelled Harbour Town in the night, killing two civilians.").events)
    assert night.time.value.startswith("2024-03-05"), night.time
    # without a publication date nothing is guessed
    undated = only(run("Russian artillery shelled Harbour Town, killing two civilians.", published=None).events)
    assert undated.time is None


def test_a_time_of_a_coordinated_clause_does_not_date_the_event(run):
    doc = run("Russian artillery shelled Harbour Town, killing two, and the strike was condemned on Monday.")
    shelled = [e for e in doc.events if e.trigger.text == "shelled"][0]
    assert shelled.time.basis == "published"


def test_background_events_are_dated_before_the_news_window_or_told_as_history(run):
    old = [e for e in run("In 2014, Russian troops seized Harbour Town.").events if e.trigger.text == "seized"]
    assert [e.background for e in old] == [True]
    war = only(run("Russian aircraft bombed Harbour Town during the Second World War.").events)
    assert war.background
    recent = only(run("Russian troops seized Harbour Town on Monday.").events)
    assert not recent.background
    # the window is a setting

    month = only(run("Russian troops shelled Harbour Town on February 20.").events)
    assert not month.background  # 15 days before publication


def test_places_inside_names_speakers_and_launch_sites_are_not_where_it_happened(run):
    agreement = only(run("Russian troops shelled the village, breaking the Lake Town agreements.").events)
    assert agreement.place is None or agreement.place.gazetteer_id != "t:lake"
    speaker = only(run("Russian troops shelled Harbour Town, the official told reporters in Lake Town.").events)
    assert speaker.place.gazetteer_id == "t:harbour"
    launch = only(run("Russian missiles fired from bombers over Lake Town hit Harbour Town.").events)
    assert launch.place.gazetteer_id == "t:harbour"
    other_clause = [e for e in run("The strikes on Harbour Town came as leaders met in Lake Town.").events
                    if e.trigger.text == "strikes"]
    assert [e.place.gazetteer_id for e in other_clause] == ["t:harbour"]


def test_a_sentence_without_a_place_takes_its_paragraphs(run):
    doc = run("Russian troops attacked Harbour Town on Monday. On Tuesday, Russian artillery shelled the railway station.")
    station = [e for e in doc.events if e.trigger.text == "shelled"][0]
    assert station.place.gazetteer_id == "t:harbour" and station.time.value == "2024-03-05"
    # told twice on one day at one place by one side: one record
    doc = run("Russian troops attacked Harbour Town on Monday. Russian artillery also shelled the railway station.")
    assert len(doc.events) == 1 and len(doc.events[0].evidence) == 2


def test_the_doer_comes_from_the_paragraph_or_the_territory(run):
    doc = run("Russian troops advanced on Harbour Town on Monday. The shelling killed two civilians.")
    shelling = [e for e in doc.events if e.trigger.text == "shelling"][0]
    assert shelling.actors and shelling.actors[0].actor == "RUS.MIL" and shelling.actors[0].inferred
    strike = only(run("A missile strike hit Harbour Town on Monday, killing two civilians.").events)
    assert [(a.actor, a.inferred) for a in strike.actors] == [("RUS.MIL", True)]  # a strike in Ukraine
    # with no date at all nothing says the strike belongs to this war: its doer stays unknown
    unknown = only(run("A missile strike hit Harbour Town on Monday, killing two civilians.", published=None).events)
    assert unknown.actors == ()


def test_one_record_per_occurrence(run):
    doc = run("Missiles struck targets across Ukraine on Monday.\nA missile strike hit Harbour Town on Monday, killing two.")
    explosions = [e for e in doc.events if e.type == "Explosions/Remote violence"]
    assert len(explosions) == 1 and len(explosions[0].evidence) == 2
    assert explosions[0].place.gazetteer_id == "t:harbour"  # the finer place of the two


def test_the_accused_and_the_weapons_side_are_the_doers(run):
    accused = only(run("Russia accused Ukraine of carrying out strikes on Harbour Town on Monday.").events)
    assert [a.actor for a in accused.actors] == ["UKR.MIL"] and accused.certainty != "asserted" or accused.actors
    fired = only(run("On Monday, Russian missiles were fired at Harbour Town.").events)
    assert [a.actor for a in fired.actors] == ["RUS.MIL"]
    # a guessed doer that is the target is no doer
    struck = [e for e in run("Missiles struck Russian military installations in Harbour Town on Monday.").events]
    assert all(not e.actors or e.actors[0].actor != "RUS.MIL" for e in struck)


def test_history_retold_is_background_or_no_event(run):
    # a timeline in the historical present: not shown as current news
    doc = run("The war began a year ago.\nRussian forces make rapid gains in the south of North Oblast, seizing "
              "the port of Harbour Town, close to the peninsula, and the port of Lake Town on the coast.")
    assert not [e for e in happened(doc) if not e.background]
    # "the anniversary of" an event, "in the first weeks of the war"
    doc = run("The minister spoke within a month of the 20th anniversary of the bombing of Harbour Town.")
    assert all(e.background for e in happened(doc))
    doc = run("In the first weeks of the war, Russian troops shelled Harbour Town, killing 40 civilians.")
    assert [e.background for e in happened(doc)] == [True]
    # an ongoing siege told in the present, and the present of reported speech, are current
    doc = run("As the conflict goes on, Russian forces continue their siege of Harbour Town in North Oblast.")
    assert [e.background for e in happened(doc)] == [False]


def test_no_sign_of_an_attack_is_a_denial_and_an_unplaced_event_takes_the_articles_country(run):
    assert [e.certainty for e in run("Monitors said there was no sign of a Russian attack on Harbour Town.").events] == ["negated"]
    doc = run("Russia and Ukraine traded fire in Harbour Town and Lake Town in Ukraine on Monday.\n\n"
              "On Tuesday, Russian missiles were fired from bombers, the military said.")
    fired = [e for e in doc.events if e.trigger.text == "fired"]
    assert [(e.place.gazetteer_id, e.place.precision) for e in fired] == [("t:ua", "country")]


def test_an_undated_event_is_explained_by_a_note(run):
    doc = run("Russian artillery shelled Harbour Town, killing two civilians.", published=None)
    assert [n.code for n in doc.notes if n.stage == "events"] == ["events.undated"]
    assert not [n for n in run("Russian artillery shelled Harbour Town, killing two civilians.").notes if n.stage == "events"]


@pytest.mark.parametrize(
    "text",
    [
        "The July 1 editorial \u201cDon\u2019t retreat from Harbour Town\u201d urged patience.",
        "Russia is engaged in a war against an innocent people, and it must be condemned.",
        "The report documents 77 cases of civilians being executed in North Oblast.",
        "Russian forces have carried out widespread and systematic torture of civilians in North Oblast.",
        "Both sides have used cluster bombs in North Oblast during the war.",
        "He criticised the generals for failing to supply his troops during the battle for Harbour Town.",
        "The West is attempting to destroy Russia, the president said on Monday.",
    ],
)
def test_titles_patterns_and_the_war_itself_are_not_events(run, text):
    doc = run(text)
    assert happened(doc) == [], [(e.subtype, e.trigger.text, e.certainty) for e in doc.events]


def test_what_was_shot_down_is_the_target_and_the_grounds_side_the_doer(run):
    downed = only(run("Our soldiers shot down another enemy aircraft near Harbour Town on Monday.").events)
    assert downed.subtype == "Disrupted weapons use" and "RUS.MIL" not in [a.actor for a in downed.actors]
    intercepted = only(run("Three drones were intercepted over Harbour Town on Monday.").events)
    assert [(a.actor, a.inferred) for a in intercepted.actors] == [("UKR.MIL", True)]
    assert only(run("A car bomb exploded in Harbour Town on Monday.").events).subtype == "Remote explosive/landmine/IED"


def test_an_undated_event_that_describes_a_visited_place_is_background(run):
    old = only(run("The minister visited a bridge in Harbour Town where Russian forces bombed civilians.").events)
    assert old.background
    news = only(run("The minister visited Harbour Town, where a missile strike killed 50 people on Monday.").events)
    assert not news.background


def _relabelled(doc, name, **fields):
    """The doc with every place named `name` given other gazetteer fields (a capital, an acronym)."""
    return replace(doc, places=tuple(replace(p, **fields) if p.text == name else p for p in doc.places))


def test_a_capital_speaking_for_its_government_an_acronym_and_a_modifier_are_not_places(run, parsed, ctx):
    from sitreps.stages._tokens import index as token_index
    from sitreps.stages.events.where import not_where

    doc = run("Lake Town said Russian troops shelled Harbour Town on Monday, in a Lake Town-backed report.")
    capital = _relabelled(doc, "Lake Town", feature="P.PPLC")
    toks = token_index(capital)
    found = next(p for p in capital.places if p.text == "Lake Town")
    assert found.start == capital.text.rindex("Lake Town")
    assert not_where(capital, toks, found)  # "Lake Town-backed": a modifier
    first = replace(found, start=0, end=len("Lake Town"))
    assert not_where(capital, toks, first)  # "Lake Town said": the capital standing for its government
    assert not not_where(capital, toks, replace(first, feature="P.PPL"))  # ... which a plain town is not here
    assert not not_where(capital, toks, next(p for p in capital.places if p.text == "Harbour Town"))
    shelled = only(extract_events(replace(capital, events=()), ctx).events)
    assert shelled.place.gazetteer_id == "t:harbour"
    # an acronym the gazetteer took for a town
    doc = run("Russian troops shelled HT on Monday.")
    from sitreps.records import Place

    acronym = Place(doc.text.index("HT"), doc.text.index("HT") + 2, "HT", name="Hightown", lat=1.0, lon=1.0,
                    country="UA", gazetteer_id="t:hightown", precision="city")
    assert not_where(doc, token_index(doc), acronym)
    assert not not_where(doc, token_index(doc), replace(acronym, name="HT"))


def test_a_retrospective_article_keeps_the_time_frame_it_set(run):
    # a profile told mostly about the past: an undated event after "in 2014" is of 2014
    doc = run("In 2014, the unit fought near Lake Town. In 2015 it moved to the coast, and in 2016 it "
              "trained abroad.\n\nIt distinguished itself in the battles for Harbour Town, killing 20 soldiers.")
    assert [e.background for e in happened(doc) if e.trigger.text == "battles"] == [True]
    # and a calendar day without a year is in the year the story is in
    doc = run("In 2014, the occupiers took the peninsula. In 2015 they held elections. In 2016 more came.\n\n"
              "On March 3, the occupiers shot a soldier in Harbour Town.")
    assert [e.background for e in happened(doc) if e.trigger.text == "shot"] == [True]
    # a news report with one look back keeps the publication date for its undated events
    doc = run("On Monday, Russian troops advanced on Lake Town. In 2014 they had seized the peninsula.\n\n"
              "Russian artillery shelled Harbour Town, killing two civilians.")
    assert [e.background for e in happened(doc) if e.trigger.text == "shelled"] == [False]
    # "since last year" runs to today: the undated blast after it is today's news ("last year"
    # on its own is still a frame in the past)
    for since, background in (("since last year", False), ("last year", True)):
        doc = run(f"The conflict began in 2014 and flared again in 2015. Troops massed on the border {since}.\n\n"
                  "A car bomb exploded in Harbour Town.")
        assert [e.background for e in happened(doc) if e.trigger.text == "exploded"] == [background], since


def test_a_bare_destroyed_is_a_state_not_an_event(run):
    assert not happened(run("After months of fighting, the airport in Harbour Town was destroyed."))
    assert not happened(run("The destruction of the dam at Harbour Town highlights the cost of the war."))
    looted = only(happened(run("Soldiers looted shops in Harbour Town on Monday.")))
    assert looted.subtype == "Looting/property destruction"
    unit = only(happened(run("Border guards destroyed a group of saboteurs near Harbour Town on Monday.")))
    assert unit.subtype == "Armed clash"  # fighters, not property


def test_a_kind_of_weapon_and_waves_of_attacks_are_not_events(run):
    assert not happened(run("A planeload of shoulder-fired grenades arrived in Harbour Town on Monday."))
    assert not happened(run("He spoke on Monday about the current waves of Russian drone attacks against Harbour Town."))


def test_held_ground_says_whose_strike_it_was():
    from sitreps.records import Place
    from sitreps.stages.events.who import holder

    crimea = Place(0, 6, "Crimea", name="Dzhankoi", country="UA", admin1="Autonomous Republic of Crimea", precision="city")
    assert holder(crimea) == "RU"  # held by Russia throughout: a strike there is Ukraine's
    assert holder(replace(crimea, admin1="North Oblast", name="Harbour Town")) == "UA"
    assert holder(replace(crimea, admin1="Luhansk Oblast", name="Lake Town")) is None  # the sides took it from each other
    assert holder(None) is None


def test_a_named_armed_group_is_the_doer(run):
    blew = only(run("Ukrainian partisans blew up a railway segment near Harbour Town on Monday.").events)
    assert [a.actor for a in blew.actors] == ["UKR.PAR"]


def test_likely_events_running_counts_and_earlier_this_year_are_not_current_events(run):
    assert not happened(run("A larger barrage on Harbour Town is likely to cause severe damage."))
    assert not happened(run("The letter said four journalists had already been killed by Russian troops in Harbour Town."))
    # an event of "earlier this year", told two months or more into the year, is not this month's news
    doc = run("Russian forces captured the plant near Harbour Town earlier this year, and it remains near the front.")
    assert all(e.background for e in happened(doc))


def test_a_list_of_places_is_one_record_per_place(run):
    doc = run("Russian missiles struck military depots in Harbour Town and Lake Town on Monday, killing two.")
    struck = [e for e in happened(doc) if e.trigger.text == "struck"]
    assert sorted(e.place.gazetteer_id for e in struck) == ["t:harbour", "t:lake"]
    assert len({e.id for e in struck}) == 2
    assert [e.fatalities is None for e in struck].count(True) == 1  # the toll is the list's: kept once
    # a place that says where another lies is no member and no place of the event
    doc = run("Russian missiles struck a depot in Lake Town, north of Harbour Town, on Monday.")
    assert [e.place.gazetteer_id for e in happened(doc)] == ["t:lake"]


def test_a_protests_first_actor_is_the_protesters_and_the_police_its_target(run):
    rally = only(happened(run("Thousands took to the streets of Harbour Town on Monday, protesting against the law.")))
    assert [(a.actor, a.inferred) for a in rally.actors] == [("PROT", True)]
    broken = only(happened(run("Riot police used water cannon to disperse protesters in Harbour Town on Monday.")))
    assert [a.actor for a in broken.actors] == ["PROT"] and [t.actor for t in broken.targets] == ["POL"]


def test_two_capitals_trading_accusations_are_governments_not_places(run, ctx):
    from sitreps.stages._tokens import index as token_index
    from sitreps.stages.events.where import not_where

    doc = run("Lake Town and Harbour Town blamed each other.")
    # the parse a reader gives it (the model's for invented names varies): both towns the subject
    heads = {0: (1, "compound"), 1: (5, "nsubj"), 2: (1, "cc"), 3: (4, "compound"), 4: (1, "conj"), 5: (5, "ROOT"),
             6: (7, "det"), 7: (5, "dobj"), 8: (5, "punct")}
    tokens = tuple(replace(t, head=heads[t.i][0], dep=heads[t.i][1]) for t in doc.tokens)
    capital = replace(_relabelled(doc, "Harbour Town", feature="P.PPLC"), tokens=tokens)
    second = next(p for p in capital.places if p.text == "Harbour Town")
    assert not_where(capital, token_index(capital), second)
    assert not not_where(capital, token_index(capital), replace(second, feature="P.PPL"))  # a plain town is a place


def test_a_region_holds_what_lies_in_the_division_named_after_it():
    from sitreps.records import Place
    from sitreps.stages.events.merge import same_place

    region = Place(0, 6, "Crimea", name="Crimea", country="UA", gazetteer_id="g:crimea", precision="region")
    town = Place(10, 18, "Dzhankoi", name="Dzhankoi", country="UA", admin1="Autonomous Republic of Crimea",
                 gazetteer_id="g:dzh", precision="city")
    assert same_place(region, town)
    assert not same_place(replace(region, name="Donbas"), town)
    city = Place(0, 4, "Kyiv", name="Kyiv", country="UA", admin1="Kyiv", gazetteer_id="g:kyiv", precision="city",
                 lat=50.45, lon=30.52)
    district = Place(5, 20, "Shevchenkivskyi", name="Shevchenkivskyi", country="UA", admin1="Kyiv",
                     gazetteer_id="g:shev", precision="district", lat=50.46, lon=30.47)
    assert same_place(city, district)  # a city holds its districts
    assert not same_place(city, replace(district, lat=48.56, lon=39.33))  # a namesake far away does not
    oblast = Place(0, 11, "Kyiv region", name="Kyiv Oblast", country="UA", admin1="Kyiv Oblast",
                   gazetteer_id="g:kyiv-oblast", precision="admin1")
    assert same_place(oblast, city)  # the capital, a division of its own, lies in the oblast named after it
    assert not same_place(replace(oblast, admin1="Kyivska Rus Oblast"), replace(city, admin1="Kharkiv"))


def test_the_side_whose_air_defence_shot_it_down_is_the_doer(run):
    downed = only(happened(run("Ukraine's air defenses shot down 16 missiles near Harbour Town on Monday.")))
    assert [a.actor for a in downed.actors] == ["UKR.MIL"]


def test_a_campaigns_summary_and_a_pattern_beside_an_event_are_not_events(run):
    assert not happened(run("Its missiles have destroyed large supply trains, bridges and roads."))
    assert not happened(run("Russian forces have carried out widespread and systematic torture of civilians in Harbour "
                            "Town, summarily executing more than 70 of them, the office said on Tuesday."))
    assert happened(run("Russian forces have shelled Harbour Town, killing two civilians."))
    # the day the speech was given does not make its summary one occurrence
    assert not happened(run("On Monday the spokesman accused the alliance of hypocrisy, as it has waged wars and "
                            "dropped bombs in sovereign states."))


def test_the_region_named_before_a_town_is_not_the_events_place(run):
    shelled = only(happened(run("Russian troops shelled the Harbour Town village of Lake Town on Monday.")))
    assert shelled.place.gazetteer_id == "t:lake"


def test_burning_a_column_and_a_pattern_are_not_what_they_sound_like(run):
    caught = only(happened(run("A gas pipeline in Harbour Town caught fire after explosions late on Monday.")))
    assert caught.subtype == "Remote explosive/landmine/IED"  # the explosions, not gunfire
    assert not [e for e in happened(run("Troops were put on alert as the mercenary forces march towards Harbour Town."))
                if e.type == "Protests"]
    assert not happened(run("The EU condemns the indiscriminate shelling of civilian areas in Harbour Town."))


def test_a_protest_told_as_peaceful_and_as_broken_up_is_one_protest_with_intervention(run):
    doc = run("On Monday, thousands took to the streets of Harbour Town, protesting against the law. "
              "Riot police used water cannon to disperse protesters in Harbour Town on Monday.")
    protest = only([e for e in happened(doc) if e.type == "Protests"])
    assert protest.subtype == "Protest with intervention" and len(protest.evidence) == 2


def test_the_town_whose_authority_reports_an_unplaced_event_is_its_place(run):
    doc = run("On Monday the mayor of Harbour Town said two explosions had cut the power supply.")
    assert [e.place.gazetteer_id for e in happened(doc)] == ["t:harbour"]


def test_a_battles_doer_is_the_one_armed_side_its_sentence_makes_a_subject(run):
    doc = run("Heavy fighting continues in Harbour Town, where Russian forces are trying to break through.")
    fighting = [e for e in happened(doc) if e.trigger.text == "fighting"]
    assert [(a.actor, a.inferred) for e in fighting for a in e.actors[:1]] == [("RUS.MIL", True)]


def test_a_ship_sunk_by_an_armed_force_was_struck_and_a_currency_sinking_is_nothing(run):
    sunk = only(happened(run("Near Harbour Town, the Armed Forces of Ukraine sank a barge with Russian troops on Monday.")))
    assert sunk.subtype == SHELLING and sunk.actors[0].actor == "UKR.MIL"
    assert not happened(run("The rouble sank to a record low in Harbour Town on Monday."))


def test_a_unit_named_without_its_country_opposes_the_side_it_acts_on(run):
    doc = run("Border guards neutralized a Russian assault unit near Harbour Town on Monday.")
    clash = only(happened(doc))
    assert [(a.actor, a.inferred) for a in clash.actors] == [("UKR.MIL", True)]
    # an ally named elsewhere in the sentence does not turn the unit
    doc = run("Paratroopers fought alongside Russian troops near Harbour Town on Monday.")
    assert all(a.actor != "UKR.MIL" for e in happened(doc) for a in e.actors)


def test_a_unit_that_destroys_the_other_sides_arms_is_a_clash_without_place_or_day(run):
    clash = only(happened(run("The paratroopers destroyed a Russian armoured vehicle along with its crew.")))
    assert clash.subtype == "Armed clash" and [(a.actor, a.inferred) for a in clash.actors] == [("UKR.MIL", True)]
    assert only(happened(run("The invaders destroyed a Ukrainian howitzer."))).actors[0].actor == "RUS.MIL"
    # no doer, or a doer that is no armed unit: the state a thing is in, or no war event
    assert not happened(run("A Russian armoured vehicle was destroyed."))
    assert not happened(run("The storm destroyed a Russian armoured vehicle."))


def test_tear_gas_at_a_crowd_is_a_protest_broken_up_and_no_chemical_attack(run):
    broken = only(happened(run("Riot police fired tear gas at thousands of demonstrators in Harbour Town on Monday.")))
    assert broken.subtype == "Protest with intervention"
    assert [a.actor for a in broken.actors] == ["PROT"] and [t.actor for t in broken.targets] == ["POL"]
    # dropped on soldiers in a war, gas is no protest: no crowd in the sentence
    war = happened(run("Russian drones dropped tear gas grenades on Ukrainian positions near Lake Town on Monday."))
    assert war and all(e.type != "Protests" for e in war)


def test_police_who_kill_protesters_use_excessive_force(run):
    force = only(happened(run("Police shot dead two protesters in Harbour Town on Monday.")))
    assert (force.type, force.subtype) == ("Protests", "Excessive force against protesters")
    assert [a.actor for a in force.actors] == ["POL"] and [t.actor for t in force.targets] == ["PROT"]
    assert force.fatalities is not None and force.fatalities.low == 2
    # the same shots at soldiers stay an attack of the war
    assert only(happened(run("Police shot dead two soldiers in Harbour Town on Monday."))).type != "Protests"


def test_a_riots_first_actor_is_the_rioters(run):
    crowd = only(happened(run("Rioting broke out in Harbour Town on Monday night.")))
    assert crowd.subtype == "Violent demonstration"
    assert [(a.actor, a.kind, a.inferred) for a in crowd.actors] == [("RIOT", "rioters", True)]
    named = only(happened(run("Protesters rioted in Harbour Town on Monday and police fired tear gas.")))
    assert named.actors[0].actor == "RIOT" and named.actors[0].text == "Protesters" and not named.actors[0].inferred


def test_a_toll_that_goes_on_for_more_places_is_one_event_per_place(run):
    doc = run("Shelling killed two people in Harbour Town and one in Lake Town on Monday, the governor said.")
    events = sorted(happened(doc), key=lambda e: e.place.name)
    assert [(e.place.name, e.fatalities.low) for e in events] == [("Harbour Town", 2), ("Lake Town", 1)]
    one = events[1].fatalities
    assert doc.text[one.start : one.end] == "one"  # the evidence of the second count is its own number
    # a toll for the whole list stays on the first place: the text does not split it
    listed = run("Shelling killed two people in Harbour Town and Lake Town on Monday, the governor said.")
    assert sorted((e.place.name, e.fatalities.low if e.fatalities else None) for e in happened(listed)) == [
        ("Harbour Town", 2), ("Lake Town", None)]


def test_the_subject_of_an_attacks_passive_is_its_target(run):
    shot = only(happened(run("Two police officers were shot in Harbour Town on Monday.")))
    assert all(a.inferred for a in shot.actors) and [t.actor for t in shot.targets] == ["POL"]  # the war's side may be guessed
    assert shot.subtype == "Armed clash"  # an attack on armed men is no violence against civilians
    # in a battle both sides fought: the side that was repelled stays a doer
    repelled = only(happened(run("Russian troops were repelled near Harbour Town on Monday.")))
    assert repelled.actors[0].actor == "RUS.MIL"


def test_prisoners_executed_are_violence_against_civilians_and_a_day_is_no_plan(run):
    executed = only(happened(run("Russian troops executed two Ukrainian soldiers near Harbour Town on Monday.")))
    assert executed.subtype == "Attack" and executed.actors[0].actor == "RUS.MIL"
    captured = only(happened(run("Russian soldiers shot two captured Ukrainian soldiers near Harbour Town on Monday.")))
    assert captured.subtype == "Attack"
    assert not happened(run("The team in Harbour Town was good at executing on that, the coach said on Monday."))


@pytest.mark.parametrize("text", [
    "Democrats blast Smith after the vote in Harbour Town on Monday.",
    "She hit Jones on taxes at a forum in Harbour Town on Monday.",
    "The candidate answered with attacks on Jones in Harbour Town, including Monday's tweets.",
    "Supporters levelled sexist attacks at the candidate in Harbour Town on Monday.",
    "The campaign hopes to turn its rally crowds in Harbour Town into votes on Monday.",
    "Dozens of adoptees were deported from Harbour Town on Monday after criminal convictions.",
])
def test_campaign_words_and_immigration_cases_are_no_events(run, text):
    assert not happened(run(text)), text


@pytest.mark.parametrize("text", [
    "A man hit him on the head with a bottle in Harbour Town on Monday.",
    "Protesters rallied in Harbour Town on Sunday.",
    "Russian forces deported the mayor of Harbour Town on Friday.",
    "Russian artillery struck Harbour Town once on Monday.",
])
def test_the_same_words_done_stay_events(run, text):
    assert happened(run(text)), text


def test_what_once_happened_or_happened_on_9_11_is_history(run):
    for text in ("Local bandits once fired at travellers on the road to Harbour Town.",
                 "We lost 3,000 people on 9/11, the senator said in Harbour Town on Monday."):
        told = [e for e in run(text).events if e.certainty in HAPPENED]
        assert told and all(e.background for e in told), text


def test_one_person_who_kills_people_is_an_attack_by_a_sole_perpetrator(run):
    killed = only(happened(run("John Smith killed five people at a market in Harbour Town on Sunday.")))
    assert killed.subtype == "Attack" and [(a.actor, a.text) for a in killed.actors] == [("SOLE", "John Smith")]
    assert killed.fatalities is not None and killed.fatalities.low == 5
    # the dead alone, or a person killed, say nothing of a doer: no attack from them
    assert not happened(run("A man was killed in Harbour Town on Sunday."))


def test_men_who_died_are_no_soldiers_unless_a_side_lost_them(run):
    assert not happened(run("Two men died in Harbour Town on Thursday."))
    lost = only(happened(run("Ukrainian forces lost 40 men near Harbour Town on Monday.")))
    assert lost.type == "Battles"


def test_deaths_in_action_are_a_battles(run):
    died = only(happened(run("Two Ukrainian volunteers were killed in action near Harbour Town on Tuesday.")))
    assert died.subtype == "Armed clash" and died.fatalities is not None
    assert not happened(run("Two residents of Harbour Town died in a road accident on Tuesday."))


def test_a_death_while_fighting_for_a_side_is_a_battles_death(run):
    for text in ("A British volunteer was killed fighting for Ukraine near Harbour Town.",
                 "A Canadian volunteer was killed while fighting alongside Ukrainian forces on Tuesday."):
        died = only(happened(run(text)))
        assert died.subtype == "Armed clash" and died.fatalities is not None, text
    # fighting for one's life, or against an illness, is no battle
    assert not happened(run("Two residents of Harbour Town died fighting for their lives in hospital on Tuesday."))
    assert not happened(run("A writer from Harbour Town died fighting against cancer on Tuesday."))


def test_what_a_word_keeps_from_happening_did_not_happen(run):
    kept = run("The aim is to weaken Russia to stop it attacking Harbour Town again on Monday.")
    assert not happened(kept)
    deterred = run("The sanctions are meant to deter Russia from attacking Lake Town on Monday.")
    assert not happened(deterred)
    stopped = only(happened(run("Ukrainian troops stopped the Russian offensive near Harbour Town on Monday.")))
    assert stopped.subtype == "Armed clash"  # it happened, and was stopped


def test_stopping_a_push_is_a_battle_and_stopping_talks_is_no_event(run):
    pushed = only(happened(run("Ukrainian forces stopped a Russian push near Harbour Town on Monday.")))
    assert pushed.subtype == "Armed clash" and pushed.trigger.text == "stopped"
    assert pushed.place is not None and pushed.place.gazetteer_id == "t:harbour"
    halted = only(happened(run("Ukrainian troops halted the Russian advance near Lake Town on Tuesday.")))
    assert halted.subtype == "Armed clash"
    assert not happened(run("The government stopped the talks with the company in Harbour Town on Monday."))


def test_a_name_in_front_of_a_weapon_is_the_weapon_not_the_place(run):
    fired = only(happened(run("Lake Town rockets were fired on Harbour Town on Monday.")))
    assert fired.place is not None and fired.place.gazetteer_id == "t:harbour"


def test_a_battle_for_a_cause_a_warning_and_a_yardstick_are_not_events(run):
    assert not happened(run("Ukraine's battle for freedom and security today is a noble one, from Harbour Town to Lake Town."))
    assert happened(run("Ukrainian troops fought a fierce battle for Harbour Town on Monday."))
    assert not any(e.subtype == "Air/drone strike" for e in run("On Monday the air raid sirens sounded in Harbour Town.").events)
    moved = run("The Kremlin deployed 30,000 troops to Russia, less than a three-hour drive to Harbour Town, on Monday.")
    assert not any(e.place is not None and e.place.gazetteer_id == "t:harbour" for e in moved.events)


def test_pulling_only_gives_up_ground_when_forces_pull_back_or_out(run):
    assert not any(e.subtype == "Non-violent transfer of territory"
                   for e in run("Rescuers pulled bodies from a school in Harbour Town on Monday.").events)
    left = only(happened(run("Russian troops pulled out of Harbour Town on Monday.")))
    assert left.subtype == "Non-violent transfer of territory"


def test_a_bare_participle_describing_a_place_and_a_total_of_losses_are_not_events(run):
    said = run('"My thoughts go to the city of Harbour Town, barbarously bombarded and destroyed," he said.')
    assert not happened(said)
    dated = only(happened(run("Harbour Town, shelled on Monday by Russian forces, counted its dead.")))
    assert dated.subtype == SHELLING
    assert not happened(run("The problem with Russia suffering colossal losses is that it does not matter to its leaders."))
    assert happened(run("Russian forces suffered heavy losses near Harbour Town on Monday."))


def test_a_town_in_a_clause_joined_to_the_events_is_its_place(run):
    told = run("In the North region, where troops are pressing on, shelling continues along the front and one "
               "person was killed in Lake Town.")
    shelled = [e for e in happened(told) if e.subtype == SHELLING]
    assert shelled and shelled[0].place.gazetteer_id == "t:lake"


def test_no_side_is_guessed_when_the_sides_blame_each_other(run):
    disputed = only(happened(run("Kyiv and Moscow have traded accusations over strikes on Monday on the plant "
                                 "in Harbour Town.")))
    assert disputed.actors == ()
    named = only(happened(run("Russian forces shelled Harbour Town on Monday, and the sides blamed each other.")))
    assert [a.actor for a in named.actors] == ["RUS.MIL"]


def test_two_tellings_at_towns_close_together_on_one_stated_day_are_one_incident():
    from sitreps.records import Event, Place, Span, TimeExpr
    from sitreps.stages.events import merge as _merge

    def blast(k, place):
        return Event(id=f"b{k}", type="Explosions/Remote violence", subtype="Remote explosive/landmine/IED",
                     trigger=Span(k * 10, k * 10 + 5, "blast"), evidence=(Span(k * 10, k * 10 + 9, "blast"),),
                     place=place, time=TimeExpr(0, 3, "Tue", value="2024-03-05", grain="day", basis="stated"))

    depot = Place(0, 5, "Depot", name="Depot", country="UA", admin1="North Oblast", gazetteer_id="g:depot",
                  precision="city", lat=45.60, lon=34.55)
    town = replace(depot, name="Town", gazetteer_id="g:town", lat=45.71, lon=34.39)  # about 17 km apart
    far = replace(depot, name="Far", gazetteer_id="g:far", lat=46.20, lon=34.39)
    assert len(_merge([blast(1, depot), blast(2, town)])) == 1
    assert len(_merge([blast(1, depot), blast(2, far)])) == 2
    one_list = blast(1, depot)
    assert len(_merge([one_list, replace(one_list, id="b9", place=town)])) == 2  # one sentence's list stays split


def test_medics_rescuers_and_journalists_killed_are_a_wars_dead(run):
    killed = only(happened(run("Four medics were killed during the evacuation of civilians in Harbour Town on Monday.")))
    assert killed.type == "Violence against civilians" and killed.fatalities.low == 4
    assert not happened(run("Four people were killed in a road accident in Harbour Town on Monday."))


def test_an_attempt_to_break_through_is_a_battle(run):
    tried = only(happened(run("Russian troops tried to break through near Harbour Town on Monday.")))
    assert tried.subtype == "Armed clash" and [a.actor for a in tried.actors] == ["RUS.MIL"]
    failed = only(happened(run("The invaders failed to make a breakthrough near Lake Town on Monday.")))
    assert failed.subtype == "Armed clash"


def test_the_destruction_of_whole_towns_is_a_war_told_not_one_event(run):
    said = run("At the event on Friday, he said a lust for power had driven Russia's destruction of Harbour Town and Lake Town.")
    assert not happened(said)
    struck = run("Russian troops destroyed a bridge in Harbour Town on Tuesday.")
    assert happened(struck)


def test_a_sentence_that_goes_on_with_a_list_of_strikes_counts_its_dead_as_one_of_them(run):
    doc = run("Russia fired missiles at Harbour Town on Sunday, officials said. Other areas included Lake Town, where one person died.")
    lake = [e for e in happened(doc) if e.place is not None and e.place.gazetteer_id == "t:lake"]
    assert lake and lake[0].subtype == SHELLING and lake[0].fatalities is not None
    assert all(a.inferred for a in lake[0].actors if a.text not in doc.text[lake[0].evidence[-1].start:lake[0].evidence[-1].end])
    # deaths the sentence puts down to something else, or a sentence further on, are not the strikes'
    assert len(happened(run("Russia fired missiles at Harbour Town on Sunday. Two residents of Lake Town died in a road accident."))) == 1
    assert len(happened(run("Russia fired missiles at Harbour Town on Sunday.\n\nTwo residents of Lake Town died on Monday."))) == 1
    after = run("Russia fired missiles at Harbour Town on Sunday.\n\nOther areas included Lake Town, where one person died.")
    assert any(e.place is not None and e.place.gazetteer_id == "t:lake" for e in happened(after))


def test_capturing_fighters_is_a_battle_and_capturing_ground_takes_territory(run):
    men = only(happened(run("Ukrainian troops captured two Russian soldiers near Harbour Town on Monday.")))
    assert men.subtype == "Armed clash"
    ground = only(happened(run("Russian forces captured the village of Lake Town on Monday.")))
    assert ground.subtype == "Non-state actor overtakes territory"


def test_stopping_an_attempt_to_break_through_is_a_battle(run):
    stopped = only(happened(run("Ukrainian border guards stopped an attempt to break through near Harbour Town on Monday.")))
    assert stopped.subtype == "Armed clash"
    assert not happened(run("The Kremlin wants to stop any attempt by Ukraine to join the alliance."))


def test_forces_detaining_someone_not_a_suspect_is_an_abduction(run):
    taken = only(happened(run("Russian forces detained the mayor of Harbour Town on Monday, officials said.")))
    assert taken.subtype == "Abduction/forced disappearance"
    caught = only(happened(run("Ukrainian forces detained a Russian saboteur near Harbour Town on Monday.")))
    assert caught.subtype == "Arrests"


def test_ground_is_regained_by_the_forces_of_its_country_and_overtaken_by_others(run):
    regained = only(happened(run("Ukrainian troops captured the village of Lake Town on Monday.")))
    assert regained.subtype == "Government regains territory"
    overtaken = only(happened(run("Russian forces took control of the village of Lake Town on Monday.")))
    assert overtaken.subtype == "Non-state actor overtakes territory"


def test_gathering_is_a_protest_only_where_the_sentence_says_so_and_detentions_are_intervention(run):
    gathered = only(happened(run("Anti-war protesters gathered in Harbour Town on Sunday.")))
    assert gathered.subtype == "Peaceful protest"
    assert not happened(run("Hundreds of people gathered in Harbour Town on Sunday to mourn the victims."))
    held = only(happened(run("Police detained 50 people at a protest in Harbour Town on Sunday.")))
    assert held.subtype == "Protest with intervention"
    freed = only(happened(run("Hundreds protested in Harbour Town on Sunday, demanding the release of activists detained last week.")))
    assert freed.subtype == "Peaceful protest"


def test_the_dead_of_a_mass_grave_are_no_one_event_unless_the_sentence_gives_the_day(run):
    found = run("Investigators said they had found a mass grave with 440 bodies in Harbour Town, some killed by shelling.")
    assert not happened(found)
    dated = run("Two civilians were killed by shelling in Harbour Town on Monday, and a mass grave was found nearby.")
    assert happened(dated)


def test_a_list_of_gerunds_after_goals_is_what_was_aimed_at(run):
    aims = run("The spy chief said Russia had failed in its initial goals; removing the president, capturing Harbour Town and dividing the West.")
    assert not happened(aims)


def test_a_place_that_a_law_is_from_is_not_where_a_protest_was(run):
    doc = run("On Monday thousands protested in Harbour Town against the bill. Riot police used water cannon to disperse "
              "protesters outside parliament, some shouting against the law - a reference to the fact that the bill "
              "mirrors similar legislation in Lake Town.")
    assert all(e.place is None or e.place.gazetteer_id != "t:lake" for e in doc.events)


def test_the_one_armed_side_a_shoot_down_sentence_names_shot(run):
    downed = only(happened(run("Ukraine's air defences had some success in shooting down 16 of the 36 missiles launched on Monday.")))
    assert downed.subtype == "Disrupted weapons use" and [a.actor for a in downed.actors] == ["UKR.MIL"]


def test_a_paragraph_that_goes_on_with_the_last_kind_of_event_keeps_its_place(run):
    doc = run("On Monday thousands protested in Harbour Town against the bill.\n\n"
              "Riot police used water cannon to disperse protesters outside parliament.")
    protest = only(happened(doc))
    assert protest.place is not None and protest.place.gazetteer_id == "t:harbour"
    assert protest.subtype == "Protest with intervention" and len(protest.evidence) == 2
    # a paragraph of another kind of event keeps no place from it
    other = run("On Monday thousands protested in Harbour Town against the bill.\n\nTwo soldiers were killed in fighting.")
    assert all(e.place is None or e.place.gazetteer_id != "t:harbour" for e in other.events if e.type != "Protests")
    # what the paragraph before only intended or feared is nothing to go on with
    meant = run('The march on Harbour Town was intended to be a protest, he said.\n\n"We started our march due to injustice."')
    assert not happened(meant)


def test_a_story_stamped_in_the_small_hours_reports_the_day_before(run):
    text = ("Russia hit Harbour Town with cruise missile strikes, officials said.\n\n"
            "Thursday's missile strikes came hours after the talks.")
    early = happened(run(text, published="2024-03-08T00:00:00+00:00"))  # a Friday, at midnight
    assert len(early) == 1 and early[0].time.value == "2024-03-07"
    assert early[0].place is not None and early[0].place.gazetteer_id == "t:harbour"
    late = happened(run(text, published="2024-03-08T17:00:00+00:00"))  # the same Friday, afternoon
    assert len(late) == 2


def _shown(doc):
    return [e for e in doc.events if not e.background and e.certainty not in ("possible", "negated")]


@pytest.mark.parametrize(
    "text",
    [
        "A small earthquake struck near Harbour Town on Monday, the survey said.",
        "A woman died on Monday after she was struck by a car in Harbour Town.",
        "The storm that hit Harbour Town on Monday closed the main road.",
        "Two hurricanes striking the coast near Harbour Town on Monday flooded the port.",
        "A pickup truck struck a tree on the road to Harbour Town on Monday.",
        "A neighbour accidentally hit the boy in Harbour Town on Monday while reversing.",
        "Harbour Town has been hit by several protests by dock workers this month.",
        "The hard-hit Harbour Town district reported new cases of flu on Monday.",
        "A house fire killed an elderly man in Harbour Town on Monday.",
        "Crews from the Harbour Town fire station were called out on Monday.",
        "The mayor of Harbour Town came under fire from local officials on Monday.",
        "The company fired its chief executive in Harbour Town on Monday.",
        "Villagers began mining gold near Harbour Town on Monday.",
        "The goal on Monday had blown the title race in Harbour Town wide open.",
        "The party in Harbour Town was banned on Monday in a blow to the opposition.",
        "Police went to a house in Harbour Town on Monday to execute a search warrant.",
        "Police in Harbour Town are searching for two suspects since Monday.",
        "Teachers went on strike in Harbour Town on Monday.",
        "Nurses were striking in Harbour Town on Monday for higher pay.",
        "Police seized 300 kilos of meat at the market in Harbour Town on Monday.",
        "The man pleaded not guilty to murder in Harbour Town on Monday.",
        "A rape suspect will stand trial in Harbour Town, the court said on Monday.",
        "A court in Harbour Town overturned a sexual assault conviction on Monday.",
        "A gas explosion at a restaurant in Harbour Town injured four people on Monday.",
        "A bee attack injured a man in Harbour Town on Monday.",
        "Malware attacks on banks in Harbour Town doubled on Monday.",
        "The crew spent Monday shooting footage in Harbour Town.",
        "There were 130 murders in Harbour Town in 2017.",
        "A woman was hit and killed by a drunk driver in Harbour Town on Monday.",
        "Her speech on Monday in Harbour Town struck a chord with voters.",
        "The court in Harbour Town struck down the rule on Monday.",
        "The home side rallied from a ten-point deficit in Harbour Town on Monday.",
        "A strong earthquake hit Harbour Town on Monday, destroying forty houses.",
        "At a debate in Harbour Town on Monday, John Miller attacked Mary Stone over her record.",
        "The candidate spent Monday in Harbour Town attacking a rival.",
        "Mary Stone hit back on Monday at a campaign event in Harbour Town.",
        "John Miller spoke at a rally in Harbour Town on Monday.",
        "A retired officer shot himself in Harbour Town on Monday.",
    ],
)
def test_war_words_in_their_everyday_senses_are_no_events(run, text):
    doc = run(text)
    assert _shown(doc) == [], [(e.subtype, e.trigger.text) for e in _shown(doc)]


@pytest.mark.parametrize(
    "text",
    [
        "A Russian missile struck Harbour Town on Monday, killing two people.",
        "Harbour Town was hit by Russian shelling on Monday.",
        "Russian troops opened fire on a checkpoint in Harbour Town on Monday.",
        "Ukrainian positions near Harbour Town came under heavy artillery fire on Monday.",
        "Russian forces fired missiles at Harbour Town on Monday.",
        "Russian troops blew up the bridge in Harbour Town on Monday.",
        "Russian forces seized the airport of Harbour Town on Monday.",
        "Russian forces seized control of Harbour Town on Monday.",
        "A Russian strike on Harbour Town killed four people on Monday.",
        "An explosion at an ammunition depot in Harbour Town injured four soldiers on Monday.",
        "Ukrainian forces took the crossings near Harbour Town under fire control on Monday.",
        "A massive blow to Harbour Town on Monday left 40 substations without power.",
    ],
)
def test_the_same_words_in_war_reports_stay_events(run, text):
    assert _shown(run(text)), "a war report lost its event"


def test_no_doer_is_inferred_from_the_ground_before_the_war_the_sides_belong_to(run):
    # the [territory] sides hold from 2022: a 2018 attack in Ukraine is nobody's by default
    before = only(run("Two people were killed in a strike on Harbour Town on Monday.", published="2018-03-07").events)
    after = only(run("Two people were killed in a strike on Harbour Town on Monday.").events)
    assert [a.actor for a in after.actors] == ["RUS.MIL"] and after.actors[0].inferred
    assert before.actors == ()


def test_an_accident_story_is_read_from_its_lead(run):
    text = ("A strong earthquake shook the North region on Monday.\n\n"
            "Four houses were destroyed in Harbour Town and two people were killed, the mayor said.")
    assert _shown(run(text)) == []
    # the same toll in a war report stays an event
    war = ("Russian missiles struck the North region on Monday.\n\n"
           "Four houses were destroyed in Harbour Town and two people were killed, the mayor said.")
    assert _shown(run(war))


@pytest.mark.parametrize(
    "text, subtype",
    [
        ("A gunman opened fire at an office party in Harbour Town on Monday, killing two people.", "Attack"),
        ("Russian soldiers opened fire on Ukrainian troops near Harbour Town on Monday.", "Armed clash"),
        ("Russian forces fired artillery at Harbour Town on Monday.", SHELLING),
    ],
)
def test_shots_without_an_explosive_weapon_are_no_shelling(run, text, subtype):
    assert [e.subtype for e in _shown(run(text))] == [subtype]


def test_an_undated_article_dates_its_news_by_the_newest_day_it_writes_out(run):
    text = ("On March 3, 2019, the council of Harbour Town met to remember the town's past.\n\n"
            "In 1946, a mob killed two men in Harbour Town.")
    doc = run(text, published=None)
    assert doc.events and all(e.background for e in doc.events), [(e.trigger.text, e.background) for e in doc.events]


def test_an_unanchored_last_week_does_not_take_an_earlier_sentences_year(run):
    text = "In 1972 the North region was quiet. Russian troops shelled Harbour Town last week, killing two people."
    doc = run(text, published=None)
    shelling = [e for e in doc.events if e.trigger.text == "shelled"]
    assert shelling and all(e.time is None or e.time.value != "1972" for e in shelling)
    assert not any(e.background for e in shelling)


def test_an_unnamed_gunman_is_an_unidentified_armed_group(run):
    event = only(_shown(run("A gunman shot two people in Harbour Town on Monday.")))
    assert [(a.actor, a.kind) for a in event.actors] == [("UAG", "armed_group")]
    assert event.subtype == "Attack"


@pytest.mark.parametrize(
    "text, published, subtype",
    [
        # far from the war's ground, an attack with no weapon and no state's forces is on people
        ("Three people were killed in an attack on a nightclub in Lake Town on Monday.", "2016-06-15", "Attack"),
        # on the war's ground the undone strike stays a shelling, the other side's
        ("Three people were killed in an attack on Harbour Town on Monday.", PUBLISHED, SHELLING),
    ],
)
def test_an_attack_without_weapons_or_forces_is_on_people_outside_the_war(run, text, published, subtype):
    assert [e.subtype for e in _shown(run(text, published=published))] == [subtype]


def test_a_year_that_names_another_thing_does_not_date_the_event(run):
    text = "A gunman shot two people in Harbour Town, upending the 2016 mayoral race."
    event = only(_shown(run(text, published="2016-03-09")))
    assert event.time is not None and event.time.value == "2016-03-09" and event.time.basis == "published"
    night = only(_shown(run("Russian forces shelled Harbour Town on Wednesday night.")))
    assert night.time.value == "2024-03-06"


def test_a_year_naming_an_agreement_does_not_make_the_event_history(run):
    event = only(_shown(run("Russian forces shelled Harbour Town on Monday, breaking the 2014 ceasefire agreements.")))
    assert not event.background
    old = [e for e in run("Russian forces shelled Harbour Town in 2014.").events]
    assert old and all(e.background for e in old)


def test_one_person_who_attacks_is_a_sole_perpetrator(run):
    event = only(_shown(run("A 45-year-old man shot two neighbours in Lake Town on Monday.", published="2016-03-09")))
    assert [(a.actor, a.text) for a in event.actors] == [("SOLE", "A 45-year-old man")]


# A named armed group is an event's doer only where the text makes it one (lexicons/actors.toml
# [[group]], stages/events/groups.py); the dates keep these stories outside the war's dates.
OLD_NEWS = "2016-03-09"


def _doers(doc):
    return [(e.trigger.text, [a.actor for a in e.actors]) for e in _shown(doc)]


@pytest.mark.parametrize(
    "text, group, said",
    [
        ("A suicide bomber killed 20 people at a market in Lake Town on Friday. "
         "The Islamic State group claimed responsibility for the attack.", "GRP.IS", "Islamic State"),
        ("A bomb went off at a bus station in Lake Town on Monday, killing nine people. "
         "The Taliban said its fighters were behind the blast.", "GRP.TALIBAN", "Taliban"),
        ("Gunmen killed six people at a church in Lake Town on Sunday. Boko Haram said it carried out the attack.",
         "GRP.BOKO", "Boko Haram"),
        ("A car bomb exploded near a hotel in Lake Town on Tuesday, killing seven people. "
         "The attack was carried out by al-Shabaab, a police officer said.", "GRP.SHABAAB", "al-Shabaab"),
        ("A car bomb exploded near a hotel in Lake Town on Tuesday, killing seven people. "
         "Al-Shabaab was behind the bombing, police said.", "GRP.SHABAAB", "Al-Shabaab"),
        ("A car bomb exploded near a hotel in Lake Town on Tuesday, killing seven people. "
         "The bombing was claimed by al-Shabaab.", "GRP.SHABAAB", "al-Shabaab"),
        ("A car bomb exploded near a hotel in Lake Town on Tuesday, killing seven people. "
         "The Islamic State group asserted responsibility for that attack.", "GRP.IS", "Islamic State"),
        ("Gunmen killed six people at a church in Lake Town on Sunday. Leaders met to discuss al-Shabaab, "
         "which officials have said was responsible for the attack.", "GRP.SHABAAB", "al-Shabaab"),
        ("Gunmen killed six people at a church in Lake Town on Sunday. Leaders met to discuss groups like "
         "Boko Haram, which claimed responsibility for the attack.", "GRP.BOKO", "Boko Haram"),
    ],
)
def test_the_group_that_claimed_an_attack_is_its_doer(run, text, group, said):
    event = only(_shown(run(text, published=OLD_NEWS)))
    assert [a.actor for a in event.actors] == [group]
    doer = event.actors[0]
    assert doer.text == said and not doer.inferred and doer.country == "UA"  # the event's country
    claim = event.evidence[-1]
    assert len(event.evidence) == 2 and claim.start <= doer.start < doer.end <= claim.end


def test_a_claim_outranks_the_side_guessed_from_the_ground(run):
    text = ("A bomb went off at a bus station in Harbour Town on Monday, killing nine people. "
            "The Islamic State group claimed responsibility for the attack.")
    event = only(_shown(run(text)))
    assert [(a.actor, a.inferred) for a in event.actors] == [("GRP.IS", False)]


@pytest.mark.parametrize(
    "text, group",
    [
        ("Islamic State militants attacked a checkpoint near Lake Town on Friday, killing four soldiers.", "GRP.IS"),
        ("An al-Shabaab attack killed five soldiers in Lake Town on Tuesday.", "GRP.SHABAAB"),
        ("Two soldiers were killed by Hezbollah in Lake Town on Monday.", "GRP.HEZBOLLAH"),
        ("Nine people were killed in an attack by the Taliban on a police post in Lake Town on Monday.", "GRP.TALIBAN"),
        ("Hamas launched a rocket attack on Lake Town on Monday.", "GRP.HAMAS"),
        ("Three soldiers died during an unexpected Islamic State counter-attack near Lake Town on Monday.", "GRP.IS"),
        ("A suicide bomber from al-Shabaab blew himself up at a hotel in Lake Town on Tuesday, killing seven people.",
         "GRP.SHABAAB"),
        ("A suicide bomber from al-Shabaab killed seven people at a hotel in Lake Town on Tuesday.", "GRP.SHABAAB"),
    ],
)
def test_a_group_its_clause_makes_the_doer_is_the_doer(run, text, group):
    event = only(_shown(run(text, published=OLD_NEWS)))
    assert [a.actor for a in event.actors] == [group] and len(event.evidence) == 1


@pytest.mark.parametrize(
    "text",
    [
        # what is bombed, held or fought is no doer (the reverted lexicon entries made these doers)
        "Jets bombed the Islamic State's strongholds near Lake Town on Sunday.",
        "The Islamic State's rivals attacked a checkpoint near Lake Town on Friday, killing four guards.",
        # another group, named by the one it came from
        "An al-Qaeda offshoot attacked a checkpoint near Lake Town on Friday, killing four guards.",
        "Leaders agreed to confront the al-Qaeda offshoot, which the president blamed for the coordinated attacks "
        "that killed 125 people in Lake Town on Friday night.",
        "Coalition jets destroyed ISIL positions near Lake Town on Monday, killing dozens of fighters.",
        "Three soldiers died in an anti-ISIS raid near Lake Town on Monday.",
        # a denied claim, and a claim about other attacks
        "Gunmen killed six people at a church in Lake Town on Sunday. Boko Haram has not claimed the attack.",
        "A bomb killed 12 people in Lake Town on Monday. No group has claimed responsibility, "
        "but the Taliban have claimed responsibility for previous attacks in the town.",
        # a claim three sentences and a paragraph away is about something else
        "A bomb killed 12 people in Lake Town on Monday.\n\nThe town is quiet. Schools are open. Shops are open. "
        "Islamic State claimed responsibility for the attack.",
    ],
)
def test_a_group_the_text_does_not_make_the_doer_is_none(run, text):
    doc = run(text, published=OLD_NEWS)
    first = _shown(doc)[0]  # the attack told first ("the previous attacks" are the group's)
    assert not any(a.actor.startswith("GRP.") for a in first.actors), _doers(doc)


def test_a_claim_holds_for_no_attack_told_under_another_verb_or_in_another_country(run):
    text = ("Islamic State claimed responsibility for the bombing in Lake Town, "
            "saying it avenged an air raid that killed ten villagers in Harbour Town on Sunday.")
    assert sorted(_doers(run(text, published=OLD_NEWS))) == [("bombing", ["GRP.IS"]), ("raid", [])]
    text = "A bomb killed 12 people in Lake Town on Monday. Islamic State claimed responsibility for a bombing in Russia."
    assert _doers(run(text, published=OLD_NEWS))[0] == ("bomb", [])


def test_a_group_named_as_what_is_fought_makes_no_battle(run):
    # the reverted plain-actor entries made an armed target of the group, and so a battle
    assert _shown(run("The coalition is destroying ISIL in Lake Town, the general said on Monday.",
                      published=OLD_NEWS)) == []


def test_a_group_its_clause_fights_is_the_target(run):
    event = only(_shown(run("Soldiers attacked Taliban fighters near Lake Town on Monday.", published=OLD_NEWS)))
    assert "GRP.TALIBAN" in [t.actor for t in event.targets]
    assert "GRP.TALIBAN" not in [a.actor for a in event.actors]


@pytest.mark.parametrize(
    "text, doers",
    [
        # a side that denies a strike is no group: the guess from the ground stays
        ("Explosions hit an airbase in Harbour Town on Tuesday. Ukraine has not claimed responsibility for the blasts.",
         [("hit", ["RUS.MIL"])]),
        # a named side is not replaced by a group claiming something else nearby
        ("Russian forces shelled Harbour Town on Monday. Islamic State claimed responsibility for the attack.",
         [("shelled", ["RUS.MIL"])]),
    ],
)
def test_war_doers_stay_with_groups_about(run, text, doers):
    assert _doers(run(text)) == doers


def test_a_short_name_in_a_capitals_headline_is_no_group(parsed):
    from sitreps.stages.events.groups import group_mentions

    assert group_mentions(parsed("TRUMP IS RIGHT ABOUT TRADE. Police said IS fighters attacked the town.")) \
        and [m.start for m in group_mentions(parsed("TRUMP IS RIGHT ABOUT TRADE."))] == []


def test_a_claim_that_names_the_attack_holds_for_it(run):
    text = "Members of the Islamic State used a website to claim credit for last month's attacks in Lake Town."
    event = only(_shown(run(text, published=OLD_NEWS)))
    assert [(a.actor, a.text) for a in event.actors] == [("GRP.IS", "Islamic State")]


def test_an_incident_only_referred_to_is_background(run):
    for text in ("The governor spoke to the families of those killed in the massacre at the market in Harbour Town.",
                 "The senator was accused of being asleep during the attack on the compound in Harbour Town.",
                 "In the wake of the attacks in Harbour Town, the government raised military spending."):
        told = happened(run(text))
        assert told and all(e.background for e in told), text
    # the news of these days, a day or a toll of its own, or a verb that reports it: news
    for text in ("The minister was told about the recent Russian attacks on Harbour Town.",
                 "Food and water were running out in Harbour Town amid the heavy bombardment.",
                 "Rescuers searched the rubble after the strike on Harbour Town on Monday.",
                 "Funerals were held for the five people killed in the shelling of Harbour Town.",
                 "Russian forces shelled Harbour Town, the governor said."):
        told = happened(run(text))
        assert told and not any(e.background for e in told), text


def test_a_reference_beside_news_of_its_kind_is_news(run):
    doc = run("A bomb exploded in Lake Town on Monday, injuring 29 people. "
              "The mayor said he had been briefed about the bombings in Lake Town and Harbour Town.")
    told = happened(doc)
    assert {e.place.name for e in told if e.place} >= {"Lake Town", "Harbour Town"}
    assert not any(e.background for e in told)
    # told again as a reference, it is the incident told first
    doc = run("Gunmen attacked a market in Harbour Town on Sunday, killing five people. "
              "Our prayers are with all those affected by the horrible attacks in Harbour Town.")
    attack = only(happened(doc))
    assert not attack.background and len(attack.evidence) == 2


def test_a_toll_under_someone_elses_negation_still_happened(run):
    # the casualty-told battle reads its certainty as any trigger does: "do not know" denies nothing
    killed = only(happened(run("Still, I do not know how they will be able to justify their deeds to the two "
                               "soldiers killed and three wounded in Harbour Town today.")))
    assert killed.type == "Battles" and killed.certainty == "asserted"
    # nor does a modal above the noun the participle describes
    killed = only(happened(run("They will have to answer to the families of the two Ukrainian soldiers killed near "
                               "Harbour Town today.")))
    assert killed.type == "Battles"
    denied = [e for e in run("Kyiv denied that two Ukrainian soldiers were killed near Harbour Town on Monday.").events]
    assert denied and all(e.certainty == "negated" for e in denied)


def test_a_town_under_sustained_attack_is_its_state_not_an_incident(run):
    assert not happened(run("Some towns like Harbour Town, still under sustained attack from Russian forces, remain "
                            "closed to visitors."))
    assert not happened(run("Lake Town has endured continuous shelling by Russian forces."))
    assert happened(run("Harbour Town came under heavy shelling by Russian forces on Monday."))
    # a siege told as the news of the day, against the odds, is still news
    assert happened(run("The plant in Harbour Town remains in Ukrainian hands despite relentless Russian attacks."))


def test_violence_by_a_crowd_is_a_riot(run):
    thrown = only(happened(run("Protesters hurled petrol bombs at a bank in Harbour Town on Monday.")))
    assert (thrown.type, thrown.subtype) == ("Riots", "Violent demonstration")
    assert thrown.actors[0].actor == "RIOT"
    # a protest and the petrol bombs its day brought are one riot
    doc = run("Thousands protested against the law in Harbour Town on Monday. "
              "Hooded youths hurled petrol bombs at shops in Harbour Town on Monday.")
    riot = only(happened(doc))
    assert riot.subtype == "Violent demonstration" and len(riot.evidence) == 2
    # tear gas fired at youths with Molotov cocktails is the police meeting the crowd, no attack
    doc = run("Thousands protested against the law in Harbour Town on Monday. Riot police fired tear gas at "
              "youths throwing Molotov cocktails in Harbour Town on Monday.")
    assert {e.type for e in happened(doc)} <= {"Protests", "Riots"}


def test_a_weapon_whose_relative_clause_tells_its_impact_is_a_strike(run):
    struck = only(happened(run("Investigators found the remains of a missile that targeted a Russian position near "
                               "Harbour Town on Monday.")))
    assert struck.type == "Explosions/Remote violence"
    assert not happened(run("Iran sold drones that Russia uses in the war."))


def test_a_bomb_no_side_fired_is_a_remote_explosive(run):
    planted = only(happened(run("A bomb went off in a busy street in Harbour Town on Saturday night, injuring 29 people.")))
    assert planted.subtype == "Remote explosive/landmine/IED"
    # a side's bombs stay its strike
    dropped = only(happened(run("Russian forces dropped bombs on Harbour Town on Monday.")))
    assert dropped.subtype != "Remote explosive/landmine/IED"


@pytest.mark.parametrize("text", [
    "A capsule carrying three astronauts blasted off from Harbour Town on Thursday.",
    "The turkey weighed 40 pounds when it was brought to Harbour Town on Monday.",
    "Donations to the campaign hit 20 million dollars in Harbour Town on Monday.",
    "Two winners in Harbour Town hit the jackpot on Monday.",
    "The model spent Monday at a photo shoot in Harbour Town.",
    "The candidate shot back at his critics in Harbour Town on Monday.",
    "A court ruled in Harbour Town on Friday, dealing a blow to the governor.",
    "The senator interjected by hitting John Miller for his record in Harbour Town on Friday.",
    "The candidate called the morning shows to preempt an expected attack from John Miller, then flew to Harbour "
    "Town on Thursday.",
    "The northern neighbour fired three missiles into the sea near Harbour Town on Monday.",
    "It is the first time the state jackpot has been hit in Harbour Town since January.",
    "H5N1, which has spread to Harbour Town, has already killed about 100 people.",
    "Harbour Town has been the worst hit, with 2,217 infections reported on Monday.",
    "West Nile virus is found in birds. The two victims are a former chief of police and a 67-year-old Harbour "
    "Town resident.",
])
def test_launches_weights_figures_photo_shoots_and_retorts_are_no_violence(run, text):
    assert not [e for e in happened(run(text)) if e.type in ("Battles", "Explosions/Remote violence",
                                                             "Violence against civilians")]


def test_a_side_that_hits_targets_or_shoots_back_still_fights(run):
    for text in ("Ukrainian forces hit 20 targets near Harbour Town on Monday.",
                 "A missile hit a target in Harbour Town on Monday.",
                 "Russian troops shot back at Ukrainian soldiers near Harbour Town on Monday.",
                 "The gunman shot back at officers in Harbour Town on Monday, wounding one."):
        assert happened(run(text)), text


def test_the_time_of_the_triggers_own_clause_dates_it(run):
    doc = run("On Thursday, Officer Jane Doe, who shot and killed a 40-year-old man in Harbour Town last week, was "
              "charged with manslaughter.")
    shot = only([e for e in happened(doc) if e.type == "Violence against civilians"])
    assert shot.time.text == "last week"


def test_a_street_named_after_a_town_is_not_the_town(run):
    from sitreps.records import Place
    from sitreps.stages._tokens import index as token_index
    from sitreps.stages.events.where import not_where

    doc = run("A shell hit Lake Town Street in Harbour Town on Monday.")
    # the gazetteer places "Lake Town Street" at Lake Town, the town in its name
    street = Place(doc.text.index("Lake"), doc.text.index(" in "), "Lake Town Street", name="Lake Town", lat=47.4,
                   lon=33.6, country="UA", gazetteer_id="t:lake", precision="city")
    assert not_where(doc, token_index(doc), street)
    assert not not_where(doc, token_index(doc), replace(street, end=street.start + len("Lake Town"), text="Lake Town"))


def test_a_habit_or_a_total_in_another_clause_leaves_the_event_alone(run):
    told = only(happened(run("On Monday, the bishop decried a missile strike on a mall in Harbour Town that left 18 "
                             "dead, saying that he prays for the victims every day.")))
    assert told.subtype == SHELLING
    assert not happened(run("Russian troops shell the outskirts of Harbour Town every day."))
    assert not happened(run("Russian forces have killed 300 civilians in Harbour Town so far."))


def test_people_coming_home_and_a_cyberattack_are_no_events(run):
    assert not [e for e in happened(run("Many Ukrainians have now returned to Harbour Town, which they fled in "
                                        "March, officials said on Monday.")) if e.type == "Battles"]
    assert not happened(run("On Monday the operator's website was attacked from Russian territory in the most "
                            "powerful cyberattack this year."))
    assert only(happened(run("Ukrainian troops returned to Harbour Town on Monday after the Russian retreat."))).type \
        == "Battles"


def test_a_cyberattack_told_with_what_it_hit_is_a_strategic_development(run):
    hacked = only(happened(run("Officials said on Monday they believed that Russia was behind cyber attacks this week "
                               "that shut down the websites of two of Ukraine's biggest banks.")))
    assert (hacked.type, hacked.subtype) == ("Strategic developments", "Other")
    assert [a.actor for a in hacked.actors] == ["RUS.GOV"]
    assert hacked.place is None or hacked.place.name != "Russia"  # Russia did it: who, not where
    assert hacked.time.value == "2024-03-04/2024-03-06"
    struck = only(happened(run("On Monday, a cyber-attack knocked out the operator's website, the operator said.")))
    assert struck.subtype == "Other" and struck.time.value == "2024-03-04"
    assert not happened(run("Officials warned on Monday of potential Russian cyberattacks."))  # nothing hit
    # aimed at a website that kept working, it disabled nothing (and it is no strike either)
    assert not happened(run("On Monday a cyber-attack hit the operator's website, which kept working."))
    assert not happened(run("The ministry said on Monday that cyberattacks are a growing threat."))


def test_a_weapon_whose_clause_tells_what_it_hit_is_a_strike(run):
    struck = only(happened(run("In recent days, reports have shown the remains of what appear to be the fin of a "
                               "missile that targeted a Russian position in Ukraine.")))
    assert struck.subtype == SHELLING and struck.time.value == "2024-02-28/2024-03-06"
    assert [t.actor for t in struck.targets] == ["RUS.MIL"]
    assert [(a.actor, a.inferred) for a in struck.actors] == [("UKR.MIL", True)]  # the other side of what it hit
    assert not happened(run("In recent days, reports have shown the remains of a missile in Ukraine."))


def test_a_killing_told_as_a_noun_is_an_attack(run):
    for text in ("The killing of a journalist in Harbour Town on Monday shocked the country.",
                 "The slaughter of civilians in Harbour Town last week shocked the world."):
        killed = only(happened(run(text)))
        assert (killed.subtype, killed.place.name) == ("Attack", "Harbour Town"), text
    # the verb's "killing two people" is the count of the shooting, not a second event
    shot = only(happened(run("On Monday a gunman opened fire in Harbour Town, killing two people.")))
    assert shot.trigger.text == "fire" and shot.fatalities.low == 2
    assert not happened(run("On Monday farmers began slaughtering 6,000 hogs at a farm in Harbour Town."))
    assert not happened(run("Most guns used in crimes and killings in Harbour Town come from abroad."))  # a kind of thing


def test_one_person_assaulted_is_an_attack_not_a_battle(run):
    hit = only(happened(run("On Monday the minister met an actor who was assaulted in Harbour Town last month.")))
    assert hit.subtype == "Attack" and hit.time.value == "2024-02"
    fought = only(happened(run("Russian troops assaulted Lake Town on Monday.")))
    assert fought.subtype == "Armed clash"


def test_the_next_sentence_with_no_time_goes_on_telling_the_dated_event(run):
    doc = run("On Monday the minister met an actor who was assaulted in Harbour Town last month.\n\n"
              "Ivan Petrenko was assaulted in Harbour Town shortly after a performance.")
    told = only(happened(doc))
    assert told.time.value == "2024-02" and len(told.evidence) == 2
    # at another place, it is another incident
    apart = run("On Monday the minister met an actor who was assaulted in Harbour Town last month.\n\n"
                "Ivan Petrenko was assaulted in Lake Town shortly after a performance.")
    assert len(happened(apart)) == 2


def test_a_state_joined_is_no_place(run):
    from sitreps.stages._tokens import index
    from sitreps.stages.events.where import not_where
    doc = run("The region held a vote on whether it would join Russia.")
    state = only([p for p in doc.places if p.text == "Russia"])
    assert not_where(doc, index(doc), state)
    struck = run("On Monday drones struck Russia.")  # what was struck is where
    assert not not_where(struck, index(struck), only([p for p in struck.places if p.text == "Russia"]))


def test_where_people_come_from_is_not_where_it_happened(run):
    from sitreps.stages._tokens import index
    from sitreps.stages.events.where import not_where

    def home(text):
        doc = run(text)
        return not_where(doc, index(doc), only([p for p in doc.places if p.text == "Harbour Town"]))

    assert home("Three girls from Harbour Town lost their father in the war.")  # the family's home town
    assert not home("Shells from Lake Town hit Harbour Town.")


def test_one_named_person_killed_is_a_count_of_one(run):
    fired = only(happened(run("On Monday, Captain Ivan Petrenko was killed as a result of artillery fire.")))
    assert fired.subtype == SHELLING and (fired.fatalities.low, fired.fatalities.high) == (1, 1)
    # the day's toll and the shelling that caused it, one placed and one not: one shelling
    doc = run("We mourn the two soldiers killed and three wounded in Ukraine today.\n\n"
              "Today Captain Ivan Petrenko was killed as a result of artillery fire.")
    assert only(happened(doc)).subtype == SHELLING


def test_an_event_told_as_so_long_before_another_is_counted_back(run):
    doc = run("The blasts on Monday come one week after one person was killed in similar explosions at an airbase "
              "in Harbour Town.")
    assert sorted(e.time.value for e in happened(doc)) == ["2024-02-26", "2024-03-04"]
    # told in the present, the sentence counts from the report's day
    shot = only(happened(run("Nearly a week after the police shooting of a man in Harbour Town sparked protests, "
                             "the town remains tense.")))
    assert shot.time.value == "2024-02-28" and shot.time.basis == "stated"
    # "N days before": that long after the clause's day, and not at the clause's place
    doc = run("Two days before John Miller shot 49 people in Harbour Town, he prayed at a mosque in Lake Town last Friday.")
    shot = only([e for e in happened(doc) if e.subtype == "Attack"])
    assert (shot.time.value, shot.place.name) == ("2024-03-03", "Harbour Town")


def test_an_arrest_with_no_one_named_who_made_it_is_the_states_where_it_was_made(run):
    held = only(happened(run("A suspected spy was detained in Russia on Monday, his lawyer said.")))
    assert held.subtype == "Arrests"
    assert [(a.actor, a.name, a.kind, a.country, a.inferred) for a in held.actors] == [
        ("RUS.POL", "Police of Russia", "police", "RU", True)]
    # a place the article only falls back on says nothing of who made it
    doc = run("Russian artillery shelled Harbour Town on Monday.\n\nThe arrest of a suspected spy on Monday "
              "surprised his neighbours.")
    arrests = [e for e in happened(doc) if e.subtype == "Arrests"]
    assert arrests and all(not e.actors for e in arrests)


@pytest.mark.parametrize("span", ["99999999 days", "30000 months"])
def test_a_count_back_off_the_calendar_leaves_the_day_unknown(run, span):
    doc = run(f"The blasts on Monday come {span} after one person was killed in similar explosions at an airbase "
              "in Harbour Town.")  # no crash, and no year outside the calendar
    assert all(e.time is None or e.time.value is None or "-" not in e.time.value[:1] and int(e.time.value[:4]) >= 1
               for e in doc.events)
    assert any(e.time and e.time.value == "2024-03-04" for e in doc.events)


def test_a_development_told_of_this_week_is_particular_enough(run):
    """ACLED codes a development it can date to a week (time precision 2); a year is too vague."""
    agreed = only(happened(run("Russia and Ukraine agreed a prisoner exchange this week.")))
    assert agreed.subtype == "Agreement" and agreed.time.value == "2024-03-04/2024-03-06"
    assert not happened(run("Russia and Ukraine agreed a prisoner exchange this year."))


def test_what_came_after_the_event_does_not_lend_it_its_modal(run):
    shelled = only(run("Residents may return home after the shelling of Harbour Town on Monday.").events)
    assert shelled.subtype == SHELLING and shelled.certainty in HAPPENED
    assert not happened(run("Talks would resume after a ceasefire in Harbour Town."))


def test_a_noun_that_carries_its_own_day_is_pinned(run):
    struck = only(happened(run("It was a quiet weekend in the capital after Friday's missile attacks across "
                               "Ukraine, which failed to cut the power.")))
    assert struck.type == "Explosions/Remote violence" and struck.time.value == "2024-03-01"
    assert not happened(run("This is essentially the same attack he made on the president last week."))


def test_one_look_back_does_not_make_a_news_report_retrospective(run):
    doc = run("Western countries have sent aid since Russia launched its invasion back in January.\n\n"
              "Russia has accused Ukraine of attacking an oil depot in Harbour Town.")
    struck = only(happened(doc))
    assert not struck.background and struck.time.basis == "published"


def test_a_year_after_in_dates_the_sentence_even_when_parsed_onto_a_noun(run):
    doc = run("The Kremlin was caught in 2014 manipulating satellite images to produce proof that rebels had shot "
              "down a flight over Harbour Town, killing 298 passengers.")
    assert doc.events and all(e.background for e in happened(doc))


def test_the_sides_of_a_clash_between_two_named_parties(run):
    fought = only(happened(run("Fierce fighting between Russian troops and Ukrainian forces continued in Harbour Town "
                               "on Tuesday.")))
    assert [a.actor for a in fought.actors] == ["RUS.MIL"] and [t.actor for t in fought.targets] == ["UKR.MIL"]
    riot = only(happened(run("Clashes between police and protesters erupted in Harbour Town on Tuesday.")))
    assert riot.subtype == "Violent demonstration"


def test_troops_moved_without_ground_changing_hands_are_a_change_of_activity(run):
    # the guideline's change to group/activity: troops deployed to, or withdrawn from, a named place
    moved = only(happened(run("The military said some Russian troops were withdrawing from the border near Harbour Town "
                              "on Monday.")))
    assert moved.subtype == "Change to group/activity"
    sent = only(happened(run("Russia sent 10,000 more troops to Harbour Town on Monday, officials said.")))
    assert sent.subtype == "Change to group/activity"
    assert not happened(run("Russia has massed 100,000 troops near Harbour Town, officials said on Monday."))
    assert not happened(run("Britain sent anti-tank weapons to Harbour Town on Monday."))


def test_it_in_a_report_is_the_state_or_force_that_reports(run):
    taken = only(happened(run("Russia said on Tuesday it had captured the village of Lake Town.")))
    assert taken.subtype == "Non-state actor overtakes territory" and taken.actors[0].actor == "RUS.MIL"
    struck = only(happened(run("The Russian defence ministry said it had destroyed an ammunition depot near "
                               "Harbour Town on Tuesday.")))
    assert struck.actors[0].actor == "RUS.MIL"


def test_the_doer_of_a_deed_named_as_accused_criticised_or_in_a_relative_clause(run):
    shot = only(happened(run("On Tuesday, the senator criticised police officer John Smith for shooting a man in "
                             "Harbour Town.")))
    assert shot.actors[0].actor == "POL"
    doc = run("On Thursday, John Smith, who shot and killed two neighbours in Harbour Town last week, was charged.")
    assert [a.actor for e in happened(doc) for a in e.actors[:1]] == ["SOLE"]
    doc = run("On Thursday, Officer John Smith, who shot and killed a man in Harbour Town last week, was charged.")
    assert [a.actor for e in happened(doc) for a in e.actors[:1]] == ["POL"]


def test_a_stabbing_is_an_attack_and_a_stab_in_the_back_is_not(run):
    stabbed = only(happened(run("A man stabbed two women in Harbour Town on Monday.")))
    assert stabbed.subtype == "Attack" and stabbed.actors[0].actor == "SOLE"
    assert not happened(run("The minister called the decision in Harbour Town on Monday a stab in the back."))


def test_what_troops_were_sent_to_do_is_no_event(run):
    assert not happened(run("More than a quarter of the troops that Russia sent to fight in Harbour Town are combat "
                            "ineffective, Britain said on Monday."))


def test_an_unreadable_time_does_not_hide_the_readable_one(parsed, ctx):
    text = "Last week, Russian missiles struck Harbour Town at a bad hour."
    doc = normalise_times(geoparse(_ruler(parsed(text, PUBLISHED)), ctx), ctx)
    at = text.index("a bad hour")  # what the model sometimes tags a date and nobody can read
    unreadable = TimeExpr(at, at + 10, "a bad hour", None, "unknown", False)
    doc = replace(doc, times=tuple(sorted((*(t for t in doc.times if t.start != at), unreadable), key=lambda t: t.start)))
    for stage in (find_quotes, find_claims, find_actors, extract_events):
        doc = stage(doc, ctx)
    struck = only(happened(doc))
    assert struck.time.basis == "stated" and struck.time.text == "Last week"


def test_losses_told_as_killed_and_wounded_are_a_battle_without_a_death_toll(run):
    fought = only(happened(run("The enemy lost up to 60 servicemen killed and wounded near Harbour Town on Monday.")))
    assert fought.subtype == "Armed clash" and fought.fatalities is None
    assert not happened(run("Russia has lost more than 200,000 soldiers killed and wounded since the start of the war."))


def test_a_mutiny_of_an_armed_force_is_a_strategic_development(run):
    mutiny = only(happened(run("On Friday, Russian troops in Harbour Town launched a mutiny against their commanders.")))
    assert (mutiny.type, mutiny.subtype) == ("Strategic developments", "Other")
    assert not happened(run("The opposition leader called the vote a coup against the people."))


def test_the_day_toll_and_the_shelling_that_caused_it_are_one_event(run):
    doc = run("On Monday two soldiers were killed and three wounded in North Oblast.\n\n"
              "On Monday a captain died under artillery fire near Harbour Town.")
    shelled = only(happened(doc))
    assert shelled.subtype == SHELLING and shelled.fatalities.low == 2 and len(shelled.evidence) == 2
    apart = run("On Monday two soldiers were killed and three wounded in North Oblast.\n\n"
                "On Sunday a captain died under artillery fire near Harbour Town.")
    assert len(happened(apart)) == 2


def test_a_two_word_name_the_model_missed_is_a_sole_perpetrator(parsed, ctx):
    doc = _ruler(parsed("Jonas Veldkamp shot nine people in Harbour Town on Sunday.", PUBLISHED))
    # as the small model sometimes does: the name is no entity at all
    doc = replace(doc, entities=tuple(e for e in doc.entities if e.label != "PERSON"),
                  tokens=tuple(replace(t, ent_type="") if t.ent_type == "PERSON" else t for t in doc.tokens))
    for stage in (geoparse, normalise_times, find_quotes, find_claims, find_actors, extract_events):
        doc = stage(doc, ctx)
    shot = only(happened(doc))
    assert shot.actors[0].actor == "SOLE" and shot.actors[0].text == "Jonas Veldkamp"


def test_the_group_a_leader_blamed_for_the_attacks_did_them(run):
    doc = run("The candidates agreed to confront the Islamic State, which the French president blamed for the "
              "coordinated attacks that killed 129 people in Harbour Town on Friday night.")
    assert [a.actor for e in happened(doc) for a in e.actors[:1]] == ["GRP.IS"]


def test_security_forces_that_fire_on_protesters_use_excessive_force(run):
    doc = run("Protests spread to North Oblast; on Sunday security forces shot dead 100 demonstrators in Harbour Town.")
    fired = [e for e in happened(doc) if e.subtype == "Excessive force against protesters"]
    assert fired and fired[0].actors[0].actor == "SEC" and [t.actor for t in fired[0].targets] == ["PROT"]
    held = only(happened(run("Ukrainian security forces detained a Russian agent in Harbour Town on Monday.")))
    assert held.actors[0].actor == "UKR.MIL"


@pytest.mark.parametrize("name", ["9/11", "the September 11 attacks", "the Sept. 11 terrorist attacks",
                                  "the September 11th, 2001 terror attacks"])
def test_the_september_11_attacks_are_named_as_history(name):
    from sitreps.stages.events.background import _HISTORY

    assert _HISTORY.search(f"She praised the work done after {name}.")


def test_missiles_shot_down_where_no_place_is_told_fell_over_the_defenders_country(parsed, ctx):
    text = ("Ukraine's air defences have had some success in shooting down incoming missiles, disabling 16 of the "
            "36 launched on Thursday.\n\nThe minister said that Ukraine needs more launchers.")
    from sitreps.records import Place

    doc = geoparse(_ruler(parsed(text, PUBLISHED)), ctx)
    at = text.rindex("Ukraine")  # the country named in another paragraph, as the places stage finds it
    ukraine = Place(at, at + 7, "Ukraine", name="Ukraine", lat=49.0, lon=32.0, country="UA", gazetteer_id="t:ua",
                    precision="country")
    doc = replace(doc, places=(*doc.places, ukraine))
    for stage in (normalise_times, find_quotes, find_claims, find_actors, extract_events):
        doc = stage(doc, ctx)
    downed = only(happened(doc))
    assert downed.subtype == "Disrupted weapons use" and downed.place is not None and downed.place.name == "Ukraine"


def test_the_attack_named_again_within_a_stated_week_is_the_strike_told_before():
    from sitreps.records import Span, TimeExpr
    from sitreps.stages.events import merge as _merge
    from sitreps.stages.events.merge import AGAIN

    first = _told(1)  # a shelling of Monday 4 March
    week = TimeExpr(None, None, "", value="2024-03-04/2024-03-08", grain="interval", basis="stated")
    # "officials said the attack was the third on the city this week": no place, a week that holds Monday
    again = replace(_told(2, "Attack", place=None, etype="Violence against civilians"), time=week,
                    trigger=Span(200, 206, "attack"))
    (one,) = _merge([first, again], told={"e2": AGAIN})
    assert one.subtype == SHELLING and len(one.evidence) == 2
    # a week that does not hold the strike's day is another attack
    other = replace(again, time=replace(week, value="2024-02-26/2024-03-01"))
    assert len(_merge([first, other], told={"e2": AGAIN})) == 2


def test_the_weapon_a_thing_was_destroyed_by_is_the_means_not_what_was_destroyed(run):
    # "destroyed by a missile": struck, not a battle over a weapon
    by_missile = only(happened(run("The bridge in Harbour Town was destroyed by a Russian missile on Tuesday.")))
    assert by_missile.subtype == SHELLING
    # an armed target destroyed with a weapon stays the fight it was
    tanks = only(happened(run("Paratroopers destroyed two enemy tanks with missiles near Harbour Town on Monday.")))
    assert tanks.subtype == "Armed clash"


# --- the attacker the article names by role ---------------------------------------------------


def test_the_attacker_named_by_role_in_the_sentence_is_the_doer(run):
    doc = run("The agency was warned about Harbour Town shooter John Miller, but he managed to kill 49 people "
              "on Sunday.")
    attack = only([e for e in happened(doc) if e.type == "Violence against civilians"])
    assert [(a.actor, a.text, a.inferred) for a in attack.actors] == [("SOLE", "John Miller", False)]


def test_a_gunman_the_article_names_later_in_the_paragraph_gets_the_name(run):
    doc = run("A gunman opened fire at a nightclub in Harbour Town on Sunday, killing 49 people. The gunman, "
              "John Miller, was killed by police.")
    attack = next(e for e in happened(doc) if e.subtype == "Attack")
    assert [(a.actor, a.text) for a in attack.actors] == [("SOLE", "John Miller")]


def test_an_attacker_named_in_the_sentence_that_names_the_attacks_place_is_its_doer(run):
    doc = run("An attack on a hotel in Harbour Town on Monday killed four guests.\n\nThe assailant, who was "
              "identified as Mevlut Aydin, had worked as a guard in Harbour Town.", "2012-03-07")  # before the war
    attack = only([e for e in happened(doc) if e.type == "Violence against civilians"])
    assert [(a.actor, a.text, a.inferred) for a in attack.actors] == [("SOLE", "Mevlut Aydin", True)]
    # a victim the attack's sentence names is no doer: the assailant still is
    doc = run("An attack on a hotel in Harbour Town on Monday killed John Miller.\n\nThe assailant, who was "
              "identified as Mevlut Aydin, had worked as a guard in Harbour Town.", "2012-03-07")
    attack = only([e for e in happened(doc) if e.type == "Violence against civilians"])
    assert [a.text for a in attack.actors] == ["Mevlut Aydin"]
    # not when the attack's own clause names someone else as who did it
    doc = run("On Monday John Miller attacked a hotel in Harbour Town, killing four guests.\n\nThe assailant, who "
              "was identified as Mevlut Aydin, had worked as a guard in Harbour Town.", "2012-03-07")
    assert all(a.text != "Mevlut Aydin" for e in happened(doc) for a in e.actors)


def test_the_article_s_one_attacker_is_the_doer_of_the_attack_it_is_about(run):
    doc = run("The president met survivors of the nightclub massacre in Harbour Town on Thursday.\n\n"
              "Police killed the gunman, John Miller, on Sunday.\n\nJohn Miller carried out his attack with a rifle.",
              "2012-03-07")
    attack = next(e for e in happened(doc) if e.trigger.text == "massacre")
    assert [(a.actor, a.text) for a in attack.actors] == [("SOLE", "John Miller")]
    # a role word that qualifies a thing names no attacker: "the worst terrorist attack" is no one's name
    doc = run("For the president, Hillary Rodham Clinton, the worst terrorist attack in years was a test. Gunmen "
              "killed 130 people in Harbour Town on Friday.", "2012-03-07")
    assert all(a.actor != "SOLE" for e in happened(doc) for a in e.actors)


@pytest.mark.parametrize("text", [
    "Police killed the gunmen on Sunday.\n\nJane Hale, one of two attackers in the massacre in Harbour Town on Friday, "
    "had posted a pledge online.",
    "Jane Hale, who with her husband shot 14 people in Harbour Town on Friday, passed three checks.",
])
def test_an_attacker_the_text_says_was_one_of_several_is_no_sole_perpetrator(run, text):
    attack = next(e for e in happened(run(text, "2012-03-07")) if e.subtype == "Attack")
    assert [(a.actor, a.text) for a in attack.actors] == [("UAG", "Jane Hale")]


@pytest.mark.parametrize("text", [
    "Two days before John Miller shot 49 people, he prayed at a mosque.",
    "Police said on Sunday that John Miller carried out the massacre.",
    "One of the suspects is named in media reports as John Miller.",
])
def test_an_attacker_named_by_what_he_did(text):
    from sitreps.stages.events.perpetrators import _NAMED
    assert [m.group(g) for m in _NAMED.finditer(text) for g in "abcdef" if m.group(g)] == ["John Miller"]


def test_an_attacker_whose_role_is_tied_to_another_place_is_not_the_doer(run):
    doc = run("The agency had interviewed Lake Town shooter Tom Roe years earlier. A gunman killed 49 people "
              "in Harbour Town on Sunday.")
    attack = only([e for e in happened(doc) if e.subtype == "Attack"])
    assert all(a.text != "Tom Roe" for a in attack.actors)


def test_a_bullet_that_hit_someone_was_shots_not_shelling(run):
    shot = only(happened(run("A young woman was killed in Harbour Town on Monday when a bullet ricocheted off a "
                             "wall and hit her in the back.")))
    assert shot.subtype == "Attack"


def test_a_hyphenated_counter_attack_is_a_counterattack(run):
    for text in ("Ukrainian forces launched a counter-attack near Harbour Town on Monday.",
                 "Ukrainian forces counter-attacked near Harbour Town on Monday."):
        assert only(happened(run(text))).subtype == "Armed clash", text
    # as a backdrop it is the campaign, as "amid the counteroffensive" is
    assert not happened(run("Amid the counter-offensive, the mayor of Harbour Town opened a school on Monday."))


def test_an_event_told_later_than_a_background_event_is_background_too(run):
    doc = run("At the start of the war, Russian forces bombed civilians fleeing over the bridge in Harbour Town. The bridge "
              "was later blown up by Ukrainian troops.")
    assert [e.background for e in doc.events] == [True, True]
    # after a current event it stays current
    doc = run("Russian forces bombed civilians fleeing over the bridge in Harbour Town on Monday. The bridge "
              "was later blown up by Ukrainian troops.")
    assert [e.background for e in doc.events] == [False, False]


def test_an_undated_event_in_an_even_when_clause_is_a_fact_recalled(run):
    doc = run("Even when Ukrainian forces recaptured Harbour Town, the Kremlin did not give up.")
    assert doc.events and all(e.background for e in doc.events)
    # with its own day it is dated as any other
    doc = run("Even when Ukrainian forces recaptured Harbour Town on Monday, the Kremlin did not give up.")
    assert any(not e.background for e in doc.events)


def test_a_list_member_with_its_own_relative_clause_still_starts_the_next_member(run):
    doc = run("Russian missiles hit several regions on Monday. Other areas included the central city of Harbour "
              "Town, where one person died, and the southern Lake Town.")
    assert {e.place.name for e in happened(doc) if e.place is not None} >= {"Harbour Town", "Lake Town"}


def test_violence_with_no_doer_in_a_sentence_that_tells_a_riot_is_the_riot(run):
    doc = run("Rioting youths in Harbour Town attacked a police station, stores and banks late on Saturday.",
              published="2012-03-05")
    assert {e.type for e in happened(doc)} == {"Riots"}


@pytest.mark.parametrize("text", [
    "Protests took place in Kyiv and the southern city of Harbour Town on Sunday.",  # "Protests" tagged a nationality
    "Protests were held in Harbour Town on Sunday.",  # the event is what was held there
    "Shelling continued in Harbour Town on Sunday.",  # a first word tagged an auxiliary
])
def test_a_sentences_first_word_and_what_was_held_there_are_read(run, text):
    assert "Harbour Town" in {e.place.name for e in happened(run(text)) if e.place is not None}


def test_a_claim_far_away_holds_for_the_attack_in_the_town_it_names(run):
    text = ("Gunmen killed 30 people in Lake Town on Friday night.\n\nThe minister spoke about taxes on Sunday. "
            "The budget was passed.\n\nThe Islamic State group claimed responsibility for the attacks in Lake Town.")
    event = only(_shown(run(text, published=OLD_NEWS)))
    assert [a.actor for a in event.actors] == ["GRP.IS"]
    # a far claim that names no town says nothing for it
    text = text.replace("for the attacks in Lake Town", "for attacks")
    assert [a.actor for a in only(_shown(run(text, published=OLD_NEWS))).actors] != ["GRP.IS"]
    # a relative clause claims what it hangs on: "the attacks in Lake Town, which were claimed by X"
    text = ("Gunmen killed 30 people in Lake Town on Friday night.\n\nThe minister spoke about taxes on Sunday. "
            "The budget was passed.\n\nSecurity was tightened after the attacks in Lake Town, which were claimed "
            "by the Islamic State.")
    assert [a.actor for a in only(_shown(run(text, published=OLD_NEWS))).actors] == ["GRP.IS"]


def test_a_candidates_rally_in_a_campaign_is_no_protest(run):
    assert not happened(run("Senator Miller held a rally in Harbour Town on Thursday, as the campaign entered its last "
                            "week.", published="2012-03-05"))
    # people who gather, or a rally outside a campaign, still protest
    assert happened(run("Supporters held a rally in Harbour Town on Thursday, as the campaign entered its last week.",
                        published="2012-03-05"))
    assert happened(run("Senator Miller held a rally in Harbour Town on Thursday against the new law.",
                        published="2012-03-05"))
    # the campaign said in the lead, the rally in another paragraph; a rally held by "he"
    text = ("The presidential campaign entered its last week.\n\nOn Thursday Senator Miller flew to Lake Town, and "
            "then he went on to hold a rally in Harbour Town.")
    assert not happened(run(text, published="2012-03-05"))


def test_a_battle_for_second_place_in_a_campaign_is_no_battle(run):
    text = "The primary results came in on Saturday, showing the candidate in a tight battle for second place in {}."
    assert not happened(run(text.format("the Harbour Town primary"), published="2012-03-05"))
    # fought for a place, in the same campaign story, it is one
    assert happened(run("The primary results came in on Saturday. Troops fought a battle for Harbour Town.",
                        published="2012-03-05"))


def test_a_deed_told_in_a_courts_words_is_retold_from_before_the_news(run):
    doc = run("At his trial, witnesses said John Miller shot two men in Harbour Town.", published="2012-03-05")
    assert doc.events and all(e.background for e in doc.events)
    # a plea to officers is no court's
    doc = run("His wife was pleading with officers not to shoot when police shot him in Harbour Town.",
              published="2012-03-05")
    assert any(not e.background for e in doc.events)


@pytest.fixture(scope="module")
def run_with_a_region(parsed):
    """`run` with a gazetteer that also knows a region ("Coal Basin", a feature of class L.RGN)."""
    entries = [*ENTRIES, E("t:basin", "Coal Basin", 47.8, 33.5, "L", "RGN", "UA", "North Oblast", population=0)]
    region_ctx = Context(load_settings(), gazetteer_=MemoryGazetteer(entries, {"t:north": ["North region"]}))

    def _run(text, published=PUBLISHED):
        doc = _ruler(parsed(text, published))
        m = re.search("Coal Basin", doc.text)
        if m:
            ents = [e for e in doc.entities if e.end <= m.start() or e.start >= m.end()]
            doc = replace(doc, entities=tuple(sorted([*ents, Entity(m.start(), m.end(), "Coal Basin", "LOC")],
                                                     key=lambda e: e.start)))
        for stage in (geoparse, normalise_times, find_quotes, find_claims, find_actors, extract_events):
            doc = stage(doc, region_ctx)
        return doc

    return _run


def test_a_campaign_over_a_whole_region_is_no_one_battle(run_with_a_region):
    doc = run_with_a_region("Russia's spring offensive in the Coal Basin is nearing its culmination, analysts say.")
    assert any(p.precision == "region" for p in doc.places), doc.places  # the region is read
    assert not happened(doc)
    # the battle for a town is one
    assert happened(run_with_a_region("The bloody battle for Harbour Town continues, the governor said."))


@pytest.mark.parametrize("text", [
    "Police detained the opposition leader Ivan Petrenko in Harbour Town on Monday.",
    "A local man, Ivan Petrenko, who had criticised the war online, was detained in Harbour Town on Monday.",
    "The arrest of the blogger Ivan Petrenko in Harbour Town on Monday angered his supporters.",
])
def test_a_named_person_arrested_is_an_arrest(run, text):
    event = only(happened(run(text)))
    assert event.subtype == "Arrests"


@pytest.mark.parametrize("text", [
    "A court in Harbour Town placed Ivan Petrenko under house arrest on Monday.",
    "The court issued an arrest warrant for Ivan Petrenko in Harbour Town on Monday.",
    # an arrest in ordinary police news is no arrest a conflict coder codes
    "Police arrested Ivan Petrenko in Harbour Town on Monday after a high-speed chase.",
    "Ivan Petrenko was arrested in Harbour Town on Monday on murder charges.",
    # nothing in the sentence, its paragraph or the lead says the arrest is political
    "Police detained Ivan Petrenko in Harbour Town on Monday.",
])
def test_house_arrest_warrants_and_police_news_are_no_arrests(run, text):
    assert not [e for e in happened(run(text)) if e.subtype == "Arrests"], text


def test_a_modal_on_what_an_event_means_leaves_the_event_told(run):
    # "may be a sign of": the meaning is in doubt, not the blast
    event = only(run("The explosion in Harbour Town on Monday could be the work of saboteurs.").events)
    assert event.certainty == "asserted"
    # an event that is itself the hypothesis stays one
    assert all(e.certainty == "possible" for e in run("A strike on Harbour Town would be a grave mistake.").events)


@pytest.mark.parametrize("text", [
    "Russian troops are fighting battles of WWI-like trench warfare in Harbour Town.",
    "Russian artillery shelled Harbour Town, the heaviest bombardment of a city since World War II.",
    "A WWII-era bomb exploded in Harbour Town, wounding two workers.",
])
def test_a_war_of_another_era_named_as_a_yardstick_is_not_the_events_time(run, text):
    events = happened(run(text))
    assert events and not any(e.background for e in events), [(e.trigger.text, e.background) for e in events]


def test_an_event_told_in_a_war_of_another_era_is_still_history(run):
    assert [e.background for e in happened(run("During World War II, bombers struck Harbour Town."))] == [True]


@pytest.mark.parametrize("text", [
    "The senator brought up the Lake Town bombing in his speech.",
    "The senator cited the attack on the Lake Town compound as a failure of the government.",
])
def test_an_incident_someone_talks_about_is_referred_to_not_reported(run, text):
    events = [e for e in run(text).events if e.certainty in HAPPENED]
    assert events and all(e.background for e in events), [(e.trigger.text, e.background) for e in events]


def test_what_did_not_happen_is_no_news_that_keeps_a_reference_on_the_map(run):
    # the only other violence of the article was not done (denied): the compound attack is
    # still only referred to
    doc = run("The army denied shelling Lake Town.\n\n"
              "The senator was asleep during the attack on the compound in Harbour Town.")
    told = [e for e in doc.events if e.trigger.text == "attack"]
    assert told and all(e.background for e in told), [(e.trigger.text, e.certainty, e.background) for e in doc.events]


def test_an_event_with_no_place_is_in_the_country_of_what_it_hit(run):
    doc = run("The Pope prayed for Ukraine and for Russia on Sunday.\n\n"
              "Earlier in the week, the Pope decried a missile strike on a Ukrainian mall that left 18 dead.")
    strike = only([e for e in happened(doc) if e.trigger.text == "strike"])
    assert strike.place is not None and strike.place.gazetteer_id == "t:ua" and strike.place.precision == "country"
    # a place of its own wins
    doc = run("The Pope prayed for Ukraine and for Russia on Sunday.\n\n"
              "Earlier in the week, a missile strike on a Ukrainian mall in Harbour Town left 18 dead.")
    assert only([e for e in happened(doc) if e.trigger.text == "strike"]).place.gazetteer_id == "t:harbour"


def test_a_where_clause_on_a_toured_town_is_placed_there_and_not_dated_by_the_tour(run):
    # a total's phrase that dates the visit ("his first visit since the start of the invasion")
    # makes no total of the killing; the parse hangs "where" on the day, not on the town
    doc = run("The envoy was touring Harbour Town on Tuesday, where Russian forces are accused of massacring "
              "civilians before their withdrawal, on his first visit to Ukraine since the start of the invasion.")
    attack = only([e for e in doc.events if e.subtype == "Attack"])
    assert attack.place is not None and attack.place.name == "Harbour Town"
    assert not (attack.time is not None and attack.time.value == "2024-03-05" and attack.time.basis == "stated")


def test_a_town_described_as_liberated_is_ground_retaken_but_one_described_as_occupied_is_a_state(run):
    doc = run("Aid reached Lake Town, a town recently liberated by Ukrainian troops.")
    retaken = only([e for e in doc.events if e.subtype == "Government regains territory"])
    assert retaken.place.name == "Lake Town" and retaken.actors and retaken.actors[0].actor.startswith("UKR")
    doc = run("The governor spoke of Lake Town occupied by Russian troops and short of water.")
    assert not [e for e in doc.events if e.subtype == "Non-state actor overtakes territory"]


def test_an_agreement_made_with_a_country_has_it_as_a_party_and_the_sources_government_as_the_other(run):
    doc = run("A corridor has been agreed on with Russia on Monday for the evacuation of civilians from Harbour Town, "
              "according to the Ukrainian deputy prime minister.")
    deal = only([e for e in doc.events if e.subtype == "Agreement"])
    assert [(a.actor, a.inferred) for a in deal.actors] == [("UKR.GOV", True)]
    assert "RUS.GOV" in [t.actor for t in deal.targets]
    # a source of the same country as the party names no other party
    doc = run("A corridor has been agreed on with Russia on Monday for the evacuation of civilians from Harbour Town, "
              "according to a Russian deputy minister.")
    deal = only([e for e in doc.events if e.subtype == "Agreement"])
    assert not deal.actors and "RUS.GOV" in [t.actor for t in deal.targets]
