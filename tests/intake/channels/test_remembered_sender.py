"""A phone's sender remembered from an earlier token lookup is never trusted on its own.

The process remembers what a device token's lookup found, so that a phone
sending report after report costs no lookup; the store call checks the token in
the transaction that stores the report, and every other answer is given only
after a fresh lookup. A token revoked, a login disabled or an observer moved
between two reports therefore takes effect at the very next report.
"""

from __future__ import annotations

import json
import uuid

import pytest
from django.contrib.auth.models import User

from pollwatch.accounts.models import DeviceToken
from pollwatch.intake.models import RawPayload, Submission
from pollwatch.missions.models import Member
from tests.builders import report

from .test_openrosa import (  # noqa: F401  (fixtures)
    ANSWERS,
    collect_post,
    instance_from_xform,
    version,
    xform_xml,
)

pytestmark = pytest.mark.django_db


def post(client, token, path, body):
    return client.post(
        f"/api/v1{path}", json.dumps(body), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )  # fmt: skip


def send(client, token, checklist, **overrides):
    return post(client, token, "/submissions", report(checklist, "001", **overrides))


def send_batch(client, token, checklist):
    return post(
        client,
        token,
        "/submissions/batch",
        {"submissions": [report(checklist, "001") for _ in range(2)]},
    )


def revoke_the_observers_tokens() -> None:
    for device in DeviceToken.objects.filter(user__username="obs-north"):
        device.revoke()


def test_a_token_revoked_after_a_report_sends_nothing_more(client, checklist, observer_token):
    assert send(client, observer_token, checklist).status_code == 201
    revoke_the_observers_tokens()

    assert send(client, observer_token, checklist).status_code == 401
    assert Submission.objects.count() == 1


def test_a_revoked_token_is_refused_also_when_its_report_would_be_refused(
    client, checklist, observer_token
):
    assert send(client, observer_token, checklist).status_code == 201
    revoke_the_observers_tokens()

    response = send(client, observer_token, checklist, voters=-3)
    assert response.status_code == 401
    assert "errors" not in response.json()
    assert not RawPayload.objects.filter(status=RawPayload.Status.INVALID).exists()


def test_a_revoked_token_stores_no_body_that_is_not_json(client, checklist, observer_token):
    assert send(client, observer_token, checklist).status_code == 201
    revoke_the_observers_tokens()

    response = client.post(
        "/api/v1/submissions", "{not json", content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {observer_token}",
    )  # fmt: skip
    assert response.status_code == 401
    assert RawPayload.objects.count() == 1


def test_a_revoked_token_gets_401_for_a_batch_that_is_no_list(client, checklist, observer_token):
    assert send(client, observer_token, checklist).status_code == 201
    revoke_the_observers_tokens()

    response = post(client, observer_token, "/submissions/batch", {"submissions": "all"})
    assert response.status_code == 401


def test_a_revoked_token_is_refused_also_for_a_resend(client, checklist, observer_token):
    body = report(checklist, "001")

    assert post(client, observer_token, "/submissions", body).status_code == 201
    assert post(client, observer_token, "/submissions", body).status_code == 200
    revoke_the_observers_tokens()
    assert post(client, observer_token, "/submissions", body).status_code == 401


def test_a_login_disabled_after_a_report_sends_nothing_more(client, checklist, observer_token):
    assert send(client, observer_token, checklist).status_code == 201
    User.objects.filter(username="obs-north").update(is_active=False)

    assert send(client, observer_token, checklist).status_code == 401
    assert send_batch(client, observer_token, checklist).status_code == 401
    assert Submission.objects.count() == 1


def test_an_observer_moved_to_another_team_reports_for_the_new_team(
    client, checklist, observer_token, mission
):
    first = send(client, observer_token, checklist)
    member = Member.objects.get(user__username="obs-north")
    new_team = mission.teams.exclude(pk=member.team_id).first()
    Member.objects.filter(pk=member.pk).update(team=new_team)

    second = send(client, observer_token, checklist)

    assert (first.status_code, second.status_code) == (201, 201)
    stored = Submission.objects.get(pk=second.json()["id"])
    assert stored.team_id == new_team.pk


def test_a_batch_from_a_revoked_token_stores_nothing(client, checklist, observer_token):
    assert send_batch(client, observer_token, checklist).status_code == 200
    revoke_the_observers_tokens()

    assert send_batch(client, observer_token, checklist).status_code == 401
    assert Submission.objects.count() == 2


def test_an_openrosa_instance_from_a_revoked_token_is_forbidden_and_not_stored(
    client,
    observer_token,
    xform_xml,  # noqa: F811
):
    first = instance_from_xform(xform_xml, ANSWERS, f"uuid:{uuid.uuid4()}")
    assert collect_post(client, observer_token, first).status_code == 201
    revoke_the_observers_tokens()

    second = instance_from_xform(xform_xml, ANSWERS, f"uuid:{uuid.uuid4()}")
    assert collect_post(client, observer_token, second).status_code == 403
    assert Submission.objects.count() == 1
    assert not RawPayload.objects.filter(body__contains=second.decode()[-60:]).exists()


def test_an_openrosa_refusal_for_a_revoked_token_is_forbidden(
    client,
    observer_token,
    xform_xml,  # noqa: F811
):
    first = instance_from_xform(xform_xml, ANSWERS, f"uuid:{uuid.uuid4()}")
    assert collect_post(client, observer_token, first).status_code == 201
    revoke_the_observers_tokens()

    unreadable = b"<not-xml"
    assert collect_post(client, observer_token, unreadable).status_code == 403
    assert not RawPayload.objects.filter(status=RawPayload.Status.INVALID).exists()


def test_collects_head_request_for_a_revoked_token_is_forbidden(
    client,
    observer_token,
    xform_xml,  # noqa: F811
):
    first = instance_from_xform(xform_xml, ANSWERS, f"uuid:{uuid.uuid4()}")
    assert collect_post(client, observer_token, first).status_code == 201
    assert client.head(f"/odk/{observer_token}/submission").status_code == 204
    revoke_the_observers_tokens()

    assert client.head(f"/odk/{observer_token}/submission").status_code == 403


def test_a_remembered_sender_costs_no_lookup_on_the_next_report(
    client, checklist, observer_token, monkeypatch
):
    from pollwatch.missions import devices

    assert send(client, observer_token, checklist).status_code == 201
    lookups = []
    looked_up = devices._user_by_digest
    monkeypatch.setattr(
        devices, "_user_by_digest", lambda digest: lookups.append(digest) or looked_up(digest)
    )

    assert send(client, observer_token, checklist).status_code == 201
    # PostgreSQL checks the token inside the store call; SQLite's store path looks it up.
    assert len(lookups) == (0 if _stores_in_one_call() else 1)


def test_without_memory_every_report_looks_its_sender_up(
    client, checklist, observer_token, monkeypatch, settings
):
    from pollwatch.missions import devices

    settings.POLLWATCH_DEVICE_MEMORY_SECONDS = 0
    lookups = []
    looked_up = devices._user_by_digest
    monkeypatch.setattr(
        devices, "_user_by_digest", lambda digest: lookups.append(digest) or looked_up(digest)
    )

    for _ in range(3):
        assert send(client, observer_token, checklist).status_code == 201
    assert len(lookups) == 3


def _stores_in_one_call() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"
