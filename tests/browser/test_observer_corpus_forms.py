"""Imported ODK forms in the observer's web form: rendered by the engine, sent, stored.

The forms are the public corpus of ``tests/forms/corpus``, imported and published
as a form manager would; the observer opens each on the page, answers it and sends
it through the outbox to the OpenRosa intake.
"""

from __future__ import annotations

import io
import struct
import warnings
import wave
import zlib
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


# Answers every shown question that is still empty as a person would, in each widget
# Enketo draws: text 1234; a number inside the bounds of a simple constraint (". >= 35
# and . <= 42"), else 1; the first choice (of a list, a dropdown or a search among
# choices); a date and a time typed into the date and time widgets; a place typed into
# the map widget's latitude and longitude, a line or a shape pasted as KML; the OK of an
# acknowledgement. Files are attached apart (attach_files). Rounds repeat so that questions
# made relevant by earlier answers are answered too. `answers` holds a form's own answers
# (name of the question → value) for what no generic answer meets.
GENERIC_FILL = r"""async (form, answers) => {
  const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
  const type = (field, value) => {
    field.value = value;
    field.dispatchEvent(new Event('change', { bubbles: true }));
  };
  const typeInto = (question, selector, value) => {
    const field = question.querySelector(selector);
    if (field) type(field, value);
  };
  // A date in the past, or in the future when the constraint wants one after something
  // (". >= today()", ". > ${start}"), in the format the widget shows.
  const ownRule = (input) => (input.dataset.constraint || '').split(input.name).join('.');
  const dateLike = (field, input) => field.placeholder
    .replace('yyyy', /\.\s*>/.test(ownRule(input)) ? '2099' : '2024')
    .replace('mm', '05').replace('dd', '01');
  const widgets = {
    date: (question, input, own) => {
      const field = question.querySelector('.widget.date input');
      if (field) type(field, own ?? dateLike(field, input));
    },
    time: (question) => typeInto(question, '.widget.timepicker input', '10:30'),
    dateTime: (question, input) => {
      const day = question.querySelector('.datetimepicker .date input');
      if (day) type(day, dateLike(day, input));
      typeInto(question, '.datetimepicker .timepicker input', '10:30');
    },
    geopoint: (question) => {
      typeInto(question, '.geo-inputs input[name="lat"]', '-1.2921');
      typeInto(question, '.geo-inputs input[name="long"]', '36.8219');
    },
    geotrace: (question) => typeInto(question, 'textarea[name="kml"]',
      '36.8219,-1.2921,0 36.8300,-1.2950,0'),
    geoshape: (question) => typeInto(question, 'textarea[name="kml"]',
      '36.8219,-1.2921,0 36.8300,-1.2950,0 36.8250,-1.3000,0 36.8219,-1.2921,0'),
  };
  // The bounds of a constraint made of comparisons of the answer with figures.
  const withinConstraint = (input) => {
    const rule = ownRule(input);
    const integer = input.dataset.typeXml === 'int';
    let low = -Infinity;
    let high = Infinity;
    for (const [, sign, figure] of rule.matchAll(/\.\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)/g)) {
      const value = Number(figure);
      const step = sign.length === 1 ? (integer ? 1 : 0.5) : 0;
      if (sign.startsWith('>')) low = Math.max(low, value + step);
      else high = Math.min(high, value - step);
    }
    if (low > -Infinity) return String(low <= high ? low : (low + high) / 2);
    return String(Math.min(1, high));
  };
  // A search among choices: the first choice's label typed into the search field.
  const searchChoice = (input, question) => {
    const list = document.getElementById(input.getAttribute('list'));
    const option = list && [...list.options].find((o) => o.value);
    const search = question.querySelector('input.autocomplete');
    if (!option || !search) return;
    search.value = option.value;
    search.dispatchEvent(new Event('input', { bubbles: true }));
  };
  const answer = (input, question) => {
    const own = answers[input.dataset.name || input.name];
    if (input.type === 'radio' || input.type === 'checkbox') {
      // The question's own boxes: every entry of a repeat has boxes of the same name.
      const group = question.querySelectorAll(`input[name="${CSS.escape(input.name)}"]`);
      if ([...group].some((i) => i.checked) || !input.value) return;
      if (own !== undefined && input.value !== own) return;
      input.checked = true;
      input.dispatchEvent(new Event('change', { bubbles: true }));
      return;
    }
    if (input.value && own === undefined) return;  // a form's own answer replaces a default
    if (widgets[input.dataset.typeXml]) widgets[input.dataset.typeXml](question, input, own);
    else if (own !== undefined) type(input, own);
    else if (input.dataset.typeXml === 'binary') return;  // attached apart
    else if (input.tagName === 'SELECT') {
      const option = [...input.options].find((o) => o.value);
      if (option) type(input, option.value);
    } else if (input.hasAttribute('list')) searchChoice(input, question);
    else if (input.type === 'number') type(input, withinConstraint(input));
    else if (input.type === 'text' || input.tagName === 'TEXTAREA') type(input, '1234');
  };
  for (let round = 0; round < 4; round += 1) {
    // Inside a repeat, each entry's radio buttons get a name of their own: the question's
    // path is then their data-name.
    form.querySelectorAll('[name^="/"], input[data-name^="/"]')
      .forEach((input) => {
        // Widgets hide the field they fill (and the theme draws its own radio buttons):
        // what counts is whether the question is shown.
        const question = input.closest('.question');
        const shown = question ? question.offsetParent !== null : input.offsetParent !== null;
        const fillable = !input.matches(':disabled') && !input.readOnly
          && !input.classList.contains('ignore') && !question?.classList.contains('readonly');
        if (shown && fillable) answer(input, question || input);
      });
    await settle();
  }
}"""

