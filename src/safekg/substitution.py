"""Parameters bound in a query's text, for an engine that cannot bind them itself.

An embedded store binds a named query's parameters with Oxigraph's own
substitution (SEP-0007): each parameter variable holds its value everywhere in
the query, before anything is evaluated. A SPARQL 1.1 endpoint takes no such
bindings, and a ``VALUES`` clause after the query is joined with its answer
only after every ``FILTER`` and ``HAVING`` has run, where a parameter would
still be unbound. So for an endpoint the value is written into the text, with
the same meaning:

- where an expression or a triple pattern reads the variable, the term
  replaces it;
- ``BOUND(?name)`` becomes ``(true)``;
- a bare variable in the query's own projection becomes ``(term AS ?name)``,
  so the answer keeps its column; in a subquery's projection it is dropped,
  since everything that read it now holds the term; in ``GROUP BY`` or
  ``ORDER BY`` it becomes the constant key ``(term)``, which changes nothing;
- ``BIND(expression AS ?name)`` becomes a test that the expression gives the
  term (``BIND`` to a fresh variable, then ``FILTER(sameTerm(...))``): a
  binding made before evaluation joins only with equal terms;
- a parameter that the query binds any other way (``(expression AS ?name)`` in
  a projection or a ``GROUP BY``, or in its own ``VALUES``) cannot take a value
  and is refused.

The text is read as SPARQL 1.1's tokens (comments, strings, IRIs, variables,
words and single characters), so a ``?name`` inside a string, an IRI or a
comment is left alone. The result is parsed again by the caller's gates.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from safekg.errors import SafeKGError

# SPARQL 1.1's VARNAME (grammar rule 166): PN_CHARS_U, digits and a few more
_NAME_CHAR = (
    "A-Za-z0-9_\u00b7\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0300-\u037d\u037f-\u1fff"
    "\u200c\u200d\u203f\u2040\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
)
_TOKEN = re.compile(
    rf"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:'{{0,2}}(?:[^'\\]|\\.))*'''
             |\"\"\"(?:\"{{0,2}}(?:[^"\\]|\\.))*\"\"\"
             |'(?:[^'\\\n\r]|\\.)*'
             |"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][{_NAME_CHAR}]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*(?::[^\s(){{}}\[\],;'"<>\#?$]*)?|:[^\s(){{}}\[\],;'"<>\#?$]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

# the words that end a projection, a GROUP BY or an ORDER BY at its own level
_ENDS = {
    "select": {"WHERE", "FROM"},
    "group": {"HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"},
    "order": {"LIMIT", "OFFSET", "VALUES"},
}


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str


def _tokens(text: str) -> Iterator[_Token]:
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        assert kind is not None
        yield _Token(kind, match.group())


@dataclass
class _Frame:
    """An open ``(`` or ``{``; for a BIND's ``(`` that binds a parameter, the test to add."""

    bracket: str
    is_bind: bool = False
    then: str = ""


@dataclass
class _Clause:
    """A projection, GROUP BY or ORDER BY being read: the nesting it is at, and whose."""

    kind: str  # "select" | "group" | "order"
    level: int
    outermost: bool


def substitute(text: str, terms: Mapping[str, str]) -> str:
    """``text`` with each parameter variable bound to its term (as SPARQL text).

    ``terms`` maps a variable's name, without ``?``, to the term's SPARQL form,
    such as ``"2019"^^<http://www.w3.org/2001/XMLSchema#integer>``. Raises
    :class:`SafeKGError` for a parameter the query sets itself.

    >>> substitute('SELECT ?n WHERE { ?s ?p ?n FILTER(?n > ?min) }', {"min": "3"})
    'SELECT ?n WHERE { ?s ?p ?n FILTER(?n > 3) }'
    """
    if not terms:
        return text
    return _Rewriter(text, terms).rewrite()


class _Rewriter:
    """One pass over a query's tokens, keeping where each one stands."""

    def __init__(self, text: str, terms: Mapping[str, str]) -> None:
        self.text = text
        self.terms = terms
        self.fresh = _fresh_names(text, terms)
        self.out: list[str] = []
        self.stack: list[_Frame] = []
        self.clause: _Clause | None = None
        # the last two tokens that are not space or a comment, upper-cased if words
        self.before = self.previous = ""
        self.bound_at = -1  # where the last BOUND is in ``out``
        self.in_values_header = False

    def rewrite(self) -> str:
        for token in _tokens(self.text):
            if token.kind in ("space", "comment"):
                self.out.append(token.text)
                continue
            upper = token.text.upper() if token.kind == "word" else token.text
            self._follow_clauses(token, upper)
            self.out.append(self._written(token))
            self.before, self.previous = self.previous, upper
            if upper == "BOUND":
                self.bound_at = len(self.out) - 1
        return "".join(self.out)

    def _follow_clauses(self, token: _Token, upper: str) -> None:
        """Note where a projection, GROUP BY, ORDER BY or VALUES header begins or ends."""
        level = len(self.stack)
        clause = self.clause
        if clause and level == clause.level and (upper in _ENDS[clause.kind] or upper in "{}"):
            self.clause = None
        if token.kind == "word" and upper == "SELECT":
            outermost = not any(frame.bracket == "{" for frame in self.stack)
            self.clause = _Clause("select", level, outermost)
        elif token.kind == "word" and upper == "BY" and self.previous in ("GROUP", "ORDER"):
            self.clause = _Clause(self.previous.lower(), level, outermost=False)
        if token.kind == "word" and upper == "VALUES":
            self.in_values_header = True
        elif upper == "{":
            self.in_values_header = False

    def _written(self, token: _Token) -> str:
        """What ``token`` is written as."""
        value = token.text
        if value in ("(", "{"):
            self.stack.append(_Frame(value, is_bind=value == "(" and self.previous == "BIND"))
            return value
        if value in (")", "}"):
            frame = self.stack.pop() if self.stack else None
            return value + (frame.then if frame else "")
        if token.kind != "var" or value[1:] not in self.terms:
            return value
        name = value[1:]
        if self.previous == "(" and self.before == "BOUND":
            self.out[self.bound_at] = ""  # BOUND(?name) is (true): the parameter is bound
            return "true"
        return self._bound(name, self.terms[name])

    def _bound(self, name: str, term: str) -> str:
        """What a parameter variable is written as, where it stands."""
        if self.in_values_header:
            raise SafeKGError(
                f"parameter ?{name} is given by the query's own VALUES: it cannot be set"
            )
        if self.previous == "AS":
            if self.stack and self.stack[-1].is_bind:
                self.stack[-1].then = f" FILTER(sameTerm(?{self.fresh[name]}, {term}))"
                return f"?{self.fresh[name]}"
            raise SafeKGError(f"the query computes parameter ?{name} itself: it cannot be set")
        clause = self.clause
        if clause is not None and len(self.stack) == clause.level:
            if clause.kind != "select":
                return f"({term})"  # a constant key: it groups or orders nothing, as the term did
            if clause.outermost:
                return f"({term} AS ?{name})"
            return ""  # a subquery's projection: the term is everywhere the variable was read
        return term


def _fresh_names(text: str, terms: Mapping[str, str]) -> dict[str, str]:
    """A variable name for each parameter that the text does not use."""
    names: dict[str, str] = {}
    for name in terms:
        candidate = f"{name}_given"
        while re.search(rf"[?$]{re.escape(candidate)}\b", text):
            candidate += "_"
        names[name] = candidate
    return names
