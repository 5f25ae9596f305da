"""Periods of time as articles write them, worked out from the article's date.

"last year" in an article dated 2019-05-17 is 2018-01-01..2018-12-31; "over the
past 12 months" ends on the article's date; "a 13-day operation" ends on it too.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from safekg.extract import rules
from safekg.extract.numbers import words_to_number

MONTHS = (
    {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
    | {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
    | {"sept": 9}
)

_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)
_YEAR = r"(?:19|20)\d\d"
_COUNT = r"(?:\d+|[a-z]+(?:-[a-z]+)?)"
_UNIT = r"(?:days?|weeks?|fortnight|months?|years?)"


class _Gated:
    """A pattern run only over text that holds the words any match of it must hold.

    ``needs`` is a list of groups of literal strings written in the pattern
    itself: a match contains one string of every group, so text without one of
    them cannot match and is not scanned.
    """

    def __init__(self, pattern: str, *needs: tuple[str, ...]) -> None:
        self.pattern = re.compile(pattern)
        self.needs = needs

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        for group in self.needs:  # plain loops: this runs for every pattern and sentence
            for word in group:
                if word in text:
                    break
            else:
                return iter(())
        return self.pattern.finditer(text)


_MONTH_STEMS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_YEAR_STEMS = ("19", "20")
_FROM = ("between", "from")

# Anaphora: "in those 12 months", "during the same period".
_ANAPHORA = _Gated(
    r"\b(?:those|these|that|the same)\s+(?:\S+\s+)?(?:" + _UNIT + r"|period)\b"
    r"|\b(?:during|over|in|throughout) the (?:year|period|operation|campaign)\b(?! to\b)",
    (
        "those",
        "these",
        "that",
        "the same",
        "the year",
        "the period",
        "the operation",
        "the campaign",
    ),
)
# "since the strike force was set up": from a start said before, up to the article's date
_SINCE_SET_UP = _Gated(
    r"\bsince (?:the|it|its) [a-z ]{0,40}?(?:was |were )?(?:set up|formed|launched|created"
    r"|established|began|started)\b",
    ("since ",),
)
# Financial years: "2022-23", "2022/23 financial year", "FY2023".
_FINANCIAL_YEARS = _Gated(
    rf"\b({_YEAR})\s?[-/]\s?(\d\d)(?:\d\d)?\b(?:\s+(?:financial|fiscal)\s+year)?",
    _YEAR_STEMS,
    ("-", "/"),
)
_FY = _Gated(
    rf"\b(?:fy|fiscal year|financial year)\s?({_YEAR})\b",
    ("fy", "fiscal year", "financial year"),
    _YEAR_STEMS,
)
# Ranges of days: "between 14 and 29 March 2018", "from 14 to 29 March".
_DAY_RANGE = _Gated(
    rf"\b(?:between|from)\s+(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:and|to|-)\s+(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})(?:,?\s+({_YEAR}))?",
    _FROM,
    _MONTH_STEMS,
)
# Ranges of months: "between April and September 2020", "from October 2021 to March 2022".
_MONTH_RANGE = _Gated(
    rf"\b(?:between|from)\s+({_MONTH})(?:\s+({_YEAR}))?\s+(?:and|to|until|-)\s+({_MONTH})(?:,?\s+({_YEAR}))?",
    _FROM,
    _MONTH_STEMS,
)
# "between 2012 and 2021", "from 2019 to 2021"
_YEAR_RANGE = _Gated(
    rf"\b(?:between|from)\s+({_YEAR})\s+(?:and|to|-)\s+({_YEAR})\b", _FROM, _YEAR_STEMS
)
# "since April last year"
_SINCE_MONTH_OF_YEAR = _Gated(
    rf"\bsince\s+({_MONTH})\s+(last|this)\s+year\b", ("since",), _MONTH_STEMS
)
# "since January": from that month in the latest year it has begun
_SINCE_MONTH = _Gated(
    rf"\bsince\s+(?:the\s+(?:start|beginning)\s+of\s+)?({_MONTH})(?![\w.]|\s+(?:\d|last\b|this\b))",
    ("since",),
    _MONTH_STEMS,
)
# "since the first lockdown", "since April 2019", "since 2006", "since forming in 2006"
_SINCE = _Gated(
    r"\bsince\s+(?:(?:it was |being )?(?:formed|forming|created|launched|set up"
    r"|its creation|its launch)\s+in\s+)?(?:(the [a-z ]+?lockdown|the start of the pandemic"
    rf"|the pandemic began|lockdown began)|(?:({_MONTH})\s+)?({_YEAR}))",
    ("since",),
)
# "over the past 12 months", "in the last six months", "the previous two years", "past year"
_PAST = _Gated(
    rf"\b(?:over|in|during|within|for|throughout)?\s*(?:the\s+)?(?:past|last|previous|preceding)\s+(?:({_COUNT})\s+)?({_UNIT})\b",
    ("past", "last", "previous", "preceding"),
)
# "in the 12 months to March 2021", "the year to 30 June", "the twelve months to 31 March
# 2023", "the year ending March 31": a span that ends with that month
_MONTHS_TO = _Gated(
    rf"\bthe\s+(?:({_COUNT})\s+months|(?:financial\s+|fiscal\s+)?year)\s+"
    rf"(?:to|ending|ended|up\s+to|through)\s+(?:the\s+end\s+of\s+)?"
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?({_MONTH})(?:\s+\d{{1,2}}(?:st|nd|rd|th)?\b)?,?"
    rf"(?:\s+({_YEAR}))?",
    ("the",),
    ("months", "year"),
    _MONTH_STEMS,
)
# "on Tuesday": the latest such day on or before the article's date
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ON_WEEKDAY = _Gated(rf"\bon\s+({'|'.join(_WEEKDAYS)})\b", ("day",), ("on ",))
# "in the first quarter of this year", "the second half of 2022", "Q3 2023"
_PART_OF_YEAR = _Gated(
    r"\b(?:(first|second|third|fourth|final|last)\s+(quarter|half)\s+of\s+"
    rf"(?:(this|last|the)\s+year|({_YEAR}))|q([1-4])\s+({_YEAR}))\b",
    ("quarter", "half", "q"),
)
_PART_INDEX = {"first": 1, "second": 2, "third": 3, "fourth": 4, "final": 0, "last": 0}
# "ran over six weeks", "lasted ten days", "over a period of three months": an operation
# of that length ending on the article's date
_RAN_FOR = _Gated(
    r"\b(?:(?:ran|run|running|lasted|lasting|spanned|spanning|took\s+place)\s+"
    r"(?:over|for|across)?\s*(?:a\s+period\s+of\s+)?|over\s+a\s+period\s+of\s+)"
    rf"({_COUNT})\s+(days?|weeks?|months?)\b",
    ("ran", "run", "last", "spann", "took place", "period of"),
)
# "last year", "last month", "last week", "this year"
_LAST_UNIT = _Gated(
    r"(?<!\bany )(?<!\bevery )\b(last|this|previous)\s+(year|month|week)\b",
    ("last", "this", "previous"),
    ("year", "month", "week"),
)
# Operations of a length: "a 13-day operation", "13 days of action", "week-long"
_LENGTH = _Gated(
    rf"\b(?:(?:a|an|one)\s+)?(?:({_COUNT})[\s-])?(day|week|month|fortnight)[\s-]?long\b"
    rf"|\b({_COUNT})[\s-](days?|weeks?|months?)"
    r"(?:\s+of\s+(?:action|activity|concerted action|intensive activity)"
    r"|[\s-]+(?:long\s+)?(?:operation|crackdown|blitz|campaign|sting|investigation))"
    rf"|\bweek\s+of\s+(?:action|activity)\b",
    ("day", "week", "month", "fortnight"),
)
# Months: "in October", "in October 2022", "during March"
_IN_MONTH = _Gated(
    rf"\b(?:in|during|throughout|for|of)\s+({_MONTH})(?:\s+({_YEAR}))?\b", _MONTH_STEMS
)
# Years: "in 2019", "during 2017", "for 2021", "2019's"
_IN_YEAR = _Gated(
    rf"\b(?:in|during|throughout|for|of|(?:calendar |the )?year)\s+({_YEAR})\b(?![-/]\d)",
    _YEAR_STEMS,
)


@dataclass(frozen=True)
class Period:
    start: int
    end: int  # span in the text
    period_start: date | None
    period_end: date | None
    anaphoric: bool = False  # "in those 12 months": the period said before


@cache
def _config() -> dict[str, object]:
    return rules.toml("patterns", "periods.toml")


def _count(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text in {"a", "an", "one"}:
        return 1
    return words_to_number(text)


def _shift(day: date, unit: str, n: int) -> date:
    unit = unit.rstrip("s")
    if unit == "year":
        return _add_months(day, -12 * n)
    if unit == "month":
        return _add_months(day, -n)
    if unit == "fortnight":
        return day - timedelta(days=14 * n)
    if unit == "week":
        return day - timedelta(days=7 * n)
    return day - timedelta(days=n)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _year_for_month(month: int, published: date | None, explicit: str | None) -> int | None:
    if explicit:
        return int(explicit)
    if published is None:
        return None
    return published.year if month <= published.month else published.year - 1


def financial_year(first_year: int, country: str | None) -> tuple[date, date]:
    """The financial year that starts in ``first_year`` in ``country``."""
    starts = _config()["financial_year_start"]
    assert isinstance(starts, dict)
    month = int(str(starts.get(country or "default", starts["default"])))
    if month == 1:
        return date(first_year, 1, 1), date(first_year, 12, 31)
    begin = date(first_year, month, 1)
    return begin, _add_months(begin, 12) - timedelta(days=1)


def _event(name: str, country: str | None) -> date | None:
    events = _config()["events"]
    assert isinstance(events, dict)
    table = events.get(name.lower())
    if not isinstance(table, dict):
        return None
    raw = table.get(country or "default", table.get("default"))
    return date.fromisoformat(str(raw)) if raw else None


def find_periods(text: str, published: date | None, country: str | None = None) -> list[Period]:
    """Every period expression in ``text`` (a sentence), left to right."""
    found: list[Period] = []
    low = text.lower()

    def add(
        m: re.Match[str], start: date | None, end: date | None, anaphoric: bool = False
    ) -> None:
        if any(p.start <= m.start() < p.end or m.start() <= p.start < m.end() for p in found):
            return
        if start and end and start > end:
            return  # "since 2006" in an article of 2000: no such period
        found.append(Period(m.start(), m.end(), start, end, anaphoric))

    # Anaphora: "in those 12 months", "during the same period".
    for m in _ANAPHORA.finditer(low):
        add(m, None, None, anaphoric=True)
    # "since the strike force was set up": from a start said before, up to the article's date
    for m in _SINCE_SET_UP.finditer(low):
        add(m, None, published, anaphoric=True)
    # Financial years: "2022-23", "2022/23 financial year", "FY2023".
    for m in _FINANCIAL_YEARS.finditer(low):
        first = int(m.group(1))
        if (first + 1) % 100 == int(m.group(2)):
            s, e = financial_year(first, country)
            add(m, s, e)
    for m in _FY.finditer(low):
        s, e = financial_year(int(m.group(1)) - 1, country)
        add(m, s, e)
    # Ranges of days: "between 14 and 29 March 2018", "from 14 to 29 March".
    for m in _DAY_RANGE.finditer(low):
        month = MONTHS[m.group(3).rstrip(".")]
        year = _year_for_month(month, published, m.group(4))
        if year:
            add(m, date(year, month, int(m.group(1))), date(year, month, int(m.group(2))))
    # Ranges of months: "between April and September 2020", "from October 2021 to March 2022".
    for m in _MONTH_RANGE.finditer(low):
        m1, m2 = MONTHS[m.group(1).rstrip(".")], MONTHS[m.group(3).rstrip(".")]
        y2 = _year_for_month(m2, published, m.group(4))
        if y2:
            y1 = int(m.group(2)) if m.group(2) else (y2 if m1 <= m2 else y2 - 1)
            add(m, _month_range(y1, m1)[0], _month_range(y2, m2)[1])
    # "between 2012 and 2021", "from 2019 to 2021"
    for m in _YEAR_RANGE.finditer(low):
        add(m, date(int(m.group(1)), 1, 1), date(int(m.group(2)), 12, 31))
    # "since April last year"
    for m in _SINCE_MONTH_OF_YEAR.finditer(low):
        if published:
            year = published.year - (1 if m.group(2) == "last" else 0)
            add(m, date(year, MONTHS[m.group(1).rstrip(".")], 1), published)
    # "since the first lockdown", "since April 2019", "since 2006", "since forming in 2006"
    for m in _SINCE.finditer(low):
        if published is None:
            begin = None
        elif m.group(1):
            begin = _event(m.group(1), country)
        elif m.group(2):
            begin = date(int(m.group(3)), MONTHS[m.group(2).rstrip(".")], 1)
        else:
            begin = date(int(m.group(3)), 1, 1)
        add(m, begin, published)
    # "since January"
    for m in _SINCE_MONTH.finditer(low):
        month = MONTHS[m.group(1).rstrip(".")]
        year = _year_for_month(month, published, None)
        add(m, date(year, month, 1) if year else None, published)
    # "over the past 12 months", "in the last six months", "the previous two years", "past year"
    for m in _PAST.finditer(low):
        if (
            m.group(2) in {"year", "month", "week"}
            and m.group(1) is None
            and not re.match(r"\s*(?:over|in|during|within|for|throughout)?\s*the\s", m.group(0))
        ):
            continue  # "last year" (calendar), handled below
        n = _count(m.group(1)) if m.group(1) else 1
        if n and published:
            add(m, _shift(published, m.group(2), n), published)
    # "in the 12 months to March 2021", "the year to 30 June"
    for m in _MONTHS_TO.finditer(low):
        n = _count(m.group(1)) if m.group(1) else 12
        month = MONTHS[m.group(2).rstrip(".")]
        year = _year_for_month(month, published, m.group(3))
        if n and year:
            end = _month_range(year, month)[1]
            if published and not m.group(3) and end > published:
                end = _month_range(year - 1, month)[1]  # the latest such span before the article
            add(m, _add_months(end + timedelta(days=1), -n), end)
    # "on Tuesday"
    for m in _ON_WEEKDAY.finditer(low):
        if published is None:
            add(m, None, None)
            continue
        back = (published.weekday() - _WEEKDAYS.index(m.group(1))) % 7
        day = published - timedelta(days=back)
        add(m, day, day)
    # "in the first quarter of this year", "Q3 2023"
    for m in _PART_OF_YEAR.finditer(low):
        if m.group(5):
            part, size, year_of = int(m.group(5)), 3, int(m.group(6))
        else:
            size = 3 if m.group(2) == "quarter" else 6
            part = _PART_INDEX[m.group(1)] or 12 // size
            if m.group(4):
                year_of = int(m.group(4))
            elif published is None:
                add(m, None, None)
                continue
            else:
                year_of = published.year - (1 if m.group(3) == "last" else 0)
        if part > 12 // size:
            continue  # "the third half of"
        opening = date(year_of, (part - 1) * size + 1, 1)
        add(m, opening, _add_months(opening, size) - timedelta(days=1))
    # "ran over six weeks"
    for m in _RAN_FOR.finditer(low):
        n = _count(m.group(1))
        if published is None:
            add(m, None, None)
        elif n:  # counted inclusively, as the operations of a length above
            add(m, _shift(published, m.group(2), n) + timedelta(days=1), published)
    # "last year", "last month", "last week", "this year"
    for m in _LAST_UNIT.finditer(low):
        if published is None:
            add(m, None, None)
            continue
        which, unit = m.group(1), m.group(2)
        if unit == "year":
            year = published.year - (0 if which == "this" else 1)
            add(m, date(year, 1, 1), published if which == "this" else date(year, 12, 31))
        elif unit == "month":
            if which == "this":
                add(m, published.replace(day=1), published)
            else:
                prev = _add_months(published.replace(day=1), -1)
                add(m, *_month_range(prev.year, prev.month))
        elif which == "this":
            add(m, published - timedelta(days=published.weekday()), published)
        else:  # the previous Monday to Sunday
            monday = published - timedelta(days=published.weekday() + 7)
            add(m, monday, monday + timedelta(days=6))
    # Operations of a length: "a 13-day operation", "13 days of action", "week-long"
    for m in _LENGTH.finditer(low):
        if published is None:
            add(m, None, None)
            continue
        if m.group(2):
            n, unit = (_count(m.group(1)) if m.group(1) else 1), m.group(2)
        elif m.group(4):
            n, unit = _count(m.group(3)), m.group(4)
        else:
            n, unit = 1, "week"
        if n:
            days = {"day": 1, "week": 7, "fortnight": 14, "month": 30}[unit.rstrip("s")] * n
            add(m, published - timedelta(days=days - 1), published)
    # Months: "in October", "in October 2022", "during March"
    for m in _IN_MONTH.finditer(low):
        month = MONTHS[m.group(1).rstrip(".")]
        if m.group(1).rstrip(".") == "may" and not m.group(2):
            continue  # "in may" is usually the verb
        year = _year_for_month(month, published, m.group(2))
        if year:
            add(m, *_month_range(year, month))
    # Years: "in 2019", "during 2017", "for 2021", "2019's"
    for m in _IN_YEAR.finditer(low):
        year = int(m.group(1))
        add(m, date(year, 1, 1), date(year, 12, 31))
    found.sort(key=lambda p: p.start)
    if "year" in low:
        found = _years_before(low, found)
    return found


# "up from 2,915 the year before", "against 640 the previous year": the year before the
# one just named, not the year before the article
_YEAR_BEFORE = re.compile(
    r"\b(?:the\s+(?:year|twelve\s+months|12\s+months)\s+(?:before|prior|earlier)"
    r"|the\s+(?:previous|preceding|prior)\s+year|a\s+year\s+(?:earlier|before))\b"
)


def _years_before(low: str, found: list[Period]) -> list[Period]:
    for m in _YEAR_BEFORE.finditer(low):
        named = [
            p
            for p in found
            if p.end <= m.start() and not p.anaphoric and p.period_start and p.period_end
        ]
        if not named:
            continue
        base = named[-1]
        assert base.period_start is not None and base.period_end is not None
        earlier = Period(
            m.start(),
            m.end(),
            _shift(base.period_start, "year", 1),
            _shift(base.period_end, "year", 1),
            False,
        )
        kept = [p for p in found if not (p.start < m.end() and m.start() < p.end)]
        found = sorted([*kept, earlier], key=lambda p: p.start)
    return found
