"""SHACL validation of a graph against shapes/safekg.shacl.ttl (pySHACL).

``validate(graph)`` checks one article's graph, or the union of many, and
returns a ``ValidationReport``: whether it conforms, one readable line per
problem, and the problems as records. The shapes and the ontology are parsed
once per process.

The ontology goes to pySHACL as its ``ont_graph``, so that the code lists
(which concepts are in which scheme) and the class hierarchy are known. Only
the ontology triples that can matter for this data are passed: the types,
scheme membership, preferred labels and notations of the terms the data
names, and the subclass axioms above the classes it uses. Mixing the whole
ontology into every article's graph would cost more than validating it. No
RDFS inference is run, and nothing is fetched.

The engine is pyshacl-turbo (pySHACL's API over a Rust engine: the shapes are
compiled once per process, and one article validates in about 2 ms instead of
about 50 ms) when it is installed, else pySHACL itself. Both give the same
verdict on every case in tests/shapes; pySHACL's rdflib-based SPARQL may add a
result where a comparison mixes a date and a plain string, which the SPARQL
specification says is an error and Turbo leaves out.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from safekg import resources
from safekg.store import oxigraph_triples, rdflib_graph
from safekg.vocab import PREFIXES, RDF, RDFS, SH, SKOS, XSD

__all__ = ["ValidationReport", "ValidationResult", "validate", "validate_triples"]

# Ontology triples that SHACL validation can make use of.
_SUPPORT_PREDICATES: Final = frozenset(
    {
        RDF.type,
        RDFS.subClassOf,
        SKOS.inScheme,
        SKOS.topConceptOf,
        SKOS.prefLabel,
        SKOS.notation,
    }
)


@dataclass(frozen=True)
class ValidationResult:
    """One problem found: where, on which path, what the shape says."""

    focus: str
    path: str | None
    message: str
    severity: str = "Violation"  # Violation, Warning or Info
    value: str | None = None
    shape: str | None = None
    constraint: str | None = None  # e.g. "MinCountConstraintComponent"

    def line(self) -> str:
        """The problem on one line: focus node, path, message (and the value at fault)."""
        where = f"{self.focus} {self.path}" if self.path else self.focus
        shown = self.value is not None and self.value != self.focus
        value = f" (value: {self.value})" if shown else ""
        return f"{self.severity}: {where}: {self.message}{value}"


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of validating a graph against the shapes."""

    conforms: bool
    text: str  # one line per problem; a single line saying so when the graph conforms
    results: tuple[ValidationResult, ...] = ()


@cache
def _shapes() -> Graph:
    return Graph().parse(resources.shapes_file(), format="turtle")


_Triple = tuple[Node, Node, Node]


@cache
def _ontology_index() -> dict[Node, tuple[_Triple, ...]]:
    """For each term of the ontology, the triples about it that validation can use,
    with the subclass axioms of every class above it (see the module docstring)."""
    ontology = Graph().parse(resources.ontology_file(), format="turtle")
    about: dict[Node, list[_Triple]] = {}
    for subject, predicate, obj in ontology:
        if predicate in _SUPPORT_PREDICATES and isinstance(subject, URIRef):
            about.setdefault(subject, []).append((subject, predicate, obj))
    closed: dict[Node, tuple[_Triple, ...]] = {}
    for term in about:
        seen: set[Node] = set()
        todo = [term]
        triples: list[_Triple] = []
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            for triple in about.get(node, ()):
                if triple[0] == term or triple[1] == RDFS.subClassOf:
                    triples.append(triple)
                if triple[1] == RDFS.subClassOf:
                    todo.append(triple[2])
        closed[term] = tuple(triples)
    return closed


@cache
def _support_lines_of() -> dict[ox.NamedNode, tuple[bytes, ...]]:
    """``_ontology_index`` in pyoxigraph terms, each term's triples as N-Triples lines."""
    index: dict[ox.NamedNode, tuple[bytes, ...]] = {}
    for term, triples in _ontology_index().items():
        if isinstance(term, URIRef):
            graph = Graph(bind_namespaces="none")
            for triple in triples:
                graph.add(triple)
            lines = ox.serialize(oxigraph_triples(graph), format=ox.RdfFormat.N_TRIPLES) or b""
            index[ox.NamedNode(str(term))] = tuple(lines.splitlines(keepends=True))
    return index


def _support_lines(data: Sequence[ox.Triple]) -> bytes:
    """The ontology triples about the terms ``data`` names (as ``_ontology_support``),
    as N-Triples, each once."""
    index = _support_lines_of()
    terms = {term for triple in data for term in (triple.subject, triple.predicate, triple.object)}
    lines: dict[bytes, None] = {}
    for term in terms:
        if isinstance(term, ox.NamedNode):
            lines.update(dict.fromkeys(index.get(term, ())))
    return b"".join(lines)


def _ontology_support(data: Graph) -> Graph:
    """The ontology triples about the terms ``data`` names."""
    index = _ontology_index()
    support = Graph(bind_namespaces="none")
    seen: set[Node] = set()
    for triple in data:
        for node in triple:
            if node not in seen:
                seen.add(node)
                for known in index.get(node, ()):
                    support.add(known)
    return support


