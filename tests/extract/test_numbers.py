"""Numbers as prose writes them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safekg.extract.numbers import dollar_currency, find_numbers, words_to_number


@pytest.mark.parametrize(
    ("text", "value", "qualifier", "currency"),
    [
        ("More than 70 arrests", 70, "more_than", None),
        ("nearly 300 suspects", 300, "nearly", None),
        ("reached 1.7m children", 1_700_000, "exact", None),
        ("a £20-million investment", 20_000_000, "exact", "GBP"),
        ("a grant of $68.6m", 68_600_000, "exact", "$"),
        ("C$2.1 million for the unit", 2_100_000, "exact", "CAD"),
        ("€500,000 from the ministry", 500_000, "exact", "EUR"),
        ("in excess of 4,000 reports", 4000, "more_than", None),
        ("almost a million images", 1_000_000, "nearly", None),
        ("around 60 warrants", 60, "about", None),
        ("up to 12 officers", 12, "up_to", None),
        ("an estimated 4,000 children", 4000, "estimated", None),
        ("at least three more", 3, "at_least", None),
        ("60+ searches", 60, "more_than", None),
        ("a dozen men", 12, "exact", None),
        ("Twenty-five were convicted", 25, "exact", None),
        ("one hundred and twelve arrests", 112, "exact", None),
        ("2.3 lakh reports", 230_000, "exact", None),
        ("R12.5 million from the ministry", 12_500_000, "exact", "ZAR"),
        ("1 million pounds", 1_000_000, "exact", "GBP"),
    ],
)
def test_reads_the_figure(text: str, value: int, qualifier: str, currency: str | None) -> None:
    found = find_numbers(text)
    assert found, text
    first = found[0]
    assert first.value == Decimal(value)
    assert first.qualifier == qualifier
    assert first.currency == currency


@pytest.mark.parametrize(
    "text",
    ["a handful of men", "hundreds of children", "scores of suspects", "thousands of images"],
)
def test_vague_words_are_not_numbers(text: str) -> None:
    assert find_numbers(text) == []


def test_letters_are_not_currency_marks() -> None:
    # the "r" of "for" must not read as the rand
    assert [n.currency for n in find_numbers("jailed for 68 years")] == [None]


def test_years_and_percentages_are_marked() -> None:
    year, percent = find_numbers("In 2019 there was a 76% increase")
    assert year.year_like and not percent.year_like
    assert percent.percent and percent.value == 76


def test_words_to_number() -> None:
    assert words_to_number("forty-two") == 42
    assert words_to_number("two million") == 2_000_000
    assert words_to_number("hundred") is None
    assert words_to_number("banana") is None


def test_dollar_follows_the_country() -> None:
    assert dollar_currency("CA") == "CAD"
    assert dollar_currency("AU") == "AUD"
    assert dollar_currency(None) == "USD"


@given(st.integers(min_value=0, max_value=10**9))
def test_digits_with_separators_round_trip(value: int) -> None:
    text = f"officers made {value:,} arrests"
    (found,) = [n for n in find_numbers(text) if not n.year_like or value < 1900 or value > 2100]
    assert found.value == value


@given(st.text(max_size=300))
def test_never_raises(text: str) -> None:
    for n in find_numbers(text):
        assert 0 <= n.start <= n.end <= len(text)


def test_number_words_join_with_and_only_after_a_scale() -> None:
    found = find_numbers("between seven and nine girls")
    assert [(n.value, n.qualifier) for n in found] == [(Decimal(7), "at_least")]
    assert [n.value for n in find_numbers("three and five")] == [Decimal(3), Decimal(5)]
    assert [n.value for n in find_numbers("two hundred and six")] == [Decimal(206)]


def test_a_range_keeps_years_and_money_apart() -> None:
    assert len(find_numbers("between 2015 and 2018")) == 2
    assert len(find_numbers("between £2m and £3m")) == 2


def test_odd_after_a_figure_is_about() -> None:
    (n,) = find_numbers("some 450-odd laptops")
    assert (n.value, n.qualifier) == (Decimal(450), "about")


def test_brazilian_reais() -> None:
    (n,) = find_numbers("a R$8.5 million fund")
    assert (n.value, n.currency) == (Decimal(8_500_000), "BRL")
