"""Where the files that ship with safekg are (ontology, shapes, rules and reference data),
and how a JSON-lines rule file is read.

In an installed wheel they live in ``safekg/_resources``; in a source checkout
they are the top-level ``ontology/``, ``shapes/`` and ``data/`` folders.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from safekg.errors import ExtractionError

_PACKAGE = Path(__file__).resolve().parent


@cache
def root() -> Path:
    """The folder that holds ``ontology/``, ``shapes/`` and ``data/``."""
    bundled = _PACKAGE / "_resources"
    if (bundled / "ontology").is_dir():
        return bundled
    checkout = _PACKAGE.parent.parent
    if (checkout / "ontology").is_dir():
        return checkout
    raise FileNotFoundError("safekg's ontology and data files are missing from this install")


def path(*parts: str) -> Path:
    """A shipped file, e.g. ``path("ontology", "safekg.ttl")``."""
    return root().joinpath(*parts)


def ontology_file() -> Path:
    return path("ontology", "safekg.ttl")


def shapes_file() -> Path:
    return path("shapes", "safekg.shacl.ttl")


def data_file(*parts: str) -> Path:
    return path("data", *parts)


def jsonl_rows(file: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each rule of a JSON-lines file with where it stands (``file:line``), for messages.

    Blank lines and lines starting with ``//`` are skipped; a file that cannot be
    read, a line that is not JSON or not an object is an :class:`ExtractionError`.
    """
    try:
        content = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise ExtractionError(f"{file}: cannot read the rules: {reason}") from None
    for number, line in enumerate(content.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("//"):
            continue
        where = f"{file}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ExtractionError(f"{where}: not JSON: {exc.msg}") from None
        if not isinstance(row, dict):
            raise ExtractionError(f"{where}: a rule must be a JSON object")
        yield where, row
