"""Shared helpers for the W3C conformance tests: where the test data is, the manifests, the
known failures.

The W3C test data lives outside the repository, in ``shared/w3c`` beside the checkout
(``<repo>/../shared/w3c``). When it is missing the tests fail if the environment variable
``CI`` is set, and are skipped otherwise.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, NoReturn
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import graph_diff, isomorphic
from rdflib.term import Node

REPO: Final = Path(__file__).resolve().parents[2]
W3C: Final = REPO / ".." / "shared" / "w3c"
KNOWN_FAILURES_FILE: Final = Path(__file__).with_name("known_failures.toml")

MF: Final = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
RDFT: Final = rdflib.Namespace("http://www.w3.org/ns/rdftest#")
SHT: Final = rdflib.Namespace("http://www.w3.org/ns/shacl-test#")
SH: Final = rdflib.Namespace("http://www.w3.org/ns/shacl#")

#: The id of the one test that stands in for a suite whose data is missing.
MISSING: Final = "w3c-test-data-missing"


def missing(what: str, hint: str) -> NoReturn:
    """Fail when ``CI`` is set, skip otherwise: something a test needs is not there."""
    message = f"{what} is missing: {hint}"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def require_w3c(folder: str) -> Path:
    """The folder ``folder`` of the W3C test data, or fail (CI) / skip (elsewhere)."""
    path = (W3C / folder).resolve()
    if not (path / "manifest.ttl").is_file():
        missing(
            f"the W3C test data {path / 'manifest.ttl'}",
            "put shared/w3c beside the repository (see shared/w3c/README.md)",
        )
    return path


def w3c_present(folder: str) -> bool:
    """Whether the W3C test data of ``folder`` is there (decides parametrization)."""
    return (W3C / folder / "manifest.ttl").is_file()


def file_path(iri: Node | None) -> Path:
    """The local file a ``file:`` IRI of a manifest names."""
    if iri is None:
        raise ValueError("a manifest entry lacks a file it needs")
    parts = urlsplit(str(iri))
    if parts.scheme != "file":
        raise ValueError(f"not a file IRI: {iri}")
    return Path(unquote(parts.path))


def _manifest(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def _entries(graph: Graph, manifest: Node) -> Iterator[Node]:
    for head in graph.objects(manifest, MF.entries):
        yield from Collection(graph, head)


# --------------------------------------------------------------------------- RDF syntax suites


@dataclass(frozen=True)
class SyntaxCase:
    """One test of the RDF 1.1 Turtle or N-Triples suite."""

    name: str
    kind: str  # "positive", "negative" or "eval"
    action: Path
    result: Path | None
    base: str | None


_KINDS: Final[dict[Node, str]] = {
    RDFT.TestTurtlePositiveSyntax: "positive",
    RDFT.TestTurtleNegativeSyntax: "negative",
    RDFT.TestTurtleEval: "eval",
    RDFT.TestNTriplesPositiveSyntax: "positive",
    RDFT.TestNTriplesNegativeSyntax: "negative",
}


def syntax_cases(folder: str) -> list[SyntaxCase]:
    """Every entry of ``folder``'s manifest, in manifest order.

    A test's name is the fragment of its entry IRI, which is its ``mf:name`` except in one
    place where the Turtle manifest repeats a name (``turtle-syntax-bad-num-05``).

    The base IRI of a test is the manifest's ``mf:assumedTestBase`` plus the file's name, as
    the suite's expected results assume; a suite without one is parsed without a base.
    """
    path = W3C / folder / "manifest.ttl"
    graph = _manifest(path)
    manifest = URIRef(path.resolve().as_uri())
    assumed = graph.value(manifest, MF.assumedTestBase)
    cases = []
    for entry in _entries(graph, manifest):
        kinds = [_KINDS[kind] for kind in graph.objects(entry, RDF.type) if kind in _KINDS]
        if len(kinds) != 1:
            raise ValueError(f"{entry}: expected one known test type, found {kinds}")
        action = file_path(graph.value(entry, MF.action, any=False))
        result = graph.value(entry, MF.result, any=False)
        cases.append(
            SyntaxCase(
                name=urlsplit(str(entry)).fragment,
                kind=kinds[0],
                action=action,
                result=None if result is None else file_path(result),
                base=None if assumed is None else f"{assumed}{action.name}",
            )
        )
    return cases


# --------------------------------------------------------------------------- SHACL suite


@dataclass(frozen=True)
class ShaclCase:
    """One ``sht:Validate`` test of the SHACL test suite."""

    name: str
    data: Path
    shapes: Path
    conforms: bool
    results: int


def shacl_cases(folder: str) -> list[ShaclCase]:
    """Every ``sht:Validate`` test reachable from ``folder``'s manifest by ``mf:include``."""
    cases: list[ShaclCase] = []
    _collect_shacl(W3C / folder / "manifest.ttl", W3C / folder, cases, set())
    return cases


