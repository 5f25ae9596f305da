"""Privacy: no private person reaches the store, the exports, the messages or temporary files.

An article that names an offender and a victim, with their ages, a street and a
school, is built through the CLI; then every place safekg writes to is searched
for any of them. The SHACL shapes refuse a person without an official role.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from typer.testing import CliRunner

from safekg import cli
from safekg.errors import ExitCode
from safekg.formats import RdfFormat
from safekg.graph import to_graph
from safekg.models import Agency, Article, Evidence, Extraction, Officer
from safekg.vocab import FOAF, RDF

SAFEKG = [sys.executable, "-c", "from safekg.cli import main; main()"]

ARTICLE = """date 2021-06-02
Online abuse team jails offender

Darren Whitlock, 58, of 12 Larkspur Crescent was among 112 people arrested by the \
Paedophile Online Investigation Team of Avon and Somerset Police in 2020.

The team safeguarded 140 children in 2020, including Chloe Ashdown, aged 13, a pupil at \
Meadowbrook Primary School.

Detective Inspector Sarah Pembleton, who leads the Paedophile Online Investigation Team, \
said Mr Whitlock had targeted pupils at Meadowbrook Primary School from his home in \
Larkspur Crescent.

The Home Office gave Avon and Somerset Police £250,000 for the team, the force said about \
the case of Darren Whitlock (58) and the 13-year-old girl.
"""

# The offender and the victim, their ages, the street and the school, however written.
PRIVATE = re.compile(
    r"darren|whitlock|chloe|ashdown|larkspur|meadowbrook|"
    r", 58,|\(58\)|aged 13|13-year-old|12 Larkspur",
    re.IGNORECASE,
)
# What the article may say and the graph keeps: the official, the unit, the figures.
PUBLIC = ["Sarah Pembleton", "Paedophile Online Investigation Team", "Avon and Somerset Police"]


def leaks(text: str | bytes) -> list[str]:
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return sorted({found.group().lower() for found in PRIVATE.finditer(text)})


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, Path, subprocess.CompletedProcess[str]]:
    """The article built through the CLI, with a temporary folder of its own."""
    root = tmp_path_factory.mktemp("privacy")
    articles = root / "articles"
    articles.mkdir()
    (articles / "900_private.txt").write_text(ARTICLE, encoding="utf-8")
    temp = root / "tmp"
    temp.mkdir()
    location = root / "store"
    env = {**os.environ, "TMPDIR": str(temp), "TEMP": str(temp), "TMP": str(temp)}
    result = subprocess.run(
        [*SAFEKG, "build", str(articles), "--store", str(location)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return location, temp, result


def test_the_article_is_built_and_its_sentences_are_redacted(
    built: tuple[Path, Path, subprocess.CompletedProcess[str]],
) -> None:
    location, _, _ = built
    data = CliRunner().invoke(cli.app, ["export", "-f", "nquads", "--store", str(location)])
    assert data.exit_code == 0
    for public in PUBLIC:
        assert public in data.stdout
    # the sentences that named them are kept, redacted: the test looked where they would be
    for placeholder in ("[name]", "[age]", "[street]", "[school]"):
        assert placeholder in data.stdout, placeholder


def test_nothing_private_in_the_store(
    built: tuple[Path, Path, subprocess.CompletedProcess[str]],
) -> None:
    location, _, _ = built
    from safekg.store import open_store

    with open_store(location, read_only=True) as store:
        quads = [str(quad) for quad in store.quads()]
    assert quads
    assert leaks("\n".join(quads)) == []
    # nor in the files of the store itself (RocksDB keeps strings as they are: the
    # official's name is there, so a private one would be too)
    files = [path for path in location.rglob("*") if path.is_file()]
    assert any(b"Pembleton" in path.read_bytes() for path in files)
    for path in files:
        assert leaks(path.read_bytes()) == [], path.name


@pytest.mark.parametrize("fmt", list(RdfFormat))
def test_nothing_private_in_any_export(
    built: tuple[Path, Path, subprocess.CompletedProcess[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fmt: RdfFormat,
) -> None:
    location, temp, _ = built
    monkeypatch.setenv("TMPDIR", str(temp))
    output = tmp_path / f"graph{fmt.suffix}"
    to_stdout = CliRunner().invoke(cli.app, ["export", "-f", fmt.value, "--store", str(location)])
    to_file = CliRunner().invoke(
        cli.app, ["export", "-f", fmt.value, "--store", str(location), "-o", str(output)]
    )
    assert to_stdout.exit_code == to_file.exit_code == 0, to_stdout.stderr
    assert "Pembleton" in to_stdout.stdout
    assert leaks(to_stdout.stdout) == leaks(to_stdout.stderr) == []
    assert leaks(output.read_bytes()) == leaks(to_file.stderr) == []


def test_nothing_private_in_facts_or_query_answers(
    built: tuple[Path, Path, subprocess.CompletedProcess[str]],
) -> None:
    location, _, _ = built
    facts = CliRunner().invoke(cli.app, ["facts", "--store", str(location)])
    assert facts.exit_code == 0 and "Pembleton" in facts.stdout
    assert leaks(facts.stdout) == []
    literals = CliRunner().invoke(
        cli.app,
        ["query", "SELECT ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o)) }", "--store", str(location)],
    )
    assert literals.exit_code == 0
    assert leaks(literals.stdout) == []


def test_nothing_private_in_messages_or_temporary_files(
    built: tuple[Path, Path, subprocess.CompletedProcess[str]],
) -> None:
    _, temp, result = built
    assert leaks(result.stdout) == leaks(result.stderr) == []
    for path in temp.rglob("*"):
        if path.is_file():
            assert leaks(path.read_bytes()) == [], path


def test_an_article_that_cannot_be_read_is_refused_without_quoting_it(tmp_path: Path) -> None:
    bad = tmp_path / "900_private.json"
    bad.write_text('{"id": "p", "text": "' + ARTICLE.replace("\n", " ") + '", "published": 5}')
    result = CliRunner().invoke(cli.app, ["build", str(bad), "--store", str(tmp_path / "s")])
    assert result.exit_code == ExitCode.SOME_REFUSED
    assert leaks(result.stdout + result.stderr) == []


# ------------------------------------------------------------------ the shape


def _official_graph() -> Graph:
    text = "Detective Inspector Jo Collins leads the Police Online Investigation Team."
    lead = Evidence(0, len(text), text)
    team = "Police Online Investigation Team"
    return to_graph(
        Extraction(
            article=Article(id="p1", text=text),
            agencies=(Agency(team, lead, kind="unit"),),
            officers=(Officer("Jo Collins", "Detective Inspector", lead, agency=team, leads=True),),
        )
    )


def _validate(tmp_path: Path, graph: Graph) -> tuple[int, str, str]:
    path = tmp_path / "data.ttl"
    graph.serialize(destination=path, format="turtle")
    result = CliRunner().invoke(cli.app, ["validate", "--data", str(path)])
    return result.exit_code, result.stdout, result.stderr


def test_a_person_without_an_official_role_does_not_conform(tmp_path: Path) -> None:
    official = _official_graph()
    code, _, stderr = _validate(tmp_path, official)
    assert code == ExitCode.OK, stderr
    bare = URIRef("https://w3id.org/safekg/id/person/darren-whitlock")
    official.add((bare, RDF.type, FOAF.Person))
    official.add((bare, FOAF.name, Literal("Darren Whitlock")))
    code, report, stderr = _validate(tmp_path, official)
    assert code == ExitCode.NOT_CONFORMING
    assert "does not conform" in stderr
    assert "must hold an official post or membership" in report
    assert "pe:darren-whitlock" in report


def test_an_official_with_a_private_detail_does_not_conform(tmp_path: Path) -> None:
    graph = _official_graph()
    person = URIRef("https://w3id.org/safekg/id/person/jo-collins")
    assert (person, RDF.type, FOAF.Person) in graph
    graph.add((person, URIRef("https://schema.org/address"), Literal("12 Larkspur Crescent")))
    graph.add((person, FOAF.age, Literal(58)))
    code, report, _ = _validate(tmp_path, graph)
    assert code == ExitCode.NOT_CONFORMING
    assert "pe:jo-collins schema:address" in report
    assert "pe:jo-collins foaf:age" in report
