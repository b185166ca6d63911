"""The forensic report speaks the language it is written in: its uploader's, or --language."""

from html import escape
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from pollwatch.accounts.models import remember_language
from pollwatch.forensics.models import ResultsUpload
from pollwatch.forensics.report import build_report
from pollwatch.lib.catalogues import gettext, writing_in
from tests.forensics.conftest import EXTRACTS
from tests.forensics.test_pages import upload

HEADING = "Stations analysed"
READING = (
    "Identical protocols at neighbouring stations can mean one protocol was copied to others "
    "instead of counting."
)


def in_russian(text: str) -> str:
    with writing_in("ru"):
        translated = gettext(text)
    assert translated != text, f"no Russian for {text!r}"
    return translated


@pytest.fixture(scope="module")
def russian_page(tmp_path_factory):
    out = tmp_path_factory.mktemp("ru")
    summary = build_report(EXTRACTS["2018"], None, out, language="ru")
    return summary, summary.html_path.read_text("utf-8")


def test_a_report_written_in_russian_has_russian_headings_and_readings(russian_page):
    _summary, page = russian_page
    assert '<html lang="ru">' in page
    assert escape(in_russian(HEADING)) in page
    assert escape(in_russian("Digit tests")) in page
    assert escape(in_russian(READING)) in page
    assert HEADING not in page and READING not in page


def test_a_russian_report_keeps_its_codes_in_english(russian_page):
    summary, _page = russian_page
    data = summary.json_path.read_text("utf-8")
    assert '"test": "Turnout and leader share"' in data
    assert summary.headline.startswith("Тесты, показывающие отклонение")


def test_a_report_is_written_in_english_unless_asked(tmp_path):
    page = build_report(EXTRACTS["2018"], None, tmp_path).html_path.read_text("utf-8")
    assert '<html lang="en">' in page
    assert HEADING in page and READING in page


def test_the_command_writes_the_report_in_the_language_asked(tmp_path):
    call_command(
        "forensics",
        "report",
        str(EXTRACTS["2018"]),
        "--out",
        str(tmp_path),
        "--language",
        "tr",
        "--no-progress",
        stdout=StringIO(),
    )
    page = (tmp_path / "report.html").read_text("utf-8")
    with writing_in("tr"):
        heading = gettext(HEADING)
    assert heading != HEADING
    assert '<html lang="tr">' in page and escape(heading) in page


def test_an_upload_is_reported_in_its_uploaders_language(
    client, analyst, election, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    remember_language(analyst, "ru")
    client.force_login(analyst)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, election, Path(EXTRACTS["2018"]).read_bytes(), "2018.csv")
    done = ResultsUpload.objects.get()
    assert done.status == ResultsUpload.Status.DONE, done.error
    assert done.language == "ru"
    page = (done.report_dir / "report.html").read_text("utf-8")
    assert '<html lang="ru">' in page and escape(in_russian(HEADING)) in page


def test_an_upload_without_a_chosen_language_is_reported_in_english(
    client, analyst, election, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(analyst)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, election, Path(EXTRACTS["2018"]).read_bytes(), "2018.csv")
    done = ResultsUpload.objects.get()
    assert done.language == "en"
    assert HEADING in (done.report_dir / "report.html").read_text("utf-8")
