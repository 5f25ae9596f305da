"""Parameters written into a query's text mean what the engine's own binding means."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st

from safekg.errors import SafeKGError
from safekg.substitution import substitute

EX = "http://example.org/"
DATA = f"""
<{EX}a> <{EX}n> 1 . <{EX}a> <{EX}year> 2019 .
<{EX}b> <{EX}n> 5 . <{EX}b> <{EX}year> 2019 .
<{EX}c> <{EX}n> 9 . <{EX}c> <{EX}year> 2020 .
<{EX}c> <{EX}label> "?min in a string" .
"""
TERMS = {"min": "3", "year": '"2019"^^<http://www.w3.org/2001/XMLSchema#integer>'}


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    store.load(DATA.encode(), ox.RdfFormat.TURTLE)
    return store


def rows(store: ox.Store, text: str, **bound: ox.Literal) -> list[tuple[str, ...]]:
    substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
        ox.Variable(name): term for name, term in bound.items()
    }
    solutions = store.query(text, substitutions=substitutions or None)
    assert isinstance(solutions, ox.QuerySolutions)
    names = solutions.variables
    return sorted(tuple(str(s[v]) if s[v] is not None else "" for v in names) for s in solutions)


BOUND = {"min": ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))}
BOUND_YEAR = {
    "year": ox.Literal("2019", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
}

SAME_AS_THE_ENGINE = [
    # (Oxigraph binds only a variable the query projects)
    # read in a FILTER
    f"SELECT ?s ?min WHERE {{ ?s <{EX}n> ?n FILTER(?n > ?min) }}",
    # read in a triple pattern
    f"SELECT DISTINCT ?min WHERE {{ ?s <{EX}n> ?min }}",
    # read in HAVING, kept as a group key: what a trailing VALUES clause cannot do
    f"SELECT ?min (SUM(?n) AS ?total) WHERE {{ ?s <{EX}n> ?n }}"
    " GROUP BY ?min HAVING(SUM(?n) > ?min)",
    # read inside a subquery that projects it
    f"SELECT ?s ?min WHERE {{ {{ SELECT ?s ?min WHERE {{ ?s <{EX}n> ?n FILTER(?n >= ?min) }} }} }}",
    # ordered by it
    f"SELECT ?s ?min WHERE {{ ?s <{EX}n> ?n }} ORDER BY ?min ?s",
]


@pytest.mark.parametrize("text", SAME_AS_THE_ENGINE)
def test_the_text_answers_as_the_engine_binds(store: ox.Store, text: str) -> None:
    substituted = substitute(text, {"min": TERMS["min"]})
    assert rows(store, substituted) == rows(store, text, **BOUND)
    assert "?min " not in substituted.replace("AS ?min)", "")


def test_a_bind_of_a_parameter_keeps_the_rows_that_give_its_value(store: ox.Store) -> None:
    text = f"SELECT ?s ?year WHERE {{ ?s <{EX}n> ?n . ?s <{EX}year> ?y BIND(?y AS ?year) }}"
    substituted = substitute(text, {"year": TERMS["year"]})
    assert "FILTER(sameTerm(?year_given, " in substituted
    expected = rows(store, text, **BOUND_YEAR)
    assert rows(store, substituted) == expected
    assert [row[0] for row in expected] == [f"<{EX}a>", f"<{EX}b>"]


def test_a_parameter_is_bound() -> None:
    text = "SELECT ?s WHERE { ?s ?p ?n FILTER(BOUND(?min) && bound( ?min ) && ?n < ?min) }"
    expected = "SELECT ?s WHERE { ?s ?p ?n FILTER((true) && ( true ) && ?n < 3) }"
    assert substitute(text, {"min": "3"}) == expected


def test_strings_iris_and_comments_are_left_alone() -> None:
    text = (
        "# ?min in a comment\n"
        f'SELECT ?s WHERE {{ ?s <{EX}label> "?min in a string" ; <{EX}x?min=1> ?min }}'
        ' # and """?min"""'
    )
    assert substitute(text, {"min": "3"}) == (
        "# ?min in a comment\n"
        f'SELECT ?s WHERE {{ ?s <{EX}label> "?min in a string" ; <{EX}x?min=1> 3 }}'
        ' # and """?min"""'
    )


def test_a_comparison_is_not_read_as_an_iri() -> None:
    text = "SELECT ?n WHERE { ?s ?p ?n FILTER(?n <?min && ?n>0) }"
    assert substitute(text, {"min": "3"}) == "SELECT ?n WHERE { ?s ?p ?n FILTER(?n <3 && ?n>0) }"


def test_dollar_variables_are_the_same_variables() -> None:
    assert substitute("SELECT * WHERE { ?s ?p $min }", {"min": "3"}) == "SELECT * WHERE { ?s ?p 3 }"


def test_a_variable_that_only_begins_with_the_name_is_another_variable() -> None:
    text = "SELECT ?minimum WHERE { ?s ?p ?minimum }"
    assert substitute(text, {"min": "3"}) == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT * WHERE { ?s ?p ?o } VALUES ?min { 1 }", "own VALUES"),
        ("SELECT * WHERE { VALUES (?s ?min) { (1 2) } }", "own VALUES"),
        ("SELECT (1 AS ?min) WHERE { }", "computes parameter"),
        ("SELECT ?x WHERE { ?x ?p ?o } GROUP BY (?o AS ?min) ?x", "computes parameter"),
    ],
)
def test_a_parameter_the_query_sets_itself_is_refused(text: str, message: str) -> None:
    with pytest.raises(SafeKGError, match=message):
        substitute(text, {"min": "3"})


@given(st.text(alphabet=st.sampled_from(list("?$min <>\"'#\n{}()ABS"))))
def test_text_without_the_parameter_is_unchanged(text: str) -> None:
    if "min" not in text:
        assert substitute(text, {"min": "3"}) == text
