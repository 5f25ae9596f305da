"""Redaction: the sentences safekg stores never name a private person.

Officials (found with a rank or title) and organisations are kept; any other
personal name, an age, a street or a school is replaced with a placeholder.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from safekg.extract import rules
from safekg.extract.fast import trie

_LETTER = r"[^\W\d_]"
_CAP = rf"[A-Z]{_LETTER}*(?:['\u2019-][A-Z]?{_LETTER}+)*"


@dataclass(frozen=True)
class _Lexicon:
    name: str
    age: str
    street: str
    school: str
    street_re: re.Pattern[str]
    school_re: re.Pattern[str]
    honorific_re: re.Pattern[str]
    not_names: frozenset[str]
    # any of the words that every match of street_re, school_re or honorific_re holds
    street_words: re.Pattern[str]
    school_words: re.Pattern[str]
    honorific_words: re.Pattern[str]


@cache
def lexicon() -> _Lexicon:
    data: dict[str, Any] = rules.toml("patterns", "privacy.toml")
    streets = "|".join(sorted(data["street_types"], key=len, reverse=True))
    schools = "|".join(sorted(data["school_types"], key=len, reverse=True))
    honorifics = "|".join(data["honorifics"])
    return _Lexicon(
        name=data["placeholder_name"],
        age=data["placeholder_age"],
        street=data["placeholder_street"],
        school=data["placeholder_school"],
        street_re=re.compile(rf"\b(?:\d+[A-Za-z]?\s+)?(?:{_CAP}\s+){{1,3}}(?:{streets})\b\.?"),
        school_re=re.compile(rf"\b(?:{_CAP}\s+){{1,4}}(?:{schools})\b"),
        honorific_re=re.compile(rf"\b(?:{honorifics})\.?\s+{_CAP}(?:\s+{_CAP})?"),
        not_names=frozenset(data["not_names"]),
        street_words=re.compile(trie(data["street_types"])),
        school_words=re.compile(trie(data["school_types"])),
        honorific_words=re.compile(trie(data["honorifics"])),
    )


_AGES = [
    re.compile(r"\b\d{1,3}\s*-?\s*(?:year|yr)s?\s*-?\s*old\b", re.IGNORECASE),
    re.compile(r"\baged\s+\d{1,3}\b", re.IGNORECASE),
    re.compile(r"(?<=,)\s*\d{1,2}\s*(?=,)"),  # "John Smith, 34, of ..."
    re.compile(r"(?<=\()\s*\d{1,2}\s*(?=\))"),  # "John Smith (34)"
]
_PERSON = re.compile(rf"\b{_CAP}(?:\s+(?:[A-Z]\.\s+)?{_CAP}){{1,2}}\b")


def redact(sentence: str, *, keep: Iterable[str] = (), private: Iterable[str] = ()) -> str:
    """``sentence`` with private names, ages, streets and schools replaced.

    ``keep`` holds names that may stay (officials, organisations, places of the
    gazetteer); ``private`` holds words known to name private people in this
    article (surnames said elsewhere), which are replaced wherever they stand.
    """
    lex = lexicon()
    kept = [k for k in keep if k]
    out = sentence
    # Each pattern runs only over text that holds what any match of it holds.
    if _DIGIT.search(out):
        for pattern in _AGES:
            out = pattern.sub(lex.age if pattern.pattern.startswith(r"\b") else " " + lex.age, out)
    if lex.school_words.search(out):
        out = lex.school_re.sub(lambda m: _unless_kept(m.group(0), kept, lex.school), out)
    if lex.street_words.search(out):
        out = lex.street_re.sub(lambda m: _unless_kept(m.group(0), kept, lex.street), out)
    if lex.honorific_words.search(out):
        out = lex.honorific_re.sub(lex.name, out)

    def person(m: re.Match[str]) -> str:
        text = m.group(0)
        words = text.split()
        if any(text in k or k in text for k in kept if len(k) > 3):
            return text
        if any(w in lex.not_names or w.isupper() for w in words):
            return text
        return lex.name

    out = _PERSON.sub(person, out)
    for word in private:
        if word and word in out and word not in lex.not_names and not any(word in k for k in kept):
            out = re.sub(rf"\b{re.escape(word)}\b", lex.name, out)
    return out


_DIGIT = re.compile(r"\d")  # every pattern of _AGES needs a digit


def _unless_kept(text: str, kept: list[str], placeholder: str) -> str:
    return text if any(text in k or k in text for k in kept) else placeholder


def private_surnames(text: str, keep: Iterable[str]) -> set[str]:
    """Surnames of private people named in full somewhere in ``text``."""
    lex = lexicon()
    kept = [k for k in keep if k]
    out: set[str] = set()
    for m in _PERSON.finditer(text):
        words = m.group(0).split()
        if any(w in lex.not_names or w.isupper() for w in words):
            continue
        if any(m.group(0) in k or k in m.group(0) for k in kept if len(k) > 3):
            continue
        out.add(words[-1])
    return out
