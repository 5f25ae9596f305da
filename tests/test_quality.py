"""Extraction quality, scored as users score it: build, list the facts, run score.py.

The seeds and their gold records live in ``../shared/eval`` beside the
repository; the own corpus (``tests/corpus``) ships with it. The thresholds are
the project's bar, so a change that makes extraction worse fails here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from safekg import api

ROOT = Path(__file__).resolve().parents[1]
SHARED_EVAL = ROOT.parent / "shared" / "eval"
SCORE = SHARED_EVAL / "score.py"


def _score(gold: Path, facts: list[dict[str, Any]], tmp_path: Path) -> dict[str, Any]:
    predicted = tmp_path / "facts.jsonl"
    predicted.write_text("".join(json.dumps(f) + "\n" for f in facts), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(SCORE), str(gold), str(predicted), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def _facts_of(articles: Path, tmp_path: Path) -> list[dict[str, Any]]:
    store = tmp_path / "store"
    report = api.build([articles], store_location=store)
    assert report.complete, (report.refused, report.invalid)
    return list(api.facts(store_location=store))


@pytest.fixture(scope="module")
def scorer() -> Path:
    if not SCORE.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{SCORE} is missing: the evaluation set must sit beside the repository")
        pytest.skip(f"{SCORE} is not beside this checkout")
    return SCORE


def test_seeds_score(scorer: Path, tmp_path: Path) -> None:
    facts = _facts_of(ROOT / "data" / "articles", tmp_path)
    result = _score(SHARED_EVAL / "gold" / "seeds.jsonl", facts, tmp_path)
    assert result["all"]["f1"] >= 0.95, result
    assert result["officer"]["f1"] == 1.0, result["officer"]


def test_own_corpus_score(scorer: Path, tmp_path: Path) -> None:
    facts = _facts_of(ROOT / "tests" / "corpus" / "articles", tmp_path)
    result = _score(ROOT / "tests" / "corpus" / "gold.jsonl", facts, tmp_path)
    assert result["all"]["f1"] >= 0.93, result
    for kind in ("agency", "officer", "funding", "outcome"):
        assert result[kind]["f1"] >= 0.85, (kind, result[kind])
    # which body a figure is credited to: half were wrong before attribution had its module
    assert result["outcome"]["agency_accuracy"] >= 0.85, result["outcome"]
