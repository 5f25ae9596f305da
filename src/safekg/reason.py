"""OWL reasoning: is the ontology, with a graph's data, consistent? (owlready2 + HermiT)

``check_consistency(data)`` writes the ontology and the data as N-Triples into a
private temporary folder and runs HermiT there through owlready2, in a child
process: the folder is always removed afterwards, the run can be stopped after
``timeout_s``, and owlready2's global state never touches the caller. Before the
reasoner sees them, the triples are made fit for it:

- ``owl:imports`` and owlready2's own annotations are dropped, so that nothing
  outside safekg is fetched and no Python module named in the data is imported;
- every IRI that the data types is declared an ``owl:NamedIndividual`` (owlready2
  sees no other individuals), every class it uses an ``owl:Class``, and every
  property the ontology does not declare an object or datatype property;
- HermiT skips literals of datatypes outside the OWL 2 datatype map (``xsd:date``).

The report says whether the whole is consistent, and gives what HermiT infers and
the input did not state: class memberships (``rdf:type``) and the values of object
properties that follow from the ontology's inverse, transitive and sub-property
axioms (a unit's whole parent chain as ``org:transitiveSubOrganizationOf``, an
organisation's ``org:hasMember`` from its members' ``org:memberOf``). HermiT lists
a property's values without those of its sub-properties, and owlready2 keeps only
values whose inverse is not stated; both are added back here.

``reason_store(store)`` reasons over every named graph of a store but its own
output and the dataset description, and stores what it infers in one named graph,
``INFERRED_GRAPH``, which says of itself that it is inferred (``sk:inferred true``)
and was generated (``prov:wasGeneratedBy``) by a reasoning activity that
``prov:used`` the ontology version and each graph it read. Article graphs are never
written, so ``safekg facts`` reads extracted facts only. An inconsistent store gets
no inferred graph (an old one is removed: it no longer follows from the data).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pyoxigraph as ox
import rdflib
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from safekg import resources
from safekg.errors import SafeKGError
from safekg.store import rdflib_term
from safekg.vocab import DESCRIPTION_GRAPH, ID, INFERRED_GRAPH, ONTOLOGY_IRI, PROV, SK

if TYPE_CHECKING:
    from safekg.store import Store

__all__ = [
    "INFERRED_GRAPH",
    "ReasonReport",
    "ReasonerError",
    "StoreReasoning",
    "check_consistency",
    "inferred_graph",
    "reason_store",
]

#: Graphs the reasoner does not read: its own output and the dataset description
#: (``safekg.link.DESCRIPTION_GRAPH``), whose counts describe the store, not the world.
NOT_READ: Final = frozenset({INFERRED_GRAPH, DESCRIPTION_GRAPH})
#: Reasoning activities are named by a hash of what they read, so the same store
#: always gives the same inferred graph.
ACTIVITY_BASE: Final = ID + "reasoning/"
DEFAULT_TIMEOUT_S: Final = 300.0

_OWLREADY: Final = "http://www.lesfleursdunormal.fr/static/_downloads/owlready_ontology.owl#"
# rdf:type objects that make their subject a term of the ontology, not an individual.
_META: Final = frozenset(
    {
        OWL.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        OWL.Ontology,
        OWL.NamedIndividual,
        OWL.AllDisjointClasses,
        OWL.AllDifferent,
        OWL.Restriction,
        OWL.FunctionalProperty,
        OWL.InverseFunctionalProperty,
        OWL.TransitiveProperty,
        OWL.SymmetricProperty,
        OWL.AsymmetricProperty,
        OWL.ReflexiveProperty,
        OWL.IrreflexiveProperty,
        OWL.AllDisjointProperties,
        OWL.NegativePropertyAssertion,
        OWL.Axiom,
        RDFS.Class,
        RDFS.Datatype,
        RDF.Property,
        RDF.List,
    }
)
_DECLARATIONS: Final = frozenset(
    {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
)


class ReasonerError(SafeKGError):
    """The reasoner could not run, or ran past its time."""


@dataclass(frozen=True)
class ReasonReport:
    """What HermiT concluded about the ontology and the data."""

    consistent: bool
    inferred: Graph  # types and object property values entailed and not stated
    message: str
    seconds: float = 0.0


@dataclass(frozen=True)
class StoreReasoning:
    """What reasoning over a store found, and what it wrote."""

    consistent: bool
    message: str
    graphs: tuple[str, ...]  # the named graphs read
    inferred: int  # triples inferred (besides the graph's own description)
    written: bool  # the inferred graph was replaced
    graph: str = INFERRED_GRAPH
    seconds: float = 0.0


@cache
def _ontology() -> Graph:
    return Graph().parse(resources.ontology_file(), format="turtle")


def _prepared(data: Graph | None) -> Graph:
    """The ontology and the data, fit for owlready2 and HermiT (see the module docstring)."""
    ontology = _ontology()
    merged = Graph()
    for triple in ontology:
        merged.add(triple)
    if data is None:
        return _strip(merged)
    declared: dict[URIRef, set[URIRef]] = {}
    for subject, _, kind in ontology.triples((None, RDF.type, None)):
        if isinstance(subject, URIRef) and kind in _DECLARATIONS:
            declared.setdefault(subject, set()).add(kind)  # type: ignore[arg-type]
    for subject, predicate, obj in _strip(_copy(data)):
        merged.add((subject, predicate, obj))
        if predicate == RDF.type:
            if isinstance(obj, URIRef) and obj not in _META:
                if isinstance(subject, URIRef) and not declared.get(subject):
                    merged.add((subject, RDF.type, OWL.NamedIndividual))
                if obj not in declared:
                    declared[obj] = {OWL.Class}
                    merged.add((obj, RDF.type, OWL.Class))
            continue
        if isinstance(predicate, URIRef) and predicate not in declared:
            is_literal = isinstance(obj, rdflib.Literal)
            kind = OWL.DatatypeProperty if is_literal else OWL.ObjectProperty
            declared[predicate] = {kind}
            merged.add((predicate, RDF.type, kind))
        kinds = declared.get(predicate, set()) if isinstance(predicate, URIRef) else set()
        if isinstance(obj, URIRef) and OWL.ObjectProperty in kinds and not declared.get(obj):
            merged.add((obj, RDF.type, OWL.NamedIndividual))
    return _strip(merged)


def _copy(graph: Graph) -> Graph:
    copy = Graph()
    for triple in graph:
        copy.add(triple)
    return copy


def _strip(graph: Graph) -> Graph:
    """Drop owl:imports and owlready2's annotations (it imports the Python modules they name)."""
    for triple in list(graph):
        subject, predicate, obj = triple
        if predicate == OWL.imports or any(
            isinstance(term, URIRef) and str(term).startswith(_OWLREADY)
            for term in (subject, predicate, obj)
        ):
            graph.remove(triple)
    return graph


