"""Validation of the question types an XForm brings: dates, places, media, notes, carried parts."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pollwatch.forms.definition import load_definition
from pollwatch.forms.validation import validate_answers
from tests.forms.builders import every_type_answers, every_type_form

FORM = load_definition(every_type_form())


def answers(**changes):
    result = every_type_answers()
    for code, value in changes.items():
        if value is ...:
            result.pop(code)
        else:
            result[code] = value
    return result


def reasons(result) -> list[tuple[str, str]]:
    return [(error.question, error.reason) for error in result.errors]


def errors_of(result, code: str) -> list[str]:
    return [error.reason for error in result.errors if error.question == code]


def form_with(question: dict, *, section: dict | None = None) -> object:
    """A one-question form; ``section`` adds fields to its section."""
    data = every_type_form()
    data["sections"] = [
        {"code": "main", "title": data["title"], "questions": [question]} | (section or {})
    ]
    return load_definition(data)


QUESTION = {"code": "q", "type": "integer", "label": {"en": "Q", "ru": "Q"}, "required": True}
NOTE = {"code": "n", "type": "note", "label": {"en": "N", "ru": "N"}}
NEVER = {"op": "not", "arg": {"op": "answered", "q": "first"}}


def two_question_form(second: dict, section: dict | None = None):
    data = every_type_form()
    data.pop("choice_lists")
    first = {"code": "first", "type": "text", "label": {"en": "F", "ru": "F"}}
    data["sections"] = [
        {"code": "a", "title": data["title"], "questions": [first]},
        {"code": "b", "title": data["title"], "questions": [second]} | (section or {}),
    ]
    return load_definition(data)


def test_answers_of_every_type_pass_and_are_stored_in_their_documented_form():
    result = validate_answers(FORM, answers())
    assert result.is_valid, result.errors
    stored = result.answers
    assert stored["visit_day"] == "2026-12-05"
    assert stored["arrived_at"] == "2026-12-05T07:30:00+03:00"
    assert stored["arrival"] == "07:30"
    assert stored["location"] == {"lat": 41.7151, "lon": 44.8271, "alt": 520.0, "accuracy": 4.5}
    assert stored["route"][1] == {"lat": 41.716, "lon": 44.829, "alt": 518.0, "accuracy": 5.0}
    assert [(p["lat"], p["lon"]) for p in stored["boundary"]] == [(0, 0), (0, 1), (1, 1), (0, 0)]
    assert stored["seal"] == "SEAL-0042"
    assert (stored["interview"], stored["clip"], stored["protocol"]) == (
        "interview.m4a",
        "clip.mp4",
        "protocol.pdf",
    )
    assert stored["score"] == "42"
    assert stored["ranking"] == "b a c"
    assert "intro" not in stored


def test_stored_answers_validate_again_to_themselves():
    first = validate_answers(FORM, answers()).answers
    again = validate_answers(FORM, first)
    assert again.is_valid, again.errors
    assert again.answers == first


@pytest.mark.parametrize(
    ("code", "value"),
    [
        ("visit_day", "2026-02-30"),
        ("visit_day", "05/12/2026"),
        ("visit_day", "2026-12-05T07:30"),
        ("visit_day", 20261205),
        ("arrived_at", "2026-12-05"),
        ("arrived_at", "2026-12-05T25:00:00"),
        ("arrived_at", "2026-12-05T07:30:00+25:00"),
        ("arrived_at", "yesterday"),
        ("arrival", "7h30"),
        ("arrival", "07:30:00.000+3"),
        ("arrival", "24:00"),
        ("location", "91 10"),
        ("location", "10 181"),
        ("location", "10"),
        ("location", "10 20 30 40 50"),
        ("location", "north east"),
        ("location", "nan 10"),
        ("location", "10 20 0 -1"),
        ("location", {"lat": 10}),
        ("location", [10, 20]),
        ("route", "10 20 0 0"),
        ("route", "10 20;95 20"),
        ("boundary", "0 0;0 1;0 0"),
        ("boundary", "0 0;0 1;1 1;1 0"),
        ("seal", 42),
        ("interview", ["a.m4a"]),
        ("score", {"value": 1}),
        ("ranking", ["b", "a"]),
        ("district", "two words"),
        ("languages_spoken", 7.5),
    ],
)
def test_an_answer_that_is_not_of_its_type_is_wrong_type(code, value):
    result = validate_answers(FORM, answers(**{code: value}))
    assert errors_of(result, code) == ["wrong_type"]


@pytest.mark.parametrize(
    ("code", "value", "says"),
    [
        ("visit_day", "2026-02-30", "is not a date YYYY-MM-DD"),
        ("arrived_at", "noon", "is not a date and time"),
        ("arrival", "noon", "is not a time of day HH:MM"),
        ("location", "91 10", "latitude 91.0 is not between -90 and 90"),
        ("location", "10 200", "longitude 200.0 is not between -180 and 180"),
        ("location", "10", "is not a point"),
        ("route", "10 20", "a line needs at least 2 points"),
        ("boundary", "0 0;0 1;1 1;1 0", "a shape must end at the point it starts from"),
        ("boundary", "0 0;0 1;0 0", "a shape needs at least 4 points"),
        ("route", "10 20;x", "point 2:"),
    ],
)
def test_a_wrong_type_message_says_what_was_expected(code, value, says):
    result = validate_answers(FORM, answers(**{code: value}))
    messages = [error.message for error in result.errors if error.question == code]
    assert len(messages) == 1 and says in messages[0], messages


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("2026-12-05T07:30:00.000+03:00", "2026-12-05T07:30:00+03:00"),
        ("2026-12-05T07:30:00.250-05:30", "2026-12-05T07:30:00.250-05:30"),
        ("2026-12-05T07:30:00Z", "2026-12-05T07:30:00+00:00"),
        ("2026-12-05T07:30+0100", "2026-12-05T07:30:00+01:00"),
        ("2026-12-05T07:30:00", "2026-12-05T07:30:00"),
        (" 2026-12-05 07:30:00.000+03:00 ", "2026-12-05T07:30:00+03:00"),
    ],
)
def test_a_datetime_keeps_its_offset_and_is_stored_as_iso_8601(sent, stored):
    assert validate_answers(FORM, answers(arrived_at=sent)).answers["arrived_at"] == stored


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("07:30", "07:30"),
        ("7:30", "07:30"),
        ("07:30:59", "07:30"),
        ("07:30:00.000+03:00", "07:30"),
        ("23:59:59.999-11:00", "23:59"),
        ("07:30:00Z", "07:30"),
    ],
)
def test_a_time_is_stored_as_the_clock_time_the_observer_saw(sent, stored):
    assert validate_answers(FORM, answers(arrival=sent)).answers["arrival"] == stored


def test_a_geopoint_may_leave_out_altitude_and_accuracy():
    result = validate_answers(FORM, answers(location="-33.9 18.4"))
    assert result.answers["location"] == {"lat": -33.9, "lon": 18.4, "alt": None, "accuracy": None}


def test_a_geopoint_may_arrive_as_the_stored_object():
    point = {"lat": 1.5, "lon": -2, "alt": None, "accuracy": 3}
    stored = validate_answers(FORM, answers(location=point)).answers["location"]
    assert stored == {"lat": 1.5, "lon": -2.0, "alt": None, "accuracy": 3.0}


def test_a_line_may_end_with_a_semicolon_as_some_devices_write_it():
    result = validate_answers(FORM, answers(route="10 20 0 0;11 21 0 0;"))
    assert result.is_valid, result.errors
    assert len(result.answers["route"]) == 2


def test_a_note_has_no_answer_and_whatever_is_sent_for_it_is_ignored():
    for sent in ("", "Read this aloud", 5, {"x": 1}):
        result = validate_answers(FORM, answers(intro=sent))
        assert result.is_valid, result.errors
        assert "intro" not in result.answers


def test_a_required_note_asks_for_nothing():
    form = form_with(
        {"code": "n", "type": "note", "label": {"en": "N", "ru": "N"}, "required": True}
    )
    assert validate_answers(form, {}).is_valid


def test_a_hidden_note_sent_with_text_is_not_an_error():
    form = two_question_form(NOTE | {"relevant": NEVER})
    assert validate_answers(form, {"first": "x", "n": "Read this aloud"}).is_valid


def test_open_choices_accept_any_code():
    result = validate_answers(FORM, answers(district="d_99", languages_spoken=["xx", "yy"]))
    assert result.is_valid, result.errors
    assert result.answers["district"] == "d_99"
    assert result.answers["languages_spoken"] == ["xx", "yy"]


def test_open_choices_still_refuse_a_repeated_code():
    result = validate_answers(FORM, answers(languages_spoken="ka ka"))
    assert errors_of(result, "languages_spoken") == ["repeated_choice"]


def test_open_choices_next_to_a_list_accept_codes_outside_it():
    form = form_with(
        {
            "code": "role",
            "type": "single_choice",
            "label": {"en": "R", "ru": "R"},
            "choices": "roles",
            "open_choices": True,
        }
    )
    assert validate_answers(form, {"role": "observer"}).answers == {"role": "observer"}


def test_a_calculate_question_is_stored_as_sent_and_never_required():
    form = form_with(
        {"code": "c", "type": "calculate", "label": {"en": "C", "ru": "C"}, "required": True}
    )
    assert validate_answers(form, {}).is_valid
    assert validate_answers(form, {"c": 12.5}).answers == {"c": 12.5}
    assert validate_answers(form, {"c": " x "}).answers == {"c": " x "}


def test_a_hidden_calculate_question_sent_with_a_value_is_not_an_error():
    form = two_question_form(
        {"code": "c", "type": "calculate", "label": {"en": "C", "ru": "C"}, "relevant": NEVER}
    )
    result = validate_answers(form, {"first": "x", "c": "1"})
    assert result.is_valid and "c" not in result.answers


def test_with_its_relevance_carried_a_question_is_neither_required_nor_refused():
    form = two_question_form(QUESTION | {"carried": ["relevant"]})
    assert validate_answers(form, {"first": "x"}).is_valid
    answered = validate_answers(form, {"first": "x", "q": "4"})
    assert answered.is_valid and answered.answers["q"] == 4


def test_with_its_sections_relevance_carried_a_question_is_neither_required_nor_refused():
    form = two_question_form(QUESTION, section={"carried": ["relevant"]})
    assert validate_answers(form, {"first": "x"}).is_valid
    assert validate_answers(form, {"first": "x", "q": "4"}).answers["q"] == 4


def test_a_relevance_the_server_can_read_still_hides_where_another_is_carried():
    form = two_question_form(QUESTION | {"relevant": NEVER}, section={"carried": ["relevant"]})
    assert reasons(validate_answers(form, {"first": "x", "q": "4"})) == [("q", "must_be_empty")]


def test_an_answer_with_carried_relevance_is_still_checked_for_its_type():
    form = two_question_form(QUESTION | {"carried": ["relevant"]})
    assert reasons(validate_answers(form, {"first": "x", "q": "many"})) == [("q", "wrong_type")]


def test_a_carried_requirement_is_not_enforced():
    form = two_question_form(QUESTION | {"carried": ["required"]})
    assert validate_answers(form, {"first": "x"}).is_valid


def test_with_its_constraint_carried_only_the_type_is_checked():
    bounded = QUESTION | {"constraint": {"min": 0, "max": 10}}
    form = two_question_form(bounded | {"carried": ["constraint"]})
    assert validate_answers(form, {"first": "x", "q": "400"}).answers["q"] == 400
    assert reasons(validate_answers(form, {"first": "x", "q": "x"})) == [("q", "wrong_type")]
    plain = two_question_form(bounded)
    assert reasons(validate_answers(plain, {"first": "x", "q": "400"})) == [("q", "above_max")]


def test_carried_choices_accept_any_code():
    question = {
        "code": "q",
        "type": "single_choice",
        "label": {"en": "Q", "ru": "Q"},
        "open_choices": True,
        "carried": ["choices", "choice_filter"],
    }
    assert validate_answers(two_question_form(question), {"q": "anything"}).is_valid


# Round trips and junk ----------------------------------------------------------------

LATITUDES = st.floats(-90, 90, allow_nan=False)
LONGITUDES = st.floats(-180, 180, allow_nan=False)
ALTITUDES = st.floats(-1000, 10000, allow_nan=False)
ACCURACIES = st.floats(0, 10000, allow_nan=False)
OFFSETS = st.integers(-14 * 60, 14 * 60).map(lambda m: datetime.timedelta(minutes=m))


def odk_number(value: float) -> str:
    """A number as ODK Collect writes it (Java's ``Double.toString``, near enough)."""
    return repr(value)


@given(st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)))
def test_any_date_as_odk_writes_it_reads_back_to_itself(day):
    sent = day.isoformat()
    assert validate_answers(FORM, answers(visit_day=sent)).answers["visit_day"] == sent


