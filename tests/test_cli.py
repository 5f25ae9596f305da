"""The command line: arranged and checked through the library, acted through the CLI."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from typer.testing import CliRunner, Result

from safekg import api, cli
from safekg.errors import ExitCode
from safekg.store import MEMORY, Store, lock_file, open_store

REPO = Path(__file__).resolve().parent.parent
ARTICLES = REPO / "data" / "articles"
ARTICLE_IDS = sorted(path.stem for path in ARTICLES.glob("*.txt"))

runner = CliRunner()


def run(*args: str) -> Result:
    return runner.invoke(cli.app, list(args))


def assert_refused(result: Result, code: int, message: str) -> None:
    """Refused with ``code`` and one line on stderr that says ``message``; no traceback."""
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert re.search(message, result.stderr), result.stderr
    assert "Traceback" not in result.stderr
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A store built from the bundled articles that a test may change."""
    location = tmp_path / "store"
    api.build([ARTICLES], store_location=location)
    return location


def test_build_then_build_again(tmp_path: Path) -> None:
    location = tmp_path / "store"
    result = run("build", str(ARTICLES), "--store", str(location))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert f"built {len(ARTICLE_IDS)}, unchanged 0" in result.stderr
    assert api.stats(store_location=location)["articles"] == len(ARTICLE_IDS)
    again = run("build", str(ARTICLES), "--store", str(location))
    assert again.exit_code == 0
    assert f"built 0, unchanged {len(ARTICLE_IDS)}" in again.stderr


def test_build_reads_the_store_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    location = tmp_path / "env-store"
    monkeypatch.setenv("SAFEKG_STORE", str(location))
    assert run("build", str(ARTICLES / f"{ARTICLE_IDS[0]}.txt")).exit_code == 0
    with open_store(location, read_only=True) as store:
        assert list(store.article_hashes()) == [ARTICLE_IDS[0]]


def test_build_with_a_refused_input_exits_3_after_building_the_rest(tmp_path: Path) -> None:
    articles = Path(shutil.copytree(ARTICLES, tmp_path / "articles"))
    (articles / "broken.json").write_text("{ not json", encoding="utf-8")
    location = tmp_path / "store"
    result = run("build", str(articles), "--store", str(location))
    assert result.exit_code == ExitCode.SOME_REFUSED
    assert "refused " in result.stderr and "broken.json" in result.stderr
    assert api.stats(store_location=location)["articles"] == len(ARTICLE_IDS)


def test_build_refuses_a_missing_path_before_making_a_store(tmp_path: Path) -> None:
    location = tmp_path / "store"
    result = run("build", str(tmp_path / "missing"), "--store", str(location))
    assert_refused(result, ExitCode.USAGE, "no such file")
    assert not location.exists()


def test_build_refuses_a_locked_store(tmp_path: Path) -> None:
    location = tmp_path / "store"
    with open_store(location):
        result = run("build", str(ARTICLES), "--store", str(location))
    assert_refused(result, ExitCode.STORE_LOCKED, "writing to the store")
    assert lock_file(location).exists()


def test_stats_and_facts_print_what_the_library_returns(store: Path) -> None:
    result = run("stats", "--store", str(store), "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == api.stats(store_location=store)
    lines = run("stats", "--store", str(store)).stdout.splitlines()
    assert lines[0] == f"articles\t{len(ARTICLE_IDS)}"

    facts = run("facts", "--store", str(store))
    assert facts.exit_code == 0
    records = [json.loads(line) for line in facts.stdout.splitlines()]
    assert records == json.loads(json.dumps(list(api.facts(store_location=store)), default=str))
    as_json = run("facts", "--store", str(store), "--format", "json")
    assert json.loads(as_json.stdout) == records


def test_facts_refuse_an_unknown_format(store: Path) -> None:
    assert_refused(run("facts", "--store", str(store), "-f", "xml"), ExitCode.USAGE, "jsonl")


def test_export_to_stdout_and_to_a_file(store: Path, tmp_path: Path) -> None:
    stdout = run("export", "--store", str(store), "--format", "ntriples")
    assert stdout.exit_code == 0
    graph = rdflib.Graph().parse(data=stdout.stdout, format="nt")
    output = tmp_path / "graph.nq"
    to_file = run("export", "--store", str(store), "-o", str(output))
    assert to_file.exit_code == 0 and to_file.stdout == ""
    quads = list(ox.parse(path=output, format=ox.RdfFormat.N_QUADS))
    assert len(quads) == api.stats(store_location=store)["triples"]
    assert len({quad.triple for quad in quads}) == len(graph)


def test_export_refuses_an_unknown_format(store: Path) -> None:
    assert_refused(run("export", "--store", str(store), "-f", "docx"), ExitCode.USAGE, "docx")


def test_validate_the_store_and_a_file(store: Path, tmp_path: Path) -> None:
    ok = run("validate", "--store", str(store))
    assert ok.exit_code == 0, ok.stdout
    assert "conforms" in ok.stderr
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix org: <http://www.w3.org/ns/org#> .\n"
        "<https://w3id.org/safekg/id/agency/x> a org:Organization .\n",
        encoding="utf-8",
    )
    result = run("validate", "--data", str(bad))
    assert result.exit_code == ExitCode.NOT_CONFORMING
    assert result.stdout.strip()  # the report
    assert "does not conform" in result.stderr