def check_consistency(
    data: Graph | None = None, *, timeout_s: float = DEFAULT_TIMEOUT_S
) -> ReasonReport:
    """Run HermiT over the ontology (and ``data``) and report whether they are consistent.

    ``report.inferred`` holds what follows and was not stated: with ``data``, only
    triples about the nodes of the data. Raises ``ReasonerError`` when Java is
    missing, HermiT fails, or the run takes longer than ``timeout_s`` seconds.
    """
    if shutil.which("java") is None:
        raise ReasonerError("the reasoner needs Java (install a Java runtime, 11 or newer)")
    started = time.monotonic()
    prepared = _prepared(data)
    with tempfile.TemporaryDirectory(prefix="safekg-reason-") as folder:
        work = Path(folder)
        source = work / "input.nt"
        result = work / "result.json"
        prepared.serialize(destination=source, format="nt", encoding="utf-8")
        env = {
            **os.environ,
            "TMPDIR": folder,
            "TEMP": folder,
            "TMP": folder,
            # no hsperfdata folder in /tmp for a JVM that is killed at the timeout
            "JAVA_TOOL_OPTIONS": "-XX:-UsePerfData",
        }
        command = [sys.executable, "-m", "safekg.reason", str(source), str(result)]
        process = subprocess.Popen(
            command,
            cwd=folder,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # so that a timeout also stops the Java child
        )
        try:
            output, _ = process.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise ReasonerError(f"the reasoner ran for more than {timeout_s:g} s") from None
        if process.returncode != 0 or not result.is_file():
            detail = output.decode("utf-8", "replace").strip().splitlines()
            last = detail[-1] if detail else f"exit status {process.returncode}"
            raise ReasonerError(f"the reasoner failed: {last}")
        outcome = json.loads(result.read_text(encoding="utf-8"))
    about = _nodes(data) if data is not None else None
    inferred = Graph()
    for subject, predicate, obj in _entailed(outcome):
        triple = (URIRef(subject), URIRef(predicate), URIRef(obj))
        if triple not in prepared and (about is None or triple[0] in about):
            inferred.add(triple)
    message = str(outcome["message"])
    if not outcome["consistent"]:
        clashes = _disjoint_clashes(prepared)
        if clashes:
            message = "The ontology and data are inconsistent: " + "; ".join(clashes[:5]) + "."
    return ReasonReport(
        consistent=bool(outcome["consistent"]),
        inferred=inferred,
        message=message,
        seconds=time.monotonic() - started,
    )


def _entailed(outcome: dict[str, Any]) -> Iterable[tuple[str, str, str]]:
    for individual, cls in outcome.get("types", []):
        yield str(individual), str(RDF.type), str(cls)
    for subject, predicate, obj in outcome.get("relations", []):
        yield str(subject), str(predicate), str(obj)


