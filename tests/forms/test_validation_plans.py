"""What validation works out once per form definition serves that definition and no other."""

from __future__ import annotations

import dataclasses
import gc

from pollwatch.forms.definition import load_definition
from pollwatch.forms.validation import validate_answers


def form(codes: list[str], *, required: bool = True) -> dict:
    return {
        "format": 1,
        "code": "plans",
        "phase": "voting",
        "title": {"en": "Plans"},
        "languages": ["en"],
        "choice_lists": {"marks": [{"code": code, "label": {"en": code}} for code in codes]},
        "sections": [
            {
                "code": "only",
                "title": {"en": "Only"},
                "questions": [
                    {
                        "code": "mark",
                        "type": "single_choice",
                        "label": {"en": "Mark"},
                        "choices": "marks",
                        "required": required,
                    }
                ],
            }
        ],
    }


def reasons(result) -> list[tuple[str, str]]:
    return [(error.question, error.reason) for error in result.errors]


def test_a_new_version_of_a_form_is_checked_by_its_own_choices():
    first = load_definition(form(["a", "b"]))
    second = load_definition(form(["a", "b", "c"]))
    assert reasons(validate_answers(first, {"mark": "c"})) == [("mark", "not_a_choice")]
    assert validate_answers(second, {"mark": "c"}).is_valid
    assert reasons(validate_answers(first, {"mark": "c"})) == [("mark", "not_a_choice")]


def test_a_definition_with_a_part_replaced_is_checked_as_it_now_reads():
    required = load_definition(form(["a"]))
    assert reasons(validate_answers(required, {})) == [("mark", "required")]
    section = required.sections[0]
    optional = dataclasses.replace(
        required,
        sections=(
            dataclasses.replace(
                section, questions=(dataclasses.replace(section.questions[0], required=False),)
            ),
        ),
    )
    assert validate_answers(optional, {}).is_valid
    assert reasons(validate_answers(required, {})) == [("mark", "required")]


def test_a_definition_built_where_a_discarded_one_was_is_checked_by_its_own_rules():
    # A definition that is gone may leave its place in memory to the next one built.
    for number in range(50):
        definition = load_definition(form([f"c{number}"]))
        assert validate_answers(definition, {"mark": f"c{number}"}).is_valid
        assert not validate_answers(definition, {"mark": f"c{number - 1}"}).is_valid
        del definition
        gc.collect()


def test_more_definitions_than_a_process_keeps_in_mind_are_each_checked_by_their_own():
    definitions = [load_definition(form([f"c{number}"])) for number in range(600)]
    for _ in range(2):
        for number, definition in enumerate(definitions):
            assert validate_answers(definition, {"mark": f"c{number}"}).is_valid
            assert not validate_answers(definition, {"mark": f"c{number + 1}"}).is_valid
