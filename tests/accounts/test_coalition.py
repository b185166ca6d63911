"""A coalition's member boundary: each member's coordinators see and manage their own people.

Mission A is run by two member organisations. Each sends a coordinator of the
North and an observer whose team works there; the mission's core team and a
coordinator sent by no member see as in any mission.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from pollwatch.accounts.roles import Role
from pollwatch.accounts.scoping import can_review_submission, member_organisation
from pollwatch.audit.models import AuditEvent
from pollwatch.intake.channels.broadcast.services import send_broadcast
from pollwatch.intake.models import Channel, RawPayload, SmsMessage, Submission
from pollwatch.intake.services import Problem, store_refused_payload
from pollwatch.intake.triage import assignable_members, open_incident_count
from pollwatch.lib.tabular import TableRejected
from pollwatch.missions.importing import import_members
from pollwatch.missions.logins import create_user
from pollwatch.missions.models import Delegation, Member, Mission, Organisation, Team
from pollwatch.missions.services import set_coalition
from tests.conftest import PASSWORD, csv_file
from tests.intake.test_services import send, submission

ALL = Mission.CoalitionSharing.ALL
AGGREGATES = Mission.CoalitionSharing.AGGREGATES


@dataclass
class MemberOrganisation:
    delegation: Delegation
    coordinator: User
    observer: User
    report: Submission
    incident: Submission


@dataclass
class Coalition:
    mission: Mission
    first: MemberOrganisation
    second: MemberOrganisation


def _member_organisation(
    mission, name: str, team_code: str, station: str, checklist
) -> MemberOrganisation:
    organisation = Organisation.objects.create(name=name, kind=Organisation.Kind.NGO)
    delegation = Delegation.objects.create(mission=mission, organisation=organisation)
    team, _ = Team.objects.get_or_create(mission=mission, code=team_code)
    team.areas.set(mission.election.areas.filter(code="N"))
    prefix = name.split()[0].lower()
    coordinator = create_user(f"{prefix}-coordinator", PASSWORD, Role.COORDINATOR, mission=mission)
    coordinator.member.areas.set(mission.election.areas.filter(code="N"))
    observer = create_user(f"{prefix}-observer", PASSWORD, Role.OBSERVER, mission=mission)
    Member.objects.filter(pk=observer.member.pk).update(team=team, full_name=f"{name} observer")
    Member.objects.filter(user__in=[coordinator, observer]).update(delegation=delegation)
    coordinator.refresh_from_db()
    observer.refresh_from_db()
    return MemberOrganisation(
        delegation,
        coordinator,
        observer,
        Submission.objects.get(pk=send(observer, submission(checklist, station)).submission_id),
        Submission.objects.get(
            pk=send(observer, submission(checklist, station, stuffing="yes")).submission_id
        ),
    )


def _fresh(user: User) -> User:
    """The user as a new request sees them: nothing remembered of their membership."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def coalition(mission, checklist) -> Coalition:
    set_coalition(mission, coalition=True, sharing=AGGREGATES)
    return Coalition(
        mission,
        _member_organisation(mission, "Ownorg Watch", "T1", "001", checklist),
        _member_organisation(mission, "Partnerorg Watch", "P1", "002", checklist),
    )


def _share(coalition: Coalition, sharing: str) -> None:
    set_coalition(coalition.mission, coalition=True, sharing=sharing)


def _names(user) -> set[str]:
    return set(Member.objects.visible_to(_fresh(user)).values_list("full_name", flat=True))


@pytest.mark.parametrize("sharing", [ALL, AGGREGATES])
def test_a_members_coordinator_sees_only_their_organisations_people_and_teams(coalition, sharing):
    _share(coalition, sharing)
    coordinator = _fresh(coalition.first.coordinator)
    assert _names(coordinator) == {"Ownorg Watch observer", coordinator.member.full_name}
    teams = Team.objects.visible_to(coordinator).values_list("code", flat=True)
    assert list(teams) == ["T1"]


def test_with_aggregates_only_a_members_coordinator_reads_only_their_observers_reports(
    coalition,
):
    coordinator = _fresh(coalition.first.coordinator)
    readable = set(Submission.objects.visible_to(coordinator))
    assert readable == {coalition.first.report, coalition.first.incident}


def test_the_other_members_reports_still_count_in_a_coordinators_figures(coalition):
    coordinator = _fresh(coalition.first.coordinator)
    assert Submission.objects.counted_for(coordinator).count() == 4


