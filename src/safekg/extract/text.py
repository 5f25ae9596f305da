"""Text preparation: a same-length normalised copy, header masking, sentences.

The normalised text has exactly the length of the original, character for
character, so every offset found in it is an offset into ``Article.text``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from safekg.extract import rules

_SAME_LENGTH = str.maketrans(
    {
        "\u00a0": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\t": " ",
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2212": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u00ad": " ",
    }
)

# Header lines that carry the date or page furniture, not prose.
_HEADER = re.compile(
    r"^[ \t]*(?:date[ \t]+\d{4}-\d{2}-\d{2}[ \t]*"
    r"|(?:date published|dated|published|posted(?: on)?|updated|last updated)\b[^\n]*$"
    r"|(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?[ \t]+)?\d{1,2}(?:st|nd|rd|th)?[ \t]+"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*,?[ \t]+\d{4}[ \t]*$)",
    re.IGNORECASE | re.MULTILINE,
)


# ``str.translate`` looks every character up in the table; replacing the few
# characters that occur is much faster and gives the same text, as each is
# replaced by one ASCII character that is not replaced itself.
_REPLACEMENTS = tuple((chr(code), str(new)) for code, new in _SAME_LENGTH.items())
assert all(len(new) == 1 and ord(new) not in _SAME_LENGTH for _, new in _REPLACEMENTS)


def normalise(text: str) -> str:
    """Quotes, dashes and odd spaces as ASCII, keeping every offset."""
    out = text
    for old, new in _REPLACEMENTS:
        if old in out:
            out = out.replace(old, new)
    assert len(out) == len(text)
    return out


def mask_headers(text: str) -> str:
    """Blank out date lines and similar headers, keeping every offset."""
    return _HEADER.sub(lambda m: " " * len(m.group(0)), text)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str  # the normalised text of the sentence
    paragraph: int


@cache
def abbreviations() -> frozenset[str]:
    return frozenset(rules.lines("patterns", "abbreviations.txt"))


_END = re.compile(r"[.!?]+[\"')\]]*(?=\s+[\"'(\[]?[A-Z0-9])")


def _is_abbreviation(chunk: str, at: int) -> bool:
    """Whether the full stop at ``chunk[at]`` closes an abbreviation or an initial."""
    if chunk[at] != ".":
        return False
    word = _word_before(chunk, at)
    if word is None:
        return False
    token = word.group(0)
    if token in abbreviations():
        return True
    if len(token) == 1 and token.isupper():  # an initial: "Regina B. Schofield", "U.S."
        return True
    # dotted acronyms: "U.S.", "I.C.E."
    return bool(_DOTTED.search(chunk[max(0, at - 8) : at]))


_WORD_AT_END = re.compile(r"[\w/$&]+$")
_DOTTED = re.compile(r"(?:\b\w\.){1,}\w$")


def _word_before(chunk: str, at: int) -> re.Match[str] | None:
    """``_WORD_AT_END.search(chunk[:at])``, looking at the last 64 characters first.

    A match that starts after the window's start, or none, is the answer for all
    of ``chunk[:at]`` too (a word found in all of it would also be found from the
    window's start); only a word that may go on before the window needs the
    whole search.
    """
    window = max(0, at - 64)
    word = _WORD_AT_END.search(chunk, window, at)
    if window and word is not None and word.start() == window:
        word = _WORD_AT_END.search(chunk, 0, at)
    return word


def sentences(text: str) -> list[Sentence]:
    """Split normalised text into sentences.

    A blank line or a line break after a finished line ends a sentence; a line
    break inside running prose (hard-wrapped text) does not.
    """
    out: list[Sentence] = []
    paragraph = 0
    for block in _blocks(text):
        body = text[block[0] : block[1]]
        if not body.strip():
            continue
        start = 0
        for end in _END.finditer(body):
            if _is_abbreviation(body, end.start()):
                continue
            _emit(out, text, block[0] + start, block[0] + end.end(), paragraph)
            start = end.end()
        _emit(out, text, block[0] + start, block[1], paragraph)
        paragraph += 1
    return out


_FINISHED = re.compile(r"[.!?:;\"')\]]\s*$")


def _blocks(text: str) -> list[tuple[int, int]]:
    """Spans of text between hard line breaks; soft wraps inside prose are joined."""
    lines = []
    offset = 0
    for raw in text.split("\n"):
        lines.append((offset, offset + len(raw)))
        offset += len(raw) + 1
    blocks: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    for start, end in lines:
        line = text[start:end]
        if not line.strip():
            if current:
                blocks.append(current)
            current = None
            continue
        if current is None:
            current = (start, end)
            continue
        previous = text[current[0] : current[1]]
        last_line = previous.rsplit("\n", 1)[-1]
        soft = not _FINISHED.search(last_line) and (
            line.lstrip()[:1].islower() or len(last_line.strip()) >= 50 or "\n" in previous
        )
        if soft:
            current = (current[0], end)
        else:
            blocks.append(current)
            current = (start, end)
    if current:
        blocks.append(current)
    return blocks


def _emit(out: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(start, end, text[start:end].replace("\n", " "), paragraph))