def _nodes(data: Graph) -> set[Node]:
    """The IRIs the data says something about, or points at."""
    nodes: set[Node] = set()
    for subject, predicate, obj in data:
        if isinstance(subject, URIRef):
            nodes.add(subject)
        if isinstance(obj, URIRef) and predicate != RDF.type:
            nodes.add(obj)
    return nodes


# ------------------------------------------------------------------ a store


def reason_store(
    store: Store, *, write: bool = True, timeout_s: float = DEFAULT_TIMEOUT_S
) -> StoreReasoning:
    """Check a store's graphs against the ontology; store what follows in ``INFERRED_GRAPH``.

    Reads every named graph but ``NOT_READ``. When the whole is consistent and
    ``write`` is true, the inferred graph is replaced by what HermiT inferred, with
    its description (see :func:`inferred_graph`); when it is inconsistent, an old
    inferred graph is removed (if ``write``) and nothing else changes.
    """
    read = tuple(g for g in store.graphs() if g not in NOT_READ)
    data = Graph()
    wanted = set(read)
    for quad in store.quads():
        graph_name = quad.graph_name
        if isinstance(graph_name, ox.NamedNode) and graph_name.value in wanted:
            data.add(_rdflib_triple(quad))
    report = check_consistency(data, timeout_s=timeout_s)
    written = False
    if write:
        if report.consistent:
            store.replace_graph(INFERRED_GRAPH, inferred_graph(report.inferred, data, read))
        else:
            store.remove_graph(INFERRED_GRAPH)
        store.flush()
        written = True
    return StoreReasoning(
        consistent=report.consistent,
        message=report.message,
        graphs=read,
        inferred=len(report.inferred) if report.consistent else 0,
        written=written,
        seconds=report.seconds,
    )


def inferred_graph(inferred: Graph, data: Graph, graphs: Iterable[str]) -> Graph:
    """The content of ``INFERRED_GRAPH``: ``inferred`` and the graph's own description.

    The graph is ``sk:inferred true`` and ``prov:wasGeneratedBy`` a reasoning
    activity, named by a hash of ``data`` (so that the same input always gives the
    same graph), that ``prov:used`` the ontology version and each of ``graphs``.
    """
    ontology = _ontology()
    version = ontology.value(URIRef(ONTOLOGY_IRI), OWL.versionIRI) or URIRef(ONTOLOGY_IRI)
    lines = sorted(line for line in data.serialize(format="nt").splitlines() if line.strip())
    digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]
    activity = URIRef(ACTIVITY_BASE + digest)
    graph = Graph()
    for triple in inferred:
        graph.add(triple)
    node = URIRef(INFERRED_GRAPH)
    graph.add((node, RDF.type, PROV.Entity))
    graph.add((node, SK.inferred, Literal(True)))
    graph.add((node, RDFS.label, Literal("What OWL reasoning infers from the graph", lang="en")))
    graph.add((node, PROV.wasGeneratedBy, activity))
    graph.add((activity, RDF.type, PROV.Activity))
    graph.add((activity, RDFS.label, Literal("HermiT reasoning over the safekg ontology")))
    graph.add((activity, PROV.used, URIRef(str(version))))
    for name in graphs:
        graph.add((activity, PROV.used, URIRef(name)))
    return graph


def _rdflib_triple(quad: ox.Quad) -> tuple[Node, Node, Node]:
    def term(value: Any) -> Node:
        if isinstance(value, ox.NamedNode | ox.BlankNode | ox.Literal):
            return rdflib_term(value)
        raise ReasonerError(f"cannot reason over an RDF-star triple term: {value}")

    return term(quad.subject), term(quad.predicate), term(quad.object)


