"""Online reconciliation against a real Oxigraph server holding Wikidata-shaped data."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from conftest import free_port, oxigraph_binary
from rdflib import URIRef

from safekg.errors import EndpointError, ExitCode, SafeKGError
from safekg.graph import agency_iri, graph_iri
from safekg.link import (
    DATASET_IRI,
    ReferenceTables,
    dataset_description,
    link_graph,
    linkset_counts,
    unlinked_agencies,
)
from safekg.reconcile import Candidate, ReconcileReport, reconcile, score
from safekg.vocab import DCTERMS, ORG, RDF, SKOS

FIXTURE = Path(__file__).parent / "fixtures" / "wikidata_mini.ttl"
WD = "http://www.wikidata.org/entity/"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The query URL of an Oxigraph server loaded with the Wikidata-shaped fixture."""
    location = tmp_path_factory.mktemp("wikidata")
    binary = oxigraph_binary()
    subprocess.run(
        [binary, "load", "--location", str(location), "--file", str(FIXTURE)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                pytest.fail(f"oxigraph serve-read-only exited with {process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("oxigraph did not start in 20 s")
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/query"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _items(candidates: tuple[Candidate, ...]) -> set[str]:
    return {c.item.removeprefix(WD) for c in candidates}


def test_an_exact_name_of_an_organisation_is_accepted(endpoint: str) -> None:
    report = reconcile(["Northshire Constabulary"], endpoint)
    assert report.endpoint == endpoint
    assert [(c.item, c.score, c.organisation) for c in report.accepted] == [
        (WD + "Q990000001", 1.0, True)  # an organisation through a subclass of police
    ]
    assert report.refused_for_review == ()
    assert report.accepted[0].item_label == "Northshire Constabulary"


def test_a_namesake_that_is_no_organisation_is_refused(endpoint: str) -> None:
    report = reconcile(["Northshire Police"], endpoint)
    assert report.accepted == ()
    scores = {c.item.removeprefix(WD): (c.score, c.organisation) for c in report.refused_for_review}
    assert scores["Q990000002"] == (0.8, False)  # the same name, but a band
    low, organisation = scores["Q990000001"]  # an organisation, but named otherwise
    assert organisation and low < 0.85


def test_the_threshold_decides(endpoint: str) -> None:
    strict = reconcile(["Harbour Safety Trust"], endpoint)
    assert strict.accepted == ()
    assert _items(strict.refused_for_review) == {"Q990000003"}  # never the non-item node
    fit = strict.refused_for_review[0].score
    assert fit == score("Harbour Safety Trust", "Harbour Safety Foundation", organisation=True)
    assert 0.75 < fit < 0.85
    lenient = reconcile(["Harbour Safety Trust"], endpoint, threshold=0.75)
    assert _items(lenient.accepted) == {"Q990000003"}


def test_two_equally_good_items_go_to_review(endpoint: str) -> None:
    report = reconcile(["Coastal Child Protection Agency"], endpoint)
    assert report.accepted == ()
    assert _items(report.refused_for_review) == {"Q990000004", "Q990000005"}


def test_names_without_candidates_and_acronyms_are_unmatched(endpoint: str) -> None:
    report = reconcile(
        ["Nowhere Police Authority", "NPA", "", 'The "Quoted" Unit \\ West'], endpoint
    )
    assert report.unmatched == ("NPA", "Nowhere Police Authority")
    assert _items(report.accepted) == {"Q990000006"}  # quotes and backslashes are escaped


def test_several_names_in_one_batch(endpoint: str) -> None:
    names = ["Northshire Constabulary", "Harbour Safety Trust", "Nowhere Police Authority"]
    report = reconcile(names, endpoint, batch_size=2, threshold=0.75)
    assert {c.label for c in report.accepted} == {"Northshire Constabulary", "Harbour Safety Trust"}
    assert report.unmatched == ("Nowhere Police Authority",)


def test_an_endpoint_that_does_not_answer(unused_port: int) -> None:
    with pytest.raises(EndpointError, match="did not answer") as caught:
        reconcile(["Kent Police"], f"http://127.0.0.1:{unused_port}/query", timeout_s=2)
    assert caught.value.exit_code == ExitCode.ENDPOINT_UNAVAILABLE


def test_an_endpoint_that_answers_something_else(endpoint: str) -> None:
    with pytest.raises(EndpointError, match="HTTP 404"):
        reconcile(["Kent Police"], endpoint.removesuffix("/query") + "/nothing-here")


def test_accepted_candidates_become_their_own_linkset(endpoint: str) -> None:
    store = ox.Store()
    graph = ox.NamedNode(graph_iri("a1"))
    for name in ("Northshire Constabulary", "Kent Police", "Harbour Safety Trust"):
        node = ox.NamedNode(agency_iri(name))
        store.add(
            ox.Quad(node, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(ORG.Organization)), graph)
        )
        store.add(ox.Quad(node, ox.NamedNode(str(SKOS.prefLabel)), ox.Literal(name), graph))
    tables = ReferenceTables.load()
    names = unlinked_agencies(store, tables=tables)
    assert names == ["Harbour Safety Trust", "Northshire Constabulary"]  # Kent Police is known
    report = reconcile(names, endpoint)
    links = link_graph(store, tables=tables, reconciled=report)
    assert (
        URIRef(agency_iri("Northshire Constabulary")),
        SKOS.exactMatch,
        URIRef(WD + "Q990000001"),
    ) in links
    assert not set(links.objects(URIRef(agency_iri("Harbour Safety Trust")), SKOS.exactMatch))
    assert linkset_counts(links) == {
        "wikidata": 1,
        "gss": 0,
        "legislation": 0,
        "wikidata-reconciled": 1,
    }
    linkset = URIRef(DATASET_IRI + "/links/wikidata-reconciled")
    assert (linkset, DCTERMS.source, URIRef(endpoint)) in links


def test_bad_arguments_are_refused_before_anything_is_sent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened = _forbid_sockets(monkeypatch)
    for url in ("", "file:///etc/passwd", "query.wikidata.org/sparql", "http://"):
        with pytest.raises(SafeKGError, match="needs an http"):
            reconcile(["Kent Police"], url)
    with pytest.raises(SafeKGError, match="threshold"):
        reconcile(["Kent Police"], "http://127.0.0.1:9/query", threshold=2)
    with pytest.raises(SafeKGError, match="language"):
        reconcile(["Kent Police"], "http://127.0.0.1:9/query", language='en" }')
    assert opened == []


def _forbid_sockets(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Make every new socket fail, and record the attempts."""
    opened: list[object] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        opened.append(args)
        raise OSError("the network is off in this test")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return opened


def test_linking_never_opens_a_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    store = ox.Store()
    graph = ox.NamedNode(graph_iri("a1"))
    for name in ("Kent Police", "National Crime Agency"):
        node = ox.NamedNode(agency_iri(name))
        store.add(
            ox.Quad(node, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(ORG.Organization)), graph)
        )
        store.add(ox.Quad(node, ox.NamedNode(str(SKOS.prefLabel)), ox.Literal(name), graph))
    opened = _forbid_sockets(monkeypatch)
    tables = ReferenceTables.load()
    links = link_graph(store, tables=tables, reconciled=ReconcileReport())
    assert linkset_counts(links)["wikidata"] == 1
    assert unlinked_agencies(store, tables=tables) == ["National Crime Agency"]
    assert len(dataset_description(store)) > 0
    assert opened == []
    # The guard works: reconciling with an endpoint does try the network.
    with pytest.raises(EndpointError):
        reconcile(["National Crime Agency"], "http://127.0.0.1:9/query")
    assert opened
