"""Funding: sums of money given to or invested in policing work."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from safekg.extract import rules
from safekg.extract.agencies import AgencyIndex
from safekg.extract.fast import WordList
from safekg.extract.numbers import dollar_currency, find_numbers
from safekg.extract.text import Sentence


@dataclass(frozen=True)
class Grant:
    amount: Decimal
    currency: str
    start: int
    end: int
    sentence: Sentence
    recipient: str | None  # agency key
    funder: str | None
    confidence: float


@dataclass(frozen=True)
class _Lexicon:
    triggers: WordList
    blockers: WordList
    funder_verbs: WordList


@cache
def lexicon() -> _Lexicon:
    data: dict[str, Any] = rules.toml("patterns", "funding.toml")
    return _Lexicon(
        WordList(data["triggers"]), WordList(data["blockers"]), WordList(data["funder_verbs"])
    )


def find_funding(
    sentences: list[Sentence], agencies: AgencyIndex, country: str | None
) -> list[Grant]:
    """Every sum of money the article gives as funding."""
    lex = lexicon()
    out: list[Grant] = []
    seen: set[tuple[Decimal, str]] = set()
    for sentence in sentences:
        text = sentence.text
        if not lex.triggers.search(text):
            continue
        for n in find_numbers(text):
            if n.currency is None or n.value <= 0:
                continue
            window = text[max(0, n.start - 40) : n.end + 40]
            if lex.blockers.search(window):
                continue
            currency = dollar_currency(country) if n.currency == "$" else n.currency
            key = (n.value, currency)
            if key in seen:
                continue
            seen.add(key)
            funder, recipient = _parties(sentence, n.start, n.end, agencies)
            out.append(
                Grant(
                    n.value,
                    currency,
                    sentence.start + n.start,
                    sentence.start + n.end,
                    sentence,
                    recipient,
                    funder,
                    0.8,
                )
            )
    return out


def _parties(
    sentence: Sentence, start: int, end: int, agencies: AgencyIndex
) -> tuple[str | None, str | None]:
    """Who gives (subject of a giving verb, or "from X") and who receives ("to X", "for X")."""
    lex = lexicon()
    mentions = [m for m in agencies.mentions if sentence.start <= m.start < sentence.end]
    funder = recipient = None
    text = sentence.text
    for m in mentions:
        s, e = m.start - sentence.start, m.end - sentence.start
        before = text[max(0, s - 25) : s].lower()
        after = text[e : e + 40]
        if re.search(r"\bfrom\s+(?:the\s+)?$", before) or (
            e <= start and lex.funder_verbs.search(after)
        ):
            funder = funder or m.key
        elif re.search(
            r"\b(?:to|for|in|into|towards|toward)\s+(?:the\s+)?(?:[a-z]+\s+)?$", before
        ) or re.match(
            r"\s+(?:will|has|have|is|are|was|were)?\s*"
            r"(?:receive|received|receives|get|gets|got|be given)",
            after,
        ):
            recipient = recipient or m.key
    if recipient is None and agencies.main and agencies.main != funder:
        recipient = agencies.main
    return funder, recipient
