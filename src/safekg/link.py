"""Links from the graph to open data, from reference tables that cite their sources.

``link_graph(store)`` reads the agencies and offences of the article graphs and
returns the triples of the links graph (``LINKS_GRAPH``), which the caller
stores as a whole in place of the old one (``store.replace_graph``):

- an agency ``skos:exactMatch`` its Wikidata item, when one of its names (never
  an acronym) equals, once normalised, a name of a *confirmed* row of
  ``data/reference/organisations.csv``;
- a force or regional organised crime unit (ROCU) ``dcterms:spatial`` the ONS
  area (``http://statistics.data.gov.uk/id/statistical-geography/{GSS}``) that
  ``force_regions.csv`` states it covers;
- a ROCU ``org:hasMember`` each force ``rocu_members.csv`` lists (the forces get
  the same IRIs as in the article graphs, ``safekg.graph.agency_iri``);
- an offence ``skos:exactMatch`` the legislation.gov.uk identifier URI of
  ``offences.csv``, when an article from England and Wales names it;
- one ``void:Linkset`` per target (Wikidata, GSS, legislation) that counts the links.

``dataset_description(store)`` describes the whole dataset in VoID and DCAT for
exports. Nothing here reaches the network: online reconciliation is
``safekg.reconcile`` and runs only when given an endpoint.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Final, TypeVar
from urllib.parse import urlsplit

import pyoxigraph as ox
import rdflib
from rdflib import Literal, URIRef
from rdflib.term import Node

from safekg import resources
from safekg.errors import SafeKGError
from safekg.graph import agency_iri, slug
from safekg.store import Store, oxigraph_triples, rdflib_term
from safekg.vocab import (
    BASE,
    DCAT,
    DCTERMS,
    DESCRIPTION_GRAPH,
    FOAF,
    GRAPH_BASE,
    ID,
    INFERRED_GRAPH,
    LINKS_GRAPH,
    ORG,
    PREFIXES,
    RDF,
    RDFS,
    SCHEMA,
    SK,
    SKOS,
    VOID,
    IdBase,
)

if TYPE_CHECKING:
    from safekg.reconcile import ReconcileReport

__all__ = [
    "DATASET_IRI",
    "DESCRIPTION_GRAPH",
    "LICENSE",
    "LINKS_GRAPH",
    "ForceRegion",
    "LinkError",
    "OffenceLink",
    "Organisation",
    "Queryable",
    "ReferenceTables",
    "Region",
    "RocuMember",
    "dataset_description",
    "link_graph",
    "linkset_counts",
    "looks_like_acronym",
    "normalise_label",
    "unlinked_agencies",
]

# LINKS_GRAPH holds every link; it is replaced as a whole each time linking runs.
# DESCRIPTION_GRAPH holds ``dataset_description``, which never counts it.
#: The dataset as a whole (``void:Dataset``, ``dcat:Dataset``).
DATASET_IRI: Final = BASE + "dataset"
#: The licence of the data: Creative Commons Attribution 4.0.
LICENSE: Final = "https://creativecommons.org/licenses/by/4.0/"

WIKIDATA_ENTITY: Final = "http://www.wikidata.org/entity/"
GSS_GEOGRAPHY: Final = "http://statistics.data.gov.uk/id/statistical-geography/"
LEGISLATION_ID: Final = "http://www.legislation.gov.uk/id/"
_TURTLE_MEDIA_TYPE: Final = "https://www.iana.org/assignments/media-types/text/turtle"

#: What a store-like argument may be: a safekg store, a pyoxigraph store, or an rdflib graph
#: (a ``Dataset`` keeps its named graphs; a plain ``Graph`` counts as one named graph).
Queryable = Store | ox.Store | rdflib.Graph


class LinkError(SafeKGError):
    """A reference table that is missing or malformed."""


# -- names ------------------------------------------------------------------------------

_JOINERS: Final = frozenset(".'\u2019\u02bc`\u00b4")


def normalise_label(label: str) -> str:
    """A name as compared for linking: case, accents, punctuation, ``&`` and a leading "the"
    do not count ("The U.S. Marshals' Service" and "us marshals service" are the same)."""
    folded = unicodedata.normalize("NFKD", label).casefold().replace("&", " and ")
    decomposed = unicodedata.normalize("NFKD", folded)
    out: list[str] = []
    for char in decomposed:
        if char in _JOINERS or unicodedata.combining(char):
            continue
        out.append(char if char.isalnum() else " ")
    words = "".join(out).split()
    while len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def looks_like_acronym(label: str) -> bool:
    """One word with no lowercase letter and at least two letters ("POLIT", "NCA", "YHROCU")."""
    text = label.strip()
    letters = [char for char in text if char.isalpha()]
    return (
        bool(text)
        and not any(char.isspace() for char in text)
        and len(letters) >= 2
        and not any(char.islower() for char in letters)
    )


# -- reference tables ---------------------------------------------------------------------


@dataclass(frozen=True)
class Organisation:
    """A row of organisations.csv: a body and, when confirmed, its Wikidata item."""

    name: str
    aliases: tuple[str, ...]
    wikidata: str | None  # an item IRI, only when status is "confirmed"
    status: str  # "confirmed" | "unconfirmed"
    sources: tuple[str, ...]
    retrieved: date
    note: str = ""

    @property
    def confirmed(self) -> bool:
        return self.status == "confirmed"


@dataclass(frozen=True)
class Region:
    """A row of regions.csv: an ONS statistical geography."""

    name: str
    gss: str
    uri: str
    level: str  # "region" | "country" | "uk"
    population_2021: int | None
    sources: tuple[str, ...]
    population_sources: tuple[str, ...]
    retrieved: date


@dataclass(frozen=True)
class RocuMember:
    """A row of rocu_members.csv: one force of a regional organised crime unit."""

    rocu: str
    rocu_aliases: tuple[str, ...]
    member: str
    sources: tuple[str, ...]
    retrieved: date


@dataclass(frozen=True)
class ForceRegion:
    """A row of force_regions.csv: the ONS area a force or unit covers."""

    agency: str
    gss: str
    sources: tuple[str, ...]
    retrieved: date
    note: str = ""


@dataclass(frozen=True)
class OffenceLink:
    """A row of offences.csv: an offence label and its legislation.gov.uk identifier URI."""

    label: str
    uri: str
    provision: str
    document_uri: str
    sources: tuple[str, ...]
    retrieved: date
    note: str = ""


_WIKIDATA_ITEM = re.compile(r"http://www\.wikidata\.org/entity/Q[1-9][0-9]*")
_GSS_CODE = re.compile(r"[EWSNK][0-9]{8}")
_LEGISLATION_URI = re.compile(
    r"http://www\.legislation\.gov\.uk/id/[a-z]+/[0-9]{4}/[0-9]+(/section/[0-9]+[A-Z]*)?"
)
_LEVELS: Final = frozenset({"region", "country", "uk"})
_STATUSES: Final = frozenset({"confirmed", "unconfirmed"})
_SOURCE_SEPARATOR: Final = " ; "

_T = TypeVar("_T")


class _Table:
    """One CSV table: ``#`` comment lines, a header row, then one record a line."""

    def __init__(self, path: Path, columns: tuple[str, ...]) -> None:
        self.path = path
        self.columns = columns

    def fail(self, line: int, message: str) -> LinkError:
        return LinkError(f"{self.path}:{line}: {message}")

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise LinkError(f"the reference table {self.path} is missing") from None
        except UnicodeDecodeError:
            raise LinkError(f"{self.path}: not UTF-8 text") from None
        except OSError as error:
            raise LinkError(f"cannot read {self.path}: {error.strerror}") from None
        header_seen = False
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            try:
                fields = next(csv.reader([line], strict=True))
            except csv.Error as error:
                raise self.fail(number, f"not CSV: {error}") from None
            if not header_seen:
                if tuple(fields) != self.columns:
                    raise self.fail(number, f"expected the header {','.join(self.columns)}")
                header_seen = True
                continue
            if len(fields) != len(self.columns):
                raise self.fail(number, f"expected {len(self.columns)} fields, found {len(fields)}")
            yield number, dict(zip(self.columns, (v.strip() for v in fields), strict=True))
        if not header_seen:
            raise LinkError(f"{self.path}: no header row")

    def required(self, line: int, row: Mapping[str, str], column: str) -> str:
        value = row[column]
        if not value:
            raise self.fail(line, f"{column} is empty")
        return value

    def day(self, line: int, row: Mapping[str, str]) -> date:
        value = self.required(line, row, "retrieved")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self.fail(line, f"retrieved is not a YYYY-MM-DD date: {value!r}") from None

    def names(self, line: int, row: Mapping[str, str], column: str) -> tuple[str, ...]:
        if not row[column]:
            return ()
        names = tuple(name.strip() for name in row[column].split("|"))
        for name in names:
            self.name(line, name, column)
        return names

    def name(self, line: int, name: str, column: str) -> str:
        if not name or not normalise_label(name):
            raise self.fail(line, f"{column} holds an empty name")
        if looks_like_acronym(name):
            raise self.fail(line, f"{column} {name!r} looks like an acronym; acronyms never link")
        return name

    def sources(self, line: int, row: Mapping[str, str], column: str) -> tuple[str, ...]:
        parts = tuple(p.strip() for p in row[column].split(_SOURCE_SEPARATOR))
        parts = tuple(p for p in parts if p)
        for part in parts:
            if part.startswith(("http://", "https://")) and not _is_iri(part):
                raise self.fail(line, f"{column} is not a valid URL: {part!r}")
        return parts


