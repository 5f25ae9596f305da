"""The HTML pages: plain HTML and one stylesheet, readable without scripts.

Each function takes what :mod:`safekg.serve.site` read and returns a whole page.
Every value from the store goes through :func:`~safekg.serve.markup.esc`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final
from urllib.parse import urlencode

from safekg import __version__
from safekg.query import NamedQuery
from safekg.serve.markup import Html, el, esc, join
from safekg.serve.site import (
    AgencyView,
    ArticleRef,
    ArticleView,
    Description,
    Evidence,
    Hit,
    Link,
    Lit,
    Summary,
    Term,
    format_number,
    local_href,
)

__all__ = [
    "RDF_FORMATS",
    "agency_page",
    "article_page",
    "error_page",
    "home_page",
    "ontology_page",
    "query_page",
    "resource_page",
    "search_page",
    "sparql_page",
]

#: The RDF formats a resource page links to: (format name, media type, label).
RDF_FORMATS: Final = (
    ("turtle", "text/turtle", "Turtle"),
    ("jsonld", "application/ld+json", "JSON-LD"),
    ("ntriples", "application/n-triples", "N-Triples"),
    ("rdfxml", "application/rdf+xml", "RDF/XML"),
)


def layout(
    title: str,
    body: Html,
    *,
    alternates: Sequence[tuple[str, str]] = (),
    search: str = "",
) -> str:
    """A whole page: header with navigation and the search box, ``body``, footer."""
    links = join(
        el("link", rel="alternate", type=media_type, href=href) for media_type, href in alternates
    )
    header = el(
        "header",
        el(
            "nav",
            el("a", "safekg", href="/", class_="brand"),
            el("a", "Agencies", href="/#agencies"),
            el("a", "Articles", href="/#articles"),
            el("a", "Queries", href="/query"),
            el("a", "SPARQL endpoint", href="/sparql"),
            el(
                "form",
                el("label", "Search names", for_="site-search", class_="muted"),
                el("input", type="search", id="site-search", name="q", value=search, size=18),
                el("button", "Search", type="submit"),
                action="/search",
                method="get",
                role="search",
            ),
            aria_label="Site",
        ),
        class_="site",
    )
    footer = el(
        "footer",
        el(
            "p",
            "Facts read from news reports and press releases, each linked to the sentence it "
            "came from. The graph holds organisations, officials in their official role, sums "
            "of money and aggregate figures: never private people, never whole articles. ",
            f"safekg {__version__}.",
        ),
    )
    return (
        "<!doctype html>\n"
        + el(
            "html",
            el(
                "head",
                Html('<meta charset="utf-8">'),
                el("meta", name="viewport", content="width=device-width, initial-scale=1"),
                el("title", f"{title} \u2013 safekg"),
                el("link", rel="stylesheet", href="/static/style.css"),
                links,
            ),
            el(
                "body",
                el("a", "Skip to the content", href="#main", class_="skip"),
                header,
                el("main", body, id="main"),
                footer,
            ),
            lang="en",
        )
        + "\n"
    )


# ----------------------------------------------------------------------------- pieces


def href(iri: str) -> str:
    """Where a link to ``iri`` goes: this server's page for safekg's own IRIs."""
    return local_href(iri) or iri


def link(target: Link, *, text: str | None = None) -> Html:
    local = local_href(target.iri)
    if local is None:
        return el("a", text or target.label, href=target.iri, rel="external noopener noreferrer")
    return el("a", text or target.label, href=local)


def links(targets: Iterable[Link]) -> Html:
    return join((link(target) for target in targets), ", ")


def day(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def short_day(value: date | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else ""


def period(start: date | None, end: date | None) -> str:
    """A period in words: ``2017``, ``1 Mar 2019 to 31 May 2019``, ``to 17 Mar 2018``."""
    if start and end:
        if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
            return str(start.year) if start.year == end.year else f"{start.year} to {end.year}"
        return f"{short_day(start)} to {short_day(end)}"
    if end:
        return f"up to {short_day(end)}"
    if start:
        return f"from {short_day(start)}"
    return ""


def evidence_links(evidence: Sequence[Evidence]) -> Html:
    """Links to the sentences a fact was read from, each titled with the sentence."""
    return join(
        (
            el(
                "a",
                f"{item.article_id}" + (f", {short_day(item.published)}" if item.published else ""),
                href=href(item.iri),
                title=item.text or None,
            )
            for item in evidence
        ),
        Html("<br>"),
    )


def table(
    headings: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    caption: str | None = None,
    numeric: Iterable[int] = (),
) -> Html:
    right = set(numeric)
    head = el(
        "thead",
        el(
            "tr",
            *(
                el("th", name, scope="col", class_="num" if i in right else None)
                for i, name in enumerate(headings)
            ),
        ),
    )
    body = el(
        "tbody",
        *(
            el(
                "tr",
                *(
                    el("td", cell, class_="num" if i in right else None)
                    for i, cell in enumerate(row)
                ),
            )
            for row in rows
        ),
    )
    return el(
        "div",
        el("table", el("caption", caption) if caption else None, head, body),
        class_="table-wrap",
    )


def format_links(path: str) -> Html:
    return el(
        "p",
        "This page as data: ",
        join(
            (el("a", label, href=f"{path}?format={name}") for name, _, label in RDF_FORMATS),
            " \u00b7 ",
        ),
        class_="formats",
    )


def alternates(path: str) -> list[tuple[str, str]]:
    return [(media_type, f"{path}?format={name}") for name, media_type, _ in RDF_FORMATS]


# ------------------------------------------------------------------------------ pages


def home_page(summary: Summary) -> str:
    counts = el(
        "ul",
        *(el("li", el("strong", f"{value:,}"), name) for name, value in summary.counts.items()),
        class_="counts",
        aria_label="What the graph holds",
    )
    agencies = table(
        ["Agency", "Outcome figures", "Articles"],
        (
            [link(agency), str(figures), str(articles)]
            for agency, figures, articles in summary.agencies
        ),
        caption="Agencies the articles name",
        numeric=(1, 2),
    )
    description = el(
        "dl",
        el("dt", "Licence"),
        el(
            "dd",
            el("a", summary.license, href=summary.license) if summary.license else "not stated",
        ),
        el("dt", "Vocabularies"),
        el("dd", el("ul", *(el("li", el("span", v, class_="iri")) for v in summary.vocabularies))),
        el("dt", "Links to open data"),
        el(
            "dd",
            el("ul", *(el("li", f"{title}: {count:,}") for title, count in summary.linksets))
            if summary.linksets
            else "none yet",
        ),
        el("dt", "Description"),
        el(
            "dd",
            "VoID and DCAT: ",
            join(
                (el("a", label, href=f"/dataset?format={name}") for name, _, label in RDF_FORMATS),
                " \u00b7 ",
            ),
        ),
        class_="facts",
    )
    body = join(
        [
            el("h1", summary.title),
            el("p", summary.description),
            counts,
            el("h2", "Agencies", id="agencies"),
            agencies,
            el("h2", "Articles", id="articles"),
            article_list(summary.articles),
            el("h2", "Ask the graph"),
            el(
                "p",
                el("a", "Run a named query", href="/query"),
                " (arrests by agency, totals by measure and year, funding, ...), or send your "
                "own read-only SPARQL to ",
                el("a", "the SPARQL endpoint", href="/sparql"),
                ".",
            ),
            el("h2", "About the dataset"),
            description,
        ]
    )
    return layout(summary.title, body, alternates=alternates("/dataset"))


def article_list(articles: Sequence[ArticleRef]) -> Html:
    if not articles:
        return el("p", "No articles yet.")
    return table(
        ["Published", "Headline", "Article"],
        (
            [
                short_day(article.published),
                el("a", article.headline or article.id, href=href(article.iri)),
                el("span", article.id, class_="iri"),
            ]
            for article in articles
        ),
    )


def agency_page(view: AgencyView, path: str, chart: str | None) -> str:
    facts: list[Html] = []

    def fact(term: str, value: object) -> None:
        if value:
            facts.extend([el("dt", term), el("dd", value)])

    fact("Acronym", ", ".join(view.acronyms))
    fact(
        "Also called",
        el("ul", *(el("li", name) for name in view.other_names)) if view.other_names else None,
    )
    fact("Kind", links(view.kinds))
    fact("Country", view.country)
    fact("Part of", links(view.parents))
    fact("Units", links(view.units))
    fact("Member forces", links(view.members))
    fact("Member of", links(view.member_of))
    fact("Area", links(view.areas))
    fact("Same as", links(view.matches))
    sections: list[Html] = [
        el("h1", view.name),
        el("p", el("span", view.iri, class_="iri")),
        el("dl", *facts, class_="facts") if facts else Html(""),
    ]
    sections.append(el("h2", "Outcomes", id="outcomes"))
    if view.outcomes:
        if chart:
            sections.append(
                el(
                    "figure",
                    Html(chart),
                    el(
                        "figcaption",
                        "Each point is one reported figure, placed at the end of the period it "
                        "covers (a line shows the period), or at the article's date when the "
                        "article gives no period. Linked points open the sentence; the same "
                        "figures are in the table below.",
                    ),
                )
            )
        sections.append(
            table(
                ["Measure", "Figure", "As reported", "Period", "Source sentence"],
                (
                    [
                        link(o.measure),
                        el("a", format_number(o.value), href=href(o.evidence[0].iri))
                        if o.evidence
                        else format_number(o.value),
                        o.qualifier.label.replace("_", " ") if o.qualifier else "",
                        period(o.start, o.end) or el("span", "not given", class_="muted"),
                        evidence_links(o.evidence),
                    ]
                    for o in view.outcomes
                ),
                caption=f"Outcome figures reported for {view.name}",
                numeric=(1,),
            )
        )
    else:
        sections.append(el("p", "No outcome figures are reported for this agency."))
    sections.append(el("h2", "Officers", id="officers"))
    if view.officers:
        sections.append(
            table(
                ["Name", "Rank or title", "Role", "As of", "Source sentence"],
                (
                    [
                        link(o.person),
                        o.rank or "",
                        link(o.role) if o.role else "",
                        short_day(o.as_of),
                        evidence_links(o.evidence),
                    ]
                    for o in view.officers
                ),
                caption=f"Officials of {view.name} named in the articles",
            )
        )
    else:
        sections.append(el("p", "No officers are named for this agency."))
    sections.append(el("h2", "Funding", id="funding"))
    if view.grants:
        sections.append(
            table(
                ["Amount", "Funder", "Recipient", "For", "Source sentence"],
                (
                    [
                        el(
                            "a",
                            f"{g.currency or ''} {format_number(g.amount)}".strip(),
                            href=href(g.evidence[0].iri),
                        )
                        if g.amount and g.evidence
                        else (format_number(g.amount) if g.amount else "not given"),
                        link(g.funder) if g.funder else el("span", "not named", class_="muted"),
                        link(g.recipient) if g.recipient else "",
                        g.purpose or "",
                        evidence_links(g.evidence),
                    ]
                    for g in view.grants
                ),
                caption=f"Money given to or by {view.name}",
                numeric=(0,),
            )
        )
    else:
        sections.append(el("p", "No funding is reported for this agency."))
    sections.append(el("h2", "Articles", id="articles"))
    sections.append(
        article_list(view.articles) if view.articles else el("p", "No article names it.")
    )
    sections.append(format_links(path))
    return layout(view.name, join(sections), alternates=alternates(path))


def article_page(view: ArticleView, path: str) -> str:
    article = view.article
    facts = [el("dt", "Article"), el("dd", el("span", article.id, class_="iri"))]
    if article.published:
        facts += [el("dt", "Published"), el("dd", day(article.published))]
    if article.url:
        facts += [
            el("dt", "Address"),
            el("dd", el("a", article.url, href=article.url, rel="external noopener noreferrer")),
        ]
    if view.mentions:
        facts += [el("dt", "Names"), el("dd", links(view.mentions))]
    items: list[Html] = []
    position = 0
    for sentence in view.sentences:
        if sentence.begin > position:
            items.append(el("li", "\u2026", class_="gap", aria_hidden="true"))
        position = max(position, sentence.end)
        read = el(
            "ul",
            *(
                el("li", f"{fact.kind}: ", el("a", fact.summary, href=href(fact.iri)))
                for fact in sentence.facts
            ),
        )
        items.append(
            el(
                "li",
                el("blockquote", sentence.text),
                el(
                    "p",
                    el(
                        "a",
                        f"characters {sentence.begin}\u2013{sentence.end}",
                        href=f"#{sentence.anchor}",
                    ),
                    f" of article {article.id}",
                    f", {short_day(article.published)}" if article.published else "",
                    class_="offsets",
                ),
                el("p", "Read from it:", class_="offsets") if sentence.facts else None,
                read if sentence.facts else None,
                id=sentence.anchor,
            )
        )
    if view.length is None or position < view.length:
        items.append(el("li", "\u2026", class_="gap", aria_hidden="true"))
    body = join(
        [
            el("h1", article.headline or f"Article {article.id}"),
            el("dl", *facts, class_="facts"),
            el("h2", "Sentences the graph keeps"),
            el(
                "p",
                "The graph keeps only the sentences that carry a fact, as the extractor "
                "redacted them, with their place in the article (characters begin\u2013end). "
                "A sentence linked from a figure is highlighted.",
                class_="muted",
            ),
            el("ol", *items, class_="sentences"),
            format_links(path),
        ]
    )
    return layout(article.headline or article.id, body, alternates=alternates(path))


def resource_page(view: Description, path: str) -> str:
    def value(node: Link | Lit) -> Html:
        if isinstance(node, Link):
            return link(node)
        if node.language:
            return el("span", node.text, lang=node.language)
        return esc(node.text)

    body: list[Html] = [
        el("h1", view.label),
        el("p", el("span", view.iri, class_="iri")),
    ]
    if view.types:
        body.append(el("p", "A ", links(view.types), "."))
    if view.outbound:
        body.append(
            table(
                ["Property", "Value"],
                ([el("span", p.label, title=p.iri), value(o)] for p, o in view.outbound),
                caption="What the graph says about it",
            )
        )
    if view.inbound:
        body.append(
            table(
                ["Resource", "Property"],
                ([link(s), el("span", p.label, title=p.iri)] for s, p in view.inbound),
                caption="What points to it",
            )
        )
    body.append(format_links(path))
    return layout(view.label, join(body), alternates=alternates(path))


def ontology_page(terms: Sequence[Term]) -> str:
    rows = (
        [
            el("a", term.name, href=f"#{term.name}", id=term.name),
            term.label,
            ", ".join(term.kinds),
            term.definition,
        ]
        for term in terms
    )
    body = join(
        [
            el("h1", "The safekg ontology"),
            el("p", el("span", "https://w3id.org/safekg/def", class_="iri")),
            el(
                "p",
                "The terms safekg defines (prefix ",
                el("code", "sk:"),
                "). Its code lists (measures, qualifiers, ranks, offences, kinds of agency) "
                "are under ",
                el("code", "/id/"),
                ", e.g. ",
                el("a", "arrests", href="/id/measure/arrests"),
                ".",
            ),
            table(["Term", "Label", "Kind", "Definition"], rows, caption="Terms"),
            format_links("/def"),
        ]
    )
    return layout("The safekg ontology", body, alternates=alternates("/def"))


def search_page(text: str, hits: Sequence[Hit]) -> str:
    body: list[Html] = [el("h1", "Search")]
    body.append(
        el(
            "form",
            el("label", "Names of agencies, people, offences and articles", for_="q"),
            " ",
            el("input", type="search", id="q", name="q", value=text),
            " ",
            el("button", "Search", type="submit"),
            action="/search",
            method="get",
            role="search",
        )
    )
    if text.strip():
        if hits:
            body.append(el("p", f"{len(hits)} found for \u201c{text}\u201d."))
            body.append(
                el(
                    "ul",
                    *(
                        el(
                            "li",
                            el("a", hit.label, href=href(hit.iri)),
                            f" ({hit.kind})",
                            el("span", f" \u2013 matched \u201c{hit.matched}\u201d", class_="muted")
                            if hit.matched != hit.label
                            else None,
                        )
                        for hit in hits
                    ),
                )
            )
        else:
            body.append(el("p", f"Nothing found for \u201c{text}\u201d."))
    return layout("Search", join(body), search=text)


@dataclass(frozen=True)
class Results:
    """A query's answer, for the query page."""

    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Html, ...], ...] = ()
    numeric: tuple[int, ...] = ()
    boolean: bool | None = None
    graph: str | None = None  # a CONSTRUCT or DESCRIBE answer, as Turtle
    more: bool = False
    chart: str | None = None  # inline SVG
    downloads: tuple[tuple[str, str], ...] = ()  # (label, href)


