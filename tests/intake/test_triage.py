"""Triage of critical incidents: the record, its history, the list page and the mission boundary."""

from __future__ import annotations

import csv
import io
import json
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pollwatch.accounts.roles import Role
from pollwatch.audit.models import AuditEvent
from pollwatch.intake.models import Channel, IncidentTriage, Submission, TriageStatus
from pollwatch.intake.services import receive_submission, store_raw_payload
from pollwatch.intake.triage import (
    TriageRefused,
    assignable_members,
    open_incident_count,
    triage_incident,
)
from pollwatch.missions.logins import create_user
from pollwatch.missions.models import Member
from tests.builders import answers
from tests.conftest import PASSWORD, mission_on
from tests.intake.channels.test_concurrency import run_at_once


def send(user, checklist, station="001", **overrides) -> Submission:
    data = {
        "key": str(uuid.uuid4()),
        "form": "station_check",
        "version": checklist.version,
        "station": station,
        "answers": answers(**overrides),
    }
    payload = store_raw_payload(json.dumps(data), channel=Channel.API, user=user)
    return Submission.objects.get(pk=receive_submission(data, payload, user=user).submission_id)


def incident(user, checklist, station="001") -> Submission:
    return send(user, checklist, station, stuffing="yes")


@pytest.fixture
def other_mission(election):
    """A second mission observing the same election: its people see the same stations."""
    return mission_on(election, "other-mission", {"T1": "N1"})


def _member_of(mission, username, role, member_role, *, areas=(), team=None):
    member = Member.objects.create(
        mission=mission, full_name=username.title(), role=member_role, team=team
    )
    member.areas.set(areas)
    return create_user(username, PASSWORD, role, member=member)


@pytest.fixture
def other_coordinator(other_mission, election):
    """An attacker: a coordinator of the other mission whose area holds our stations."""
    return _member_of(
        other_mission,
        "other-coord",
        Role.COORDINATOR,
        "coordinator",
        areas=election.areas.filter(code="N"),
    )


@pytest.fixture
def other_core(other_mission):
    return _member_of(other_mission, "other-core", Role.CORE_TEAM, "core_team")


@pytest.fixture
def other_observer(other_mission):
    return _member_of(
        other_mission,
        "other-obs",
        Role.OBSERVER,
        "observer",
        team=other_mission.teams.get(code="T1"),
    )


# The record and its history


def test_a_report_with_an_alert_is_a_new_open_incident_before_anyone_triages_it(
    mission, checklist, observer_north
):
    report = incident(observer_north, checklist)
    send(observer_north, checklist)
    incidents = Submission.objects.filter(mission=mission).incidents()
    assert [(s.pk, s.triage_status) for s in incidents] == [(report.pk, TriageStatus.NEW)]
    assert open_incident_count(mission) == 1


def test_a_report_without_alerts_is_no_incident(mission, checklist, observer_north):
    send(observer_north, checklist)
    assert open_incident_count(mission) == 0
    assert not Submission.objects.incidents().exists()


def test_each_change_is_recorded_with_who_when_from_to_and_note(
    checklist, observer_north, coordinator_north
):
    report = incident(observer_north, checklist)
    triage_incident(
        report,
        actor=coordinator_north,
        status=TriageStatus.IN_HAND,
        assignee=coordinator_north.member,
        note="calling the team",
    )
    triage_incident(
        report,
        actor=coordinator_north,
        status=TriageStatus.RESOLVED,
        assignee=coordinator_north.member,
        note="the commission removed the ballots",
    )
    triage = IncidentTriage.objects.get(submission=report)
    assert triage.status == TriageStatus.RESOLVED
    assert triage.assignee == coordinator_north.member
    assert triage.notes == "the commission removed the ballots"
    history = list(triage.history())
    assert [e.actor for e in history] == [coordinator_north, coordinator_north]
    assert [e.data["status"] for e in history] == [["new", "in_hand"], ["in_hand", "resolved"]]
    assert history[0].data["assignee"] == ["", "Coord-North"]
    assert "assignee" not in history[1].data
    assert [e.data["note"] for e in history] == [
        "calling the team",
        "the commission removed the ballots",
    ]
    assert history[0].at <= history[1].at


def test_the_history_cannot_be_edited_or_deleted(checklist, observer_north, coordinator_north):
    report = incident(observer_north, checklist)
    triage = triage_incident(
        report, actor=coordinator_north, status=TriageStatus.IN_HAND, assignee=None, note="x"
    )
    entry = triage.history().get()
    entry.data = {"status": ["new", "dismissed"]}
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        triage.history().update(data={})
    with pytest.raises(PermissionError):
        triage.history().delete()
    assert triage.history().get().data["status"] == ["new", "in_hand"]


