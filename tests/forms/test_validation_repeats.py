"""Validation of repeat sections: each entry checked on its own, errors named by entry."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pollwatch.forms.definition import load_definition
from pollwatch.forms.validation import validate_answers
from tests.forms.builders import every_type_answers, every_type_form

FORM = load_definition(every_type_form())


def answers(**changes):
    result = every_type_answers()
    result.update(changes)
    return result


def entry(**fields):
    return {"name": "Nino", "role": "party", "badge": "P-1", "queue_length": "4"} | fields


def reasons(result) -> list[tuple[str, str]]:
    return [(error.question, error.reason) for error in result.errors]


def test_each_entry_is_parsed_and_the_answers_keep_the_list():
    result = validate_answers(FORM, answers())
    assert result.is_valid, result.errors
    assert result.answers["observers"] == [
        {
            "name": "Nino",
            "role": "party",
            "badge": "P-1",
            "age": 34,
            "queue_length": 12,
            "shifts": [{"shift_start": "07:00"}, {"shift_start": "13:00"}],
        },
        {"name": "Giorgi", "role": "police", "queue_length": 3},
    ]


def test_errors_name_the_entry_counted_from_one_and_the_question():
    judge = entry(role="judge", age="12")
    judge.pop("badge")
    sent = [entry(), judge]
    result = validate_answers(FORM, answers(observers=sent))
    assert reasons(result) == [
        ("observers[2].role", "not_a_choice"),
        ("observers[2].age", "below_min"),
    ]


def test_a_required_question_is_required_in_every_entry():
    result = validate_answers(FORM, answers(observers=[entry(), entry(name=" ")]))
    assert reasons(result) == [("observers[2].name", "required")]


def test_relevance_reads_the_entrys_own_answers():
    hidden_badge = entry(role="police")
    result = validate_answers(FORM, answers(observers=[hidden_badge]))
    assert reasons(result) == [("observers[1].badge", "must_be_empty")]
    missing_badge = {key: value for key, value in entry().items() if key != "badge"}
    result = validate_answers(FORM, answers(observers=[missing_badge]))
    assert reasons(result) == [("observers[1].badge", "required")]


def test_relevance_inside_an_entry_sees_the_answers_outside_it():
    no_queue = {key: value for key, value in entry().items() if key != "queue_length"}
    assert validate_answers(FORM, answers(queue="no", observers=[no_queue])).is_valid
    result = validate_answers(FORM, answers(queue="no", observers=[entry()]))
    assert reasons(result) == [("observers[1].queue_length", "must_be_empty")]
    result = validate_answers(FORM, answers(queue="yes", observers=[no_queue]))
    assert reasons(result) == [("observers[1].queue_length", "required")]


def test_a_nested_repeat_reads_the_answers_of_the_entry_that_holds_it():
    shifts = [{"shift_start": "08:00", "shift_note": "late"}]
    police = entry(role="police", shifts=shifts)
    police.pop("badge")
    party = entry(role="party", shifts=shifts)
    result = validate_answers(FORM, answers(observers=[police, party]))
    assert reasons(result) == [("observers[2].shifts[1].shift_note", "must_be_empty")]


def test_a_nested_repeat_names_both_entries():
    shifts = [{"shift_start": "08:00"}, {"shift_start": "late"}]
    result = validate_answers(FORM, answers(observers=[entry(), entry(shifts=shifts)]))
    assert reasons(result) == [("observers[2].shifts[2].shift_start", "wrong_type")]


def test_an_unknown_code_in_an_entry_is_an_unknown_question():
    result = validate_answers(FORM, answers(observers=[entry(ghost="x")]))
    assert reasons(result) == [("observers[1].ghost", "unknown_question")]


def test_a_question_of_a_repeat_sent_outside_its_entries_says_where_it_belongs():
    result = validate_answers(FORM, answers(name="Nino"))
    assert reasons(result) == [("name", "unknown_question")]
    assert "observers" in result.errors[0].message


def test_a_question_of_the_top_level_sent_inside_an_entry_is_unknown_there():
    result = validate_answers(FORM, answers(observers=[entry(seal="x")]))
    assert reasons(result) == [("observers[1].seal", "unknown_question")]


def test_a_repeat_that_is_not_a_list_is_wrong_type():
    for sent in ({"name": "Nino"}, "Nino", 3):
        result = validate_answers(FORM, answers(observers=sent))
        assert reasons(result) == [("observers", "wrong_type")]


def test_an_entry_that_is_not_an_object_is_wrong_type():
    result = validate_answers(FORM, answers(observers=[entry(), "Nino"]))
    assert reasons(result) == [("observers[2]", "wrong_type")]


def test_no_entries_is_no_answer():
    for sent in ([], None):
        result = validate_answers(FORM, answers(observers=sent))
        assert result.is_valid, result.errors
        assert "observers" not in result.answers


def test_a_hidden_repeat_must_have_no_entries():
    data = every_type_form()
    data["sections"][1]["relevant"] = {"op": "eq", "q": "queue", "value": "yes"}
    form = load_definition(data)
    assert validate_answers(form, answers(queue="no", observers=[])).is_valid
    result = validate_answers(form, answers(queue="no", observers=[entry()]))
    assert reasons(result) == [("observers", "must_be_empty")]
    assert "observers" in result.hidden


def test_entries_of_a_hidden_repeat_holding_only_what_the_device_computes_are_dropped():
    # Enketo sends the entries of a repeat counted by jr:count with their calculations
    # even when the repeat does not apply: nothing in them was answered by a person.
    data = every_type_form()
    data["sections"][1]["relevant"] = {"op": "eq", "q": "queue", "value": "yes"}
    data["sections"][1]["questions"].append(
        {"code": "row", "type": "calculate", "label": {"en": "Row", "ru": "Row"}}
    )
    form = load_definition(data)
    computed = [{"row": "1", "name": ""}, {"row": "2"}]
    result = validate_answers(form, answers(queue="no", observers=computed))
    assert result.is_valid, result.errors
    assert "observers" not in result.answers
    answered = validate_answers(form, answers(queue="no", observers=[{"row": "1", "name": "Ana"}]))
    assert reasons(answered) == [("observers", "must_be_empty")]


def test_with_the_relevance_of_a_repeat_carried_its_entries_need_no_answers():
    data = every_type_form()
    data["sections"][1]["carried"] = ["relevant"]
    form = load_definition(data)
    assert validate_answers(form, answers(observers=[{}])).is_valid
    assert validate_answers(form, answers(observers=[entry()])).is_valid
    result = validate_answers(form, answers(observers=[entry(age="x")]))
    assert reasons(result) == [("observers[1].age", "wrong_type")]


def test_a_critical_answer_in_an_entry_raises_an_alert_named_by_the_entry():
    data = every_type_form()
    data["sections"][1]["questions"][1]["critical_when"] = {
        "op": "eq",
        "q": "role",
        "value": "police",
    }
    form = load_definition(data)
    police = entry(role="police")
    police.pop("badge")
    result = validate_answers(form, answers(observers=[entry(), police]))
    assert [(alert.question, alert.answer) for alert in result.alerts] == [
        ("observers[2].role", "police")
    ]


def test_the_answers_of_the_top_level_are_checked_as_before_beside_a_repeat():
    result = validate_answers(FORM, answers(seal=42, visit_day=""))
    assert reasons(result) == [("seal", "wrong_type"), ("visit_day", "required")]


ENTRY_VALUES = st.one_of(
    st.none(), st.text(max_size=4), st.integers(), st.lists(st.text(max_size=3), max_size=2)
)
SHIFT_CODES = st.sampled_from(["shift_start", "shift_note", "x"])
ENTRIES = st.lists(
    st.dictionaries(
        st.sampled_from(["name", "role", "badge", "age", "queue_length", "shifts", "ghost"]),
        ENTRY_VALUES
        | st.lists(st.dictionaries(st.sampled_from(["shift_start", "x"]), ENTRY_VALUES)),
        max_size=6,
    )
    | ENTRY_VALUES,
    max_size=3,
)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(ENTRIES | ENTRY_VALUES)
def test_any_entries_give_errors_named_inside_the_repeat_never_an_exception(sent):
    result = validate_answers(FORM, answers(observers=sent))
    assert all(error.question.startswith("observers") for error in result.errors)
