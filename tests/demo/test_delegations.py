"""The demo mission's delegations and mandate, built on a small mission of the same shape."""

from __future__ import annotations

import filetype
import pytest

from pollwatch.demo.delegations import build_demo_delegations, one_page_pdf
from pollwatch.missions.models import Member, Team
from pollwatch.statements.method import method_paragraph
from pollwatch.statements.mission_facts import mission_coverage


@pytest.fixture
def demo_shaped(mission):
    """Staff and six teams of two observers, as the demo's country builds them."""
    for role, count in (
        ("head_of_mission", 1),
        ("core_team", 2),
        ("coordinator", 6),
        ("support", 1),
    ):
        for n in range(count):
            Member.objects.create(mission=mission, full_name=f"{role} {n}", role=role)
    for t in range(1, 7):
        team = Team.objects.create(mission=mission, code=f"D{t}")
        for n in range(2):
            Member.objects.create(
                mission=mission, full_name=f"Observer {t}{n}", role="observer", team=team
            )
    build_demo_delegations(mission)
    return mission


def test_the_mission_has_a_lead_and_delegations_of_several_organisations_with_heads(demo_shaped):
    mission = demo_shaped
    assert mission.lead_organisation.kind == "intergovernmental"
    delegations = list(mission.delegations.with_sizes())
    kinds = {d.organisation.kind for d in delegations}
    assert len(delegations) == 3 and "parliament" in kinds
    for delegation in delegations:
        assert delegation.head is not None and delegation.head.delegation_id == delegation.pk
        assert delegation.observers > 0
    lead = mission.delegations.get(organisation=mission.lead_organisation)
    assert lead.head.role == "head_of_mission"
    assert not mission.members.filter(role="support").exclude(delegation=None).exists()


def test_every_team_mixes_two_delegations(demo_shaped):
    for team in demo_shaped.teams.filter(code__startswith="D"):
        assert len({m.delegation_id for m in team.members.all()} - {None}) == 2


def test_the_method_paragraph_states_the_invitation_agreement_and_accreditation(demo_shaped):
    text = method_paragraph(mission_coverage(demo_shaped), "en")
    assert text.startswith(
        "The mission observed at the invitation of the Ministry of Foreign Affairs of Veloria "
        "(15 July 2026), under the Memorandum of Understanding with the Central Election "
        "Commission of Veloria (1 September 2026), and was accredited by the Central Election "
        "Commission of Veloria on 16 October 2026."
    )
    assert "The mission was led by Observers Without Borders (fictional); its members came " in text


def test_the_accreditation_decision_has_a_pdf_file(demo_shaped):
    decision = demo_shaped.documents.get(kind="accreditation_decision")
    assert decision.file.name.endswith(".pdf")
    assert filetype.guess(one_page_pdf("x")).mime == "application/pdf"
