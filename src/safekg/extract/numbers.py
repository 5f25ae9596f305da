"""Numbers as written in prose: "nearly 300", "1.7m", "£20 million", "two women".

``find_numbers`` returns every number mention in a piece of text with its value
(a ``Decimal``), the qualifier written around it and, for money, the currency
mark. Vague words ("hundreds", "a handful", "scores of") are not numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from typing import Any

from safekg.extract import rules
from safekg.extract.fast import folded_trie, trie


@dataclass(frozen=True)
class Number:
    start: int
    end: int  # the span of the figure itself, qualifier and currency included
    value: Decimal
    qualifier: str = "exact"
    currency: str | None = None  # ISO 4217, or "$" when only the dollar sign is known
    percent: bool = False
    word: bool = False  # written in words ("twenty-five")
    year_like: bool = False  # four digits that read as a year ("in 2019")


@dataclass(frozen=True)
class _Lexicon:
    words: dict[str, int]
    scales: dict[str, int]
    suffixes: dict[str, int]
    phrases: dict[str, int]
    qualifiers: list[tuple[str, str]]
    post_qualifiers: list[tuple[str, str]]
    currency_prefixes: list[tuple[str, str]]
    currency_words: list[tuple[str, str]]
    dollar_by_country: dict[str, str]
    pattern: re.Pattern[str]
    starts: _Starts


def _longest_first(table: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted(((k, str(v)) for k, v in table.items()), key=lambda kv: -len(kv[0]))


@cache
def lexicon() -> _Lexicon:
    data = rules.toml("patterns", "numbers.toml")
    words = {**data["units"], **data["tens"]}
    scales = dict(data["scales"])
    suffixes = dict(data["suffix_scales"])
    phrases = dict(data["phrases"])
    qualifiers = _longest_first(data["qualifiers"])
    post = _longest_first(data["post_qualifiers"])
    cprefix = _longest_first(data["currency_prefixes"])
    cwords = _longest_first(data["currency_words"])
    # tries of the words, each the same as its alternation longest first (see fast.py)
    word_alt = folded_trie([*words, *scales])
    phrase_alt = folded_trie(phrases)
    prefix_alt = trie(p for p, _ in cprefix)  # case-sensitive: "R" is a rand, "r" is not
    suffix_alt = folded_trie(suffixes)
    scale_alt = folded_trie(scales)
    # Indian grouping first ("1,02,460", "12,34,567"): lakhs and crores are grouped in twos
    digits = (
        r"\d{1,2}(?:,\d{2})+,\d{3}(?![\d,])(?:\.\d+)?"
        r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
    )
    # "and" joins number words only after a scale ("one hundred and twelve"): "four and
    # six" are two numbers
    after_scale = "|".join(rf"(?<={re.escape(w)})" for w in sorted({w.lower() for w in scales}))
    word_number = rf"(?:{word_alt})(?:(?:[\s-]+|(?:{after_scale})\s+and\s+)(?:{word_alt}))*"
    pattern = re.compile(
        rf"(?P<cur>(?<![A-Za-z])(?-i:{prefix_alt})\s?)?"
        rf"(?:(?P<digits>{digits})(?:(?P<suffix>{suffix_alt})\b|(?:\s?-?\s?(?P<scale>{scale_alt})\b))?"
        rf"|(?P<phrase>\b(?:{phrase_alt})\b)"
        rf"|(?P<words>\b{word_number}\b))"
        rf"(?P<pct>\s?(?:%|per\s?cent\b|percent\b))?",
        re.IGNORECASE,
    )
    return _Lexicon(
        words={k.lower(): int(v) for k, v in words.items()},
        scales={k.lower(): int(v) for k, v in scales.items()},
        suffixes={k.lower(): int(v) for k, v in suffixes.items()},
        phrases={k.lower(): int(v) for k, v in phrases.items()},
        qualifiers=qualifiers,
        post_qualifiers=post,
        currency_prefixes=cprefix,
        currency_words=cwords,
        dollar_by_country={k: str(v) for k, v in data["dollar_by_country"].items()},
        pattern=pattern,
        starts=_Starts([p for p, _ in cprefix], [*words, *scales], list(phrases)),
    )


_NOT_LETTER = str.maketrans({c: " " for c in map(chr, range(128)) if not c.isalpha()})


class _Starts:
    """Where a number can start in a text: a superset of where ``pattern`` matches.

    ``pattern`` has no literal start, so ``re`` tries all of it at every
    character. A number starts with a digit, a currency mark or a number word
    (or the first word of a phrase) standing as a whole word; finding those
    first and trying ``pattern`` only there gives what ``finditer`` gives.
    """

    def __init__(self, prefixes: list[str], words: list[str], phrases: list[str]) -> None:
        marks = "".join(sorted({p[0] for p in prefixes}))
        self.symbols = re.compile(rf"[\d{re.escape(marks)}]")
        # a word's or phrase's first whole word: the shortcut holds when it is ASCII letters
        firsts = {re.split(r"\W", w, maxsplit=1)[0].lower() for w in [*words, *phrases]}
        self.usable = all(f.isascii() and f.isalpha() for f in firsts)
        self.words = frozenset(re.split(r"\W", w, maxsplit=1)[0].lower() for w in words)
        self.phrases = re.compile(trie(p.lower() for p in phrases))  # found anywhere
        self.any_case = re.compile(rf"\b{folded_trie(firsts)}\b", re.IGNORECASE)
        self.lower_case = re.compile(rf"\b{trie(firsts)}\b")

    def __call__(self, text: str) -> list[int]:
        found = [m.start() for m in self.symbols.finditer(text)]
        if not text.isascii():
            words = [m.start() for m in self.any_case.finditer(text)]
        else:
            low = text.lower()
            if self.words.isdisjoint(low.translate(_NOT_LETTER).split()) and not (
                self.phrases.search(low)
            ):
                return found  # no number word, no phrase ("a dozen"): the usual sentence
            words = [m.start() for m in self.lower_case.finditer(low)]
        return sorted(found + words) if words else found


def _matches(text: str) -> Iterator[re.Match[str]]:
    """``lexicon().pattern.finditer(text)``, trying the pattern only where a number can start."""
    lex = lexicon()
    if not lex.starts.usable:
        yield from lex.pattern.finditer(text)
        return
    end = 0
    for start in lex.starts(text):
        if start >= end:
            m = lex.pattern.match(text, start)
            if m is not None:
                end = m.end()
                yield m


def words_to_number(text: str) -> int | None:
    """ "twenty-five" -> 25, "one hundred and twelve" -> 112, "two million" -> 2000000."""
    lex = lexicon()
    total = 0
    current = 0
    seen = False
    for token in re.split(r"[\s-]+", text.lower()):
        if not token or token == "and":
            continue
        if token in lex.words:
            current += lex.words[token]
            seen = True
        elif token in lex.scales:
            scale = lex.scales[token]
            if not seen:
                return None  # a bare "hundred" / "thousand" is not a count
            if scale == 100:
                current = (current or 1) * 100
            else:
                total += (current or 1) * scale
                current = 0
        else:
            return None
    return total + current if seen else None


@cache
def _qualifier_patterns() -> tuple[
    re.Pattern[str], dict[str, str], re.Pattern[str], dict[str, str]
]:
    lex = lexicon()
    before = trie(p for p, _ in lex.qualifiers)  # the alternation, longest first
    words = "|".join(re.escape(p) for p, _ in lex.currency_words)
    return (
        re.compile(rf"(?:^|(?<=[^\w]))(?P<q>{before})\s+$"),
        {p: c for p, c in lex.qualifiers},
        re.compile(rf"\s+(?P<w>{words})\b", re.IGNORECASE),
        {p.lower(): c for p, c in lex.currency_words},
    )


def _qualifier_before(text: str, start: int) -> tuple[str, int]:
    """The qualifier written just before ``start`` and where it begins."""
    head = text[max(0, start - 40) : start].lower()
    pattern, codes, _, _ = _qualifier_patterns()
    m = pattern.search(head)
    if m is None:
        return "exact", start
    return codes[m.group("q")], start - (len(head) - m.start("q"))


def _qualifier_after(text: str, end: int) -> tuple[str | None, int]:
    tail = text[end : end + 12].lower()
    for phrase, code, pattern in _post_qualifier_patterns():
        if phrase == "+":
            if tail.startswith("+"):
                return code, end + 1
            continue
        m = pattern.match(tail)
        if m:
            return code, end + m.end()
    return None, end


@cache
def _post_qualifier_patterns() -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    def pattern(phrase: str) -> re.Pattern[str]:
        space = "" if phrase.startswith("-") else r"\s+"  # "1,200-odd" is glued to the figure
        return re.compile(rf"{space}{re.escape(phrase)}\b")

    return tuple((phrase, code, pattern(phrase)) for phrase, code in lexicon().post_qualifiers)


def _currency_after(text: str, end: int) -> tuple[str | None, int]:
    _, _, pattern, codes = _qualifier_patterns()
    m = pattern.match(text, end, min(len(text), end + 30))
    if m is None:
        return None, end
    return codes[m.group("w").lower()], m.end()


def _to_decimal(digits: str) -> Decimal | None:
    try:
        return Decimal(digits.replace(",", ""))
    except InvalidOperation:
        return None


def find_numbers(text: str) -> list[Number]:
    """Every number mention in ``text``, left to right."""
    return list(_numbers_in(text))


@lru_cache(maxsize=64)
def _numbers_in(text: str) -> tuple[Number, ...]:
    """``find_numbers``, kept for a while: funding and outcomes read the same sentences."""
    lex = lexicon()
    out: list[Number] = []
    for m in _matches(text):
        value: Decimal | None
        is_word = False
        year_like = False
        if m.group("digits"):
            # "1,000" but not "10,11" inside a list; digits glued to letters are codes.
            before = text[m.start("digits") - 1] if m.start("digits") > 0 else " "
            after_end = m.end("digits")
            after = text[after_end] if after_end < len(text) else " "
            if (before.isalpha() and not m.group("cur")) or (
                after.isalpha() and not m.group("suffix")
            ):
                continue
            if before in "-/" and m.start("digits") > 1 and text[m.start("digits") - 2].isdigit():
                continue  # "2006-07", "16/07/2014"
            value = _to_decimal(m.group("digits"))
            if value is None:
                continue
            if m.group("suffix"):
                value *= lex.suffixes[m.group("suffix").lower()]
            elif m.group("scale"):
                value *= lex.scales[m.group("scale").lower()]
            else:
                raw = m.group("digits")
                year_like = len(raw) == 4 and raw.isdigit() and 1900 <= int(raw) <= 2100
        elif m.group("phrase"):
            value = Decimal(lex.phrases[m.group("phrase").lower()])
            is_word = True
        else:
            number = words_to_number(m.group("words"))
            if number is None:
                continue
            value = Decimal(number)
            is_word = True
        currency = None
        if m.group("cur"):
            mark = m.group("cur").strip()
            currency = dict(lex.currency_prefixes).get(mark) or dict(
                (k.lower(), v) for k, v in lex.currency_prefixes
            ).get(mark.lower())
        end = m.end()
        if currency is None and not m.group("pct"):
            currency, end = _currency_after(text, end)
        qualifier, start = _qualifier_before(text, m.start())
        post, end = _qualifier_after(text, end)
        if qualifier == "exact" and post:
            qualifier = post
        if value.as_integer_ratio()[1] == 1:
            value = Decimal(int(value))
        out.append(
            Number(
                start=start,
                end=end,
                value=value,
                qualifier=qualifier,
                currency=currency,
                percent=bool(m.group("pct")),
                word=is_word,
                year_like=year_like and currency is None,
            )
        )
    return tuple(_join_ranges(text, out)) if "etween" in text else tuple(out)


_RANGE_BEFORE = re.compile(r"\b[Bb]etween\s+$")
_RANGE_AND = re.compile(r"\s+and\s+")


def _join_ranges(text: str, numbers: list[Number]) -> list[Number]:
    """ "between four and six children": one figure, at least the lower bound."""

    def joined(n: Number, m: Number) -> Number | None:
        plain = all(
            x.qualifier == "exact" and not (x.currency or x.percent or x.year_like) for x in (n, m)
        )
        head = _RANGE_BEFORE.search(text, max(0, n.start - 10), n.start)
        if plain and head and n.value < m.value and _RANGE_AND.fullmatch(text, n.end, m.start):
            return Number(head.start(), m.end, n.value, "at_least", word=n.word)
        return None

    return join_pairs(numbers, joined)


def join_pairs(
    numbers: list[Number], joined: Callable[[Number, Number], Number | None]
) -> list[Number]:
    """``numbers`` with each two neighbours that ``joined`` makes one figure replaced by it."""
    out: list[Number] = []
    i = 0
    while i < len(numbers):
        one = joined(numbers[i], numbers[i + 1]) if i + 1 < len(numbers) else None
        out.append(numbers[i] if one is None else one)
        i += 1 if one is None else 2
    return out


def dollar_currency(country: str | None) -> str:
    """The currency of a bare dollar sign in an article from ``country``."""
    return lexicon().dollar_by_country.get(country or "", "USD")