def _is_iri(text: str) -> bool:
    split = urlsplit(text)
    return (
        split.scheme in {"http", "https"}
        and bool(split.netloc)
        and not any(char.isspace() or char in '<>"{}|\\^`' for char in text)
    )


def _load_organisations(path: Path) -> tuple[Organisation, ...]:
    table = _Table(path, ("name", "aliases", "wikidata", "status", "source", "retrieved", "note"))
    rows: list[Organisation] = []
    seen_labels: dict[str, int] = {}
    seen_items: dict[str, int] = {}
    for line, row in table.rows():
        name = table.name(line, table.required(line, row, "name"), "name")
        aliases = table.names(line, row, "aliases")
        status = row["status"]
        if status not in _STATUSES:
            raise table.fail(line, f"status must be confirmed or unconfirmed, not {status!r}")
        item = row["wikidata"] or None
        sources = table.sources(line, row, "source")
        if status == "confirmed":
            if item is None or not _WIKIDATA_ITEM.fullmatch(item):
                raise table.fail(line, f"a confirmed row needs a Wikidata item IRI, not {item!r}")
            if not sources:
                raise table.fail(line, "a confirmed row needs its source")
            if item in seen_items:
                raise table.fail(line, f"{item} is also on line {seen_items[item]}")
            seen_items[item] = line
        elif item is not None:
            raise table.fail(line, "an unconfirmed row has no Wikidata item")
        for label in {normalise_label(n) for n in (name, *aliases)}:
            if label in seen_labels:
                raise table.fail(line, f"the name {label!r} is also on line {seen_labels[label]}")
            seen_labels[label] = line
        rows.append(
            Organisation(name, aliases, item, status, sources, table.day(line, row), row["note"])
        )
    return tuple(rows)


