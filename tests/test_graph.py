"""Extraction -> RDF: conforms to the shapes, deterministic, minted IRIs valid, no article text."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from safekg import vocab
from safekg.graph import (
    agency_iri,
    article_iri,
    graph_iri,
    offence_iri,
    person_iri,
    rank_iri,
    slug,
    to_graph,
)
from safekg.models import (
    Agency,
    Article,
    Evidence,
    Extraction,
    Funding,
    Offence,
    Officer,
    Outcome,
)
from safekg.validate import validate
from safekg.vocab import FOAF, NIF, ORG, PROV, QB, RDF, SDMX_MEASURE, SKOS, IdBase
from safekg.vocab import SK as _SK

ARTICLES = Path(__file__).resolve().parent.parent / "data" / "articles"
SEED = "001_924c3bbeb742ac3a"
POLIT = "Police Online Investigation Team"
# Characters allowed in a minted path segment: unreserved, or percent-escapes.
SEGMENT = re.compile(r"^(?:[A-Za-z0-9._~-]|%[0-9A-F]{2})+$")


def seed_text() -> str:
    text = (ARTICLES / f"{SEED}.txt").read_text(encoding="utf-8")
    return text


def evidence(text: str, words: str) -> Evidence:
    """The line of ``text`` that holds ``words``, as the extractor would give it."""
    at = text.index(words)
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    end = len(text) if end < 0 else end
    return Evidence(start, end, text[start:end])


def seed_extraction() -> Extraction:
    """What the extractor should find in seed 001 (POLIT), built by hand."""
    text = seed_text()
    article = Article(
        id=SEED,
        text=text,
        published=date(2020, 2, 4),
        url="https://example.org/news/polit",
        title="Specialist officers safeguarded hundreds of youngsters",
    )
    return Extraction(
        article=article,
        agencies=(
            Agency(POLIT, evidence(text, "(POLIT)"), acronym="POLIT", kind="unit", country="GB"),
            Agency(
                "Lucy Faithfull Foundation",
                evidence(text, "Lucy Faithfull"),
                aliases=("The Lucy Faithfull Foundation",),
                kind="charity",
            ),
            Agency("StopSO", evidence(text, "StopSo"), aliases=("StopSo",), kind="charity"),
        ),
        officers=(
            Officer(
                "Jo Collins",
                "Detective Inspector",
                evidence(text, "Det Insp Jo Collins"),
                agency=POLIT,
                leads=True,
            ),
        ),
        outcomes=(
            Outcome(
                "children_safeguarded",
                Decimal(312),
                "exact",
                evidence(text, "312 children"),
                agency=POLIT,
                period_start=date(2019, 1, 1),
                period_end=date(2019, 12, 31),
            ),
            Outcome(
                "warrants_executed",
                Decimal(240),
                "exact",
                evidence(text, "240 warrants"),
                agency=POLIT,
                period_start=date(2019, 1, 1),
                period_end=date(2019, 12, 31),
            ),
            Outcome(
                "arrests",
                Decimal(104),
                "exact",
                evidence(text, "104 arrests"),
                agency=POLIT,
                period_start=date(2019, 1, 1),
                period_end=date(2019, 12, 31),
            ),
        ),
        offences=(Offence("indecent images", evidence(text, "indecent images")),),
    )


def nodes_of(graph: Graph, cls: URIRef) -> list[URIRef]:
    return sorted(s for s in graph.subjects(RDF.type, cls) if isinstance(s, URIRef))


# -- the graph of one article -----------------------------------------------------------


def test_seed_graph_conforms() -> None:
    report = validate(to_graph(seed_extraction()))
    assert report.conforms, report.text


def test_seed_graph_content() -> None:
    g = to_graph(seed_extraction())
    art = URIRef(article_iri(SEED))
    assert (art, RDF.type, vocab.SCHEMA.NewsArticle) in g
    assert g.value(art, vocab.SCHEMA.datePublished) == Literal(
        "2020-02-04", datatype=vocab.XSD.date
    )
    polit = URIRef(agency_iri(POLIT))
    assert polit == URIRef("https://w3id.org/safekg/id/agency/police-online-investigation-team")
    assert (art, vocab.SCHEMA.mentions, polit) in g
    assert (polit, RDF.type, ORG.OrganizationalUnit) in g
    assert g.value(polit, _SK.acronym) == Literal("POLIT")
    observations = nodes_of(g, QB.Observation)
    assert len(observations) == 3
    values = sorted(int(g.value(o, SDMX_MEASURE.obsValue).toPython()) for o in observations)  # type: ignore[union-attr]
    assert values == [104, 240, 312]
    (membership,) = nodes_of(g, ORG.Membership)
    person = URIRef(person_iri("Jo Collins"))
    assert g.value(membership, ORG.member) == person
    assert g.value(membership, _SK.rank) == URIRef(rank_iri("Det Insp"))
    assert g.value(membership, ORG.role) == _SK.UnitLead
    assert (person, ORG.headOf, polit) in g
    assert set(g.predicates(person, None)) == {RDF.type, FOAF.name, ORG.headOf}


def test_every_fact_has_provenance() -> None:
    g = to_graph(seed_extraction())
    art = URIRef(article_iri(SEED))
    for cls in (QB.Observation, ORG.Membership, _SK.Offence):
        for node in nodes_of(g, cls):
            assert g.value(node, _SK.article) == art
            sentence = g.value(node, PROV.wasDerivedFrom)
            assert (sentence, RDF.type, NIF.Sentence) in g
            assert str(sentence).startswith(str(art) + "#char=")
            confidence = g.value(node, URIRef("http://www.w3.org/2005/11/its/rdf#taConfidence"))
            assert isinstance(confidence, Literal)
            assert confidence.datatype == vocab.XSD.decimal


def test_sentence_offsets_are_rfc5147() -> None:
    extraction = seed_extraction()
    g = to_graph(extraction)
    text = extraction.article.text
    for sentence in nodes_of(g, NIF.Sentence):
        begin = int(g.value(sentence, NIF.beginIndex).toPython())  # type: ignore[union-attr]
        end = int(g.value(sentence, NIF.endIndex).toPython())  # type: ignore[union-attr]
        assert str(sentence).endswith(f"#char={begin},{end}")
        assert str(g.value(sentence, NIF.anchorOf)) == text[begin:end]


def test_no_article_text_in_the_graph() -> None:
    extraction = seed_extraction()
    g = to_graph(extraction)
    text = extraction.article.text
    literals = [str(o) for o in g.objects() if isinstance(o, Literal)]
    assert text not in literals
    assert max(len(value) for value in literals) < len(text) / 4
    used = {a.evidence.text for a in extraction.agencies}
    used |= {o.evidence.text for o in extraction.officers}
    used |= {o.evidence.text for o in extraction.outcomes}
    paragraphs = [p for p in text.split("\n") if len(p) > 40]
    unused = [p for p in paragraphs if not any(p in u or u in p for u in used)]
    assert unused
    for paragraph in unused:
        assert not any(paragraph in value for value in literals), paragraph
    assert not list(g.triples((None, NIF.isString, None)))


def test_redacted_evidence_is_what_is_stored() -> None:
    extraction = seed_extraction()
    officer = extraction.officers[0]
    redacted = replace(officer.evidence, text="[redacted] leads the team.")
    g = to_graph(replace(extraction, officers=(replace(officer, evidence=redacted),)))
    anchors = {str(o) for o in g.objects(None, NIF.anchorOf)}
    assert "[redacted] leads the team." in anchors
    assert officer.evidence.text not in anchors


def test_no_blank_nodes() -> None:
    g = to_graph(seed_extraction())
    assert not any(isinstance(term, BNode) for triple in g for term in triple)


# -- determinism ----------------------------------------------------------------------------


def test_same_extraction_same_triples() -> None:
    first = to_graph(seed_extraction())
    second = to_graph(seed_extraction())
    assert set(first) == set(second)
    if not isomorphic(first, second):  # pragma: no cover - printed only on failure
        _, only_first, only_second = graph_diff(to_isomorphic(first), to_isomorphic(second))
        pytest.fail(f"{only_first.serialize()}\n---\n{only_second.serialize()}")


def test_order_of_facts_does_not_matter() -> None:
    extraction = seed_extraction()
    shuffled = replace(
        extraction,
        agencies=tuple(reversed(extraction.agencies)),
        outcomes=tuple(reversed(extraction.outcomes)),
    )
    assert set(to_graph(extraction)) == set(to_graph(shuffled))


def test_a_fact_seen_twice_is_one_node_with_both_sentences() -> None:
    extraction = seed_extraction()
    arrests = extraction.outcomes[2]
    again = replace(arrests, evidence=extraction.outcomes[0].evidence, confidence=0.95)
    g = to_graph(replace(extraction, outcomes=(arrests, again)))
    (node,) = nodes_of(g, QB.Observation)
    assert len(set(g.objects(node, PROV.wasDerivedFrom))) == 2
    assert g.value(node, URIRef("http://www.w3.org/2005/11/its/rdf#taConfidence")) == Literal(
        "0.95", datatype=vocab.XSD.decimal
    )
    assert validate(g).conforms


def test_different_facts_get_different_iris() -> None:
    extraction = seed_extraction()
    arrests = extraction.outcomes[2]
    more = replace(arrests, value=Decimal(105))
    g = to_graph(replace(extraction, outcomes=(arrests, more)))
    assert len(nodes_of(g, QB.Observation)) == 2


# -- values ------------------------------------------------------------------------------


def test_values_are_integer_when_whole_else_decimal() -> None:
    extraction = seed_extraction()
    outcome = extraction.outcomes[0]
    rate = replace(outcome, measure="conviction_rate_percent", value=Decimal("87.50"))
    whole = replace(outcome, value=Decimal("312.0"))
    g = to_graph(replace(extraction, outcomes=(rate, whole)))
    values = {g.value(o, SDMX_MEASURE.obsValue) for o in nodes_of(g, QB.Observation)}
    assert Literal("87.5", datatype=vocab.XSD.decimal) in values
    assert Literal(312) in values
    assert validate(g).conforms


def test_funding_amount_is_a_minted_node() -> None:
    extraction = seed_extraction()
    funding = Funding(
        Decimal("20000000"),
        "gbp",
        extraction.outcomes[0].evidence,
        recipient="Regional Organised Crime Units",
        funder="Home Office",
    )
    g = to_graph(replace(extraction, fundings=(funding,)))
    (grant,) = nodes_of(g, vocab.SCHEMA.MonetaryGrant)
    amount = g.value(grant, vocab.SCHEMA.amount)
    assert isinstance(amount, URIRef)
    assert g.value(amount, vocab.SCHEMA.value) == Literal(20000000)
    assert g.value(amount, vocab.SCHEMA.currency) == Literal("GBP")
    recipient = g.value(grant, vocab.SCHEMA.fundedItem)
    assert g.value(recipient, SKOS.prefLabel) == Literal("Regional Organised Crime Units")
    assert g.value(g.value(grant, vocab.SCHEMA.funder), SKOS.prefLabel) == Literal("Home Office")
    assert validate(g).conforms


def test_parent_agency_is_minted_with_its_name() -> None:
    extraction = seed_extraction()
    polit = replace(extraction.agencies[0], parent="West Midlands Police")
    g = to_graph(replace(extraction, agencies=(polit,)))
    parent = g.value(URIRef(agency_iri(POLIT)), ORG.subOrganizationOf)
    assert parent == URIRef(agency_iri("West Midlands Police"))
    assert g.value(parent, SKOS.prefLabel) == Literal("West Midlands Police")
    assert (URIRef(article_iri(SEED)), vocab.SCHEMA.mentions, parent) not in g
    assert validate(g).conforms


def test_unknown_rank_is_minted_in_the_scheme() -> None:
    extraction = seed_extraction()
    officer = replace(extraction.officers[0], rank="Head of Online Safety", leads=False)
    g = to_graph(replace(extraction, officers=(officer,)))
    rank = URIRef(IdBase.RANK + "head-of-online-safety")
    assert (rank, SKOS.inScheme, _SK.RankScheme) in g
    assert g.value(rank, SKOS.prefLabel) == Literal("Head of Online Safety")
    (membership,) = nodes_of(g, ORG.Membership)
    assert g.value(membership, ORG.role) == _SK.Spokesperson
    assert validate(g).conforms


def test_known_rank_is_not_restated() -> None:
    g = to_graph(seed_extraction())
    assert not list(g.triples((URIRef(rank_iri("DI")), None, None)))


def test_offences_use_the_scheme() -> None:
    extraction = seed_extraction()
    text = extraction.article.text
    offences = (
        Offence("indecent images", evidence(text, "indecent images")),
        Offence("voyeurism", evidence(text, "indecent images")),
    )
    g = to_graph(replace(extraction, offences=offences))
    known = URIRef(offence_iri("IIOC"))
    assert known == URIRef(IdBase.OFFENCE + "indecent-images-of-children")
    assert (known, RDF.type, _SK.Offence) in g
    minted = URIRef(IdBase.OFFENCE + "voyeurism")
    assert g.value(minted, SKOS.prefLabel) == Literal("voyeurism")
    assert validate(g).conforms


def test_empty_extraction_is_just_the_article() -> None:
    article = Article(id="empty", text="Nothing to see.")
    g = to_graph(Extraction(article=article))
    assert validate(g).conforms
    assert nodes_of(g, vocab.SCHEMA.NewsArticle) == [URIRef(article_iri("empty"))]


def test_shared_agency_names_merge() -> None:
    extraction = seed_extraction()
    same = Agency("The Police Online Investigation Team", extraction.agencies[0].evidence)
    g = to_graph(replace(extraction, agencies=(*extraction.agencies, same)))
    node = URIRef(agency_iri(POLIT))
    assert list(g.objects(node, SKOS.prefLabel)) == [Literal(POLIT)]
    assert Literal("The Police Online Investigation Team") in set(g.objects(node, SKOS.altLabel))


# -- IRI minting ------------------------------------------------------------------------


def test_article_iri_scheme() -> None:
    assert article_iri(SEED) == f"https://w3id.org/safekg/id/article/{SEED}"
    assert graph_iri(SEED) == f"https://w3id.org/safekg/graph/{SEED}"
    assert article_iri("a b/c#d?") == "https://w3id.org/safekg/id/article/a%20b%2Fc%23d%3F"
    assert article_iri("..") == "https://w3id.org/safekg/id/article/%2E%2E"
    # Turtle would write the prefixed name "art:v1." as "art:v1\.", which rdflib cannot read
    assert article_iri("v1.") == "https://w3id.org/safekg/id/article/v1%2E"
    assert article_iri("v1.2") == "https://w3id.org/safekg/id/article/v1.2"
    with pytest.raises(ValueError):
        article_iri("")


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1))
def test_article_iris_are_valid_and_deterministic(article_id: str) -> None:
    for mint, base in (
        (article_iri, IdBase.ARTICLE),
        (graph_iri, "https://w3id.org/safekg/graph/"),
    ):
        iri = mint(article_id)
        assert iri == mint(article_id)
        assert iri.startswith(base)
        segment = iri[len(base) :]
        assert SEGMENT.match(segment), iri
        assert segment not in (".", "..") and not segment.endswith(".")
        assert unquote(segment, errors="surrogatepass") == article_id
        assert ox.NamedNode(iri).value == iri  # pyoxigraph checks IRI syntax
        assert ox.NamedNode(iri + "#char=0,10")


@settings(max_examples=300, deadline=None)
@given(st.text(), st.text())
def test_name_iris_are_valid_and_deterministic(name: str, other: str) -> None:
    for mint in (agency_iri, person_iri, rank_iri, offence_iri):
        iri = mint(name)
        assert iri == mint(name)
        assert ox.NamedNode(iri).value == iri
        assert re.match(r"^https://w3id\.org/safekg/id/[a-z-]+/[a-z0-9-]+$", iri), iri
    if slug(name) == slug(other):
        # Only case, accents, punctuation and spacing may tell two names apart.
        assert slug(name.upper()) == slug(other.upper())


@given(st.text())
def test_slug_shape(text: str) -> None:
    value = slug(text)
    assert value
    assert len(value) <= 80 + 9
    assert re.match(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", value)


def test_slug_examples() -> None:
    assert slug("Police Online Investigation Team") == "police-online-investigation-team"
    assert slug("U.S. Attorney's Office") == "us-attorneys-office"
    assert slug("Garda Síochána") == "garda-siochana"
    assert slug("Crime & Safety") == "crime-and-safety"
    assert slug("Crime and Safety") == "crime-and-safety"
    assert slug("警察庁") != slug("公安")
    assert agency_iri("The Lucy Faithfull Foundation") == agency_iri("Lucy Faithfull Foundation")
    assert agency_iri("The") == IdBase.AGENCY + "the"


def test_the_graph_still_conforms_after_a_round_trip_through_oxigraph() -> None:
    """Oxigraph normalises some literals (xsd:nonNegativeInteger becomes xsd:integer)."""
    extraction = seed_extraction()
    funding = Funding(Decimal("2.5"), "EUR", extraction.outcomes[0].evidence, recipient=POLIT)
    graph = to_graph(replace(extraction, fundings=(funding,)))
    store = ox.Store()
    name = ox.NamedNode(graph_iri(SEED))
    store.load(
        graph.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES, to_graph=name
    )
    dumped = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name)
    back = Graph().parse(data=dumped, format="nt")
    assert isomorphic(back, graph), "the store changed a term"
    report = validate(back)
    assert report.conforms, report.text
