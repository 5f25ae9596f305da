"""The library verbs: build a graph from articles, then validate, query, export or remove.

Each function opens the store it is given (a location, or an open ``Store``
that it leaves open), does one job and returns plain values. The CLI calls
each of them once.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
    from safekg.validate import ValidationReport

#: A store location (path, ``":memory:"``, endpoint URL, ``None`` for the default) or an open store.
StoreLike = Store | str | Path | None

#: Called once per input as a build goes: ``(status, article id or source)``, where status
#: is ``"built"``, ``"skipped"``, ``"refused"`` or ``"invalid"``.
Progress = Callable[[str, str], None]

_PER_WORKER_AHEAD = 4  # articles queued per worker process


@dataclass(frozen=True)
class BuildReport:
    """What a build did with each input."""

    built: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()  # unchanged since the last build
    refused: tuple[tuple[str, str], ...] = ()  # (source, reason): could not be read
    invalid: tuple[tuple[str, str], ...] = ()  # (article id, SHACL report): not stored
    triples: int = 0  # triples in the store afterwards

    @property
    def complete(self) -> bool:
        """Every input was built or was already up to date."""
        return not self.refused and not self.invalid


@dataclass(frozen=True)
class _Processed:
    article_id: str
    triples: tuple[ox.Triple, ...]
    conforms: bool
    report: str


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
    jobs: int = 1,
    force: bool = False,
    on_progress: Progress | None = None,
) -> BuildReport:
    """Read, extract, validate and store every article under ``paths``.

    An article whose text is unchanged since it was stored is skipped unless
    ``force``. An article whose graph does not conform to the shapes is not
    stored and is reported in ``invalid``; files that cannot be read are
    reported in ``refused``. ``jobs`` > 1 extracts in that many processes.
    """
    if jobs < 1:
        raise SafeKGError(f"jobs must be 1 or more, not {jobs}")
    notify = on_progress or _ignore
    tally = _Tally()
    items = ingest.read_articles(paths)  # checks that every path exists before the store opens
    with _opened(store_location, read_only=False) as store:
        stored = {} if force else store.article_hashes()
        todo = _to_build(items, stored, tally, notify)
        for done in _process_all(todo, jobs):
            if done.conforms:
                store.replace_graph(graph_iri(done.article_id), done.triples)
                tally.built.append(done.article_id)
                notify("built", done.article_id)
            else:
                tally.invalid.append((done.article_id, done.report))
                notify("invalid", done.article_id)
        store.flush()
        triples = store.triple_count()
    return BuildReport(
        built=tuple(tally.built),
        skipped=tuple(tally.skipped),
        refused=tuple(tally.refused),
        invalid=tuple(tally.invalid),
        triples=triples,
    )


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
        quads = list(ox.parse(path=source, format=rdf_format.oxigraph))
    except (SyntaxError, ValueError) as error:
        raise SafeKGError(f"cannot parse {source}: {error}") from None
    except OSError as error:
        raise SafeKGError(f"cannot read {source}: {error.strerror or error}") from None
    data = ox.serialize((quad.triple for quad in quads), format=ox.RdfFormat.N_TRIPLES) or b""
    return validate(rdflib.Graph().parse(data=data, format="nt"))


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
    fmt: formats.RdfFormat,
    *,
    store_location: StoreLike = None,
    output: str | Path | None = None,
) -> bytes | None:
    """Serialize the store in ``fmt``: to ``output`` (written atomically) or returned."""
    with _opened(store_location, read_only=True) as store:
        data = store.dump(fmt.oxigraph, prefixes=dict(PREFIXES))
    if output is None:
        return data
    write_atomic(Path(output), data)
    return None


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
) -> str:
    """Answer a named query, a ``.rq`` file or SPARQL text (read-only), formatted as ``fmt``."""
    with _opened(store_location, read_only=True) as store:
        return query_module.run_query(store, text_or_name, params=params or {}, fmt=fmt)


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
        graph = link_module.link_graph(store, reconciled=reconciled)
        store.replace_graph(link_module.LINKS_GRAPH, oxigraph_triples(graph))
        return LinkReport(
            counts=link_module.linkset_counts(graph),
            for_review=tuple(reconciled.refused_for_review) if reconciled else (),
            unmatched=tuple(reconciled.unmatched) if reconciled else (),
        )


@dataclass(frozen=True)
class LinkReport:
    counts: dict[str, int]
    for_review: tuple[object, ...] = ()
    unmatched: tuple[object, ...] = ()


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


def _process_all(articles: Iterator[Article], jobs: int) -> Iterator[_Processed]:
    if jobs == 1:
        yield from map(_process, articles)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        pending: deque[Future[_Processed]] = deque()
        for article in articles:
            pending.append(pool.submit(_process, article))
            if len(pending) >= jobs * _PER_WORKER_AHEAD:
                yield pending.popleft().result()
        for future in pending:
            yield future.result()


def _process(article: Article) -> _Processed:
    """One article through extraction, RDF and validation (runs in a worker when jobs > 1)."""
    from safekg.extract import extract
    from safekg.graph import to_graph
    from safekg.validate import validate

    graph = to_graph(extract(article))
    report = validate(graph)
    triples = tuple(oxigraph_triples(graph)) if report.conforms else ()
    return _Processed(article.id, triples, report.conforms, report.text)


def _ignore(status: str, item: str) -> None:
    """The progress callback when there is none."""
