"""The library verbs: build a graph from articles, then validate, query, export or remove.

Each function opens the store it is given (a location, or an open ``Store``
that it leaves open), does one job and returns plain values. The CLI calls
each of them once.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import re
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import pyoxigraph as ox
import rdflib

from safekg import facts as facts_view
from safekg import formats, ingest
from safekg import query as query_module
from safekg.atomic import write_atomic
from safekg.errors import SafeKGError
from safekg.graph import graph_iri
from safekg.models import Article
from safekg.store import Store, open_store, oxigraph_triples
from safekg.vocab import PREFIXES

if TYPE_CHECKING:
    from safekg.reason import StoreReasoning
    from safekg.validate import ValidationReport

_T = TypeVar("_T")
_END = object()  # the end of an iterator

#: A store location (path, ``":memory:"``, endpoint URL, ``None`` for the default) or an open store.
StoreLike = Store | str | Path | None

#: Called once per input as a build goes: ``(status, article id or source)``, where status
#: is ``"built"``, ``"skipped"``, ``"refused"`` or ``"invalid"``.
Progress = Callable[[str, str], None]

#: Articles a worker process takes at a time, and the runs of them queued per worker:
#: more than a write batch (``BATCH_SIZE``), so that the workers go on while it is written
#: (pyoxigraph lets go of the interpreter lock meanwhile).
_CHUNK = 16
_CHUNKS_AHEAD = 24
#: Built articles written to the store together (one transaction on the embedded store).
BATCH_SIZE = 256
#: The store is flushed after this many articles: the embedded store otherwise keeps
#: about 1 GB of recent writes in memory (RocksDB's write buffers) during a long build.
_FLUSH_EVERY = 1024
#: A build that writes this many articles, and at least a quarter as many as the store
#: held, compacts the store at the end (``Store.optimize``): at 100,000 articles, 44 s
#: that take the store from 4.3 to 2.4 GB.
_OPTIMIZE_AFTER = 1000
#: With ``jobs=None``, a build of fewer articles than this stays in this process:
#: starting the worker processes would take longer than the build.
_MIN_FOR_WORKERS = 100
#: The stages whose time a build reports (``BuildReport.stages``).
STAGES = ("ingest", "extract", "graph", "validate", "store")

#: ``validate_file`` refuses JSON-LD and RDF/XML nested deeper than this: pyoxigraph's parsers
#: take time quadratic in the depth of either, and crash on JSON-LD nested 10,000 deep.
MAX_RDF_NESTING = 500
#: ... and RDF/XML whose internal entities would expand to more characters than this.
MAX_ENTITY_EXPANSION = 10_000_000


@dataclass(frozen=True)
class BuildReport:
    """What a build did with each input."""

    built: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()  # unchanged since the last build
    refused: tuple[tuple[str, str], ...] = ()  # (source, reason): could not be read or processed
    invalid: tuple[tuple[str, str], ...] = ()  # (article id, SHACL report): not stored
    triples: int = 0  # triples in the store afterwards
    #: Seconds spent in each of ``STAGES``, summed over processes: with several
    #: workers, extract, graph and validate together exceed the time the build took.
    stages: dict[str, float] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Every input was built or was already up to date."""
        return not self.refused and not self.invalid


@dataclass(frozen=True)
class _Processed:
    article_id: str
    ntriples: bytes  # the article's graph as N-Triples (empty when it does not conform)
    conforms: bool
    report: str
    source: str | None = None  # set when processing failed: the article is refused


@dataclass(frozen=True)
class _Chunk:
    """What a worker made of a run of articles, and the seconds each stage took."""

    done: tuple[_Processed, ...]
    seconds: dict[str, float]


@dataclass
class _Tally:
    built: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    invalid: list[tuple[str, str]] = field(default_factory=list)


