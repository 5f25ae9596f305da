"""The SHACL shapes: well-formed SHACL, every constraint explained, and data cases.

Each file in tests/shapes/valid/ must conform and each in tests/shapes/invalid/
must not, once merged with tests/shapes/base.ttl (an article, its evidence and an
agency). An invalid case says on its first line (``# expect: ...``) a piece of
the message the report must carry, so that it fails for the reason it was
written for.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, URIRef

from safekg import resources
from safekg.validate import validate
from safekg.vocab import RDF, SH

CASES = Path(__file__).parent / "shapes"
VALID = sorted((CASES / "valid").glob("*.ttl"))
INVALID = sorted((CASES / "invalid").glob("*.ttl"))

# Constraint parameters: a shape that has one of these checks something, and must say what.
CONSTRAINTS = {
    SH[name]
    for name in [
        "class",
        "datatype",
        "nodeKind",
        "minCount",
        "maxCount",
        "minInclusive",
        "maxInclusive",
        "minLength",
        "maxLength",
        "pattern",
        "in",
        "hasValue",
        "node",
        "or",
        "and",
        "not",
        "closed",
        "lessThanOrEquals",
        "qualifiedValueShape",
    ]
}


@cache
def shapes() -> Graph:
    return Graph().parse(resources.shapes_file(), format="turtle")


def case(path: Path) -> Graph:
    graph = Graph().parse(CASES / "base.ttl", format="turtle")
    return graph.parse(path, format="turtle")


def expectation(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name} must start with '# expect: ...'"
    return first.removeprefix("# expect: ").strip()


def test_shapes_pass_meta_shacl() -> None:
    conforms, _, text = shacl_validate(Graph(), shacl_graph=shapes(), meta_shacl=True)
    assert conforms, text


def test_every_constraint_has_a_message() -> None:
    g = shapes()
    for shape in set(g.subjects()):
        if any(g.value(shape, parameter) is not None for parameter in CONSTRAINTS):
            in_list = (None, RDF.first, shape) in g  # a member of sh:or ( ... ): the parent says
            if isinstance(shape, BNode) and in_list:
                continue
            assert g.value(shape, SH.message) is not None, f"shape {shape} has no sh:message"
    for constraint in g.objects(None, SH.sparql):
        assert g.value(constraint, SH.message) is not None, "a SPARQL constraint has no message"


def test_a_shape_per_class() -> None:
    g = shapes()
    named = {str(s).rsplit("#", 1)[-1] for s in g.subjects(RDF.type, SH.NodeShape)}
    for name in (
        "AgencyShape",
        "PersonShape",
        "MembershipShape",
        "PostShape",
        "GrantShape",
        "MonetaryAmountShape",
        "ObservationShape",
        "ArticleShape",
        "SentenceShape",
        "ContextShape",
        "PeriodShape",
        "InstantShape",
        "OffenceShape",
    ):
        assert name in named


def test_there_are_cases() -> None:
    assert len(VALID) >= 8
    assert len(INVALID) >= 20


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_case_conforms(path: Path) -> None:
    report = validate(case(path))
    assert report.conforms, report.text
    assert report.results == ()


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_case_does_not_conform(path: Path) -> None:
    report = validate(case(path))
    assert not report.conforms, f"{path.name} conforms but should not"
    assert report.results
    assert expectation(path) in report.text, report.text
    for result in report.results:
        assert result.message
        assert result.line() in report.text


def test_report_lines_name_focus_path_and_message() -> None:
    report = validate(case(CASES / "invalid" / "outcome-two-measures.ttl"))
    (result,) = [r for r in report.results if r.path == "sk:measure"]
    assert result.focus == "<https://w3id.org/safekg/id/observation/t1/arrests>"
    assert result.constraint == "MaxCountConstraintComponent"
    assert result.severity == "Violation"
    assert result.shape is None or isinstance(URIRef(result.shape), URIRef)
    assert result.line().startswith(
        "Violation: <https://w3id.org/safekg/id/observation/t1/arrests> sk:measure: An outcome"
    )


def test_inverse_paths_are_readable() -> None:
    report = validate(case(CASES / "invalid" / "person-without-post.ttl"))
    assert any(r.path and r.path.startswith("(^org:member|") for r in report.results), report.text


def test_validation_leaves_the_data_alone() -> None:
    data = case(CASES / "valid" / "everything.ttl")
    before = len(data)
    assert validate(data).conforms
    assert len(data) == before


def test_other_shapes_can_be_given() -> None:
    data = case(CASES / "invalid" / "person-without-post.ttl")
    assert validate(data, shapes=Graph()).conforms
