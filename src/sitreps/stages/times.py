"""Times stage: find date and time expressions and normalise them to ISO 8601.

Candidates are the DATE and TIME entities from the NLP stage plus a rule pass over the text for what
the small spaCy model misses or splits ("Friday" + "morning", "earlier this week", "since February
24"). Overlapping candidates are merged, the longer span winning (a rule span wins a tie). Each kept
span is read by the rules below first; only what they cannot read goes to dateparser, and only the
span, never the whole text. Rule data (relative phrases, number words, noise) is in
lexicons/times.toml.

P is the publication date (`doc.article.published`, its date). A stamp earlier than a landmark the
text reports as done (lexicons/times.toml `[[landmark]]`: a live page kept under its first date) is
corrected first: P becomes the earliest day the text allows, and a `times.stamp_early` note keeps
the stamp (`early_stamp`). `anchored` is True when `value` is
fixed: an absolute date, a relative one resolved against P, or a duration (which needs no anchor).
Without P a relative expression keeps its grain, gets value None and anchored False (never guessed),
and the document gets one `times.unanchored` note. An entity nobody can read is kept with grain
"unknown", value None, anchored False. Noise entities ("now", bare numbers, "hours", ages) are dropped.

Rules and the choices made for ambiguous cases:
- Weekday ("Friday", "Friday morning", "early Friday", "this Friday"): the most recent such day on or
  before P, so a Friday article's "Friday" is P (dateparser's PREFER_DATES_FROM='past' would move it a
  week back). "last Friday": strictly before P. "next/coming Friday": strictly after P. Part of day is
  dropped (grain day); "Friday at 5 a.m." gives grain "time" and "2022-11-11T05:00".
- "today", "tonight", "this morning", "earlier today" -> P; "yesterday", "last night" -> P-1 (day).
- "overnight" -> the interval P-1/P: the night runs from the evening before P into P's morning.
- "this week" -> Monday of P's week .. P; "earlier this week" -> Monday .. P-1. On a Monday there is
  no earlier day in the week, so "earlier this week" is read as P itself. An interval whose ends
  coincide is given as that day (grain day). "last week" -> the previous Monday..Sunday (interval;
  on a Sunday, the Monday..Saturday just gone);
  "later this week"/"next week" -> days after P (grain future). "over the weekend" -> the last
  Saturday..Sunday on or before P; "last weekend" -> the Saturday..Sunday before P's week.
- Same for months and years: "this month" -> month, "earlier this month" -> 1st .. P-1,
  "last month" -> previous month, "last year" -> P.year-1, "earlier this year" -> Jan 1 .. P-1;
  "next month" -> that month, "later this year" -> P+1 .. Dec 31, "next year" (all grain future).
- "in the coming days/weeks/months", "in the near future" -> grain future, value None; anchored when
  P is known (the expression is "after P", nothing more).
- Month and day without a year ("February 24", "24 February", "since February 24", "Friday, November
  11"): the most recent such date not after P + 1 day (the tolerance absorbs time-zone slips). With a
  year the date is absolute and anchored even without P. "since" stays in the span; the value is the
  start date, grain day. Ranges ("November 7-10", "between Monday and Wednesday") become intervals.
- A month alone ("in March", "mid-March") -> the most recent such month not after P's month; with a
  year ("November 2022", "late November 2022") -> that month. "2022" -> year. early/mid/late (and
  "the start/middle/end of") a month narrow it to its first, middle or last ten days, an interval
  ("late January" -> 01-21/01-31); of a year they stay in the span text only.
- "three days ago" -> P-3 (day); "two weeks ago" -> P-14 (day); "a month ago" -> that month;
  "a year ago" -> that year.
- "the past 24 hours", "the last three days", "the past week" -> the interval ending at P: P-1/P,
  P-3/P, P-7/P. ("last week" without "the" is the calendar week, above.)
- Story time ("two days later", "four years later", "a week earlier", "the next day", "the
  following year", "the previous day"): counted from the last time told before it (durations
  aside) in its paragraph or the one before ("On March 16 ... two days later" -> March 18; "In
  2004 ... four years later" -> 2008), never from P (dateparser would read "four years later" as
  P + 4 years). It stays unknown when nothing is told before it, when that time has no date of
  its own ("from next month ... over the previous year"), or when the count has no number ("a few
  days later"). A story step finer than its anchor keeps the anchor ("in 2004 ... two days later"
  -> 2004).
- Durations ("eight months", "for weeks", "two days", "a nine-month occupation") -> grain duration,
  value "P8M", "P2D", "P9M", or None when no number is given; anchored True. "in two days" is read as a
  duration (reports usually mean "within"), not as a future date. "34 years old" is an age: noise.
- A bare clock time ("3 p.m.") or part of day ("in the morning") with no day -> grain time, value
  None, anchored False: its day is not known from the span alone.
- Anything else goes to dateparser (languages en, RELATIVE_BASE = P). Because dateparser happily turns
  "February 24" into 2024-02-01 and "the 1990s" into today's clock time, a reading is accepted only
  when a year written in the span is the year it returns, or, without a written year, when the
  span is relative and P is known; periods "time" need a clock in the span.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cache, lru_cache

from ..lexicons import load_lexicon
from ..records import Document, Note, TimeExpr
from ._intervals import pick_non_overlapping

STAGE = "times"
_LABELS = frozenset({"DATE", "TIME"})


@dataclass(frozen=True, slots=True)
class Reading:
    value: str | None
    grain: str
    anchored: bool
    relative: bool = False  # needed P: without P it is an unanchored relative expression
    step: tuple[int, str] | None = None  # story time ("two days later"): days or months from the time told before


UNKNOWN = Reading(None, "unknown", False)

# ---------------------------------------------------------------- vocabulary and patterns


def _words(phrases) -> str:
    """An alternation of lower-case phrases, longest first, any whitespace between words."""
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in sorted(phrases, key=len, reverse=True))


def _caps(names) -> str:
    """Title-case and upper-case forms only: "May" and "March" are also English words."""
    forms = [n.capitalize() for n in names] + [n.upper() for n in names]
    return "|".join(sorted(forms, key=len, reverse=True))


_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
MONTH_NAMES = _caps(_MONTHS)  # a regex alternation of the month names and abbreviations

_UNIT = r"(?P<unit>hour|minute|day|week|month|year)s?"


@dataclass(frozen=True)
class _Grammar:
    numbers: dict[str, int]
    days: dict[str, int]
    phrases: dict[str, str]
    noise_words: frozenset[str]
    noise: re.Pattern
    patterns: tuple[tuple[str, re.Pattern, bool], ...]  # (rule, pattern, used by the text pass)


@cache
def _grammar() -> _Grammar:
    lex = load_lexicon("times")
    numbers = {k.lower(): int(v) for k, v in lex["numbers"].items()}
    days = {k.lower(): int(v) for k, v in lex["days"].items()}
    phrases = {k.lower(): v for k, v in lex["phrases"].items()}
    vague = lex["vague_counts"]["words"]
    num = rf"(?:\d+|{_words(numbers)})"
    wd = rf"(?P<wd>{_caps(_WEEKDAYS)})"
    mon = rf"(?P<mon>{_caps(_MONTHS)})\.?"
    day = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?!\d)"
    day2 = r"(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?(?!\d)"
    year = r"(?P<year>(?:19|20)\d\d)(?!\d)"
    edge = r"(?i:(?:early|mid|late)[\s-]+|(?:the\s+)?(?:end|start|beginning|middle)\s+of\s+)?"
    clock = r"(?P<h>\d{1,2})(?:[:.](?P<min>\d\d))?\s*(?P<ampm>[ap]\.?m\b\.?)|(?P<h24>[012]?\d):(?P<m24>\d\d)"
    since = r"(?:(?i:since)\s+)?"
    wd_prefix = rf"(?:{wd},?\s+)?"
    raw = [
        # (rule, pattern, found by the text pass too; otherwise only reads entity text)
        ("md_range", rf"{since}{mon}\s+{day}\s*(?:-|–|to)\s*{day2}(?:,?\s+{year})?", True),
        ("md_range", rf"{since}{day}\s*(?:-|–|to)\s*{day2}\s+{mon}(?:,?\s+{year})?", True),
        ("md", rf"{since}{wd_prefix}{mon}\s+{day}(?:,?\s+{year})?", True),
        ("md", rf"{since}{wd_prefix}(?:the\s+)?{day}(?:\s+of)?\s+{mon}(?:,?\s+{year})?", True),
        ("month", rf"{since}{edge}{mon},?\s+{year}", True),
        ("month", rf"(?:(?i:in|since|during)\s+)?{edge}{mon}", False),
        ("year", rf"(?:(?i:in|since|during)\s+)?{edge}{year}", False),
        ("days", rf"(?i:\b(?P<w>{_words(days)})\b)", True),
        ("phrase", rf"(?i:\b(?P<w>{_words(phrases)})\b)", True),
        (
            "weekday",
            rf"(?i:(?P<rel>last|next|this|coming|early|late)\s+)?{wd}"
            rf"(?i:\s+(?:morning|afternoon|evening|night))?(?:\s+(?i:at)\s+(?:{clock}))?",
            True,
        ),
        ("ago", rf"(?i:\b(?P<n>{num})\s+{_UNIT}\s+ago\b)", True),
        ("story", rf"(?i:\b(?P<n>{num}|{_words(vague)})\s+{_UNIT}\s+(?P<dir>later|earlier|afterwards?)\b)", True),
        ("story", r"(?i:\bthe\s+(?P<dir>next|following|previous|preceding)\s+(?P<unit>day|week|month|year)\b)", True),
        (
            "past",
            rf"(?i:\b(?:over\s+|in\s+|during\s+)?the\s+(?:past|last)\s+(?:(?P<n>{num})\s+)?{_UNIT}\b)",
            True,
        ),
        (
            "duration",
            rf"(?i:\b(?:for\s+)?(?:(?P<n>{num})|(?P<vague>{_words(vague)}))[\s-]+{_UNIT}\b"
            r"(?:-long)?(?![\s-]+old))",
            True,
        ),
        ("duration", rf"(?i:\bfor\s+{_UNIT}\b)", True),
        ("clock", rf"(?i:(?:at\s+|around\s+|about\s+)?(?:{clock})(?:\s+local\s+time)?)", False),
        ("part_of_day", r"(?i:(?:early\s+|late\s+)?(?:in\s+)?(?:the\s+)?(?:morning|afternoon|evening|night))",
         False),
    ]
    # word boundaries around every pattern: "Mayor" is not "May", "2022-year" is not a year.
    patterns = tuple((name, re.compile(rf"(?<!\w){p}(?!\w)"), finds) for name, p, finds in raw)
    noise = re.compile("|".join(f"(?:{p})" for p in lex["noise"]["patterns"]), re.IGNORECASE)
    return _Grammar(numbers, days, phrases, frozenset(lex["noise"]["words"]), noise, patterns)


# ---------------------------------------------------------------- readers, one per rule


def _iso(d: date) -> str:
    return d.isoformat()


def days_of(value: str | None) -> tuple[date, date] | None:
    """The first and last day an ISO time value this stage writes covers: a day (or a time), a
    month, a year, an ISO week, or a `start/end` interval of those; None for anything else."""
    if not value:
        return None
    ends = []
    try:
        for part in value.split("/")[:2]:
            part = part[:10]
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", part):
                d = date.fromisoformat(part)
                ends.append((d, d))
            elif re.fullmatch(r"\d{4}-\d{2}", part):
                y, m = int(part[:4]), int(part[5:])
                ends.append((date(y, m, 1), date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)))
            elif re.fullmatch(r"\d{4}", part):
                ends.append((date(int(part), 1, 1), date(int(part), 12, 31)))
            elif re.fullmatch(r"\d{4}-W\d{2}", part):
                d = date.fromisocalendar(int(part[:4]), int(part[6:]), 1)
                ends.append((d, d + timedelta(days=6)))
            else:
                return None
    except (ValueError, OverflowError):
        return None
    return ends[0][0], ends[-1][1]


def _interval(a: date, b: date, grain: str = "interval") -> tuple[str, str]:
    if a >= b:
        return _iso(min(a, b)), "day" if grain == "interval" else grain
    return f"{_iso(a)}/{_iso(b)}", grain


def _number(text: str | None, g: _Grammar) -> int | None:
    if text is None:
        return None
    text = text.lower()
    return int(text) if text.isdigit() else g.numbers.get(text)


def _recent_day(month: int, day: int, p: date) -> date | None:
    """The most recent `month`/`day` not after p + 1 day (a Feb 29 looks back to a leap year)."""
    limit = p + timedelta(days=1)
    for year in range(limit.year, limit.year - 9, -1):
        try:
            d = date(year, month, day)
        except ValueError:
            continue
        if d <= limit:
            return d
    return None


def _valid_day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_value(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    k = year * 12 + (month - 1) + n
    return k // 12, k % 12 + 1


def _read_md(m: re.Match, p: date | None, g: _Grammar) -> Reading:
    month, day = _MONTHS[m["mon"].lower().rstrip(".")], int(m["day"])
    if m["year"]:
        d = _valid_day(int(m["year"]), month, day)
        return Reading(_iso(d), "day", True) if d else UNKNOWN
    if p is None:
        return Reading(None, "day", False, relative=True)
    d = _recent_day(month, day, p)
    return Reading(_iso(d), "day", True, relative=True) if d else UNKNOWN


def _read_md_range(m: re.Match, p: date | None, g: _Grammar) -> Reading:
    month, d1, d2 = _MONTHS[m["mon"].lower().rstrip(".")], int(m["day"]), int(m["day2"])
    if d2 <= d1:
        return UNKNOWN
    if m["year"]:
        year = int(m["year"])
    elif p is None:
        return Reading(None, "interval", False, relative=True)
    else:
        first = _recent_day(month, d1, p)
        if first is None:
            return UNKNOWN
        year = first.year
    a, b = _valid_day(year, month, d1), _valid_day(year, month, d2)
    if not (a and b):
        return UNKNOWN
    value, grain = _interval(a, b)
    return Reading(value, grain, True, relative=not m["year"])


_PART_OF_MONTH = re.compile(r"(?i)^(?:(early|mid|late)[\s-]+|(?:the\s+)?(end|start|beginning|middle)\s+of\s+)")
# early/mid/late (and the start, middle or end of) a month: its first, middle or last ten days
_THIRDS = {"early": (1, 10), "start": (1, 10), "beginning": (1, 10), "mid": (11, 20), "middle": (11, 20),
           "late": (21, 31), "end": (21, 31)}


def _part_of(year: int, month: int, text: str, relative: bool) -> Reading:
    """The month, or the part of it that "early", "mid", "late" ... name, as an interval."""
    part = _PART_OF_MONTH.match(re.sub(r"(?i)^(?:in|since|during)\s+", "", text.strip()))
    if not part:
        return Reading(_month_value(year, month), "month", True, relative=relative)
    lo, hi = _THIRDS[(part.group(1) or part.group(2)).lower()]
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    value, grain = _interval(date(year, month, lo), date(year, month, min(hi, last)))
    return Reading(value, grain, True, relative=relative)


def _read_month(m: re.Match, p: date | None, g: _Grammar) -> Reading:
    month = _MONTHS[m["mon"].lower().rstrip(".")]
    if m.groupdict().get("year"):
        return _part_of(int(m["year"]), month, m.group(0), False)
    if p is None:
        return Reading(None, "month", False, relative=True)
    year = p.year if month <= p.month else p.year - 1
    return _part_of(year, month, m.group(0), True)


def _read_year(m: re.Match, p: date | None, g: _Grammar) -> Reading:
    return Reading(m["year"], "year", True)


def _read_days(m: re.Match, p: date | None, g: _Grammar) -> Reading:
    offset = g.days[" ".join(m["w"].lower().split())]
    if p is None:
        return Reading(None, "day", False, relative=True)
    return Reading(_iso(p + timedelta(days=offset)), "day", True, relative=True)


def _previous_week(p: date) -> Reading:
    """"Last week": the calendar week before P's; on a Sunday, the week that is ending (a Sunday
    paper's "last week" is the Monday to Saturday just gone, not the week before it)."""
    if p.weekday() == 6:
        return _interval(_monday(p), p - _DAY)
    return _interval(_monday(p, -1), _monday(p) - _DAY)


