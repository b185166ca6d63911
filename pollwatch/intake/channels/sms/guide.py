"""The one-page SMS guide of a form: its codes, how to answer each question, an example."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy, override

from pollwatch.forms.definition import Label
from pollwatch.intake.channels.sms.syntax import SmsQuestion, SmsSyntax, encode_message

HOW = {
    "yes_no": gettext_lazy("1 = yes, 2 = no"),
    "integer": gettext_lazy("a whole number"),
    "decimal": gettext_lazy("a number, e.g. 2.5"),
    "time": gettext_lazy("time as HHMM, e.g. 0730"),
    "text": gettext_lazy('text in "quotes", or last without quotes'),
    "several": gettext_lazy("numbers of all that apply, e.g. 13"),
    "several_dotted": gettext_lazy("numbers of all that apply, separated by dots, e.g. 1.12"),
    "one": gettext_lazy("the number of one answer"),
}


@dataclass(frozen=True, slots=True)
class GuideRow:
    sms_code: str
    label: str
    how: str
    choices: tuple[tuple[int, str], ...]
    required: bool


@dataclass(frozen=True, slots=True)
class Guide:
    form_sms_code: str
    title: str
    language: str
    rows: tuple[GuideRow, ...]
    example: str


def _text(label: Label, language: str) -> str:
    return label.get(language) or next(iter(label.values()))


def guide_for(syntax: SmsSyntax, language: str) -> Guide:
    definition = syntax.definition
    language = language if language in definition.languages else definition.languages[0]
    with override(language):
        how = {kind: str(text) for kind, text in HOW.items()}
    rows = tuple(_row(syntax, item, language, how) for item in syntax.questions)
    return Guide(
        form_sms_code=syntax.form_sms_code,
        title=_text(definition.title, language),
        language=language,
        rows=rows,
        example=_example(syntax),
    )


def _row(syntax: SmsSyntax, item: SmsQuestion, language: str, how: dict[str, str]) -> GuideRow:
    question = item.question
    choices: tuple[tuple[int, str], ...] = ()
    if question.type in ("single_choice", "multiple_choice") and question.choices is not None:
        labels = syntax.definition.choice_lists[question.choices]
        choices = tuple((n, _text(c.label, language)) for n, c in enumerate(labels, start=1))
    if question.type == "multiple_choice":
        kind = "several" if len(item.choices) <= 9 else "several_dotted"
    elif question.type == "single_choice":
        kind = "one"
    else:
        kind = question.type
    return GuideRow(
        sms_code=item.sms_code,
        label=_text(question.label, language),
        how=how.get(kind, ""),
        choices=choices,
        required=question.required,
    )


def _example(syntax: SmsSyntax) -> str:
    """A message answering the first few questions with their first choice or a small number."""
    sample = {"integer": 12, "decimal": 2.5, "time": "07:30", "text": "..."}
    answers: dict[str, Any] = {}
    for item in syntax.questions[:4]:
        kind = item.question.type
        if kind in ("yes_no", "single_choice"):
            answers[item.code] = item.choices[0]
        elif kind == "multiple_choice":
            answers[item.code] = list(item.choices[:2])
        else:
            answers[item.code] = sample[kind]
    return encode_message(syntax, "1234", answers)
