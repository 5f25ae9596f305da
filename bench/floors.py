"""Floors: what the build's fixed steps and the shortest listings cost on this machine.

    python bench/floors.py --store /tmp/safekg-bench/store-10000-0

reads a store that ``bench/run.py`` built, and measures on its articles what no
change to safekg's own code can make cheaper:

- SHACL with pyshacl-turbo (the Rust engine), one article at a time and in
  batches of articles, in CPU ms an article;
- writing articles into an on-disk Oxigraph store that already holds the others,
  in batches of 256: in a transaction (``Store.load``), and without one
  (``Store.bulk_load``), in CPU and wall ms an article;
- reading out, with no join, the identifiers of every article, every
  membership and every outcome figure (the rows the listing queries answer
  with), and the figures with their values (one join), best of three runs, in ms.

A build on ``C`` cores at ``R`` articles/s has ``1000 * C / R`` CPU ms an
article for every step together, and one writer. This is a script to read
figures from, not a test. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

SCHEMA = "https://schema.org/"
LISTINGS = {
    "article identifiers": "SELECT ?id WHERE { GRAPH ?g { ?a dcterms:identifier ?id } }",
    "membership IRIs": "SELECT ?m WHERE { GRAPH ?g { ?m a org:Membership } }",
    "outcome figure IRIs": "SELECT ?o WHERE { GRAPH ?g { ?o a qb:Observation } }",
    "outcome figures with their values (two properties joined)": (
        "SELECT ?o ?v WHERE { { SELECT ?o WHERE { GRAPH ?g { ?o a qb:Observation } } }"
        " { SELECT ?o ?v WHERE { GRAPH ?g { ?o sdmx-measure:obsValue ?v } } } }"
    ),
}
PREFIXES = """\
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="a store bench/run.py built")
    parser.add_argument(
        "--articles", type=int, default=2560, help="articles to validate and write (default 2560)"
    )
    parser.add_argument(
        "--listings-only", action="store_true", help="only time the listings (a large store)"
    )
    options = parser.parse_args()
    store = ox.Store.read_only(str(options.store))
    results: dict[str, Any] = {"store": str(options.store), "cores": os.cpu_count()}
    if not options.listings_only:
        graphs = article_graphs(store)
        say(f"{len(graphs)} articles in the store")
        chosen = graphs[-options.articles :]
        articles = [
            [q.triple for q in store.quads_for_pattern(None, None, None, g)] for g in chosen
        ]
        results["triples_per_article"] = round(sum(map(len, articles)) / len(articles), 1)
        results["validate_cpu_ms"] = validation(articles)
        results["write_ms"] = writes(store, graphs[: -options.articles], chosen)
    results["listing_ms"] = listings(store)
    print(json.dumps(results))


def article_graphs(store: ox.Store) -> list[ox.NamedNode]:
    graphs = {
        quad.graph_name
        for quad in store.quads_for_pattern(
            None,
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode(SCHEMA + "NewsArticle"),
            None,
        )
    }
    return sorted((g for g in graphs if isinstance(g, ox.NamedNode)), key=str)


def validation(articles: list[list[ox.Triple]]) -> dict[str, float]:
    """CPU ms an article: one validation run per article, and per batch of 16, 64, 256."""
    from safekg.validate import _turbo_program, _validate_turbo

    program = _turbo_program()
    if program is None:
        sys.exit("pyshacl-turbo is not installed: pip install 'safekg[fast]'")
    texts = [ox.serialize(a, format=ox.RdfFormat.N_TRIPLES) or b"" for a in articles]
    figures: dict[str, float] = {}
    for size in (1, 16, 64, 256):
        started = time.process_time()
        for i in range(0, len(articles), size):
            triples = [t for article in articles[i : i + size] for t in article]
            _validate_turbo(program, triples, b"".join(texts[i : i + size]))
        figures[f"batch_{size}"] = round((time.process_time() - started) * 1000 / len(articles), 2)
        say(f"  SHACL, {size} article(s) a run: {figures[f'batch_{size}']} CPU ms an article")
    return figures


def writes(
    source: ox.Store, before: list[ox.NamedNode], chosen: list[ox.NamedNode]
) -> dict[str, float]:
    """ms an article for writing ``chosen`` into a store holding ``before``, 256 at a time."""

    def nquads(graphs: list[ox.NamedNode]) -> bytes:
        quads = [q for g in graphs for q in source.quads_for_pattern(None, None, None, g)]
        return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""

    base = nquads(before)
    batches = [nquads(chosen[i : i + 256]) for i in range(0, len(chosen), 256)]
    figures: dict[str, float] = {}
    for method in ("load", "bulk_load"):
        folder = Path(tempfile.mkdtemp(prefix="safekg-floor-"))
        try:
            target = ox.Store(str(folder))
            target.bulk_load(base, format=ox.RdfFormat.N_QUADS)
            target.flush()
            cpu, wall = time.process_time(), time.perf_counter()
            for batch in batches:
                getattr(target, method)(batch, format=ox.RdfFormat.N_QUADS)
            target.flush()
            figures[f"{method}_cpu"] = round((time.process_time() - cpu) * 1000 / len(chosen), 2)
            figures[f"{method}_wall"] = round((time.perf_counter() - wall) * 1000 / len(chosen), 2)
            del target
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        say(
            f"  write with {method}: {figures[f'{method}_cpu']} CPU ms, "
            f"{figures[f'{method}_wall']} wall ms an article"
        )
    return figures


def listings(store: ox.Store) -> dict[str, dict[str, float]]:
    """Rows and best-of-three ms of reading out each listing, with no join."""
    figures: dict[str, dict[str, float]] = {}
    for name, text in LISTINGS.items():
        best, rows = float("inf"), 0
        for _ in range(3):
            started = time.perf_counter()
            solutions = store.query(PREFIXES + text, use_default_graph_as_union=True)
            assert isinstance(solutions, ox.QuerySolutions)
            rows = sum(1 for _ in solutions)
            best = min(best, time.perf_counter() - started)
        figures[name] = {"rows": rows, "ms": round(best * 1000, 1)}
        say(f"  {name}: {rows} rows in {figures[name]['ms']} ms")
    return figures


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
