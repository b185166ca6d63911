"""The expression language of form conditions, constraints and cross-field checks.

An expression is plain JSON so that the server (this module) and a page that checks
answers in the browser (``pollwatch/static/forms/conditions.js``) evaluate the same
text the same way; ``tests/forms/condition_cases.json`` holds the cases both must
agree on. (The observer's web form runs the XForm itself, relevance included.)

Boolean expressions::

    {"op": "and", "args": [expr, ...]}        {"op": "or", "args": [expr, ...]}
    {"op": "not", "arg": expr}                {"op": "answered", "q": "A1"}
    {"op": "eq", "q": "A1", "value": "yes"}   (also ne, gt, ge, lt, le)
    {"op": "eq", "left": term, "right": term}
    {"op": "in", "q": "A1", "values": ["a", "b"]}
    {"op": "selected", "q": "A2", "value": "a"}

Terms: ``{"q": "A1"}`` (an answer), ``{"value": 3}`` (a literal) and
``{"op": "sum", "args": [term, ...]}``.

Semantics, identical on both sides: an answer that is absent, ``null``, ``""``
or ``[]`` is *missing*; a comparison involving a missing value is false (``ne``
included); a sum with a missing or non-numeric argument is missing. Numbers
compare as numbers, strings as strings; a number never equals a string
(so ``ne`` between them is true) and they do not order. ``in`` is true when the
answer, or any selected option of a multiple-choice answer, is one of the values;
``selected`` is true when a multiple-choice answer contains the value or a
single answer equals it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping
from typing import Any

Expression = dict[str, Any]

BOOLEAN_OPS = ("and", "or", "not", "answered", "eq", "ne", "gt", "ge", "lt", "le", "in", "selected")
COMPARISON_OPS = ("eq", "ne", "gt", "ge", "lt", "le")
_ORDERINGS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
}


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def is_missing(value: object) -> bool:
    return value is None or value is MISSING or value == "" or value == []


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _scalars_equal(left: object, right: object) -> bool:
    if _is_number(left) and _is_number(right):
        return left == right
    if isinstance(left, str) and isinstance(right, str):
        return left == right
    return False


def _is_scalar(value: object) -> bool:
    return _is_number(value) or isinstance(value, str)


def _compare(op: str, left: object, right: object) -> bool:
    if type(left) is str and type(right) is str:
        # Two texts, such as an answer and a choice code: the common case, settled
        # without the checks below (a text is missing only when empty).
        return left != "" and right != "" and _ORDERINGS[op](left, right)
    if is_missing(left) or is_missing(right) or not (_is_scalar(left) and _is_scalar(right)):
        return False
    if op == "eq":
        return _scalars_equal(left, right)
    if op == "ne":
        return not _scalars_equal(left, right)
    same_kind = (_is_number(left) and _is_number(right)) or (
        isinstance(left, str) and isinstance(right, str)
    )
    if not same_kind:
        return False
    if op == "gt":
        return left > right  # type: ignore[operator]
    if op == "ge":
        return left >= right  # type: ignore[operator]
    if op == "lt":
        return left < right  # type: ignore[operator]
    return left <= right  # type: ignore[operator]


def answer_of(answers: Mapping[str, Any], code: str) -> Any:
    value = answers.get(code)
    return MISSING if is_missing(value) else value


def evaluate_term(term: Mapping[str, Any], answers: Mapping[str, Any]) -> Any:
    """The value of a term: an answer, a literal or a sum (``MISSING`` when unknown)."""
    if term.get("op") == "sum":
        total: int | float = 0
        for arg in term["args"]:
            value = evaluate_term(arg, answers)
            if not _is_number(value):
                return MISSING
            total += value
        return total
    if "q" in term:
        return answer_of(answers, term["q"])
    return term["value"]


def _comparison_sides(expr: Mapping[str, Any], answers: Mapping[str, Any]) -> tuple[Any, Any]:
    if "q" in expr:
        return answer_of(answers, expr["q"]), expr["value"]
    return evaluate_term(expr["left"], answers), evaluate_term(expr["right"], answers)


def _evaluate_in(expr: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    answer = answer_of(answers, expr["q"])
    if answer is MISSING:
        return False
    items = answer if isinstance(answer, list) else [answer]
    return any(_scalars_equal(item, value) for item in items for value in expr["values"])


def _evaluate_selected(expr: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    answer = answer_of(answers, expr["q"])
    if isinstance(answer, list):
        return any(_scalars_equal(item, expr["value"]) for item in answer)
    return _scalars_equal(answer, expr["value"])


def evaluate(expr: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    """Whether a boolean expression holds for the given answers (code → value)."""
    op = expr["op"]
    # Looked up rather than tested in turn: every report evaluates its form's conditions.
    evaluator = _EVALUATORS.get(op) if isinstance(op, str) else None
    if evaluator is None:
        raise ValueError(f"unknown operator {op!r}; valid ones: {', '.join(BOOLEAN_OPS)}")
    return evaluator(expr, answers)


def _evaluate_and(expr: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    return all(evaluate(arg, answers) for arg in expr["args"])


def _evaluate_or(expr: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    return any(evaluate(arg, answers) for arg in expr["args"])


def _evaluate_not(expr: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    return not evaluate(expr["arg"], answers)


def _evaluate_answered(expr: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    return answer_of(answers, expr["q"]) is not MISSING


def _evaluate_comparison(expr: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    return _compare(expr["op"], *_comparison_sides(expr, answers))


_EVALUATORS: dict[str, Callable[[Mapping[str, Any], Mapping[str, Any]], bool]] = {
    "and": _evaluate_and,
    "or": _evaluate_or,
    "not": _evaluate_not,
    "answered": _evaluate_answered,
    **dict.fromkeys(COMPARISON_OPS, _evaluate_comparison),
    "in": _evaluate_in,
    "selected": _evaluate_selected,
}


def _children(expr: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    yield from expr.get("args", ())
    for key in ("arg", "left", "right"):
        if key in expr:
            yield expr[key]


def references(expr: Mapping[str, Any]) -> list[str]:
    """The question codes an expression reads, in order of first appearance."""
    found: list[str] = []
    pending = [expr]
    while pending:
        node = pending.pop(0)
        if "q" in node and node["q"] not in found:
            found.append(node["q"])
        pending[0:0] = list(_children(node))
    return found


def rename_references(expr: Mapping[str, Any], rename: Mapping[str, list[str]]) -> Expression:
    """A copy of ``expr`` where a term ``{"q": X}`` inside a sum becomes the terms of ``rename[X]``.

    Used to expand a per-ballot-option question into one term per option.
    """
    node: Expression = dict(expr)
    if node.get("op") == "sum":
        args: list[Expression] = []
        for arg in node["args"]:
            if set(arg) == {"q"} and arg["q"] in rename:
                args.extend({"q": code} for code in rename[arg["q"]])
            else:
                args.append(rename_references(arg, rename))
        node["args"] = args
        return node
    if "args" in node:
        node["args"] = [rename_references(arg, rename) for arg in node["args"]]
    for key in ("arg", "left", "right"):
        if key in node:
            node[key] = rename_references(node[key], rename)
    return node
