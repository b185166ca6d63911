"""The server's side of the answer conformance table (the browser's is in tests/browser)."""

from __future__ import annotations

import pytest

from pollwatch.forms.form_import import import_form
from pollwatch.forms.validation import validate_answers
from pollwatch.intake.channels.openrosa.instances import read_instance
from tests.forms.conformance import CASES, case_instance, conformance_xform

XFORM = conformance_xform()
DEFINITION = import_form(XFORM.encode("utf-8"), "conformance.xml").definition


def test_the_table_holds_both_outcomes_and_the_form_carries_nothing():
    assert {case["valid"] for case in CASES} == {True, False}
    assert not any(question.carried for question in DEFINITION.questions())


@pytest.mark.parametrize("case", CASES, ids=lambda case: case["name"])
def test_the_server_judges_each_case_as_the_table_says(case):
    instance = read_instance(case_instance(XFORM, case).encode("utf-8"))
    result = validate_answers(DEFINITION, instance.answers(DEFINITION))
    assert result.is_valid is case["valid"], result.errors
