"""Read-only SPARQL: refuse what would write or reach out, answer the rest within budgets.

A query goes through three gates before an engine sees it:

1. Size and nesting are measured on the raw text (at most :data:`MAX_QUERY_CHARS`
   characters and :data:`MAX_NESTING` levels of brackets), because parsers,
   rdflib's and Oxigraph's alike, recurse once per level and crash or stall on
   deep input.
2. The text is parsed as a SPARQL 1.1 *query* by rdflib's parser. Updates
   (INSERT, DELETE, LOAD, CLEAR, DROP, ...) are not queries and fail to parse;
   if the text parses as an update it is refused as one.
3. The parse tree is searched for ``SERVICE`` (the engine would fetch from the
   network) and ``FROM``/``FROM NAMED`` (some engines fetch those IRIs, files
   included). Either is refused.

:func:`run_query` then answers in a forked child process, with a time budget
(``timeout_s``, 30 s by default) and an address-space budget (``max_memory_mb``,
4096 MB above what the process already uses, by default). A child that overruns is
killed (:class:`QueryBudgetError`); a child that crashes is reported as a
:class:`SafeKGError` and the calling process carries on. Oxigraph does crash on
some texts the gates let through, such as a FILTER that chains 30,000 ``||``.
Forking costs about 3 ms on Linux, so every query runs this way (POSIX only).
Texts up to 8,000 characters are parsed in the calling process, once each;
rdflib parses about 10-20 kB a second, so longer ones are parsed in the child,
within the time budget.

Named queries are the ``queries/*.rq`` files shipped with safekg. Each starts
with comment lines that describe it::

    # title: Arrests by agency
    # description: Arrests each agency reported for periods inside one year.
    # param: year = 2019 (xsd:integer) the calendar year

Parameters are never pasted into the text as written: each value is checked
against its declared datatype and made into an RDF term. On a pyoxigraph store
the engine binds the term to the variable of the same name (SEP-0007
substitution); on any other store the term, written by pyoxigraph, takes the
variable's place in the text (:mod:`safekg.substitution`), and the whole text
passes the gates again. Either way a value cannot change what the query does,
and both ways give the same answer. Every parameter has a default.
"""

from __future__ import annotations

import contextlib
import faulthandler
import json
import os
import re
import resource
import selectors
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from itertools import islice
from pathlib import Path
from types import MappingProxyType
from typing import Protocol, TypeVar

import pyoxigraph
from pyparsing import ParseBaseException, ParseResults
from rdflib.plugins.sparql.parser import expandUnicodeEscapes, parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rich.cells import cell_len

from safekg.errors import QueryBudgetError, QueryRefusedError, SafeKGError
from safekg.formats import RdfFormat, ResultFormat
from safekg.substitution import substitute

__all__ = [
    "DEFAULT_MAX_MEMORY_MB",
    "DEFAULT_TIMEOUT_S",
    "MAX_NESTING",
    "MAX_QUERY_CHARS",
    "NamedQuery",
    "ParsedQuery",
    "QueryParam",
    "QueryResult",
    "SparqlStore",
    "Term",
    "check_read_only",
    "format_result",
    "load_query",
    "named_queries",
    "nesting_depth",
    "parse_named_query",
    "run_query",
]

#: Longest query text accepted, in characters.
MAX_QUERY_CHARS = 100_000
#: Deepest nesting of ``{``, ``(`` and ``[`` accepted.
MAX_NESTING = 200
#: Wall-clock budget of one query, in seconds.
DEFAULT_TIMEOUT_S = 30.0
#: Address space one query may add to the process, in MiB.
DEFAULT_MAX_MEMORY_MB = 4096

XSD = "http://www.w3.org/2001/XMLSchema#"
_QUERIES_DIR = Path(__file__).resolve().parent / "queries"

Term = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal | pyoxigraph.Triple
QueryResult = pyoxigraph.QuerySolutions | pyoxigraph.QueryBoolean | pyoxigraph.QueryTriples


class SparqlStore(Protocol):
    """What :func:`run_query` needs: a ``query`` verb that returns pyoxigraph's results."""

    def query(self, sparql: str, /) -> QueryResult: ...


# --------------------------------------------------------------------------- gates


@dataclass(frozen=True)
class ParsedQuery:
    """A query that passed the gates.

    ``text`` is what an engine should run: the input with its ``\\uXXXX`` escapes
    expanded, exactly as it was checked (engines differ in where they expand them).
    """

    text: str
    form: str  # SELECT | CONSTRUCT | ASK | DESCRIBE
    prefixes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


