"""Extraction: one article in, its agencies, officers, funding and outcomes out.

The components run in order over a same-length normalised copy of the text, so
every offset they report is an offset into ``Article.text``:

    text -> sentences -> agencies -> officers -> funding, outcomes, offences

Each fact carries the sentence it came from, redacted of private people.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from safekg.dates import DATE, parse_date
from safekg.extract.agencies import AgencyIndex, find_agencies
from safekg.extract.funding import find_funding
from safekg.extract.offences import find_offences
from safekg.extract.officers import find_officers
from safekg.extract.outcomes import find_figures
from safekg.extract.privacy import private_surnames, redact
from safekg.extract.text import Sentence, mask_headers, normalise, sentences
from safekg.models import Agency, Article, Evidence, Extraction, Funding, Officer, Outcome


class _Evidence:
    """Builds redacted evidence for sentences, once per sentence."""

    def __init__(self, keep: list[str], private: set[str]) -> None:
        self._keep = keep
        self._private = private
        self._cache: dict[int, Evidence] = {}

    def __call__(self, sentence: Sentence) -> Evidence:
        found = self._cache.get(sentence.start)
        if found is None:
            text = redact(sentence.text, keep=self._keep, private=self._private)
            found = self._cache[sentence.start] = Evidence(sentence.start, sentence.end, text)
        return found


def extract(article: Article) -> Extraction:
    """Find every fact in ``article``."""
    text = mask_headers(normalise(article.text))
    sents = sentences(text)
    agencies = find_agencies(text, sents)
    country = agencies.country
    officers = find_officers(text, sents, agencies)
    keep = _kept_names(agencies, [o.name for o in officers])
    evidence = _Evidence(keep, private_surnames(text, keep))

    def name_of(key: str | None) -> str | None:
        return agencies.agencies[key].name if key and key in agencies.agencies else None

    agency_facts = tuple(
        Agency(
            name=info.name,
            evidence=evidence(info.sentence) if info.sentence else Evidence(0, 0, ""),
            acronym=info.acronym,
            parent=info.parent,
            aliases=tuple(sorted(a for a in info.aliases if a != info.name)),
            kind=info.kind,
            country=info.country,
            confidence=0.95 if info.known else 0.8,
        )
        for info in agencies.agencies.values()
    )
    officer_facts = tuple(
        Officer(
            name=o.name,
            rank=o.rank,
            evidence=evidence(o.sentence),
            agency=name_of(o.agency) or name_of(_fallback(agencies)),
            leads=o.leads,
            confidence=0.9,
        )
        for o in officers
    )
    funding_facts = tuple(
        Funding(
            amount=g.amount,
            currency=g.currency,
            evidence=evidence(g.sentence),
            recipient=name_of(g.recipient),
            funder=name_of(g.funder),
            confidence=g.confidence,
        )
        for g in find_funding(sents, agencies, country)
    )
    outcome_facts = tuple(
        Outcome(
            measure=f.measure,
            value=f.value,
            qualifier=f.qualifier,
            evidence=evidence(f.sentence),
            agency=name_of(f.agency),
            period_start=f.period_start,
            period_end=f.period_end,
            confidence=f.confidence,
        )
        for f in find_figures(sents, article.published or dateline(text), agencies, country)
    )
    offence_facts = tuple(find_offences(sents, evidence))
    return Extraction(
        article=article,
        agencies=agency_facts,
        officers=officer_facts,
        fundings=funding_facts,
        outcomes=outcome_facts,
        offences=offence_facts,
    )


def _fallback(agencies: AgencyIndex) -> str | None:
    return agencies.main


def _kept_names(agencies: AgencyIndex, officials: list[str]) -> list[str]:
    names = list(officials)
    for info in agencies.agencies.values():
        names.append(info.name)
        names.extend(info.aliases)
    return names


__all__ = ["extract"]


@cache
def _date_pattern() -> re.Pattern[str]:
    return re.compile(rf"(?<![\w/.-]){DATE}(?![\w/.-])", re.IGNORECASE)


def dateline(text: str) -> date | None:
    """The date an undated article gives in its opening lines ("Brasilia, 16/05/2023 - 11h30",
    "Meeting date: Thursday 22nd February 2024"): a short line, not a sentence of the story."""
    for line in text[:600].splitlines()[:8]:
        if not line.strip() or len(line) > 100:
            continue
        for m in _date_pattern().finditer(line):
            found = parse_date(m.group(0))
            if found is not None:
                return found
    return None
