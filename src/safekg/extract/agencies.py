"""Organisations: known bodies from the gazetteer and names shaped like organisations.

Two finders run over each sentence: the gazetteer (real bodies with their
acronyms and other names) and a name-shape finder (capitalised words ending in
a head such as "Unit", "Police" or "Sheriff's Office", with an acronym in
brackets after it). Mentions of one body are merged into one agency, under the
gazetteer's name where the body is known.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import Any

from safekg.extract import rules
from safekg.extract.fast import trie
from safekg.extract.text import Sentence


@lru_cache(maxsize=8192)
def norm(name: str) -> str:
    """A comparison key: lower case, no punctuation, '&' as 'and', no leading 'the'."""
    s = name.lower().replace("&", " and ").replace("\u2019", "'")
    s = s.replace(".", "").replace("'", "")
    s = re.sub(r"[^\w ]+", " ", s)
    s = re.sub(r"\s+", " ", s).strip()
    return re.sub(r"^the ", "", s)


@dataclass(frozen=True)
class KnownBody:
    name: str
    acronym: str | None
    aliases: tuple[str, ...]
    kind: str
    country: str | None
    parent: str | None


@dataclass
class AgencyInfo:
    """What one article says about one organisation."""

    name: str
    acronym: str | None = None
    aliases: set[str] = field(default_factory=set)
    parent: str | None = None
    kind: str = "organisation"
    country: str | None = None
    known: bool = False
    first: int = 0  # offset of the first mention
    mentions: int = 0
    sentence: Sentence | None = None  # where it is first named


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    key: str  # norm() of the agency's canonical name


@dataclass
class AgencyIndex:
    agencies: dict[str, AgencyInfo]
    mentions: list[Mention]
    main: str | None
    country: str | None

    def in_span(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.mentions if start <= m.start and m.end <= end]


@dataclass(frozen=True)
class _Shapes:
    heads: tuple[str, ...]
    lower_heads: tuple[str, ...]
    joiners: frozenset[str]
    unit_heads: frozenset[str]
    not_first: frozenset[str]
    strip_first: frozenset[str]
    generic: frozenset[str]
    indefinite: tuple[str, ...]
    references: tuple[str, ...]
    lower_head_after: re.Pattern[str]  # a lower-case head right after a name
    indefinite_before: re.Pattern[str]  # an indefinite word ending a text, maybe then one word
    leading_heads: frozenset[str]  # two words that start a name: "Police Region Stockholm"
    branch_office: re.Pattern[str]  # a local office that stands for its body, ending a name
    office_title: re.Pattern[str]  # "the Police and Crime Commissioner for <area>" acting
    country_after: re.Pattern[str]  # a country right after a name: "Save the Children Norway"
    countries: frozenset[str]
    not_bodies: tuple[str, ...]  # ends of names of places or press desks, not acting bodies
    office_after_place: re.Pattern[str]  # "the Dyfed-Powys Police and Crime Commissioner"
    government_acts: re.Pattern[str]  # "The Government has allocated ..."


@cache
def shapes() -> _Shapes:
    data: dict[str, Any] = rules.toml("patterns", "agencies.toml")
    return _Shapes(
        heads=tuple(sorted(data["heads"], key=len, reverse=True)),
        lower_heads=tuple(data["lower_heads"]),
        joiners=frozenset(data["joiners"]),
        unit_heads=frozenset(data["unit_heads"]),
        not_first=frozenset(data["not_first"]),
        strip_first=frozenset(data["strip_first"]),
        generic=frozenset(w.lower() for w in data["generic"]),
        indefinite=tuple(data["indefinite"]),
        references=tuple(sorted(data["references"], key=len, reverse=True)),
        lower_head_after=re.compile(r"\s+(" + "|".join(data["lower_heads"]) + r")\b"),
        indefinite_before=re.compile(
            r"\b(?:" + "|".join(map(re.escape, data["indefinite"])) + r")\s+(?:[a-z-]+\s+)?$"
        ),
        leading_heads=frozenset(data["leading_heads"]),
        branch_office=re.compile(r"\b(?:" + trie(data["branch_offices"]) + r")$"),
        office_title=re.compile(
            r"\b(?:[Tt]he\s+)?(?:Office\s+of\s+the\s+)?"
            rf"({trie(data['office_titles'])}\s+for\s+(?:the\s+)?{_PLACE})"
            r"(?!\s*,\s*[A-Z]|\s+[A-Z]|['\u2019]s\s+[A-Z])"
        ),
        country_after=re.compile(rf"\s({trie(data['countries'])})(?![\w-])"),
        countries=frozenset(data["countries"]),
        not_bodies=tuple(data["not_bodies"]),
        office_after_place=re.compile(
            r"\b[Tt]he\s+((?:[A-Z][\w'\u2019-]*\s+(?:and\s+)?){1,3}?"
            rf"(?:{trie(data['office_titles'])}))"
            r"(?!\s*,\s*[A-Z]|\s+[A-Z]|['\u2019]s\s+[A-Z]|[\w-])"
        ),
        government_acts=re.compile(
            # as the subject of the sentence, not in reported speech ("said the government")
            r"^\s*(?:[^,]{0,40},\s+)?[Tt]he\s+"
            r"((?:[Ff]ederal\s+|[Nn]ational\s+|[Ss]tate\s+)?[Gg]overnment)\s+"
            r"(?:has\s+|had\s+|will\s+|is\s+to\s+)?(?:also\s+)?"
            rf"(?:{trie(data['government_acts'])})\b"
        ),
    )


# a place of one or more capitalised words: "Hampshire and the Isle of Wight"
_PLACE = r"(?>[A-Z][\w'\u2019-]*(?:\s+(?:(?:and|of|&)\s+(?:the\s+)?)?[A-Z][\w'\u2019-]*)*)"


@cache
def gazetteer() -> tuple[
    tuple[KnownBody, ...], re.Pattern[str], dict[str, KnownBody], dict[str, list[KnownBody]]
]:
    """Known bodies, one regex over all their names, names -> body, acronyms -> bodies."""
    bodies: list[KnownBody] = []
    by_name: dict[str, KnownBody] = {}
    by_acronym: dict[str, list[KnownBody]] = {}
    where = "data/gazetteers/agencies.jsonl"
    for row in rules.jsonl("gazetteers", "agencies.jsonl"):
        name = rules.require(row, "name", str, where)
        body = KnownBody(
            name=name,
            acronym=row.get("acronym"),
            aliases=tuple(row.get("aliases") or ()),
            kind=str(row.get("kind") or "organisation"),
            country=row.get("country"),
            parent=row.get("parent"),
        )
        bodies.append(body)
        for alias in (name, *body.aliases):
            by_name.setdefault(norm(alias), body)
        if body.acronym:
            by_acronym.setdefault(body.acronym, []).append(body)
    names = {a for b in bodies for a in (b.name, *b.aliases)}
    pattern = re.compile(rf"(?<![\w-]){trie(names)}(?![\w-])")
    return tuple(bodies), pattern, by_name, by_acronym


# "[a-z]++": giving back a lower-case letter can never let "[A-Z]" match, so the
# possessive form matches the same and spares trying it again at every letter
_WORD = r"(?:[A-Z\u00c0-\u00de][\w'\u2019&.\-/]*|\d+(?:st|nd|rd|th)|[a-z]++[A-Z][\w]*)"
# '"V" Division': a lettered division, a word only where a sentence has one (see _runs)
_QUOTED_WORD = r"[\"\u201c][A-Z][\"\u201d](?=\s+[A-Z])"
_CONN = r"(?:of|and|the|for|on|to|against|in|&|de|del|la|y|du|des|des|et)"
_RUN = re.compile(rf"{_WORD}(?:(?:\s+(?:{_CONN}\s+)*|\s*,\s+(?=(?:{_WORD}\s+)*?and\s)){_WORD})*")
_QWORD = rf"(?:{_WORD}|{_QUOTED_WORD})"
_QUOTED_RUN = re.compile(
    rf"{_QWORD}(?:(?:\s+(?:{_CONN}\s+)*|\s*,\s+(?=(?:{_WORD}\s+)*?and\s)){_QWORD})*"
)
_HAS_QUOTED_WORD = re.compile(_QUOTED_WORD)
_ACRONYM_AFTER = re.compile(r"^\s*\((?:the\s+)?([A-Z][A-Za-z&.\- ]{1,14}?)\)")
_TOKEN = re.compile(r"[^\s,]+|,")


def _ends_with_head(words: list[str]) -> int:
    """Length of the head at the end of ``words`` (0 when it does not end with one)."""
    joined = " ".join(words)
    spaces = joined.count(" ")
    # The longest head that ``joined`` is or ends with after a space. Of two heads that
    # fit, the longer has more spaces, so try heads by their number of spaces, most first;
    # a head of ``count`` spaces can only be what follows the last ``count + 1``.
    for count, heads in _heads_by_spaces():
        if count < spaces:
            found = heads.get(joined.split(" ", spaces - count)[-1])
        elif count == spaces:
            found = heads.get(joined)
        else:
            continue
        if found is not None:
            return found
    return 0


@cache
def _heads_by_spaces() -> tuple[tuple[int, dict[str, int]], ...]:
    """The heads by their number of spaces, most first: head -> its number of words."""
    by_spaces: dict[int, dict[str, int]] = {}
    for head in shapes().heads:
        by_spaces.setdefault(head.count(" "), {}).setdefault(head, len(head.split()))
    return tuple(sorted(by_spaces.items(), reverse=True))


_POSSESSIVE = re.compile(r"['\u2019]s$")


def _is_generic(words: list[str]) -> bool:
    return all(_generic_word(w) for w in words)


@lru_cache(maxsize=4096)
def _generic_word(word: str) -> bool:
    return _POSSESSIVE.sub("", word.strip(",")).lower() in shapes().generic


def _split_run(words: list[str]) -> list[list[str]]:
    """Cut a run of capitalised words where a connector does not continue a name."""
    pieces: list[list[str]] = [[]]
    sh = shapes()
    # Whether the current piece is in the complement of a joiner ("Agency for the
    # Prohibition of Trafficking"): a further "of" goes on with it.
    in_complement = False
    for i, word in enumerate(words):
        lowered = word.lower()
        if not pieces[-1]:
            in_complement = False
        if pieces[-1] and lowered in {"of", "for", "on", "to", "in"}:
            prev = pieces[-1][-1].rstrip(",")
            prev_two = " ".join(pieces[-1][-2:])
            if prev in sh.joiners or prev_two in sh.joiners:
                in_complement = True
            elif not (
                in_complement
                and len(pieces[-1]) < 10
                # "in" after a verbal noun: "Prohibition of Trafficking in Persons"
                and (lowered == "of" or (lowered == "in" and prev.endswith("ing")))
                and words[i + 1 : i + 2] != ["the"]
            ):
                pieces.append([])
                continue
        if lowered == "and" and pieces[-1] and i + 1 < len(words):
            left = [w for w in pieces[-1] if w != ","]
            rest = words[i + 1 :]
            nxt = rest[1] if rest[0] == "the" and len(rest) > 1 else rest[0]
            if (
                (_ends_with_head(left) and (len(left) >= 3 or rest[0] == "the"))
                or (nxt in {"Ministry", "Department", "Office"} and nxt in left)
                or (
                    _POSSESSIVE.search(rest[0]) is not None
                    and rest[0][:-2] not in _COMMON_POSSESSORS
                    and (
                        (len(left) == 1 and left[0].isupper() and len(left[0]) > 1)
                        or norm(" ".join(left)) in gazetteer()[2]
                    )
                )
                or (
                    rest[0] == "the"
                    and len(left) >= 2
                    and (
                        _POSSESSIVE.search(nxt) is not None
                        or norm(" ".join(left)) in gazetteer()[2]
                    )
                )
            ):
                # "Homeland Security Investigations and the FBI's Boston Field Office": two bodies
                pieces.append([])
                continue
        if word == "," and pieces[-1]:
            first = pieces[-1][0]
            if first not in {"Ministry", "Department", "Minister", "Secretary", "Office"}:
                pieces.append([])
                continue
        pieces[-1].append(word)
        del i
    return [p for p in pieces if p]


# Words after a head that make the name a document or a fund ("Community Policing Plan")
_DOCUMENT_WORDS = frozenset(
    [
        "Plan",
        "Plans",
        "Strategy",
        "Act",
        "Bill",
        "Report",
        "Review",
        "Fund",
        "Scheme",
        "Framework",
        "Code",
        "Charter",
        "Conference",
        "Summit",
        "Awards",
        "Award",
        "Annual",
        "Budget",
        "Manifesto",
        "Model",
        "Protocol",
    ]
)
# Places whose names start with "New", which is otherwise stripped ("New Mexico")
_NEW_PLACES = frozenset(
    [
        "Mexico",
        "York",
        "Jersey",
        "Hampshire",
        "Zealand",
        "South",
        "Brunswick",
        "Delhi",
        "Orleans",
        "Haven",
        "England",
        "Westminster",
        "Caledonia",
        "Scotland",
        "Territories",
        "Ireland",
        "Taipei",
    ]
)
_GOVERNMENT_LEVELS = frozenset({"Central", "Union", "National", "Provincial", "Regional"})
#: Day and month names: capitalised, but never a place or part of a body's name.
TIME_WORDS = frozenset(
    [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
)


def _trim(words: list[str]) -> list[str]:
    sh = shapes()
    while words and (words[0] in sh.strip_first or words[0].lower() in _CONNECTORS):
        if words[0] == "New" and len(words) > 2 and words[1] in _NEW_PLACES:
            break  # "New Mexico", "New South Wales": a place, not "a new unit"
        words = words[1:]
    while words and (words[-1].lower() in _CONNECTORS or words[-1] == ","):
        words = words[:-1]
    return words


_COMMON_POSSESSORS = {
    "Children",
    "Women",
    "Men",
    "People",
    "Victims",
    "Survivors",
    "Girls",
    "Boys",
    "Parents",
    "Families",
}
_CONNECTORS = {
    "of",
    "and",
    "the",
    "for",
    "on",
    "to",
    "against",
    "in",
    "&",
    "de",
    "del",
    "la",
    "y",
    "du",
    "des",
    "et",
}


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    name: str
    acronym: str | None = None
    parent: str | None = None  # surface name of a parent named with it
    known: KnownBody | None = None
    generic: bool = False


def _shape_names(sentence: Sentence, lower_names: bool = True) -> list[_Found]:
    """Names shaped like organisations in one sentence.

    ``lower_names`` False says the article has no lower-case head after a
    capitalised word ("Crimes against Children unit"), which spares the test.
    """
    text = sentence.text
    sh = shapes()
    out: list[_Found] = []
    if _name_key_pattern().search(text) is None and not (lower_names and _has_lower_name(text)):
        return out  # no word that ends a head or is a joiner: no name (see _may_name)
    quoted = ('"' in text or "\u201c" in text) and _HAS_QUOTED_WORD.search(text) is not None
    for run in (_QUOTED_RUN if quoted else _RUN).finditer(text):
        tokens = [
            (m.group(0), run.start() + m.start(), run.start() + m.end())
            for m in _TOKEN.finditer(run.group(0))
        ]
        tokens = [
            (w[:-1], a, b - 1) if w.endswith(".") and not re.search(r"\b[A-Z]\.$", w) else (w, a, b)
            for w, a, b in tokens
        ]
        words = [t[0] for t in tokens]
        if not _may_name(words) and not (
            sh.lower_head_after.match(text, run.end()) or _STAFF_AFTER.match(text, run.end())
        ):
            continue  # no head, no joiner and no lower-case head after: no name
        offset = 0
        for piece in _split_run(words):
            # locate this piece's tokens
            while offset < len(words) and words[offset] != piece[0]:
                offset += 1
            piece_tokens = tokens[offset : offset + len(piece)]
            offset += len(piece)
            out.extend(_names_in_piece(text, piece_tokens, sentence.start, sh))
    return out


def _may_name(words: list[str]) -> bool:
    """Whether a run of words can hold a name at all.

    ``_name_from`` finds a name only where a word (maybe less a possessive
    "'s") ends a head or is a joiner: a run without one has no name.
    """
    keys = _name_keys()
    return any(w in keys or (w.endswith(("'s", "\u2019s")) and w[:-2] in keys) for w in words)


@cache
def _name_keys() -> frozenset[str]:
    sh = shapes()
    return frozenset({head.split(" ")[-1] for head in sh.heads} | sh.joiners)


@cache
def _name_key_pattern() -> re.Pattern[str]:
    """Any of ``_name_keys`` anywhere in a text."""
    return re.compile(trie(_name_keys()))


@cache
def _lower_key_pattern() -> re.Pattern[str]:
    """A lower-case head (or a unit's staff) after a word: "Crimes against Children unit"."""
    lower = trie(frozenset(shapes().lower_heads) | {"investigators", "detectives"})
    return re.compile(rf" (?:{lower})\b")  # a literal start: quick to scan for


def _has_lower_name(text: str) -> bool:
    """Whether a lower-case head follows a capitalised word anywhere in ``text``."""
    for m in _lower_key_pattern().finditer(text):
        word = text[text.rfind(" ", 0, m.start()) + 1 : m.start()].rstrip(",;:")
        if word[:1].isupper() and word not in shapes().strip_first:
            return True
    return False


def _names_in_piece(
    text: str, tokens: list[tuple[str, int, int]], base: int, sh: _Shapes
) -> list[_Found]:
    found: list[_Found] = []
    # A possessive splits a parent from what it owns: "Lancashire Constabulary's Online ... Team".
    for i, (word, _s, _e) in enumerate(tokens):
        if word.endswith(("'s", "\u2019s")) and i + 1 < len(tokens):
            left = tokens[: i + 1]
            right = tokens[i + 1 :]
            left_words = [w for w, _, _ in left]
            left_words[-1] = re.sub(r"['\u2019]s$", "", left_words[-1])
            if [w for w, _, _ in right][:1] == ["Office"]:
                continue  # "Sheriff's Office", "Prosecutor's Office" are one head
            parent = _name_from(
                text, [(w, s, e) for (w, (_, s, e)) in zip(left_words, left, strict=True)], base, sh
            )
            child = _name_from(text, right, base, sh)
            if parent is None:
                if i == 0 and child and left_words[0] not in _COMMON_POSSESSORS:
                    if child.generic and left_words[0] in sh.countries:
                        # "Brazil's Federal Police": a country's own body, not a kind of body
                        child = replace(child, generic=False)
                    return [child]  # "Spain's National Police": a place owns the name
                possessor = _trim(left_words)
                if (
                    child
                    and len(possessor) == 1
                    and possessor[0].isupper()
                    and len(possessor[0]) > 1
                ):
                    # "the FBI's Boston Field Office": an acronym owns the name
                    return [*found, replace(child, parent=possessor[0])]
                continue  # "Children's Aid Society": a possessive inside one name
            if child:
                found.append(
                    _Found(
                        child.start,
                        child.end,
                        child.name,
                        child.acronym,
                        re.sub(r"['\u2019]s$", "", parent.name),
                        generic=child.generic,
                    )
                )
            if parent:
                found.append(
                    _Found(
                        parent.start,
                        parent.end - 2,
                        parent.name[:-2],
                        parent.acronym,
                        generic=parent.generic,
                    )
                    if re.search(r"['\u2019]s$", parent.name)
                    else parent
                )
            elif not child:
                continue
            return found
    one = _name_from(text, tokens, base, sh)
    if one is None:
        return found
    # "Sex Crimes Unit of the Toronto Police Service": a unit of a parent.
    words = [w for w, _, _ in tokens]
    for i, word in enumerate(words):
        if word == "of" and 0 < i < len(words) - 1 and (words[i - 1] in sh.unit_heads) and i >= 2:
            j = i + 1 + (1 if words[i + 1] == "the" else 0)
            unit = _name_from(text, tokens[:i], base, sh)
            owner = _name_from(text, tokens[j:], base, sh)
            if unit and owner and not unit.generic:
                return [
                    *found,
                    _Found(unit.start, unit.end, unit.name, unit.acronym, owner.name),
                    owner,
                ]
    return [*found, one]


def _name_from(
    text: str, tokens: list[tuple[str, int, int]], base: int, sh: _Shapes
) -> _Found | None:
    words = [w for w, _, _ in tokens]
    trimmed = _trim(list(words))
    if not trimmed:
        return None
    first_index = len(words) - len(trimmed) - 0
    # find where the trimmed words start in the token list
    start_i = next(i for i in range(len(words)) if words[i : i + len(trimmed)] == trimmed)
    toks = tokens[start_i : start_i + len(trimmed)]
    del first_index
    if toks[0][0] in sh.not_first:
        return None
    head_len = _ends_with_head(trimmed)
    end_i = len(toks)
    lower_named = False
    if (
        not head_len
        and len(trimmed) >= 3
        and " ".join(trimmed[:2]) in sh.leading_heads
        and not _is_generic(trimmed[2:])
        and all(w[:1].isupper() for w in trimmed[2:])
    ):
        head_len = 2  # "Police Region Stockholm": the head first, then the place
    if not head_len:
        # a name that starts "Department of", "Office of the" ... may end in any word
        joined_at = next(
            (
                k
                for k in range(1, len(trimmed) - 1)
                if trimmed[k - 1] in sh.joiners
                and (
                    trimmed[k] in {"of", "for"}
                    # "Office on Drugs and Crime", not "Unit on Monday"
                    or (trimmed[k] == "on" and trimmed[k + 1] not in TIME_WORDS)
                )
            ),
            None,
        )
        if joined_at is not None and (joined_at == 1 or _ends_with_head(trimmed[:joined_at])):
            head_len = 1
        else:
            # the last head inside: "Humberside Police Chief Constable" -> "Humberside Police"
            for k in range(len(trimmed) - 1, 0, -1):
                if _ends_with_head(trimmed[:k]) and not _is_generic(trimmed[:k]):
                    end_i = k
                    break
            else:
                end_i = 0
            if end_i and trimmed[end_i] in _DOCUMENT_WORDS:
                return None  # "the Annual Police Plan": a document, not a body
            if end_i == 0:
                # "Crimes against Children unit": capitalised words named by a lower-case head
                lower_named = (
                    len(trimmed) >= 2
                    # an acronym or a possessive is an owner, an "and" a list of places
                    and not any(
                        (w.isupper() and len(w) > 1) or _POSSESSIVE.search(w) or w in {"and", "&"}
                        for w in trimmed
                    )
                    and (
                        sh.lower_head_after.match(text, toks[-1][2]) is not None
                        or (
                            # "the division's Internet Child Exploitation investigators"
                            len(trimmed) >= 3 and _STAFF_AFTER.match(text, toks[-1][2]) is not None
                        )
                    )
                )
                if not lower_named:
                    return None
                end_i = len(toks)
    toks = toks[:end_i]
    names = [w for w, _, _ in toks]
    # a lower-case head right after: "Internet Child Exploitation section"
    start, end = toks[0][1], toks[-1][2]
    tail = sh.lower_head_after.match(text, end) or (
        _STAFF_AFTER.match(text, end) if lower_named else None
    )
    tail_length = tail.end() - end if tail else 0
    generic = _is_generic(names) or (
        # "the Central Government": a level of government, not a named one
        len(names) == 2 and names[1] == "Government" and names[0] in _GOVERNMENT_LEVELS
    )
    if len(names) == 1 and not (names[0].isupper() and len(names[0]) > 1) and generic:
        return None
    if generic and len(names) < 2:
        return None
    while (
        end > start
        and text[end - 1] in ".,"
        and not re.search(r"\b[A-Z]\.[A-Z]?\.?$", text[start:end])
    ):
        end -= 1
    name = _QUOTED_LETTER.sub(r"\1", text[start:end])
    if tail and not _ends_with_head(names) and len(names) >= 2 and not names[-1].isupper():
        end += tail_length
        name = text[start:end]
    acronym = None
    m = _ACRONYM_AFTER.match(text[end:])
    if m and _looks_like_acronym(m.group(1), name):
        acronym = m.group(1).strip()
    before = text[max(0, start - 30) : start].lower()
    is_type = names[-1].endswith("Units") or bool(sh.indefinite_before.search(before))
    if acronym or len(names) >= 3 or lower_named:
        generic = False
    return _Found(base + start, base + end, name, acronym, generic=generic or is_type)


# the staff of a unit named in lower case after its capitalised name
_STAFF_AFTER = re.compile(r"\s+(investigators|detectives)\b")
_QUOTED_LETTER = re.compile(r"^[\"\u201c]([A-Z])[\"\u201d]")


def _looks_like_acronym(candidate: str, name: str) -> bool:
    letters = re.sub(r"[^A-Za-z]", "", candidate)
    if not (2 <= len(letters) <= 10) or sum(c.isupper() for c in letters) < 2:
        return False
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z][\w'-]*", name)).upper()
    first = letters[0].upper()
    return first in initials or letters.upper() in name.upper().replace(" ", "")


def find_agencies(text: str, sentences: list[Sentence]) -> AgencyIndex:
    """Every organisation named in the article, its mentions, and its main actor."""
    _, pattern, by_name, by_acronym = gazetteer()
    agencies: dict[str, AgencyInfo] = {}
    mentions: list[Mention] = []
    acronyms: dict[str, str] = {}  # acronym defined in this article -> key
    branches: dict[str, str] = {}  # key of a known body -> key of its national branch here
    bare: dict[str, str] = {}  # key of a known body named only by its acronym -> the acronym

    def add(
        name: str,
        start: int,
        end: int,
        sentence: Sentence,
        *,
        known: KnownBody | None = None,
        acronym: str | None = None,
        parent: str | None = None,
    ) -> str:
        body = known or by_name.get(norm(name))
        short = re.fullmatch(r"(?:\S+\s+)?([A-Z][A-Z&.]+)\s+(\w+(?: Force)?)", name)
        if body is None and short and short.group(1) in acronyms:
            owner = agencies[acronyms[short.group(1)]]
            if owner.name.lower().endswith(short.group(2).lower()):
                owner.aliases.add(name)
                name = owner.name
        canonical = body.name if body else name
        key = norm(canonical)
        info = agencies.get(key)
        if info is None:
            info = agencies[key] = AgencyInfo(name=canonical, first=start, sentence=sentence)
            if body:
                info.known = True
                info.acronym = body.acronym
                info.aliases.update(body.aliases)
                info.kind = body.kind
                info.country = body.country
                info.parent = body.parent
        if name != canonical:
            info.aliases.add(name)
        if acronym:
            if info.acronym is None:
                info.acronym = acronym
            elif acronym != info.acronym:
                info.aliases.add(acronym)
            acronyms[acronym] = key
        if parent and not info.parent:
            info.parent = parent
        info.mentions += 1
        mentions.append(Mention(start, end, key))
        return key

    sh = shapes()
    lower_names = _has_lower_name(text)
    for sentence in sentences:
        covered: list[tuple[int, int]] = []
        for m in pattern.finditer(sentence.text):
            if re.search(r"(?:\b\d[\d,]*|\bone of the|\ball)\s+$", sentence.text[: m.start()]):
                continue  # "one of 61 ICAC task forces": the kind, not the body
            if _inside_longer_name(sentence.text, m, sh):
                continue  # "the World Congress against ...": not "Congress" on its own
            body = by_name[norm(m.group(0))]
            start, end = sentence.start + m.start(), sentence.start + m.end()
            after = _ACRONYM_AFTER.match(sentence.text[m.end() :])
            acronym = (
                after.group(1).strip()
                if after and _looks_like_acronym(after.group(1), body.name)
                else None
            )
            branch = (
                sh.country_after.match(sentence.text, m.end()) if body.kind == "charity" else None
            )
            if branch is not None and acronym is None:
                # "Save the Children Norway": a national branch, a body of its own
                end = sentence.start + branch.end()
                key = add(text[start:end], start, end, sentence)
                if not agencies[key].known:
                    agencies[key].kind = body.kind
                    branches[norm(body.name)] = key
            else:
                add(m.group(0), start, end, sentence, known=body, acronym=acronym)
            covered.append((start, end))
        if "Commissioner" in sentence.text:
            # "The Police and Crime Commissioner for Kent provided ...": the office acts
            for m in sh.office_title.finditer(sentence.text):
                start, end = sentence.start + m.start(1), sentence.start + m.end(1)
                if not any(s <= start < e or start <= s < end for s, e in covered):
                    key = add(m.group(1), start, end, sentence)
                    if not agencies[key].known:
                        agencies[key].kind = "government"
                    covered.append((start, end))
            # "The Dyfed-Powys Police and Crime Commissioner has committed ...": place first
            for m in sh.office_after_place.finditer(sentence.text):
                start, end = sentence.start + m.start(1), sentence.start + m.end(1)
                inner = [(s, e) for s, e in covered if start <= s and e <= end]
                if any(s < end and start < e for s, e in covered if (s, e) not in inner):
                    continue
                for s, e in inner:
                    _drop_mention(agencies, mentions, s, e)
                    covered.remove((s, e))
                key = add(m.group(1), start, end, sentence)
                if not agencies[key].known:
                    agencies[key].kind = "government"
                covered.append((start, end))
        if "overnment" in sentence.text:
            # "The Government has allocated NZ$2.6 million": the government funds
            for m in sh.government_acts.finditer(sentence.text):
                start, end = sentence.start + m.start(1), sentence.start + m.end(1)
                if not any(s < end and start < e for s, e in covered):
                    key = add(m.group(1), start, end, sentence)
                    if not agencies[key].known:
                        agencies[key].kind = "government"
                    covered.append((start, end))
        titles = _title_spans(sentence)
        # a name around its acronym first: "Online Child Sexual Abuse and Exploitation (OCSAE)
        # Prevention and Investigation Unit" holds the shorter shape "Prevention and ... Unit"
        for found in _acronym_in_name(sentence) + _shape_names(sentence, lower_names):
            if found.generic or norm(found.name) in _title_keys():
                continue
            if found.name.endswith(sh.not_bodies):
                continue  # "held in the County Detention Center": a place
            if any(found.start <= s < found.end < e for s, e in titles):
                continue  # "Kent's Police and Crime Commissioner": a title, not a body
            if any(
                s == found.start
                and (
                    _title_complement(text[e : found.end])
                    or _person_after_title(text[e : found.end])
                )
                for s, e in titles
            ):
                continue  # "Deputy Commissioner of Police (Ann Lee)": a title, not a body
            longer = _extends_known(found, covered, text)
            if longer is not None:
                # "Ministry of Justice and Security", "WA Joint Anti Child Exploitation Team":
                # a longer name around a known one is another body
                for i in range(len(mentions) - 1, -1, -1):
                    m0 = mentions[i]
                    if m0.start == longer[0] and m0.end == longer[1]:
                        del mentions[i]
                        agencies[m0.key].mentions -= 1
                        if agencies[m0.key].mentions <= 0:
                            del agencies[m0.key]
                        break
                covered.remove(longer)
                add(found.name, found.start, found.end, sentence, acronym=found.acronym)
                covered.append((found.start, found.end))
                continue
            if any(s <= found.start < e or found.start <= s < found.end for s, e in covered):
                # a unit right after a known body: "Lancashire Constabulary Online Child Abuse Team"
                inside = [(s, e) for s, e in covered if found.start <= s and e < found.end]
                if not inside:
                    continue
                s, e = inside[-1]
                rest = re.sub(r"^['\u2019]s?\s+", " ", text[e : found.end]).strip()
                if text[e : found.end][:1] not in {" ", "'", "\u2019"} or rest[:1].islower():
                    continue
                if norm(rest) in agencies or (rest in acronyms):
                    add(rest, found.end - len(rest), found.end, sentence)
                    continue
                if (
                    not rest
                    or not _ends_with_head(rest.split())
                    or (_is_generic(rest.split()) and len(rest.split()) < 3 and not found.acronym)
                ):
                    continue
                if sh.branch_office.search(rest):
                    continue  # "... Bureau of Investigation's Boston Field Office" is the bureau
                parent_body = by_name[norm(text[s:e])]
                # "Customs' Child Exploitation Team": the mention keeps the bare apostrophe,
                # so that the owner and the unit still touch
                plural = re.match(r"['\u2019]\s", text[e : found.end]) is not None
                add(
                    rest,
                    e if plural else found.end - len(rest),
                    found.end,
                    sentence,
                    acronym=found.acronym,
                    parent=parent_body.name,
                )
                continue
            parent = found.parent
            if parent and sh.branch_office.search(found.name):
                continue  # "the FBI's Boston Field Office": the parent body, named on its own
            if parent and norm(parent) in by_name:
                parent = by_name[norm(parent)].name
            elif parent and parent in acronyms:
                parent = agencies[acronyms[parent]].name
            elif parent and len(by_acronym.get(parent, [])) == 1:
                parent = by_acronym[parent][0].name
            add(found.name, found.start, found.end, sentence, acronym=found.acronym, parent=parent)
            covered.append((found.start, found.end))
        # Acronyms on their own: defined in this article, or an unambiguous gazetteer acronym.
        for m in _ACRONYM.finditer(sentence.text):
            token = m.group(1).rstrip(".")
            start, end = sentence.start + m.start(1), sentence.start + m.start(1) + len(token)
            if any(s <= start < e for s, e in covered):
                continue
            owner = _owner_of_token(token, acronyms, agencies)
            if owner:
                add(agencies[owner].name, start, end, sentence)
            elif len(by_acronym.get(token, [])) == 1:
                key = add(
                    by_acronym[token][0].name, start, end, sentence, known=by_acronym[token][0]
                )
                bare.setdefault(key, token)
            elif token in by_acronym:
                named = [b for b in by_acronym[token] if norm(b.name) in agencies]
                if len(named) == 1:
                    add(named[0].name, start, end, sentence, known=named[0])
    _merge_into_local_bodies(agencies, mentions, text, acronyms, branches, bare)
    _merge_partial_names(agencies, mentions)
    country = _country(agencies)
    _localise_aliases(agencies, mentions, country, text)
    main = _main_agency(agencies, mentions, sentences)
    return AgencyIndex(agencies, sorted(mentions, key=lambda m: m.start), main, country)


def _drop_mention(
    agencies: dict[str, AgencyInfo], mentions: list[Mention], start: int, end: int
) -> None:
    """Forget the mention at ``start``-``end``, and its agency when that was its only one."""
    for i in range(len(mentions) - 1, -1, -1):
        m0 = mentions[i]
        if m0.start == start and m0.end == end:
            del mentions[i]
            agencies[m0.key].mentions -= 1
            if agencies[m0.key].mentions <= 0:
                del agencies[m0.key]
            return


# An acronym on its own: "(?<![\w.-])([A-Z][A-Z&.]{1,9}[A-Z.]?)(?:'s)?(?![\w-])", with the
# look-behind moved after the first capital (the same test), so that ``re`` skips
# straight to capitals instead of trying the look-behind at every character.
_ACRONYM = re.compile(r"([A-Z](?<![\w.-][A-Z])[A-Z&.]{1,9}[A-Z.0-9]?)(?:'s)?(?![\w-])")


def _merge_into_local_bodies(
    agencies: dict[str, AgencyInfo],
    mentions: list[Mention],
    text: str,
    acronyms: dict[str, str],
    branches: dict[str, str],
    bare: dict[str, str],
) -> None:
    """A known body said only in short is the article's own body of that short name.

    "ICAC" before "the Indiana Internet Crimes Against Children (ICAC) Task Force" is
    that task force, not the national programme; "ECPAT" after "ECPAT Sweden" is the
    national branch, not the international body.
    """
    moves: dict[str, str] = {}
    for key, token in bare.items():
        owner = acronyms.get(token)
        if owner is not None and owner != key and owner in agencies:
            moves[key] = owner
    for key, branch in branches.items():
        if branch in agencies and key not in moves:
            moves[key] = branch
    for key, target in moves.items():
        info = agencies.get(key)
        if info is None or target not in agencies:
            continue
        said = {text[m.start : m.end] for m in mentions if m.key == key}
        if any(norm(n) == key for n in said):
            continue  # named in full too: the body itself acts
        agencies[target].mentions += info.mentions
        del agencies[key]
        for i, m in enumerate(mentions):
            if m.key == key:
                mentions[i] = Mention(m.start, m.end, target)


def _merge_partial_names(agencies: dict[str, AgencyInfo], mentions: list[Mention]) -> None:
    """'the Humber Regional Organised Crime Unit' is part of a longer name said before."""
    keys = sorted(agencies, key=len, reverse=True)
    for key in keys:
        if key not in agencies or agencies[key].known:
            continue
        for longer in keys:
            if (
                longer != key
                and longer in agencies
                and longer.endswith(" " + key)
                and len(key.split()) >= 2
            ):
                target = agencies[longer]
                target.mentions += agencies[key].mentions
                target.aliases.add(agencies[key].name)
                if agencies[key].acronym and not target.acronym:
                    target.acronym = agencies[key].acronym
                del agencies[key]
                for i, m in enumerate(mentions):
                    if m.key == key:
                        mentions[i] = Mention(m.start, m.end, longer)
                break


def _owner_of_token(
    token: str, acronyms: dict[str, str], agencies: dict[str, AgencyInfo]
) -> str | None:
    """The agency of this article that an acronym on its own names, if any."""
    if token in acronyms:
        return acronyms[token]
    for key, info in agencies.items():
        if not info.known and info.acronym and token in info.acronym.split():
            return key  # "ICAC" after "the Tennessee ... Task Force (TN ICAC)"
    return None


def _extends_known(
    found: _Found, covered: list[tuple[int, int]], text: str
) -> tuple[int, int] | None:
    """The known name that ``found`` extends with words of its own (left, or by 'and'/'for')."""
    for s, e in covered:
        if not (found.start <= s and e <= found.end) or (s, e) == (found.start, found.end):
            continue
        left = text[found.start : s].split()
        right = text[e : found.end]
        if (
            right
            and not re.match(r"\s+(?:and|for|of|in)\s", right)
            # "Tokyo Metropolitan Police Department": a place and a head around a known name
            and not (left and re.fullmatch(r"\s+(?:Department|Service|Force|Agency)", right))
        ):
            continue
        # "WA Joint Anti Child Exploitation Team (WA JACET)": its own acronym keeps the prefix
        own = found.acronym.split()[0] if found.acronym and " " in found.acronym else None
        # "the Federal Ministry of Justice": another country's ministry, not the known one
        level = len(left) == 1 and left[0] in _GOVERNMENT_LEVELS | {"Federal", "State"}
        if (
            left
            and not (level and text[s:e].startswith(("Ministry ", "Department ")))
            and (
                _is_generic(left)
                or any(w.endswith(("'s", "\u2019s")) for w in left)
                or any(
                    w.lower() in _CONNECTORS or (w.isupper() and len(w) > 1 and w != own)
                    for w in left
                )
                or any(re.search(r"-(?:based|led|run|funded|backed)$", w) for w in left)
            )
        ):
            continue
        if any(s2 != s and found.start <= s2 < found.end for s2, _ in covered):
            continue
        return (s, e)
    return None


def _localise_aliases(
    agencies: dict[str, AgencyInfo], mentions: list[Mention], country: str | None, text: str
) -> None:
    """ "Department of Justice" in an Irish article is Ireland's, not the US body of that alias."""
    if country is None:
        return
    for key, info in list(agencies.items()):
        if not info.known or info.country in (None, country, "EU"):
            continue
        said = {text[m.start : m.end] for m in mentions if m.key == key}
        if any(norm(n) == norm(info.name) or n == info.acronym for n in said):
            continue  # named in full: it is that body
        if not said or any(
            re.search(r"\b(?:U\.?S\.?|United States|American|Federal)\b", n) for n in said
        ):
            continue
        surface = sorted(said, key=len)[-1]
        local = norm(surface)
        del agencies[key]
        agencies[local] = AgencyInfo(
            name=surface,
            first=info.first,
            mentions=info.mentions,
            sentence=info.sentence,
            kind=info.kind,
            country=country,
        )
        for i, m in enumerate(mentions):
            if m.key == key:
                mentions[i] = Mention(m.start, m.end, local)


def _country(agencies: dict[str, AgencyInfo]) -> str | None:
    votes: Counter[str] = Counter()
    for info in agencies.values():
        if info.country and info.country != "EU":
            votes[info.country] += info.mentions
    return votes.most_common(1)[0][0] if votes else None


_ACTOR_KINDS = {"unit": 3.0, "collaboration": 2.5, "force": 2.0, "agency": 2.0, "charity": 1.0}


def _main_agency(
    agencies: dict[str, AgencyInfo], mentions: list[Mention], sentences: list[Sentence]
) -> str | None:
    """The organisation the article is about: named early, often, and doing police work."""
    if not agencies:
        return None
    order = {
        k: i
        for i, k in enumerate(dict.fromkeys(m.key for m in sorted(mentions, key=lambda m: m.start)))
    }

    # the organisations of the first sentence that names any: the lede's actors
    ordered = sorted(mentions, key=lambda m: m.start)
    lede = next((s for s in sentences if ordered and s.start <= ordered[0].start < s.end), None)
    first_named = {m.key for m in ordered if lede and lede.start <= m.start < lede.end}

    def score(key: str) -> float:
        info = agencies[key]
        kind = info.kind
        if not info.known:
            kind = (
                "unit"
                if re.search(
                    r"\b(Unit|Team|Squad|Section|Task ?[Ff]orce|Command|Division)\b", info.name
                )
                else "force"
            )
        weight = _ACTOR_KINDS.get(kind, 0.2)
        lede = 4.0 if key in first_named else 0.0
        return weight * (1 + 0.5 * info.mentions) + 2 * max(0.0, 3.0 - order.get(key, 9)) + lede

    return max(agencies, key=score)


def reference_pattern() -> re.Pattern[str]:
    """Short forms that refer to the article's main organisation ("the unit", "we")."""
    alternatives = "|".join(re.escape(r) for r in shapes().references)
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)


