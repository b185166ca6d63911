"""Validation of one set of answers against a form definition.

Every intake channel (web form, JSON API, SMS, OpenRosa) calls
``validate_answers`` with the raw answers it received, question code → value,
and stores or rejects by its result. The checks, in order: unknown questions,
each answer's type, choices and bounds, the station's figures among them;
which questions are shown (a hidden question must be empty, a shown required
one answered); cross-field checks; then critical answers, which raise alerts
rather than errors. The answers of a repeat section are a list of entries, each
checked the same way; what each question type accepts and stores is in
``docs/forms.md``, "Question types".

Parts of a form that only devices evaluate (``carried``) are not guessed at: a
question whose relevance is carried may be answered or not, a carried
requirement is not enforced, a carried constraint leaves only the type checked.
"""

from __future__ import annotations

import enum
import math
import re
from collections import ChainMap
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from pollwatch.forms.conditions import MISSING, Expression, evaluate, is_missing, references
from pollwatch.forms.definition import Constraint, FormDefinition, Label, Question, Section
from pollwatch.forms.definition_rules import STATION_FIGURES
from pollwatch.lib.catalogues import current_language, ngettext
from pollwatch.lib.catalogues import gettext as _

_ZONE = r"(?P<zone>Z|(?P<zone_sign>[+-])(?P<zone_hours>\d{2}):?(?P<zone_minutes>\d{2}))"
# ODK writes a time as 07:30:00.000+03:00; the web form sends 07:30.
TIME = re.compile(
    r"(?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)(?::[0-5]\d(?:\.\d+)?)?"
    r"(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?"
)
DATE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})")
DATETIME = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})[T ](?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,9}))?)?" + _ZONE + "?"
)
NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
GEOPOINT_KEYS = ("lat", "lon", "alt", "accuracy")
# Beyond this a number is refused: a count or measure that large is a typing slip.
_LARGEST_USABLE = Decimal(10) ** 15
# Question types whose answer the device fills in or that have none: never required,
# never refused as "must be empty".
DEVICE_ANSWERED = ("note", "calculate")


@dataclass(frozen=True, slots=True)
class AnswerError:
    """One problem with one answer.

    ``reason`` is a stable code (``required``, ``not_a_choice``, ...) for programs
    and translations; ``message`` says it in the language of the catalogues
    (``pollwatch.lib.catalogues``: the page's, in a request).
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


def _said(message: str, value: Any) -> str:
    """``message``, translated, about the value as it was sent, quoted."""
    return message % {"value": repr(value)}


def _not_one_of(value: Any, codes: Iterable[str]) -> str:
    return _("%(value)s is not one of %(codes)s") % {
        "value": repr(value),
        "codes": ", ".join(codes),
    }


def _belongs_elsewhere(repeat: str | None) -> str:
    if repeat:
        return _("is not answered here: it belongs in the entries of %(repeat)s") % {
            "repeat": repr(repeat)
        }
    return _("is not answered here: it belongs in the top of the form")


def _in_form_language(message: Mapping[str, str], otherwise: str) -> str:
    """A message the form's author wrote: in the reader's language if the form has it."""
    return message.get(current_language()) or message.get("en") or otherwise


def validate_answers(
    definition: FormDefinition, raw: Mapping[str, Any], station: StationFacts | None = None
) -> ValidationResult:
    """Check ``raw`` (question code → raw value) against ``definition``.

    ``station`` gives the figures that ``max_station`` bounds read. Without it those
    bounds are not checked: only the intake knows which station a report is about,
    and it always passes the station's facts.

    The answers of a repeat section are a list under its code, one object per entry,
    each checked like the form's top level; an error inside an entry is named
    ``<repeat code>[<entry number from 1>].<question code>``.
    """
    form = _plan_of(definition)
    if form.needs_ballot_options:
        raise ValueError(f"form {definition.code!r} must be bound to ballot options first")
    report = _Report()
    top = _Scope(form, form.scopes[None], None, "", station, _YES)
    answers = _check_scope(top, raw, {}, report)
    report.errors += _check_failures(form, answers)
    return ValidationResult(
        answers=answers,
        errors=tuple(report.errors),
        alerts=tuple(report.alerts),
        hidden=frozenset(report.hidden),
    )


class _Shown(enum.Enum):
    """Whether a question is shown; ``UNKNOWN`` when only the device can tell (carried)."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


