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

The report says whether the whole is consistent, and gives the class memberships
that HermiT infers and the data did not state, as ``rdf:type`` triples.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

import rdflib
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from safekg import resources
from safekg.errors import SafeKGError

__all__ = ["ReasonReport", "ReasonerError", "check_consistency"]

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
    inferred: Graph  # (individual, rdf:type, class) that HermiT infers and the data did not state
    message: str
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
    for subject, predicate, obj in data:
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


def check_consistency(data: Graph | None = None, *, timeout_s: float = 120) -> ReasonReport:
    """Run HermiT over the ontology (and ``data``) and report whether they are consistent.

    Raises ``ReasonerError`` when Java or HermiT fails, or the run takes longer than
    ``timeout_s`` seconds.
    """
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="safekg-reason-") as folder:
        work = Path(folder)
        source = work / "input.nt"
        result = work / "result.json"
        _prepared(data).serialize(destination=source, format="nt", encoding="utf-8")
        env = {**os.environ, "TMPDIR": folder, "TEMP": folder, "TMP": folder}
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
    inferred = Graph()
    for individual, cls in outcome.get("inferred", []):
        inferred.add((URIRef(individual), RDF.type, URIRef(cls)))
    message = str(outcome["message"])
    if not outcome["consistent"]:
        clashes = _disjoint_clashes(_prepared(data))
        if clashes:
            message = "The ontology and data are inconsistent: " + "; ".join(clashes[:5]) + "."
    return ReasonReport(
        consistent=bool(outcome["consistent"]),
        inferred=inferred,
        message=message,
        seconds=time.monotonic() - started,
    )


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
    asserted = {
        individual.iri: {cls.iri for cls in individual.is_a if hasattr(cls, "iri")}
        for individual in world.individuals()
    }
    try:
        owlready2.sync_reasoner_hermit(
            world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
        )
    except owlready2.OwlReadyInconsistentOntologyError:
        message = (
            "The ontology and data are inconsistent: HermiT found a contradiction, "
            "such as an individual of two disjoint classes (a person typed as an "
            "organisation) or a value outside a property's range."
        )
        payload: dict[str, object] = {"consistent": False, "message": message, "inferred": []}
    else:
        inferred: list[tuple[str, str]] = []
        for individual in world.individuals():
            stated = asserted.get(individual.iri, set())
            for cls in individual.INDIRECT_is_a:
                iri = getattr(cls, "iri", None)
                new = isinstance(iri, str) and iri not in stated and iri != str(OWL.Thing)
                if isinstance(cls, owlready2.ThingClass) and isinstance(iri, str) and new:
                    inferred.append((individual.iri, iri))
        payload = {
            "consistent": True,
            "message": "The ontology and data are consistent.",
            "inferred": sorted(set(inferred)),
        }
    Path(destination).write_text(json.dumps(payload), encoding="utf-8")


if __name__ == "__main__":
    _worker(sys.argv[1], sys.argv[2])
