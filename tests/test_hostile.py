"""Hostile input through the command line: bad articles, hostile queries, RDF that reaches out.

Each bad input is refused with one line that names it and says why; the rest of
the work is still done; nothing is fetched from files or the network.
"""

from __future__ import annotations

import codecs
import http.server
import json
import os
import re
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic
from typer.testing import CliRunner, Result

from safekg import api, cli
from safekg import query as query_module
from safekg.errors import ExitCode
from safekg.formats import RdfFormat
from safekg.graph import graph_iri
from safekg.ingest import MAX_LINE_CHARS
from safekg.query import MAX_NESTING, MAX_QUERY_CHARS
from safekg.store import open_store

REPO = Path(__file__).resolve().parent.parent
ARTICLES = REPO / "data" / "articles"
SEED = sorted(ARTICLES.glob("*.txt"))[0]
OTHER_SEED = sorted(ARTICLES.glob("*.txt"))[4]

runner = CliRunner()


def run(*args: str | Path) -> Result:
    return runner.invoke(cli.app, [str(arg) for arg in args])


def assert_one_line(result: Result, code: int, message: str) -> None:
    """Exit ``code`` with one line on stderr that matches ``message``; no traceback."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert re.search(message, lines[0]), lines[0]
    assert "Traceback" not in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str]

    def do_GET(self) -> None:
        self.hits.append(self.path)
        body = b'{"@context": {"name": "http://xmlns.com/foaf/0.1/name"}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server that answers anything and records every request it gets."""
    hits: list[str] = []
    handler = type("Handler", (_Recorder,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


# ------------------------------------------------------------------ bad articles

_TEXT = SEED.read_text(encoding="utf-8")
_INJECTED_ID = 'x> } ; DROP ALL ; INSERT DATA { <a:b> <a:b> "\\"" } # <y'
_HIDDEN_FIGURES = """<!doctype html><html><head><title>Hidden figures</title>
<style>/* Avon and Somerset Police made 888 arrests in 2019 */
p::after { content: "777 arrests" }</style>
<script>var s = "Avon and Somerset Police made 999 arrests in 2019";</script></head>
<body><article><h1>Hidden figures</h1>
<p>Avon and Somerset Police made 12 arrests in 2019, the force said on Monday.</p>
<script type="application/ld+json">
{"text": "Avon and Somerset Police made 666 arrests in 2019"}</script>
<noscript>Avon and Somerset Police made 555 arrests in 2019.</noscript>
<p>The Paedophile Online Investigation Team did the work.</p></article></body></html>
"""

# file name -> what the one line that refuses it must say
BAD_ARTICLES: dict[str, tuple[bytes, str]] = {
    "empty.txt": (b"", "empty file"),
    "blank.txt": (b" \n\t\r\n  \n", "blank file"),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary file"),
    "controls.txt": (bytes(range(1, 9)) * 300 + b"some text", r"binary file \(\d+% control"),
    "latin1.txt": (b"Police made 12 arrests at the caf\xe9 in 2019.\n", "invalid UTF-8 at byte 33"),
    "bad_utf16.txt": (codecs.BOM_UTF16_LE + b"a\x00\x00\xdc", "invalid UTF-16 at byte 4"),
    "long_line.txt": (b"x" * (MAX_LINE_CHARS + 1), "line 1 is 1,000,001 characters"),
    "deep.json": (b"[" * 100_000 + b"]" * 100_000, "JSON nested too deeply"),
    "nan.json": (b'{"id": "nan", "text": NaN}', "NaN is not a JSON value"),
    "wrong_type.json": (b'{"id": 7, "text": "Police made 12 arrests."}', "id must be a string"),
    "no_text.json": (b'{"id": "nt", "text": ["a", "b"]}', "text must be a string, not an array"),
    "surrogate.json": (
        b'{"id": "sur", "text": "Police made 12 arrests \\ud800 in 2019."}',
        "half a UTF-16 surrogate pair",
    ),
    "deep.html": (b"<div>" * 100_000 + b"text" + b"</div>" * 100_000, "HTML nested more than"),
    "script_only.html": (b"<html><body><script>var a = 1;</script></body></html>", "no text"),
    "unsupported.pdf": (b"%PDF-1.4\n", "unsupported file type"),
}


@pytest.fixture(scope="module")
def mixed_batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result, Path]:
    """A folder of good and bad articles, built once through the CLI."""
    folder = tmp_path_factory.mktemp("mixed") / "articles"
    folder.mkdir()
    shutil.copy(SEED, folder / "good.txt")
    (folder / "good_utf8_bom.txt").write_bytes(codecs.BOM_UTF8 + SEED.read_bytes())
    (folder / "good_utf16_bom.txt").write_bytes(codecs.BOM_UTF16_LE + _TEXT.encode("utf-16-le"))
    (folder / "good_utf16be_bom.txt").write_bytes(codecs.BOM_UTF16_BE + _TEXT.encode("utf-16-be"))
    # NUL and other controls past the first KB are dropped, CR LF read as LF
    assert len(SEED.read_bytes()) > 1024
    body = SEED.read_bytes().replace(b"\n", b"\r\n") + b"\r\nA \x00final\x07 line\x1b.\r\n"
    (folder / "good_nul_and_controls.txt").write_bytes(body)
    (folder / "hidden.html").write_text(_HIDDEN_FIGURES, encoding="utf-8")
    hostile_text = _TEXT.replace("arrested", 'arrested """ } ; DROP ALL ; # <http://x/> \\u0022', 1)
    records = [
        {"id": _INJECTED_ID, "text": hostile_text, "title": 'A "title" }> with \u0001 controls'},
        {"id": "truncated-neighbour", "text": OTHER_SEED.read_text(encoding="utf-8")},
    ]
    lines = [json.dumps(record) for record in records]
    (folder / "records.jsonl").write_text(
        "\n".join([*lines, '{"id": "cut", "text": "The police ma']) + "\n", encoding="utf-8"
    )
    for name, (content, _) in BAD_ARTICLES.items():
        if name == "unsupported.pdf":
            continue  # a folder is read for known suffixes only; named directly below
        (folder / name).write_bytes(content)
    huge = folder / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(5_000_001)  # sparse: refused by its size, never read
    pdf = folder.parent / "unsupported.pdf"
    pdf.write_bytes(BAD_ARTICLES["unsupported.pdf"][0])
    location = folder.parent / "store"
    result = run("build", folder, pdf, "--store", location)
    return folder, result, location


def test_a_mixed_batch_builds_the_good_and_refuses_the_bad(
    mixed_batch: tuple[Path, Result, Path],
) -> None:
    _, result, location = mixed_batch
    assert result.exit_code == ExitCode.SOME_REFUSED, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    refusals = [line for line in result.stderr.splitlines() if line.startswith("refused ")]
    expected = {**{name: reason for name, (_, reason) in BAD_ARTICLES.items()}}
    expected["huge.txt"] = "5,000,001 bytes, over the limit of 5,000,000"
    expected["records.jsonl#line 3"] = "line 3: invalid JSON"
    for name, reason in expected.items():
        lines = [line for line in refusals if re.search(rf"[/\\]{re.escape(name)}: ", line)]
        assert len(lines) == 1, (name, refusals)
        assert re.search(reason, lines[0]), lines[0]
    assert len(refusals) == len(expected), refusals
    with open_store(location, read_only=True) as store:
        stored = store.article_hashes()
    good = {"good", "good_utf8_bom", "good_utf16_bom", "good_utf16be_bom", "hidden"}
    assert set(stored) == good | {"good_nul_and_controls", _INJECTED_ID, "truncated-neighbour"}
    # byte-order marks are honoured: the same text as the plain file
    assert stored["good_utf8_bom"] == stored["good_utf16_bom"] == stored["good"]
    assert stored["good_utf16be_bom"] == stored["good"]
    assert f"built {len(stored)}, unchanged 0, refused {len(expected)}" in result.stderr


def test_figures_in_script_style_and_noscript_are_never_read(
    mixed_batch: tuple[Path, Result, Path],
) -> None:
    _, _, location = mixed_batch
    values = {
        record.get("value")
        for record in api.facts(store_location=location)
        if record["article"] == "hidden" and record["type"] == "outcome"
    }
    assert 12 in values, values
    assert not values & {999, 888, 777, 666, 555}, values


def test_text_that_tries_to_break_iris_or_sparql_is_stored_as_text(
    mixed_batch: tuple[Path, Result, Path],
) -> None:
    _, _, location = mixed_batch
    with open_store(location, read_only=True) as store:
        graphs = store.graphs()
        assert graph_iri(_INJECTED_ID) in graphs
        derived = {graph_iri("links"), graph_iri("dataset")}
        assert len(set(graphs) - derived) == 8  # DROP ALL did not run
        for graph in graphs:
            assert ox.NamedNode(graph).value == graph
        literals = [
            quad.object.value
            for quad in store.quads()
            if quad.graph_name == ox.NamedNode(graph_iri(_INJECTED_ID))
            and isinstance(quad.object, ox.Literal)
        ]
    assert _INJECTED_ID in literals  # dcterms:identifier, exactly as given
    assert 'A "title" }> with controls' in literals  # the headline, control character gone
    assert any('""" } ; DROP ALL ; #' in value for value in literals)


def test_an_article_that_is_not_text_is_refused_in_a_build_by_itself(tmp_path: Path) -> None:
    bad = tmp_path / "only.txt"
    bad.write_bytes(b"\x00" * 10)
    result = run("build", bad, "--store", tmp_path / "store")
    assert result.exit_code == ExitCode.SOME_REFUSED
    assert re.search(r"refused .*only\.txt: binary file", result.stderr)


_XML_SAFE = st.characters(exclude_categories=["Cs"])


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@example(text="a\ufffe\uffff\x01\x85\x7f", title="t\x01\ufffe", ident="i")
@given(
    text=st.text(_XML_SAFE, min_size=1, max_size=300),
    title=st.text(_XML_SAFE, max_size=30),
    ident=st.text(_XML_SAFE, min_size=1, max_size=30),
)
def test_any_record_is_built_or_refused_and_every_export_parses(
    tmp_path: Path, text: str, title: str, ident: str
) -> None:
    """Arbitrary text, titles and ids (surrogates too, through JSON escapes): never a crash,
    and whatever is stored exports as RDF that rdflib reads back, RDF/XML included."""
    record = {"id": ident, "title": title, "text": f"Police made 12 arrests in 2019. {text}"}
    path = tmp_path / "any.jsonl"
    path.write_text(json.dumps(record) + "\n" + json.dumps({**record, "id": "\ud800"}) + "\n")
    with open_store(":memory:") as store:
        report = api.build([path], store_location=store)
        assert report.refused[-1][0].endswith("#line 2")  # the lone surrogate in the second
        assert len(report.built) + len(report.refused) + len(report.invalid) == 2
        expected = rdflib.Graph().parse(
            data=api.export(RdfFormat.NTRIPLES, store_location=store), format="nt"
        )
        data = api.export(RdfFormat.RDFXML, store_location=store)
    assert data is not None
    assert isomorphic(rdflib.Graph().parse(data=data, format="xml"), expected)


# ------------------------------------------------------------------ hostile queries


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    location = tmp_path_factory.mktemp("hostile-queries") / "store"
    report = api.build([SEED, OTHER_SEED], store_location=location)
    assert report.complete
    return location


def _articles(location: Path) -> int:
    return api.stats(store_location=location)["articles"]


@pytest.mark.parametrize(
    "text",
    [
        "DROP ALL",
        "dRoP SILENT GRAPH <https://w3id.org/safekg/graph/x>",
        "CLEAR DEFAULT",
        "LOAD <file:///etc/passwd>",
        "LOAD <file:///etc/passwd> INTO GRAPH <http://example.org/g>",
        "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }",
        "# SELECT * WHERE { ?s ?p ?o }\nDELETE WHERE { ?s ?p ?o }",
        "PREFIX ex: <http://example.org/>\n# a comment\nBASE <http://example.org/>\n"
        "WITH ex:g DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "PREFIX select: <http://example.org/select#> CREATE GRAPH select:x",
        "SELECT * WHERE { ?s ?p ?o } ;\nDROP ALL",
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE SILENT <file:///etc/passwd> { ?s ?p ?o } }",
        "PREFIX s: <http://127.0.0.1:9/>\nASK { ?x ?y ?z . { SERVICE s:q { ?a ?b ?c } } }",
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <http://127.0.0.1:9/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "CONSTRUCT { ?s ?p ?o } FROM <http://127.0.0.1:9/x> WHERE { ?s ?p ?o }",
        "SELECT * WHERE " + "{" * (MAX_NESTING + 1) + "}" * (MAX_NESTING + 1),
        "SELECT * WHERE { ?s ?p ?o " + "FILTER(" * 20_000 + "true" + ")" * 20_000 + " }",
        "SELECT * WHERE { ?s ?p ?o }" + " " * MAX_QUERY_CHARS,
        "SELECT * WHERE { ?s ?p ?o }" + "# padding\n" * (MAX_QUERY_CHARS // 10),
    ],
)
def test_hostile_queries_are_refused_with_exit_4(store: Path, text: str) -> None:
    before = _articles(store)
    result = run("query", text, "--store", store)
    if text.startswith("SELECT * WHERE { ?s ?p ?o } ;"):
        assert_one_line(result, ExitCode.USAGE, "not a SPARQL 1.1 query")
    else:
        assert_one_line(result, ExitCode.QUERY_REFUSED, ".")
    assert result.stdout == ""
    assert _articles(store) == before


def test_service_never_reaches_the_network(store: Path, recorder: tuple[str, list[str]]) -> None:
    url, hits = recorder
    hidden = f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{url}/sparql> {{ ?s ?q ?r }} }} }}"
    assert_one_line(run("query", hidden, "--store", store), ExitCode.QUERY_REFUSED, "SERVICE")
    escaped = hidden.replace("SERVICE", "\\u0053ERVICE")
    assert_one_line(run("query", escaped, "--store", store), ExitCode.QUERY_REFUSED, ".")
    assert_one_line(
        run("query", f"SELECT * FROM <{url}/g> {{ ?s ?p ?o }}", "--store", store),
        ExitCode.QUERY_REFUSED,
        "FROM",
    )
    assert_one_line(run("query", f"LOAD <{url}/x>", "--store", store), ExitCode.QUERY_REFUSED, ".")
    assert hits == []


