"""Codes in words: a form's questions and answers by their labels in the reader's language."""

from django.utils import translation

from pollwatch.forms.definition import PHASES
from pollwatch.forms.labels import PHASE_LABELS, FormLabels, answer_label, phase_label
from tests.builders import CHECKLIST

TWO_LANGUAGES = {
    **CHECKLIST,
    "languages": ["en", "ru"],
    "choice_lists": {
        "assessment": [
            {"code": "very_good", "label": {"en": "Very good", "ru": "Очень хорошо"}},
            {"code": "bad", "label": {"en": "Bad"}},
        ]
    },
    "sections": [
        {
            "code": "main",
            "title": {"en": "Main"},
            "questions": [
                {"code": "stuffing", "type": "yes_no", "label": {"en": "Ballot stuffing seen?"}},
                {
                    "code": "overall",
                    "type": "single_choice",
                    "label": {"en": "Overall", "ru": "В целом"},
                    "choices": "assessment",
                },
                {
                    "code": "problems",
                    "type": "multiple_choice",
                    "label": {"en": "Problems"},
                    "choices": "assessment",
                },
                {"code": "voters", "type": "integer", "label": {"en": "Voters in line"}},
            ],
        },
        {"code": "observers", "title": {"en": "Observers"}, "repeat": True, "questions": []},
    ],
}


def test_answers_are_shown_by_their_labels_in_the_readers_language():
    english = FormLabels.of(TWO_LANGUAGES, "en")
    russian = FormLabels.of(TWO_LANGUAGES, "ru")
    assert english.answer("overall", "very_good") == "Very good"
    assert russian.answer("overall", "very_good") == "Очень хорошо"
    # A label missing in the reader's language falls back to English.
    assert russian.answer("overall", "bad") == "Bad"
    assert (
        russian.question("overall") == "В целом" and russian.question("voters") == "Voters in line"
    )
    assert english.question("observers") == "Observers"


def test_every_choice_of_a_multiple_choice_is_labelled_and_other_answers_are_kept():
    labels = FormLabels.of(TWO_LANGUAGES, "en")
    assert labels.answer("problems", ["very_good", "bad"]) == "Very good, Bad"
    assert labels.answer("voters", 12) == "12"
    assert labels.answer("overall", "unknown_code") == "unknown_code"
    assert labels.question("not_in_the_form") == "not_in_the_form"


def test_yes_and_no_are_words_of_the_application_in_the_readers_language():
    with translation.override("en"):
        assert FormLabels.of(TWO_LANGUAGES, "en").answer("stuffing", "yes") == "Yes"
        assert answer_label(True, {"yes": "Yes"}) == "Yes"


def test_an_alert_reads_as_question_and_answer():
    labels = FormLabels.of(TWO_LANGUAGES, "en")
    alert = {"question": "stuffing", "answer": "yes"}
    with translation.override("en"):
        assert labels.alert(alert) == "Ballot stuffing seen?: Yes"


def test_every_phase_has_a_name():
    assert set(PHASE_LABELS) == set(PHASES)
    with translation.override("en"):
        assert phase_label("long_term") == "Long-term"
    assert phase_label("unknown") == "unknown"
