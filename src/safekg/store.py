"""Where the graph lives: an embedded on-disk store, an in-memory one, or a SPARQL endpoint.

``open_store(location)`` picks the backend from the location:

- a path: an embedded pyoxigraph store on disk, with a lock file beside its
  folder: one writer, or any number of readers (pyoxigraph does not support
  reading a folder while another process writes it);
- ``":memory:"``: an in-memory pyoxigraph store, gone when the process ends;
- an ``http(s)://`` URL: a SPARQL 1.1 endpoint, queried at ``{url}/query`` and
  updated at ``{url}/update`` (Oxigraph server ``http://host:7878``, Fuseki
  ``http://host:3030/dataset``). Credentials come only from the environment:
  ``SAFEKG_ENDPOINT_USER`` and ``SAFEKG_ENDPOINT_PASSWORD`` (basic) or
  ``SAFEKG_ENDPOINT_TOKEN`` (bearer).

Every article lives in its own named graph. ``replace_graph`` swaps one graph
atomically, so readers see the old graph or the new one, never a mix;
``replace_graphs`` swaps a batch of them, in one transaction on the embedded
store and one SPARQL update per graph on an endpoint.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import os
import shutil
import urllib.error
import urllib.parse
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Final

import pyoxigraph as ox
import rdflib

from safekg.errors import EndpointError, SafeKGError, StoreError, StoreLockedError
from safekg.vocab import DCTERMS, SK

#: What ``Store.query`` returns, whatever the backend.
QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples

MEMORY: Final = ":memory:"
DEFAULT_LOCATION: Final = "safekg-store"
ENV_LOCATION: Final = "SAFEKG_STORE"
ENV_USER: Final = "SAFEKG_ENDPOINT_USER"
ENV_PASSWORD: Final = "SAFEKG_ENDPOINT_PASSWORD"
ENV_TOKEN: Final = "SAFEKG_ENDPOINT_TOKEN"

_SHA256: Final = str(SK.sha256)
_IDENTIFIER: Final = str(DCTERMS.identifier)
_TIMEOUT_S: Final = 60.0
_RESULTS_JSON: Final = "application/sparql-results+json"
_NTRIPLES: Final = "application/n-triples"

Triples = rdflib.Graph | Iterable[ox.Triple]


class Store(ABC):
    """An RDF dataset of one named graph per article, with pyoxigraph's verbs."""

    def __init__(self, location: str, *, read_only: bool) -> None:
        self.location = location
        self.read_only = read_only

    # -- what each backend provides -------------------------------------------------

    @abstractmethod
    def query(self, sparql: str, *, union_default_graph: bool = True) -> QueryResult:
        """Run a SPARQL query; by default the union of the named graphs is the default graph."""

    @abstractmethod
    def _update(self, sparql: str) -> None:
        """Run a SPARQL update as one transaction."""

    def flush(self) -> None:  # noqa: B027 - nothing to do unless a backend buffers
        """Make sure every write so far is on disk."""

    def close(self) -> None:  # noqa: B027 - nothing to do unless a backend holds resources
        """Release the store; the object cannot be used afterwards."""

    def optimize(self) -> None:  # noqa: B027 - nothing to do unless a backend compacts
        """Compact what many writes left behind: a smaller store that reads faster."""

    # -- verbs shared by every backend ----------------------------------------------

    def update(self, sparql: str) -> None:
        """Run a SPARQL update as one transaction."""
        self._check_writable()
        self._update(sparql)

    def replace_graph(self, graph_iri: str, triples: Triples) -> None:
        """Make ``triples`` the whole content of the named graph ``graph_iri``, atomically."""
        body = ox.serialize(oxigraph_triples(triples), format=ox.RdfFormat.N_TRIPLES) or b""
        self.replace_graphs([(graph_iri, body)])

    def replace_graphs(self, graphs: Sequence[tuple[str, bytes]]) -> None:
        """Make each N-Triples document the whole content of its named graph.

        ``graphs`` pairs a graph IRI (each at most once) with its triples as
        N-Triples. Each graph is replaced atomically: a reader sees its old
        content or its new content, never a mix. A SPARQL endpoint gets one
        update per graph, so a failed request leaves every graph whole (those
        before it replaced, the others as they were); the embedded store writes
        the whole batch at once (``LocalStore.replace_graphs``).
        """
        self._check_writable()
        _check_batch(graphs)
        for graph_iri, body in graphs:
            self._update(_replacing([(graph_iri, body)]))

    def remove_graph(self, graph_iri: str) -> None:
        """Remove the named graph ``graph_iri`` (nothing happens when there is none)."""
        self.update(f"DROP SILENT GRAPH {_iri(graph_iri)}")

    def graphs(self) -> list[str]:
        """The IRIs of the named graphs, sorted."""
        rows = self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(row[0].value for row in rows)

    def article_hashes(self) -> dict[str, str]:
        """For every stored article, its identifier and the sha256 of the text it was built from."""
        rows = self._select(
            f"SELECT ?id ?sha WHERE {{ GRAPH ?g {{ ?a <{_SHA256}> ?sha ; <{_IDENTIFIER}> ?id }} }}"
        )
        return {row[0].value: row[1].value for row in rows}

    def triple_count(self) -> int:
        """How many triples the named graphs hold together (a triple in two graphs counts twice)."""
        rows = self._select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(rows[0][0].value) if rows else 0

    def quads(self) -> Iterator[ox.Quad]:
        """Every triple of every named graph, with its graph."""
        for row in self._select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"):
            yield ox.Quad(row[0], row[1], row[2], row[3])

    def dump(self, format: ox.RdfFormat, *, prefixes: dict[str, str] | None = None) -> bytes:
        """Serialize the store: every named graph for dataset formats, else their union."""
        if format.supports_datasets:
            return ox.serialize(self.quads(), format=format, prefixes=prefixes) or b""
        rows = self._select("SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
        union = (ox.Triple(row[0], row[1], row[2]) for row in rows)
        return ox.serialize(union, format=format, prefixes=prefixes) or b""

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"<{type(self).__name__} {self.location!r} {mode}>"

    # -- internals --------------------------------------------------------------------

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"the store at {self.location} was opened read-only")

    def _select(self, sparql: str) -> list[ox.QuerySolution]:
        result = self.query(sparql, union_default_graph=False)
        if not isinstance(result, ox.QuerySolutions):
            raise StoreError(f"{self.location} did not answer a SELECT query with solutions")
        return list(result)