def test_a_query_file_too_large_is_refused_unread(store: Path, tmp_path: Path) -> None:
    path = tmp_path / "big.rq"
    path.write_text("SELECT * WHERE { ?s ?p ?o }\n" + "#" * (4 * MAX_QUERY_CHARS + 1))
    assert_one_line(run("query", path, "--store", store), ExitCode.QUERY_REFUSED, "larger")


_FOREVER = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
_HUNGRY = (
    "SELECT ?x WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i "
    "BIND(CONCAT(STR(?a), STR(?d), STR(?g), STR(?c), STR(?f)) AS ?x) } ORDER BY ?x"
)


def test_a_query_over_its_time_budget_is_stopped_with_exit_5(store: Path) -> None:
    started = time.monotonic()
    result = run("query", _FOREVER, "--store", store, "--timeout", "1")
    assert time.monotonic() - started < 15
    assert_one_line(result, ExitCode.QUERY_BUDGET, "time budget of 1 s")
    assert run("query", "ASK { ?s ?p ?o }", "--store", store).stdout.strip() == "true"


def test_a_query_over_its_memory_budget_is_stopped_with_exit_5(store: Path) -> None:
    result = run("query", _HUNGRY, "--store", store, "--max-memory", "100", "--timeout", "120")
    assert_one_line(result, ExitCode.QUERY_BUDGET, "memory budget of 100 MB")
    assert run("query", "ASK { ?s ?p ?o }", "--store", store).stdout.strip() == "true"


