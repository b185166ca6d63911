"""Findings by round: which reports a round has, the switcher, downloads and the change."""

import datetime
import math

import pytest
from django.urls import reverse

from pollwatch.findings import figures
from pollwatch.findings.rounds import round_changes
from pollwatch.registry.models import Round
from pollwatch.registry.services import add_round
from pollwatch.statements.services import create_statement, render_version
from tests.findings.builders import random_plan, report
from tests.findings.test_pages import _answers, observed, voting  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

TWO_WEEKS = 14 * 24 * 60  # minutes after the first round's reports


@pytest.fixture
def runoff(election, mission, observed, voting):  # noqa: F811
    """A run-off two weeks on: the same ten stations, six of them with stuffing (three before)."""
    north, south = observed
    first = Round.objects.get(election=election, number=1)
    random_plan(mission, {"ALL": ([*north, *south], 10.0)}, in_round=first)
    second = add_round(election, kind=Round.Kind.RUNOFF, voting_day=datetime.date(2026, 5, 15))
    random_plan(mission, {"ALL": ([*north, *south], 10.0)}, in_round=second)
    team = mission.teams.get(code="T1")
    for index, station in enumerate([*north, *south]):
        report(mission, voting, station, _answers(index < 6), minutes=TWO_WEEKS, team=team)
    return first, second


def stuffing(page_context):
    found = next(q for q, _label in page_context["questions"] if q.code == "stuffing")
    return next(v.figure for v in found.values if v.value == "yes")


def test_a_report_belongs_to_the_round_the_server_received_it_in(
    client, administrator, mission, runoff
):
    client.force_login(administrator)
    url = reverse("findings:dashboard", args=[mission.slug])
    first = client.get(url, {"round": 1}).context
    second = client.get(url, {"round": 2}).context
    assert (stuffing(first).count, stuffing(first).base) == (3, 10)
    assert (stuffing(second).count, stuffing(second).base) == (6, 10)


def test_without_a_round_asked_the_page_shows_the_latest_round_with_reports(
    client, administrator, mission, runoff
):
    client.force_login(administrator)
    page = client.get(reverse("findings:dashboard", args=[mission.slug]))
    assert page.context["c"].round.number == 2
    text = page.content.decode()
    assert 'id="round-switcher"' in text and "?round=1" in text
    assert "Round 2: run-off, voting on" in text


def test_downloads_say_the_round(client, administrator, mission, runoff):
    client.force_login(administrator)
    download = client.get(
        reverse("findings:dashboard", args=[mission.slug]),
        {"round": 1, "export": "csv", "table": "questions"},
    )
    assert "round1" in download["Content-Disposition"]
    lines = b"".join(download.streaming_content).decode().splitlines()
    assert lines[0].startswith("question,") and lines[0].endswith(",round")
    assert all(line.endswith(",1") for line in lines[1:])


def test_the_change_since_the_previous_round_matches_a_hand_computation(
    client, administrator, mission, runoff
):
    # One stratum of 10 stations drawn from 100 (f = 0.1), equal weights: the
    # linearised variance of a share R is (1 - f) R (1 - R) / (n - 1).
    # Round 1: R = 0.3, v = 0.9 * 0.21 / 9 = 0.021; round 2: R = 0.6, v = 0.024.
    # Change 0.3, se = sqrt(0.045) = 0.2121320, 1.959964 * se = 0.4157712.
    client.force_login(administrator)
    page = client.get(reverse("findings:rounds", args=[mission.slug]), {"round": 2})
    changes = {(c.question, c.value): c for c, _label in page.context["changes"]}
    change = changes[("stuffing", "yes")].change
    assert change.difference == pytest.approx(0.3)
    assert change.standard_error == pytest.approx(math.sqrt(0.045))
    assert change.low == pytest.approx(0.3 - 0.4157712, abs=1e-6)
    assert change.high == pytest.approx(0.3 + 0.4157712, abs=1e-6)
    text = page.content.decode()
    assert "+30.0 pp" in text and "−11.6 to +71.6 pp" in text


def test_the_first_round_has_nothing_to_compare_with(client, administrator, mission, runoff):
    client.force_login(administrator)
    page = client.get(reverse("findings:rounds", args=[mission.slug]), {"round": 1})
    assert page.context["changes"] == []
    assert "no previous round" in page.content.decode()


def test_a_change_without_random_plans_has_no_interval(mission, election, runoff):
    first, second = runoff
    mission.plans.update(is_random=False)
    changes = round_changes(figures.Scope(mission=mission, round=second), "voting")
    change = next(c for c in changes if (c.question, c.value) == ("stuffing", "yes"))
    assert change.change is None and change.difference == pytest.approx(0.3)


def test_a_round_takes_its_design_from_its_own_plan(mission, runoff):
    first, second = runoff
    plans = {first: mission.plans.of_round(first), second: mission.plans.of_round(second)}
    assert plans[first] != plans[second]
    assert figures.Scope(mission=mission, round=first).design().plan_id == plans[first].pk
    assert figures.Scope(mission=mission, round=second).design().plan_id == plans[second].pk


def test_a_statement_quotes_the_figures_of_its_round(mission, runoff):
    first, second = runoff
    for round_, share in ((first, "30%"), (second, "60%")):
        statement = create_statement(mission, title="Statement", for_round=round_)
        version = statement.draft()
        version.sections = {"voting": "Stuffing was seen {share:voting.stuffing=yes}."}
        version.save()
        assert f"in {share} " in render_version(version).sections["voting"]


def test_the_pvt_page_shows_its_round(client, administrator, mission, runoff):
    client.force_login(administrator)
    page = client.get(reverse("findings:pvt", args=[mission.slug]), {"round": 1})
    assert page.status_code == 200
    assert "Round 1: first round, voting on" in page.content.decode()


def test_the_phones_clock_does_not_choose_the_round(mission, runoff, voting):  # noqa: F811
    first, second = runoff
    station = mission.election.stations.first()
    late = report(mission, voting, station, _answers(True), minutes=TWO_WEEKS)
    late.device_time = late.received_at - datetime.timedelta(days=14)  # written on the first day
    late.save()
    in_first = figures.Scope(mission=mission, round=first).submissions("voting")
    in_second = figures.Scope(mission=mission, round=second).submissions("voting")
    assert in_second.filter(pk=late.pk).exists()
    assert not in_first.filter(pk=late.pk).exists()


def test_a_statement_started_on_the_page_is_on_the_round_chosen(client, mission, runoff, core_team):
    first, _second = runoff
    client.force_login(core_team)
    client.post(
        reverse("statements:list", args=[mission.slug]),
        {"title": "First round", "kind": "preliminary", "language": "en", "for_round": first.pk},
    )
    assert mission.statements.get(title="First round").round == first
