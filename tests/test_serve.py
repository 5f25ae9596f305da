"""``safekg serve``: the SPARQL protocol, content negotiation, and the pages, over real HTTP."""

from __future__ import annotations

import csv
import io
import json
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from conftest import serving
from typer.testing import CliRunner

from safekg import api, cli
from safekg.errors import SafeKGError
from safekg.query import named_queries
from safekg.serve import App, SafeKGServer
from safekg.serve.markup import Html, el
from safekg.serve.negotiate import choose, parse_accept
from safekg.serve.sparql import as_sparql_text, query_form
from safekg.store import open_store

REPO = Path(__file__).resolve().parent.parent
ARTICLES = REPO / "data" / "articles"

ID = "https://w3id.org/safekg/id/"
WMROCU = ID + "agency/west-midlands-regional-organised-crime-unit"
WMROCU_PATH = "/id/agency/west-midlands-regional-organised-crime-unit"
ARTICLE_PATH = "/id/article/004_bd8a260c78bd93ac"
SENTENCE = "A total of 83 men and two women were snared by under-the-radar cops in those 12 months."
SKOS = "http://www.w3.org/2004/02/skos/core#"
SELECT = "SELECT ?s WHERE { ?s a <http://www.w3.org/ns/org#Organization> } ORDER BY ?s LIMIT 3"
CONSTRUCT = (
    "CONSTRUCT { ?a <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } "
    "WHERE { ?a <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } LIMIT 5"
)
SRX = "{http://www.w3.org/2005/sparql-results#}"


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def served_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled articles, built and linked to open data."""
    location = tmp_path_factory.mktemp("serve") / "store"
    report = api.build([ARTICLES], store_location=location)  # links included
    assert report.complete
    return location


@pytest.fixture(scope="module")
def server(served_store: Path) -> Iterator[SafeKGServer]:
    with serving(served_store) as running:
        yield running


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes
    headers: Mapping[str, str]

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def media_type(self) -> str:
        return self.content_type.split(";")[0].strip()


def fetch(
    server: SafeKGServer,
    path: str,
    *,
    accept: str | None = None,
    method: str | None = None,
    data: bytes | None = None,
    content_type: str | None = None,
) -> Answer:
    headers = {}
    if accept is not None:
        headers["Accept"] = accept
    if content_type is not None:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(server.url + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return Answer(
                response.status,
                response.headers.get("Content-Type", ""),
                response.read(),
                dict(response.headers),
            )
    except urllib.error.HTTPError as error:
        return Answer(
            error.code, error.headers.get("Content-Type", ""), error.read(), dict(error.headers)
        )


def get_query(server: SafeKGServer, query: str, accept: str | None = None) -> Answer:
    return fetch(server, "/sparql?" + urllib.parse.urlencode({"query": query}), accept=accept)


def post_form(server: SafeKGServer, fields: Mapping[str, str], accept: str | None = None) -> Answer:
    body = urllib.parse.urlencode(fields).encode("utf-8")
    return fetch(
        server,
        "/sparql",
        accept=accept,
        data=body,
        content_type="application/x-www-form-urlencoded",
    )


def solutions(answer: Answer) -> list[dict[str, str]]:
    assert answer.status == 200, answer.text
    document = json.loads(answer.text)
    return [
        {name: term["value"] for name, term in binding.items()}
        for binding in document["results"]["bindings"]
    ]


# ----------------------------------------------------------------- the SPARQL protocol


def test_query_by_get(server: SafeKGServer) -> None:
    answer = get_query(server, SELECT)
    assert answer.media_type == "application/sparql-results+json"
    rows = solutions(answer)
    assert len(rows) == 3
    assert all(row["s"].startswith(ID + "agency/") for row in rows)


def test_query_by_form_encoded_post(server: SafeKGServer) -> None:
    assert solutions(post_form(server, {"query": SELECT})) == solutions(get_query(server, SELECT))


def test_query_by_sparql_query_post(server: SafeKGServer) -> None:
    answer = fetch(
        server,
        "/sparql",
        data=SELECT.encode("utf-8"),
        content_type="application/sparql-query; charset=utf-8",
    )
    assert solutions(answer) == solutions(get_query(server, SELECT))


def test_results_as_xml(server: SafeKGServer) -> None:
    answer = get_query(server, SELECT, accept="application/sparql-results+xml")
    assert answer.status == 200
    assert answer.media_type == "application/sparql-results+xml"
    root = ET.fromstring(answer.body)
    assert root.tag == f"{SRX}sparql"
    uris = [uri.text for uri in root.iter(f"{SRX}uri")]
    assert uris == [row["s"] for row in solutions(get_query(server, SELECT))]


def test_results_as_csv(server: SafeKGServer) -> None:
    answer = get_query(server, SELECT, accept="text/csv")
    assert answer.status == 200
    assert answer.media_type == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0] == ["s"]
    assert len(rows) == 4


def test_results_as_tsv(server: SafeKGServer) -> None:
    answer = get_query(server, SELECT, accept="text/tab-separated-values")
    assert answer.status == 200
    assert answer.media_type == "text/tab-separated-values"
    lines = answer.text.splitlines()
    assert lines[0] == "?s"
    assert lines[1].startswith(f"<{ID}agency/")


def test_the_preferred_accepted_format_wins(server: SafeKGServer) -> None:
    answer = get_query(server, SELECT, accept="text/csv;q=0.5, application/sparql-results+xml")
    assert answer.media_type == "application/sparql-results+xml"
    assert answer.headers.get("Vary") == "Accept"


def test_ask(server: SafeKGServer) -> None:
    answer = get_query(server, f"ASK {{ <{WMROCU}> ?p ?o }}")
    assert answer.status == 200
    assert json.loads(answer.text)["boolean"] is True


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_construct_in_each_rdf_format(
    server: SafeKGServer, accept: str, rdflib_format: str
) -> None:
    answer = get_query(server, CONSTRUCT, accept=accept)
    assert answer.status == 200, answer.text
    assert answer.media_type == accept
    graph = rdflib.Graph().parse(data=answer.body, format=rdflib_format)
    assert len(graph) == 5
    assert {str(p) for p in graph.predicates()} == {SKOS + "prefLabel"}


def test_construct_defaults_to_turtle(server: SafeKGServer) -> None:
    answer = get_query(server, CONSTRUCT)
    assert answer.media_type == "text/turtle"


def test_malformed_query_is_400(server: SafeKGServer) -> None:
    answer = get_query(server, "SELEKT * WHERE { ?s ?p ?o }")
    assert answer.status == 400
    assert "not a SPARQL 1.1 query" in answer.text


@pytest.mark.parametrize(
    "fields",
    [
        {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"},
        {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"},
        {"query": "DELETE WHERE { ?s ?p ?o }"},
        {"query": "DROP ALL"},
    ],
)
def test_updates_are_refused(server: SafeKGServer, fields: dict[str, str]) -> None:
    answer = post_form(server, fields)
    assert answer.status == 403
    assert "update" in answer.text
    assert len(solutions(get_query(server, SELECT))) == 3  # nothing was deleted


def test_sparql_update_body_is_refused(server: SafeKGServer) -> None:
    answer = fetch(
        server,
        "/sparql",
        data=b"DROP ALL",
        content_type="application/sparql-update",
    )
    assert answer.status == 403


def test_service_is_refused(server: SafeKGServer) -> None:
    answer = get_query(
        server, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    )
    assert answer.status == 403
    assert "SERVICE" in answer.text


def test_from_is_refused(server: SafeKGServer) -> None:
    answer = get_query(server, "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }")
    assert answer.status == 403


def test_dataset_parameters_are_refused(server: SafeKGServer) -> None:
    path = "/sparql?" + urllib.parse.urlencode(
        {"query": SELECT, "default-graph-uri": "http://example.org/g"}
    )
    assert fetch(server, path).status == 400


def test_two_queries_are_refused(server: SafeKGServer) -> None:
    path = "/sparql?" + urllib.parse.urlencode([("query", SELECT), ("query", SELECT)])
    assert fetch(server, path).status == 400


def test_a_name_or_a_path_is_not_a_query(server: SafeKGServer, tmp_path: Path) -> None:
    """The endpoint runs SPARQL text only, never a named query or a file named in it."""
    query_file = tmp_path / "q.rq"
    query_file.write_text(SELECT, encoding="utf-8")
    for text in ("arrests-by-agency", str(query_file), "q.rq"):
        assert get_query(server, text).status == 400, text


def test_unacceptable_accept_is_406(server: SafeKGServer) -> None:
    assert get_query(server, SELECT, accept="image/png").status == 406


def test_unsupported_post_type_is_415(server: SafeKGServer) -> None:
    answer = fetch(server, "/sparql", data=b"{}", content_type="application/json")
    assert answer.status == 415


def test_no_query_is_400_for_programs_and_a_page_for_people(server: SafeKGServer) -> None:
    assert fetch(server, "/sparql", accept="application/sparql-results+json").status == 400
    page = fetch(server, "/sparql", accept="text/html")
    assert page.status == 200
    assert "SPARQL 1.1 Protocol" in page.text


def test_query_over_its_time_budget_is_503(served_store: Path) -> None:
    cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with open_store(served_store, read_only=True) as store:
        app = App(store, timeout_s=0.5)
        response = app.handle("GET", "/sparql?" + urllib.parse.urlencode({"query": cross}), {})
    assert response.status == 503
    assert b"time budget" in response.body


# ---------------------------------------------------------------- dereferenceable IRIs


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_resource_in_each_rdf_format(server: SafeKGServer, accept: str, rdflib_format: str) -> None:
    answer = fetch(server, WMROCU_PATH, accept=accept)
    assert answer.status == 200, answer.text
    assert answer.media_type == accept
    assert answer.headers.get("Vary") == "Accept"
    graph = rdflib.Graph().parse(data=answer.body, format=rdflib_format)
    agency = rdflib.URIRef(WMROCU)
    labels = set(graph.objects(agency, rdflib.URIRef(SKOS + "prefLabel")))
    assert labels == {rdflib.Literal("West Midlands Regional Organised Crime Unit")}
    # facts about the agency point to it: its outcome figures are in the document
    assert any(graph.subjects(rdflib.URIRef("https://w3id.org/safekg/def#agency"), agency))


def test_resource_as_html_for_browsers(server: SafeKGServer) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    answer = fetch(server, WMROCU_PATH, accept=browser)
    assert answer.status == 200
    assert answer.media_type == "text/html"
    assert "<h1>West Midlands Regional Organised Crime Unit</h1>" in answer.text


def test_format_parameter_chooses_in_a_browser(server: SafeKGServer) -> None:
    answer = fetch(server, WMROCU_PATH + "?format=ntriples", accept="text/html")
    assert answer.media_type == "application/n-triples"
    assert fetch(server, WMROCU_PATH + "?format=gif").status == 400


def test_article_document_holds_its_sentences(server: SafeKGServer) -> None:
    answer = fetch(server, ARTICLE_PATH, accept="text/turtle")
    graph = rdflib.Graph().parse(data=answer.body, format="turtle")
    anchor = rdflib.URIRef(
        "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#anchorOf"
    )
    sentence = rdflib.URIRef(ID + "article/004_bd8a260c78bd93ac#char=409,496")
    assert graph.value(sentence, anchor) == rdflib.Literal(SENTENCE)


def test_code_list_concepts_come_from_the_ontology(server: SafeKGServer) -> None:
    answer = fetch(server, "/id/measure/arrests", accept="text/turtle")
    graph = rdflib.Graph().parse(data=answer.body, format="turtle")
    arrests = rdflib.URIRef(ID + "measure/arrests")
    assert graph.value(arrests, rdflib.URIRef(SKOS + "notation")) == rdflib.Literal("arrests")
    assert "Arrests" in fetch(server, "/id/measure/arrests").text


def test_unknown_resource_is_404(server: SafeKGServer) -> None:
    assert fetch(server, "/id/agency/no-such-agency").status == 404
    assert fetch(server, "/id/agency/no-such-agency", accept="text/turtle").status == 404
    assert fetch(server, "/id/").status == 404
    assert fetch(server, "/nothing-here").status == 404


def test_unacceptable_resource_format_is_406(server: SafeKGServer) -> None:
    assert fetch(server, WMROCU_PATH, accept="image/png").status == 406


def test_dataset_description(server: SafeKGServer) -> None:
    answer = fetch(server, "/dataset", accept="text/turtle")
    graph = rdflib.Graph().parse(data=answer.body, format="turtle")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    dataset = rdflib.URIRef("https://w3id.org/safekg/dataset")
    assert (dataset, rdflib.RDF.type, void.Dataset) in graph
    assert int(str(graph.value(dataset, void.triples))) > 700


def test_ontology_terms_are_served(server: SafeKGServer) -> None:
    answer = fetch(server, "/def", accept="text/turtle")
    graph = rdflib.Graph().parse(data=answer.body, format="turtle")
    owl = rdflib.Namespace("http://www.w3.org/2002/07/owl#")
    assert (rdflib.URIRef("https://w3id.org/safekg/def"), rdflib.RDF.type, owl.Ontology) in graph
    html, parsed = page(server, "/def")
    assert_accessible_and_self_contained(parsed)
    assert 'id="agency"' in html.text  # sk:agency has its row, the target of /def#agency
    _, officer = page(server, "/id/membership/004_bd8a260c78bd93ac/16945feb795f13cd")
    assert "/def#UnitLead" in [a.get("href") for a in officer.all("a")]


# ------------------------------------------------------------------------------- pages


class _Page(HTMLParser):
    """What the checks need of a page: elements, ids, labels, links, text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self._h1: list[str] | None = None
        self.h1: list[str] = []
        self._open_labels = 0
        self.labelled_inputs: set[int] = set()
        self._quote: list[str] | None = None
        self.quotes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        self.tags.append((tag, found))
        if tag == "h1":
            self._h1 = []
        if tag == "blockquote":
            self._quote = []
        if tag == "label":
            self._open_labels += 1
        if tag in ("input", "textarea") and self._open_labels:
            self.labelled_inputs.add(len(self.tags) - 1)

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1" and self._h1 is not None:
            self.h1.append("".join(self._h1))
            self._h1 = None
        if tag == "label":
            self._open_labels -= 1
        if tag == "blockquote" and self._quote is not None:
            self.quotes.append("".join(self._quote))
            self._quote = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._h1 is not None:
            self._h1.append(data)
        if self._quote is not None:
            self._quote.append(data)

    def all(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.tags if name == tag]


