"""Offences an article names, from the offences gazetteer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache

from safekg.extract import rules
from safekg.extract.fast import WordList
from safekg.extract.text import Sentence
from safekg.models import Evidence, Offence


@cache
def _forms() -> tuple[WordList, dict[str, str]]:
    label_of: dict[str, str] = {}
    for row in rules.jsonl("gazetteers", "offences.jsonl"):
        label = rules.require(row, "label", str, "data/gazetteers/offences.jsonl")
        for form in [label, *row.get("forms", [])]:
            label_of.setdefault(form.casefold(), label)
    return WordList(label_of), label_of


def find_offences(
    sentences: list[Sentence], evidence: Callable[[Sentence], Evidence]
) -> Iterator[Offence]:
    """Each offence the article names, once, with the first sentence naming it."""
    pattern, label_of = _forms()
    seen: set[str] = set()
    for sentence in sentences:
        for start, end in pattern.spans(sentence.text):
            # re's case-insensitive matching takes the long s for an s: compare case-folded forms
            label = label_of.get(sentence.text[start:end].casefold())
            if label is not None and label not in seen:
                seen.add(label)
                yield Offence(label=label, evidence=evidence(sentence), confidence=0.9)
