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


def _question(code: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"code": code, "type": kind, "label": label(code.replace("_", " ").title())} | extra


# A form as read from an XForm: the question types beyond pollwatch's own, a repeat
# section with a group and a repeat nested in it, and parts pollwatch only carries.
EVERY_TYPE_FORM: dict[str, Any] = {
    "format": 1,
    "code": "every_type",
    "phase": "voting",
    "title": label("Every type"),
    "languages": ["en", "ru"],
    "choice_lists": {
        "roles": [
            {"code": "party", "label": label("Party agent")},
            {"code": "police", "label": label("Police")},
        ],
    },
    "sections": [
        {
            "code": "visit",
            "title": label("Visit"),
            "questions": [
                _question("intro", "note"),
                _question("visit_day", "date", required=True),
                _question("arrived_at", "datetime"),
                _question("arrival", "time"),
                _question("location", "geopoint"),
                _question("route", "geotrace"),
                _question("boundary", "geoshape"),
                _question("seal", "barcode"),
                _question("interview", "audio"),
                _question("clip", "video"),
                _question("protocol", "file"),
                _question("queue", "yes_no", required=True),
                _question("district", "single_choice", open_choices=True),
                _question("languages_spoken", "multiple_choice", open_choices=True),
                _question("score", "calculate", carried=["calculate"]),
                _question("ranking", "carried"),
            ],
        },
        {
            "code": "observers",
            "title": label("Other observers"),
            "repeat": True,
            "questions": [
                _question("name", "text", required=True),
                _question("role", "single_choice", choices="roles", required=True),
                _question(
                    "badge",
                    "text",
                    required=True,
                    relevant={"op": "eq", "q": "role", "value": "party"},
                ),
                _question("age", "integer", constraint={"min": 18, "max": 99}),
            ],
        },
        {
            "code": "observer_queue",
            "title": label("Queue seen by the observer"),
            "within": "observers",
            "relevant": {"op": "eq", "q": "queue", "value": "yes"},
            "questions": [_question("queue_length", "integer", required=True)],
        },
        {
            "code": "shifts",
            "title": label("Shifts"),
            "repeat": True,
            "within": "observers",
            "questions": [
                _question("shift_start", "time", required=True),
                _question(
                    "shift_note",
                    "text",
                    relevant={"op": "eq", "q": "role", "value": "police"},
                ),
            ],
        },
    ],
}

EVERY_TYPE_ANSWERS: dict[str, Any] = {
    "intro": "",
    "visit_day": "2026-12-05",
    "arrived_at": "2026-12-05T07:30:00.000+03:00",
    "arrival": "07:30:00.000+03:00",
    "location": "41.7151 44.8271 520.0 4.5",
    "route": "41.7151 44.8271 520.0 4.5;41.7160 44.8290 518.0 5.0",
    "boundary": "0 0 0 0;0 1 0 0;1 1 0 0;0 0 0 0",
    "seal": "SEAL-0042",
    "interview": "interview.m4a",
    "clip": "clip.mp4",
    "protocol": "protocol.pdf",
    "queue": "yes",
    "district": "d_17",
    "languages_spoken": "ka ru",
    "score": "42",
    "ranking": "b a c",
    "observers": [
        {
            "name": "Nino",
            "role": "party",
            "badge": "P-1",
            "age": "34",
            "queue_length": "12",
            "shifts": [{"shift_start": "07:00"}, {"shift_start": "13:00:00.000+03:00"}],
        },
        {"name": "Giorgi", "role": "police", "queue_length": "3", "shifts": []},
    ],
}


def every_type_form() -> dict[str, Any]:
    return copy.deepcopy(EVERY_TYPE_FORM)


def every_type_answers() -> dict[str, Any]:
    return copy.deepcopy(EVERY_TYPE_ANSWERS)
