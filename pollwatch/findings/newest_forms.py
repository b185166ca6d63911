"""The newest version of each form a findings request reads, read once and handed on.

A findings page asks many things of a form: the questions its figures are
computed from, their choices, labels, the assessment and clock-time
questions, how each question's reports combine. Each request builds one
:class:`NewestForms` and passes it to every figure it computes, so that the
definition of each form is read from the database once per request. It
lives no longer than the request: a form published meanwhile is seen by
the next one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pollwatch.forms.definition_rules import DEFAULT_COMBINE
from pollwatch.forms.labels import answer_labels_of
from pollwatch.forms.models import FormVersion


@dataclass(frozen=True, slots=True)
class NewestForm:
    """One form's newest definition, with its questions in the form's order.

    Attributes
    ----------
    code : str
        The form's code.
    questions : tuple of dict
        Every question answered once per report, as in the definition: the
        questions of a repeat section (and of the sections within one) have a
        list of answers per report, not one, and are left out.
    choice_codes : dict
        Question code → the codes of its choices, in order (``yes``, ``no``
        for a yes/no question); questions without choices are absent. The
        questions of repeats are included.
    repeats : tuple of RepeatSection
        The repeat sections, outer ones before those within them.
    choice_lists : dict
        The definition's choice lists, by name, with their labels.
    """

    code: str
    questions: tuple[dict, ...]
    choice_codes: dict[str, tuple[str, ...]]
    repeats: tuple[RepeatSection, ...] = ()
    choice_lists: dict[str, list[dict]] = field(default_factory=dict)

    @classmethod
    def from_definition(cls, code: str, definition: dict) -> NewestForm:
        sections = definition.get("sections", [])
        questions = tuple(
            question
            for section in sections
            if not (section.get("repeat") or section.get("within"))
            for question in section.get("questions", [])
        )
        repeats = _repeat_sections(sections)
        every = questions + tuple(q for repeat in repeats for q in repeat.questions)
        lists = definition.get("choice_lists", {})
        return cls(code, questions, _choice_codes(every, lists), repeats, lists)

    def question(self, code: str) -> dict | None:
        return next((asked for asked in self.questions if asked["code"] == code), None)

    def combine(self, question: str) -> str:
        """How the question's reports combine per station: ``"latest"`` or ``"any"``."""
        asked = self.question(question) or {}
        return str(asked.get("combine", DEFAULT_COMBINE))

    def assessment_question(self) -> str | None:
        """The question marked ``assessment``, if any."""
        return next((q["code"] for q in self.questions if q.get("assessment")), None)

    def time_question(self) -> str | None:
        """The first clock-time question, if any."""
        return next((q["code"] for q in self.questions if q["type"] == "time"), None)

    def labels(self, language: str) -> dict[str, str]:
        """Question code → its label in ``language`` (else English, else the code)."""
        return {
            q["code"]: q["label"].get(language) or q["label"].get("en") or q["code"]
            for q in self.questions
        }

    def answer_labels(self, language: str) -> dict[str, dict[str, str]]:
        """Question code → {answer code → its label in ``language``}, for choice questions."""
        every = self.questions + tuple(q for repeat in self.repeats for q in repeat.questions)
        return answer_labels_of(every, self.choice_lists, language)


@dataclass(frozen=True, slots=True)
class RepeatSection:
    """A repeat section: its code, title, the repeats holding it and the questions of an entry.

    ``path`` leads from a report's answers to its entries: the codes of the
    repeats around it, outermost first, and its own (``("observers",
    "shifts")``: the shifts listed in each observer entry). ``questions`` are
    those answered once per entry, including those of groups within it.
    """

    code: str
    title: dict
    path: tuple[str, ...]
    questions: tuple[dict, ...]

    def label(self, language: str) -> str:
        return self.title.get(language) or self.title.get("en") or self.code


def _repeat_sections(sections: list[dict]) -> tuple[RepeatSection, ...]:
    within = {s["code"]: s.get("within") for s in sections if s.get("repeat")}
    found = []
    for section in sections:
        if not section.get("repeat"):
            continue
        path = [section["code"]]
        while within.get(path[0]):
            path.insert(0, str(within[path[0]]))
        questions = tuple(
            question
            for inner in sections
            if inner is section
            or (not inner.get("repeat") and inner.get("within") == section["code"])
            for question in inner.get("questions", [])
        )
        found.append(
            RepeatSection(section["code"], section.get("title") or {}, tuple(path), questions)
        )
    return tuple(sorted(found, key=lambda repeat: len(repeat.path)))


def _choice_codes(questions: tuple[dict, ...], lists: dict) -> dict[str, tuple[str, ...]]:
    codes: dict[str, tuple[str, ...]] = {}
    for question in questions:
        if question["type"] == "yes_no":
            codes[question["code"]] = ("yes", "no")
        elif question.get("choices"):
            codes[question["code"]] = tuple(c["code"] for c in lists.get(question["choices"], []))
    return codes


class NewestForms:
    """The forms one request reads, each read from the database at most once.

    :meth:`read` reads several forms in one query; :meth:`get` reads a form
    not read yet. A form with no published version is remembered as missing.
    """

    def __init__(self) -> None:
        self._forms: dict[str, NewestForm | None] = {}

    def read(self, codes: Iterable[str]) -> NewestForms:
        wanted = sorted({code for code in codes if code and code not in self._forms})
        if wanted:
            definitions = FormVersion.objects.newest_definitions(wanted)
            for code in wanted:
                definition = definitions.get(code)
                self._forms[code] = (
                    None if definition is None else NewestForm.from_definition(code, definition)
                )
        return self

    def get(self, code: str) -> NewestForm | None:
        """The newest version of the form, or None when the form has none."""
        self.read([code])
        return self._forms.get(code)
