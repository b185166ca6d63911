"""What certifies a member: passing the test of every required module of their mission."""

from __future__ import annotations

from pollwatch.accounts.roles import Membership
from pollwatch.briefing.models import BriefingModule, QuizAttempt


def has_passed_required_briefing(member: Membership) -> bool:
    """The rule the accounts app asks: certified already, or nothing is required of them.

    A member certified before a module was added stays certified: certification
    records what they passed when it was given.
    """
    if getattr(member, "certified_at", None) is not None:
        return True
    return not BriefingModule.objects.filter(mission=member.mission_id, required=True).exists()


def required_modules_not_passed(member: Membership) -> list[BriefingModule]:
    """The required modules of the member's mission whose test they have not passed yet."""
    passed = QuizAttempt.objects.filter(member=member, passed=True).values("module")
    return list(
        BriefingModule.objects.filter(mission=member.mission_id, required=True).exclude(
            pk__in=passed
        )
    )