# A small file of each kind a file question takes, by the start of its accept attribute.
ATTACHMENTS = {
    "image/": ("photo.png", "image/png"),
    "audio/": ("sound.wav", "audio/x-wav"),
    "video/": ("film.mp4", "video/mp4"),
    "": ("paper.pdf", "application/pdf"),
}
# Each shown, empty file question in the form, by its input's name and accept attribute.
EMPTY_FILE_QUESTIONS = """(form) => [...form.querySelectorAll('input[type="file"][name^="/"]')]
  .filter((input) => !input.files.length && input.closest('.question')?.offsetParent !== null
    && !input.matches(':disabled'))
  .map((input) => [input.name, input.accept || ''])"""

# The answers a form needs that no generic answer meets: form file → question → value.
OWN_ANSWERS: dict[str, dict[str, str]] = {
    # Phone numbers: regex(., '^[0]{1}[0-9]{9}$').
    "enketo-soar-facility-survey.xml": {"/data/S0Q5": "0712345678", "/data/S0Q7_7": "0712345678"},
    # Names: regex(., '[A-Za-z ]{1,100}').
    "onadata-external-choice-form.xlsx": {
        "/data/group_surveyor/organisasi": "Palang Merah",
        "/data/group_surveyor/surveyor": "Ana",
    },
    # Codes of eleven and seven letters or digits.
    "onadata-mali-health.xlsx": {
        "/data/Pcode": "ML010101001",
        "/data/Code_CSREF": "CSREF01",
        "/data/PCODE2": "ML01010",
    },
    # Shares of the cash that add up to 100.
    "onadata-select-one-choices-test.xlsx": {"/data/cashUtil/c32c1": "100"}
    | {f"/data/cashUtil/c32c{n}": "0" for n in range(2, 16)},
    # A future date where the form's default is a past one: ". >= today()".
    "enketo-widgets-on-pages.xml": {"/data/date_time_widgets/my_date": "2099-05-01"},
    "pyxform-widgets.xls": {"/data/my_date": "2099-05-01"},
    # A phone number as regex() has it; a stem's girth at least the plot's smallest.
    "pyxform-ucl-biomass-plot-form.xlsx": {
        "/data/info/leader_number": "712-345-6789",
        "/data/trees/stems/cbh": "500",
    },
    # Not skipping to the end: the whole form, its uri:deviceid preload included.
    "pyxform-xlsform-spec-test.xlsx": {"/data/skip_to_end": "no"},
}

CORPUS_FORMS = sorted(p for p in CORPUS.iterdir() if p.suffix.lower() in IMPORT_SUFFIXES)


def corpus_code(path: Path) -> str:
    """A code of the file's own, so two corpus forms with one form id do not collide."""
    return "c_" + path.stem.lower().replace("-", "_").replace(".", "_")[:60]


FIX_ERRORS = "Some answers are missing or wrong"
SENT_OR_REFUSED = f"""() => document.getElementById('checklist').hidden
  || document.getElementById('form-errors').textContent.startsWith('{FIX_ERRORS}')"""