def _monday(p: date, weeks: int = 0) -> date:
    return p - timedelta(days=p.weekday()) + timedelta(weeks=weeks)


def _after(p: date, end: date) -> tuple[str | None, str]:
    """The days after P up to `end`, as a future interval (None once nothing is left)."""
    return (None, "future") if end <= p else _interval(p + timedelta(days=1), end, "future")


_DAY = timedelta(days=1)
# rule -> (grain when there is no P, how to compute (value, grain) from P)
_PHRASES: dict[str, tuple[str, Callable[[date], tuple[str | None, str]]]] = {
    "overnight": ("interval", lambda p: _interval(p - _DAY, p)),
    "week_before": ("interval", lambda p: _interval(_monday(p), max(_monday(p), p - _DAY))),
    "week_to_date": ("interval", lambda p: _interval(_monday(p), p)),
    "previous_week": ("interval", lambda p: _previous_week(p)),
    "rest_of_week": ("future", lambda p: _after(p, _monday(p, 1) - _DAY)),
    "next_week": ("future", lambda p: _interval(_monday(p, 1), _monday(p, 2) - _DAY, "future")),
    "month_before": ("interval", lambda p: _interval(p.replace(day=1), max(p.replace(day=1), p - _DAY))),
    "this_month": ("month", lambda p: (_month_value(p.year, p.month), "month")),
    "previous_month": ("month", lambda p: (_month_value(*_add_months(p.year, p.month, -1)), "month")),
    "next_month": ("future", lambda p: (_month_value(*_add_months(p.year, p.month, 1)), "future")),
    "year_before": ("interval", lambda p: _interval(date(p.year, 1, 1), max(date(p.year, 1, 1), p - _DAY))),
    "this_year": ("year", lambda p: (str(p.year), "year")),
    "previous_year": ("year", lambda p: (str(p.year - 1), "year")),
    "rest_of_year": ("future", lambda p: _after(p, date(p.year, 12, 31))),
    "next_year": ("future", lambda p: (str(p.year + 1), "future")),
    "future": ("future", lambda p: (None, "future")),
    # "over the weekend": the last Saturday-Sunday on or before P
    "weekend": ("interval", lambda p: _interval(p - timedelta(days=(p.weekday() - 5) % 7), min(p, p - timedelta(days=(p.weekday() - 5) % 7) + _DAY))),
    # "last weekend": the Saturday-Sunday before P's week (on a weekend day, the one a week before)
    "last_weekend": ("interval", lambda p: _interval(p - timedelta(days=_last_saturday(p)), p - timedelta(days=_last_saturday(p) - 1))),
    # "in one week", "over the past week": the seven days up to P
    "past_week": ("interval", lambda p: _interval(p - timedelta(days=7), p)),
}


