"""Form definitions: typed dataclasses loaded from JSON with precise errors.

A definition is checked in two passes: the JSON Schema shipped beside this
module (``form-definition.schema.json``) for its shape, then the rules a schema
cannot state (unique codes, existing choice lists, conditions that read earlier
questions, labels in every language of the form). Every error names its JSON
path, for example ``sections[2].questions[4].constraint.max: must be an integer``.
The format is documented in ``docs/forms.md``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from pollwatch.forms.conditions import Expression, rename_references
from pollwatch.forms.definition_rules import DEFAULT_COMBINE, YES_NO, rule_errors
from pollwatch.forms.schema_errors import schema_errors

SCHEMA_FILE = Path(__file__).with_name("form-definition.schema.json")
FORMAT_VERSION = 1
PHASES = ("opening", "voting", "counting", "tabulation", "incident", "pvt", "long_term")
QUESTION_TYPES = (
    "yes_no",
    "single_choice",
    "multiple_choice",
    "integer",
    "decimal",
    "time",
    "text",
    "photo",
    "date",
    "datetime",
    "geopoint",
    "geotrace",
    "geoshape",
    "barcode",
    "audio",
    "video",
    "file",
    "note",
    "calculate",
    "carried",
)
CHOICE_TYPES = ("single_choice", "multiple_choice")
# Questions whose answer is the name of a file sent with the report.
MEDIA_TYPES = ("photo", "audio", "video", "file")
# Parts of a question taken from an XForm that pollwatch keeps for devices but does not
# evaluate itself (see docs/forms.md, "What is analysed and what is carried").
CARRIED_PARTS = ("relevant", "constraint", "required", "calculate", "choice_filter", "choices")
Label = dict[str, str]


class FormDefinitionError(ValueError):
    """A form definition that cannot be used; ``errors`` lists every problem by JSON path."""

    def __init__(self, errors: Sequence[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


@dataclass(frozen=True, slots=True)
class Choice:
    code: str
    label: Label


@dataclass(frozen=True, slots=True)
class Constraint:
    """Bounds on one answer: ``min``/``max`` for numbers, lengths and counts of choices.

    ``max_station`` names a figure of the polling station reported on (one of
    ``definition_rules.STATION_FIGURES``, such as ``registered_voters``) that a number
    must not exceed.
    """

    min: int | float | None = None
    max: int | float | None = None
    max_station: str | None = None
    max_length: int | None = None
    min_choices: int | None = None
    max_choices: int | None = None
    message: Label | None = None


@dataclass(frozen=True, slots=True)
class Question:
    """One question; ``relevant`` shows it, ``critical_when`` raises an alert.

    ``combine`` says how a station's several reports count in findings:
    ``"latest"`` takes its latest report that was not rejected; ``"any"``
    (for incidents) counts the station as "yes", or a value as ticked, when
    any of its reports that was not rejected said so.
    """

    code: str
    type: str
    label: Label
    guidance: Label | None = None
    required: bool = False
    relevant: Expression | None = None
    constraint: Constraint | None = None
    choices: str | None = None
    critical_when: Expression | None = None
    assessment: bool = False
    per_ballot_option: bool = False
    combine: str = "latest"
    ref: str | None = None
    carried: tuple[str, ...] = ()
    open_choices: bool = False


@dataclass(frozen=True, slots=True)
class Section:
    code: str
    title: Label
    questions: tuple[Question, ...]
    relevant: Expression | None = None
    repeat: bool = False
    within: str | None = None
    ref: str | None = None
    carried: tuple[str, ...] = ()

    @property
    def path(self) -> str:
        """Where the section's node sits in an instance: ``.`` for the root itself."""
        return self.ref or self.code

    def path_of(self, question: Question) -> str:
        """Where ``question``'s answer sits, below the root or, in a repeat, below its entry."""
        if question.ref:
            return question.ref
        if self.repeat or self.path == ".":
            return question.code
        return f"{self.path}/{question.code}"


@dataclass(frozen=True, slots=True)
class Check:
    """A cross-field check; a failure is reported on ``question``."""

    code: str
    question: str
    rule: Expression
    message: Label


@dataclass(frozen=True, slots=True)
class BallotOption:
    """A ballot option of the election a form is bound to (see ``bind_ballot_options``)."""

    code: str
    label: Label


