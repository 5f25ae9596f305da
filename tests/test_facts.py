"""The facts view: records of FACTS.md read back from graphs in a store, by SPARQL."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pyoxigraph as ox
import pytest
from rdflib import Graph

from safekg.facts import KINDS, facts, query_text
from safekg.graph import agency_iri, graph_iri, to_graph
from safekg.models import Agency, Article, Evidence, Extraction, Funding, Officer, Outcome

TEXT_A = (
    "More than 70 suspected paedophiles were arrested last year by the Yorkshire and the "
    "Humber Regional Organised Crime Unit (ROCU). Detective Inspector Jonathan Best said the "
    "unit had safeguarded 74 children. The unit received part of a £20 million investment. "
    "Its conviction rate was 87.5 per cent."
)
TEXT_B = (
    "CEOP arrested nearly 300 suspected paedophiles. Jim Gamble, chief executive of the "
    "Child Exploitation and Online Protection Centre, said the centre broke up six rings."
)
ROCU = "Yorkshire and the Humber Regional Organised Crime Unit"
CEOP = "Child Exploitation and Online Protection Centre"


def sentence(text: str, words: str) -> Evidence:
    start = text.index(words)
    return Evidence(start, start + len(words), words)


def extraction_a() -> Extraction:
    return Extraction(
        article=Article(id="000_a", text=TEXT_A, published=date(2019, 5, 17)),
        agencies=(
            Agency(
                ROCU,
                sentence(TEXT_A, "Regional Organised Crime Unit (ROCU)"),
                acronym="ROCU",
                aliases=("Yorkshire and Humber ROCU",),
                kind="collaboration",
                parent="Regional Organised Crime Units",
                country="GB",
            ),
        ),
        officers=(
            Officer(
                "Jonathan Best",
                "Detective Inspector",
                sentence(TEXT_A, "Detective Inspector Jonathan Best"),
                agency=ROCU,
            ),
        ),
        fundings=(
            Funding(
                Decimal("20000000"),
                "GBP",
                sentence(TEXT_A, "£20 million investment"),
                recipient=ROCU,
            ),
        ),
        outcomes=(
            Outcome(
                "arrests",
                Decimal(70),
                "more_than",
                sentence(TEXT_A, "More than 70"),
                agency=ROCU,
                period_start=date(2018, 1, 1),
                period_end=date(2018, 12, 31),
            ),
            Outcome(
                "children_safeguarded",
                Decimal(74),
                "exact",
                sentence(TEXT_A, "safeguarded 74 children"),
                agency=ROCU,
                period_start=date(2018, 1, 1),
                period_end=date(2018, 12, 31),
            ),
            Outcome(
                "conviction_rate_percent",
                Decimal("87.5"),
                "exact",
                sentence(TEXT_A, "87.5 per cent"),
                agency=ROCU,
            ),
        ),
    )


def extraction_b() -> Extraction:
    return Extraction(
        article=Article(id="003_b", text=TEXT_B),
        agencies=(Agency(CEOP, sentence(TEXT_B, CEOP), acronym="CEOP", kind="unit"),),
        officers=(
            Officer(
                "Jim Gamble",
                "chief executive",
                sentence(TEXT_B, "Jim Gamble, chief executive"),
                agency=CEOP,
                leads=True,
            ),
        ),
        outcomes=(
            Outcome("arrests", Decimal(300), "nearly", sentence(TEXT_B, "nearly 300"), agency=CEOP),
            Outcome("networks_disrupted", Decimal(6), "exact", sentence(TEXT_B, "six rings")),
        ),
    )


def load(store: ox.Store, graph: Graph, graph_name: str | None) -> None:
    target = ox.NamedNode(graph_name) if graph_name else ox.DefaultGraph()
    data = graph.serialize(format="nt", encoding="utf-8")
    store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=target)


@pytest.fixture
def store() -> ox.Store:
    store = ox.Store()
    for extraction in (extraction_b(), extraction_a()):
        load(store, to_graph(extraction), graph_iri(extraction.article.id))
    return store


EXPECTED: list[dict[str, object]] = [
    {
        "type": "agency",
        "article": "000_a",
        "name": ROCU,
        "acronym": "ROCU",
        "parent": "Regional Organised Crime Units",
        "links": [],
    },
    {
        "type": "officer",
        "article": "000_a",
        "name": "Jonathan Best",
        "rank": "Detective Inspector",
        "agency": ROCU,
    },
    {
        "type": "funding",
        "article": "000_a",
        "amount": 20000000,
        "currency": "GBP",
        "recipient": ROCU,
        "funder": None,
    },
    {
        "type": "outcome",
        "article": "000_a",
        "agency": ROCU,
        "measure": "arrests",
        "value": 70,
        "qualifier": "more_than",
        "period_start": "2018-01-01",
        "period_end": "2018-12-31",
    },
    {
        "type": "outcome",
        "article": "000_a",
        "agency": ROCU,
        "measure": "children_safeguarded",
        "value": 74,
        "qualifier": "exact",
        "period_start": "2018-01-01",
        "period_end": "2018-12-31",
    },
    {
        "type": "outcome",
        "article": "000_a",
        "agency": ROCU,
        "measure": "conviction_rate_percent",
        "value": 87.5,
        "qualifier": "exact",
        "period_start": None,
        "period_end": None,
    },
    {
        "type": "agency",
        "article": "003_b",
        "name": CEOP,
        "acronym": "CEOP",
        "parent": None,
        "links": [],
    },
    {
        "type": "officer",
        "article": "003_b",
        "name": "Jim Gamble",
        "rank": "chief executive",
        "agency": CEOP,
    },
    {
        "type": "outcome",
        "article": "003_b",
        "agency": None,
        "measure": "networks_disrupted",
        "value": 6,
        "qualifier": "exact",
        "period_start": None,
        "period_end": None,
    },
    {
        "type": "outcome",
        "article": "003_b",
        "agency": CEOP,
        "measure": "arrests",
        "value": 300,
        "qualifier": "nearly",
        "period_start": None,
        "period_end": None,
    },
]


def test_records_are_the_facts_contract(store: ox.Store) -> None:
    records = list(facts(store))
    assert records == EXPECTED
    for record in records:
        json.dumps(record)  # every value is plain JSON
        assert list(record)[:2] == ["type", "article"]


def test_field_order_and_types(store: ox.Store) -> None:
    by_type = {record["type"]: record for record in facts(store)}
    assert list(by_type["agency"]) == ["type", "article", "name", "acronym", "parent", "links"]
    assert list(by_type["officer"]) == ["type", "article", "name", "rank", "agency"]
    assert list(by_type["funding"]) == [
        "type",
        "article",
        "amount",
        "currency",
        "recipient",
        "funder",
    ]
    assert list(by_type["outcome"]) == [
        "type",
        "article",
        "agency",
        "measure",
        "value",
        "qualifier",
        "period_start",
        "period_end",
    ]
    values = [r["value"] for r in facts(store) if r["type"] == "outcome"]
    assert all(type(v) is int for v in values if v != 87.5)
    assert 87.5 in values


def test_listing_is_deterministic() -> None:
    first, second = ox.Store(), ox.Store()
    for extraction in (extraction_a(), extraction_b()):
        load(first, to_graph(extraction), graph_iri(extraction.article.id))
    for extraction in (extraction_b(), extraction_a()):
        load(second, to_graph(extraction), graph_iri(extraction.article.id))
    assert list(facts(first)) == list(facts(second)) == EXPECTED


def test_links_come_from_any_graph(store: ox.Store) -> None:
    rocu = agency_iri(ROCU)
    links = Graph()
    links.parse(
        data=f"""
        <{rocu}> <http://www.w3.org/2002/07/owl#sameAs> <http://www.wikidata.org/entity/Q2> .
        <{rocu}> <http://www.w3.org/2004/02/skos/core#exactMatch>
            <http://www.wikidata.org/entity/Q1> .
        <{rocu}> <http://www.w3.org/2004/02/skos/core#exactMatch> "not an IRI" .
        """,
        format="turtle",
    )
    load(store, links, "https://w3id.org/safekg/graph/links")
    default = Graph().parse(
        data=f"<{rocu}> <http://www.w3.org/2002/07/owl#sameAs> <http://example.org/rocu> .",
        format="turtle",
    )
    load(store, default, None)
    (agency,) = [r for r in facts(store) if r["type"] == "agency" and r["article"] == "000_a"]
    assert agency["links"] == [
        "http://example.org/rocu",
        "http://www.wikidata.org/entity/Q1",
        "http://www.wikidata.org/entity/Q2",
    ]
    assert [r for r in facts(store) if r["type"] == "agency"][1]["links"] == []


def test_an_article_graph_alone_gives_its_facts() -> None:
    store = ox.Store()
    load(store, to_graph(extraction_b()), graph_iri("003_b"))
    assert list(facts(store)) == [r for r in EXPECTED if r["article"] == "003_b"]


def test_empty_store_gives_nothing() -> None:
    assert list(facts(ox.Store())) == []


def test_agencies_named_only_by_facts_are_not_listed(store: ox.Store) -> None:
    names = {r["name"] for r in facts(store) if r["type"] == "agency"}
    assert "Regional Organised Crime Units" not in names  # a parent, not mentioned


def test_officer_in_a_post(store: ox.Store) -> None:
    post = Graph().parse(
        data="""
        @prefix org: <http://www.w3.org/ns/org#> .
        @prefix sk: <https://w3id.org/safekg/def#> .
        @prefix skr: <https://w3id.org/safekg/id/rank/> .
        @prefix ag: <https://w3id.org/safekg/id/agency/> .
        <https://w3id.org/safekg/id/post/ceop-head> a org:Post ;
            org:heldBy <https://w3id.org/safekg/id/person/jim-gamble> ;
            org:postIn ag:child-exploitation-and-online-protection-centre ;
            org:role sk:UnitLead ;
            sk:rank skr:chief-executive ;
            sk:rankLabel "Chief Executive" ;
            sk:article <https://w3id.org/safekg/id/article/003_b> .
        """,
        format="turtle",
    )
    load(store, post, graph_iri("003_b"))
    officers = [r for r in facts(store) if r["type"] == "officer" and r["article"] == "003_b"]
    assert {str(r["rank"]) for r in officers} == {"chief executive", "Chief Executive"}


def test_a_store_with_its_own_query_signature() -> None:
    """safekg's Store protocol: query(sparql) returning pyoxigraph solutions."""

    class Wrapper:
        def __init__(self, inner: ox.Store) -> None:
            self.inner = inner
            self.seen: list[str] = []

        def query(self, sparql: str) -> object:
            self.seen.append(sparql)
            return self.inner.query(sparql)

    inner = ox.Store()
    load(inner, to_graph(extraction_a()), graph_iri("000_a"))
    wrapper = Wrapper(inner)
    assert len(list(facts(wrapper))) == 6
    assert len(wrapper.seen) == len(KINDS)
    assert all("GRAPH ?g" in sparql for sparql in wrapper.seen)


def test_queries_are_shipped_files() -> None:
    for kind in KINDS:
        assert "SELECT" in query_text(kind)
    with pytest.raises(ValueError):
        query_text("victims")
