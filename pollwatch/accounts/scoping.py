"""Who sees how much of a mission: the role helpers every ``visible_to`` query is built on.

The mission is the boundary. Administrators see everything. Everyone else
sees only their own mission, and within it: the core team and analysts see
the whole mission; a coordinator sees the areas assigned to them (and
everything below); an observer sees their own team and its assignment.
Objects of another mission are treated as if they did not exist.

A mission run by a coalition adds a second boundary: a coordinator sent by one
member organisation (whose membership has a delegation) sees and manages only
the people of that organisation and the reports they sent. What the coalition
shares decides the rest: with "all", such a coordinator may also read the
other members' reports, never act on them; with "aggregates", the other
members' reports reach them only as counts and shares. The coalition's core
team, its analysts and coordinators sent by no member see as they would in
any mission.

Each model that holds a mission's data narrows its own rows with a
``visible_to(user)`` queryset method (``Submission.objects.visible_to(user)``);
this module reaches other apps' data only through the user's membership, so
it sits below every app that owns such data.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Q

from pollwatch.accounts.roles import (
    AnyUser,
    Membership,
    MissionRef,
    Role,
    has_role,
    is_administrator,
    membership,
    mission_role,
)

WHOLE_MISSION = (Role.CORE_TEAM, Role.ANALYST)

# ``missions.Mission.CoalitionSharing``: the members read each other's reports.
SHARES_ALL_REPORTS = "all"


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


def member_organisation(user: AnyUser) -> int | None:
    """The coalition member (a ``missions.Delegation`` id) a coordinator's view is bounded by.

    None for everyone whose view no member organisation bounds: administrators, the
    core team and analysts, coordinators sent by no member, and every mission that is
    not a coalition.
    """
    member = membership(user)
    if member is None or member.delegation_id is None:
        return None
    if mission_role(user) is not Role.COORDINATOR or not member.mission.coalition:
        return None
    return member.delegation_id


def reads_other_members_reports(user: AnyUser) -> bool:
    """Whether a coordinator bounded by a member organisation may read the others' reports."""
    member = membership(user)
    return (
        member_organisation(user) is not None
        and member is not None
        and member.mission.coalition_sharing == SHARES_ALL_REPORTS
    )


def sent_by_own_organisation(user: AnyUser, sender: str) -> Q:
    """Rows whose sender (the lookup ``sender`` reaches a ``missions.Member`` by; "" for
    members themselves) the user manages.

    An empty condition for everyone no member organisation bounds; a row whose
    sender is unknown or of no member organisation is the core team's.
    """
    delegation = member_organisation(user)
    if delegation is None:
        return Q()
    return Q(**{"__".join(filter(None, (sender, "delegation"))): delegation})


def readable_reports_of(user: AnyUser, sender: str) -> Q:
    """Rows whose sender's reports the user may read: their own organisation's, or every
    member's when the coalition shares all of its reports."""
    if reads_other_members_reports(user):
        return Q()
    return sent_by_own_organisation(user, sender)


def manages_sender(user: AnyUser, sender: Membership | None) -> bool:
    """Whether the person who sent something is one whose work the user may act on."""
    delegation = member_organisation(user)
    return delegation is None or (sender is not None and sender.delegation_id == delegation)


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
    return _sees(user, submission) and manages_sender(user, submission.observer)


def _sees(user: AnyUser, obj: Any) -> bool:
    """Whether ``obj`` is among the rows its model's ``visible_to`` shows the user.

    ``obj`` is an instance of a model whose manager has ``visible_to``; those models live in
    apps above this one.
    """
    return type(obj).objects.visible_to(user).filter(pk=obj.pk).exists()