def _load_regions(path: Path) -> tuple[Region, ...]:
    columns = (
        "name",
        "gss",
        "uri",
        "level",
        "population_2021",
        "source",
        "population_source",
        "retrieved",
    )
    table = _Table(path, columns)
    rows: list[Region] = []
    seen: dict[str, int] = {}
    for line, row in table.rows():
        name = table.required(line, row, "name")
        gss = table.required(line, row, "gss")
        if not _GSS_CODE.fullmatch(gss):
            raise table.fail(line, f"not a GSS code: {gss!r}")
        if gss in seen:
            raise table.fail(line, f"{gss} is also on line {seen[gss]}")
        seen[gss] = line
        if row["uri"] != GSS_GEOGRAPHY + gss:
            raise table.fail(line, f"uri must be {GSS_GEOGRAPHY}{gss}")
        if row["level"] not in _LEVELS:
            raise table.fail(line, f"level must be one of {', '.join(sorted(_LEVELS))}")
        population: int | None = None
        if row["population_2021"]:
            try:
                population = int(row["population_2021"])
            except ValueError:
                population = -1
            if population < 0:
                raise table.fail(line, "population_2021 must be a whole number")
        sources = table.sources(line, row, "source")
        if not sources:
            raise table.fail(line, "source is empty")
        population_sources = table.sources(line, row, "population_source")
        if population is not None and not population_sources:
            raise table.fail(line, "a population needs its population_source")
        rows.append(
            Region(
                name,
                gss,
                GSS_GEOGRAPHY + gss,
                row["level"],
                population,
                sources,
                population_sources,
                table.day(line, row),
            )
        )
    return tuple(rows)


def _load_rocu_members(path: Path) -> tuple[RocuMember, ...]:
    table = _Table(path, ("rocu", "rocu_aliases", "member", "source", "retrieved"))
    rows: list[RocuMember] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in table.rows():
        rocu = table.name(line, table.required(line, row, "rocu"), "rocu")
        member = table.name(line, table.required(line, row, "member"), "member")
        key = (normalise_label(rocu), normalise_label(member))
        if key in seen:
            raise table.fail(line, f"{member} is already a member on line {seen[key]}")
        seen[key] = line
        sources = table.sources(line, row, "source")
        if not sources:
            raise table.fail(line, "source is empty")
        aliases = table.names(line, row, "rocu_aliases")
        rows.append(RocuMember(rocu, aliases, member, sources, table.day(line, row)))
    return tuple(rows)


def _load_force_regions(path: Path, regions: Iterable[Region]) -> tuple[ForceRegion, ...]:
    table = _Table(path, ("agency", "gss", "source", "retrieved", "note"))
    known = {region.gss for region in regions}
    rows: list[ForceRegion] = []
    seen: dict[str, int] = {}
    for line, row in table.rows():
        agency = table.name(line, table.required(line, row, "agency"), "agency")
        gss = table.required(line, row, "gss")
        if gss not in known:
            raise table.fail(line, f"{gss} is not in regions.csv")
        key = normalise_label(agency)
        if key in seen:
            raise table.fail(line, f"{agency} already has an area on line {seen[key]}")
        seen[key] = line
        sources = table.sources(line, row, "source")
        if not sources:
            raise table.fail(line, "source is empty")
        rows.append(ForceRegion(agency, gss, sources, table.day(line, row), row["note"]))
    return tuple(rows)


def _offence_labels(path: Path) -> frozenset[str]:
    """The labels of the offence gazetteer (JSON lines; ``//`` lines are comments)."""
    labels: set[str] = set()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise LinkError(f"cannot read the offence gazetteer {path}: {error}") from None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise LinkError(f"{path}:{number}: not JSON: {error.msg}") from None
        if isinstance(record, dict) and isinstance(record.get("label"), str):
            labels.add(record["label"])
    return frozenset(labels)


