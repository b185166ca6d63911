"""How deeply a parsed JSON document nests, counted without recursion."""

from __future__ import annotations

# Deeper than any document pollwatch reads: a submission's answers are a few levels deep.
MAX_JSON_DEPTH = 32


def json_depth(value: object) -> int:
    """How deeply lists and objects nest in ``value``, counted without recursion."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
    return deepest
