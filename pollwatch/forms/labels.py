"""What pages show for a form's codes: its questions' and answers' labels in the reader's language.

Reports, figures and alerts keep the codes the form defines (``very_good``,
``ballot_stuffing``); the people reading them see the labels the form gives
each question and choice, in their language when the form has it, else in
English, else the code itself. Exports keep the codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

#: The answers of every yes/no question, whatever its form.
YES_NO: Mapping[str, Any] = {"yes": _("Yes"), "no": _("No")}

PHASE_LABELS: Mapping[str, Any] = {
    "opening": _("Opening"),
    "voting": _("Voting"),
    "counting": _("Counting"),
    "tabulation": _("Tabulation"),
    "incident": _("Incident"),
    "pvt": _("PVT"),
    "long_term": _("Long-term"),
}


def in_language(label: Mapping[str, str] | str | None, language: str, code: str) -> str:
    """A form's label in ``language``, else in English, else its first, else ``code``."""
    if isinstance(label, str):
        return label or code
    if not label:
        return code
    return label.get(language) or label.get("en") or next(iter(label.values()), "") or code


def phase_label(code: str) -> str:
    """A phase's name (``long_term`` → "Long-term"); a phase of no form shows its code."""
    label = PHASE_LABELS.get(code)
    return code if label is None else str(label)


def answer_labels_of(
    questions: Iterable[Mapping[str, Any]], lists: Mapping[str, Any], language: str
) -> dict[str, dict[str, str]]:
    """Question code → {answer code → label} for every question whose answers are choices."""
    found: dict[str, dict[str, str]] = {}
    for question in questions:
        if question.get("type") == "yes_no":
            found[question["code"]] = {code: gettext(str(text)) for code, text in YES_NO.items()}
        elif question.get("choices"):
            found[question["code"]] = {
                choice["code"]: in_language(choice.get("label"), language, choice["code"])
                for choice in lists.get(question["choices"], [])
            }
    return found


def answer_label(value: Any, labels: Mapping[str, str] | None) -> str:
    """One answer in words: a choice's label, each label of a multiple choice, else the value."""
    if isinstance(value, list | tuple):
        return ", ".join(answer_label(item, labels) for item in value)
    if isinstance(value, bool):
        value = "yes" if value else "no"
    text = "" if value is None else str(value)
    return (labels or {}).get(text, text)


@dataclass(frozen=True, slots=True)
class FormLabels:
    """The labels of one form definition's questions and answers, in one language."""

    questions: dict[str, str]
    answers: dict[str, dict[str, str]]

    @classmethod
    def of(cls, definition: Mapping[str, Any], language: str) -> FormLabels:
        sections = definition.get("sections", [])
        questions = [q for section in sections for q in section.get("questions", [])]
        titles = {
            s["code"]: in_language(s.get("title"), language, s["code"])
            for s in sections
            if s.get("repeat")
        }
        return cls(
            questions={
                q["code"]: in_language(q.get("label"), language, q["code"]) for q in questions
            }
            | titles,
            answers=answer_labels_of(questions, definition.get("choice_lists", {}), language),
        )

    def question(self, code: str) -> str:
        return self.questions.get(code, code)

    def answer(self, question: str, value: Any) -> str:
        return answer_label(value, self.answers.get(question))

    def alert(self, alert: Mapping[str, Any]) -> str:
        """A critical alert (``{"question": ..., "answer": ...}``) as "Question: Answer"."""
        question = str(alert.get("question", ""))
        return f"{self.question(question)}: {self.answer(question, alert.get('answer'))}"