class LocalStore(Store):
    """A pyoxigraph store, on disk or in memory."""

    def __init__(
        self, store: ox.Store, location: str, *, read_only: bool, lock: IO[bytes] | None = None
    ) -> None:
        super().__init__(location, read_only=read_only)
        self._store: ox.Store | None = store
        self._lock = lock

    @property
    def pyoxigraph(self) -> ox.Store:
        """The underlying ``pyoxigraph.Store``."""
        if self._store is None:
            raise StoreError(f"the store at {self.location} is closed")
        return self._store

    def query(self, sparql: str, *, union_default_graph: bool = True) -> QueryResult:
        try:
            return self.pyoxigraph.query(sparql, use_default_graph_as_union=union_default_graph)
        except SyntaxError as error:
            raise SafeKGError(f"invalid SPARQL query: {error}") from None
        except OSError as error:
            raise StoreError(f"cannot read the store at {self.location}: {error}") from None

    def _update(self, sparql: str) -> None:
        try:
            self.pyoxigraph.update(sparql)
        except SyntaxError as error:
            raise SafeKGError(f"invalid SPARQL update: {error}") from None
        except OSError as error:
            raise StoreError(f"cannot write the store at {self.location}: {error}") from None

    def replace_graphs(self, graphs: Sequence[tuple[str, bytes]]) -> None:
        """As ``Store.replace_graphs``, writing the whole batch in at most two transactions.

        Graphs the store does not hold yet are loaded together as N-Quads (the
        fast path of a first build); graphs it holds are dropped and inserted
        again in one SPARQL update. Either transaction is all or nothing, and
        each graph is in one of them.
        """
        self._check_writable()
        _check_batch(graphs)
        store = self.pyoxigraph
        new: list[tuple[str, bytes]] = []
        held: list[tuple[str, bytes]] = []
        for graph_iri, body in graphs:
            # Blank nodes keep their labels in a load, but are fresh in each update.
            fresh = b"_:" not in body and not store.contains_named_graph(ox.NamedNode(graph_iri))
            (new if fresh else held).append((graph_iri, body))
        try:
            if new:
                store.load(_as_nquads(new), format=ox.RdfFormat.N_QUADS)
            if held:
                store.update(_replacing(held))
        except SyntaxError as error:
            raise SafeKGError(f"invalid N-Triples for the store: {error}") from None
        except OSError as error:
            raise StoreError(f"cannot write the store at {self.location}: {error}") from None

    def graphs(self) -> list[str]:
        names = self.pyoxigraph.named_graphs()
        return sorted(name.value for name in names if isinstance(name, ox.NamedNode))

    def triple_count(self) -> int:
        return len(self.pyoxigraph)

    def dump(self, format: ox.RdfFormat, *, prefixes: dict[str, str] | None = None) -> bytes:
        if format.supports_datasets:
            return self.pyoxigraph.dump(format=format, prefixes=prefixes) or b""
        return super().dump(format, prefixes=prefixes)

    def flush(self) -> None:
        if self._store is not None and not self.read_only and self.location != MEMORY:
            self._store.flush()

    def optimize(self) -> None:
        if self._store is not None and not self.read_only and self.location != MEMORY:
            self._store.optimize()

    def close(self) -> None:
        if self._store is None:
            return
        with contextlib.suppress(OSError):
            self.flush()
        self._store = None
        if self._lock is not None:
            self._lock.close()  # closing the file releases the flock
            self._lock = None


