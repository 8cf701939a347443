"""The times stage: rule readings against the publication date, merging, noise, the dateparser guard."""

from __future__ import annotations

import pytest
from conftest import hand_doc

from sitreps.stages import times as times_stage
from sitreps.stages.times import normalise_times

FRIDAY = "2022-11-11T09:30"  # a Friday
SATURDAY = "2022-11-12T08:00"
MONDAY = "2022-11-07T12:00"


def run(text, entities=(), published=None):
    return normalise_times(hand_doc(text, list(entities), published=published), ctx=None)


def only(doc, text):
    found = [t for t in doc.times if t.text == text]
    assert len(found) == 1, f"{text!r} not found once in {doc.times}"
    return found[0]


# ---------------------------------------------------------------- weekdays


def test_friday_article_on_friday_is_the_same_day():
    doc = run("Rockets hit a depot on Friday, the ministry said.", [("Friday", "DATE")], FRIDAY)
    t = only(doc, "Friday")
    assert (t.value, t.grain, t.anchored) == ("2022-11-11", "day", True)


def test_saturday_article_on_friday_is_the_previous_day():
    doc = run("Rockets hit a depot on Friday, the ministry said.", [("Friday", "DATE")], SATURDAY)
    assert only(doc, "Friday").value == "2022-11-11"


def test_entity_text_with_preposition_is_read_by_rules_not_dateparser():
    doc = run("Rockets hit a depot on Friday.", [("on Friday", "DATE")], FRIDAY)
    assert only(doc, "on Friday").value == "2022-11-11"


def test_friday_morning_split_by_the_model_becomes_one_expression():
    text = "Sirens sounded on Friday morning across the valley."
    doc = run(text, [("Friday", "DATE"), ("morning", "TIME")], SATURDAY)
    assert [(t.text, t.value, t.grain) for t in doc.times] == [("Friday morning", "2022-11-11", "day")]


def test_next_and_last_weekday():
    doc = run("Talks resume next Friday after last Friday failed.", published=FRIDAY)
    assert only(doc, "next Friday").value == "2022-11-18"
    assert only(doc, "last Friday").value == "2022-11-04"


def test_weekday_with_clock_time():
    doc = run("The blast came on Wednesday at 5 a.m. near the bridge.", published=FRIDAY)
    t = only(doc, "Wednesday at 5 a.m.")
    assert (t.value, t.grain) == ("2022-11-09T05:00", "time")


# ---------------------------------------------------------------- relative days, weeks, years


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("yesterday", "2022-11-10"),
        ("last night", "2022-11-10"),
        ("this morning", "2022-11-11"),
        ("tonight", "2022-11-11"),
    ],
)
def test_relative_days(phrase, value):
    doc = run(f"Two warehouses burned {phrase} in the port district.", published=FRIDAY)
    t = only(doc, phrase)
    assert (t.value, t.grain, t.anchored) == (value, "day", True)


def test_earlier_this_week_is_monday_to_the_day_before():
    text = "Earlier this week, engineers repaired the dam."
    doc = run(text, [("Earlier this week", "DATE")], FRIDAY)
    t = only(doc, "Earlier this week")
    assert (t.value, t.grain, t.anchored) == ("2022-11-07/2022-11-10", "interval", True)


def test_rule_pass_finds_earlier_this_week_without_an_entity():
    doc = run("Engineers said earlier this week that the dam held.", entities=(), published=FRIDAY)
    assert [(t.text, t.value) for t in doc.times] == [("earlier this week", "2022-11-07/2022-11-10")]


def test_earlier_in_the_week_reads_as_earlier_this_week():
    doc = run("Earlier in the week, engineers repaired the dam; later in the week they test it.",
              [("the week", "DATE")], FRIDAY)
    assert [(t.text, t.value, t.grain) for t in doc.times] == [
        ("Earlier in the week", "2022-11-07/2022-11-10", "interval"), ("later in the week", "2022-11-12/2022-11-13", "future")]


def test_earlier_this_week_on_a_monday_is_that_monday():
    doc = run("Engineers said earlier this week that the dam held.", published=MONDAY)
    t = only(doc, "earlier this week")
    assert (t.value, t.grain) == ("2022-11-07", "day")


