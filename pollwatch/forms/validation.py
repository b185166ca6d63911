"""Validation of one set of answers against a form definition.

Every intake channel (web form, JSON API, SMS, OpenRosa) calls
``validate_answers`` with the raw answers it received, question code → value,
and stores or rejects by its result. The checks, in order: unknown questions,
each answer's type, choices and bounds, the station's figures among them;
which questions are shown (a hidden question must be empty, a shown required
one answered); cross-field checks; then critical answers, which raise alerts
rather than errors.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pollwatch.forms.conditions import MISSING, evaluate, is_missing, references
from pollwatch.forms.definition import Constraint, FormDefinition, Label, Question
from pollwatch.forms.definition_rules import STATION_FIGURES

TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)(?::[0-5]\d)?")


@dataclass(frozen=True, slots=True)
class AnswerError:
    """One problem with one answer.

    ``reason`` is a stable code (``required``, ``not_a_choice``, ...) for programs
    and translations; ``message`` says it in plain English.
    """

    question: str
    reason: str
    message: str

    def __str__(self) -> str:
        return f"{self.question}: {self.message}"


@dataclass(frozen=True, slots=True)
class Alert:
    """A critical answer: the question, its label and the answer given."""

    question: str
    label: Label
    answer: Any


@dataclass(frozen=True, slots=True)
class StationFacts:
    """What answers are checked against about the polling station a report is about.

    ``code`` is the station's code; ``figures`` holds its number for each name of
    ``STATION_FIGURES`` (such as ``registered_voters``).
    """

    code: str
    figures: Mapping[str, int | float]


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """``answers`` holds the parsed answers of the questions shown."""

    answers: dict[str, Any]
    errors: tuple[AnswerError, ...]
    alerts: tuple[Alert, ...]
    hidden: frozenset[str]

    @property
    def is_valid(self) -> bool:
        return not self.errors


class _Invalid(Exception):
    def __init__(self, reason: str, message: str):
        self.reason = reason
        self.message = message


def validate_answers(
    definition: FormDefinition, raw: Mapping[str, Any], station: StationFacts | None = None
) -> ValidationResult:
    """Check ``raw`` (question code → raw value) against ``definition``.

    ``station`` gives the figures that ``max_station`` bounds read. Without it those
    bounds are not checked: only the intake knows which station a report is about,
    and it always passes the station's facts.
    """
    if definition.needs_ballot_options:
        raise ValueError(f"form {definition.code!r} must be bound to ballot options first")
    known = {question.code: question for question in definition.questions()}
    errors = [
        AnswerError(code, "unknown_question", "is not a question of this form")
        for code in raw
        if code not in known
    ]
    parsed: dict[str, Any] = {}
    for code, question in known.items():
        try:
            parsed[code] = parse_answer(definition, question, raw.get(code))
            _check_station_bound(question, parsed[code], station)
        except _Invalid as invalid:
            errors.append(AnswerError(code, invalid.reason, invalid.message))
            parsed[code] = MISSING
    shown, hidden = _visibility(definition, parsed)
    unparsable = {error.question for error in errors}
    errors += _visibility_errors(definition, raw, shown, hidden, unparsable)
    errors += _check_failures(definition, shown, hidden)
    return ValidationResult(
        answers={code: value for code, value in shown.items() if value is not MISSING},
        errors=tuple(errors),
        alerts=tuple(_alerts(definition, shown)),
        hidden=frozenset(hidden),
    )


def _visibility(
    definition: FormDefinition, parsed: Mapping[str, Any]
) -> tuple[dict[str, Any], set[str]]:
    """Answers of shown questions, and the codes of hidden ones.

    Conditions only read earlier questions, so one pass in document order settles
    them; a hidden question reads as unanswered, as it does in the browser.
    """
    shown: dict[str, Any] = {}
    hidden: set[str] = set()
    for section in definition.sections:
        section_shown = section.relevant is None or evaluate(section.relevant, shown)
        for question in section.questions:
            if section_shown and (question.relevant is None or evaluate(question.relevant, shown)):
                shown[question.code] = parsed[question.code]
            else:
                hidden.add(question.code)
    return shown, hidden


def _visibility_errors(
    definition: FormDefinition,
    raw: Mapping[str, Any],
    shown: Mapping[str, Any],
    hidden: set[str],
    unparsable: set[str],
) -> list[AnswerError]:
    errors = []
    for question in definition.questions():
        code = question.code
        if code in hidden and not is_missing(raw.get(code)):
            errors.append(
                AnswerError(code, "must_be_empty", "must be empty: its condition does not hold")
            )
        elif question.required and shown.get(code) is MISSING and code not in unparsable:
            errors.append(AnswerError(code, "required", "is required"))
    return errors


def _check_failures(
    definition: FormDefinition, shown: Mapping[str, Any], hidden: set[str]
) -> list[AnswerError]:
    """Failed cross-field checks; a check with an unanswered or hidden question is skipped."""
    errors = []
    for check in definition.checks:
        codes = references(check.rule)
        if any(code in hidden or shown.get(code, MISSING) is MISSING for code in codes):
            continue
        if not evaluate(check.rule, shown):
            message = check.message.get("en") or next(iter(check.message.values()))
            errors.append(AnswerError(check.question, f"check_failed:{check.code}", message))
    return errors


def _alerts(definition: FormDefinition, shown: Mapping[str, Any]) -> list[Alert]:
    return [
        Alert(question.code, question.label, shown[question.code])
        for question in definition.questions()
        if question.critical_when is not None
        and question.code in shown
        and evaluate(question.critical_when, shown)
    ]


# Parsing one answer ---------------------------------------------------------------------


def parse_answer(definition: FormDefinition, question: Question, value: Any) -> Any:
    """The typed answer (``MISSING`` when unanswered); ``_Invalid`` when it cannot be one."""
    if is_missing(value):
        return MISSING
    parser = PARSERS[question.type]
    parsed = parser(definition, question, value)
    if question.constraint is not None:
        try:
            _check_constraint(question.constraint, parsed)
        except _Invalid as invalid:
            if question.constraint.message:
                invalid.message = question.constraint.message.get("en", invalid.message)
            raise
    return parsed


def _parse_choice(definition: FormDefinition, question: Question, value: Any) -> str:
    if isinstance(value, bool) and question.type == "yes_no":
        return "yes" if value else "no"
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    codes = definition.choice_codes(question)
    if not isinstance(value, str):
        raise _Invalid("wrong_type", f"must be one of {', '.join(codes)}")
    if value.strip() not in codes:
        raise _Invalid("not_a_choice", f"{value!r} is not one of {', '.join(codes)}")
    return value.strip()


def _parse_choices(definition: FormDefinition, question: Question, value: Any) -> list[str]:
    items = value.split() if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str | int) for item in items):
        raise _Invalid("wrong_type", "must be a list of choices")
    items = [str(item) for item in items if not isinstance(item, bool)]
    codes = definition.choice_codes(question)
    for item in items:
        if item not in codes:
            raise _Invalid("not_a_choice", f"{item!r} is not one of {', '.join(codes)}")
    if len(set(items)) != len(items):
        raise _Invalid("repeated_choice", "names a choice more than once")
    return items


def _parse_integer(definition: FormDefinition, question: Question, value: Any) -> int:
    number = _parse_number(value)
    if number != number.to_integral_value():
        raise _Invalid("wrong_type", f"{value!r} is not a whole number")
    return int(number)


def _parse_decimal(definition: FormDefinition, question: Question, value: Any) -> int | float:
    number = _parse_number(value)
    return int(number) if number == number.to_integral_value() else float(number)


def _parse_number(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _Invalid("wrong_type", f"{value!r} is not a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise _Invalid("wrong_type", f"{value!r} is not a number")
    try:
        number = Decimal(value.strip().replace(",", ".") if isinstance(value, str) else value)
    except InvalidOperation:
        raise _Invalid("wrong_type", f"{value!r} is not a number") from None
    if not number.is_finite() or abs(number) > Decimal(10) ** 15:
        raise _Invalid("wrong_type", f"{value!r} is not a usable number")
    return number


def _parse_time(definition: FormDefinition, question: Question, value: Any) -> str:
    match = TIME.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise _Invalid("wrong_type", f"{value!r} is not a time of day HH:MM")
    return f"{int(match[1]):02d}:{match[2]}"


def _parse_text(definition: FormDefinition, question: Question, value: Any) -> str:
    if not isinstance(value, str):
        raise _Invalid("wrong_type", "must be text")
    if not value.strip():
        return MISSING
    return value


PARSERS = {
    "yes_no": _parse_choice,
    "single_choice": _parse_choice,
    "multiple_choice": _parse_choices,
    "integer": _parse_integer,
    "decimal": _parse_decimal,
    "time": _parse_time,
    "text": _parse_text,
    "photo": _parse_text,
}


def _check_constraint(constraint: Constraint, value: Any) -> None:
    if value is MISSING:
        return
    if constraint.min is not None and value < constraint.min:
        raise _Invalid("below_min", f"{value} is below the minimum {constraint.min}")
    if constraint.max is not None and value > constraint.max:
        raise _Invalid("above_max", f"{value} is above the maximum {constraint.max}")
    if constraint.max_length is not None and len(value) > constraint.max_length:
        raise _Invalid("too_long", f"is longer than {constraint.max_length} characters")
    if constraint.min_choices is not None and len(value) < constraint.min_choices:
        raise _Invalid("too_few_choices", f"needs at least {constraint.min_choices} choices")
    if constraint.max_choices is not None and len(value) > constraint.max_choices:
        raise _Invalid("too_many_choices", f"allows at most {constraint.max_choices} choices")


def _check_station_bound(question: Question, value: Any, station: StationFacts | None) -> None:
    figure = question.constraint.max_station if question.constraint else None
    if figure is None or station is None or value is MISSING:
        return
    limit = station.figures[figure]
    if value > limit:
        raise _Invalid(
            "above_station_max",
            f"{value} is above the {limit} {STATION_FIGURES[figure]} at station {station.code}",
        )