def _disjoint_clashes(graph: Graph) -> list[str]:
    """Individuals that their stated types, and the ranges of the properties that point
    at them, put in two classes the ontology says are disjoint (the usual contradiction)."""
    groups: list[set[Node]] = []
    for node in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        members = graph.value(node, OWL.members)
        if members is not None:
            groups.append(set(Collection(graph, members)))
    for first, second in graph.subject_objects(OWL.disjointWith):
        groups.append({first, second})
    supers: dict[Node, set[Node]] = {}
    for sub, sup in graph.subject_objects(RDFS.subClassOf):
        supers.setdefault(sub, set()).add(sup)

    def above(cls: Node) -> set[Node]:
        seen: set[Node] = set()
        todo = [cls]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(supers.get(current, ()))
        return seen

    types: dict[Node, set[Node]] = {}
    for individual, cls in graph.subject_objects(RDF.type):
        if cls not in _META:
            types.setdefault(individual, set()).update(above(cls))
    for prop, cls in graph.subject_objects(RDFS.range):
        for value in graph.objects(None, prop):
            if isinstance(value, URIRef):
                types.setdefault(value, set()).update(above(cls))
    clashes = []
    for individual in sorted(types, key=str):
        for group in groups:
            both = sorted(str(c) for c in types[individual] & group)
            if len(both) >= 2:
                clashes.append(
                    f"<{individual}> is both <{both[0]}> and <{both[1]}>, which are disjoint"
                )
    return clashes


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Stop the worker and the Java process it started (they share a process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _worker(source: str, destination: str) -> None:
    """In the child process: load the N-Triples into owlready2, run HermiT, write JSON."""
    import owlready2

    world = owlready2.World()
    with open(source, "rb") as stream:
        world.get_ontology("https://w3id.org/safekg/reasoning-input").load(
            fileobj=stream, format="ntriples"
        )
    try:
        owlready2.sync_reasoner_hermit(
            world, infer_property_values=True, debug=0, ignore_unsupported_datatypes=True
        )
    except owlready2.OwlReadyInconsistentOntologyError:
        message = (
            "The ontology and data are inconsistent: HermiT found a contradiction, "
            "such as an individual of two disjoint classes (a person typed as an "
            "organisation) or a value outside a property's range."
        )
        payload: dict[str, object] = {"consistent": False, "message": message}
    else:
        payload = {
            "consistent": True,
            "message": "The ontology and data are consistent.",
            "types": _worker_types(world),
            "relations": _worker_relations(world, Path(destination).with_name("reasoned.nt")),
        }
    Path(destination).write_text(json.dumps(payload), encoding="utf-8")


def _worker_types(world: Any) -> list[tuple[str, str]]:
    """Every named class each individual belongs to (stated ones are dropped later)."""
    import owlready2

    types: set[tuple[str, str]] = set()
    for individual in world.individuals():
        for cls in individual.INDIRECT_is_a:
            iri = getattr(cls, "iri", None)
            if not isinstance(cls, owlready2.ThingClass) or not isinstance(iri, str):
                continue
            if iri != str(OWL.Thing):
                types.add((str(individual.iri), iri))
    return sorted(types)


def _worker_relations(world: Any, scratch: Path) -> list[tuple[str, str, str]]:
    """Every object property value that holds: the stated ones, HermiT's, and those that
    follow from them by sub-property, inverse and transitive axioms (HermiT reports a
    property's values without its sub-properties' ones; owlready2 drops a value whose
    inverse is stated). Read from the reasoned world saved as N-Triples, since
    owlready2's Python view of a property that is also an individual is unreliable."""
    world.save(file=str(scratch), format="ntriples")
    saved = Graph().parse(scratch, format="nt")
    properties: set[Node] = {
        p for p in saved.subjects(RDF.type, OWL.ObjectProperty) if isinstance(p, URIRef)
    }
    pairs: dict[Node, set[tuple[Node, Node]]] = {
        prop: {
            (a, b)
            for a, b in saved.subject_objects(prop)
            if isinstance(a, URIRef) and isinstance(b, URIRef)
        }
        for prop in properties
    }
    supers: dict[Node, set[Node]] = {
        prop: {
            above
            for above in saved.transitive_objects(prop, RDFS.subPropertyOf)
            if isinstance(above, URIRef) and above in properties and above != prop
        }
        for prop in properties
    }
    inverse: dict[Node, Node] = {}
    for first, second in saved.subject_objects(OWL.inverseOf):
        if first in properties and second in properties:
            inverse[first] = second
            inverse[second] = first
    transitive = set(saved.subjects(RDF.type, OWL.TransitiveProperty)) & properties
    changed = True
    while changed:
        changed = False
        for prop in properties:
            derived: set[tuple[Node, Node]] = set()
            for above in supers[prop]:
                derived |= pairs[prop] - pairs[above]
                pairs[above] |= pairs[prop]
            if prop in inverse:
                flipped = {(b, a) for a, b in pairs[prop]} - pairs[inverse[prop]]
                pairs[inverse[prop]] |= flipped
                derived |= flipped
            if prop in transitive:
                derived |= _close(pairs[prop])
            changed = changed or bool(derived)
    return sorted((str(a), str(prop), str(b)) for prop, found in pairs.items() for a, b in found)


def _close(pairs: set[tuple[Node, Node]]) -> set[tuple[Node, Node]]:
    """Add to ``pairs`` what transitivity gives; return what was added."""
    added: set[tuple[Node, Node]] = set()
    following: dict[Node, set[Node]] = {}
    for a, b in pairs:
        following.setdefault(a, set()).add(b)
    for start in list(following):
        seen: set[Node] = set()
        todo = list(following[start])
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            todo.extend(following.get(node, ()))
        for end in seen:
            if (start, end) not in pairs:
                added.add((start, end))
    pairs |= added
    return added


if __name__ == "__main__":
    _worker(sys.argv[1], sys.argv[2])
