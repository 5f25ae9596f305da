"""Outcome figures in wordings the extractor must generalise to.

Each article is written for these tests, with invented bodies, places and figures.
"""

from __future__ import annotations

from decimal import Decimal

from figures import agency_of, figures_of, outcomes_of


def test_a_split_in_words_with_a_singular_is_one_total() -> None:
    got = figures_of(
        "Twenty-two men and one woman were arrested by Westmoor Police during the operation."
    )
    assert ("arrests", Decimal(23)) in got
    assert ("arrests", Decimal(22)) not in got


def test_a_relative_clause_with_commas_between_the_noun_and_its_verb() -> None:
    got = figures_of(
        "Nine children who had been living with, or often visiting, the suspects were "
        "rescued by Westmoor Police detectives."
    )
    assert ("children_safeguarded", Decimal(9)) in got


def test_premises_searched_are_warrants_executed() -> None:
    got = figures_of(
        "Westmoor Police officers raided 25 houses and searched 31 addresses in March."
    )
    assert ("warrants_executed", Decimal(25)) in got
    assert ("warrants_executed", Decimal(31)) in got


def test_premises_without_a_search_are_no_figure() -> None:
    got = figures_of("Westmoor Police officers visited 25 houses to talk to parents.")
    assert not any(m == "warrants_executed" for m, _ in got)


def test_a_part_of_a_total_credited_to_another_body_is_its_own_figure() -> None:
    text = (
        "Westmoor Police detectives executed 60 warrants in the operation.\n\n"
        "The Lakeside County Sheriff's Office, which served 11 of the warrants near the "
        "lake, also seized ten laptops."
    )
    assert agency_of(text, "warrants_executed", 11) == "Lakeside County Sheriff's Office"
    assert agency_of(text, "warrants_executed", 60) == "Westmoor Police"


def test_a_part_of_a_total_without_a_body_of_its_own_is_no_figure() -> None:
    got = figures_of(
        "Westmoor Police detectives executed 60 warrants; 11 of the warrants were in the north."
    )
    assert ("warrants_executed", Decimal(11)) not in got


def test_an_expected_charge_after_an_arrest_is_no_charge() -> None:
    got = figures_of(
        "Westmoor Police arrested 20 people. Twelve of the 20 detained are due to be "
        "charged at the magistrates' court next week."
    )
    assert ("arrests", Decimal(20)) in got
    assert not any(m == "charges" for m, _ in got)


def test_a_breakdown_borrowing_the_verb_before_is_no_figure() -> None:
    got = figures_of("Westmoor Police identified 30 victims, six of them overseas.")
    assert ("victims_identified", Decimal(30)) in got
    assert ("victims_identified", Decimal(6)) not in got


def test_names_in_a_closed_relative_clause_do_not_act() -> None:
    text = (
        "The Westmoor Cyber Exploitation Unit, which draws officers from Ridgeway Police "
        "and the Marsh Valley Police Service, executed 80 search warrants last year."
    )
    assert agency_of(text, "warrants_executed", 80) == "Westmoor Cyber Exploitation Unit"


def test_the_police_at_a_sentence_start_is_a_reference() -> None:
    text = (
        "Westmoor Police arrested 14 people, its Online Child Abuse Unit said.\n\n"
        "The police said they had received 500 reports of online abuse in 2023."
    )
    assert agency_of(text, "reports_received", 500) == "Westmoor Police"


def test_staff_in_a_unit_act_for_it() -> None:
    text = (
        "Westmoor Police arrested 14 people in 2023.\n\n"
        "Analysts in its Victim Identification Unit reviewed 90,000 images in the same year."
    )
    assert agency_of(text, "images_analysed", 90000) == "Victim Identification Unit"


def test_a_relative_clause_after_a_funded_body_credits_the_body() -> None:
    text = (
        "Westmoor Police arrested 14 people in 2023.\n\n"
        "It works with the Harbour Child Protection Taskforce funded by the Ministry of "
        "Justice, which made 210 arrests of its own in the same year."
    )
    assert agency_of(text, "arrests", 210) == "Harbour Child Protection Taskforce"


def test_a_place_scoped_figure_does_not_make_its_body_the_article_s() -> None:
    text = (
        "Officers seized 300 devices and six suspects were arrested, the Federal Crime "
        "Office said.\n\n"
        "In Saxony alone, the Saxon State Crime Office searched nine properties."
    )
    assert agency_of(text, "arrests", 6) != "Saxon State Crime Office"
    assert agency_of(text, "warrants_executed", 9) == "Saxon State Crime Office"


def test_an_auxiliary_before_a_participle_is_no_possession() -> None:
    got = figures_of(
        "Corran County Sheriff's Office analysts have reviewed 3,100 images this year."
    )
    assert ("images_analysed", Decimal(3100)) in got


def test_an_ing_form_of_a_measure_verb_counts() -> None:
    got = figures_of(
        "Corran County Sheriff's Office detectives worked for weeks, examining 77 laptops."
    )
    assert ("devices_examined", Decimal(77)) in got


def test_people_trained_are_professionals_trained() -> None:
    got = figures_of(
        "The Corran County Sheriff's Office academy trained some 640 people last year."
    )
    assert ("professionals_trained", Decimal(640)) in got


def test_people_facing_a_combined_count_are_charged() -> None:
    got = figures_of(
        "Corran County Sheriff's Office deputies arrested 12 men. Nine of the men face a "
        "total of 40 counts."
    )
    assert ("charges", Decimal(9)) in got


def test_a_participle_after_a_part_names_the_group_not_a_result() -> None:
    got = figures_of(
        "Corran County Sheriff's Office deputies arrested 12 men. A sergeant said that three "
        "of the men arrested had driven 50 miles. Five of the men arrested were charged."
    )
    assert ("arrests", Decimal(3)) not in got
    assert ("charges", Decimal(5)) in got


def test_a_range_is_at_least_its_lower_bound() -> None:
    (found,) = [
        o
        for o in outcomes_of(
            "Corran County Sheriff's Office analysts identified between seven and nine children."
        )
        if o.measure == "victims_identified"
    ]
    assert (found.value, found.qualifier) == (Decimal(7), "at_least")
