"""The demo election's run-off, two weeks after the first round, and the missions' reports on it.

The run-off's ballot has the two candidates leading the first round's
official results. The mission draws a new, smaller sample for the run-off
(a new current plan, so the observers' assignments change), and its teams
report through the intake as on the first round's day, on the run-off's
voting day. The citizen observers tabulate the run-off at the stations of
their PVT sample (:func:`pollwatch.demo.pvt.simulate_runoff_pvt`).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import QuerySet

from pollwatch.demo.election_day import simulate_election_day
from pollwatch.demo.pvt import simulate_runoff_pvt
from pollwatch.deployment.models import DeploymentPlan
from pollwatch.deployment.services import DesignChoices, build_routes, draw_plan
from pollwatch.findings.figures import in_round
from pollwatch.findings.models import OfficialResults
from pollwatch.intake.checks import phase_hour_flags
from pollwatch.intake.models import Submission
from pollwatch.missions.models import Mission
from pollwatch.registry.models import BallotOption, Election, Round
from pollwatch.registry.services import add_round

RUNOFF_AFTER = datetime.timedelta(days=14)
RUNOFF_SAMPLE_SIZE = 60
PHASE_HOUR_FLAGS = ("outside_phase_hours", "device_clock_ahead")


def simulate_runoff(mission: Mission, seed: int, corps: Mission | None = None) -> Round:
    """Add the run-off round, draw and route its plan, and send its reports.

    With ``corps``, the citizen observers' PVT reports on the run-off too.
    """
    election = mission.election
    with transaction.atomic():
        runoff = add_round(
            election,
            kind=Round.Kind.RUNOFF,
            voting_day=election.date + RUNOFF_AFTER,
            options=leading_options(election),
        )
        plan = _runoff_plan(mission, runoff, seed)
        build_routes(plan)
    simulate_election_day(mission, seed + 1, voting_day=runoff.voting_day)
    _as_received_at_the_visit(
        election, in_round(Submission.objects.filter(mission=mission), runoff)
    )
    if corps is not None:
        simulate_runoff_pvt(corps, runoff, seed)
        _as_received_at_the_visit(
            election, in_round(Submission.objects.filter(mission=corps), runoff)
        )
    return runoff


def leading_options(election: Election, count: int = 2) -> list[BallotOption]:
    """The ``count`` options with the most votes in the first round's official results.

    In ballot order; without official results, the first ``count`` options.
    """
    options = list(
        BallotOption.objects.filter(contest__election=election).order_by("contest_id", "position")
    )
    results = OfficialResults.objects.filter(mission__election=election).first()
    votes = results.totals.get("votes", {}) if results is not None else {}
    leading = sorted(options, key=lambda option: -votes.get(option.code.replace("-", "_"), 0))
    return sorted(leading[:count], key=options.index)


def _runoff_plan(mission: Mission, runoff: Round, seed: int) -> DeploymentPlan:
    choices = DesignChoices(
        size=min(RUNOFF_SAMPLE_SIZE, mission.election.stations.count()),
        strata_levels=(0,),
        minimum_per_stratum=2,
        reserve_per_stratum=3,
    )
    return draw_plan(mission, choices, seed=seed + 1, for_round=runoff)


def _as_received_at_the_visit(election: Election, reports: QuerySet[Submission]) -> None:
    """The phase-hour flags the reports would have had, had they arrived at their visits.

    The simulator dates each report's receipt at its visit; when the demo is
    built before the run-off's day, the flags computed on arrival would say
    the phone's clock was ahead.
    """
    changed = []
    for report in reports.select_related("form_version__form"):
        kept = [flag for flag in report.flags if flag not in PHASE_HOUR_FLAGS]
        report.flags = kept + phase_hour_flags(
            report.phase,
            election,
            report.received_at,
            report.device_time,
            form_code=report.form_version.form.code,
        )
        changed.append(report)
    Submission.objects.bulk_update(changed, ["flags"])
