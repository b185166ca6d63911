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


def corpus_media(path: Path) -> dict[str, Path]:
    """The form's attachments, kept in ``corpus/media/<the form file's stem>/``."""
    folder = CORPUS / "media" / path.stem
    return {file.name: file for file in sorted(folder.iterdir())} if folder.is_dir() else {}


def publish_corpus_form(path: Path, code: str | None = None):
    with warnings.catch_warnings():
        # openpyxl and xlrd warn about styles and properties of some real workbooks
        warnings.simplefilter("ignore")
        imported = import_form(path.read_bytes(), path.name, code=code, media=corpus_media(path))
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


def test_choices_from_a_csv_attachment_are_offered_and_stored(
    page, observer_north, policy_refusals
):
    version = publish_corpus_form(CORPUS / "collect-external-csv-form.xml")
    code = version.form.code
    log_in(page, observer_north.username, PASSWORD)
    page.goto("/observe/")
    expect(page.locator(f"#form-choice option[value='{code}']")).to_be_attached()
    open_form(page, code)
    expect(page.locator("#form-errors")).to_have_text("")
    form = page.locator("#webform")
    form.locator('input[name$="/country"][value="usa"]').check()
    expect(form.locator('input[name$="/city"][value="den"]')).to_have_count(1)
    expect(form.locator('input[name$="/city"][value="ams"]')).to_have_count(0)
    form.locator('input[name$="/city"][value="nyc"]').check()
    form.locator('input[name$="/neighborhood"][value="harlem"]').check()
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator("#received-count")).to_have_text("1")
    stored = Submission.objects.get()
    assert (stored.answers["country"], stored.answers["city"]) == ("usa", "nyc")
    assert stored.answers["neighborhood"] == "harlem"
    assert policy_refusals == []


# Answers every visible empty field as the engine measurement's filler does (text 1234,
# numbers 1, the first choice; no dates, times, files or places), four times, so that
# questions made relevant by the first round are answered too.
GENERIC_FILL = """(form) => {
  const unanswered = ['date', 'time', 'dateTime', 'geopoint', 'geotrace', 'geoshape', 'binary'];
  const answer = (input) => {
    if (!input.name.startsWith('/') || unanswered.includes(input.dataset.typeXml)) return;
    if (input.hasAttribute('list')) return;  // a search among choices, not free text
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
  for (let round = 0; round < 4; round += 1) {
    form.querySelectorAll('input[name], select[name], textarea[name]').forEach((input) => {
      // Widgets hide the field they fill (and the theme draws its own radio buttons):
      // what counts is whether the question is shown.
      const question = input.closest('.question');
      const shown = question ? question.offsetParent !== null : input.offsetParent !== null;
      const fillable = !input.disabled && !input.readOnly && !input.classList.contains('ignore');
      if (shown && fillable) answer(input);
    });
  }
}"""

CORPUS_FORMS = sorted(p for p in CORPUS.iterdir() if p.suffix.lower() in IMPORT_SUFFIXES)


def corpus_code(path: Path) -> str:
    """A code of the file's own, so two corpus forms with one form id do not collide."""
    return "c_" + path.stem.lower().replace("-", "_").replace(".", "_")[:60]


FIX_ERRORS = "Some answers are missing or wrong"
SENT_OR_REFUSED = f"""() => document.getElementById('checklist').hidden
  || document.getElementById('form-errors').textContent.startsWith('{FIX_ERRORS}')"""


def fill_and_send(page, code: str) -> str:
    """What became of the form: stored, or why not."""
    open_form(page, code)
    problems = page.locator("#form-errors").text_content() or ""
    if problems:
        return f"load error: {problems}"
    answered = page.locator("#received > li, #rejected > li")
    before = answered.count()
    page.locator("#webform form.or").evaluate(GENERIC_FILL)
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_function(SENT_OR_REFUSED)
    if not page.locator("#checklist").is_hidden():
        invalid = page.locator(
            "#webform .invalid-required [name], #webform .invalid-constraint [name]"
        ).evaluate_all(
            "(fs) => [...new Set(fs.map((f) => `${f.name}:${f.dataset.typeXml || f.type}`))]"
        )
        return f"not valid: {invalid}"
    expect(answered).to_have_count(before + 1)
    if Submission.objects.filter(form_version__form__code=code).exists():
        return "stored"
    return f"refused: {page.locator('#rejected > li').first.text_content()}"


