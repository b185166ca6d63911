"""The stations of a mission's critical incidents, for the map on the incident list.

The incidents are the list's own queryset (the viewer's, with the list's
filters), so the map shows no incident the list would not. A station with
several incidents is one marker, coloured by its most pressing status.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.urls import reverse

from pollwatch.intake.models import TriageStatus
from pollwatch.intake.models.submissions import SubmissionQuerySet
from pollwatch.missions.models import Mission
from pollwatch.registry.models import Area

# Most pressing first: a station's marker takes the first status any of its incidents has.
URGENCY = (TriageStatus.NEW, TriageStatus.IN_HAND, TriageStatus.RESOLVED, TriageStatus.DISMISSED)
MAX_INCIDENT_LINKS = 20


@dataclass(frozen=True, slots=True)
class IncidentLink:
    id: int
    status: str
    status_label: str
    url: str


@dataclass(slots=True)
class IncidentStation:
    code: str
    name: str
    lat: float
    lon: float
    status: str
    url: str
    incidents: list[IncidentLink] = field(default_factory=list)
    incident_count: int = 0


def incident_stations(mission: Mission, incidents: SubmissionQuerySet) -> list[IncidentStation]:
    """The located stations of ``incidents`` (annotated by ``incidents()``), by code."""
    rows = (
        incidents.exclude(station__latitude=None)
        .exclude(station__longitude=None)
        .order_by("station__code", "-received_at", "-id")
        .values_list(
            "id",
            "triage_status",
            "station__code",
            "station__name",
            "station__latitude",
            "station__longitude",
        )
    )
    stations: dict[str, IncidentStation] = {}
    for pk, status, code, name, lat, lon in rows:
        station = stations.get(code)
        if station is None:
            url = reverse("findings:station", args=[mission.slug, code])
            station = IncidentStation(code, name, float(lat), float(lon), status, url)
            stations[code] = station
        _add_incident(station, pk, status)
    return list(stations.values())


def _add_incident(station: IncidentStation, pk: int, status: str) -> None:
    station.incident_count += 1
    if URGENCY.index(TriageStatus(status)) < URGENCY.index(TriageStatus(station.status)):
        station.status = status
    if len(station.incidents) < MAX_INCIDENT_LINKS:
        link = IncidentLink(
            pk, status, str(TriageStatus(status).label), reverse("intake:triage", args=[pk])
        )
        station.incidents.append(link)


def incident_map_json(mission: Mission, stations: list[IncidentStation]) -> dict[str, Any]:
    return {
        "stations": [asdict(station) for station in stations],
        "areas": Area.objects.filter(election=mission.election_id).outlines(),
    }
