"""Validation of an answer set against a form: every kind of error, alerts, properties."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pollwatch.forms.definition import load_definition
from pollwatch.forms.library import library_forms
from pollwatch.forms.validation import StationFacts, validate_answers
from tests.forms.builders import VALID_ANSWERS, label, sample_form

FORM = load_definition(sample_form())
STATION = StationFacts("1234", {"registered_voters": 1000})


def answers(**changes):
    result = dict(VALID_ANSWERS)
    for code, value in changes.items():
        if value is ...:
            result.pop(code)
        else:
            result[code] = value
    return result


def reasons(result) -> list[tuple[str, str]]:
    return [(error.question, error.reason) for error in result.errors]


def test_valid_answers_pass_and_are_parsed():
    result = validate_answers(FORM, answers(box="100", share="0,5"))
    assert result.is_valid, result.errors
    assert result.answers["box"] == 100
    assert result.answers["share"] == 0.5
    assert result.alerts == ()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"ghost": 1}, ("ghost", "unknown_question")),
        ({"stuffing": "maybe"}, ("stuffing", "not_a_choice")),
        ({"stuffing": 3.5}, ("stuffing", "wrong_type")),
        ({"access": "partial"}, ("access", "not_a_choice")),
        ({"problems": ["a", "z"]}, ("problems", "not_a_choice")),
        ({"problems": ["a", "a"]}, ("problems", "repeated_choice")),
        ({"problems": ["a", "b", "c"]}, ("problems", "too_many_choices")),
        ({"problems": {"a": 1}}, ("problems", "wrong_type")),
        ({"box": "lots"}, ("box", "wrong_type")),
        ({"box": 10.5}, ("box", "wrong_type")),
        ({"box": True}, ("box", "wrong_type")),
        ({"box": -1}, ("box", "below_min")),
        ({"box": 1001, "valid": 996}, ("box", "above_max")),
        ({"share": 1.5}, ("share", "above_max")),
        ({"share": "NaN"}, ("share", "wrong_type")),
        ({"arrival": "25:00"}, ("arrival", "wrong_type")),
        ({"arrival": 740}, ("arrival", "wrong_type")),
        ({"details": "x" * 21}, ("details", "too_long")),
        ({"details": 5}, ("details", "wrong_type")),
        ({"arrival": ...}, ("arrival", "required")),
        ({"details": "   "}, ("details", "required")),
        ({"details": ...}, ("details", "required")),
        ({"problems": ["b"]}, ("details", "must_be_empty")),
        ({"access": "expelled"}, ("box", "must_be_empty")),
        ({"invalid": 4}, ("invalid", "check_failed:adds_up")),
    ],
)
def test_each_error_names_the_question_and_reason(changes, expected):
    result = validate_answers(FORM, answers(**changes))
    assert expected in reasons(result)
    assert not result.is_valid


def test_error_message_is_plain_english_with_the_code():
    result = validate_answers(FORM, answers(box=1001, valid=996))
    assert [str(error) for error in result.errors] == ["box: 1001 is above the maximum 1000"]


def test_check_message_comes_from_the_definition():
    result = validate_answers(FORM, answers(invalid=4))
    assert result.errors[0].message == "Valid plus invalid must equal the ballots in the box."


def test_check_is_skipped_while_a_figure_is_missing():
    result = validate_answers(FORM, answers(invalid=...))
    assert reasons(result) == [("invalid", "required")]


def test_hidden_section_needs_no_answers_and_skips_its_checks():
    hidden = answers(access="expelled", box=..., valid=..., invalid=..., overall=...)
    result = validate_answers(FORM, hidden)
    assert result.is_valid, result.errors
    assert {"box", "valid", "invalid", "overall"} <= result.hidden


def test_critical_answer_raises_an_alert_not_an_error():
    result = validate_answers(FORM, answers(stuffing="yes"))
    assert result.is_valid
    assert [(alert.question, alert.answer) for alert in result.alerts] == [("stuffing", "yes")]


def test_space_separated_choices_are_read_as_a_list():
    result = validate_answers(FORM, answers(problems="a b"))
    assert result.answers["problems"] == ["a", "b"]


def test_a_figure_above_the_station_figure_names_value_figure_and_station():
    station = StationFacts("1234", {"registered_voters": 90})
    result = validate_answers(FORM, answers(box=100), station)
    assert [(e.question, e.reason) for e in result.errors] == [("box", "above_station_max")]
    assert str(result.errors[0]) == "box: 100 is above the 90 registered voters at station 1234"


def test_a_figure_equal_to_the_station_figure_passes():
    station = StationFacts("1234", {"registered_voters": 100})
    assert validate_answers(FORM, answers(box=100), station).is_valid


def test_the_form_bound_comes_first_and_only_one_error_is_given_per_answer():
    station = StationFacts("1234", {"registered_voters": 90})
    result = validate_answers(FORM, answers(box=1001, valid=996), station)
    assert reasons(result) == [("box", "above_max")]


def test_a_decimal_answer_is_held_to_the_station_figure_too():
    data = sample_form()
    data["sections"][0]["questions"][6]["constraint"] = {"max_station": "registered_voters"}
    station = StationFacts("7", {"registered_voters": 12})
    result = validate_answers(load_definition(data), answers(share="12,5"), station)
    assert [str(e) for e in result.errors if e.question == "share"] == [
        "share: 12.5 is above the 12 registered voters at station 7"
    ]


def test_without_the_station_the_station_bound_is_not_checked():
    assert validate_answers(FORM, answers(box=1000, valid=995)).is_valid


def test_an_unanswered_question_with_a_station_bound_is_only_required():
    result = validate_answers(FORM, answers(box=...), STATION)
    assert reasons(result) == [("box", "required")]


def test_the_bounds_message_of_the_form_does_not_hide_the_station_figure():
    data = sample_form()
    data["sections"][1]["questions"][0]["constraint"]["message"] = label("Too many")
    station = StationFacts("7", {"registered_voters": 50})
    result = validate_answers(load_definition(data), answers(box=100), station)
    assert result.errors[0].message == "100 is above the 50 registered voters at station 7"


def test_unbound_form_with_ballot_options_is_refused():
    with pytest.raises(ValueError, match="bound to ballot options"):
        validate_answers(library_forms()["pvt_form2"], {})


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=2)
    ),
    max_leaves=5,
)
CODES = st.sampled_from([q.code for q in FORM.questions()] + ["ghost"])


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.dictionaries(CODES, JSON_VALUES, max_size=12))
def test_any_json_answers_give_a_result_never_an_exception(raw):
    result = validate_answers(FORM, raw)
    assert all(
        error.question in raw
        or error.reason in ("required",)
        or error.reason.startswith("check_failed")
        for error in result.errors
    )
    assert set(result.answers) <= {q.code for q in FORM.questions()}


@given(st.integers(-(10**6), 10**6))
def test_an_integer_is_accepted_exactly_when_within_its_bounds(value):
    result = validate_answers(FORM, answers(box=value, valid=value - 5))
    box_errors = {e.reason for e in result.errors if e.question == "box"}
    if 0 <= value <= 1000:
        assert box_errors == set()
    else:
        assert box_errors == {"below_min" if value < 0 else "above_max"}


@given(
    st.integers(0, 1000),
    st.integers(0, 2000),
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=8),
)
def test_an_answer_passes_the_station_bound_exactly_when_within_the_station_figure(
    value, registered, code
):
    station = StationFacts(code, {"registered_voters": registered})
    result = validate_answers(FORM, answers(box=value, valid=value - 5), station)
    box_errors = [e for e in result.errors if e.question == "box"]
    if value <= registered:
        assert box_errors == []
    else:
        assert [(e.reason, e.message) for e in box_errors] == [
            (
                "above_station_max",
                f"{value} is above the {registered} registered voters at station {code}",
            )
        ]


@given(st.integers(0, 500), st.integers(0, 500), st.integers(0, 1000))
def test_the_arithmetic_check_fails_exactly_when_the_figures_do_not_add_up(valid, invalid, box):
    result = validate_answers(FORM, answers(valid=valid, invalid=invalid, box=box))
    failed = ("invalid", "check_failed:adds_up") in reasons(result)
    assert failed is (valid + invalid != box)


@given(st.sampled_from(["a", "b", "c"]), st.text(min_size=1, max_size=20).filter(str.strip))
def test_details_are_required_exactly_when_problem_a_is_selected(problem, details):
    with_details = validate_answers(FORM, answers(problems=[problem], details=details))
    without = validate_answers(FORM, answers(problems=[problem], details=...))
    if problem == "a":
        assert with_details.is_valid and ("details", "required") in reasons(without)
    else:
        assert ("details", "must_be_empty") in reasons(with_details) and without.is_valid