def small_files(folder: Path) -> dict[str, Path]:
    """One small, well-formed file of each kind in ATTACHMENTS, by accept prefix."""
    folder.mkdir(exist_ok=True)
    sound = io.BytesIO()
    with wave.open(sound, "wb") as recording:
        recording.setnchannels(1)
        recording.setsampwidth(2)
        recording.setframerate(8000)
        recording.writeframes(b"\0\0" * 800)
    contents = {
        "photo.png": png_pixel(),
        "sound.wav": sound.getvalue(),
        "film.mp4": struct.pack(">I", 24) + b"ftypisom" + struct.pack(">I", 512) + b"isommp41",
        "paper.pdf": b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n",
    }
    paths = {}
    for prefix, (name, _type) in ATTACHMENTS.items():
        paths[prefix] = folder / name
        paths[prefix].write_bytes(contents[name])
    return paths


def png_pixel() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0\xff\x00\x00")
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def attach_files(page, files: dict[str, Path]) -> None:
    """Gives each shown, empty file question a file of the kind it accepts."""
    form = page.locator("#webform form.or")
    for name, accept in form.evaluate(EMPTY_FILE_QUESTIONS):
        prefix = next(p for p in ATTACHMENTS if accept.startswith(p))
        form.locator(f'input[type="file"][name="{name}"]').first.set_input_files(files[prefix])
        question = form.locator(f'.question:has(input[type="file"][name="{name}"])').first
        expect(question.locator(".fake-file-input")).not_to_have_value("")


def fill_and_send(page, code: str, files: dict[str, Path], answers: dict[str, str]) -> str:
    """What became of the form: stored, or why not."""
    open_form(page, code)
    problems = page.locator("#form-errors").text_content() or ""
    if problems:
        return f"load error: {problems}"
    answered = page.locator("#received > li, #rejected > li")
    before = answered.count()
    form = page.locator("#webform form.or")
    for _round in range(2):
        form.evaluate(GENERIC_FILL, answers)
        attach_files(page, files)
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_function(SENT_OR_REFUSED)
    if not page.locator("#checklist").is_hidden():
        invalid = page.locator(
            "#webform .invalid-required [name^='/'], #webform .invalid-constraint [name^='/'],"
            " #webform .invalid-required[data-name], #webform .invalid-constraint[data-name]"
        ).evaluate_all(
            "(fs) => [...new Set(fs.map((f) =>"
            " `${f.dataset.name || f.name}:${f.dataset.typeXml || f.type}`))]"
        )
        return f"not valid: {invalid}"
    expect(answered).to_have_count(before + 1)
    if Submission.objects.filter(form_version__form__code=code).exists():
        return "stored"
    return f"refused: {page.locator('#rejected > li').first.text_content()}"


# The corpus forms are published with their attachments in corpus/media/<file stem>/.
# The corpus forms that are not stored, and why: "load error", the engine reports a fault
# in the form; "refused", the page sent the report and the server refused it. Every other
# corpus form renders without a load error, is answered in every widget, sent through the
# outbox and stored.
NOT_SENT: dict[str, tuple[str, str]] = {}
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
    page, observer_north, policy_refusals, tmp_path
):
    codes = {
        path.name: publish_corpus_form(path, corpus_code(path)).form.code for path in CORPUS_FORMS
    }
    files = small_files(tmp_path / "to-attach")
    log_in(page, observer_north.username, PASSWORD)
    page.goto("/observe/")
    expect(page.locator("#form-choice option")).to_have_count(len(codes))
    outcomes: dict[str, str] = {}
    refused_media = set()
    for name, code in codes.items():
        seen = len(policy_refusals)
        outcomes[name] = fill_and_send(page, code, files, OWN_ANSWERS.get(name, {}))
        if len(policy_refusals) > seen:
            refused_media.add(name)
    not_sent = {name: outcome for name, outcome in outcomes.items() if outcome != "stored"}
    assert {name: outcome.split(":")[0] for name, outcome in not_sent.items()} == {
        name: kind for name, (kind, _why) in NOT_SENT.items()
    }, not_sent
    assert len(outcomes) - len(not_sent) >= 40
    assert refused_media == SHOW_MEDIA
    assert [r for r in policy_refusals if "jr://" not in r] == []
