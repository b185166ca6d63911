"""An observer takes a briefing test, fails, reads which questions were wrong, passes and is
certified."""

import pytest
from playwright.sync_api import expect

from pollwatch.briefing.quiz_files import QuizUpload
from pollwatch.briefing.services import create_module, set_quiz
from tests.briefing.conftest import QUIZ, RIGHT
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _answer(page, touch: str, who: str, rights: list[str]) -> None:
    page.get_by_role("group", name="May an observer touch ballots?").get_by_label(touch).check()
    page.get_by_role("group", name="Who decides in the station?").get_by_label(who).check()
    options = page.get_by_role("group", name="What may an observer do?")
    for name in ("Watch the count", "Get the protocol", "Vote for others"):
        box = options.get_by_label(name)
        box.check() if name in rights else box.uncheck()
    page.get_by_role("button", name="Submit answers").click()


def test_an_observer_fails_the_test_then_passes_and_is_certified(page, mission, observer_north):
    module = create_module(
        mission, title={"en": "Secrecy of the vote"}, text={"en": "Never touch a ballot."}
    )
    set_quiz(module, QuizUpload(QUIZ, dict(RIGHT), 100))
    log_in(page, observer_north.username, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Briefing").click()
    expect(page.get_by_text("You are not certified yet")).to_be_visible()
    page.get_by_role("link", name="Secrecy of the vote").click()
    expect(page.get_by_text("Never touch a ballot.")).to_be_visible()
    page.get_by_role("link", name="Take the test").click()

    _answer(page, "Yes", "The chair", ["Watch the count"])
    wrong = page.locator("ul.wrong li")
    expect(wrong).to_have_text(["May an observer touch ballots?", "What may an observer do?"])
    expect(page.get_by_text("Not passed: 33% (100% passes).")).to_be_visible()

    _answer(page, "No", "The chair", ["Watch the count", "Get the protocol"])
    expect(page.get_by_text("You passed with 100%.")).to_be_visible()
    expect(page.get_by_text("You are certified.")).to_be_visible()
    expect(page.locator("table tbody tr")).to_have_count(2)
    observer_north.member.refresh_from_db()
    assert observer_north.member.certified_at is not None
