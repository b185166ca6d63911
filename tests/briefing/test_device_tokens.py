"""Only a certified member holds a device token: the model, the command and the page refuse."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from pollwatch.accounts.models import DeviceToken, TokenRefused
from pollwatch.accounts.roles import Role
from pollwatch.audit.models import AuditEvent
from pollwatch.briefing.services import take_quiz
from pollwatch.missions.logins import create_user
from tests.briefing.conftest import RIGHT
from tests.conftest import mission_on


def test_an_uncertified_observer_cannot_get_a_device_token(module, observer_north):
    with pytest.raises(TokenRefused, match="required briefing"):
        DeviceToken.issue(observer_north, "phone")
    assert not DeviceToken.objects.filter(user=observer_north).exists()


def test_the_tokens_command_refuses_an_uncertified_observer_with_a_clear_message(
    module, observer_north
):
    with pytest.raises(CommandError, match="obs-north has not passed the mission's required"):
        call_command("tokens", "issue", "obs-north", "--name", "phone")
    assert not AuditEvent.objects.filter(action="accounts.token_issued").exists()


def test_an_observer_who_passed_the_required_modules_gets_a_token(module, observer_north):
    take_quiz(module, observer_north.member, RIGHT, actor=observer_north)
    device, token = DeviceToken.issue(observer_north, "phone")
    assert device.user == observer_north and token


def test_a_mission_that_requires_no_briefing_certifies_everyone(mission, observer_north):
    assert DeviceToken.issue(observer_north, "phone")[1]


def test_an_optional_module_does_not_hold_back_a_token(module, observer_north):
    module.required = False
    module.save()
    assert DeviceToken.issue(observer_north, "phone")[1]


def test_the_core_team_issues_a_token_to_a_certified_member_from_the_overview(
    client, module, core_team, observer_north
):
    client.force_login(core_team)
    url = f"/briefing/members/{observer_north.member.pk}/token/"
    refused = client.post(url, {"name": "team 1 phone"})
    assert "has not passed the mission&#x27;s required briefing" in refused.content.decode()
    take_quiz(module, observer_north.member, RIGHT, actor=observer_north)
    issued = client.post(url, {"name": "team 1 phone"})
    assert issued.status_code == 200
    assert DeviceToken.objects.get(user=observer_north).name == "team 1 phone"
    event = AuditEvent.objects.get(action="accounts.token_issued")
    assert event.actor == core_team


def test_another_missions_member_gets_no_token_from_this_core_team(
    client, module, core_team, election
):
    other = mission_on(election, "other", {"X": "N1"})
    stranger = create_user("stranger", "pw-long-enough-1", Role.OBSERVER, mission=other)
    client.force_login(core_team)
    response = client.post(f"/briefing/members/{stranger.member.pk}/token/", {"name": "x"})
    assert response.status_code == 404
    assert not DeviceToken.objects.filter(user=stranger).exists()


def test_the_tokens_command_issues_one_to_a_certified_observer(module, observer_north):
    take_quiz(module, observer_north.member, RIGHT, actor=observer_north)
    printed = io.StringIO()
    call_command("tokens", "issue", "obs-north", "--name", "phone", stdout=printed)
    assert "shown once" in printed.getvalue()
    assert DeviceToken.objects.filter(user=observer_north).count() == 1
