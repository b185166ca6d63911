"""Importing a form file: an XLSForm (.xlsx, .xls) or an XForm (.xml).

An XLSForm is converted by pyxform exactly as ODK tools convert it (header
spellings, language names, unknown columns and missing translations as pyxform
takes them, warnings as its warnings), and the XForm it gives becomes the form's
source of truth for devices. The definition pollwatch checks and analyses
answers by is read from that XForm (``xform_reader``); pollwatch's own columns,
which ODK ignores, add what an XForm cannot say: critical answers, the overall
assessment, bounds by a station's figures, how reports combine, check codes, the
phase and translated titles. The workbook's sheets are kept so that the form
exports back to the same XLSForm.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO

from pyxform.errors import PyXFormError
from pyxform.xls2json_backends import get_xlsform
from pyxform.xls2xform import convert

from pollwatch.forms.definition import FormDefinition, FormDefinitionError, load_definition
from pollwatch.forms.definition_rules import COMBINE_RULES, DEFAULT_COMBINE, STATION_FIGURES
from pollwatch.forms.languages import language_code_and_name
from pollwatch.forms.media import MediaFile, MediaSource, read_all_media, unnamed_media_warnings
from pollwatch.forms.xform_reader import XFormError, XFormRead, read_xform
from pollwatch.forms.xpath import XPathError, parse_xpath, to_expression
from pollwatch.lib.catalogues import gettext as _
from pollwatch.lib.tabular import (
    ImportLimits,
    TableRejected,
    check_unpacked_size,
    read_limited_from,
)

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
XFORM_SUFFIXES = (".xml",)
IMPORT_SUFFIXES = WORKBOOK_SUFFIXES + XFORM_SUFFIXES
SHEETS = ("survey", "choices", "settings", "external_choices", "entities", "osm")
YES = {"yes", "true", "true()", "1"}
GROUP_STARTS = ("begin group", "begin_group", "begin repeat", "begin_repeat")
GROUP_ENDS = ("end group", "end_group", "end repeat", "end_repeat")

__all__ = ["IMPORT_SUFFIXES", "FormImport", "XLSFormError", "import_form"]


class XLSFormError(ValueError):
    """A form file that cannot become a pollwatch form; ``errors`` lists every problem."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


@dataclass(frozen=True, slots=True)
class FormImport:
    """A form ready to publish: its definition, its XForm, its sheets, its media files
    and what was noted."""

    definition: FormDefinition
    xform: str
    xlsform: dict[str, Any] | None
    warnings: tuple[str, ...]
    media: tuple[MediaFile, ...] = ()


def import_form(
    source: str | Path | bytes | BinaryIO,
    filename: str,
    *,
    code: str | None = None,
    phase: str | None = None,
    media: Mapping[str, MediaSource] | None = None,
) -> FormImport:
    """The form in ``source``, its kind told by ``filename``'s suffix, with its media
    files (``media``: each file's name as the form names it → its content).

    ``XLSFormError`` lists every problem at once; a construct pollwatch cannot
    analyse is a warning, never a reason to refuse. A media file the form does
    not refer to is a warning; one with an unsafe name is refused.
    """
    suffix = Path(filename).suffix.lower()
    if suffix not in IMPORT_SUFFIXES:
        raise XLSFormError([_("not a form file; give an XLSForm (.xlsx, .xls) or an XForm (.xml)")])
    files, media_errors = read_all_media(media or {})
    if media_errors:
        raise XLSFormError(media_errors)
    content = _content_of(source)
    if suffix in XFORM_SUFFIXES:
        imported = _import_xform(content, code, phase)
    else:
        imported = _import_workbook(content, suffix, code, phase)
    if not files:
        return imported
    notes = unnamed_media_warnings(imported.xform, files)
    return replace(imported, media=files, warnings=(*imported.warnings, *notes))


def _import_xform(content: bytes, code: str | None, phase: str | None) -> FormImport:
    try:
        read = read_xform(content, code=code, phase=phase)
    except XFormError as error:
        raise XLSFormError(error.errors) from None
    return FormImport(_loaded(read.definition), content.decode("utf-8"), None, read.warnings)