def check_read_only(
    text: str, *, max_chars: int = MAX_QUERY_CHARS, max_depth: int = MAX_NESTING
) -> ParsedQuery:
    """Refuse anything but a read-only query that stays inside the store.

    Raises :class:`QueryRefusedError` for updates, ``SERVICE``, ``FROM``/``FROM
    NAMED``, over-long or over-nested text; :class:`SafeKGError` for text that is
    not SPARQL at all. Parsing takes up to about 10 s at ``max_chars``; use
    :func:`run_query` to bound it by a time budget.

    >>> check_read_only("SELECT * WHERE { ?s ?p ?o }").form
    'SELECT'
    """
    expanded = _measure(text, max_chars, max_depth)
    try:
        tree = _parse_deep(parseQuery, expanded)
    except ParseBaseException as exc:
        if _is_update(expanded):
            raise QueryRefusedError(
                "the text is a SPARQL update; only read-only queries are run"
            ) from None
        raise SafeKGError(
            f"not a SPARQL 1.1 query: {exc.msg} at line {exc.lineno}, column {exc.col}"
        ) from None
    except RecursionError:
        raise QueryRefusedError("the query is nested too deeply to parse") from None
    prologue, body = tree[0], tree[1]
    for node in _walk(body):
        if node.name == "ServiceGraphPattern":
            raise QueryRefusedError("SERVICE is refused: the query would reach the network")
        if node.name == "DatasetClause":
            raise QueryRefusedError(
                "FROM and FROM NAMED are refused: the engine might fetch files or URLs"
            )
    prefixes = MappingProxyType(
        {
            str(dict.get(decl, "prefix") or ""): str(dict.get(decl, "iri"))
            for decl in prologue
            if isinstance(decl, CompValue) and decl.name == "PrefixDecl"
        }
    )
    form = str(body.name).removesuffix("Query").upper()
    return ParsedQuery(text=expanded, form=form, prefixes=prefixes)


def _measure(text: str, max_chars: int, max_depth: int) -> str:
    """The first gate: size and nesting. Returns the text with its escapes expanded."""
    if len(text) > max_chars:
        raise QueryRefusedError(
            f"the query is {len(text):,} characters long; the limit is {max_chars:,}"
        )
    expanded = expandUnicodeEscapes(text)
    if expandUnicodeEscapes(expanded) != expanded:
        raise QueryRefusedError("the query has \\u escapes that spell further \\u escapes")
    depth = nesting_depth(expanded)
    if depth > max_depth:
        raise QueryRefusedError(f"the query nests brackets {depth} deep; the limit is {max_depth}")
    return expanded


_IRI_LIKE = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_OPEN, _CLOSE = "({[", ")}]"


def nesting_depth(text: str) -> int:
    """The deepest bracket nesting of a SPARQL text, never less than the engine sees.

    Strings and comments are skipped. ``<...>`` may be an IRI or two comparison
    operators, so brackets inside it count as opening but close only brackets
    opened inside the same ``<...>``: either reading nests no deeper than counted.
    """
    depth = deepest = 0
    i, end = 0, len(text)
    while i < end:
        char = text[i]
        if char == "#":
            newline = text.find("\n", i)
            i = end if newline < 0 else newline + 1
        elif char in "\"'":
            i = _skip_string(text, i)
        elif char == "\\":
            i += 2  # an escaped character of a prefixed name (\#, \')
        elif char == "<" and (iri := _IRI_LIKE.match(text, i)):
            inner = 0
            for c in iri.group():
                if c in _OPEN:
                    inner += 1
                    deepest = max(deepest, depth + inner)
                elif c in _CLOSE and inner:
                    inner -= 1
            depth += inner
            i = iri.end()
        else:
            if char in _OPEN:
                depth += 1
                deepest = max(deepest, depth)
            elif char in _CLOSE:
                depth = max(0, depth - 1)
            i += 1
    return deepest


def _skip_string(text: str, start: int) -> int:
    """The index just past the string literal opening at ``start``."""
    quote = text[start]
    long = text.startswith(quote * 3, start)
    closing = quote * 3 if long else quote
    i = start + len(closing)
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
        elif text.startswith(closing, i):
            return i + len(closing)
        elif not long and char in "\r\n":
            return i
        else:
            i += 1
    return len(text)


