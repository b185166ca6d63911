"""What each user may see: object scoping by role, area and team.

Administrators, the core team and analysts see the whole mission; a
coordinator sees the areas assigned to them (and everything below); an
observer sees their own team.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from pollwatch.accounts.roles import Role, has_role
from pollwatch.missions.models import Member
from pollwatch.registry.models import Area, PollingStation


def sees_everything(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR, Role.CORE_TEAM, Role.ANALYST)


def member_of(user) -> Member | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.filter(user=user).select_related("team", "mission").first()


def coordinated_areas(user) -> list[Area]:
    member = member_of(user)
    if member is None or not has_role(user, Role.COORDINATOR):
        return []
    return list(member.areas.all())


def visible_stations(user, queryset: QuerySet[PollingStation] | None = None):
    stations = queryset if queryset is not None else PollingStation.objects.all()
    if sees_everything(user):
        return stations
    if has_role(user, Role.COORDINATOR):
        return stations.in_areas(coordinated_areas(user))
    if has_role(user, Role.OBSERVER):
        member = member_of(user)
        if member and member.team_id:
            return stations.in_areas(list(member.team.areas.all()))
    return stations.none()


def visible_members(user, queryset: QuerySet[Member] | None = None):
    members = queryset if queryset is not None else Member.objects.all()
    if sees_everything(user):
        return members
    member = member_of(user)
    if member is None:
        return members.none()
    members = members.filter(mission=member.mission_id)
    if has_role(user, Role.COORDINATOR):
        areas = coordinated_areas(user)
        in_area_teams = Area.objects.within(areas).values("teams")
        return members.filter(Q(team__in=in_area_teams) | Q(pk=member.pk)).distinct()
    if has_role(user, Role.OBSERVER) and member.team_id:
        return members.filter(team=member.team_id)
    return members.filter(pk=member.pk)


def can_manage_station(user, station: PollingStation) -> bool:
    if has_role(user, Role.ADMINISTRATOR, Role.CORE_TEAM):
        return True
    if has_role(user, Role.COORDINATOR):
        return visible_stations(user, PollingStation.objects.filter(pk=station.pk)).exists()
    return False


def visible_submissions(user, queryset=None):
    from pollwatch.intake.models import Submission

    submissions = queryset if queryset is not None else Submission.objects.all()
    if sees_everything(user):
        return submissions
    if has_role(user, Role.COORDINATOR):
        return submissions.filter(station__in=visible_stations(user).values("pk"))
    member = member_of(user)
    if has_role(user, Role.OBSERVER) and member and member.team_id:
        return submissions.filter(team=member.team_id)
    return submissions.none()


def can_review_submission(user, submission) -> bool:
    if has_role(user, Role.ADMINISTRATOR, Role.CORE_TEAM):
        return True
    return has_role(user, Role.COORDINATOR) and can_manage_station(user, submission.station)
