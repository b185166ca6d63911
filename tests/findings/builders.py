"""Small builders for findings tests: stations, a random plan and reports stored directly."""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone

from pollwatch.deployment.models import DeploymentPlan, SampledStation
from pollwatch.intake.models import Submission
from pollwatch.registry.models import Area, PollingStation

NOON = timezone.make_aware(datetime.datetime(2026, 5, 1, 12, 0))


def add_stations(election, area_code: str, count: int, prefix: str) -> list[PollingStation]:
    area = Area.objects.get(election=election, code=area_code)
    return [
        PollingStation.objects.create(
            election=election,
            code=f"{prefix}{index:03d}",
            name=f"Station {prefix}{index}",
            area=area,
            registered_voters=1000,
        )
        for index in range(count)
    ]


def random_plan(mission, strata: dict[str, tuple[list[PollingStation], float]], in_round=None):
    """A current random plan: stratum -> (sampled stations, weight of each), for a round."""
    DeploymentPlan.objects.filter(mission=mission, is_current=True).update(is_current=False)
    plan = DeploymentPlan.objects.create(
        mission=mission,
        is_random=True,
        description="stratified by region",
        design={},
        round=in_round,
    )
    for stratum, (stations, weight) in strata.items():
        SampledStation.objects.bulk_create(
            SampledStation(
                plan=plan,
                station=station,
                stratum=stratum,
                inclusion_probability=1 / weight,
                weight=weight,
            )
            for station in stations
        )
    return plan


def pps_plan(mission, stations, strata, probabilities):
    """A current random plan drawn with probability proportional to size."""
    plan = DeploymentPlan.objects.create(
        mission=mission, is_random=True, description="PPS within regions", design={}
    )
    SampledStation.objects.bulk_create(
        SampledStation(
            plan=plan,
            station=station,
            stratum=stratum,
            inclusion_probability=probability,
            weight=1 / probability,
        )
        for station, stratum, probability in zip(stations, strata, probabilities, strict=True)
    )
    return plan


def report(mission, version, station, answers, *, minutes=0, status="received", team=None):
    return Submission.objects.create(
        key=uuid.uuid4(),
        channel="web",
        form_version=version,
        phase=version.form.phase,
        station=station,
        mission=mission,
        team=team,
        received_at=NOON + datetime.timedelta(minutes=minutes),
        answers=answers,
        status=status,
    )
