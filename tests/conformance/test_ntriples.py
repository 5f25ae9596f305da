"""The W3C RDF 1.1 N-Triples test suite, run against rdflib's and pyoxigraph's parsers.

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
    check_syntax_case,
    known_failures,
    params,
    require_w3c,
    syntax_cases,
    w3c_present,
)

SUITE: Final = "ntriples"
FOLDER: Final = "rdf-tests/rdf-n-triples"
CASES: Final = syntax_cases(FOLDER) if w3c_present(FOLDER) else []


@pytest.mark.usefixtures("exact_literals")
@pytest.mark.parametrize(("case", "engine"), params(SUITE, ENGINES, CASES, FOLDER))
def test_ntriples(case: SyntaxCase | None, engine: str) -> None:
    require_w3c(FOLDER)
    assert case is not None, MISSING
    check_syntax_case(case, engine, SUITE)


def test_suite_is_complete() -> None:
    """The whole suite is read: its 70 tests, positive and negative."""
    require_w3c(FOLDER)
    kinds = sorted({case.kind for case in CASES})
    assert (len(CASES), kinds) == (70, ["negative", "positive"])
    assert len({case.name for case in CASES}) == len(CASES)


def test_known_failures_name_real_tests() -> None:
    """Every known failure names a test of this suite and an engine that runs it."""
    require_w3c(FOLDER)
    names = {case.name for case in CASES}
    listed = known_failures().get(SUITE, {})
    assert set(listed) <= set(ENGINES)
    stale = {engine: sorted(set(tests) - names) for engine, tests in listed.items()}
    assert not any(stale.values()), f"known_failures.toml names unknown tests: {stale}"