# Python 3.11 finds an enum's members on the class slowly, and every question of every
# report reads them: the checks below compare with these names instead.
_YES, _NO, _UNKNOWN = _Shown.YES, _Shown.NO, _Shown.UNKNOWN


@dataclass(slots=True)
class _Report:
    errors: list[AnswerError] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    hidden: set[str] = field(default_factory=set)


# What a definition settles once ------------------------------------------------------------
#
# Every report on a form walks the same sections and questions, so what only the
# definition decides (which questions an entry holds, each question's parser, choices and
# bounds, the groups around a section, the questions a check reads) is worked out once per
# definition and kept beside it. A definition is frozen and nothing changes one after
# ``load_definition`` builds it; binding ballot options builds a new one.


class _Asked:
    """One question as the checks of its answers read it."""

    __slots__ = (
        "definition",
        "question",
        "code",
        "is_note",
        "parser",
        "constraint",
        "station_figure",
        "required",
        "device_answered",
        "shown_with_section",
        "accepts_any_code",
        "takes_a_value_with_spaces",
        "listed",
        "_codes",
    )

    def __init__(self, definition: FormDefinition, question: Question):
        self.definition = definition
        self.question = question
        self.code = question.code
        # A type without a parser fails only when an answer to it is read, as it always has.
        self.parser = PARSERS.get(question.type)
        self.is_note = question.type == "note"
        carried = question.carried
        constraint = question.constraint
        self.constraint = constraint if "constraint" not in carried else None
        self.station_figure = constraint.max_station if constraint else None
        self.required = _is_required(question)
        self.device_answered = question.type in DEVICE_ANSWERED
        self.shown_with_section = question.relevant is None and "relevant" not in carried
        self.accepts_any_code = _accepts_any_code(question)
        self.takes_a_value_with_spaces = _takes_a_value_with_spaces(question)
        self._codes = _choice_codes_if_listed(definition, question)
        self.listed = frozenset(self._codes or ())
        if self.parser is _parse_choice and not self.accepts_any_code:
            self.parser = _parse_listed_choice

    def choice_codes(self) -> tuple[str, ...]:
        """The codes of the question's choices, in the form's order."""
        if self._codes is None:
            # The form lacks the list: this fails, as it always has, once an answer is read.
            return self.definition.choice_codes(self.question)
        return self._codes

    def choice_set(self) -> frozenset[str]:
        """The same codes, to look one up."""
        if self._codes is None:
            self.choice_codes()
        return self.listed


def _choice_codes_if_listed(
    definition: FormDefinition, question: Question
) -> tuple[str, ...] | None:
    """The codes of a question's choices; None when the form lacks the list it names (only
    a definition built without ``load_definition``, whose rules refuse that, can)."""
    try:
        return definition.choice_codes(question)
    except KeyError:
        return None


@dataclass(frozen=True, slots=True)
class _SectionPlan:
    """A section as one scope walks it. ``enclosing`` lists the paths of the groups that
    may hold it, innermost first; ``asked`` is empty for a repeat whose entries sit here."""

    section: Section
    own: bool
    holds_entries: bool
    path: str
    enclosing: tuple[str, ...]
    asked: tuple[_Asked, ...]


@dataclass(frozen=True, slots=True)
class _ScopePlan:
    """The form's top level or a repeat's entry: its sections and questions, in order;
    ``critical`` pairs each question that can raise an alert with its condition."""

    sections: tuple[_SectionPlan, ...]
    asked: tuple[_Asked, ...]
    known: frozenset[str]
    critical: tuple[tuple[_Asked, Expression], ...]


class _FormPlan:
    __slots__ = ("definition", "needs_ballot_options", "scopes", "checks")

    def __init__(self, definition: FormDefinition):
        self.definition = definition
        self.needs_ballot_options = definition.needs_ballot_options
        asked = {id(q): _Asked(definition, q) for q in definition.questions()}
        repeats = [section.code for section in definition.sections if section.repeat]
        self.scopes = {
            repeat: _scope_plan(definition, repeat, asked) for repeat in (None, *repeats)
        }
        self.checks = tuple((check, tuple(references(check.rule))) for check in definition.checks)


