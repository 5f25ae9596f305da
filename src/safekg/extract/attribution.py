"""Which organisation an outcome figure belongs to.

Press releases credit a figure in a few regular ways, tried in this order:

1. a name as the actor of the figure's clause: its first name that is not a
   partner, a place, a recipient or a source ("working with the FBI",
   "referred to Tusla", "according to X"), nor a government body, a court or
   a company unless it is the plain subject; "X's child protection command",
   "X specialists" and "X's Y" mean X's unit, not X; "an X-led operation" and
   "arrested by X" name X;
2. a country or place the clause is about ("In Denmark alone, ..."): that
   place's police body;
3. a reference by kind ("the unit", "the force", "the bureau"): the body the
   article is about when it is of that kind, else the last one named;
4. a pronoun ("its officers", "they"): the name before it in the sentence,
   else the actor of the sentence or two before;
5. otherwise the figure of the sentence before, when that one named its body,
   else the body the article is about.

The body the article is about is the first actor of a figure, or the leader
of the operation ("was led by X"), in its opening paragraphs; else its main
organisation, unless that is a body that only funds, prosecutes or sells.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from safekg.extract import rules
from safekg.extract.agencies import TIME_WORDS, AgencyIndex, AgencyInfo, Mention, norm
from safekg.extract.fast import trie
from safekg.extract.text import Sentence

_RELATIVE = re.compile(r",\s+(?:which|who|whose)\b")
_APPOSITIVE = re.compile(
    r",\s+(?:part of|based (?:at|in)|made up of|a unit of|one of|known as|a division of)\b[^,]*$"
)
_CLOSED_RELATIVE = re.compile(r",\s+(?:which|who|whose)\b[^;:]*,")
# "The arrests were made by the force's X Team": who made the figures said before
_RESTATED = re.compile(
    r"^\s*(?:(?:The|These|Those|All(?:\s+of)?\s+the|All)\s+)(arrests|searches|raids|warrants"
    r"|seizures|charges|rescues)\s+(?:were|was|have\s+been|had\s+been)\s+(?:all\s+)?"
    r"(?:made|carried\s+out|conducted|executed|served|undertaken|performed|laid|brought)"
    r"\s+by\s+(?:the\s+)?"
)
_RESTATED_MEASURES = {
    "arrests": frozenset({"arrests"}),
    "searches": frozenset({"warrants_executed"}),
    "raids": frozenset({"warrants_executed"}),
    "warrants": frozenset({"warrants_executed"}),
    "seizures": frozenset({"devices_seized"}),
    "charges": frozenset({"charges"}),
    "rescues": frozenset({"children_safeguarded"}),
}
# a person's post at the head of a body: "has headed the", "who runs the", "head of the"
_HEADS = re.compile(
    r"\b(?:(?:has|had)\s+(?:headed|led|run|commanded)|heads|runs|commands"
    r"|(?:is|was|as)\s+(?:the\s+)?(?:head|chief|commander|director)\s+of)\s+(?:the\s+)?"
)
_FIRST_PERSON = re.compile(r"\b(?:[Oo]ur|[Ww]e)\b")
_BY_MODIFIER = re.compile(r"[^,;:]{0,40}?\b[a-z]+ed\s+by\s+(?:the\s+)?")
_NOT_PLACES = TIME_WORDS | {"Operation"}
_LEDE_PARAGRAPHS = 6  # the opening paragraphs, headline and dateline included
_PLACE = r"(?P<place>[A-Z][a-z]+(?:\s+(?:of\s+)?[A-Z][a-z]+){0,2})"


@dataclass(frozen=True)
class _Cues:
    not_actor: re.Pattern[str]  # a word before a name that makes it no actor
    personnel: re.Pattern[str]  # "officers" before "from"/"of"/"with"
    agent_verb: re.Pattern[str]  # "arrested" before "by"
    source_verb: re.Pattern[str]  # "released" before "by"
    sayer: re.Pattern[str]  # "said" after a name
    leader: re.Pattern[str]  # "led by", "conducted by"
    led: re.Pattern[str]  # "X-led"
    unit_after: re.Pattern[str]  # "'s child protection command", " specialists"
    reference: re.Pattern[str]  # "the unit", "the force"
    reference_class: dict[str, str]  # noun -> class
    reference_nouns: dict[str, tuple[str, ...]]  # class -> nouns
    reference_kinds: dict[str, frozenset[str]]  # class -> gazetteer kinds
    place: tuple[re.Pattern[str], ...]
    countries: dict[str, str]
    police: re.Pattern[str]
    non_police: re.Pattern[str]
    support: re.Pattern[str]
    non_kinds: frozenset[str]
    support_kinds: frozenset[str]


def _words(items: list[str]) -> str:
    return trie(sorted(set(items)))


@cache
def cues() -> _Cues:
    data: dict[str, Any] = rules.toml("patterns", "attribution.toml")
    classes: dict[str, str] = {}
    for cls, nouns in data["references"].items():
        for noun in nouns:
            classes.setdefault(noun, cls)
    roles = data["roles"]
    modifier = r"(?:(?:[A-Z][\w.&'-]*|[a-z]+-based)\s+){0,3}"
    return _Cues(
        not_actor=re.compile(
            rf"\b(?P<cue>{_words(data['not_actor_before'])})\s+(?:the\s+|an?\s+)?{modifier}$",
            re.IGNORECASE,
        ),
        personnel=re.compile(rf"\b(?:{_words(data['personnel'])})\s+$", re.IGNORECASE),
        agent_verb=re.compile(
            rf"\b(?:{_words(data['agent_verbs'])})\b(?:\s+[\w,-]+){{0,4}}?\s+$", re.IGNORECASE
        ),
        source_verb=re.compile(
            rf"\b(?:{_words(data['source_verbs'])})\s+(?:[\w-]+\s+){{0,2}}$", re.IGNORECASE
        ),
        sayer=re.compile(
            rf"^(?:\s*\([^)]*\))?,?\s+(?:has\s+|have\s+|had\s+)?(?:{_words(data['sayer_after'])})\b"
        ),
        leader=re.compile(rf"\b(?:{_words(data['leader_by'])})\s+by\s+(?:the\s+)?"),
        led=re.compile(r"([A-Z][\w.&']*(?:\s+[A-Z][\w.&']*){0,5})-led\b"),
        unit_after=re.compile(
            rf"(?:'s)?\s+(?:(?:[a-z-]+\s+){{0,4}}?(?:{_words(data['unit_nouns'])})\b"
            rf"|(?:{_words(data['specialists'])})\b)"
        ),
        reference=re.compile(
            rf"\b(?:[Tt]he|[Tt]his|[Tt]hat|[Ii]ts|[Oo]ur)\s+({_words(list(classes))})\b"
            r"(?!\s+(?:of\b|[A-Z])|'s\s+[A-Z])"
        ),
        reference_class=classes,
        reference_nouns={cls: tuple(nouns) for cls, nouns in data["references"].items()},
        reference_kinds={cls: frozenset(kinds) for cls, kinds in data["reference_kinds"].items()},
        place=(
            # "In Denmark alone, ...", "Police in Jersey have ..."
            re.compile(
                r"(?:^\s*(?:[Ii]n|[Aa]cross|[Tt]hroughout)|\b(?:[Pp]olice|POLICE)\s+(?:in|across))"
                rf"\s+(?:the\s+)?{_PLACE}\b"
            ),
            re.compile(rf"^\s*{_PLACE}(?:'s)?\s+(?:[Pp]olice|POLICE)\b"),  # "Dutch police"
        ),
        countries=dict(data["countries"]),
        police=re.compile(rf"\b(?:{_words(roles['police'])})\b"),
        non_police=re.compile(rf"\b(?:{_words(roles['non_police'])})\b"),
        support=re.compile(rf"\b(?:{_words(roles['support'])})\b"),
        non_kinds=frozenset(roles["non_kinds"]),
        support_kinds=frozenset(roles["support_kinds"]),
    )


def role(info: AgencyInfo) -> str:
    """ "police" for a body that does police work, "support" for a charity or hotline,
    "other" for one that funds, prosecutes, judges, governs or sells."""
    c = cues()
    if info.kind in c.non_kinds:
        return "other"
    if info.kind in c.support_kinds:
        return "support"
    if info.known:
        return "police"
    name = info.name.lower()
    if c.police.search(name) or (info.parent and c.police.search(info.parent.lower())):
        return "police"  # "the Police Authority's National Operations Department" too
    if c.non_police.search(name):
        return "other"
    if c.support.search(name):
        return "support"
    return "police"


@dataclass(frozen=True)
class Claim:
    """What a figure's sentence says about whose figure it is."""

    sentence: int
    at: int  # offset of the figure in the article
    actor: str | None = None  # named as the actor of the figure's clause
    place: tuple[str, ...] = ()  # bodies of the place the clause is about
    reference: str | None = None  # the noun of "the unit", "the force"
    pronoun: str | None = None  # the body a pronoun ("its", "they") refers to, if named before
    refers_back: bool = False  # a pronoun, whatever it refers to
    scoped: bool = False  # the clause is about a place ("In Bavaria alone, ...")
    first_person: bool = False  # "our programme reached", "we trained": the publisher's
    relative: bool = False  # the actor is named by a relative clause ("X, whose staff ...")