_MID_ACRONYM = re.compile(
    r"((?:[A-Z][\w'-]*\s+(?:(?:and|of|for|against|the|&)\s+)*)+)\(([A-Z][A-Z&.-]{1,9})\)\s+"
    r"((?:[A-Z][\w'-]*\s+(?:(?:and|of|for|&)\s+)?){0,4}"
    r"(?:Unit|Team|Task Force|Taskforce|Squad|Section|Division|Command|Centre|Center|Bureau"
    r"|unit|team|task force|taskforce|squad|section|division|command))\b"
)


def _acronym_in_name(sentence: Sentence) -> list[_Found]:
    """ "the Internet Crimes Against Children (ICAC) Unit": the acronym inside the name."""
    out: list[_Found] = []
    if "(" not in sentence.text:
        return out  # the acronym is in brackets
    for m in _MID_ACRONYM.finditer(sentence.text):
        words = _trim(re.split(r"\s+", re.split(r"['\u2019]s\s+", m.group(1))[-1].strip()))
        if not words:
            continue
        name = " ".join(words) + " " + m.group(3)
        start = sentence.start + m.start(1) + m.group(1).rindex(words[0])
        owner = _OWNER_AFTER.match(sentence.text, m.end())
        parent = owner.group(1) if owner and _ends_with_head(owner.group(1).split()) else None
        out.append(_Found(start, sentence.start + m.end(), name, m.group(2), parent))
    for m in _LOWER_ACRONYM.finditer(sentence.text):
        found = _lower_name(m, sentence.start)
        if found is not None:
            out.append(found)
    return out


