"""OWL reasoning with HermiT: the ontology is consistent, contradictions are reported."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from typer.testing import CliRunner

from safekg import api, resources
from safekg.cli import app
from safekg.errors import ExitCode
from safekg.graph import agency_iri, graph_iri, person_iri, to_graph
from safekg.models import Agency, Article, Evidence, Extraction, Officer, Outcome
from safekg.reason import INFERRED_GRAPH, ReasonerError, check_consistency
from safekg.store import LocalStore, open_store, oxigraph_triples
from safekg.vocab import ORG, PROV, RDF, SK

# HermiT runs on Java: CI installs it (.ci/run), so there a missing Java fails the tests.
pytestmark = pytest.mark.skipif(
    shutil.which("java") is None and not os.environ.get("CI"), reason="HermiT needs Java"
)

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


# ------------------------------------------------------------------ a store


def chain_extraction() -> Extraction:
    """A unit inside a force inside a ministry, and the officer who leads the unit."""
    text = "Det Insp Jo Collins leads the Online Team of the Example Force. It made 12 arrests."
    lead = Evidence(0, 62, text[:62])
    arrests = Evidence(63, len(text), text[63:])
    return Extraction(
        article=Article(id="r2", text=text, published=date(2021, 5, 1)),
        agencies=(
            Agency("Online Team", lead, kind="unit", parent="Example Force"),
            Agency("Example Force", lead, kind="force", parent="Example Ministry"),
        ),
        officers=(Officer("Jo Collins", "Det Insp", lead, agency="Online Team", leads=True),),
        outcomes=(
            Outcome(
                "arrests",
                Decimal(12),
                "exact",
                arrests,
                agency="Online Team",
                period_start=date(2020, 1, 1),
                period_end=date(2020, 12, 31),
            ),
        ),
    )


@pytest.fixture
def bundled() -> Iterator[LocalStore]:
    """The bundled articles and the invented chain of organisations, in memory."""
    with open_store(":memory:") as store:
        assert isinstance(store, LocalStore)
        api.build([resources.data_file("articles")], store_location=store)
        store.replace_graph(graph_iri("r2"), oxigraph_triples(to_graph(chain_extraction())))
        yield store


@pytest.fixture
def chain() -> Iterator[LocalStore]:
    """Only the invented chain of organisations (quicker to reason over)."""
    with open_store(":memory:") as store:
        assert isinstance(store, LocalStore)
        store.replace_graph(graph_iri("r2"), oxigraph_triples(to_graph(chain_extraction())))
        yield store


def quads_outside_inferred(store: LocalStore) -> set[ox.Quad]:
    inferred = ox.NamedNode(INFERRED_GRAPH)
    return {q for q in store.quads() if q.graph_name != inferred}


def plain(quad: ox.Quad) -> tuple[str, str, str]:
    """A triple as three strings (the store holds no triple terms)."""
    parts = (quad.subject, quad.predicate, quad.object)
    assert not any(isinstance(part, ox.Triple) for part in parts)
    return (
        str(getattr(parts[0], "value", "")),
        quad.predicate.value,
        str(getattr(parts[2], "value", "")),
    )


def inferred_triples(store: LocalStore) -> set[tuple[str, str, str]]:
    inferred = ox.NamedNode(INFERRED_GRAPH)
    return {plain(q) for q in store.quads() if q.graph_name == inferred}


def test_safekg_reason_writes_inferred_triples_to_their_own_graph(bundled: LocalStore) -> None:
    before = quads_outside_inferred(bundled)
    facts_before = list(api.facts(store_location=bundled))
    report = api.reason(store_location=bundled)
    assert report.consistent and report.written and report.inferred > 0
    assert graph_iri("r2") in report.graphs and INFERRED_GRAPH not in report.graphs
    # article graphs are untouched; the facts view reads extracted facts only
    assert quads_outside_inferred(bundled) == before
    assert list(api.facts(store_location=bundled)) == facts_before
    assert api.validate_store(store_location=bundled).conforms
    inferred = inferred_triples(bundled)
    assert not {plain(q) for q in before} & inferred
    # the graph says what it is
    node = INFERRED_GRAPH
    assert (node, str(SK.inferred), "true") in inferred
    (activity,) = [o for s, p, o in inferred if (s, p) == (node, str(PROV.wasGeneratedBy))]
    used = {o for s, p, o in inferred if (s, p) == (activity, str(PROV.used))}
    assert {graph_iri("r2"), "https://w3id.org/safekg/def/0.1.0"} <= used


def test_the_parent_chain_inverses_and_classes_are_inferred(chain: LocalStore) -> None:
    api.reason(store_location=chain)
    inferred = inferred_triples(chain)
    team, force = agency_iri("Online Team"), agency_iri("Example Force")
    ministry, jo = agency_iri("Example Ministry"), person_iri("Jo Collins")
    transitive = str(ORG.transitiveSubOrganizationOf)
    assert {(team, transitive, force), (team, transitive, ministry)} <= inferred
    assert (force, transitive, ministry) in inferred
    assert (ministry, str(ORG.hasSubOrganization), force) in inferred
    assert (jo, str(ORG.memberOf), team) in inferred  # org:headOf is a kind of org:memberOf
    assert (team, str(ORG.hasMember), jo) in inferred
    assert (team, str(RDF.type), "http://xmlns.com/foaf/0.1/Agent") in inferred
    # so a question about the ministry counts the team's arrests
    rows = api.query(
        f"SELECT ?unit WHERE {{ ?unit <{transitive}> <{ministry}> }}",
        store_location=chain,
        fmt="csv",
    )
    assert set(rows.split()[1:]) == {team, force}
    # the inferred graph is not read again: a second run gives the same graph
    api.reason(store_location=chain)
    assert inferred_triples(chain) == inferred


def test_check_only_writes_nothing(chain: LocalStore) -> None:
    before = set(chain.quads())
    report = api.reason(store_location=chain, write=False)
    assert report.consistent and not report.written
    assert set(chain.quads()) == before


def test_an_inconsistent_store_is_reported_and_gets_no_inferred_graph(
    chain: LocalStore, tmp_path: Path
) -> None:
    stale = Graph()
    stale.add((URIRef(agency_iri("Online Team")), RDF.type, ORG.Organization))
    chain.replace_graph(INFERRED_GRAPH, oxigraph_triples(stale))
    clash = Graph()
    clash.add((URIRef(person_iri("Jo Collins")), RDF.type, ORG.Organization))
    chain.replace_graph(graph_iri("r3"), oxigraph_triples(clash))
    before = quads_outside_inferred(chain)
    report = api.reason(store_location=chain)
    assert not report.consistent and report.inferred == 0
    assert "jo-collins> is both" in report.message
    assert not inferred_triples(chain), "an old inferred graph no longer follows"
    assert quads_outside_inferred(chain) == before
    # the command explains it on stdout and exits 1
    folder = tmp_path / "store"
    with open_store(folder, read_only=False) as on_disk:
        on_disk.replace_graph(graph_iri("r2"), oxigraph_triples(to_graph(chain_extraction())))
        on_disk.replace_graph(graph_iri("r3"), oxigraph_triples(clash))
    result = CliRunner().invoke(app, ["reason", "--store", str(folder)])
    assert result.exit_code == ExitCode.NOT_CONFORMING
    assert "inconsistent" in result.stdout and "jo-collins> is both" in result.stdout
    assert "Traceback" not in result.output


def test_a_bad_time_budget_is_refused() -> None:
    result = CliRunner().invoke(app, ["reason", "--store", ":memory:", "--timeout", "0"])
    assert result.exit_code == ExitCode.USAGE
    assert "time budget" in result.stderr