def test_a_note_alone_is_a_change_and_nothing_at_all_is_refused(
    checklist, observer_north, coordinator_north
):
    report = incident(observer_north, checklist)
    triage_incident(
        report, actor=coordinator_north, status=TriageStatus.NEW, assignee=None, note="seen"
    )
    with pytest.raises(TriageRefused):
        triage_incident(
            report, actor=coordinator_north, status=TriageStatus.NEW, assignee=None, note=" "
        )
    assert IncidentTriage.objects.get(submission=report).history().count() == 1


def test_resolved_and_dismissed_incidents_are_no_longer_open(
    mission, checklist, observer_north, core_team
):
    first, second, third = (incident(observer_north, checklist) for _ in range(3))
    for report, status in (
        (first, TriageStatus.IN_HAND),
        (second, TriageStatus.RESOLVED),
        (third, TriageStatus.DISMISSED),
    ):
        triage_incident(report, actor=core_team, status=status, assignee=None, note="")
    assert open_incident_count(mission) == 1
    assert list(Submission.objects.open_incidents()) == [first]


def test_open_incident_count_counts_one_mission_and_what_the_viewer_may_see(
    mission, other_mission, checklist, observer_north, observer_south, other_observer,
    coordinator_south, other_coordinator,
):  # fmt: skip
    incident(observer_north, checklist, "001")
    incident(observer_south, checklist, "003")
    incident(other_observer, checklist, "001")
    assert open_incident_count(mission) == 2
    assert open_incident_count(other_mission) == 1
    assert open_incident_count(mission, coordinator_south) == 1
    assert open_incident_count(mission, other_coordinator) == 0


def test_the_assignee_is_a_member_of_the_mission_who_may_see_the_report(
    checklist, observer_north, observer_south, coordinator_north, coordinator_south, core_team,
    analyst, other_core,
):  # fmt: skip
    report = incident(observer_north, checklist)
    members = set(assignable_members(report, core_team))
    assert {observer_north.member, coordinator_north.member, core_team.member} <= members
    assert analyst.member in members
    assert observer_south.member not in members  # another team's
    assert coordinator_south.member not in members  # another area's
    assert other_core.member not in members  # another mission's
    for outsider in (observer_south.member, coordinator_south.member, other_core.member):
        with pytest.raises(TriageRefused):
            triage_incident(
                report, actor=core_team, status=TriageStatus.IN_HAND, assignee=outsider, note=""
            )
    assert not IncidentTriage.objects.filter(submission=report, assignee__isnull=False).exists()


def test_only_those_who_may_review_the_report_may_triage_it(
    checklist, observer_north, analyst, coordinator_south, other_coordinator, other_core
):
    report = incident(observer_north, checklist)
    for actor in (observer_north, analyst, coordinator_south, other_coordinator, other_core):
        with pytest.raises(PermissionDenied):
            triage_incident(
                report, actor=actor, status=TriageStatus.DISMISSED, assignee=None, note="no"
            )
    assert not IncidentTriage.objects.exists()
    assert not AuditEvent.objects.filter(action="intake.incident_triaged").exists()


def test_a_report_without_alerts_cannot_be_triaged(checklist, observer_north, core_team):
    report = send(observer_north, checklist)
    with pytest.raises(TriageRefused):
        triage_incident(report, actor=core_team, status=TriageStatus.IN_HAND, assignee=None)


# The pages


def _list(client, mission, **query):
    return client.get(reverse("intake:incidents", args=[mission.slug]), query)


def test_the_list_shows_open_incidents_first(
    client, mission, checklist, observer_north, coordinator_north
):
    older = incident(observer_north, checklist)
    newer = incident(observer_north, checklist)
    triage_incident(newer, actor=coordinator_north, status="resolved", assignee=None, note="")
    client.force_login(coordinator_north)
    page = _list(client, mission).context["page"]
    assert [s.pk for s in page.object_list] == [older.pk, newer.pk]


def test_a_coordinator_lists_the_incidents_of_their_areas_only(
    client, mission, checklist, observer_north, observer_south, coordinator_north
):
    north = incident(observer_north, checklist, "001")
    incident(observer_south, checklist, "003")
    client.force_login(coordinator_north)
    response = _list(client, mission)
    assert [s.pk for s in response.context["page"].object_list] == [north.pk]
    body = response.content.decode()
    assert reverse("intake:submission", args=[north.pk]) in body
    assert reverse("findings:station", args=[mission.slug, "001"]) in body
    assert reverse("intake:triage", args=[north.pk]) in body