_PARSE_LOCK = threading.Lock()
_PARSE_STACK_BYTES = 64 * 1024 * 1024


def _new_parse_lock() -> None:
    """A forked child starts with a free lock, whatever other threads held."""
    global _PARSE_LOCK
    _PARSE_LOCK = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_new_parse_lock)


_T = TypeVar("_T")


def _parse_deep(parse: Callable[[str], _T], text: str) -> _T:
    """Run rdflib's recursive-descent parser on a thread with room to recurse.

    pyparsing recurses about 11 frames per triple pattern and 30 per bracket, so
    a 100 kB query needs some 300,000 frames. The recursion limit is raised for
    the parse only, under a lock.
    """
    outcome: list[_T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            outcome.append(parse(text))
        except BaseException as exc:  # handed to the caller's thread
            failure.append(exc)

    with _PARSE_LOCK:
        old_limit = sys.getrecursionlimit()
        stack = min(max(_PARSE_STACK_BYTES, 600 * len(text)), 512 * 1024 * 1024)
        old_stack = threading.stack_size(stack)
        sys.setrecursionlimit(max(old_limit, 50_000 + 3 * len(text)))
        try:
            worker = threading.Thread(target=target, name="sparql-parse", daemon=True)
            worker.start()
            worker.join()
        finally:
            threading.stack_size(old_stack)
            sys.setrecursionlimit(old_limit)
    if failure:
        raise failure[0]
    return outcome[0]


def _is_update(text: str) -> bool:
    try:
        _parse_deep(parseUpdate, text)
    except (ParseBaseException, RecursionError):
        return False
    return True


def _walk(root: object) -> Iterator[CompValue]:
    """Every node of an rdflib parse tree, without recursion."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            yield node
            stack.extend(dict.values(node))
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list | tuple | ParseResults):
            stack.extend(node)


# --------------------------------------------------------------- named queries


@dataclass(frozen=True)
class QueryParam:
    """A parameter a query declares: ``# param: year = 2019 (xsd:integer) the year``."""

    name: str
    default: str
    datatype: str  # xsd:integer, xsd:decimal, xsd:date, xsd:gYear, xsd:boolean, xsd:string, iri
    description: str = ""

    def term(self, value: str) -> Term:
        """``value`` as an RDF term of the declared datatype; SafeKGError if it is not one."""
        check = _DATATYPES.get(self.datatype)
        if check is None:
            raise SafeKGError(f"parameter {self.name} has unknown datatype {self.datatype}")
        term = check(value if self.datatype == "xsd:string" else value.strip())
        if term is None:
            shown = value if len(value) <= 40 else value[:37] + "..."
            raise SafeKGError(f"parameter {self.name} must be {self.datatype}, not {shown!r}")
        return term


def _integer(value: str) -> Term | None:
    if not re.fullmatch(r"[+-]?[0-9]{1,30}", value):
        return None
    return pyoxigraph.Literal(str(int(value)), datatype=pyoxigraph.NamedNode(XSD + "integer"))


def _decimal(value: str) -> Term | None:
    if not re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)", value):
        return None
    try:
        Decimal(value)
    except InvalidOperation:
        return None
    return pyoxigraph.Literal(value, datatype=pyoxigraph.NamedNode(XSD + "decimal"))


def _date(value: str) -> Term | None:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return None
    try:
        date.fromisoformat(value)
    except ValueError:
        return None
    return pyoxigraph.Literal(value, datatype=pyoxigraph.NamedNode(XSD + "date"))


def _year(value: str) -> Term | None:
    if not re.fullmatch(r"[0-9]{4}", value):
        return None
    return pyoxigraph.Literal(value, datatype=pyoxigraph.NamedNode(XSD + "gYear"))


def _boolean(value: str) -> Term | None:
    if value.lower() not in ("true", "false"):
        return None
    return pyoxigraph.Literal(value.lower(), datatype=pyoxigraph.NamedNode(XSD + "boolean"))


def _string(value: str) -> Term | None:
    # a backslash-u would be read as an escape once the value is in a VALUES clause
    if len(value) > 1000 or re.search(r"\\[uU]", value):
        return None
    return pyoxigraph.Literal(value)


def _iri(value: str) -> Term | None:
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]+", value):
        return None
    try:
        return pyoxigraph.NamedNode(value)
    except ValueError:
        return None


