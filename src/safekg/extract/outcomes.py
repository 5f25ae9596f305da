"""Outcome figures: what a number in a sentence counts, for whom and over when.

A figure's measure comes from the noun after it ("312 children", "240
warrants") and the verbs of its clause ("safeguarded", "were arrested"), by
the rules in ``data/patterns/measures.toml``. Numbers that are years, ages,
money, periods or parts of dates are not figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from safekg.extract import rules
from safekg.extract.agencies import AgencyIndex
from safekg.extract.attribution import Attribution, Claim
from safekg.extract.fast import TaggedWords, WordList
from safekg.extract.numbers import Number, find_numbers, join_pairs
from safekg.extract.periods import Period, find_periods
from safekg.extract.text import Sentence


@dataclass(frozen=True)
class Rule:
    measure: str
    nouns: frozenset[str]  # "" stands for "no noun"
    verbs: frozenset[str]
    not_verbs: frozenset[str]
    requires: frozenset[str]
    percent: bool
    also_verbs: frozenset[str]
    also_measure: str | None


@dataclass(frozen=True)
class _Lexicon:
    nouns: list[tuple[str, str]]  # (phrase, class), longest first
    nouns_by_first: dict[str, list[tuple[str, str]]]  # the same by first letter
    verbs: TaggedWords  # verb phrases by class
    rules: tuple[Rule, ...]


@cache
def lexicon() -> _Lexicon:
    data: dict[str, Any] = rules.toml("patterns", "measures.toml")
    nouns = sorted(
        ((phrase.lower(), cls) for cls, phrases in data["nouns"].items() for phrase in phrases),
        key=lambda x: -len(x[0]),
    )
    verbs = TaggedWords(dict(data["verbs"]))
    out = []
    for row in data["rule"]:
        also = row.get("also_if") or {}
        out.append(
            Rule(
                measure=row["measure"],
                nouns=frozenset(row.get("nouns", [])),
                verbs=frozenset(row.get("verbs", [])),
                not_verbs=frozenset(row.get("not_verbs", [])),
                requires=frozenset(row.get("requires", [])),
                percent=bool(row.get("percent", False)),
                also_verbs=frozenset(also.get("verbs", [])),
                also_measure=also.get("measure"),
            )
        )
    # a noun "" (if any) would match after every word: it stays in every list, in order
    by_first = {
        first: [(p, c) for p, c in nouns if p[:1] == first or not p]
        for first in {p[:1] for p, _ in nouns}
    }
    return _Lexicon(nouns, by_first, verbs, tuple(out))


@dataclass(frozen=True)
class Figure:
    """An outcome figure found in a sentence, before it is merged with the others."""

    measure: str
    value: Decimal
    qualifier: str
    start: int  # span of the figure in the article
    end: int
    sentence: Sentence
    agency: str | None
    period_start: date | None
    period_end: date | None
    confidence: float
    part: bool = False  # a part of a total, credited in its own clause ("X made 14 of them")


_CLAUSE_BREAK = re.compile(
    r"[;:]|\s-\s|\(|\)|,\s+(?:while|whilst|but|and\s+(?=[a-z]+\s+(?:have|has|were|was)))\b"
)
_GENDER_PAIRS = {
    frozenset({"men", "women"}),
    frozenset({"males", "females"}),
    frozenset({"boys", "girls"}),
    frozenset({"adults", "juveniles"}),
    frozenset({"adults", "teenagers"}),
    frozenset({"men", "teenagers"}),
}
# "one woman", "a boy": the singular of each word of a pair
_PLURAL = {
    "man": "men",
    "woman": "women",
    "male": "males",
    "female": "females",
    "boy": "boys",
    "girl": "girls",
    "adult": "adults",
    "juvenile": "juveniles",
    "teenager": "teenagers",
}
_AGE = re.compile(
    r"^\s*(?:-|\s)?years?[- ]old|^\s*(?:yrs?|yo)\b|^\s*,\s+(?:of|from)\b", re.IGNORECASE
)
_AGE_BEFORE = re.compile(
    r"\b(?:aged|age|ages|ages of)\s+(?:between\s+|from\s+)?(?:\d+\s+(?:and|to|-)\s+)?$",
    re.IGNORECASE,
)
_DURATION = re.compile(
    r"\s*(?:-\s*)?(?:and\s+a\s+half\s+)?(?:days?|weeks?|months?|hours?|minutes?|decades?)\b"
    r"|\s+and\s+a\s+half\s+years?\b",
    re.IGNORECASE,
)
_ASIDE = re.compile(
    r"^\s*,\s+(?:among|including|most|all|many|some|several|both|who|which|aged|many of|one of|"
    r"two of|none of|each|the\s+(?:youngest|oldest))\b.{0,160}?,"
    r"(?=\s+(?:were|was|have|has|had|are|is|will|would|each|all)\b)"
)
_TIME = re.compile(r"^[:.]\d\d")
_OF_THE = re.compile(r"\s+of\s+(?:the|those|these|its|their)\b")
_COUNTED = frozenset({"arrests", "charge_counts", "convictions", "warrants"})
_PARTICIPLE = re.compile(
    r"\s*(?:[a-z]+ed|taken|seen|held|caught)\b(?=\s+(?:had|have|has|were|was|are|is|will|would)\b)"
)
_RELATIVE_AFTER = re.compile(r"^\s+(?:who|that|whom)\b")


_FUNCTION_WORDS = {
    "and",
    "or",
    "who",
    "which",
    "that",
    "in",
    "from",
    "to",
    "for",
    "at",
    "by",
    "with",
    "were",
    "was",
    "have",
    "has",
    "had",
    "are",
    "is",
    "will",
    "would",
    "of",
    "on",
    "since",
    "during",
    "across",
    "per",
    "out",
    "each",
    "apiece",
    "so",
    "last",
    "this",
    "over",
    "between",
    "among",
    "amongst",
    "into",
    "through",
    "after",
    "before",
    "while",
    "when",
}
_MODIFIERS = {
    "new",
    "suspected",
    "alleged",
    "vulnerable",
    "potential",
    "other",
    "separate",
    "individual",
    "young",
    "child",
    "digital",
    "electronic",
    "mobile",
    "search",
    "indecent",
    "sexual",
    "online",
    "additional",
    "different",
    "people",
    "youth",
    "high",
    "at-risk",
    "possible",
    "known",
    "dangerous",
    "registered",
    "convicted",
    "male",
    "female",
    "adult",
    "local",
    "criminal",
    "foreign",
    "unique",
    "distinct",
    "specialist",
    "professional",
    "frontline",
    "front-line",
    "cyber",
    "live",
    "active",
    "serious",
    "sex",
    "paedophile",
    "pedophile",
    "abuse",
    "exploitation",
    "more",
    "further",
    "such",
    "another",
    "external",
    "internal",
    "forensic",
    "computer",
    "image",
    "storage",
    "social",
    "media",
    "reported",
    "recorded",
    "unrelated",
    "related",
    "confirmed",
}


_LOWER_WORD = re.compile(r"[a-z][a-z'-]*")
_LISTED_NOUNS = re.compile(
    r"(?:,\s+[a-z-]+(?:\s[a-z-]+){0,2}){1,4},?\s+(?:and|or)\s+[a-z-]+(?:\s[a-z-]+){0,2}?"
    r"(?=\s+(?:were|was|are|is|have|has|had)\b)"
)
_FOUNDED = re.compile(
    r"\b(?:set up|established|founded|created|formed|launched|opened|inaugurated)"
    r"\s+(?:in\s+|on\s+)?(?:the\s+)?$",
    re.IGNORECASE,
)
_MONTH_NAMES = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_MONTH_BEFORE = re.compile(rf"\b{_MONTH_NAMES}\.?\s+$", re.IGNORECASE)
_MONTH_AFTER = re.compile(rf"(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_NAMES}\b", re.IGNORECASE)
_YEARS_AFTER = re.compile(r"[\s-]*years?\b", re.IGNORECASE)
_TIME_DETERMINERS = frozenset({"the", "a", "this", "that", "last", "previous", "prior", "next"})
# "social work, health and education ": short modifiers listed before one noun
_LISTED_MODIFIERS = re.compile(
    r"\s*[a-z-]+(?:\s[a-z-]+)?(?:,\s[a-z-]+(?:\s[a-z-]+)?){1,4},?\s(?:and|or)\s[a-z-]+\s(?=[a-z])"
)
_PUNCTUATION = re.compile(r"[,.;:]")


def _noun_after(text: str, end: int) -> tuple[str, str, int] | None:
    """The noun class of the words right after a figure: (class, phrase, end)."""
    lex = lexicon()
    tail = text[end : end + 80].lower()
    words = list(_LOWER_WORD.finditer(tail))
    for i, w in enumerate(words[:5]):
        if _PUNCTUATION.search(tail, 0, w.start()):
            listed = _LISTED_MODIFIERS.match(tail)
            if listed is None:
                return None
            # "1,640 social work, health and education professionals": the noun after
            # the list of what qualifies it
            found = _noun_after(text, end + listed.end())
            if found is None or found[0] in {"unknown", "", "years"}:
                return None
            return found
        rest = tail[w.start() :]
        # only nouns with the word's first letter can start the rest
        nouns = lex.nouns_by_first.get(rest[0]) or lex.nouns_by_first.get("", [])
        for phrase, cls in nouns:
            if rest.startswith(phrase) and (
                len(rest) == len(phrase) or not rest[len(phrase)].isalpha()
            ):
                if cls == "children" and phrase == "child" and i + 1 < len(words):
                    continue  # "child victims", "child abuse images": the next word decides
                if cls == "years" and i > 0 and words[i - 1].group(0) in _TIME_DETERMINERS:
                    return None  # "2,915 the year before": a time, not what is counted
                return cls, phrase, end + w.start() + len(phrase)
        if w.group(0) in _FUNCTION_WORDS:
            return None
        word = w.group(0)
        if word not in _MODIFIERS and word.endswith("s") and len(word) > 3:
            return "unknown", w.group(0), end + w.end()
        if i == 0 and w.group(0) in {"of"}:
            nxt = words[1].group(0) if len(words) > 1 else ""
            if nxt in {"those", "them", "these", "whom", "which"}:
                return "", "of those", end + w.end()
    return None


def _noun_before(text: str, start: int) -> tuple[str, str] | None:
    """ "the arrests of 28 people", "safeguarding for 21 children": a noun said before."""
    lex = lexicon()
    head = text[max(0, start - 40) : start].lower()
    m = re.search(
        r"([a-z][a-z' -]*?)\s+(?:of|for|totall?ing|numbering|reached|stood at|rose to|to)\s+"
        r"(?:a total of\s+|some\s+)?$",
        head,
    )
    if not m:
        return None
    phrase = m.group(1).split()[-2:]
    for candidate in (" ".join(phrase), phrase[-1]):
        for noun, cls in lex.nouns:
            if candidate == noun:
                return cls, noun
    return None


_NUMBER_OF = re.compile(
    r"\b(?:number|total|tally|count)\s+of\s+(?P<what>[a-z][a-z' -]{0,80}?)\s+"
    r"(?:has\s+|had\s+|have\s+)?(?:rose|risen|fell|fallen|increased|reached|stood|was|were|totalled|totaled|"
    r"hit|climbed|grew|jumped|doubled|tripled|trebled|quadrupled|came|amounted)"
    r"(?:\s+(?:to|at|by))?\s+$"
)


def _number_of(head: str) -> tuple[str, frozenset[str]] | None:
    """ "the number of children the unit protected rose to 104": the noun and its verbs."""
    m = _NUMBER_OF.search(head.lower())
    if not m:
        return None
    what = m.group("what")
    for phrase, cls in lexicon().nouns:
        if re.match(rf"(?:[a-z-]+\s+){{0,2}}{re.escape(phrase)}\b", what):
            return cls, _verb_classes(what)
    return None


_PEOPLE_VERBS = {"arrest", "charge", "convict"}


@cache
def _not_people() -> frozenset[str]:
    return frozenset(rules.toml("patterns", "measures.toml")["not_people"])


def _before_first_verb(window: str) -> str:
    """The part of a window before its first verb of any class."""
    first = lexicon().verbs.first(window)
    return window if first is None else window[:first]


# "had graded", "has reviewed": an auxiliary before a participle is no possession
_AUXILIARY = re.compile(r"\b(?:had|has|have)\s+(?=(?:been\s+|already\s+|since\s+)?[a-z]+ed\b)")


def _verb_classes(text: str) -> frozenset[str]:
    if "ha" in text:
        text = _AUXILIARY.sub("", text)
    return lexicon().verbs.tags(text)


def _skip(n: Number, text: str, periods: list[Period]) -> bool:
    if n.currency or n.year_like:
        return True
    if any(p.start <= n.start < p.end or n.start <= p.start < n.end for p in periods):
        return True
    after = text[n.end : n.end + 24]
    if _DURATION.match(after):
        return True  # a duration ("a four-day operation", "three and a half years"), not a count
    if (
        _AGE.match(after)
        or _AGE_BEFORE.search(text[max(0, n.start - 30) : n.start])
        or _TIME.match(after)
    ):
        return True
    raw = text[n.start : n.end]
    if re.fullmatch(r"0\d+|\d{5,}", raw.strip()):  # phone numbers, codes
        return True
    if not n.percent and n.value != n.value.to_integral_value() and not _YEARS_AFTER.match(after):
        return True  # "2.2 Of those arrested", "funded in 4.1": a paragraph number, no count
    if (
        n.value <= 31
        and not n.word
        and (_MONTH_BEFORE.search(text, max(0, n.start - 12), n.start) or _MONTH_AFTER.match(after))
    ):
        return True  # "sentenced on January 29", "on the 14th of March": a day of the month
    if n.word and raw.strip().lower() in {"one", "a"}:
        return True
    before = text[max(0, n.start - 3) : n.start]
    return bool(re.search(r"(?:No\.?|#|Op)\s*$", before))


def find_figures(
    sentences: list[Sentence],
    published: date | None,
    agencies: AgencyIndex,
    country: str | None,
) -> list[Figure]:
    """Every outcome figure in the article, with its agency and period."""
    figures: list[Figure] = []
    texts = [_mask_asides(sentence.text) for sentence in sentences]
    said = _PeriodsSaid(texts, published, country)
    attribution = Attribution(sentences, texts, agencies)
    claims: list[Claim] = []
    for index, sentence in enumerate(sentences):
        text = texts[index]
        numbers = find_numbers(text)
        periods = said.of(index) if numbers else []  # the periods of other sentences: on demand
        numbers = _join_split_totals(text, numbers)
        numbers = [n for n in numbers if not _skip(n, text, periods)]
        found_here: list[tuple[Number, Figure, frozenset[str]]] = []
        for i, n in enumerate(numbers):
            clause_start, clause_end = _clause(text, n.start, n.end)
            prev_end = max([clause_start] + [m.end for m in numbers[:i] if m.end <= n.start])
            next_start = min([clause_end] + [m.start for m in numbers[i + 1 :] if m.start >= n.end])
            noun = _noun_after(text, n.end)
            noun_end = noun[2] if noun else n.end
            subset = bool(
                re.match(r"\s+of\s+(?:the|those|them|these|whom|which|its|their)\b", text[n.end :])
            )
            counted = _number_of(text[: n.start]) if noun is None else None
            if counted:
                noun = (counted[0], counted[0], n.end)
            if noun is None:
                before = _noun_before(text, n.start)
                noun_cls = before[0] if before else ""
            else:
                noun_cls = noun[0]
            if noun_cls == "other":
                continue
            left_text = text[prev_end : n.start]
            left_text = left_text[left_text.rfind(",") + 1 :]
            left = " ".join(left_text.split(" ")[-9:])
            right_text = text[noun_end:next_start]
            aside = _ASIDE.match(right_text)
            if aside:
                right_text = right_text[aside.end() :]
            listed = _LISTED_NOUNS.match(right_text)
            if listed:
                # "24,600 officers, prosecutors and judges were trained": the verb after the list
                right_text = right_text[listed.end() :]
            if _RELATIVE_AFTER.match(right_text):
                # "children who lived with, or near, a suspect were safeguarded": the verb
                # after the relative clause, whatever commas it holds
                right = re.sub(r"\s+", " ", right_text)[:200]
            else:
                right = re.sub(r"\s+", " ", right_text)[:60].split(",")[0]
            if next_start < clause_end and " and " in right:
                right = right[: right.rfind(" and ")]
            part = False
            if subset:
                if noun_cls == "":
                    of = _OF_THE.match(text, n.end)
                    named = _noun_after(text, of.end()) if of else None
                    if named and named[0] in _COUNTED:
                        noun_cls = named[0]  # "14 of the search warrants"
                if noun_cls in _COUNTED:
                    # "five of the arrests": a part of a figure given before, unless
                    # its clause names who did it ("X, which served 14 of the warrants")
                    if attribution.claim(index, n.start, n.end).actor is None:
                        continue
                    part = True
                if noun_cls == "" or (noun and noun[1] == "of those"):
                    noun_cls = _antecedent([f for _, f, _ in found_here], text, n.start)
                phrase = re.match(
                    r"\s+of\s+(?:the|those|them|these|whom|which|its|their)(?:\s+[a-z-]+)?",
                    text[n.end : next_start],
                )
                right = re.sub(
                    r"\s+", " ", text[n.end + (phrase.end() if phrase else 0) : next_start]
                )[:60]
                right = right.split(",")[0]
                # "two of the men arrested had travelled": the participle names the group
                reduced = _PARTICIPLE.match(right)
                if reduced and phrase and phrase.group(0).count(" ") >= 3:
                    right = right[reduced.end() :]
            before_verb = _before_first_verb(right)
            if _hedged(left) or _hedged(before_verb[before_verb.rfind(",") + 1 :]):
                continue
            right = _before_hedge(right)
            if noun_cls == "unknown":
                # "Nine suspected traffickers ... were arrested": an unknown plural counts
                # people only when a verb about people follows it
                people = (
                    _verb_classes(right) & _PEOPLE_VERBS and noun and noun[1] not in _not_people()
                )
                noun_cls = "people" if people else "other"
                left = ""
            if noun_cls == "other":
                continue
            verbs = _verb_classes(left) | _verb_classes(right)
            if counted:
                verbs |= counted[1]
            inherited = False
            if (
                not verbs
                and found_here
                and re.fullmatch(
                    r"[^.;:]{0,40}?(?:,|\band\b|\bas well as\b|\bplus\b)(?:\s+(?:a|an|the))?\s*",
                    text[found_here[-1][0].end : n.start],
                )
            ):
                if subset:
                    continue  # "identified 21 children, four of them abroad": a breakdown
                verbs = found_here[-1][2]  # "seized 59 computers and 2,000 storage devices"
                inherited = True
            whole = _verb_classes(text[clause_start:clause_end])
            measures = _measures(n, noun_cls, verbs, whole, right)
            if (
                not measures
                and found_here
                and noun_cls in {"", found_here[-1][1].measure}
                and (not verbs or inherited)
            ):
                measures = _continuation(text, found_here[-1][0], n, found_here[-1][1])
            claim = attribution.claim(index, n.start, n.end) if measures else None
            for measure, confidence in measures:
                assert claim is not None
                claims.append(claim)
                p_start, p_end = _period(text, periods, n, said, index, published)
                found_here.append(
                    (
                        n,
                        Figure(
                            measure,
                            n.value,
                            n.qualifier,
                            sentence.start + n.start,
                            sentence.start + n.end,
                            sentence,
                            None,
                            p_start,
                            p_end,
                            confidence,
                            part,
                        ),
                        verbs,
                    )
                )
        figures.extend(f for _, f, _ in found_here)
    bodies = attribution.resolve(claims, [f.part or _headline(f.sentence) for f in figures])
    credited = [replace(f, agency=body) for f, body in zip(figures, bodies, strict=True)]
    credited = _restated(credited, sentences, attribution.restated())
    return _merge(_own_parts(credited))


def _restated(
    figures: list[Figure],
    sentences: list[Sentence],
    restated: dict[int, tuple[frozenset[str], str]],
) -> list[Figure]:
    """ "... arrested 16 people. The arrests were made by X's unit.": X's unit's figure."""
    if not restated:
        return figures
    index = {id(s): i for i, s in enumerate(sentences)}
    out = []
    for f in figures:
        i = index.get(id(f.sentence), -1)
        for j in (i + 1, i + 2):
            said = restated.get(j)
            if said and f.measure in said[0] and not f.part:
                f = replace(f, agency=said[1])
                break
        out.append(f)
    return out


def _own_parts(figures: list[Figure]) -> list[Figure]:
    """Parts of a total are figures of their own only when credited to another body."""
    if not any(f.part for f in figures):
        return figures
    totals = {(f.measure, f.agency) for f in figures if not f.part}
    return [f for f in figures if not f.part or (f.measure, f.agency) not in totals]


class _PeriodsSaid:
    """The periods each sentence of an article names, worked out when first asked for.

    Most sentences hold no figure, and a figure looks back at most three
    sentences for a period unless its own sentence refers back ("in those 12
    months"): periods are found only in the sentences looked at.
    """

    def __init__(self, texts: list[str], published: date | None, country: str | None) -> None:
        self._texts = texts
        self._published = published
        self._country = country
        self._found: dict[int, list[Period]] = {}

    def of(self, index: int) -> list[Period]:
        found = self._found.get(index)
        if found is None:
            found = find_periods(self._texts[index], self._published, self._country)
            self._found[index] = found
        return found

    def last_before(
        self, index: int, within: int | None = None
    ) -> tuple[date | None, date | None, int] | None:
        """The last period named (not referred back to) before sentence ``index``.

        With ``within``, only in that many sentences before it.
        """
        stop = -1 if within is None else max(-1, index - 1 - within)
        for j in range(index - 1, stop, -1):
            chosen = [p for p in self.of(j) if not p.anaphoric]
            if chosen:
                return chosen[-1].period_start, chosen[-1].period_end, j
        return None


def _mask_asides(text: str) -> str:
    """Blank out asides between paired dashes or in brackets, keeping offsets."""

    def blank(m: re.Match[str]) -> str:
        return m.group(0)[0] + " " * (len(m.group(0)) - 2) + m.group(0)[-1]

    if " - " in text:
        text = _DASHED_ASIDE.sub(blank, text)
    if "(" in text:
        text = _BRACKETED_ASIDE.sub(blank, text)
    return text


_DASHED_ASIDE = re.compile(r" - [^-]{3,120}? - ")
_BRACKETED_ASIDE = re.compile(r"\([^()]{0,120}\)")


@cache
def _hedge_patterns() -> tuple[WordList, WordList]:
    data: dict[str, Any] = rules.toml("patterns", "measures.toml")["hedges"]

    def words(items: list[str]) -> WordList:
        return WordList(items, before=r"(?:\b|(?<=n))")

    return words(data["modal"] + data["negation"]), words(data["comparison"])


def _hedged(window: str) -> bool:
    return bool(_hedge_patterns()[0].search(window))


def _before_hedge(right: str) -> str:
    """ "nine arrested are expected to be charged": what follows a modal or a negation
    after the clause's first verb is no result."""
    first = lexicon().verbs.first(right)
    if first is None:
        return right
    cut = _hedge_patterns()[0].first(right[first:])
    return right if cut is None else right[: first + cut]


def _continuation(text: str, prev: Number, n: Number, figure: Figure) -> list[tuple[str, float]]:
    """ "853 files came in last year, compared with 737 in 2020": the list goes on."""
    between = text[prev.end : n.start]
    if n.percent or prev.percent:
        return []
    if _hedge_patterns()[1].search(between) or re.fullmatch(
        r"[^.;:]{0,40}?(?:,|\band\b)\s*", between
    ):
        return [(figure.measure, figure.confidence - 0.15)]
    return []


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    lo, hi = 0, len(text)
    for m in _CLAUSE_BREAK.finditer(text):
        if m.end() <= start:
            lo = m.end()
        elif m.start() >= end:
            hi = m.start()
            break
    return lo, hi


def _antecedent(found: list[Figure], text: str, start: int) -> str:
    """ "identifying 18 of those": the class of the figure said before."""
    if found:
        measure = found[-1].measure
        return {
            "children_safeguarded": "victims",
            "victims_identified": "victims",
            "arrests": "people",
            "charges": "people",
            "convictions": "people",
            "devices_seized": "devices",
            "devices_examined": "devices",
            "warrants_executed": "warrants",
            "images_analysed": "images",
            "reports_received": "reports",
        }.get(measure, "")
    return ""


def _measures(
    n: Number, noun: str, verbs: frozenset[str], whole: frozenset[str], right: str
) -> list[tuple[str, float]]:
    out: list[tuple[str, float]] = []
    for rule in lexicon().rules:
        if rule.percent != n.percent:
            continue
        if rule.nouns and noun not in rule.nouns:
            continue
        if rule.verbs and not (rule.verbs & verbs):
            continue
        if rule.not_verbs & verbs:
            continue
        if rule.requires and not (rule.requires & whole):
            continue
        confidence = 0.9 if (noun and rule.verbs) else 0.8 if noun else 0.7
        out.append((rule.measure, confidence))
        if rule.also_measure and rule.also_verbs & verbs:
            out.append((rule.also_measure, confidence - 0.1))
        break
    return out


def _join_split_totals(text: str, numbers: list[Number]) -> list[Number]:
    """ "83 men and two women" is one figure of 85."""

    def joined(n: Number, m: Number) -> Number | None:
        first = re.match(r"\s+([a-z]+)\s+and\s+$", text[n.end : m.start])
        second = re.match(r"\s+([a-z]+)", text[m.end :])
        if not (first and second):
            return None
        kinds = frozenset({_PLURAL.get(w, w) for w in (first.group(1), second.group(1))})
        if kinds not in _GENDER_PAIRS:
            return None
        total = n.value + m.value
        return Number(n.start, m.end, total, n.qualifier, None, False, n.word and m.word)

    return join_pairs(numbers, joined)


def _period(
    text: str,
    periods: list[Period],
    n: Number,
    said: _PeriodsSaid,
    index: int,
    published: date | None,
) -> tuple[date | None, date | None]:
    own = [p for p in periods if not p.anaphoric]
    if own:
        # in the figure's own stretch between commas first, then the nearest
        best = min(
            own,
            key=lambda p: (
                # "the bureau, set up in April 2022, analysed 380,000 images last year":
                # when a body began is no period of what it did
                bool(_FOUNDED.search(text, max(0, p.start - 30), p.start)),
                "," in text[min(p.end, n.start) : max(p.start, n.end)],
                min(abs(p.start - n.end), abs(n.start - p.end)),
            ),
        )
        return best.period_start, best.period_end
    open_ended = [p for p in periods if p.anaphoric and p.period_end]
    if open_ended:
        last = said.last_before(index)
        return (last[0] if last else None), open_ended[0].period_end
    # a period said before: any, when this sentence refers back; else one of the last three
    refers_back = any(p.anaphoric for p in periods)
    last = said.last_before(index, within=None if refers_back else 3)
    if last:
        return last[0], last[1]
    return None, published


def _headline(sentence: Sentence) -> bool:
    """A line with no closing stop: a headline or a standfirst, not a sentence of the body."""
    return not sentence.text.rstrip().endswith((".", "!", "?", '"', "\u201d", "'", ")"))


def _merge(figures: list[Figure]) -> list[Figure]:
    """One figure said twice ("over 20", later "21") is one outcome: keep the exact one.

    A headline's figure that the body says again is the body's: its body and period.
    """
    said = {(f.measure, f.value) for f in figures if not _headline(f.sentence)}
    if len(said) < len(figures):
        figures = [
            f for f in figures if (f.measure, f.value) not in said or not _headline(f.sentence)
        ]
    out: list[Figure] = []
    for f in figures:
        twin = next(
            (
                i
                for i, g in enumerate(out)
                if g.measure == f.measure
                and g.agency == f.agency
                and (g.value == f.value or _close(g, f))
            ),
            None,
        )
        if twin is None:
            out.append(f)
            continue
        g = out[twin]
        if g.qualifier != "exact" and f.qualifier == "exact":
            out[twin] = f
    return out


def _close(a: Figure, b: Figure) -> bool:
    if a.qualifier == "exact" and b.qualifier == "exact":
        return False
    hi = max(a.value, b.value)
    return hi > 0 and abs(a.value - b.value) / hi <= Decimal("0.15")
