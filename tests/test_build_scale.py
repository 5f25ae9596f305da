"""Builds that scale: worker processes, batched writes, incremental rebuilds, progress.

A build in worker processes must give the very graph a build in one process
gives; an unchanged article is skipped, a changed one replaces its named graph
and nothing else, a deleted one can be removed; a batch is all or nothing on
the embedded store, and on an endpoint a failed request leaves no article
half-written.
"""

from __future__ import annotations

import http.server
import io
import shutil
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from rich.console import Console
from typer.testing import CliRunner

from safekg import api, cli
from safekg.errors import EndpointError, SafeKGError
from safekg.graph import graph_iri
from safekg.store import MEMORY, LocalStore, Store, open_store

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "data" / "articles"
SHAPES = REPO / "tests" / "shapes"


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    """Fifteen articles: each seed three times, under other ids (ids come from file names)."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        for copy in range(3):
            shutil.copy(seed, folder / f"{seed.stem}-{copy}.txt")
    return folder


def ids(folder: Path) -> list[str]:
    return sorted(path.stem for path in folder.glob("*.txt"))


def quads(store: Store) -> set[ox.Quad]:
    """Every quad of every article graph (safekg's graphs have no blank nodes)."""
    return set(ox.parse(store.dump(ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS))


def graph_of(store: Store, article_id: str) -> set[ox.Triple]:
    name = ox.NamedNode(graph_iri(article_id))
    return {quad.triple for quad in quads(store) if quad.graph_name == name}


def test_a_build_in_worker_processes_gives_the_graph_of_a_build_in_one(
    articles: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "_CHUNK", 2)  # share the articles out between the workers
    with open_store(tmp_path / "serial") as serial, open_store(tmp_path / "parallel") as parallel:
        one = api.build([articles], store_location=serial, jobs=1)
        two = api.build([articles], store_location=parallel, jobs=2, batch_size=4)
        assert sorted(one.built) == sorted(two.built) == ids(articles)
        assert one.triples == two.triples > 0
        assert quads(serial) == quads(parallel)
        assert list(api.facts(store_location=serial)) == list(api.facts(store_location=parallel))


def test_a_build_reports_the_time_of_each_stage(articles: Path) -> None:
    report = api.build([articles], store_location=MEMORY, jobs=1)
    assert tuple(report.stages) == api.STAGES
    assert all(seconds >= 0 for seconds in report.stages.values())
    assert report.stages["extract"] > 0 and report.stages["validate"] > 0
    assert report.stages["store"] > 0


def test_a_small_build_stays_in_this_process(
    articles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[int] = []

    class Pool:
        def __init__(self, max_workers: int, **_: Any) -> None:
            started.append(max_workers)
            raise RuntimeError("no worker processes for a small build")

    monkeypatch.setattr(api, "ProcessPoolExecutor", Pool)
    report = api.build([articles], store_location=MEMORY)  # jobs=None: one per core
    assert sorted(report.built) == ids(articles)
    assert started == []
    with pytest.raises(RuntimeError, match="no worker"):
        api.build([articles], store_location=MEMORY, jobs=2)
    assert started == [2]


@pytest.mark.parametrize("jobs", [0, -1])
def test_jobs_and_batch_size_must_be_positive(jobs: int) -> None:
    with pytest.raises(SafeKGError, match="jobs"):
        api.build([SEEDS], store_location=MEMORY, jobs=jobs)
    with pytest.raises(SafeKGError, match="batch_size"):
        api.build([SEEDS], store_location=MEMORY, batch_size=jobs)


def test_unchanged_articles_are_skipped_and_a_changed_one_replaces_its_graph(
    articles: Path, tmp_path: Path
) -> None:
    location = tmp_path / "store"
    api.build([articles], store_location=location, jobs=1, batch_size=4)
    changed = articles / f"{ids(articles)[0]}.txt"
    text = changed.read_text(encoding="utf-8")
    changed.write_text(text.replace("arrested", "detained"), encoding="utf-8")
    with open_store(location) as store:
        before = {article_id: graph_of(store, article_id) for article_id in ids(articles)}
        report = api.build([articles], store_location=store, jobs=1, batch_size=4)
        assert report.built == (changed.stem,)
        assert sorted(report.skipped) == ids(articles)[1:]
        after = {article_id: graph_of(store, article_id) for article_id in ids(articles)}
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(changed, alone)
    with open_store(MEMORY) as fresh:
        api.build([alone], store_location=fresh, jobs=1)
        assert after[changed.stem] == graph_of(fresh, changed.stem) != before[changed.stem]
    assert {k: v for k, v in after.items() if k != changed.stem} == {
        k: v for k, v in before.items() if k != changed.stem
    }


def test_a_deleted_article_stays_until_it_is_removed(articles: Path, tmp_path: Path) -> None:
    location = tmp_path / "store"
    api.build([articles], store_location=location, jobs=1)
    gone = ids(articles)[-1]
    (articles / f"{gone}.txt").unlink()
    report = api.build([articles], store_location=location, jobs=1)
    assert report.built == () and gone not in report.skipped
    result = CliRunner().invoke(cli.app, ["remove", gone, "--store", str(location)])
    assert result.exit_code == 0, result.stderr
    with open_store(location, read_only=True) as store:
        assert sorted(store.article_hashes()) == ids(articles)
        assert graph_iri(gone) not in store.graphs()


def test_a_batch_is_all_or_nothing_on_the_embedded_store(tmp_path: Path) -> None:
    good = b'<https://example.org/s> <https://example.org/p> "o" .\n'
    with open_store(tmp_path / "store") as store:
        assert isinstance(store, LocalStore)
        store.replace_graphs([("https://example.org/g/held", good)])
        batch = [
            ("https://example.org/g/new", good),
            ("https://example.org/g/broken", b"<https://example.org/s> <oops"),
        ]
        with pytest.raises(SafeKGError, match="N-Triples"):
            store.replace_graphs(batch)
        assert store.graphs() == ["https://example.org/g/held"]
        replaced = good.replace(b'"o"', b'"new"')
        store.replace_graphs([("https://example.org/g/held", replaced), batch[0]])
        assert store.graphs() == ["https://example.org/g/held", "https://example.org/g/new"]
        said = {quad.object for quad in quads(store)}
        assert said == {ox.Literal("new"), ox.Literal("o")}
        assert store.triple_count() == 2


def test_a_batch_may_not_name_a_graph_twice() -> None:
    with open_store(MEMORY) as store, pytest.raises(SafeKGError, match="twice"):
        store.replace_graphs([("https://example.org/g", b""), ("https://example.org/g", b"")])


# -- an endpoint that fails part-way ----------------------------------------------------


class _FailingProxy(http.server.BaseHTTPRequestHandler):
    """Passes requests on to an Oxigraph server, but answers the ``fail_at``-th update 500."""

    target: ClassVar[str] = ""
    fail_at: ClassVar[int] = 3
    updates: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.path.startswith("/update"):
            self.updates.append(body.decode("utf-8"))
            if len(self.updates) == self.fail_at:
                self.send_response(500)
                self.end_headers()
                return
        headers = {
            name: value
            for name, value in self.headers.items()
            if name.lower() in ("content-type", "accept")
        }
        request = urllib.request.Request(self.target + self.path, body, headers, method="POST")
        with urllib.request.urlopen(request, timeout=30) as answer:
            data = answer.read()
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.headers["Content-Type"] or "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def failing_endpoint(remote_store: Store, oxigraph_server: str) -> Iterator[str]:
    _FailingProxy.target = oxigraph_server
    _FailingProxy.updates = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FailingProxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_failed_request_leaves_no_article_half_written(
    failing_endpoint: str, remote_store: Store, tmp_path: Path
) -> None:
    with open_store(MEMORY) as local:
        api.build([SEEDS], store_location=local, jobs=1)
        expected = {article_id: graph_of(local, article_id) for article_id in ids(SEEDS)}
    with pytest.raises(EndpointError, match="500"):
        api.build([SEEDS], store_location=failing_endpoint, jobs=1, batch_size=10)
    # one update per article, each naming one graph
    assert len(_FailingProxy.updates) == 3
    assert all(update.count("INSERT DATA") == 1 for update in _FailingProxy.updates)
    stored = sorted(remote_store.article_hashes())
    assert stored == ids(SEEDS)[:2]
    for article_id in ids(SEEDS):
        held = graph_of(remote_store, article_id)
        assert held == (expected[article_id] if article_id in stored else set())
    again = api.build([SEEDS], store_location=remote_store, jobs=1)
    assert sorted(again.built) == ids(SEEDS)[2:]
    assert {a: graph_of(remote_store, a) for a in ids(SEEDS)} == expected


# -- progress ------------------------------------------------------------------------------


def test_progress_is_quiet_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli.app, ["build", str(SEEDS), "--store", str(tmp_path / "s")])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"built 5, unchanged 0, refused 0, invalid 0; {_triples(tmp_path / 's')} triples "
        "in the store"
    ]


@pytest.mark.parametrize("ci", [None, "true"])
def test_a_progress_bar_on_a_terminal_but_not_under_ci(
    articles: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ci: str | None
) -> None:
    screen = io.StringIO()
    monkeypatch.setattr(
        cli, "err", Console(file=screen, force_terminal=True, width=150, highlight=False)
    )
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    result = CliRunner().invoke(
        cli.app, ["build", str(articles), "--store", str(tmp_path / "s"), "-j", "1"]
    )
    assert result.exit_code == 0, result.stderr
    shown = screen.getvalue()
    assert ("articles/s" in shown) == (ci is None)
    assert ("15/15" in shown) == (ci is None)
    assert "built 15, unchanged 0" in shown


def test_count_inputs_goes_by_file_names(articles: Path, tmp_path: Path) -> None:
    (articles / ".hidden.txt").write_text("x")
    (articles / "notes.md").write_text("x")
    assert api.count_inputs([articles]) == 15
    assert api.count_inputs([articles, SEEDS / f"{ids(SEEDS)[0]}.txt"]) == 16
    (tmp_path / "more.jsonl").write_text("{}\n")
    assert api.count_inputs([articles, tmp_path / "more.jsonl"]) is None


def _triples(location: Path) -> int:
    with open_store(location, read_only=True) as store:
        return store.triple_count()


# -- the validation engine -----------------------------------------------------------------


@pytest.mark.parametrize(
    "case", sorted(SHAPES.glob("*/*.ttl")), ids=lambda path: f"{path.parent.name}/{path.stem}"
)
def test_the_fast_engine_gives_pyshacls_verdict(case: Path) -> None:
    pytest.importorskip("pyshacl_turbo")
    from safekg import validate

    data = rdflib.Graph().parse(SHAPES / "base.ttl").parse(case)
    fast = validate.validate(data)
    reference = validate._validate_pyshacl(data, shapes=None)
    assert fast.conforms == reference.conforms == (case.parent.name == "valid")
    # rdflib's SPARQL compares a date with a plain string, where SPARQL says it is an error
    assert set(fast.results) <= set(reference.results)
    assert {r.shape for r in fast.results} >= {
        r.shape for r in reference.results if r.constraint != "SPARQLConstraintComponent"
    }


def test_the_fast_engine_gives_pyshacls_verdict_on_article_graphs() -> None:
    pytest.importorskip("pyshacl_turbo")
    from safekg import ingest, validate
    from safekg.extract import extract
    from safekg.graph import to_graph

    for article in ingest.read_articles([SEEDS]):
        assert not isinstance(article, ingest.Refused)
        graph = to_graph(extract(article))
        fast = validate.validate(graph)
        assert fast == validate._validate_pyshacl(graph, shapes=None)
        assert fast.conforms
        broken = rdflib.Graph() + graph
        broken.remove((None, rdflib.URIRef("https://w3id.org/safekg/def#sha256"), None))
        assert not validate.validate(broken).conforms
        assert not validate._validate_pyshacl(broken, shapes=None).conforms
        assert isomorphic(graph, to_graph(extract(article)))  # validation changed nothing