def validate(data: Graph, *, shapes: Graph | None = None) -> ValidationReport:
    """Validate ``data`` against the safekg shapes (or ``shapes``); ``data`` is not changed."""
    program = _turbo_program() if shapes is None else None
    if program is None:
        return _validate_pyshacl(data, shapes=shapes)
    return validate_triples(list(oxigraph_triples(data)))


def validate_triples(
    triples: Sequence[ox.Triple], *, ntriples: bytes | None = None
) -> ValidationReport:
    """``validate`` for triples in pyoxigraph terms, as ``safekg.graph.to_triples`` gives them.

    ``ntriples`` may give the same triples written as N-Triples, when the caller
    has them: with pyshacl-turbo they go to the engine from there, and no rdflib
    graph is built.
    """
    program = _turbo_program()
    if program is None:
        return _validate_pyshacl(rdflib_graph(triples), shapes=None)
    if ntriples is None:
        ntriples = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return _validate_turbo(program, triples, ntriples)


def _validate_turbo(
    program: Any, triples: Sequence[ox.Triple], ntriples: bytes
) -> ValidationReport:
    # The data and the ontology triples about its terms, in an in-memory store:
    # pyshacl-turbo reads a pyoxigraph store without building an rdflib graph.
    dataset = ox.Store()
    dataset.load(ntriples + _support_lines(triples), format=ox.RdfFormat.N_TRIPLES)
    conforms, results_graph, _ = program.validate(
        dataset, allow_infos=True, allow_warnings=True, abort_on_first=False
    )
    return _report(bool(conforms), results_graph)


@cache
def _turbo_program() -> Any:
    """The shapes compiled by pyshacl-turbo, or ``None`` when it is not installed."""
    try:
        turbo: Any = importlib.import_module("pyshacl_turbo")
    except ImportError:
        return None
    # No prefixes at all: the engine binds each of the shapes graph's prefixes in every
    # report it makes (about a third of the time an article takes), and ``_show`` uses
    # safekg's own.
    parsed = Graph(bind_namespaces="none").parse(resources.shapes_file(), format="turtle")
    shapes = Graph(bind_namespaces="none")
    for triple in parsed:
        shapes.add(triple)
    return turbo.compile_shapes(shapes)


def _validate_pyshacl(data: Graph, *, shapes: Graph | None) -> ValidationReport:
    conforms, results_graph, _ = shacl_validate(
        data,
        shacl_graph=shapes if shapes is not None else _shapes(),
        ont_graph=_ontology_support(data),
        inference="none",
        abort_on_first=False,
        allow_infos=True,
        allow_warnings=True,
        advanced=False,
        meta_shacl=False,
        do_owl_imports=False,
    )
    return _report(bool(conforms), results_graph)


def _report(conforms: bool, results_graph: object) -> ValidationReport:
    assert isinstance(results_graph, Graph)
    results = _results(results_graph)
    if conforms:
        text = "The graph conforms to the shapes."
    else:
        text = "\n".join(dict.fromkeys(result.line() for result in results))
    return ValidationReport(conforms=bool(conforms), text=text, results=results)


def _results(report: Graph) -> tuple[ValidationResult, ...]:
    found: list[ValidationResult] = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        shape = report.value(result, SH.sourceShape)
        severity = report.value(result, SH.resultSeverity)
        constraint = report.value(result, SH.sourceConstraintComponent)
        found.append(
            ValidationResult(
                focus=_show(report.value(result, SH.focusNode)),
                path=_show_path(report, path) if path is not None else None,
                message=" ".join(messages) or "does not conform",
                severity=_local(severity) if severity is not None else "Violation",
                value=_show(value) if value is not None else None,
                shape=str(shape) if isinstance(shape, URIRef) else None,
                constraint=_local(constraint) if constraint is not None else None,
            )
        )
    found.sort(key=lambda r: (r.focus, r.path or "", r.message, r.value or ""))
    return tuple(found)


def _local(node: Node) -> str:
    text = str(node)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@cache
def _prefixes_by_length() -> tuple[tuple[str, str], ...]:
    return tuple(sorted(PREFIXES.items(), key=lambda item: -len(item[1])))


def _show(node: Node | None) -> str:
    """A node as a person reads it: a CURIE where a prefix fits, else <IRI>, or the literal."""
    if node is None:
        return "?"
    if isinstance(node, URIRef):
        text = str(node)
        for prefix, namespace in _prefixes_by_length():
            local = text[len(namespace) :]
            if (
                text.startswith(namespace)
                and local
                and all(c.isalnum() or c in "_-" for c in local)
            ):
                return f"{prefix}:{local}"
        return f"<{text}>"
    if isinstance(node, Literal):
        if node.datatype is None or node.datatype == XSD.string:  # the same in RDF 1.1
            return repr(str(node))
        return f"{str(node)!r}^^{_show(node.datatype)}"
    return f"_:{node}"


def _show_path(report: Graph, path: Node) -> str:
    """A SHACL property path in SPARQL-like notation (``^org:member``, ``a/b``)."""
    if not isinstance(path, BNode):
        return _show(path)
    inverse = report.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _show_path(report, inverse)
    for key, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = report.value(path, key)
        if inner is not None:
            return _show_path(report, inner) + suffix
    alternatives = report.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_show_path(report, p) for p in Collection(report, alternatives)) + ")"
    if report.value(path, RDF.first) is not None:
        return "/".join(_show_path(report, p) for p in Collection(report, path))
    return _show(path)
