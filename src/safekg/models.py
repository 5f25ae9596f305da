"""The values that flow through safekg: articles in, facts out.

Every stage passes frozen dataclasses, so a fact cannot change after it was
found. Offsets are character offsets into ``Article.text`` (Python ``str``
indices, end exclusive).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

#: The facts-contract codes of what an outcome counts (FACTS.md).
MEASURES: tuple[str, ...] = (
    "arrests",
    "charges",
    "convictions",
    "conviction_rate_percent",
    "custodial_years",
    "children_safeguarded",
    "victims_identified",
    "warrants_executed",
    "devices_seized",
    "devices_examined",
    "images_analysed",
    "networks_disrupted",
    "reports_received",
    "professionals_trained",
    "children_educated",
)

#: How a reported figure relates to the true quantity (FACTS.md).
QUALIFIERS: tuple[str, ...] = (
    "exact",
    "more_than",
    "at_least",
    "nearly",
    "about",
    "estimated",
    "up_to",
)


@dataclass(frozen=True)
class Article:
    """One article as read from a file: its text and what is known about it."""

    id: str
    text: str
    published: date | None = None
    url: str | None = None
    title: str | None = None
    source: str | None = None  # the file it was read from, for messages

    @property
    def sha256(self) -> str:
        """Hash of the text, the article's content identity for incremental builds."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Evidence:
    """The sentence a fact was read from, with any private person redacted.

    ``start``/``end`` locate the sentence in the article's text; ``text`` is the
    sentence as it may be stored (redacted), so it can differ from the slice.
    """

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Agency:
    """An organisation that acts in an article: a unit, force, agency, funder or partner."""

    name: str  # canonical name (gazetteer's where known, else as written)
    evidence: Evidence
    acronym: str | None = None
    parent: str | None = None  # canonical name of the parent organisation
    aliases: tuple[str, ...] = ()  # other names it goes by (in this article or the gazetteer)
    # force, unit, agency, government, charity, company, prosecutor, collaboration, organisation
    kind: str = "organisation"
    country: str | None = None  # ISO 3166-1 alpha-2 where known
    confidence: float = 0.9


@dataclass(frozen=True)
class Officer:
    """A public official speaking for or leading an organisation, in that role."""

    name: str  # full name as best known
    rank: str  # as written in full ("Detective Inspector", "chief executive")
    evidence: Evidence
    agency: str | None = None  # canonical agency name
    leads: bool = False  # the text says the person leads / heads the agency
    confidence: float = 0.9


@dataclass(frozen=True)
class Funding:
    """A sum of money given to or invested in policing work."""

    amount: Decimal  # whole currency units
    currency: str  # ISO 4217
    evidence: Evidence
    recipient: str | None = None
    funder: str | None = None
    confidence: float = 0.8


@dataclass(frozen=True)
class Outcome:
    """A figure an article reports as a result of the work."""

    measure: str  # one of MEASURES
    value: Decimal
    qualifier: str  # one of QUALIFIERS
    evidence: Evidence
    agency: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    confidence: float = 0.8


@dataclass(frozen=True)
class Offence:
    """An offence an article names (a SKOS concept in the graph)."""

    label: str
    evidence: Evidence
    confidence: float = 0.8


@dataclass(frozen=True)
class Extraction:
    """Everything found in one article."""

    article: Article
    agencies: tuple[Agency, ...] = ()
    officers: tuple[Officer, ...] = ()
    fundings: tuple[Funding, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    offences: tuple[Offence, ...] = field(default=())
