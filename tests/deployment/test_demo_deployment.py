from django.core.management import call_command
from django.db.models import Count

from pollwatch.demo.deployment import DEMO_SAMPLE_SIZE
from pollwatch.deployment.models import DeploymentPlan
from pollwatch.registry.models import PollingStation


def test_the_demo_mission_is_deployed_by_a_stratified_random_sample(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo", stations=600, seed=11)
    # The first round's plan: the run-off has its own (tests/demo/test_runoff.py).
    plan = DeploymentPlan.objects.get(round__number=1)
    assert plan.seed == 11 and plan.is_random
    assert plan.description.startswith(
        f"{DEMO_SAMPLE_SIZE} stations drawn at random, stratified by region"
    )
    strata = dict(
        plan.sampled.filter(is_reserve=False).values_list("stratum").annotate(n=Count("pk"))
    )
    assert (
        len(strata) == 6 and min(strata.values()) >= 2 and sum(strata.values()) == DEMO_SAMPLE_SIZE
    )
    stops = plan.stops.select_related("station__area", "team")
    assert stops.count() + _unassigned(plan) == DEMO_SAMPLE_SIZE
    assert _unassigned(plan) <= DEMO_SAMPLE_SIZE // 20
    assert len(set(stops.values_list("team__code", flat=True))) >= 18
    for stop in stops.prefetch_related("team__areas"):
        paths = [area.path for area in stop.team.areas.all()]
        assert any(stop.station.area.path.startswith(p) for p in paths)


def _unassigned(plan) -> int:
    routed = plan.stops.values("station")
    return (
        PollingStation.objects.filter(pk__in=plan.sampled.planned().values("station"))
        .exclude(pk__in=routed)
        .count()
    )
