"""Apache Jena's riot reads the Turtle that safekg writes, with rdflib and with pyoxigraph.

The graph is built from the bundled articles by ``safekg.graph.to_graph``; each Turtle is
checked with ``riot --validate`` (no error and no warning) and read back by riot as
N-Triples, which must be the same graph.

riot is the ``riot`` command when one is on PATH, else Debian's Jena
(``apt-get install -y default-jre-headless libapache-jena-java``). When neither is there
the tests fail if the environment variable ``CI`` is set and are skipped otherwise.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Final

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic

from conformance.conftest import REPO, missing
from safekg.extract import extract
from safekg.graph import to_graph
from safekg.ingest import Refused, read_articles
from safekg.store import oxigraph_triples
from safekg.vocab import PREFIXES

ARTICLES: Final = REPO / "data" / "articles"
DEBIAN_JARS: Final = Path("/usr/share/java")
INSTALL: Final = "apt-get install -y default-jre-headless libapache-jena-java"

#: Debian's Jena and the jars of the packages it depends on (its unversioned links). The
#: whole folder cannot be the classpath: libslf4j-java puts two clashing logging bridges
#: there. slf4j-simple sends riot's messages to stderr.
JENA_DEPENDENCIES: Final = (
    "commons-cli",
    "commons-codec",
    "commons-compress",
    "commons-csv",
    "commons-io",
    "commons-lang3",
    "dexx.collection",
    "gson",
    "guava",
    "httpclient",
    "httpcore",
    "jackson-annotations",
    "jackson-core",
    "jackson-databind",
    "jakarta.json-api",
    "jsonld-java",
    "protobuf",
    "thrift",
    "titanium-json-ld",
    "slf4j-api",
    "slf4j-simple",
)
#: Where Debian's jena-core keeps the message files of the XML Schema code it bundles...
XERCES_RESOURCES: Final = "org/apache/jena/ext/xerces/"
#: ...and where that code, moved to another package by the packaging, looks for them.
XERCES_MOVED_TO: Final = "xerces/"

TIMEOUT: Final = 120


def _debian_riot(folder: Path) -> list[str] | None:
    """A command that runs riot from Debian's Jena jars, or None when they are missing."""
    java = shutil.which("java")
    core = DEBIAN_JARS / "jena-core.jar"
    if java is None or not core.is_file():
        return None
    # Without its message files riot stops at start-up ("internal error" in
    # XSSimpleTypeDecl): copy them to where the moved code looks for them.
    resources = folder / "jena-resources"
    with zipfile.ZipFile(core) as jar:
        for name in jar.namelist():
            if name.startswith(XERCES_RESOURCES) and not name.endswith((".class", "/")):
                target = resources / XERCES_MOVED_TO / name.removeprefix(XERCES_RESOURCES)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    jena = sorted(
        path
        for path in DEBIAN_JARS.glob("jena-*.jar")
        if not any(character.isdigit() for character in path.stem)
    )
    dependencies = [DEBIAN_JARS / f"{name}.jar" for name in JENA_DEPENDENCIES]
    absent = [path.name for path in dependencies if not path.is_file()]
    if absent:
        pytest.fail(f"Debian's Jena is there but not its dependencies {absent}: {INSTALL}")
    classpath = os.pathsep.join(str(path) for path in [resources, *jena, *dependencies])
    return [java, "-cp", classpath, "riotcmd.riot"]


@pytest.fixture(scope="module")
def riot(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The command that runs riot."""
    found = shutil.which("riot")
    command = [found] if found else _debian_riot(tmp_path_factory.mktemp("riot"))
    if command is None:
        missing("Apache Jena's riot", INSTALL)
    return command


def run_riot(riot: list[str], *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*riot, *arguments],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def safekg_graph() -> Graph:
    """The triples of every bundled article, as ``to_graph`` gives them."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    articles = list(read_articles([ARTICLES]))
    refused = [article for article in articles if isinstance(article, Refused)]
    assert not refused, refused
    assert articles, f"no articles in {ARTICLES}"
    for article in articles:
        assert not isinstance(article, Refused)
        graph += to_graph(extract(article))
    return graph


def write_turtle(graph: Graph, writer: str, path: Path) -> None:
    """``graph`` as Turtle, written by ``writer`` the way safekg writes it."""
    if writer == "rdflib":
        graph.serialize(destination=path, format="turtle", encoding="utf-8")
    elif writer == "pyoxigraph":
        data = ox.serialize(
            oxigraph_triples(graph), format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES)
        )
        path.write_bytes(data or b"")
    else:
        raise ValueError(f"unknown writer {writer}")


@pytest.fixture(scope="module", params=["rdflib", "pyoxigraph"])
def turtle_file(
    request: pytest.FixtureRequest, safekg_graph: Graph, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The Turtle of the articles' graph as each library writes it."""
    writer: str = request.param
    path = tmp_path_factory.mktemp(writer) / f"articles-{writer}.ttl"
    write_turtle(safekg_graph, writer, path)
    return path


def test_riot_validates_safekg_turtle(riot: list[str], turtle_file: Path) -> None:
    """``riot --validate`` finds no error and no warning."""
    done = run_riot(riot, "--validate", str(turtle_file))
    assert done.returncode == 0, f"riot --validate {turtle_file.name}:\n{done.stderr}"
    assert "WARN" not in done.stderr and "ERROR" not in done.stderr, done.stderr


def test_riot_reads_the_same_graph(riot: list[str], turtle_file: Path, safekg_graph: Graph) -> None:
    """What riot reads from the Turtle is the graph that was written."""
    done = run_riot(riot, "--syntax=turtle", "--output=nt", str(turtle_file))
    assert done.returncode == 0, done.stderr
    read = Graph().parse(data=done.stdout, format="nt")
    if not isomorphic(read, safekg_graph):
        _, only_read, only_written = graph_diff(read, safekg_graph)
        pytest.fail(
            f"riot read {len(only_read)} triples not written and missed {len(only_written)}:\n"
            + only_read.serialize(format="nt")[:2000]
            + "\n--- missed:\n"
            + only_written.serialize(format="nt")[:2000]
        )


def test_riot_rejects_bad_turtle(riot: list[str], tmp_path: Path) -> None:
    """The check can fail: riot refuses a statement without its final dot."""
    bad = tmp_path / "bad.ttl"
    bad.write_text('<http://example.org/s> <http://example.org/p> "o"\n', encoding="utf-8")
    done = run_riot(riot, "--validate", str(bad))
    assert done.returncode != 0, done.stderr
