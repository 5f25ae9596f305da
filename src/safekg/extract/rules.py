"""Loading the rule files under ``data/`` (patterns, lexicons, gazetteers).

Every loader validates what it reads and fails with the file and line, so a
malformed rule is an error at load time, never a silent miss at match time.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from safekg.errors import ExtractionError
from safekg.resources import data_file, jsonl_rows


def _file(kind: str, name: str) -> Path:
    path = data_file(kind, name)
    if not path.is_file():
        raise ExtractionError(f"{path}: rule file is missing")
    return path


@cache
def toml(kind: str, name: str) -> dict[str, Any]:
    """A TOML rule file, e.g. ``toml("patterns", "numbers.toml")``."""
    path = _file(kind, name)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ExtractionError(f"{path}: {exc}") from None


@cache
def jsonl(kind: str, name: str) -> tuple[dict[str, Any], ...]:
    """A JSON-lines rule file; blank lines and lines starting with ``//`` are skipped."""
    return tuple(row for _, row in jsonl_rows(_file(kind, name)))


@cache
def lines(kind: str, name: str) -> tuple[str, ...]:
    """A plain list, one entry a line; ``#`` starts a comment line."""
    path = _file(kind, name)
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return tuple(out)


def require(row: dict[str, Any], key: str, kind: type, where: str) -> Any:
    """A field of a rule row, checked for presence and type."""
    value = row.get(key)
    if not isinstance(value, kind):
        raise ExtractionError(f"{where}: field {key!r} must be a {kind.__name__}")
    return value
