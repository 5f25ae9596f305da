"""Bodies and officials in articles shaped unlike press releases.

Parliamentary answers, interviews with foreign forces, statements by officials whose
titles are long or written after the name. Every sentence here is invented for these tests.
"""

from __future__ import annotations

from safekg.extract.agencies import AgencyIndex, find_agencies
from safekg.extract.officers import find_officers
from safekg.extract.text import sentences

NO_AGENCIES = AgencyIndex({}, [], None, None)


def names(text: str) -> set[str]:
    return {info.name for info in find_agencies(text, sentences(text)).agencies.values()}


def officers(text: str) -> list[tuple[str, str]]:
    return [(o.name, o.rank) for o in find_officers(text, sentences(text), NO_AGENCIES)]


def test_a_complement_goes_on_after_a_further_of_and_in() -> None:
    found = names(
        "The National Office for the Suppression of Smuggling in Migrants (NOSSM) opened a desk."
    )
    assert found == {"National Office for the Suppression of Smuggling in Migrants"}


def test_a_complement_does_not_take_a_place_after_in_the() -> None:
    found = names("The Bureau for the Prevention of Fraud in the Lowlands opened a desk.")
    assert "Bureau for the Prevention of Fraud" in found
    assert not any("Lowlands" in n for n in found)


def test_a_body_named_with_on_ends_in_any_word() -> None:
    found = names("The Regional Office on Narcotics and Crime paid for the course.")
    assert found == {"Regional Office on Narcotics and Crime"}


def test_a_day_after_on_is_not_part_of_a_name() -> None:
    found = names("The Harbour City Child Abuse Unit on Friday arrested two men.")
    assert not any("Friday" in n for n in found)


def test_a_title_with_of_police_before_a_person_is_not_a_body() -> None:
    found = names("Commissioner of Police Abena Ofori-Mensah opened the new laboratory.")
    assert not any("Commissioner" in n or "Abena" in n for n in found)


def test_a_level_of_government_is_not_a_named_body() -> None:
    assert names("The Central Government released the second tranche of funds.") == set()


def test_a_place_before_a_known_name_and_a_head_after_is_another_body() -> None:
    found = names("The Sapporo Metropolitan Police Department said the arrests went on.")
    assert found == {"Sapporo Metropolitan Police Department"}


def test_a_state_named_new_keeps_its_first_word() -> None:
    found = names("The New Hampshire Internet Crimes Against Children Task Force arrested six.")
    assert found == {"New Hampshire Internet Crimes Against Children Task Force"}


def test_a_new_body_loses_the_adjective() -> None:
    found = names("A New Cyber Fraud Squad began work in the city.")
    assert not any(n.startswith("New") for n in found)


def test_a_plan_named_after_a_head_is_not_a_body() -> None:
    found = names("The money comes from the Community Police Plan agreed last spring.")
    assert not any("Community Police" in n for n in found)


def test_a_federal_ministry_is_not_a_known_ministry_elsewhere() -> None:
    found = names("Lawyers from the Federal Ministry of Justice joined the review.")
    assert found == {"Federal Ministry of Justice"}


def test_national_forces_of_more_countries_are_known() -> None:
    index = find_agencies(
        text := "Officers of the South African Police Service met the Royal Thai Police.",
        sentences(text),
    )
    known = {info.name: info for info in index.agencies.values()}
    assert set(known) == {"South African Police Service", "Royal Thai Police"}
    assert known["Royal Thai Police"].kind == "force"
    assert known["South African Police Service"].country == "ZA"


def test_a_middle_initial_stays_in_the_name() -> None:
    assert officers("Special Agent in Charge Marcus T. Hale said the case was closed.") == [
        ("Marcus T. Hale", "Special Agent in Charge")
    ]


def test_an_official_who_answers_in_parliament_is_named_in_brackets() -> None:
    text = (
        "QUESTION NO. 41\n\nSHRI RAVI DEV MALHOTRA:\n\nWill the Minister be pleased to state:\n\n"
        "ANSWER\n\nDEPUTY MINISTER OF JUSTICE\n(DR. AMARA OKONKWO-BELL)\n\n"
        "(a) The figures are given below."
    )
    assert officers(text) == [("Amara Okonkwo-Bell", "Deputy Minister of Justice")]


def test_a_provincial_member_of_the_executive_council_is_an_official() -> None:
    assert officers("MEC for Social Development Thandi Mokoena opened the centre.") == [
        ("Thandi Mokoena", "MEC for Social Development")
    ]


def test_an_inspector_of_constabulary_is_one_title() -> None:
    assert officers("Her Majesty's Inspector of Constabulary Peter Lomax visited the force.") == [
        ("Peter Lomax", "Her Majesty's Inspector of Constabulary")
    ]


def test_a_supervisor_title_after_special_agent_is_part_of_the_rank() -> None:
    assert officers("Special Agent Supervisor Dana Whitlock leads the task force.") == [
        ("Dana Whitlock", "Special Agent Supervisor")
    ]
