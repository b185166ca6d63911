"""Small builders shared by the tests: a checklist form, its answers and a report of it."""

import uuid

CHECKLIST = {
    "format": 1,
    "code": "station_check",
    "phase": "voting",
    "title": {"en": "Station check"},
    "languages": ["en"],
    "choice_lists": {
        "assessment": [
            {"code": "very_good", "label": {"en": "Very good"}},
            {"code": "good", "label": {"en": "Good"}},
            {"code": "bad", "label": {"en": "Bad"}},
            {"code": "very_bad", "label": {"en": "Very bad"}},
        ]
    },
    "sections": [
        {
            "code": "main",
            "title": {"en": "Main"},
            "questions": [
                {
                    "code": "secrecy",
                    "type": "yes_no",
                    "label": {"en": "Secrecy respected?"},
                    "required": True,
                },
                {
                    "code": "stuffing",
                    "type": "yes_no",
                    "label": {"en": "Ballot stuffing seen?"},
                    "required": True,
                    "critical_when": {"op": "eq", "q": "stuffing", "value": "yes"},
                },
                {
                    "code": "voters",
                    "type": "integer",
                    "label": {"en": "Voters in line"},
                    "constraint": {"min": 0, "max": 5000, "max_station": "registered_voters"},
                },
                {
                    "code": "overall",
                    "type": "single_choice",
                    "label": {"en": "Overall"},
                    "choices": "assessment",
                    "required": True,
                    "assessment": True,
                },
            ],
        }
    ],
}


def answers(**overrides):
    return {"secrecy": "yes", "stuffing": "no", "voters": 12, "overall": "good"} | overrides


def report(checklist, station, key=None, **overrides):
    """One report of the checklist as a channel hands it to the store: a fresh key unless given."""
    return {
        "key": key or str(uuid.uuid4()),
        "form": "station_check",
        "version": checklist.version,
        "station": station,
        "answers": answers(**overrides),
    }
