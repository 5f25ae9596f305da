"""What the pages show, read from the store with SPARQL.

Every query names its graphs (``GRAPH ?g { ... }``), so the pages read the same
from the embedded store and from a remote endpoint whatever its default graph.
The ontology is loaded once into a small in-memory store beside it, for the
labels and descriptions of the code lists (measures, qualifiers, ranks, kinds).

Nothing here writes: :class:`Site` only runs fixed SELECT queries, into which an
IRI or a search text goes as an RDF term written by pyoxigraph, never as raw text.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Final, TypeVar
from urllib.parse import unquote

import pyoxigraph as ox
import rdflib

from safekg import resources
from safekg.errors import SafeKGError
from safekg.link import DATASET_IRI, dataset_description
from safekg.store import Store
from safekg.vocab import ID, ONTOLOGY_IRI, PREFIXES

__all__ = [
    "AgencyView",
    "ArticleRef",
    "ArticleView",
    "Description",
    "Evidence",
    "FactRef",
    "Grant",
    "Hit",
    "Link",
    "Lit",
    "Officer",
    "Outcome",
    "Sentence",
    "Site",
    "Summary",
    "Term",
    "iri_of_path",
    "local_href",
]

_PROLOGUE: Final = "".join(f"PREFIX {prefix}: <{ns}>\n" for prefix, ns in PREFIXES.items())
_XSD: Final = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC: Final = {_XSD + t for t in ("integer", "decimal", "double", "float", "int", "long")}
#: Most rows a page lists of one kind (what links to a code-list concept, say).
LIST_LIMIT: Final = 500
_SUMMARY_TTL_S: Final = 60.0
#: Label properties, the most preferred first.
_LABELS: Final = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://xmlns.com/foaf/0.1/name",
    "https://schema.org/name",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "https://schema.org/headline",
)


def local_href(iri: str) -> str | None:
    """Where this server shows ``iri``: ``/id/...`` for safekg's resources (the fragment
    kept), ``/dataset`` for the dataset; ``None`` for anything else."""
    if iri.startswith(ID):
        return "/id/" + iri[len(ID) :]
    if iri == DATASET_IRI:
        return "/dataset"
    if iri == ONTOLOGY_IRI or iri.startswith(ONTOLOGY_IRI + "#"):
        return "/def" + iri[len(ONTOLOGY_IRI) :]
    return None


def iri_of_path(path: str) -> str | None:
    """The safekg IRI a local ``/id/...`` path stands for, or ``None``."""
    if not path.startswith("/id/") or len(path) <= len("/id/"):
        return None
    iri = ID + path[len("/id/") :]
    try:
        ox.NamedNode(iri)
    except ValueError:
        return None
    return iri


# ------------------------------------------------------------------------------ views


@dataclass(frozen=True)
class Link:
    """A resource and what to call it."""

    iri: str
    label: str


@dataclass(frozen=True)
class Lit:
    """A literal as a page shows it."""

    text: str
    datatype: str = ""
    language: str = ""


Node = Link | Lit


@dataclass(frozen=True)
class Evidence:
    """A sentence a fact was read from (its IRI is ``{article}#char=b,e``)."""

    iri: str
    text: str | None
    article_id: str
    published: date | None


@dataclass(frozen=True)
class Outcome:
    iri: str
    measure: Link
    value: str  # as stored, e.g. "85" or "12.5"
    qualifier: Link | None
    start: date | None
    end: date | None
    published: date | None
    evidence: tuple[Evidence, ...]

    @property
    def number(self) -> float:
        return float(self.value)


@dataclass(frozen=True)
class Officer:
    iri: str
    person: Link
    rank: str | None
    role: Link | None
    as_of: date | None
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Grant:
    iri: str
    amount: str | None
    currency: str | None
    funder: Link | None
    recipient: Link | None
    purpose: str | None
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class ArticleRef:
    iri: str
    id: str
    headline: str | None
    published: date | None
    url: str | None


@dataclass(frozen=True)
class AgencyView:
    iri: str
    name: str
    acronyms: tuple[str, ...]
    other_names: tuple[str, ...]
    kinds: tuple[Link, ...]
    country: str | None
    parents: tuple[Link, ...]
    units: tuple[Link, ...]
    members: tuple[Link, ...]
    member_of: tuple[Link, ...]
    matches: tuple[Link, ...]  # links to open data (skos:exactMatch, owl:sameAs)
    areas: tuple[Link, ...]  # dcterms:spatial
    officers: tuple[Officer, ...]
    grants: tuple[Grant, ...]
    outcomes: tuple[Outcome, ...]
    articles: tuple[ArticleRef, ...]


@dataclass(frozen=True)
class FactRef:
    """A fact read from a sentence, in a few words."""

    iri: str
    kind: str  # outcome, officer, grant, agency, offence, ...
    summary: str


@dataclass(frozen=True)
class Sentence:
    iri: str
    begin: int
    end: int
    text: str
    facts: tuple[FactRef, ...]

    @property
    def anchor(self) -> str:
        """The fragment of the sentence's IRI (``char=b,e``), the id of its element."""
        return self.iri.partition("#")[2]


@dataclass(frozen=True)
class ArticleView:
    article: ArticleRef
    length: int | None
    sentences: tuple[Sentence, ...]
    mentions: tuple[Link, ...]


@dataclass(frozen=True)
class Description:
    """A resource as subject and object of triples (a generic page)."""

    iri: str
    label: str
    types: tuple[Link, ...]
    outbound: tuple[tuple[Link, Node], ...]
    inbound: tuple[tuple[Link, Link], ...]


@dataclass(frozen=True)
class Hit:
    iri: str
    label: str
    matched: str
    kind: str


@dataclass(frozen=True)
class Summary:
    """What the home page shows."""

    title: str
    description: str
    license: str | None
    counts: Mapping[str, int]
    vocabularies: tuple[str, ...]
    linksets: tuple[tuple[str, int], ...]
    agencies: tuple[tuple[Link, int, int], ...]  # agency, outcome figures, articles
    articles: tuple[ArticleRef, ...]
    description_graph: rdflib.Graph = field(repr=False, compare=False)


# ------------------------------------------------------------------------------- site

Row = dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]
_T = TypeVar("_T")


