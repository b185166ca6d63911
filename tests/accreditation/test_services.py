"""Accrediting members: only the certified, each number once, every decision audited."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pollwatch.accreditation.models import Badge, BadgeStatus
from pollwatch.accreditation.services import (
    AccreditationError,
    grant_accreditation,
    issue_badge,
    refuse_accreditation,
    request_accreditation,
    revoke_accreditation,
    revoke_badge,
)
from pollwatch.audit.models import AuditEvent
from pollwatch.missions.models import Member

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def png_upload(size: int = 0) -> SimpleUploadedFile:
    return SimpleUploadedFile("me.png", PNG + b"\x00" * size, content_type="image/png")


def test_an_uncertified_member_cannot_be_accredited(observer_north, core_team, certification_rule):
    certification_rule(lambda member: member.pk != observer_north.member.pk)
    member = observer_north.member
    request_accreditation(member, actor=core_team)

    with pytest.raises(AccreditationError, match="not certified"):
        grant_accreditation(member, number="A-1", actor=core_team)

    member.refresh_from_db()
    assert member.accreditation_status == Member.Accreditation.PENDING
    assert member.accreditation_number == ""


def test_a_certified_member_is_accredited_until_the_mission_leaves(observer_north, core_team):
    member = observer_north.member
    request_accreditation(member, actor=core_team)
    grant_accreditation(member, number="A-1", actor=core_team)

    member.refresh_from_db()
    assert member.accreditation_status == Member.Accreditation.GRANTED
    assert member.accreditation_number == "A-1"
    assert member.accreditation_valid_until == member.mission.departure
    actions = list(AuditEvent.objects.values_list("action", flat=True).order_by("pk"))
    assert actions[-2:] == ["accreditation.requested", "accreditation.granted"]


def test_an_accreditation_number_is_one_members_only(observer_north, observer_south, core_team):
    grant_accreditation(observer_north.member, number="A-1", actor=core_team)
    with pytest.raises(AccreditationError, match="already Obs-North's"):
        grant_accreditation(observer_south.member, number="A-1", actor=core_team)


def test_only_a_pending_request_can_be_refused(observer_north, core_team):
    with pytest.raises(AccreditationError):
        refuse_accreditation(observer_north.member, actor=core_team)
    request_accreditation(observer_north.member, actor=core_team)
    member = refuse_accreditation(observer_north.member, reason="late", actor=core_team)
    assert member.accreditation_status == Member.Accreditation.REFUSED
    assert AuditEvent.objects.filter(action="accreditation.refused", data__reason="late").exists()


def test_a_badge_needs_a_granted_accreditation(observer_north, core_team):
    with pytest.raises(AccreditationError, match="not accredited"):
        issue_badge(observer_north.member, actor=core_team)


def test_a_new_badge_replaces_the_members_old_one(observer_north, core_team):
    grant_accreditation(observer_north.member, number="A-1", actor=core_team)
    first = issue_badge(observer_north.member, actor=core_team)
    second = issue_badge(observer_north.member, actor=core_team)

    first.refresh_from_db()
    assert first.status is BadgeStatus.REVOKED
    assert list(Badge.objects.active()) == [second]
    assert second.valid_from == observer_north.member.mission.arrival
    assert len(second.code) >= 24


def test_revoking_the_accreditation_revokes_the_badge(observer_north, core_team):
    grant_accreditation(observer_north.member, number="A-1", actor=core_team)
    badge = issue_badge(observer_north.member, actor=core_team)

    revoke_accreditation(observer_north.member, reason="left the country", actor=core_team)

    badge.refresh_from_db()
    assert badge.revoked_at is not None
    assert AuditEvent.objects.filter(action="accreditation.badge_revoked").count() == 1


def test_a_revoked_badge_is_audited_with_its_reason(observer_north, core_team):
    grant_accreditation(observer_north.member, number="A-1", actor=core_team)
    badge = issue_badge(observer_north.member, actor=core_team)

    with pytest.raises(AccreditationError):
        revoke_badge(badge, reason=" ", actor=core_team)
    revoke_badge(badge, reason="lost", actor=core_team)
    with pytest.raises(AccreditationError, match="already revoked"):
        revoke_badge(badge, reason="lost", actor=core_team)

    event = AuditEvent.objects.get(action="accreditation.badge_revoked")
    assert (event.actor, event.data, event.target_id) == (
        core_team,
        {"reason": "lost"},
        str(badge.pk),
    )


def test_a_badge_is_valid_only_between_its_dates():
    badge = Badge(valid_from=datetime.date(2026, 4, 1), valid_until=datetime.date(2026, 5, 5))
    assert badge.status_on(datetime.date(2026, 3, 31)) is BadgeStatus.NOT_YET_VALID
    assert badge.status_on(datetime.date(2026, 4, 1)) is BadgeStatus.VALID
    assert badge.status_on(datetime.date(2026, 5, 5)) is BadgeStatus.VALID
    assert badge.status_on(datetime.date(2026, 5, 6)) is BadgeStatus.EXPIRED


def test_a_badge_photo_is_a_png_or_jpeg_of_limited_size(observer_north, core_team, settings):
    settings.POLLWATCH_BADGE_PHOTO_MAX_BYTES = 1000
    grant_accreditation(observer_north.member, number="A-1", actor=core_team)

    with pytest.raises(AccreditationError, match="JPEG or PNG"):
        issue_badge(
            observer_north.member,
            photo=SimpleUploadedFile("me.png", b"<svg onload=alert(1)>", "image/png"),
            actor=core_team,
        )
    with pytest.raises(AccreditationError, match="larger than"):
        issue_badge(observer_north.member, photo=png_upload(size=2000), actor=core_team)

    badge = issue_badge(observer_north.member, photo=png_upload(), actor=core_team)
    assert badge.photo.name.endswith(".png")
    assert "me" not in badge.photo.name.rsplit("/", 1)[-1]
    with badge.photo.open("rb") as stored:
        assert stored.read() == io.BytesIO(PNG).read()
