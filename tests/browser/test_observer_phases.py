"""The observer's page on election day: the current phase's checklists first, and the
stations the team has already reported marked."""

import datetime
import zoneinfo

import pytest
from playwright.sync_api import expect

from pollwatch.forms.library import library_forms
from pollwatch.forms.services import publish_form_version
from pollwatch.intake.models import Submission
from tests.browser.conftest import log_in
from tests.browser.test_observer_offline import fill_voting, open_form, voting_answers
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def election_day_forms():
    return {
        code: publish_form_version(library_forms()[code].to_dict())
        for code in ("voting", "opening", "closing_counting")
    }


def local_time(election, hour: int, minute: int = 0) -> datetime.datetime:
    zone = zoneinfo.ZoneInfo(election.time_zone)
    return datetime.datetime.combine(election.date, datetime.time(hour, minute), zone)


def checklists(page) -> list[tuple[str, str]]:
    """The checklist menu's choices, each with the heading it is listed under."""
    pairs = page.locator("#form-choice option").evaluate_all(
        "options => options.map(option => [option.parentElement.label || '', option.text])"
    )
    return [tuple(pair) for pair in pairs]


def test_at_opening_time_the_opening_checklist_comes_first(
    page, observer_north, election_day_forms
):
    page.clock.set_fixed_time(local_time(observer_north.member.mission.election, 7))
    page.set_viewport_size(PHONE)
    log_in(page, observer_north.username, PASSWORD)
    page.goto("/observe/")

    expect(page.locator("#form-choice option")).to_have_count(3)
    assert checklists(page) == [
        ("Checklists for now", "Opening"),
        ("Checklists for now", "Voting"),
        ("Other checklists", "Closing and counting"),
    ]
    expect(page.locator("#form-choice")).to_have_value("opening")


def test_late_at_night_the_count_comes_first(page, observer_north, election_day_forms):
    page.clock.set_fixed_time(local_time(observer_north.member.mission.election, 23))
    log_in(page, observer_north.username, PASSWORD)
    page.goto("/observe/")

    expect(page.locator("#form-choice option")).to_have_count(3)
    assert checklists(page)[0] == ("Checklists for now", "Closing and counting")
    expect(page.locator("#form-choice")).to_have_value("closing_counting")


def test_the_stations_already_reported_are_marked(
    page, chromium, live_server, observer_north, election_day_forms
):
    noon = local_time(observer_north.member.mission.election, 12)
    page.clock.set_fixed_time(noon)
    log_in(page, observer_north.username, PASSWORD)
    open_form(page, title="Voting")
    station = page.locator("#station option").first
    expect(station).to_have_text("1. 001 School One")

    fill_voting(page, voting_answers())
    expect(page.locator("#received-count")).to_have_text("1")
    expect(station).to_have_text("✓ 1. 001 School One — reported: voting")
    assert Submission.objects.get().phase == "voting"

    # The team's other phone learns it from the server.
    other = chromium.new_context(base_url=live_server.url, locale="en-GB")
    try:
        other_page = other.new_page()
        other_page.clock.set_fixed_time(noon)
        log_in(other_page, observer_north.username, PASSWORD)
        other_page.goto("/observe/")
        expect(other_page.locator("#received-count")).to_have_text("0")
        expect(other_page.locator("#station option").first).to_have_text(
            "✓ 1. 001 School One — reported: voting"
        )
    finally:
        other.close()
