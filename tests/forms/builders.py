"""A small form definition that uses every feature of the format, for the tests to vary."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

XLSFORM_FIXTURE = Path(__file__).with_name("fixtures") / "observer_checklist.xlsx"


def label(text: str) -> dict[str, str]:
    return {"en": text, "ru": f"[ru] {text}"}


SAMPLE_FORM: dict[str, Any] = {
    "format": 1,
    "code": "sample",
    "phase": "voting",
    "title": label("Sample"),
    "languages": ["en", "ru"],
    "choice_lists": {
        "access": [
            {"code": "full", "label": label("Full")},
            {"code": "restricted", "label": label("Restricted")},
            {"code": "expelled", "label": label("Expelled")},
        ],
        "problems": [
            {"code": "a", "label": label("A")},
            {"code": "b", "label": label("B")},
            {"code": "c", "label": label("C")},
        ],
        "assessment": [
            {"code": code, "label": label(code)}
            for code in ("very_good", "good", "bad", "very_bad")
        ],
    },
    "sections": [
        {
            "code": "general",
            "title": label("General"),
            "questions": [
                {"code": "arrival", "type": "time", "label": label("Arrival"), "required": True},
                {
                    "code": "stuffing",
                    "type": "yes_no",
                    "label": label("Stuffing?"),
                    "required": True,
                    "critical_when": {"op": "eq", "q": "stuffing", "value": "yes"},
                },
                {
                    "code": "access",
                    "type": "single_choice",
                    "label": label("Access"),
                    "choices": "access",
                    "required": True,
                },
                {
                    "code": "problems",
                    "type": "multiple_choice",
                    "label": label("Problems"),
                    "choices": "problems",
                    "constraint": {"max_choices": 2},
                },
                {
                    "code": "details",
                    "type": "text",
                    "label": label("Details"),
                    "required": True,
                    "relevant": {"op": "selected", "q": "problems", "value": "a"},
                    "constraint": {"max_length": 20},
                    "guidance": label("Say what you saw"),
                },
                {"code": "photo", "type": "photo", "label": label("Photo")},
                {
                    "code": "share",
                    "type": "decimal",
                    "label": label("Share"),
                    "constraint": {"min": 0, "max": 1},
                },
            ],
        },
        {
            "code": "figures",
            "title": label("Figures"),
            "relevant": {"op": "ne", "q": "access", "value": "expelled"},
            "questions": [
                {
                    "code": "box",
                    "type": "integer",
                    "label": label("In box"),
                    "required": True,
                    "constraint": {"min": 0, "max": 1000, "max_station": "registered_voters"},
                },
                {
                    "code": "valid",
                    "type": "integer",
                    "label": label("Valid"),
                    "required": True,
                    "constraint": {"min": 0, "max": 1000},
                },
                {
                    "code": "invalid",
                    "type": "integer",
                    "label": label("Invalid"),
                    "required": True,
                    "constraint": {"min": 0, "max": 1000},
                },
                {
                    "code": "overall",
                    "type": "single_choice",
                    "label": label("Overall"),
                    "choices": "assessment",
                    "assessment": True,
                },
            ],
        },
    ],
    "checks": [
        {
            "code": "adds_up",
            "question": "invalid",
            "rule": {
                "op": "eq",
                "left": {"op": "sum", "args": [{"q": "valid"}, {"q": "invalid"}]},
                "right": {"q": "box"},
            },
            "message": label("Valid plus invalid must equal the ballots in the box."),
        },
    ],
}

VALID_ANSWERS: dict[str, Any] = {
    "arrival": "07:40",
    "stuffing": "no",
    "access": "full",
    "problems": ["a"],
    "details": "list missing",
    "box": 100,
    "valid": 95,
    "invalid": 5,
    "overall": "good",
}


def sample_form() -> dict[str, Any]:
    return copy.deepcopy(SAMPLE_FORM)


def combined_expressions(leaves: st.SearchStrategy[dict]) -> st.SearchStrategy[dict]:
    """Expressions of the condition language built from ``leaves`` with not/and/or."""
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            inner.map(lambda arg: {"op": "not", "arg": arg}),
            st.builds(
                lambda op, args: {"op": op, "args": args},
                st.sampled_from(["and", "or"]),
                st.lists(inner, min_size=1, max_size=3),
            ),
        ),
        max_leaves=6,
    )
