"""The store: atomic graph replacement, one writer at a time, and remote endpoints."""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic

from safekg.errors import EndpointError, ExitCode, SafeKGError, StoreError, StoreLockedError
from safekg.store import MEMORY, LocalStore, RemoteStore, Store, lock_file, open_store

EX = rdflib.Namespace("http://example.org/")
SK = rdflib.Namespace("https://w3id.org/safekg/def#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
G1 = "https://w3id.org/safekg/graph/one"
G2 = "https://w3id.org/safekg/graph/two"


def article_graph(article_id: str, sha: str, *extra: str) -> rdflib.Graph:
    """A small graph shaped like one article's: the article node and a few facts."""
    graph = rdflib.Graph()
    node = EX[f"article/{article_id}"]
    graph.add((node, DCT.identifier, rdflib.Literal(article_id)))
    graph.add((node, SK.sha256, rdflib.Literal(sha)))
    graph.add((node, EX.label, rdflib.Literal('Zoë said "yes"\n', lang="en")))
    graph.add((node, EX.amount, rdflib.Literal(72)))
    graph.add((node, EX.evidence, rdflib.BNode()))
    for word in extra:
        graph.add((node, EX.says, rdflib.Literal(word)))
    return graph


@pytest.fixture(params=["memory", "disk", "remote"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Every backend, so each verb is checked on each."""
    if request.param == "remote":
        remote: Store = request.getfixturevalue("remote_store")
        yield remote
        return
    location = MEMORY if request.param == "memory" else tmp_path / "store"
    with open_store(location) as opened:
        yield opened


def union(store: Store) -> rdflib.Graph:
    return rdflib.Graph().parse(data=store.dump(ox.RdfFormat.N_TRIPLES), format="nt")


def test_replace_graph_twice_changes_nothing(store: Store) -> None:
    store.replace_graph(G1, article_graph("one", "aa"))
    first = store.triple_count()
    store.replace_graph(G1, article_graph("one", "aa"))
    assert store.triple_count() == first == 5
    assert store.graphs() == [G1]


def test_replace_graph_removes_the_old_triples(store: Store) -> None:
    store.replace_graph(G1, article_graph("one", "aa", "old", "older"))
    store.replace_graph(G1, article_graph("one", "bb", "new"))
    said = {str(o) for o in union(store).objects(None, EX.says)}
    assert said == {"new"}
    assert store.article_hashes() == {"one": "bb"}


def test_graphs_hashes_and_removal(store: Store) -> None:
    store.replace_graph(G1, article_graph("one", "aa"))
    store.replace_graph(G2, article_graph("two", "bb"))
    assert store.graphs() == [G1, G2]
    assert store.article_hashes() == {"one": "aa", "two": "bb"}
    store.remove_graph(G1)
    store.remove_graph(G1)  # removing what is gone is not an error
    assert store.graphs() == [G2]
    assert store.triple_count() == 5


def test_query_answers_with_pyoxigraph_results(store: Store) -> None:
    store.replace_graph(G1, article_graph("one", "aa"))
    solutions = store.query(f"SELECT ?id WHERE {{ ?a <{DCT.identifier}> ?id }}")
    assert isinstance(solutions, ox.QuerySolutions)
    assert [row["id"] for row in solutions] == [ox.Literal("one")]
    assert isinstance(store.query("ASK { ?s ?p ?o }"), ox.QueryBoolean)
    triples = store.query(f"CONSTRUCT WHERE {{ ?a <{EX.amount}> ?n }}")
    assert isinstance(triples, ox.QueryTriples)
    assert [t.object for t in triples] == [
        ox.Literal("72", datatype=ox.NamedNode(str(rdflib.XSD.integer)))
    ]


def test_dump_round_trips_every_graph(store: Store) -> None:
    store.replace_graph(G1, article_graph("one", "aa"))
    store.replace_graph(G2, article_graph("two", "bb"))
    quads = list(ox.parse(store.dump(ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS))
    assert {quad.graph_name for quad in quads} == {ox.NamedNode(G1), ox.NamedNode(G2)}
    one = ox.serialize(
        (q.triple for q in quads if q.graph_name == ox.NamedNode(G1)), format=ox.RdfFormat.N_TRIPLES
    )
    assert isomorphic(rdflib.Graph().parse(data=one, format="nt"), article_graph("one", "aa"))
    expected = article_graph("one", "aa") + article_graph("two", "bb")
    turtle = rdflib.Graph().parse(data=store.dump(ox.RdfFormat.TURTLE), format="turtle")
    assert isomorphic(turtle, expected)


def test_a_bad_graph_iri_is_refused_and_nothing_changes(store: Store) -> None:
    store.replace_graph(G1, article_graph("one", "aa"))
    with pytest.raises(StoreError, match="not a valid graph IRI"):
        store.replace_graph("https://w3id.org/x> } ; DROP ALL ; INSERT DATA { <a", rdflib.Graph())
    assert store.triple_count() == 5


def test_a_bad_query_is_a_one_line_refusal(store: Store) -> None:
    with pytest.raises(SafeKGError) as caught:
        store.query("SELECT WHERE")
    assert caught.value.exit_code == ExitCode.USAGE
    assert "\n" not in str(caught.value)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts=st.lists(st.text(max_size=40), min_size=1, max_size=5),
    language=st.sampled_from([None, "en", "en-gb"]),  # Oxigraph lower-cases tags
)
def test_any_text_survives_the_store(texts: list[str], language: str | None) -> None:
    graph = rdflib.Graph()
    for index, text in enumerate(texts):
        graph.add((EX[f"s{index}"], EX.text, rdflib.Literal(text, lang=language)))
    with open_store(MEMORY) as store:
        store.replace_graph(G1, graph)
        assert isomorphic(union(store), graph)


def test_n_triples_written_another_way_are_stored_in_their_graph(store: Store) -> None:
    """Bodies not laid out as pyoxigraph writes them (no space before the dot, blank
    lines, no final newline, a literal holding " .") still land whole in their graph."""
    bodies = [
        (
            G1,
            b'<http://e.x/a> <http://e.x/p> "one .\\n two" .\n\n<http://e.x/a> <http://e.x/q> "1".',
        ),
        (G2, b"<http://e.x/b> <http://e.x/p> <http://e.x/c>.\n"),
    ]
    store.replace_graphs(bodies)
    assert store.graphs() == [G1, G2]
    rows = store.query("SELECT ?g ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert isinstance(rows, ox.QuerySolutions)
    found = {(row[0].value, row[1].value) for row in rows}
    assert found == {(G1, "one .\n two"), (G1, "1"), (G2, "http://e.x/c")}


# -- the embedded store: one writer, many readers -------------------------------------


def test_a_second_writer_is_refused_at_once(tmp_path: Path) -> None:
    location = tmp_path / "store"
    with open_store(location) as writer:
        writer.replace_graph(G1, article_graph("one", "aa"))
        with pytest.raises(StoreLockedError, match="writing to the store") as caught:
            open_store(location)
        assert caught.value.exit_code == ExitCode.STORE_LOCKED
        with pytest.raises(StoreLockedError, match="writing to the store"):
            open_store(location, read_only=True)
    with open_store(location) as again:
        assert again.graphs() == [G1]
    assert lock_file(location).exists()


def test_readers_share_the_store_and_keep_writers_out(tmp_path: Path) -> None:
    location = tmp_path / "store"
    with open_store(location) as writer:
        writer.replace_graph(G1, article_graph("one", "aa"))
    with open_store(location, read_only=True) as one, open_store(location, read_only=True) as two:
        assert one.graphs() == two.graphs() == [G1]
        with pytest.raises(StoreLockedError, match="processes are reading the store"):
            open_store(location)


def test_a_writer_in_another_process_is_refused(tmp_path: Path) -> None:
    location = tmp_path / "store"
    script = (
        "import sys\n"
        "from safekg.errors import StoreLockedError\n"
        "from safekg.store import open_store\n"
        "try:\n"
        f"    open_store({str(location)!r})\n"
        "except StoreLockedError as error:\n"
        "    print(error); sys.exit(error.exit_code)\n"
    )
    with open_store(location):
        child = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
        )
    assert child.returncode == ExitCode.STORE_LOCKED, child.stderr
    assert "another process" in child.stdout


def test_a_read_only_store_refuses_writes(tmp_path: Path) -> None:
    location = tmp_path / "store"
    with open_store(location) as writer:
        writer.replace_graph(G1, article_graph("one", "aa"))
    with open_store(location, read_only=True) as reader:
        assert isinstance(reader, LocalStore)
        with pytest.raises(StoreError, match="read-only"):
            reader.remove_graph(G1)
        assert reader.graphs() == [G1]


def test_reading_a_missing_store_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"no store at .*safekg build"):
        open_store(tmp_path / "nowhere", read_only=True)
    assert not (tmp_path / "nowhere").exists()


def test_a_file_is_not_a_store(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="is a file"):
        open_store(tmp_path / "file")


def test_location_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAFEKG_STORE", str(tmp_path / "from-env"))
    with open_store() as store:
        assert store.location == str(tmp_path / "from-env")
    monkeypatch.delenv("SAFEKG_STORE")
    monkeypatch.chdir(tmp_path)
    with open_store() as store:
        assert store.location == "safekg-store"
    assert (tmp_path / "safekg-store").is_dir()


# -- remote endpoints --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("ftp://example.org/store", "unsupported store location"),
        ("http://user:secret@example.org/ds", "SAFEKG_ENDPOINT_USER"),
        ("http://example.org/ds?query=x", "base URL"),
    ],
)
def test_bad_endpoint_urls_are_refused(location: str, message: str) -> None:
    with pytest.raises(StoreError, match=message) as caught:
        open_store(location)
    assert "secret" not in str(caught.value)


def test_an_endpoint_that_does_not_answer(unused_port: int) -> None:
    store = open_store(f"http://127.0.0.1:{unused_port}")
    assert isinstance(store, RemoteStore)
    assert store.query_url == f"http://127.0.0.1:{unused_port}/query"
    with pytest.raises(EndpointError, match="cannot reach") as caught:
        store.graphs()
    assert caught.value.exit_code == ExitCode.ENDPOINT_UNAVAILABLE


def test_an_endpoint_refuses_a_bad_query(remote_store: Store) -> None:
    with pytest.raises(StoreError) as caught:
        remote_store.query("SELECT WHERE")
    assert caught.value.exit_code == ExitCode.USAGE
    assert "\n" not in str(caught.value)


class _Recorder(http.server.BaseHTTPRequestHandler):
    """An endpoint that turns everyone away and remembers who asked."""

    seen: ClassVar[list[str | None]] = []

    def do_POST(self) -> None:
        self.seen.append(self.headers.get("Authorization"))
        self.send_response(401)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def refusing_endpoint() -> Iterator[str]:
    _Recorder.seen = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/ds"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("env", "header"),
    [
        ({"SAFEKG_ENDPOINT_TOKEN": "t0k"}, "Bearer t0k"),
        ({"SAFEKG_ENDPOINT_USER": "ann", "SAFEKG_ENDPOINT_PASSWORD": "pw"}, "Basic YW5uOnB3"),
        ({}, None),
    ],
)
def test_credentials_come_from_the_environment(
    refusing_endpoint: str,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    header: str | None,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(EndpointError, match="refused access \\(401\\)") as caught:
        open_store(refusing_endpoint).query("ASK {}")
    assert _Recorder.seen == [header]
    assert all(value not in str(caught.value) for value in env.values())
