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
