"""The demo's PVT: a random sample, form 2 reports and official results inflated in one region."""

from django.core.management import call_command

from pollwatch.demo.pvt import CORPS_SLUG, INFLATED_REGION
from pollwatch.findings.figures import Scope
from pollwatch.findings.pvt import mismatches, pvt_estimate
from pollwatch.missions.models import Mission
from pollwatch.registry.models import PollingStation


def test_demo_pvt_flags_the_leader_and_lists_the_inflated_stations(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo", stations=600)
    mission = Mission.objects.get(slug=CORPS_SLUG)
    # The first round's tabulation was inflated; the run-off's is in tests/demo/test_runoff.py.
    first_round = Scope(mission=mission, round=mission.election.rounds.get(number=1))
    result = pvt_estimate(mission, first_round)
    assert result.design_source == "pvt"
    sampled = sum(c.expected for c in result.completeness)
    assert sampled == 200 and 0.8 * sampled <= result.usable <= sampled
    assert {c.stratum for c in result.completeness} == {f"R{n}" for n in range(1, 7)}
    leader = result.comparison[0]
    assert leader.official > leader.estimate.value and not leader.inside_99
    found = mismatches(mission, scope=first_round)
    regions = set(
        PollingStation.objects.filter(pk__in={m.station_id for m in found}).values_list(
            "area__parent__code", flat=True
        )
    )
    assert found and regions == {INFLATED_REGION}
    assert {m.figure for m in found} == {"ballots_issued", "valid", "votes_alina_voss"}