def _scope_plan(
    definition: FormDefinition, repeat: str | None, asked: Mapping[int, _Asked]
) -> _ScopePlan:
    """The sections answered in a scope, in the form's order: the repeat section itself,
    the groups within it, and the repeats nested in it (whose entries sit here as a list)."""
    sections = tuple(
        _section_plan(section, repeat, asked)
        for section in definition.sections
        if section.code == repeat or section.within == repeat
    )
    in_order = tuple(asked for plan in sections for asked in plan.asked)
    entries = [plan.section.code for plan in sections if plan.holds_entries]
    return _ScopePlan(
        sections=sections,
        asked=in_order,
        known=frozenset([*(asked.code for asked in in_order), *entries]),
        critical=tuple(
            (asked, asked.question.critical_when)
            for asked in in_order
            if asked.question.critical_when is not None
        ),
    )


def _section_plan(
    section: Section, repeat: str | None, asked: Mapping[int, _Asked]
) -> _SectionPlan:
    holds_entries = bool(section.repeat) and section.code != repeat
    path = _section_path(section)
    steps = path.split("/")
    return _SectionPlan(
        section=section,
        own=section.code == repeat,
        holds_entries=holds_entries,
        path=path,
        enclosing=tuple("/".join(steps[:length]) for length in range(len(steps) - 1, 0, -1)),
        asked=() if holds_entries else tuple(asked[id(q)] for q in section.questions),
    )


# Definitions are frozen and hold dicts, so they cannot be hashed: plans are found by the
# definition's identity. Each entry holds its definition, so no other object can take its
# id while the entry is kept. A process validates a handful of forms; should it see many
# (tests build hundreds), the plans are dropped together and built again when needed.
_PLANS: dict[int, tuple[FormDefinition, _FormPlan]] = {}
_PLANS_KEPT = 256


def _plan_of(definition: FormDefinition) -> _FormPlan:
    kept = _PLANS.get(id(definition))
    if kept is not None and kept[0] is definition:
        return kept[1]
    plan = _FormPlan(definition)
    if len(_PLANS) >= _PLANS_KEPT:
        _PLANS.clear()
    _PLANS[id(definition)] = (definition, plan)
    return plan


# Checking one scope -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Scope:
    """Answers that sit together: the form's top level (``repeat`` None) or one entry of a
    repeat section. ``path`` prefixes the names of its answers in errors (``observers[2].``);
    ``shown`` is whether the repeat holding it is shown."""

    form: _FormPlan
    plan: _ScopePlan
    repeat: str | None
    path: str
    station: StationFacts | None
    shown: _Shown

    def entry(self, repeat: Section, number: int, shown: _Shown) -> _Scope:
        path = f"{self.path}{repeat.code}[{number}]."
        plan = self.form.scopes[repeat.code]
        return _Scope(self.form, plan, repeat.code, path, self.station, shown)


def _check_scope(
    scope: _Scope, raw: Mapping[str, Any], outer: MutableMapping[str, Any], report: _Report
) -> dict[str, Any]:
    """The parsed answers of one scope; its errors, alerts and hidden questions go to
    ``report``. ``outer`` holds the answers around it, which its conditions also read."""
    report.errors += _unknown_codes(scope, raw)
    parsed, unparsable = _parsed_answers(scope, raw, report)
    shown, states = _visibility(scope, parsed, outer)
    report.hidden |= {scope.path + code for code, state in states.items() if state is _NO}
    report.errors += _visibility_errors(scope, raw, parsed, states, unparsable)
    answers: dict[str, Any] = {}
    visible = _visible(shown, outer)
    for plan in scope.plan.sections:
        if plan.holds_entries:
            section = plan.section
            entries = _check_repeat(scope, section, raw.get(section.code), states, visible, report)
            if entries is not None:
                answers[section.code] = entries
            continue
        for asked in plan.asked:
            answer = shown.get(asked.code, MISSING)
            if answer is not MISSING:
                answers[asked.code] = answer
    report.alerts += _alerts(scope, shown, visible)
    return answers


def _unknown_codes(scope: _Scope, raw: Mapping[str, Any]) -> list[AnswerError]:
    known = scope.plan.known
    unknown = [code for code in raw if code not in known]
    if not unknown:
        return []
    homes = _homes(scope.form.definition)
    errors = []
    for code in unknown:
        if code in homes:
            message = _belongs_elsewhere(homes[code])
        else:
            message = _("is not a question of this form")
        errors.append(AnswerError(f"{scope.path}{code}", "unknown_question", message))
    return errors