# The corpus forms are published with their attachments in corpus/media/<file stem>/.
# The corpus forms that are not sent, and why: "load error", the engine reports a fault in
# the form; "not valid", the generic filler leaves a required answer it never gives (dates,
# places, photos, some choices) or gives one that a constraint refuses. Every other corpus
# form renders without a load error, is filled, sent through the outbox and stored.
NOT_SENT = {
    "cht-large-cha.xlsx": ("not valid", "required choices and figures the filler does not meet"),
    "enketo-soar-facility-survey.xml": ("not valid", "required dates and choices"),
    "enketo-widgets-on-pages.xml": ("not valid", "a required date and a trigger"),
    "onadata-external-choice-form.xlsx": ("not valid", "external choices, a place, a photo"),
    "onadata-mali-health.xlsx": ("not valid", "required codes the filler leaves empty"),
    "onadata-select-one-choices-test.xlsx": (
        "not valid",
        "a required date; a decimal's constraint",
    ),
    "onadata-subdistrict-profiling-tool.xlsx": ("not valid", "a required date"),
    "osmfw-cemeteries.xls": ("load error", "a GeoJSON attachment the corpus lacks"),
    "pyxform-ucl-biomass-plot-form.xlsx": ("load error", "CSV attachments the corpus lacks"),
    "pyxform-widgets.xls": ("not valid", "a required date"),
    "pyxform-xlsform-spec-test.xlsx": ("load error", "the uri:deviceid preload, an Enketo gap"),
    "webforms-all-question-types.xlsx": ("load error", "a GeoJSON attachment, not converted"),
    "webforms-date-and-time.xml": ("not valid", "a required date"),
    "webforms-ifrc-distribution-site-assessment.xml": ("not valid", "a required place and date"),
    "webforms-select-one-from-map-external-files.xml": (
        "load error",
        "a GeoJSON attachment, not converted",
    ),
    "webforms-socio-economic-survey.xlsx": ("load error", "jr:itext() over a secondary instance"),
    "webforms-whova-form.xlsx": ("not valid", "required answers the filler leaves empty"),
}
# Forms whose labels show images, sound or video (jr://images/…): the corpus has none of
# these files, so the page's policy refuses those jr:// addresses, and nothing else.
SHOW_MEDIA = {
    "collect-all-widgets.xml",
    "enketo-widgets-on-pages.xml",
    "osmfw-transportation.xls",
    "pyxform-table-list.xls",
    "pyxform-widgets.xls",
    "pyxform-xlsform-spec-test.xlsx",
    "webforms-all-question-types.xlsx",
    "webforms-media-label.xml",
}


def test_every_corpus_form_renders_and_those_the_filler_completes_are_stored(
    page, observer_north, policy_refusals
):
    codes = {
        path.name: publish_corpus_form(path, corpus_code(path)).form.code for path in CORPUS_FORMS
    }
    log_in(page, observer_north.username, PASSWORD)
    page.goto("/observe/")
    expect(page.locator("#form-choice option")).to_have_count(len(codes))
    outcomes: dict[str, str] = {}
    refused_media = set()
    for name, code in codes.items():
        seen = len(policy_refusals)
        outcomes[name] = fill_and_send(page, code)
        if len(policy_refusals) > seen:
            refused_media.add(name)
    not_sent = {name: outcome for name, outcome in outcomes.items() if outcome != "stored"}
    assert {name: outcome.split(":")[0] for name, outcome in not_sent.items()} == {
        name: kind for name, (kind, _why) in NOT_SENT.items()
    }, not_sent
    assert len(outcomes) - len(not_sent) >= 20
    assert refused_media == SHOW_MEDIA
    assert [r for r in policy_refusals if "jr://" not in r] == []
