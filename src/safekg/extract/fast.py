"""Fast matching of word lists: tries instead of long alternations.

Python's ``re`` tries the branches of an alternation one after another at
every position, so ``\\b(?:invest|invested|fund|...)\\b`` over a sentence costs
one attempt per word per position. The helpers here build regular
expressions that match exactly what the plain alternations match, but branch
on one character at a time.

Why the result is the same: an alternation of literals sorted longest first
tries, at one position, the matching literals longest first. In a trie, at one
position only one path agrees with the text, and ``trie`` orders each node as
"go on, else stop here", so it tries the very same literals in the very same
order, whatever follows the alternation in the pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

_Node = dict[str, "_Node"]
_END = ""  # key of the end-of-literal mark in a trie node


def trie(literals: Iterable[str]) -> str:
    """A regular expression matching what ``|``-joined, longest-first ``literals`` match.

    Case-sensitive: with ``re.IGNORECASE`` use ``folded_trie``.
    """
    root: _Node = {}
    for literal in literals:
        node = root
        for char in literal:
            node = node.setdefault(char, {})
        node[_END] = {}
    return f"(?:{_emit(root)})"


def _emit(node: _Node) -> str:
    branches = [re.escape(char) + _emit(node[char]) for char in sorted(node) if char != _END]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if _END in node:
        return "(?:" + body + ")?"
    return body


def folded_trie(literals: Iterable[str]) -> str:
    """``trie`` for a pattern compiled with ``re.IGNORECASE``.

    Literals that differ only in case are one path. When a literal is not
    ASCII, case folding is not that simple: the plain longest-first alternation
    is returned instead.
    """
    items = list(literals)
    if not all(item.isascii() for item in items):
        return longest_first(items)
    return trie({item.lower() for item in items})


def longest_first(literals: Iterable[str]) -> str:
    """The plain alternation of ``literals``, longest first."""
    return "(?:" + "|".join(re.escape(x) for x in sorted(literals, key=len, reverse=True)) + ")"


class WordList:
    """``(?i)\\b(?:w1|w2|...)\\b`` over literal words or phrases, fast.

    ASCII text (nearly all of it) is matched in lower case with a
    case-sensitive trie, which is faster than a case-insensitive one and finds
    the same spans; other text uses the case-insensitive trie.
    """

    def __init__(self, literals: Iterable[str], before: str = r"\b", after: str = r"\b") -> None:
        items = list(literals)
        self._any = re.compile(before + folded_trie(items) + after, re.IGNORECASE)
        self._ascii: re.Pattern[str] | None = None
        if all(item.isascii() for item in items):
            self._ascii = re.compile(before + trie({i.lower() for i in items}) + after)

    def _pattern(self, text: str) -> tuple[re.Pattern[str], str]:
        if self._ascii is not None and text.isascii():
            return self._ascii, text.lower()
        return self._any, text

    def search(self, text: str) -> bool:
        """Whether any word of the list is in ``text``."""
        pattern, subject = self._pattern(text)
        return pattern.search(subject) is not None

    def first(self, text: str) -> int | None:
        """Where the first word of the list in ``text`` starts."""
        pattern, subject = self._pattern(text)
        m = pattern.search(subject)
        return None if m is None else m.start()

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        """The (start, end) of each word of the list in ``text``, left to right."""
        pattern, subject = self._pattern(text)
        for m in pattern.finditer(subject):
            yield m.span()


_WORD_CHAR = re.compile(r"\w")


class TaggedWords:
    """Several ``WordList``s, each under a tag, scanned together.

    ``tags(text)`` is the set of tags whose list has a word in ``text``, and
    ``first(text)`` where the first word of any list starts, as if each list
    were searched on its own. ASCII text is scanned once, in lower case, for
    the longest word starting at each word boundary; the words of other lists
    that begin there are the longest word's prefixes that end on a word
    boundary, worked out once per longest word.
    """

    def __init__(self, lists: dict[str, list[str]]) -> None:
        self._lists = {tag: WordList(words) for tag, words in lists.items()}
        self._tags_of: dict[str, set[str]] = {}
        for tag, words in lists.items():
            for word in words:
                self._tags_of.setdefault(word.lower(), set()).add(tag)
        self._ascii: re.Pattern[str] | None = None
        if all(word.isascii() for words in lists.values() for word in words):
            self._ascii = re.compile(r"\b(?=(" + trie(self._tags_of) + r")\b)")
        self._at: dict[str, frozenset[str]] = {}

    def tags(self, text: str) -> frozenset[str]:
        if self._ascii is None or not text.isascii():
            return frozenset(tag for tag, words in self._lists.items() if words.search(text))
        out: frozenset[str] = frozenset()
        for m in self._ascii.finditer(text.lower()):
            out |= self._tags_at(m.group(1))
        return out

    def first(self, text: str) -> int | None:
        if self._ascii is None or not text.isascii():
            starts = [words.first(text) for words in self._lists.values()]
            return min((s for s in starts if s is not None), default=None)
        m = self._ascii.search(text.lower())
        return None if m is None else m.start()

    def _tags_at(self, longest: str) -> frozenset[str]:
        """Tags of ``longest`` and of the words that start it and end on a word boundary."""
        found = self._at.get(longest)
        if found is None:
            tags: set[str] = set()
            for end in range(1, len(longest) + 1):
                word = longest[:end]
                if word in self._tags_of and (
                    end == len(longest) or _boundary(longest[end - 1], longest[end])
                ):
                    tags |= self._tags_of[word]
            found = self._at[longest] = frozenset(tags)
        return found


def _boundary(before: str, after: str) -> bool:
    """Whether ``\\b`` matches between the characters ``before`` and ``after``."""
    return bool(_WORD_CHAR.match(before)) != bool(_WORD_CHAR.match(after))
