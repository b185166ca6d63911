"""The rules of a form definition that its JSON Schema cannot state.

Each function takes schema-valid JSON and returns ``path: reason`` messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pollwatch.forms.conditions import COMPARISON_OPS, references
from pollwatch.lib.catalogues import gettext as _

YES_NO = ("yes", "no")
ASSESSMENT_SCALE = ("very_good", "good", "bad", "very_bad")
RESERVED_LIST_NAMES = ("yes_no",)
# The figures a polling station has, by the name a form uses for them; each name is
# also the PollingStation field that holds it. The text is how an answer error says it.
STATION_FIGURES = {"registered_voters": "registered voters"}
CONSTRAINT_KEYS = {
    "integer": {"min", "max", "max_station"},
    "decimal": {"min", "max", "max_station"},
    "text": {"max_length"},
    "multiple_choice": {"min_choices", "max_choices"},
}
TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
# How a station's several reports count in findings: its latest one, or "yes"
# when any of them said yes (incidents), for the question types where "yes" means
# something was seen.
COMBINE_RULES = ("latest", "any")
DEFAULT_COMBINE = "latest"
ANY_REPORT_TYPES = ("yes_no", "multiple_choice")

Data = Mapping[str, Any]


def rule_errors(data: Data) -> list[str]:
    questions = dict(_questions_with_paths(data))
    errors = [
        *_duplicate_codes(data),
        *_label_language_errors(data),
        *_choice_list_errors(data),
        *_question_errors(data, questions),
        *_expression_errors(data, questions),
        *_check_errors(data, questions),
        *_repeat_errors(data),
    ]
    return errors


def _repeat_errors(data: Data) -> Iterator[str]:
    """``within`` names a repeat section that comes before."""
    repeats: set[str] = set()
    for s, section in enumerate(data["sections"]):
        within = section.get("within")
        if within is not None and within not in repeats:
            yield _("%(path)s.within: %(within)s is not a repeat section before it") % {
                "path": f"sections[{s}]",
                "within": repr(within),
            }
        if section.get("repeat"):
            repeats.add(section["code"])


def _questions_with_paths(data: Data) -> Iterator[tuple[str, tuple[str, Data, int]]]:
    """``code → (path, question, position)`` in document order (first wins on duplicates)."""
    position = 0
    seen: set[str] = set()
    for s, section in enumerate(data["sections"]):
        for q, question in enumerate(section["questions"]):
            if question["code"] not in seen:
                seen.add(question["code"])
                yield question["code"], (f"sections[{s}].questions[{q}]", question, position)
            position += 1


def _duplicate_codes(data: Data) -> Iterator[str]:
    first: dict[str, str] = {}
    for s, section in enumerate(data["sections"]):
        items = [(f"sections[{s}]", section)]
        items += [(f"sections[{s}].questions[{q}]", x) for q, x in enumerate(section["questions"])]
        for path, item in items:
            code = item["code"]
            if code in first:
                yield _("%(path)s.code: %(code)s is already used by %(first)s") % {
                    "path": path,
                    "code": repr(code),
                    "first": first[code],
                }
            else:
                first[code] = path
    seen_checks: set[str] = set()
    for c, check in enumerate(data.get("checks", ())):
        if check["code"] in seen_checks:
            yield _("%(path)s.code: %(code)s is already used by another check") % {
                "path": f"checks[{c}]",
                "code": repr(check["code"]),
            }
        seen_checks.add(check["code"])


def _labels(data: Data) -> Iterator[tuple[str, Mapping[str, str]]]:
    yield "title", data["title"]
    if "description" in data:
        yield "description", data["description"]
    for name, choices in data.get("choice_lists", {}).items():
        for c, choice in enumerate(choices):
            yield f"choice_lists.{name}[{c}].label", choice["label"]
    for s, section in enumerate(data["sections"]):
        yield f"sections[{s}].title", section["title"]
        for q, question in enumerate(section["questions"]):
            path = f"sections[{s}].questions[{q}]"
            for key in ("label", "guidance"):
                if key in question:
                    yield f"{path}.{key}", question[key]
            if "message" in question.get("constraint", {}):
                yield f"{path}.constraint.message", question["constraint"]["message"]
    for c, check in enumerate(data.get("checks", ())):
        yield f"checks[{c}].message", check["message"]


def _label_language_errors(data: Data) -> Iterator[str]:
    languages = list(data["languages"])
    for path, label in _labels(data):
        missing = [language for language in languages if language not in label]
        extra = [language for language in label if language not in languages]
        if missing:
            yield _("%(path)s: has no text in %(languages)s") % {
                "path": path,
                "languages": ", ".join(missing),
            }
        if extra:
            yield _("%(path)s: has text in %(languages)s, not a language of the form") % {
                "path": path,
                "languages": ", ".join(extra),
            }


def _choice_list_errors(data: Data) -> Iterator[str]:
    for name, choices in data.get("choice_lists", {}).items():
        if name in RESERVED_LIST_NAMES:
            yield _("%(path)s: the name is reserved for yes_no questions") % {
                "path": f"choice_lists.{name}"
            }
        codes = [choice["code"] for choice in choices]
        for c, code in enumerate(codes):
            if code in codes[:c]:
                yield _("%(path)s.code: %(code)s is repeated") % {
                    "path": f"choice_lists.{name}[{c}]",
                    "code": repr(code),
                }


def _question_errors(data: Data, questions: Mapping[str, tuple[str, Data, int]]) -> Iterator[str]:
    lists = data.get("choice_lists", {})
    assessments = []
    for path, question, _position in questions.values():
        yield from _choices_of_question(path, question, lists)
        yield from _constraint_errors(path, question)
        yield from _per_option_errors(path, question)
        yield from _combine_errors(path, question)
        if question.get("assessment"):
            assessments.append(path)
            yield from _assessment_errors(path, question, lists)
    for path in assessments[1:]:
        yield _("%(path)s.assessment: the form already has its overall assessment at %(first)s") % {
            "path": path,
            "first": assessments[0],
        }


def _choices_of_question(path: str, question: Data, lists: Data) -> Iterator[str]:
    name = question.get("choices")
    if question["type"] in ("single_choice", "multiple_choice"):
        if name is None and question.get("open_choices"):
            return
        if name is None:
            yield _("%(path)s.choices: is required for a %(type)s question") % {
                "path": path,
                "type": question["type"],
            }
        elif name not in lists:
            yield _("%(path)s.choices: no choice list named %(name)s") % {
                "path": path,
                "name": repr(name),
            }
    elif name is not None:
        yield _("%(path)s.choices: not allowed for a %(type)s question") % {
            "path": path,
            "type": question["type"],
        }


def _constraint_errors(path: str, question: Data) -> Iterator[str]:
    constraint = question.get("constraint")
    if constraint is None:
        return
    allowed = CONSTRAINT_KEYS.get(question["type"], set()) | {"message"}
    for key in constraint:
        if key not in allowed:
            yield _("%(path)s: not allowed for a %(type)s question") % {
                "path": f"{path}.constraint.{key}",
                "type": question["type"],
            }
    for low, high in (("min", "max"), ("min_choices", "max_choices")):
        if low in constraint and high in constraint and constraint[low] > constraint[high]:
            yield _("%(path)s: must not exceed %(high)s (%(value)s)") % {
                "path": f"{path}.constraint.{low}",
                "high": high,
                "value": constraint[high],
            }
    figure = constraint.get("max_station")
    if figure is not None and figure not in STATION_FIGURES:
        yield _(
            "%(path)s.constraint.max_station: %(figure)s is not a figure of a polling station;"
            " use one of %(figures)s"
        ) % {"path": path, "figure": repr(figure), "figures": ", ".join(STATION_FIGURES)}


def _combine_errors(path: str, question: Data) -> Iterator[str]:
    if question.get("combine", DEFAULT_COMBINE) == "any" and (
        question["type"] not in ANY_REPORT_TYPES
    ):
        yield _(
            "%(path)s.combine: 'any' needs a question whose answer says something was seen"
            " (%(types)s), not %(type)s"
        ) % {"path": path, "types": _(" or ").join(ANY_REPORT_TYPES), "type": question["type"]}


def _per_option_errors(path: str, question: Data) -> Iterator[str]:
    if not question.get("per_ballot_option"):
        return
    if question["type"] != "integer":
        yield _(
            "%(path)s.per_ballot_option: only integer questions can repeat per ballot option"
        ) % {"path": path}
    if "critical_when" in question:
        yield _("%(path)s.critical_when: not allowed on a per-ballot-option question") % {
            "path": path
        }


def _assessment_errors(path: str, question: Data, lists: Data) -> Iterator[str]:
    if question["type"] != "single_choice":
        yield _("%(path)s.assessment: the overall assessment must be a single_choice question") % {
            "path": path
        }
        return
    codes = tuple(choice["code"] for choice in lists.get(question.get("choices", ""), ()))
    if codes != ASSESSMENT_SCALE:
        yield _(
            "%(path)s.assessment: the choices must be the four-point scale %(scale)s in this order"
        ) % {"path": path, "scale": ", ".join(ASSESSMENT_SCALE)}


# Expressions -------------------------------------------------------------------------


def _expression_errors(data: Data, questions: Mapping[str, tuple[str, Data, int]]) -> Iterator[str]:
    first_of_section = 0
    for s, section in enumerate(data["sections"]):
        if "relevant" in section:
            yield from _expression_reference_errors(
                f"sections[{s}].relevant", section["relevant"], questions, data, first_of_section
            )
        for q, question in enumerate(section["questions"]):
            path = f"sections[{s}].questions[{q}]"
            position = first_of_section + q
            if "relevant" in question:
                yield from _expression_reference_errors(
                    f"{path}.relevant", question["relevant"], questions, data, position
                )
            if "critical_when" in question:
                yield from _expression_reference_errors(
                    f"{path}.critical_when",
                    question["critical_when"],
                    questions,
                    data,
                    position + 1,
                )
        first_of_section += len(section["questions"])


def _check_errors(data: Data, questions: Mapping[str, tuple[str, Data, int]]) -> Iterator[str]:
    for c, check in enumerate(data.get("checks", ())):
        if check["question"] not in questions:
            yield _("%(path)s.question: no question with code %(code)s") % {
                "path": f"checks[{c}]",
                "code": repr(check["question"]),
            }
        yield from _expression_reference_errors(
            f"checks[{c}].rule", check["rule"], questions, data, None
        )


def _expression_reference_errors(
    path: str,
    expr: Data,
    questions: Mapping[str, tuple[str, Data, int]],
    data: Data,
    before: int | None,
) -> Iterator[str]:
    """Unknown or later questions, per-option questions outside sums, impossible values."""
    for code in references(expr):
        if code not in questions:
            yield _("%(path)s: refers to %(code)s, which is not a question of the form") % {
                "path": path,
                "code": repr(code),
            }
        elif before is not None and questions[code][2] >= before:
            yield _("%(path)s: refers to %(code)s, which does not come before it") % {
                "path": path,
                "code": repr(code),
            }
    for node, in_sum in _nodes(expr, in_sum=False):
        if node.get("q") not in questions:
            continue
        code = node["q"]
        question = questions[code][1]
        if question.get("per_ballot_option") and not in_sum:
            yield _(
                "%(path)s: per-ballot-option question %(code)s can only be an argument of sum"
            ) % {"path": path, "code": repr(code)}
        yield from _literal_errors(path, node, question, data)


def _nodes(expr: Data, in_sum: bool) -> Iterator[tuple[Data, bool]]:
    yield expr, in_sum
    for arg in expr.get("args", ()):
        yield from _nodes(arg, expr.get("op") == "sum")
    for key in ("arg", "left", "right"):
        if key in expr:
            yield from _nodes(expr[key], False)


def _literal_errors(path: str, node: Data, question: Data, data: Data) -> Iterator[str]:
    if node.get("op") not in (*COMPARISON_OPS, "in", "selected"):
        return
    values = node.get("values", [node["value"]] if "value" in node else [])
    for value in values:
        problem = _impossible_answer(value, question, data)
        if problem:
            yield f"{path}: {value!r} {problem}"


def _impossible_answer(value: Any, question: Data, data: Data) -> str | None:
    kind, code = question["type"], question["code"]
    if kind == "yes_no" and value not in YES_NO:
        return _("is not an answer to yes_no question %(code)s (yes or no)") % {"code": repr(code)}
    if kind in ("single_choice", "multiple_choice"):
        choices = data.get("choice_lists", {}).get(question.get("choices"), ())
        if value not in {choice["code"] for choice in choices}:
            return _("is not a choice of question %(code)s") % {"code": repr(code)}
    if kind in ("integer", "decimal") and not isinstance(value, int | float):
        return _("is not a number, but %(code)s is a %(type)s question") % {
            "code": repr(code),
            "type": kind,
        }
    if kind == "time" and not (isinstance(value, str) and TIME.fullmatch(value)):
        return _("is not a time HH:MM, but %(code)s is a time question") % {"code": repr(code)}
    return None
