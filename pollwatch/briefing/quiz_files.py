"""A briefing test as the core team uploads it: a form definition (JSON) or an XLSForm.

The test is a form in pollwatch's own format (``docs/forms.md``), checked by the
same loader as every checklist, so its labels are given per language the same
way. A JSON file may hold the definition alone or wrap it with the right
answers and the pass mark::

    {"definition": {...}, "answers": {"secrecy": "yes"}, "pass_mark": 80}

An XLSForm carries no answers; they are chosen on the test's page after upload.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from pollwatch.forms.definition import FormDefinitionError, load_definition
from pollwatch.forms.form_import import IMPORT_SUFFIXES, XLSFormError, import_form

# Questions a test may ask: ones whose answer is right or wrong. Notes are read only.
QUIZ_TYPES = ("yes_no", "single_choice", "multiple_choice", "integer", "decimal", "text", "note")
CHOICE_ANSWERS = ("yes_no", "single_choice", "multiple_choice")
# Forms need a phase; a test belongs to the weeks before election day.
QUIZ_PHASE = "long_term"


class QuizRefused(ValueError):
    """A test file that cannot be used; ``errors`` says every problem."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


@dataclass(frozen=True, slots=True)
class QuizUpload:
    definition: dict[str, Any]
    answers: dict[str, Any]
    pass_mark: int | None


def read_quiz(content: bytes, filename: str) -> QuizUpload:
    """The test in an uploaded file; ``QuizRefused`` lists what is wrong with it."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".json":
        upload = _from_json(content)
    elif suffix in IMPORT_SUFFIXES:
        upload = _from_form_file(content, filename)
    else:
        raise QuizRefused([_("give a form definition (.json) or an XLSForm (.xlsx, .xls)")])
    errors = question_type_errors(upload.definition) + answer_errors(
        upload.definition, upload.answers
    )
    if upload.pass_mark is not None and not 0 <= upload.pass_mark <= 100:
        errors.append(_("pass_mark: a percentage from 0 to 100"))
    if errors:
        raise QuizRefused(errors)
    return upload


def _from_json(content: bytes) -> QuizUpload:
    try:
        data = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise QuizRefused([_("not valid JSON: %(error)s") % {"error": error}]) from None
    wrapped = isinstance(data, dict) and "definition" in data
    definition = data["definition"] if wrapped else data
    if isinstance(definition, dict):
        definition.setdefault("phase", QUIZ_PHASE)
    try:
        loaded = load_definition(definition)
    except FormDefinitionError as error:
        raise QuizRefused(error.errors) from None
    answers = data.get("answers", {}) if wrapped else {}
    pass_mark = data.get("pass_mark") if wrapped else None
    if not isinstance(answers, dict) or not isinstance(pass_mark, int | None):
        raise QuizRefused([_("answers: question code → answer; pass_mark: a whole number")])
    return QuizUpload(loaded.to_dict(), answers, pass_mark)


def _from_form_file(content: bytes, filename: str) -> QuizUpload:
    try:
        imported = import_form(content, filename, phase=QUIZ_PHASE)
    except XLSFormError as error:
        raise QuizRefused(error.errors) from None
    return QuizUpload(imported.definition.to_dict(), {}, None)


def quiz_questions(definition: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [q for s in definition.get("sections", []) for q in s.get("questions", [])]


def question_type_errors(definition: Mapping[str, Any]) -> list[str]:
    return [
        _("%(code)s: a test asks yes/no, choice, number or text questions, not %(type)s")
        % {"code": q["code"], "type": q["type"]}
        for q in quiz_questions(definition)
        if q["type"] not in QUIZ_TYPES
    ]


def answer_choices(definition: Mapping[str, Any], question: Mapping[str, Any]) -> list[str]:
    """The codes a choice question may be answered with."""
    if question["type"] == "yes_no":
        return ["yes", "no"]
    return [c["code"] for c in definition.get("choice_lists", {}).get(question.get("choices"), [])]


def answer_errors(definition: Mapping[str, Any], answers: Mapping[str, Any]) -> list[str]:
    """Right answers that name no question of the test or no choice of their question."""
    questions = {q["code"]: q for q in quiz_questions(definition) if q["type"] != "note"}
    errors = []
    for code, answer in answers.items():
        question = questions.get(code)
        if question is None:
            errors.append(_("answers: the test has no question %(code)s") % {"code": code})
        elif question["type"] in CHOICE_ANSWERS:
            known = answer_choices(definition, question)
            given = answer if isinstance(answer, list) else [answer]
            errors += [
                _("answers.%(code)s: %(answer)s is not one of its choices")
                % {"code": code, "answer": item}
                for item in given
                if str(item) not in known
            ]
    return errors
