"""Everything a mission knows of one polling station, as far as the viewer may see it.

Reports come through ``Submission.objects.visible_to``, so a coordinator or an
observer sees the station's reports they would see in the report list and no
others; files sent with them come with them. Official figures are the
mission's own (its imports of official results), shown to those who may read
the PVT they are compared with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from pollwatch.accounts.roles import AnyUser
from pollwatch.findings.models import OfficialStationResult
from pollwatch.findings.pvt import FIGURES, PVT_FORM
from pollwatch.findings.services import option_codes
from pollwatch.intake.models import Attachment, Submission
from pollwatch.intake.models.submissions import SubmissionQuerySet
from pollwatch.missions.models import Mission
from pollwatch.registry.models import Area, PollingStation


@dataclass(frozen=True, slots=True)
class Tally:
    """The figures one PVT form 2 report copied from the station's protocol."""

    report: Submission
    figures: tuple[tuple[str, object], ...]


@dataclass(frozen=True, slots=True)
class StationRecord:
    """The station and what the viewer may see of it.

    ``official`` is None when the viewer may not read official figures.
    """

    station: PollingStation
    reports: list[Submission]
    incidents: list[Submission]
    attachments: list[Attachment]
    official: list[OfficialStationResult] | None
    tallies: list[Tally]
    triageable: frozenset[int]
    """The ids of the incidents the viewer may triage."""


def station_seen_by(user: AnyUser, mission: Mission, code: str) -> PollingStation:
    """The station of the mission's election with ``code``, if the viewer may see it or a report
    sent from it; 404 otherwise, as if it did not exist."""
    reported = Submission.objects.visible_to(user).filter(mission=mission, station=OuterRef("pk"))
    seen = PollingStation.objects.visible_to(user).filter(pk=OuterRef("pk"))
    station = (
        PollingStation.objects.filter(election=mission.election_id, code=code)
        .filter(Q(Exists(seen)) | Q(Exists(reported)))
        .select_related("area")
        .first()
    )
    if station is None:
        raise Http404("no such station")
    return station


def station_record(user: AnyUser, mission: Mission, station: PollingStation) -> StationRecord:
    reports = (
        Submission.objects.visible_to(user)
        .filter(mission=mission, station=station)
        .select_related("team", "form_version__form")
        .order_by("-received_at", "-id")
    )
    return StationRecord(
        station=station,
        reports=list(reports),
        incidents=list(
            reports.incidents().select_related("triage__assignee").order_by("-received_at", "-id")
        ),
        attachments=list(
            Attachment.objects.filter(submission__in=reports.values("pk")).order_by("-received_at")
        ),
        official=_official(user, mission, station),
        tallies=_tallies(mission, reports),
        triageable=_triageable(user, mission, reports),
    )


def _triageable(user: AnyUser, mission: Mission, reports: SubmissionQuerySet) -> frozenset[int]:
    if not user.has_perm("intake.triage_incidents", mission):
        return frozenset()
    managed = reports.incidents().filter(pk__in=Submission.objects.managed_by(user).values("pk"))
    return frozenset(managed.values_list("pk", flat=True))


def _official(
    user: AnyUser, mission: Mission, station: PollingStation
) -> list[OfficialStationResult] | None:
    if not user.has_perm("findings.view_pvt", mission):
        return None
    return list(
        OfficialStationResult.objects.filter(results__mission=mission, station=station)
        .select_related("results")
        .order_by("-results__imported_at", "-results_id")
    )


def _tallies(mission: Mission, reports: QuerySet[Submission]) -> list[Tally]:
    names = [*FIGURES, *(f"votes_{code}" for code, _name in option_codes(mission.election))]
    return [
        Tally(report, tuple((name, report.answers.get(name)) for name in names))
        for report in reports.filter(form_version__form__code=PVT_FORM)
    ]


def station_place_map(station: PollingStation) -> dict[str, Any] | None:
    """The station's place with the outline of its area, or of the nearest outlined area above
    it; None when the station has no coordinates."""
    if station.latitude is None or station.longitude is None:
        return None
    ancestors = [int(part) for part in station.area.path.strip("/").split("/") if part]
    nearest = Area.objects.filter(pk__in=ancestors, geometry__isnull=False).order_by("-level")[:1]
    return {
        "station": {
            "code": station.code,
            "name": station.name,
            "lat": float(station.latitude),
            "lon": float(station.longitude),
        },
        "areas": Area.objects.filter(pk__in=nearest.values("pk")).outlines(),
    }
