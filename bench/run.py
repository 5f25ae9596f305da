"""Build benchmark: synthetic articles through ``safekg.build``, then the named queries.

    python bench/run.py --articles 10000

makes the articles (``bench/generate.py``; kept under ``--workdir`` for the
next run), builds them into a new embedded store with ``safekg.build`` (all
cores), then measures, on the same data:

- each named query on the embedded store (pyoxigraph), and on rdflib's
  in-memory ``Dataset`` holding the same quads (skipped past
  ``--rdflib-max-articles``: rdflib needs about 1.2 KB a triple);
- spaCy ``blank("en")`` merely tokenizing the same texts, in one process:
  the floor no spaCy-based extractor can beat.

It prints a table, and as its last line one JSON object: ``articles``,
``build_s``, ``articles_per_s``, ``stages`` (seconds in ingest, extract,
graph, validate, store, summed over processes), ``triples``, ``store_mb``,
``peak_rss_mb`` (the build's processes together, sampled every 0.1 s),
``queries`` and ``rdflib_queries`` (``{name: {"p50_ms", "p95_ms"}}``) and
``tokenize_articles_per_s``. This is a script to read figures from, not a test:
timings on a shared machine vary from run to run.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (bench/generate.py, beside this file)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000, help="how many (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="which set of articles (default 0)")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "safekg-bench",
        help="where articles and the store go (default: $TMPDIR/safekg-bench)",
    )
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: all)")
    parser.add_argument("--repeat", type=int, default=20, help="runs of each query (default 20)")
    parser.add_argument(
        "--queries", nargs="+", metavar="NAME", help="time only these named queries (default: all)"
    )
    parser.add_argument(
        "--query-timeout",
        type=float,
        default=30,
        help="stop a query whose first run takes longer, in seconds (default 30)",
    )
    parser.add_argument(
        "--rdflib-max-articles",
        type=int,
        default=20_000,
        help="compare with rdflib up to this many articles (default 20000)",
    )
    parser.add_argument(
        "--tokenize-max-articles",
        type=int,
        default=20_000,
        help="tokenize at most this many of the texts (default 20000)",
    )
    options = parser.parse_args()
    results = run(options)
    print(json.dumps(results))


def run(options: argparse.Namespace) -> dict[str, Any]:
    from pyoxigraph import RdfFormat

    from safekg import api
    from safekg.store import LocalStore, open_store

    only = set(options.queries) if options.queries else None
    texts = articles(options.workdir, options.articles, options.seed)
    store_path = options.workdir / f"store-{options.articles}-{options.seed}"
    shutil.rmtree(store_path, ignore_errors=True)
    say(f"building {options.articles} articles into {store_path}")
    with peak_rss() as peak:
        started = time.perf_counter()
        report = api.build([texts], store_location=store_path, jobs=options.jobs)
        build_s = time.perf_counter() - started
    if len(report.built) != options.articles:
        invalid, refused = len(report.invalid), len(report.refused)
        say(f"built {len(report.built)}, invalid {invalid}, refused {refused}")
    results: dict[str, Any] = {
        "articles": options.articles,
        "build_s": round(build_s, 2),
        "articles_per_s": round(options.articles / build_s, 1),
        "stages": {stage: round(seconds, 2) for stage, seconds in report.stages.items()},
        "triples": report.triples,
        "store_mb": round(folder_size(store_path) / 2**20, 1),
        "peak_rss_mb": round(peak[0] / 2**20, 1),
    }
    say("running the named queries on the embedded store")
    results["queries"], rows = time_queries(
        "oxigraph", str(store_path), options.repeat, options.query_timeout, only
    )
    results["rdflib_queries"] = None
    rdflib_rows: dict[str, int | None] = {}
    if options.articles <= options.rdflib_max_articles:
        say(f"loading {report.triples} quads into rdflib")
        import rdflib

        with open_store(store_path, read_only=True) as store:
            assert isinstance(store, LocalStore)
            nquads = store.pyoxigraph.dump(format=RdfFormat.N_QUADS)
        dataset = rdflib.Dataset(default_union=True)
        dataset.parse(data=nquads, format="nquads")
        del nquads
        _RDFLIB.append(dataset)
        say("running the named queries on rdflib")
        results["rdflib_queries"], rdflib_rows = time_queries(
            "rdflib", "", max(3, options.repeat // 4), options.query_timeout, only
        )
        _RDFLIB.clear()
        del dataset
    say("tokenizing the texts with spaCy blank('en')")
    results["tokenize_articles_per_s"] = round(
        tokenize_rate(texts, options.tokenize_max_articles), 1
    )
    print_table(results, rows, rdflib_rows)
    return results


def articles(workdir: Path, count: int, seed: int) -> Path:
    """The folder of ``count`` generated articles, made once and kept."""
    folder = workdir / f"articles-{count}-{seed}"
    done = folder / "complete"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        say(f"generating {count} articles into {folder}")
        folder.mkdir(parents=True)
        generate.write(folder, count, seed)
        done.write_text("yes\n")
    return folder / "articles"


def time_queries(
    engine: str, store_path: str, repeat: int, timeout_s: float, only: set[str] | None = None
) -> tuple[dict[str, dict[str, float | None]], dict[str, int | None]]:
    """p50 and p95 of each named query (every row read) after one untimed run, and the
    rows each gave. Each query runs in a child process, stopped when its untimed run
    takes over ``timeout_s`` (its figures are then ``None``); fewer timed runs are made
    of a query once they add up to ``timeout_s``. With ``only``, just those queries."""
    from safekg.query import named_queries

    timings: dict[str, dict[str, float | None]] = {}
    rows: dict[str, int | None] = {}
    # rdflib's dataset is only in this process: its children are forked. A forked child
    # of a process holding an open RocksDB store is not safe: those start afresh.
    context: Any = multiprocessing.get_context("fork" if engine == "rdflib" else "spawn")
    for name, query in sorted(named_queries().items()):
        if only is not None and name not in only:
            continue
        mine, theirs = context.Pipe()
        child = context.Process(
            target=_measure_child,
            args=(engine, store_path, query_text(query), repeat, timeout_s, theirs),
        )
        child.start()
        found: tuple[int, list[float]] | None = None
        if mine.poll(120) and mine.recv() == "ready" and mine.poll(timeout_s):
            count = mine.recv()  # the untimed run ended in time
            found = (count, mine.recv()) if mine.poll(timeout_s * 2 + 10) else None
        child.kill()
        child.join()
        if found is None:
            rows[name] = None
            timings[name] = {"p50_ms": None, "p95_ms": None, "timeout_ms": ms(timeout_s)}
            say(f"  {name}: over {timeout_s:.0f} s, stopped")
            continue
        rows[name], samples = found
        timings[name] = {
            "p50_ms": ms(percentile(samples, 50)),
            "p95_ms": ms(percentile(samples, 95)),
        }
        say(f"  {name}: {rows[name]} rows, p50 {timings[name]['p50_ms']} ms ({len(samples)} runs)")
    return timings, rows


_RDFLIB: list[Any] = []  # the rdflib dataset, for the forked children


def _measure_child(
    engine: str, store_path: str, text: str, repeat: int, budget_s: float, conn: Connection
) -> None:
    """In a child process: the rows of ``text``, then the seconds of up to ``repeat`` runs."""
    if engine == "rdflib":
        answer: Callable[[str], Any] = _RDFLIB[0].query
    else:
        from safekg.store import LocalStore, open_store

        store = open_store(store_path, read_only=True)
        assert isinstance(store, LocalStore)
        oxigraph = store.pyoxigraph

        def answer(text: str) -> Any:
            return oxigraph.query(text, use_default_graph_as_union=True)

    conn.send("ready")
    conn.send(sum(1 for _ in answer(text)))
    samples: list[float] = []
    while len(samples) < repeat and sum(samples) < budget_s:
        started = time.perf_counter()
        for _ in answer(text):
            pass
        samples.append(time.perf_counter() - started)
    conn.send(samples)


def query_text(query: Any) -> str:
    """The named query with its parameters at their defaults, as one text for any engine."""
    substitutions = query.substitutions()
    if not substitutions:
        return str(query.text)
    names = " ".join(str(variable) for variable in substitutions)
    terms = " ".join(str(term) for term in substitutions.values())
    return f"{query.text}\nVALUES ({names}) {{ ({terms}) }}\n"


def tokenize_rate(texts: Path, most: int) -> float:
    """Articles per second that spaCy's blank English pipeline tokenizes, in one process."""
    import spacy

    paths = sorted(texts.rglob("*.txt"))[:most]
    corpus = [path.read_text(encoding="utf-8") for path in paths]
    nlp = spacy.blank("en")
    for _ in nlp.pipe(corpus[:50]):
        pass
    started = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(corpus, batch_size=256))
    seconds = time.perf_counter() - started
    say(f"  {len(corpus)} texts, {tokens / len(corpus):.0f} tokens each, in {seconds:.1f} s")
    return len(corpus) / seconds


