"""The ontology's terms as closed namespaces, the W3C vocabularies safekg reuses, and IRI bases.

``SK`` holds the terms that ``ontology/safekg.ttl`` defines: a misspelt term such
as ``SK.agnecy`` raises ``AttributeError`` (``_fail = True``), and a test checks
that every term here is defined there and the other way round. ``SKM``, ``SKQ``
and ``SKK`` are the measure, qualifier and agency-kind code lists, whose local
names are the facts-contract codes. Ranks and offences are open code lists
(``SKR``, ``SKO``): the ontology ships the common ones and ``safekg.graph``
mints a concept for any other.

The W3C namespaces are rdflib's closed ones where rdflib has them (ORG, QB,
PROV, SKOS, TIME, DCTERMS, VOID, DCAT, FOAF; ``SCHEMA`` is rdflib's ``SDO``,
``https://schema.org/``), and closed namespaces defined here for NIF, ITS and
SDMX with the terms safekg uses.
"""

from __future__ import annotations

from typing import Final

import pyoxigraph as ox
from rdflib import Namespace, URIRef
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    QB,
    RDF,
    RDFS,
    SDO,
    SKOS,
    TIME,
    VOID,
    XSD,
    DefinedNamespace,
)

__all__ = [
    "BASE",
    "DCAT",
    "DCTERMS",
    "DESCRIPTION_GRAPH",
    "FOAF",
    "GRAPH_BASE",
    "ID",
    "INFERRED_GRAPH",
    "ITSRDF",
    "LINKS_GRAPH",
    "NIF",
    "ONTOLOGY_IRI",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "QB",
    "RDF",
    "RDFS",
    "RESERVED_IDS",
    "SCHEMA",
    "SDMX_ATTR",
    "SDMX_DIM",
    "SDMX_MEASURE",
    "SH",
    "SHAPES",
    "SK",
    "SKK",
    "SKM",
    "SKO",
    "SKOS",
    "SKQ",
    "SKR",
    "TIME",
    "VOID",
    "XSD",
    "IdBase",
    "OxNamespace",
]

#: Everything safekg mints lives under this base.
BASE: Final = "https://w3id.org/safekg/"
#: Instance data (agencies, people, articles, facts, code-list concepts).
ID: Final = BASE + "id/"
#: An article's named graph is ``GRAPH_BASE + percent-encoded article id``.
GRAPH_BASE: Final = BASE + "graph/"
#: Graphs safekg keeps beside the articles' (``GRAPH_BASE + name``): the links to open
#: data, the dataset description and what the reasoner inferred. No article takes these ids.
LINKS_GRAPH: Final = GRAPH_BASE + "links"
DESCRIPTION_GRAPH: Final = GRAPH_BASE + "dataset"
INFERRED_GRAPH: Final = GRAPH_BASE + "inferred"
RESERVED_IDS: Final = frozenset({"links", "dataset", "inferred"})
#: The ontology itself (``owl:Ontology``); its terms are ``SK``.
ONTOLOGY_IRI: Final = BASE + "def"

SCHEMA = SDO
SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPES = Namespace(BASE + "shapes#")


class SK(DefinedNamespace):
    """safekg's own terms (``https://w3id.org/safekg/def#``), all defined in ontology/safekg.ttl."""

    _fail = True
    _NS = Namespace("https://w3id.org/safekg/def#")

    # classes
    Offence: URIRef  # an offence named in an article (a skos:Concept)

    # concept schemes
    MeasureScheme: URIRef
    QualifierScheme: URIRef
    RankScheme: URIRef
    OffenceScheme: URIRef
    AgencyKindScheme: URIRef
    RoleScheme: URIRef

    # roles (org:Role)
    UnitLead: URIRef
    Spokesperson: URIRef

    # the outcomes data cube
    outcomes: URIRef
    outcomesStructure: URIRef
    agencyComponent: URIRef
    measureComponent: URIRef
    periodComponent: URIRef
    valueComponent: URIRef
    qualifierComponent: URIRef

    # properties
    agency: URIRef
    measure: URIRef
    qualifier: URIRef
    rank: URIRef
    rankLabel: URIRef
    article: URIRef
    acronym: URIRef
    sha256: URIRef
    asOf: URIRef
    inferred: URIRef  # marks the named graph of what a reasoner inferred


class SKM(DefinedNamespace):
    """The measure code list: ``SKM.arrests`` is the concept whose skos:notation is ``arrests``."""

    _fail = True
    _NS = Namespace(ID + "measure/")

    arrests: URIRef
    charges: URIRef
    convictions: URIRef
    conviction_rate_percent: URIRef
    custodial_years: URIRef
    children_safeguarded: URIRef
    victims_identified: URIRef
    warrants_executed: URIRef
    devices_seized: URIRef
    devices_examined: URIRef
    images_analysed: URIRef
    networks_disrupted: URIRef
    reports_received: URIRef
    professionals_trained: URIRef
    children_educated: URIRef