def test_this_week_last_week_and_overnight():
    doc = run("Overnight shelling followed last week's raids and this week's strikes.", published=FRIDAY)
    assert only(doc, "Overnight").value == "2022-11-10/2022-11-11"
    last_week = only(doc, "last week")
    assert (last_week.value, last_week.grain) == ("2022-10-31/2022-11-06", "interval")
    assert only(doc, "this week").value == "2022-11-07/2022-11-11"


def test_a_sunday_papers_last_week_is_the_week_just_gone():
    doc = run("Blasts last week shook the region.", published="2022-11-13")  # a Sunday
    assert only(doc, "last week").value == "2022-11-07/2022-11-12"
    doc = run("Blasts last week shook the region.", published="2022-11-14")  # the Monday after
    assert only(doc, "last week").value == "2022-11-07/2022-11-13"


@pytest.mark.parametrize("phrase", ["Over the past day", "In a day", "During the night", "At night", "Over the past 24 hours", "Per day"])
def test_daily_summary_phrases_are_the_day_before_the_report(phrase):
    doc = run(f"{phrase}, the enemy shelled four villages.", entities=(), published=FRIDAY)
    assert [(t.text, t.value, t.grain) for t in doc.times] == [(phrase, "2022-11-10/2022-11-11", "interval")]


@pytest.mark.parametrize("phrase, value", [
    ("Over the weekend", "2022-11-05/2022-11-06"),  # the Saturday and Sunday before a Friday
    ("In one week", "2022-11-04/2022-11-11"),
    ("Since the beginning of the day", "2022-11-11"),
])
def test_weekend_week_and_the_current_day(phrase, value):
    doc = run(f"{phrase}, the enemy shelled four villages.", entities=(), published=FRIDAY)
    assert [(t.text, t.value) for t in doc.times] == [(phrase, value)]


def test_a_part_of_the_day_alone_is_the_reports_day():
    doc = run("A woman wounded in the morning died later.", [("the morning", "TIME")], published=FRIDAY)
    assert [(t.value, t.grain) for t in doc.times] == [("2022-11-11", "day")]
    doc = run("A woman wounded in the morning died later.", [("the morning", "TIME")])
    assert [(t.value, t.anchored) for t in doc.times] == [(None, False)]


def test_a_day_as_a_length_stays_a_duration():
    doc = run("The talks lasted a day.", entities=(), published=FRIDAY)
    assert [(t.value, t.grain) for t in doc.times] == [("P1D", "duration")]


def test_years_and_months():
    text = "The line moved little in 2022, less than last year, and not at all in November 2022."
    doc = run(text, [("2022", "DATE"), ("last year", "DATE"), ("November 2022", "DATE")], FRIDAY)
    assert (only(doc, "2022").value, only(doc, "2022").grain) == ("2022", "year")
    assert (only(doc, "last year").value, only(doc, "last year").grain) == ("2021", "year")
    assert (only(doc, "November 2022").value, only(doc, "November 2022").grain) == ("2022-11", "month")


# ---------------------------------------------------------------- month and day


def test_month_day_before_publication_is_the_same_year():
    doc = run("Troops crossed the river on February 24.", [("February 24", "DATE")], FRIDAY)
    t = only(doc, "February 24")
    assert (t.value, t.grain, t.anchored) == ("2022-02-24", "day", True)


@pytest.mark.parametrize("phrase, value", [("on 3 March", "2022-03-03"), ("on March 3", "2022-03-03"), ("on 24 February", "2022-02-24")])
def test_day_month_in_either_order(phrase, value):
    doc = run(f"The depot was hit {phrase}, officials said.", entities=(), published=FRIDAY)
    assert [t.value for t in doc.times] == [value]


def test_month_day_after_publication_is_the_previous_year():
    doc = run("Troops crossed the river on February 24.", [("February 24", "DATE")], "2023-01-15T10:00")
    assert only(doc, "February 24").value == "2022-02-24"


def test_month_day_one_day_ahead_is_tolerated():
    doc = run("The convoy left on 12 November, officials said.", published=FRIDAY)
    assert only(doc, "12 November").value == "2022-11-12"


def test_since_month_day_keeps_since_in_the_span():
    doc = run("The town has been cut off since February 24.", [("February 24", "DATE")], FRIDAY)
    t = only(doc, "since February 24")
    assert (t.value, t.grain) == ("2022-02-24", "day")


