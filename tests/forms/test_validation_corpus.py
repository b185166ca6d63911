"""Answers to real public ODK forms, read into definitions, as the server checks them."""

from __future__ import annotations

import warnings
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pollwatch.forms.definition import FormDefinition, Question
from pollwatch.forms.form_import import import_form
from pollwatch.forms.validation import validate_answers

CORPUS = Path(__file__).resolve().parent / "corpus"
# Every XForm of the corpus, and the workbooks with repeats, nested ones among them.
FORMS = sorted(
    [path.name for path in CORPUS.glob("*.xml")]
    + [
        "onadata-nested-repeats.xlsx",
        "onadata-childrens-survey-sw-missing-en-label.xlsx",
        "pyxform-tutorial.xls",
        "webforms-socio-economic-survey.xlsx",
    ]
)
ACCEPTED_BY_TYPE = {
    "yes_no": "yes",
    "integer": "1",
    "decimal": "1.5",
    "time": "07:30:00.000+03:00",
    "date": "2026-12-05",
    "datetime": "2026-12-05T07:30:00.000+03:00",
    "geopoint": "41.7151 44.8271 520.0 4.5",
    "geotrace": "41.7151 44.8271 0 0;41.716 44.829 0 0",
    "geoshape": "0 0 0 0;0 1 0 0;1 1 0 0;0 0 0 0",
    "text": "seen",
    "barcode": "0042",
    "photo": "photo.jpg",
    "audio": "sound.m4a",
    "video": "clip.mp4",
    "file": "protocol.pdf",
    "note": "",
    "calculate": "12",
    "carried": "b a",
}


@cache
def definition(name: str) -> FormDefinition:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return import_form((CORPUS / name).read_bytes(), name).definition


def accepted(form: FormDefinition, question: Question) -> Any:
    """An answer of the question's type that ODK Collect could send."""
    if question.type in ("single_choice", "multiple_choice"):
        codes = form.choice_codes(question)
        return codes[0] if codes and not question.open_choices else "some_code"
    return ACCEPTED_BY_TYPE[question.type]


def answers_of_every_question(form: FormDefinition, repeat: str | None = None) -> dict:
    """An answer to each question, one entry in each repeat, nested ones within."""
    answers: dict[str, Any] = {}
    for section in form.sections:
        if section.repeat and section.within == repeat:
            answers[section.code] = [answers_of_every_question(form, section.code)]
        if section.code == repeat or (section.within == repeat and not section.repeat):
            answers |= {q.code: accepted(form, q) for q in section.questions}
    return answers


@pytest.mark.parametrize("name", FORMS)
def test_no_answers_are_only_missing_required_answers(name):
    result = validate_answers(definition(name), {})
    assert {error.reason for error in result.errors} <= {"required"}


@pytest.mark.parametrize("name", FORMS)
def test_answers_of_each_type_as_odk_sends_them_are_of_their_type(name):
    form = definition(name)
    result = validate_answers(form, answers_of_every_question(form))
    refused = [str(e) for e in result.errors if e.reason in ("wrong_type", "not_a_choice")]
    assert refused == []
    refused = [str(e) for e in result.errors if e.reason == "unknown_question"]
    assert refused == []


JUNK = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(),
    st.floats(),
    st.lists(st.text(max_size=4), max_size=2),
    st.lists(st.dictionaries(st.text(max_size=4), st.text(max_size=4)), max_size=2),
)


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(name=st.sampled_from(FORMS), data=st.data())
def test_any_answers_to_a_real_form_give_a_result_never_an_exception(name, data):
    form = definition(name)
    answers = answers_of_every_question(form)
    codes = data.draw(st.lists(st.sampled_from(sorted(answers)), max_size=6))
    for code in codes:
        answers[code] = data.draw(JUNK)
    validate_answers(form, answers)


def test_a_group_inside_a_group_hidden_by_a_refused_consent_asks_for_nothing():
    name = "webforms-whova-form.xlsx"
    form = definition(name)
    inside = {
        q.code for s in form.sections if (s.ref or "").startswith("consented/") for q in s.questions
    }
    assert inside, "the form's nested groups are read with their paths"
    result = validate_answers(form, {"Id10013": "no"})
    assert [str(e) for e in result.errors if e.question in inside] == []