@dataclass(frozen=True)
class _Candidate:
    start: int  # in the article
    end: int
    key: str
    strong: bool  # an actor; else a source or a sayer ("according to X")


class Attribution:
    """Credits the figures of one article to its organisations."""

    def __init__(self, sentences: list[Sentence], texts: list[str], agencies: AgencyIndex) -> None:
        self._sentences = sentences
        self._texts = texts  # the sentences with asides blanked out
        self._agencies = agencies
        self._mentions = [m for m in agencies.mentions if m.key in agencies.agencies]
        self._starts = [m.start for m in self._mentions]
        self._roles = {key: role(info) for key, info in agencies.agencies.items()}
        self._names: dict[str, str] | None = None
        self._focus: dict[int, str | None] = {}

    # -- one figure -------------------------------------------------------------

    def claim(self, index: int, start: int, end: int) -> Claim:
        """What sentence ``index`` says about the figure at ``start:end`` (sentence offsets)."""
        sentence = self._sentences[index]
        text = sentence.text
        lo = max(text.rfind(";", 0, start) + 1, 0)
        colon = text.rfind(":", lo, start)
        cands = self._candidates(index, (colon + 1) if colon >= 0 else lo, start)
        if colon >= 0 and not cands:
            cands = self._candidates(index, lo, start)  # "ALEA's unit: 21 arrests"
        at = sentence.start + start
        head = text[lo:start]
        place, scoped = self._place(head)
        actor = self._subject(index, cands, lo, start)
        if actor:
            strong = [c for c in cands if c.strong]
            relative = not strong or self._open_relative(index, strong[0].end, start)
            return Claim(index, at, actor=actor, place=place, scoped=scoped, relative=relative)
        after_by = self._agent_after(index, end)
        if after_by:
            return Claim(index, at, actor=after_by, place=place, scoped=scoped)
        aside = _closed_relative(text, lo, start)
        if aside:
            head = text[lo : aside[0]] + " " * (aside[1] - aside[0]) + text[aside[1] : start]
        reference = None
        for m in cues().reference.finditer(head):
            reference = m.group(1)
        pronoun = re.search(r"\b(?:its|their|they|it|It|Its|Their|They)\b", head) is not None
        named = self._refine(index, cands[-1]) if cands and pronoun else None
        first_person = _FIRST_PERSON.search(head) is not None
        return Claim(index, at, None, place, reference, named, pronoun, scoped, first_person)

    def _subject(self, index: int, cands: list[_Candidate], lo: int, hi: int) -> str | None:
        """The actor among ``cands``: the first, else what a relative pronoun stands for."""
        strong = [c for c in cands if c.strong]
        if strong and not self._open_relative(index, strong[0].end, hi):
            return self._refine(index, strong[0])
        return self._antecedent(index, lo, hi) or (
            self._refine(index, strong[0]) if strong else None
        )

    def _open_relative(self, index: int, lo: int, hi: int) -> bool:
        """Whether the figure at ``hi`` is in a relative clause opened after ``lo`` (article
        offset) and not closed: "X works with Y, which made 40 arrests"."""
        text = self._sentences[index].text
        lo -= self._sentences[index].start
        relatives = list(_RELATIVE.finditer(text, max(lo, 0), hi))
        return bool(relatives) and "," not in text[relatives[-1].end() : hi]

    def _antecedent(self, index: int, lo: int, hi: int) -> str | None:
        """ "the X section, part of its Y Unit, which served 24 warrants": X."""
        sentence = self._sentences[index]
        text = sentence.text
        relatives = list(_RELATIVE.finditer(text, lo, hi))
        if not relatives:
            return None
        point = relatives[-1].start()
        while True:
            aside = _APPOSITIVE.search(text, lo, point)
            if aside is None:
                break
            point = aside.start()
        mentions = self._in(index, lo, point)
        named = [m for m in mentions if m.end - sentence.start >= point - 12]
        if named and self._roles.get(named[-1].key) == "other" and len(mentions) > 1:
            # "the task forces funded by the Justice Department, which ...": the name
            # the participle hangs on
            before = mentions[mentions.index(named[-1]) - 1]
            gap = text[before.end - sentence.start : named[-1].start - sentence.start]
            if _BY_MODIFIER.fullmatch(gap):
                named = [before]
        if not named or self._roles.get(named[-1].key) == "other":
            return None
        last = named[-1]
        return self._refine(index, _Candidate(last.start, last.end, last.key, True))

    def _agent_after(self, index: int, end: int) -> str | None:
        """ "14 were arrested in Australia by AFP officers": the agent after a passive verb."""
        sentence = self._sentences[index]
        stop = sentence.text.find(",", end)
        stop = len(sentence.text) if stop < 0 else stop
        for m in self._in(index, end, stop):
            before = sentence.text[end : m.start - sentence.start]
            passive = re.search(r"\bby\s+(?:the\s+)?$", before) and cues().agent_verb.search(
                before[: before.rfind("by")]
            )
            if passive and self._roles.get(m.key) == "police":
                return m.key
        return None

    def _place(self, head: str) -> tuple[tuple[str, ...], bool]:
        """The bodies of the place the clause is about, and whether it is about a place."""
        c = cues()
        found: tuple[str, ...] = ()
        scoped = False
        for pattern in c.place:
            for m in pattern.finditer(head):
                found = self._bodies_of(m.group("place")) or found
                scoped = scoped or m.group("place").split()[0] not in _NOT_PLACES
        return found, scoped

    def _bodies_of(self, place: str) -> tuple[str, ...]:
        """The police bodies of the article whose name carries ``place``, else of its country."""
        police = [
            (k, i) for k, i in self._agencies.agencies.items() if self._roles.get(k) == "police"
        ]
        word = re.compile(rf"(?<![\w-]){re.escape(place)}(?![\w-])")
        named = tuple(k for k, i in police if any(word.search(n) for n in (i.name, *i.aliases)))
        if named:
            return named
        code = cues().countries.get(place)
        if code is None:
            return ()
        return tuple(k for k, i in police if i.country == code)

    # -- names in a clause ------------------------------------------------------

    def _in(self, index: int, lo: int, hi: int) -> list[Mention]:
        """Mentions in sentence ``index`` between sentence offsets ``lo`` and ``hi``."""
        base = self._sentences[index].start
        i = bisect.bisect_left(self._starts, base + lo)
        out = []
        while i < len(self._mentions) and self._mentions[i].start < base + hi:
            m = self._mentions[i]
            if m.end <= base + hi:
                out.append(m)
            i += 1
        return out

    def _candidates(self, index: int, lo: int, hi: int) -> list[_Candidate]:
        """Names that may act in sentence ``index`` between ``lo`` and ``hi``, in order."""
        sentence = self._sentences[index]
        text, masked, base = sentence.text, self._texts[index], sentence.start
        out: list[_Candidate] = []
        aside = _closed_relative(text, lo, hi)
        for m in self._led(index, lo, hi):
            out.append(_Candidate(m.start, m.end, m.key, True))
        excluded_end = -1
        for m in self._in(index, lo, hi):
            s, e = m.start - base, m.end - base
            if masked[s] == " " and text[s] != " ":
                continue  # inside brackets or dashes
            if aside and aside[0] <= s < aside[1]:
                continue  # "X, which brings together officers from Y and Z, received ..."
            if excluded_end >= 0 and re.fullmatch(
                r"(?:\s*\([^)]*\))?\s*(?:,|\band\b|\bor\b|\bas well as\b)\s*(?:the\s+)?"
                r"(?:[A-Z][\w.'-]*\s+){0,3}",
                text[excluded_end:s],
            ):
                excluded_end = e  # "with the FBI, HSI and the NCA": the list goes on
                continue
            strength = self._strength(text, s, e, hi, self._roles.get(m.key, "police"))
            if strength is None:
                excluded_end = e
                continue
            excluded_end = -1
            out.append(_Candidate(m.start, m.end, m.key, strength))
        out.sort(key=lambda x: x.start)
        return out

    def _strength(self, text: str, s: int, e: int, hi: int, kind: str) -> bool | None:
        """True for an actor, False for a source or a sayer, None for neither."""
        c = cues()
        before = text[max(0, s - 60) : s]
        if c.sayer.match(text[e:]) or re.search(r"\baccording to\s+(?:the\s+)?$", before, re.I):
            return False
        cue = c.not_actor.search(before)
        if cue:
            word = cue.group("cue").lower()
            ahead = before[: cue.start("cue")]
            if word in {"from", "of", "with", "in"} and c.personnel.search(ahead):
                pass  # "officers from X", "analysts in its X unit"
            elif word == "by" and c.agent_verb.search(ahead):
                pass  # "arrested by X"
            elif word == "by" and c.source_verb.search(ahead):
                return False  # "figures released by X"
            else:
                return None
        if kind == "other":
            # a ministry, a court or a company acts only as the plain subject
            between = text[e:hi]
            if "," in between or len(between.split()) > 6:
                return None
        return True

    def _led(self, index: int, lo: int, hi: int) -> list[Mention]:
        """ "An Australian Federal Police-led investigation": the name before "-led"."""
        text = self._sentences[index].text
        if "-led" not in text:
            return []
        out = []
        for m in cues().led.finditer(text, lo, hi):
            words = m.group(1).split()
            for i in range(len(words)):
                key = self._key_of(" ".join(words[i:]))
                if key:
                    base = self._sentences[index].start
                    out.append(Mention(base + m.start(1), base + m.end(1), key))
                    break
        return out

    def _key_of(self, surface: str) -> str | None:
        if self._names is None:
            names: dict[str, str] = {}
            for key, info in self._agencies.agencies.items():
                for n in (info.name, *info.aliases, *([info.acronym] if info.acronym else [])):
                    names.setdefault(norm(n), key)
            self._names = names
        return self._names.get(norm(surface))

    def _refine(self, index: int, cand: _Candidate) -> str:
        """The body a name stands for in its clause: "X's Y" is Y, "X's team" X's unit."""
        key, end = cand.key, cand.end
        sentence = self._sentences[index]
        following = self._in(index, end - sentence.start, len(sentence.text))
        for m in following:
            gap = sentence.text[end - sentence.start : m.start - sentence.start]
            if not re.fullmatch(r"(?:'s)?\s{0,2}", gap):
                break
            key, end = m.key, m.end  # "the NCA's CEOP Command", "ALERT ICE"
        if cues().unit_after.match(sentence.text, end - sentence.start):
            return self._unit_of(key) or key
        return key

    def _unit_of(self, key: str) -> str | None:
        """The specialist unit of ``key`` that the article names, if one stands out."""
        info = self._agencies.agencies[key]
        own = {norm(info.name), *(norm(a) for a in info.aliases)}
        children = [
            (k, i)
            for k, i in self._agencies.agencies.items()
            if k != key
            and (
                (i.parent and norm(i.parent) in own)
                or (info.acronym and i.name.split()[0] == info.acronym)
            )
        ]
        if not children:
            return None
        return max(children, key=lambda ki: (ki[1].mentions, -ki[1].first))[0]

    def restated(self) -> dict[int, tuple[frozenset[str], str]]:
        """Sentences that credit figures said before: "The arrests were made by X's unit."

        Maps each such sentence to the measures it speaks of and the body it credits.
        """
        out: dict[int, tuple[frozenset[str], str]] = {}
        for index, sentence in enumerate(self._sentences):
            if " by " not in sentence.text:
                continue
            m = _RESTATED.match(sentence.text)
            if m is None:
                continue
            following = self._in(index, m.end(), len(sentence.text))
            if not following or following[0].start - sentence.start - m.end() > 20:
                continue
            first = following[0]
            if self._roles.get(first.key) == "other":
                continue
            body = self._refine(index, _Candidate(first.start, first.end, first.key, True))
            out[index] = (_RESTATED_MEASURES[m.group(1).lower()], body)
        return out

    # -- the article ------------------------------------------------------------

    def resolve(self, claims: list[Claim], apart: list[bool] | None = None) -> list[str | None]:
        """The body of each figure, the claims in the article's order.

        A figure marked in ``apart`` (a part of a total, "X made seven of the arrests";
        a headline's) keeps its body to itself: the figures after it do not go on with it.
        """
        home = self._home(claims)
        out: list[str | None] = []
        last: tuple[int, str | None] | None = None  # sentence and body of a named figure
        for i, claim in enumerate(claims):
            if (
                claim.refers_back
                and not (claim.actor or claim.place or claim.reference or claim.pronoun)
                and last is not None
                and 0 <= claim.sentence - last[0] <= 1
                and self._focus_before(claim.sentence) is None
            ):
                # "The squad arrested 64. Its officers also executed 90 warrants": "its" is
                # the body of the figures just before when no body is named in between
                out.append(last[1])
                last = (claim.sentence, last[1])
                continue
            named = self._named(claim, home)
            if named is not None:
                if not claim.relative and (apart is None or not apart[i]):
                    last = (claim.sentence, named)
                else:
                    last = None
                out.append(named)
                continue
            if last is not None and self._goes_on(last[0], claim.sentence):
                out.append(last[1])  # the list of figures goes on
                last = (claim.sentence, last[1])
                continue
            out.append(home)
        return out

    def _goes_on(self, before: int, index: int) -> bool:
        """Whether sentence ``index`` goes on with the figures of sentence ``before``:
        the next sentence, or the one after when the sentence between names no body."""
        if index - before <= 1:
            return index >= before
        if index - before > 2:
            return False
        between = self._sentences[before + 1]
        return not self._in(before + 1, 0, len(between.text))

    def _named(self, claim: Claim, home: str | None) -> str | None:
        if claim.actor:
            return claim.actor
        if claim.place:
            if home in claim.place:
                return home
            if len(claim.place) == 1:
                return claim.place[0]
        if claim.reference:
            return self._referred(claim.reference, claim.at, home)
        if claim.refers_back:
            return claim.pronoun or self._focus_before(claim.sentence) or home
        if claim.first_person:
            return home
        return None

    def _referred(self, noun: str, at: int, home: str | None) -> str | None:
        """ "the unit": the article's body if it is a unit, else the last unit named."""
        c = cues()
        cls = c.reference_class[noun]
        nouns = c.reference_nouns[cls]
        kinds = c.reference_kinds.get(cls, frozenset())
        agencies = self._agencies.agencies

        def exact(key: str) -> bool:
            return re.search(rf"\b{re.escape(noun)}\b", agencies[key].name.lower()) is not None

        def same_class(key: str) -> bool:
            info = agencies[key]
            name = info.name.lower()
            return info.kind in kinds or any(re.search(rf"\b{n}\b", name) for n in nouns)

        # a unit, a force or an agency is a police body; only "the charity" is a support one
        wanted = {"police", "support"} if cls == "charity" else {"police"}
        usable = [m for m in self._mentions if m.start < at and self._roles[m.key] in wanted]
        for test in (exact, same_class):
            if home and test(home):
                return home
            for m in reversed(usable):
                if test(m.key):
                    return m.key
        return home

    def _focus_before(self, index: int) -> str | None:
        """The actor of the sentence or two before ``index``."""
        for j in (index - 1, index - 2):
            if j < 0:
                break
            if j not in self._focus:
                end = len(self._sentences[j].text)
                found = self._subject(j, self._candidates(j, 0, end), 0, end)
                self._focus[j] = found if found and self._roles[found] == "police" else None
            if self._focus[j]:
                return self._focus[j]
        return None

    def _home(self, claims: list[Claim]) -> str | None:
        """The body the article is about."""
        evidence: list[tuple[int, str]] = []
        for claim in claims:
            if (
                claim.actor
                and not (claim.place or claim.scoped or claim.relative)
                and self._lede(claim.sentence)
            ):
                evidence.append((claim.at, claim.actor))
        for index in range(len(self._sentences)):
            if not self._lede(index):
                break
            evidence.extend(self._leaders(index))
        for _, key in sorted(evidence):
            if self._roles.get(key) != "other":
                return key
        for index in range(len(self._sentences)):
            if not self._lede(index):
                break
            headed = self._headed(index)
            if headed:
                return headed  # a feature or an interview: the body its subject heads
        main = self._agencies.main
        if main is None or self._roles.get(main) != "other":
            return main
        for wanted in ("police", "support"):
            keys = [k for k, r in self._roles.items() if r == wanted]
            if keys:
                return max(keys, key=self._prominence)
        return None

    def _prominence(self, key: str) -> tuple[int, int]:
        info = self._agencies.agencies[key]
        return info.mentions, -info.first

    def _lede(self, index: int) -> bool:
        return self._sentences[index].paragraph < _LEDE_PARAGRAPHS

    def _headed(self, index: int) -> str | None:
        """ "Commissioner X has headed the Y since 2022", "Z, who runs the Y": the police body
        the article's subject heads, when no figure of the lede names one."""
        sentence = self._sentences[index]
        for cue in _HEADS.finditer(sentence.text):
            following = self._in(index, cue.end(), len(sentence.text))
            if following and following[0].start - sentence.start - cue.end() <= 4:
                first = following[0]
                key = self._refine(index, _Candidate(first.start, first.end, first.key, True))
                if self._roles.get(key) == "police":
                    return key
        return None

    def _leaders(self, index: int) -> list[tuple[int, str]]:
        """ "The operation was led by X", "an X-led inquiry": X leads."""
        sentence = self._sentences[index]
        out = [(m.start, m.key) for m in self._led(index, 0, len(sentence.text))]
        for cue in cues().leader.finditer(sentence.text):
            following = self._in(index, cue.end(), len(sentence.text))
            if following and following[0].start - sentence.start - cue.end() <= 20:
                cand = _Candidate(following[0].start, following[0].end, following[0].key, True)
                out.append((cand.start, self._refine(index, cand)))
        return out


def _closed_relative(text: str, lo: int, hi: int) -> tuple[int, int] | None:
    """The span of a relative clause closed before ``hi``: ", which brings together
    officers from Y and Z," in "X, which brings together officers from Y and Z, received"."""
    if "," not in text[lo:hi]:
        return None
    m = _CLOSED_RELATIVE.search(text[:hi], lo)
    if m is None:
        return None
    end = text.rfind(",", m.start() + 1, hi) + 1
    return m.start(), end