def page(server: SafeKGServer, path: str) -> tuple[Answer, _Page]:
    answer = fetch(server, path, accept="text/html")
    parsed = _Page()
    parsed.feed(answer.text)
    return answer, parsed


def assert_accessible_and_self_contained(parsed: _Page) -> None:
    """One h1, a language, labelled fields and charts, no script, nothing from elsewhere."""
    assert len(parsed.h1) == 1, parsed.h1
    assert parsed.all("html")[0].get("lang") == "en"
    assert not parsed.all("script")
    for attrs in parsed.all("link") + parsed.all("img"):
        target = attrs.get("href") or attrs.get("src") or ""
        assert not urllib.parse.urlsplit(target).netloc, target
    ids = {attrs["id"] for _, attrs in parsed.tags if "id" in attrs}
    label_targets = {attrs.get("for") for attrs in parsed.all("label")}
    for index, (tag, attrs) in enumerate(parsed.tags):
        if tag in ("input", "textarea") and attrs.get("type") != "hidden":
            assert index in parsed.labelled_inputs or attrs.get("id") in label_targets, attrs
        if tag == "svg":
            assert attrs.get("role") == "img"
            assert attrs.get("aria-labelledby") in ids


def test_home_page(server: SafeKGServer) -> None:
    answer, parsed = page(server, "/")
    assert answer.status == 200
    assert_accessible_and_self_contained(parsed)
    assert parsed.h1 == ["safekg: reported child-protection policing"]
    text = " ".join(parsed.text)
    assert "Facts read from news reports" in text  # the dataset's description
    assert "creativecommons.org/licenses/by/4.0" in answer.text
    stats = api.stats(store_location=server.app.store)
    for name in ("articles", "agencies", "outcomes"):
        assert f"<strong>{stats[name]:,}</strong>{name}" in answer.text
    assert any(a.get("href") == WMROCU_PATH for a in parsed.all("a"))
    assert any(f.get("action") == "/search" for f in parsed.all("form"))
    assert "Links to Wikidata: 5" in text