def test_budget_options_are_checked(store: Path) -> None:
    assert_one_line(run("query", "ASK {}", "--store", store, "--timeout", "0"), 2, "--timeout")
    assert_one_line(run("query", "ASK {}", "--store", store, "--max-memory", "-1"), 2, "memory")
    unlimited = run("query", "ASK { ?s ?p ?o }", "--store", store, "--max-memory", "0")
    assert unlimited.exit_code == 0 and unlimited.stdout.strip() == "true"


def test_a_query_that_crashes_the_engine_leaves_safekg_running(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Oxigraph 0.5 dies of SIGSEGV on some texts inside every limit (10,000 chained "+"),
    # but rdflib's gate takes minutes over those: crash the child directly instead.
    def crash(*_: object, **__: object) -> str:
        os.kill(os.getpid(), signal.SIGSEGV)
        raise AssertionError("unreachable")

    with monkeypatch.context() as patch:
        patch.setattr(query_module, "format_result", crash)
        result = run("query", "SELECT * WHERE { ?s ?p ?o }", "--store", store)
    assert_one_line(result, ExitCode.USAGE, r"crashed \(SIGSEGV\)")
    assert run("query", "ASK { ?s ?p ?o }", "--store", store).stdout.strip() == "true"


# ----------------------------------------------------- RDF that users bring (validate)


def _validate(tmp_path: Path, name: str, content: str | bytes) -> Result:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return run("validate", "--data", path)


_RDF = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
_FOAF = 'xmlns:foaf="http://xmlns.com/foaf/0.1/"'


def _rdfxml(doctype: str, body: str) -> str:
    return f'<?xml version="1.0"?>\n{doctype}\n<rdf:RDF {_RDF} {_FOAF}>{body}</rdf:RDF>\n'


_NAMED = '<rdf:Description rdf:about="http://example.org/x"><foaf:name>{}</foaf:name>'
_NAMED += "</rdf:Description>"


@pytest.mark.parametrize("where", ["file:///etc/passwd", "{url}/secret"])
def test_rdfxml_external_entities_are_never_read(
    tmp_path: Path, recorder: tuple[str, list[str]], where: str
) -> None:
    url, hits = recorder
    system = where.format(url=url)
    for doctype in (
        f'<!DOCTYPE rdf:RDF [ <!ENTITY secret SYSTEM "{system}"> ]>',
        f'<!DOCTYPE rdf:RDF [ <!ENTITY secret PUBLIC "-//x//y" "{system}"> ]>',
        f'<!DOCTYPE rdf:RDF [ <!ENTITY % dtd SYSTEM "{system}"> %dtd; ]>',
    ):
        result = _validate(tmp_path, "xxe.rdf", _rdfxml(doctype, _NAMED.format("&secret;")))
        assert "root:" not in result.stdout + result.stderr
        assert result.exit_code == ExitCode.USAGE, result.stdout
        assert_one_line(result, ExitCode.USAGE, "cannot parse")
    external_dtd = _rdfxml(f'<!DOCTYPE rdf:RDF SYSTEM "{system}">', _NAMED.format("Jo"))
    result = _validate(tmp_path, "dtd.rdf", external_dtd)
    assert "root:" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert hits == []


def test_internal_entities_are_expanded_within_limits(tmp_path: Path) -> None:
    doctype = '<!DOCTYPE rdf:RDF [ <!ENTITY ex "http://example.org/"> <!ENTITY o "&ex;ont#"> ]>'
    body = '<rdf:Description rdf:about="&o;x"><rdf:value>1</rdf:value></rdf:Description>'
    result = _validate(tmp_path, "entities.rdf", _rdfxml(doctype, body))
    assert result.exit_code == ExitCode.OK, result.stdout + result.stderr
    laughs = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    ]
    bomb = _rdfxml(f"<!DOCTYPE rdf:RDF [ {' '.join(laughs)} ]>", _NAMED.format("&l9;"))
    started = time.monotonic()
    assert_one_line(_validate(tmp_path, "bomb.rdf", bomb), ExitCode.USAGE, "expand to over")
    assert time.monotonic() - started < 10
    wide = '<!ENTITY big "' + "x" * 100_000 + '">'
    quadratic = _rdfxml(f"<!DOCTYPE rdf:RDF [ {wide} ]>", _NAMED.format("&big;" * 200))
    assert_one_line(_validate(tmp_path, "wide.rdf", quadratic), ExitCode.USAGE, "expand")
    loop = '<!DOCTYPE rdf:RDF [ <!ENTITY a "&b;"> <!ENTITY b "&a;"> ]>'
    result = _validate(tmp_path, "loop.rdf", _rdfxml(loop, _NAMED.format("&a;")))
    assert_one_line(result, ExitCode.USAGE, "refers to itself")


