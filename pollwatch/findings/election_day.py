"""The mission dashboard's figures: is election day going to plan?

Each panel reads a handful of grouped queries whatever the number of
reports, teams or stations (docs/performance.md). Reports count only those
the viewer may count (``Submission.objects.counted_for``), always of the
viewer's own mission; times are in the election's time zone.

A team has *checked in* once it has sent a report on election day, is
*reporting* if its latest report came within the last hour, and is *silent*
if it checked in but has sent nothing for over an hour.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Count, Max
from django.db.models.functions import TruncHour
from django.utils import timezone

from pollwatch.accounts.roles import AnyUser
from pollwatch.deployment.coverage import CoverageTable, coverage_by_area
from pollwatch.deployment.models import DeploymentPlan
from pollwatch.forms.definition import PHASES
from pollwatch.intake.models import Submission
from pollwatch.intake.models.submissions import SubmissionQuerySet
from pollwatch.missions.models import Mission, Team
from pollwatch.registry.voting_days import voting_day_at

SILENCE = datetime.timedelta(hours=1)
# Counting and tabulation run into the night: the day's reports are read until noon after it.
DAY_RUNS_ON = datetime.timedelta(hours=36)


def election_zone(mission: Mission) -> ZoneInfo:
    try:
        return ZoneInfo(mission.election.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def election_day(mission: Mission) -> tuple[datetime.datetime, datetime.datetime]:
    """Start and end of election day in the election's time zone, ``DAY_RUNS_ON`` long.

    The day is the voting day of the round whose reports are being received now.
    """
    day = voting_day_at(mission.election, timezone.now())
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=election_zone(mission))
    return start, start + DAY_RUNS_ON


def _days_reports(mission: Mission, user: AnyUser) -> SubmissionQuerySet:
    start, end = election_day(mission)
    return Submission.objects.filter(
        mission=mission, received_at__gte=start, received_at__lt=end
    ).counted_for(user)


@dataclass(frozen=True, slots=True)
class ReportsOverTime:
    """Reports received in each hour of election day, by phase (hours without any left out)."""

    hours: tuple[str, ...]
    phases: tuple[str, ...]
    counts: dict[str, tuple[int, ...]]

    @property
    def rows(self) -> list[tuple[str, list[int]]]:
        """Each hour with its count per phase, in the order of ``phases``."""
        return [
            (hour, [self.counts[phase][index] for phase in self.phases])
            for index, hour in enumerate(self.hours)
        ]

    @property
    def total(self) -> int:
        return sum(sum(counts) for counts in self.counts.values())


def reports_over_time(mission: Mission, user: AnyUser) -> ReportsOverTime:
    """One grouped query: reports per phase and hour of election day."""
    zone = election_zone(mission)
    grouped = (
        _days_reports(mission, user)
        .annotate(hour=TruncHour("received_at", tzinfo=zone))
        .values_list("phase", "hour")
        .annotate(count=Count("pk"))
        .order_by()
    )
    by_hour: dict[datetime.datetime, dict[str, int]] = defaultdict(dict)
    for phase, hour, count in grouped:
        by_hour[hour.astimezone(zone)][phase] = count
    hours = sorted(by_hour)
    phases = tuple(
        phase for phase in _phase_order(by_hour) if any(phase in by_hour[h] for h in hours)
    )
    return ReportsOverTime(
        hours=tuple(hour.strftime("%H:00") for hour in hours),
        phases=phases,
        counts={phase: tuple(by_hour[h].get(phase, 0) for h in hours) for phase in phases},
    )


def _phase_order(by_hour: dict[datetime.datetime, dict[str, int]]) -> list[str]:
    seen = {phase for counts in by_hour.values() for phase in counts}
    return [phase for phase in PHASES if phase in seen] + sorted(seen - set(PHASES))


@dataclass(frozen=True, slots=True)
class TeamLastReport:
    team: Team
    last_report: datetime.datetime | None

    def is_silent(self, now: datetime.datetime) -> bool:
        return self.last_report is not None and now - self.last_report > SILENCE


@dataclass(frozen=True, slots=True)
class TeamActivity:
    teams: tuple[TeamLastReport, ...]
    now: datetime.datetime

    @property
    def checked_in(self) -> int:
        return sum(1 for team in self.teams if team.last_report is not None)

    @property
    def silent(self) -> tuple[TeamLastReport, ...]:
        return tuple(team for team in self.teams if team.is_silent(self.now))

    @property
    def reporting(self) -> int:
        return self.checked_in - len(self.silent)

    @property
    def not_checked_in(self) -> tuple[TeamLastReport, ...]:
        return tuple(team for team in self.teams if team.last_report is None)


def team_activity(mission: Mission, user: AnyUser, now: datetime.datetime) -> TeamActivity:
    """The viewer's teams with their latest report of election day: two queries."""
    zone = election_zone(mission)
    latest = dict(
        _days_reports(mission, user)
        .exclude(team=None)
        .values_list("team")
        .annotate(last=Max("received_at"))
        .order_by()
    )
    teams = Team.objects.filter(mission=mission).visible_to(user).order_by("code")
    return TeamActivity(
        teams=tuple(
            TeamLastReport(team, _local(latest.get(team.pk), zone)) for team in teams.only("code")
        ),
        now=now.astimezone(zone),
    )


def _local(moment: datetime.datetime | None, zone: ZoneInfo) -> datetime.datetime | None:
    return None if moment is None else moment.astimezone(zone)


def current_plan(mission: Mission) -> DeploymentPlan | None:
    return (
        DeploymentPlan.objects.filter(mission=mission, is_current=True)
        .select_related("mission", "round")
        .first()
    )


def area_coverage(mission: Mission) -> CoverageTable | None:
    """Planned stations that reported, per top-level area; None without a plan."""
    plan = current_plan(mission)
    return coverage_by_area(plan) if plan is not None else None