def _last_saturday(p: date) -> int:
    """Days back from P to the Saturday of "last weekend": the weekend before P's week."""
    back = (p.weekday() - 5) % 7
    return back + 7 if p.weekday() >= 5 else back


def _read_phrase(m: re.Match, p: date | None, g: _Grammar) -> Reading:
    rule = g.phrases[" ".join(m["w"].lower().split())]
    grain_without_p, compute = _PHRASES[rule]
    if p is None:
        return Reading(None, grain_without_p, False, relative=True)
    value, grain = compute(p)
    return Reading(value, grain, True, relative=True)


def _clock(m: re.Match) -> str | None:
    if m["h24"]:
        h, mins = int(m["h24"]), int(m["m24"])
    elif m["h"]:
        h, mins = int(m["h"]), int(m["min"] or 0)
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if m["ampm"].lower().startswith("p") else 0)
    else:
        return None
    return f"{h:02d}:{mins:02d}" if h < 24 and mins < 60 else None


def _read_weekday(m: re.Match, p: date | None, g: _Grammar) -> Reading:
    clock = _clock(m)
    grain = "time" if clock else "day"
    if p is None:
        return Reading(None, grain, False, relative=True)
    wd = _WEEKDAYS[m["wd"].lower()]
    rel = (m["rel"] or "").lower()
    if rel in ("next", "coming"):
        d = p + timedelta(days=(wd - p.weekday()) % 7 or 7)
    elif rel == "last":
        d = p - timedelta(days=(p.weekday() - wd) % 7 or 7)
    else:
        d = p - timedelta(days=(p.weekday() - wd) % 7)
    return Reading(f"{_iso(d)}T{clock}" if clock else _iso(d), grain, True, relative=True)


