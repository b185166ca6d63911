"""The main menu on a phone's width and from the keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_the_menu_fits_a_phone_without_scrolling_sideways(page, core_team):
    page.set_viewport_size(PHONE)
    log_in(page, core_team.username, PASSWORD)
    for address in ("/", "/reports/", "/channels/sms/"):
        page.goto(address)
        menu = page.get_by_role("navigation", name="Main")
        expect(menu.get_by_role("link", name="SMS log")).to_be_visible()
        assert _overflow(page) <= 0, address
        box = menu.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_the_menu_is_followed_with_the_keyboard(page, coordinator_north):
    log_in(page, coordinator_north.username, PASSWORD)
    page.goto("/")
    target = page.get_by_role("navigation", name="Main").get_by_role("link", name="Broadcasts")
    for _ in range(40):
        page.keyboard.press("Tab")
        if target.evaluate("link => link === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the Broadcasts link")
    page.keyboard.press("Enter")
    page.wait_for_url("**/channels/broadcasts/")
    expect(page.get_by_role("link", name="Broadcasts")).to_have_attribute("aria-current", "page")
