"""Synthetic articles for the build benchmark, with the facts each one states.

Each article is a press-release-style report, about as long as the seed
articles (300-500 words), on the work of one of some 500 agencies: the real
ones of ``data/gazetteers/agencies.jsonl`` and made-up city, county and state
forces and task forces. It states two to four outcome figures (arrests,
children safeguarded, warrants, devices, charges, convictions, victims
identified, images), written in digits ("1,204"), in words ("seventy-two")
or with a qualifier ("more than 70", "nearly thirty"), over a period said
several ways ("in 2019", "last year", "between January and June 2021"); often
an officer quoted with a rank from ``data/gazetteers/ranks.jsonl``, and
sometimes a grant. The date line comes in the styles that real articles use.

Article ``i`` of seed ``s`` is always the same text, whatever else is made,
so runs are comparable and any slice can be made on its own::

    python bench/generate.py --articles 1000 --out /tmp/articles

writes ``{id}.txt`` for each article and ``facts.jsonl``: one record a line,
in the shape of ``safekg facts`` records, of what the articles state.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
GAZETTEERS = REPO / "data" / "gazetteers"


def _words(text: str) -> list[str]:
    return text.split()


def curly(text: str) -> str:
    """``text`` with typographic apostrophes, as printed news has them."""
    return text.replace("'", "\u2019")


FIRST_NAMES = _words(
    "James Sarah David Emma Mark Claire Paul Rachel Andrew Helen Simon Laura Richard Karen "
    "Michael Nicola Steven Joanne Gareth Lisa Neil Amanda Stuart Fiona Ian Louise Craig "
    "Hannah Robert Kelly Daniel Victoria Matthew Rebecca Jason Alison Kevin Gemma Lee "
    "Natalie Anthony Samantha Martin Catherine Peter Jennifer Christopher Melissa Brian "
    "Angela Graham Deborah Patrick Megan Thomas Olivia Gary Susan Philip Joanna"
)
SURNAMES = _words(
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans "
    "Walker White Roberts Green Hall Wood Jackson Clarke Patel Khan Lewis James Phillips "
    "Mason Mitchell Rose Davis Rodriguez Cox Alexander Morgan Moore Martin Price Shaw Lloyd "
    "Bennett Griffiths Kaur Harrison Knight Marshall Hughes Edwards Parker Collins Murray "
    "Baker Harris Ward Turner Cooper Hill Morris Bell Kelly Russell Hunt Palmer Holmes "
    "Dixon Gibson Fletcher Reid Watson Butler Barker Chapman Webb Stevens Fox Grant "
    "Sullivan Garcia Martinez Anderson Thomson Campbell Stewart MacDonald Fraser"
)
US_CITIES = _words(
    "Phoenix Houston Dallas Austin Denver Seattle Portland Boston Atlanta Miami Tampa Orlando "
    "Charlotte Raleigh Nashville Memphis Louisville Columbus Cleveland Cincinnati Detroit "
    "Milwaukee Minneapolis Omaha Tulsa Albuquerque Tucson Fresno Sacramento Oakland "
    "Baltimore Pittsburgh Buffalo Richmond Norfolk Birmingham Jacksonville Wichita Boise "
    "Spokane Reno Anchorage Honolulu Lexington Knoxville Chattanooga Savannah Mobile Dayton"
)
US_STATES = _words(
    "Alabama Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia Idaho "
    "Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Michigan Minnesota "
    "Mississippi Missouri Montana Nebraska Nevada Ohio Oklahoma Oregon Pennsylvania Tennessee "
    "Texas Utah Vermont Virginia Washington Wisconsin Wyoming"
)
CA_CITIES = _words(
    "Toronto Ottawa Calgary Edmonton Winnipeg Halifax Regina Saskatoon Hamilton London "
    "Windsor Kingston Guelph Barrie Waterloo Niagara Durham Peel York Halton"
)
UK_TOWNS = _words(
    "Leeds Bradford Sheffield Bristol Coventry Leicester Nottingham Derby Stoke Hull "
    "Plymouth Exeter Norwich Ipswich Oxford Reading Swindon Luton Preston Blackpool"
)
UNIT_KINDS = (
    "Online Child Sexual Exploitation Team",
    "Paedophile Online Investigation Team",
    "Child Abuse Investigation Unit",
    "Internet Child Abuse Team",
    "Child Protection Online Team",
    "Digital Child Protection Unit",
)

MONTHS = _words(
    "January February March April May June July August September October November December"
)
WEEKDAYS = _words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
UNITS = _words(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
)
TENS = _words("_ _ twenty thirty forty fifty sixty seventy eighty ninety")

# measure: (low, high, sentence templates); {n} is the figure, {agency} the agency,
# {period} the period phrase, {Period} the same with a capital.
MEASURES: dict[str, tuple[int, int, tuple[str, ...]]] = {
    "arrests": (
        5,
        900,
        (
            "{Period}, officers from the {agency} arrested {n} people suspected of "
            "online child sexual abuse offences.",
            "The {agency} made {n} arrests {period} as part of its work against online offenders.",
            "{Period}, {n} suspects were arrested by the {agency}.",
        ),
    ),
    "children_safeguarded": (
        3,
        1500,
        (
            "{Period}, the {agency} safeguarded {n} children from abuse.",
            "{n} children were safeguarded by the {agency} {period}.",
            "Officers from the {agency} safeguarded {n} children {period}.",
        ),
    ),
    "warrants_executed": (
        3,
        600,
        (
            "The {agency} executed {n} warrants {period}.",
            "{Period}, the {agency} executed {n} search warrants at addresses across the area.",
        ),
    ),
    "devices_seized": (
        10,
        5000,
        (
            "{Period}, the {agency} seized {n} devices, including phones, laptops and hard drives.",
            "Officers from the {agency} seized {n} devices {period}.",
        ),
    ),
    "charges": (
        3,
        400,
        (
            "{Period}, {n} people were charged following investigations by the {agency}.",
            "The {agency} said {n} people were charged {period}.",
        ),
    ),
    "convictions": (
        2,
        300,
        (
            "{Period}, {n} offenders were convicted after investigations by the {agency}.",
            "The work of the {agency} led to {n} convictions {period}.",
        ),
    ),
    "victims_identified": (
        2,
        400,
        (
            "{Period}, the {agency} identified {n} victims of abuse.",
            "Investigators from the {agency} identified {n} victims {period}.",
        ),
    ),
    "images_analysed": (
        1000,
        900_000,
        (
            "{Period}, the {agency} analysed {n} images of child abuse.",
            "Specialists at the {agency} analysed {n} images {period}.",
        ),
    ),
}

QUALIFIED = (
    ("more_than", "more than"),
    ("more_than", "over"),
    ("nearly", "nearly"),
    ("about", "around"),
    ("about", "about"),
    ("at_least", "at least"),
    ("up_to", "up to"),
)

FILLER = (
    "The team works with social media companies, schools and charities to find people who "
    "pose a risk to children and to bring them before the courts.",
    "Investigators use specialist software to trace offenders who share indecent images "
    "online, often across several platforms and under many different usernames.",
    "Officers said that many of the cases began with information passed on by other forces "
    "and by international partners.",
    "Parents are encouraged to talk to their children about what they do online, and to "
    "know how to report anything that worries them.",
    "The unit also gives talks to schools and youth groups about staying safe on the "
    "internet and about the signs of grooming.",
    "Anyone with concerns about a child's safety is asked to contact the police, or to "
    "speak in confidence to a children's charity.",
    "The investigations are often long and complex, and officers said that the material "
    "they see takes a toll on everyone involved.",
    "Some offenders were found to have contacted children through online games and "
    "messaging apps before trying to meet them in person.",
    "A number of the cases are still going through the courts, and further charges are "
    "expected in the coming months.",
    "The work is part of a national effort to tackle online child sexual abuse, led by "
    "specialist teams in every region.",
    curly(
        "The force's specialist officers said they'd seen a rise in reports from the "
        "technology companies, and that the children's charities had been a great help."
    ),
    curly(
        "It's understood that some of those arrested had travelled from other parts of the "
        "country, and that a number have since been released on bail."
    ),
    curly(
        "Anyone who's worried about a child can speak to the NSPCC's helpline in confidence, "
        "or contact the police on 101; in an emergency, always call 999."
    ),
    curly(
        "Officers said they couldn't give details of the victims' ages, but that the youngest "
        "were of primary school age."
    ),
    "Digital forensic examiners review each device, a process that can take weeks for a "
    "single case because of the volume of material.",
    "The force said it could not comment on individual cases while proceedings are active.",
    "Victims and their families are supported by specially trained officers and by "
    "independent advisers throughout the process.",
    "The team has grown over the last few years, and now includes analysts, digital "
    "investigators and safeguarding specialists.",
)

PARTNERS = (
    "National Crime Agency",
    "Crown Prosecution Service",
    "Internet Watch Foundation",
    "NSPCC",
    "Federal Bureau of Investigation",
    "Homeland Security Investigations",
    "National Center for Missing & Exploited Children",
)

OFFENCES = (
    "possession of indecent images of children",
    "grooming",
    "sexual communication with a child",
    "inciting a child to engage in sexual activity",
    "distributing indecent images of children",
)

# Quoted speech, as news reports print it: typographic quotes and apostrophes,
# contractions, a quote running over several paragraphs (each opens, the last closes).
QUOTES = tuple(
    curly(line)
    for line in (
        "Protecting children is our highest priority, and we'll keep pursuing those who "
        "seek to harm them, wherever they hide online.",
        "These results show the dedication of officers who work every day to keep children "
        "safe from exploitation. It's difficult work, but it's work that matters.",
        "Offenders should be in no doubt that the internet doesn't give them anonymity. "
        "We'll find them and we'll bring them to justice.",
        "Behind every one of these figures is a child, and that's why this work matters so "
        "much to everyone in the team.",
        "We work closely with our partners to identify victims as quickly as possible and "
        "to make sure they're given the support they need.",
        "We've seen offenders move from one platform to another, and we've had to change "
        "the way we work to keep up with them.",
        "There's no such thing as a victimless crime here. Every image is a child who's "
        "been abused, and we won't ever lose sight of that.",
        "Parents shouldn't be afraid to ask their children what they're doing online; it's "
        "the single most useful thing they can do.",
        "We can't do this alone. Schools, charities and the technology companies all have a "
        "part to play, and we're grateful for their help.",
        "I'm proud of what the team has achieved, but there's a great deal more to do, and "
        "we're not going to stop.",
    )
)
FOLLOW_UPS = tuple(
    curly(line)
    for line in (
        "said the team's work would continue",
        "added that more arrests were expected",
        "went on to thank the force's partners",
        "said the unit's officers had worked tirelessly",
    )
)


HEADLINES = (
    "Dozens arrested in crackdown on online child abuse",
    "Specialist team reports a year of arrests and safeguarding",
    "Police reveal scale of work against online offenders",
    "Children protected as officers target online abusers",
    "Unit marks another year of tackling child exploitation",
    "Offenders arrested and children safeguarded in operation",
)


@dataclass(frozen=True)
class Synthetic:
    """One made-up article and the facts it states."""

    id: str
    text: str
    facts: tuple[dict[str, Any], ...]


def agencies() -> list[tuple[str, str | None]]:
    """The agencies articles are about: (name, acronym)."""
    found: list[tuple[str, str | None]] = []
    kinds = {"force", "unit", "collaboration", "agency"}
    for line in (GAZETTEERS / "agencies.jsonl").read_text(encoding="utf-8").splitlines():
        if line.startswith("{"):
            row = json.loads(line)
            if row.get("kind") in kinds:
                found.append((row["name"], row.get("acronym")))
    found += [(f"{city} Police Department", None) for city in US_CITIES]
    found += [(f"{state} Internet Crimes Against Children Task Force", None) for state in US_STATES]
    found += [(f"{city} Police Service", None) for city in CA_CITIES]
    found += [(f"{town} {kind}", None) for town in UK_TOWNS for kind in UNIT_KINDS[:4]]
    return found


def ranks() -> list[str]:
    """Police ranks, in full."""
    rows = (GAZETTEERS / "ranks.jsonl").read_text(encoding="utf-8").splitlines()
    found = [json.loads(line) for line in rows if line.startswith("{")]
    return [row["rank"] for row in found if row.get("kind") == "police"]


def number_words(value: int) -> str:
    """``value`` (0-99) in words, the way newspapers write them ("seventy-two")."""
    if value < 20:
        return UNITS[value]
    tens, units = divmod(value, 10)
    return TENS[tens] + (f"-{UNITS[units]}" if units else "")


def written(value: int, rng: random.Random) -> str:
    """``value`` as an article might write it: digits, digits with commas, or words."""
    if value < 100 and rng.random() < 0.35:
        return number_words(value)
    return f"{value:,}" if rng.random() < 0.8 else str(value)


def date_line(day: date, rng: random.Random) -> str:
    """The publication date in one of the styles real articles use."""
    style = rng.randrange(6)
    month = MONTHS[day.month - 1]
    if style == 0:
        suffix = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}
        ordinal = f"{day.day}{suffix.get(day.day, 'th')}"
        return f"{WEEKDAYS[day.weekday()]}, {ordinal} {month} {day.year}"
    if style == 1:
        clock = f"{rng.randrange(8, 19)}:{rng.randrange(60):02d}"
        return f"Date published: {day.day:02d} {month} {day.year} {clock}"
    if style == 2:
        return f"Published: {day.day} {month} {day.year}"
    if style == 3:
        return f"{month} {day.day}, {day.year}"
    if style == 4:
        return f"Posted on {day.isoformat()}"
    return f"{WEEKDAYS[day.weekday()]}, {month} {day.day}, {day.year}"


def period(published: date, rng: random.Random) -> tuple[str, str | None, str | None]:
    """A period before ``published``: (phrase, first day, last day) as ISO dates."""
    style = rng.randrange(4)
    year = published.year - 1
    if style == 0:
        return f"in {year}", f"{year}-01-01", f"{year}-12-31"
    if style == 1:
        return "last year", f"{year}-01-01", f"{year}-12-31"
    if style == 2:
        first, last = sorted(rng.sample(range(1, 13), 2))
        end = date(year, last, 28) + timedelta(days=4)
        end -= timedelta(days=end.day)
        phrase = f"between {MONTHS[first - 1]} and {MONTHS[last - 1]} {year}"
        return phrase, f"{year}-{first:02d}-01", end.isoformat()
    year_before = published.replace(year=published.year - 1, day=min(published.day, 28))
    if published.day > 28:  # the same day a year before, where there is one
        year_before = date(published.year - 1, published.month, 1) + timedelta(
            days=published.day - 1
        )
        if year_before.month != published.month:
            year_before = year_before - timedelta(days=year_before.day)
    return "over the last 12 months", year_before.isoformat(), published.isoformat()


def article(index: int, seed: int = 0) -> Synthetic:
    """Article ``index`` of ``seed``: always the same."""
    rng = random.Random(f"safekg-bench:{seed}:{index}")
    names = _agencies()
    agency, acronym = names[rng.randrange(len(names))]
    published = date(2016, 1, 1) + timedelta(days=rng.randrange(3000))
    article_id = f"syn{seed}_{index:07d}"
    facts: list[dict[str, Any]] = [{"type": "agency", "article": article_id, "name": agency}]
    phrase, start, end = period(published, rng)
    paragraphs: list[str] = []
    for measure in rng.sample(sorted(MEASURES), rng.randint(2, 4)):
        low, high, templates = MEASURES[measure]
        value = _figure(low, high, rng)
        qualifier, words = "exact", written(value, rng)
        if rng.random() < 0.3:
            qualifier, said = QUALIFIED[rng.randrange(len(QUALIFIED))]
            words = f"{said} {words}"
        sentence = rng.choice(templates).format(
            n=words, agency=agency, period=phrase, Period=phrase[0].upper() + phrase[1:]
        )
        paragraphs.append(sentence[0].upper() + sentence[1:])
        facts.append(
            {
                "type": "outcome",
                "article": article_id,
                "agency": agency,
                "measure": measure,
                "value": value,
                "qualifier": qualifier,
                "period_start": start,
                "period_end": end,
            }
        )
    if rng.random() < 0.8:
        rank = rng.choice(_ranks())
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        where = f"the {agency}" + (f" ({acronym})" if acronym and rng.random() < 0.5 else "")
        spoken = rng.sample(QUOTES, rng.randint(2, 4))
        quote = [f"{rank} {name}, who leads the work at {where}, said: “{spoken[0]}"]
        quote += [f"“{line}" for line in spoken[1:]]  # a quote over several paragraphs
        quote[-1] += "”"
        surname = name.split()[-1]
        quote.append(f"{surname} {rng.choice(FOLLOW_UPS)}: “{rng.choice(QUOTES)}”")
        paragraphs[1:1] = quote
        facts.append(
            {"type": "officer", "article": article_id, "name": name, "rank": rank, "agency": agency}
        )
    if rng.random() < 0.25:
        amount = rng.randrange(5, 400) * 10_000
        funder = rng.choice(("Home Office", "Ministry of Justice", "Department for Education"))
        paragraphs.append(
            f"The {agency} received £{amount:,} from the {funder} to expand its online "
            "investigations team."
        )
        facts.append(
            {
                "type": "funding",
                "article": article_id,
                "amount": amount,
                "currency": "GBP",
                "recipient": agency,
                "funder": funder,
            }
        )
    if rng.random() < 0.5:
        partner = rng.choice(PARTNERS)
        paragraphs.append(
            f"The {agency} worked closely with the {partner} on many of the investigations."
        )
        facts.append({"type": "agency", "article": article_id, "name": partner})
    if rng.random() < 0.6:
        offences = rng.sample(OFFENCES, 2)
        paragraphs.insert(1, f"The offences investigated included {offences[0]} and {offences[1]}.")
    filler = rng.sample(FILLER, rng.randint(8, 12))
    for sentence in filler:
        paragraphs.insert(rng.randint(1, len(paragraphs)), sentence)
    body = "\n\n".join(paragraphs)
    text = f"{rng.choice(HEADLINES)}\n\n{date_line(published, rng)}\n\n{body}\n"
    return Synthetic(article_id, text, tuple(facts))


def articles(count: int, seed: int = 0, start: int = 0) -> Iterator[Synthetic]:
    """Articles ``start`` to ``start + count - 1`` of ``seed``."""
    for index in range(start, start + count):
        yield article(index, seed)


def write(folder: Path, count: int, seed: int = 0) -> Path:
    """Write ``count`` articles into ``folder`` (in subfolders of 1,000) and ``facts.jsonl``
    beside them; return the folder of articles."""
    texts = folder / "articles"
    with open(folder / "facts.jsonl", "w", encoding="utf-8") as facts:
        for made in articles(count, seed):
            number = int(made.id.rsplit("_", 1)[1])
            where = texts / f"{number // 1000:04d}"
            where.mkdir(parents=True, exist_ok=True)
            (where / f"{made.id}.txt").write_text(made.text, encoding="utf-8")
            for fact in made.facts:
                facts.write(json.dumps(fact) + "\n")
    return texts


def _figure(low: int, high: int, rng: random.Random) -> int:
    """A figure between ``low`` and ``high``, small ones more often (log-uniform)."""
    value = int(low * (high / low) ** rng.random())
    return max(low, min(high, value))


_AGENCIES: list[tuple[str, str | None]] = []
_RANKS: list[str] = []


def _agencies() -> list[tuple[str, str | None]]:
    if not _AGENCIES:
        _AGENCIES.extend(agencies())
    return _AGENCIES


def _ranks() -> list[str]:
    if not _RANKS:
        _RANKS.extend(ranks())
    return _RANKS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000, help="how many (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="which set of articles (default 0)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    options = parser.parse_args()
    options.out.mkdir(parents=True, exist_ok=True)
    texts = write(options.out, options.articles, options.seed)
    print(f"wrote {options.articles} articles to {texts} and their facts to {options.out}")


if __name__ == "__main__":
    main()