def test_agency_page(server: SafeKGServer) -> None:
    answer, parsed = page(server, WMROCU_PATH)
    assert answer.status == 200
    assert_accessible_and_self_contained(parsed)
    text = " ".join(parsed.text)
    for expected in (
        "ROCUWM",  # acronym
        "West Midlands ROCU",  # another name
        "Stephen Wills",  # an officer
        "Detective Inspector",
        "GBP 20,000,000",  # funding
        "Custodial years",  # an outcome measure
        "West Midlands Police",  # a member force, from the links graph
    ):
        assert expected in text, expected
    hrefs = [a.get("href", "") for a in parsed.all("a")]
    # the figure 85 links to the sentence it was read from
    assert f"{ARTICLE_PATH}#char=409,496" in hrefs
    assert f'{ARTICLE_PATH}#char=409,496">85</a>' in answer.text
    # the chart is inline SVG whose points link to their sentences too
    assert answer.text.count("<svg") == 1
    assert f'xlink:href="{ARTICLE_PATH}#char=409,496"' in answer.text
    assert "/id/agency/west-midlands-police" in hrefs


def test_agency_links_to_open_data(server: SafeKGServer) -> None:
    answer, parsed = page(server, "/id/agency/west-midlands-police")
    assert answer.status == 200
    hrefs = [a.get("href", "") for a in parsed.all("a")]
    assert "http://www.wikidata.org/entity/Q7985948" in hrefs
    assert WMROCU_PATH in hrefs  # member of the ROCU


