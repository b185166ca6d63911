"""The observer's form online, offline, and when a response is lost on the way back."""

import pytest
from playwright.sync_api import expect

from pollwatch.intake.models import RawPayload, Submission
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_form(page):
    page.goto("/observe/")
    expect(page.locator("#station option")).to_have_count(1)
    page.get_by_role("button", name="Fill in").click()


def fill_checklist(page, overall="Good", voters="14"):
    form = page.locator("#checklist")
    form.get_by_role("group", name="Secrecy respected? *").get_by_label("Yes").check()
    form.get_by_role("group", name="Ballot stuffing seen? *").get_by_label("No").check()
    form.get_by_label("Voters in line").fill(voters)
    form.get_by_role("group", name="Overall *").get_by_label(overall, exact=True).check()
    form.get_by_role("button", name="Send", exact=True).click()


def test_fill_and_send_a_checklist_online(page, observer_north, checklist):  # noqa: F811
    log_in(page, observer_north.username, PASSWORD)
    open_form(page)
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator("#error-secrecy")).to_have_text("Answer this question.")
    fill_checklist(page)
    expect(page.locator("#received-count")).to_have_text("1")
    stored = Submission.objects.get()
    assert stored.answers == {"secrecy": "yes", "stuffing": "no", "voters": 14, "overall": "good"}
    assert stored.station.code == "001" and stored.device_time is not None


def test_offline_reports_wait_and_are_sent_once_back_online(page, observer_north, checklist):  # noqa: F811
    log_in(page, observer_north.username, PASSWORD)
    open_form(page)
    page.context.set_offline(True)
    page.get_by_role("button", name="Fill in").click()
    fill_checklist(page, overall="Bad")
    page.get_by_role("button", name="Fill in").click()
    fill_checklist(page, overall="Very good", voters="3")
    expect(page.locator("#waiting-count")).to_have_text("2")
    expect(page.locator("#network")).to_have_text("offline")
    assert Submission.objects.count() == 0

    page.context.set_offline(False)
    expect(page.locator("#received-count")).to_have_text("2")
    expect(page.locator("#waiting-count")).to_have_text("0")
    assert sorted(Submission.objects.values_list("answers__overall", flat=True)) == [
        "bad",
        "very_good",
    ]


def test_a_lost_response_is_resent_and_stored_once(page, observer_north, checklist):  # noqa: F811
    dropped = []

    def drop_first_response(route):
        if not dropped:
            route.fetch()  # the server receives and stores the report...
            dropped.append(route.request.post_data_json["key"])
            route.abort("connectionreset")  # ...but the phone never hears back
        else:
            route.continue_()

    log_in(page, observer_north.username, PASSWORD)
    page.route("**/api/v1/submissions", drop_first_response)
    open_form(page)
    fill_checklist(page)
    expect(page.locator("#received-count")).to_have_text("1", timeout=20000)
    assert Submission.objects.count() == 1
    assert str(Submission.objects.get().key) == dropped[0]
    assert RawPayload.objects.filter(status=RawPayload.Status.DUPLICATE).count() == 1


def test_the_page_reloads_from_the_cache_when_offline(page, observer_north, checklist):  # noqa: F811
    log_in(page, observer_north.username, PASSWORD)
    page.goto("/observe/")
    expect(page.locator("#station option")).to_have_count(1)
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    page.reload()
    expect(page.locator("#station option")).to_have_count(1)
    expect(page.locator("#network")).to_have_text("offline")
