"""`safekg explain` and `safekg link` through the CLI, checked with the library."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from safekg import api
from safekg.cli import app
from safekg.errors import ExitCode
from safekg.store import open_store

ARTICLES = Path(__file__).resolve().parents[1] / "data" / "articles"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    location = tmp_path_factory.mktemp("explain") / "store"
    assert api.build([ARTICLES], store_location=location).complete
    return location


def _first(store: Path, cls: str) -> str:
    with open_store(store, read_only=True) as opened:
        result = opened.query(f"SELECT ?s WHERE {{ ?s a <{cls}> }} ORDER BY ?s LIMIT 1")
        assert isinstance(result, ox.QuerySolutions)
        (row,) = list(result)
        node = row["s"]
        assert isinstance(node, ox.NamedNode)
        return node.value


def test_explain_an_outcome_shows_its_sentence(store: Path) -> None:
    iri = _first(store, "http://purl.org/linked-data/cube#Observation")
    result = CliRunner().invoke(app, ["explain", iri, "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "sk:measure" in result.stdout
    article, offsets = iri.split("/")[-2], None
    assert f"from {article} [" in result.stdout
    # the offsets printed are those of a sentence of that article's text
    line = next(x for x in result.stdout.splitlines() if x.startswith("from "))
    offsets = line.split("[", 1)[1].split("]", 1)[0].split(":")
    start, end = int(offsets[0]), int(offsets[1])
    text = (ARTICLES / f"{article}.txt").read_text(encoding="utf-8")
    assert 0 <= start < end <= len(text)


def test_explain_accepts_prefixed_names(store: Path) -> None:
    result = CliRunner().invoke(
        app, ["explain", "ag:police-online-investigation-team", "--store", str(store)]
    )
    assert result.exit_code == 0, result.output
    assert "Police Online Investigation Team" in result.stdout


@pytest.mark.parametrize("iri", ["not an iri at all", "https://w3id.org/safekg/id/agency/nobody"])
def test_explain_refuses_what_the_graph_does_not_hold(store: Path, iri: str) -> None:
    result = CliRunner().invoke(app, ["explain", iri, "--store", str(store)])
    assert result.exit_code == ExitCode.USAGE
    assert "Traceback" not in result.output


def test_link_writes_its_own_graph(store: Path) -> None:
    result = CliRunner().invoke(app, ["link", "--store", str(store)])
    assert result.exit_code == 0, result.output
    with open_store(store, read_only=True) as opened:
        graphs = opened.graphs()
        assert "https://w3id.org/safekg/graph/links" in graphs
        answer = opened.query(
            "ASK { GRAPH <https://w3id.org/safekg/graph/links> { "
            "?a <http://www.w3.org/2004/02/skos/core#exactMatch> ?w } }"
        )
        assert bool(answer)