@given(
    st.datetimes(datetime.datetime(1900, 1, 1), datetime.datetime(2100, 1, 1)).map(
        lambda moment: moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    ),
    OFFSETS,
)
def test_any_datetime_as_odk_writes_it_reads_back_to_the_same_moment_and_offset(moment, offset):
    aware = moment.replace(tzinfo=datetime.timezone(offset))
    sent = aware.isoformat(timespec="milliseconds")
    stored = validate_answers(FORM, answers(arrived_at=sent)).answers["arrived_at"]
    read = datetime.datetime.fromisoformat(stored)
    assert read == aware and read.utcoffset() == offset
    assert validate_answers(FORM, answers(arrived_at=stored)).answers["arrived_at"] == stored


@given(st.times())
def test_any_time_as_odk_writes_it_is_stored_as_its_hour_and_minute(clock):
    sent = clock.isoformat(timespec="milliseconds") + "+03:00"
    stored = validate_answers(FORM, answers(arrival=sent)).answers["arrival"]
    assert stored == clock.strftime("%H:%M")


@given(LATITUDES, LONGITUDES, ALTITUDES, ACCURACIES)
def test_any_geopoint_as_odk_writes_it_reads_back_to_itself(lat, lon, alt, accuracy):
    sent = " ".join(odk_number(number) for number in (lat, lon, alt, accuracy))
    stored = validate_answers(FORM, answers(location=sent)).answers["location"]
    assert stored == {"lat": lat, "lon": lon, "alt": alt, "accuracy": accuracy}


