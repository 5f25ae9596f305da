"""The reasoner is safe with any data: it fetches nothing, imports nothing, leaves nothing.

owlready2 follows ``owl:imports``, imports the Python modules that its own
annotations name, leaves temporary files when reasoning fails, and starts a Java
process. ``safekg.reason`` must let it see safekg's ontology and the data only,
and clean up and stop Java whatever happens, also when the run is cut short.
"""

from __future__ import annotations

import http.server
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF

from safekg import resources
from safekg.reason import ReasonerError, check_consistency

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java")

OWLREADY = "http://www.lesfleursdunormal.fr/static/_downloads/owlready_ontology.owl#"
REASONING_INPUT = "https://w3id.org/safekg/reasoning-input"


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str]

    def do_GET(self) -> None:
        self.hits.append(self.path)
        body = b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'
        self.send_response(200)
        self.send_header("Content-Type", "application/rdf+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[str]]]:
    """A loopback web server that serves an empty ontology and records every request."""
    hits: list[str] = []
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), type("Handler", (_Recorder,), {"hits": hits})
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def private_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary folder of this test's own, for the reasoner and everything it starts."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    for name in ("TMPDIR", "TEMP", "TMP"):
        monkeypatch.setenv(name, str(temp))
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    return temp


def leftovers(temp: Path) -> list[str]:
    """What is left in the temporary folder and the working directory."""
    return sorted(str(p) for p in [*temp.rglob("*"), *(temp.parent / "cwd").rglob("*")])


def fake_java(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str) -> Path:
    """Put a ``java`` first on the PATH that runs ``script`` (sh) instead of the JVM."""
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    java = folder / "java"
    java.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    java.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return folder


def hostile(url: str, module: str) -> Graph:
    """Data that names remote ontologies to import and a Python module to load."""
    data = Graph()
    for ontology in (REASONING_INPUT, "https://w3id.org/safekg/def", "https://example.org/o"):
        node = URIRef(ontology)
        data.add((node, RDF.type, OWL.Ontology))
        data.add((node, OWL.imports, URIRef(f"{url}/{len(data)}.owl")))
        data.add((node, URIRef(OWLREADY + "python_module"), Literal(module)))
        data.add((node, URIRef(OWLREADY + "python_name"), Literal(module)))
    agency = URIRef("https://w3id.org/safekg/id/agency/police-online-investigation-team")
    data.add((agency, RDF.type, URIRef("http://www.w3.org/ns/org#OrganizationalUnit")))
    data.add((agency, URIRef(OWLREADY + "class_property_type"), Literal(module)))
    return data


def trap_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Path]:
    """A module on the worker's PYTHONPATH that leaves a file behind if it is ever imported."""
    folder = tmp_path / "modules"
    folder.mkdir()
    marker = tmp_path / "imported"
    name = "safekg_reason_trap"
    (folder / f"{name}.py").write_text(f"open({str(marker)!r}, 'w').close()\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(folder))
    return name, marker


def test_imports_and_python_modules_named_in_the_data_are_never_followed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    recorder: tuple[str, list[str]],
    private_temp: Path,
) -> None:
    url, hits = recorder
    module, marker = trap_module(tmp_path, monkeypatch)
    report = check_consistency(hostile(url, module))
    assert report.consistent, report.message
    assert hits == []
    assert not marker.exists(), "owlready2 imported a module the data named"
    assert leftovers(private_temp) == []


def what_hermit_is_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: Graph) -> Graph:
    """The file owlready2 hands to HermiT for ``data``, kept by a java that then fails."""
    seen = tmp_path / "seen.nt"
    fake_java(
        tmp_path,
        monkeypatch,
        f'for a in "$@"; do case "$a" in file://*) cp "${{a#file://}}" {seen};; esac; done\n'
        'echo "Error: could not reserve enough space for object heap" >&2\nexit 1\n',
    )
    with pytest.raises(ReasonerError, match="the reasoner failed"):
        check_consistency(data)
    assert seen.is_file(), "the reasoner never ran java"
    return Graph().parse(seen, format="nt")


def test_the_reasoner_sees_the_ontology_and_the_data_only(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    recorder: tuple[str, list[str]],
    private_temp: Path,
) -> None:
    url, hits = recorder
    data = hostile(url, "os")
    given = what_hermit_is_given(tmp_path, monkeypatch, data)
    ontology = Graph().parse(resources.ontology_file(), format="turtle")
    known = {
        term
        for graph in (ontology, data)
        for triple in graph
        for term in triple
        if isinstance(term, URIRef)
    }
    known |= {URIRef(REASONING_INPUT), OWL.NamedIndividual, OWL.Class}
    # owlready2's own empty ontologies: the one it reads into, the one it infers into
    known |= {URIRef("http://anonymous"), URIRef("http://inferrences")}
    known |= {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
    foreign = {
        term
        for triple in given
        for term in triple
        if isinstance(term, URIRef) and term not in known
    }
    assert foreign == set()
    assert not any(str(term).startswith(OWLREADY) for triple in given for term in triple)
    assert not list(given.triples((None, OWL.imports, None)))
    assert len(given) <= len(ontology) + len(data) + 50  # and declarations of the data's terms
    assert hits == []
    assert leftovers(private_temp) == [], "a failed run left temporary files"


def test_what_is_dropped_leaves_no_trace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, private_temp: Path
) -> None:
    url = "http://127.0.0.1:9"
    given = what_hermit_is_given(tmp_path, monkeypatch, hostile(url, "os"))
    assert not any(str(term).startswith(url) for triple in given for term in triple)
    assert (OWL.imports, RDF.type, OWL.ObjectProperty) not in given


def test_an_inconsistent_graph_leaves_no_temporary_files(private_temp: Path) -> None:
    data = Graph()
    person = URIRef("https://w3id.org/safekg/id/person/jo-collins")
    data.add((person, RDF.type, URIRef("http://xmlns.com/foaf/0.1/Person")))
    data.add((person, RDF.type, URIRef("http://www.w3.org/ns/org#Organization")))
    assert not check_consistency(data).consistent
    assert leftovers(private_temp) == []


def _state(pid: int) -> str:
    """The process state letter (Z for a zombie), or "gone"."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return "gone"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_timeout_stops_the_java_process_and_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, private_temp: Path
) -> None:
    real_java = shutil.which("java")
    assert real_java is not None
    sleeper = tmp_path / "Sleep.java"
    sleeper.write_text(
        "public class Sleep { public static void main(String[] a) throws Exception "
        "{ Thread.sleep(600_000); } }\n",
        encoding="utf-8",
    )
    pid_file = tmp_path / "java.pid"
    # a real JVM, started where HermiT's would be, that would run for ten minutes
    fake_java(
        tmp_path,
        monkeypatch,
        f"echo $$ > {pid_file}\nexec {real_java} -Xmx64m {sleeper}\n",
    )
    started = time.monotonic()
    with pytest.raises(ReasonerError, match="more than 6 s"):
        check_consistency(timeout_s=6)
    assert time.monotonic() - started < 30
    assert pid_file.is_file(), "Java was never started within the time budget"
    pid = int(pid_file.read_text(encoding="ascii"))
    deadline = time.monotonic() + 10
    while _state(pid) not in ("gone", "Z") and time.monotonic() < deadline:
        time.sleep(0.05)
    state = _state(pid)
    if state not in ("gone", "Z"):
        os.kill(pid, 9)  # the test's own clean-up; the failure is reported below
    assert state in ("gone", "Z"), f"the JVM {pid} still runs after the timeout"
    assert leftovers(private_temp) == []
