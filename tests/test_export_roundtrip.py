"""The Turtle export parses back, in rdflib and in pyoxigraph, to the store's content."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from safekg import api, formats
from safekg.store import open_store

ARTICLES = Path(__file__).resolve().parents[1] / "data" / "articles"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    location = tmp_path_factory.mktemp("roundtrip") / "store"
    assert api.build([ARTICLES], store_location=location).complete
    return location


def _store_triples(location: Path) -> set[ox.Triple]:
    with open_store(location, read_only=True) as store:
        return {quad.triple for quad in store.quads()}


def test_turtle_export_parses_back_in_both_libraries(built: Path, tmp_path: Path) -> None:
    output = tmp_path / "graph.ttl"
    api.export(formats.RdfFormat.from_name("turtle"), store_location=built, output=output)
    expected = _store_triples(built)
    assert expected  # the store is not empty, so equality below means something

    by_oxigraph = {q.triple for q in ox.parse(path=str(output), format=ox.RdfFormat.TURTLE)}
    assert by_oxigraph == expected

    by_rdflib = rdflib.Graph().parse(output, format="turtle")
    as_ntriples = ox.serialize(expected, format=ox.RdfFormat.N_TRIPLES)
    assert isomorphic(by_rdflib, rdflib.Graph().parse(data=as_ntriples, format="nt"))
