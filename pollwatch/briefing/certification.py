"""What certifies a member: completing every required module of their mission.

A required module with a test is completed by passing its test; one without a
test (required reading) by saying one has read it.
"""

from __future__ import annotations

from pollwatch.accounts.roles import Membership
from pollwatch.briefing.models import BriefingModule, ModuleReading, QuizAttempt
from pollwatch.missions.models import Member


def has_passed_required_briefing(member: Membership) -> bool:
    """The rule the accounts app asks: certified already, or nothing is required of them.

    A member certified before a module was added stays certified: certification
    records what they passed when it was given.
    """
    if getattr(member, "certified_at", None) is not None:
        return True
    return not BriefingModule.objects.filter(mission=member.mission_id).required().exists()


def required_modules_not_completed(member: Member) -> list[BriefingModule]:
    """The required modules of the member's mission they have not completed yet."""
    passed = QuizAttempt.objects.filter(member=member, passed=True).values("module")
    read = set(ModuleReading.objects.filter(member=member).values_list("module", flat=True))
    open_modules = (
        BriefingModule.objects.filter(mission=member.mission_id).required().exclude(pk__in=passed)
    )
    return [module for module in open_modules if module.quiz or module.pk not in read]
