"""Linking to Wikidata, ONS geographies and legislation.gov.uk from the reference tables."""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic

from safekg import resources, vocab
from safekg.graph import agency_iri, graph_iri, offence_iri
from safekg.link import (
    DATASET_IRI,
    DESCRIPTION_GRAPH,
    LICENSE,
    LINKS_GRAPH,
    LinkError,
    Organisation,
    ReferenceTables,
    dataset_description,
    link_graph,
    linkset_counts,
    looks_like_acronym,
    normalise_label,
    unlinked_agencies,
)
from safekg.store import LocalStore, open_store, oxigraph_triples
from safekg.vocab import DCTERMS, ORG, RDF, SK, SKOS, VOID

WD = "http://www.wikidata.org/entity/"
GSS = "http://statistics.data.gov.uk/id/statistical-geography/"
LEG = "http://www.legislation.gov.uk/id/ukpga/"


@dataclass(frozen=True)
class Body:
    """An agency as an article graph holds it."""

    name: str  # skos:prefLabel
    alt: tuple[str, ...] = ()
    acronym: str | None = None
    iri: str | None = None  # default: minted from the name


def _quads(
    article: str, bodies: Iterable[Body], offences: Iterable[str | tuple[str, str]]
) -> list[ox.Quad]:
    graph = ox.NamedNode(graph_iri(article))
    node = ox.NamedNode(f"https://w3id.org/safekg/id/article/{article}")
    quads = [
        ox.Quad(
            node, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(vocab.SCHEMA.NewsArticle)), graph
        ),
        ox.Quad(
            node,
            ox.NamedNode(str(vocab.SCHEMA.url)),
            ox.Literal(
                f"https://example.org/news/{article}", datatype=ox.NamedNode(str(vocab.XSD.anyURI))
            ),
            graph,
        ),
    ]
    for body in bodies:
        agency = ox.NamedNode(body.iri or agency_iri(body.name))
        quads.append(ox.Quad(node, ox.NamedNode(str(vocab.SCHEMA.mentions)), agency, graph))
        quads.append(
            ox.Quad(agency, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(ORG.Organization)), graph)
        )
        quads.append(
            ox.Quad(agency, ox.NamedNode(str(SKOS.prefLabel)), ox.Literal(body.name), graph)
        )
        for alt in body.alt:
            quads.append(ox.Quad(agency, ox.NamedNode(str(SKOS.altLabel)), ox.Literal(alt), graph))
        if body.acronym:
            quads.append(
                ox.Quad(agency, ox.NamedNode(str(SK.acronym)), ox.Literal(body.acronym), graph)
            )
    for offence in offences:
        iri, label = (offence_iri(offence), None) if isinstance(offence, str) else offence
        concept = ox.NamedNode(iri)
        quads.append(ox.Quad(node, ox.NamedNode(str(vocab.SCHEMA.mentions)), concept, graph))
        quads.append(
            ox.Quad(concept, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(SK.Offence)), graph)
        )
        if label:
            quads.append(
                ox.Quad(concept, ox.NamedNode(str(SKOS.prefLabel)), ox.Literal(label), graph)
            )
    return quads


def _store(*articles: tuple[str, Sequence[Body], Sequence[str | tuple[str, str]]]) -> ox.Store:
    store = ox.Store()
    for article, bodies, offences in articles:
        store.extend(_quads(article, bodies, offences))
    return store


@pytest.fixture(scope="module")
def tables() -> ReferenceTables:
    return ReferenceTables.load()


def _wikidata_links(graph: rdflib.Graph) -> set[tuple[str, str]]:
    return {
        (str(s), str(o)) for s, o in graph.subject_objects(SKOS.exactMatch) if str(o).startswith(WD)
    }


# -- the tables ----------------------------------------------------------------------------