# "its online child sexual abuse and exploitation (OCSAE) team": a name in lower case,
# told from a description by its acronym, which spells the words' initials
_LOWER_ACRONYM = re.compile(
    r"\s\(([A-Z][A-Z&]{1,9})\)\s+"
    r"(unit|team|squad|section|division|command|task force|taskforce|hub|cell|desk|bureau)\b"
)
_LOWER_WORDS_BEFORE = re.compile(r"(?:[a-z][\w-]*\s+){1,12}$")
_LOWER_CONNECTORS = frozenset({"and", "of", "for", "on", "to", "against", "in", "the", "&"})


def _lower_name(m: re.Match[str], base: int) -> _Found | None:
    """The lower-case name before an acronym whose letters are its words' initials."""
    before = _LOWER_WORDS_BEFORE.search(m.string, max(0, m.start() - 160), m.start() + 1)
    if before is None:
        return None
    letters = m.group(1).replace("&", "").lower()
    words = before.group(0).split()
    content = 0
    start = len(words)
    while start > 0 and content < len(letters):
        start -= 1
        if words[start] not in _LOWER_CONNECTORS:
            content += 1
    named = words[start:]
    initials = "".join(w[0] for w in named if w not in _LOWER_CONNECTORS)
    if initials != letters or named[0] in _LOWER_CONNECTORS:
        return None
    at = before.start() + len(" ".join(words[:start])) + (1 if start else 0)
    at = m.string.find(named[0], at)
    return _Found(base + at, base + m.end(), " ".join(named) + " " + m.group(2), m.group(1))


