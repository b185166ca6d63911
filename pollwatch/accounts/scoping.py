"""What each user may see: every query of the application is narrowed here.

The mission is the boundary. Administrators see everything. Everyone else
sees only their own mission, and within it: the core team and analysts see
the whole mission; a coordinator sees the areas assigned to them (and
everything below); an observer sees their own team and its assignment.
Objects of another mission are treated as if they did not exist.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from pollwatch.accounts.roles import (
    Role,
    has_role,
    is_administrator,
    membership,
    mission_role,
    own_mission_id,
)
from pollwatch.missions.models import Member, Mission, Team
from pollwatch.registry.models import Area, PollingStation

WHOLE_MISSION = (Role.CORE_TEAM, Role.ANALYST)


def sees_everything(user) -> bool:
    """Whether the user sees the whole of their own mission (administrators: of every mission)."""
    return has_role(user, *WHOLE_MISSION)


def coordinated_areas(user) -> list[Area]:
    member = membership(user)
    if member is None or mission_role(user) is not Role.COORDINATOR:
        return []
    return list(member.areas.all())


def team_areas(user) -> list[Area]:
    member = membership(user)
    if member is None or not member.team_id or mission_role(user) is not Role.OBSERVER:
        return []
    return list(Area.objects.filter(teams=member.team_id))


def visible_missions(user, queryset: QuerySet[Mission] | None = None):
    missions = queryset if queryset is not None else Mission.objects.all()
    if is_administrator(user):
        return missions
    if mission_role(user) is None:
        return missions.none()
    return missions.filter(pk=own_mission_id(user))


def visible_elections(user, queryset=None):
    """Elections the user works on: their mission's (administrators: all)."""
    from pollwatch.registry.models import Election

    elections = queryset if queryset is not None else Election.objects.all()
    if is_administrator(user):
        return elections
    if mission_role(user) is None:
        return elections.none()
    return elections.filter(missions=own_mission_id(user))


def visible_stations(user, queryset: QuerySet[PollingStation] | None = None):
    stations = queryset if queryset is not None else PollingStation.objects.all()
    if is_administrator(user):
        return stations
    role = mission_role(user)
    if role in WHOLE_MISSION:
        return stations.filter(election__missions=own_mission_id(user))
    if role is Role.COORDINATOR:
        return stations.in_areas(coordinated_areas(user))
    if role is Role.OBSERVER:
        return stations.in_areas(team_areas(user))
    return stations.none()


def visible_teams(user, mission: Mission | None = None):
    """Teams whose routes the user may see: all, those in a coordinator's areas, or their own."""
    teams = Team.objects.all() if mission is None else mission.teams.all()
    if is_administrator(user):
        return teams
    role = mission_role(user)
    teams = teams.filter(mission=own_mission_id(user))
    if role in WHOLE_MISSION:
        return teams
    if role is Role.COORDINATOR:
        return teams.filter(areas__in=Area.objects.within(coordinated_areas(user))).distinct()
    member = membership(user)
    if role is Role.OBSERVER and member.team_id:
        return teams.filter(pk=member.team_id)
    return teams.none()


def visible_members(user, queryset: QuerySet[Member] | None = None):
    members = queryset if queryset is not None else Member.objects.all()
    if is_administrator(user):
        return members
    role = mission_role(user)
    member = membership(user)
    if role is None:
        return members.none()
    members = members.filter(mission=member.mission_id)
    if role in WHOLE_MISSION:
        return members
    if role is Role.COORDINATOR:
        area_teams = visible_teams(user).values("pk")
        return members.filter(Q(team__in=area_teams) | Q(pk=member.pk)).distinct()
    if member.team_id:
        return members.filter(Q(team=member.team_id) | Q(pk=member.pk))
    return members.filter(pk=member.pk)


def can_manage_station(user, station: PollingStation, mission=None) -> bool:
    """Whether the user may change routes at this station (in ``mission`` when given)."""
    if mission is not None and not has_role(
        user, Role.CORE_TEAM, Role.COORDINATOR, mission=mission
    ):
        return False
    if is_administrator(user):
        return True
    role = mission_role(user)
    if role is Role.CORE_TEAM:
        return Mission.objects.filter(
            pk=own_mission_id(user), election=station.election_id
        ).exists()
    if role is Role.COORDINATOR:
        return visible_stations(user, PollingStation.objects.filter(pk=station.pk)).exists()
    return False


def visible_submissions(user, queryset=None):
    from pollwatch.intake.models import Submission

    submissions = queryset if queryset is not None else Submission.objects.all()
    if is_administrator(user):
        return submissions
    role = mission_role(user)
    member = membership(user)
    if role is None:
        return submissions.none()
    submissions = submissions.filter(mission=member.mission_id)
    if role in WHOLE_MISSION:
        return submissions
    if role is Role.COORDINATOR:
        return submissions.filter(station__in=visible_stations(user).values("pk"))
    if role is Role.OBSERVER and member.team_id:
        return submissions.filter(team=member.team_id)
    return submissions.none()


def can_review_submission(user, submission) -> bool:
    if not has_role(user, Role.CORE_TEAM, Role.COORDINATOR, mission=submission.mission_id):
        return False
    return visible_submissions(user).filter(pk=submission.pk).exists()


def visible_payloads(user, queryset=None):
    """Raw payloads a coordinator or the core team may review: those of their mission's people.

    A payload whose sender is unknown (an SMS from a number of no member) belongs
    to no mission, so only administrators see it.
    """
    from pollwatch.intake.models import RawPayload

    payloads = queryset if queryset is not None else RawPayload.objects.all()
    if is_administrator(user):
        return payloads
    if not has_role(user, Role.CORE_TEAM, Role.COORDINATOR):
        return payloads.none()
    return payloads.filter(user__member__in=visible_members(user).values("pk"))


def visible_messages(user, queryset=None):
    from pollwatch.intake.channel_models import SmsMessage

    messages = queryset if queryset is not None else SmsMessage.objects.all()
    if is_administrator(user):
        return messages
    if not has_role(user, Role.CORE_TEAM, Role.COORDINATOR):
        return messages.none()
    return messages.filter(member__in=visible_members(user).values("pk"))


def visible_uploads(user, queryset=None):
    """Forensic analyses: each is its author's mission's own work."""
    from pollwatch.forensics.models import ResultsUpload

    uploads = queryset if queryset is not None else ResultsUpload.objects.all()
    if is_administrator(user):
        return uploads
    if not has_role(user, *WHOLE_MISSION):
        return uploads.none()
    return uploads.filter(mission=own_mission_id(user))
