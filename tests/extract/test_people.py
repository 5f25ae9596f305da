"""Officials and private people."""

from __future__ import annotations

from safekg.extract.agencies import AgencyIndex
from safekg.extract.officers import find_officers
from safekg.extract.privacy import redact
from safekg.extract.text import Sentence, sentences

NO_AGENCIES = AgencyIndex({}, [], None, None)


def officers(text: str) -> list[tuple[str, str]]:
    return [(o.name, o.rank) for o in find_officers(text, sentences(text), NO_AGENCIES)]


def test_rank_before_name() -> None:
    assert officers("Detective Chief Inspector Amara Singh said the work goes on.") == [
        ("Amara Singh", "Detective Chief Inspector")
    ]


def test_abbreviated_rank_is_written_in_full() -> None:
    assert officers("Det Supt Kofi Mensah said it was a success.") == [
        ("Kofi Mensah", "Detective Superintendent")
    ]


def test_later_mention_by_surname_is_the_same_person() -> None:
    text = (
        "Detective Sergeant Hannah Okafor leads the team.\n\nDS Okafor added that more was to come."
    )
    assert officers(text) == [("Hannah Okafor", "Detective Sergeant")]


def test_title_with_complement_after_name() -> None:
    found = officers(
        "Lena Brandt, Director of Operations at the agency, said the figures were clear."
    )
    assert found == [("Lena Brandt", "Director of Operations")]


def test_title_then_name_between_commas() -> None:
    found = officers("The Minister for Community Safety, Owen Farrell, announced the money.")
    assert found == [("Owen Farrell", "Minister for Community Safety")]


def test_a_name_without_title_is_not_an_official() -> None:
    assert officers("John Harrow, 41, of Mill Lane, was jailed for six years.") == []


def test_redaction_removes_private_people() -> None:
    text = (
        "John Harrow, 41, of Mill Lane, who taught at Greenfield Academy, was jailed, "
        "said Detective Inspector Amara Singh."
    )
    out = redact(text, keep=["Amara Singh"])
    for private in ("John Harrow", "41", "Mill Lane", "Greenfield Academy"):
        assert private not in out
    assert "Amara Singh" in out


def test_redaction_of_a_surname_said_alone() -> None:
    out = redact("Harrow admitted the offences.", private={"Harrow"})
    assert "Harrow" not in out


def test_sentences_respect_abbreviations() -> None:
    text = "Det. Insp. Jo Smith of the U.S. Dept. spoke on Dec. 16. Next one."
    assert [s.text for s in sentences(text)] == [
        "Det. Insp. Jo Smith of the U.S. Dept. spoke on Dec. 16.",
        "Next one.",
    ]
    assert isinstance(sentences(text)[0], Sentence)


def officers_in(text: str) -> list[tuple[str, str]]:
    from safekg.extract.agencies import find_agencies

    sents = sentences(text)
    return [(o.name, o.rank) for o in find_officers(text, sents, find_agencies(text, sents))]


def test_german_ranks_and_their_abbreviations() -> None:
    text = (
        "Kriminalhauptkommissarin Petra Vogel said the images were traced.\n\n"
        "Polizeioberkommissar Uwe Brandt added that KHKin Vogel led the work."
    )
    assert sorted(officers(text)) == [
        ("Petra Vogel", "Kriminalhauptkommissarin"),
        ("Uwe Brandt", "Polizeioberkommissar"),
    ]


def test_nordic_ranks() -> None:
    text = (
        "Politioverbetjent Sigrid Haugen and Kriminalkommissarie Lars Ek met in Oslo. "
        "Rikoskomisario Mikko Laine joined them."
    )
    assert sorted(officers(text)) == [
        ("Lars Ek", "Kriminalkommissarie"),
        ("Mikko Laine", "Rikoskomisario"),
        ("Sigrid Haugen", "Politioverbetjent"),
    ]


def test_compound_titles_in_full() -> None:
    text = (
        "First Sergeant Ada Brooks and Police Superintendent Ola Nygaard spoke, as did "
        "Europol Executive Associate Director Tom Hale and Section Chief Rita Moss."
    )
    assert sorted(officers(text)) == [
        ("Ada Brooks", "First Sergeant"),
        ("Ola Nygaard", "Police Superintendent"),
        ("Rita Moss", "Section Chief"),
        ("Tom Hale", "Executive Associate Director"),
    ]


def test_a_body_named_after_head_of_is_not_part_of_the_name() -> None:
    text = "Head of Kripos Ola Berg said more children had been found."
    assert officers_in(text) == [("Ola Berg", "Head")]


def test_a_rank_of_police_is_written_in_full() -> None:
    text = "Deputy Superintendent of Police Chen Wei Ming led the raids."
    assert officers_in(text) == [("Chen Wei Ming", "Deputy Superintendent of Police")]
    text = "Deputy Commissioner of Police Musa Bello said the raids worked."
    assert officers_in(text) == [("Musa Bello", "Deputy Commissioner of Police")]


def test_an_appositive_after_a_ranked_name_is_not_a_second_person() -> None:
    text = "Senior Constable Ruth Adair, the team's officer in charge, said arrests had doubled."
    assert officers(text) == [("Ruth Adair", "Senior Constable")]


def test_a_name_with_a_particle_between_commas() -> None:
    text = "The Minister for Security, Anna de Vries, said more investigators would be hired."
    assert officers(text) == [("Anna de Vries", "Minister for Security")]


def test_portfolio_before_minister_takes_the_ministrys_name() -> None:
    text = (
        "The Ministry of Justice and Community Safety gave $2 million. "
        "Justice and Community Safety Minister Ben Carver said it would help."
    )
    assert officers_in(text) == [("Ben Carver", "Minister of Justice and Community Safety")]


def test_minister_of_a_portfolio_ending_in_services() -> None:
    text = "The Minister of Public Safety and Emergency Services, Dana Holt, said the work goes on."
    assert officers(text) == [("Dana Holt", "Minister of Public Safety and Emergency Services")]


def test_an_acronym_inside_a_title_does_not_shorten_it() -> None:
    text = "Mila Kovac, the EU Commissioner for Home Affairs, opened the meeting."
    assert officers(text) == [("Mila Kovac", "EU Commissioner for Home Affairs")]


def test_secretary_general_between_commas() -> None:
    text = "The charity's secretary general, Ines Berg, said children need help sooner."
    assert officers(text) == [("Ines Berg", "secretary general")]
