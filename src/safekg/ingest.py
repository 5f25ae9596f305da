"""Files -> ``Article``: the only stage that reads article files.

``read_articles`` takes files and folders and yields one ``Article`` for each
article it could read and one ``Refused`` for each it could not, with the
reason, so that one bad file never stops a build::

    for item in read_articles(["data/articles"]):
        if isinstance(item, Refused):
            print(f"{item.source}: {item.reason}")

Formats, chosen by suffix:

- ``.txt``: the text as it is; the date from a header line, by the rules in
  ``data/patterns/date_headers.jsonl`` (a `` date 2019-05-17`` first line, a
  ``Published: ...`` line, a line that is a date, an AP dateline ...).
- ``.html`` / ``.htm``: the main text (``<article>``, else ``<main>``, else
  ``<body>``) as paragraphs separated by blank lines, never script, style,
  navigation, header or footer content; date, title and URL from the markup.
- ``.json``: one record or a list of records; ``.jsonl``: one record a line.
  A record is ``{"id", "text", "published", "url", "title"}``; ``id`` and
  ``text`` are strings, ``published`` an ISO date string or null.

``Article.text`` is the decoded file with ``\\r\\n`` and ``\\r`` turned into
``\\n`` and C0 control characters other than tab and newline, DEL and the
noncharacters U+FFFE and U+FFFF removed; fact offsets refer to it. Text holding
half a UTF-16 surrogate pair (a lone ``\\u`` escape in JSON) is refused. Nothing
else is changed: a .txt article's date line stays in its text.
"""

from __future__ import annotations

import codecs
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from safekg.dates import DATE, ISO_DATE, TIME, WEEKDAY, parse_date, parse_date_any, parse_iso_date
from safekg.errors import ExtractionError, IngestError
from safekg.models import Article
from safekg.resources import data_file, jsonl_rows
from safekg.vocab import RESERVED_IDS

__all__ = ["MAX_LINE_CHARS", "SUFFIXES", "DateRule", "Refused", "date_rules", "read_articles"]

#: File suffixes read, and the format each means.
SUFFIXES: dict[str, str] = {
    ".txt": "txt",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
}
#: A line longer than this is refused (downstream regular expressions work by line).
MAX_LINE_CHARS = 1_000_000
#: HTML nested deeper than this is refused: lexbor's tree building slows down
#: with the square of the nesting (100,000 nested <div> take about 20 s).
MAX_HTML_DEPTH = 500
# ... and so is HTML whose elements, summed over their depth, exceed this
# (about 0.15 s of lexbor's time: 1,000 open <span> and then 400,000 <div> take 1.7 s).
_MAX_HTML_WORK = 50_000_000

_BINARY_PROBE = 1024  # NUL bytes in this many leading bytes mean a binary file
_HEAD_LINES = 8  # non-blank lines a text rule may look at
_HEAD_CHARS = 20_000  # ... within this many leading characters
_RULE_LINE_CHARS = 200  # each header line is cut to this before matching


@dataclass(frozen=True)
class Refused:
    """A file, or one record of it, that was not read, and why."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


class _Refusal(Exception):
    """Raised inside the readers; turned into a ``Refused`` at the file boundary."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --------------------------------------------------------------------------- paths


