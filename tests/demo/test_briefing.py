"""The demo's briefing: two required modules most observers completed, some at the second try."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.contrib.auth.models import User
from django.test import Client

from pollwatch.accounts.certification import is_certified
from pollwatch.accounts.models import DeviceToken
from pollwatch.briefing.models import ModuleReading, QuizAttempt
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


def test_the_briefing_took_place_in_the_week_before_the_first_round():
    mission = international()
    first_round = mission.election.rounds.order_by("number").first()
    voting_day = first_round.voting_day if first_round else mission.election.date
    zone = zoneinfo.ZoneInfo(mission.election.time_zone or "UTC")
    week_before = voting_day - datetime.timedelta(days=7)
    opens = datetime.datetime.combine(week_before, datetime.time(), zone)
    closes = datetime.datetime.combine(voting_day, datetime.time(), zone)
    attempts = QuizAttempt.objects.filter(module__mission=mission)
    readings = ModuleReading.objects.filter(module__mission=mission)
    moments = [*attempts.values_list("taken_at", flat=True)]
    moments += readings.values_list("read_at", flat=True)
    assert all(opens <= moment < closes for moment in moments)
    assert len({moment.astimezone(zone).date() for moment in moments}) >= 5
    for member in mission.members.filter(certified_at__isnull=False).exclude(role="support"):
        passed = attempts.filter(member=member, passed=True).order_by("taken_at").first()
        assert passed is not None and member.certified_at >= passed.taken_at, member
        assert member.certified_at < closes
    for attempt in attempts.filter(passed=False):
        retake = attempts.filter(member=attempt.member, pk__gt=attempt.pk).first()
        assert retake is None or retake.taken_at > attempt.taken_at


def test_everyone_who_reported_is_certified_and_the_uncertified_are_reserves():
    from pollwatch.intake.models import Submission

    mission = international()
    reporters = Member.objects.filter(submissions__mission=mission).distinct()
    assert reporters.exists()
    assert not reporters.filter(certified_at__isnull=True).exists()
    uncertified = mission.members.filter(certified_at__isnull=True).exclude(
        role=Member.Role.SUPPORT
    )
    assert uncertified.exists() and not uncertified.filter(team__isnull=False).exists()
    assert not Submission.objects.filter(observer__in=uncertified).exists()
