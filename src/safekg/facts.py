"""The facts view: every fact the graph holds, as the records of FACTS.md.

``facts(store)`` reads the graph through SPARQL, one SELECT per record type
(``queries/facts/{agency,officer,funding,outcome}.rq``), each with ``GRAPH ?g``
patterns so that every fact is read with the article whose graph holds it. It
works on anything with a ``query(sparql)`` method that returns pyoxigraph
``QuerySolutions``: a ``pyoxigraph.Store`` or a ``safekg.store.Store``.

Records come out sorted by article, then type (agency, officer, funding,
outcome), then their fields; numbers are ``int`` when whole, else ``float``.
The queries sort by article in the store, and each article's records are
sorted in Python, so the whole listing is never held in memory at once.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources as importlib_resources
from typing import Final, Protocol
from urllib.parse import unquote

import pyoxigraph as ox

from safekg.vocab import IdBase

__all__ = ["KINDS", "Queryable", "Record", "facts", "query_text"]

#: The record types, in the order the listing gives them for each article.
KINDS: Final = ("agency", "officer", "funding", "outcome")

Record = dict[str, object]
_Row = dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None]


class Queryable(Protocol):
    """Anything that answers SPARQL with pyoxigraph results (a pyoxigraph or safekg store)."""

    def query(self, sparql: str, /) -> object: ...


@cache
def query_text(kind: str) -> str:
    """The SPARQL of one record type (``queries/facts/{kind}.rq``)."""
    if kind not in KINDS:
        raise ValueError(f"no facts query for {kind!r}")
    folder = importlib_resources.files("safekg").joinpath("queries", "facts")
    return folder.joinpath(f"{kind}.rq").read_text(encoding="utf-8")


def facts(store: Queryable) -> Iterator[Record]:
    """Every fact the graph holds, one FACTS.md record each, sorted deterministically."""
    streams = [_records(store, kind) for kind in KINDS]
    order = {kind: index for index, kind in enumerate(KINDS)}
    yield from heapq.merge(
        *streams, key=lambda record: (str(record["article"]), order[str(record["type"])])
    )


# -- one record type ----------------------------------------------------------------


def _records(store: Queryable, kind: str) -> Iterator[Record]:
    """The records of one type, article by article, each article's sorted."""
    build = _BUILDERS[kind]
    rows = _rows(store, query_text(kind))
    for _, article_rows in itertools.groupby(rows, key=lambda row: _text(row["article"])):
        records: dict[tuple[object, ...], Record] = {}
        for _, node_rows in itertools.groupby(article_rows, key=lambda row: _term(row["node"])):
            record = build(list(node_rows))
            records.setdefault(_sort_key(record), record)  # identical records count once
        for key in sorted(records):
            yield records[key]


def _rows(store: Queryable, sparql: str) -> Iterator[_Row]:
    solutions = store.query(sparql)
    if not isinstance(solutions, ox.QuerySolutions):
        raise TypeError(f"a SELECT query gave {type(solutions).__name__}, not QuerySolutions")
    names = [variable.value for variable in solutions.variables]
    for solution in solutions:
        yield {name: solution[name] for name in names}


def _agency(rows: Sequence[_Row]) -> Record:
    first = rows[0]
    links = sorted({_text(row["link"]) for row in rows if row.get("link") is not None})
    return {
        "type": "agency",
        "article": _text(first["article"]),
        "name": _least(rows, "name"),
        "acronym": _least(rows, "acronym"),
        "parent": _least(rows, "parent"),
        "links": links,
    }


def _officer(rows: Sequence[_Row]) -> Record:
    return {
        "type": "officer",
        "article": _text(rows[0]["article"]),
        "name": _least(rows, "name"),
        "rank": _least(rows, "rank"),
        "agency": _least(rows, "agency"),
    }


def _funding(rows: Sequence[_Row]) -> Record:
    first = rows[0]
    return {
        "type": "funding",
        "article": _text(first["article"]),
        "amount": _number(first["amount"]),
        "currency": _text(first["currency"]),
        "recipient": _least(rows, "recipient"),
        "funder": _least(rows, "funder"),
    }


def _outcome(rows: Sequence[_Row]) -> Record:
    first = rows[0]
    return {
        "type": "outcome",
        "article": _text(first["article"]),
        "agency": _least(rows, "agency"),
        "measure": _code(first["measure"], IdBase.MEASURE),
        "value": _number(first["value"]),
        "qualifier": _code(first["qualifier"], IdBase.QUALIFIER),
        "period_start": _least(rows, "start"),
        "period_end": _least(rows, "end"),
    }


_BUILDERS: Final[dict[str, Callable[[Sequence[_Row]], Record]]] = {
    "agency": _agency,
    "officer": _officer,
    "funding": _funding,
    "outcome": _outcome,
}


# -- terms to values ------------------------------------------------------------------


def _term(term: object) -> str:
    """A term's identity for grouping rows (IRI, blank node id or literal)."""
    return str(term)


def _text(term: object) -> str:
    """The lexical value of a literal, or the IRI of a named node."""
    if isinstance(term, ox.Literal | ox.NamedNode | ox.BlankNode):
        return term.value
    return "" if term is None else str(term)


def _least(rows: Iterable[_Row], name: str) -> str | None:
    """The smallest value of a variable over the rows (None when it is never bound)."""
    values = [_text(row[name]) for row in rows if row.get(name) is not None]
    return min(values) if values else None


def _code(term: object, base: str) -> str | None:
    """A code-list concept's code: the last segment of its IRI (which is its skos:notation)."""
    if term is None:
        return None
    iri = _text(term)
    return unquote(iri[len(base) :]) if iri.startswith(base) else iri


def _number(term: object) -> int | float | None:
    """A numeric literal as ``int`` when whole, else ``float``."""
    if term is None:
        return None
    try:
        number = Decimal(_text(term).strip())
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    if number == number.to_integral_value():
        return int(number)
    return float(number)


def _sort_key(record: Record) -> tuple[object, ...]:
    """Fields in order, comparable whatever their type (None first, numbers by value)."""
    key: list[object] = []
    for value in record.values():
        if value is None:
            key.append((0, 0, ""))
        elif isinstance(value, int | float):
            key.append((1, value, ""))
        elif isinstance(value, list):
            key.append((2, 0, "\x1f".join(str(item) for item in value)))
        else:
            key.append((2, 0, str(value)))
    return tuple(key)
