"""JSON Schema errors as one plain sentence each, prefixed by the JSON path they concern."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import jsonschema

TYPE_NAMES = {
    "integer": "an integer",
    "number": "a number",
    "string": "a string",
    "object": "an object",
    "array": "a list",
    "boolean": "true or false",
    "null": "null",
}
PATTERN_MEANINGS = {
    "^[A-Za-z_][A-Za-z0-9_]*$": "start with a letter or _ and hold only letters, digits and _",
    "^[a-z][a-z0-9_]*$": "start with a lower-case letter and hold only a-z, digits and _",
    "^[a-z]{2,3}$": "be a two- or three-letter language code such as en or ru",
    "^[A-Za-z0-9_][A-Za-z0-9_.-]*$": "hold only letters, digits, _, . and -",
}


def json_path(parts: Iterable[Any]) -> str:
    """``["sections", 2, "questions"]`` → ``sections[2].questions``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(form)"


def schema_errors(data: Any, schema: dict[str, Any]) -> list[str]:
    """Every schema error in ``data``, sorted by path, as ``path: reason``."""
    validator = jsonschema.Draft202012Validator(schema)
    messages = {message for error in validator.iter_errors(data) for message in _messages(error)}
    # An integer bound that is not even a number fails two type rules; say it once.
    redundant = {
        message.replace("must be an integer", "must be a number")
        for message in messages
        if message.endswith(": must be an integer")
    }
    return sorted(messages - redundant, key=_natural_key)


def _natural_key(message: str) -> list[Any]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", message)]


def _messages(error: jsonschema.ValidationError) -> list[str]:
    path = list(error.absolute_path)
    # A validator's errors always carry the rule, its value, the instance and the schema;
    # only a ValidationError made by hand leaves them unset.
    kind: Any = error.validator
    expected: Any = error.validator_value
    instance: Any = error.instance
    schema: Any = error.schema
    if kind == "required":
        missing = [name for name in expected if name not in instance]
        return [f"{json_path([*path, name])}: is required" for name in missing]
    if kind == "additionalProperties":
        return [
            f"{json_path([*path, name])}: is not a known field"
            for name in _unknown_fields(instance, schema)
        ]
    if kind == "propertyNames":
        return [f"{json_path(path)}: {error.message}"]
    return [f"{json_path(path)}: {_reason(error)}"]


def _unknown_fields(instance: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    known = schema.get("properties", {})
    patterns = schema.get("patternProperties", {})
    return [
        name
        for name in instance
        if name not in known and not any(re.search(pattern, name) for pattern in patterns)
    ]


def _reason(error: jsonschema.ValidationError) -> str:
    kind: Any = error.validator
    expected: Any = error.validator_value
    if kind == "type":
        names = [expected] if isinstance(expected, str) else expected
        return "must be " + " or ".join(TYPE_NAMES[name] for name in names)
    if kind == "enum":
        return f"{error.instance!r} is not one of: " + ", ".join(map(str, expected))
    if kind == "const":
        return f"must be {expected!r}"
    if kind == "pattern":
        meaning = PATTERN_MEANINGS.get(expected, f"match {expected}")
        return f"{error.instance!r} must {meaning}"
    return _size_reason(error)


def _size_reason(error: jsonschema.ValidationError) -> str:
    kind: Any = error.validator
    expected: Any = error.validator_value
    reasons = {
        "minItems": f"must hold at least {expected} item{'s' if expected != 1 else ''}",
        "minProperties": "must not be empty",
        "minLength": "must not be empty",
        "minimum": f"must be at least {expected}",
        "uniqueItems": "must not repeat an item",
    }
    return reasons.get(kind, error.message)