def _import_workbook(
    content: bytes, suffix: str, code: str | None, phase: str | None
) -> FormImport:
    file_type = ".xlsx" if suffix == ".xlsm" else suffix
    sheets = _sheets(content, file_type)
    notes: list[str] = []
    try:
        with _quiet_workbook_reader():
            xform = convert(io.BytesIO(content), warnings=notes, file_type=file_type).xform
    except PyXFormError as error:
        raise XLSFormError([f"pyxform: {error}"]) from None
    except Exception as error:  # a cell pyxform does not expect, such as a number for a name
        raise XLSFormError(
            [_("pyxform cannot convert it: %(error)s") % {"error": repr(error)}]
        ) from None
    settings = _first_row(sheets, "settings")
    try:
        read = read_xform(xform, code=code, phase=phase or settings.get("pollwatch_phase"))
    except XFormError as error:
        raise XLSFormError(error.errors) from None
    overlay = _Overlay(sheets, read)
    overlay.apply()
    if overlay.errors:
        raise XLSFormError(overlay.errors)
    warnings = (*(f"pyxform: {note}" for note in notes), *read.warnings)
    return FormImport(_loaded(read.definition), xform, sheets, tuple(dict.fromkeys(warnings)))


def _loaded(data: Mapping[str, Any]) -> FormDefinition:
    try:
        return load_definition(data)
    except FormDefinitionError as error:
        raise XLSFormError(error.errors) from None


@contextmanager
def _quiet_workbook_reader() -> Iterator[None]:
    """openpyxl warns about a workbook's styles and document properties, which say
    nothing about the form; those warnings would only alarm whoever imports it."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        yield


def _sheets(content: bytes, file_type: str) -> dict[str, Any]:
    """The workbook's sheets as pyxform reads them: header order and rows of text."""
    try:
        with _quiet_workbook_reader():
            data = get_xlsform(io.BytesIO(content), file_type=file_type)
    except PyXFormError as error:
        raise XLSFormError([f"pyxform: {error}"]) from None
    except Exception as error:  # pyxform reports unreadable workbooks in many ways
        raise XLSFormError(
            [_("not a readable XLSForm workbook: %(error)s") % {"error": error}]
        ) from None
    sheets: dict[str, Any] = {}
    for name in SHEETS:
        rows = getattr(data, name) or []
        header = getattr(data, f"{name}_header") or []
        columns = list(header[0]) if header else []
        for row in rows:
            columns += [column for column in row if column not in columns]
        if rows:
            sheets[name] = {"columns": columns, "rows": [_plain(row) for row in rows]}
    return sheets


def _plain(row: Mapping[str, Any]) -> dict[str, str]:
    return {str(key): str(value) for key, value in row.items() if value not in (None, "")}


def _first_row(sheets: Mapping[str, Any], name: str) -> dict[str, str]:
    rows = sheets.get(name, {}).get("rows", [])
    return dict(rows[0]) if rows else {}


