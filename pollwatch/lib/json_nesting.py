"""How deeply a parsed JSON document nests, counted without recursion."""

from __future__ import annotations

# Deeper than any document pollwatch reads: a submission's answers are a few levels deep.
MAX_JSON_DEPTH = 32

_NESTING = (dict, list)


def json_depth(value: object) -> int:
    """How deeply lists and objects nest in ``value``, counted without recursion."""
    depth, level = 0, [value] if isinstance(value, _NESTING) else []
    # Level by level, keeping only the lists and objects: every request's body is measured,
    # and most of what it holds are plain answers that add no depth.
    while level:
        depth += 1
        level = [
            child
            for item in level
            for child in (item.values() if isinstance(item, dict) else item)
            if isinstance(child, _NESTING)
        ]
    return depth
