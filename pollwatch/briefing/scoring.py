"""Scoring a briefing test: each answer against the right one the core team gave."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class QuizResult:
    """How one set of answers did.

    correct
        questions answered right.
    total
        questions scored (every question of the test but notes).
    passed
        whether ``correct`` reaches the module's pass mark (a percentage of ``total``).
    wrong
        codes of the questions answered wrong or left out, in the test's order.
    """

    correct: int
    total: int
    passed: bool
    wrong: tuple[str, ...]


def score_answers(
    questions: Sequence[Mapping[str, Any]],
    right_answers: Mapping[str, Any],
    given: Mapping[str, Any],
    pass_mark: int,
) -> QuizResult:
    wrong = tuple(
        question["code"]
        for question in questions
        if not is_right(
            question["type"], right_answers.get(question["code"]), given.get(question["code"])
        )
    )
    total = len(questions)
    correct = total - len(wrong)
    return QuizResult(correct, total, correct * 100 >= pass_mark * total, wrong)


def is_right(question_type: str, right: Any, given: Any) -> bool:
    """Whether ``given`` is the right answer: the same choices, number or words (any case)."""
    if right is None or given is None or given == "" or given == []:
        return False
    if question_type == "multiple_choice":
        return set(_as_list(right)) == set(_as_list(given))
    if question_type in ("integer", "decimal"):
        return _number(right) == _number(given)
    if question_type == "text":
        return _words(right) == _words(given)
    return str(right) == str(given)


def _as_list(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list | tuple) else [str(value)]


def _number(value: Any) -> float | None:
    try:
        return float(str(value).replace(",", "."))
    except ValueError:
        return None


def _words(value: Any) -> str:
    return " ".join(str(value).split()).casefold()
