"""Periods worked out from the article's date."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safekg.extract.periods import financial_year, find_periods

PUBLISHED = date(2023, 9, 8)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("arrested last year", date(2022, 1, 1), date(2022, 12, 31)),
        ("Over the last 12 months, the team", date(2022, 9, 8), PUBLISHED),
        ("in the past six months", date(2023, 3, 8), PUBLISHED),
        ("In 2019 they safeguarded", date(2019, 1, 1), date(2019, 12, 31)),
        ("between April and September 2020", date(2020, 4, 1), date(2020, 9, 30)),
        ("from 14 to 29 March", date(2023, 3, 14), date(2023, 3, 29)),
        ("since April 2019", date(2019, 4, 1), PUBLISHED),
        ("since the first lockdown", date(2020, 3, 23), PUBLISHED),
        ("In 13 days of concerted action", date(2023, 8, 27), PUBLISHED),
        ("during a week-long operation", date(2023, 9, 2), PUBLISHED),
        ("last week", date(2023, 8, 28), date(2023, 9, 3)),
        ("in October", date(2022, 10, 1), date(2022, 10, 31)),
        ("so far this year", date(2023, 1, 1), PUBLISHED),
    ],
)
def test_period(text: str, start: date, end: date) -> None:
    (period,) = find_periods(text, PUBLISHED, "GB")
    assert (period.period_start, period.period_end) == (start, end)


@pytest.mark.parametrize(
    ("country", "start", "end"),
    [
        ("GB", date(2022, 4, 1), date(2023, 3, 31)),
        ("CA", date(2022, 4, 1), date(2023, 3, 31)),
        ("AU", date(2022, 7, 1), date(2023, 6, 30)),
        ("US", date(2022, 10, 1), date(2023, 9, 30)),
    ],
)
def test_financial_years_follow_the_country(country: str, start: date, end: date) -> None:
    assert financial_year(2022, country) == (start, end)
    (period,) = find_periods("in the 2022-23 financial year", PUBLISHED, country)
    assert (period.period_start, period.period_end) == (start, end)


def test_anaphora_is_marked() -> None:
    (period,) = find_periods("in those 12 months", PUBLISHED, "GB")
    assert period.anaphoric


def test_relative_periods_need_a_date() -> None:
    (period,) = find_periods("arrested last year", None, "GB")
    assert period.period_start is None and period.period_end is None


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
    st.sampled_from(
        [
            "last year",
            "over the past 12 months",
            "in the last six weeks",
            "last month",
            "a 13-day operation",
            "since 2006",
            "this year",
            "in March",
            "between May and July",
        ]
    ),
)
def test_periods_are_ordered(published: date, text: str) -> None:
    for period in find_periods(text, published, "GB"):
        if period.period_start and period.period_end:
            assert period.period_start <= period.period_end


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        # a span ending with a month: the latest such span before the article's date
        ("in the year to February, the unit", date(2022, 3, 1), date(2023, 2, 28)),
        ("over the year to 30 September", date(2021, 10, 1), date(2022, 9, 30)),
        ("In the twelve months to 31 December 2021,", date(2021, 1, 1), date(2021, 12, 31)),
        ("the year ending June 30, 2020", date(2019, 7, 1), date(2020, 6, 30)),
        ("on Monday the squad", date(2023, 9, 4), date(2023, 9, 4)),
        ("in the second quarter of this year", date(2023, 4, 1), date(2023, 6, 30)),
        ("during the first half of 2021", date(2021, 1, 1), date(2021, 6, 30)),
        ("the sweep, which lasted ten days,", date(2023, 8, 30), PUBLISHED),
        ("Since February the team has", date(2023, 2, 1), PUBLISHED),
    ],
)
def test_more_period_wordings(text: str, start: date, end: date) -> None:
    (period,) = find_periods(text, PUBLISHED, "GB")
    assert (period.period_start, period.period_end) == (start, end)


def test_any_previous_year_is_a_comparison_not_a_period() -> None:
    found = find_periods("more cases in the year to July than in any previous year", PUBLISHED)
    assert [(p.period_start, p.period_end) for p in found] == [
        (date(2022, 8, 1), date(2023, 7, 31))
    ]