class Site:
    """Reads pages' content from a store (and the ontology)."""

    def __init__(self, store: Store, *, vocabulary: ox.Store | None = None) -> None:
        self.store = store
        self.vocabulary = vocabulary if vocabulary is not None else load_vocabulary()
        self._vocabulary_labels = _label_map(
            self._select_vocabulary(
                "SELECT ?x ?p ?label WHERE { ?x ?p ?label FILTER(?p IN ("
                + ", ".join(f"<{p}>" for p in _LABELS)
                + ")) }"
            )
        )
        self._lock = threading.Lock()
        self._summary: tuple[float, Summary] | None = None

    # -- reading -------------------------------------------------------------------------

    def select(self, sparql: str) -> list[Row]:
        """The rows of a SELECT query on the store, each a dict of bound variables."""
        result = self.store.query(_PROLOGUE + sparql, union_default_graph=False)
        return _rows(result)

    def _select_vocabulary(self, sparql: str) -> list[Row]:
        return _rows(self.vocabulary.query(_PROLOGUE + sparql))

    def labels(self, iris: Iterable[str]) -> dict[str, str]:
        """A label for each IRI: its preferred name in the store or the ontology, else the
        last part of the IRI."""
        wanted = sorted(set(iris))
        found: dict[str, str] = {}
        for chunk in _chunks(wanted, 200):
            values = " ".join(str(ox.NamedNode(iri)) for iri in chunk)
            rows = self.select(
                f"SELECT ?x ?p ?label WHERE {{ VALUES ?x {{ {values} }} GRAPH ?g {{ ?x ?p ?label }}"
                " FILTER(?p IN (" + ", ".join(f"<{p}>" for p in _LABELS) + ")) }"
            )
            found.update(_label_map(rows))
        return {
            iri: found.get(iri) or self._vocabulary_labels.get(iri) or fallback_label(iri)
            for iri in wanted
        }

    def link(self, iri: str) -> Link:
        return Link(iri, self.labels([iri])[iri])

    def exists(self, iri: str) -> bool:
        node = ox.NamedNode(iri)
        ask = f"ASK {{ {{ GRAPH ?g {{ {node} ?p ?o }} }} UNION {{ GRAPH ?g {{ ?s ?p {node} }} }} }}"
        result = self.store.query(_PROLOGUE + ask, union_default_graph=False)
        if isinstance(result, ox.QueryBoolean) and bool(result):
            return True
        local = self.vocabulary.query(f"ASK {{ {{ {node} ?p ?o }} UNION {{ ?s ?p {node} }} }}")
        return isinstance(local, ox.QueryBoolean) and bool(local)

    # -- the home page -------------------------------------------------------------------

    def summary(self) -> Summary:
        """The home page's content, read again at most once a minute."""
        with self._lock:
            if self._summary is not None and time.monotonic() - self._summary[0] < _SUMMARY_TTL_S:
                return self._summary[1]
            summary = self._read_summary()
            self._summary = (time.monotonic(), summary)
            return summary

    def _read_summary(self) -> Summary:
        from safekg import api

        graph = dataset_description(self.store, sparql_endpoint=None)
        dataset = rdflib.URIRef(DATASET_IRI)
        dcterms = rdflib.Namespace("http://purl.org/dc/terms/")
        void = rdflib.Namespace("http://rdfs.org/ns/void#")

        def one(predicate: rdflib.URIRef, subject: rdflib.URIRef = dataset) -> str | None:
            value = graph.value(subject, predicate)
            return str(value) if value is not None else None

        linksets = []
        for linkset in sorted(graph.objects(dataset, void.subset), key=str):
            if isinstance(linkset, rdflib.URIRef):
                title = one(dcterms.title, linkset) or str(linkset)
                linksets.append((title, int(one(void.triples, linkset) or 0)))
        counts = api.stats(store_location=self.store)
        agency_rows = self.select(
            """SELECT ?agency (COUNT(DISTINCT ?obs) AS ?outcomes) (COUNT(DISTINCT ?g) AS ?articles)
            WHERE {
              GRAPH ?g { ?article schema:mentions ?agency . ?agency a org:Organization .
                         OPTIONAL { ?obs sk:agency ?agency } }
            } GROUP BY ?agency"""
        )
        labels = self.labels(_iri(row, "agency") or "" for row in agency_rows)
        agencies = sorted(
            (
                (Link(iri, labels[iri]), _int(row, "outcomes") or 0, _int(row, "articles") or 0)
                for row in agency_rows
                if (iri := _iri(row, "agency"))
            ),
            key=lambda item: item[0].label.casefold(),
        )
        return Summary(
            title=one(dcterms.title) or "safekg",
            description=one(dcterms.description) or "",
            license=one(dcterms.license),
            counts=counts,
            vocabularies=tuple(sorted(str(v) for v in graph.objects(dataset, void.vocabulary))),
            linksets=tuple(linksets),
            agencies=tuple(agencies),
            articles=self.articles(limit=50),
            description_graph=graph,
        )

    def articles(self, *, limit: int = LIST_LIMIT) -> tuple[ArticleRef, ...]:
        """The articles, newest first."""
        rows = self.select(
            f"""SELECT ?article (MIN(STR(?id)) AS ?ident) (MIN(STR(?title)) AS ?headline)
                   (MIN(?date) AS ?published) (MIN(STR(?link)) AS ?url)
            WHERE {{
              GRAPH ?g {{ ?article a schema:NewsArticle .
                OPTIONAL {{ ?article dcterms:identifier ?id }}
                OPTIONAL {{ ?article schema:headline ?title }}
                OPTIONAL {{ ?article schema:datePublished ?date }}
                OPTIONAL {{ ?article schema:url ?link }} }}
            }} GROUP BY ?article ORDER BY DESC(?published) ?article LIMIT {limit}"""
        )
        return tuple(_article_ref(row) for row in rows if _iri(row, "article"))

    def search(self, text: str, *, limit: int = 50) -> tuple[Hit, ...]:
        """Agencies, people, articles and offences whose names contain ``text`` (any case)."""
        needle = " ".join(text.split())[:200]
        if not needle:
            return ()
        literal = ox.Literal(needle.casefold())
        rows = self.select(
            f"""SELECT ?x (MIN(STR(?label)) AS ?matched) WHERE {{
              GRAPH ?g {{ ?x ?p ?label }}
              FILTER(?p IN (skos:prefLabel, skos:altLabel, sk:acronym, foaf:name,
                            schema:headline))
              FILTER(isIRI(?x) && CONTAINS(LCASE(STR(?label)), {literal}))
            }} GROUP BY ?x LIMIT {limit * 4}"""
        )
        iris = {iri: _str(row, "matched") or "" for row in rows if (iri := _iri(row, "x"))}
        labels = self.labels(iris)
        hits = [
            Hit(iri, labels[iri], matched, _kind(iri))
            for iri, matched in iris.items()
            if iri.startswith(ID)
        ]
        order = {"agency": 0, "person": 1, "offence": 2, "article": 3}
        hits.sort(key=lambda hit: (order.get(hit.kind, 9), hit.label.casefold()))
        return tuple(hits[:limit])

    # -- an agency -----------------------------------------------------------------------

    def agency(self, iri: str) -> AgencyView | None:
        """An agency's page, or ``None`` when the store says nothing about ``iri``."""
        node = ox.NamedNode(iri)
        rows = self.select(f"SELECT DISTINCT ?p ?o WHERE {{ GRAPH ?g {{ {node} ?p ?o }} }}")
        if not rows:
            return None
        props: dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]] = defaultdict(
            list
        )
        for row in rows:
            predicate = _iri(row, "p")
            if predicate:
                props[predicate].append(row["o"])

        def texts(predicate: str) -> list[str]:
            return sorted({t.value for t in props.get(predicate, []) if isinstance(t, ox.Literal)})

        def iris(predicate: str) -> list[str]:
            return sorted(
                {t.value for t in props.get(predicate, []) if isinstance(t, ox.NamedNode)}
            )

        skos = PREFIXES["skos"]
        names = texts(skos + "prefLabel")
        name = names[0] if names else fallback_label(iri)
        acronyms = texts(PREFIXES["sk"] + "acronym")
        others = [n for n in [*names[1:], *texts(skos + "altLabel")] if n not in acronyms]
        inbound = self.select(
            f"""SELECT DISTINCT ?s ?p WHERE {{ GRAPH ?g {{ ?s ?p {node} }}
               FILTER(?p IN (org:hasMember, org:subOrganizationOf)) }}"""
        )
        units = sorted(
            _iri(r, "s") or ""
            for r in inbound
            if _iri(r, "p") == PREFIXES["org"] + "subOrganizationOf"
        )
        member_of = sorted(
            _iri(r, "s") or "" for r in inbound if _iri(r, "p") == PREFIXES["org"] + "hasMember"
        )
        matches = iris(skos + "exactMatch") + iris(PREFIXES["owl"] + "sameAs")
        areas = iris(PREFIXES["dcterms"] + "spatial")
        related = [
            *iris(PREFIXES["org"] + "classification"),
            *iris(PREFIXES["org"] + "subOrganizationOf"),
            *iris(PREFIXES["org"] + "hasMember"),
            *units,
            *member_of,
            *areas,
        ]
        labels = self.labels(related)
        area_labels = self._external_labels(areas)

        def links(found: Iterable[str]) -> tuple[Link, ...]:
            return tuple(
                sorted((Link(i, labels[i]) for i in found), key=lambda x: x.label.casefold())
            )

        countries = texts(PREFIXES["schema"] + "addressCountry")
        return AgencyView(
            iri=iri,
            name=name,
            acronyms=tuple(acronyms),
            other_names=tuple(dict.fromkeys(others)),
            kinds=links(iris(PREFIXES["org"] + "classification")),
            country=countries[0] if countries else None,
            parents=links(iris(PREFIXES["org"] + "subOrganizationOf")),
            units=links(units),
            members=links(iris(PREFIXES["org"] + "hasMember")),
            member_of=links(member_of),
            matches=tuple(Link(m, _external_name(m)) for m in matches),
            areas=tuple(Link(a, area_labels.get(a) or labels[a]) for a in areas),
            officers=self.officers(iri),
            grants=self.grants(iri),
            outcomes=self.outcomes(iri),
            articles=self.mentioned_in(iri),
        )

    def _external_labels(self, iris: Sequence[str]) -> dict[str, str]:
        """Labels the links graph gives outside resources (rdfs:label of an ONS area)."""
        if not iris:
            return {}
        values = " ".join(str(ox.NamedNode(i)) for i in iris)
        rows = self.select(
            f"SELECT ?x (MIN(STR(?l)) AS ?label) WHERE {{ VALUES ?x {{ {values} }} "
            "GRAPH ?g { ?x rdfs:label ?l } } GROUP BY ?x"
        )
        return {
            iri: label for row in rows if (iri := _iri(row, "x")) and (label := _str(row, "label"))
        }

    def outcomes(self, agency: str) -> tuple[Outcome, ...]:
        node = ox.NamedNode(agency)
        rows = self.select(
            f"""SELECT DISTINCT ?fact ?measure ?value ?qualifier ?start ?end ?published
                   ?evidence ?text
            WHERE {{ GRAPH ?g {{
              ?fact a qb:Observation ; sk:agency {node} ; sk:measure ?measure ;
                sdmx-measure:obsValue ?value .
              OPTIONAL {{ ?fact sk:qualifier ?qualifier }}
              OPTIONAL {{ ?fact sk:article/schema:datePublished ?published }}
              OPTIONAL {{ ?fact sdmx-dimension:refPeriod ?period
                OPTIONAL {{ ?period time:hasBeginning/time:inXSDDate ?start }}
                OPTIONAL {{ ?period time:hasEnd/time:inXSDDate ?end }} }}
              {_EVIDENCE}
            }} }}"""
        )
        labels = self.labels(
            i for row in rows for name in ("measure", "qualifier") if (i := _iri(row, name))
        )

        def build(fact: str, group: list[Row]) -> Outcome:
            first = group[0]
            qualifier = _iri(first, "qualifier")
            measure = _iri(first, "measure") or ""
            return Outcome(
                iri=fact,
                measure=Link(measure, labels.get(measure, measure)),
                value=_str(first, "value") or "0",
                qualifier=Link(qualifier, labels[qualifier]) if qualifier else None,
                start=_date(first, "start"),
                end=_date(first, "end"),
                published=_date(first, "published"),
                evidence=_evidence(group),
            )

        outcomes = _grouped(rows, build)
        return tuple(
            sorted(
                outcomes,
                key=lambda o: (o.measure.label, -_ordinal(o.end or o.published), o.iri),
            )
        )

    def officers(self, agency: str) -> tuple[Officer, ...]:
        node = ox.NamedNode(agency)
        rows = self.select(
            f"""SELECT DISTINCT ?fact ?person ?name ?rankLabel ?rank ?role ?asOf ?published
                   ?evidence ?text
            WHERE {{ GRAPH ?g {{
              {{ ?fact a org:Membership ; org:organization {node} ; org:member ?person }}
              UNION {{ ?fact a org:Post ; org:postIn {node} ; org:heldBy ?person }}
              OPTIONAL {{ ?person foaf:name ?name }}
              OPTIONAL {{ ?fact sk:rankLabel ?rankLabel }}
              OPTIONAL {{ ?fact sk:rank ?rank }}
              OPTIONAL {{ ?fact org:role ?role }}
              OPTIONAL {{ ?fact sk:asOf ?asOf }}
              OPTIONAL {{ ?fact sk:article/schema:datePublished ?published }}
              {_EVIDENCE}
            }} }}"""
        )
        labels = self.labels(
            i for row in rows for name in ("person", "rank", "role") if (i := _iri(row, name))
        )

        def build(fact: str, group: list[Row]) -> Officer:
            first = group[0]
            person = _iri(first, "person") or ""
            rank = _iri(first, "rank")
            role = _iri(first, "role")
            return Officer(
                iri=fact,
                person=Link(person, _str(first, "name") or labels.get(person, person)),
                rank=_str(first, "rankLabel") or (labels[rank] if rank else None),
                role=Link(role, labels[role]) if role else None,
                as_of=_date(first, "asOf") or _date(first, "published"),
                evidence=_evidence(group),
            )

        return tuple(sorted(_grouped(rows, build), key=lambda o: (o.person.label, o.iri)))

    def grants(self, agency: str) -> tuple[Grant, ...]:
        node = ox.NamedNode(agency)
        rows = self.select(
            f"""SELECT DISTINCT ?fact ?amount ?currency ?funder ?recipient ?purpose ?published
                   ?evidence ?text
            WHERE {{ GRAPH ?g {{
              ?fact a schema:MonetaryGrant .
              {{ ?fact schema:fundedItem {node} }} UNION {{ ?fact schema:funder {node} }}
              OPTIONAL {{ ?fact schema:amount ?money . ?money schema:value ?amount
                         OPTIONAL {{ ?money schema:currency ?currency }} }}
              OPTIONAL {{ ?fact schema:funder ?funder }}
              OPTIONAL {{ ?fact schema:fundedItem ?recipient }}
              OPTIONAL {{ ?fact dcterms:description ?purpose }}
              OPTIONAL {{ ?fact sk:article/schema:datePublished ?published }}
              {_EVIDENCE}
            }} }}"""
        )
        labels = self.labels(
            i for row in rows for name in ("funder", "recipient") if (i := _iri(row, name))
        )

        def build(fact: str, group: list[Row]) -> Grant:
            first = group[0]
            funder, recipient = _iri(first, "funder"), _iri(first, "recipient")
            return Grant(
                iri=fact,
                amount=_str(first, "amount"),
                currency=_str(first, "currency"),
                funder=Link(funder, labels[funder]) if funder else None,
                recipient=Link(recipient, labels[recipient]) if recipient else None,
                purpose=_str(first, "purpose"),
                evidence=_evidence(group),
            )

        return tuple(sorted(_grouped(rows, build), key=lambda g: g.iri))

    def mentioned_in(self, iri: str) -> tuple[ArticleRef, ...]:
        node = ox.NamedNode(iri)
        rows = self.select(
            f"""SELECT ?article (MIN(STR(?id)) AS ?ident) (MIN(STR(?title)) AS ?headline)
                   (MIN(?date) AS ?published) (MIN(STR(?link)) AS ?url)
            WHERE {{ GRAPH ?g {{ ?article schema:mentions {node} .
                OPTIONAL {{ ?article dcterms:identifier ?id }}
                OPTIONAL {{ ?article schema:headline ?title }}
                OPTIONAL {{ ?article schema:datePublished ?date }}
                OPTIONAL {{ ?article schema:url ?link }} }}
            }} GROUP BY ?article ORDER BY DESC(?published) ?article LIMIT {LIST_LIMIT}"""
        )
        return tuple(_article_ref(row) for row in rows if _iri(row, "article"))

    # -- an article ----------------------------------------------------------------------

    def article(self, iri: str) -> ArticleView | None:
        """An article with every sentence the store keeps from it, in text order."""
        node = ox.NamedNode(iri)
        rows = self.select(
            f"""SELECT (MIN(STR(?id)) AS ?ident) (MIN(STR(?title)) AS ?headline)
                   (MIN(?date) AS ?published) (MIN(STR(?link)) AS ?url) (COUNT(*) AS ?n)
            WHERE {{ GRAPH ?g {{ {node} a schema:NewsArticle .
                OPTIONAL {{ {node} dcterms:identifier ?id }}
                OPTIONAL {{ {node} schema:headline ?title }}
                OPTIONAL {{ {node} schema:datePublished ?date }}
                OPTIONAL {{ {node} schema:url ?link }} }} }}"""
        )
        if not rows or not _int(rows[0], "n"):
            return None
        row = rows[0]
        ref = ArticleRef(
            iri=iri,
            id=_str(row, "ident") or fallback_label(iri),
            headline=_str(row, "headline"),
            published=_date(row, "published"),
            url=_str(row, "url"),
        )
        sentence_rows = self.select(
            f"""SELECT DISTINCT ?sentence ?text ?begin ?end ?length WHERE {{ GRAPH ?g {{
                ?context nif:sourceUrl {node} .
                OPTIONAL {{ ?context nif:endIndex ?length }}
                ?sentence nif:referenceContext ?context ; nif:anchorOf ?text ;
                  nif:beginIndex ?begin ; nif:endIndex ?end }} }}
            ORDER BY ?begin ?end"""
        )
        facts = self._facts_by_sentence(node)
        sentences = tuple(
            Sentence(
                iri=sentence,
                begin=_int(r, "begin") or 0,
                end=_int(r, "end") or 0,
                text=_str(r, "text") or "",
                facts=tuple(facts.get(sentence, ())),
            )
            for r in sentence_rows
            if (sentence := _iri(r, "sentence"))
        )
        lengths = [n for r in sentence_rows if (n := _int(r, "length")) is not None]
        mentions = self.select(
            f"SELECT DISTINCT ?x WHERE {{ GRAPH ?g {{ {node} schema:mentions ?x }} }}"
        )
        mentioned = [i for r in mentions if (i := _iri(r, "x"))]
        labels = self.labels(mentioned)
        return ArticleView(
            article=ref,
            length=lengths[0] if lengths else None,
            sentences=sentences,
            mentions=tuple(
                sorted((Link(i, labels[i]) for i in mentioned), key=lambda x: x.label.casefold())
            ),
        )

    def _facts_by_sentence(self, article: ox.NamedNode) -> dict[str, list[FactRef]]:
        rows = self.select(
            f"""SELECT DISTINCT ?sentence ?fact ?type ?measure ?value ?qualifier ?person
                   ?organisation ?amount ?currency
            WHERE {{ GRAPH ?g {{
              ?context nif:sourceUrl {article} .
              ?sentence nif:referenceContext ?context .
              ?fact prov:wasDerivedFrom ?sentence ; a ?type .
              FILTER(?type IN (qb:Observation, org:Membership, org:Post, schema:MonetaryGrant,
                               org:Organization, sk:Offence))
              OPTIONAL {{ ?fact sk:measure ?measure ; sdmx-measure:obsValue ?value }}
              OPTIONAL {{ ?fact sk:qualifier ?qualifier }}
              OPTIONAL {{ ?fact org:member|org:heldBy ?person }}
              OPTIONAL {{ ?fact org:organization|org:postIn|sk:agency ?organisation }}
              OPTIONAL {{ ?fact schema:amount ?money . ?money schema:value ?amount
                         OPTIONAL {{ ?money schema:currency ?currency }} }}
            }} }}"""
        )
        labels = self.labels(
            i
            for row in rows
            for name in ("fact", "measure", "qualifier", "person", "organisation")
            if (i := _iri(row, name))
        )
        found: dict[str, dict[str, FactRef]] = defaultdict(dict)
        for row in rows:
            sentence, fact, kind = _iri(row, "sentence"), _iri(row, "fact"), _iri(row, "type")
            if not sentence or not fact or not kind or fact in found[sentence]:
                continue
            found[sentence][fact] = _fact_ref(fact, kind, row, labels)
        return {
            sentence: sorted(facts.values(), key=lambda f: (f.kind, f.summary))
            for sentence, facts in found.items()
        }

    # -- any resource --------------------------------------------------------------------

    def describe(self, iri: str) -> Description | None:
        """What the store and the ontology say about ``iri``, as subject and as object."""
        node = ox.NamedNode(iri)
        outbound = self.select(
            f"SELECT DISTINCT ?p ?o WHERE {{ GRAPH ?g {{ {node} ?p ?o }} }} LIMIT {LIST_LIMIT}"
        ) + self._select_vocabulary(
            f"SELECT DISTINCT ?p ?o WHERE {{ {node} ?p ?o }} LIMIT {LIST_LIMIT}"
        )
        inbound = self.select(
            f"SELECT DISTINCT ?s ?p WHERE {{ GRAPH ?g {{ ?s ?p {node} }} FILTER(isIRI(?s)) }}"
            f" LIMIT {LIST_LIMIT}"
        ) + self._select_vocabulary(
            f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p {node} FILTER(isIRI(?s)) }} LIMIT {LIST_LIMIT}"
        )
        if not outbound and not inbound:
            return None
        mentioned = [iri]
        for row in outbound:
            mentioned += [i for name in ("p", "o") if (i := _iri(row, name))]
        for row in inbound:
            mentioned += [i for name in ("s", "p") if (i := _iri(row, name))]
        labels = self.labels(mentioned)
        rdf_type = PREFIXES["rdf"] + "type"
        types = sorted(
            {
                Link(o, labels[o])
                for r in outbound
                if _iri(r, "p") == rdf_type and (o := _iri(r, "o"))
            },
            key=lambda x: x.label,
        )
        pairs: list[tuple[Link, Node]] = []
        for row in outbound:
            predicate = _iri(row, "p") or ""
            if predicate == rdf_type:
                continue
            value = row["o"]
            target: Node
            if isinstance(value, ox.NamedNode):
                target = Link(value.value, labels[value.value])
            elif isinstance(value, ox.Literal):
                target = Lit(value.value, value.datatype.value, value.language or "")
            else:
                target = Lit(str(value))
            pairs.append((Link(predicate, _predicate_label(predicate)), target))
        pairs = sorted(dict.fromkeys(pairs), key=lambda item: (item[0].label, _node_text(item[1])))
        back = sorted(
            {
                (Link(s, labels[s]), Link(p, _predicate_label(p)))
                for r in inbound
                if (s := _iri(r, "s")) and (p := _iri(r, "p"))
            },
            key=lambda item: (item[1].label, item[0].label),
        )
        return Description(iri, labels[iri], tuple(types), tuple(pairs), tuple(back))

    def triples(self, iri: str) -> list[ox.Triple]:
        """The triples a resource's RDF document holds: about it, pointing to it, and, for an
        article, its text context and sentences (``{article}#char=...``)."""
        node = ox.NamedNode(iri)
        rows = self.select(
            f"""SELECT DISTINCT ?s ?p ?o WHERE {{
              {{ GRAPH ?g {{ {node} ?p ?o }} BIND({node} AS ?s) }}
              UNION {{ GRAPH ?g {{ ?s ?p {node} }} BIND({node} AS ?o) }}
              UNION {{ GRAPH ?g {{ ?s nif:sourceUrl {node} . ?s ?p ?o }} }}
              UNION {{ GRAPH ?g {{ ?c nif:sourceUrl {node} . ?s nif:referenceContext ?c ;
                                  ?p ?o }} }}
            }} LIMIT 100000"""
        ) + self._select_vocabulary(
            f"SELECT DISTINCT ?s ?p ?o WHERE {{ {{ {node} ?p ?o BIND({node} AS ?s) }} "
            f"UNION {{ ?s ?p {node} BIND({node} AS ?o) }} }}"
        )
        seen: dict[ox.Triple, None] = {}
        for row in rows:
            subject, predicate, obj = row["s"], row["p"], row["o"]
            if isinstance(subject, ox.NamedNode | ox.BlankNode) and isinstance(
                predicate, ox.NamedNode
            ):
                seen[ox.Triple(subject, predicate, obj)] = None
        return list(seen)

    # -- the ontology -------------------------------------------------------------------

    def ontology_terms(self) -> tuple[Term, ...]:
        """The terms the ontology defines (``https://w3id.org/safekg/def#...``)."""
        rows = self._select_vocabulary(
            f"""SELECT ?term (GROUP_CONCAT(DISTINCT STR(?type); separator=" ") AS ?types)
                   (MIN(STR(?note)) AS ?definition)
            WHERE {{
              ?term a ?type .
              FILTER(STRSTARTS(STR(?term), "{ONTOLOGY_IRI}#"))
              OPTIONAL {{ ?term skos:definition|rdfs:comment ?note }}
            }} GROUP BY ?term"""
        )
        terms = []
        for row in rows:
            iri = _iri(row, "term")
            if not iri:
                continue
            kinds = sorted(
                {_predicate_label(t) for t in (_str(row, "types") or "").split()}
                - {"owl:NamedIndividual"}
            )
            terms.append(
                Term(
                    iri=iri,
                    name=iri.partition("#")[2],
                    label=self._vocabulary_labels.get(iri, fallback_label(iri)),
                    kinds=tuple(kinds),
                    definition=_str(row, "definition") or "",
                )
            )
        return tuple(sorted(terms, key=lambda term: term.name.casefold()))

    def ontology_triples(self) -> list[ox.Triple]:
        """Every triple of the ontology."""
        return [quad.triple for quad in self.vocabulary]