def _homes(definition: FormDefinition) -> dict[str, str | None]:
    """Code of each question and repeat → the repeat whose entries hold it (None: the top)."""
    homes: dict[str, str | None] = {}
    for section in definition.sections:
        if section.repeat:
            homes[section.code] = section.within
        for question in section.questions:
            homes[question.code] = section.code if section.repeat else section.within
    return homes


def _parsed_answers(
    scope: _Scope, raw: Mapping[str, Any], report: _Report
) -> tuple[dict[str, Any], set[str]]:
    """Each question's typed answer (``MISSING`` when unanswered or unreadable), and the
    codes whose answers could not be read."""
    parsed: dict[str, Any] = {}
    unparsable: set[str] = set()
    for asked in scope.plan.asked:
        code = asked.code
        value = raw.get(code)
        if value is None:  # unanswered, the commonest missing answer: nothing to read
            parsed[code] = MISSING
            continue
        try:
            parsed[code] = answer = _parse(asked, value)
            if asked.station_figure is not None:
                _check_station_bound(asked.station_figure, answer, scope.station)
        except _Invalid as invalid:
            report.errors.append(AnswerError(scope.path + code, invalid.reason, invalid.message))
            parsed[code] = MISSING
            unparsable.add(code)
    return parsed, unparsable


def _visibility(
    scope: _Scope, parsed: Mapping[str, Any], outer: MutableMapping[str, Any]
) -> tuple[dict[str, Any], dict[str, _Shown]]:
    """Answers of the questions not hidden, and whether each question and nested repeat is
    shown.

    Conditions only read earlier questions, so one pass in document order settles
    them; a hidden question reads as unanswered, as it does in the browser. Inside an
    entry, conditions read the entry's answers first, then those around it.
    """
    shown: dict[str, Any] = {}
    states: dict[str, _Shown] = {}
    groups: dict[str, _Shown] = {}
    visible = _visible(shown, outer)
    for plan in scope.plan.sections:
        section = plan.section
        if plan.own:
            section_state = scope.shown
        else:
            around = _enclosing_group(groups, plan.enclosing, scope.shown)
            section_state = _relevance(around, section.relevant, section.carried, visible)
            groups[plan.path] = section_state
        if plan.holds_entries:
            states[section.code] = section_state
            continue
        for asked in plan.asked:
            if asked.shown_with_section:
                state = section_state
            else:
                question = asked.question
                state = _relevance(section_state, question.relevant, question.carried, visible)
            states[asked.code] = state
            if state is not _NO:
                shown[asked.code] = parsed[asked.code]
    return shown, states


def _section_path(section: Section) -> str:
    return section.ref or section.code


def _enclosing_group(
    groups: Mapping[str, _Shown], enclosing: Iterable[str], around: _Shown
) -> _Shown:
    """Whether the innermost section seen so far whose path holds the section's is shown.

    Groups nest in an XForm (``consented/deceased/details`` lies in ``consented``) and a
    node is shown only when every group around it is; the definition keeps them as
    sections side by side, so their paths say which holds which.
    """
    for path in enclosing:
        found = groups.get(path)
        if found is not None:
            return found
    return around