# "... (ICAC) Unit of the Alabama Law Enforcement Agency": the body the unit belongs to
_OWNER_AFTER = re.compile(
    r"\s+of\s+(?:the\s+)?((?:[A-Z][\w'-]*\s+(?:(?:and|of|for|&)\s+)?){0,6}[A-Z][\w'-]*)"
)


_TITLE_WORD_BEFORE = re.compile(r"\b([A-Z][a-z]+)\s+$")


def _inside_longer_name(text: str, m: re.Match[str], sh: _Shapes) -> bool:
    """Whether a one-word name ("Congress", "Customs") is the end of a longer name."""
    word = m.group(0)
    if " " in word or not word[1:].islower() or m.start() == 0:
        return False
    before = _TITLE_WORD_BEFORE.search(text, max(0, m.start() - 30), m.start())
    return before is not None and before.group(1) not in sh.strip_first


def _title_complement(after: str) -> bool:
    """Whether words after a title only make it longer: " of Police", " of the Police"."""
    m = re.fullmatch(r"\s+of\s+(?:the\s+)?(.+)", after)
    return m is not None and _is_generic(m.group(1).split())


def _person_after_title(after: str) -> bool:
    """Whether words after a title are a person's name: " Ada Obi-Eze"."""
    words = after.split()
    keys = _name_keys()
    return 1 <= len(words) <= 4 and all(
        w[:1].isupper() and w not in keys and not _generic_word(w) for w in words
    )


def _title_spans(sentence: Sentence) -> list[tuple[int, int]]:
    """Where titles of several words stand in a sentence ("Police and Crime Commissioner")."""
    from safekg.extract.officers import title_matches

    return [
        (sentence.start + m.start(), sentence.start + m.end())
        for m in title_matches(sentence.text)
        if " " in m.group(0) and m.group(0)[:1].isupper()
    ]


@cache
def _title_keys() -> frozenset[str]:
    keys = set()
    for row in rules.jsonl("gazetteers", "ranks.jsonl"):
        keys.add(norm(str(row["rank"])))
        keys.update(norm(str(f)) for f in row.get("forms", []))
    return frozenset(keys)