_DATATYPES: dict[str, Callable[[str], Term | None]] = {
    "xsd:integer": _integer,
    "xsd:decimal": _decimal,
    "xsd:date": _date,
    "xsd:gYear": _year,
    "xsd:boolean": _boolean,
    "xsd:string": _string,
    "iri": _iri,
}


@dataclass(frozen=True)
class NamedQuery:
    """A query with its description and parameters (a shipped ``.rq`` file, or any text)."""

    name: str
    title: str
    description: str
    params: tuple[QueryParam, ...]
    text: str

    def substitutions(
        self, values: Mapping[str, str] | None = None
    ) -> dict[pyoxigraph.Variable, Term]:
        """Every declared parameter bound to its value (or default), checked by datatype."""
        values = dict(values or {})
        declared = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            known = ", ".join(declared) or "none"
            raise SafeKGError(
                f"query {self.name} has no parameter {', '.join(unknown)} (it has: {known})"
            )
        return {
            pyoxigraph.Variable(p.name): p.term(values.get(p.name, p.default)) for p in self.params
        }


_HEADER_KEY = re.compile(r"#\s*(title|description|param)\s*:\s*(.*)$")
_PARAM = re.compile(
    r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*"
    r"(?P<default>\"(?:[^\"\\]|\\.)*\"|[^\s(]+)\s*"
    r"\((?P<datatype>[A-Za-z:]+)\)\s*(?P<description>.*)$"
)


def parse_named_query(name: str, text: str, source: str = "<query>") -> NamedQuery:
    """Read the ``# title:``, ``# description:`` and ``# param:`` lines at the top of a query."""
    title, description, params = "", [], []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        match = _HEADER_KEY.match(stripped)
        if match is None:
            continue
        key, value = match.groups()
        if key == "title":
            title = value.strip()
        elif key == "description":
            description.append(value.strip())
        else:
            params.append(_parse_param(value, f"{source}:{number}"))
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise SafeKGError(f"{source}: a parameter is declared twice ({', '.join(names)})")
    return NamedQuery(
        name=name,
        title=title or name,
        description=" ".join(description),
        params=tuple(params),
        text=text,
    )


def _parse_param(spec: str, where: str) -> QueryParam:
    match = _PARAM.match(spec.strip())
    if match is None:
        raise SafeKGError(
            f"{where}: a parameter line reads 'NAME = DEFAULT (DATATYPE) description'"
        )
    default = match["default"]
    if default.startswith('"'):
        default = json.loads(default)
    param = QueryParam(match["name"], default, match["datatype"], match["description"])
    if param.datatype not in _DATATYPES:
        raise SafeKGError(
            f"{where}: unknown datatype {param.datatype}; use one of {', '.join(_DATATYPES)}"
        )
    param.term(default)  # a default that does not fit its datatype is a bug in the file
    return param


@cache
def _shipped_queries() -> tuple[NamedQuery, ...]:
    queries = []
    for path in sorted(_QUERIES_DIR.glob("*.rq")):
        queries.append(parse_named_query(path.stem, path.read_text(encoding="utf-8"), str(path)))
    return tuple(queries)


def named_queries() -> dict[str, NamedQuery]:
    """The queries shipped with safekg, by name (the file name without ``.rq``)."""
    return {q.name: q for q in _shipped_queries()}


_NAME_LIKE = re.compile(r"[A-Za-z0-9_.-]+")


def load_query(ref: str, *, max_chars: int = MAX_QUERY_CHARS) -> NamedQuery:
    """A named query, a ``.rq`` file, or SPARQL text, each with its declared parameters."""
    shipped = named_queries()
    if ref in shipped:
        return shipped[ref]
    if "\n" not in ref and (ref.endswith(".rq") or ref.endswith(".sparql")):
        return _read_query_file(Path(ref), max_chars)
    if _NAME_LIKE.fullmatch(ref.strip()):
        if Path(ref).is_file():
            return _read_query_file(Path(ref), max_chars)
        raise SafeKGError(f"no query named {ref!r}; the named queries are: {', '.join(shipped)}")
    return parse_named_query("query", ref)


def _read_query_file(path: Path, max_chars: int) -> NamedQuery:
    try:
        if path.stat().st_size > 4 * max_chars:
            raise QueryRefusedError(f"{path} is larger than a query may be ({max_chars:,} chars)")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SafeKGError(f"no query file {path}") from None
    except UnicodeDecodeError:
        raise SafeKGError(f"{path} is not UTF-8 text") from None
    except OSError as exc:
        raise SafeKGError(f"cannot read {path}: {exc.strerror or exc}") from None
    return parse_named_query(path.stem, text, str(path))