def _visible(shown: dict[str, Any], outer: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """What conditions read: the scope's own answers first, then those around it."""
    return ChainMap(shown, outer) if outer else shown


def _relevance(
    around: _Shown,
    relevant: Expression | None,
    carried: tuple[str, ...],
    answers: Mapping[str, Any],
) -> _Shown:
    """Whether a section or question is shown, inside a section or repeat shown ``around``."""
    if around is _NO:
        return _NO
    if "relevant" in carried:
        return _UNKNOWN
    if relevant is not None and not evaluate(relevant, answers):
        return _NO
    return around


def _visibility_errors(
    scope: _Scope,
    raw: Mapping[str, Any],
    parsed: Mapping[str, Any],
    states: Mapping[str, _Shown],
    unparsable: set[str],
) -> list[AnswerError]:
    errors = []
    for asked in scope.plan.asked:
        if asked.device_answered:
            continue
        code = asked.code
        state = states[code]
        if state is _NO and not is_missing(raw.get(code)):
            errors.append(
                AnswerError(
                    scope.path + code,
                    "must_be_empty",
                    _("must be empty: its condition does not hold"),
                )
            )
        elif (
            state is _YES and asked.required and parsed[code] is MISSING and code not in unparsable
        ):
            errors.append(AnswerError(scope.path + code, "required", _("is required")))
    return errors


def _is_required(question: Question) -> bool:
    return question.required and "required" not in question.carried


def _check_repeat(
    scope: _Scope,
    repeat: Section,
    value: Any,
    states: Mapping[str, _Shown],
    outer: MutableMapping[str, Any],
    report: _Report,
) -> list[dict[str, Any]] | None:
    """The parsed entries of a repeat section (None when it has none)."""
    path = scope.path + repeat.code
    if is_missing(value):
        return None
    if states[repeat.code] is _NO:
        if _holds_a_persons_answer(repeat, value):
            message = _("must be empty: its condition does not hold")
            report.errors.append(AnswerError(path, "must_be_empty", message))
        return None
    if not isinstance(value, list):
        message = _("must be a list of entries, each an object of question code to answer")
        report.errors.append(AnswerError(path, "wrong_type", message))
        return None
    entries = []
    for number, item in enumerate(value, start=1):
        if not isinstance(item, Mapping):
            message = _("must be an object of question code to answer")
            report.errors.append(AnswerError(f"{path}[{number}]", "wrong_type", message))
            continue
        entry = scope.entry(repeat, number, states[repeat.code])
        entries.append(_check_scope(entry, item, outer, report))
    return entries


def _holds_a_persons_answer(repeat: Section, value: Any) -> bool:
    """Whether entries sent for a hidden repeat answer anything a person gives.

    What the device computes (calculations, notes) is dropped, as for a hidden
    calculation: Enketo sends the entries of a repeat counted by ``jr:count`` with their
    calculations even when the repeat does not apply.
    """
    computed = {q.code for q in repeat.questions if q.type in DEVICE_ANSWERED}
    entries = value if isinstance(value, list) else [value]
    return any(
        not isinstance(entry, Mapping)
        or any(code not in computed and not is_missing(answer) for code, answer in entry.items())
        for entry in entries
    )


def _check_failures(form: _FormPlan, answers: Mapping[str, Any]) -> list[AnswerError]:
    """Failed cross-field checks; a check with an unanswered or hidden question is skipped.

    Checks read the form's top level: a question inside a repeat never has one answer.
    """
    errors = []
    for check, codes in form.checks:
        if any(answers.get(code, MISSING) is MISSING for code in codes):
            continue
        if not evaluate(check.rule, answers):
            message = _in_form_language(check.message, next(iter(check.message.values())))
            errors.append(AnswerError(check.question, f"check_failed:{check.code}", message))
    return errors


def _alerts(scope: _Scope, shown: Mapping[str, Any], visible: Mapping[str, Any]) -> list[Alert]:
    return [
        Alert(scope.path + asked.code, asked.question.label, shown[asked.code])
        for asked, critical_when in scope.plan.critical
        if asked.code in shown and evaluate(critical_when, visible)
    ]


# Parsing one answer ---------------------------------------------------------------------


def parse_answer(definition: FormDefinition, question: Question, value: Any) -> Any:
    """The typed answer (``MISSING`` when unanswered); ``_Invalid`` when it cannot be one.

    A note has no answer: whatever is sent for it is dropped. When the question's
    constraint is carried (evaluated by devices only), only the type is checked.
    """
    return _parse(_Asked(definition, question), value)


def _parse(asked: _Asked, value: Any) -> Any:
    if asked.is_note or is_missing(value):
        return MISSING
    parsed = (asked.parser or PARSERS[asked.question.type])(asked, value)
    constraint = asked.constraint
    if constraint is not None:
        try:
            _check_constraint(constraint, parsed)
        except _Invalid as invalid:
            if constraint.message:
                invalid.message = _in_form_language(constraint.message, invalid.message)
            raise
    return parsed


def _accepts_any_code(question: Question) -> bool:
    """Choices that come from a file or list the form does not carry: any code is one."""
    return question.open_choices or "choices" in question.carried


def _choices_said(asked: _Asked) -> str:
    if asked.takes_a_value_with_spaces:
        return _("a choice value")
    if asked.accepts_any_code:
        return _("a choice code without spaces")
    return _("one of %(codes)s") % {"codes": ", ".join(asked.choice_codes())}


def _takes_a_value_with_spaces(question: Question) -> bool:
    """An XForm's single choice whose list only the device holds: its value is sent
    whole and may hold spaces (a select1 may list "Township 01"); pollwatch's own
    choice codes never do, nor can those of a multiple choice, sent apart at spaces."""
    return question.type == "single_choice" and "choices" in question.carried


def _parse_listed_choice(asked: _Asked, value: Any) -> str:
    """The answer to a question whose choices the form lists, most often one of its codes
    as text; anything else is read as any choice is."""
    if isinstance(value, str):
        code = value.strip()
        if code in asked.listed:
            return code
    return _parse_choice(asked, value)


def _parse_choice(asked: _Asked, value: Any) -> str:
    if isinstance(value, str):
        return _choice_named(asked, value)
    if isinstance(value, bool) and asked.question.type == "yes_no":
        return "yes" if value else "no"
    if isinstance(value, int) and not isinstance(value, bool):
        return _choice_named(asked, str(value))
    raise _Invalid("wrong_type", _("must be %(said)s") % {"said": _choices_said(asked)})


def _choice_named(asked: _Asked, value: str) -> str:
    code = value.strip()
    if asked.accepts_any_code:
        if not (code if asked.takes_a_value_with_spaces else _is_choice_code(code)):
            said = _choices_said(asked)
            raise _Invalid(
                "wrong_type", _("%(value)s is not %(said)s") % {"value": repr(value), "said": said}
            )
        return code
    if code not in asked.choice_set():
        raise _Invalid("not_a_choice", _not_one_of(value, asked.choice_codes()))
    return code


def _is_choice_code(code: str) -> bool:
    return bool(code) and not any(character.isspace() for character in code)


def _parse_choices(asked: _Asked, value: Any) -> list[str]:
    items = value.split() if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str | int) for item in items):
        raise _Invalid("wrong_type", _("must be a list of choices"))
    items = [str(item) for item in items if not isinstance(item, bool)]
    if asked.accepts_any_code:
        if not all(_is_choice_code(item) for item in items):
            raise _Invalid("wrong_type", _("must be a list of choice codes without spaces"))
    else:
        members = asked.choice_set()
        for item in items:
            if item not in members:
                raise _Invalid("not_a_choice", _not_one_of(item, asked.choice_codes()))
    if len(set(items)) != len(items):
        raise _Invalid("repeated_choice", _("names a choice more than once"))
    return items


