"""The coded SMS syntax: every answer set a form allows survives the trip through it."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pollwatch.forms.definition import BallotOption, FormDefinition
from pollwatch.forms.library import library_forms
from pollwatch.forms.validation import validate_answers
from pollwatch.intake.channels.sms.syntax import (
    SmsSyntaxError,
    build_syntax,
    encode_message,
    parse_message,
    sms_form_codes,
    split_form_code,
)

FORMS = library_forms()


def bound(definition: FormDefinition) -> FormDefinition:
    if not definition.needs_ballot_options:
        return definition
    options = [BallotOption(code, {"en": code}) for code in ("ann", "bob", "cy")]
    return definition.bind_ballot_options(options)


def answer_strategy(definition: FormDefinition, question):
    codes = definition.choice_codes(question)
    constraint = question.constraint
    low = constraint.min if constraint and constraint.min is not None else -(10**6)
    high = constraint.max if constraint and constraint.max is not None else 10**6
    if question.type in ("yes_no", "single_choice"):
        return st.sampled_from(codes)
    if question.type == "multiple_choice":
        return st.lists(st.sampled_from(codes), unique=True, min_size=1)
    if question.type == "integer":
        return st.integers(int(low), int(high))
    if question.type == "decimal":
        return st.floats(low, high, allow_nan=False).map(lambda x: round(x, 3))
    if question.type == "time":
        return st.builds("{:02d}:{:02d}".format, st.integers(0, 23), st.integers(0, 59))
    limit = constraint.max_length if constraint and constraint.max_length else 80
    return st.text(min_size=1, max_size=limit).filter(str.strip)


@st.composite
def allowed_answer_sets(draw, definition: FormDefinition):
    """Answers that validation accepts: drawn question by question, kept while valid."""
    answers: dict = {}
    for question in definition.questions():
        if question.type == "photo":
            continue
        value = draw(answer_strategy(definition, question))
        trial = answers | {question.code: value}
        errors = validate_answers(definition, trial).errors
        if not any(error.question == question.code for error in errors):
            answers = trial
    result = validate_answers(definition, answers)
    return result.answers


@pytest.mark.parametrize("code", sorted(FORMS))
def test_every_allowed_answer_set_round_trips_through_the_sms_syntax(code):
    definition = bound(FORMS[code])
    syntax = build_syntax(definition, "XF1")

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(allowed_answer_sets(definition), st.sampled_from(["001", "1234", "A-17"]))
    def round_trip(answers, station):
        text = encode_message(syntax, station, answers)
        form_code, start = split_form_code(text, ["XF1", "XF2"])
        parsed = parse_message(text, syntax, start)
        assert form_code == "XF1"
        assert parsed.station == station
        assert validate_answers(definition, parsed.answers).answers == answers

    round_trip()


@pytest.fixture
def syntax():
    return build_syntax(bound(FORMS["pvt_form1"]), "PF1")


def read(text, syntax):
    _, start = split_form_code(text, ["PF1", "PF2", "VO"])
    return parse_message(text, syntax, start)


def test_case_spaces_separators_and_missing_spaces_are_tolerated(syntax):
    expected = read("PF1 1234 AA0730 AB1 AC2 AD1 AE1 AF7", syntax)
    for text in (
        "pf1 1234 aa0730 ab1 ac2 ad1 ae1 af7",
        "  PF1   1234,AA07:30; AB1,AC2 AD 1 AE=1 AF7 ",
        "PF11234AA0730AB1AC2AD1AE1AF7",
        "PF1 1234 AA7.30 AB1 AC2 AD1 AE1 AF7",
        "PF1.1234.AA0730.AB1.AC2.AD1.AE1.AF7",
    ):
        assert read(text, syntax) == expected
    assert expected.answers == {
        "arrival_time": "07:30",
        "admitted": "yes",
        "first_voter": "0700_0800",
        "materials_complete": "yes",
        "boxes_shown_empty": "yes",
        "members_present": "7",
    }


@pytest.mark.parametrize(
    ("text", "reason", "code"),
    [
        ("", "empty", ""),
        ("ZZ 1234 AA1", "unknown_form", ""),
        ("PF1", "no_station", ""),
        ("PF1 1234 AB7", "not_a_choice", "AB"),
        ("PF1 1234 ZZ1", "unknown_code", "ZZ"),
        ("PF1 1234 AB1 AB2", "repeated", "AB"),
        ("PF1 1234 AB", "no_answer", "AB"),
        ("PF1 1234 AA99", "bad_time", "AA"),
        ("PF1 1234 7", "expected_code", "7"),
    ],
)
def test_a_message_off_the_syntax_names_the_problem(syntax, text, reason, code):
    with pytest.raises(SmsSyntaxError) as raised:
        read(text, syntax)
    assert raised.value.reason == reason
    assert raised.value.code == code


def test_text_answers_keep_their_case_quotes_and_may_end_the_message():
    syntax = build_syntax(FORMS["incident"], "IN")
    comment = syntax.questions[2]
    assert comment.code == "description"
    quoted = read_with(syntax, 'IN 12 AC"Said ""stop"", left"  AE1')
    assert quoted.answers == {"description": 'Said "stop", left', "commission_informed": "yes"}
    trailing = read_with(syntax, "IN 12 AE2 AC Ballots Found Outside")
    assert trailing.answers["description"] == "Ballots Found Outside"


def read_with(syntax, text):
    _, start = split_form_code(text, [syntax.form_sms_code])
    return parse_message(text, syntax, start)


def test_form_codes_come_from_the_form_code_and_never_clash():
    codes = sms_form_codes(["voting", "pvt_form1", "pvt_form2", "vote_observation", "vo"])
    assert codes["voting"] == "VO"
    assert codes["pvt_form1"] == "PF1"
    assert codes["pvt_form2"] == "PF2"
    assert codes["vote_observation"] == "VOT"
    assert codes["vo"] == "VOX"
    assert len(set(codes.values())) == len(codes)
