"""The outcome figures of a short article written for a test, as the extraction tests read them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from safekg.extract import extract
from safekg.models import Article, Outcome

#: The date the test articles are published on, unless a test says otherwise.
PUBLISHED = date(2024, 3, 5)


def outcomes_of(text: str, published: date | None = PUBLISHED) -> tuple[Outcome, ...]:
    """Every outcome figure extracted from ``text``."""
    return extract(Article(id="t", text=text, published=published)).outcomes


def figures_of(text: str) -> set[tuple[str, Decimal]]:
    """Each figure's measure and value."""
    return {(o.measure, o.value) for o in outcomes_of(text)}


def agency_of(text: str, measure: str, value: int) -> str | None:
    """The body the first figure of ``measure`` and ``value`` is credited to; it must exist."""
    found = [o for o in outcomes_of(text) if o.measure == measure and o.value == Decimal(value)]
    assert found, (measure, value)
    return found[0].agency
