"""Imported ODK forms in the observer's web form: rendered by the engine, sent, stored.

The forms are the public corpus of ``tests/forms/corpus``, imported and published
as a form manager would; the observer opens each on the page, answers it and sends
it through the outbox to the OpenRosa intake.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pollwatch.forms.form_import import IMPORT_SUFFIXES, import_form
from pollwatch.forms.services import publish_imported_form
from pollwatch.intake.models import Submission
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CORPUS = Path(__file__).resolve().parents[1] / "forms" / "corpus"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def publish_corpus_form(path: Path, code: str | None = None):
    with warnings.catch_warnings():
        # openpyxl and xlrd warn about styles and properties of some real workbooks
        warnings.simplefilter("ignore")
        imported = import_form(path.read_bytes(), path.name, code=code)
    return publish_imported_form(imported)


def open_form(page, code: str) -> None:
    page.locator("#form-choice").select_option(value=code)
    page.get_by_role("button", name="Fill in").click()
    expect(page.locator(f"#webform form.or[data-form-id='{code}']")).to_be_attached()


@pytest.fixture
def policy_refusals(page):
    said: list[str] = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and said.append(message.text),
    )
    page.on("pageerror", lambda error: said.append(f"error: {error}"))
    return said


def test_two_entries_of_a_repeat_are_stored_as_two_entries(page, observer_north, policy_refusals):
    version = publish_corpus_form(CORPUS / "onadata-nested-repeats.xlsx")
    code = version.form.code
    log_in(page, observer_north.username, PASSWORD)
    page.goto("/observe/")
    expect(page.locator(f"#form-choice option[value='{code}']")).to_be_attached()
    open_form(page, code)
    form = page.locator("#webform")
    form.locator('input[name$="/has_kids"][value="1"]').check()
    entries = form.locator(".or-repeat[name$='/kids_details']")
    expect(entries).to_have_count(1)
    entries.nth(0).locator('input[name$="/kids_name"]').fill("Ana")
    entries.nth(0).locator('input[name$="/kids_age"]').fill("7")
    entries.nth(0).locator('input[name$="/immunization_info"]').fill("measles")
    form.locator(".or-repeat-info[data-name$='/kids_details'] .add-repeat-btn").click()
    expect(entries).to_have_count(2)
    entries.nth(1).locator('input[name$="/kids_name"]').fill("Ben")
    entries.nth(1).locator('input[name$="/kids_age"]').fill("4")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator("#received-count")).to_have_text("1")
    stored = Submission.objects.get()
    assert stored.answers["has_kids"] == "1"
    details = stored.answers["kids_details"]
    assert [(entry.get("kids_name"), entry.get("kids_age")) for entry in details] == [
        ("Ana", 7),
        ("Ben", 4),
    ]
    assert details[0]["kids_immunization"] == [{"immunization_info": "measles"}]
    assert policy_refusals == []


# Answers every visible empty field as the engine measurement's filler does (text 1234,
# numbers 1, the first choice; no dates, times, files or places), twice, so that
# questions made relevant by the first round are answered too.
GENERIC_FILL = """(form) => {
  const answer = (input) => {
    const empty = !input.value;
    if (input.type === 'radio' || input.type === 'checkbox') {
      const group = form.querySelectorAll(`input[name="${CSS.escape(input.name)}"]`);
      if ([...group].some((i) => i.checked) || !input.value) return;
      input.checked = true;
    } else if (input.tagName === 'SELECT') {
      const option = [...input.options].find((o) => o.value);
      if (!empty || !option) return;
      input.value = option.value;
    } else if (input.type === 'number') {
      if (!empty) return;
      input.value = '1';
    } else if (input.type === 'text' || input.tagName === 'TEXTAREA') {
      if (!empty) return;
      input.value = '1234';
    } else {
      return;
    }
    input.dispatchEvent(new Event('change', { bubbles: true }));
  };
  for (let round = 0; round < 2; round += 1) {
    form.querySelectorAll('input[name], select[name], textarea[name]').forEach((input) => {
      if (input.offsetParent !== null && !input.disabled && !input.readOnly) answer(input);
    });
  }
}"""

CORPUS_FORMS = sorted(p for p in CORPUS.iterdir() if p.suffix.lower() in IMPORT_SUFFIXES)


def corpus_code(path: Path) -> str:
    """A code of the file's own, so two corpus forms with one form id do not collide."""
    return "c_" + path.stem.lower().replace("-", "_").replace(".", "_")[:60]
