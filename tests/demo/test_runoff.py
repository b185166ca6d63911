"""The demo's run-off: a second round with its own plan and reports, and findings on both."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from pollwatch.demo.country import MISSION_SLUG
from pollwatch.demo.pvt import CORPS_SLUG
from pollwatch.deployment.models import DeploymentPlan
from pollwatch.findings.figures import in_round
from pollwatch.intake.models import Submission
from pollwatch.missions.models import Mission
from pollwatch.registry.models import Round

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def startup(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo built once for the module (rolled back after it)."""
    folder = tmp_path_factory.mktemp("demo")
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(DATA_DIR=folder, MEDIA_ROOT=folder / "media"):
            call_command("demo", stations=600, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def mission(startup, db):
    return Mission.objects.get(slug=MISSION_SLUG)


def test_the_runoff_is_two_weeks_on_with_its_own_current_plan_and_fewer_reports(mission):
    first, runoff = Round.objects.filter(election=mission.election).in_order()
    assert runoff.kind == Round.Kind.RUNOFF
    assert runoff.voting_day - first.voting_day == datetime.timedelta(days=14)
    plans = DeploymentPlan.objects.filter(mission=mission)
    assert plans.get(is_current=True) == plans.of_round(runoff) != plans.of_round(first)
    reports = Submission.objects.filter(mission=mission)
    before, after = in_round(reports, first), in_round(reports, runoff)
    assert 0 < after.count() < before.count()
    assert before.count() + after.count() == reports.count()
    voted = set(after.filter(phase="voting").values_list("station", flat=True))
    assert voted == set(plans.of_round(runoff).sampled.planned().values_list("station", flat=True))
    assert not any(
        "outside_phase_hours" in flags for flags in after.values_list("flags", flat=True)
    )


def test_the_findings_show_both_rounds_and_the_change_between_them(mission, client, administrator):
    client.force_login(administrator)
    page = client.get(reverse("findings:dashboard", args=[mission.slug]))
    assert page.context["c"].round.number == 2
    text = page.content.decode()
    assert "Round 2: run-off" in text and "?round=1" in text
    first = client.get(reverse("findings:dashboard", args=[mission.slug]), {"round": 1})
    assert first.context["c"].round.number == 1
    changes = client.get(reverse("findings:rounds", args=[mission.slug]))
    found = [change for change, _label in changes.context["changes"]]
    assert found and all(c.change is not None for c in found)
    assert all(c.change.low <= c.change.difference <= c.change.high for c in found)
    assert " pp" in changes.content.decode()


def test_the_citizen_pvt_estimates_both_rounds_the_runoff_with_its_two_candidates(
    startup, db, client, administrator
):
    corps = Mission.objects.get(slug=CORPS_SLUG)
    first, runoff = Round.objects.filter(election=corps.election).in_order()
    assert runoff.options.count() == 2
    client.force_login(administrator)
    url = reverse("findings:pvt", args=[corps.slug])
    page = client.get(url)
    assert page.context["round"] == runoff
    text = page.content.decode()
    assert "Round 2: run-off" in text and "?round=1" in text
    later = page.context["result"]
    assert [code for code, _name in later.options] == [
        o.code.replace("-", "_") for o in runoff.ballot()
    ]
    assert later.usable > 0 and later.off_ballot == 0
    assert sum(share.value for share in later.estimate.shares) == pytest.approx(1)
    # The run-off's official results are the true count: inside the PVT's interval.
    assert [c.option for c in later.comparison] == [code for code, _name in later.options]
    assert all(c.inside_99 for c in later.comparison)
    earlier = client.get(url, {"round": 1}).context["result"]
    assert len(earlier.options) == 5 and earlier.usable > later.usable * 0.8
    assert not all(c.inside_99 for c in earlier.comparison)
