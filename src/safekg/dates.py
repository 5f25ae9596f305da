"""Reading the date an article was published from a date as people write it.

``parse_date`` reads one standalone date in any common English style::

    >>> parse_date("Saturday, 17th March 2018")
    datetime.date(2018, 3, 17)
    >>> parse_date("Dec. 16, 2022")
    datetime.date(2022, 12, 16)

Regular expressions and ``datetime.date`` do the work. Measured on the English
forms above, dateparser (1.5, English only, strict) gives the same dates but
takes about 0.9 ms a date against 10 us here, plus about 0.4 s to import and
warm up; it also cannot find a date inside a line ("Posted on 16 July 2014 by
admin" gives None), so the rules must cut the date out first either way.
dateparser is kept for what regular expressions cannot do, dates in other
languages ("18 de noviembre de 2024"): ``parse_date_any`` tries it, imported
on first use only, and ingest calls it only for the value of a labelled header
line ("Published: ...") that ``parse_date`` cannot read.

Numeric dates are read day first, as in the UK ("03/04/2020" is 3 April),
unless that is impossible and month first is not ("12/25/2020"). A two-digit
year is read as strptime's ``%y`` reads it (69-99 -> 1900s, 00-68 -> 2000s).

The pattern texts (``DATE``, ``ISO_DATE``, ``TIME``, ``WEEKDAY``) are exported
without capturing groups so rule files (``data/patterns/date_headers.jsonl``)
can embed them.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

__all__ = [
    "DATE",
    "DATEPARSER_LANGUAGES",
    "ISO_DATE",
    "TIME",
    "WEEKDAY",
    "parse_date",
    "parse_date_any",
    "parse_iso_date",
]

_MONTHS: dict[str, int] = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
#: A day of the week, full or abbreviated ("Saturday", "Sat.", "Tues").
WEEKDAY = (
    r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?"
    r"|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\b\.?"
)
_DAY = r"(?:0?[1-9]|[12][0-9]|3[01])(?:st|nd|rd|th)?\b"
_YEAR = r"\d{4}\b"

# One template, with named groups for parse_date; the exported texts drop the names.
_DATE_TEMPLATE = (
    r"(?:"
    # 2022-12-16, 2022/12/16
    r"(?P<iy>\d{4})(?P<isep>[-/])(?P<im>\d{1,2})(?P=isep)(?P<id>\d{1,2})(?!\d)"
    # 16 December 2022, 17th March 2018, the 17th of March, 2018, 16 Dec. 2022
    r"|(?:the\s+)?(?P<dd>" + _DAY + r")(?:\s+of)?[\s-]+(?P<dm>" + _MONTH + r")[\s,-]+"
    r"(?P<dy>" + _YEAR + r")"
    # Dec. 16, 2022, December 16th 2022, Nov. 30, 2022
    r"|(?P<mm>" + _MONTH + r")\s*(?P<md>" + _DAY + r")(?:\s*,\s*|\s+)(?P<my>" + _YEAR + r")"
    # 16/07/2014, 16.12.2011, 16-07-2014, 16/07/14
    r"|(?P<na>\d{1,2})(?P<nsep>[/.-])(?P<nb>\d{1,2})(?P=nsep)(?P<ny>\d{4}|\d{2})(?![\d/.-]\d)"
    r")"
)

#: A time of day after a date ("13:43", "14:41:52", "10am", "T10:00:00+01:00", and
#: "14h32" or "14u32" as French and Dutch write it).
TIME = (
    r"(?:\d{1,2}[hu]\d{2}\b"
    r"|T?\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?(?:\s*[ap]\.?m\b\.?)?"
    r"|\d{1,2}\s*[ap]\.?m\b\.?)"
    r"(?:\s*(?:Z|[+-]\d{2}:?\d{2}|\(?(?:UTC|GMT|BST|CET|CEST|[ECMP][SD]T|AEST|AEDT)\)?))?"
)


def _unnamed(pattern: str) -> str:
    return re.sub(r"\(\?P=\w+\)", r"[-/.]", re.sub(r"\(\?P<\w+>", "(?:", pattern))


#: Any date form ``parse_date`` reads, without a weekday or time, no capturing groups.
DATE = _unnamed(_DATE_TEMPLATE)
#: An ISO 8601 calendar date (2019-05-17).
ISO_DATE = r"\d{4}-\d{2}-\d{2}(?!\d)"

_STANDALONE = re.compile(
    r"\s*[(\[]?\s*(?:"
    + TIME
    + r"\s*,?\s*)?(?:"
    + WEEKDAY
    + r"\s*,?\s*)?"
    + _DATE_TEMPLATE
    + r"(?:(?:\s*,\s*|\s+|(?=T))(?:at\s+)?"
    + TIME
    + r")?\s*[)\]]?[\s.,]*",
    re.IGNORECASE,
)
_ISO_FULL = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?",
)
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")


def _ymd(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _from_match(m: re.Match[str]) -> date | None:
    if m["iy"]:
        return _ymd(int(m["iy"]), int(m["im"]), int(m["id"]))
    if m["dd"]:
        return _ymd(int(m["dy"]), _MONTHS[m["dm"][:3].lower()], int(re.sub(r"\D", "", m["dd"])))
    if m["mm"]:
        return _ymd(int(m["my"]), _MONTHS[m["mm"][:3].lower()], int(re.sub(r"\D", "", m["md"])))
    first, second, year = int(m["na"]), int(m["nb"]), int(m["ny"])
    if len(m["ny"]) == 2:
        year += 1900 if year >= 69 else 2000
    if second > 12 and first <= 12:  # 12/25/2020 can only be month first
        first, second = second, first
    day_first = _ymd(year, second, first)
    named = _WEEKDAY_NAMED.match(m.string)
    if named and day_first and first != second:  # "Thu 11/09/2023": the weekday settles it
        weekday = _WEEKDAYS.index(named["weekday"][:3].lower())
        month_first = _ymd(year, first, second)
        if day_first.weekday() != weekday and month_first and month_first.weekday() == weekday:
            return month_first
    return day_first


_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_NAMED = re.compile(
    r"\s*[(\[]?\s*(?:" + TIME + r"\s*,?\s*)?(?P<weekday>(?i:mon|tue|wed|thu|fri|sat|sun))"
)


def parse_date(text: str) -> date | None:
    """The date that ``text`` is, or None when it is not one whole date.

    Reads "2022-12-16", "16 December 2022", "Dec. 16, 2022", "17th March 2018",
    "Saturday, 17th March 2018", "16/07/2014" (day first, unless a weekday
    written before it fits only month first: "Thu 11/09/2023"), "16.12.2011", with
    or without a time after it ("08 September 2023 13:43",
    "2022-12-16T10:00:00Z"). The time and any time zone are dropped: the date
    is the one written. A month without a day ("November 2018"), a date inside
    a sentence, or an impossible date ("31 February 2020") gives None.
    """
    if not text or len(text) > 200:
        return None
    m = _STANDALONE.fullmatch(_SPACES.sub(" ", text))
    return _from_match(m) if m else None


def parse_iso_date(text: str) -> date | None:
    """The date of an ISO 8601 date or date-time string ("2023-09-08T13:43:00Z"), else None."""
    m = _ISO_FULL.fullmatch(text.strip())
    return _ymd(int(m[1]), int(m[2]), int(m[3])) if m else None


#: The languages dateparser may read (detecting among all of them is slow, and wrong
#: on short strings: with every language "x 12 2022" reads as 12 October 2022).
DATEPARSER_LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "nl")
# What a date in words looks like: a day, a four-digit year and a word of 3+ letters.
_WORDY_DATE = re.compile(r"(?=.*\b\d{4}\b)(?=.*\b\d{1,2}\b)(?=.*[^\W\d_]{3})[^\n]{6,40}")
_dateparser_settings: dict[str, Any] = {
    "STRICT_PARSING": True,  # no day, month or year filled in from today
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PARSERS": ["absolute-time"],  # never "yesterday" or "3 days ago": relative to when we run
    "DATE_ORDER": "DMY",
}
_dateparser_missing = False


def parse_date_any(text: str) -> date | None:
    """``parse_date``, then dateparser for a date in words that it cannot read.

    dateparser reads the ``DATEPARSER_LANGUAGES`` ("18 de noviembre de 2024",
    "16 Dezember 2022"). It is imported on first use, and only if it is
    installed; without it this is ``parse_date``. Only text shaped like a date
    in words (a day, a four-digit year, a word, at most 40 characters) is given
    to it, and only absolute dates with day, month and year count, so the answer
    never depends on the day it runs. The first call costs about 0.3 s.
    """
    found = parse_date(text)
    if found is not None or _WORDY_DATE.fullmatch(text.strip()) is None:
        return found
    global _dateparser_missing
    if _dateparser_missing:
        return None
    try:
        import dateparser  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        _dateparser_missing = True
        return None
    try:
        parsed = dateparser.parse(
            text, languages=list(DATEPARSER_LANGUAGES), settings=_dateparser_settings
        )
    except Exception:  # dateparser raises assorted errors on odd input; none of ours
        return None
    return parsed.date() if parsed is not None else None
