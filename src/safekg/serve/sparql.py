"""The SPARQL 1.1 Protocol's query operation over safekg's read-only query runner.

A request becomes a :class:`ProtocolRequest` (:func:`read_request`): the query
text from ``GET ?query=``, a form-encoded POST or an ``application/sparql-query``
POST. :func:`answer` then runs it with :func:`safekg.query.run_query`, so the
endpoint refuses exactly what ``safekg query`` refuses (updates, ``SERVICE``,
``FROM``) and answers within the same time and memory budgets, in a forked child.
The result format follows the ``Accept`` header.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import parse_qs

from rdflib.plugins.sparql.parser import expandUnicodeEscapes

from safekg.errors import QueryBudgetError, QueryRefusedError, SafeKGError
from safekg.formats import ResultFormat
from safekg.query import DEFAULT_TIMEOUT_S, SparqlStore, run_query

__all__ = [
    "GRAPH_TYPES",
    "MAX_BODY_BYTES",
    "RESULT_TYPES",
    "ProtocolError",
    "ProtocolRequest",
    "QueryRunner",
    "as_sparql_text",
    "offered",
    "query_form",
    "read_request",
    "result_format",
    "status_of",
]

#: SELECT and ASK answers: media type -> the result format written.
RESULT_TYPES: Final[Mapping[str, ResultFormat]] = {
    "application/sparql-results+json": ResultFormat.JSON,
    "application/sparql-results+xml": ResultFormat.XML,
    "text/csv": ResultFormat.CSV,
    "text/tab-separated-values": ResultFormat.TSV,
    "application/json": ResultFormat.JSON,
    "application/xml": ResultFormat.XML,
}
#: CONSTRUCT and DESCRIBE answers: media type -> the result format whose graph format it is
#: (``ResultFormat.graph_format``: table -> Turtle, csv -> N-Triples, json -> JSON-LD, ...).
GRAPH_TYPES: Final[Mapping[str, ResultFormat]] = {
    "text/turtle": ResultFormat.TABLE,
    "application/n-triples": ResultFormat.CSV,
    "application/ld+json": ResultFormat.JSON,
    "application/rdf+xml": ResultFormat.XML,
}
#: Longest request body read, in bytes (a query may be 100,000 characters of UTF-8).
MAX_BODY_BYTES: Final = 400_000

_FORM: Final = "application/x-www-form-urlencoded"
_QUERY: Final = "application/sparql-query"
_UPDATE: Final = "application/sparql-update"


class ProtocolError(SafeKGError):
    """A request the endpoint answers with an HTTP error status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class ProtocolRequest:
    """The query of a protocol request (``None``: the request carried none)."""

    query: str | None


def read_request(
    method: str, query_string: str, content_type: str | None, body: bytes
) -> ProtocolRequest:
    """The query text of a SPARQL protocol request; :class:`ProtocolError` for a bad one."""
    params = parse_qs(query_string, keep_blank_values=True)
    media_type = (content_type or "").split(";")[0].strip().lower()
    if method == "POST":
        if media_type == _FORM:
            params = _merge(params, parse_qs(_text(body), keep_blank_values=True))
        elif media_type == _QUERY:
            if "query" in params:
                raise ProtocolError(400, "give the query either in the body or as ?query=")
            params = _merge(params, {"query": [_text(body)]})
        elif media_type == _UPDATE:
            raise ProtocolError(403, "this endpoint is read-only: updates are refused")
        else:
            raise ProtocolError(
                415, f"POST the query as {_FORM} or {_QUERY}, not {media_type or 'no type'}"
            )
    if "update" in params:
        raise ProtocolError(403, "this endpoint is read-only: updates are refused")
    for name in ("default-graph-uri", "named-graph-uri"):
        if name in params:
            raise ProtocolError(
                400, f"{name} is not supported: the dataset is every article's graph"
            )
    queries = params.get("query", [])
    if len(queries) > 1:
        raise ProtocolError(400, "give one query, not several")
    return ProtocolRequest(queries[0] if queries else None)