def test_tables_load_with_sources(tables: ReferenceTables) -> None:
    confirmed = [org for org in tables.organisations if org.confirmed]
    assert len(confirmed) == 14
    assert all(org.wikidata and org.sources for org in confirmed)
    assert all(org.wikidata is None for org in tables.organisations if not org.confirmed)
    assert {r.gss for r in tables.regions} >= {f"E1200000{n}" for n in range(1, 10)}
    assert all(r.sources for r in tables.regions)
    assert all(r.sources for r in tables.rocu_members)
    assert all(r.sources for r in tables.force_regions)
    assert all(o.sources and o.uri.startswith(LEG) for o in tables.offences)
    members = {(m.rocu, m.member) for m in tables.rocu_members}
    assert (
        "Yorkshire and the Humber Regional Organised Crime Unit",
        "Humberside Police",
    ) in members


def test_names_are_normalised() -> None:
    assert normalise_label("The U.S. Marshals' Service") == normalise_label("us marshals service")
    assert normalise_label("An Garda Síochána") == "an garda siochana"
    assert normalise_label("Barnardo's & Co") == "barnardos and co"
    assert normalise_label("the the x") == normalise_label("x") == "x"
    assert normalise_label("The") == "the"
    assert looks_like_acronym("POLIT") and looks_like_acronym("NCA")
    assert not looks_like_acronym("Europol") and not looks_like_acronym("ACT Policing")


@given(st.text())
def test_normalising_any_text_is_stable(text: str) -> None:
    once = normalise_label(text)
    assert normalise_label(once) == once
    assert once == once.strip() and "  " not in once
    looks_like_acronym(text)


def _copy_tables(tmp_path: Path) -> Path:
    folder = tmp_path / "reference"
    shutil.copytree(resources.data_file("reference"), folder)
    return folder