class RemoteStore(Store):
    """A SPARQL 1.1 endpoint: queries at ``{url}/query``, updates at ``{url}/update``."""

    def __init__(self, url: str, *, read_only: bool) -> None:
        super().__init__(url, read_only=read_only)
        base = url.rstrip("/")
        self.query_url = f"{base}/query"
        self.update_url = f"{base}/update"

    def query(self, sparql: str, *, union_default_graph: bool = True) -> QueryResult:
        # Oxigraph server reads the flag; endpoints that don't know it ignore it.
        url = f"{self.query_url}?union-default-graph" if union_default_graph else self.query_url
        accept = f"{_RESULTS_JSON}, {_NTRIPLES};q=0.9, text/turtle;q=0.5"
        media_type, body = self._post(url, "application/sparql-query", sparql, accept)
        results_format = ox.QueryResultsFormat.from_media_type(media_type)
        if results_format is not None:
            return ox.parse_query_results(body, format=results_format)
        rdf_format = ox.RdfFormat.from_media_type(media_type)
        if rdf_format is None:
            raise EndpointError(f"{self.location} answered in an unknown format: {media_type}")
        graph = ox.Store()
        graph.load(body, format=rdf_format)
        return graph.query("CONSTRUCT WHERE { ?s ?p ?o }")

    def _update(self, sparql: str) -> None:
        self._post(self.update_url, "application/sparql-update", sparql, "*/*")

    def _post(self, url: str, content_type: str, text: str, accept: str) -> tuple[str, bytes]:
        headers = {"Content-Type": f"{content_type}; charset=utf-8", "Accept": accept}
        headers.update(_auth_headers())
        request = urllib.request.Request(url, text.encode("utf-8"), headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=_TIMEOUT_S) as response:
                media_type = response.headers.get_content_type()
                return media_type, response.read()
        except urllib.error.HTTPError as error:
            raise _http_error(url, error) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise EndpointError(f"cannot reach the SPARQL endpoint {url}: {reason}") from None


def open_store(location: str | Path | None = None, *, read_only: bool = False) -> Store:
    """Open the store at ``location`` (default: ``$SAFEKG_STORE``, else ``./safekg-store``).

    On a path, a writer holds an exclusive lock and readers a shared one for as
    long as the store is open; whoever cannot have the lock at once is refused
    with ``StoreLockedError``.
    """
    where = str(location) if location is not None else os.environ.get(ENV_LOCATION, "")
    where = where or DEFAULT_LOCATION
    if where == MEMORY:
        return LocalStore(ox.Store(), MEMORY, read_only=read_only)
    if where.startswith(("http://", "https://")):
        return _open_remote(where, read_only=read_only)
    if "://" in where:
        raise StoreError(f"unsupported store location {where!r}: use a path or an http(s) URL")
    return _open_path(Path(where), read_only=read_only)


