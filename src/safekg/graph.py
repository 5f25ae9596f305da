"""Extraction -> RDF: the triples of one article, and the only place safekg mints IRIs.

``to_triples(extraction)`` gives the triples of one article as pyoxigraph terms,
to be stored in that article's named graph (``graph_iri(article_id)``);
``to_graph`` gives them as an rdflib graph. They follow docs/model.md:

- the article is a ``schema:NewsArticle`` with its id, address, date, title and
  the sha256 of its text, never the text itself;
- each evidence sentence is a ``nif:Sentence`` whose IRI is the article IRI with
  an RFC 5147 fragment (``#char=start,end``), holding the redacted sentence;
- agencies are ``org:Organization`` nodes named by their canonical name, which
  the article ``schema:mentions``;
- an officer is a ``foaf:Person`` with an ``org:Membership`` that carries the rank;
- funding is a ``schema:MonetaryGrant``, an outcome a ``qb:Observation`` in
  ``sk:outcomes``, an offence a concept of ``sk:OffenceScheme``.

IRIs are deterministic: slugs of names, percent-encoded article ids and short
sha256 hashes of a fact's content (never counters or clocks), so the same
extraction always gives the same triples. The graph has no blank nodes.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from typing import Final, Protocol, TypeVar
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import Graph

from safekg import resources
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
from safekg.store import rdflib_graph
from safekg.vocab import (
    DCTERMS,
    FOAF,
    GRAPH_BASE,
    ITSRDF,
    NIF,
    ORG,
    PREFIXES,
    PROV,
    QB,
    RDF,
    SCHEMA,
    SDMX_DIM,
    SDMX_MEASURE,
    SK,
    SKK,
    SKOS,
    TIME,
    XSD,
    IdBase,
    OxNamespace,
)

__all__ = [
    "agency_iri",
    "article_iri",
    "graph_iri",
    "offence_iri",
    "person_iri",
    "rank_iri",
    "slug",
    "to_graph",
    "to_triples",
]

_SLUG_MAX: Final = 80
_HASH_CHARS: Final = 16
# Dropped without a break, so that "U.S." and "US", "State's" and "States" slug alike.
_JOINERS: Final = frozenset(".'\u2019\u02bc`\u00b4")

# The vocabulary as pyoxigraph nodes: the graph is built from these, not rdflib terms.
_DCTERMS, _FOAF, _ITSRDF, _NIF, _ORG, _PROV, _QB, _RDF, _SCHEMA = map(
    OxNamespace, (DCTERMS, FOAF, ITSRDF, NIF, ORG, PROV, QB, RDF, SCHEMA)
)
_SDMX_DIM, _SDMX_MEASURE, _SK, _SKK, _SKOS, _TIME, _XSD = map(
    OxNamespace, (SDMX_DIM, SDMX_MEASURE, SK, SKK, SKOS, TIME, XSD)
)

# What each agency kind is, besides org:Organization.
_KIND_CLASSES: Final[dict[str, tuple[ox.NamedNode, ...]]] = {
    "force": (_ORG.FormalOrganization, _SCHEMA.GovernmentOrganization),
    "unit": (_ORG.OrganizationalUnit, _SCHEMA.GovernmentOrganization),
    "agency": (_ORG.FormalOrganization, _SCHEMA.GovernmentOrganization),
    "government": (_ORG.FormalOrganization, _SCHEMA.GovernmentOrganization),
    "prosecutor": (_ORG.FormalOrganization, _SCHEMA.GovernmentOrganization),
    "collaboration": (_ORG.OrganizationalCollaboration, _SCHEMA.GovernmentOrganization),
    "charity": (_ORG.FormalOrganization, _SCHEMA.NGO),
    "company": (_ORG.FormalOrganization, _SCHEMA.Corporation),
    "organisation": (),
}


# -- IRI minting --------------------------------------------------------------------


@lru_cache(maxsize=1 << 16)
def slug(text: str) -> str:
    """A lowercase ASCII slug of ``text``: letters and digits joined by ``-``.

    Case, accents, punctuation and ``&``/``and`` do not matter ("U.S. Attorney"
    and "US attorney" give ``us-attorney``). When characters that have no ASCII
    form were dropped, or the slug was cut to 80 characters, a short hash of the
    text is appended so that different names keep different slugs; a text with
    no letter or digit at all gives the hash alone.
    """
    compatible = unicodedata.normalize("NFKD", text).casefold().replace("&", " and ")
    decomposed = unicodedata.normalize("NFKD", compatible)
    out: list[str] = []
    lost = False
    gap = False
    for char in decomposed:
        if char in _JOINERS or unicodedata.combining(char):
            continue
        if char.isascii() and char.isalnum():
            if gap and out:
                out.append("-")
            out.append(char.lower())
            gap = False
        else:
            lost = lost or char.isalnum()
            gap = True
    result = "".join(out)
    if len(result) > _SLUG_MAX:
        result = result[:_SLUG_MAX].rstrip("-")
        lost = True
    if lost or not result:
        digest = _hash(text)[:8]
        result = f"{result}-{digest}" if result else digest
    return result


def _encode_id(article_id: str) -> str:
    """An article id as one IRI path segment: percent-encoded, never a dot-segment."""
    if not article_id:
        raise ValueError("an article id cannot be empty")
    encoded = quote(article_id, safe="", errors="surrogatepass")
    if not encoded.strip("."):  # "." and ".." would be removed by IRI normalisation
        encoded = encoded.replace(".", "%2E")
    elif encoded.endswith("."):  # Turtle writes "art:a." as "art:a\.", which rdflib cannot read
        encoded = encoded[:-1] + "%2E"
    return encoded


def article_iri(article_id: str) -> str:
    """The article's IRI: ``https://w3id.org/safekg/id/article/{percent-encoded id}``."""
    return IdBase.ARTICLE + _encode_id(article_id)


