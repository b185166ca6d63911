"""Reading an XLSForm workbook into a form definition, cell by cell.

Every problem is reported as ``<sheet> row <n>, column <letter> (<header>): <reason>``;
rule errors found after assembly are traced back from their JSON path to the cell.
"""

from __future__ import annotations

import io
import re
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

from pollwatch.forms.definition import (
    FormDefinition,
    FormDefinitionError,
    load_definition,
)
from pollwatch.forms.definition_rules import COMBINE_RULES, DEFAULT_COMBINE
from pollwatch.forms.language_names import code_of_english_name, english_name, language_column
from pollwatch.forms.xpath import XPathError, conjuncts, parse_xpath, to_expression

TRANSLATED = ("label", "hint", "constraint_message", "pollwatch_title", "pollwatch_description")
TYPES_IN = {
    "integer": "integer",
    "decimal": "decimal",
    "time": "time",
    "text": "text",
    "image": "photo",
}
META_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "username",
    "phonenumber",
    "simserial",
    "subscriberid",
    "audit",
    "email",
    "start-geopoint",
}
SURVEY_COLUMNS = {
    "type",
    "name",
    "required",
    "relevant",
    "constraint",
    "pollwatch_critical",
    "pollwatch_checks",
    "pollwatch_assessment",
    "pollwatch_max_station",
    "pollwatch_combine",
    "appearance",
}
CHOICE_COLUMNS = {"list_name", "name"}
SETTINGS_COLUMNS = {"form_id", "form_title", "version", "default_language", "pollwatch_phase"}
IGNORED_SETTINGS = {
    "instance_name",
    "style",
    "submission_url",
    "public_key",
    "allow_choice_duplicates",
}
YES = {"yes", "true", "true()", "1"}
NO = {"no", "false", "false()", "0"}
FIELD_COLUMNS = {
    "relevant": "relevant",
    "critical_when": "pollwatch_critical",
    "constraint": "constraint",
    "choices": "type",
    "type": "type",
    "code": "name",
    "assessment": "pollwatch_assessment",
    "required": "required",
    "constraint.max_station": "pollwatch_max_station",
    "combine": "pollwatch_combine",
}