def _parse_integer(asked: _Asked, value: Any) -> int:
    plain = _plain_integer(value)
    if plain is not None:
        return plain
    number = _parse_number(value)
    if number != number.to_integral_value():
        raise _Invalid("wrong_type", _said(_("%(value)s is not a whole number"), value))
    return int(number)


def _parse_decimal(asked: _Asked, value: Any) -> int | float:
    plain = _plain_integer(value)
    if plain is not None:
        return plain
    number = _parse_number(value)
    return int(number) if number == number.to_integral_value() else float(number)


def _plain_integer(value: Any) -> int | None:
    """A count sent as a JSON whole number or as ASCII digits (as XForms and SMS send it),
    read without ``Decimal``, which would give the same number; None for anything else."""
    if type(value) is int:  # neither true/false nor a subclass
        return value if -_LARGEST_USABLE <= value <= _LARGEST_USABLE else None
    if type(value) is str:
        digits = value.strip()
        # Fifteen digits stay below the largest usable number.
        if len(digits) <= 15 and digits.isascii() and digits.isdigit():
            return int(digits)
    return None


def _parse_number(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _Invalid("wrong_type", _said(_("%(value)s is not a number"), value))
    if isinstance(value, float) and not math.isfinite(value):
        raise _Invalid("wrong_type", _said(_("%(value)s is not a number"), value))
    try:
        number = Decimal(value.strip().replace(",", ".") if isinstance(value, str) else value)
    except InvalidOperation:
        raise _Invalid("wrong_type", _said(_("%(value)s is not a number"), value)) from None
    if not number.is_finite() or abs(number) > _LARGEST_USABLE:
        raise _Invalid("wrong_type", _said(_("%(value)s is not a usable number"), value))
    return number


def _parse_time(asked: _Asked, value: Any) -> str:
    """The clock time the observer saw, ``HH:MM``: ODK's seconds and zone are dropped."""
    match = TIME.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise _Invalid("wrong_type", _said(_("%(value)s is not a time of day HH:MM"), value))
    return f"{int(match['hour']):02d}:{match['minute']}"


def _parse_date(asked: _Asked, value: Any) -> str:
    match = DATE.fullmatch(value.strip()) if isinstance(value, str) else None
    try:
        if match is None:
            raise ValueError
        day = date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        raise _Invalid(
            "wrong_type", _said(_("%(value)s is not a date YYYY-MM-DD"), value)
        ) from None
    return day.isoformat()


def _parse_datetime(asked: _Asked, value: Any) -> str:
    """ISO 8601 with the offset it came with (``Z`` becomes ``+00:00``); without an offset,
    the local time as given. Seconds are always written, fractions only when not zero."""
    match = DATETIME.fullmatch(value.strip()) if isinstance(value, str) else None
    try:
        if match is None:
            raise ValueError
        moment = _moment(match)
    except ValueError:
        raise _Invalid(
            "wrong_type",
            _said(
                _("%(value)s is not a date and time such as 2026-12-05T07:30:00.000+03:00"), value
            ),
        ) from None
    return moment.isoformat(timespec=_timespec(moment.microsecond))


def _moment(match: re.Match[str]) -> datetime:
    fraction = (match["fraction"] or "").ljust(6, "0")[:6]
    moment = datetime(
        int(match["year"]),
        int(match["month"]),
        int(match["day"]),
        int(match["hour"]),
        int(match["minute"]),
        int(match["second"] or 0),
    )
    return moment.replace(microsecond=int(fraction), tzinfo=_offset(match))


def _offset(match: re.Match[str]) -> timezone | None:
    if match["zone"] is None:
        return None
    if match["zone"] == "Z":
        return UTC
    hours, minutes = int(match["zone_hours"]), int(match["zone_minutes"])
    if minutes >= 60:
        raise ValueError("minutes of the offset")
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if match["zone_sign"] == "-" else offset)


