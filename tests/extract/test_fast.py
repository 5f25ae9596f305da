"""The fast matchers find exactly what the plain regular expressions find."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from safekg.extract import agencies, numbers
from safekg.extract.fast import TaggedWords, WordList, folded_trie, trie

WORDS = ["arrest", "arrested", "arrests", "held", "held on suspicion", "a", "an", "n't", "A$"]
# text made of pieces of the words, case changes, boundaries and awkward characters
TEXT = st.lists(
    st.sampled_from(
        [
            "arrest",
            "ed",
            "s",
            "held",
            " on suspicion",
            " ",
            "-",
            "A",
            "a",
            "n",
            "'t",
            "$",
            "é",
            "\u212a",
            "\u017f",
            "İ",
            ",",
            "\n",
            "HELD",
            "Arrest",
        ]
    ),
    max_size=12,
).map("".join)


def _plain(words: list[str]) -> str:
    return "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


@settings(max_examples=300)
@given(TEXT)
def test_trie_matches_like_the_alternation(text: str) -> None:
    for around in [("", ""), (r"\b", r"\b"), (r"(?<![\w-])", r"(?![\w-])"), ("", r"\w")]:
        plain = re.compile(around[0] + _plain(WORDS) + around[1])
        fast = re.compile(around[0] + trie(WORDS) + around[1])
        assert _spans(fast, text) == _spans(plain, text)
        plain_i = re.compile(around[0] + _plain(WORDS) + around[1], re.IGNORECASE)
        fast_i = re.compile(around[0] + folded_trie(WORDS) + around[1], re.IGNORECASE)
        assert _spans(fast_i, text) == _spans(plain_i, text)


@settings(max_examples=300)
@given(TEXT)
def test_word_list_matches_like_the_alternation(text: str) -> None:
    plain = re.compile(r"\b" + _plain(WORDS) + r"\b", re.IGNORECASE)
    words = WordList(WORDS)
    assert list(words.spans(text)) == _spans(plain, text)
    assert words.search(text) == bool(plain.search(text))
    first = plain.search(text)
    assert words.first(text) == (first.start() if first else None)


@settings(max_examples=300)
@given(TEXT)
def test_tagged_words_find_each_list(text: str) -> None:
    lists = {"arrest": ["arrest", "arrested", "held on suspicion"], "hold": ["held"], "a": ["a"]}
    tagged = TaggedWords(lists)
    plain = {tag: re.compile(r"\b" + _plain(w) + r"\b", re.IGNORECASE) for tag, w in lists.items()}
    assert tagged.tags(text) == {tag for tag, p in plain.items() if p.search(text)}
    starts = [m.start() for p in plain.values() for m in [p.search(text)] if m]
    assert tagged.first(text) == min(starts, default=None)


NUMBER_TEXT = st.lists(
    st.sampled_from(
        [
            "one",
            "Two",
            "twenty",
            "-",
            "five",
            " and ",
            "hundred",
            "a dozen",
            "both",
            "£",
            "US$",
            "R",
            "Rs.",
            "12",
            ",000",
            ".5",
            "m",
            "bn",
            " per cent",
            "%",
            " ",
            "x",
            "é",
            "\u017fix",
            "TEN",
            "often",
            "\u212a",
        ]
    ),
    max_size=10,
).map("".join)


@settings(max_examples=500)
@given(NUMBER_TEXT)
def test_numbers_are_tried_where_the_pattern_matches(text: str) -> None:
    pattern = numbers.lexicon().pattern
    assert [m.span() for m in numbers._matches(text)] == _spans(pattern, text)


@given(st.lists(st.sampled_from(["Task", "Force", "Unit", "Sheriff's", "Office", "", "a b"])))
def test_ends_with_head_as_the_joined_words_do(words: list[str]) -> None:
    joined = " ".join(words)
    expected = next(
        (
            len(h.split())
            for h in agencies.shapes().heads
            if joined == h or joined.endswith(" " + h)
        ),
        0,
    )
    assert agencies._ends_with_head(words) == expected