def _collect_shacl(path: Path, root: Path, cases: list[ShaclCase], seen: set[Path]) -> None:
    path = path.resolve()
    if path in seen:
        return
    seen.add(path)
    graph = _manifest(path)
    manifest = URIRef(path.as_uri())
    for included in graph.objects(manifest, MF.include):
        _collect_shacl(file_path(included), root, cases, seen)
    for entry in _entries(graph, manifest):
        if (entry, RDF.type, SHT.Validate) not in graph:
            raise ValueError(f"{entry}: only sht:Validate tests are expected")
        action = graph.value(entry, MF.action, any=False)
        report = graph.value(entry, MF.result, any=False)
        conforms = graph.value(report, SH.conforms, any=False)
        if action is None or report is None or conforms is None:
            raise ValueError(f"{entry}: no action, result or sh:conforms")
        relative = file_path(entry).relative_to(root.resolve())
        cases.append(
            ShaclCase(
                name=relative.as_posix().removesuffix(".ttl"),
                data=file_path(graph.value(action, SHT.dataGraph, any=False)),
                shapes=file_path(graph.value(action, SHT.shapesGraph, any=False)),
                conforms=bool(conforms.toPython()),  # type: ignore[attr-defined]
                results=len(set(graph.objects(report, SH.result))),
            )
        )


# --------------------------------------------------------------------------- known failures


def known_failures() -> dict[str, dict[str, dict[str, str]]]:
    """``known_failures.toml`` as {suite: {engine: {test name: reason}}}."""
    with KNOWN_FAILURES_FILE.open("rb") as file:
        loaded: dict[str, Any] = tomllib.load(file)
    return loaded


def check_known_failures(suite: str, engines: tuple[str, ...], cases: list[Any]) -> None:
    """Every known failure of ``suite`` names one of its tests and an engine that runs it."""
    names = {case.name for case in cases}
    listed = known_failures().get(suite, {})
    assert set(listed) <= set(engines)
    stale = {engine: sorted(set(tests) - names) for engine, tests in listed.items()}
    assert not any(stale.values()), f"known_failures.toml names unknown tests: {stale}"


def params(suite: str, engines: tuple[str, ...], cases: list[Any], folder: str) -> list[Any]:
    """pytest params, one per case and engine, id ``{name}-{engine}``.

    A case listed in ``known_failures.toml`` for that engine is marked
    ``xfail(strict=True)`` so that a fix shows up as a failure too. When the test data is
    missing there is one param, :data:`MISSING`, whose test fails (CI) or skips.
    """
    if not w3c_present(folder):
        return [pytest.param(None, "", id=MISSING)]
    listed = known_failures().get(suite, {})
    found = []
    for case in cases:
        for engine in engines:
            reason = listed.get(engine, {}).get(case.name)
            marks = [] if reason is None else [pytest.mark.xfail(strict=True, reason=reason)]
            found.append(pytest.param(case, engine, id=f"{case.name}-{engine}", marks=marks))
    return found


# --------------------------------------------------------------------------- parsing engines

