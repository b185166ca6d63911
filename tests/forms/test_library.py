"""The standard library: every form loads, is short, trilingual and internally consistent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pollwatch.forms.conditions import references
from pollwatch.forms.definition import BallotOption, load_definition_file
from pollwatch.forms.library import LIBRARY_CODES, library_files, library_forms
from pollwatch.forms.validation import StationFacts, validate_answers

FORMS = library_forms()
LANGUAGES = ("en", "ru", "tr")
OPTIONS = [
    BallotOption("a", {"en": "Alpha", "ru": "Альфа"}),
    BallotOption("b", {"en": "Beta", "ru": "Бета"}),
]


def test_library_holds_the_standard_forms():
    assert set(FORMS) == {
        "opening",
        "voting",
        "closing_counting",
        "tabulation",
        "incident",
        "pvt_form1",
        "pvt_form2",
        "long_term_weekly",
        "accessibility",
    }
    assert [path.stem for path in library_files()] == list(LIBRARY_CODES)


@pytest.mark.parametrize("path", library_files(), ids=lambda path: path.stem)
def test_every_library_file_loads_and_its_code_is_its_name(path):
    form = load_definition_file(path)
    assert form.code == path.stem
    assert form.languages == LANGUAGES
    assert sum(1 for _ in form.questions()) <= 25


def texts(node: Any) -> Iterator[dict[str, Any]]:
    """Every text of a definition's JSON form: the mappings keyed by language."""
    if isinstance(node, dict):
        if "en" in node:
            yield node
            return
        for value in node.values():
            yield from texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from texts(item)


@pytest.mark.parametrize("code", LIBRARY_CODES)
def test_every_text_of_every_form_is_given_in_each_language(code):
    found = list(texts(FORMS[code].to_dict()))
    assert found
    for text in found:
        assert tuple(text) == LANGUAGES, text
        assert all(isinstance(label, str) and label.strip() for label in text.values()), text


@pytest.mark.parametrize("code", LIBRARY_CODES)
def test_every_condition_check_and_critical_item_refers_to_existing_questions(code):
    form = FORMS[code]
    codes = {question.code for question in form.questions()}
    expressions = [c.rule for c in form.checks]
    expressions += [s.relevant for s in form.sections if s.relevant]
    for question in form.questions():
        expressions += [e for e in (question.relevant, question.critical_when) if e]
    for expr in expressions:
        assert set(references(expr)) <= codes
    assert {check.question for check in form.checks} <= codes


@pytest.mark.parametrize(
    ("code", "phase"),
    [
        ("opening", "opening"),
        ("voting", "voting"),
        ("closing_counting", "counting"),
        ("tabulation", "tabulation"),
        ("incident", "incident"),
        ("pvt_form1", "pvt"),
        ("pvt_form2", "pvt"),
        ("long_term_weekly", "long_term"),
    ],
)
def test_phase_of_each_form(code, phase):
    assert FORMS[code].phase == phase


@pytest.mark.parametrize(
    "code", ["opening", "voting", "closing_counting", "tabulation", "accessibility"]
)
def test_station_forms_end_with_the_four_point_assessment(code):
    assessments = [q for q in FORMS[code].questions() if q.assessment]
    assert len(assessments) == 1 and assessments[0].required


def test_critical_incident_categories_raise_alerts():
    form = FORMS["incident"]
    base = {
        "incident_time": "10:15",
        "description": "Seen",
        "witnessed": "directly",
        "commission_informed": "no",
    }
    stuffing = validate_answers(form, {**base, "category": "ballot_stuffing"})
    campaigning = validate_answers(form, {**base, "category": "campaigning"})
    assert stuffing.is_valid and [a.question for a in stuffing.alerts] == ["category"]
    assert campaigning.is_valid and campaigning.alerts == ()


def pvt_figures(**changes):
    figures = {
        "ballot_stuffing": "no",
        "observer_access": "full",
        "count_observed": "yes",
        "copy_received": "yes",
        "registered": 1000,
        "ballots_issued": 600,
        "ballots_in_boxes": 590,
        "invalid": 10,
        "valid": 580,
        "votes_a": 300,
        "votes_b": 280,
    }
    return {**figures, **changes}


def test_pvt_form2_accepts_figures_that_add_up():
    form = FORMS["pvt_form2"].bind_ballot_options(OPTIONS)
    result = validate_answers(form, pvt_figures())
    assert result.is_valid, result.errors


@pytest.mark.parametrize(
    ("changes", "check"),
    [
        ({"votes_b": 281}, "votes_add_up_to_valid"),
        ({"invalid": 11, "ballots_in_boxes": 590}, "votes_and_invalid_add_up_to_boxes"),
        ({"ballots_issued": 1001}, "issued_within_registered"),
        ({"ballots_in_boxes": 601, "invalid": 21}, "boxes_within_issued"),
    ],
)
def test_pvt_form2_arithmetic_checks(changes, check):
    form = FORMS["pvt_form2"].bind_ballot_options(OPTIONS)
    failed = {e.reason for e in validate_answers(form, pvt_figures(**changes)).errors}
    assert f"check_failed:{check}" in failed


def station(registered: int) -> StationFacts:
    return StationFacts("1234", {"registered_voters": registered})


def test_pvt_form2_refuses_ballot_figures_above_the_stations_registered_voters():
    form = FORMS["pvt_form2"].bind_ballot_options(OPTIONS)
    result = validate_answers(form, pvt_figures(), station(550))
    assert {(e.question, e.reason) for e in result.errors} == {
        ("ballots_issued", "above_station_max"),
        ("ballots_in_boxes", "above_station_max"),
        ("valid", "above_station_max"),
    }
    [issued] = [e for e in result.errors if e.question == "ballots_issued"]
    assert issued.message == "600 is above the 550 registered voters at station 1234"


def test_pvt_form2_bounds_the_votes_of_each_option_by_the_station():
    form = FORMS["pvt_form2"].bind_ballot_options(OPTIONS)
    result = validate_answers(form, pvt_figures(), station(290))
    assert ("votes_a", "above_station_max") in {(e.question, e.reason) for e in result.errors}
    assert "votes_b" not in {e.question for e in result.errors}


def test_pvt_form2_takes_the_protocols_registered_voters_as_written():
    # A protocol listing more voters than the registry is to be reported as written,
    # not refused as a typo; the ballots issued are checked against it instead.
    form = FORMS["pvt_form2"].bind_ballot_options(OPTIONS)
    assert validate_answers(form, pvt_figures(registered=1000), station(600)).is_valid
