"""RDF serialisations and SPARQL result formats as values.

One enum per family, each member knowing its media type, its file suffix and
the matching pyoxigraph format, so the CLI and the library name formats the same
way::

    >>> RdfFormat.from_name("ttl").media_type
    'text/turtle'
    >>> RdfFormat.from_suffix("dump.nq") is RdfFormat.NQUADS
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePath

import pyoxigraph

from safekg.errors import SafeKGError


@dataclass(frozen=True)
class _RdfInfo:
    media_type: str
    suffix: str
    oxigraph: pyoxigraph.RdfFormat
    rdflib: str
    has_graphs: bool
    aliases: tuple[str, ...]
    suffixes: tuple[str, ...]


class RdfFormat(StrEnum):
    """An RDF serialisation that safekg reads and writes."""

    TURTLE = "turtle"
    NTRIPLES = "ntriples"
    NQUADS = "nquads"
    TRIG = "trig"
    JSONLD = "jsonld"
    RDFXML = "rdfxml"

    @property
    def _info(self) -> _RdfInfo:
        return _RDF_INFO[self]

    @property
    def media_type(self) -> str:
        return self._info.media_type

    @property
    def suffix(self) -> str:
        """The usual file suffix, with its dot (``.ttl``)."""
        return self._info.suffix

    @property
    def oxigraph(self) -> pyoxigraph.RdfFormat:
        return self._info.oxigraph

    @property
    def rdflib(self) -> str:
        """The name rdflib's ``parse``/``serialize`` know the format by."""
        return self._info.rdflib

    @property
    def has_graphs(self) -> bool:
        """Whether the format carries named graphs (a dataset, not one graph)."""
        return self._info.has_graphs

    @classmethod
    def from_name(cls, name: str) -> RdfFormat:
        """The format called ``name``: a member name, an alias, a suffix or a media type."""
        key = _normalise(name)
        for member in cls:
            info = member._info
            suffixes = (s[1:] for s in (info.suffix, *info.suffixes))
            if key in (member.value, info.media_type, *info.aliases, *suffixes):
                return member
        raise SafeKGError(
            f"unknown RDF format {name!r}; use one of: {', '.join(m.value for m in cls)}"
        )

    @classmethod
    def from_suffix(cls, path: str | PurePath) -> RdfFormat:
        """The format a file's suffix names (``graph.ttl`` -> Turtle)."""
        suffix = PurePath(path).suffix.lower()
        for member in cls:
            if suffix in (member._info.suffix, *member._info.suffixes):
                return member
        known = sorted({s for m in cls for s in (m._info.suffix, *m._info.suffixes)})
        raise SafeKGError(
            f"cannot tell the RDF format of {str(path)!r} from its suffix; "
            f"use one of {', '.join(known)} or name the format "
            f"({', '.join(m.value for m in cls)})"
        )


_RDF_INFO: dict[RdfFormat, _RdfInfo] = {
    RdfFormat.TURTLE: _RdfInfo(
        "text/turtle",
        ".ttl",
        pyoxigraph.RdfFormat.TURTLE,
        "turtle",
        False,
        ("ttl",),
        (".turtle",),
    ),
    RdfFormat.NTRIPLES: _RdfInfo(
        "application/n-triples",
        ".nt",
        pyoxigraph.RdfFormat.N_TRIPLES,
        "nt",
        False,
        ("nt", "n-triples", "ntriples"),
        (".ntriples",),
    ),
    RdfFormat.NQUADS: _RdfInfo(
        "application/n-quads",
        ".nq",
        pyoxigraph.RdfFormat.N_QUADS,
        "nquads",
        True,
        ("nq", "n-quads"),
        (".nquads",),
    ),
    RdfFormat.TRIG: _RdfInfo(
        "application/trig",
        ".trig",
        pyoxigraph.RdfFormat.TRIG,
        "trig",
        True,
        (),
        (),
    ),
    RdfFormat.JSONLD: _RdfInfo(
        "application/ld+json",
        ".jsonld",
        pyoxigraph.RdfFormat.JSON_LD,
        "json-ld",
        True,
        ("json-ld", "json"),
        (".json",),
    ),
    RdfFormat.RDFXML: _RdfInfo(
        "application/rdf+xml",
        ".rdf",
        pyoxigraph.RdfFormat.RDF_XML,
        "xml",
        False,
        ("rdf/xml", "rdf-xml", "xml", "rdf", "owl"),
        (".xml", ".owl"),
    ),
}


@dataclass(frozen=True)
class _ResultInfo:
    media_type: str
    suffix: str
    oxigraph: pyoxigraph.QueryResultsFormat | None
    graph_format: RdfFormat
    aliases: tuple[str, ...]


class ResultFormat(StrEnum):
    """How the answer to a query is written.

    ``csv``, ``tsv``, ``json`` and ``xml`` are the W3C SPARQL result formats
    (written by pyoxigraph); ``table`` is an aligned text table for people.
    CONSTRUCT and DESCRIBE answers are graphs, written as :attr:`graph_format`.
    """

    TABLE = "table"
    CSV = "csv"
    TSV = "tsv"
    JSON = "json"
    XML = "xml"

    @property
    def media_type(self) -> str:
        return _RESULT_INFO[self].media_type

    @property
    def suffix(self) -> str:
        return _RESULT_INFO[self].suffix

    @property
    def oxigraph(self) -> pyoxigraph.QueryResultsFormat | None:
        """pyoxigraph's format, or None for the text table."""
        return _RESULT_INFO[self].oxigraph

    @property
    def graph_format(self) -> RdfFormat:
        """The RDF format a CONSTRUCT or DESCRIBE answer is written in."""
        return _RESULT_INFO[self].graph_format

    @classmethod
    def from_name(cls, name: str) -> ResultFormat:
        key = _normalise(name)
        for member in cls:
            info = _RESULT_INFO[member]
            if key in (member.value, info.media_type, info.suffix[1:], *info.aliases):
                return member
        raise SafeKGError(
            f"unknown result format {name!r}; use one of: {', '.join(m.value for m in cls)}"
        )


_RESULT_INFO: dict[ResultFormat, _ResultInfo] = {
    ResultFormat.TABLE: _ResultInfo(
        "text/plain",
        ".txt",
        None,
        RdfFormat.TURTLE,
        ("text", "txt"),
    ),
    ResultFormat.CSV: _ResultInfo(
        "text/csv",
        ".csv",
        pyoxigraph.QueryResultsFormat.CSV,
        RdfFormat.NTRIPLES,
        (),
    ),
    ResultFormat.TSV: _ResultInfo(
        "text/tab-separated-values",
        ".tsv",
        pyoxigraph.QueryResultsFormat.TSV,
        RdfFormat.NTRIPLES,
        (),
    ),
    ResultFormat.JSON: _ResultInfo(
        "application/sparql-results+json",
        ".srj",
        pyoxigraph.QueryResultsFormat.JSON,
        RdfFormat.JSONLD,
        ("srj",),
    ),
    ResultFormat.XML: _ResultInfo(
        "application/sparql-results+xml",
        ".srx",
        pyoxigraph.QueryResultsFormat.XML,
        RdfFormat.RDFXML,
        ("srx",),
    ),
}


def _normalise(name: str) -> str:
    return name.strip().lower().removeprefix(".")