def _read_ago(m: re.Match, p: date | None, g: _Grammar) -> Reading:
    n, unit = _number(m["n"], g), m["unit"].lower()
    grain = {"month": "month", "year": "year"}.get(unit, "day")
    if n is None:
        return UNKNOWN
    if p is None:
        return Reading(None, grain, False, relative=True)
    if unit in ("hour", "minute"):  # "three hours ago": the day of P
        return Reading(_iso(p), grain, True, relative=True)
    if unit == "month":
        return Reading(_month_value(*_add_months(p.year, p.month, -n)), grain, True, relative=True)
    if unit == "year":
        return Reading(str(p.year - n), grain, True, relative=True)
    days = n * (7 if unit == "week" else 1)
    return Reading(_iso(p - timedelta(days=days)), grain, True, relative=True)


_STORY_GRAIN = {"day": "day", "week": "day", "month": "month", "year": "year"}


def _read_story(m: re.Match, p: date | None, g: _Grammar) -> Reading:
    """"two days later", "the following year": a step from the time the story told before, set
    by `_story_time` (not from P). "three hours later" stays on the day before it."""
    unit = m["unit"].lower()
    n = 1 if m["dir"].lower() in ("next", "following", "previous", "preceding") else _number(m["n"], g)
    if n is None:
        return Reading(None, "day", False)  # "a few days later": after the time before, by an unknown step
    if m["dir"].lower() in ("earlier", "previous", "preceding"):
        n = -n
    if unit in ("hour", "minute"):
        return Reading(None, "day", False, step=(0, "day"))
    if unit == "week":
        return Reading(None, "day", False, step=(7 * n, "day"))
    return Reading(None, _STORY_GRAIN[unit], False, step=(n * (12 if unit == "year" else 1), "month" if unit != "day" else "day"))