# ------------------------------------------------------------------- running

#: Texts up to this length are checked in the calling process (and remembered).
_PARSE_HERE_CHARS = 8_000
_check_cached = lru_cache(maxsize=256)(check_read_only)


def run_query(
    store: SparqlStore,
    text_or_name_or_path: str,
    *,
    params: Mapping[str, str] | None = None,
    fmt: ResultFormat | str = ResultFormat.TABLE,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    max_rows: int | None = None,
    max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB,
) -> str:
    """Answer a named query, a ``.rq`` file or SPARQL text, formatted as ``fmt``.

    SELECT answers are written as ``fmt``; ASK as ``true``/``false`` (or the W3C
    boolean result); CONSTRUCT and DESCRIBE as ``fmt.graph_format`` (Turtle for
    the table). ``max_rows`` keeps the first rows (or triples) only.
    ``max_memory_mb=None`` lifts the memory budget.

    >>> print(run_query(store, "arrests-by-agency", params={"year": "2020"}))  # doctest: +SKIP
    """
    result_format = fmt if isinstance(fmt, ResultFormat) else ResultFormat.from_name(fmt)
    if max_rows is not None and max_rows < 0:
        raise SafeKGError("max_rows cannot be negative")
    if timeout_s <= 0:
        raise SafeKGError("the time budget must be more than 0 seconds")
    query = load_query(text_or_name_or_path)
    substitutions = query.substitutions(params)
    _measure(query.text, MAX_QUERY_CHARS, MAX_NESTING)  # no child for what this refuses
    # short texts are checked here, once per process; long ones in the child
    checked = _check_cached(query.text) if len(query.text) <= _PARSE_HERE_CHARS else None

    def answer() -> str:
        parsed = checked or check_read_only(query.text)
        return _answer(store, parsed, substitutions, result_format, max_rows)

    return _isolated(answer, timeout_s=timeout_s, max_memory_mb=max_memory_mb)


def _answer(
    store: SparqlStore,
    parsed: ParsedQuery,
    substitutions: dict[pyoxigraph.Variable, Term],
    fmt: ResultFormat,
    max_rows: int | None,
) -> str:
    inner = getattr(store, "pyoxigraph", None)
    if isinstance(inner, pyoxigraph.Store):
        store = inner  # an embedded safekg store: bind parameters with Oxigraph's own substitution
    if substitutions and not isinstance(store, pyoxigraph.Store):
        terms = {variable.value: str(term) for variable, term in substitutions.items()}
        parsed = check_read_only(substitute(parsed.text, terms))
    try:
        if isinstance(store, pyoxigraph.Store):
            result = store.query(
                parsed.text,
                substitutions=substitutions or None,
                use_default_graph_as_union=True,
            )
        else:
            result = store.query(parsed.text)
        return format_result(result, fmt, max_rows=max_rows, prefixes=parsed.prefixes)
    except SafeKGError:
        raise
    except SyntaxError as exc:
        raise SafeKGError(f"the query engine rejected the query: {_one_line(exc)}") from None
    except (OSError, RuntimeError, ValueError, TypeError) as exc:
        raise SafeKGError(f"the query failed: {_one_line(exc)}") from None


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 300 else text[:297] + "..."


# ------------------------------------------------------------------ formatting


_DEFAULT_PREFIXES = {
    "sk": "https://w3id.org/safekg/def#",
    "skm": "https://w3id.org/safekg/id/measure/",
    "skq": "https://w3id.org/safekg/id/qualifier/",
    "skr": "https://w3id.org/safekg/id/rank/",
    "ag": "https://w3id.org/safekg/id/agency/",
    "pe": "https://w3id.org/safekg/id/person/",
    "art": "https://w3id.org/safekg/id/article/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": XSD,
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "qb": "http://purl.org/linked-data/cube#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "time": "http://www.w3.org/2006/time#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
}
_NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "long", "int")}
_LOCAL_NAME = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?")