def read_articles(
    paths: Iterable[str | Path], *, max_bytes: int = 5_000_000
) -> Iterator[Article | Refused]:
    """Every article in ``paths``, or why it was refused, in a deterministic order.

    A folder is read recursively in sorted order, taking only files whose
    suffix is in ``SUFFIXES`` and skipping hidden files and folders; a file
    named directly with another suffix is refused. A file read twice (named
    twice, or inside a named folder too) is read once; a second article with
    an id already read is refused. A file larger than ``max_bytes`` is refused
    without being read.

    Raises ``IngestError`` at once, before anything is read, when a path does
    not exist.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    items = [Path(p) for p in paths]
    if max_bytes < 1:
        raise IngestError(f"max_bytes must be at least 1, not {max_bytes}")
    for item in items:
        if not item.exists():
            raise IngestError(f"{item}: no such file or directory")
    return _read_all(items, max_bytes)


def _read_all(items: list[Path], max_bytes: int) -> Iterator[Article | Refused]:
    files_seen: set[str] = set()
    ids_seen: dict[str, str] = {}
    for item in items:
        for path in _walk(item) if item.is_dir() else [item]:
            key = os.path.realpath(path)
            if key in files_seen:
                continue
            files_seen.add(key)
            for result in _read_file(path, max_bytes):
                refusal = _id_refusal(result, ids_seen) if isinstance(result, Article) else None
                yield Refused(str(result.source), refusal) if refusal else result


def _id_refusal(article: Article, ids_seen: dict[str, str]) -> str | None:
    """Why ``article`` cannot be taken under its id (noting the id as seen), or ``None``."""
    if article.id in RESERVED_IDS:
        reason = f"the article id {article.id!r} is the name of a graph safekg keeps"
        return f"{reason}; give the article another id"
    first = ids_seen.setdefault(article.id, str(article.source))
    if first != article.source:
        return f"duplicate article id {article.id!r}: already read from {first}"
    return None


def _walk(folder: Path) -> list[Path]:
    found: list[tuple[tuple[str, ...], Path]] = []
    for here, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith(".") and Path(name).suffix.lower() in SUFFIXES:
                path = Path(here, name)
                found.append((path.relative_to(folder).parts, path))
    return [path for _, path in sorted(found)]


def _read_file(path: Path, max_bytes: int) -> Iterator[Article | Refused]:
    source = str(path)
    kind = SUFFIXES.get(path.suffix.lower())
    try:
        if kind is None:
            suffix = repr(path.suffix) if path.suffix else "no suffix"
            raise _Refusal(
                f"unsupported file type ({suffix}): "
                "safekg reads .txt, .html, .htm, .json and .jsonl"
            )
        data = _read_bytes(path, max_bytes)
        text = _decode(data, html=kind == "html")
        if kind == "jsonl":
            yield from _read_jsonl(text, source)
        elif kind == "json":
            yield from _read_json(text, source, path.stem)
        elif kind == "html":
            yield _read_html(text, source, path.stem)
        else:
            yield _read_txt(text, source, path.stem)
    except _Refusal as refusal:
        yield Refused(source, refusal.reason)
    except Exception as exc:  # a reader's bug must not stop the other files
        yield Refused(source, f"internal error reading the file ({type(exc).__name__}: {exc})")


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    if not path.is_file():
        raise _Refusal("not a regular file")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise _Refusal(f"file is {size:,} bytes, over the limit of {max_bytes:,}")
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise _Refusal(f"cannot read the file: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise _Refusal(f"file is over the limit of {max_bytes:,} bytes")
    if not data:
        raise _Refusal("empty file")
    return data


# ------------------------------------------------------------------------ decoding

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose BOM it starts with
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)
# C0 controls but tab and newline, DEL, and the noncharacters U+FFFE and U+FFFF: none is
# text, and XML (so an RDF/XML export) cannot carry them.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]+")
# Half a UTF-16 surrogate pair: only a JSON \u escape makes one; no RDF term can hold it.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _decode(data: bytes, *, html: bool) -> str:
    """The text of ``data``: by its byte-order mark, else UTF-8 (else an HTML page's charset)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                return body.decode(encoding)
            except UnicodeDecodeError as exc:
                name = encoding.upper().replace("-LE", "").replace("-BE", "")
                raise _Refusal(f"invalid {name} at byte {exc.start + len(bom)}") from None
    if b"\x00" in data[:_BINARY_PROBE]:
        raise _Refusal(
            "binary file (NUL bytes in the first KB; UTF-16 text needs a byte-order mark)"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        error = exc
    if html:
        declared = _declared_charset(data)
        if declared is not None:
            try:
                return data.decode(declared)
            except UnicodeDecodeError as exc:
                raise _Refusal(f"invalid {declared} (declared) at byte {exc.start}") from None
    probe = data[:4096].decode("utf-8", "replace")
    if probe.count("\ufffd") * 10 > len(probe):
        raise _Refusal("binary file (not UTF-8 text)")
    raise _Refusal(
        f"invalid UTF-8 at byte {error.start} (save the file as UTF-8; "
        "Windows-1252 and Latin-1 are not read)"
    )


def _declared_charset(data: bytes) -> str | None:
    """A non-UTF-8 encoding that an HTML page declares in its first 2 KB."""
    found = _CHARSET.search(data[:2048])
    if found is None:
        return None
    try:
        name = codecs.lookup(found[1].decode("ascii")).name
    except LookupError:
        return None
    return None if name in {"utf-8", "ascii"} else name


def _normalise(text: str, noun: str = "file", prefix: str = "") -> str:
    """``\\r\\n`` and ``\\r`` to ``\\n``; C0 control characters but tab and newline removed."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _SURROGATE.search(text) is not None:
        raise _Refusal(f"{prefix}{noun} holds half a UTF-16 surrogate pair (a lone \\u escape)")
    if _CONTROLS.search(text) is not None:
        cleaned = _CONTROLS.sub("", text)
        removed = len(text) - len(cleaned)
        if removed * 10 > len(text):
            share = removed * 100 // len(text)
            raise _Refusal(f"{prefix}binary {noun} ({share}% control characters)")
        text = cleaned
    return text


def _check_lines(text: str, prefix: str = "") -> None:
    if len(text) <= MAX_LINE_CHARS:
        return
    lengths = [len(line) for line in text.split("\n")]
    longest = max(lengths)
    if longest > MAX_LINE_CHARS:
        number = lengths.index(longest) + 1
        raise _Refusal(f"{prefix}line {number} is {longest:,} characters, over {MAX_LINE_CHARS:,}")


def _check_text(text: str, noun: str = "file", prefix: str = "") -> str:
    """``_normalise``d ``text``, refused when blank or when a line is too long."""
    text = _normalise(text, noun, prefix)
    if not text.strip():
        raise _Refusal(f"{prefix}blank {noun} (only whitespace)")
    _check_lines(text, prefix if noun == "file" else f"{prefix}{noun}: ")
    return text


# ----------------------------------------------------------------------- date rules

_RULE_KINDS = ("line", "labelled", "html", "json_ld")
_RULE_KEYS: dict[str, set[str]] = {
    "line": {"pattern", "within", "ignore_case"},
    "labelled": {"labels", "within", "any_language"},
    "html": {"selector", "attribute", "scope"},
    "json_ld": {"key"},
}
_PLACEHOLDERS = {
    "{date}": r"(?P<date>(?i:(?:" + WEEKDAY + r"\s*,?\s*)?" + DATE + r"))",
    "{iso_date}": r"(?P<date>" + ISO_DATE + r")",
    "{weekday}": r"(?i:" + WEEKDAY + r")",
    "{time}": r"(?i:" + TIME + r")",
}


@dataclass(frozen=True)
class DateRule:
    """One way an article's date is written (a line of ``date_headers.jsonl``)."""

    name: str
    kind: str  # line | labelled | html | json_ld
    regex: re.Pattern[str] | None = None  # line, labelled: captures ``date``
    within: int = 6  # line, labelled: the first so many non-blank lines
    parse: Callable[[str], date | None] = parse_date
    selector: str | None = None  # html
    attribute: str | None = None  # html
    scope: str = "document"  # html: "main" or "document"
    key: str | None = None  # json_ld
    examples: tuple[tuple[str, str | None], ...] = ()

    def find(self, lines: list[str]) -> date | None:
        """The date this rule reads from the first of ``lines`` that holds one.

        A line of several parts ("Annual Review 2022/23 · published 18th July 2023",
        "Dydd Mercher, 15 Mai 2024 | Wednesday, 15 May 2024") is also read part by part.
        """
        if self.regex is None:
            return None
        for line in lines[: self.within]:
            parts = _PART_SEPARATOR.split(line)
            for part in [line, *parts] if len(parts) > 1 else [line]:
                found = self.regex.match(part)
                if found is not None:
                    value = self.parse(found["date"])
                    if value is not None:
                        return value
        return None


#: What separates the parts of a header line: a bar, a middle dot or a bullet between spaces.
_PART_SEPARATOR = re.compile(r"\s+[|\u00b7\u2022]\s+")


def _expand(pattern: str) -> str:
    for name, regex in _PLACEHOLDERS.items():
        pattern = pattern.replace(name, regex)
    return pattern


def _labelled_regex(labels: list[str], any_language: bool) -> str:
    alternatives = "|".join(
        r"\s+".join(map(re.escape, label.split()))
        for label in sorted(labels, key=len, reverse=True)
    )
    head = r"^\s*(?i:" + alternatives + r")\b\s*[:\-\u2013\u2014]?\s*(?i:on\s+)?"
    if any_language:
        return head + r"(?P<date>[^\n]{4,60}?)\s*$"
    return head + "{date}"


def _rule(row: dict[str, Any], where: str) -> DateRule:
    def fail(message: str) -> ExtractionError:
        return ExtractionError(f"{where}: {message}")

    name, kind = row.get("name"), row.get("kind")
    if not isinstance(name, str) or not name:
        raise fail("a rule needs a 'name'")
    if kind not in _RULE_KINDS:
        raise fail(f"rule {name!r}: 'kind' must be one of {', '.join(_RULE_KINDS)}")
    unknown = set(row) - _RULE_KEYS[kind] - {"name", "kind", "examples", "comment"}
    if unknown:
        raise fail(f"rule {name!r}: unknown keys {sorted(unknown)} for kind {kind!r}")
    examples = row.get("examples", [])
    if not isinstance(examples, list) or not all(
        isinstance(e, list)
        and len(e) == 2
        and isinstance(e[0], str)
        and (e[1] is None or isinstance(e[1], str))
        for e in examples
    ):
        raise fail(f"rule {name!r}: 'examples' must be a list of [text, date or null]")
    within = row.get("within", 6)
    if not isinstance(within, int) or isinstance(within, bool) or not 1 <= within <= _HEAD_LINES:
        raise fail(f"rule {name!r}: 'within' must be a whole number from 1 to {_HEAD_LINES}")
    common: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "within": within,
        "examples": tuple((e[0], e[1]) for e in examples),
    }
    if kind in ("line", "labelled"):
        if kind == "line":
            pattern = row.get("pattern")
            if not isinstance(pattern, str):
                raise fail(f"rule {name!r}: a line rule needs a 'pattern'")
            parser: Callable[[str], date | None] = parse_date
            flags = re.IGNORECASE if row.get("ignore_case") else 0
        else:
            labels = row.get("labels")
            if (
                not isinstance(labels, list)
                or not labels
                or not all(isinstance(label, str) and label.strip() for label in labels)
            ):
                raise fail(f"rule {name!r}: 'labels' must be a list of words")
            any_language = bool(row.get("any_language", False))
            pattern = _labelled_regex(labels, any_language)
            parser = parse_date_any if any_language else parse_date
            flags = 0
        try:
            regex = re.compile(_expand(pattern), flags)
        except re.error as exc:
            raise fail(f"rule {name!r}: bad pattern: {exc}") from None
        if "date" not in regex.groupindex:
            raise fail(f"rule {name!r}: the pattern must capture 'date' (use {{date}})")
        return DateRule(regex=regex, parse=parser, **common)
    if kind == "html":
        selector, attribute = row.get("selector"), row.get("attribute")
        scope = row.get("scope", "document")
        if not isinstance(selector, str) or not isinstance(attribute, str):
            raise fail(f"rule {name!r}: an html rule needs 'selector' and 'attribute'")
        if scope not in ("main", "document"):
            raise fail(f"rule {name!r}: 'scope' must be 'main' or 'document'")
        return DateRule(selector=selector, attribute=attribute, scope=scope, **common)
    key = row.get("key")
    if not isinstance(key, str):
        raise fail(f"rule {name!r}: a json_ld rule needs a 'key'")
    return DateRule(key=key, **common)


@cache
def date_rules(path: Path | None = None) -> tuple[DateRule, ...]:
    """The rules of ``date_headers.jsonl`` (or of ``path``), validated.

    Raises ``ExtractionError`` naming the file and line of a malformed rule.
    """
    rules: list[DateRule] = []
    for where, row in jsonl_rows(path or data_file("patterns", "date_headers.jsonl")):
        rule = _rule(row, where)
        if any(r.name == rule.name for r in rules):
            raise ExtractionError(f"{where}: rule name {rule.name!r} is used twice")
        rules.append(rule)
    return tuple(rules)


def _text_rules() -> tuple[DateRule, ...]:
    return tuple(r for r in date_rules() if r.kind in ("line", "labelled"))


def _head(text: str) -> list[str]:
    """The first non-blank lines of ``text``, each cut to its first 200 characters."""
    head: list[str] = []
    position, end = 0, min(len(text), _HEAD_CHARS)
    while len(head) < _HEAD_LINES and position < end:
        newline = text.find("\n", position)
        stop = len(text) if newline < 0 else newline
        line = text[position : min(stop, position + _RULE_LINE_CHARS)]
        if line.strip():
            head.append(line)
        position = stop + 1
    return head


def _text_date(head: list[str]) -> date | None:
    for rule in _text_rules():
        found = rule.find(head)
        if found is not None:
            return found
    return None


_NOT_HEADLINE_START = re.compile(r"(?i)(?:by|from|posted|published|updated|source|author)\b")


def _title(head: list[str]) -> str | None:
    """The first line, after any date lines, when it reads as a headline."""
    rules = _text_rules()
    for index, line in enumerate(head[:4]):
        if any(rule.find([line]) is not None for rule in rules):
            continue
        words = line.split()
        if (
            index + 1 < len(head)  # more text follows
            and len(line) < _RULE_LINE_CHARS
            and 2 <= len(words) <= 30
            and line.rstrip()[-1] not in ".,;:"
            and any(c.isalpha() for c in line)
            and not _NOT_HEADLINE_START.match(line.lstrip())
        ):
            return " ".join(words)
        return None
    return None


# ---------------------------------------------------------------------------- .txt


def _read_txt(raw: str, source: str, stem: str) -> Article:
    text = _check_text(raw)
    head = _head(text)
    return Article(
        id=stem,
        text=text,
        published=_text_date(head),
        title=_title(head),
        source=source,
    )


# --------------------------------------------------------------------------- .html


def _tags(names: str) -> frozenset[str]:
    return frozenset(names.split())


_SKIP_TAGS = _tags(
    "script style noscript template nav footer header aside form iframe svg math button "
    "select textarea input option head title object embed canvas dialog"
)
_BLOCK_TAGS = _tags(
    "html body address article blockquote caption center dd details div dl dt fieldset "
    "figcaption figure h1 h2 h3 h4 h5 h6 hgroup hr li main menu ol p pre section summary "
    "table tbody thead tfoot tr ul"
)
_CELL_TAGS = frozenset({"td", "th"})
_VOID_TAGS = _tags("area base br col embed hr img input link meta param source track wbr keygen")
# Elements whose end tag may be left out: a missing one does not deepen the tree.
_OPTIONAL_END_TAGS = _tags(
    "p li dt dd option optgroup tr td th thead tbody tfoot colgroup caption rb rt rp rtc "
    "html head body"
)
# Elements whose contents are not markup.
_RAW_TEXT_TAGS = _tags("script style textarea title xmp iframe noembed noframes")
# HTML elements that "/>" does not close (only foreign SVG/MathML elements self-close).
_HTML_TAGS = _tags(
    "a abbr address article aside audio b bdi bdo blockquote body button canvas caption cite "
    "code colgroup data datalist dd del details dfn dialog div dl dt em fieldset figcaption "
    "figure font footer form h1 h2 h3 h4 h5 h6 head header hgroup html i ins kbd label legend "
    "li main map mark menu meter nav noscript object ol optgroup option output p picture pre "
    "progress q rp rt ruby s samp search section select small span strong sub summary sup "
    "table tbody td template tfoot th thead time tr u ul var video center big tt nobr"
)
_TAG = re.compile(r"<!--|<(/?)([A-Za-z][A-Za-z0-9:-]*)[^<>]*>")
_TAGS_CHECKED_FROM = 10_000  # pages with fewer tags cannot nest deep enough to be slow


@cache
def _end_tag(name: str) -> re.Pattern[str]:
    return re.compile(r"</" + re.escape(name) + r"\b", re.IGNORECASE)


def _check_nesting(html: str) -> None:
    """Refuse markup nested so deep that parsing it would take seconds."""
    if html.count("<") < _TAGS_CHECKED_FROM:
        return
    depth, work, position = 0, 0, 0
    while True:
        found = _TAG.search(html, position)
        if found is None:
            return
        position = found.end()
        if found[0] == "<!--":
            end = html.find("-->", position)
            position = len(html) if end < 0 else end + 3
            continue
        name = found[2].lower()
        if name in _VOID_TAGS or name in _OPTIONAL_END_TAGS:
            continue
        if found[1]:
            depth = max(0, depth - 1)
            continue
        if name in _RAW_TEXT_TAGS:
            end_tag = _end_tag(name).search(html, position)
            position = len(html) if end_tag is None else end_tag.start()
            continue
        if found[0].endswith("/>") and name not in _HTML_TAGS:
            continue
        depth += 1
        work += depth
        if depth > MAX_HTML_DEPTH:
            raise _Refusal(f"HTML nested more than {MAX_HTML_DEPTH:,} elements deep")
        if work > _MAX_HTML_WORK:
            raise _Refusal("HTML too deeply nested for its size to parse in good time")


def _html_text(root: Any) -> str:
    """The text under ``root``: blocks separated by blank lines, <br> by a newline."""
    blocks: list[str] = []
    lines: list[str] = []
    parts: list[str] = []

    def end_line() -> None:
        if parts:
            line = " ".join("".join(parts).split())
            parts.clear()
            if line:
                lines.append(line)

    def end_block() -> None:
        if parts:
            end_line()
        if lines:
            blocks.append("\n".join(lines))
            lines.clear()

    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            end_block()
            continue
        tag = node.tag
        if tag == "-text":
            parts.append(node.text_content or "")
            continue
        if tag is None or tag.startswith("-") or tag in _SKIP_TAGS:
            continue
        if tag == "br":
            end_line()
            continue
        if tag in _BLOCK_TAGS:
            end_block()
            stack.append((node, True))
        elif tag in _CELL_TAGS and "".join(parts).strip():
            parts.append(" | ")
        children = []
        child = node.child
        while child is not None:
            children.append((child, False))
            child = child.next
        stack.extend(reversed(children))
    end_block()
    return "\n\n".join(blocks)


def _main_element(tree: Any) -> Any:
    """<article> (the longest), else <main>, else the body."""
    outer = tree.body if tree.body is not None else tree.root
    for selector in ("main", "[role=main]"):
        found = tree.css_first(selector)
        if found is not None:
            outer = found
            break
    articles = tree.css("article")
    if articles:
        best = max(articles, key=lambda node: len(node.text(separator=" ")))
        if len(best.text(separator=" ")) * 3 >= len(outer.text(separator=" ")):
            return best
    return outer


def _attribute(tree: Any, selector: str, attribute: str) -> str | None:
    for node in tree.css(selector)[:20]:
        value = node.attributes.get(attribute)
        if value and value.strip():
            return " ".join(value.split())
    return None


def _json_ld_values(tree: Any, key: str) -> Iterator[Any]:
    for script in tree.css("script[type='application/ld+json']")[:20]:
        try:
            document = json.loads(script.text())
        except (ValueError, RecursionError):
            continue
        queue, looked = [document], 0
        while queue and looked < 10_000:
            item = queue.pop(0)
            looked += 1
            if isinstance(item, dict):
                if key in item:
                    yield item[key]
                queue.extend(item.values())
            elif isinstance(item, list):
                queue.extend(item)


_NOT_CONTENT_TAGS = frozenset({"nav", "footer", "aside"})


def _in_page_furniture(node: Any) -> bool:
    """Whether ``node`` is in a nav, footer, sidebar or page header (a masthead's date is today's).

    A <header> inside an <article> is the article's own and counts.
    """
    in_header = False
    parent = node.parent
    while parent is not None:
        tag = parent.tag
        if tag in _NOT_CONTENT_TAGS:
            return True
        if tag == "header":
            in_header = True
        elif tag == "article":
            in_header = False
        parent = parent.parent
    return in_header


def _html_date(tree: Any, main: Any) -> date | None:
    for rule in date_rules():
        if rule.kind == "html" and rule.selector and rule.attribute:
            where = main if rule.scope == "main" else tree
            for node in where.css(rule.selector)[:20]:
                if _in_page_furniture(node):
                    continue
                value = node.attributes.get(rule.attribute)
                found = parse_date(value) if value else None
                if found is not None:
                    return found
        elif rule.kind == "json_ld" and rule.key:
            for value in _json_ld_values(tree, rule.key):
                found = parse_date(value) if isinstance(value, str) else None
                if found is not None:
                    return found
    return None


def _absolute_url(value: str | None) -> str | None:
    return value if value and _URL.fullmatch(value) else None


def _read_html(raw: str, source: str, stem: str) -> Article:
    from selectolax.lexbor import LexborHTMLParser

    html = _normalise(raw)
    if not html.strip():
        raise _Refusal("blank file (only whitespace)")
    _check_nesting(html)
    tree = LexborHTMLParser(html)
    main = _main_element(tree)
    text = _CONTROLS.sub("", _html_text(main))  # character references can make controls
    if not text:
        raise _Refusal("no text in the page's main content")
    _check_lines(text, "text: ")
    title_node = tree.css_first("title")
    h1 = main.css_first("h1")
    title = (
        _attribute(tree, "meta[property='og:title']", "content")
        or (" ".join(title_node.text().split()) if title_node is not None else None)
        or (" ".join(h1.text().split()) if h1 is not None else None)
        or None
    )
    url = _absolute_url(_attribute(tree, "link[rel~='canonical']", "href")) or _absolute_url(
        _attribute(tree, "meta[property='og:url']", "content")
    )
    return Article(
        id=stem,
        text=text,
        published=_html_date(tree, main) or _text_date(_head(text)),
        url=url,
        title=title,
        source=source,
    )


# ------------------------------------------------------------------ .json / .jsonl

_URL = re.compile(r"https?://[^\s<>\"\x00-\x1f\x7f\ufffe\uffff]+", re.IGNORECASE)
_MISSING = object()


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


def _loads(text: str, where: str) -> Any:
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        place = f"line {exc.lineno}, column {exc.colno}" if not where else f"column {exc.colno}"
        raise _Refusal(f"{where}invalid JSON at {place}: {exc.msg}") from None
    except RecursionError:
        raise _Refusal(f"{where}JSON nested too deeply to read") from None
    except ValueError as exc:
        raise _Refusal(f"{where}invalid JSON: {exc}") from None


def _optional_string(record: dict[str, Any], key: str, where: str) -> str | None:
    value = record.get(key)
    if value is None or isinstance(value, str):
        if value is not None and _SURROGATE.search(value) is not None:
            raise _Refusal(f"{where}{key} holds half a UTF-16 surrogate pair (a lone \\u escape)")
        return value
    raise _Refusal(f"{where}{key} must be a string or null, not {_json_type(value)}")


def _record(value: Any, source: str, default_id: str | None, where: str = "") -> Article:
    if not isinstance(value, dict):
        raise _Refusal(f"{where}a record must be a JSON object, not {_json_type(value)}")
    identifier = value.get("id", _MISSING)
    if identifier is _MISSING or identifier is None:
        if default_id is None:
            raise _Refusal(f"{where}the record has no id")
        identifier = default_id
    if not isinstance(identifier, str):
        raise _Refusal(f"{where}id must be a string, not {_json_type(identifier)}")
    if not identifier.strip() or identifier != identifier.strip():
        raise _Refusal(f"{where}id {identifier!r} is blank or has spaces at either end")
    if _CONTROLS.search(identifier) or _SURROGATE.search(identifier) or "\n" in identifier:
        raise _Refusal(f"{where}id {identifier[:60]!r} has control characters or a lone surrogate")
    if len(identifier) > 200:
        raise _Refusal(f"{where}id {identifier[:60]!r}... is over 200 characters long")
    text = value.get("text", _MISSING)
    if text is _MISSING:
        raise _Refusal(f"{where}the record has no text")
    if not isinstance(text, str):
        raise _Refusal(f"{where}text must be a string, not {_json_type(text)}")
    text = _check_text(text, "text", where)
    published = value.get("published")
    day: date | None = None
    if published is not None:
        if not isinstance(published, str):
            raise _Refusal(
                f"{where}published must be an ISO date string or null, not {_json_type(published)}"
            )
        day = parse_iso_date(published)
        if day is None:
            raise _Refusal(f"{where}published is not an ISO date: {published[:40]!r}")
    url = _optional_string(value, "url", where)
    if url is not None and _absolute_url(url.strip()) is None:
        raise _Refusal(f"{where}url is not an absolute http(s) URL: {url[:60]!r}")
    title = _optional_string(value, "title", where)
    return Article(
        id=identifier,
        text=text,
        published=day,
        url=url.strip() if url else None,
        title=(" ".join(_CONTROLS.sub("", title).split()) or None) if title else None,
        source=source,
    )


def _read_json(raw: str, source: str, stem: str) -> Iterator[Article | Refused]:
    if not raw.strip():
        raise _Refusal("blank file (only whitespace)")
    _check_lines(raw)
    document = _loads(raw, "")
    if not isinstance(document, list):
        yield _record(document, source, stem)
        return
    if not document:
        raise _Refusal("the file holds an empty list: no records")
    for number, value in enumerate(document, 1):
        where = f"{source}#record {number}"
        try:
            yield _record(value, where, None, f"record {number}: ")
        except _Refusal as refusal:
            yield Refused(where, refusal.reason)


def _read_jsonl(raw: str, source: str) -> Iterator[Article | Refused]:
    if not raw.strip():
        raise _Refusal("blank file (only whitespace)")
    for number, line in enumerate(raw.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{source}#line {number}"
        label = f"line {number}: "
        try:
            if len(line) > MAX_LINE_CHARS:
                raise _Refusal(f"{label}{len(line):,} characters, over {MAX_LINE_CHARS:,}")
            yield _record(_loads(line, label), where, None, label)
        except _Refusal as refusal:
            yield Refused(where, refusal.reason)
