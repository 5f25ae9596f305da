"""``safekg serve``: the graph on the web, for people and programs.

A SPARQL 1.1 Protocol endpoint at ``/sparql`` (read-only, within the budgets of
``safekg query``), a page for every ``https://w3id.org/safekg/id/...`` resource at
the matching local path ``/id/...`` (HTML, Turtle, JSON-LD, N-Triples or RDF/XML by
content negotiation), a home page with the dataset's description, a search box and
the named queries ready to run. Plain HTML and one stylesheet: no script, nothing
fetched from elsewhere.

>>> from safekg.store import open_store
>>> with open_store("safekg-store", read_only=True) as store:  # doctest: +SKIP
...     serve(store, "127.0.0.1", 8000)
"""

from __future__ import annotations

from safekg.serve.app import App, Response
from safekg.serve.server import DEFAULT_HOST, DEFAULT_PORT, SafeKGServer, make_server, serve

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "App",
    "Response",
    "SafeKGServer",
    "make_server",
    "serve",
]
