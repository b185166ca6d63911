"""XPath 1.0's own meaning of the subset pollwatch writes, as a device evaluates it.

An unanswered question is an empty string on a device, not a missing value, so
this is the yardstick for what pollwatch's XForms mean on phones.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any


def node_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(str(item) for item in value)
    return str(value)


def as_number(value: Any) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return math.nan


def value_of(node: tuple, answers: Mapping[str, Any]) -> Any:
    kind = node[0]
    if kind == "paren":
        return value_of(node[1], answers)
    if kind == "ref":
        return ("node", node_text(answers.get(node[1])))
    if kind in ("str", "num"):
        return node[1]
    if kind == "sum":
        return sum(as_number(_plain(value_of(part, answers))) for part in node[1])
    return truth(node, answers)


def _plain(value: Any) -> Any:
    return value[1] if isinstance(value, tuple) else value


def _compare(op: str, left: Any, right: Any) -> bool:
    numeric = any(isinstance(side, int | float) for side in (left, right)) or op not in (
        "eq",
        "ne",
    )
    left, right = _plain(left), _plain(right)
    if numeric:
        # IEEE comparison, as XPath's: NaN (an empty or non-numeric answer) equals nothing.
        a, b = as_number(left), as_number(right)
        return {"eq": a == b, "ne": a != b, "gt": a > b, "ge": a >= b, "lt": a < b, "le": a <= b}[
            op
        ]
    return (str(left) == str(right)) is (op == "eq")


def truth(node: tuple, answers: Mapping[str, Any]) -> bool:
    kind = node[0]
    if kind == "paren":
        return truth(node[1], answers)
    if kind == "and":
        return all(truth(part, answers) for part in node[1])
    if kind == "or":
        return any(truth(part, answers) for part in node[1])
    if kind == "cmp":
        _, op, left, right = node
        return _compare(op, value_of(left, answers), value_of(right, answers))
    if kind == "call" and node[1] == "not":
        return not truth(node[2][0], answers)
    if kind == "call" and node[1] == "selected":
        chosen = node_text(_plain(value_of(node[2][0], answers))).split()
        return str(_plain(value_of(node[2][1], answers))) in chosen
    raise ValueError(f"not a condition: {node!r}")