def test_article_page_highlights_the_sentence(server: SafeKGServer) -> None:
    answer, parsed = page(server, ARTICLE_PATH)
    assert answer.status == 200
    assert_accessible_and_self_contained(parsed)
    # the element a figure links to carries the fragment as its id, for :target
    assert f'<li id="char=409,496"><blockquote>{SENTENCE}</blockquote>' in answer.text
    text = " ".join(parsed.text)
    assert "004_bd8a260c78bd93ac" in text
    assert "17 March 2018" in text


def test_article_page_shows_only_the_kept_sentences(server: SafeKGServer) -> None:
    """The graph keeps no whole article, and the page shows no more than the graph."""
    _, parsed = page(server, ARTICLE_PATH)
    rows = server.app.site.select("SELECT ?text WHERE { GRAPH ?g { ?s nif:anchorOf ?text } }")
    kept = {row["text"].value for row in rows if isinstance(row["text"], ox.Literal)}
    assert SENTENCE in parsed.quotes
    assert set(parsed.quotes) <= kept
    not_kept = "SCORES of suspected paedophiles were caught last year"
    assert not_kept in (ARTICLES / "004_bd8a260c78bd93ac.txt").read_text(encoding="utf-8")
    assert not_kept not in " ".join(parsed.text)


def test_generic_resource_page(server: SafeKGServer) -> None:
    answer, parsed = page(server, "/id/person/stephen-wills")
    assert answer.status == 200
    assert_accessible_and_self_contained(parsed)
    assert parsed.h1 == ["Stephen Wills"]
    assert "/id/membership/004_bd8a260c78bd93ac/" in answer.text