def _timespec(microsecond: int) -> str:
    if microsecond == 0:
        return "seconds"
    return "milliseconds" if microsecond % 1000 == 0 else "microseconds"


def _parse_geopoint(asked: _Asked, value: Any) -> dict[str, float | None]:
    return _point(value)


def _parse_geotrace(asked: _Asked, value: Any) -> list[dict[str, float | None]]:
    points = _points(value)
    if len(points) < 2:
        raise _Invalid("wrong_type", _("a line needs at least 2 points"))
    return points


def _parse_geoshape(asked: _Asked, value: Any) -> list[dict[str, float | None]]:
    points = _points(value)
    if len(points) < 4:
        raise _Invalid("wrong_type", _("a shape needs at least 4 points, the last one the first"))
    if (points[0]["lat"], points[0]["lon"]) != (points[-1]["lat"], points[-1]["lon"]):
        raise _Invalid("wrong_type", _("a shape must end at the point it starts from"))
    return points


def _points(value: Any) -> list[dict[str, float | None]]:
    """Points as ODK writes them, ``;`` between them (a last ``;`` allowed), or a list."""
    if isinstance(value, str):
        items: Any = value.split(";")
        if len(items) > 1 and not items[-1].strip():
            items.pop()
    else:
        items = value
    if not isinstance(items, list):
        raise _Invalid("wrong_type", _said(_("%(value)s is not points separated by ;"), value))
    points = []
    for number, item in enumerate(items, start=1):
        try:
            points.append(_point(item))
        except _Invalid as invalid:
            message = _("point %(number)s: %(problem)s") % {
                "number": number,
                "problem": invalid.message,
            }
            raise _Invalid(invalid.reason, message) from None
    return points


def _point(value: Any) -> dict[str, float | None]:
    """A geopoint: ODK's ``lat lon [alt [accuracy]]`` or the object pollwatch stores."""
    lat, lon, alt, accuracy = _point_parts(value)
    if not -90 <= lat <= 90:
        raise _Invalid("wrong_type", _("latitude %(lat)s is not between -90 and 90") % {"lat": lat})
    if not -180 <= lon <= 180:
        raise _Invalid(
            "wrong_type", _("longitude %(lon)s is not between -180 and 180") % {"lon": lon}
        )
    if accuracy is not None and accuracy < 0:
        raise _Invalid("wrong_type", _("accuracy %(accuracy)s is below 0") % {"accuracy": accuracy})
    return {"lat": lat, "lon": lon, "alt": alt, "accuracy": accuracy}


