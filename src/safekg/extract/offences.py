"""Offences an article names, from the offences gazetteer."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache

from safekg.extract import rules
from safekg.extract.text import Sentence
from safekg.models import Evidence, Offence


@cache
def _forms() -> tuple[re.Pattern[str], dict[str, str]]:
    label_of: dict[str, str] = {}
    for row in rules.jsonl("gazetteers", "offences.jsonl"):
        label = rules.require(row, "label", str, "data/gazetteers/offences.jsonl")
        for form in [label, *row.get("forms", [])]:
            label_of.setdefault(form.lower(), label)
    alternatives = "|".join(re.escape(f) for f in sorted(label_of, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE), label_of


def find_offences(
    sentences: list[Sentence], evidence: Callable[[Sentence], Evidence]
) -> Iterator[Offence]:
    """Each offence the article names, once, with the first sentence naming it."""
    pattern, label_of = _forms()
    seen: set[str] = set()
    for sentence in sentences:
        for m in pattern.finditer(sentence.text):
            label = label_of[m.group(0).lower()]
            if label not in seen:
                seen.add(label)
                yield Offence(label=label, evidence=evidence(sentence), confidence=0.9)
