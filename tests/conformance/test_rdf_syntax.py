"""The W3C RDF 1.1 Turtle and N-Triples test suites, run against rdflib's and pyoxigraph's
parsers.

Positive syntax tests must parse, negative ones must raise, and evaluation tests must give
a graph isomorphic to the expected N-Triples. Known failures come from known_failures.toml.
"""

from __future__ import annotations

from typing import Final

import pytest

from conformance.conftest import (
    ENGINES,
    MISSING,
    SyntaxCase,
    check_known_failures,
    check_syntax_case,
    params,
    require_w3c,
    syntax_cases,
    w3c_present,
)

#: suite name: (folder of its manifest, how many tests it has, of which kinds)
SUITES: Final = {
    "turtle": ("rdf-tests/rdf-turtle", 313, ["eval", "negative", "positive"]),
    "ntriples": ("rdf-tests/rdf-n-triples", 70, ["negative", "positive"]),
}
CASES: Final = {
    suite: syntax_cases(folder) if w3c_present(folder) else []
    for suite, (folder, _, _) in SUITES.items()
}


@pytest.mark.usefixtures("exact_literals")
@pytest.mark.parametrize(
    ("suite", "case", "engine"),
    [
        pytest.param(suite, *param.values, marks=param.marks, id=f"{suite}-{param.id}")
        for suite, (folder, _, _) in SUITES.items()
        for param in params(suite, ENGINES, CASES[suite], folder)
    ],
)
def test_syntax(suite: str, case: SyntaxCase | None, engine: str) -> None:
    require_w3c(SUITES[suite][0])
    assert case is not None, MISSING
    check_syntax_case(case, engine, suite)


@pytest.mark.parametrize("suite", SUITES)
def test_suite_is_complete(suite: str) -> None:
    """The whole suite is read: every test of its manifest, of each kind."""
    folder, count, kinds = SUITES[suite]
    require_w3c(folder)
    cases = CASES[suite]
    assert (len(cases), sorted({case.kind for case in cases})) == (count, kinds)
    assert len({case.name for case in cases}) == len(cases)


@pytest.mark.parametrize("suite", SUITES)
def test_known_failures_name_real_tests(suite: str) -> None:
    """Every known failure names a test of this suite and an engine that runs it."""
    require_w3c(SUITES[suite][0])
    check_known_failures(suite, ENGINES, CASES[suite])