#: The two parsers safekg relies on.
ENGINES: Final = ("rdflib", "pyoxigraph")
_RDFLIB_FORMAT: Final = {"turtle": "turtle", "ntriples": "nt"}
_OXIGRAPH_FORMAT: Final = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}


@pytest.fixture
def exact_literals(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep literals' lexical forms as written: ``"01"^^xsd:integer`` is not ``"1"``.

    rdflib normalizes lexical forms by default, which would make a parser that changes
    them look right; RDF compares literals by lexical form.
    """
    monkeypatch.setattr(rdflib, "NORMALIZE_LITERALS", False)


def rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    """A pyoxigraph term as the rdflib term the same N-Triples would give."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language is not None:
            return Literal(term.value, lang=term.language, normalize=False)
        datatype = None if term.datatype == XSD_STRING else URIRef(term.datatype.value)
        return Literal(term.value, datatype=datatype, normalize=False)
    raise TypeError(f"not an RDF 1.1 term: {term!r}")


XSD_STRING: Final = ox.NamedNode("http://www.w3.org/2001/XMLSchema#string")


def parse(engine: str, syntax: str, path: Path, base: str | None) -> Graph:
    """Parse ``path`` with ``engine``; any error propagates."""
    if engine == "rdflib":
        graph = Graph()
        graph.parse(path, format=_RDFLIB_FORMAT[syntax], publicID=base)
        return graph
    if engine == "pyoxigraph":
        graph = Graph()
        for quad in ox.parse(path=path, format=_OXIGRAPH_FORMAT[syntax], base_iri=base):
            graph.add(
                (
                    rdflib_term(quad.subject),
                    rdflib_term(quad.predicate),
                    rdflib_term(quad.object),
                )
            )
        return graph
    raise ValueError(f"unknown engine {engine}")


def _n3(term: Node) -> str:
    try:
        return term.n3()
    except Exception:  # rdflib refuses to write some terms it accepted, such as bad IRIs
        return repr(term)


def _show(graph: Graph, limit: int = 20) -> str:
    lines = sorted(" ".join(_n3(term) for term in triple) + " ." for triple in graph)
    more = [f"... and {len(lines) - limit} more"] if len(lines) > limit else []
    return "\n".join(lines[:limit] + more) or "(nothing)"


def check_syntax_case(case: SyntaxCase, engine: str, syntax: str) -> None:
    """Run one Turtle or N-Triples test with ``engine`` and assert its outcome."""
    if case.kind == "negative":
        try:
            graph = parse(engine, syntax, case.action, case.base)
        except Exception:  # any error is the expected outcome
            return
        pytest.fail(
            f"{engine} accepted the invalid {case.action.name}, giving:\n{_show(graph)}",
            pytrace=False,
        )
    graph = parse(engine, syntax, case.action, case.base)
    if case.kind == "positive":
        return
    assert case.result is not None, f"{case.name}: an evaluation test without mf:result"
    expected = Graph().parse(case.result, format="nt")
    graph, expected = _lower_language_tags(graph), _lower_language_tags(expected)
    if not isomorphic(graph, expected):
        _, only_found, only_expected = graph_diff(graph, expected)
        pytest.fail(
            f"{engine} read {case.action.name} as a different graph than {case.result.name}\n"
            f"only in what {engine} read:\n{_show(only_found)}\n"
            f"only in the expected graph:\n{_show(only_expected)}",
            pytrace=False,
        )


def _lower_language_tags(graph: Graph) -> Graph:
    """``graph`` with its language tags in lower case.

    RDF 1.1 lets a parser lower the case of language tags (their value space is lower
    case) and rdflib's isomorphism test tells ``@en-UK`` from ``@en-uk``.
    """
    lowered = Graph()
    for triple in graph:
        lowered.add(tuple(_lower(term) for term in triple))  # type: ignore[arg-type]
    return lowered


def _lower(term: Node) -> Node:
    if isinstance(term, Literal) and term.language is not None:
        return Literal(str(term), lang=term.language.lower(), normalize=False)
    return term