def lock_file(path: Path) -> Path:
    """The lock file a writer holds while it has the store at ``path`` open."""
    return path.parent / f"{path.name}.lock"


def _create(path: Path) -> None:
    """Create an empty store beside ``path`` and move it into place in one rename.

    A process killed while the database files are first written leaves a
    stray staging folder, never a half-made store at ``path``.
    """
    staging = path.with_name(f".{path.name}.creating-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    ox.Store(str(staging)).flush()
    os.replace(staging, path)


def _open_path(path: Path, *, read_only: bool) -> LocalStore:
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path} is a file, not a store folder")
    if read_only and not path.is_dir():
        raise StoreError(f"no store at {path}: build one first with `safekg build PATH`")
    lock = _take_lock(path, shared=read_only)
    try:
        if not read_only and not path.exists():
            _create(path)
        store = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except (OSError, RuntimeError) as error:
        if lock is not None:
            lock.close()
        if "lock" in str(error).lower():
            raise StoreLockedError(f"the store at {path} is already open for writing") from None
        raise StoreError(f"cannot open the store at {path}: {error}") from None
    return LocalStore(store, str(path), read_only=read_only, lock=lock)


def _take_lock(path: Path, *, shared: bool) -> IO[bytes] | None:
    handle = _open_lock_file(path, shared=shared)
    if handle is None:
        return None
    try:
        fcntl.flock(handle, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except BlockingIOError:
        message = _lock_holder(handle, path)
        handle.close()
        raise StoreLockedError(message) from None
    if not shared:
        handle.seek(0)
        handle.truncate(0)
        handle.write(str(os.getpid()).encode("ascii"))
        handle.flush()
    return handle


def _lock_holder(handle: IO[bytes], path: Path) -> str:
    """Why the lock was refused: a writer has it, or readers do (they can share it)."""
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().decode("ascii", "replace").strip()
        who = f" (process {holder})" if holder.isdigit() else ""
        return f"another process{who} is writing to the store at {path}; try again when it is done"
    return f"other processes are reading the store at {path}; try again when they are done"


def _open_lock_file(path: Path, *, shared: bool) -> IO[bytes] | None:
    """The lock file, opened; ``None`` for a reader where none can exist (read-only media)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return open(lock_file(path), "a+b")
    except OSError as error:
        if not shared:
            raise StoreError(f"cannot create the lock file {lock_file(path)}: {error}") from None
    try:
        return open(lock_file(path), "rb")
    except FileNotFoundError:
        return None  # nobody could have written here: a writer creates the lock file
    except OSError as error:
        raise StoreError(f"cannot open the lock file of the store at {path}: {error}") from None


def _open_remote(url: str, *, read_only: bool) -> RemoteStore:
    parts = urllib.parse.urlsplit(url)
    if parts.username or parts.password:
        raise StoreError(
            f"put endpoint credentials in {ENV_USER}/{ENV_PASSWORD} or {ENV_TOKEN}, not in the URL"
        )
    if not parts.hostname:
        raise StoreError(f"no host in the endpoint URL {url!r}")
    if parts.query or parts.fragment:
        raise StoreError(f"give the endpoint's base URL without '?' or '#': {url!r}")
    return RemoteStore(url, read_only=read_only)


def _auth_headers() -> dict[str, str]:
    token = os.environ.get(ENV_TOKEN)
    if token:
        return {"Authorization": f"Bearer {token}"}
    user = os.environ.get(ENV_USER)
    if user:
        secret = f"{user}:{os.environ.get(ENV_PASSWORD, '')}".encode()
        return {"Authorization": f"Basic {base64.b64encode(secret).decode('ascii')}"}
    return {}


def _http_error(url: str, error: urllib.error.HTTPError) -> StoreError:
    try:
        detail = error.read().decode("utf-8", "replace").strip().splitlines()
    except OSError:
        detail = []
    said = f": {detail[0][:300]}" if detail else ""
    if error.code in (401, 403):
        return EndpointError(
            f"{url} refused access ({error.code}); set {ENV_USER}/{ENV_PASSWORD} or {ENV_TOKEN}"
        )
    if error.code >= 500 or error.code == 404:
        return EndpointError(f"{url} answered {error.code} {error.reason}{said}")
    return StoreError(f"{url} refused the request ({error.code}){said}")


def _check_batch(graphs: Sequence[tuple[str, bytes]]) -> None:
    """Refuse a batch naming a graph twice or naming something that is not an IRI."""
    seen: set[str] = set()
    for graph_iri, _ in graphs:
        _iri(graph_iri)
        if graph_iri in seen:
            raise StoreError(f"the graph {graph_iri} is twice in one batch")
        seen.add(graph_iri)


def _replacing(graphs: Sequence[tuple[str, bytes]]) -> str:
    """One SPARQL update that replaces each graph with its N-Triples."""
    drops = "".join(f"DROP SILENT GRAPH {_iri(graph_iri)} ;\n" for graph_iri, _ in graphs)
    inserts = "".join(
        f"GRAPH {_iri(graph_iri)} {{\n{body.decode('utf-8')}}}\n" for graph_iri, body in graphs
    )
    return f"{drops}INSERT DATA {{\n{inserts}}}"


def _as_nquads(graphs: Sequence[tuple[str, bytes]]) -> bytes:
    """N-Triples documents as one N-Quads document, each in its named graph.

    pyoxigraph writes N-Triples one triple a line, each line ending with `` .``
    and a newline, and no term holds a raw newline (a literal's is escaped): so
    writing the graph name before each `` .`` that ends a line makes the line a
    quad. A document written otherwise is parsed instead.
    """
    parts: list[bytes] = []
    for graph_iri, body in graphs:
        end = b" " + _iri(graph_iri).encode("utf-8") + b" .\n"
        if body.endswith(b"\n") and body.count(b"\n") == body.count(b" .\n"):
            parts.append(body.replace(b" .\n", end))
        elif body:
            name = ox.NamedNode(graph_iri)
            triples = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
            quads = (ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
            parts.append(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    return b"".join(parts)


def _iri(value: str) -> str:
    """``value`` as a SPARQL IRI reference, refusing anything that is not an IRI."""
    try:
        return str(ox.NamedNode(value))
    except ValueError:
        raise StoreError(f"not a valid graph IRI: {value!r}") from None


def oxigraph_triples(triples: Triples) -> Iterator[ox.Triple]:
    """``triples`` as pyoxigraph triples (rdflib terms are converted, pyoxigraph ones pass)."""
    if not isinstance(triples, rdflib.Graph):
        yield from triples
        return
    for s, p, o in triples:
        yield ox.Triple(_term(s), _term(p), _term(o))  # type: ignore[arg-type]


def _term(term: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(_bnode_id(str(term)))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise StoreError(f"cannot store the RDF term {term!r}")


_XSD_STRING: Final = "http://www.w3.org/2001/XMLSchema#string"


def rdflib_graph(triples: Iterable[ox.Triple]) -> rdflib.Graph:
    """Triples in pyoxigraph terms as an rdflib graph (the reverse of ``oxigraph_triples``)."""
    graph = rdflib.Graph(bind_namespaces="none")
    for triple in triples:
        subject, predicate = rdflib_term(triple.subject), rdflib_term(triple.predicate)
        graph.add((subject, predicate, rdflib_term(triple.object)))
    return graph


def rdflib_term(term: object) -> rdflib.URIRef | rdflib.BNode | rdflib.Literal:
    """A pyoxigraph term as rdflib's (the reverse of ``oxigraph_triples``'s terms)."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:  # plain, as rdflib reads it from N-Triples
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    raise StoreError(f"cannot convert the RDF term {term!r}")


def _bnode_id(label: str) -> str:
    """A blank node label pyoxigraph accepts, the same for the same rdflib label."""
    return label if label.isalnum() else "b" + label.encode("utf-8").hex()


__all__ = [
    "DEFAULT_LOCATION",
    "MEMORY",
    "LocalStore",
    "QueryResult",
    "RemoteStore",
    "Store",
    "lock_file",
    "open_store",
    "oxigraph_triples",
    "rdflib_graph",
    "rdflib_term",
]
