"""A coordinator of one coalition member, in a real browser, meets the other member's reports."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from pollwatch.missions.models import Mission
from pollwatch.missions.services import set_coalition
from tests.accounts.test_coalition import coalition  # noqa: F401
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _report_links(page) -> list[str]:
    return page.locator("table a[href^='/reports/']").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )


def test_a_members_coordinator_cannot_open_the_other_members_report(page, coalition):  # noqa: F811
    own, other = coalition.first, coalition.second
    log_in(page, own.coordinator.username, PASSWORD)
    page.goto("/reports/")
    expect(page.get_by_role("link", name="Reports").first).to_be_visible()
    listed = _report_links(page)
    assert f"/reports/{own.report.pk}/" in listed
    assert f"/reports/{other.report.pk}/" not in listed
    assert f"/reports/{other.incident.pk}/" not in listed

    response = page.goto(f"/reports/{other.report.pk}/")
    assert response is not None and response.status == 404
    response = page.goto(f"/reports/{other.incident.pk}/triage/")
    assert response is not None and response.status in (403, 404)
    response = page.goto(f"/reports/{own.report.pk}/")
    assert response is not None and response.status == 200


def test_when_the_coalition_shares_all_the_other_members_report_opens_but_not_its_triage(
    page,
    coalition,  # noqa: F811
):
    set_coalition(coalition.mission, coalition=True, sharing=Mission.CoalitionSharing.ALL)
    other = coalition.second
    log_in(page, coalition.first.coordinator.username, PASSWORD)
    page.goto("/reports/")
    assert f"/reports/{other.report.pk}/" in _report_links(page)
    page.goto(f"/reports/{other.incident.pk}/")
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("link", name="Triage this incident")).to_have_count(0)
    response = page.goto(f"/reports/{other.incident.pk}/triage/")
    assert response is not None and response.status == 403
