"""Whole articles in the language of the field, written for these tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from safekg.extract import extract
from safekg.models import Article

RELEASE = """Sheriff's office nets 14 in online sting

TUCSON, Ariz., May 2, 2024 - The Pima County Sheriff's Office (PCSO) arrested 14 men during a
five-day undercover operation targeting adults who sought to meet children for sex, Sheriff
Dana Whitlock announced Thursday.

Detectives served 9 search warrants and seized 37 devices, including phones and laptops, which
will now be forensically examined. Eleven of the men have been charged with luring a minor.

One suspect, Mark Delaney, 52, of Oracle Road, was a coach at Desert View High School.

"These men came looking for children and found us instead," Whitlock said.
"""

MINISTRY = """Date published: 12 March 2021 09:15

The Home Office will provide £3.5 million to expand the specialist units that tackle online child
sexual abuse, Security Minister Ruth Kellerman announced today.

Last year the units safeguarded more than 1,200 children and made 940 arrests.
"""


def test_a_sheriffs_release() -> None:
    facts = extract(Article(id="sheriff", text=RELEASE, published=date(2024, 5, 2)))
    names = {a.name for a in facts.agencies}
    assert "Pima County Sheriff's Office" in names
    assert [(o.name, o.rank) for o in facts.officers] == [("Dana Whitlock", "Sheriff")]
    got = {(o.measure, o.value) for o in facts.outcomes}
    assert ("arrests", Decimal(14)) in got
    assert ("warrants_executed", Decimal(9)) in got
    assert ("devices_seized", Decimal(37)) in got
    assert ("charges", Decimal(11)) in got
    # the suspect, his age, his street and the school never reach a fact
    evidence = [a.evidence for a in facts.agencies]
    evidence += [o.evidence for o in facts.officers]
    evidence += [o.evidence for o in facts.outcomes]
    stored = " ".join(e.text for e in evidence)
    for private in ("Mark Delaney", "Delaney", "Oracle Road", "Desert View High School", "52"):
        assert private not in stored


def test_a_ministry_announcement() -> None:
    facts = extract(Article(id="ministry", text=MINISTRY, published=date(2021, 3, 12)))
    (grant,) = facts.fundings
    assert (grant.amount, grant.currency, grant.funder) == (
        Decimal(3_500_000),
        "GBP",
        "Home Office",
    )
    assert [(o.name, o.rank) for o in facts.officers] == [("Ruth Kellerman", "Security Minister")]
    by_measure = {o.measure: o for o in facts.outcomes}
    assert by_measure["children_safeguarded"].value == 1200
    assert by_measure["children_safeguarded"].qualifier == "more_than"
    assert by_measure["arrests"].period_start == date(2020, 1, 1)
    assert by_measure["arrests"].period_end == date(2020, 12, 31)


def test_offsets_point_into_the_article() -> None:
    article = Article(id="sheriff", text=RELEASE, published=date(2024, 5, 2))
    for outcome in extract(article).outcomes:
        sentence = article.text[outcome.evidence.start : outcome.evidence.end]
        assert sentence.strip()
        assert outcome.evidence.text.split()[0] == sentence.split()[0]


COMMISSIONER = """Posted: 14 February 2024

Kent Police's Paedophile Online Investigation Team (POLIT) charged 57 people last year.

Kent's Police and Crime Commissioner, Matthew Scott, said the force had secured an extra £1.2m
from the Home Office to recruit eight more investigators.
"""

JOINT = """BRISBANE, Feb. 2, 2023 - Queensland Police Service's Taskforce Argos has laid 412 charges
against 77 alleged offenders following a six-week operation.

Detective Acting Superintendent Glen Hubbard said officers executed 96 search warrants.

The Australian Centre to Counter Child Exploitation (ACCCE) helped. The ACCCE analysed images.
The ACCCE is part of the AFP.
"""


def test_a_title_is_not_an_organisation_and_secured_money_is_funding() -> None:
    facts = extract(Article(id="pcc", text=COMMISSIONER, published=date(2024, 2, 14)))
    assert "Kent's Police" not in {a.name for a in facts.agencies}
    assert [(o.name, o.rank) for o in facts.officers] == [
        ("Matthew Scott", "Police and Crime Commissioner")
    ]
    (grant,) = facts.fundings
    assert (grant.amount, grant.currency, grant.funder) == (
        Decimal(1_200_000),
        "GBP",
        "Home Office",
    )


def test_charges_count_people_and_the_lede_names_the_actor() -> None:
    facts = extract(Article(id="joint", text=JOINT, published=date(2023, 2, 2)))
    by_measure = {o.measure: o for o in facts.outcomes}
    assert by_measure["charges"].value == 77  # people charged, not the 412 charges
    assert by_measure["warrants_executed"].agency in {
        "Taskforce Argos",
        "Queensland Police Service",
    }
    # six weeks, counted inclusively, end on the article's date
    assert by_measure["charges"].period_start == date(2022, 12, 23)


def test_an_offence_written_with_other_letters_for_the_same_ones_is_found() -> None:
    """Case-insensitive matching takes the long s for an s: the offence is the same one."""
    plain = "Kent Police arrested a man for inciting a child to engage in sexual activity.\n"
    for text in (plain, plain.replace("sexual", "\u017fexual")):
        found = extract(Article(id="odd-letters", text=text, published=date(2024, 1, 2)))
        assert [o.label for o in found.offences] == [
            "inciting a child to engage in sexual activity"
        ]
