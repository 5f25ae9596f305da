"""Every term that the code, the shapes or the queries use is in the ontology, and the
ontology carries its version.

The ontology defines safekg's own terms (``sk:``, and the measure, qualifier and
agency-kind codes) and declares the terms it reuses from the vocabularies that
describe the data (ORG, Data Cube, PROV-O, schema.org, SKOS, OWL-Time, NIF, ITS,
SDMX, FOAF, Dublin Core). A term used anywhere in ``src/safekg``, in
``shapes/safekg.shacl.ttl`` or in a ``.rq`` file must be one of them: a misspelt or
forgotten term fails here rather than in an empty query answer.

Not checked: the W3C languages the ontology is written in (RDF, RDFS, OWL, XSD,
SHACL), the vocabularies that describe the dataset rather than its content (VoID,
DCAT), and the open code lists of ranks and offences, which ``safekg.graph`` mints.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

from safekg import resources, vocab
from safekg.vocab import OWL, RDF

if TYPE_CHECKING:
    from rdflib.namespace import DefinedNamespace

SOURCE = Path(vocab.__file__).resolve().parent
QUERIES = sorted((SOURCE / "queries").rglob("*.rq"))

#: Namespaces whose every used term must be in the ontology.
CHECKED: dict[str, str] = {
    "sk": str(vocab.SK),
    "skm": str(vocab.SKM),
    "skq": str(vocab.SKQ),
    "skk": str(vocab.SKK),
    "org": str(vocab.ORG),
    "qb": str(vocab.QB),
    "prov": str(vocab.PROV),
    "schema": str(vocab.SCHEMA),
    "skos": str(vocab.SKOS),
    "time": str(vocab.TIME),
    "foaf": str(vocab.FOAF),
    "dcterms": str(vocab.DCTERMS),
    "nif": str(vocab.NIF),
    "itsrdf": str(vocab.ITSRDF),
    "sdmx-dimension": str(vocab.SDMX_DIM),
    "sdmx-measure": str(vocab.SDMX_MEASURE),
    "sdmx-attribute": str(vocab.SDMX_ATTR),
}
#: The names ``vocab`` gives those namespaces in Python.
PYTHON_NAMES = (
    "SK",
    "SKM",
    "SKQ",
    "SKK",
    "ORG",
    "QB",
    "PROV",
    "SCHEMA",
    "SKOS",
    "TIME",
    "FOAF",
    "DCTERMS",
    "NIF",
    "ITSRDF",
    "SDMX_DIM",
    "SDMX_MEASURE",
    "SDMX_ATTR",
)


@cache
def ontology() -> Graph:
    return Graph().parse(resources.ontology_file(), format="turtle")


def checked(term: str) -> bool:
    """A term of a checked namespace (a namespace itself, as in ``STR(skm:)``, is not one)."""
    return any(term.startswith(ns) and term != ns for ns in CHECKED.values())


def declared(term: str) -> bool:
    return (URIRef(term), RDF.type, None) in ontology()


# ------------------------------------------------------------------ where terms are used


def terms_in_code() -> Iterator[tuple[str, str]]:
    """(term, where) for every ``NS.term`` and ``vocab.NS.term`` in the package's code."""
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute):
                continue
            owner = node.value
            if isinstance(owner, ast.Attribute) and isinstance(owner.value, ast.Name):
                name = owner.attr if owner.value.id == "vocab" else ""
            elif isinstance(owner, ast.Name):
                name = owner.id
            else:
                continue
            if name not in PYTHON_NAMES or node.attr.startswith("_"):
                continue
            namespace: type[DefinedNamespace] = getattr(vocab, name)
            where = f"{path.relative_to(SOURCE.parent)}:{node.lineno}"
            yield str(namespace[node.attr]), where


def terms_in_shapes() -> Iterator[tuple[str, str]]:
    shapes = Graph().parse(resources.shapes_file(), format="turtle")
    for triple in shapes:
        for term in triple:
            if isinstance(term, URIRef):
                yield str(term), "shapes/safekg.shacl.ttl"
            elif isinstance(term, Literal) and term.datatype is not None:
                yield str(term.datatype), "shapes/safekg.shacl.ttl"


def _iris(node: object) -> Iterator[URIRef]:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, URIRef):
            yield current
        elif isinstance(current, Literal) and current.datatype is not None:
            yield URIRef(current.datatype)
        elif isinstance(current, CompValue | dict):
            stack.extend(dict.values(current) if isinstance(current, CompValue) else current)
        elif isinstance(current, list | tuple | set):
            stack.extend(current)


@cache
def terms_in_query(path: Path) -> frozenset[str]:
    algebra = prepareQuery(path.read_text(encoding="utf-8")).algebra
    return frozenset(str(iri) for iri in _iris(algebra))


@cache
def used_terms() -> dict[str, str]:
    """Every checked term in use, with one place it is used."""
    found: dict[str, str] = {}
    for term, where in terms_in_code():
        found.setdefault(term, where)
    for term, where in terms_in_shapes():
        found.setdefault(term, where)
    for path in QUERIES:
        for term in terms_in_query(path):
            found.setdefault(term, str(path.relative_to(SOURCE.parent)))
    return {term: where for term, where in found.items() if checked(term)}


# ------------------------------------------------------------------ the tests


def test_the_ontology_carries_its_version() -> None:
    ontology_iri = URIRef(vocab.ONTOLOGY_IRI)
    version_iri = ontology().value(ontology_iri, OWL.versionIRI)
    version = ontology().value(ontology_iri, OWL.versionInfo)
    assert isinstance(version, Literal)
    assert version_iri == URIRef(f"{vocab.ONTOLOGY_IRI}/{version}")


def test_the_search_finds_terms_everywhere() -> None:
    """The collectors see the code, the shapes and the queries (else the check is empty)."""
    terms = used_terms()
    assert str(vocab.SK.agency) in terms
    assert str(vocab.SKM.arrests) in terms
    assert any(where.startswith("shapes/") for where in terms.values())
    assert any(where.endswith(".rq") for where in terms.values())
    assert any(".py:" in where for where in terms.values())
    assert len(QUERIES) >= 15


@pytest.mark.parametrize(
    "path", QUERIES, ids=[str(p.relative_to(SOURCE / "queries")) for p in QUERIES]
)
def test_every_term_a_query_uses_is_in_the_ontology(path: Path) -> None:
    missing = sorted(t for t in terms_in_query(path) if checked(t) and not declared(t))
    assert not missing, f"{path.name} uses terms the ontology lacks: {missing}"


def test_every_term_the_code_and_shapes_use_is_in_the_ontology() -> None:
    missing = {term: where for term, where in used_terms().items() if not declared(term)}
    assert not missing, "terms missing from the ontology: " + ", ".join(
        f"{term} ({where})" for term, where in sorted(missing.items())
    )


def test_a_missing_term_is_found() -> None:
    """The check can fail: a term the ontology lacks is reported."""
    assert checked(str(vocab.ORG.siteAddress))
    assert not declared(str(vocab.ORG.siteAddress))