@dataclass(frozen=True)
class Term:
    """A term of the ontology."""

    iri: str
    name: str  # the local name, also the id of its row on the ontology's page
    label: str
    kinds: tuple[str, ...]
    definition: str


def load_vocabulary() -> ox.Store:
    """The ontology (terms and code lists) in an in-memory store."""
    vocabulary = ox.Store()
    try:
        vocabulary.load(path=str(resources.ontology_file()), format=ox.RdfFormat.TURTLE)
    except (OSError, SyntaxError) as error:
        raise SafeKGError(f"cannot read the ontology: {error}") from None
    return vocabulary


# ------------------------------------------------------------------------------ helpers

#: The sentences a fact was read from (used inside ``GRAPH ?g { ... }``, binds ?evidence ?text).
_EVIDENCE: Final = (
    "OPTIONAL { ?fact prov:wasDerivedFrom ?evidence OPTIONAL { ?evidence nif:anchorOf ?text } }"
)


def _rows(result: object) -> list[Row]:
    if not isinstance(result, ox.QuerySolutions):
        raise SafeKGError("the store did not answer a SELECT query with solutions")
    names = [variable.value for variable in result.variables]
    rows = []
    for solution in result:
        row: Row = {}
        for name in names:
            value = solution[name]
            if value is not None:
                row[name] = value
        rows.append(row)
    return rows


def _iri(row: Row, name: str) -> str | None:
    value = row.get(name)
    return value.value if isinstance(value, ox.NamedNode) else None


def _str(row: Row, name: str) -> str | None:
    value = row.get(name)
    if isinstance(value, ox.Literal | ox.NamedNode):
        return value.value
    return None


def _int(row: Row, name: str) -> int | None:
    text = _str(row, name)
    try:
        return int(Decimal(text)) if text is not None else None
    except (InvalidOperation, ValueError):
        return None


def _date(row: Row, name: str) -> date | None:
    text = _str(row, name)
    if text is None:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _ordinal(day: date | None) -> int:
    return day.toordinal() if day is not None else 0


def _label_map(rows: Iterable[Row]) -> dict[str, str]:
    """The most preferred label of each subject (the least, in text order, of its kind)."""
    best: dict[str, tuple[int, str]] = {}
    for row in rows:
        iri, predicate, label = _iri(row, "x"), _iri(row, "p"), row.get("label")
        if not iri or not predicate or not isinstance(label, ox.Literal):
            continue
        if label.language and not label.language.startswith("en"):
            continue
        rank = (_LABELS.index(predicate), label.value)
        if iri not in best or rank < best[iri]:
            best[iri] = rank
    return {iri: rank[1] for iri, rank in best.items()}