def test_month_day_with_year_is_absolute_without_publication_date():
    doc = run("The first columns arrived on 24 February 2022.", [("24 February 2022", "DATE")], None)
    t = only(doc, "24 February 2022")
    assert (t.value, t.grain, t.anchored) == ("2022-02-24", "day", True)
    assert not [n for n in doc.notes if n.code == "times.unanchored"]


def test_day_range_is_an_interval():
    doc = run("Fighting raged from November 7-10 in the suburbs.", published=FRIDAY)
    assert only(doc, "November 7-10").value == "2022-11-07/2022-11-10"


# ---------------------------------------------------------------- no publication date


def test_relative_expressions_without_publication_date_are_unanchored():
    text = "On Friday the bridge fell; yesterday a second one was hit, and last week a third."
    doc = run(text, [("Friday", "DATE"), ("yesterday", "DATE"), ("last week", "DATE")], None)
    assert [t.text for t in doc.times] == ["Friday", "yesterday", "last week"]
    assert all(t.value is None and t.anchored is False for t in doc.times)
    assert [t.grain for t in doc.times] == ["day", "day", "interval"]
    notes = [n for n in doc.notes if n.code == "times.unanchored"]
    assert len(notes) == 1 and notes[0].stage == "times"


# ---------------------------------------------------------------- future and durations


def test_coming_weeks_is_future_not_a_day():
    doc = run("More strikes are expected in the coming weeks.", [("the coming weeks", "DATE")], FRIDAY)
    t = only(doc, "in the coming weeks")
    assert (t.value, t.grain, t.anchored) == (None, "future", True)


def test_coming_weeks_without_publication_date_is_not_anchored():
    doc = run("More strikes are expected in the coming weeks.", published=None)
    assert only(doc, "in the coming weeks").anchored is False


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("The siege lasted eight months before relief came.", "eight months", "P8M"),
        ("Crews worked two days to clear the road.", "two days", "P2D"),
        ("Residents sheltered for weeks in basements.", "for weeks", None),
        ("The town endured a nine-month blockade.", "nine-month", "P9M"),
    ],
)
def test_durations(text, span, value):
    doc = run(text, published=None)  # a duration needs no anchor
    t = only(doc, span)
    assert (t.value, t.grain, t.anchored) == (value, "duration", True)


@pytest.mark.parametrize(("text", "span", "value"), [
    ("He died just a week after being sworn in.", "just a week", "P1W"),
    ("She left only two days after the attack.", "only two days", "P2D"),
])
def test_a_qualified_length_is_still_a_duration(text, span, value):
    """"Just a week" (tagged a date by the model) is a week long, not the week of the report."""
    doc = run(text, [(span, "DATE")], FRIDAY)
    t = only(doc, span)
    assert (t.value, t.grain) == (value, "duration")


# ---------------------------------------------------------------- noise, unknowns, merging


def test_noise_entities_are_dropped():
    text = "A 34-year-old driver said the road was closed now, 40 after hours of waiting."
    ents = [("34-year-old", "DATE"), ("now", "DATE"), ("40", "DATE"), ("hours", "TIME")]
    doc = run(text, ents, FRIDAY)
    assert doc.times == ()


def test_nonsense_date_entity_is_kept_as_unknown():
    text = "Observers called it the season of broken promises."
    doc = run(text, [("the season of broken promises", "DATE")], FRIDAY)
    t = only(doc, "the season of broken promises")
    assert (t.value, t.grain, t.anchored) == (None, "unknown", False)


def test_dateparser_guard_rejects_a_wrong_year():
    doc = run("Veterans of the 1990s returned.", [("the 1990s", "DATE")], FRIDAY)
    assert only(doc, "the 1990s").grain == "unknown"


def test_dateparser_reads_a_numeric_date():
    doc = run("The order was signed 11/03/2022 in the capital.", [("11/03/2022", "DATE")], None)
    t = only(doc, "11/03/2022")
    assert (t.grain, t.anchored) == ("day", True) and t.value.startswith("2022-")


