"""The ``pollwatch forms`` command."""

from __future__ import annotations

import json

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from pollwatch.forms.library import LIBRARY_DIR
from pollwatch.forms.models import FormVersion
from tests.forms.builders import XLSFORM_FIXTURE as FIXTURE
from tests.forms.builders import sample_form


def test_validate_accepts_a_library_file_without_a_database(capsys):
    call_command("forms", "validate", str(LIBRARY_DIR / "voting.json"))
    assert "valid form 'voting' (voting, 24 questions, en, ru, tr)" in capsys.readouterr().out


def test_validate_accepts_an_xlsform(capsys):
    call_command("forms", "validate", str(FIXTURE))
    assert "valid form 'observer_checklist'" in capsys.readouterr().out


def test_validate_lists_every_error_with_its_path(tmp_path):
    data = sample_form()
    data["sections"][1]["questions"][0]["constraint"]["max"] = "many"
    path = tmp_path / "sample.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match=r"sections\[1\]\.questions\[0\]\.constraint\.max"):
        call_command("forms", "validate", str(path))


def test_validate_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("forms", "validate", str(tmp_path / "none.json"))


@pytest.mark.django_db
def test_import_then_export_xlsform(tmp_path, capsys):
    call_command("forms", "import-xlsform", str(FIXTURE))
    assert FormVersion.objects.get().form.code == "observer_checklist"
    assert "metadata 'start' skipped" in capsys.readouterr().err
    out = tmp_path / "out.xlsx"
    call_command("forms", "export-xlsform", "observer_checklist", "--out", str(out))
    assert openpyxl.load_workbook(out).sheetnames == ["survey", "choices", "settings"]
    xml = tmp_path / "out.xml"
    call_command("forms", "export-xform", "observer_checklist", "--out", str(xml))
    assert "<h:html" in xml.read_text(encoding="utf-8")


@pytest.mark.django_db
def test_export_of_pvt_form2_needs_ballot_options(tmp_path):
    call_command("forms", "load-library")
    out = tmp_path / "pvt.xlsx"
    with pytest.raises(CommandError, match="bind it to the election's ballot options"):
        call_command("forms", "export-xlsform", "pvt_form2", "--out", str(out))
    call_command(
        "forms",
        "export-xlsform",
        "pvt_form2",
        "--out",
        str(out),
        "--ballot-option",
        "a=Alpha",
        "--ballot-option",
        "b=Beta",
    )
    names = [row[1] for row in openpyxl.load_workbook(out)["survey"].iter_rows(values_only=True)]
    assert "votes_a" in names and "votes_b" in names


@pytest.mark.django_db
def test_export_of_an_unknown_form_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="no published form 'nothing'"):
        call_command("forms", "export-xlsform", "nothing", "--out", str(tmp_path / "x.xlsx"))


def test_an_import_error_names_the_file_once(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a form", encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command("forms", "import", str(notes))
    assert str(raised.value) == (
        "notes.txt: not a form file; give an XLSForm (.xlsx, .xls) or an XForm (.xml)"
    )