def test_the_list_filters_by_status_assignee_area_and_search(
    client, mission, election, checklist, observer_north, observer_south, core_team
):
    north = incident(observer_north, checklist, "001")
    hill = incident(observer_north, checklist, "002")
    south = incident(observer_south, checklist, "003")
    triage_incident(
        hill, actor=core_team, status="in_hand", assignee=core_team.member, note="police called"
    )
    client.force_login(core_team)

    def listed(**query):
        return {s.pk for s in _list(client, mission, **query).context["page"].object_list}

    assert listed() == {north.pk, hill.pk, south.pk}
    assert listed(status="in_hand") == {hill.pk}
    assert listed(status="new") == {north.pk, south.pk}
    assert listed(status="open") == {north.pk, hill.pk, south.pk}
    assert listed(assignee=core_team.member.pk) == {hill.pk}
    assert listed(assignee="none") == {north.pk, south.pk}
    assert listed(area=election.areas.get(code="S").pk) == {south.pk}
    assert listed(area=election.areas.get(code="N").pk) == {north.pk, hill.pk}
    assert listed(q="police") == {hill.pk}
    assert listed(q="003") == {south.pk}
    assert listed(q="Library") == {south.pk}


def test_the_list_is_paged(client, mission, checklist, observer_north, core_team, monkeypatch):
    monkeypatch.setattr("pollwatch.intake.views.INCIDENTS_PER_PAGE", 2)
    for _ in range(3):
        incident(observer_north, checklist)
    client.force_login(core_team)
    first = _list(client, mission).context["page"]
    second = _list(client, mission, page=2).context["page"]
    assert (len(first.object_list), len(second.object_list)) == (2, 1)
    assert first.paginator.count == 3


def test_the_csv_export_lists_what_the_filters_keep(
    client, mission, checklist, observer_north, observer_south, coordinator_north
):
    north = incident(observer_north, checklist, "001")
    incident(observer_south, checklist, "003")
    triage_incident(
        north,
        actor=coordinator_north,
        status="in_hand",
        assignee=coordinator_north.member,
        note="=HYPERLINK(1)",
    )
    client.force_login(coordinator_north)
    response = _list(client, mission, format="csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["report"], r["station"], r["status"], r["assignee"]) for r in rows] == [
        (str(north.pk), "001", "in_hand", "Coord-North")
    ]
    assert rows[0]["notes"] == "'=HYPERLINK(1)"
    assert rows[0]["alerts"] == "stuffing = yes"


