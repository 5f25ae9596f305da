"""Explain a fact: what the graph says about one node, and the sentences it came from.

``explain(store, iri)`` reads the node's statements and, for each sentence it
was derived from, the article (id, URL, date), the character offsets and the
stored (redacted) text. It works on any store that answers SPARQL with
pyoxigraph results.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from safekg.errors import SafeKGError
from safekg.facts import Queryable
from safekg.vocab import PREFIXES

__all__ = ["Explanation", "Source", "explain", "render"]


@dataclass(frozen=True)
class Source:
    """One sentence a fact was derived from."""

    sentence: str  # the sentence's IRI (article IRI + #char=b,e)
    article: str | None
    url: str | None
    published: str | None
    start: int | None
    end: int | None
    text: str | None


@dataclass(frozen=True)
class Explanation:
    iri: str
    statements: tuple[tuple[str, str], ...]  # (predicate, object), compacted with prefixes
    sources: tuple[Source, ...]


_STATEMENTS = """
SELECT DISTINCT ?p ?o ?label WHERE {{
  {node} ?p ?o .
  FILTER (?p != <http://www.w3.org/ns/prov#wasDerivedFrom>)
  OPTIONAL {{
    ?o <http://www.w3.org/2004/02/skos/core#prefLabel>|<http://xmlns.com/foaf/0.1/name>
       |<http://www.w3.org/2004/02/skos/core#notation> ?label
  }}
}} ORDER BY ?p ?o
"""

_SOURCES = """
SELECT DISTINCT ?s ?id ?url ?date ?b ?e ?text WHERE {{
  {node} <http://www.w3.org/ns/prov#wasDerivedFrom> ?s .
  OPTIONAL {{ ?s <{nif}beginIndex> ?b ; <{nif}endIndex> ?e }}
  OPTIONAL {{ ?s <{nif}anchorOf> ?text }}
  OPTIONAL {{
    {node} <https://w3id.org/safekg/def#article> ?art .
    OPTIONAL {{ ?art <http://purl.org/dc/terms/identifier> ?id }}
    OPTIONAL {{ ?art <https://schema.org/url> ?url }}
    OPTIONAL {{ ?art <https://schema.org/datePublished> ?date }}
  }}
}} ORDER BY ?s
"""

_NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"


def _node(iri: str) -> ox.NamedNode:
    text = iri.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    prefix, _, local = text.partition(":")
    if prefix in PREFIXES and not local.startswith("//"):
        text = PREFIXES[prefix] + local
    try:
        return ox.NamedNode(text)
    except ValueError:
        raise SafeKGError(f"not an IRI: {iri!r}") from None


def compact(term: ox.NamedNode | ox.Literal | ox.BlankNode | object) -> str:
    """A term as a person reads it: prefixed IRIs, plain literal values."""
    if isinstance(term, ox.NamedNode):
        for prefix, base in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            if term.value.startswith(base) and term.value != base:
                return f"{prefix}:{term.value[len(base) :]}"
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def explain(store: Queryable, iri: str) -> Explanation:
    """What the graph says about ``iri`` and the sentences it was read from."""
    node = _node(iri)
    statements: list[tuple[str, str]] = []
    for row in _rows(store, _STATEMENTS.format(node=node)):
        obj = compact(row["o"])
        if row["label"] is not None:
            obj = f"{obj} ({compact(row['label'])})"
        statements.append((compact(row["p"]), obj))
    if not statements:
        raise SafeKGError(f"the graph holds nothing about {node.value}")
    sources = []
    for row in _rows(store, _SOURCES.format(node=node, nif=_NIF)):
        sentence = row["s"]
        sources.append(
            Source(
                sentence=sentence.value if isinstance(sentence, ox.NamedNode) else str(sentence),
                article=_text(row["id"]),
                url=_text(row["url"]),
                published=_text(row["date"]),
                start=_int(row["b"]),
                end=_int(row["e"]),
                text=_text(row["text"]),
            )
        )
    return Explanation(node.value, tuple(dict.fromkeys(statements)), tuple(sources))


def render(explanation: Explanation) -> str:
    """The explanation as plain text, for the terminal."""
    lines = [explanation.iri]
    width = max((len(p) for p, _ in explanation.statements), default=0)
    lines += [f"  {p.ljust(width)}  {o}" for p, o in explanation.statements]
    for source in explanation.sources:
        where = f"{source.article or '?'} [{source.start}:{source.end}]"
        meta = ", ".join(x for x in (source.published, source.url) if x)
        lines.append("")
        lines.append(f"from {where}" + (f" ({meta})" if meta else ""))
        lines.append(f"  \u201c{source.text}\u201d" if source.text else f"  {source.sentence}")
    return "\n".join(lines) + "\n"


def _rows(store: Queryable, sparql: str) -> list[dict[str, object]]:
    result = store.query(sparql)
    if not isinstance(result, ox.QuerySolutions):
        raise SafeKGError("the store did not answer with solutions")
    names = [v.value for v in result.variables]
    return [{name: solution[name] for name in names} for solution in result]


def _text(term: object) -> str | None:
    return term.value if isinstance(term, ox.Literal | ox.NamedNode) else None


def _int(term: object) -> int | None:
    try:
        return int(term.value) if isinstance(term, ox.Literal) else None
    except ValueError:
        return None