def test_when_all_is_shared_a_coordinator_reads_the_other_members_reports(coalition):
    _share(coalition, ALL)
    coordinator = _fresh(coalition.first.coordinator)
    assert coalition.second.report in Submission.objects.visible_to(coordinator)
    assert set(Submission.objects.managed_by(coordinator)) == {
        coalition.first.report,
        coalition.first.incident,
    }


@pytest.mark.parametrize("sharing", [ALL, AGGREGATES])
def test_a_coordinator_never_reviews_or_triages_another_members_report(coalition, sharing):
    _share(coalition, sharing)
    coordinator = _fresh(coalition.first.coordinator)
    assert can_review_submission(coordinator, coalition.first.report)
    assert not can_review_submission(coordinator, coalition.second.report)
    assert not coordinator.has_perm("intake.triage_incident", coalition.second.incident)
    assert coordinator.has_perm("intake.triage_incident", coalition.first.incident)


def test_the_incidents_waiting_for_a_coordinator_are_their_organisations(coalition):
    _share(coalition, ALL)
    coordinator = _fresh(coalition.first.coordinator)
    assert open_incident_count(coalition.mission, coordinator) == 1
    assert open_incident_count(coalition.mission) == 2


def test_an_incident_goes_only_to_people_of_its_own_organisation(coalition):
    _share(coalition, ALL)
    coordinator = _fresh(coalition.first.coordinator)
    assignable = assignable_members(coalition.first.incident, coordinator)
    assert coalition.second.coordinator.member not in assignable
    assert coalition.first.observer.member in assignable


def test_payloads_and_sms_of_another_member_are_not_a_coordinators(coalition):
    _share(coalition, ALL)
    for side in (coalition.first, coalition.second):
        store_refused_payload(
            "{not json",
            [Problem("body", "not valid JSON")],
            channel=Channel.API,
            user=side.observer,
        )
        SmsMessage.objects.create(
            gateway="test", sender="+1", text="hi", member=side.observer.member
        )
    coordinator = _fresh(coalition.first.coordinator)
    senders = set(RawPayload.objects.visible_to(coordinator).values_list("user", flat=True))
    assert senders == {coalition.first.observer.pk}
    members = set(SmsMessage.objects.visible_to(coordinator).values_list("member", flat=True))
    assert members == {coalition.first.observer.member.pk}


def test_the_core_team_sees_and_reviews_every_members_reports(coalition):
    core = create_user("core-a", PASSWORD, Role.CORE_TEAM, mission=coalition.mission)
    assert Submission.objects.visible_to(core).count() == 4
    assert can_review_submission(core, coalition.second.report)
    assert member_organisation(core) is None


def test_an_observer_sees_their_own_team_as_in_any_mission(coalition):
    _share(coalition, ALL)
    observer = _fresh(coalition.first.observer)
    assert set(Submission.objects.visible_to(observer)) == {
        coalition.first.report,
        coalition.first.incident,
    }


def test_a_coordinator_sent_by_no_member_sees_the_whole_of_their_areas(coalition):
    coordinator = create_user(
        "coalition-coordinator", PASSWORD, Role.COORDINATOR, mission=coalition.mission
    )
    coordinator.member.areas.set(coalition.mission.election.areas.filter(code="N"))
    coordinator = _fresh(coordinator)
    assert Submission.objects.visible_to(coordinator).count() == 4
    assert can_review_submission(coordinator, coalition.second.report)


def test_a_mission_that_is_no_coalition_ignores_its_delegations(coalition):
    set_coalition(coalition.mission, coalition=False, sharing=AGGREGATES)
    coordinator = _fresh(coalition.first.coordinator)
    assert member_organisation(coordinator) is None
    assert Submission.objects.visible_to(coordinator).count() == 4
    assert can_review_submission(coordinator, coalition.second.report)
    assert {"Ownorg Watch observer", "Partnerorg Watch observer"} <= _names(coordinator)


def test_the_report_list_of_findings_lists_only_reports_one_may_read(client, coalition):
    client.force_login(coalition.first.coordinator)
    response = client.get(
        f"/missions/{coalition.mission.slug}/findings/reports/?question=overall&form=station_check"
    )
    assert response.status_code == 200
    assert response.context["count"] == 2
    assert list(response.context["page"].object_list) == [coalition.first.incident]


def test_setting_the_coalition_is_recorded_once_per_change(coalition):
    mission = coalition.mission
    assert set_coalition(mission, coalition=True, sharing=ALL)
    assert not set_coalition(mission, coalition=True, sharing=ALL)
    event = AuditEvent.objects.filter(action="missions.coalition_set").latest("pk")
    assert event.data == {"sharing": [AGGREGATES, ALL]}
    with pytest.raises(ValueError, match="aggregates"):
        set_coalition(mission, coalition=True, sharing="some")


