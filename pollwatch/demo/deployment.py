"""The demo mission's deployment: a random sample stratified by region, and team routes."""

from __future__ import annotations

from pollwatch.deployment.models import DeploymentPlan
from pollwatch.deployment.services import DesignChoices, build_routes, draw_plan
from pollwatch.missions.models import Mission

DEMO_SAMPLE_SIZE = 150


def build_demo_deployment(mission: Mission, seed: int) -> DeploymentPlan:
    """Draw the demo mission's sample (by region, three reserves each) and route its teams."""
    choices = DesignChoices(
        size=min(DEMO_SAMPLE_SIZE, mission.election.stations.count()),
        strata_levels=(0,),
        minimum_per_stratum=2,
        reserve_per_stratum=3,
    )
    plan = draw_plan(mission, choices, seed=seed)
    build_routes(plan)
    return plan