def format_result(
    result: QueryResult,
    fmt: ResultFormat,
    *,
    max_rows: int | None = None,
    prefixes: Mapping[str, str] | None = None,
) -> str:
    """Write a pyoxigraph query result as text in ``fmt`` (see :func:`run_query`)."""
    if isinstance(result, pyoxigraph.QueryBoolean):
        if fmt.oxigraph is None:
            return "true" if bool(result) else "false"
        return _text(result.serialize(format=fmt.oxigraph))
    if isinstance(result, pyoxigraph.QueryTriples):
        graph = fmt.graph_format
        triples: Iterable[pyoxigraph.Triple] = result
        if max_rows is not None:
            triples = islice(result, max_rows)
        keep_prefixes = graph in (RdfFormat.TURTLE, RdfFormat.RDFXML)
        declared = dict(prefixes) if prefixes and keep_prefixes else None
        return _text(pyoxigraph.serialize(triples, format=graph.oxigraph, prefixes=declared))
    variables = [v.value for v in result.variables]
    if fmt.oxigraph is None:
        return _table(result, variables, max_rows, {**_DEFAULT_PREFIXES, **(prefixes or {})})
    if max_rows is None:
        return _text(result.serialize(format=fmt.oxigraph))
    # keep the first rows, then let pyoxigraph write them in the W3C format
    bindings = [
        {name: _json_term(term) for name in variables if (term := row[name]) is not None}
        for row in islice(result, max_rows)
    ]
    document = json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}})
    kept = pyoxigraph.parse_query_results(document, pyoxigraph.QueryResultsFormat.JSON)
    return _text(kept.serialize(format=fmt.oxigraph))


def _text(data: bytes | None) -> str:
    if data is None:  # pyoxigraph returns None only when given a file to write to
        raise SafeKGError("the result serializer returned nothing")
    return data.decode("utf-8")