def test_rule_readings_never_reach_dateparser(monkeypatch):
    def refuse(text, p):
        raise AssertionError(f"dateparser called for {text!r}")

    monkeypatch.setattr(times_stage, "_read_by_dateparser", refuse)
    text = "On Friday morning and yesterday, after eight months and since February 24, earlier this week."
    ents = [("Friday", "DATE"), ("morning", "TIME"), ("yesterday", "DATE"), ("eight months", "DATE")]
    doc = run(text, ents, FRIDAY)
    assert len(doc.times) == 5


def test_times_are_sorted_unique_and_point_into_the_text():
    text = "Yesterday and on Friday morning, then again overnight, the depot burned for two days."
    ents = [("Friday", "DATE"), ("morning", "TIME"), ("Yesterday", "DATE"), ("two days", "DATE")]
    doc = run(text, ents, SATURDAY)
    starts = [t.start for t in doc.times]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(doc.times, doc.times[1:]))
    assert all(doc.text[t.start : t.end] == t.text for t in doc.times)
    assert [t.text for t in doc.times] == ["Yesterday", "Friday morning", "overnight", "for two days"]


def test_empty_document_is_returned_unchanged():
    doc = hand_doc("", published=FRIDAY)
    assert normalise_times(doc, None) is doc


# ---------------------------------------------------------------- end to end with the model


@pytest.mark.model
def test_end_to_end_with_the_model(parsed):
    text = (
        "Artillery struck the rail yard on Friday morning, the regional governor said. "
        "Earlier this week, two pumping stations were damaged. "
        "The district has been under fire since February 24, and repairs could take eight months. "
        "A 34-year-old guard was hurt last night. More attacks are expected in the coming weeks."
    )
    doc = normalise_times(parsed(text, published=SATURDAY), ctx=None)
    got = {t.text.lower(): (t.value, t.grain, t.anchored) for t in doc.times}
    assert got["friday morning"] == ("2022-11-11", "day", True)
    assert got["earlier this week"] == ("2022-11-07/2022-11-11", "interval", True)
    assert got["since february 24"] == ("2022-02-24", "day", True)
    assert got["eight months"] == ("P8M", "duration", True)
    assert got["last night"] == ("2022-11-11", "day", True)
    assert got["in the coming weeks"] == (None, "future", True)
    assert not any("year-old" in t.text for t in doc.times)
    assert all(doc.text[t.start : t.end] == t.text for t in doc.times)


@pytest.mark.parametrize("text, published", [
    ("Fighting went on over the past 5000 years.", "2022-05-01"),
    ("Fighting went on for the past 99999999999 days.", "2022-05-01"),
    ("Troops shelled the town 99999999 days ago.", "2022-05-01"),
    ("Troops shelled the town last week.", "0001-01-01"),
    ("Troops will shell the town tomorrow.", "9999-12-31"),
])  # fmt: skip
def test_a_date_outside_the_calendar_stays_unanchored_with_a_note(text, published):
    doc = run(text, published=published)
    assert all(t.value is None for t in doc.times)
    assert [n.code for n in doc.notes] == ["times.out_of_range"]


@pytest.mark.parametrize("phrase", ["In recent days", "Over the past few days", "In the last few days"])
def test_recent_days_are_the_week_up_to_the_report(phrase):
    doc = run(f"{phrase}, engineers repaired the dam.", entities=(), published=FRIDAY)
    assert [(t.value, t.grain) for t in doc.times] == [("2022-11-04/2022-11-11", "interval")]


# ---------------------------------------------------------------- story time


