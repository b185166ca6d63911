"""The demo's PVT chart: the official leader's share drawn outside the estimate's interval."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from pollwatch.demo.country import MISSION_SLUG
from pollwatch.demo.pvt import CORPS_SLUG
from pollwatch.demo.users import ensure_demo_users
from pollwatch.missions.models import Mission
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# For each official result marked on the chart: where its line is drawn, and the
# 99% interval of the estimate on the same row.
MARKS_AND_INTERVALS = """() => [...document.querySelectorAll("#chart-pvt line.chart-reference")]
  .map(line => {
    const mark = line.getBoundingClientRect();
    const middle = mark.top + mark.height / 2;
    const interval = [...document.querySelectorAll("#chart-pvt rect.chart-interval-99")]
      .map(rect => rect.getBoundingClientRect())
      .find(box => box.top <= middle && middle <= box.bottom);
    return {mark: mark.left, low: interval.left, high: interval.right};
  })"""


def test_the_official_result_is_drawn_outside_the_pvt_interval(page, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo", stations=600)
    logins = ensure_demo_users(Mission.objects.get(slug=MISSION_SLUG))
    log_in(page, "admin", logins["admin"])
    # The first round's official results are the inflated ones; the run-off's are true.
    page.goto(f"/missions/{CORPS_SLUG}/pvt/?round=1")
    expect(page.locator("#chart-pvt")).to_be_visible()
    marks = page.evaluate(MARKS_AND_INTERVALS)
    assert marks, "no official result is marked on the chart"
    leader = marks[0]
    assert not leader["low"] <= leader["mark"] <= leader["high"], leader
    expect(page.get_by_text("outside the 99% interval").first).to_be_visible()
