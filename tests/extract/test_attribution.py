"""Whose figure is it: outcome figures credited to the body that did the work.

Each article is written for these tests, with invented bodies and figures.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from safekg.extract import extract
from safekg.extract.agencies import AgencyInfo
from safekg.extract.attribution import role
from safekg.models import Article

UNIT_OF_A_FORCE = """Northshire Police - News

Specialist unit arrests 27 in crackdown on online abusers

Detectives from Northshire Police's Online Child Protection Unit have arrested 27 people
in a four-week operation against the sharing of child abuse images.

Investigators executed 19 search warrants and seized 240 devices. Fourteen children were
safeguarded and referred to the Northshire County Council children's services team.

The Home Office gave the unit £400,000 last year to buy new forensic software.
"""

SAYER_AND_LEADER = """Sixty-two people have been arrested in a nine-day operation against online
child sexual exploitation, the Eastland Police Service said on Monday.

The operation was led by the Eastland Digital Exploitation Squad, working with the Coastal
Border Agency and the charity Safer Screens Foundation.

Officers executed 48 warrants. The Safer Screens Foundation, which runs a national helpline,
said calls had doubled.
"""

COORDINATOR_AND_COUNTRY = """Police in 14 countries, supported by Europol, have arrested 96 suspects
in an operation against a forum that traded abuse videos.

The Danish National Police led the investigation. In Denmark alone, officers arrested
eleven men and seized 75 computers.
"""

POSSESSIVE_COMMAND = """The National Crime Agency's child protection command has arrested
318 suspects over the past year, the agency said.

The Child Exploitation and Online Protection Command (CEOP) also safeguarded 905 children.
"""

JOINT_TEAM = """During the week the Riverside Joint Exploitation Team, in which Riverside Police and
Federal Police officers work side by side, carried out 33 search warrants.

Nine children were removed from harm, the Department of Families said.
"""

FORCE_AND_ITS_TEAM = """Between 3 and 9 May, Westmoor Constabulary officers executed 41 warrants.
The operation was planned by the force's Online Abuse Team.

In total, the force arrested 36 people. Over the past year the team has safeguarded 510 children.
"""


def _credited(text: str) -> dict[tuple[str, Decimal], str | None]:
    facts = extract(Article(id="a", text=text, published=date(2024, 5, 14)))
    return {(o.measure, o.value): o.agency for o in facts.outcomes}


def test_a_specialist_unit_not_its_force_nor_its_funder() -> None:
    got = _credited(UNIT_OF_A_FORCE)
    unit = "Online Child Protection Unit"
    assert got[("arrests", Decimal(27))] == unit
    assert got[("warrants_executed", Decimal(19))] == unit
    assert got[("devices_seized", Decimal(240))] == unit
    assert got[("children_safeguarded", Decimal(14))] == unit


def test_the_leader_not_the_body_that_announced_it_nor_a_partner() -> None:
    got = _credited(SAYER_AND_LEADER)
    squad = "Eastland Digital Exploitation Squad"
    assert got[("arrests", Decimal(62))] == squad
    assert got[("warrants_executed", Decimal(48))] == squad


def test_a_coordinator_for_the_whole_a_national_force_for_its_own_part() -> None:
    got = _credited(COORDINATOR_AND_COUNTRY)
    assert got[("arrests", Decimal(11))] == "Danish National Police"
    assert got[("devices_seized", Decimal(75))] == "Danish National Police"
    assert got[("arrests", Decimal(96))] != "Danish National Police"


def test_a_bodys_command_is_its_unit() -> None:
    got = _credited(POSSESSIVE_COMMAND)
    ceop = "Child Exploitation and Online Protection Command"
    assert got[("arrests", Decimal(318))] == ceop
    assert got[("children_safeguarded", Decimal(905))] == ceop


def test_the_subject_not_the_bodies_in_a_relative_clause() -> None:
    got = _credited(JOINT_TEAM)
    team = "Riverside Joint Exploitation Team"
    assert got[("warrants_executed", Decimal(33))] == team
    assert got[("children_safeguarded", Decimal(9))] == team  # not the department that said it


def test_the_force_and_the_team_are_told_apart() -> None:
    got = _credited(FORCE_AND_ITS_TEAM)
    assert got[("warrants_executed", Decimal(41))] == "Westmoor Constabulary"
    assert got[("arrests", Decimal(36))] == "Westmoor Constabulary"
    assert got[("children_safeguarded", Decimal(510))] == "Online Abuse Team"


def test_roles_of_bodies() -> None:
    assert role(AgencyInfo(name="Northshire Police")) == "police"
    assert role(AgencyInfo(name="Kent Police Department")) == "police"
    assert role(AgencyInfo(name="Department of Social Development")) == "other"
    assert role(AgencyInfo(name="Crown Prosecutor's Office")) == "other"
    assert role(AgencyInfo(name="Safer Screens Foundation")) == "support"
    assert role(AgencyInfo(name="Home Office", kind="government", known=True)) == "other"
    assert role(AgencyInfo(name="Childline", kind="charity", known=True)) == "support"