@pytest.mark.parametrize(
    "context",
    [
        "{url}/context.jsonld",
        ["{url}/context.jsonld"],
        {"@import": "{url}/context.jsonld"},
        {"@vocab": "http://example.org/", "foaf": {"@id": "{url}/x", "@context": "{url}/scoped"}},
        "file:///etc/passwd",
    ],
)
def test_jsonld_remote_contexts_are_never_fetched(
    tmp_path: Path, recorder: tuple[str, list[str]], context: object
) -> None:
    url, hits = recorder
    filled = json.loads(json.dumps(context).replace("{url}", url))
    document = {"@context": filled, "@id": "http://example.org/x", "name": "Jo", "foaf": {}}
    result = _validate(tmp_path, "remote.jsonld", json.dumps(document))
    assert "root:" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    if result.exit_code != ExitCode.OK:
        assert_one_line(result, ExitCode.USAGE, "cannot parse")
    assert hits == []


@pytest.mark.parametrize("depth", [10_000, 100_000])
def test_rdf_nested_thousands_deep_is_refused_not_a_crash(tmp_path: Path, depth: int) -> None:
    jsonld = '{"@id": "http://e.org/x", "http://e.org/p": ' * depth + '"v"' + "}" * depth
    started = time.monotonic()
    assert_one_line(_validate(tmp_path, "deep.jsonld", jsonld), ExitCode.USAGE, "nested")
    rdfxml = _rdfxml(
        "",
        '<rdf:Description><foaf:knows rdf:parseType="Resource">' * depth
        + "</foaf:knows></rdf:Description>" * depth,
    )
    assert_one_line(_validate(tmp_path, "deep.rdf", rdfxml), ExitCode.USAGE, "nested")
    assert time.monotonic() - started < 20


def test_deep_turtle_is_read_quickly(tmp_path: Path) -> None:
    depth = 20_000
    turtle = "<http://e.org/x> <http://e.org/p> " + "[ <http://e.org/p> " * depth + '"v"'
    turtle += " ]" * depth + " .\n"
    started = time.monotonic()
    result = _validate(tmp_path, "deep.ttl", turtle)
    assert result.exit_code in (ExitCode.OK, ExitCode.NOT_CONFORMING), result.stderr
    assert time.monotonic() - started < 60
