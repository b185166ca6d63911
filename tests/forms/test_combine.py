"""How a station's reports combine: the ``combine`` field, its XLSForm column and the library."""

from __future__ import annotations

import io

import openpyxl
import pytest

from pollwatch.forms.definition import FormDefinitionError, load_definition
from pollwatch.forms.library import library_forms
from pollwatch.forms.xlsform import XLSFormError, export_xlsform, import_xlsform
from tests.forms.builders import sample_form
from tests.forms.test_xlsform import edited_fixture, set_cell, survey_row

INCIDENTS = {
    "voting": ("ballot_stuffing", "carousel_voting", "pressure", "vote_buying", "list_problems"),
    "opening": ("unauthorised_present", "unauthorised_who"),
    "closing_counting": ("protocol_prefilled", "figures_changed"),
    "tabulation": ("protocol_forged", "corrections_unexplained"),
    "pvt_form2": ("ballot_stuffing",),
}
PROCEDURES = {
    "voting": ("secrecy_respected", "identity_checked"),
    "opening": ("materials_complete", "boxes_shown_empty"),
    "closing_counting": ("copy_given", "protocol_posted"),
}


def with_combine(code: str, rule: str) -> dict:
    data = sample_form()
    for section in data["sections"]:
        for question in section["questions"]:
            if question["code"] == code:
                question["combine"] = rule
    return data


def test_questions_combine_by_the_latest_report_unless_told():
    form = load_definition(sample_form())
    assert {question.combine for question in form.questions()} == {"latest"}
    assert all("combine" not in q for s in form.to_dict()["sections"] for q in s["questions"])


@pytest.mark.parametrize("code", ["stuffing", "problems"])
def test_a_yes_no_or_multiple_choice_question_may_count_any_report(code):
    form = load_definition(with_combine(code, "any"))
    assert form.question(code).combine == "any"
    assert load_definition(form.to_dict()).question(code).combine == "any"


@pytest.mark.parametrize("code", ["access", "box", "details"])
def test_any_report_is_refused_where_no_answer_means_something_was_seen(code):
    with pytest.raises(FormDefinitionError, match=r"\.combine: 'any' needs a question"):
        load_definition(with_combine(code, "any"))


def test_an_unknown_rule_is_refused_by_the_schema():
    with pytest.raises(FormDefinitionError, match="combine"):
        load_definition(with_combine("stuffing", "first"))


def test_the_library_counts_incidents_when_any_report_saw_them():
    forms = library_forms()
    for code, questions in INCIDENTS.items():
        for question in questions:
            assert forms[code].question(question).combine == "any", (code, question)
    for code, questions in PROCEDURES.items():
        for question in questions:
            assert forms[code].question(question).combine == "latest", (code, question)


def test_any_report_round_trips_through_its_own_xlsform_column():
    form = load_definition(with_combine("stuffing", "any"))
    workbook = openpyxl.load_workbook(io.BytesIO(export_xlsform(form)))
    headers = [cell.value for cell in workbook["survey"][1]]
    row = survey_row(workbook, "stuffing")
    cell = workbook["survey"].cell(row=row, column=headers.index("pollwatch_combine") + 1)
    assert cell.value == "any"
    again = import_xlsform(export_xlsform(form)).definition
    assert again.question("stuffing").combine == "any"
    assert again.to_dict() == form.to_dict()


def test_a_workbook_may_set_the_column_and_a_bad_value_is_named_by_cell():
    def edit(workbook):
        set_cell(workbook, survey_row(workbook, "admitted"), "pollwatch_combine", "ANY")

    assert import_xlsform(edited_fixture(edit)).definition.question("admitted").combine == "any"

    def bad(workbook):
        set_cell(workbook, survey_row(workbook, "admitted"), "pollwatch_combine", "sometimes")

    with pytest.raises(XLSFormError, match="pollwatch_combine.*'sometimes' cannot be represented"):
        import_xlsform(edited_fixture(bad))
