"""The mission dashboard in a real browser: within the security policy, and updating itself."""

import os

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from pollwatch.accounts.roles import Role
from pollwatch.demo.country import MISSION_SLUG
from pollwatch.intake.models import Submission
from pollwatch.missions.models import Mission
from tests.browser.conftest import DATABASE_IN_USE, log_in
from tests.conftest import PASSWORD, _user_with_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_core_team_starts_on_a_dashboard_that_updates_itself(page, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo", stations=300)
    mission = Mission.objects.get(slug=MISSION_SLUG)
    core = _user_with_member("dashboard-core", Role.CORE_TEAM, mission, member_role="core_team")
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if message.type == "error" else None
    )

    log_in(page, core.username, PASSWORD)
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Election day")
    for chart in ("Reports received per hour, by phase", "Planned stations reported, by area"):
        expect(page.get_by_role("img", name=chart)).to_be_visible()
    expect(page.locator("#reports-by-hour tbody tr").first).to_be_visible()
    waiting = int(page.locator("#open-incidents").inner_text().split()[0])
    if shot := os.environ.get("POLLWATCH_SCREENSHOT"):
        page.screenshot(path=shot, full_page=True)

    with DATABASE_IN_USE:  # the panels keep reloading while the report changes
        quiet = Submission.objects.filter(mission=mission, alerts=[]).first()
        Submission.objects.filter(pk=quiet.pk).update(alerts=[{"question": "q", "answer": "yes"}])
    expect(page.locator("#open-incidents")).to_contain_text(f"{waiting + 1} waiting", timeout=25000)
    assert refused == []