def _append(path: Path, line: str) -> int:
    """Add a row; its line number."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text + line + "\n", encoding="utf-8")
    return len(text.splitlines()) + 1


@pytest.mark.parametrize(
    ("table", "row", "message"),
    [
        (
            "organisations.csv",
            "Paedophile Online Investigation Team,POLIT,http://www.wikidata.org/entity/Q990000009,"
            "confirmed,https://example.org/x,2026-01-01,",
            "acronym",
        ),
        (
            "organisations.csv",
            "Some Body,,http://www.wikidata.org/entity/Q990000009,confirmed,,2026-01-01,",
            "needs its source",
        ),
        ("organisations.csv", "Some Body,,,unconfirmed,,2026-01-01", "expected 7 fields"),
        (
            "organisations.csv",
            "Some Body,,https://www.wikidata.org/wiki/Q1,confirmed,https://example.org,2026-01-01,",
            "Wikidata item IRI",
        ),
        ("organisations.csv", "Kent Police,,,unconfirmed,,2026-01-01,", "also on line"),
        (
            "regions.csv",
            f"Nowhere,E1200009X,{GSS}E1200009X,region,,src,,2026-01-01",
            "not a GSS code",
        ),
        ("force_regions.csv", "Kent Police,E99999999,https://example.org,2026-01-01,", "not in"),
        ("rocu_members.csv", "Some ROCU Name,,Kent Police,,2026-01-01", "source is empty"),
        (
            "offences.csv",
            f"shoplifting,{LEG}1968/60/section/1,Theft Act,https://example.org,src,2026-01-01,",
            "not a label",
        ),
        (
            "offences.csv",
            "grooming,https://www.legislation.gov.uk/ukpga/2003/42/section/15,SOA,"
            "https://example.org,src,2026-01-01,",
            "identifier URI",
        ),
    ],
)
def test_bad_rows_are_refused_with_file_and_line(
    tmp_path: Path, table: str, row: str, message: str
) -> None:
    folder = _copy_tables(tmp_path)
    line = _append(folder / table, row)
    with pytest.raises(LinkError, match=message) as caught:
        ReferenceTables.load(folder)
    assert f"{table}:{line}:" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_missing_table_or_header_is_refused(tmp_path: Path) -> None:
    folder = _copy_tables(tmp_path)
    (folder / "offences.csv").write_text("label,uri\n", encoding="utf-8")
    with pytest.raises(LinkError, match=r"offences\.csv:1: expected the header"):
        ReferenceTables.load(folder)
    (folder / "offences.csv").unlink()
    with pytest.raises(LinkError, match="missing"):
        ReferenceTables.load(folder)


# -- Wikidata ------------------------------------------------------------------------------


def test_every_confirmed_organisation_is_linked(tables: ReferenceTables) -> None:
    confirmed = [org for org in tables.organisations if org.confirmed]
    store = _store(("a1", [Body(org.name) for org in confirmed], []))
    links = _wikidata_links(link_graph(store, tables=tables))
    expected = {(agency_iri(org.name), str(org.wikidata)) for org in confirmed}
    assert links == expected


def test_an_alias_or_other_spelling_links(tables: ReferenceTables) -> None:
    store = _store(
        ("a1", [Body("Metropolitan Police"), Body("the kent police", iri="urn:x:kent")], [])
    )
    links = _wikidata_links(link_graph(store, tables=tables))
    assert links == {
        (agency_iri("Metropolitan Police"), WD + "Q1139213"),
        ("urn:x:kent", WD + "Q3195294"),
    }


def test_an_acronym_alone_never_links(tmp_path: Path) -> None:
    # A confirmed body whose acronym another body shares: only the full name may link.
    folder = _copy_tables(tmp_path)
    _append(
        folder / "organisations.csv",
        "Paedophile Online Investigation Team,,http://www.wikidata.org/entity/Q990000009,"
        "confirmed,https://example.org/made-up-for-a-test,2026-01-01,",
    )
    tables = ReferenceTables.load(folder)
    store = _store(
        (
            "a1",
            [
                Body("Police Online Investigation Team", alt=("POLIT",), acronym="POLIT"),
                Body("Fictional Bureau of Inquiry", alt=("FBI",), acronym="FBI"),
                Body("FBI", iri="urn:x:only-an-acronym"),
            ],
            [],
        )
    )
    assert _wikidata_links(link_graph(store, tables=tables)) == set()
    # Even a table that slipped an acronym in as an alias does not link on it.
    trap = Organisation(
        "Paedophile Online Investigation Team",
        ("POLIT",),
        WD + "Q990000009",
        "confirmed",
        ("https://example.org/made-up-for-a-test",),
        date(2026, 1, 1),
    )
    unchecked = replace(tables, organisations=(*tables.organisations[:-1], trap))
    assert _wikidata_links(link_graph(store, tables=unchecked)) == set()
    store.extend(_quads("a2", [Body("Paedophile Online Investigation Team", acronym="POLIT")], []))
    assert _wikidata_links(link_graph(store, tables=tables)) == {
        (agency_iri("Paedophile Online Investigation Team"), WD + "Q990000009")
    }


def test_unconfirmed_bodies_stay_unlinked(tables: ReferenceTables) -> None:
    bodies = [
        Body("National Crime Agency", acronym="NCA"),
        Body("Child Exploitation and Online Protection Command", alt=("CEOP Command",)),
        Body("NSPCC", alt=("National Society for the Prevention of Cruelty to Children",)),
        Body("Kent Police"),
    ]
    store = _store(("a1", bodies, []))
    assert _wikidata_links(link_graph(store, tables=tables)) == {
        (agency_iri("Kent Police"), WD + "Q3195294")
    }
    assert unlinked_agencies(store, tables=tables) == [
        "Child Exploitation and Online Protection Command",
        "National Crime Agency",
        "National Society for the Prevention of Cruelty to Children",
    ]


# -- areas, membership, offences ----------------------------------------------------------------


def test_rocus_get_their_members_and_area(tables: ReferenceTables) -> None:
    yh = Body("Yorkshire and Humberside Regional Organised Crime Unit", iri="urn:x:yh")
    wm = Body("West Midlands Regional Organised Crime Unit")
    graph = link_graph(_store(("a1", [yh, wm], [])), tables=tables)
    members = {str(o) for o in graph.objects(URIRef("urn:x:yh"), ORG.hasMember)}
    assert members == {
        agency_iri(name)
        for name in (
            "West Yorkshire Police",
            "South Yorkshire Police",
            "North Yorkshire Police",
            "Humberside Police",
        )
    }
    wm_node = URIRef(agency_iri(wm.name))
    assert len(set(graph.objects(wm_node, ORG.hasMember))) == 4
    assert (wm_node, RDF.type, ORG.OrganizationalCollaboration) in graph
    assert set(graph.objects(URIRef("urn:x:yh"), DCTERMS.spatial)) == {URIRef(GSS + "E12000003")}
    assert set(graph.objects(wm_node, DCTERMS.spatial)) == {URIRef(GSS + "E12000005")}
    west_yorkshire = URIRef(agency_iri("West Yorkshire Police"))
    assert (west_yorkshire, SKOS.exactMatch, URIRef(WD + "Q7987045")) in graph
    assert (west_yorkshire, DCTERMS.spatial, URIRef(GSS + "E12000003")) in graph
    # The source does not place the West Midlands forces one by one.
    assert not set(graph.objects(URIRef(agency_iri("West Mercia Police")), DCTERMS.spatial))


def test_offences_link_only_for_articles_from_england_and_wales(tables: ReferenceTables) -> None:
    store = _store(
        (
            "ew",
            [Body("West Yorkshire Police")],
            [
                "rape",
                "possession of indecent images of children",
                "grooming",
                ("urn:x:offence", "Sexual Communication with a Child"),
                # the ontology's broader "Grooming" concept, which has this as an altLabel
                "meeting a child following sexual grooming",
                # a concept minted from the label itself
                (
                    "https://w3id.org/safekg/id/offence/inciting-a-child-to-engage-in-sexual-activity",
                    "",
                ),
            ],
        ),
        ("scotland", [Body("Police Scotland")], ["sexual assault"]),
        (
            "us",
            [Body("Federal Bureau of Investigation")],
            ["meeting a child following sexual grooming"],
        ),
        (
            "mixed",
            [Body("Police Scotland"), Body("Humberside Police")],
            ["making indecent images of children"],
        ),
    )
    graph = link_graph(store, tables=tables)
    links = {
        (str(s), str(o))
        for s, o in graph.subject_objects(SKOS.exactMatch)
        if str(o).startswith(LEG)
    }
    assert links == {
        (offence_iri("rape"), LEG + "2003/42/section/1"),
        (offence_iri("possession of indecent images of children"), LEG + "1988/33/section/160"),
        ("urn:x:offence", LEG + "2003/42/section/15A"),
        (
            "https://w3id.org/safekg/id/offence/inciting-a-child-to-engage-in-sexual-activity",
            LEG + "2003/42/section/10",
        ),
    }
    # An offence is linked once any article from England and Wales names it.
    store.extend(_quads("ew2", [Body("Essex Police", alt=())], []))
    store.extend(_quads("ew3", [Body("Humberside Police")], ["sexual assault"]))
    graph = link_graph(store, tables=tables)
    assert (
        URIRef(offence_iri("sexual assault")),
        SKOS.exactMatch,
        URIRef(LEG + "2003/42/section/3"),
    ) in graph


def test_linkset_counts_equal_the_link_triples(tables: ReferenceTables) -> None:
    store = _store(
        (
            "a1",
            [
                Body("Yorkshire and the Humber Regional Organised Crime Unit"),
                Body("Kent Police"),
                Body("Europol"),
                Body("Police Scotland"),
            ],
            [],
        ),
        ("a2", [Body("South Yorkshire Police")], ["rape", "sexual assault", "grooming"]),
    )
    graph = link_graph(store, tables=tables)
    for linkset in graph.subjects(RDF.type, VOID.Linkset):
        predicate = graph.value(linkset, VOID.linkPredicate)
        target = graph.value(linkset, VOID.objectsTarget)
        space = str(graph.value(target, VOID.uriSpace))
        stated = graph.value(linkset, VOID.triples)
        assert isinstance(stated, Literal)
        actual = [o for o in graph.objects(None, predicate) if str(o).startswith(space)]
        assert int(stated) == len(actual), linkset
    assert linkset_counts(graph) == {"wikidata": 7, "gss": 6, "legislation": 2}
    assert (URIRef(DATASET_IRI + "/links/legislation"), DCTERMS.source, None) in graph


# -- the links graph in a store -------------------------------------------------------------------


def test_the_links_graph_is_whole_and_apart_from_article_graphs(tables: ReferenceTables) -> None:
    store = open_store(":memory:")
    quads = _quads("a1", [Body("Humberside Police")], ["rape"])
    store.replace_graph(
        graph_iri("a1"), [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    )
    before = set(store.graphs())
    first = link_graph(store, tables=tables)
    store.replace_graph(LINKS_GRAPH, first)
    second = link_graph(store, tables=tables)
    assert isomorphic(first, second)
    store.replace_graph(LINKS_GRAPH, second)
    assert set(store.graphs()) == before | {LINKS_GRAPH}
    article = f"<{graph_iri('a1')}>"
    result = store.query(
        f"ASK {{ GRAPH {article} {{ ?s <{SKOS.exactMatch}> ?o }} }}", union_default_graph=False
    )
    assert not bool(result)
    store.close()


def test_an_rdflib_dataset_can_be_linked(tables: ReferenceTables) -> None:
    dataset = rdflib.Dataset()
    named = dataset.graph(URIRef(graph_iri("a1")))
    named.add((URIRef(agency_iri("Essex Police")), RDF.type, ORG.Organization))
    named.add((URIRef(agency_iri("Essex Police")), SKOS.prefLabel, Literal("Essex Police")))
    assert _wikidata_links(link_graph(dataset, tables=tables)) == {
        (agency_iri("Essex Police"), WD + "Q5399777")
    }


# -- VoID and DCAT ---------------------------------------------------------------------------------


def test_dataset_description(tables: ReferenceTables) -> None:
    store = _store(
        ("a1", [Body("Kent Police")], ["rape"]),
        ("a2", [Body("Essex Police")], []),
    )
    links = link_graph(store, tables=tables)
    store.extend(_in_graph(links, LINKS_GRAPH))
    description = dataset_description(store, download_url="https://example.org/safekg.ttl")
    store.extend(_in_graph(description, DESCRIPTION_GRAPH))
    dataset = URIRef(DATASET_IRI)
    counted = len(store) - len(description)
    assert description.value(dataset, VOID.triples) == Literal(counted)
    assert (dataset, DCTERMS.license, URIRef(LICENSE)) in description
    assert (dataset, RDF.type, vocab.DCAT.Dataset) in description
    sources = set(description.objects(dataset, DCTERMS.source))
    assert sources == {URIRef("https://example.org/news/a1"), URIRef("https://example.org/news/a2")}
    vocabularies = {str(v) for v in description.objects(dataset, VOID.vocabulary)}
    assert {str(ORG), str(SKOS), str(vocab.SCHEMA), str(VOID), str(SK)} <= vocabularies
    assert not any(v.startswith("https://w3id.org/safekg/id/") for v in vocabularies)
    subsets = set(description.objects(dataset, VOID.subset))
    assert {
        URIRef(DATASET_IRI + "/links/" + key) for key in ("wikidata", "gss", "legislation")
    } == subsets
    distribution = description.value(dataset, vocab.DCAT.distribution)
    assert distribution is not None
    assert (
        distribution,
        vocab.DCAT.downloadURL,
        URIRef("https://example.org/safekg.ttl"),
    ) in description
    # Describing again, with the description stored, counts the same.
    again = dataset_description(store, download_url="https://example.org/safekg.ttl")
    assert isomorphic(again, description)


def _in_graph(graph: rdflib.Graph, name: str) -> list[ox.Quad]:
    node = ox.NamedNode(name)
    return [ox.Quad(t.subject, t.predicate, t.object, node) for t in oxigraph_triples(graph)]


def test_the_entities_counted_are_every_iri_the_build_minted(built_store: Path) -> None:
    """``void:entities`` counts typed IRIs under the id base: on a built store that is
    every IRI under it that is the subject of a triple, since each one has a type."""
    with open_store(built_store, read_only=True) as store:
        assert isinstance(store, LocalStore)
        subjects = {
            quad.subject.value
            for quad in store.pyoxigraph.quads_for_pattern(None, None, None, None)
            if isinstance(quad.subject, ox.NamedNode)
            and quad.subject.value.startswith(vocab.ID)
            and quad.graph_name != ox.NamedNode(DESCRIPTION_GRAPH)
        }
        described = dataset_description(store)
    assert described.value(URIRef(DATASET_IRI), VOID.entities) == Literal(len(subjects))