def _load_offences(path: Path, gazetteer: Path) -> tuple[OffenceLink, ...]:
    columns = ("label", "uri", "provision", "document_uri", "source", "retrieved", "note")
    table = _Table(path, columns)
    known = _offence_labels(gazetteer)
    rows: list[OffenceLink] = []
    seen: dict[str, int] = {}
    for line, row in table.rows():
        label = table.required(line, row, "label")
        if label not in known:
            raise table.fail(line, f"{label!r} is not a label of {gazetteer.name}")
        if label in seen:
            raise table.fail(line, f"{label!r} is also on line {seen[label]}")
        seen[label] = line
        uri = table.required(line, row, "uri")
        if not _LEGISLATION_URI.fullmatch(uri):
            raise table.fail(line, f"not a legislation.gov.uk identifier URI: {uri!r}")
        document = table.required(line, row, "document_uri")
        if not _is_iri(document):
            raise table.fail(line, f"document_uri is not a valid URL: {document!r}")
        sources = table.sources(line, row, "source")
        if not sources:
            raise table.fail(line, "source is empty")
        rows.append(
            OffenceLink(
                label,
                uri,
                table.required(line, row, "provision"),
                document,
                sources,
                table.day(line, row),
                row["note"],
            )
        )
    return tuple(rows)


@dataclass(frozen=True)
class ReferenceTables:
    """The five reference tables of ``data/reference/``, validated together."""

    organisations: tuple[Organisation, ...]
    regions: tuple[Region, ...]
    rocu_members: tuple[RocuMember, ...]
    force_regions: tuple[ForceRegion, ...]
    offences: tuple[OffenceLink, ...]
    folder: Path = field(default=Path("data/reference"), compare=False)

    @classmethod
    def load(cls, folder: str | Path | None = None) -> ReferenceTables:
        """Read and check the tables in ``folder`` (default: the shipped ones).

        Raises ``LinkError`` naming the file and line of the first bad row.
        """
        where = Path(folder) if folder is not None else resources.data_file("reference")
        regions = _load_regions(where / "regions.csv")
        return cls(
            organisations=_load_organisations(where / "organisations.csv"),
            regions=regions,
            rocu_members=_load_rocu_members(where / "rocu_members.csv"),
            force_regions=_load_force_regions(where / "force_regions.csv", regions),
            offences=_load_offences(
                where / "offences.csv", resources.data_file("gazetteers", "offences.jsonl")
            ),
            folder=where,
        )

    def region(self, gss: str) -> Region:
        return next(region for region in self.regions if region.gss == gss)


# -- reading the store ----------------------------------------------------------------------

_SYSTEM_GRAPHS: Final = (LINKS_GRAPH, DESCRIPTION_GRAPH, INFERRED_GRAPH)
_EXCLUDED: Final = "FILTER(?g NOT IN (" + ", ".join(f"<{g}>" for g in _SYSTEM_GRAPHS) + "))"


def _select(source: Queryable, sparql: str) -> list[ox.QuerySolution]:
    """Rows of a SELECT query over ``source`` (named graphs are read with ``GRAPH``)."""
    if isinstance(source, Store):
        result = source.query(sparql, union_default_graph=False)
    elif isinstance(source, ox.Store):
        result = source.query(sparql)
    else:
        result = _oxigraph(source).query(sparql)
    if not isinstance(result, ox.QuerySolutions):
        raise SafeKGError("the store did not answer a SELECT query with solutions")
    return list(result)


def _oxigraph(graph: rdflib.Graph) -> ox.Store:
    """An rdflib graph in an in-memory pyoxigraph store, so no rdflib query engine runs."""
    store = ox.Store()
    contexts = list(graph.graphs()) if isinstance(graph, rdflib.Dataset) else [graph]
    for context in contexts:
        name = context.identifier
        if not isinstance(name, URIRef) or str(name).startswith("urn:x-rdflib:"):
            name = URIRef(GRAPH_BASE + "input")
        node = ox.NamedNode(str(name))
        store.extend(
            ox.Quad(t.subject, t.predicate, t.object, node) for t in oxigraph_triples(context)
        )
    return store


@dataclass
class _Agency:
    """An agency as the store (or the membership table) knows it."""

    iri: str
    labels: set[str] = field(default_factory=set)
    preferred: set[str] = field(default_factory=set)  # the labels that are skos:prefLabel
    acronyms: set[str] = field(default_factory=set)
    graphs: set[str] = field(default_factory=set)

    def usable(self) -> list[str]:
        """Its labels that may link (every one but acronyms), preferred labels first."""
        acronyms = {a.casefold() for a in self.acronyms}
        return sorted(
            (
                label
                for label in self.labels
                if label.casefold() not in acronyms
                and not looks_like_acronym(label)
                and normalise_label(label)
            ),
            key=lambda label: (label not in self.preferred, label),
        )

    def names(self) -> set[str]:
        """Its normalised names that may link."""
        return {normalise_label(label) for label in self.usable()}


