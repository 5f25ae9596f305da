"""Officers and officials: a rank or title next to a person's name.

Only people named with a rank or an official title are officials. A later
mention by rank and surname ("Det Insp Best") is the same person as the full
mention ("Detective Inspector Jonathan Best"). Everyone else named in an
article is a private person and never becomes a fact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from safekg.extract import rules
from safekg.extract.agencies import AgencyIndex, _ends_with_head, norm
from safekg.extract.fast import trie
from safekg.extract.text import Sentence

_LETTER = r"[^\W\d_]"
_NAME_WORD = (
    rf"(?:[A-Z]\.(?=\s+[A-Z]{_LETTER})|[A-Z]{_LETTER}*(?:['\u2019-][A-Z]?{_LETTER}+)*|[A-Z]\.)"
)
_PARTICLE = r"(?:de|da|di|du|van|von|der|den|le|la|del|bin|al)"


@dataclass(frozen=True)
class Title:
    rank: str  # in full
    form: str  # as written


@dataclass(frozen=True)
class OfficerMention:
    name: str
    rank: str
    start: int
    end: int
    sentence: Sentence
    agency: str | None  # key of the agency
    leads: bool
    full: bool  # first name and surname given


@dataclass(frozen=True)
class _Lexicon:
    forms: dict[str, str]  # written form -> rank in full
    complement: frozenset[str]  # ranks that take "of ..."
    title_re: re.Pattern[str]
    complement_words: frozenset[str]
    not_names: frozenset[str]
    lead_re: re.Pattern[str]


@cache
def lexicon() -> _Lexicon:
    forms: dict[str, str] = {}
    complement: set[str] = set()
    for row in rules.jsonl("gazetteers", "ranks.jsonl"):
        rank = rules.require(row, "rank", str, "data/gazetteers/ranks.jsonl")
        for form in [rank, *row.get("forms", [])]:
            forms.setdefault(form, rank)
            if row.get("kind") == "civilian" and form[:1].isupper():
                forms.setdefault(form.lower(), rank)
            if row.get("kind") == "civilian" and " " in form and not form.isupper():
                # "Executive director Jo Bell": a title in sentence case opening a sentence
                forms.setdefault(form[:1].upper() + form[1:].lower(), rank)
        if row.get("complement"):
            complement.add(rank)
    data = rules.toml("patterns", "officers.toml")
    alternatives = trie(forms)
    leads = "|".join(re.escape(w) for w in data["lead_words"])
    return _Lexicon(
        forms=forms,
        complement=frozenset(complement),
        title_re=re.compile(rf"(?<![\w-]){alternatives}(?![\w-])"),
        complement_words=frozenset(data["complement_words"]),
        not_names=frozenset(data["not_names"]),
        lead_re=re.compile(rf"\b(?:{leads})\b", re.IGNORECASE),
    )


_NAME_AT_START = re.compile(rf"\s+((?:{_NAME_WORD})(?:\s+(?:{_PARTICLE}\s+)?{_NAME_WORD}){{0,3}})")
_APPOSITIVE_BEFORE = re.compile(
    rf"((?:{_NAME_WORD})(?:\s+(?:{_PARTICLE}\s+)?{_NAME_WORD}){{1,3}}),\s+(?:the\s+|a\s+|an\s+|who\s+is\s+(?:the\s+|a\s+)?)?(?:(?:the\s+)?[\w.&-]+(?:\s+[A-Z][\w.&-]*){{0,4}}(?:'s|\u2019s)\s+)?$"
)


# "of Threat Leadership", "for Justice and Security, Pieter van Dam": what may follow a title
_COMPLEMENT = re.compile(
    rf"\s+(?:of|for)\s+(?:the\s+)?((?:{_NAME_WORD}|and|&|,)"
    rf"(?:\s*(?:{_NAME_WORD}|and|&|,|{_PARTICLE}(?=\s+[A-Z])))*)"
)
_COMPLEMENT_WORD = re.compile(rf"{_NAME_WORD}|\band\b|&|,|\b{_PARTICLE}\b")

# "the Minister of Justice, Pieter van Dam, said": a name between commas after the title
_NAME_BETWEEN_COMMAS = re.compile(
    rf"(?:\s+(?:to|in|at|with)\s+[^,]{{1,60}})?,(\s+(?:{_NAME_WORD})"
    rf"(?:\s+(?:{_PARTICLE}\s+)?{_NAME_WORD}){{1,3}})"
    r"(?=,|\s+(?:said|says|told|added|warned|explained|noted)\b)"
)


@lru_cache(maxsize=256)
def title_matches(text: str) -> tuple[re.Match[str], ...]:
    """Every title in a sentence, left to right (asked for by agencies, then officers)."""
    return tuple(lexicon().title_re.finditer(text))


def _rank_of(form: str) -> str:
    lex = lexicon()
    return lex.forms.get(form) or lex.forms.get(form.lower()) or form


def _clean_name(words: list[str]) -> list[str]:
    lex = lexicon()
    while words and (words[-1] in lex.not_names or words[-1].endswith(("'s", "\u2019s"))):
        if words[-1].endswith(("'s", "\u2019s")) and words[-1][:-2] not in lex.not_names:
            words[-1] = words[-1][:-2]
            break
        words = words[:-1]
    return words


def find_officers(
    text: str, sentences: list[Sentence], agencies: AgencyIndex
) -> list[OfficerMention]:
    """Every official named in the article, full names first, later mentions resolved."""
    lex = lexicon()
    found: list[OfficerMention] = []
    for sentence in sentences:
        s = sentence.text
        taken: list[tuple[int, int]] = []
        for m in title_matches(s):
            if any(a <= m.start() < b for a, b in taken):
                continue
            form = m.group(0)
            rank = _rank_of(form)
            title_end = m.end()
            # A complement: "Director of Threat Leadership",
            # "Minister of Corrections, Policing and Public Safety"
            comp = None
            if rank in lex.complement or form[:1].isupper():
                comp = _COMPLEMENT.match(s, title_end)
            after = s[title_end:]
            name_words: list[str] = []
            written_rank = form
            if rank in {"Minister", "Secretary"} and not comp:
                # "Corrections and Public Safety Minister Jo Bell" with the Ministry of
                # Corrections and Public Safety in the article: "Minister of Corrections ..."
                written_rank = (
                    _portfolio_title(form, s[: m.start()], agencies)
                    or _portfolio_before(form, s[: m.start()])
                    or form
                )
            if comp and comp.group(1).split()[0] in {
                "Office",
                "Department",
                "Ministry",
                "Agency",
                "Bureau",
            }:
                comp = None
            if comp:
                words = _COMPLEMENT_WORD.findall(comp.group(1))
                while words and words[-1] in {",", "and", "&"}:
                    words.pop()
                split = len(words)
                while (
                    split > 0
                    and words[split - 1] not in lex.complement_words
                    and words[split - 1] not in {"and", "&", ","}
                ):
                    split -= 1
                split += _named_body_words(
                    words[split:], s, comp.start(1), sentence.start, agencies
                )
                complement_words = words[:split]
                name_words = _clean_name([w for w in words[split:] if w not in {"and", "&", ","}])
                if complement_words and complement_words[-1] in {"and", "&", ","}:
                    complement_words = complement_words[:-1]
                if lex.title_re.search(" ".join(complement_words)):
                    # "head of SECI, Major General Lerato Mokoena": the later title names her
                    continue
                names_org = (
                    bool(complement_words)
                    and rank not in _PORTFOLIO_TITLES
                    and complement_words != ["Police"]  # "Deputy Commissioner of Police"
                    and (
                        _ends_with_head(complement_words)
                        or _named_body_words(
                            complement_words, s, comp.start(1), sentence.start, agencies
                        )
                        == len(complement_words)
                        or any(w.endswith(("'s", "\u2019s")) for w in complement_words)
                    )
                )
                if complement_words:
                    phrase = re.match(r"\s+(?:of|for|at|to|in)\s+(?:the\s+)?", after)
                    assert phrase is not None
                    last = complement_words[-1]
                    comp_end = (
                        comp.start(1)
                        + comp.group(1).find(
                            last,
                            len(" ".join(complement_words[:-1])) - 2
                            if len(complement_words) > 1
                            else 0,
                        )
                        + len(last)
                    )
                    if comp_end > title_end:
                        if (
                            not names_org
                        ):  # "Manager of the Digital Child Exploitation Team": an org, not a title
                            written_rank = s[m.start() : comp_end]
                        after = s[comp_end:]
                        title_end = comp_end
            if not name_words and not comp and form[:1].isupper():
                longer = _longer_title(after, rank in lex.complement)
                if longer:
                    # "Chief Customs Officer Jo Bell", "General Manager Operations, Jo Bell,"
                    written_rank = form + after[:longer]
                    title_end += longer
                    after = after[longer:]
            if not name_words:
                nm = _NAME_AT_START.match(after) or _NAME_BETWEEN_COMMAS.match(after)
                if nm:
                    if lex.title_re.match(after.lstrip(", ")):
                        # "spokesperson Brigadier Themba Nkosi": the next title names the person
                        continue
                    name_words = _clean_name(nm.group(1).split())
            if (
                name_words
                and name_words[0] not in lex.not_names
                and not _is_agency_word(name_words, agencies)
            ):
                name = " ".join(name_words)
                name_start = s.find(name_words[0], title_end)
                name_end = name_start + len(name)
                agency = _agency_for(sentence, m.start(), name_end, agencies)
                found.append(
                    OfficerMention(
                        name,
                        _rank_in_full(written_rank),
                        sentence.start + m.start(),
                        sentence.start + name_end,
                        sentence,
                        agency,
                        bool(lex.lead_re.search(s)),
                        len(name_words) >= 2,
                    )
                )
                taken.append((m.start(), name_end))
                continue
            # An appositive: "Susie Hargreaves, chief executive of the IWF"
            before = _APPOSITIVE_BEFORE.search(s[: m.start()])
            if before and any(a <= before.start(1) < b for a, b in taken):
                before = None  # "Sergeant Jo Bell, the unit's officer in charge": named already
            if before:
                name_words = _clean_name(before.group(1).split())
                if (
                    len(name_words) >= 2
                    and name_words[0] not in lex.not_names
                    and not _is_agency_word(name_words, agencies)
                ):
                    agency = _agency_for(sentence, before.start(1), title_end + 60, agencies)
                    found.append(
                        OfficerMention(
                            " ".join(name_words),
                            _rank_in_full(written_rank),
                            sentence.start + before.start(1),
                            sentence.start + title_end,
                            sentence,
                            agency,
                            bool(lex.lead_re.search(s)),
                            True,
                        )
                    )
                    taken.append((before.start(1), title_end))
    if "(" in text:
        found.extend(_answering_officials(text, sentences, agencies))
    return _resolve(found)


# A parliamentary answer: the office in capitals, then the honorific and name in brackets
# ("MINISTER OF STATE FOR JUSTICE\n(SHRI A. B. KUMAR)"); the members who ask are not named so
_ANSWERED_BY = re.compile(
    r"^((?:DEPUTY |ASSISTANT |PARLIAMENTARY |JUNIOR )?(?:MINISTER|SECRETARY)\b[A-Z ,&'-]{0,80})\n"
    r"\(\s*(?:(?:SHRI|SHRIMATI|SMT|KUMARI|DR|MR|MRS|MS|HON|THE HON)\.?\s+)+"
    r"([A-Z][A-Z'-]*\.?(?:\s+[A-Z][A-Z'-]*\.?){1,4})\s*\)[ \t]*$",
    re.M,
)
_LOWER_IN_TITLES = frozenset({"of", "in", "the", "for", "and", "to", "on"})


def _from_capitals(words: str) -> str:
    out = [
        w.lower()
        if i and w.lower() in _LOWER_IN_TITLES
        # "OKONKWO-BELL", "D'SOUZA": each part of the word starts with a capital
        else re.sub(r"(^|[-'\u2019])([a-z])", lambda m: m.group(1) + m.group(2).upper(), w.lower())
        for i, w in enumerate(words.split())
    ]
    return " ".join(out)


def _office_in_title(rank: str, agencies: AgencyIndex) -> str | None:
    """The body a title names ("Minister of State in the Ministry of Home Affairs")."""
    m = re.search(r"\b(?:Ministry|Department|Office) (?:of|for) .+", rank)
    key = norm(m.group(0)) if m else None
    return key if key in agencies.agencies else None


def _answering_officials(
    text: str, sentences: list[Sentence], agencies: AgencyIndex
) -> list[OfficerMention]:
    out: list[OfficerMention] = []
    for m in _ANSWERED_BY.finditer(text):
        sentence = next((x for x in sentences if x.start <= m.start(2) < x.end), None)
        if sentence is None:
            continue
        rank = _from_capitals(m.group(1).strip(" ,"))
        name = _from_capitals(m.group(2))
        out.append(
            OfficerMention(
                name,
                rank,
                m.start(2),
                m.end(2),
                sentence,
                _office_in_title(rank, agencies),
                False,
                True,
            )
        )
    return out


_PORTFOLIO_BEFORE = re.compile(
    rf"((?:{_NAME_WORD})(?:(?:,\s+|\s+(?:and|&)\s+|\s+)(?:{_NAME_WORD}))*)\s+$"
)
_OFFICE_OF = {"Minister": "Ministry", "Secretary": "Department"}
# titles whose "of ..." names a portfolio, not a body: "Minister of Public Safety and Services"
_PORTFOLIO_TITLES = frozenset(_OFFICE_OF)


def _portfolio_title(form: str, before: str, agencies: AgencyIndex) -> str | None:
    """ "Minister of X" for "X Minister" when the article names the Ministry of X."""
    from safekg.extract.agencies import norm

    found = _portfolio_words(before)
    if found is None:
        return None
    text, words = found
    portfolio = text[text.find(words[0]) :]
    office = _OFFICE_OF.get(_rank_of(form), "Ministry")
    for info in agencies.agencies.values():
        for prep in ("of", "for"):
            if norm(info.name).endswith(norm(f"{office} {prep} {portfolio}")):
                return f"{form[:1].upper()}{form[1:]} {prep} {portfolio}"
    return None


# "Chief Customs Officer": title words, then a word that ends a title
_TITLE_TAIL = re.compile(
    r"((?:\s+[A-Z][a-z]+){1,3})\s+(Officer|Manager|Director|Commander|Adviser|Advisor|Controller)"
    r"(?=\s+[A-Z])"
)
# "Group Manager Intelligence, Investigations and Enforcement, Jo Bell,": a portfolio
# of title words with no "of", then the name between commas
_BARE_PORTFOLIO = re.compile(
    rf"((?:\s+[A-Z][a-z]+(?:,|\s+and)?){{1,6}}),(?=\s+{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}}"
    r"(?:,|\s+(?:said|says|told|added)\b))"
)


def _longer_title(after: str, takes_complement: bool) -> int:
    """How much of ``after`` still belongs to the title (0 when none)."""
    words = lexicon().complement_words
    m = _TITLE_TAIL.match(after)
    if m and all(w in words for w in m.group(1).split()):
        return m.end()
    m = _BARE_PORTFOLIO.match(after) if takes_complement else None
    if m and all(w.rstrip(",") in words for w in m.group(1).split() if w != "and"):
        return m.end(1)
    return 0


def _portfolio_before(form: str, before: str) -> str | None:
    """ "Community Safety Minister" as written: a portfolio of title words before the title."""
    if not form[:1].isupper():
        return None
    found = _portfolio_words(before)
    return None if found is None else " ".join([*found[1], form])


def _portfolio_words(before: str) -> tuple[str, list[str]] | None:
    """The title words just before a title ("Community Safety" in "Community Safety
    Minister"), with the text they were read from; None when there are none."""
    m = _PORTFOLIO_BEFORE.search(before)
    if m is None:
        return None
    lex = lexicon()
    words = re.findall(rf"{_NAME_WORD}|\band\b|&", m.group(1))
    keep = len(words)
    while keep > 0 and (words[keep - 1] in lex.complement_words or words[keep - 1] in {"and", "&"}):
        keep -= 1
    words = words[keep:]
    while words and words[0] in {"and", "&"}:
        words = words[1:]
    return (m.group(1), words) if words else None


def _named_body_words(words: list[str], s: str, at: int, base: int, agencies: AgencyIndex) -> int:
    """How many of ``words`` (from ``at`` in ``s`` on) an organisation's name takes.

    "Head of Kripos Henrik Moe": "Kripos" names a body, so it is the title's
    complement and not the start of the person's name.
    """
    if not words or not agencies.mentions:
        return 0
    start = s.find(words[0], at)
    if start < 0:
        return 0
    ends = [m.end - base for m in agencies.mentions if m.start == base + start]
    if not ends:
        return 0
    count, pos = 0, start
    for word in words:
        pos = s.find(word, pos)
        if pos < 0 or pos + len(word) > max(ends):
            break
        pos += len(word)
        count += 1
    return count


def _rank_in_full(written: str) -> str:
    """ "Det Insp" -> "Detective Inspector"; a rank written in full stays as written."""
    lex = lexicon()
    if _written_in_full(written):
        return written
    if written in lex.forms:
        return lex.forms[written]
    head = lex.title_re.match(written)
    if head and head.group(0) in lex.forms:
        return lex.forms[head.group(0)] + written[head.end() :]
    return written


def _written_in_full(written: str) -> bool:
    from safekg.extract.text import abbreviations

    words = written.replace(",", " ").split()
    forms = lexicon().forms
    if any("." in w or "/" in w or (w.isupper() and len(w) > 1 and w in forms) for w in words):
        return False
    return not any(w in abbreviations() for w in words)


def _is_agency_word(words: list[str], agencies: AgencyIndex) -> bool:
    from safekg.extract.agencies import norm, shapes

    nouns = shapes().generic | {h.lower() for h in shapes().heads} | _NOT_NAME_NOUNS
    if any(w.lower() in nouns for w in words):
        return True
    joined = norm(" ".join(words))
    return any(joined == key or joined in key.split(" and ") for key in agencies.agencies) or any(
        w.isupper() and len(w) > 1 and "." not in w for w in words
    )


_NOT_NAME_NOUNS = {
    "line",
    "hotline",
    "helpline",
    "confidential",
    "report",
    "reports",
    "strategy",
    "week",
    "day",
}


def _agency_for(sentence: Sentence, start: int, end: int, agencies: AgencyIndex) -> str | None:
    """The organisation a person speaks for: named next to them, else in the sentence."""
    lo, hi = sentence.start + start, sentence.start + end
    near = [m for m in agencies.mentions if sentence.start <= m.start < sentence.end]
    if not near:
        return None
    close = [m for m in near if lo - 60 <= m.start <= hi + 60]
    pool = close or near
    return min(pool, key=lambda m: min(abs(m.start - hi), abs(m.end - lo))).key


def _resolve(found: list[OfficerMention]) -> list[OfficerMention]:
    """Merge mentions of one person: "Det Insp Best" is "Detective Inspector Jonathan Best"."""
    full = [o for o in found if o.full]
    out: dict[str, OfficerMention] = {}
    for o in full:
        key = o.name.split()[-1].lower() + "|" + o.name.split()[0].lower()
        if key not in out or (o.agency and not out[key].agency):
            out[key] = o
    for o in found:
        if o.full:
            continue
        surname = o.name.split()[-1].lower()
        match = [k for k in out if k.startswith(surname + "|")]
        if len(match) == 1:
            prev = out[match[0]]
            if o.leads and not prev.leads:
                out[match[0]] = OfficerMention(
                    prev.name,
                    prev.rank,
                    prev.start,
                    prev.end,
                    prev.sentence,
                    prev.agency,
                    True,
                    True,
                )
    return list(out.values())
