"""The corpus of public ODK forms: every file is accounted for and every form is sound.

Each file in this folder is a copy of a public form (or of a form's attachment)
and ``SOURCES.md`` names, for each, the repository, path, commit and licence it
came from. These tests keep that list honest as forms are added, and check that
each XLSForm converts with pyxform and each XForm has the shape of an XForm, so
that the tests which import, serve and render the corpus start from forms that
are valid where they came from.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import pytest
from pyxform.xls2xform import convert

CORPUS = Path(__file__).resolve().parent
SOURCES = CORPUS / "SOURCES.md"
NOT_FORMS = {"SOURCES.md", "README.md", Path(__file__).name, "__init__.py"}
SKIPPED_FOLDERS = {"__pycache__"}
XLSFORM_SUFFIXES = {".xlsx", ".xls"}
XFORM_SUFFIXES = {".xml"}
FORM_NAME = re.compile(r"^[a-z0-9]+-[a-z0-9][a-z0-9._-]*\.(xlsx|xls|xml)$")
COMMIT = re.compile(r"^[0-9a-f]{40}$")
XHTML = "{http://www.w3.org/1999/xhtml}"
XFORMS = "{http://www.w3.org/2002/xforms}"
MIN_FORMS = 30
MIN_XLSFORMS = 20
MIN_LEGACY_XLS = 3
MIN_XFORMS = 6


def corpus_files() -> list[Path]:
    return sorted(
        path
        for path in CORPUS.rglob("*")
        if path.is_file()
        and path.name not in NOT_FORMS
        and not SKIPPED_FOLDERS.intersection(path.relative_to(CORPUS).parts)
    )


def forms() -> list[Path]:
    return [path for path in CORPUS.iterdir() if path.suffix in XLSFORM_SUFFIXES | XFORM_SUFFIXES]


def xlsforms() -> list[Path]:
    return sorted(path for path in forms() if path.suffix in XLSFORM_SUFFIXES)


def xforms() -> list[Path]:
    return sorted(path for path in forms() if path.suffix in XFORM_SUFFIXES)


def source_rows() -> list[dict[str, str]]:
    """The rows of the table in SOURCES.md, keyed by its header."""
    lines = [line.strip() for line in SOURCES.read_text(encoding="utf-8").splitlines()]
    table = [line for line in lines if line.startswith("|")]
    header = [cell.strip() for cell in table[0].strip("|").split("|")]
    rows = []
    for line in table[2:]:
        cells = [cell.strip().strip("`") for cell in line.strip("|").split("|")]
        rows.append(dict(zip(header, cells, strict=True)))
    return rows


def test_every_file_has_exactly_one_source_row_and_every_row_a_file():
    named = Counter(row["File"] for row in source_rows())
    present = {path.relative_to(CORPUS).as_posix() for path in corpus_files()}

    assert sorted(name for name, count in named.items() if count > 1) == []
    assert sorted(present - set(named)) == [], "files with no row in SOURCES.md"
    assert sorted(set(named) - present) == [], "rows in SOURCES.md with no file"


def test_every_source_row_names_its_repository_commit_and_licence():
    for row in source_rows():
        assert "/" in row["Repository"], row
        assert row["Path"], row
        assert COMMIT.match(row["Commit"]), row
        assert row["Licence"] and row["Licence"].lower() not in {"none", "unknown", "-"}, row
        assert row["Shows"], row


def test_the_corpus_is_large_and_holds_every_kind_of_form():
    assert len(forms()) >= MIN_FORMS
    assert len(xlsforms()) >= MIN_XLSFORMS
    assert len([path for path in xlsforms() if path.suffix == ".xls"]) >= MIN_LEGACY_XLS
    assert len(xforms()) >= MIN_XFORMS


def test_form_names_are_lower_case_and_start_with_their_origin():
    assert [path.name for path in forms() if not FORM_NAME.match(path.name)] == []


def test_every_attachment_folder_belongs_to_a_form():
    stems = {path.stem for path in forms()}
    media = CORPUS / "media"
    folders = [folder.name for folder in media.iterdir() if folder.is_dir()]

    assert folders
    assert sorted(set(folders) - stems) == []


@pytest.mark.parametrize("path", xlsforms(), ids=lambda path: path.name)
def test_xlsform_converts_with_pyxform(path):
    conversion_warnings: list[str] = []
    # These spreadsheets were saved by many tools; openpyxl and xlrd complain
    # about styles and dates in some of them, which says nothing about the form.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = convert(xlsform=str(path), warnings=conversion_warnings)

    root = ElementTree.fromstring(result.xform.encode("utf-8"))
    assert root.tag == f"{XHTML}html"


@pytest.mark.parametrize("path", xforms(), ids=lambda path: path.name)
def test_xform_has_head_model_instance_and_body(path):
    root = ElementTree.parse(path).getroot()

    assert root.tag == f"{XHTML}html"
    head = root.find(f"{XHTML}head")
    assert head is not None
    model = head.find(f"{XFORMS}model")
    assert model is not None
    instance = model.find(f"{XFORMS}instance")
    assert instance is not None
    assert len(instance) == 1, "the primary instance holds one root element"
    assert root.find(f"{XHTML}body") is not None