@contextmanager
def peak_rss(interval_s: float = 0.1) -> Iterator[list[int]]:
    """The highest resident memory of this process and its children together, in bytes,
    sampled every ``interval_s`` while the block runs (``peak[0]`` afterwards)."""
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], tree_rss(os.getpid()))
            stop.wait(interval_s)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        stop.set()
        sampler.join()


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and every process below it (Linux ``/proc``)."""
    total = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue  # it ended meanwhile
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


def folder_size(path: Path) -> int:
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file())


def percentile(samples: list[float], percent: int) -> float:
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[percent - 1]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def print_table(
    results: dict[str, Any], rows: dict[str, int | None], rdflib_rows: dict[str, int | None]
) -> None:
    stages = results["stages"]
    print(f"articles            {results['articles']}")
    print(f"build               {results['build_s']} s, {results['articles_per_s']} articles/s")
    print(
        "  stages (s, summed over processes): " + ", ".join(f"{k} {v}" for k, v in stages.items())
    )
    print(f"triples             {results['triples']}")
    print(f"store               {results['store_mb']} MB")
    print(f"peak RSS            {results['peak_rss_mb']} MB (build, all processes)")
    print(f"spaCy tokenize      {results['tokenize_articles_per_s']} articles/s (one process)")
    print()
    print(
        f"{'query':<30} {'rows':>6} {'p50 ms':>9} {'p95 ms':>9} "
        f"{'rdflib p50':>11} {'rdflib p95':>11} {'x p50':>7}"
    )
    theirs = results["rdflib_queries"] or {}
    for name, ours in results["queries"].items():
        other = theirs.get(name, {})
        ratio = "-"
        if ours["p50_ms"] and other.get("p50_ms"):
            ratio = f"{other['p50_ms'] / max(ours['p50_ms'], 0.1):.0f}"
        elif ours["p50_ms"] and other.get("timeout_ms"):
            ratio = f">{other['timeout_ms'] / max(ours['p50_ms'], 0.1):.0f}"
        note = ""
        if rdflib_rows and rdflib_rows.get(name) not in (rows[name], None):
            note = f" (rdflib: {rdflib_rows.get(name)} rows)"
        print(
            f"{name:<30} {_cell(rows[name]):>6} {_cell(ours['p50_ms']):>9} "
            f"{_cell(ours['p95_ms']):>9} {_cell(other.get('p50_ms'), theirs):>11} "
            f"{_cell(other.get('p95_ms'), theirs):>11} {ratio:>7}{note}"
        )
    print()


def _cell(value: float | None, present: object = True) -> str:
    """A figure, "-" where none was measured, or "stopped" where a query ran over time."""
    if not present:
        return "-"
    return "stopped" if value is None else f"{value:g}"


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
