"""Organisation names in shapes and languages beyond the usual English force names.

Every sentence here is invented for these tests.
"""

from __future__ import annotations

from safekg.extract.agencies import AgencyIndex, find_agencies
from safekg.extract.text import sentences


def index(text: str) -> AgencyIndex:
    return find_agencies(text, sentences(text))


def names(text: str) -> set[str]:
    return {info.name for info in index(text).agencies.values()}


def test_two_bodies_joined_by_and_the_with_a_possessive_are_two() -> None:
    found = names(
        "Immigration and Customs Enforcement and the FBI's Denver Field Office joined the search."
    )
    assert not any(" and the " in n for n in found)
    assert "Federal Bureau of Investigation" in found


def test_a_field_office_is_its_agency() -> None:
    found = names("Agents from the Federal Bureau of Investigation's Tampa Field Office assisted.")
    assert found == {"Federal Bureau of Investigation"}


def test_an_acronym_said_before_its_definition_is_the_local_body() -> None:
    text = (
        "ICAC detectives make 12 arrests\n\n"
        "The Ohio Internet Crimes Against Children (ICAC) Task Force arrested 12 men this week."
    )
    found = names(text)
    assert found == {"Ohio Internet Crimes Against Children Task Force"}


def test_a_rank_with_of_police_is_not_a_body() -> None:
    found = names("Senior Assistant Commissioner of Police Wong Mei Lin praised the officers.")
    assert not any("Commissioner" in n for n in found)


def test_a_title_of_the_police_is_not_a_body() -> None:
    found = names("Deputy Commissioner of the Police Musa Bello said the raids worked.")
    assert not any("Commissioner" in n for n in found)


def test_a_commissioners_office_that_acts_is_a_body() -> None:
    text = "The Police and Crime Commissioner for Dorset and the New Forest gave £80,000."
    assert "Police and Crime Commissioner for Dorset and the New Forest" in names(text)


def test_a_commissioner_named_with_a_person_is_not_a_body() -> None:
    text = "The Police and Crime Commissioner for Dorset, Abel Turner, praised the unit."
    assert not any("Commissioner" in n for n in names(text))


def test_a_lower_case_unit_told_by_its_acronym() -> None:
    text = "Since May its internet child abuse investigation (ICAI) unit has charged 40 people."
    index_ = index(text)
    assert "internet child abuse investigation unit" in names(text)
    info = next(i for i in index_.agencies.values() if i.name.endswith("unit"))
    assert info.acronym == "ICAI"


def test_a_lower_case_description_whose_initials_do_not_fit_is_not_a_name() -> None:
    text = "Since May its internet abuse investigation (ICAI) unit has charged 40 people."
    assert not any(n.endswith("unit") for n in names(text))


def test_a_police_region_named_head_first() -> None:
    text = "Police Region Gothenburg arrested 12 people over the summer."
    assert "Police Region Gothenburg" in names(text)


def test_national_criminal_investigation_services_are_known() -> None:
    found = names("Kripos and the Danish NC3 shared intelligence with Europol.")
    assert "National Criminal Investigation Service" in found
    assert "National Cyber Crime Centre" in found
    assert "Norwegian Police" not in found
    german = names("The LKA Bayern and the Federal Criminal Police Office searched 20 homes.")
    assert german == {"Bavarian State Criminal Police Office", "Bundeskriminalamt"}


def test_congress_funds() -> None:
    assert "United States Congress" in names("Congress set aside $4 million for the task forces.")


def test_a_known_one_word_name_inside_a_longer_name_is_not_that_body() -> None:
    text = "Delegates met at the World Congress against the Sexual Exploitation of Children."
    assert "United States Congress" not in names(text)


def test_a_national_branch_of_an_international_charity() -> None:
    text = "Save the Children Denmark ran the hotline. Later ECPAT Norway and ECPAT spoke."
    found = names(text)
    assert "Save the Children Denmark" in found
    assert "ECPAT Norway" in found
    assert "ECPAT International" not in found
    assert "Save the Children" not in found