def _json_term(term: Term) -> dict[str, object]:
    """A term in the SPARQL 1.1 JSON results encoding."""
    if isinstance(term, pyoxigraph.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, pyoxigraph.Literal):
        encoded: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            encoded["xml:lang"] = term.language
            if term.direction is not None:
                encoded["its:dir"] = str(term.direction.value)
        elif term.datatype.value != XSD + "string":
            encoded["datatype"] = term.datatype.value
        return encoded
    return {
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


def _table(
    rows: Iterable[pyoxigraph.QuerySolution],
    variables: list[str],
    max_rows: int | None,
    prefixes: Mapping[str, str],
) -> str:
    """An aligned text table; numbers right-aligned; a row count at the foot."""
    iterator = iter(rows)
    taken = list(islice(iterator, max_rows)) if max_rows is not None else list(iterator)
    more = max_rows is not None and next(iterator, None) is not None
    namespaces = sorted(prefixes.items(), key=lambda item: -len(item[1]))
    cells = [[_cell(row[name], namespaces) for name in variables] for row in taken]
    widths = [
        max([cell_len(name), *(cell_len(row[i][0]) for row in cells)])
        for i, name in enumerate(variables)
    ]
    lines = []
    if variables:
        lines.append(_line([(name, False) for name in variables], widths))
        lines.append("  ".join("-" * w for w in widths))
        lines.extend(_line(row, widths) for row in cells)
    count = f"{len(taken)} row{'s' if len(taken) != 1 else ''}"
    lines.append(f"({count}; more were found)" if more else f"({count})")
    return "\n".join(lines) + "\n"


def _line(cells: list[tuple[str, bool]], widths: list[int]) -> str:
    parts = []
    for (text, numeric), width in zip(cells, widths, strict=True):
        pad = " " * (width - cell_len(text))
        parts.append(pad + text if numeric else text + pad)
    return "  ".join(parts).rstrip()


def _cell(term: Term | None, namespaces: list[tuple[str, str]]) -> tuple[str, bool]:
    """A term as shown in the table, and whether it is a number."""
    if term is None:
        return "", False
    if isinstance(term, pyoxigraph.Literal):
        text = term.value.replace("\r", "").replace("\n", " ").replace("\t", " ")
        return text, term.datatype.value in _NUMERIC
    if isinstance(term, pyoxigraph.NamedNode):
        for prefix, namespace in namespaces:
            local = term.value[len(namespace) :]
            if term.value.startswith(namespace) and (not local or _LOCAL_NAME.fullmatch(local)):
                return f"{prefix}:{local}", False
        return f"<{term.value}>", False
    return str(term), False


# ------------------------------------------------------------------ isolation


def _isolated(work: Callable[[], str], *, timeout_s: float, max_memory_mb: int | None) -> str:
    """Run ``work`` in a forked child within a time and memory budget; return its text."""
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        _child(work, out_w, err_w, (out_r, err_r), max_memory_mb)
    os.close(out_w)
    os.close(err_w)
    reaped = False
    try:
        output, errors, status = _collect(pid, out_r, err_r, time.monotonic() + timeout_s)
        if status is None:
            raise QueryBudgetError(f"the query ran over its time budget of {timeout_s:g} s")
        reaped = True
        return _verdict(status, output, errors, max_memory_mb)
    finally:
        if not reaped:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        os.close(out_r)
        os.close(err_r)


def _child(
    work: Callable[[], str],
    out_w: int,
    err_w: int,
    parent_ends: tuple[int, int],
    max_memory_mb: int | None,
) -> None:
    status = 1
    try:
        for fd in parent_ends:
            os.close(fd)
        os.dup2(err_w, 2)
        faulthandler.disable()  # a crash is reported by the parent, not dumped on its terminal
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if max_memory_mb is not None:
            _limit_address_space(max_memory_mb)
        try:
            message = b"O" + work().encode("utf-8")
        except QueryRefusedError as exc:
            message = b"R" + str(exc).encode("utf-8")
        except QueryBudgetError as exc:
            message = b"B" + str(exc).encode("utf-8")
        except SafeKGError as exc:
            message = b"E" + str(exc).encode("utf-8")
        except MemoryError:
            message = b"M"
        except BaseException as exc:
            message = b"E" + f"the query failed: {_one_line(exc)}".encode()
        view = memoryview(message)
        while view:
            view = view[os.write(out_w, view) :]
        status = 0
    finally:
        os._exit(status)


def _limit_address_space(max_memory_mb: int) -> None:
    """Let the child map ``max_memory_mb`` more than it has mapped already."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return
    limit = mapped + max_memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _collect(pid: int, out_r: int, err_r: int, deadline: float) -> tuple[bytes, bytes, int | None]:
    """Read the child's output until it exits; the wait status, or None past the deadline."""
    output, errors = bytearray(), bytearray()
    with selectors.DefaultSelector() as selector:
        selector.register(out_r, selectors.EVENT_READ)
        selector.register(err_r, selectors.EVENT_READ)
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return bytes(output), bytes(errors), None
            for key, _ in selector.select(remaining):
                chunk = os.read(key.fd, 1 << 16)
                if not chunk:
                    selector.unregister(key.fd)
                elif key.fd == out_r:
                    output += chunk
                elif len(errors) < 1 << 16:
                    errors += chunk
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return bytes(output), bytes(errors), status
        if time.monotonic() >= deadline:
            return bytes(output), bytes(errors), None
        time.sleep(0.002)


_MEMORY_SIGNS = (b"memory allocation of", b"MemoryError", b"bad_alloc", b"Cannot allocate memory")


def _verdict(status: int, output: bytes, errors: bytes, max_memory_mb: int | None) -> str:
    """The child's answer, or the error its output or its death stands for."""
    kind, body = output[:1], output[1:].decode("utf-8", errors="replace")
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and kind:
        if kind == b"O":
            return body
        if kind == b"R":
            raise QueryRefusedError(body)
        if kind == b"B":
            raise QueryBudgetError(body)
        if kind == b"M":
            raise QueryBudgetError(_over_memory(max_memory_mb))
        raise SafeKGError(body)
    out_of_memory = any(sign in errors for sign in _MEMORY_SIGNS)
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
        out_of_memory = True  # killed by someone else: the kernel's out-of-memory killer
    if out_of_memory:
        raise QueryBudgetError(_over_memory(max_memory_mb))
    if os.WIFSIGNALED(status):
        how = signal.Signals(os.WTERMSIG(status)).name
    else:
        how = f"exit status {os.WEXITSTATUS(status)}"
    last = errors.decode("utf-8", errors="replace").strip().splitlines()[-1:] or [""]
    detail = f": {_one_line(Exception(last[0]))}" if last[0] else ""
    hint = " (a query nested or chained thousands deep can do this)" if how == "SIGSEGV" else ""
    raise SafeKGError(f"the query engine crashed ({how}){hint}; no answer{detail}")


def _over_memory(max_memory_mb: int | None) -> str:
    if max_memory_mb is None:
        return "the query ran out of memory"
    return f"the query ran over its memory budget of {max_memory_mb} MB"
