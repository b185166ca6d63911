"""The findings and PVT pages draw their figures as SVG charts beside tables of the same numbers."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from pollwatch.findings.services import import_official_results
from tests.conftest import csv_file
from tests.findings.builders import random_plan
from tests.findings.test_pages import observed, voting  # noqa: F401  (fixtures)
from tests.findings.test_pvt_app import form2, sample, send_all  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def chart(page: str, chart_id: str) -> str:
    found = re.search(rf'<svg class="chart" id="{chart_id}".*?</svg>', page, re.S)
    assert found, f"no chart {chart_id} on the page"
    return found.group(0)


def test_each_finding_is_a_chart_of_shares_with_error_bars_and_its_table(
    client,
    administrator,
    mission,
    observed,  # noqa: F811
):
    north, south = observed
    random_plan(mission, {"N": (north, 10.0), "S": (south, 10.0)})
    client.force_login(administrator)
    page = client.get(reverse("findings:dashboard", args=[mission.slug])).content.decode()
    drawn = chart(page, "chart-q-secrecy")
    assert '<title id="chart-q-secrecy-title">Secrecy respected?</title>' in drawn
    assert drawn.count('class="chart-bar"') == 2  # yes and no
    assert drawn.count("chart-interval-95") == 2 and drawn.count('class="chart-cap"') == 4
    assert '<table class="question" id="q-secrecy">' in page


def test_without_a_random_sample_the_shares_have_no_error_bars(
    client,
    administrator,
    mission,
    observed,  # noqa: F811
):
    client.force_login(administrator)
    page = client.get(reverse("findings:dashboard", args=[mission.slug])).content.decode()
    drawn = chart(page, "chart-q-secrecy")
    assert 'class="chart-bar"' in drawn and "chart-interval" not in drawn


def test_a_question_by_area_is_charted_beside_its_table(
    client,
    administrator,
    mission,
    observed,  # noqa: F811
):
    client.force_login(administrator)
    url = reverse("findings:question", args=[mission.slug, "voting", "secrecy"])
    page = client.get(url).content.decode()
    drawn = chart(page, "chart-by-area")
    assert ">North: No</text>" in drawn and ">South: Yes</text>" in drawn
    assert '<table id="by-area">' in page


def test_the_pvt_is_charted_with_both_intervals_and_the_official_result(
    client,
    administrator,
    mission,
    form2,  # noqa: F811
    sample,  # noqa: F811
):
    send_all(mission, form2, sample)
    import_official_results(
        mission,
        csv_file(
            "figure,value\nregistered,140000\nballots_issued,80000\nvalid,79000\n"
            "ann,55300\nbob,23700\n"
        ),
    )
    client.force_login(administrator)
    url = reverse("findings:pvt", args=[mission.slug])
    for page in (
        client.get(url).content.decode(),
        client.get(url, HTTP_HX_REQUEST="true").content.decode(),
    ):
        drawn = chart(page, "chart-pvt")
        # Ann, Bob and turnout, each with a 95% and a 99% interval; official results for two.
        assert drawn.count("chart-interval-95") == 3 and drawn.count("chart-interval-99") == 3
        assert drawn.count('class="chart-estimate"') == 3
        assert drawn.count('class="chart-reference"') == 2
        assert '<table id="estimates">' in page and '<table id="comparison">' in page


def test_the_pvt_chart_says_when_there_is_no_estimate(client, administrator, mission, sample):  # noqa: F811
    client.force_login(administrator)
    page = client.get(reverse("findings:pvt", args=[mission.slug])).content.decode()
    assert "chart-pvt" not in page
    assert "No usable PVT reports yet." in page