def test_search(server: SafeKGServer) -> None:
    answer, parsed = page(server, "/search?q=rocu")
    assert answer.status == 200
    assert_accessible_and_self_contained(parsed)
    hrefs = [a.get("href", "") for a in parsed.all("a")]
    assert WMROCU_PATH in hrefs
    assert "/id/agency/yorkshire-and-the-humber-regional-organised-crime-unit" in hrefs


def test_search_escapes_what_it_is_given(server: SafeKGServer) -> None:
    evil = '<script>alert(1)</script>" onfocus="x'
    answer = fetch(server, "/search?" + urllib.parse.urlencode({"q": evil}), accept="text/html")
    assert answer.status == 200
    assert "<script>" not in answer.text
    assert 'onfocus="x' not in answer.text
    assert "&lt;script&gt;" in answer.text


def test_query_page_lists_the_named_queries(server: SafeKGServer) -> None:
    answer, parsed = page(server, "/query")
    assert answer.status == 200
    assert_accessible_and_self_contained(parsed)
    hidden = {i.get("value") for i in parsed.all("input") if i.get("type") == "hidden"}
    assert hidden == set(named_queries())


def test_query_page_runs_a_named_query(server: SafeKGServer) -> None:
    answer, parsed = page(server, "/query?name=arrests-by-agency&year=2017")
    assert answer.status == 200
    assert_accessible_and_self_contained(parsed)
    text = " ".join(parsed.text)
    assert "West Midlands Regional Organised Crime Unit" in text
    assert "1 row" in text
    assert "<svg" in answer.text  # its chart


