"""safekg: reporting about child-protection policing as a validated RDF knowledge graph.

The library verbs are the ones the ``safekg`` command runs::

    import safekg

    report = safekg.build(["data/articles"], store_location="safekg-store")
    for record in safekg.iter_facts(store_location="safekg-store"):
        print(record)

They are imported on first use, so ``import safekg`` stays quick. ``iter_facts``
and ``run_query`` are ``safekg.api.facts`` and ``safekg.api.query`` under names
that do not hide the ``safekg.facts`` and ``safekg.query`` modules.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from safekg.api import (
        BuildReport,
        build,
        export,
        remove,
        stats,
        validate_file,
        validate_store,
    )
    from safekg.api import facts as iter_facts
    from safekg.api import query as run_query
    from safekg.errors import ExitCode, SafeKGError
    from safekg.models import Article, Extraction
    from safekg.store import Store, open_store

_ALIASES = {"iter_facts": ("safekg.api", "facts"), "run_query": ("safekg.api", "query")}
_WHERE = {
    "BuildReport": "safekg.api",
    "build": "safekg.api",
    "export": "safekg.api",
    "remove": "safekg.api",
    "stats": "safekg.api",
    "validate_file": "safekg.api",
    "validate_store": "safekg.api",
    "ExitCode": "safekg.errors",
    "SafeKGError": "safekg.errors",
    "Article": "safekg.models",
    "Extraction": "safekg.models",
    "Store": "safekg.store",
    "open_store": "safekg.store",
}

__all__ = [
    "Article",
    "BuildReport",
    "ExitCode",
    "Extraction",
    "SafeKGError",
    "Store",
    "__version__",
    "build",
    "export",
    "iter_facts",
    "open_store",
    "remove",
    "run_query",
    "stats",
    "validate_file",
    "validate_store",
]


def __getattr__(name: str) -> Any:
    if name in _ALIASES:
        where, attribute = _ALIASES[name]
        return getattr(import_module(where), attribute)
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'safekg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