class XLSFormError(ValueError):
    """An XLSForm that cannot become a pollwatch form, or a form that cannot become one."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


class _Sheet:
    """One worksheet: its header letters and its non-blank rows by number."""

    def __init__(self, name: str, worksheet: Any):
        self.name = name
        rows = list(worksheet.iter_rows(values_only=True)) if worksheet is not None else []
        self.headers = [str(h).strip() if h is not None else "" for h in (rows[0] if rows else ())]
        self.letters = {h: get_column_letter(i + 1) for i, h in enumerate(self.headers) if h}
        self.rows: list[tuple[int, dict[str, Any]]] = []
        for number, values in enumerate(rows[1:], start=2):
            row = {
                header: value
                for header, value in zip(self.headers, values, strict=False)
                if header and value is not None and str(value).strip() != ""
            }
            if row:
                self.rows.append((number, row))

    def where(self, row: int, header: str) -> str:
        letter = self.letters.get(header)
        column = f"column {letter} ({header})" if letter else f"column {header} (absent)"
        return f"{self.name} row {row}, {column}"


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class _Reader:
    def __init__(self, content: bytes, code: str | None, phase: str | None):
        workbook = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
        names = {name.lower(): name for name in workbook.sheetnames}
        self.sheets = {
            name: _Sheet(name, workbook[names[name]] if name in names else None)
            for name in ("survey", "choices", "settings")
        }
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.code, self.phase = code, phase
        self.origins: dict[str, tuple[_Sheet, int]] = {}
        self.languages: list[str] = []
        self.language_names: dict[str, str] = {}
        self.default_language = "en"

    def error(self, sheet: _Sheet, row: int, header: str, message: str) -> None:
        self.errors.append(f"{sheet.where(row, header)}: {message}")

    # Languages ---------------------------------------------------------------------

    def read_languages(self) -> None:
        settings = self.sheets["settings"]
        default = _text(settings.rows[0][1].get("default_language", "")) if settings.rows else ""
        if default:
            self.default_language = self.language_code(default, settings, 2, "default_language")
        found: list[str] = []
        for sheet in self.sheets.values():
            for header in sheet.headers:
                base, _, language = header.partition("::")
                if base in TRANSLATED and not language:
                    found.append(self.default_language)
                elif base in TRANSLATED:
                    found.append(self.language_code(language, sheet, 1, header))
        if default == "" and found:
            self.default_language = found[0]
        self.languages = [self.default_language] + [
            lang for lang in dict.fromkeys(found) if lang != self.default_language
        ]

    def language_code(self, text: str, sheet: _Sheet, row: int, header: str) -> str:
        match = re.search(r"\(([a-z]{2,3})\)\s*$", text)
        if match:
            self.keep_language_name(match[1], text[: match.start()].strip())
            return match[1]
        if re.fullmatch(r"[a-z]{2,3}", text):
            return text
        code = code_of_english_name(text)
        if code is not None:
            return code
        self.error(
            sheet,
            row,
            header,
            f"cannot tell the language code of {text!r}; write it as 'Name (code)'",
        )
        return text.lower()

    def keep_language_name(self, code: str, name: str) -> None:
        """Keep the form's name of a language when it is not the usual English one."""
        if name and name != english_name(code):
            self.language_names[code] = name

    def translations(
        self, sheet: _Sheet, number: int, row: dict[str, Any], base: str, required: bool
    ) -> dict[str, str] | None:
        texts: dict[str, str] = {}
        for header, value in row.items():
            name, _, language = header.partition("::")
            if name == base:
                code = (
                    self.language_code(language, sheet, 1, header)
                    if language
                    else self.default_language
                )
                texts[code] = _text(value)
        if not texts and not required:
            return None
        for language in self.languages:
            if language not in texts:
                header = f"{base}::{language_column(language, self.language_names)}"
                present = [
                    h for h in sheet.headers if h.startswith(base) and h.endswith(f"({language})")
                ]
                self.error(
                    sheet,
                    number,
                    present[0] if present else header,
                    f"no {base} text in {language}",
                )
        return texts

    # Sheets ------------------------------------------------------------------------

    def unknown_columns(
        self, sheet: _Sheet, number: int, row: dict[str, Any], known: set[str]
    ) -> None:
        for header in row:
            if header in known or header.partition("::")[0] in TRANSLATED:
                continue
            self.error(
                sheet,
                number,
                header,
                f"the column {header!r} cannot be represented in a pollwatch form",
            )

    def read_settings(self) -> dict[str, Any]:
        sheet = self.sheets["settings"]
        number, row = sheet.rows[0] if sheet.rows else (2, {})
        data: dict[str, Any] = {"format": 1}
        data["code"] = self.code or _text(row.get("form_id", ""))
        if not data["code"]:
            self.error(sheet, number, "form_id", "the form needs a form_id (or give its code)")
        data["phase"] = self.phase or _text(row.get("pollwatch_phase", ""))
        if not data["phase"]:
            self.error(
                sheet,
                number,
                "pollwatch_phase",
                "say the phase: opening, voting, counting, tabulation, incident, pvt or long_term",
            )
        version = _text(row.get("version", ""))
        if version.isdigit() and int(version) > 0:
            data["version"] = int(version)
        elif version:
            self.warnings.append(
                f"{sheet.where(number, 'version')}: {version!r} is not a whole "
                "number; pollwatch numbers versions itself"
            )
        title = self.translations(sheet, number, row, "pollwatch_title", required=False)
        if title is None:
            form_title = _text(row.get("form_title", data["code"]))
            title = {language: form_title for language in self.languages}
            if len(self.languages) > 1:
                self.warnings.append(
                    f"{sheet.where(number, 'form_title')}: used as the title in every language;"
                    " add pollwatch_title::<language> columns to translate it"
                )
        data["title"] = title
        description = self.translations(sheet, number, row, "pollwatch_description", False)
        if description:
            data["description"] = description
        data["languages"] = self.languages
        for header in row:
            if header in IGNORED_SETTINGS:
                self.warnings.append(f"{sheet.where(number, header)}: ignored")
        self.unknown_columns(sheet, number, row, SETTINGS_COLUMNS | IGNORED_SETTINGS)
        return data

    def read_choices(self) -> dict[str, list[dict[str, Any]]]:
        sheet = self.sheets["choices"]
        lists: dict[str, list[dict[str, Any]]] = {}
        for number, row in sheet.rows:
            self.unknown_columns(sheet, number, row, CHOICE_COLUMNS)
            list_name, code = _text(row.get("list_name", "")), _text(row.get("name", ""))
            if not list_name or not code:
                self.error(sheet, number, "name" if list_name else "list_name", "is empty")
                continue
            choices = lists.setdefault(list_name, [])
            self.origins[f"choice_lists.{list_name}[{len(choices)}]"] = (sheet, number)
            label = self.translations(sheet, number, row, "label", required=True)
            choices.append({"code": code, "label": label})
        return lists

    def rename_reserved_yes_no(self, lists: dict[str, list[dict[str, Any]]]) -> None:
        """A ``yes_no`` list other than exactly yes, no becomes an ordinary list."""
        if "yes_no" not in lists or [c["code"] for c in lists["yes_no"]] == ["yes", "no"]:
            return
        lists["yes_no_list"] = lists.pop("yes_no")
        for key in [key for key in self.origins if key.startswith("choice_lists.yes_no[")]:
            self.origins[key.replace("yes_no", "yes_no_list", 1)] = self.origins.pop(key)
        self.warnings.append(
            "choices: the list yes_no is read as yes_no_list, since its "
            "choices are not exactly yes and no"
        )

    def read_survey(
        self, lists: dict[str, list[dict[str, Any]]], title: dict[str, str]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        sheet = self.sheets["survey"]
        sections: list[dict[str, Any]] = []
        checks: list[dict[str, Any]] = []
        current: dict[str, Any] | None = None
        loose: dict[str, Any] | None = None
        for number, row in sheet.rows:
            self.unknown_columns(sheet, number, row, SURVEY_COLUMNS)
            kind = re.sub(r"[\s_]+", " ", _text(row.get("type", "")).lower())
            if kind == "begin group":
                if current is not None:
                    self.error(sheet, number, "type", "groups inside groups cannot be represented")
                    continue
                self.origins[f"sections[{len(sections)}]"] = (sheet, number)
                current = self.read_group(sheet, number, row)
                sections.append(current)
                loose = None
            elif kind == "end group":
                if current is None:
                    self.error(sheet, number, "type", "end group without a begin group")
                current = None
            else:
                read = self.read_question(sheet, number, row, lists)
                if read is None:
                    continue
                if current is None and loose is None:
                    loose = {
                        "code": f"section_{len(sections) + 1}",
                        "title": title,
                        "questions": [],
                    }
                    self.origins[f"sections[{len(sections)}]"] = (sheet, number)
                    sections.append(loose)
                target = current if current is not None else loose
                assert target is not None
                path = f"sections[{sections.index(target)}].questions[{len(target['questions'])}]"
                self.origins[path] = (sheet, number)
                target["questions"].append(read[0])
                for check in read[1]:
                    self.origins[f"checks[{len(checks)}]"] = (sheet, number)
                    checks.append(check)
        if current is not None:
            self.error(
                sheet,
                self.origins_row(current, sections),
                "type",
                "this group is never closed with end group",
            )
        return sections, checks

    def origins_row(self, section: dict[str, Any], sections: list[dict[str, Any]]) -> int:
        return self.origins[f"sections[{sections.index(section)}]"][1]

    def read_group(self, sheet: _Sheet, number: int, row: dict[str, Any]) -> dict[str, Any]:
        group: dict[str, Any] = {"code": _text(row.get("name", ""))}
        group["title"] = self.translations(sheet, number, row, "label", required=True)
        relevant = self.condition(sheet, number, row, "relevant", None)
        if relevant is not None:
            group["relevant"] = relevant
        group["questions"] = []
        return group

    def condition(
        self, sheet: _Sheet, number: int, row: dict[str, Any], header: str, self_code: str | None
    ) -> dict[str, Any] | None:
        if header not in row:
            return None
        try:
            return to_expression(parse_xpath(_text(row[header])), self_code)
        except XPathError as error:
            self.error(sheet, number, header, f"cannot be represented: {error}")
            return None

    def question_type(
        self, sheet: _Sheet, number: int, kind: str, lists: dict[str, Any]
    ) -> tuple[str, str | None] | None:
        parts = kind.split()
        if parts[:2] in (["select", "one"], ["select", "multiple"]):
            parts = [f"{parts[0]}_{parts[1]}", *parts[2:]]
        if parts and parts[0] in ("select_one", "select_multiple") and len(parts) == 2:
            list_name = parts[1]
            if list_name == "yes_no" and "yes_no" not in lists and "yes_no_list" in lists:
                list_name = "yes_no_list"
            if parts[0] == "select_one" and list_name == "yes_no":
                return "yes_no", None
            kind_out = "single_choice" if parts[0] == "select_one" else "multiple_choice"
            return kind_out, list_name
        if len(parts) == 1 and parts[0] in TYPES_IN:
            return TYPES_IN[parts[0]], None
        if len(parts) == 1 and parts[0] in META_TYPES:
            self.warnings.append(
                f"{sheet.where(number, 'type')}: metadata {parts[0]!r} skipped;"
                " pollwatch records device and server time itself"
            )
            return None
        self.error(
            sheet, number, "type", f"the type {kind!r} cannot be represented in a pollwatch form"
        )
        return None

    def read_question(
        self, sheet: _Sheet, number: int, row: dict[str, Any], lists: dict[str, Any]
    ) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
        kind = _text(row.get("type", ""))
        if not kind:
            self.error(sheet, number, "type", "is empty")
            return None
        typed = self.question_type(sheet, number, kind.lower(), lists)
        if typed is None:
            return None
        code = _text(row.get("name", ""))
        question: dict[str, Any] = {"code": code, "type": typed[0]}
        if typed[1] is not None:
            question["choices"] = typed[1]
        question["label"] = self.translations(sheet, number, row, "label", required=True)
        guidance = self.translations(sheet, number, row, "hint", required=False)
        if guidance:
            question["guidance"] = guidance
        if self.flag(sheet, number, row, "required"):
            question["required"] = True
        for header, key in (("relevant", "relevant"), ("pollwatch_critical", "critical_when")):
            expr = self.condition(sheet, number, row, header, code if key != "relevant" else None)
            if expr is not None:
                question[key] = expr
        question |= self.pollwatch_marks(sheet, number, row)
        if "appearance" in row:
            self.warnings.append(f"{sheet.where(number, 'appearance')}: ignored (display only)")
        checks = self.read_constraint(sheet, number, row, question)
        return question, checks

    def pollwatch_marks(self, sheet: _Sheet, number: int, row: dict[str, Any]) -> dict[str, Any]:
        """The overall assessment mark and how the station's reports combine."""
        marks: dict[str, Any] = {}
        if self.flag(sheet, number, row, "pollwatch_assessment"):
            marks["assessment"] = True
        combine = self.combine(sheet, number, row)
        if combine != DEFAULT_COMBINE:
            marks["combine"] = combine
        return marks

    def combine(self, sheet: _Sheet, number: int, row: dict[str, Any]) -> str:
        """How the station's reports combine: ``pollwatch_combine``, latest when empty."""
        value = _text(row.get("pollwatch_combine", "")).lower() or DEFAULT_COMBINE
        if value not in COMBINE_RULES:
            self.error(
                sheet,
                number,
                "pollwatch_combine",
                f"{value!r} cannot be represented: only {' or '.join(COMBINE_RULES)}",
            )
            return DEFAULT_COMBINE
        return value

    def flag(self, sheet: _Sheet, number: int, row: dict[str, Any], header: str) -> bool:
        value = _text(row.get(header, "")).lower()
        if value in YES:
            return True
        if value and value not in NO:
            self.error(sheet, number, header, f"{value!r} cannot be represented: only yes or no")
        return False

    # Constraints -------------------------------------------------------------------

    def read_constraint(
        self, sheet: _Sheet, number: int, row: dict[str, Any], question: dict[str, Any]
    ) -> list[dict[str, Any]]:
        message = self.translations(sheet, number, row, "constraint_message", required=False)
        bounds: dict[str, Any] = {}
        if "pollwatch_max_station" in row:
            bounds["max_station"] = _text(row["pollwatch_max_station"])
        try:
            parts = conjuncts(parse_xpath(_text(row["constraint"]))) if "constraint" in row else []
            rules = [
                to_expression(part, question["code"])
                for part in parts
                if not _read_bound(part, question["type"], bounds)
            ]
        except XPathError as error:
            self.error(sheet, number, "constraint", f"cannot be represented: {error}")
            return []
        if bounds:
            question["constraint"] = bounds
        if not rules:
            if bounds and message:
                bounds["message"] = message
            return []
        codes = self.check_codes(sheet, number, row, question["code"], len(rules))
        text = message or {
            lang: f"{question['code']}: constraint not met" for lang in self.languages
        }
        return [
            {"code": code, "question": question["code"], "rule": rule, "message": text}
            for code, rule in zip(codes, rules, strict=False)
        ]

    def check_codes(
        self, sheet: _Sheet, number: int, row: dict[str, Any], code: str, count: int
    ) -> list[str]:
        given = _text(row.get("pollwatch_checks", "")).split()
        if given and len(given) != count:
            self.error(
                sheet,
                number,
                "pollwatch_checks",
                f"names {len(given)} checks but the constraint holds {count}",
            )
        if given:
            return given
        return (
            [f"{code}_check"] if count == 1 else [f"{code}_check{i}" for i in range(1, count + 1)]
        )

    # Assembly ----------------------------------------------------------------------

    def read(self) -> FormDefinition:
        if not self.sheets["survey"].rows:
            raise XLSFormError(["survey: the workbook has no survey sheet or it is empty"])
        self.read_languages()
        data = self.read_settings()
        if self.language_names:
            data["language_names"] = self.language_names
        lists = self.read_choices()
        self.rename_reserved_yes_no(lists)
        data["sections"], checks = self.read_survey(lists, data["title"])
        if lists:
            data["choice_lists"] = {name: c for name, c in lists.items() if name != "yes_no"}
            if not data["choice_lists"]:
                del data["choice_lists"]
        if checks:
            data["checks"] = checks
        if self.errors:
            raise XLSFormError(self.errors)
        try:
            return load_definition(data)
        except FormDefinitionError as error:
            raise XLSFormError([self.trace(message) for message in error.errors]) from error

    def trace(self, message: str) -> str:
        """A definition error, located at the cell it comes from."""
        path, _, reason = message.partition(": ")
        origin = max(
            (
                key
                for key in self.origins
                if path == key or path.startswith(key + ".") or path.startswith(key + "[")
            ),
            key=len,
            default=None,
        )
        if origin is None:
            return f"settings: {message}"
        sheet, number = self.origins[origin]
        rest = path[len(origin) :].lstrip(".")
        field = re.split(r"[.\[]", rest, maxsplit=1)[0]
        if origin.startswith("checks["):
            field = "constraint_message" if field == "message" else "constraint"
        header = (
            FIELD_COLUMNS.get(rest)
            or FIELD_COLUMNS.get(field)
            or _first_header(sheet, field)
            or field
            or "name"
        )
        return f"{sheet.where(number, header)}: {reason} ({path})"


def _first_header(sheet: _Sheet, field: str) -> str | None:
    base = {"guidance": "hint", "title": "label", "message": "constraint_message"}.get(field, field)
    return next((h for h in sheet.headers if h.partition("::")[0] == base), None)


BOUND_KEYS = {
    ("self", "ge"): "min",
    ("self", "le"): "max",
    ("string-length", "le"): "max_length",
    ("count-selected", "ge"): "min_choices",
    ("count-selected", "le"): "max_choices",
}
BOUND_TYPES = {
    "self": ("integer", "decimal"),
    "string-length": ("text",),
    "count-selected": ("multiple_choice",),
}


def _read_bound(node: tuple[Any, ...], question_type: str, bounds: dict[str, Any]) -> bool:
    """Store ``. >= 3``-style bounds in ``bounds``; False when ``node`` is no bound."""
    if node[0] != "cmp" or node[3][0] != "num":
        return False
    _, op, subject, (_, number) = node
    if subject == ("self",):
        kind = "self"
    elif (
        subject[0] == "call"
        and subject[1] in ("string-length", "count-selected")
        and subject[2] == [("self",)]
    ):
        kind = subject[1]
    else:
        return False
    if question_type == "integer" and kind == "self" and op in ("gt", "lt"):
        op, number = ("ge", number + 1) if op == "gt" else ("le", number - 1)
    key = BOUND_KEYS.get((kind, op))
    if key is None or question_type not in BOUND_TYPES[kind] or key in bounds:
        return False
    bounds[key] = number
    return True


def read_xlsform(
    content: bytes, *, code: str | None, phase: str | None
) -> tuple[FormDefinition, list[str]]:
    reader = _Reader(content, code, phase)
    return reader.read(), reader.warnings
