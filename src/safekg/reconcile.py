"""Online reconciliation: propose Wikidata items for agencies the reference tables do not know.

Opt-in and explicit: ``reconcile(labels, endpoint_url)`` sends SPARQL queries to
the endpoint it is given (Wikidata's is ``https://query.wikidata.org/sparql``;
any endpoint holding Wikidata-shaped data will do) and nowhere else; nothing in
safekg calls it without an endpoint. For each name it asks for items whose
``rdfs:label`` or ``skos:altLabel`` in the language is exactly that name, and
whether the item is an instance of an organisation class (``wdt:P31/wdt:P279*``).

Each candidate is scored: the similarity of the name and the item's own label
(``difflib``, on names normalised as ``safekg.link.normalise_label`` does) weighs
0.8, being an organisation 0.2. A name gets the one organisation candidate that
reaches the threshold; the other candidates, or all of them when several reach
it, are refused and reported for someone to review. Acronyms are never sent.
"""

from __future__ import annotations

import difflib
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from safekg.errors import EndpointError, SafeKGError
from safekg.link import WIKIDATA_ENTITY, looks_like_acronym, normalise_label

__all__ = [
    "ORGANISATION_CLASSES",
    "TYPE_BONUS",
    "Candidate",
    "ReconcileReport",
    "reconcile",
    "score",
]

#: Classes an item must be an instance of (or of a subclass of) to count as an organisation:
#: organization (Q43229) and police (Q35535).
ORGANISATION_CLASSES: Final = (WIKIDATA_ENTITY + "Q43229", WIKIDATA_ENTITY + "Q35535")
#: The share of the score that being an organisation gives.
TYPE_BONUS: Final = 0.2

_USER_AGENT: Final = "safekg/0.1 (https://w3id.org/safekg/; reconciliation of agency names)"
_RESULTS_JSON: Final = "application/sparql-results+json"
_MAX_RESPONSE_BYTES: Final = 16 * 1024 * 1024
_LANGUAGE = re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*")
_ITEM = re.compile(re.escape(WIKIDATA_ENTITY) + r"Q[1-9][0-9]*")
_LOOPBACK: Final = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class Candidate:
    """A Wikidata item proposed for one of our names."""

    label: str  # our name, as given
    item: str  # the item's IRI
    item_label: str  # the item's label (or the name it matched, when it has none)
    score: float
    organisation: bool


@dataclass(frozen=True)
class ReconcileReport:
    """What reconciliation proposes: links to make, candidates to review, names without any."""

    accepted: tuple[Candidate, ...] = ()
    refused_for_review: tuple[Candidate, ...] = ()
    unmatched: tuple[str, ...] = ()  # names with no candidate, or never sent (acronyms)
    endpoint: str = ""


def score(label: str, item_label: str, *, organisation: bool) -> float:
    """How well an item fits a name, from 0 to 1 (see the module's description)."""
    ours, theirs = normalise_label(label), normalise_label(item_label)
    similarity = (
        difflib.SequenceMatcher(None, ours, theirs, autojunk=False).ratio()
        if ours and theirs
        else 0.0
    )
    return round((1 - TYPE_BONUS) * similarity + (TYPE_BONUS if organisation else 0.0), 4)


def reconcile(
    agency_labels: Iterable[str],
    endpoint_url: str,
    *,
    threshold: float = 0.85,
    timeout_s: float = 10,
    language: str = "en",
    classes: Sequence[str] = ORGANISATION_CLASSES,
    batch_size: int = 25,
) -> ReconcileReport:
    """Ask ``endpoint_url`` (a SPARQL query URL) for items named like each agency.

    Raises ``SafeKGError`` for bad arguments (before anything is sent) and
    ``EndpointError`` when the endpoint does not answer, or not with SPARQL JSON results.
    """
    url = _check_endpoint(endpoint_url)
    if not 0 <= threshold <= 1:
        raise SafeKGError(f"the threshold must be between 0 and 1, not {threshold}")
    if not timeout_s > 0:
        raise SafeKGError(f"the timeout must be positive, not {timeout_s}")
    if not _LANGUAGE.fullmatch(language):
        raise SafeKGError(f"not a language tag: {language!r}")
    if batch_size < 1:
        raise SafeKGError(f"the batch size must be at least 1, not {batch_size}")
    for cls in classes:
        if not _ITEM.fullmatch(cls):
            raise SafeKGError(f"not a Wikidata item IRI: {cls!r}")

    labels: list[str] = []
    unsent: list[str] = []
    for label in dict.fromkeys(label.strip() for label in agency_labels):
        if not label:
            continue
        (unsent if looks_like_acronym(label) or not normalise_label(label) else labels).append(
            label
        )

    found: dict[str, dict[str, Candidate]] = {label: {} for label in labels}
    for start in range(0, len(labels), batch_size):
        batch = labels[start : start + batch_size]
        variants: dict[str, set[str]] = {}
        for label in batch:
            for text in _variants(label):
                variants.setdefault(text, set()).add(label)
        query = _query(sorted(variants), language, classes)
        for text, item, item_label, organisation in _rows(_post(url, query, timeout_s)):
            for label in variants.get(text, ()):
                shown = item_label or text
                candidate = Candidate(
                    label, item, shown, score(label, shown, organisation=organisation), organisation
                )
                best = found[label].get(item)
                if best is None or candidate.score > best.score:
                    found[label][item] = candidate

    accepted: list[Candidate] = []
    refused: list[Candidate] = []
    unmatched = list(unsent)
    for label in labels:
        candidates = sorted(found[label].values(), key=lambda c: (-c.score, c.item))
        if not candidates:
            unmatched.append(label)
            continue
        good = [c for c in candidates if c.organisation and c.score >= threshold]
        if len(good) == 1:
            accepted.append(good[0])
            refused.extend(c for c in candidates if c is not good[0])
        else:
            refused.extend(candidates)
    return ReconcileReport(tuple(accepted), tuple(refused), tuple(unmatched), url)