def _merge(first: dict[str, list[str]], second: dict[str, list[str]]) -> dict[str, list[str]]:
    merged = {key: list(values) for key, values in first.items()}
    for key, values in second.items():
        merged.setdefault(key, []).extend(values)
    return merged


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(400, "the request body is not UTF-8") from None


_SPACE = re.compile(r"(?:\s+|#[^\n]*(?:\n|$))*")
_BASE = re.compile(r"BASE\s*<[^<>]*>", re.IGNORECASE)
_PREFIX = re.compile(r"PREFIX\s*[^\s:<>]*:\s*<[^<>]*>", re.IGNORECASE)
_FORM_WORD = re.compile(r"(SELECT|CONSTRUCT|DESCRIBE|ASK)\b", re.IGNORECASE)


def query_form(text: str) -> str | None:
    """The form of a query by its first keyword after the prologue: ``SELECT``, ``ASK``,
    ``CONSTRUCT`` or ``DESCRIBE``; ``None`` when the text does not start like a query.

    >>> query_form("PREFIX ex: <http://e/> # a comment\\n construct { } where { }")
    'CONSTRUCT'
    """
    expanded = expandUnicodeEscapes(text)
    position = 0
    while True:
        position = _SPACE.match(expanded, position).end()  # type: ignore[union-attr]
        declaration = _BASE.match(expanded, position) or _PREFIX.match(expanded, position)
        if declaration is None:
            break
        position = declaration.end()
    word = _FORM_WORD.match(expanded, position)
    return word.group(1).upper() if word else None


def offered(form: str | None) -> tuple[str, ...]:
    """The media types an answer of this form can be written in, the default first."""
    return tuple(GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else RESULT_TYPES)


def result_format(form: str | None, media_type: str) -> ResultFormat:
    return (GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else RESULT_TYPES)[media_type]


_NAME_LIKE = re.compile(r"[A-Za-z0-9_.-]+")


class QueryRunner:
    """Runs protocol queries on one store, a few at a time, each within its budgets."""

    def __init__(
        self,
        store: SparqlStore,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        concurrent: int = 2,
    ) -> None:
        self.store = store
        self.timeout_s = timeout_s
        self._slots = threading.BoundedSemaphore(concurrent)

    def run(
        self,
        text: str,
        fmt: ResultFormat,
        *,
        max_rows: int | None = None,
        params: Mapping[str, str] | None = None,
    ) -> str:
        """The answer to ``text`` (SPARQL, or the name of a shipped query when ``params`` is
        given) written as ``fmt``. Raises ``QueryRefusedError``, ``QueryBudgetError`` or
        ``SafeKGError`` as ``safekg query`` would."""
        if params is None:
            text = as_sparql_text(text)
        if not self._slots.acquire(timeout=self.timeout_s):
            raise QueryBudgetError("the server is busy with other queries; try again soon")
        try:
            return run_query(
                self.store,
                text,
                params=params,
                fmt=fmt,
                timeout_s=self.timeout_s,
                max_rows=max_rows,
            )
        finally:
            self._slots.release()


def as_sparql_text(text: str) -> str:
    """``text`` so that ``run_query`` reads it as SPARQL, never as a file or a query name.

    ``run_query`` also accepts the name of a shipped query or a ``.rq`` path; a line
    break at the end makes it treat the text as a query, and a bare name (which is no
    query anyway) is refused here.
    """
    if not text.strip():
        raise SafeKGError("the query is empty")
    if _NAME_LIKE.fullmatch(text.strip()):
        raise SafeKGError(f"not a SPARQL 1.1 query: {text.strip()[:40]!r}")
    return text + "\n"


def status_of(error: SafeKGError) -> int:
    """The HTTP status for an error of the query runner."""
    if isinstance(error, ProtocolError):
        return error.status
    if isinstance(error, QueryRefusedError):
        return 403
    if isinstance(error, QueryBudgetError):
        return 503
    return 400
