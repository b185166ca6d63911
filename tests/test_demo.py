from collections import Counter

from django.core.management import call_command

from pollwatch.demo.country import MISSION_SLUG
from pollwatch.findings.figures import in_round
from pollwatch.intake.models import RawPayload, Submission
from pollwatch.missions.models import Member, Mission
from pollwatch.registry.models import Area, Election, PollingStation, Round


def test_demo_builds_the_fictional_country_and_reuses_it(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo", stations=600)
    election = Election.objects.get(slug="veloria-2026")
    assert Area.objects.filter(election=election, level=0).count() == 6
    assert 36 <= Area.objects.filter(election=election, level=1).count() <= 42
    assert 560 <= PollingStation.objects.filter(election=election).count() <= 640
    mission = Mission.objects.get(slug=MISSION_SLUG)
    observers = mission.members.filter(role=Member.Role.OBSERVER, team__isnull=False)
    assert observers.count() == 40
    teams = Counter(observers.values_list("team__code", flat=True))
    assert len(teams) == 20 and set(teams.values()) == {2}
    for team in mission.teams.all():
        assert len(set(team.members.values_list("nationality", flat=True))) == 2
    # The first round's reports and plan: the run-off has its own (tests/demo/test_runoff.py).
    first = Round.objects.get(election=election, number=1)
    reports = in_round(Submission.objects.filter(mission=mission), first)
    assert reports.filter(phase="opening").count() == 20
    assert reports.filter(phase="counting").count() == 20
    from pollwatch.deployment.models import RouteStop

    stops = RouteStop.objects.filter(plan__mission=mission, plan__round=first)
    assert stops.count() >= 100
    # Every stop gets the voting checklist and the accessibility checklist.
    for form_code in ("voting", "accessibility"):
        checklists = reports.filter(phase="voting", form_version__form__code=form_code)
        assert checklists.count() == stops.count()
        assert set(checklists.values_list("station", flat=True)) == set(
            stops.values_list("station", flat=True)
        )
    assert not RawPayload.objects.exclude(status=RawPayload.Status.ACCEPTED).exists()
    voting = reports.filter(phase="voting", form_version__form__code="voting")
    assessments = Counter(voting.values_list("answers__overall", flat=True))
    assert 0 < assessments["bad"] + assessments["very_bad"] < sum(assessments.values()) / 2
    logins = (tmp_path / "demo-logins.json").read_text()
    call_command("demo", stations=600)
    assert PollingStation.objects.filter(election=election).count() <= 640
    assert (tmp_path / "demo-logins.json").read_text() == logins


def test_demo_is_deterministic_for_a_seed(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo", stations=300, seed=7)
    first = list(PollingStation.objects.order_by("code").values_list("code", "registered_voters"))
    assert len(first) > 250
    from pollwatch.demo.country import build_country

    Submission.objects.all().delete()
    Mission.objects.all().delete()
    Election.objects.all().delete()
    assert not PollingStation.objects.exists()
    build_country(seed=7, stations=300)
    again = list(PollingStation.objects.order_by("code").values_list("code", "registered_voters"))
    assert again == first