def _check_endpoint(endpoint_url: str) -> str:
    url = (endpoint_url or "").strip()
    split = urllib.parse.urlsplit(url)
    if split.scheme not in {"http", "https"} or not split.hostname:
        raise SafeKGError(f"reconciliation needs an http(s) SPARQL endpoint, not {url!r}")
    return url


def _variants(label: str) -> list[str]:
    """The exact names asked for: the name, and the name without or with a leading "The"."""
    texts = [label]
    if label[:4].casefold() == "the " and label[4:].strip():
        texts.append(label[4:].strip())
    else:
        texts.append(f"The {label}")
    return texts


def _string(text: str, language: str) -> str:
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    return f'"{escaped}"@{language}'


def _query(texts: Sequence[str], language: str, classes: Sequence[str]) -> str:
    values = " ".join(_string(text, language) for text in texts)
    class_list = ", ".join(f"<{cls}>" for cls in classes)
    return f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
SELECT ?text ?item ?itemLabel ?org WHERE {{
  VALUES ?text {{ {values} }}
  {{ ?item rdfs:label ?text }} UNION {{ ?item skos:altLabel ?text }}
  FILTER(isIRI(?item) && STRSTARTS(STR(?item), "{WIKIDATA_ENTITY}Q"))
  OPTIONAL {{ ?item rdfs:label ?itemLabel FILTER(LANG(?itemLabel) = "{language}") }}
  BIND(EXISTS {{ ?item wdt:P31/wdt:P279* ?class FILTER(?class IN ({class_list})) }} AS ?org)
}}"""


def _post(url: str, query: str, timeout_s: float) -> Any:
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode({"query": query}).encode("utf-8"),
        method="POST",
        headers={
            "Accept": _RESULTS_JSON,
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": _USER_AGENT,
        },
    )
    handlers: list[urllib.request.BaseHandler] = []
    if urllib.parse.urlsplit(url).hostname in _LOOPBACK:
        handlers.append(urllib.request.ProxyHandler({}))  # never send loopback to a proxy
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(request, timeout=timeout_s) as response:
            payload: bytes = response.read(_MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise EndpointError(f"{url} answered HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise EndpointError(f"{url} did not answer: {error.reason}") from None
    except (OSError, ValueError) as error:
        raise EndpointError(f"{url} did not answer: {error}") from None
    if len(payload) > _MAX_RESPONSE_BYTES:
        raise EndpointError(f"{url} answered with more than {_MAX_RESPONSE_BYTES} bytes")
    try:
        return json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise EndpointError(f"{url} did not answer with SPARQL JSON results") from None


def _rows(results: Any) -> list[tuple[str, str, str, bool]]:
    """(matched text, item IRI, item label, is an organisation) for each solution."""
    try:
        bindings = results["results"]["bindings"]
        if not isinstance(bindings, list):
            raise TypeError
        rows: list[tuple[str, str, str, bool]] = []
        for binding in bindings:
            item = binding["item"]["value"]
            if not isinstance(item, str) or not _ITEM.fullmatch(item):
                continue
            text = str(binding["text"]["value"])
            label = str(binding.get("itemLabel", {}).get("value", ""))
            organisation = str(binding.get("org", {}).get("value", "")).strip() in {"true", "1"}
            rows.append((text, item, label, organisation))
        return rows
    except (KeyError, TypeError, AttributeError):
        raise EndpointError("the endpoint's answer is not SPARQL JSON results") from None
