"""The demo's briefing: two required modules most observers completed, some at the second try."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from pollwatch.accounts.certification import is_certified
from pollwatch.accounts.models import DeviceToken
from pollwatch.briefing.models import QuizAttempt
from pollwatch.demo.users import DEMO_USERS
from pollwatch.missions.models import Member
from tests.demo.test_story import demo, international, startup  # noqa: F401

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("demo")]


def test_the_mission_has_two_required_modules_in_three_languages_one_with_a_short_test():
    modules = list(international().briefing_modules.all())
    assert len(modules) == 2 and all(module.required for module in modules)
    for module in modules:
        assert set(module.title) == set(module.text) == {"en", "ru", "tr"}
    tested = [module for module in modules if module.quiz]
    assert len(tested) == 1
    questions = tested[0].scored_questions()
    assert 3 <= len(questions) <= 5 and tested[0].answers_missing() == []
    assert all(set(q["label"]) == {"en", "ru", "tr"} for q in questions)


def test_most_observers_are_certified_some_after_a_retake_a_few_not_yet():
    observers = international().members.filter(role=Member.Role.OBSERVER)
    certified = observers.filter(certified_at__isnull=False).count()
    assert certified >= 0.8 * observers.count()
    assert 1 <= observers.count() - certified <= 5
    failed = QuizAttempt.objects.filter(member__in=observers, passed=False)
    retook = failed.filter(member__certified_at__isnull=False).values("member").distinct()
    assert retook.count() >= 3
    for member in observers.filter(certified_at__isnull=True):
        assert not is_certified(member)


def test_every_demo_login_is_certified_and_may_hold_a_device_token():
    for username, _role in DEMO_USERS:
        user = User.objects.get(username=username)
        member = getattr(user, "member", None)
        assert member is None or member.certified_at is not None, username
        assert DeviceToken.issue(user, "demo phone")[1]


def test_the_core_team_sees_who_is_briefed_and_certified():
    client = Client()
    client.force_login(User.objects.get(username="core"))
    mission = international()
    page = client.get(f"/missions/{mission.slug}/briefing/overview/?certified=not_certified")
    assert page.status_code == 200
    waiting = mission.members.filter(certified_at__isnull=True).exclude(role="support")
    for member in waiting:
        assert member.full_name in page.content.decode()
