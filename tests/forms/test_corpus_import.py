"""Every real public form of the corpus imports, and an XLSForm exports back to itself."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import pytest
from pyxform.xls2xform import convert

from pollwatch.forms.definition import load_definition
from pollwatch.forms.form_import import IMPORT_SUFFIXES, import_form
from pollwatch.forms.xlsform import export_xlsform_sheets

CORPUS = Path(__file__).parent / "corpus"
FORMS = sorted(p for p in CORPUS.iterdir() if p.suffix.lower() in IMPORT_SUFFIXES)
WORKBOOKS = [p for p in FORMS if p.suffix.lower() != ".xml"]


def imported(path: Path):
    with warnings.catch_warnings():
        # openpyxl and xlrd warn about styles and properties of some real workbooks
        warnings.simplefilter("ignore")
        return import_form(path.read_bytes(), path.name)


def test_the_corpus_has_thirty_forms_and_more():
    assert len(FORMS) >= 30


@pytest.mark.parametrize("path", FORMS, ids=lambda p: p.name)
def test_every_corpus_form_imports(path):
    result = imported(path)
    definition = result.definition
    assert sum(1 for _ in definition.questions()) > 0
    assert load_definition(definition.to_dict()).to_dict() == definition.to_dict()
    if path.suffix.lower() == ".xml":
        assert result.xform == path.read_bytes().decode("utf-8")
        assert result.xlsform is None


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: p.name)
def test_an_imported_xlsform_exports_to_a_workbook_pyxform_converts_to_the_same_xform(path):
    result = imported(path)
    exported = export_xlsform_sheets(result.xlsform)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        again = convert(io.BytesIO(exported), warnings=[], file_type=".xlsx").xform
    assert again == result.xform


def test_the_corpus_holds_repeats_groups_and_many_question_types():
    types, repeats, nested = set(), 0, 0
    for path in FORMS:
        definition = imported(path).definition
        types |= {question.type for question in definition.questions()}
        repeats += sum(section.repeat for section in definition.sections)
        nested += sum(section.within is not None for section in definition.sections)
    wanted = {"geopoint", "geotrace", "geoshape", "date", "datetime", "calculate", "note"}
    assert wanted <= types
    assert repeats >= 10 and nested >= 3


def test_a_workbook_whose_styles_openpyxl_warns_about_imports_without_a_warning():
    path = CORPUS / "onadata-multi-lingual-form.xlsx"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert import_form(path.read_bytes(), path.name).definition.languages
