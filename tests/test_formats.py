"""RDF and result formats as values, and the atomic file writer."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

import pyoxigraph
import pytest
import rdflib
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic

from safekg.atomic import write_atomic
from safekg.errors import SafeKGError
from safekg.formats import RdfFormat, ResultFormat

FIXTURE = Path(__file__).parent / "fixtures" / "mini.trig"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("turtle", RdfFormat.TURTLE),
        ("ttl", RdfFormat.TURTLE),
        (".TTL", RdfFormat.TURTLE),
        ("text/turtle", RdfFormat.TURTLE),
        ("nt", RdfFormat.NTRIPLES),
        ("N-Triples", RdfFormat.NTRIPLES),
        ("nq", RdfFormat.NQUADS),
        ("n-quads", RdfFormat.NQUADS),
        ("trig", RdfFormat.TRIG),
        ("json-ld", RdfFormat.JSONLD),
        ("jsonld", RdfFormat.JSONLD),
        ("xml", RdfFormat.RDFXML),
        ("rdf/xml", RdfFormat.RDFXML),
        (" RDFXML ", RdfFormat.RDFXML),
    ],
)
def test_rdf_format_from_name_accepts_aliases(name: str, expected: RdfFormat) -> None:
    assert RdfFormat.from_name(name) is expected


def test_rdf_format_unknown_name_lists_the_valid_ones() -> None:
    with pytest.raises(SafeKGError) as caught:
        RdfFormat.from_name("yaml")
    message = str(caught.value)
    assert "'yaml'" in message
    assert all(member.value in message for member in RdfFormat)
    assert "\n" not in message


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("graph.ttl", RdfFormat.TURTLE),
        ("dir.v2/GRAPH.TTL", RdfFormat.TURTLE),
        ("dump.nt", RdfFormat.NTRIPLES),
        ("dump.nq", RdfFormat.NQUADS),
        ("dump.trig", RdfFormat.TRIG),
        ("dump.jsonld", RdfFormat.JSONLD),
        ("ontology.owl", RdfFormat.RDFXML),
        (Path("x.rdf"), RdfFormat.RDFXML),
    ],
)
def test_rdf_format_from_suffix(path: str | Path, expected: RdfFormat) -> None:
    assert RdfFormat.from_suffix(path) is expected


@pytest.mark.parametrize("path", ["graph.txt", "graph", "graph.ttl.gz"])
def test_rdf_format_unknown_suffix_is_refused(path: str) -> None:
    with pytest.raises(SafeKGError, match="cannot tell the RDF format"):
        RdfFormat.from_suffix(path)


def test_rdf_formats_describe_themselves() -> None:
    assert len({f.media_type for f in RdfFormat}) == len(RdfFormat)
    assert len({f.suffix for f in RdfFormat}) == len(RdfFormat)
    for fmt in RdfFormat:
        assert fmt.suffix.startswith(".")
        assert RdfFormat.from_suffix("x" + fmt.suffix) is fmt
        assert RdfFormat.from_name(fmt.media_type) is fmt
        assert fmt.oxigraph.supports_datasets == fmt.has_graphs
    assert {f for f in RdfFormat if f.has_graphs} == {
        RdfFormat.NQUADS,
        RdfFormat.TRIG,
        RdfFormat.JSONLD,
    }


def _fixture_dataset() -> pyoxigraph.Dataset:
    return pyoxigraph.Dataset(pyoxigraph.parse(path=FIXTURE, format=pyoxigraph.RdfFormat.TRIG))


@pytest.mark.parametrize("fmt", list(RdfFormat))
def test_every_format_round_trips_through_rdflib(fmt: RdfFormat) -> None:
    dataset = _fixture_dataset()
    graph_name = pyoxigraph.NamedNode("https://w3id.org/safekg/graph/902_test")
    if fmt.has_graphs:
        data = pyoxigraph.serialize(dataset, format=fmt.oxigraph)
        assert data is not None
        parsed = rdflib.Dataset()
        parsed.parse(data=data, format=fmt.rdflib)
        sizes = {str(g.identifier): len(g) for g in parsed.graphs() if len(g)}
        assert sizes[graph_name.value] == sum(1 for q in dataset if q.graph_name == graph_name)
        assert sum(sizes.values()) == len(dataset)
        return
    triples = [q.triple for q in dataset if q.graph_name == graph_name]
    data = pyoxigraph.serialize(triples, format=fmt.oxigraph)
    assert data is not None
    expected = rdflib.Graph().parse(
        data=pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES),
        format="nt",
    )
    assert isomorphic(rdflib.Graph().parse(data=data, format=fmt.rdflib), expected)


# XML 1.0 cannot carry most control characters, so RDF/XML is tried on the rest
_TEXT = st.text(
    st.characters(
        exclude_categories=["Cs"],
        exclude_characters="".join(chr(c) for c in range(32) if c not in (9, 10)) + "\x7f",
    ),
    max_size=40,
)


@settings(max_examples=40, deadline=None)
@given(value=_TEXT, language=st.sampled_from([None, "en", "en-gb"]))
def test_any_literal_round_trips_in_every_format(value: str, language: str | None) -> None:
    triple = pyoxigraph.Triple(
        pyoxigraph.NamedNode("https://w3id.org/safekg/id/article/1"),
        pyoxigraph.NamedNode("http://purl.org/dc/terms/title"),
        pyoxigraph.Literal(value, language=language),
    )
    graph = pyoxigraph.NamedNode("https://w3id.org/safekg/graph/1")
    quad = pyoxigraph.Quad(triple.subject, triple.predicate, triple.object, graph)
    for fmt in RdfFormat:
        items = [quad] if fmt.has_graphs else [triple]
        data = pyoxigraph.serialize(items, format=fmt.oxigraph)
        assert data is not None
        back = list(pyoxigraph.parse(data, format=fmt.oxigraph))
        assert [b.object for b in back] == [triple.object], fmt


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("table", ResultFormat.TABLE),
        ("text", ResultFormat.TABLE),
        ("CSV", ResultFormat.CSV),
        ("tsv", ResultFormat.TSV),
        ("json", ResultFormat.JSON),
        ("application/sparql-results+json", ResultFormat.JSON),
        ("srx", ResultFormat.XML),
        ("xml", ResultFormat.XML),
    ],
)
def test_result_format_from_name(name: str, expected: ResultFormat) -> None:
    assert ResultFormat.from_name(name) is expected


def test_result_formats_are_the_w3c_ones_and_a_table() -> None:
    assert ResultFormat.TABLE.oxigraph is None
    assert ResultFormat.JSON.oxigraph == pyoxigraph.QueryResultsFormat.JSON
    assert ResultFormat.CSV.media_type == "text/csv"
    assert ResultFormat.TABLE.graph_format is RdfFormat.TURTLE
    assert ResultFormat.JSON.graph_format is RdfFormat.JSONLD
    with pytest.raises(SafeKGError, match="table, csv, tsv, json, xml"):
        ResultFormat.from_name("html")


# ------------------------------------------------------------------ atomic writes


def _temporaries(directory: Path) -> list[Path]:
    return [p for p in directory.iterdir() if p.name.endswith(".tmp")]


def test_write_atomic_writes_bytes_and_callbacks(tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    write_atomic(target, b"first\n")
    assert target.read_bytes() == b"first\n"

    def writer(handle: BinaryIO) -> None:
        handle.write(b"second ")
        handle.write(b"version\n")

    write_atomic(target, writer)
    assert target.read_bytes() == b"second version\n"
    assert _temporaries(tmp_path) == []


def test_a_writer_that_fails_halfway_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "graph.nq"
    target.write_bytes(b"old content\n")

    def failing(handle: BinaryIO) -> None:
        handle.write(b"new content, half of it")
        handle.flush()
        raise ValueError("disk full, pretend")

    with pytest.raises(ValueError, match="pretend"):
        write_atomic(target, failing)
    assert target.read_bytes() == b"old content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.nq"]


def test_an_interrupted_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "graph.nq"

    def interrupted(handle: BinaryIO) -> None:
        handle.write(b"partial")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, interrupted)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_write_atomic_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    target = tmp_path / "private.ttl"
    target.write_bytes(b"x")
    target.chmod(0o600)
    write_atomic(target, b"y")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_new_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.ttl", b"x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.ttl").stat().st_mode) == 0o644


def test_write_atomic_into_a_missing_folder_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(SafeKGError, match="cannot write") as caught:
        write_atomic(tmp_path / "missing" / "out.ttl", b"x")
    assert "\n" not in str(caught.value)


def test_write_atomic_over_a_folder_fails_and_cleans_up(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    with pytest.raises(SafeKGError, match="cannot write"):
        write_atomic(tmp_path / "taken", b"x")
    assert (tmp_path / "taken").is_dir()
    assert _temporaries(tmp_path) == []