def test_query_page_reports_a_bad_parameter(server: SafeKGServer) -> None:
    answer = fetch(server, "/query?name=arrests-by-agency&year=soon", accept="text/html")
    assert answer.status == 400
    assert "xsd:integer" in answer.text


def test_query_page_refuses_updates(server: SafeKGServer) -> None:
    path = "/query?" + urllib.parse.urlencode({"query": "CLEAR ALL"})
    answer = fetch(server, path, accept="text/html")
    assert answer.status == 403
    assert "update" in answer.text


def test_query_page_downloads_and_charts(server: SafeKGServer) -> None:
    csv_answer = fetch(server, "/query?name=funding&format=csv")
    assert csv_answer.media_type == "text/csv"
    assert csv_answer.text.splitlines()[0].startswith("recipient,funder,amount")
    png = fetch(server, "/query?name=outcomes-by-agency&format=png")
    assert png.media_type == "image/png"
    assert png.body.startswith(b"\x89PNG")


def test_stylesheet_and_methods(server: SafeKGServer) -> None:
    css = fetch(server, "/static/style.css")
    assert css.status == 200
    assert css.media_type == "text/css"
    assert b":target" in css.body
    assert fetch(server, "/", method="DELETE").status == 405
    head = fetch(server, "/", method="HEAD")
    assert head.status == 200
    assert head.body == b""
    assert "default-src 'none'" in fetch(server, "/").headers["Content-Security-Policy"]


# --------------------------------------------------------------------- building blocks


def test_choose_by_quality_and_specificity() -> None:
    offers = ["text/html", "text/turtle", "application/ld+json"]
    assert choose(None, offers) == "text/html"
    assert choose("", offers) == "text/html"
    assert choose("*/*", offers) == "text/html"
    assert choose("text/turtle", offers) == "text/turtle"
    assert choose("application/ld+json;q=0.9, text/turtle;q=0.8", offers) == "application/ld+json"
    assert choose("text/*;q=0.5, text/turtle", offers) == "text/turtle"
    assert choose("text/*, text/html;q=0", offers) == "text/turtle"
    assert choose("image/*", offers) is None
    assert choose("text/turtle;q=0", offers) is None
    assert parse_accept("garbage, text/turtle;q=x, */x") == [parse_accept("text/turtle;q=0")[0]]


def test_query_form() -> None:
    assert query_form("SELECT * WHERE {}") == "SELECT"
    assert query_form("ask{}") == "ASK"
    assert query_form("# hello\nPREFIX ex: <http://e/>\nBASE <http://b/>\nDESCRIBE ex:a") == (
        "DESCRIBE"
    )
    assert query_form("PREFIX : <http://e/> CONSTRUCT WHERE { ?s ?p ?o }") == "CONSTRUCT"
    assert query_form("\\u0053ELECT * {}") == "SELECT"
    assert query_form("INSERT DATA {}") is None


def test_texts_are_run_as_sparql_only() -> None:
    assert as_sparql_text(SELECT).endswith("\n")
    for not_sparql in ("", "   ", "funding", "x.rq"):
        with pytest.raises(SafeKGError, match="query"):
            as_sparql_text(not_sparql)


def test_markup_escapes_text_but_not_html() -> None:
    assert (
        el("p", "<b>&</b>", title='"x"') == '<p title="&quot;x&quot;">&lt;b&gt;&amp;&lt;/b&gt;</p>'
    )
    assert el("p", Html("<b>ok</b>"), None, False) == "<p><b>ok</b></p>"
    assert el("input", name="q", required=True) == '<input name="q" required>'


def test_serve_command_refuses_a_bad_port(served_store: Path) -> None:
    result = CliRunner().invoke(cli.app, ["serve", "--store", str(served_store), "--port", "70000"])
    assert result.exit_code == 2
    assert "port" in result.stderr


def test_serve_command_serves_until_terminated(served_store: Path, unused_port: int) -> None:
    command = [
        sys.executable,
        "-c",
        "from safekg.cli import main; main()",
        "serve",
        "--store",
        str(served_store),
        "--port",
        str(unused_port),
        "--quiet",
    ]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        first = process.stderr.readline()
        assert first.startswith(f"serving http://127.0.0.1:{unused_port}/"), first
        url = f"http://127.0.0.1:{unused_port}/"
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert "stopped" in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