@pytest.mark.parametrize(
    ("text", "span", "value", "grain"),
    [
        # a step from the time the story told before, not from the publication date
        ("Estonia joined NATO in 2004. Four years later, it changed course.", "Four years later", "2008", "year"),
        ("The vote was held on March 16, 2014, and two days later the region was annexed.", "two days later",
         "2014-03-18", "day"),
        ("Troops arrived on Monday.\n\nThe next day, they left.", "The next day", "2022-11-08", "day"),
        ("Troops arrived in March 2022. Three months later they left.", "Three months later", "2022-06", "month"),
        ("Troops arrived on Monday. A week earlier the town was calm.", "A week earlier", "2022-10-31", "day"),
        ("Troops arrived on Monday. Three hours later they left.", "Three hours later", "2022-11-07", "day"),
        # a step finer than its anchor keeps the anchor
        ("Troops arrived in 2004. Two days later they left.", "Two days later", "2004", "year"),
    ],
)
def test_story_time_counts_from_the_time_told_before(text, span, value, grain):
    years = [("2004", "DATE")] if "2004" in text else []  # a bare year is read as the model tags it
    t = only(run(text, years, published=FRIDAY), span)
    assert (t.value, t.grain, t.anchored) == (value, grain, True)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Two days later, they left.", "Two days later"),  # nothing told before it
        ("Troops arrived in 2004.\nThe town was calm.\nTwo days later they left.", "Two days later"),  # two paragraphs back
        # "next month" is the last time told: "the previous year" is a comparison, no step from 2004
        ("Troops arrived in 2004. From next month, spending rises 26 per cent over the previous year.",
         "the previous year"),
    ],
)
def test_story_time_without_a_dated_time_before_it_stays_unknown(text, span):
    t = only(run(text, [("2004", "DATE")] if "2004" in text else [], published=FRIDAY), span)
    assert t.value is None and not t.anchored


def test_story_time_with_no_number_is_no_length_and_no_date():
    # "a few days later" is neither the duration "a few days" nor a day counted from P
    t = only(run("Troops arrived on Monday. Shelling resumed a few days later.", published=FRIDAY), "a few days later")
    assert t.value is None and t.grain == "day" and not t.anchored


# ---------------------------------------------------------------- a stamp earlier than the text

EARLY = "2022-02-07T10:00"  # a Monday, weeks before the invasion of lexicons/times.toml's landmark


def test_a_page_reporting_the_invasion_as_done_under_an_earlier_stamp_is_read_from_the_text():
    text = ("Troops advanced on two cities after Moscow launched its full military operation on Thursday. "
            "A regional governor said on Saturday that a bridge in Ukraine had been blown up.")
    doc = run(text, published=EARLY)
    assert doc.article.published.date().isoformat() == "2022-02-26"  # the Saturday after that Thursday
    assert doc.article.published.hour == 10  # the stamp's time of day is kept
    note = next(n for n in doc.notes if n.code == "times.stamp_early")
    assert note.level == "warning" and "2022-02-07" in note.detail and "2022-02-24" in note.detail
    assert only(doc, "Thursday").value == "2022-02-24"
    assert only(doc, "Saturday").value == "2022-02-26"


@pytest.mark.parametrize("text", [
    "Officials fear Russia could launch an invasion of Ukraine within days.",  # a modal: not done
    "If Russia launched an invasion of Ukraine, sanctions would follow at once.",  # a conditional
    "Eight years ago Russia launched an armed invasion of eastern Ukraine, the speaker recalled.",  # dated apart
    "Russia launched its military operation in Syria while Ukraine watched.",  # another war
])
def test_the_landmark_told_as_possible_dated_or_elsewhere_leaves_the_stamp_alone(text):
    doc = run(text, published=EARLY)
    assert doc.article.published.date().isoformat() == "2022-02-07"
    assert not [n for n in doc.notes if n.code == "times.stamp_early"]


@pytest.mark.parametrize("published", ["2016-05-02T10:00", "2022-03-01T10:00", None])
def test_stamps_long_before_or_after_the_landmark_are_not_checked(published):
    from sitreps.stages.times import early_stamp

    text = "Aid convoys moved west after Russia launched its invasion of Ukraine on Thursday."
    doc = run(text, published=published)
    assert not [n for n in doc.notes if n.code == "times.stamp_early"]
    assert early_stamp(text, None) is None


@pytest.mark.parametrize("published, value", [
    ("2016-09-22T10:00", "2016-09-17/2016-09-18"),  # a Thursday: the weekend just gone
    ("2016-09-19T10:00", "2016-09-17/2016-09-18"),  # a Monday
    ("2016-09-18T10:00", "2016-09-10/2016-09-11"),  # a Sunday: not the weekend it is in
    ("2016-09-17T10:00", "2016-09-10/2016-09-11"),  # a Saturday
])
def test_last_weekend_is_the_weekend_before_the_reports_week(published, value):
    doc = run("A bomb went off in the city last weekend, the police said.", published=published)
    assert only(doc, "last weekend").value == value