def test_the_core_team_sets_the_coalition_on_its_page(client, coalition):
    core = create_user("core-b", PASSWORD, Role.CORE_TEAM, mission=coalition.mission)
    client.force_login(core)
    url = f"/missions/{coalition.mission.slug}/coalition/"
    page = client.get(url)
    assert "Partnerorg Watch" in page.content.decode()
    response = client.post(url, {"coalition": "on", "coalition_sharing": ALL})
    assert response.status_code == 302
    assert Mission.objects.get(pk=coalition.mission.pk).coalition_sharing == ALL
    client.force_login(coalition.first.coordinator)
    assert client.post(url, {"coalition_sharing": AGGREGATES}).status_code == 403


def test_a_members_coordinator_broadcasts_only_to_their_observers(coalition, settings):
    settings.POLLWATCH_SMS_OUTBOUND = "tests.intake.channels.conftest.RecordingGateway"
    for number, side in enumerate((coalition.first, coalition.second)):
        Member.objects.filter(user=side.observer).update(phone=f"+99555500010{number}")
    coordinator = _fresh(coalition.first.coordinator)
    broadcast = send_broadcast(coalition.mission, "Report by 08:00", "all", actor=coordinator)
    assert list(broadcast.deliveries.values_list("phone", flat=True)) == ["+995555000100"]
    core = create_user("core-c", PASSWORD, Role.CORE_TEAM, mission=coalition.mission)
    assert send_broadcast(coalition.mission, "Hello", "all", actor=core).deliveries.count() == 2


def test_a_members_coordinator_imports_only_their_organisations_people(coalition):
    coordinator = _fresh(coalition.first.coordinator)
    ours = csv_file("full_name,role,email\nNora New,observer,nora@example.org\n")
    import_members(coalition.mission, ours, filename="m.csv", actor=coordinator)
    assert Member.objects.get(full_name="Nora New").delegation == coalition.first.delegation
    theirs = "full_name,role,phone\nPartnerorg Watch observer,observer,+995555000199\n"
    with pytest.raises(TableRejected) as refused:
        import_members(coalition.mission, csv_file(theirs), filename="m.csv", actor=coordinator)
    assert refused.value.problems[0].line == 2
    assert "another member organisation" in refused.value.problems[0].reason
    core = create_user("core-d", PASSWORD, Role.CORE_TEAM, mission=coalition.mission)
    import_members(coalition.mission, csv_file(theirs), filename="m.csv", actor=core)
    assert Member.objects.get(user=coalition.second.observer).phone == "+995555000199"


def test_a_members_coordinator_cannot_import_people_into_another_members_delegation(coalition):
    coordinator = _fresh(coalition.first.coordinator)
    header = "full_name,role,email,delegation\n"
    blank = csv_file(header + "Nina Blank,observer,nina@example.org,\n")
    import_members(coalition.mission, blank, filename="m.csv", actor=coordinator)
    assert Member.objects.get(full_name="Nina Blank").delegation == coalition.first.delegation
    other = csv_file(header + "Olga Other,observer,olga@example.org,Partnerorg Watch\n")
    with pytest.raises(TableRejected) as refused:
        import_members(coalition.mission, other, filename="m.csv", actor=coordinator)
    assert refused.value.problems[0].line == 2
    assert not Member.objects.filter(full_name="Olga Other").exists()


def test_a_members_coordinator_sees_only_their_organisations_past_broadcasts(
    client, coalition, settings
):
    settings.POLLWATCH_SMS_OUTBOUND = "tests.intake.channels.conftest.RecordingGateway"
    send_broadcast(
        coalition.mission,
        "Ownorg: report by 08:00",
        "all",
        actor=_fresh(coalition.first.coordinator),
    )
    send_broadcast(
        coalition.mission,
        "Partnerorg: queue at 07:00",
        "all",
        actor=_fresh(coalition.second.coordinator),
    )
    client.force_login(coalition.first.coordinator)
    page = client.get(reverse("channels:broadcasts")).content.decode()
    assert "Ownorg: report by 08:00" in page
    assert "Partnerorg: queue at 07:00" not in page
    core = create_user("core-b", PASSWORD, Role.CORE_TEAM, mission=coalition.mission)
    client.force_login(core)
    page = client.get(reverse("channels:broadcasts")).content.decode()
    assert "Partnerorg: queue at 07:00" in page and "Ownorg: report by 08:00" in page
