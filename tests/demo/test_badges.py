"""The demo's observers are accredited and carry badges; one badge is revoked."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from pollwatch.accreditation.models import Badge, BadgeStatus
from pollwatch.demo.country import MISSION_SLUG
from pollwatch.missions.models import Member, Mission
from tests.demo.test_story import demo, startup  # noqa: F401

pytestmark = pytest.mark.slow


def test_the_demo_observers_carry_badges_and_one_is_revoked(demo, client):  # noqa: F811
    observers = Member.objects.filter(mission__slug=MISSION_SLUG, role=Member.Role.OBSERVER)
    badges = Badge.objects.filter(member__in=observers)

    certified = observers.filter(certified_at__isnull=False)
    assert badges.count() == certified.count() > 0
    assert set(certified.values_list("accreditation_status", flat=True)) == {"granted"}
    # Only certified observers are accredited; the others wait for their briefing.
    uncertified = observers.filter(certified_at__isnull=True)
    assert uncertified.exists()
    assert set(uncertified.values_list("accreditation_status", flat=True)) == {"pending"}
    assert not badges.filter(member__in=uncertified).exists()
    assert certified.exclude(identity_document="").count() >= certified.count() // 4
    revoked = badges.get(revoked_at__isnull=False)
    assert revoked.status is BadgeStatus.REVOKED
    page = client.get(reverse("accreditation:check", args=[revoked.code])).content.decode()
    assert ">REVOKED</p>" in page


def test_the_demo_accreditation_list_names_the_passports(demo, client):  # noqa: F811
    from django.contrib.auth.models import User

    client.force_login(User.objects.get(username="core"))
    response = client.get(
        reverse("accreditation:download", args=[MISSION_SLUG, "csv"]), {"status": "granted"}
    )
    text = b"".join(response.streaming_content).decode()
    assert "VX7310042" in text
    assert io.StringIO(text).readline().startswith("name,passport or ID number,nationality")


def test_the_mission_and_its_badges_last_through_the_run_off(demo):  # noqa: F811
    mission = Mission.objects.get(slug=MISSION_SLUG)
    last_round = mission.election.rounds.order_by("number").last()
    assert last_round.number > 1 and mission.departure > last_round.voting_day
    badges = Badge.objects.filter(member__mission=mission, revoked_at__isnull=True)
    assert badges.exists()
    assert all(badge.valid_until >= last_round.voting_day for badge in badges)