def test_the_list_takes_as_many_queries_for_many_incidents_as_for_one(
    client, mission, checklist, observer_north, core_team, django_assert_max_num_queries
):
    client.force_login(core_team)
    first = incident(observer_north, checklist)
    triage_incident(first, actor=core_team, status="in_hand", assignee=core_team.member, note="a")
    with CaptureQueriesContext(connection) as one:
        _list(client, mission)
    for _ in range(4):
        triage_incident(
            incident(observer_north, checklist),
            actor=core_team,
            status="in_hand",
            assignee=core_team.member,
            note="b",
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        _list(client, mission)


def test_a_coordinator_triages_from_the_incident_page(
    client, checklist, observer_north, coordinator_north
):
    report = incident(observer_north, checklist)
    client.force_login(coordinator_north)
    url = reverse("intake:triage", args=[report.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert reverse("intake:submission", args=[report.pk]) in page.content.decode()
    response = client.post(
        url,
        {"status": "in_hand", "assignee": coordinator_north.member.pk, "note": "on my way"},
    )
    assert response.status_code == 302
    triage = IncidentTriage.objects.get(submission=report)
    assert (triage.status, triage.assignee, triage.notes) == (
        "in_hand",
        coordinator_north.member,
        "on my way",
    )
    assert "on my way" in client.get(url).content.decode()


def test_the_incident_page_refuses_an_assignee_outside_the_rules(
    client, checklist, observer_north, coordinator_north, other_core
):
    report = incident(observer_north, checklist)
    client.force_login(coordinator_north)
    response = client.post(
        reverse("intake:triage", args=[report.pk]),
        {"status": "in_hand", "assignee": other_core.member.pk, "note": ""},
    )
    assert response.status_code == 200
    assert not IncidentTriage.objects.exists()


def test_analysts_and_observers_may_not_triage(client, mission, checklist, observer_north, analyst):
    report = incident(observer_north, checklist)
    for user in (analyst, observer_north):
        client.force_login(user)
        url = reverse("intake:triage", args=[report.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"status": "dismissed", "note": "x"}).status_code == 403
        assert _list(client, mission).status_code == 403
    assert not IncidentTriage.objects.exists()


def test_a_coordinator_of_another_area_cannot_open_or_triage_the_incident(
    client, checklist, observer_north, coordinator_south
):
    report = incident(observer_north, checklist)
    client.force_login(coordinator_south)
    url = reverse("intake:triage", args=[report.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"status": "dismissed", "note": "x"}).status_code == 404
    assert not IncidentTriage.objects.exists()


def test_the_mission_page_links_the_incident_list_for_those_who_may_triage(
    client, mission, core_team, coordinator_north, analyst, observer_north
):
    incidents_url = reverse("intake:incidents", args=[mission.slug])
    for user, linked in (
        (core_team, True),
        (coordinator_north, True),
        (analyst, False),
        (observer_north, False),
    ):
        client.force_login(user)
        body = client.get(reverse("missions:detail", args=[mission.slug])).content.decode()
        assert (incidents_url in body) is linked, user


def test_the_report_page_links_its_triage_for_those_who_may_triage(
    client, checklist, observer_north, coordinator_north, analyst
):
    report = incident(observer_north, checklist)
    triage_url = reverse("intake:triage", args=[report.pk])
    for user, linked in ((coordinator_north, True), (analyst, False), (observer_north, False)):
        client.force_login(user)
        body = client.get(reverse("intake:submission", args=[report.pk])).content.decode()
        assert (triage_url in body) is linked, user


# The mission boundary, seen by someone with a valid account in another mission


def test_another_missions_coordinator_sees_nothing_and_changes_nothing(
    client, mission, other_mission, checklist, observer_north, coordinator_north,
    other_coordinator,
):  # fmt: skip
    report = incident(observer_north, checklist)
    triage_incident(
        report, actor=coordinator_north, status="in_hand", assignee=None, note="secret plan"
    )
    client.force_login(other_coordinator)
    triage_url = reverse("intake:triage", args=[report.pk])
    assert _list(client, mission).status_code == 404
    assert _list(client, mission, format="csv").status_code == 404
    assert client.get(triage_url).status_code == 404
    for status in ("dismissed", "resolved"):
        assert client.post(triage_url, {"status": status, "note": "gone"}).status_code == 404
    own = _list(client, other_mission)
    assert own.status_code == 200
    assert list(own.context["page"].object_list) == []
    assert "secret plan" not in own.content.decode()
    exported = b"".join(_list(client, other_mission, format="csv").streaming_content).decode()
    assert str(report.station.code) not in exported.splitlines()[-1]
    assert client.get(reverse("findings:station", args=[mission.slug, "001"])).status_code == 404
    station = client.get(reverse("findings:station", args=[other_mission.slug, "001"]))
    assert station.status_code == 200
    assert reverse("intake:submission", args=[report.pk]) not in station.content.decode()
    triage = IncidentTriage.objects.get(submission=report)
    assert (triage.status, triage.notes) == ("in_hand", "secret plan")
    assert triage.history().count() == 1


def test_another_missions_core_team_cannot_assign_its_people_or_triage(
    client, checklist, observer_north, other_core
):
    report = incident(observer_north, checklist)
    client.force_login(other_core)
    response = client.post(
        reverse("intake:triage", args=[report.pk]),
        {"status": "in_hand", "assignee": other_core.member.pk, "note": "mine now"},
    )
    assert response.status_code == 404
    assert not IncidentTriage.objects.exists()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_changes_sent_at_once_keep_one_record_and_a_history_that_follows_on(
    checklist, observer_north, core_team
):
    report = incident(observer_north, checklist)
    statuses = iter(["in_hand", "dismissed", "resolved", "in_hand", "new", "resolved"])

    def change():
        status = next(statuses)
        return triage_incident(
            report, actor=core_team, status=status, assignee=None, note=f"now {status}"
        )

    _, errors = run_at_once(6, change)
    assert errors == []
    triage = IncidentTriage.objects.get()
    history = list(triage.history())
    assert len(history) == 6
    current = TriageStatus.NEW
    for entry in history:
        if "status" in entry.data:
            assert entry.data["status"][0] == current
            current = entry.data["status"][1]
    assert current == triage.status