@given(st.lists(st.tuples(LATITUDES, LONGITUDES), min_size=3, max_size=8))
def test_any_closed_shape_as_odk_writes_it_reads_back_to_its_points(corners):
    points = [*corners, corners[0]]
    sent = ";".join(f"{odk_number(lat)} {odk_number(lon)} 0.0 0.0" for lat, lon in points)
    stored = validate_answers(FORM, answers(boundary=sent)).answers["boundary"]
    assert [(p["lat"], p["lon"]) for p in stored] == points


JUNK = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789-+:.TZ ;eE", max_size=40),
    st.integers() | st.floats() | st.booleans() | st.none(),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(
        st.sampled_from(["lat", "lon", "alt", "accuracy", "x"]), st.floats() | st.text()
    ),
)
NEW_TYPES = st.sampled_from(
    ["visit_day", "arrived_at", "arrival", "location", "route", "boundary", "seal", "interview",
     "score", "ranking", "district", "languages_spoken", "intro"]
)  # fmt: skip


@given(NEW_TYPES, JUNK)
def test_any_junk_answer_gives_answer_errors_never_an_exception(code, junk):
    result = validate_answers(FORM, answers(**{code: junk}))
    assert {error.question for error in result.errors} <= {code}


# Groups inside groups ---------------------------------------------------------------