def _read_past(m: re.Match, p: date | None, g: _Grammar) -> Reading:
    n, unit = _number(m["n"], g) if m["n"] else 1, m["unit"].lower()
    if n is None:
        return UNKNOWN
    if p is None:
        return Reading(None, "interval", False, relative=True)
    if unit in ("hour", "minute"):
        days = -(-n // 24) if unit == "hour" else 1
        start = p - timedelta(days=days)
    elif unit == "month":
        y, mo = _add_months(p.year, p.month, -n)
        start = _valid_day(y, mo, p.day) or date(y, mo, calendar.monthrange(y, mo)[1])
    elif unit == "year":
        start = _valid_day(p.year - n, p.month, p.day) or date(p.year - n, p.month, 28)
    else:
        start = p - timedelta(days=n * (7 if unit == "week" else 1))
    value, grain = _interval(start, p)
    return Reading(value, grain, True, relative=True)


_DURATION_UNIT = {"hour": "TH", "minute": "TM", "day": "D", "week": "W", "month": "M", "year": "Y"}


def _read_duration(m: re.Match, p: date | None, g: _Grammar) -> Reading:
    gd = m.groupdict()
    n = _number(gd.get("n"), g)
    if n is None:
        return Reading(None, "duration", True)
    code = _DURATION_UNIT[m["unit"].lower()]
    return Reading(f"PT{n}{code[1]}" if code[0] == "T" else f"P{n}{code}", "duration", True)


def _read_clock(m: re.Match, p: date | None, g: _Grammar) -> Reading:
    return Reading(None, "time", False)


def _read_part_of_day(m: re.Match, p: date | None, g: _Grammar) -> Reading:
    """A part of the day with no day named: the report's own day ("wounded in the morning"), the
    night before it ("at night")."""
    if p is None:
        return Reading(None, "time", False, relative=True)
    if "night" in m.group(0).lower():
        value, grain = _interval(p - _DAY, p)
        return Reading(value, grain, True, relative=True)
    return Reading(_iso(p), "day", True, relative=True)


_READERS: dict[str, Callable[[re.Match, date | None, _Grammar], Reading]] = {
    "md": _read_md,
    "md_range": _read_md_range,
    "month": _read_month,
    "year": _read_year,
    "days": _read_days,
    "phrase": _read_phrase,
    "weekday": _read_weekday,
    "ago": _read_ago,
    "story": _read_story,
    "past": _read_past,
    "duration": _read_duration,
    "clock": _read_clock,
    "part_of_day": _read_part_of_day,
}

# ---------------------------------------------------------------- reading one span


def _read_by_rules(text: str, p: date | None, g: _Grammar) -> Reading | None:
    for name, pattern, _ in g.patterns:
        m = pattern.fullmatch(text)
        if m:
            return _READERS[name](m, p, g)
    return None


_RANGE = re.compile(
    r"(?i)(?:between|from)\s+(?P<a>.+?)\s+(?:and|to|until|through)\s+(?P<b>.+)"
    r"|(?P<c>.+?)\s*(?:-|–|and|to|until|through)\s+(?P<d>.+)"
)


def _read_range(text: str, p: date | None, g: _Grammar) -> Reading | None:
    """ "between Monday and Wednesday", "February 24 to March 3": two day readings -> an interval."""
    m = _RANGE.fullmatch(text)
    if not m:
        return None
    a, b = (m["a"], m["b"]) if m["a"] else (m["c"], m["d"])
    ra, rb = _read_by_rules(a, p, g), _read_by_rules(b, p, g)
    if not (ra and rb and ra.grain == rb.grain == "day"):
        return None
    relative = ra.relative or rb.relative
    if ra.value is None or rb.value is None:
        return Reading(None, "interval", False, relative=relative) if relative else None
    if ra.value > rb.value:
        return None
    value, grain = _interval(date.fromisoformat(ra.value), date.fromisoformat(rb.value))
    return Reading(value, grain, True, relative=relative)


def _is_noise(text: str, g: _Grammar) -> bool:
    low = " ".join(text.lower().split())
    return low in g.noise_words or g.noise.fullmatch(low) is not None


# entity text may start with a preposition the rules do not expect ("on Friday"); "since" and "in"
# are kept because patterns that care about them include them
# a preposition or a qualifier before a time reads as the time ("just a week" is a week)
_PREPOSITION = re.compile(r"(?i)^(?:on|by|at|during|around|about|until|till|just|only|nearly|almost|barely|roughly"
                          r"|approximately|some|more\s+than|less\s+than|at\s+least)\s+(?=\S)")
_WEEKDAY_IN_TEXT = re.compile(rf"(?i)\b(?:{'|'.join(_WEEKDAYS)})\b")
_YEAR_IN_TEXT = re.compile(r"(?<!\d)((?:1[89]|20)\d\d)(?!\d)")
_CLOCK_IN_TEXT = re.compile(r"(?i)\d\s*[ap]\.?m\b|\d:\d\d|\bnoon\b|\bmidnight\b")
_DP_GRAINS = {
    "day": "day", "week": "week", "month": "month", "year": "year", "part_of_day": "day", "time": "time"
}
_DP_SETTINGS = {"RETURN_TIME_AS_PERIOD": True, "PREFER_DAY_OF_MONTH": "first", "PREFER_DATES_FROM": "past"}


@cache
def _absolute_parser():
    from dateparser.date import DateDataParser

    parsers = ["timestamp", "custom-formats", "absolute-time"]
    return DateDataParser(languages=["en"], settings={**_DP_SETTINGS, "PARSERS": parsers})


@lru_cache(maxsize=64)
def _relative_parser(p: date):
    from dateparser.date import DateDataParser

    base = datetime(p.year, p.month, p.day, 12)
    return DateDataParser(languages=["en"], settings={**_DP_SETTINGS, "RELATIVE_BASE": base})


def _format(dt: datetime, grain: str) -> str:
    if grain == "year":
        return str(dt.year)
    if grain == "month":
        return _month_value(dt.year, dt.month)
    if grain == "week":
        iso = dt.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    if grain == "time":
        return dt.strftime("%Y-%m-%dT%H:%M")
    return dt.date().isoformat()


def _read_by_dateparser(text: str, p: date | None) -> Reading:
    """The last resort, guarded: see the module docstring for why each check is there."""
    years = _YEAR_IN_TEXT.findall(text)
    if years:
        data = _absolute_parser().get_date_data(text)
        grain = _DP_GRAINS.get(data.period or "")
        if data.date_obj is None or grain is None or str(data.date_obj.year) not in years:
            return UNKNOWN
        if grain == "time" and not _CLOCK_IN_TEXT.search(text):
            return UNKNOWN
        return Reading(_format(data.date_obj, grain), grain, True)
    if _WEEKDAY_IN_TEXT.search(text):
        return UNKNOWN  # dateparser moves a weekday a week back when P is that weekday: rules only
    # No written year: a reading can only come from P. Without P, parse against a fixed base just to
    # learn whether the span is a date at all; its value is thrown away.
    data = _relative_parser(p or date(2000, 1, 1)).get_date_data(text)
    grain = _DP_GRAINS.get(data.period or "")
    if data.date_obj is None or grain is None or (grain == "time" and not _CLOCK_IN_TEXT.search(text)):
        return UNKNOWN
    if p is None:
        return Reading(None, grain, False, relative=True)
    return Reading(_format(data.date_obj, grain), grain, True, relative=True)


def read_time(text: str, published: date | datetime | None) -> Reading | None:
    """How a span reads against publication date `published`; None when it is noise, unknown
    when its arithmetic leaves the calendar (years 1-9999)."""
    return _within_calendar(lambda: _read_time(text, published), text, [])


def _read_time(text: str, published: date | datetime | None) -> Reading | None:
    g = _grammar()
    p = published.date() if isinstance(published, datetime) else published
    text = _PREPOSITION.sub("", text.strip())
    reading = _read_by_rules(text, p, g) or _read_range(text, p, g)
    if reading is not None:
        return reading
    if _is_noise(text, g):
        return None
    return _read_by_dateparser(text, p)


# ---------------------------------------------------------------- the stage


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int
    end: int
    reading: Reading | None  # already read by the rule that found it; None for an entity


def _find_by_rules(text: str, p: date | None, g: _Grammar, beyond: list[str]) -> list[_Candidate]:
    found = []
    for name, pattern, finds in g.patterns:
        if not finds:
            continue
        for m in pattern.finditer(text):
            if m.end() > m.start():
                found.append(_Candidate(m.start(), m.end(), _within_calendar(lambda: _READERS[name](m, p, g), m.group(), beyond)))
    return found


def _within_calendar(read, text: str, beyond: list[str]) -> Reading | None:
    """A reading whose arithmetic leaves the calendar (before year 1 or after 9999: "the past
    5000 years", "tomorrow" said on 31 December 9999) stays unanchored; `beyond` collects it."""
    try:
        return read()
    except (OverflowError, ValueError):
        beyond.append(text)
        return UNKNOWN


def _merge(candidates: list[_Candidate], unreadable: set[tuple[int, int]] = frozenset()) -> list[_Candidate]:
    """Keep non-overlapping candidates, longer first; a rule reading wins a tie with an entity,
    and an entity that reads as nothing ("24 hours - Basurin") yields to any rule."""
    ranked = sorted(
        candidates, key=lambda c: ((c.start, c.end) in unreadable, -(c.end - c.start), c.reading is None, c.start)
    )
    return pick_non_overlapping(ranked)


def _story_time(text: str, start: int, reading: Reading, before: list[TimeExpr]) -> Reading:
    """A story step ("two days later") from the last time told in its paragraph or the one
    before; unknown when there is none or it has no date."""
    line = text.rfind("\n", 0, start)
    prev = text.rfind("\n", 0, line) if line > 0 else -1
    while prev > 0 and not text[prev + 1 : line].strip():  # blank lines between paragraphs
        line, prev = prev, text.rfind("\n", 0, prev)
    # the time told last, lengths aside ("fighting went on for two hours; the next day ..."):
    # after "next month" or "in the coming weeks", "the previous year" is no step in the story
    anchor = next((t for t in reversed(before) if t.start > prev and t.grain != "duration"), None)
    if anchor is None or not anchor.value or anchor.grain not in ("day", "time", "month", "year"):
        return UNKNOWN
    n, unit = reading.step
    value, grain = anchor.value[:10] if anchor.grain == "time" else anchor.value, "day" if anchor.grain == "time" else anchor.grain
    if unit == "day":
        if grain != "day":
            return Reading(value, grain, True)  # "in 2004 ... two days later": 2004, no finer
        return Reading(_iso(date.fromisoformat(value) + timedelta(days=n)), "day", True)
    if grain == "year":
        return Reading(str(int(value) + n // 12), "year", True) if reading.grain == "year" else Reading(value, "year", True)
    year, month = _add_months(int(value[:4]), int(value[5:7]), n)
    return Reading(str(year), "year", True) if reading.grain == "year" else Reading(_month_value(year, month), "month", True)


@dataclass(frozen=True)
class _Landmark:
    name: str
    day: date
    told: tuple[re.Pattern, ...]
    within_days: int
    names: tuple[str, ...]
    not_with: re.Pattern


@cache
def _landmarks() -> tuple[_Landmark, ...]:
    return tuple(_Landmark(m["name"], m["day"], tuple(re.compile(t, re.IGNORECASE) for t in m["told"]),
                           int(m["within_days"]), tuple(m["names"]),
                           re.compile("|".join(map(re.escape, m["not_with"])) or "(?!)"))
                 for m in load_lexicon("times").get("landmark", []))


_HEDGE_BEFORE = re.compile(r"\b(?:if|would|could|might|may|will|shall|can|to|not|never|unless|whether|should|fears?|feared)\b",
                           re.IGNORECASE)
_DATED = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b|\bago\b|\byears?\b", re.IGNORECASE)
_WEEKDAY_NAMES = re.compile(r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")


def early_stamp(text: str, stamp: date | None) -> tuple[date, str] | None:
    """(the earliest day the text allows, why) when the stamp is early: the text reports as done a
    landmark of lexicons/times.toml that began after the stamp ("since Russia launched its
    invasion" on a page stamped three weeks before it, a live page kept under its first date).
    The day is the landmark's, moved on to the first day by which every weekday the text names has
    come round at least once ("launched ... on Thursday", "said on Saturday": the Saturday after).
    None when the stamp is unknown or agrees with the text."""
    if stamp is None:
        return None
    for mark in _landmarks():
        if not 0 < (mark.day - stamp).days <= mark.within_days or not any(n in text for n in mark.names):
            continue
        for pattern in mark.told:
            for m in pattern.finditer(text):
                start = max(text.rfind(". ", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
                ends = [i for i in (text.find(". ", m.end()), text.find("\n", m.end())) if i >= 0]
                sentence_after = text[m.end(): min(ends) if ends else len(text)]
                before = text[start: m.start()]
                sentence = before + m.group(0) + sentence_after
                if _HEDGE_BEFORE.search(before) or _DATED.search(sentence) or mark.not_with.search(sentence):
                    continue
                weekdays = {_WEEKDAYS[w.group(0).lower()] for w in _WEEKDAY_NAMES.finditer(text)}
                day = mark.day + timedelta(days=max([(w - mark.day.weekday()) % 7 for w in weekdays], default=0))
                why = (f"The page is stamped {stamp.isoformat()}, but its text reports {mark.name} "
                       f"({mark.day.isoformat()}) as done ({m.group(0)[:80]!r}); its relative dates are read from "
                       f"{day.isoformat()}, the earliest day the text allows.")
                return day, why
    return None


def normalise_times(doc: Document, ctx) -> Document:
    if not doc.text:
        return doc
    g = _grammar()
    published = doc.article.published
    p = published.date() if published is not None else None
    early = early_stamp(doc.text, p)
    if early is not None:
        p, why = early
        published = published.replace(year=p.year, month=p.month, day=p.day)
        doc = replace(doc, article=replace(doc.article, published=published),
                      notes=doc.notes + (Note(STAGE, "times.stamp_early", why, "warning"),))
    beyond: list[str] = []
    candidates = _find_by_rules(doc.text, p, g, beyond)
    entities = [_Candidate(e.start, e.end, None) for e in doc.entities if e.label in _LABELS]
    unreadable = set()
    for c in entities:
        text = doc.text[c.start : c.end]
        r = _within_calendar(lambda: _read_time(text, p), text, beyond)
        if r is None or r.grain == "unknown":
            unreadable.add((c.start, c.end))
    candidates += entities
    times = []
    unanchored = []
    for c in sorted(_merge(candidates, unreadable), key=lambda c: c.start):
        text = doc.text[c.start : c.end]
        reading = c.reading or _within_calendar(lambda: _read_time(text, p), text, beyond)
        if reading is None:
            continue
        # offsets exclude any whitespace an entity carried at its edges
        start = c.start + (len(text) - len(text.lstrip()))
        end = c.end - (len(text) - len(text.rstrip()))
        span = doc.text[start:end]
        if reading.step is not None:
            reading = _within_calendar(lambda: _story_time(doc.text, start, reading, times), span, beyond)
        times.append(TimeExpr(start, end, span, reading.value, reading.grain, reading.anchored))
        if reading.relative and p is None:
            unanchored.append(span)
    notes = doc.notes
    if unanchored:
        detail = f"{len(unanchored)} relative time expression(s) without a publication date: " + ", ".join(
            repr(t) for t in unanchored[:5]
        )
        notes += (Note(STAGE, "times.unanchored", detail),)
    if beyond:
        detail = (f"{len(beyond)} time expression(s) fall outside the calendar (years 1-9999) and were left "
                  "unanchored: " + ", ".join(repr(t[:80]) for t in dict.fromkeys(beyond)))
        notes += (Note(STAGE, "times.out_of_range", detail[:1000], "warning"),)
    return replace(doc, times=tuple(times), notes=notes)
