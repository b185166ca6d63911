"""Taking a module's test: scored on the server, every attempt kept, certification at the end."""

from __future__ import annotations

import pytest

from pollwatch.accounts.certification import is_certified
from pollwatch.audit.models import AuditEvent
from pollwatch.briefing.models import ModuleReading, QuizAttempt
from pollwatch.briefing.quiz_files import QuizUpload
from pollwatch.briefing.scoring import is_right
from pollwatch.briefing.services import (
    BriefingRefused,
    create_module,
    mark_read,
    set_quiz,
    set_quiz_answers,
    take_quiz,
)
from tests.briefing.conftest import QUIZ, RIGHT

WRONG_TWICE = {"may_touch_ballots": "yes", "who_decides": "chair", "rights": ["watch"]}


def test_a_failed_attempt_is_kept_with_the_questions_answered_wrong(module, observer_north):
    member = observer_north.member
    attempt = take_quiz(module, member, WRONG_TWICE, actor=observer_north)
    assert (attempt.correct, attempt.total, attempt.score, attempt.passed) == (1, 3, 33, False)
    assert attempt.wrong_questions == ["may_touch_ballots", "rights"]
    member.refresh_from_db()
    assert member.certified_at is None and not is_certified(member)


def test_a_retake_that_passes_certifies_the_member_and_is_audited(module, observer_north):
    member = observer_north.member
    take_quiz(module, member, WRONG_TWICE, actor=observer_north)
    passed = take_quiz(module, member, RIGHT, actor=observer_north)
    assert passed.passed and passed.score == 100
    member.refresh_from_db()
    assert member.certified_at is not None and is_certified(member)
    assert QuizAttempt.objects.filter(member=member).count() == 2
    certified = AuditEvent.objects.get(action="briefing.member_certified")
    assert certified.target_id == str(member.pk) and certified.actor == observer_north
    assert AuditEvent.objects.filter(action="briefing.test_taken").count() == 2


def test_the_pass_mark_is_a_share_of_the_questions(module, observer_north):
    two_of_three = dict(RIGHT, rights=["watch"])
    assert take_quiz(module, observer_north.member, two_of_three).passed  # 2 of 3 is 67%
    module.pass_mark = 80
    module.save()
    assert not take_quiz(module, observer_north.member, two_of_three).passed


def test_certification_waits_for_every_required_module(module, mission, observer_north, core_team):
    second = create_module(mission, title={"en": "Counting"}, required=True, order=2)
    set_quiz(second, QuizUpload(QUIZ, dict(RIGHT), 100), actor=core_team)
    member = observer_north.member
    take_quiz(module, member, RIGHT)
    member.refresh_from_db()
    assert member.certified_at is None
    take_quiz(second, member, RIGHT)
    member.refresh_from_db()
    assert member.certified_at is not None


def test_an_optional_module_is_not_needed_for_certification(module, mission, observer_north):
    create_module(mission, title={"en": "Extra reading"}, required=False, order=2)
    take_quiz(module, observer_north.member, RIGHT)
    observer_north.member.refresh_from_db()
    assert observer_north.member.certified_at is not None


def test_taking_the_test_counts_as_reading_and_reading_is_kept_once(module, observer_north):
    member = observer_north.member
    assert mark_read(module, member, actor=observer_north)
    assert not mark_read(module, member, actor=observer_north)
    take_quiz(module, member, RIGHT)
    assert ModuleReading.objects.filter(member=member).count() == 1
    assert AuditEvent.objects.filter(action="briefing.module_read").count() == 1


def test_a_module_without_all_its_right_answers_cannot_be_taken(module, observer_north):
    set_quiz_answers(module, {"may_touch_ballots": "no"}, pass_mark=50)
    assert module.answers_missing() == ["who_decides", "rights"]
    with pytest.raises(BriefingRefused, match="no test"):
        take_quiz(module, observer_north.member, RIGHT)


def test_right_answers_must_be_choices_of_their_question(module):
    with pytest.raises(BriefingRefused, match="maybe is not one of its choices"):
        set_quiz_answers(module, dict(RIGHT, may_touch_ballots="maybe"), pass_mark=50)


def test_a_member_of_another_mission_cannot_take_the_test(module, election):
    from pollwatch.accounts.roles import Role
    from pollwatch.missions.logins import create_user
    from tests.conftest import mission_on

    other = mission_on(election, "other", {"X": "N1"})
    stranger = create_user("stranger", "pw-long-enough-1", Role.OBSERVER, mission=other)
    with pytest.raises(BriefingRefused):
        take_quiz(module, stranger.member, RIGHT)


@pytest.mark.parametrize(
    ("kind", "right", "given", "expected"),
    [
        ("multiple_choice", ["a", "b"], ["b", "a"], True),
        ("multiple_choice", ["a", "b"], ["a"], False),
        ("integer", "3", 3, True),
        ("decimal", "2.5", "2,5", True),
        ("text", "Central Election Commission", " central  election commission", True),
        ("single_choice", "a", "", False),
        ("yes_no", "no", None, False),
    ],
)
def test_answers_are_compared_by_what_they_mean(kind, right, given, expected):
    assert is_right(kind, right, given) is expected


def test_a_required_module_without_a_test_is_completed_by_reading_it(
    module, mission, observer_north
):
    reading = create_module(mission, title={"en": "Code of conduct"}, required=True, order=2)
    member = observer_north.member
    take_quiz(module, member, RIGHT)
    member.refresh_from_db()
    assert member.certified_at is None
    mark_read(reading, member, actor=observer_north)
    member.refresh_from_db()
    assert member.certified_at is not None