def test_validate_refuses_a_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.ttl"
    assert_refused(run("validate", "--data", str(missing)), ExitCode.USAGE, "no such file")


def test_query_from_text_and_from_a_file(store: Path, tmp_path: Path) -> None:
    sparql = (
        "PREFIX schema: <https://schema.org/> "
        "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?a a schema:NewsArticle } }"
    )
    result = run("query", sparql, "--store", str(store), "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split()[-1] == str(len(ARTICLE_IDS))
    file = tmp_path / "count.rq"
    file.write_text(sparql, encoding="utf-8")
    from_file = run("query", str(file), "--store", str(store), "--format", "csv")
    assert from_file.stdout == result.stdout


def test_a_named_query_answers_the_same_on_a_remote_store(
    store: Path, remote_store: Store, oxigraph_server: str
) -> None:
    api.build([ARTICLES], store_location=remote_store)
    for args in (
        ("outcomes-by-agency", "-f", "json"),
        ("arrests-by-agency", "-p", "year=2018"),
        # parameters read in HAVING and in a subquery's FILTER
        ("reported-more-than", "-p", "year=2018", "-p", "more_than=69"),
        ("low-confidence-facts", "-p", "below=0.95"),
    ):
        local = run("query", *args, "--store", str(store))
        remote = run("query", *args, "--store", oxigraph_server)
        assert local.exit_code == remote.exit_code == 0, (local.stderr, remote.stderr)
        assert local.stdout == remote.stdout
        assert local.stdout.strip()


def test_query_refusals_are_one_line(store: Path) -> None:
    writes = run("query", "DELETE WHERE { ?s ?p ?o }", "--store", str(store))
    assert_refused(writes, ExitCode.QUERY_REFUSED, ".")
    assert api.stats(store_location=store)["articles"] == len(ARTICLE_IDS)
    assert_refused(run("query", "SELECT WHERE", "--store", str(store)), ExitCode.USAGE, ".")
    assert_refused(
        run("query", "SELECT * { ?s ?p ?o }", "--store", str(store), "-p", "novalue"),
        ExitCode.USAGE,
        "NAME=VALUE",
    )


def test_queries_lists_names_and_descriptions() -> None:
    from safekg.query import named_queries

    result = run("queries")
    assert result.exit_code == 0
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert rows and all(len(row) == 2 and all(row) for row in rows)
    assert [name for name, _ in rows] == sorted(named_queries())


def test_remove(store: Path) -> None:
    result = run("remove", ARTICLE_IDS[0], "--store", str(store))
    assert result.exit_code == 0
    assert "removed 1 article" in result.stderr
    with open_store(store, read_only=True) as opened:
        assert sorted(opened.article_hashes()) == ARTICLE_IDS[1:]
    assert_refused(run("remove", "nope", "--store", str(store)), ExitCode.USAGE, "no article")


def test_reading_a_missing_store(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    assert_refused(run("stats", "--store", str(missing)), ExitCode.USAGE, "no store at")
    assert not missing.exists()


def test_an_endpoint_that_does_not_answer(unused_port: int) -> None:
    result = run("stats", "--store", f"http://127.0.0.1:{unused_port}")
    assert_refused(result, ExitCode.ENDPOINT_UNAVAILABLE, "cannot reach")


def test_usage_errors_are_one_line() -> None:
    assert_refused(run("stats", "--bogus"), ExitCode.USAGE, "No such option")
    assert_refused(run("build"), ExitCode.USAGE, "Missing argument")
    assert_refused(run("frobnicate"), ExitCode.USAGE, "No such command")


def test_an_interrupt_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(**_: object) -> dict[str, int]:
        raise KeyboardInterrupt

    monkeypatch.setattr(api, "stats", interrupted)
    assert_refused(run("stats", "--store", MEMORY), 130, "interrupted")


def test_help_and_version() -> None:
    assert run("--version").stdout.strip() == f"safekg {__import__('safekg').__version__}"
    result = run("--help")
    assert result.exit_code == 0
    assert run().stdout == result.stdout
    for command in ("build", "validate", "query", "queries", "export", "facts", "stats"):
        assert command in result.stdout


@pytest.mark.parametrize(
    "command", ["build", "validate", "query", "queries", "export", "facts", "stats", "remove"]
)
def test_every_command_shows_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert f"Example: safekg {command}" in result.stdout


def test_the_console_script_catches_errors_at_the_boundary(tmp_path: Path) -> None:
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            "from safekg.cli import main; main()",
            "stats",
            "--store",
            str(tmp_path / "nowhere"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == ExitCode.USAGE
    assert child.stdout == ""
    assert child.stderr.startswith("safekg: no store at")
    assert len(child.stderr.strip().splitlines()) == 1


def test_docs_cli_md_is_up_to_date() -> None:
    written = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == cli.cli_reference(), (
        "docs/cli.md is stale: regenerate it with `safekg cli-reference > docs/cli.md`"
    )


def test_readme_lists_every_exit_code() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    codes = {value for name, value in vars(ExitCode).items() if name.isupper()}
    listed = {int(code) for code in re.findall(r"^\| (\d+) \|", readme, flags=re.MULTILINE)}
    assert codes <= listed
