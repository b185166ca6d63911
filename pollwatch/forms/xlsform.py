"""XLSForm import and export, and XForm export for ODK Collect and Enketo.

Import reads the survey, choices and settings sheets with openpyxl, so that
every problem names its sheet, row and column, and has pyxform convert the
workbook first, so that what ODK would refuse is refused here too. Export
writes the same three sheets with openpyxl; XForm XML comes from pyxform's
``convert``. pollwatch keeps what XLSForm has no column for in extra columns
(``pollwatch_critical``, ``pollwatch_checks``, ``pollwatch_assessment``,
``pollwatch_max_station``, ``pollwatch_combine``, ``pollwatch_phase``,
``pollwatch_title::<language>``),
which ODK ignores, so a form survives the round trip unchanged. A bound by a
station's figure is one of them: the XForm cannot know the station's figures,
so the server checks it when the report arrives.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

import openpyxl
from django.utils.translation import gettext_lazy
from pyxform.errors import PyXFormError
from pyxform.xls2xform import convert

from pollwatch.forms.definition import Check, FormDefinition, Label, Question
from pollwatch.forms.definition_rules import DEFAULT_COMBINE
from pollwatch.forms.form_import import FormImport, XLSFormError, import_form
from pollwatch.forms.languages import language_column
from pollwatch.forms.xpath import XPathError, term_to_xpath, to_xpath
from pollwatch.lib.in_language import in_language

__all__ = [
    "XLSFormError",
    "export_xform",
    "export_xlsform",
    "export_xlsform_sheets",
    "import_xlsform",
    "xlsform_sheets",
]

TYPES_OUT = {
    "integer": "integer",
    "decimal": "decimal",
    "time": "time",
    "text": "text",
    "photo": "image",
}
SHEETS = ("survey", "choices", "settings")
# The choices of every yes/no question, in each language of the form.
YES = gettext_lazy("Yes")
NO = gettext_lazy("No")
Rows = list[dict[str, Any]]


# Export --------------------------------------------------------------------------------


def xlsform_sheets(definition: FormDefinition) -> dict[str, Rows]:
    """The survey, choices and settings rows of ``definition`` as XLSForm."""
    if definition.needs_ballot_options:
        raise XLSFormError(
            [f"form {definition.code!r}: bind it to the election's ballot options first"]
        )
    checks_by_question: dict[str, list[Check]] = {}
    for check in definition.checks:
        checks_by_question.setdefault(check.question, []).append(check)
    errors: list[str] = []
    survey: Rows = []
    for section in definition.sections:
        row = {"type": "begin group", "name": section.code}
        row |= _translated("label", section.title, definition.language_names)
        if section.relevant is not None:
            row["relevant"] = _xpath_or_error(section.relevant, section.code, errors)
        survey.append(row)
        for question in section.questions:
            checks = checks_by_question.get(question.code, [])
            survey.append(_question_row(definition, question, checks, errors))
        survey.append({"type": "end group", "name": section.code})
    if errors:
        raise XLSFormError(errors)
    return {
        "survey": survey,
        "choices": _choice_rows(definition),
        "settings": [_settings_row(definition)],
    }


def _translated(column: str, label: Label | None, names: Mapping[str, str]) -> dict[str, str]:
    if not label:
        return {}
    return {f"{column}::{language_column(lang, names)}": text for lang, text in label.items()}


def _xpath_or_error(expr: Mapping[str, Any], where: str, errors: list[str]) -> str:
    try:
        return to_xpath(expr)
    except XPathError as error:
        errors.append(f"{where}: {error}")
        return ""


def _question_type(definition: FormDefinition, question: Question) -> str:
    if question.type == "yes_no":
        return "select_one yes_no"
    if question.type == "single_choice":
        return f"select_one {question.choices}"
    if question.type == "multiple_choice":
        return f"select_multiple {question.choices}"
    return TYPES_OUT[question.type]


def _question_row(
    definition: FormDefinition, question: Question, checks: list[Check], errors: list[str]
) -> dict[str, Any]:
    row: dict[str, Any] = {"type": _question_type(definition, question), "name": question.code}
    names = definition.language_names
    row |= _translated("label", question.label, names)
    row |= _translated("hint", question.guidance, names)
    if question.required:
        row["required"] = "yes"
    if question.relevant is not None:
        row["relevant"] = _xpath_or_error(question.relevant, question.code, errors)
    row |= _constraint_columns(question, checks, names, errors)
    if question.constraint is not None and question.constraint.max_station is not None:
        row["pollwatch_max_station"] = question.constraint.max_station
    if question.critical_when is not None:
        row["pollwatch_critical"] = _xpath_or_error(question.critical_when, question.code, errors)
    if question.assessment:
        row["pollwatch_assessment"] = "yes"
    if question.combine != DEFAULT_COMBINE:
        row["pollwatch_combine"] = question.combine
    return row


def _bounds(question: Question) -> list[str]:
    constraint = question.constraint
    if constraint is None:
        return []
    parts = []
    for value, template in (
        (constraint.min, ". >= {}"),
        (constraint.max, ". <= {}"),
        (constraint.max_length, "string-length(.) <= {}"),
        (constraint.min_choices, "count-selected(.) >= {}"),
        (constraint.max_choices, "count-selected(.) <= {}"),
    ):
        if value is not None:
            parts.append(template.format(term_to_xpath({"value": value})))
    return parts


def _constraint_columns(
    question: Question, checks: list[Check], names: Mapping[str, str], errors: list[str]
) -> dict[str, Any]:
    parts = _bounds(question)
    message = question.constraint.message if question.constraint else None
    if len(checks) > 1:
        errors.append(
            f"{question.code}: carries {len(checks)} cross-field checks, but XLSForm has one "
            "constraint message per question; anchor them on different questions"
        )
        return {}
    for check in checks:
        if message is not None and message != check.message:
            errors.append(
                f"{question.code}: its bounds message and check {check.code!r} message differ, "
                "but XLSForm has one constraint message per question"
            )
        message = check.message
        rule = _xpath_or_error(check.rule, f"check {check.code}", errors)
        parts.append(f"({rule})" if check.rule["op"] in ("and", "or") else rule)
    columns: dict[str, Any] = {}
    if parts:
        columns["constraint"] = " and ".join(parts)
    columns |= _translated("constraint_message", message, names)
    if checks:
        columns["pollwatch_checks"] = " ".join(check.code for check in checks)
    return columns


def _choice_rows(definition: FormDefinition) -> Rows:
    rows: Rows = []
    if any(question.type == "yes_no" for question in definition.questions()):
        for code, text in (("yes", YES), ("no", NO)):
            label = {lang: in_language(text, lang) for lang in definition.languages}
            row = {"list_name": "yes_no", "name": code}
            rows.append(row | _translated("label", label, definition.language_names))
    for name, choices in definition.choice_lists.items():
        for choice in choices:
            row = {"list_name": name, "name": choice.code}
            rows.append(row | _translated("label", choice.label, definition.language_names))
    return rows


def _settings_row(definition: FormDefinition) -> dict[str, Any]:
    default = definition.languages[0]
    row: dict[str, Any] = {
        "form_id": definition.code,
        "form_title": definition.title[default],
        "default_language": language_column(default, definition.language_names),
        "pollwatch_phase": definition.phase,
    }
    if definition.version is not None:
        row["version"] = str(definition.version)
    row |= _translated("pollwatch_title", definition.title, definition.language_names)
    row |= _translated("pollwatch_description", definition.description, definition.language_names)
    return row


def export_xlsform(definition: FormDefinition) -> bytes:
    """The XLSForm workbook (``.xlsx``) of ``definition``."""
    sheets = xlsform_sheets(definition)
    workbook = openpyxl.Workbook()
    if workbook.active is not None:  # the empty sheet every new workbook starts with
        workbook.remove(workbook.active)
    for name in SHEETS:
        _write_sheet(workbook.create_sheet(name), sheets[name])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_xlsform_sheets(sheets: Mapping[str, Any]) -> bytes:
    """An imported XLSForm's kept sheets (``form_import``) written back as a workbook."""
    workbook = openpyxl.Workbook()
    if workbook.active is not None:
        workbook.remove(workbook.active)
    for name, sheet in sheets.items():
        worksheet = workbook.create_sheet(name)
        worksheet.append(sheet["columns"])
        for row in sheet["rows"]:
            worksheet.append([row.get(column) for column in sheet["columns"]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_sheet(sheet: Any, rows: Rows) -> None:
    columns: list[str] = []
    for row in rows:
        columns += [column for column in row if column not in columns]
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(column) for column in columns])


def export_xform(definition: FormDefinition) -> str:
    """The XForm XML of ``definition``, as ODK Collect and Enketo read it (via pyxform)."""
    try:
        result = convert(xlsform_sheets(definition), warnings=[], pretty_print=True)
    except PyXFormError as error:
        raise XLSFormError([f"pyxform: {error}"]) from error
    return result.xform


# Import --------------------------------------------------------------------------------


def import_xlsform(
    source: str | Path | bytes | BinaryIO,
    *,
    code: str | None = None,
    phase: str | None = None,
    filename: str = "form.xlsx",
) -> FormImport:
    """A form from an XLSForm workbook (see ``form_import.import_form``)."""
    return import_form(source, filename, code=code, phase=phase)