@dataclass(frozen=True, slots=True)
class FormDefinition:
    code: str
    phase: str
    title: Label
    languages: tuple[str, ...]
    sections: tuple[Section, ...]
    choice_lists: dict[str, tuple[Choice, ...]] = field(default_factory=dict)
    checks: tuple[Check, ...] = ()
    version: int | None = None
    description: Label | None = None
    language_names: dict[str, str] = field(default_factory=dict)

    def questions(self) -> Iterator[Question]:
        for section in self.sections:
            yield from section.questions

    def question(self, code: str) -> Question:
        for question in self.questions():
            if question.code == code:
                return question
        raise KeyError(code)

    def choice_codes(self, question: Question) -> tuple[str, ...]:
        if question.type == "yes_no":
            return YES_NO
        if question.choices is None:
            return ()
        return tuple(choice.code for choice in self.choice_lists[question.choices])

    @property
    def needs_ballot_options(self) -> bool:
        return any(question.per_ballot_option for question in self.questions())

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of this definition; ``load_definition`` reads it back unchanged."""
        data: dict[str, Any] = {"format": FORMAT_VERSION, "code": self.code}
        if self.version is not None:
            data["version"] = self.version
        data |= {"phase": self.phase, "title": dict(self.title)}
        if self.description:
            data["description"] = dict(self.description)
        data["languages"] = list(self.languages)
        if self.language_names:
            data["language_names"] = dict(self.language_names)
        if self.choice_lists:
            data["choice_lists"] = {
                name: [{"code": c.code, "label": dict(c.label)} for c in choices]
                for name, choices in self.choice_lists.items()
            }
        data["sections"] = [_section_to_dict(section) for section in self.sections]
        if self.checks:
            data["checks"] = [
                {"code": c.code, "question": c.question, "rule": c.rule, "message": dict(c.message)}
                for c in self.checks
            ]
        return data

    def bind_ballot_options(self, options: Sequence[BallotOption]) -> FormDefinition:
        """This form with every per-ballot-option question expanded for ``options``.

        A question ``votes`` marked ``per_ballot_option`` becomes ``votes_<option code>``
        for each option, its label's ``{option}`` replaced by the option's name, and a
        term ``{"q": "votes"}`` inside a sum becomes one term per option.
        """
        if not options:
            raise ValueError("at least one ballot option is needed")
        for option in options:
            if not re.fullmatch(r"[A-Za-z0-9_]+", option.code):
                raise ValueError(f"ballot option code {option.code!r}: letters, digits and _ only")
        expanded = {
            q.code: [f"{q.code}_{o.code}" for o in options]
            for q in self.questions()
            if q.per_ballot_option
        }
        sections = tuple(
            replace(
                section,
                relevant=_renamed(section.relevant, expanded),
                questions=tuple(_bound_questions(section.questions, options, expanded)),
            )
            for section in self.sections
        )
        checks = tuple(replace(c, rule=rename_references(c.rule, expanded)) for c in self.checks)
        bound = replace(self, sections=sections, checks=checks)
        return load_definition(bound.to_dict())


def _renamed(expr: Expression | None, expanded: Mapping[str, list[str]]) -> Expression | None:
    return None if expr is None else rename_references(expr, expanded)


def _bound_questions(
    questions: Sequence[Question], options: Sequence[BallotOption], expanded: Mapping[str, Any]
) -> Iterator[Question]:
    for question in questions:
        question = replace(
            question,
            relevant=_renamed(question.relevant, expanded),
            critical_when=_renamed(question.critical_when, expanded),
        )
        if not question.per_ballot_option:
            yield question
            continue
        for option in options:
            yield replace(
                question,
                code=f"{question.code}_{option.code}",
                label=_option_label(question.label, option),
                per_ballot_option=False,
            )


def _option_label(template: Label, option: BallotOption) -> Label:
    fallback = next(iter(option.label.values()))
    return {
        language: text.replace("{option}", option.label.get(language, fallback))
        for language, text in template.items()
    }


def _section_to_dict(section: Section) -> dict[str, Any]:
    data: dict[str, Any] = {"code": section.code, "title": dict(section.title)}
    optional = {
        "relevant": section.relevant,
        "repeat": section.repeat,
        "within": section.within,
        "ref": section.ref,
        "carried": list(section.carried),
    }
    data |= {key: value for key, value in optional.items() if value not in (None, False, [])}
    data["questions"] = [_question_to_dict(question) for question in section.questions]
    return data


def _question_to_dict(question: Question) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": question.code,
        "type": question.type,
        "label": dict(question.label),
    }
    optional = {
        "guidance": question.guidance,
        "required": question.required,
        "relevant": question.relevant,
        "constraint": _constraint_to_dict(question.constraint),
        "choices": question.choices,
        "critical_when": question.critical_when,
        "assessment": question.assessment,
        "per_ballot_option": question.per_ballot_option,
        "combine": None if question.combine == DEFAULT_COMBINE else question.combine,
        "ref": question.ref,
        "carried": list(question.carried),
        "open_choices": question.open_choices,
    }
    data |= {key: value for key, value in optional.items() if value not in (None, False, [])}
    return data


def _constraint_to_dict(constraint: Constraint | None) -> dict[str, Any] | None:
    if constraint is None:
        return None
    names = ("min", "max", "max_station", "max_length", "min_choices", "max_choices", "message")
    return {
        name: getattr(constraint, name) for name in names if getattr(constraint, name) is not None
    }


def definition_digest(
    definition: Mapping[str, Any], xform: str = "", media: Mapping[str, str] | None = None
) -> str:
    """SHA-256 of the canonical JSON of a definition, its version number left out.

    An imported form's XForm counts too, and so do its media files (``media``:
    name → MD5): a new XForm or a changed CSV is a new version even when the
    definition read from it is the same.
    """
    content = {key: value for key, value in definition.items() if key != "version"}
    if xform:
        content["xform"] = hashlib.sha256(xform.encode("utf-8")).hexdigest()
    if media:
        content["media"] = dict(sorted(media.items()))
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# Loading ---------------------------------------------------------------------------


@cache
def form_schema() -> dict[str, Any]:
    """The JSON Schema of form definitions (format 1)."""
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def load_definition(data: Any) -> FormDefinition:
    """A ``FormDefinition`` from parsed JSON; ``FormDefinitionError`` lists every problem."""
    errors = schema_errors(data, form_schema())
    if errors:
        raise FormDefinitionError(errors)
    errors = rule_errors(data)
    if errors:
        raise FormDefinitionError(errors)
    return _build(data)


def load_definition_file(path: str | Path) -> FormDefinition:
    """Read and load a definition from a JSON file, naming the line of a syntax error."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise FormDefinitionError(
            [f"{path.name} line {error.lineno} column {error.colno}: not valid JSON ({error.msg})"]
        ) from error
    except UnicodeDecodeError as error:
        raise FormDefinitionError([f"{path.name}: not UTF-8 text"]) from error
    return load_definition(data)


