"""The web application: routes a request to a page, a resource or the SPARQL endpoint.

:class:`App` turns a request (method, target, headers, body) into a
:class:`Response` and touches no socket, so it can be tested and reused;
:mod:`safekg.serve.server` puts it behind the standard library's HTTP server.

=================  ==============================================================
``/``              the home page: dataset description, counts, agencies, articles
``/id/...``        every ``https://w3id.org/safekg/id/...`` resource: HTML, Turtle,
                   JSON-LD, N-Triples or RDF/XML by the ``Accept`` header
                   (``?format=turtle`` etc. to choose in a browser)
``/dataset``       the VoID/DCAT description of the dataset, the same way
``/def``           the ontology (``https://w3id.org/safekg/def``), the same way
``/search?q=``     names of agencies, people, offences and articles
``/query``         the named queries, ready to run, and a form for any query
``/sparql``        the SPARQL 1.1 Protocol (GET and POST), read-only
``/static/...``    the stylesheet
=================  ==============================================================
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources as importlib_resources
from typing import Final
from urllib.parse import parse_qs, urlencode, urlsplit

import pyoxigraph as ox

from safekg import chart as charts
from safekg.errors import SafeKGError
from safekg.formats import ResultFormat
from safekg.query import DEFAULT_TIMEOUT_S, named_queries
from safekg.serve import pages, sparql
from safekg.serve.markup import Html, el
from safekg.serve.negotiate import choose
from safekg.serve.site import AgencyView, Site, iri_of_path, local_href
from safekg.store import Store
from safekg.vocab import ID, PREFIXES

__all__ = ["App", "Response"]

_HTML: Final = "text/html"
#: RDF media types a resource is offered in (after HTML): media type -> pyoxigraph format.
_RDF: Final[Mapping[str, ox.RdfFormat]] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
_FORMAT_NAMES: Final = {name: media_type for name, media_type, _ in pages.RDF_FORMATS} | {
    "ttl": "text/turtle",
    "json-ld": "application/ld+json",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
    "xml": "application/rdf+xml",
    "html": _HTML,
}
_QUERY_DOWNLOADS: Final = (("CSV", "csv"), ("TSV", "tsv"), ("JSON", "json"), ("XML", "xml"))
_CHART_TYPES: Final = {"png": charts.ChartFormat.PNG, "svg": charts.ChartFormat.SVG}
#: Rows an HTML result page shows.
PAGE_ROWS: Final = 1000


@dataclass(frozen=True)
class Response:
    """What to send back."""

    status: int
    body: bytes
    content_type: str
    headers: Mapping[str, str] = field(default_factory=dict)


Log = Callable[[str], None]


class App:
    """The pages, resources and SPARQL endpoint of one store, opened read-only by the caller."""

    def __init__(
        self,
        store: Store,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        concurrent_queries: int = 2,
        log_error: Log | None = None,
    ) -> None:
        self.store = store
        self.site = Site(store)
        self.runner = sparql.QueryRunner(store, timeout_s=timeout_s, concurrent=concurrent_queries)
        self._log_error = log_error or _print_error

    # -- dispatch ------------------------------------------------------------------------

    def handle(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes = b""
    ) -> Response:
        """Answer one request. ``headers`` are looked up by lower-case name."""
        parts = urlsplit(target)
        path, query_string = parts.path or "/", parts.query
        accept = headers.get("accept")
        try:
            if path == "/sparql":
                if method not in ("GET", "HEAD", "POST"):
                    return _not_allowed("GET, HEAD, POST")
                return self.sparql(method, query_string, headers, body)
            if path == "/query" and method == "POST":
                query_string = body.decode("utf-8", errors="replace")
                method = "GET"
            if method not in ("GET", "HEAD"):
                return _not_allowed("GET, HEAD" + (", POST" if path == "/query" else ""))
            params = parse_qs(query_string, keep_blank_values=True)
            if path == "/":
                return _html(pages.home_page(self.site.summary()))
            if path.startswith("/id/"):
                return self.resource(path, params, accept)
            if path == "/dataset":
                return self.dataset(params, accept)
            if path == "/def":
                return self.ontology(params, accept)
            if path == "/search":
                text = _one(params, "q") or ""
                return _html(pages.search_page(text, self.site.search(text)))
            if path == "/query":
                return self.query_page(params)
            if path == "/static/style.css":
                return Response(200, _stylesheet(), "text/css; charset=utf-8", _CACHE)
            return self.not_found("There is no page at this address.")
        except sparql.ProtocolError as error:
            return self.error(error.status, "Bad request", str(error))
        except SafeKGError as error:
            self._log_error(f"{method} {target}: {error}")
            return self.error(500, "Something went wrong", "The store could not answer.")

    # -- resources -----------------------------------------------------------------------

    def resource(self, path: str, params: Mapping[str, list[str]], accept: str | None) -> Response:
        iri = iri_of_path(path)
        if iri is None:
            return self.not_found("This is not the address of a safekg resource.")
        media_type = self._negotiate(params, accept, (_HTML, *_RDF))
        if media_type is None:
            return self._not_acceptable((_HTML, *_RDF))
        if media_type != _HTML:
            triples = self.site.triples(iri)
            if not triples:
                return self.not_found(f"The graph says nothing about {iri}.")
            return _rdf(triples, media_type)
        kind = iri[len(ID) :].split("/", 1)[0]
        if kind == "agency":
            view = self.site.agency(iri)
            if view is not None:
                return _html(pages.agency_page(view, path, self._agency_chart(view)))
        elif kind == "article":
            article = self.site.article(iri)
            if article is not None:
                return _html(pages.article_page(article, path))
        description = self.site.describe(iri)
        if description is None:
            return self.not_found(f"The graph says nothing about {iri}.")
        return _html(pages.resource_page(description, path))

    def _agency_chart(self, view: AgencyView) -> str | None:
        rows = [
            {
                "measure": outcome.measure.label,
                "value": outcome.number,
                "start": outcome.start,
                "end": outcome.end,
                "published": outcome.published,
                "url": local_href(outcome.evidence[0].iri) if outcome.evidence else None,
            }
            for outcome in view.outcomes
        ]
        spec = charts.ChartSpec(
            "time",
            x="end",
            x_fallback="published",
            start="start",
            y="value",
            facet="measure",
            url="url",
        )
        try:
            svg = charts.draw(rows, spec, charts.ChartFormat.SVG)
        except SafeKGError:
            return None
        label = f"Outcome figures of {view.name} over time, one panel per measure"
        return charts.inline_svg(svg, label=label, chart_id="outcomes-chart")

    def dataset(self, params: Mapping[str, list[str]], accept: str | None) -> Response:
        media_type = self._negotiate(params, accept, (_HTML, *_RDF))
        if media_type is None:
            return self._not_acceptable((_HTML, *_RDF))
        summary = self.site.summary()
        if media_type == _HTML:
            return _html(pages.home_page(summary))
        graph = summary.description_graph
        data = graph.serialize(format=_RDFLIB[media_type], encoding="utf-8")
        return Response(200, data, _with_charset(media_type), {"Vary": "Accept"})

    def ontology(self, params: Mapping[str, list[str]], accept: str | None) -> Response:
        media_type = self._negotiate(params, accept, (_HTML, *_RDF))
        if media_type is None:
            return self._not_acceptable((_HTML, *_RDF))
        if media_type == _HTML:
            return _html(pages.ontology_page(self.site.ontology_terms()))
        return _rdf(self.site.ontology_triples(), media_type)

    def _negotiate(
        self, params: Mapping[str, list[str]], accept: str | None, offers: tuple[str, ...]
    ) -> str | None:
        named = _one(params, "format")
        if named is not None:
            media_type = _FORMAT_NAMES.get(named.strip().lower())
            if media_type is None or media_type not in offers:
                raise sparql.ProtocolError(
                    400, f"unknown format {named!r}; use html, turtle, jsonld, ntriples or rdfxml"
                )
            return media_type
        return choose(accept, offers)

    # -- the query page ------------------------------------------------------------------

    def query_page(self, params: Mapping[str, list[str]]) -> Response:
        named = named_queries()
        name = _one(params, "name")
        text = _one(params, "query")
        wanted = (_one(params, "format") or "html").strip().lower()
        if name is None and text is None:
            return _html(pages.query_page(named))
        if name is not None and name not in named:
            return self.error(404, "No such query", f"There is no named query {name!r}.")
        values = {
            key: found[0]
            for key, found in params.items()
            if key not in ("name", "format", "query") and found
        }
        source = name if name is not None else (text or "")
        try:
            if wanted in _CHART_TYPES and name is not None:
                return self._chart_file(name, values, _CHART_TYPES[wanted])
            if wanted != "html":
                return self._download(name, source, values, wanted)
            results = self._results(name, source, values)
            status, error = 200, None
        except SafeKGError as failure:
            results, status, error = None, sparql.status_of(failure), str(failure)
        page = pages.query_page(
            named, chosen=name, values=values, text=text, results=results, error=error
        )
        return _html(page, status)

    def _run(
        self,
        name: str | None,
        source: str,
        values: Mapping[str, str],
        fmt: ResultFormat,
        max_rows: int | None = None,
    ) -> str:
        if name is not None:
            return self.runner.run(name, fmt, params=values, max_rows=max_rows)
        return self.runner.run(source, fmt, max_rows=max_rows)

    def _results(self, name: str | None, source: str, values: Mapping[str, str]) -> pages.Results:
        form = "SELECT" if name is not None else sparql.query_form(source)
        downloads = tuple(
            (label, "/query?" + urlencode({**_source(name, source), **values, "format": fmt}))
            for label, fmt in _QUERY_DOWNLOADS
        )
        if form in ("CONSTRUCT", "DESCRIBE"):
            turtle = self._run(name, source, values, ResultFormat.TABLE, PAGE_ROWS)
            return pages.Results(graph=turtle)
        document = json.loads(self._run(name, source, values, ResultFormat.JSON, PAGE_ROWS + 1))
        if "boolean" in document:
            return pages.Results(boolean=bool(document["boolean"]))
        columns = tuple(str(v) for v in document.get("head", {}).get("vars", []))
        bindings = document.get("results", {}).get("bindings", [])
        numeric = tuple(
            i
            for i, column in enumerate(columns)
            if bindings and all(_is_number(b.get(column)) for b in bindings if b.get(column))
        )
        rows = tuple(
            tuple(_cell(binding.get(column)) for column in columns)
            for binding in bindings[:PAGE_ROWS]
        )
        chart = None
        if name is not None and bindings:
            chart_links = tuple(
                (label, "/query?" + urlencode({"name": name, **values, "format": fmt}))
                for label, fmt in (("PNG chart", "png"), ("SVG chart", "svg"))
            )
            chart = self._inline_chart(name, document)
            if chart is not None:
                downloads = downloads + chart_links
        return pages.Results(
            columns=columns,
            rows=rows,
            numeric=numeric,
            more=len(bindings) > PAGE_ROWS,
            chart=chart,
            downloads=downloads,
        )

    def _inline_chart(self, name: str, document: Mapping[str, object]) -> str | None:
        try:
            columns, rows = charts.rows_from_json(document)
            spec = charts.spec_for(name, columns, rows)
            svg = charts.draw(rows, spec, charts.ChartFormat.SVG)
        except SafeKGError:
            return None
        title = named_queries()[name].title
        return charts.inline_svg(svg, label=f"Chart of {title}", chart_id=f"chart-{name}")

    def _chart_file(
        self, name: str, values: Mapping[str, str], fmt: charts.ChartFormat
    ) -> Response:
        document = json.loads(self.runner.run(name, ResultFormat.JSON, params=values))
        columns, rows = charts.rows_from_json(document)
        data = charts.draw(
            rows, charts.spec_for(name, columns, rows), fmt, title=named_queries()[name].title
        )
        return Response(200, data, fmt.media_type)

    def _download(
        self, name: str | None, source: str, values: Mapping[str, str], wanted: str
    ) -> Response:
        try:
            fmt = ResultFormat.from_name(wanted)
        except SafeKGError:
            raise sparql.ProtocolError(
                400, f"unknown format {wanted!r}; use html, csv, tsv, json or xml"
            ) from None
        data = self._run(name, source, values, fmt)
        media_type = fmt.media_type
        form = "SELECT" if name is not None else sparql.query_form(source)
        if form in ("CONSTRUCT", "DESCRIBE"):
            media_type = fmt.graph_format.media_type
        return Response(200, data.encode("utf-8"), _with_charset(media_type))

    # -- the SPARQL endpoint -------------------------------------------------------------

    def sparql(
        self, method: str, query_string: str, headers: Mapping[str, str], body: bytes
    ) -> Response:
        try:
            request = sparql.read_request(method, query_string, headers.get("content-type"), body)
        except sparql.ProtocolError as error:
            return _plain(error.status, str(error))
        if request.query is None:
            if choose(headers.get("accept"), (_HTML, "text/plain")) == _HTML:
                return _html(pages.sparql_page())
            return _plain(400, "no query: send one as ?query=, or POST it")
        form = sparql.query_form(request.query)
        offers = sparql.offered(form)
        media_type = choose(headers.get("accept"), offers)
        if media_type is None:
            return _plain(406, f"this query's answer comes as: {', '.join(offers)}")
        try:
            answer = self.runner.run(request.query, sparql.result_format(form, media_type))
        except SafeKGError as error:
            return _plain(sparql.status_of(error), str(error))
        return Response(200, answer.encode("utf-8"), _with_charset(media_type), {"Vary": "Accept"})

    # -- errors --------------------------------------------------------------------------

    def not_found(self, message: str) -> Response:
        return self.error(404, "Not found", message)

    def error(self, status: int, title: str, message: str) -> Response:
        return _html(pages.error_page(status, title, message), status)

    def _not_acceptable(self, offers: tuple[str, ...]) -> Response:
        return _plain(406, f"this resource comes as: {', '.join(offers)}")


# ------------------------------------------------------------------------------ helpers

_CACHE: Final = {"Cache-Control": "max-age=3600"}
_RDFLIB: Final = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}


def _one(params: Mapping[str, list[str]], name: str) -> str | None:
    found = params.get(name)
    if not found:
        return None
    if len(found) > 1:
        raise sparql.ProtocolError(400, f"give {name} once, not {len(found)} times")
    return found[0]


def _source(name: str | None, text: str) -> dict[str, str]:
    return {"name": name} if name is not None else {"query": text}


def _html(page: str, status: int = 200) -> Response:
    return Response(status, page.encode("utf-8"), "text/html; charset=utf-8", {"Vary": "Accept"})


def _plain(status: int, message: str) -> Response:
    return Response(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8")


def _not_allowed(allowed: str) -> Response:
    return Response(405, b"method not allowed\n", "text/plain; charset=utf-8", {"Allow": allowed})


def _with_charset(media_type: str) -> str:
    if media_type.startswith("text/") or media_type.endswith(("json", "xml", "triples")):
        return f"{media_type}; charset=utf-8"
    return media_type


def _rdf(triples: list[ox.Triple], media_type: str) -> Response:
    rdf_format = _RDF[media_type]
    prefixes = None
    if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        used = {
            term.value
            for triple in triples
            for term in (triple.subject, triple.predicate, triple.object)
            if isinstance(term, ox.NamedNode)
        }
        prefixes = {
            prefix: namespace
            for prefix, namespace in PREFIXES.items()
            if any(iri.startswith(namespace) for iri in used)
        }
    data = ox.serialize(triples, format=rdf_format, prefixes=prefixes)
    return Response(200, data or b"", _with_charset(media_type), {"Vary": "Accept"})


def _stylesheet() -> bytes:
    return importlib_resources.files("safekg.serve").joinpath("static", "style.css").read_bytes()


def _is_number(term: object) -> bool:
    if not isinstance(term, dict) or term.get("type") != "literal":
        return False
    return str(term.get("datatype", "")).removeprefix("http://www.w3.org/2001/XMLSchema#") in (
        "integer",
        "decimal",
        "double",
        "float",
        "int",
        "long",
    )


def _cell(term: object) -> Html:
    """A cell of a result table: a link for an IRI (to this server for safekg's own)."""
    if not isinstance(term, dict):
        return Html("")
    value = str(term.get("value", ""))
    if term.get("type") == "uri":
        local = local_href(value)
        shown = _prefixed(value)
        if local is not None:
            return el("a", shown, href=local)
        if value.startswith(("http://", "https://")):
            return el("a", shown, href=value, rel="external noopener noreferrer")
        return el("span", shown)
    return el("span", value)


def _prefixed(iri: str) -> str:
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if (
            iri.startswith(namespace)
            and len(iri) > len(namespace)
            and "#" not in iri[len(namespace) :]
        ):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _print_error(message: str) -> None:
    print(f"safekg serve: {message}", file=sys.stderr)
    if sys.exc_info()[0] is not None:
        traceback.print_exc(file=sys.stderr)
