"""The W3C SHACL Core test suite, run against pyshacl, the validator safekg uses.

Each ``sht:Validate`` test must give the expected ``sh:conforms`` and the expected number
of ``sh:result`` nodes. Known failures come from known_failures.toml.
"""

from __future__ import annotations

from typing import Final

import pytest
from pyshacl import validate
from rdflib import RDF, Graph

from conformance.conftest import (
    MISSING,
    SH,
    ShaclCase,
    check_known_failures,
    params,
    require_w3c,
    shacl_cases,
    w3c_present,
)

SUITE: Final = "shacl"
FOLDER: Final = "shacl-tests/core"
ENGINES: Final = ("pyshacl",)
CASES: Final = shacl_cases(FOLDER) if w3c_present(FOLDER) else []


def _graph(path: object) -> Graph:
    return Graph().parse(path, format="turtle")  # type: ignore[arg-type]


@pytest.mark.parametrize(("case", "engine"), params(SUITE, ENGINES, CASES, FOLDER))
def test_shacl(case: ShaclCase | None, engine: str) -> None:
    require_w3c(FOLDER)
    assert case is not None, MISSING
    data = _graph(case.data)
    shapes = data if case.shapes == case.data else _graph(case.shapes)
    conforms, report, text = validate(data, shacl_graph=shapes)
    reports = list(report.subjects(RDF.type, SH.ValidationReport))
    assert len(reports) == 1, f"pyshacl gave {len(reports)} validation reports"
    found = len(set(report.objects(reports[0], SH.result)))
    assert (conforms, found) == (case.conforms, case.results), text


def test_suite_is_complete() -> None:
    """The whole core suite is read, through every mf:include: its 98 tests."""
    require_w3c(FOLDER)
    assert len(CASES) == 98
    assert len({case.name for case in CASES}) == len(CASES)


def test_known_failures_name_real_tests() -> None:
    """Every known failure names a test of this suite and an engine that runs it."""
    require_w3c(FOLDER)
    check_known_failures(SUITE, ENGINES, CASES)