def _build(data: Mapping[str, Any]) -> FormDefinition:
    return FormDefinition(
        code=data["code"],
        version=data.get("version"),
        phase=data["phase"],
        title=dict(data["title"]),
        description=data.get("description"),
        languages=tuple(data["languages"]),
        language_names=dict(data.get("language_names", {})),
        choice_lists={
            name: tuple(Choice(c["code"], dict(c["label"])) for c in choices)
            for name, choices in data.get("choice_lists", {}).items()
        },
        sections=tuple(_build_section(section) for section in data["sections"]),
        checks=tuple(Check(**check) for check in data.get("checks", ())),
    )


def _build_section(data: Mapping[str, Any]) -> Section:
    return Section(
        code=data["code"],
        title=dict(data["title"]),
        relevant=data.get("relevant"),
        questions=tuple(_build_question(question) for question in data["questions"]),
        repeat=data.get("repeat", False),
        within=data.get("within"),
        ref=data.get("ref"),
        carried=tuple(data.get("carried", ())),
    )


def _build_question(data: Mapping[str, Any]) -> Question:
    fields = dict(data)
    if "constraint" in fields:
        fields["constraint"] = Constraint(**fields["constraint"])
    if "carried" in fields:
        fields["carried"] = tuple(fields["carried"])
    return Question(**fields)
