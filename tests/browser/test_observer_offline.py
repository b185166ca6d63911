"""The observer's form (Enketo) online, offline, and when a response is lost on the way back."""

import pytest
from playwright.sync_api import expect

from pollwatch.forms.library import library_forms
from pollwatch.forms.services import publish_form_version
from pollwatch.intake.models import Attachment, OpenRosaInstance, RawPayload, Submission
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def voting():
    """The standard library's voting checklist."""
    return publish_form_version(library_forms()["voting"].to_dict())


@pytest.fixture
def incident():
    return publish_form_version(library_forms()["incident"].to_dict())


def field(page, code):
    return page.locator(f'#webform [name$="/{code}"]')


def choose(page, code, value):
    page.locator(f'#webform input[name$="/{code}"][value="{value}"]').check()


def open_form(page, title=None):
    page.goto("/observe/")
    expect(page.locator("#station option")).to_have_count(1)
    if title is not None:
        page.locator("#form-choice").select_option(label=title)
    page.get_by_role("button", name="Fill in").click()
    expect(page.locator("#webform form.or")).to_be_attached()


def send(page):
    page.get_by_role("button", name="Send", exact=True).click()


def fill_checklist(page, overall="good", voters="14"):
    choose(page, "secrecy", "yes")
    choose(page, "stuffing", "no")
    field(page, "voters").fill(voters)
    choose(page, "overall", overall)
    send(page)
    expect(page.locator("#checklist")).to_be_hidden()


VOTING_NO = (
    "secrecy_respected",
    "group_voting",
    "photographing_ballots",
    "identity_checked",
    "mobile_box_used",
    "ballot_stuffing",
    "carousel_voting",
    "pressure",
    "vote_buying",
    "organised_transport",
    "campaigning",
)


def voting_answers() -> dict:
    """Answers to every question of the voting checklist, as they are stored."""
    definition = library_forms()["voting"]
    first = {name: choices[0].code for name, choices in definition.choice_lists.items()}
    return {code: "no" for code in VOTING_NO} | {
        "list_irregularities": "yes",
        "list_problems": [first["list_problems"]],
        "turned_away": 3,
        "unauthorised_present": "yes",
        "unauthorised_who": [first["unauthorised"]],
        "overcrowding": first["overcrowding"],
        "observer_access": first["access"],
        "overall": first["assessment"],
        "comments": "Queue calm at 10:00.",
    }


def fill_voting(page, answers: dict) -> None:
    for code, value in answers.items():
        if isinstance(value, list):
            for choice in value:
                page.locator(f'#webform input[name$="/{code}"][value="{choice}"]').check()
        elif code in ("turned_away", "comments"):
            field(page, code).fill(str(value))
        else:
            choose(page, code, value)
    send(page)
    expect(page.locator("#checklist")).to_be_hidden()


def test_fill_and_send_a_checklist_online(page, observer_north, checklist, policy_refusals):
    log_in(page, observer_north.username, PASSWORD)
    open_form(page)
    send(page)
    expect(page.locator("#form-errors")).to_have_text(
        "Some answers are missing or wrong; see the questions marked."
    )
    expect(page.locator("#webform .question.invalid-required").first).to_be_visible()
    fill_checklist(page)
    expect(page.locator("#received-count")).to_have_text("1")
    stored = Submission.objects.get()
    assert stored.answers == {"secrecy": "yes", "stuffing": "no", "voters": 14, "overall": "good"}
    assert stored.station.code == "001" and stored.device_time is not None
    assert stored.channel == "openrosa"
    assert policy_refusals == []


def test_offline_reports_wait_and_are_sent_once_back_online(
    page, observer_north, voting, policy_refusals
):
    log_in(page, observer_north.username, PASSWORD)
    open_form(page, title="Voting")
    page.context.set_offline(True)
    answers = voting_answers()
    fill_voting(page, answers)
    page.get_by_role("button", name="Fill in").click()
    fill_voting(page, answers | {"turned_away": 0, "comments": "Second visit."})
    expect(page.locator("#waiting-count")).to_have_text("2")
    expect(page.locator("#network")).to_have_text("offline")
    assert Submission.objects.count() == 0

    page.context.set_offline(False)
    expect(page.locator("#received-count")).to_have_text("2")
    expect(page.locator("#waiting-count")).to_have_text("0")
    stored = sorted(Submission.objects.all(), key=lambda s: s.answers["comments"])
    assert [s.answers for s in stored] == [
        answers,  # "Queue calm…" sorts first
        answers | {"turned_away": 0, "comments": "Second visit."},
    ]
    assert {s.station.code for s in stored} == {"001"}
    assert OpenRosaInstance.objects.count() == 2
    assert policy_refusals == []