def _agencies(source: Queryable) -> dict[str, _Agency]:
    rows = _select(
        source,
        f"""SELECT ?g ?a ?p ?label WHERE {{
  GRAPH ?g {{
    ?a a <{ORG.Organization}> .
    OPTIONAL {{
      ?a ?p ?label .
      FILTER(?p IN (<{SKOS.prefLabel}>, <{SKOS.altLabel}>, <{SK.acronym}>) && isLiteral(?label))
    }}
  }}
  {_EXCLUDED}
  FILTER(isIRI(?a))
}}""",
    )
    found: dict[str, _Agency] = {}
    for graph, agency, predicate, label in rows:
        entry = found.setdefault(agency.value, _Agency(agency.value))
        entry.graphs.add(graph.value)
        if label is None or predicate is None:
            continue
        if predicate.value == str(SK.acronym):
            entry.acronyms.add(label.value)
        else:
            entry.labels.add(label.value)
            if predicate.value == str(SKOS.prefLabel):
                entry.preferred.add(label.value)
    return found


@dataclass
class _Offence:
    iri: str
    labels: set[str] = field(default_factory=set)
    graphs: set[str] = field(default_factory=set)


def _offences(source: Queryable) -> dict[str, _Offence]:
    # Two queries: the graphs naming each offence, then each offence's labels in any graph.
    # One query joining the two gives (graphs naming it) x (graphs labelling it) rows for
    # each offence, which grows with the square of the number of articles.
    offence = f"GRAPH ?g {{ ?o a <{SK.Offence}> }} {_EXCLUDED} FILTER(isIRI(?o))"
    found: dict[str, _Offence] = {}
    for graph, node in _select(source, f"SELECT DISTINCT ?g ?o WHERE {{ {offence} }}"):
        found.setdefault(node.value, _Offence(node.value)).graphs.add(graph.value)
    labels = f"""SELECT DISTINCT ?o ?label WHERE {{
  {{ SELECT DISTINCT ?o WHERE {{ {offence} }} }}
  GRAPH ?lg {{ ?o <{SKOS.prefLabel}> ?label }}
  FILTER(isLiteral(?label))
}}"""
    for node, label in _select(source, labels):
        found[node.value].labels.add(label.value)
    return found


# -- matching ---------------------------------------------------------------------------------


class _Index:
    """Table entries by normalised name and by the agency IRI their canonical name mints."""

    def __init__(self) -> None:
        self._by_name: dict[str, set[str]] = {}
        self._by_iri: dict[str, set[str]] = {}

    def add(self, key: str, name: str, aliases: Iterable[str] = ()) -> None:
        self._by_iri.setdefault(agency_iri(name), set()).add(key)
        for label in (name, *aliases):
            self._by_name.setdefault(normalise_label(label), set()).add(key)

    def match(self, agency: _Agency) -> str | None:
        """The one entry the agency is, or None when there is none or more than one."""
        found = set(self._by_iri.get(agency.iri, ()))
        for name in agency.names():
            found |= self._by_name.get(name, set())
        return next(iter(found)) if len(found) == 1 else None


def _aliases(tables: ReferenceTables) -> dict[str, set[str]]:
    """Every name each table entity goes by, keyed by the normalised canonical name."""
    aliases: dict[str, set[str]] = {}
    for org in tables.organisations:
        aliases.setdefault(normalise_label(org.name), set()).update(org.aliases)
    for row in tables.rocu_members:
        aliases.setdefault(normalise_label(row.rocu), set()).update(row.rocu_aliases)
    return aliases


# -- the links graph ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    key: str
    title: str
    uri_space: str
    homepage: str
    predicate: URIRef
    dataset_key: str = ""

    @property
    def dataset(self) -> URIRef:
        return URIRef(f"{DATASET_IRI}/target/{self.dataset_key or self.key}")

    @property
    def linkset(self) -> URIRef:
        return URIRef(f"{DATASET_IRI}/links/{self.key}")


_WIKIDATA = _Target(
    "wikidata", "Wikidata", WIKIDATA_ENTITY, "https://www.wikidata.org/", SKOS.exactMatch
)
_GSS = _Target(
    "gss",
    "ONS statistical geographies",
    GSS_GEOGRAPHY,
    "https://statistics.data.gov.uk/",
    DCTERMS.spatial,
)
_LEGISLATION = _Target(
    "legislation",
    "legislation.gov.uk",
    LEGISLATION_ID,
    "https://www.legislation.gov.uk/",
    SKOS.exactMatch,
)
_RECONCILED = _Target(
    "wikidata-reconciled",
    "Wikidata (reconciled online)",
    WIKIDATA_ENTITY,
    "https://www.wikidata.org/",
    SKOS.exactMatch,
    dataset_key="wikidata",
)
_TARGETS: Final = (_WIKIDATA, _GSS, _LEGISLATION, _RECONCILED)