def graph_iri(article_id: str) -> str:
    """The IRI of the named graph that holds the article's triples."""
    return GRAPH_BASE + _encode_id(article_id)


def agency_iri(name: str) -> str:
    """An agency's IRI, from the slug of its canonical name (a leading "the" does not count)."""
    stripped = name.strip()
    if stripped[:4].casefold() == "the " and stripped[4:].strip():
        stripped = stripped[4:]
    return IdBase.AGENCY + slug(stripped)


def person_iri(name: str) -> str:
    """A person's IRI, from the slug of their full name."""
    return IdBase.PERSON + slug(name)


def rank_iri(rank: str) -> str:
    """The rank concept for a rank or title as written: the ontology's when it knows it
    (by normalised prefLabel or altLabel: "Det Insp" is ``.../rank/detective-inspector``),
    else one minted from the slug."""
    return _index().ranks.get(slug(rank)) or IdBase.RANK + slug(rank)


def offence_iri(label: str) -> str:
    """The offence concept for a label: the ontology's when it knows it, else a minted one."""
    return _index().offences.get(slug(label)) or IdBase.OFFENCE + slug(label)


def _hash(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _fact_iri(base: str, article_id: str, *content: str) -> ox.NamedNode:
    return ox.NamedNode(f"{base}{_encode_id(article_id)}/{_hash(*content)[:_HASH_CHARS]}")


# -- what the ontology knows ------------------------------------------------------------


@dataclass(frozen=True)
class _OntologyIndex:
    ranks: dict[str, str]  # slug of a label -> concept IRI
    offences: dict[str, str]
    rank_concepts: frozenset[str]
    offence_concepts: frozenset[str]


@cache
def _index() -> _OntologyIndex:
    """Labels of the rank and offence concepts in ontology/safekg.ttl (parsed once)."""
    in_scheme = str(SKOS.inScheme)
    label_rank = {str(SKOS.prefLabel): 0, str(SKOS.altLabel): 1, str(SKOS.hiddenLabel): 2}
    scheme_of: dict[str, str] = {}
    labels: list[tuple[int, str, str]] = []
    path = resources.ontology_file()
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        predicate = quad.predicate.value
        if predicate == in_scheme:
            scheme_of[quad.subject.value] = quad.object.value
        elif predicate in label_rank and isinstance(quad.object, ox.Literal):
            labels.append((label_rank[predicate], quad.subject.value, quad.object.value))
    ranks: dict[str, str] = {}
    offences: dict[str, str] = {}
    targets = {str(SK.RankScheme): ranks, str(SK.OffenceScheme): offences}
    for _, concept, label in sorted(labels):  # preferred labels win over alternative ones
        target = targets.get(scheme_of.get(concept, ""))
        if target is not None:
            target.setdefault(slug(label), concept)
    return _OntologyIndex(
        ranks=ranks,
        offences=offences,
        rank_concepts=frozenset(ranks.values()),
        offence_concepts=frozenset(offences.values()),
    )


# -- literals -------------------------------------------------------------------------------


def _number(value: Decimal | float) -> ox.Literal:
    """``xsd:integer`` when whole, else ``xsd:decimal`` (never in exponent notation)."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value}")
    if number == number.to_integral_value():
        return ox.Literal(str(int(number)), datatype=_XSD.integer)
    return ox.Literal(format(number.normalize(), "f"), datatype=_XSD.decimal)


def _confidence(value: float) -> ox.Literal:
    return ox.Literal(format(Decimal(str(round(float(value), 4))), "f"), datatype=_XSD.decimal)


def _date(value: date) -> ox.Literal:
    return ox.Literal(value.isoformat(), datatype=_XSD.date)


def _index_literal(value: int) -> ox.Literal:
    # xsd:integer, not NIF's xsd:nonNegativeInteger: Oxigraph stores the latter as the former.
    return ox.Literal(str(value), datatype=_XSD.integer)


# -- the graph of one article -------------------------------------------------------------


_Object = ox.NamedNode | ox.Literal


class _Sourced(Protocol):
    """What every extracted fact has: the sentence it came from and a confidence."""

    @property
    def evidence(self) -> Evidence: ...

    @property
    def confidence(self) -> float: ...


_T = TypeVar("_T", bound=_Sourced)
_K = TypeVar("_K", bound=Hashable)


def _group(items: Iterable[_T], key: Callable[[_T], _K]) -> dict[_K, list[_T]]:
    """Facts with the same content, in first-seen order: each group becomes one node."""
    groups: dict[_K, list[_T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups


class _Builder:
    """Collects the triples of one article."""

    def __init__(self, article: Article) -> None:
        self.triples: list[ox.Triple] = []
        self.article = article
        self.node = ox.NamedNode(article_iri(article.id))
        self.context = ox.NamedNode(f"{self.node.value}#char=0,{len(article.text)}")
        self._sentences: dict[tuple[int, int], ox.NamedNode] = {}
        self._agencies: set[ox.NamedNode] = set()
        self._concepts: set[ox.NamedNode] = set()

    def add(self, subject: ox.NamedNode, predicate: ox.NamedNode, obj: _Object) -> None:
        self.triples.append(ox.Triple(subject, predicate, obj))

    # -- shared pieces

    def article_node(self) -> None:
        art, article = self.node, self.article
        self.add(art, _RDF.type, _SCHEMA.NewsArticle)
        self.add(art, _RDF.type, _PROV.Entity)
        self.add(art, _DCTERMS.identifier, ox.Literal(article.id))
        self.add(art, _SK.sha256, ox.Literal(article.sha256))
        if article.published is not None:
            self.add(art, _SCHEMA.datePublished, _date(article.published))
        if article.url:
            self.add(art, _SCHEMA.url, ox.Literal(article.url, datatype=_XSD.anyURI))
        if article.title:
            self.add(art, _SCHEMA.headline, ox.Literal(article.title))
        ctx = self.context
        self.add(ctx, _RDF.type, _NIF.Context)
        self.add(ctx, _RDF.type, _NIF.RFC5147String)
        self.add(ctx, _NIF.beginIndex, _index_literal(0))
        self.add(ctx, _NIF.endIndex, _index_literal(len(article.text)))
        self.add(ctx, _NIF.sourceUrl, art)

    def sentence(self, evidence: Evidence) -> ox.NamedNode:
        key = (evidence.start, evidence.end)
        node = self._sentences.get(key)
        if node is None:
            node = ox.NamedNode(f"{self.node.value}#char={evidence.start},{evidence.end}")
            self._sentences[key] = node
            self.add(node, _RDF.type, _NIF.Sentence)
            self.add(node, _RDF.type, _NIF.RFC5147String)
            self.add(node, _NIF.referenceContext, self.context)
            self.add(node, _NIF.beginIndex, _index_literal(evidence.start))
            self.add(node, _NIF.endIndex, _index_literal(evidence.end))
            self.add(node, _NIF.anchorOf, ox.Literal(evidence.text))
        return node

    def provenance(self, node: ox.NamedNode, facts: Sequence[_Sourced]) -> None:
        """The article, every sentence and the best confidence of the facts ``node`` stands for."""
        self.add(node, _SK.article, self.node)
        for evidence in dict.fromkeys(fact.evidence for fact in facts):
            self.add(node, _PROV.wasDerivedFrom, self.sentence(evidence))
        self.add(node, _ITSRDF.taConfidence, _confidence(max(f.confidence for f in facts)))

    def agency_ref(self, name: str) -> ox.NamedNode:
        """The node of an agency a fact names; minted with its name if not there yet."""
        node = ox.NamedNode(agency_iri(name))
        if node not in self._agencies:
            self._agencies.add(node)
            self.add(node, _RDF.type, _ORG.Organization)
            self.add(node, _SKOS.prefLabel, ox.Literal(name))
        return node

    # -- facts

    def agencies(self, agencies: Iterable[Agency]) -> None:
        groups = _group(agencies, lambda agency: ox.NamedNode(agency_iri(agency.name)))
        for node, same in groups.items():
            first = same[0]
            self._agencies.add(node)
            self.add(self.node, _SCHEMA.mentions, node)
            self.add(node, _RDF.type, _ORG.Organization)
            self.add(node, _SKOS.prefLabel, ox.Literal(first.name))
            kind = next((a.kind for a in same if a.kind != "organisation"), first.kind)
            for cls in _KIND_CLASSES.get(kind, ()):
                self.add(node, _RDF.type, cls)
            if kind in _KIND_CLASSES:
                self.add(node, _ORG.classification, _SKK[kind])
            acronym = next((a.acronym for a in same if a.acronym), None)
            if acronym:
                self.add(node, _SK.acronym, ox.Literal(acronym))
            seen = {first.name, acronym}
            for agency in same:
                for alias in (agency.name, *agency.aliases, agency.acronym):
                    if alias and alias not in seen:
                        seen.add(alias)
                        self.add(node, _SKOS.altLabel, ox.Literal(alias))
            country = next((a.country for a in same if a.country), None)
            if country:
                self.add(node, _SCHEMA.addressCountry, ox.Literal(country))
            self.provenance(node, same)
        for node, same in groups.items():  # parents last, so a listed parent keeps its details
            parent = next((a.parent for a in same if a.parent), None)
            if parent:
                parent_node = self.agency_ref(parent)
                if parent_node != node:
                    self.add(node, _ORG.subOrganizationOf, parent_node)

    def officers(self, officers: Iterable[Officer]) -> None:
        def key(officer: Officer) -> tuple[str, str, str]:
            agency = agency_iri(officer.agency) if officer.agency else ""
            return person_iri(officer.name), rank_iri(officer.rank), agency

        known_ranks = _index().rank_concepts
        for (person_key, rank_key, agency_key), same in _group(officers, key).items():
            first = same[0]
            leads = any(officer.leads for officer in same)
            person = ox.NamedNode(person_key)
            self.add(person, _RDF.type, _FOAF.Person)
            self.add(person, _RDF.type, _SCHEMA.Person)
            self.add(person, _FOAF.name, ox.Literal(first.name))
            node = _fact_iri(IdBase.MEMBERSHIP, self.article.id, person_key, rank_key, agency_key)
            self.add(node, _RDF.type, _ORG.Membership)
            self.add(node, _ORG.member, person)
            if first.agency:
                agency = self.agency_ref(first.agency)
                self.add(node, _ORG.organization, agency)
                if leads:
                    self.add(person, _ORG.headOf, agency)
            rank = ox.NamedNode(rank_key)
            self.add(node, _SK.rank, rank)
            self.add(node, _SK.rankLabel, ox.Literal(first.rank))
            if rank_key not in known_ranks and rank not in self._concepts:
                self._concepts.add(rank)
                self.add(rank, _RDF.type, _SKOS.Concept)
                self.add(rank, _SKOS.prefLabel, ox.Literal(first.rank))
                self.add(rank, _SKOS.inScheme, _SK.RankScheme)
            self.add(node, _ORG.role, _SK.UnitLead if leads else _SK.Spokesperson)
            if self.article.published is not None:
                self.add(node, _SK.asOf, _date(self.article.published))
            self.provenance(node, same)

    def fundings(self, fundings: Iterable[Funding]) -> None:
        def key(funding: Funding) -> tuple[str, str, str, str]:
            return (
                _number(funding.amount).value,
                funding.currency.upper(),
                agency_iri(funding.recipient) if funding.recipient else "",
                agency_iri(funding.funder) if funding.funder else "",
            )

        for content, same in _group(fundings, key).items():
            first = same[0]
            grant = _fact_iri(IdBase.GRANT, self.article.id, *content)
            amount = ox.NamedNode(f"{grant.value}/amount")
            self.add(grant, _RDF.type, _SCHEMA.MonetaryGrant)
            self.add(grant, _SCHEMA.amount, amount)
            self.add(amount, _RDF.type, _SCHEMA.MonetaryAmount)
            self.add(amount, _SCHEMA.value, _number(first.amount))
            self.add(amount, _SCHEMA.currency, ox.Literal(first.currency.upper()))
            if first.recipient:
                self.add(grant, _SCHEMA.fundedItem, self.agency_ref(first.recipient))
            if first.funder:
                self.add(grant, _SCHEMA.funder, self.agency_ref(first.funder))
            self.provenance(grant, same)

    def outcomes(self, outcomes: Iterable[Outcome]) -> None:
        def key(outcome: Outcome) -> tuple[str, str, str, str, str, str]:
            return (
                outcome.measure,
                _number(outcome.value).value,
                outcome.qualifier,
                agency_iri(outcome.agency) if outcome.agency else "",
                outcome.period_start.isoformat() if outcome.period_start else "",
                outcome.period_end.isoformat() if outcome.period_end else "",
            )

        for content, same in _group(outcomes, key).items():
            first = same[0]
            node = _fact_iri(IdBase.OBSERVATION, self.article.id, *content)
            self.add(node, _RDF.type, _QB.Observation)
            self.add(node, _QB.dataSet, _SK.outcomes)
            measure = ox.NamedNode(IdBase.MEASURE + quote(first.measure, safe=""))
            self.add(node, _SK.measure, measure)
            self.add(node, _SDMX_MEASURE.obsValue, _number(first.value))
            qualifier = ox.NamedNode(IdBase.QUALIFIER + quote(first.qualifier, safe=""))
            self.add(node, _SK.qualifier, qualifier)
            if first.agency:
                self.add(node, _SK.agency, self.agency_ref(first.agency))
            if first.period_start or first.period_end:
                self.add(
                    node, _SDMX_DIM.refPeriod, self.period(first.period_start, first.period_end)
                )
            self.provenance(node, same)

    def period(self, start: date | None, end: date | None) -> ox.NamedNode:
        name = f"{start.isoformat() if start else 'open'}_{end.isoformat() if end else 'open'}"
        node = ox.NamedNode(IdBase.PERIOD + name)
        self.add(node, _RDF.type, _TIME.ProperInterval)
        if start is not None:
            self.add(node, _TIME.hasBeginning, self.instant(start))
        if end is not None:
            self.add(node, _TIME.hasEnd, self.instant(end))
        return node

    def instant(self, day: date) -> ox.NamedNode:
        node = ox.NamedNode(IdBase.INSTANT + day.isoformat())
        self.add(node, _RDF.type, _TIME.Instant)
        self.add(node, _TIME.inXSDDate, _date(day))
        return node

    def offences(self, offences: Iterable[Offence]) -> None:
        known = _index().offence_concepts
        for iri, same in _group(offences, lambda offence: offence_iri(offence.label)).items():
            node = ox.NamedNode(iri)
            self.add(self.node, _SCHEMA.mentions, node)
            self.add(node, _RDF.type, _SK.Offence)
            self.add(node, _SKOS.inScheme, _SK.OffenceScheme)
            if iri not in known:
                self.add(node, _RDF.type, _SKOS.Concept)
                self.add(node, _SKOS.prefLabel, ox.Literal(same[0].label))
            self.provenance(node, same)


def to_triples(extraction: Extraction) -> list[ox.Triple]:
    """The triples of one article: its node, its facts and the sentences they came from.

    The graph never holds the article's text: only its id, address, date, title
    and sha256, and each evidence sentence as the extractor redacted it. Each
    triple is listed once.
    """
    builder = _Builder(extraction.article)
    builder.article_node()
    builder.agencies(extraction.agencies)
    builder.officers(extraction.officers)
    builder.fundings(extraction.fundings)
    builder.outcomes(extraction.outcomes)
    builder.offences(extraction.offences)
    return list(dict.fromkeys(builder.triples))


def to_graph(extraction: Extraction) -> Graph:
    """``to_triples`` as an rdflib graph, with safekg's prefixes bound."""
    graph = rdflib_graph(to_triples(extraction))
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph
