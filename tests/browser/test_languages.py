"""Switching the language: the menu, a findings page and the observer's form follow it."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from pollwatch.forms.library import library_forms
from pollwatch.forms.services import publish_form_version
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OTHER_LANGUAGES = ("ru", "tr")


def in_language(language: str, text: str) -> str:
    with translation.override(language):
        translated = translation.gettext(text)
    assert translated != text, f"{text!r} has no {language} translation"
    return translated


def switch_to(page, language: str) -> None:
    page.locator("#language-choice").select_option(language)
    page.locator("form.language button").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


@pytest.fixture
def voting():
    return publish_form_version(library_forms()["voting"].to_dict())


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_the_menu_and_a_findings_page_speak_the_chosen_language(
    page, core_team, mission, voting, language
):
    log_in(page, core_team.username, PASSWORD)
    page.goto(f"/missions/{mission.slug}/findings/")
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="Reports", exact=True).first).to_be_visible()

    switch_to(page, language)
    assert page.url.endswith(f"/missions/{mission.slug}/findings/")
    menu = page.get_by_role("navigation", name=in_language(language, "Main"))
    expect(
        menu.get_by_role("link", name=in_language(language, "Reports"), exact=True).first
    ).to_be_visible()
    expect(page.get_by_role("heading", level=2).first).to_have_text(
        in_language(language, "Overall assessment")
    )
    expect(page.get_by_role("link", name="Reports", exact=True)).to_have_count(0)

    page.goto("/")  # the choice stays with the account, not only the page
    expect(page.locator("html")).to_have_attribute("lang", language)


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_the_observer_form_shows_its_labels_in_the_chosen_language(
    page, observer_north, voting, language
):
    definition = library_forms()["voting"]
    first_question = next(definition.questions())
    assert language in definition.languages

    log_in(page, observer_north.username, PASSWORD)
    page.goto("/observe/")
    switch_to(page, language)
    expect(page.get_by_role("button", name=in_language(language, "Fill in"))).to_be_visible()
    page.locator("#form-choice").select_option(label=definition.title[language])
    page.get_by_role("button", name=in_language(language, "Fill in")).click()
    expect(page.locator("#webform form.or")).to_be_attached()

    label = page.locator("#webform .question-label.active", has_text=first_question.label[language])
    expect(label.first).to_be_visible()
    english = page.locator("#webform .question-label", has_text=first_question.label["en"])
    expect(english.first).to_be_hidden()


def test_an_observer_whose_language_the_form_lacks_sees_its_first_language(
    page, observer_north, voting
):
    """The page speaks the observer's language; the form falls back to its own default."""
    definition = library_forms()["voting"].to_dict()
    definition["code"] = "english_only"
    definition["title"] = {"en": "English only"}
    definition["languages"] = ["en"]
    publish_form_version(_only_english(definition))

    log_in(page, observer_north.username, PASSWORD)
    page.goto("/observe/")
    switch_to(page, "ru")
    page.locator("#form-choice").select_option(label="English only")
    page.get_by_role("button", name=in_language("ru", "Fill in")).click()
    first = library_forms()["voting"]
    first_label = next(first.questions()).label["en"]
    expect(page.locator("#webform .question-label", has_text=first_label).first).to_be_visible()


def _only_english(value):
    """A copy of a form definition with every per-language text reduced to its English."""
    if isinstance(value, dict):
        if "en" in value and set(value) <= {"en", "ru", "tr"}:
            return {"en": value["en"]}
        return {key: _only_english(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_only_english(item) for item in value]
    return value
