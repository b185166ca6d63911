"""A second mission on the same election, with the same areas, reaches nothing of the first."""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import reverse

from pollwatch.accounts.roles import Role
from pollwatch.intake.models import Channel, RawPayload, Submission
from pollwatch.intake.services import ResendConflict, store_raw_payload
from pollwatch.missions.logins import AccountRefused, create_user
from pollwatch.missions.models import Member, Mission
from tests.builders import answers
from tests.conftest import PASSWORD, mission_on
from tests.intake.test_services import send, submission


@pytest.fixture
def rival(mission):
    """Mission B: its own coordinator of the same region, its own team and observer."""
    other = mission_on(mission.election, "rival", {"R1": "N1"})
    coordinator = create_user("rival-coord", PASSWORD, Role.COORDINATOR, mission=other)
    coordinator.member.areas.set(mission.election.areas.filter(code="N"))
    core = create_user("rival-core", PASSWORD, Role.CORE_TEAM, mission=other)
    return other, coordinator, core


def _report(user, checklist, **overrides):
    return Submission.objects.get(pk=send(user, submission(checklist, **overrides)).submission_id)


def test_a_role_needs_a_mission(db):
    with pytest.raises(AccountRefused):
        create_user("floating", PASSWORD, Role.COORDINATOR)


def test_another_missions_coordinator_of_the_same_area_sees_no_report(
    rival, observer_north, checklist, client
):
    _, coordinator, _ = rival
    report = _report(observer_north, checklist)
    assert not Submission.objects.visible_to(coordinator).exists()
    assert not coordinator.has_perm("intake.review_submission", report)
    client.force_login(coordinator)
    assert client.get(reverse("intake:submission", args=[report.pk])).status_code == 404
    response = client.post(
        reverse("intake:submission", args=[report.pk]), {"decision": "reject", "reason": "x"}
    )
    assert response.status_code == 404
    assert Submission.objects.get().status != Submission.Status.REJECTED
    response = client.get(reverse("intake:submissions") + "?format=csv")
    export = b"".join(response.streaming_content).decode()
    assert str(report.key) not in export


def test_another_missions_coordinator_cannot_see_or_correct_its_payloads(
    rival, observer_north, checklist, client
):
    _, coordinator, _ = rival
    payload = store_raw_payload("{broken", channel=Channel.API, user=observer_north)
    RawPayload.objects.filter(pk=payload.pk).update(status=RawPayload.Status.INVALID)
    assert not RawPayload.objects.visible_to(coordinator).exists()
    client.force_login(coordinator)
    fixed = {
        "key": str(uuid.uuid4()),
        "form": "station_check",
        "version": checklist.version,
        "station": "001",
        "answers": answers(),
    }
    url = reverse("intake:payload", args=[payload.pk])
    assert client.post(url, {"body": json.dumps(fixed), "reason": "x"}).status_code == 404
    assert not Submission.objects.exists()


def test_another_mission_is_invisible_and_its_people_unlisted(
    rival, mission, observer_north, client
):
    _, coordinator, core = rival
    assert list(Mission.objects.visible_to(core)) == [rival[0]]
    assert not Member.objects.visible_to(core).filter(mission=mission).exists()
    client.force_login(core)
    assert client.get(reverse("missions:detail", args=[mission.slug])).status_code == 404
    assert client.get(reverse("missions:meetings", args=[mission.slug])).status_code == 404
    upload = client.post(reverse("missions:member_upload", args=[mission.slug]), {})
    assert upload.status_code == 404


def test_observers_do_not_read_draft_statements_nor_member_lists(
    mission, observer_north, coordinator_north, client
):
    from pollwatch.statements.services import create_statement

    statement = create_statement(mission, title="Draft", actor=None)
    client.force_login(observer_north)
    assert client.get(reverse("statements:detail", args=[statement.pk])).status_code == 403
    page = client.get(reverse("missions:detail", args=[mission.slug])).content.decode()
    assert "Obs-North" in page and "Coord-North" not in page


def test_a_reused_key_from_another_mission_revises_nothing_of_the_first(
    rival, observer_north, checklist, client
):
    other, coordinator, _ = rival
    report = _report(observer_north, checklist)
    intruder = create_user("rival-observer", PASSWORD, Role.OBSERVER, mission=other)
    intruder.member.team = other.teams.get(code="R1")
    intruder.member.save()
    data = submission(checklist) | {"key": str(report.key)}
    data["answers"] = answers(overall="bad")
    with pytest.raises(ResendConflict):
        send(intruder, data)
    conflict = RawPayload.objects.get(status=RawPayload.Status.CONFLICT)
    client.force_login(coordinator)
    url = reverse("intake:payload", args=[conflict.pk])
    page = client.get(url)
    assert page.status_code == 200 and b"not one you may revise" in page.content
    client.post(url, {"reason": "take theirs"})
    report.refresh_from_db()
    assert report.revision == 1 and report.answers["overall"] == "good"