def _point_parts(value: Any) -> tuple[float, float, float | None, float | None]:
    parts: list[Any] | None = None
    if isinstance(value, str):
        texts = value.split()
        if 2 <= len(texts) <= 4 and all(NUMBER.fullmatch(text) for text in texts):
            parts = [*texts, None, None][:4]
    elif isinstance(value, Mapping) and {"lat", "lon"} <= value.keys() <= set(GEOPOINT_KEYS):
        parts = [value.get(key) for key in GEOPOINT_KEYS]
        if not all(part is None or _is_plain_number(part) for part in parts):
            parts = None
    numbers = None if parts is None else [_finite(part) for part in parts]
    if numbers is None or numbers[0] is None or numbers[1] is None:
        raise _Invalid(
            "wrong_type",
            _said(
                _(
                    "%(value)s is not a point: latitude and longitude, then altitude and accuracy"
                    " if known, separated by spaces"
                ),
                value,
            ),
        )
    return numbers[0], numbers[1], numbers[2], numbers[3]


def _is_plain_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _finite(part: Any) -> float | None:
    if part is None:
        return None
    try:
        number = float(part)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise _Invalid("wrong_type", _said(_("%(value)s is not a usable number"), part))
    return number


def _parse_text(asked: _Asked, value: Any) -> str:
    if not isinstance(value, str):
        raise _Invalid("wrong_type", _("must be text"))
    if not value.strip():
        return MISSING
    return value


def _parse_as_sent(asked: _Asked, value: Any) -> str | int | float | bool:
    """A value the device computed: kept as sent, if it is text, a number or true/false."""
    if isinstance(value, str):
        return value if value.strip() else MISSING
    if isinstance(value, bool | int) or (isinstance(value, float) and math.isfinite(value)):
        return value
    raise _Invalid("wrong_type", _("must be text, a number or true/false"))


PARSERS = {
    "yes_no": _parse_choice,
    "single_choice": _parse_choice,
    "multiple_choice": _parse_choices,
    "integer": _parse_integer,
    "decimal": _parse_decimal,
    "time": _parse_time,
    "text": _parse_text,
    "photo": _parse_text,
    "date": _parse_date,
    "datetime": _parse_datetime,
    "geopoint": _parse_geopoint,
    "geotrace": _parse_geotrace,
    "geoshape": _parse_geoshape,
    "barcode": _parse_text,
    "audio": _parse_text,
    "video": _parse_text,
    "file": _parse_text,
    "calculate": _parse_as_sent,
    "carried": _parse_text,
}


def _check_constraint(constraint: Constraint, value: Any) -> None:
    if value is MISSING:
        return
    if constraint.min is not None and value < constraint.min:
        message = _("%(value)s is below the minimum %(min)s")
        raise _Invalid("below_min", message % {"value": value, "min": constraint.min})
    if constraint.max is not None and value > constraint.max:
        message = _("%(value)s is above the maximum %(max)s")
        raise _Invalid("above_max", message % {"value": value, "max": constraint.max})
    if constraint.max_length is not None and len(value) > constraint.max_length:
        count = constraint.max_length
        message = ngettext(
            "is longer than %(count)s character", "is longer than %(count)s characters", count
        )
        raise _Invalid("too_long", message % {"count": count})
    if constraint.min_choices is not None and len(value) < constraint.min_choices:
        count = constraint.min_choices
        message = ngettext(
            "needs at least %(count)s choice", "needs at least %(count)s choices", count
        )
        raise _Invalid("too_few_choices", message % {"count": count})
    if constraint.max_choices is not None and len(value) > constraint.max_choices:
        count = constraint.max_choices
        message = ngettext(
            "allows at most %(count)s choice", "allows at most %(count)s choices", count
        )
        raise _Invalid("too_many_choices", message % {"count": count})


def _check_station_bound(figure: str, value: Any, station: StationFacts | None) -> None:
    if station is None or value is MISSING:
        return
    limit = station.figures[figure]
    if value > limit:
        raise _Invalid(
            "above_station_max",
            _("%(value)s is above the %(limit)s %(figure)s at station %(station)s")
            % {
                "value": value,
                "limit": limit,
                "figure": STATION_FIGURES[figure],
                "station": station.code,
            },
        )
