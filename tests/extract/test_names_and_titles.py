"""Broader shapes of names and titles: delimiting, quotes, possessives, composite titles."""

from __future__ import annotations

from safekg.extract.agencies import AgencyIndex, find_agencies
from safekg.extract.officers import find_officers
from safekg.extract.text import sentences

NO_AGENCIES = AgencyIndex({}, [], None, None)


def index(text: str) -> AgencyIndex:
    return find_agencies(text, sentences(text))


def names(text: str) -> set[str]:
    return {info.name for info in index(text).agencies.values()}


def officers(text: str) -> list[tuple[str, str]]:
    return [(o.name, o.rank) for o in find_officers(text, sentences(text), NO_AGENCIES)]


# --- officers -----------------------------------------------------------------------


def test_a_sentence_case_civilian_title_opening_a_sentence() -> None:
    found = officers("Managing director Olu Bankole of the charity welcomed the grant.")
    assert found == [("Olu Bankole", "Managing director")]


def test_a_portfolio_before_minister_is_part_of_the_title() -> None:
    found = officers("Online Safety Minister Gwen Tarrant said the money was overdue.")
    assert found == [("Gwen Tarrant", "Online Safety Minister")]


def test_title_words_between_chief_and_officer_make_one_title() -> None:
    found = officers("Chief Border Officer Hemi Walker said the searches would go on.")
    assert found == [("Hemi Walker", "Chief Border Officer")]


def test_a_portfolio_without_of_then_the_name_between_commas() -> None:
    found = officers(
        "General Manager Border Operations and Intelligence, Tamsin Reeve, said more staff"
        " would follow."
    )
    assert found == [("Tamsin Reeve", "General Manager Border Operations and Intelligence")]


def test_real_ranks_of_other_countries_and_services() -> None:
    assert officers("Delegado Tiago Moraes said the suspects had been held.") == [
        ("Tiago Moraes", "Delegado")
    ]
    assert officers("Chief Commissioner Elke Maes said the cell would grow.") == [
        ("Elke Maes", "Chief Commissioner")
    ]
    assert officers("NCA Branch Commander Ian Lowther said the model worked.") == [
        ("Ian Lowther", "Branch Commander")
    ]


# --- agencies -----------------------------------------------------------------------


def test_an_acronym_and_a_countrys_generic_body_are_two_bodies() -> None:
    found = names("The ring was broken up by the FBI and Mexico's Federal Police on Friday.")
    assert any(n.endswith("Federal Police") for n in found)
    assert not any(" and " in n for n in found)


def test_a_lettered_division_in_quotes() -> None:
    found = names('Officers from "K" Division, the RCMP\'s Alberta division, made the arrests.')
    assert "K Division" in found


def test_capitalised_words_named_by_a_lower_case_head() -> None:
    assert "Offences against Minors unit" in names(
        "The case went to Europol's Offences against Minors unit for analysis."
    )
    assert "Sexual Exploitation cell" in names(
        "The Sexual Exploitation cell of the national police took the reports."
    )


def test_a_capitalised_unit_named_by_its_investigators() -> None:
    found = names("The force's Online Child Abuse investigators charged four men.")
    assert "Online Child Abuse investigators" in found
    # two capitalised words are too few to tell a name from a description
    assert not any("investigators" in n for n in names("Cyber Crime investigators came."))


def test_a_plural_possessive_owner_is_not_part_of_the_unit() -> None:
    found = names("Customs' Child Exploitation Operations Team (CEOT) opened 40 cases.")
    assert "Child Exploitation Operations Team" in found
    assert not any(n.startswith("'") for n in found)


def test_a_bare_directorate_is_not_a_name() -> None:
    found = names("It belongs to the Directorate for the fight against organised crime.")
    assert "Directorate" not in found


def test_a_detention_centre_and_a_press_office_are_not_bodies() -> None:
    text = (
        "Office of Public Affairs\n\nThe man is held in the Harlan County Detention Center"
        " on a bond, the Harlan County Sheriff's Office said."
    )
    found = names(text)
    assert "Harlan County Sheriff's Office" in found
    assert "Harlan County Detention Center" not in found
    assert "Office of Public Affairs" not in found


def test_a_commissioner_named_with_the_place_first_acts() -> None:
    found = names("The Gwent Police and Crime Commissioner has provided £90,000 for the team.")
    assert "Gwent Police and Crime Commissioner" in found


def test_the_government_that_funds_is_a_body_but_not_in_reported_speech() -> None:
    assert "Government" in names("The Government has committed $4 million to the squad.")
    assert not names("The minister said the government had committed $4 million to it.") & {
        "government",
        "Government",
    }


def test_real_charities_and_ministries_are_known() -> None:
    found = names("Bravehearts and the Federal Public Service Justice backed the campaign.")
    assert {"Bravehearts", "Federal Public Service Justice"} <= found
