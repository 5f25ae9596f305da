"""The ontology: documented terms, the code lists of the facts contract, and vocab.py in step."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import pytest
from rdflib import Graph, Literal, URIRef

from safekg import resources, vocab
from safekg.graph import rank_iri, slug
from safekg.models import MEASURES, QUALIFIERS
from safekg.vocab import OWL, RDF, RDFS, SKOS, SKR, IdBase

if TYPE_CHECKING:
    from rdflib.namespace import DefinedNamespace

ONTOLOGY = URIRef(vocab.ONTOLOGY_IRI)
SKOS_DEFINITION = SKOS.definition


@cache
def ontology() -> Graph:
    return Graph().parse(resources.ontology_file(), format="turtle")


def concepts_of(scheme: URIRef) -> set[URIRef]:
    return {c for c in ontology().subjects(SKOS.inScheme, scheme) if isinstance(c, URIRef)}


def notations(scheme: URIRef) -> dict[str, URIRef]:
    found: dict[str, URIRef] = {}
    for concept in concepts_of(scheme):
        for notation in ontology().objects(concept, SKOS.notation):
            found[str(notation)] = concept
    return found


def test_ontology_header() -> None:
    g = ontology()
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in g
    assert g.value(ONTOLOGY, OWL.versionInfo) == Literal("0.1.0")
    assert g.value(ONTOLOGY, OWL.versionIRI) == URIRef("https://w3id.org/safekg/def/0.1.0")
    assert g.value(ONTOLOGY, RDFS.label) is not None
    assert g.value(ONTOLOGY, SKOS_DEFINITION) is not None
    assert not list(g.triples((None, OWL.imports, None))), "the ontology imports nothing"


def test_every_safekg_term_is_labelled_and_defined() -> None:
    g = ontology()
    terms = {
        s
        for s in g.subjects()
        if isinstance(s, URIRef)
        and (str(s).startswith(str(vocab.SK)) or str(s).startswith(vocab.ID))
    }
    assert terms
    for term in sorted(terms):
        assert g.value(term, RDFS.label) is not None, f"{term} has no rdfs:label"
        definition = g.value(term, SKOS_DEFINITION) or g.value(term, RDFS.comment)
        assert definition is not None, f"{term} has no skos:definition or rdfs:comment"


def test_every_declared_reused_term_is_documented() -> None:
    g = ontology()
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    for kind in kinds:
        for term in g.subjects(RDF.type, kind):
            assert g.value(term, RDFS.label) is not None, f"{term} has no rdfs:label"
            assert (g.value(term, RDFS.comment) or g.value(term, SKOS_DEFINITION)) is not None


def test_individuals_are_named_individuals() -> None:
    """owlready2 sees only individuals typed owl:NamedIndividual."""
    g = ontology()
    for cls in (SKOS.Concept, SKOS.ConceptScheme, URIRef("http://www.w3.org/ns/org#Role")):
        for individual in g.subjects(RDF.type, cls):
            assert (individual, RDF.type, OWL.NamedIndividual) in g, individual


def test_measures_are_the_facts_contract_codes() -> None:
    codes = notations(vocab.SK.MeasureScheme)
    assert set(codes) == set(MEASURES)
    for code, concept in codes.items():
        assert concept == URIRef(IdBase.MEASURE + code), "the code is the IRI's last segment"
        assert concept == vocab.SKM[code]


def test_qualifiers_are_the_facts_contract_codes() -> None:
    codes = notations(vocab.SK.QualifierScheme)
    assert set(codes) == set(QUALIFIERS)
    for code, concept in codes.items():
        assert concept == URIRef(IdBase.QUALIFIER + code)
        assert concept == vocab.SKQ[code]


def test_agency_kinds() -> None:
    codes = notations(vocab.SK.AgencyKindScheme)
    assert set(codes) == {
        "force",
        "unit",
        "agency",
        "government",
        "charity",
        "company",
        "prosecutor",
        "collaboration",
        "organisation",
    }
    for code, concept in codes.items():
        assert concept == vocab.SKK[code]


def test_rank_scheme_is_broad() -> None:
    g = ontology()
    ranks = concepts_of(vocab.SK.RankScheme)
    assert len(ranks) >= 40
    for rank in ranks:
        labels = list(g.objects(rank, SKOS.prefLabel))
        assert len(labels) == 1, rank
        assert rank == SKR[slug(str(labels[0]))], "a rank's IRI is the slug of its prefLabel"


def test_rank_labels_do_not_collide() -> None:
    """No written form names two ranks, once case and punctuation are set aside."""
    g = ontology()
    owner: dict[str, URIRef] = {}
    for rank in concepts_of(vocab.SK.RankScheme):
        for predicate in (SKOS.prefLabel, SKOS.altLabel):
            for label in g.objects(rank, predicate):
                key = slug(str(label))
                assert owner.setdefault(key, rank) == rank, (label, rank, owner[key])


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Detective Inspector", "detective-inspector"),
        ("DI", "detective-inspector"),
        ("Det Insp", "detective-inspector"),
        ("Det. Insp.", "detective-inspector"),
        ("detective inspector", "detective-inspector"),
        ("DCI", "detective-chief-inspector"),
        ("Det Supt", "detective-superintendent"),
        ("PC", "police-constable"),
        ("chief executive", "chief-executive"),
        ("CEO", "chief-executive"),
        ("Garda", "garda"),
        ("Detective Garda", "detective-garda"),
        ("Garda Commissioner", "garda-commissioner"),
        ("Special Agent in Charge", "special-agent-in-charge"),
        ("Special Agent-in-Charge", "special-agent-in-charge"),
        ("Sheriff", "sheriff"),
        ("Staff Sgt", "staff-sergeant"),
        ("Cpl", "corporal"),
        ("Senior Constable", "senior-constable"),
        ("Det Snr Sgt", "detective-senior-sergeant"),
        ("Federal Agent", "federal-agent"),
        ("U.S. Attorney", "united-states-attorney"),
        ("US Attorney", "united-states-attorney"),
        ("Police & Crime Commissioner", "police-and-crime-commissioner"),
        ("Director General", "director-general"),
        ("spokeswoman", "spokesperson"),
    ],
)
def test_rank_lookup(written: str, expected: str) -> None:
    assert rank_iri(written) == str(SKR[expected])
    assert (URIRef(rank_iri(written)), SKOS.inScheme, vocab.SK.RankScheme) in ontology()


def test_unknown_rank_is_minted_in_the_rank_namespace() -> None:
    assert rank_iri("Head of Online Safety") == IdBase.RANK + "head-of-online-safety"


def test_ranks_cover_each_country() -> None:
    g = ontology()
    definitions = " ".join(
        str(g.value(rank, SKOS_DEFINITION)) for rank in concepts_of(vocab.SK.RankScheme)
    )
    for country in ("UK", "Ireland", "US", "Canad", "Australia", "civilian title"):
        assert country in definitions


def test_acronym_is_an_alt_label() -> None:
    g = ontology()
    assert (vocab.SK.acronym, RDFS.subPropertyOf, SKOS.altLabel) in g
    assert (vocab.SK.acronym, RDF.type, OWL.AnnotationProperty) in g


def test_outcome_data_structure() -> None:
    g = ontology()
    qb = vocab.QB
    assert (vocab.SK.outcomes, RDF.type, qb.DataSet) in g
    assert g.value(vocab.SK.outcomes, qb.structure) == vocab.SK.outcomesStructure
    dimensions = {
        g.value(c, qb.dimension) for c in g.objects(vocab.SK.outcomesStructure, qb.component)
    }
    assert {vocab.SK.agency, vocab.SK.measure, vocab.SDMX_DIM.refPeriod} <= dimensions
    assert (vocab.SK.agency, RDF.type, qb.DimensionProperty) in g
    assert (vocab.SK.measure, RDF.type, qb.DimensionProperty) in g
    assert (vocab.SK.qualifier, RDF.type, qb.AttributeProperty) in g
    assert (vocab.SDMX_MEASURE.obsValue, RDF.type, qb.MeasureProperty) in g


def _terms(namespace: type[DefinedNamespace]) -> set[URIRef]:
    names = set(getattr(namespace, "__annotations__", {}))
    return {namespace[name] for name in names if not name.startswith("_")}


@pytest.mark.parametrize("name", ["SK", "SKM", "SKQ", "SKK"])
def test_vocab_terms_are_defined_in_the_ontology(name: str) -> None:
    g = ontology()
    namespace: type[DefinedNamespace] = getattr(vocab, name)
    for term in _terms(namespace):
        assert (term, RDF.type, None) in g, f"{term} is in vocab.py but not in the ontology"


def test_ontology_terms_are_in_vocab() -> None:
    g = ontology()
    defined = {s for s in g.subjects(RDF.type, None) if str(s).startswith(str(vocab.SK))}
    assert defined == _terms(vocab.SK), "vocab.SK and the ontology's sk: terms differ"
    for namespace, scheme in (
        (vocab.SKM, vocab.SK.MeasureScheme),
        (vocab.SKQ, vocab.SK.QualifierScheme),
    ):
        assert concepts_of(scheme) == _terms(namespace)


def test_closed_namespace_rejects_misspellings() -> None:
    with pytest.raises(AttributeError):
        _ = vocab.SK.agnecy
