"""OWL reasoning with HermiT: the ontology is consistent, contradictions are reported."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from safekg.graph import agency_iri, person_iri, to_graph
from safekg.models import Agency, Article, Evidence, Extraction, Officer, Outcome
from safekg.reason import ReasonerError, check_consistency
from safekg.vocab import ORG, RDF

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java")

TEXT = "Det Insp Jo Collins leads the Police Online Investigation Team. It made 104 arrests."
POLIT = "Police Online Investigation Team"


def extraction() -> Extraction:
    lead = Evidence(0, 63, TEXT[:63])
    arrests = Evidence(64, len(TEXT), TEXT[64:])
    return Extraction(
        article=Article(id="r1", text=TEXT, published=date(2020, 2, 4)),
        agencies=(Agency(POLIT, lead, acronym="POLIT", kind="unit"),),
        officers=(Officer("Jo Collins", "Det Insp", lead, agency=POLIT, leads=True),),
        outcomes=(
            Outcome(
                "arrests",
                Decimal(104),
                "exact",
                arrests,
                agency=POLIT,
                period_start=date(2019, 1, 1),
                period_end=date(2019, 12, 31),
            ),
        ),
    )


def leftovers() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("safekg-reason-*")}


def test_the_ontology_is_consistent() -> None:
    before = leftovers()
    report = check_consistency()
    assert report.consistent, report.message
    assert "consistent" in report.message
    assert leftovers() == before, "the temporary folder is removed"


def test_an_article_graph_is_consistent_and_gains_inferred_types() -> None:
    report = check_consistency(to_graph(extraction()))
    assert report.consistent, report.message
    polit = URIRef(agency_iri(POLIT))
    # typed org:OrganizationalUnit, hence a foaf:Agent (org:Organization is one)
    assert (polit, RDF.type, URIRef("http://xmlns.com/foaf/0.1/Agent")) in report.inferred
    stated = set(to_graph(extraction()))
    assert not any(triple in stated for triple in report.inferred)


def test_a_person_who_is_an_organisation_is_inconsistent() -> None:
    before = leftovers()
    data = to_graph(extraction())
    data.add((URIRef(person_iri("Jo Collins")), RDF.type, ORG.Organization))
    report = check_consistency(data)
    assert not report.consistent
    assert "inconsistent" in report.message
    assert "<https://w3id.org/safekg/id/person/jo-collins> is both" in report.message
    assert len(report.inferred) == 0
    assert leftovers() == before


def test_a_value_outside_a_range_is_inconsistent() -> None:
    data = Graph().parse(
        data="""
        @prefix sk: <https://w3id.org/safekg/def#> .
        @prefix qb: <http://purl.org/linked-data/cube#> .
        @prefix foaf: <http://xmlns.com/foaf/0.1/> .
        <https://w3id.org/safekg/id/observation/x/1> a qb:Observation ;
            sk:agency <https://w3id.org/safekg/id/person/jo-collins> .
        <https://w3id.org/safekg/id/person/jo-collins> a foaf:Person .
        """,
        format="turtle",
    )
    report = check_consistency(data)
    assert not report.consistent
    assert "jo-collins> is both <http://www.w3.org/ns/org#Organization>" in report.message


def test_imports_are_never_followed() -> None:
    data = Graph().parse(
        data="""
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        <https://example.org/o> a owl:Ontology ; owl:imports <http://127.0.0.1:9/nowhere.owl> .
        """,
        format="turtle",
    )
    assert check_consistency(data).consistent


def test_a_run_past_its_time_is_stopped() -> None:
    before = leftovers()
    with pytest.raises(ReasonerError, match="more than"):
        check_consistency(timeout_s=0.05)
    assert leftovers() == before
