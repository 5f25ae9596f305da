"""Attribution in wordings that credit a figure apart from its clause.

Each article is written for these tests, with invented bodies, places and figures.
"""

from __future__ import annotations

from datetime import date

from figures import agency_of, outcomes_of


def test_a_later_sentence_saying_who_made_the_arrests_credits_them() -> None:
    text = (
        "Detectives arrested 21 people across the county last year, Corran County "
        "Sheriff's Office said.\n\n"
        "The arrests were made by the office's Online Abuse Unit, a group of six detectives."
    )
    assert agency_of(text, "arrests", 21) == "Online Abuse Unit"


def test_a_whose_clause_credits_the_body_before_it() -> None:
    text = (
        "The Harbourside Trust runs a helpline for parents.\n\n"
        "The helpline is run with the Kestrel Child Safety Foundation, whose analysts "
        "assessed 2,310 images reported through it."
    )
    assert agency_of(text, "images_analysed", 2310) == "Kestrel Child Safety Foundation"


def test_a_part_credited_to_a_partner_does_not_carry_to_the_next_sentence() -> None:
    text = (
        "Deputies from the Corran County Sheriff's Office arrested 18 men during the "
        "operation. The Lakeside Child Exploitation Unit, whose agents ran the chats, made "
        "six of the arrests.\n\n"
        "Examination of the devices has so far identified nine children, investigators said."
    )
    assert agency_of(text, "victims_identified", 9) == "Corran County Sheriff's Office"


def test_a_headline_figure_said_again_takes_the_body_s_credit_and_period() -> None:
    text = (
        "Joint sheriff and Lakeside Child Exploitation Unit sting leads to 14 arrests\n\n"
        "Deputies from the Corran County Sheriff's Office arrested 14 people in the year "
        "to January, working with the Lakeside Child Exploitation Unit."
    )
    found = [o for o in outcomes_of(text) if o.measure == "arrests"]
    assert [(o.agency, o.period_end) for o in found] == [
        ("Corran County Sheriff's Office", date(2024, 1, 31))
    ]