def nested_groups_form(outer: dict):
    """``consent`` asks, group ``consented`` (with ``outer``) holds group ``details`` by ref."""
    data = every_type_form()
    data.pop("choice_lists")
    required = {"code": "age", "type": "integer", "label": {"en": "A", "ru": "A"}, "required": True}
    consent = {"code": "consent", "type": "yes_no", "label": {"en": "C", "ru": "C"}}
    note = NOTE | {"code": "intro"}
    data["sections"] = [
        {"code": "main", "title": data["title"], "ref": ".", "questions": [consent]},
        {"code": "consented", "title": data["title"], "questions": [note]} | outer,
        {
            "code": "details",
            "title": data["title"],
            "ref": "consented/deceased/details",
            "questions": [required],
        },
    ]
    return load_definition(data)


def test_a_group_inside_a_hidden_group_is_hidden_with_it():
    form = nested_groups_form({"relevant": {"op": "eq", "q": "consent", "value": "yes"}})
    assert validate_answers(form, {"consent": "no"}).is_valid
    result = validate_answers(form, {"consent": "no", "age": 40})
    assert reasons(result) == [("age", "must_be_empty")]
    assert reasons(validate_answers(form, {"consent": "yes"})) == [("age", "required")]


def test_a_group_inside_a_group_of_carried_relevance_may_be_answered_or_not():
    form = nested_groups_form({"carried": ["relevant"]})
    assert validate_answers(form, {"consent": "no"}).is_valid
    assert validate_answers(form, {"consent": "no", "age": 40}).answers["age"] == 40


def test_only_a_whole_step_of_the_path_makes_a_group_an_outer_one():
    form = nested_groups_form(
        {"ref": "consent", "relevant": {"op": "eq", "q": "consent", "value": "yes"}}
    )
    # "consented/deceased/details" does not lie inside "consent".
    assert reasons(validate_answers(form, {"consent": "no"})) == [("age", "required")]