def test_a_photo_taken_offline_is_kept_and_sent_with_the_incident(
    page, observer_north, checklist, incident, policy_refusals, tmp_path
):
    photo = tmp_path / "queue.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8)
    log_in(page, observer_north.username, PASSWORD)
    page.goto("/observe/")
    expect(page.locator("#incident-button")).to_be_visible()
    page.context.set_offline(True)
    page.get_by_role("button", name="Report a critical incident").click()
    expect(page.locator("#webform form.or")).to_be_attached()
    definition = library_forms()["incident"]
    first = {name: choices[0].code for name, choices in definition.choice_lists.items()}
    # The time picker reads keys as they are typed, and shows the time now when it opens.
    time = page.locator('#webform .question:has([name$="/incident_time"]) .timepicker input')
    time.click()
    time.press("Control+a")
    time.press_sequentially("09:30")
    page.keyboard.press("Tab")
    page.locator("#webform #form-title").click()  # closes the time picker, as a tap elsewhere does
    choose(page, "category", first[definition.question("category").choices])
    field(page, "description").fill("Ballot box left unsealed.")
    choose(page, "witnessed", first[definition.question("witnessed").choices])
    choose(page, "commission_informed", "no")
    page.locator('#webform input[type="file"][name$="/photo"]').set_input_files(str(photo))
    send(page)
    expect(page.locator("#waiting-count")).to_have_text("1")
    page.reload()  # the photo stays in the outbox, not in the page
    expect(page.locator("#waiting-count")).to_have_text("1")
    page.context.set_offline(False)
    expect(page.locator("#received-count")).to_have_text("1")
    stored = Submission.objects.get()
    assert stored.answers["description"] == "Ballot box left unsealed."
    assert stored.answers["incident_time"] == "09:30"
    attachment = Attachment.objects.get()
    assert attachment.submission == stored
    assert stored.answers["photo"] == attachment.name
    assert attachment.size == photo.stat().st_size
    assert policy_refusals == []


def test_a_lost_response_is_resent_and_stored_once(page, observer_north, checklist):
    dropped = []

    def drop_first_response(route):
        if not dropped:
            route.fetch()  # the server receives and stores the report...
            dropped.append(route.request.post_data)
            route.abort("connectionreset")  # ...but the phone never hears back
        else:
            route.continue_()

    log_in(page, observer_north.username, PASSWORD)
    page.route("**/observe/submission", drop_first_response)
    open_form(page)
    fill_checklist(page)
    expect(page.locator("#received-count")).to_have_text("1", timeout=20000)
    assert Submission.objects.count() == 1
    instance_id = OpenRosaInstance.objects.get().instance_id
    assert instance_id.startswith("uuid:") and instance_id in dropped[0]
    assert page.locator("#received li").get_attribute("data-key") == instance_id
    assert RawPayload.objects.filter(status=RawPayload.Status.DUPLICATE).count() == 1


def test_the_page_reloads_from_the_cache_when_offline(page, observer_north, checklist):
    log_in(page, observer_north.username, PASSWORD)
    page.goto("/observe/")
    expect(page.locator("#station option")).to_have_count(1)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    page.reload()
    expect(page.locator("#station option")).to_have_count(1)
    expect(page.locator("#network")).to_have_text("offline")
    page.get_by_role("button", name="Fill in").click()
    expect(page.locator("#webform form.or")).to_be_attached()
    fill_checklist(page)
    expect(page.locator("#waiting-count")).to_have_text("1")


def test_a_refused_report_stays_visible_with_the_servers_reason(page, observer_north, checklist):
    log_in(page, observer_north.username, PASSWORD)
    open_form(page)
    fill_checklist(page, voters="1300")  # within the form's bound, above the station's figure
    expect(page.locator("#rejected-count")).to_have_text("1")
    expect(page.locator("#rejected")).to_contain_text(
        "1300 is above the 1200 registered voters at station 001"
    )
    assert not Submission.objects.exists()
    assert RawPayload.objects.get().status == RawPayload.Status.INVALID
    page.reload()
    expect(page.locator("#rejected-count")).to_have_text("1")


# A report as the page kept it before forms were XForms: its JSON body for the JSON API.
EARLIER_REPORT = """async (body) => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open("pollwatch-observer", 1);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  await new Promise((resolve, reject) => {
    const transaction = db.transaction("outbox", "readwrite");
    transaction.objectStore("outbox").put({
      key: body.key, body, title: "Station check · 001", state: "waiting", attempts: 0,
      nextAttempt: 0, createdAt: Date.now(), errors: [], receipt: null,
    });
    transaction.oncomplete = resolve;
    transaction.onerror = () => reject(transaction.error);
  });
}"""


def test_a_report_kept_by_the_earlier_page_is_still_sent(page, observer_north, checklist):
    log_in(page, observer_north.username, PASSWORD)
    page.goto("/observe/")
    expect(page.locator("#station option")).to_have_count(1)
    key = "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f"
    body = {
        "key": key,
        "form": "station_check",
        "version": 1,
        "station": "001",
        "answers": {"secrecy": "yes", "stuffing": "no", "voters": 9, "overall": "bad"},
        "device_time": "2026-05-01T09:00:00+00:00",
    }
    page.evaluate(EARLIER_REPORT, body)
    page.get_by_role("button", name="Send now").click()
    expect(page.locator("#received-count")).to_have_text("1")
    stored = Submission.objects.get()
    assert str(stored.key) == key
    assert stored.answers == body["answers"]
