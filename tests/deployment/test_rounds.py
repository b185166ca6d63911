"""A plan per round: drawn for the round being observed, or for a round named."""

import datetime

import pytest
from django.urls import reverse

from pollwatch.deployment.coverage import coverage_by_area
from pollwatch.deployment.models import DeploymentPlan
from pollwatch.deployment.services import DesignChoices, draw_plan
from pollwatch.forms.services import publish_form_version
from pollwatch.registry.models import PollingStation, Round
from pollwatch.registry.services import add_round
from tests.builders import CHECKLIST
from tests.findings.builders import report

pytestmark = pytest.mark.django_db


def test_a_plan_drawn_without_a_round_is_for_the_round_observed_now(field):
    plan = draw_plan(field, DesignChoices(size=10), seed=1)
    assert plan.round == field.election.rounds.get(number=1)


def test_a_plan_for_repeat_voting_samples_only_its_areas_and_becomes_current(field):
    first = draw_plan(field, DesignChoices(size=10), seed=1)
    lake = field.election.areas.get(code="N1")
    repeat = add_round(
        field.election,
        kind=Round.Kind.REPEAT,
        voting_day=datetime.date(2026, 5, 8),
        areas=[lake],
    )
    plan = draw_plan(field, DesignChoices(size=10), seed=2, for_round=repeat)
    drawn = PollingStation.objects.filter(pk__in=plan.sampled.values("station"))
    assert set(drawn.values_list("area__code", flat=True)) == {"N1"}
    assert plan.round == repeat
    assert list(DeploymentPlan.objects.filter(is_current=True)) == [plan]
    assert DeploymentPlan.objects.of_round(first.round) == first
    assert DeploymentPlan.objects.of_round(repeat) == plan


def test_the_plan_page_says_its_round(client, field, core_user):
    draw_plan(field, DesignChoices(size=10), seed=1)
    client.force_login(core_user)
    page = client.get(reverse("deployment:plan", args=[field.slug])).content.decode()
    assert "For Round 1: first round, voting on" in page


def test_a_station_observed_in_the_first_round_is_not_covered_in_the_runoff(field):
    everywhere = DesignChoices(size=PollingStation.objects.count())
    first = draw_plan(field, everywhere, seed=1)
    runoff = add_round(
        field.election, kind=Round.Kind.RUNOFF, voting_day=datetime.date(2026, 5, 15)
    )
    second = draw_plan(field, everywhere, seed=2, for_round=runoff)
    version = publish_form_version(CHECKLIST)
    report(field, version, PollingStation.objects.first(), {})  # on the first round's day
    reported = {
        plan: next(p.reported for p in coverage_by_area(plan).total.phases if p.phase == "voting")
        for plan in (first, second)
    }
    assert reported == {first: 1, second: 0}