class SKQ(DefinedNamespace):
    """The qualifier code list: how a reported figure relates to the true quantity."""

    _fail = True
    _NS = Namespace(ID + "qualifier/")

    exact: URIRef
    more_than: URIRef
    at_least: URIRef
    nearly: URIRef
    about: URIRef
    estimated: URIRef
    up_to: URIRef


class SKK(DefinedNamespace):
    """The agency-kind code list (``models.Agency.kind``), used with org:classification."""

    _fail = True
    _NS = Namespace(ID + "agency-kind/")

    force: URIRef
    unit: URIRef
    agency: URIRef
    government: URIRef
    charity: URIRef
    company: URIRef
    prosecutor: URIRef
    collaboration: URIRef
    organisation: URIRef


#: Police ranks and official titles (open: ``safekg.graph.rank_iri`` mints unknown ones).
SKR = Namespace(ID + "rank/")
#: Offences (open: ``safekg.graph`` mints unknown ones).
SKO = Namespace(ID + "offence/")


class NIF(DefinedNamespace):
    """NIF 2.0 Core: the text layer (sentences as RFC 5147 strings)."""

    _fail = True
    _NS = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")

    String: URIRef
    Context: URIRef
    Sentence: URIRef
    RFC5147String: URIRef
    beginIndex: URIRef
    endIndex: URIRef
    anchorOf: URIRef
    isString: URIRef
    referenceContext: URIRef
    sourceUrl: URIRef


class ITSRDF(DefinedNamespace):
    """ITS 2.0 in RDF: text-analysis confidence and identity references."""

    _fail = True
    _NS = Namespace("http://www.w3.org/2005/11/its/rdf#")

    taConfidence: URIRef
    taIdentRef: URIRef
    taClassRef: URIRef


class SDMX_DIM(DefinedNamespace):
    """SDMX-RDF dimensions."""

    _fail = True
    _NS = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")

    refPeriod: URIRef
    refArea: URIRef


class SDMX_MEASURE(DefinedNamespace):
    """SDMX-RDF measures."""

    _fail = True
    _NS = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")

    obsValue: URIRef


class SDMX_ATTR(DefinedNamespace):
    """SDMX-RDF attributes."""

    _fail = True
    _NS = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")

    unitMeasure: URIRef


class OxNamespace:
    """A namespace's terms as pyoxigraph nodes, each made once: ``OxNamespace(SK).agency``.

    A term is looked up in the rdflib namespace the first time, so a closed
    namespace still refuses a misspelt one; after that it is a plain attribute.
    """

    def __init__(self, namespace: type[DefinedNamespace] | Namespace) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> ox.NamedNode:
        if name.startswith("__"):
            raise AttributeError(name)
        node = ox.NamedNode(str(getattr(self._namespace, name)))
        setattr(self, name, node)
        return node

    def __getitem__(self, name: str) -> ox.NamedNode:
        return self.__getattr__(name)


class IdBase:
    """Bases of the IRIs ``safekg.graph`` mints (each ends with a slash)."""

    AGENCY: Final = ID + "agency/"
    PERSON: Final = ID + "person/"
    ARTICLE: Final = ID + "article/"
    OBSERVATION: Final = ID + "observation/"
    MEMBERSHIP: Final = ID + "membership/"
    GRANT: Final = ID + "grant/"
    PERIOD: Final = ID + "period/"
    INSTANT: Final = ID + "instant/"
    MEASURE: Final = ID + "measure/"
    QUALIFIER: Final = ID + "qualifier/"
    RANK: Final = ID + "rank/"
    OFFENCE: Final = ID + "offence/"
    AGENCY_KIND: Final = ID + "agency-kind/"


#: Prefixes for serializations and SPARQL (prefix -> namespace IRI).
PREFIXES: Final[dict[str, str]] = {
    "sk": str(SK),
    "skm": str(SKM),
    "skq": str(SKQ),
    "skr": str(SKR),
    "sko": str(SKO),
    "skk": str(SKK),
    "ag": IdBase.AGENCY,
    "pe": IdBase.PERSON,
    "art": IdBase.ARTICLE,
    "org": str(ORG),
    "qb": str(QB),
    "prov": str(PROV),
    "schema": str(SCHEMA),
    "skos": str(SKOS),
    "time": str(TIME),
    "nif": str(NIF),
    "itsrdf": str(ITSRDF),
    "dcterms": str(DCTERMS),
    "sdmx-dimension": str(SDMX_DIM),
    "sdmx-measure": str(SDMX_MEASURE),
    "sdmx-attribute": str(SDMX_ATTR),
    "void": str(VOID),
    "dcat": str(DCAT),
    "foaf": str(FOAF),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
}