def _new_graph() -> rdflib.Graph:
    graph = rdflib.Graph(bind_namespaces="none", identifier=URIRef(LINKS_GRAPH))
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    graph.bind("wd", WIKIDATA_ENTITY)
    graph.bind("gss", GSS_GEOGRAPHY)
    return graph


def _source_node(source: str) -> Node:
    return URIRef(source) if _is_iri(source) else Literal(source)


class _Links:
    """The links graph as it is built: link triples, then one linkset node per target."""

    def __init__(self) -> None:
        self.graph = _new_graph()
        self.counts: dict[str, int] = {target.key: 0 for target in _TARGETS}
        self.sources: dict[str, set[str]] = {target.key: set() for target in _TARGETS}

    def link(self, target: _Target, subject: str, obj: str, sources: Iterable[str]) -> None:
        triple = (URIRef(subject), target.predicate, URIRef(obj))
        if triple not in self.graph:
            self.graph.add(triple)
            self.counts[target.key] += 1
        self.sources[target.key].update(sources)

    def add(self, subject: Node, predicate: Node, obj: Node) -> None:
        self.graph.add((subject, predicate, obj))

    def describe(self, *, reconciled_from: str | None) -> None:
        for target in _TARGETS:
            if target is _RECONCILED and not self.counts[target.key]:
                continue
            node = target.linkset
            self.add(node, RDF.type, VOID.Linkset)
            self.add(node, DCTERMS.title, Literal(f"Links to {target.title}"))
            self.add(node, VOID.linkPredicate, target.predicate)
            self.add(node, VOID.subjectsTarget, URIRef(DATASET_IRI))
            self.add(node, VOID.objectsTarget, target.dataset)
            self.add(node, VOID.target, URIRef(DATASET_IRI))
            self.add(node, VOID.target, target.dataset)
            self.add(node, VOID.triples, Literal(self.counts[target.key]))
            sources = set(self.sources[target.key])
            if target is _RECONCILED and reconciled_from:
                sources.add(reconciled_from)
            for source in sorted(sources):
                self.add(node, DCTERMS.source, _source_node(source))
            if target.dataset_key:  # described under its own key
                continue
            dataset = target.dataset
            self.add(dataset, RDF.type, VOID.Dataset)
            self.add(dataset, DCTERMS.title, Literal(target.title))
            self.add(dataset, VOID.uriSpace, Literal(target.uri_space))
            self.add(dataset, FOAF.homepage, URIRef(target.homepage))


def link_graph(
    source: Queryable,
    *,
    tables: ReferenceTables | None = None,
    reconciled: ReconcileReport | None = None,
) -> rdflib.Graph:
    """The whole links graph for what ``source`` holds (store it as ``LINKS_GRAPH``).

    Reads the named graphs other than ``LINKS_GRAPH`` and ``DESCRIPTION_GRAPH``,
    so running it again on its own output gives the same graph. ``reconciled``
    adds the accepted candidates of ``safekg.reconcile.reconcile`` for agencies
    the tables do not link, in a linkset of their own.
    """
    tables = tables if tables is not None else ReferenceTables.load()
    agencies = _agencies(source)
    links = _Links()
    aliases = _aliases(tables)

    def names_of(name: str) -> set[str]:
        return aliases.get(normalise_label(name), set())

    # ROCUs found in the store, and the forces that make them up.
    rocus = _Index()
    members: dict[str, list[RocuMember]] = {}
    for row in tables.rocu_members:
        rocus.add(row.rocu, row.rocu, names_of(row.rocu))
        members.setdefault(row.rocu, []).append(row)
    universe = dict(agencies)
    for agency in agencies.values():
        rocu = rocus.match(agency)
        if rocu is None:
            continue
        links.add(URIRef(agency.iri), RDF.type, ORG.OrganizationalCollaboration)
        for row in members[rocu]:
            force = agency_iri(row.member)
            links.add(URIRef(agency.iri), ORG.hasMember, URIRef(force))
            links.add(URIRef(force), RDF.type, ORG.Organization)
            links.add(URIRef(force), RDF.type, ORG.FormalOrganization)
            links.add(URIRef(force), SKOS.prefLabel, Literal(row.member))
            for source_text in row.sources:
                links.add(URIRef(agency.iri), DCTERMS.source, _source_node(source_text))
            member = universe.setdefault(force, _Agency(force))
            member.labels.add(row.member)
            member.preferred.add(row.member)

    # Wikidata, from confirmed rows only.
    organisations = _Index()
    by_name = {org.name: org for org in tables.organisations if org.confirmed}
    for org in by_name.values():
        organisations.add(org.name, org.name, org.aliases)
    linked: set[str] = set()
    for agency in universe.values():
        name = organisations.match(agency)
        if name is not None:
            org = by_name[name]
            assert org.wikidata is not None  # confirmed rows always have one
            links.link(_WIKIDATA, agency.iri, org.wikidata, org.sources)
            linked.add(agency.iri)

    # Areas a table states.
    areas = _Index()
    by_agency = {area.agency: area for area in tables.force_regions}
    for area in by_agency.values():
        areas.add(area.agency, area.agency, names_of(area.agency))
    for agency in universe.values():
        area_name = areas.match(agency)
        if area_name is not None:
            area = by_agency[area_name]
            region = tables.region(area.gss)
            links.link(_GSS, agency.iri, region.uri, area.sources)
            links.add(URIRef(region.uri), RDFS.label, Literal(region.name, lang="en"))
            links.add(URIRef(region.uri), SKOS.notation, Literal(region.gss))

    # Offences named by articles from England and Wales.
    jurisdiction = _jurisdictions(tables, names_of)
    england_and_wales: set[str] = set()
    elsewhere: set[str] = set()
    for agency in agencies.values():
        place = jurisdiction(agency)
        target = england_and_wales if place == "EW" else elsewhere if place == "OTHER" else None
        if target is not None:
            target.update(agency.graphs)
    articles = england_and_wales - elsewhere
    offence_rows = _offence_index(tables.offences)
    for offence in _offences(source).values():
        if not offence.graphs & articles:
            continue
        law = offence_rows(offence)
        if law is not None:
            links.link(_LEGISLATION, offence.iri, law.uri, law.sources)

    # Accepted online candidates, for agencies no table links.
    endpoint = None
    if reconciled is not None:
        endpoint = reconciled.endpoint or None
        for candidate in reconciled.accepted:
            name = normalise_label(candidate.label)
            for agency in universe.values():
                if agency.iri not in linked and name in agency.names():
                    links.link(_RECONCILED, agency.iri, candidate.item, ())

    links.describe(reconciled_from=endpoint)
    return links.graph