def build(
    paths: Iterable[str | Path],
    *,
    store_location: StoreLike = None,
    jobs: int | None = None,
    force: bool = False,
    on_progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
    link: bool = True,
) -> BuildReport:
    """Read, extract, validate and store every article under ``paths``.

    An article whose text is unchanged since it was stored is skipped unless
    ``force``; a changed one replaces its named graph. An article whose graph
    does not conform to the shapes is not stored and is reported in
    ``invalid``; files that cannot be read, and articles whose extraction fails
    with an error, are reported in ``refused`` and the build goes on.

    Extraction, RDF and validation (SHACL, one article at a time) run in
    ``jobs`` worker processes: by default one per core, or none for a build
    of a few articles. Built articles are written ``batch_size`` at a time
    (``Store.replace_graphs``: one transaction on the embedded store, one
    update per article on an endpoint). Memory does not grow with the number
    of articles, beyond a list of their ids. A build that wrote 1,000 articles
    or more, and at least a quarter as many as the store held, then compacts
    the embedded store (``Store.optimize``), and ``on_progress`` hears
    ``("compacting", location)``.

    When anything was built and ``link`` is true, the links to open data and
    the dataset description are made again from the reference tables (as
    ``safekg link`` does, never reaching the network).
    """
    workers = _workers(jobs)
    if batch_size < 1:
        raise SafeKGError(f"batch_size must be 1 or more, not {batch_size}")
    notify = on_progress or _ignore
    tally = _Tally()
    clock = _Clock()
    items = ingest.read_articles(paths)  # checks that every path exists before the store opens
    with _opened(store_location, read_only=False) as store:
        stored = {} if force else store.article_hashes()
        todo = _to_build(clock.timed("ingest", items), stored, tally, notify)
        writer = _Writer(store, batch_size, tally, notify, clock)
        for chunk in _process_all(todo, workers, auto=jobs is None):
            clock.add(chunk.seconds)
            for done in chunk.done:
                if done.source is not None:
                    tally.refused.append((done.source, done.report))
                    notify("refused", done.source)
                elif done.conforms:
                    writer.add(done)
                else:
                    tally.invalid.append((done.article_id, done.report))
                    notify("invalid", done.article_id)
        writer.flush()
        if link and tally.built:
            with clock.timing("store"):
                _link_store(store)
        with clock.timing("store"):
            store.flush()
            if len(tally.built) >= max(_OPTIMIZE_AFTER, len(stored) // 4):
                notify("compacting", str(store.location))
                store.optimize()
        triples = store.triple_count()
    return BuildReport(
        built=tuple(tally.built),
        skipped=tuple(tally.skipped),
        refused=tuple(tally.refused),
        invalid=tuple(tally.invalid),
        triples=triples,
        stages=dict(clock.seconds),
    )


def count_inputs(paths: Iterable[str | Path]) -> int | None:
    """How many articles ``build(paths)`` will read, going by file names (for an ETA).

    ``None`` when a JSON or JSONL file is among them, since one holds any number.
    """
    count = 0
    for item in map(Path, paths):
        if item.is_file():
            found = [item.name]
        else:
            found = []
            for _, dirs, files in os.walk(item):
                dirs[:] = [name for name in dirs if not name.startswith(".")]
                found += [name for name in files if not name.startswith(".")]
        for name in found:
            kind = ingest.SUFFIXES.get(Path(name).suffix.lower())
            if kind in ("json", "jsonl"):
                return None
            count += kind is not None
    return count


def remove(ids: Iterable[str], *, store_location: StoreLike = None) -> tuple[str, ...]:
    """Remove articles from the store; refuses, removing nothing, if one is not there."""
    wanted = tuple(dict.fromkeys(ids))
    with _opened(store_location, read_only=False) as store:
        known = set(store.graphs())
        missing = [article_id for article_id in wanted if graph_iri(article_id) not in known]
        if missing:
            raise SafeKGError(f"no article {missing[0]!r} in the store at {store.location}")
        for article_id in wanted:
            store.remove_graph(graph_iri(article_id))
        store.flush()
    return wanted


def validate_store(*, store_location: StoreLike = None) -> ValidationReport:
    """Validate the union of every article's graph in the store against the shapes."""
    from safekg.validate import validate

    with _opened(store_location, read_only=True) as store:
        data = store.dump(ox.RdfFormat.N_TRIPLES)
    return validate(rdflib.Graph().parse(data=data, format="nt"))


def validate_file(path: str | Path) -> ValidationReport:
    """Validate an RDF file (any format ``RdfFormat`` knows, by its suffix) against the shapes."""
    from safekg.validate import validate

    source = Path(path)
    if not source.is_file():
        raise SafeKGError(f"no such file: {source}")
    rdf_format = formats.RdfFormat.from_suffix(source)
    try:
        raw = source.read_bytes()
        _check_rdf_input(raw, rdf_format, source)
        quads = list(ox.parse(raw, format=rdf_format.oxigraph))
    except (SyntaxError, ValueError) as error:
        raise SafeKGError(f"cannot parse {source}: {error}") from None
    except OSError as error:
        raise SafeKGError(f"cannot read {source}: {error.strerror or error}") from None
    data = ox.serialize((quad.triple for quad in quads), format=ox.RdfFormat.N_TRIPLES) or b""
    return validate(rdflib.Graph().parse(data=data, format="nt"))


_JSON_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
_XML_TOKEN = re.compile(
    rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!DOCTYPE(?:[^\[>]|\[.*?\])*>"
    rb"|<(/?)[^\s/>!?]+(?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s*(/?)>",
    re.DOTALL,
)
_XML_ENTITY = re.compile(rb"<!ENTITY\s+(%\s+)?(\S+)\s+(?:\"([^\"]*)\"|'([^']*)')")
_XML_ENTITY_REF = re.compile(rb"&([^\s&;#]+);")


def _check_rdf_input(data: bytes, rdf_format: formats.RdfFormat, source: Path) -> None:
    """Refuse JSON-LD or RDF/XML that would stall or crash the parser (see MAX_RDF_NESTING)."""
    depth = deepest = 0
    if rdf_format is formats.RdfFormat.JSONLD:
        for match in _JSON_TOKEN.finditer(data):
            if match[0] in (b"[", b"{"):
                depth += 1
                deepest = max(deepest, depth)
            elif match[0] in (b"]", b"}"):
                depth -= 1
    elif rdf_format is formats.RdfFormat.RDFXML:
        _check_entities(data, source)
        for match in _XML_TOKEN.finditer(data):
            if match[1] is None:  # a comment, CDATA, processing instruction or DOCTYPE
                continue
            if match[1]:
                depth -= 1
            elif not match[2]:
                depth += 1
                deepest = max(deepest, depth)
    if deepest > MAX_RDF_NESTING:
        raise SafeKGError(
            f"cannot parse {source}: nested {deepest:,} levels deep; the limit is {MAX_RDF_NESTING}"
        )


def _check_entities(data: bytes, source: Path) -> None:
    """Refuse XML entities that refer to themselves or would expand past MAX_ENTITY_EXPANSION.

    External entities need no check: pyoxigraph refuses them and never reads a DTD.
    """
    values: dict[bytes, bytes] = {}
    for match in _XML_ENTITY.finditer(data):
        if not match[1]:
            values.setdefault(match[2], match[3] if match[3] is not None else match[4])
    if not values:
        return
    refs = {name: _XML_ENTITY_REF.findall(value) for name, value in values.items()}
    sizes: dict[bytes, int] = {}
    for root in values:
        path = [root]
        while path:
            name = path[-1]
            todo = [ref for ref in refs[name] if ref in values and ref not in sizes]
            if todo and todo[0] in path:
                raise SafeKGError(
                    f"cannot parse {source}: the XML entity {todo[0].decode()!r} refers to itself"
                )
            if todo:
                path.append(todo[0])
                continue
            size = len(values[name]) + sum(sizes.get(ref, 0) for ref in refs[name])
            sizes[name] = min(size, MAX_ENTITY_EXPANSION + 1)
            path.pop()
    total = sum(sizes.get(ref, 0) for ref in _XML_ENTITY_REF.findall(data))
    if total > MAX_ENTITY_EXPANSION:
        raise SafeKGError(
            f"cannot parse {source}: its XML entities expand to over "
            f"{MAX_ENTITY_EXPANSION:,} characters"
        )


def stats(*, store_location: StoreLike = None) -> dict[str, int]:
    """How many articles, fact records of each kind, and triples the store holds."""
    kinds = {"agency": "agencies", "officer": "officers", "funding": "fundings"}
    counts = dict.fromkeys(("agencies", "officers", "fundings", "outcomes"), 0)
    with _opened(store_location, read_only=True) as store:
        for record in facts_view.facts(store):
            kind = str(record.get("type"))
            key = kinds.get(kind, f"{kind}s")
            counts[key] = counts.get(key, 0) + 1
        articles = len(store.article_hashes())
        return {"articles": articles, **counts, "triples": store.triple_count()}


def export(
    fmt: formats.RdfFormat | str | None = None,
    *,
    store_location: StoreLike = None,
    output: str | Path | None = None,
) -> bytes | None:
    """Serialize the store in ``fmt``: to ``output`` (written atomically) or returned.

    ``fmt`` is a format or its name; by default the one ``output``'s suffix
    names, else Turtle.
    """
    rdf_format = (
        fmt
        if isinstance(fmt, formats.RdfFormat)
        else _chosen_format(
            fmt,
            output,
            formats.RdfFormat.from_name,
            formats.RdfFormat.from_suffix,
            formats.RdfFormat.TURTLE,
        )
    )
    with _opened(store_location, read_only=True) as store:
        data = store.dump(rdf_format.oxigraph, prefixes=dict(PREFIXES))
    if output is None:
        return data
    write_atomic(Path(output), data)
    return None


_Format = TypeVar("_Format")


def _chosen_format(
    name: str | None,
    output: str | Path | None,
    by_name: Callable[[str], _Format],
    by_suffix: Callable[[str], _Format],
    default: _Format,
) -> _Format:
    """The format named, else the one ``output``'s suffix names, else ``default``."""
    if name is not None:
        return by_name(name)
    if output is not None:
        return by_suffix(str(output))
    return default


def facts(*, store_location: StoreLike = None) -> Iterator[dict[str, Any]]:
    """Every fact the graph holds, one record each (the contract of FACTS.md)."""
    with _opened(store_location, read_only=True) as store:
        yield from facts_view.facts(store)


def query(
    text_or_name: str,
    *,
    store_location: StoreLike = None,
    params: dict[str, str] | None = None,
    fmt: formats.ResultFormat | str = formats.ResultFormat.TABLE,
    timeout_s: float = query_module.DEFAULT_TIMEOUT_S,
    max_memory_mb: int | None = query_module.DEFAULT_MAX_MEMORY_MB,
) -> str:
    """Answer a named query, a ``.rq`` file or SPARQL text (read-only), formatted as ``fmt``.

    The query runs within ``timeout_s`` seconds and ``max_memory_mb`` MiB (``None``: no
    memory budget); past either it is stopped with ``QueryBudgetError``.
    """
    with _opened(store_location, read_only=True) as store:
        return query_module.run_query(
            store,
            text_or_name,
            params=params or {},
            fmt=fmt,
            timeout_s=timeout_s,
            max_memory_mb=max_memory_mb,
        )


def serve(
    *,
    store_location: StoreLike = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    on_ready: Callable[[str], None] | None = None,
    log: Callable[[str], None] | None = None,
) -> None:
    """Serve the graph on the web until interrupted: a read-only SPARQL endpoint at
    ``/sparql``, a page for every resource at ``/id/...``, the named queries at ``/query``.

    The store is opened read-only for as long as the server runs. ``on_ready`` is given
    the server's URL once it listens; ``log`` one line per request.
    """
    from safekg.serve import serve as serve_store

    with _opened(store_location, read_only=True) as store:
        serve_store(store, host, port, on_ready=on_ready, log=log)


def chart(
    text_or_name: str,
    *,
    store_location: StoreLike = None,
    params: dict[str, str] | None = None,
    fmt: str | None = None,
    output: str | Path | None = None,
    kind: str | None = None,
    x: str | None = None,
    y: str | None = None,
    facet: str | None = None,
    series: str | None = None,
) -> bytes | None:
    """Chart the rows of a named query, a ``.rq`` file or SPARQL SELECT text as PNG or SVG.

    The format is ``fmt``, else the suffix of ``output``, else PNG. A named query is drawn
    its own way (``safekg.chart.NAMED_SPECS``); ``kind`` (bar or time), ``x``, ``y``,
    ``facet`` and ``series`` name other columns. Written to ``output`` (atomically), or
    returned.
    """
    import json

    from safekg import chart as chart_module

    chart_format = _chosen_format(
        fmt,
        output,
        chart_module.ChartFormat.from_name,
        chart_module.ChartFormat.from_suffix,
        chart_module.ChartFormat.PNG,
    )
    answer = query(
        text_or_name,
        store_location=store_location,
        params=params,
        fmt=formats.ResultFormat.JSON,
    )
    columns, rows = chart_module.rows_from_json(json.loads(answer))
    name = text_or_name if text_or_name in query_module.named_queries() else None
    spec = chart_module.with_overrides(
        chart_module.spec_for(name, columns, rows), kind=kind, x=x, y=y, facet=facet, series=series
    )
    title = query_module.named_queries()[name].title if name else None
    if title and params:
        title += " (" + ", ".join(f"{key} {value}" for key, value in params.items()) + ")"
    data = chart_module.draw(rows, spec, chart_format, title=title)
    if output is None:
        return data
    write_atomic(Path(output), data)
    return None


def explain(iri: str, *, store_location: StoreLike = None) -> str:
    """What the graph says about one node, with the article sentences it came from."""
    from safekg import explain as explain_module

    with _opened(store_location, read_only=True) as store:
        return explain_module.render(explain_module.explain(store, iri))


def link(
    *,
    store_location: StoreLike = None,
    endpoint: str | None = None,
    threshold: float = 0.85,
) -> LinkReport:
    """Link agencies, areas and offences to open data; write the links graph.

    The reference tables under ``data/reference`` are used as they are; only
    with ``endpoint`` is a Wikidata-compatible SPARQL endpoint asked about
    agencies the tables do not know.
    """
    from safekg import link as link_module
    from safekg import reconcile as reconcile_module

    with _opened(store_location, read_only=False) as store:
        reconciled = None
        if endpoint:
            reconciled = reconcile_module.reconcile(
                link_module.unlinked_agencies(store), endpoint, threshold=threshold
            )
        graph = _link_store(store, reconciled)
        return LinkReport(
            counts=link_module.linkset_counts(graph),
            for_review=tuple(reconciled.refused_for_review) if reconciled else (),
            unmatched=tuple(reconciled.unmatched) if reconciled else (),
        )


def _link_store(store: Store, reconciled: Any = None) -> rdflib.Graph:
    """Write the links graph and the dataset description; return the links."""
    from safekg import link as link_module

    graph = link_module.link_graph(store, reconciled=reconciled)
    store.replace_graph(link_module.LINKS_GRAPH, oxigraph_triples(graph))
    description = link_module.dataset_description(store)
    store.replace_graph(link_module.DESCRIPTION_GRAPH, oxigraph_triples(description))
    return graph


@dataclass(frozen=True)
class LinkReport:
    counts: dict[str, int]
    for_review: tuple[object, ...] = ()
    unmatched: tuple[object, ...] = ()


def reason(
    *, store_location: StoreLike = None, write: bool = True, timeout_s: float = 300.0
) -> StoreReasoning:
    """Check the graph against the ontology with HermiT; store what follows in its own graph.

    What is inferred (class memberships, inverse and transitive relations) replaces
    the named graph ``safekg.reason.INFERRED_GRAPH`` and nothing else; an article's
    graph is never written. With ``write=False`` the store is only read.
    """
    from safekg import reason as reason_module

    if timeout_s <= 0:
        raise SafeKGError("the reasoner's time budget must be more than 0 seconds")
    with _opened(store_location, read_only=not write) as store:
        return reason_module.reason_store(store, write=write, timeout_s=timeout_s)


@contextmanager
def _opened(location: StoreLike, *, read_only: bool) -> Iterator[Store]:
    if isinstance(location, Store):
        yield location
        return
    with open_store(location, read_only=read_only) as store:
        yield store


def _to_build(
    items: Iterable[Article | ingest.Refused],
    stored: dict[str, str],
    tally: _Tally,
    notify: Progress,
) -> Iterator[Article]:
    """The articles that need building; the rest go into the tally."""
    for item in items:
        if isinstance(item, ingest.Refused):
            tally.refused.append((item.source, item.reason))
            notify("refused", item.source)
            continue
        if stored.get(item.id) == item.sha256:
            tally.skipped.append(item.id)
            notify("skipped", item.id)
            continue
        yield item


def _workers(jobs: int | None) -> int:
    """How many processes a build works in: ``jobs``, or one per core the process may use."""
    if jobs is None:
        if hasattr(os, "sched_getaffinity"):
            return max(1, len(os.sched_getaffinity(0)))
        return os.cpu_count() or 1
    if jobs < 1:
        raise SafeKGError(f"jobs must be 1 or more, not {jobs}")
    return jobs


def _process_all(articles: Iterator[Article], workers: int, *, auto: bool) -> Iterator[_Chunk]:
    """The articles processed in order, a run at a time, by ``workers`` processes.

    With ``auto``, a build that turns out to have few articles stays in this process.
    """
    head = list(itertools.islice(articles, _MIN_FOR_WORKERS if auto else 0))
    chunks = _chunked(itertools.chain(head, articles), _CHUNK)
    if workers == 1 or len(head) < (_MIN_FOR_WORKERS if auto else 0):
        yield from map(_process_chunk, chunks)
        return
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_end_with_parent,
        initargs=(os.getpid(),),
    )
    try:
        pending: deque[Future[_Chunk]] = deque()
        for chunk in chunks:
            with _interrupts_blocked():  # a worker starts here, and keeps the blocked mask
                pending.append(pool.submit(_process_chunk, chunk))
            if len(pending) >= workers * _CHUNKS_AHEAD:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(cancel_futures=True)  # after Ctrl-C: finish what runs, start nothing


def _end_with_parent(parent: int) -> None:
    """In a worker: exit as soon as the build's process is gone (killed), not run on alone."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="safekg-watch-parent", daemon=True).start()


def _chunked(articles: Iterable[Article], size: int) -> Iterator[tuple[Article, ...]]:
    iterator = iter(articles)
    while chunk := tuple(itertools.islice(iterator, size)):
        yield chunk


@contextmanager
def _interrupts_blocked() -> Iterator[None]:
    """Hold back SIGINT meanwhile (it is delivered after), so processes started here never get it.

    Ctrl-C reaches every process of the terminal's process group: only the build itself
    should stop, and with one line, not a traceback from each worker.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _process_chunk(articles: Sequence[Article]) -> _Chunk:
    """Articles through extraction, RDF and validation (in a worker process, or this one)."""
    from safekg import validate as validation  # its ``validate_triples`` is looked up at each call
    from safekg.extract import extract
    from safekg.graph import to_triples

    seconds = dict.fromkeys(("extract", "graph", "validate"), 0.0)
    done: list[_Processed] = []
    for article in articles:
        started = time.perf_counter()
        try:
            extraction = extract(article)
            extracted = time.perf_counter()
            triples = to_triples(extraction)
            made = time.perf_counter()
            body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
            report = validation.validate_triples(triples, ntriples=body)
            validated = time.perf_counter()
            if not report.conforms:
                body = b""
        except Exception as error:  # one article's fault must not stop a build of thousands
            failure = f"could not be processed ({type(error).__name__}: {error})"
            done.append(
                _Processed(article.id, b"", False, failure, source=article.source or article.id)
            )
            continue
        seconds["extract"] += extracted - started
        seconds["graph"] += made - extracted + time.perf_counter() - validated
        seconds["validate"] += validated - made
        done.append(_Processed(article.id, body, report.conforms, report.text))
    return _Chunk(tuple(done), seconds)


class _Writer:
    """Writes built articles to the store, ``batch_size`` at a time."""

    def __init__(
        self, store: Store, batch_size: int, tally: _Tally, notify: Progress, clock: _Clock
    ) -> None:
        self._store = store
        self._batch_size = batch_size
        self._tally = tally
        self._notify = notify
        self._clock = clock
        self._pending: list[_Processed] = []
        self._unflushed = 0

    def add(self, done: _Processed) -> None:
        self._pending.append(done)
        if len(self._pending) >= self._batch_size:
            self.flush()

    def flush(self) -> None:
        """Write what is pending; an article counts as built once it is in the store."""
        batch, self._pending = self._pending, []
        if not batch:
            return
        with self._clock.timing("store"):
            self._store.replace_graphs([(graph_iri(d.article_id), d.ntriples) for d in batch])
            self._unflushed += len(batch)
            if self._unflushed >= _FLUSH_EVERY:
                self._store.flush()
                self._unflushed = 0
        for done in batch:
            self._tally.built.append(done.article_id)
            self._notify("built", done.article_id)


class _Clock:
    """Seconds spent in each stage of a build."""

    def __init__(self) -> None:
        self.seconds = dict.fromkeys(STAGES, 0.0)

    def add(self, seconds: dict[str, float]) -> None:
        for stage, spent in seconds.items():
            self.seconds[stage] += spent

    @contextmanager
    def timing(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] += time.perf_counter() - started

    def timed(self, stage: str, items: Iterable[_T]) -> Iterator[_T]:
        """``items``, counting the time taken to get each one as ``stage``."""
        iterator = iter(items)
        while True:
            with self.timing(stage):
                item = next(iterator, _END)
            if item is _END:
                return
            yield cast(_T, item)


def _ignore(status: str, item: str) -> None:
    """The progress callback when there is none."""
