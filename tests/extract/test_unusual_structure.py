"""Figures, sums and dates in articles that are not press releases.

Parliamentary answers, briefs, inspection summaries and joint statements write
numbers in their own ways (Indian grouping, lakh and crore, lists of who was
trained) and often carry their date only in a dateline. Every body, place and
figure here is invented.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from figures import figures_of, outcomes_of

from safekg.extract import dateline, extract
from safekg.extract.numbers import find_numbers
from safekg.extract.text import sentences
from safekg.models import Article


def _funding(text: str) -> set[tuple[Decimal, str]]:
    got = extract(Article(id="t", text=text, published=date(2024, 3, 5))).fundings
    return {(f.amount, f.currency) for f in got}


def test_indian_digit_grouping_is_one_number() -> None:
    values = [n.value for n in find_numbers("It logged 3,07,815 tips and 12,40,006 calls.")]
    assert values == [Decimal(307815), Decimal(1240006)]


def test_western_grouping_and_short_lists_still_read_as_before() -> None:
    values = [n.value for n in find_numbers("codes 4,8,15 and 2,500,000 images")]
    assert values == [Decimal(4), Decimal(8), Decimal(15), Decimal(2_500_000)]


def test_naira_sign_and_word() -> None:
    assert [(n.value, n.currency) for n in find_numbers("₦75 million")] == [
        (Decimal(75_000_000), "NGN")
    ]
    assert [(n.value, n.currency) for n in find_numbers("20 million naira")] == [
        (Decimal(20_000_000), "NGN")
    ]


def test_rupee_abbreviation_does_not_end_the_sentence() -> None:
    said = sentences(
        "The state has sanctioned Rs. 41.7 crore for the new cyber cell. It opens soon."
    )
    assert len(said) == 2
    assert "41.7 crore" in said[0].text


def test_crore_sanctioned_or_released_is_funding() -> None:
    got = _funding(
        "The Home Department released Rs. 3.75 crore to the Karnavati Cyber Cell for forensic kits."
    )
    assert (Decimal(37_500_000), "INR") in got


def test_a_sum_requested_is_not_funding() -> None:
    got = _funding(
        "The Orland Police Board has requested a further £2.4m to expand the unit, "
        "which was given £900,000 last year."
    )
    assert (Decimal(2_400_000), "GBP") not in got


def test_a_second_figure_in_the_same_clause_keeps_the_verb_of_the_first() -> None:
    got = figures_of(
        "The Karnavati Cyber Cell received 2,18,300 complaints in 2022 and 2,64,075 in 2023, "
        "most of them from parents."
    )
    assert ("reports_received", Decimal(218300)) in got
    assert ("reports_received", Decimal(264075)) in got


def test_a_figure_compared_with_the_year_before() -> None:
    got = figures_of("Westmoor Police logged 812 referrals in 2023, down from 955 the year before.")
    assert ("reports_received", Decimal(955)) in got


def test_lakh_of_tiplines() -> None:
    got = figures_of("During 2022 the bureau received 14.6 lakh tiplines from its partners.")
    assert ("reports_received", Decimal(1_460_000)) in got


def test_people_trained_given_as_a_list() -> None:
    got = figures_of(
        "More than 3,150 police personnel, magistrates and child welfare officers were trained "
        "by the Orland Cyber Unit in 2023."
    )
    assert ("professionals_trained", Decimal(3150)) in got


def test_professionals_qualified_by_a_list_of_fields() -> None:
    got = figures_of(
        "Since June, the Orland Cyber Unit has given training on grooming to 760 youth work, "
        "nursing and teaching professionals."
    )
    assert ("professionals_trained", Decimal(760)) in got


def test_workshops_for_teachers_train_professionals() -> None:
    got = figures_of(
        "Last year the Orland Cyber Unit ran seminars for 95 teachers and school nurses."
    )
    assert ("professionals_trained", Decimal(95)) in got


def test_classes_for_pupils_educate_children() -> None:
    got = figures_of("In 2023 Orland Police gave internet safety lessons to some 8,200 learners.")
    assert ("children_educated", Decimal(8200)) in got


def test_the_conviction_of_accused_counts_convictions() -> None:
    got = figures_of("The Orland Cyber Unit has secured the conviction of 23 accused since 2021.")
    assert ("convictions", Decimal(23)) in got


def test_a_share_of_cases_ending_in_conviction_is_a_rate() -> None:
    got = figures_of(
        "Of the Orland Cyber Unit's cases heard in 2023, 74 per cent resulted in a conviction."
    )
    assert ("conviction_rate_percent", Decimal(74)) in got


def test_children_taken_to_a_place_of_safety_are_safeguarded() -> None:
    got = figures_of(
        "Orland Police arrested four men. Three children were taken to a place of safety."
    )
    assert ("children_safeguarded", Decimal(3)) in got


def test_dateline_of_an_undated_statement() -> None:
    assert dateline("PRESS NOTE\nPorto Velho, 09/11/2022 - 14h00\n\nThe operation.") == date(
        2022, 11, 9
    )
    assert dateline("Board paper\nDate of meeting: Tuesday 5th March 2024\n") == date(2024, 3, 5)
    assert dateline("Inside the unit\n\nORLAND — On a wet morning, detectives knock.") is None


def test_an_undated_statement_dates_its_operation_from_the_dateline() -> None:
    text = (
        "JOINT NOTE\nPorto Velho, 09/11/2022 - 14h00\n\n"
        "Orland Police arrested 17 people in a two-day operation that ended on Wednesday."
    )
    found = [o for o in outcomes_of(text, published=None) if o.measure == "arrests"]
    assert found
    assert found[0].period_end is not None
    assert found[0].period_end.year == 2022


def test_the_year_before_is_the_year_before_the_one_named() -> None:
    found = [
        o
        for o in outcomes_of(
            "Orland Police received 1,204 referrals in 2021, up from 988 the year before."
        )
        if o.value == Decimal(988)
    ]
    assert found
    assert found[0].period_end == date(2020, 12, 31)


def test_when_a_body_was_set_up_is_not_the_period_of_its_figure() -> None:
    found = outcomes_of(
        "The Orland Cyber Unit, founded in March 2021, examined about 2,600 phones and "
        "laptops last year with a new tool."
    )
    got = [o for o in found if o.measure == "devices_examined"]
    assert got
    assert got[0].period_end == date(2023, 12, 31)


def test_numbered_paragraphs_and_cross_references_are_no_counts() -> None:
    got = figures_of(
        "3.4 Of the suspects arrested, 212 have been charged by Orland Police.\n\n"
        "3.5 The extra officers described in 2.6 made the arrests possible."
    )
    assert all(value == value.to_integral_value() for _, value in got)
    assert ("charges", Decimal(212)) in got


def test_a_day_of_the_month_is_no_count() -> None:
    got = figures_of("An Orland man was convicted on March 14 and jailed for nine years.")
    assert ("convictions", Decimal(14)) not in got


def test_a_backlog_waiting_to_be_examined_is_not_examined() -> None:
    got = figures_of(
        "When inspectors visited, 2,940 phones were still awaiting examination by Orland Police."
    )
    assert ("devices_examined", Decimal(2940)) not in got


def test_we_in_an_interview_is_the_body_the_interviewee_heads() -> None:
    text = (
        "MONDAY CONVERSATION\n\n"
        "'Parents are our best early warning' - a unit chief on online grooming\n\n"
        "Chief Superintendent Ada Merrow has headed the Calgary Police Service Digital Crime "
        "Centre (CPS-DCC) since 2021. She talked to Priya Dunmore about the Calgary Police "
        "Service and its new approach.\n\n"
        "What has changed?\n\n"
        "A great deal. Last year we arrested 57 people and our examiners looked at 640 phones. "
        "The Calgary Police Service has given us six more detectives.\n\n"
        "Is that enough?\n\n"
        "No. The Calgary Police Service covers 1.6 million people, and the Calgary Police "
        "Service board knows it. I have asked the Calgary Police Service for more."
    )
    found = [o for o in outcomes_of(text) if o.measure == "arrests"]
    assert found
    assert found[0].agency is not None
    assert found[0].agency.endswith("Digital Crime Centre")


def test_its_goes_on_with_the_body_of_the_figures_just_before() -> None:
    text = (
        "Inside the Calgary Police Service's fight against online predators\n\n"
        "The Calgary Police Service has more officers than ever, and the Calgary Police Service "
        "chief says online abuse is its biggest growth area.\n\n"
        "Sergeant Rowe has spent six years with the Calgary Police Service's Online Harms Unit."
        "\n\n"
        '"Nobody should have to see this," he says.\n\n'
        "Last year the squad arrested 73 people. Its investigators also served 118 warrants "
        "and seized about 900 devices."
    )
    got = {o.measure: o.agency for o in outcomes_of(text)}
    assert got.get("arrests") == got.get("warrants_executed") == got.get("devices_seized")
    assert (got.get("warrants_executed") or "").endswith("Online Harms Unit")