def _jurisdictions(
    tables: ReferenceTables, names_of: Callable[[str], set[str]]
) -> Callable[[_Agency], str | None]:
    """Whether an agency works in England and Wales ("EW"), elsewhere ("OTHER") or unknown."""
    places: dict[str, str] = {}
    index = _Index()
    for row in tables.rocu_members:  # every ROCU is in England and Wales
        for name in (row.rocu, row.member):
            places[name] = "EW"
            index.add(name, name, names_of(name))
    for area in tables.force_regions:
        code = area.gss[0]
        place = "EW" if code in "EW" else "OTHER" if code in "SN" else None
        if place is not None:
            places[area.agency] = place
            index.add(area.agency, area.agency, names_of(area.agency))

    def jurisdiction(agency: _Agency) -> str | None:
        name = index.match(agency)
        return places.get(name) if name is not None else None

    return jurisdiction


def _offence_index(rows: Iterable[OffenceLink]) -> Callable[[_Offence], OffenceLink | None]:
    """A concept matches a row when it is named for the row's label: its IRI is the one minted
    from the label, or its preferred label is the label. A broader concept that merely has the
    label among its alternative labels (the ontology's "Grooming") is not the provision."""
    by_iri: dict[str, OffenceLink] = {}
    by_name: dict[str, OffenceLink] = {}
    for row in rows:
        by_iri[IdBase.OFFENCE + slug(row.label)] = row
        by_name[normalise_label(row.label)] = row

    def match(offence: _Offence) -> OffenceLink | None:
        if offence.iri in by_iri:
            return by_iri[offence.iri]
        found = {
            id(by_name[n]): by_name[n] for n in map(normalise_label, offence.labels) if n in by_name
        }
        return next(iter(found.values())) if len(found) == 1 else None

    return match


def linkset_counts(graph: rdflib.Graph) -> dict[str, int]:
    """How many links each linkset of a links graph holds, by target ("wikidata", "gss", ...)."""
    counts: dict[str, int] = {}
    for target in _TARGETS:
        value = graph.value(target.linkset, VOID.triples)
        if isinstance(value, Literal):
            counts[target.key] = int(value.toPython())
    return counts


def unlinked_agencies(source: Queryable, *, tables: ReferenceTables | None = None) -> list[str]:
    """A name (never an acronym) of each agency no confirmed row links: what to reconcile."""
    tables = tables if tables is not None else ReferenceTables.load()
    organisations = _Index()
    for org in tables.organisations:
        if org.confirmed:
            organisations.add(org.name, org.name, org.aliases)
    names: set[str] = set()
    for agency in _agencies(source).values():
        if organisations.match(agency) is not None:
            continue
        usable = agency.usable()
        if usable:
            names.add(usable[0])
    return sorted(names)


# -- describing the dataset ------------------------------------------------------------------------


