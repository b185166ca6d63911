"""The demo tells one story: each point checked on one built demo."""

from __future__ import annotations

import io
import re
import zoneinfo

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from pollwatch.demo.country import MISSION_SLUG, TIME_ZONE
from pollwatch.demo.pvt import CORPS_SLUG
from pollwatch.demo.statement import SWEEPING_CLAIM
from pollwatch.deployment.models import DeploymentPlan
from pollwatch.findings.figures import Scope, in_round, question_share
from pollwatch.findings.inclusion import finding_for, inclusion_findings
from pollwatch.findings.pvt import pvt_estimate
from pollwatch.forensics.models import ResultsUpload
from pollwatch.intake.models import Submission
from pollwatch.missions.models import Member, Mission
from pollwatch.registry.models import Area, PollingStation, Round
from pollwatch.registry.voting_days import voting_day_at
from pollwatch.statements.method import method_paragraph
from pollwatch.statements.mission_facts import mission_coverage
from pollwatch.statements.models import Statement
from pollwatch.statements.references import find_references
from pollwatch.statements.services import render_version

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def startup(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo built once for the module (rolled back after it); what it printed."""
    folder = tmp_path_factory.mktemp("demo")
    printed = io.StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(DATA_DIR=folder, MEDIA_ROOT=folder / "media"):
            call_command("demo", stations=600, stdout=printed)
        yield printed.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo(startup, db):
    return startup


def international() -> Mission:
    return Mission.objects.get(slug=MISSION_SLUG)


def corps() -> Mission:
    return Mission.objects.get(slug=CORPS_SLUG)


def first_round(mission: Mission) -> Round:
    """The first round: the run-off has its own plan and reports (tests/demo/test_runoff.py)."""
    return Round.objects.get(election=mission.election, number=1)


def first_round_pvt():
    """The citizen observers' PVT of the first round (the run-off's is in test_runoff.py)."""
    citizens = corps()
    return pvt_estimate(citizens, Scope(mission=citizens, round=first_round(citizens)))


def test_every_report_is_timed_on_election_day_within_its_phase_hours(demo):
    reports = Submission.objects.select_related("station__election")
    assert reports.count() > 300
    zone = zoneinfo.ZoneInfo(TIME_ZONE)
    for report in reports:
        assert report.device_time is not None and report.received_at == report.device_time
        # On the voting day of the round the server received it in (the first, or the run-off).
        voting_day = voting_day_at(report.station.election, report.received_at)
        assert report.device_time.astimezone(zone).date() == voting_day
        assert "outside_phase_hours" not in report.flags, (report.phase, report.device_time)
    assert reports.filter(phase="pvt").count() > 150


def test_the_pvt_is_filed_by_a_citizen_corps_and_the_method_counts_only_the_mission_own(demo):
    mission, citizens = international(), corps()
    assert citizens.kind == Mission.Kind.CITIZEN and citizens.election == mission.election
    assert not Submission.objects.filter(mission=mission, phase="pvt").exists()
    pvt = Submission.objects.filter(phase="pvt")
    assert set(pvt.values_list("mission", flat=True)) == {citizens.pk}
    assert set(pvt.values_list("observer__mission", flat=True)) == {citizens.pk}
    first = first_round(mission)
    own = in_round(Submission.objects.filter(mission=mission), first)
    stations = own.values("station").distinct().count()
    teams = own.values("team").distinct().count()
    plan = DeploymentPlan.objects.of_round(first)
    assert stations == plan.stops.count() and teams == mission.teams.count() == 20
    total = PollingStation.objects.filter(election=mission.election).count()
    paragraph = method_paragraph(mission_coverage(mission, first))
    assert f"observed {stations} of the {total:,} polling stations" in paragraph
    assert "40 observers in 20 teams" in paragraph


def test_every_sampled_station_has_a_team_and_every_pvt_station_an_observer(demo):
    mission = international()
    plan = DeploymentPlan.objects.of_round(first_round(mission))
    sampled = set(plan.sampled.planned().values_list("station", flat=True))
    routed = set(plan.stops.values_list("station", flat=True))
    assert len(sampled) == plan.stops.count() and routed == sampled
    voted = in_round(
        Submission.objects.filter(mission=mission, phase="voting"), first_round(mission)
    )
    assert set(voted.values_list("station", flat=True)) == sampled
    result = first_round_pvt()
    drawn = sum(stratum.expected for stratum in result.completeness)
    observers = Member.objects.filter(mission=corps(), role=Member.Role.OBSERVER)
    assert observers.count() == drawn
    for round_ in Round.objects.filter(election=mission.election):
        reports = in_round(Submission.objects.filter(mission=corps()), round_)
        reporters = reports.values_list("observer", flat=True)
        assert len(set(reporters)) == len(reporters)


def test_the_official_results_are_loaded_with_their_forensic_report_ready(demo, client):
    mission = international()
    upload = ResultsUpload.objects.get()
    stations = PollingStation.objects.filter(election=mission.election).count()
    assert upload.mission == mission and upload.status == ResultsUpload.Status.DONE
    assert upload.stations_matched == upload.summary["stations"] == stations
    assert not upload.unmatched_codes and upload.summary["headline"]
    client.force_login(User.objects.get(username="core"))
    page = client.get(reverse("forensics:results", args=[mission.election.slug]))
    assert list(page.context["uploads"]) == [upload]
    report = reverse("forensics:report", args=[mission.election.slug, upload.pk])
    assert report in page.content.decode()


def test_the_statement_pvt_and_official_results_sections_are_written_from_the_data(demo):
    draft = Statement.objects.get(mission=international()).draft()
    sections = draft.sections
    leader = first_round_pvt().comparison[0]
    assert f"{100 * leader.estimate.value:.1f}%" in sections["pvt"]
    assert f"{100 * leader.official:.1f}%" in sections["pvt"]
    headline = ResultsUpload.objects.get().summary["headline"]
    assert headline in sections["official_results"]
    for key in ("pvt", "official_results"):
        assert find_references(sections[key]), key
    rendered = render_version(draft)
    assert not rendered.problems
    for key in ("pvt", "official_results"):
        assert "{" not in rendered.sections[key]
        assert "polling stations observed" in rendered.sections[key]
    quoted = {figure["reference"] for figure in rendered.figures}
    assert "{share:closing_counting.copy_given=no}" in quoted
    # The claim check still flags the summary's sweeping claim, and nothing the data wrote.
    flagged = {check.claim.phrase for check in rendered.check.flagged}
    assert flagged and all(phrase in SWEEPING_CLAIM for phrase in flagged)


def test_the_startup_message_counts_what_the_reports_lists_show(demo, client):
    printed = dict(
        (name, int(count))
        for count, name in re.findall(r"^(\d+) reports from (.+) \(\w+\)\.$", demo, re.M)
    )
    mission, citizens = international(), corps()
    assert set(printed) == {mission.name, citizens.name}
    client.force_login(User.objects.get(username="core"))
    listed = client.get(reverse("intake:submissions")).context["page"].paginator.count
    assert printed[mission.name] == listed
    client.force_login(User.objects.get(username="admin"))
    everything = client.get(reverse("intake:submissions")).context["page"].paginator.count
    assert sum(printed.values()) == everything


def test_the_pvt_page_shows_the_official_leader_share_outside_the_interval(demo, client):
    result = first_round_pvt()
    leader = result.comparison[0]
    assert leader.official > leader.estimate.interval(0.99)[1] and not leader.inside_99
    client.force_login(User.objects.get(username="admin"))
    page = client.get(reverse("findings:pvt", args=[CORPS_SLUG]), {"round": 1}).content.decode()
    assert "outside the 99% interval" in page and "<svg" in page


def test_the_regions_have_outlines_so_the_maps_draw_them_and_a_finding_is_shaded(demo, client):
    regions = Area.objects.filter(election__missions__slug=MISSION_SLUG, parent=None)
    assert regions.count() == 6
    assert all(region.geometry.get("type") == "Polygon" for region in regions)
    client.force_login(User.objects.get(username="core"))
    page = client.get(
        reverse("findings:question", args=[MISSION_SLUG, "voting", "secrecy_respected"])
    ).content.decode()
    assert 'data-kind="shares"' in page


def test_the_inclusion_findings_differ_by_region_and_the_statement_quotes_them(demo):
    mission = international()
    statement = Statement.objects.get(mission=mission)
    # The statement covers the first round; the run-off's reports are not in its figures.
    groups = inclusion_findings(Scope(mission=mission, round=statement.round))
    assert [group.code for group in groups] == ["disabled", "assisted", "elderly", "women", "young"]
    chairs = finding_for(groups, "opening", "chair_gender", ["woman"])
    assert chairs is not None and 0 < chairs.figure.count < chairs.figure.base
    women = finding_for(groups, "opening", "women_members")
    assert women is not None and 0.3 < women.figure.share < 0.6 and women.figure.low is not None
    highlands, capital = (
        Area.objects.get(election=mission.election, code=code) for code in ("R1", "R2")
    )
    step_free = {
        area.code: question_share(mission, "accessibility", "step_free", ["yes"], area=area).share
        for area in (highlands, capital)
    }
    assert step_free["R2"] > 2 * step_free["R1"]
    rendered = render_version(statement.draft())
    assert not rendered.problems
    text = rendered.sections["inclusion"]
    assert "{" not in text and women.figure.sentence("en") in text