SAMPLE_QUERY: Final = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX org: <http://www.w3.org/ns/org#>

SELECT ?agency ?name WHERE {
  ?agency a org:Organization ; skos:prefLabel ?name .
}
ORDER BY ?name
LIMIT 20"""


def query_page(
    named: Mapping[str, NamedQuery],
    *,
    chosen: str | None = None,
    values: Mapping[str, str] | None = None,
    text: str | None = None,
    results: Results | None = None,
    error: str | None = None,
) -> str:
    body: list[Html] = [el("h1", "Queries")]
    if chosen or text is not None:
        title = named[chosen].title if chosen is not None and chosen in named else "Your query"
        body.append(el("h2", f"Results: {title}", id="results"))
        if error:
            body.append(el("p", error, class_="error", role="alert"))
        if results is not None:
            body.append(_results(results))
    body.append(el("h2", "Named queries"))
    body.append(
        el(
            "p",
            "Each runs on the whole graph; change a parameter and press Run. The same queries "
            "run from the command line with ",
            el("code", "safekg query NAME"),
            ".",
        )
    )
    for name, query in sorted(named.items()):
        current = values if name == chosen else None
        fields = [
            el(
                "label",
                f"{param.name} ({param.description or param.datatype})",
                el(
                    "input",
                    type="text",
                    name=param.name,
                    value=(current or {}).get(param.name, param.default),
                ),
            )
            for param in query.params
        ]
        body.append(
            el(
                "section",
                el("h3", query.title),
                el("p", query.description),
                el(
                    "form",
                    el("input", type="hidden", name="name", value=name),
                    *fields,
                    el("button", "Run", type="submit", aria_label=f"Run {query.title}"),
                    action="/query#results",
                    method="get",
                ),
                class_="named",
                id=f"q-{name}",
            )
        )
    body.append(el("h2", "Your own query"))
    body.append(
        el(
            "form",
            el(
                "label",
                "Read-only SPARQL 1.1 (SELECT, ASK, CONSTRUCT, DESCRIBE)",
                for_="sparql-text",
            ),
            el(
                "textarea",
                text if text is not None else SAMPLE_QUERY,
                id="sparql-text",
                name="query",
                rows=12,
            ),
            el("p", el("button", "Run", type="submit")),
            action="/query#results",
            method="get",
        )
    )
    body.append(
        el(
            "p",
            "Updates, SERVICE and FROM are refused; a query has 30 seconds. "
            "Programs can use the SPARQL 1.1 Protocol at ",
            el("a", "/sparql", href="/sparql"),
            ".",
            class_="muted",
        )
    )
    return layout("Queries", join(body))


def _results(results: Results) -> Html:
    parts: list[Html] = []
    if results.boolean is not None:
        parts.append(el("p", "Answer: ", el("strong", "yes" if results.boolean else "no")))
    if results.graph is not None:
        parts.append(el("pre", results.graph))
    if results.columns:
        if results.chart:
            parts.append(el("figure", Html(results.chart)))
        count = len(results.rows)
        note = f"{count} row{'s' if count != 1 else ''}" + (
            "; more were found" if results.more else ""
        )
        parts.append(table(results.columns, results.rows, caption=note, numeric=results.numeric))
    if results.downloads:
        parts.append(
            el(
                "p",
                "Download: ",
                join(
                    (el("a", label, href=target) for label, target in results.downloads), " \u00b7 "
                ),
            )
        )
    return join(parts)


def sparql_page() -> str:
    example = "/sparql?" + urlencode({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"})
    body = join(
        [
            el("h1", "SPARQL endpoint"),
            el(
                "p",
                "This address answers the SPARQL 1.1 Protocol: send a read-only query as ",
                el("code", "GET /sparql?query=..."),
                ", or POST it form-encoded (",
                el("code", "query=..."),
                ") or as ",
                el("code", "application/sparql-query"),
                ".",
            ),
            el(
                "p",
                "Results come in the format the Accept header asks for: SPARQL JSON (the default), "
                "XML, CSV or TSV; CONSTRUCT and DESCRIBE answers in Turtle (the default), "
                "N-Triples, JSON-LD or RDF/XML. The default graph is the union of every article's "
                "graph. Updates, SERVICE, FROM and FROM NAMED are refused (403), malformed "
                "queries answered with 400, and a query has 30 seconds (503 after).",
            ),
            el("p", "For example: ", el("a", el("code", example), href=example)),
            el(
                "p", "To see results as a page, use the ", el("a", "query page", href="/query"), "."
            ),
        ]
    )
    return layout("SPARQL endpoint", body)


def error_page(status: int, title: str, message: str) -> str:
    body = join(
        [
            el("h1", title),
            el("p", message, class_="error", role="alert"),
            el("p", el("a", "Go to the home page", href="/"), " or search for a name above."),
        ]
    )
    return layout(f"{status} {title}", body)