def _chunks(items: Sequence[_T], size: int) -> Iterable[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _grouped(rows: Iterable[Row], build: Callable[[str, list[Row]], _T]) -> list[_T]:
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        fact = _iri(row, "fact")
        if fact:
            groups[fact].append(row)
    return [build(fact, group) for fact, group in groups.items()]


def _evidence(group: Iterable[Row]) -> tuple[Evidence, ...]:
    found: dict[str, Evidence] = {}
    for row in group:
        iri = _iri(row, "evidence")
        if iri and iri not in found:
            found[iri] = Evidence(
                iri=iri,
                text=_str(row, "text"),
                article_id=article_id_of(iri),
                published=_date(row, "published"),
            )
    return tuple(sorted(found.values(), key=lambda e: (e.article_id, _offsets(e.iri))))


def _offsets(iri: str) -> tuple[int, int]:
    begin, _, end = iri.partition("#char=")[2].partition(",")
    try:
        return int(begin), int(end)
    except ValueError:
        return 0, 0


def article_id_of(iri: str) -> str:
    """The article id in an article or sentence IRI (percent-decoded)."""
    base = ID + "article/"
    if not iri.startswith(base):
        return fallback_label(iri)
    return unquote(iri[len(base) :].partition("#")[0])


def _article_ref(row: Row) -> ArticleRef:
    iri = _iri(row, "article") or ""
    return ArticleRef(
        iri=iri,
        id=_str(row, "ident") or article_id_of(iri),
        headline=_str(row, "headline"),
        published=_date(row, "published"),
        url=_str(row, "url"),
    )


def fallback_label(iri: str) -> str:
    """A readable name made from the IRI itself: a sentence by its place in its article, a
    fact by its kind and hash, anything else by its last part, decoded."""
    if "#char=" in iri and iri.startswith(ID + "article/"):
        begin, end = _offsets(iri)
        return f"sentence {begin}\u2013{end} of {article_id_of(iri)}"
    kind = _kind(iri)
    if kind in ("observation", "membership", "grant") and iri.count("/") >= 7:
        return f"{kind} {iri.rstrip('/').rsplit('/', 1)[1]}"
    tail = iri.rstrip("/#")
    for separator in ("#", "/"):
        if separator in tail:
            tail = tail.rsplit(separator, 1)[1]
            break
    return unquote(tail).replace("_", " ") or iri


def _predicate_label(iri: str) -> str:
    """A property as prefix:name (``skos:prefLabel``)."""
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _node_text(node: Node) -> str:
    return node.label if isinstance(node, Link) else node.text


def _kind(iri: str) -> str:
    if not iri.startswith(ID):
        return "other"
    return iri[len(ID) :].split("/", 1)[0]


def _external_name(iri: str) -> str:
    """A link to open data, named by where it goes (``Wikidata Q123``)."""
    known = (
        ("http://www.wikidata.org/entity/", "Wikidata "),
        ("https://www.wikidata.org/wiki/", "Wikidata "),
        ("http://statistics.data.gov.uk/id/statistical-geography/", "ONS area "),
        ("http://www.legislation.gov.uk/id/", "legislation.gov.uk "),
    )
    for base, name in known:
        if iri.startswith(base):
            return name + iri[len(base) :]
    return iri


def format_number(text: str) -> str:
    """A stored number with thousands separators (``20000000`` -> ``20,000,000``)."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number:,}"


def _fact_ref(fact: str, kind: str, row: Row, labels: Mapping[str, str]) -> FactRef:
    qb, org, schema = PREFIXES["qb"], PREFIXES["org"], PREFIXES["schema"]
    if kind == qb + "Observation":
        measure = labels.get(_iri(row, "measure") or "", "figure")
        qualifier = _iri(row, "qualifier")
        how = labels.get(qualifier, "") if qualifier else ""
        how = "" if how in ("", "exact") else f" ({how})"
        value = format_number(_str(row, "value") or "")
        organisation = _iri(row, "organisation")
        whose = f", {labels[organisation]}" if organisation else ""
        return FactRef(fact, "outcome", f"{measure}: {value}{how}{whose}")
    if kind in (org + "Membership", org + "Post"):
        person = labels.get(_iri(row, "person") or "", "someone")
        organisation = _iri(row, "organisation")
        where = f", {labels[organisation]}" if organisation else ""
        return FactRef(fact, "officer", f"{person}{where}")
    if kind == schema + "MonetaryGrant":
        amount = _str(row, "amount")
        money = f"{_str(row, 'currency') or ''} {format_number(amount)}".strip() if amount else ""
        return FactRef(fact, "funding", money or "a grant")
    if kind == org + "Organization":
        return FactRef(fact, "agency", labels.get(fact, fallback_label(fact)))
    return FactRef(fact, "offence", labels.get(fact, fallback_label(fact)))
