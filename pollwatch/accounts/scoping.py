"""Who sees how much of a mission: the role helpers every ``visible_to`` query is built on.

The mission is the boundary. Administrators see everything. Everyone else
sees only their own mission, and within it: the core team and analysts see
the whole mission; a coordinator sees the areas assigned to them (and
everything below); an observer sees their own team and its assignment.
Objects of another mission are treated as if they did not exist.

Each model that holds a mission's data narrows its own rows with a
``visible_to(user)`` queryset method (``Submission.objects.visible_to(user)``);
this module reaches other apps' data only through the user's membership, so
it sits below every app that owns such data.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from pollwatch.accounts.roles import (
    AnyUser,
    MissionRef,
    Role,
    has_role,
    is_administrator,
    membership,
    mission_role,
)

WHOLE_MISSION = (Role.CORE_TEAM, Role.ANALYST)


def sees_everything(user: AnyUser) -> bool:
    """Whether the user sees the whole of their own mission (administrators: of every mission)."""
    return has_role(user, *WHOLE_MISSION)


def coordinated_areas(user: AnyUser) -> list[Any]:
    """The areas (``registry.Area``) a coordinator manages; empty for every other role."""
    member = membership(user)
    if member is None or mission_role(user) is not Role.COORDINATOR:
        return []
    return list(member.areas.all())


def team_areas(user: AnyUser) -> list[Any]:
    """The areas (``registry.Area``) an observer's team is assigned; empty for every other role."""
    member = membership(user)
    if member is None or not member.team_id or mission_role(user) is not Role.OBSERVER:
        return []
    return list(member.team.areas.all())


def can_manage_station(user: AnyUser, station: Model, mission: MissionRef = None) -> bool:
    """Whether the user may change routes at this station (in ``mission`` when given)."""
    if mission is not None and not has_role(
        user, Role.CORE_TEAM, Role.COORDINATOR, mission=mission
    ):
        return False
    if is_administrator(user):
        return True
    if mission_role(user) not in (Role.CORE_TEAM, Role.COORDINATOR):
        return False
    return _sees(user, station)


def can_review_submission(user: AnyUser, submission: Any) -> bool:
    if not has_role(user, Role.CORE_TEAM, Role.COORDINATOR, mission=submission.mission_id):
        return False
    return _sees(user, submission)


def _sees(user: AnyUser, obj: Any) -> bool:
    """Whether ``obj`` is among the rows its model's ``visible_to`` shows the user.

    ``obj`` is an instance of a model whose manager has ``visible_to``; those models live in
    apps above this one.
    """
    return type(obj).objects.visible_to(user).filter(pk=obj.pk).exists()
