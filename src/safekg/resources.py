"""Where the files that ship with safekg are: ontology, shapes, rules and reference data.

In an installed wheel they live in ``safekg/_resources``; in a source checkout
they are the top-level ``ontology/``, ``shapes/`` and ``data/`` folders.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

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