class _Overlay:
    """pollwatch's own columns of an XLSForm laid over the definition read from its XForm."""

    def __init__(self, sheets: Mapping[str, Any], read: XFormRead):
        self.sheets = sheets
        self.read = read
        self.data = read.definition
        self.errors: list[str] = []
        self.questions = {
            question["code"]: question
            for section in self.data["sections"]
            for question in section["questions"]
        }
        self.by_name: dict[str, str] = {}
        for path, code in read.codes.items():
            self.by_name.setdefault(path.rsplit("/", 1)[-1], code)

    def apply(self) -> None:
        self.apply_settings()
        for number, row, path in self.survey_rows():
            code = self.read.codes.get(path)
            if code in self.questions:
                self.apply_question(number, row, self.questions[code])

    def survey_rows(self) -> Iterator[tuple[int, dict[str, str], str]]:
        """Each survey row with its sheet row number and its node's absolute path."""
        root = next(iter(self.read.codes), "/data/").split("/")[1]
        stack = [f"/{root}"]
        for number, row in enumerate(self.sheets.get("survey", {}).get("rows", []), start=2):
            kind = " ".join(row.get("type", "").lower().split())
            name = row.get("name", "")
            if kind in GROUP_ENDS:
                stack = stack[:-1] or stack
                continue
            path = f"{stack[-1]}/{name}"
            if kind in GROUP_STARTS:
                stack.append(path)
                continue
            yield number, row, path

    def where(self, sheet: str, number: int, header: str) -> str:
        columns = self.sheets.get(sheet, {}).get("columns", [])
        letter = _column_letter(columns.index(header)) if header in columns else "?"
        return f"{sheet} row {number}, column {letter} ({header})"

    def apply_settings(self) -> None:
        row = _first_row(self.sheets, "settings")
        for field in ("title", "description"):
            texts = self.translations(row, f"pollwatch_{field}")
            if texts:
                languages = self.data["languages"]
                first = next(iter(texts.values()))
                self.data[field] = {language: texts.get(language, first) for language in languages}

    def translations(self, row: Mapping[str, str], base: str) -> dict[str, str]:
        texts = {}
        for header, value in row.items():
            name, _, language = header.partition("::")
            if name == base:
                code = language_code_and_name(language)[0] if language else None
                texts[code or self.data["languages"][0]] = value
        return texts

    def apply_question(self, number: int, row: Mapping[str, str], question: dict[str, Any]) -> None:
        if row.get("pollwatch_assessment", "").lower() in YES:
            question["assessment"] = True
        figure = row.get("pollwatch_max_station")
        if figure is not None:
            self.max_station(number, figure, question)
            self.station_bound_message(row, question)
        combine = row.get("pollwatch_combine")
        if combine is not None:
            self.combine(number, combine.strip().lower(), question)
        critical = row.get("pollwatch_critical")
        if critical is not None:
            self.critical(number, critical, question)
        names = row.get("pollwatch_checks", "").split()
        if names:
            self.check_codes(number, names, question)

    def combine(self, number: int, rule: str, question: dict[str, Any]) -> None:
        if rule not in COMBINE_RULES:
            self.errors.append(
                f"{self.where('survey', number, 'pollwatch_combine')}: {rule!r} cannot be"
                f" represented; use one of {', '.join(COMBINE_RULES)}"
            )
        elif rule != DEFAULT_COMBINE:
            question["combine"] = rule

    def max_station(self, number: int, figure: str, question: dict[str, Any]) -> None:
        where = self.where("survey", number, "pollwatch_max_station")
        if question["type"] not in ("integer", "decimal"):
            self.errors.append(f"{where}: not allowed for a {question['type']} question")
            return
        if figure not in STATION_FIGURES:
            self.errors.append(
                f"{where}: {figure!r} is not a figure of a polling station;"
                f" use one of {', '.join(STATION_FIGURES)}"
            )
            return
        question.setdefault("constraint", {})["max_station"] = figure

    def station_bound_message(self, row: Mapping[str, str], question: dict[str, Any]) -> None:
        """A bound by the station's figure has no XPath, so the XForm drops its message."""
        texts = self.translations(row, "constraint_message")
        constraint = question.get("constraint", {})
        if (
            texts
            and "constraint" not in row
            and "max_station" in constraint
            and "message" not in constraint
        ):
            first = next(iter(texts.values()))
            constraint["message"] = {
                lang: texts.get(lang, first) for lang in self.data["languages"]
            }

    def critical(self, number: int, xpath: str, question: dict[str, Any]) -> None:
        try:
            question["critical_when"] = to_expression(
                parse_xpath(self.with_codes(xpath)), question["code"]
            )
        except XPathError as error:
            where = self.where("survey", number, "pollwatch_critical")
            self.errors.append(f"{where}: cannot be represented: {error}")

    def with_codes(self, xpath: str) -> str:
        """``${name}`` as XLSForm writes it, for the code the name's question got."""
        for name, code in self.by_name.items():
            xpath = xpath.replace(f"${{{name}}}", f"${{{code}}}")
        return xpath

    def check_codes(self, number: int, names: list[str], question: dict[str, Any]) -> None:
        checks = [c for c in self.data.get("checks", ()) if c["question"] == question["code"]]
        if len(checks) != len(names):
            self.errors.append(
                f"{self.where('survey', number, 'pollwatch_checks')}: names {len(names)} checks"
                f" but the constraint holds {len(checks)}"
            )
            return
        for check, name in zip(checks, names, strict=True):
            check["code"] = name


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _content_of(source: str | Path | bytes | BinaryIO) -> bytes:
    """The file's bytes, within the import limits (``pollwatch.lib.tabular``).

    A workbook that would unpack to more than the limit is refused from its zip
    directory, before pyxform or openpyxl unpack anything.
    """
    limits = ImportLimits.from_settings()
    try:
        content = read_limited_from(source, limits)
        try:
            archive = zipfile.ZipFile(io.BytesIO(content))
        except zipfile.BadZipFile:
            return content  # not a zipped workbook: pyxform says what it is not
        with archive:
            check_unpacked_size(archive, limits)
    except TableRejected as rejected:
        raise XLSFormError([problem.reason for problem in rejected.problems]) from None
    return content
