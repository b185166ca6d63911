"""What an observer's team is asked to cover: its stations in route order, and the forms."""

from __future__ import annotations

from typing import TypedDict

from pollwatch.deployment.models import RouteStop
from pollwatch.forms.definition import PHASES
from pollwatch.intake.definitions import current_form_versions
from pollwatch.intake.models import Submission
from pollwatch.missions.models import Member
from pollwatch.registry.models import PollingStation

MAX_AREA_STATIONS = 200


class AssignedStation(TypedDict):
    code: str
    name: str
    address: str
    reported: list[str]  # the phases the team has reported at the station


class AssignedForm(TypedDict):
    code: str
    version: int
    phase: str
    title: dict[str, str]  # by language


class Assignment(TypedDict):
    """What an observer's phone is told to cover, as the API sends it."""

    mission: str
    team: str | None
    observer: str
    stations: list[AssignedStation]
    forms: list[AssignedForm]


def assigned_stations(member: Member) -> list[PollingStation]:
    if member.team_id is None:
        return []
    stops = _route_stops(member.team_id)
    if stops:
        return stops
    team = member.team
    if team is None:
        return []
    return list(
        PollingStation.objects.in_areas(list(team.areas.all())).order_by("code")[:MAX_AREA_STATIONS]
    )


def _route_stops(team_id: int) -> list[PollingStation]:
    stops = RouteStop.objects.current_for_team(team_id).select_related("station")
    return [stop.station for stop in stops]


def reported_phases(member: Member, stations: list[PollingStation]) -> dict[int, list[str]]:
    """The phases the member's team has reported at each station, by station id.

    Reports refused by the mission do not count: the station is still to be reported.
    """
    if member.team_id is None:
        return {}
    rows = (
        Submission.objects.filter(
            mission_id=member.mission_id,
            team_id=member.team_id,
            station__in=[station.pk for station in stations],
        )
        .exclude(status=Submission.Status.REJECTED)
        .values_list("station_id", "phase")
        .distinct()
    )
    reported: dict[int, set[str]] = {}
    for station_id, phase in rows:
        reported.setdefault(station_id, set()).add(phase)
    return {
        station_id: [phase for phase in PHASES if phase in phases]
        for station_id, phases in reported.items()
    }


def assignment_for(member: Member) -> Assignment:
    stations = assigned_stations(member)
    reported = reported_phases(member, stations)
    return {
        "mission": member.mission.name,
        "team": member.team.code if member.team is not None else None,
        "observer": member.full_name,
        "stations": [
            {
                "code": s.code,
                "name": s.name,
                "address": s.address,
                "reported": reported.get(s.pk, []),
            }
            for s in stations
        ],
        "forms": [
            {
                "code": v.form.code,
                "version": v.version,
                "phase": v.form.phase,
                "title": v.definition.get("title", {}),
            }
            for v in current_form_versions()
        ],
    }