def dataset_description(
    source: Queryable,
    *,
    download_url: str | None = None,
    sparql_endpoint: str | None = None,
) -> rdflib.Graph:
    """VoID and DCAT for the dataset ``source`` holds, to go with an export.

    Counts the triples and the entities (typed IRIs under ``ID``) of every named
    graph but ``DESCRIPTION_GRAPH``, names each vocabulary used, each article's
    address (``dcterms:source``), the licence (CC BY 4.0), the linksets of
    ``LINKS_GRAPH`` and a Turtle distribution.
    """
    graph = rdflib.Graph(bind_namespaces="none", identifier=URIRef(DESCRIPTION_GRAPH))
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    dataset = URIRef(DATASET_IRI)
    not_description = f"FILTER(?g != <{DESCRIPTION_GRAPH}>)"

    def count(sparql: str) -> int:
        rows = _select(source, sparql)
        return int(rows[0][0].value) if rows and rows[0][0] is not None else 0

    triples = count(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {not_description} }}"
    )
    # Entities are the typed IRIs under ID (everything safekg mints has a type). Their
    # IRIs are compared once each, not once a triple: reading a stored IRI costs a lookup.
    entities = count(
        "SELECT (COUNT(*) AS ?n) WHERE { { SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s a ?type } "
        f'{not_description} }} }} FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{ID}")) }}'
    )
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add(
        (dataset, DCTERMS.title, Literal("safekg: reported child-protection policing", lang="en"))
    )
    graph.add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                "Facts read from news reports and press releases about child-protection policing, "
                "each with the sentence it came from.",
                lang="en",
            ),
        )
    )
    graph.add((dataset, DCTERMS.license, URIRef(LICENSE)))
    graph.add((dataset, VOID.triples, Literal(triples)))
    graph.add((dataset, VOID.entities, Literal(entities)))
    graph.add((dataset, VOID.uriSpace, Literal(ID)))
    for vocabulary in sorted(_vocabularies(source, not_description)):
        graph.add((dataset, VOID.vocabulary, URIRef(vocabulary)))
    for row in _select(
        source,
        f"SELECT DISTINCT ?url WHERE {{ GRAPH ?g {{ ?a a <{SCHEMA.NewsArticle}> ; "
        f"<{SCHEMA.url}> ?url }} {not_description} }}",
    ):
        url = row[0].value
        graph.add((dataset, DCTERMS.source, _source_node(url)))
    distribution = URIRef(f"{DATASET_IRI}/turtle")
    graph.add((dataset, DCAT.distribution, distribution))
    graph.add((distribution, RDF.type, DCAT.Distribution))
    graph.add((distribution, DCTERMS.title, Literal("The dataset as Turtle", lang="en")))
    graph.add((distribution, DCAT.mediaType, URIRef(_TURTLE_MEDIA_TYPE)))
    graph.add((distribution, DCTERMS.license, URIRef(LICENSE)))
    if download_url is not None:
        if not _is_iri(download_url):
            raise SafeKGError(f"not an http(s) URL: {download_url!r}")
        graph.add((distribution, DCAT.downloadURL, URIRef(download_url)))
        graph.add((dataset, VOID.dataDump, URIRef(download_url)))
    if sparql_endpoint is not None:
        if not _is_iri(sparql_endpoint):
            raise SafeKGError(f"not an http(s) URL: {sparql_endpoint!r}")
        graph.add((dataset, VOID.sparqlEndpoint, URIRef(sparql_endpoint)))
    for subject, predicate, obj in _linkset_descriptions(source):
        graph.add((subject, predicate, obj))
        if predicate == RDF.type and obj == VOID.Linkset:
            graph.add((dataset, VOID.subset, subject))
    return graph


def _vocabularies(source: Queryable, not_description: str) -> set[str]:
    rows = _select(
        source,
        "SELECT DISTINCT ?t WHERE { "
        f"{{ SELECT DISTINCT ?t WHERE {{ GRAPH ?g {{ ?s ?t ?o }} {not_description} }} }} UNION "
        f"{{ SELECT DISTINCT ?t WHERE {{ GRAPH ?g {{ ?s a ?t }} {not_description} }} }} "
        "FILTER(isIRI(?t)) }",
    )
    namespaces = sorted(set(PREFIXES.values()), key=len, reverse=True)
    found: set[str] = set()
    for row in rows:
        term = row[0].value
        if term.startswith(ID):
            continue
        namespace = next((ns for ns in namespaces if term.startswith(ns)), None)
        if namespace is None:
            cut = max(term.rfind("#"), term.rfind("/"))
            namespace = term[: cut + 1] if cut > 0 else None
        if namespace is not None and not namespace.startswith(ID):
            found.add(namespace)
    return found


def _linkset_descriptions(source: Queryable) -> Iterator[tuple[Node, Node, Node]]:
    """The linkset and target nodes of the stored links graph, as rdflib triples."""
    rows = _select(
        source,
        f"""SELECT ?s ?p ?o WHERE {{
  GRAPH <{LINKS_GRAPH}> {{ ?s a ?type ; ?p ?o }}
  FILTER(?type IN (<{VOID.Linkset}>, <{VOID.Dataset}>))
}}""",
    )
    for subject, predicate, obj in rows:
        yield URIRef(subject.value), URIRef(predicate.value), _rdflib_term(obj)


def _rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    if isinstance(term, ox.NamedNode | ox.Literal):
        return rdflib_term(term)
    raise SafeKGError(f"unexpected RDF term in the links graph: {term}")
