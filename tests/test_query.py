"""Read-only SPARQL: what is refused, the budgets, named queries and result formats."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph
import pytest
import rdflib

from safekg.errors import ExitCode, QueryBudgetError, QueryRefusedError, SafeKGError
from safekg.formats import ResultFormat
from safekg.query import (
    MAX_NESTING,
    MAX_QUERY_CHARS,
    QueryParam,
    QueryResult,
    check_read_only,
    load_query,
    named_queries,
    nesting_depth,
    run_query,
)
from safekg.store import Store, open_store

FIXTURE = Path(__file__).parent / "fixtures" / "mini.trig"
SRX = "{http://www.w3.org/2005/sparql-results#}"
XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def store() -> pyoxigraph.Store:
    loaded = pyoxigraph.Store()
    loaded.load(path=FIXTURE, format=pyoxigraph.RdfFormat.TRIG)
    return loaded


class PlainStore:
    """A store that only has ``query(text)``, like safekg's stores and remote endpoints.

    Queries run in a child process, so the texts it is given are kept in a file.
    """

    def __init__(self, inner: pyoxigraph.Store, log: Path) -> None:
        self.inner = inner
        self.log = log

    def query(self, sparql: str, /) -> QueryResult:
        with self.log.open("a", encoding="utf-8") as handle:
            handle.write(sparql + "\0")
        return self.inner.query(sparql, use_default_graph_as_union=True)

    @property
    def seen(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").split("\0")[:-1]


# ------------------------------------------------------------------ refusals

UPDATES = [
    "INSERT DATA { <http://ex/a> <http://ex/b> <http://ex/c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "LOAD <file:///etc/passwd>",
    "LOAD SILENT <http://127.0.0.1:1/data.ttl> INTO GRAPH <http://ex/g>",
    "DROP ALL",
    "CLEAR DEFAULT",
    "CREATE GRAPH <http://ex/g>",
    "ADD DEFAULT TO <http://ex/g>",
    "MOVE <http://ex/a> TO <http://ex/b>",
    "COPY DEFAULT TO <http://ex/g>",
    "WITH <http://ex/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "drop all",
    "InSeRt DaTa { <http://ex/a> <http://ex/b> 1 }",
    "# SELECT * WHERE { ?s ?p ?o }\nDROP ALL",
    "#!\n  # a harmless comment\n\tDELETE DATA { <http://ex/a> <http://ex/b> 1 } # SELECT",
    "PREFIX ex: <http://ex/>\nINSERT DATA { ex:a ex:b ex:c }",
    "BASE <http://ex/> PREFIX : <http://ex/> DELETE { :a :b ?o } WHERE { :a :b ?o }",
    "\\u0049NSERT DATA { <http://ex/a> <http://ex/b> <http://ex/c> }",
    "\\u0044ROP ALL",
    "DROP ALL ; LOAD <file:///etc/passwd>",
]


@pytest.mark.parametrize("text", UPDATES)
def test_updates_are_refused(text: str) -> None:
    with pytest.raises(QueryRefusedError, match="update") as caught:
        check_read_only(text)
    assert caught.value.exit_code == ExitCode.QUERY_REFUSED
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { } }",
        "SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:1/> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <http://ex/sparql> { ?o ?q ?r } } }",
        "SELECT * WHERE { { SELECT ?s WHERE { SERVICE ?endpoint { ?s ?p ?o } } } }",
        "ASK { FILTER NOT EXISTS { SERVICE <file:///etc/passwd> { ?s ?p ?o } } }",
        "CONSTRUCT { ?s ?p ?o } WHERE { service <http://ex/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERV\\u0049CE <http://127.0.0.1:1/> { } }",
    ],
)
def test_service_is_refused(text: str) -> None:
    with pytest.raises(QueryRefusedError, match="SERVICE"):
        check_read_only(text)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <http://127.0.0.1:1/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "ASK FROM <http://ex/g> { ?s ?p ?o }",
        "CONSTRUCT { ?s ?p ?o } FROM <file:///etc/hosts> WHERE { ?s ?p ?o }",
        "DESCRIBE <http://ex/a> FROM <http://ex/g>",
        "select * from <file:///etc/passwd> where { ?s ?p ?o }",
    ],
)
def test_from_and_from_named_are_refused(text: str) -> None:
    with pytest.raises(QueryRefusedError, match="FROM"):
        check_read_only(text)


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("SELECT * WHERE { ?s ?p ?o } # then INSERT DATA { <a:b> <a:c> <a:d> }", "SELECT"),
        ('SELECT ?x WHERE { BIND("DROP ALL; SERVICE <http://x/> {}" AS ?x) }', "SELECT"),
        ("ASK { ?s <http://ex/from> ?o }", "ASK"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <http://ex/a>", "DESCRIBE"),
        ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "SELECT"),
    ],
)
def test_read_only_queries_pass(text: str, form: str) -> None:
    assert check_read_only(text).form == form


def test_the_checked_text_is_the_text_with_its_escapes_expanded() -> None:
    parsed = check_read_only("PREFIX ex: <http://ex/>\nSELECT * WHERE { ?s ?p ?o } LIM\\u0049T 1")
    assert parsed.text.endswith("LIMIT 1")
    assert parsed.prefixes == {"ex": "http://ex/"}


def test_prefixes_are_reported() -> None:
    parsed = check_read_only("PREFIX : <http://e/> SELECT * WHERE { ?s :p ?o } VALUES ?s { :a }")
    assert parsed.prefixes == {"": "http://e/"}


def test_escapes_that_spell_escapes_are_refused() -> None:
    with pytest.raises(QueryRefusedError, match="escapes"):
        check_read_only("SELECT * WHERE { ?s ?p ?o } \\u005Cu0049")


def test_text_that_is_not_sparql_is_bad_input_not_a_refusal() -> None:
    with pytest.raises(SafeKGError, match=r"not a SPARQL 1\.1 query") as caught:
        check_read_only("SELECT * WHERE { ?s ?p }")
    assert not isinstance(caught.value, QueryRefusedError)
    assert caught.value.exit_code == ExitCode.USAGE


def test_a_query_with_an_update_after_it_is_not_accepted() -> None:
    with pytest.raises(SafeKGError):
        check_read_only("SELECT * WHERE { ?s ?p ?o } ; DROP ALL")


def test_too_long_a_query_is_refused_before_parsing() -> None:
    text = "SELECT * WHERE { ?s ?p ?o }" + " " * MAX_QUERY_CHARS
    started = time.monotonic()
    with pytest.raises(QueryRefusedError, match="characters long"):
        check_read_only(text)
    assert time.monotonic() - started < 1


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000,
        "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
        "SELECT * WHERE { ?s ?p " + "[ ?p " * 3000 + "?o" + " ]" * 3000 + " }",
        # a nest hidden behind what could be read as an IRI, a comment or a string
        "SELECT * WHERE { FILTER(?a<" + "(" * 3000 + "1" + ")" * 3000 + ">0) }",
        "SELECT * WHERE { ?s ?p ex:a\\#" + "{" * 3000 + "}" * 3000 + " }",
        'SELECT * WHERE { ?s ?p "' + ")" * 300 + '" ' + "{" * 300 + "}" * 300 + " }",
        "SELECT * WHERE { ?s ?p <http://ex/" + ")" * 300 + "> " + "{" * 300 + "}" * 300 + "}",
    ],
)
def test_deep_nesting_is_refused_before_any_parser_sees_it(text: str) -> None:
    started = time.monotonic()
    with pytest.raises(QueryRefusedError, match="nests brackets"):
        check_read_only(text)
    assert time.monotonic() - started < 1


def test_nesting_up_to_the_limit_parses() -> None:
    depth = MAX_NESTING - 1
    parsed = check_read_only("SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth)
    assert parsed.form == "SELECT"


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", 1),
        ('SELECT * WHERE { ?s ?p "{{{(((" }', 1),
        ("SELECT * WHERE { ?s ?p '''{{\n{''' }", 1),
        ("SELECT * WHERE { ?s ?p ?o } # {{{{{{", 1),
        # inside <...> a pair may be operators around a parenthesis: counted, never carried
        ("SELECT * WHERE { ?s <http://ex/A_(b)> <http://ex/C_(d)> }", 2),
        ("SELECT * WHERE { { OPTIONAL { FILTER((1)) } } }", 5),
        ('SELECT * WHERE { ?s ?p "a\\"{{" }', 1),
    ],
)
def test_nesting_depth_skips_strings_comments_and_iris(text: str, depth: int) -> None:
    assert nesting_depth(text) == depth


def test_long_triple_blocks_parse_without_recursion_errors() -> None:
    text = "SELECT * WHERE { " + " ".join(f"?s <http://ex/p{i}> ?o{i} ." for i in range(600)) + "}"
    assert check_read_only(text).form == "SELECT"


# ------------------------------------------------------------------ running


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("DROP ALL", QueryRefusedError),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }", QueryRefusedError),
        ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", QueryRefusedError),
        ("SELECT * WHERE " + "{" * 5000 + "}" * 5000, QueryRefusedError),
        ("SELECT * WHERE { ?s ?p }", SafeKGError),
    ],
)
def test_run_query_refuses_and_leaves_the_store_alone(
    store: pyoxigraph.Store, text: str, error: type[SafeKGError]
) -> None:
    before = len(store)
    with pytest.raises(error):
        run_query(store, text)
    assert len(store) == before


def test_long_queries_are_checked_in_the_child(store: pyoxigraph.Store) -> None:
    padding = "".join(f"# padding line {i}\n" for i in range(600))
    query = f"{padding}SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }}"
    assert len(query) > 8_000
    assert run_query(store, query, fmt=ResultFormat.CSV).splitlines()[0] == "n"
    hidden = query.replace("?s ?p ?o", "SERVICE <http://127.0.0.1:1/> { ?s ?p ?o }")
    with pytest.raises(QueryRefusedError, match="SERVICE"):
        run_query(store, hidden)
    with pytest.raises(QueryRefusedError, match="update"):
        run_query(store, f"{padding}DROP ALL")


@pytest.fixture(scope="module")
def big_store() -> pyoxigraph.Store:
    generated = pyoxigraph.Store()
    graph = pyoxigraph.NamedNode("http://ex/g")
    predicate = pyoxigraph.NamedNode("http://ex/p")
    generated.extend(
        pyoxigraph.Quad(
            pyoxigraph.NamedNode(f"http://ex/s{i}"), predicate, pyoxigraph.Literal(i), graph
        )
        for i in range(300)
    )
    return generated


def test_a_query_that_runs_forever_is_stopped_by_the_time_budget(
    big_store: pyoxigraph.Store,
) -> None:
    forever = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    started = time.monotonic()
    with pytest.raises(QueryBudgetError, match="time budget of 1 s") as caught:
        run_query(big_store, forever, timeout_s=1.0)
    assert time.monotonic() - started < 10
    assert caught.value.exit_code == ExitCode.QUERY_BUDGET
    assert run_query(big_store, "ASK { ?s ?p 1 }") == "true"  # and life goes on


def test_a_query_that_eats_memory_is_stopped_by_the_memory_budget(
    big_store: pyoxigraph.Store,
) -> None:
    hungry = (
        "SELECT ?x WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i "
        "BIND(CONCAT(STR(?a), STR(?d), STR(?g), STR(?c)) AS ?x) } ORDER BY ?x"
    )
    with pytest.raises(QueryBudgetError, match="memory budget of 200 MB"):
        run_query(big_store, hungry, timeout_s=120, max_memory_mb=200)


class CrashingStore:
    def query(self, sparql: str, /) -> QueryResult:
        os.kill(os.getpid(), signal.SIGSEGV)
        raise AssertionError("unreachable")


def test_an_engine_crash_is_an_error_not_the_end_of_the_process(store: pyoxigraph.Store) -> None:
    with pytest.raises(SafeKGError, match="crashed") as caught:
        run_query(CrashingStore(), "ASK { ?s ?p ?o }")
    assert not isinstance(caught.value, QueryBudgetError)
    assert "SIGSEGV" in str(caught.value)
    assert run_query(store, "ASK { ?s ?p ?o }") == "true"


def test_run_query_rejects_bad_options(store: pyoxigraph.Store) -> None:
    with pytest.raises(SafeKGError, match="time budget"):
        run_query(store, "ASK {}", timeout_s=0)
    with pytest.raises(SafeKGError, match="max_rows"):
        run_query(store, "ASK {}", max_rows=-1)
    with pytest.raises(SafeKGError, match="unknown result format"):
        run_query(store, "ASK {}", fmt="yaml")


# ------------------------------------------------------------------ named queries


def test_named_queries_are_described() -> None:
    queries = named_queries()
    assert {
        "outcomes-by-agency",
        "arrests-by-agency",
        "totals-by-measure-and-year",
        "officers",
        "funding",
        "sources-of-figure",
    } <= set(queries)
    for name, query in queries.items():
        assert query.name == name
        assert query.title and query.title != name
        assert len(query.description) > 20
        assert check_read_only(query.text).form == "SELECT"
        for param in query.params:
            param.term(param.default)


@pytest.mark.parametrize("name", sorted(named_queries()))
@pytest.mark.parametrize("fmt", list(ResultFormat))
def test_every_named_query_runs_with_its_defaults_in_every_format(
    store: pyoxigraph.Store, name: str, fmt: ResultFormat
) -> None:
    out = run_query(store, name, fmt=fmt)
    if fmt is ResultFormat.JSON:
        assert json.loads(out)["results"]["bindings"], name
    elif fmt is ResultFormat.TABLE:
        assert "(0 rows)" not in out


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_arrests_by_agency_counts_each_figure_once(store: pyoxigraph.Store) -> None:
    rows = _csv(run_query(store, "arrests-by-agency", fmt="csv"))
    by_agency = {row["agency"]: row for row in rows}
    # 12 arrests over a period from 2019 into 2020 are not a 2019 figure
    assert by_agency["Online Investigation Team"]["arrests"] == "104"
    assert by_agency["Example Regional Unit"]["arrests"] == "30"
    assert by_agency["Example Regional Unit"]["qualifiers"] == "about"
    assert {row["year"] for row in rows} == {"2019"}


def test_arrests_by_agency_takes_a_year(store: pyoxigraph.Store) -> None:
    assert _csv(run_query(store, "arrests-by-agency", params={"year": "2018"}, fmt="csv")) == []
    assert len(_csv(run_query(store, "arrests-by-agency", params={"year": " 2019 "}, fmt="csv")))


def test_totals_keep_qualifiers_and_leave_out_percentages(store: pyoxigraph.Store) -> None:
    rows = _csv(run_query(store, "totals-by-measure-and-year", fmt="csv"))
    totals = {(row["measure"], row["year"]): row for row in rows}
    assert totals[("arrests", "2019")]["total"] == "134"
    assert totals[("arrests", "2019")]["qualifiers"] == "about, exact"
    assert totals[("arrests", "2019-2020")]["total"] == "12"
    assert totals[("children_safeguarded", "2018")]["qualifiers"] == "more_than"
    assert not any(row["measure"] == "conviction_rate_percent" for row in rows)


def test_officers_funding_and_sources(store: pyoxigraph.Store) -> None:
    (officer,) = _csv(run_query(store, "officers", fmt="csv"))
    assert officer["person"] == "Sam Fictional"
    assert officer["rank"] == "Detective Inspector"
    assert officer["leads"] == "true"
    (grant,) = _csv(run_query(store, "funding", fmt="csv"))
    assert (grant["recipient"], grant["funder"]) == ("Example Regional Unit", "Example Department")
    assert (grant["amount"], grant["currency"]) == ("2000000", "GBP")
    sources = _csv(run_query(store, "sources-of-figure", fmt="csv"))
    assert len(sources) == 6
    arrests = [s for s in sources if s["measure"] == "arrests" and s["value"] == "104"]
    assert arrests[0]["sentence"].endswith("made 104 arrests.")
    assert arrests[0]["articleId"] == "901_test"


def test_outcomes_without_a_period_match_no_period(store: pyoxigraph.Store) -> None:
    rows = _csv(run_query(store, "outcomes-by-agency", fmt="csv"))
    assert len(rows) == 6
    (rate,) = [r for r in rows if r["measure"] == "conviction_rate_percent"]
    assert rate["start"] == rate["end"] == ""


@pytest.mark.parametrize(
    "value", ["2019 } ; DROP ALL #", "2019) || true", "2019.5", "twenty", "", "2019 2020"]
)
def test_a_parameter_that_is_not_its_datatype_is_rejected(
    store: pyoxigraph.Store, value: str
) -> None:
    before = len(store)
    with pytest.raises(SafeKGError, match="year must be xsd:integer"):
        run_query(store, "arrests-by-agency", params={"year": value})
    assert len(store) == before


def test_unknown_parameters_are_rejected(store: pyoxigraph.Store) -> None:
    with pytest.raises(SafeKGError, match=r"no parameter yeer.*year"):
        run_query(store, "arrests-by-agency", params={"yeer": "2019"})
    with pytest.raises(SafeKGError, match="has: none"):
        run_query(store, "SELECT * WHERE { ?s ?p ?o }", params={"year": "2019"})


LABEL_QUERY = """\
# title: Agency by label
# description: The agency with this exact label.
# param: label = "Example Department" (xsd:string) the label to look for
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?label ?agency WHERE { ?agency skos:prefLabel ?l BIND(STR(?l) AS ?label) }
"""


@pytest.mark.parametrize("plain", [False, True], ids=["engine", "in-text"])
def test_a_string_parameter_is_bound_as_a_literal(
    store: pyoxigraph.Store, tmp_path: Path, plain: bool
) -> None:
    path = tmp_path / "by-label.rq"
    path.write_text(LABEL_QUERY, encoding="utf-8")
    log = tmp_path / "seen.txt"
    target = PlainStore(store, log) if plain else store
    before = len(store)
    (row,) = _csv(run_query(target, str(path), fmt="csv"))
    assert row["agency"] == "https://w3id.org/safekg/id/agency/example-department"
    for hostile in ['x" } ; DROP ALL #', "x' . ?agency ?p ?o } #", 'Example Department" || "']:
        assert _csv(run_query(target, str(path), params={"label": hostile}, fmt="csv")) == []
    assert len(store) == before
    if plain:
        seen = log.read_text(encoding="utf-8").split("\0")[:-1]
        assert len(seen) == 4
        # the query's BIND of ?label became a test that it gives the value asked for
        assert all("FILTER(sameTerm(?label_given, " in text for text in seen)


def test_parameters_reach_a_plain_store_in_the_text(
    store: pyoxigraph.Store, tmp_path: Path
) -> None:
    plain = PlainStore(store, tmp_path / "seen.txt")
    in_text = run_query(plain, "arrests-by-agency", params={"year": "2019"}, fmt="csv")
    by_engine = run_query(store, "arrests-by-agency", params={"year": "2019"}, fmt="csv")
    assert in_text == by_engine
    assert '"2019"^^<http://www.w3.org/2001/XMLSchema#integer>' in plain.seen[-1]
    assert "VALUES" not in plain.seen[-1]


def test_a_query_with_its_own_values_for_a_parameter_cannot_take_it_on_a_plain_store(
    store: pyoxigraph.Store, tmp_path: Path
) -> None:
    text = "# param: year = 2019 (xsd:integer)\nSELECT ?year WHERE { } VALUES ?year { 1 }"
    assert run_query(store, text, fmt="csv").splitlines() == ["year"]  # 1 is not 2019
    with pytest.raises(SafeKGError, match="own VALUES"):
        run_query(PlainStore(store, tmp_path / "seen.txt"), text)
    other = "# param: year = 2019 (xsd:integer)\nSELECT ?year WHERE { } VALUES ?x { 1 }"
    plain = run_query(PlainStore(store, tmp_path / "seen.txt"), other, fmt="csv")
    assert plain.splitlines() == ["year", "2019"]


@pytest.mark.parametrize(
    ("datatype", "good", "bad"),
    [
        ("xsd:integer", "-42", "4.2"),
        ("xsd:decimal", "4.20", "4,2"),
        ("xsd:date", "2019-02-28", "2019-02-30"),
        ("xsd:gYear", "2019", "19"),
        ("xsd:boolean", "TRUE", "yes"),
        ("iri", "https://w3id.org/safekg/id/agency/x", "https://x/> } DROP ALL <y"),
        ("xsd:string", "any text at all", "with \\u0022 an escape"),
    ],
)
def test_parameter_datatypes(datatype: str, good: str, bad: str) -> None:
    param = QueryParam("p", good, datatype)
    term = param.term(good)
    if datatype == "iri":
        assert isinstance(term, pyoxigraph.NamedNode)
    else:
        assert isinstance(term, pyoxigraph.Literal)
        expected = XSD + ("string" if datatype == "xsd:string" else datatype.split(":")[1])
        assert term.datatype.value == expected
    with pytest.raises(SafeKGError, match=f"p must be {datatype}"):
        param.term(bad)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("# param: year 2019 (xsd:integer)", "NAME = DEFAULT"),
        ("# param: year = 2019 (xsd:integr) the year", "unknown datatype"),
        ("# param: year = twenty (xsd:integer) the year", "must be xsd:integer"),
        ("# param: a = 1 (xsd:integer)\n# param: a = 2 (xsd:integer)", "declared twice"),
    ],
)
def test_malformed_headers_are_reported_with_their_file(
    tmp_path: Path, header: str, message: str
) -> None:
    path = tmp_path / "bad.rq"
    path.write_text(f"# title: Bad\n{header}\nSELECT * WHERE {{ ?s ?p ?o }}\n", encoding="utf-8")
    with pytest.raises(SafeKGError, match=message) as caught:
        load_query(str(path))
    assert "bad.rq" in str(caught.value) or "declared twice" not in message


def test_load_query_resolves_names_files_and_text(tmp_path: Path) -> None:
    assert load_query("officers").title == "Officers"
    path = tmp_path / "mine.rq"
    path.write_text("ASK { ?s ?p ?o }\n", encoding="utf-8")
    assert load_query(str(path)).name == "mine"
    assert load_query("ASK { ?s ?p ?o }").params == ()
    with pytest.raises(SafeKGError, match="no query file"):
        load_query(str(tmp_path / "missing.rq"))
    with pytest.raises(SafeKGError, match=r"no query named 'oficers'.*officers"):
        load_query("oficers")


# ------------------------------------------------------------------ result formats

SELECT = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "SELECT ?agency ?label WHERE { GRAPH ?g { ?agency skos:prefLabel ?label } } "
    "ORDER BY ?label ?g"
)


def test_csv_parses_back(store: pyoxigraph.Store) -> None:
    rows = list(csv.reader(io.StringIO(run_query(store, SELECT, fmt="csv"))))
    assert rows[0] == ["agency", "label"]
    assert rows[1] == ["https://w3id.org/safekg/id/agency/example-department", "Example Department"]
    assert len(rows) == 1 + 4


def test_tsv_parses_back(store: pyoxigraph.Store) -> None:
    lines = run_query(store, SELECT, fmt="tsv").splitlines()
    assert lines[0].split("\t") == ["?agency", "?label"]
    assert lines[1].split("\t") == [
        "<https://w3id.org/safekg/id/agency/example-department>",
        '"Example Department"@en',
    ]


def test_json_parses_back(store: pyoxigraph.Store) -> None:
    document = json.loads(run_query(store, SELECT, fmt="json"))
    assert document["head"]["vars"] == ["agency", "label"]
    first = document["results"]["bindings"][0]
    assert first["label"] == {"type": "literal", "value": "Example Department", "xml:lang": "en"}
    assert first["agency"]["type"] == "uri"


def test_xml_parses_back(store: pyoxigraph.Store) -> None:
    root = ET.fromstring(run_query(store, SELECT, fmt="xml"))
    names = [v.get("name") for v in root.iter(f"{SRX}variable")]
    assert names == ["agency", "label"]
    results = list(root.iter(f"{SRX}result"))
    assert len(results) == 4
    literal = results[0].find(f"{SRX}binding[@name='label']/{SRX}literal")
    assert literal is not None and literal.text == "Example Department"


def test_the_table_is_aligned_with_prefixed_names(store: pyoxigraph.Store) -> None:
    lines = run_query(store, SELECT).splitlines()
    assert lines[0].split() == ["agency", "label"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert lines[2].startswith("ag:example-department")
    assert lines[-1] == "(4 rows)"
    assert len({line.index("Example") for line in lines[2:4]}) == 1


@pytest.mark.parametrize("fmt", list(ResultFormat))
def test_max_rows_keeps_the_first_rows(store: pyoxigraph.Store, fmt: ResultFormat) -> None:
    out = run_query(store, SELECT, fmt=fmt, max_rows=2)
    if fmt is ResultFormat.CSV:
        assert len(list(csv.reader(io.StringIO(out)))) == 3
    elif fmt is ResultFormat.TSV:
        assert len(out.splitlines()) == 3
    elif fmt is ResultFormat.JSON:
        bindings = json.loads(out)["results"]["bindings"]
        labels = [b["label"]["value"] for b in bindings]
        assert labels == ["Example Department", "Example Regional Unit"]
        assert bindings[0]["label"]["xml:lang"] == "en"
    elif fmt is ResultFormat.XML:
        assert len(list(ET.fromstring(out).iter(f"{SRX}result"))) == 2
    else:
        assert out.splitlines()[-1] == "(2 rows; more were found)"


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("table", "true"), ("json", '{"head":{},"boolean":true}'), ("csv", "true")],
)
def test_ask_answers(store: pyoxigraph.Store, fmt: str, expected: str) -> None:
    assert run_query(store, "ASK { ?s ?p ?o }", fmt=fmt) == expected
    assert run_query(store, "ASK { ?s ?p <http://nothing/> }") == "false"


@pytest.mark.parametrize(
    ("fmt", "rdflib_format"),
    [("table", "turtle"), ("csv", "nt"), ("json", "json-ld"), ("xml", "xml")],
)
def test_construct_answers_are_graphs(
    store: pyoxigraph.Store, fmt: str, rdflib_format: str
) -> None:
    query = (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "CONSTRUCT { ?a skos:prefLabel ?l } WHERE { ?a skos:prefLabel ?l }"
    )
    out = run_query(store, query, fmt=fmt)
    graph = rdflib.Graph().parse(data=out, format=rdflib_format)
    labels = {str(o) for o in graph.objects(None, rdflib.SKOS.prefLabel)}
    assert {"Online Investigation Team", "Example Department", "Detective Inspector"} <= labels
    if fmt == "table":
        assert "@prefix skos:" in out
    first = run_query(store, query, fmt=fmt, max_rows=1)
    assert len(rdflib.Graph().parse(data=first, format=rdflib_format)) == 1


# ------------------------------------------------------------------ safekg's stores


def _fill(target: Store) -> None:
    """The fixture's named graphs, one ``replace_graph`` each, as a build writes them."""
    dataset = pyoxigraph.Dataset(pyoxigraph.parse(path=FIXTURE, format=pyoxigraph.RdfFormat.TRIG))
    names = {q.graph_name for q in dataset if isinstance(q.graph_name, pyoxigraph.NamedNode)}
    for name in sorted(names, key=str):
        target.replace_graph(name.value, [q.triple for q in dataset if q.graph_name == name])


def test_named_queries_run_on_safekg_stores_alike(
    store: pyoxigraph.Store, remote_store: Store
) -> None:
    memory = open_store(":memory:")
    try:
        _fill(memory)
        _fill(remote_store)
        expected = run_query(store, "arrests-by-agency", fmt="csv")
        assert run_query(memory, "arrests-by-agency", fmt="csv") == expected
        assert run_query(remote_store, "arrests-by-agency", fmt="csv") == expected
        year_2018 = run_query(remote_store, "arrests-by-agency", params={"year": "2018"})
        assert year_2018.endswith("(0 rows)\n")
        with pytest.raises(QueryRefusedError):
            run_query(remote_store, "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { } }")
    finally:
        memory.close()
