"""XLSForm import and export, XForm export, and the XPath form of conditions."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pollwatch.forms.conditions import evaluate
from pollwatch.forms.definition import BallotOption, load_definition
from pollwatch.forms.library import library_forms
from pollwatch.forms.validation import StationFacts, validate_answers
from pollwatch.forms.xlsform import XLSFormError, export_xform, export_xlsform, import_xlsform
from pollwatch.forms.xpath import XPathError, parse_xpath, to_expression, to_xpath
from tests.forms.builders import XLSFORM_FIXTURE, combined_expressions, label, sample_form
from tests.forms.xpath_semantics import truth as device_truth

FIXTURE = XLSFORM_FIXTURE
OPTIONS = [
    BallotOption("a", {"en": "Alpha", "ru": "Альфа"}),
    BallotOption("b", {"en": "Beta", "ru": "Бета"}),
]
XFORMS = "{http://www.w3.org/2002/xforms}"


def edited_fixture(edit) -> bytes:
    """The fixture workbook after ``edit(workbook)``."""
    workbook = openpyxl.load_workbook(FIXTURE)
    edit(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def survey_row(workbook, name: str) -> int:
    for row in workbook["survey"].iter_rows(min_row=2):
        if row[1].value == name:
            return row[0].row
    raise LookupError(name)


def test_fixture_imports_with_sections_conditions_constraints_and_choices():
    result = import_xlsform(FIXTURE)
    form = result.definition
    assert form.code == "observer_checklist" and form.phase == "voting"
    assert form.languages == ("en", "ru")
    assert [s.code for s in form.sections] == ["arrival", "conduct", "figures"]
    assert form.sections[1].relevant == {"op": "eq", "q": "admitted", "value": "yes"}
    assert form.question("admitted").type == "yes_no"
    assert form.question("refusal_reason").relevant == {"op": "eq", "q": "admitted", "value": "no"}
    assert form.question("stuffing_details").relevant == {
        "op": "in",
        "q": "problems",
        "values": ["stuffing", "carousel"],
    }
    assert form.question("voters_in_line").constraint.max == 2000
    assert form.question("problems").constraint.max_choices == 3
    assert form.question("problems").guidance["ru"] == "Отметьте все подходящие"
    assert form.choice_codes(form.question("problems"))[:2] == ("stuffing", "carousel")
    [check] = form.checks
    assert check.question == "invalid"
    assert check.message["en"] == "Valid plus invalid must equal the box"
    assert any("metadata 'start' skipped" in warning for warning in result.warnings)


def test_imported_check_and_conditions_work_in_validation():
    form = import_xlsform(FIXTURE).definition
    answers = {
        "arrival_time": "07:10",
        "admitted": "yes",
        "voters_in_line": 3,
        "ballots_in_box": 100,
        "valid": 90,
        "invalid": 9,
    }
    reasons = {(e.question, e.reason) for e in validate_answers(form, answers).errors}
    assert reasons == {("invalid", "check_failed:invalid_check")}
    refused = validate_answers(
        form, {"arrival_time": "07:10", "admitted": "no", "refusal_reason": "full"}
    )
    assert refused.is_valid, refused.errors


def test_fixture_round_trips_through_export_unchanged():
    first = import_xlsform(FIXTURE).definition
    second = import_xlsform(export_xlsform(first)).definition
    assert second.to_dict() == first.to_dict()


def test_exported_workbook_has_the_three_sheets_and_odk_columns():
    workbook = openpyxl.load_workbook(
        io.BytesIO(export_xlsform(import_xlsform(FIXTURE).definition))
    )
    assert workbook.sheetnames == ["survey", "choices", "settings"]
    headers = [cell.value for cell in workbook["survey"][1]]
    assert {
        "type",
        "name",
        "label::English (en)",
        "label::Russian (ru)",
        "relevant",
        "constraint",
        "constraint_message::Russian (ru)",
    } <= set(headers)


@pytest.mark.parametrize("code", list(library_forms()))
def test_every_library_form_round_trips_through_xlsform(code):
    form = library_forms()[code]
    if form.needs_ballot_options:
        form = form.bind_ballot_options(OPTIONS)
    assert import_xlsform(export_xlsform(form)).definition.to_dict() == form.to_dict()


def test_xform_export_carries_conditions_and_constraints():
    xform = export_xform(load_definition(sample_form()))
    root = ET.fromstring(xform)
    binds = {bind.get("nodeset"): bind for bind in root.iter(f"{XFORMS}bind")}
    details = binds["/data/general/details"]
    assert "selected(" in details.get("relevant") and "/data/general/problems" in details.get(
        "relevant"
    )
    assert binds["/data/figures/box"].get("constraint") == ". >= 0 and . <= 1000"
    assert "/data/figures/valid" in binds["/data/figures/invalid"].get("constraint")
    assert binds["/data/general/arrival"].get("required") == "true()"


def test_unbound_pvt_form_cannot_be_exported():
    with pytest.raises(XLSFormError, match="bind it to the election's ballot options first"):
        export_xlsform(library_forms()["pvt_form2"])


def test_a_station_bound_round_trips_in_its_own_column_that_pyxform_accepts():
    form = load_definition(sample_form())
    workbook = openpyxl.load_workbook(io.BytesIO(export_xlsform(form)))
    headers = [cell.value for cell in workbook["survey"][1]]
    box = survey_row(workbook, "box")
    cell = workbook["survey"].cell(row=box, column=headers.index("pollwatch_max_station") + 1)
    assert cell.value == "registered_voters"
    again = import_xlsform(export_xlsform(form))
    assert again.definition.to_dict() == form.to_dict()
    assert not any("max_station" in warning for warning in again.warnings)


def test_a_station_bound_with_only_a_message_round_trips():
    data = sample_form()
    data["sections"][1]["questions"][1]["constraint"] = {
        "max_station": "registered_voters",
        "message": label("More than the registered voters"),
    }
    form = load_definition(data)
    assert import_xlsform(export_xlsform(form)).definition.to_dict() == form.to_dict()


def test_a_station_bound_read_from_a_workbook_bounds_the_answer():
    def edit(workbook):
        set_cell(
            workbook, survey_row(workbook, "valid"), "pollwatch_max_station", "registered_voters"
        )

    form = import_xlsform(edited_fixture(edit)).definition
    assert form.question("valid").constraint.min == 0
    assert form.question("valid").constraint.max_station == "registered_voters"
    answers = {
        "arrival_time": "07:10",
        "admitted": "yes",
        "voters_in_line": 3,
        "ballots_in_box": 100,
        "valid": 90,
        "invalid": 10,
    }
    result = validate_answers(form, answers, StationFacts("9", {"registered_voters": 50}))
    assert [(e.question, e.reason) for e in result.errors] == [("valid", "above_station_max")]


def test_the_xform_leaves_the_station_bound_to_the_server():
    xform = export_xform(load_definition(sample_form()))
    assert "registered_voters" not in xform and "max_station" not in xform


def test_two_checks_on_one_question_cannot_be_exported():
    data = sample_form()
    data["checks"].append({**data["checks"][0], "code": "again"})
    with pytest.raises(XLSFormError, match="invalid: carries 2 cross-field checks"):
        export_xlsform(load_definition(data))


def set_cell(workbook, row, header, value):
    sheet = workbook["survey"]
    headers = [cell.value for cell in sheet[1]]
    if header not in headers:
        sheet.cell(row=1, column=len(headers) + 1, value=header)
        headers.append(header)
    sheet.cell(row=row, column=headers.index(header) + 1).value = value


@pytest.mark.parametrize(
    ("question", "header", "value", "carried", "warning"),
    [
        ("turnout_share", "relevant", "today() > 3", "relevant", "turnout_share: its relevant"),
        (
            "turnout_share",
            "constraint",
            ". >= 0 and regex(., '[0-9]')",
            "constraint",
            "turnout_share: its constraint",
        ),
        ("valid", "required", "${admitted} = 'yes'", "required", "valid: its required"),
        ("arrival_time", "relevant", "${valid} > 0", "relevant", "arrival_time: its relevant"),
        (
            "refusal_reason",
            "relevant",
            "${admitted} = 'maybe'",
            "relevant",
            "refusal_reason: its relevant",
        ),
    ],
)
def test_what_the_server_cannot_evaluate_is_carried_with_a_warning(
    question, header, value, carried, warning
):
    def edit(workbook):
        set_cell(workbook, survey_row(workbook, question), header, value)

    result = import_xlsform(edited_fixture(edit))
    assert carried in result.definition.question(question).carried
    assert any(warning in note for note in result.warnings), result.warnings


def test_question_types_beyond_the_checklist_are_imported():
    def edit(workbook):
        set_cell(workbook, survey_row(workbook, "voters_in_line"), "type", "geopoint")
        set_cell(workbook, survey_row(workbook, "valid"), "calculation", "${invalid} * 2")

    form = import_xlsform(edited_fixture(edit)).definition
    assert form.question("voters_in_line").type == "geopoint"
    assert form.question("valid").type == "calculate"


def test_a_missing_translation_is_a_warning_and_shows_the_first_language():
    def edit(workbook):
        set_cell(workbook, survey_row(workbook, "valid"), "label::Russian (ru)", None)

    result = import_xlsform(edited_fixture(edit))
    label = result.definition.question("valid").label
    assert label["ru"] == label["en"]
    assert any("no Russian translation" in warning for warning in result.warnings)


@pytest.mark.parametrize(
    ("question", "header", "value", "expected"),
    [
        (
            "valid",
            "pollwatch_max_station",
            "ballots",
            "survey row 16, column L (pollwatch_max_station): 'ballots' is not a figure of a "
            "polling station; use one of registered_voters",
        ),
        (
            "arrival_time",
            "pollwatch_max_station",
            "registered_voters",
            "survey row 5, column L (pollwatch_max_station): not allowed for a time question",
        ),
    ],
)
def test_bad_pollwatch_cells_are_named_by_sheet_row_and_column(question, header, value, expected):
    def edit(workbook):
        set_cell(workbook, survey_row(workbook, question), header, value)

    with pytest.raises(XLSFormError) as raised:
        import_xlsform(edited_fixture(edit))
    assert any(error.startswith(expected) for error in raised.value.errors), raised.value.errors


def test_every_bad_pollwatch_cell_is_reported_at_once():
    def edit(workbook):
        set_cell(workbook, survey_row(workbook, "valid"), "pollwatch_max_station", "ballots")
        set_cell(workbook, survey_row(workbook, "admitted"), "pollwatch_combine", "sometimes")

    with pytest.raises(XLSFormError) as raised:
        import_xlsform(edited_fixture(edit))
    assert len(raised.value.errors) == 2, raised.value.errors


def test_nested_groups_become_sections_with_their_paths():
    def edit(workbook):
        set_cell(workbook, survey_row(workbook, "problems"), "type", "begin group")
        set_cell(workbook, survey_row(workbook, "voters_in_line"), "type", "end group")

    form = import_xlsform(edited_fixture(edit)).definition
    nested = next(s for s in form.sections if s.code == "problems")
    assert nested.ref == "conduct/problems"
    question = form.question("stuffing_details")
    assert nested.path_of(question) == "conduct/problems/stuffing_details"


def test_the_phase_has_a_default_and_can_be_given():
    def edit(workbook):
        workbook["settings"]["E2"] = None

    content = edited_fixture(edit)
    assert import_xlsform(content).definition.phase == "voting"
    assert import_xlsform(content, phase="counting").definition.phase == "counting"


def test_pyxform_rejections_are_reported():
    def edit(workbook):
        set_cell(workbook, survey_row(workbook, "valid"), "relevant", "${ghost} = 1")

    with pytest.raises(XLSFormError, match="pyxform:.*ghost"):
        import_xlsform(edited_fixture(edit))


# The XPath form of conditions ---------------------------------------------------------

CODES = st.sampled_from(["A", "B", "C"])
VALUES = st.one_of(
    st.sampled_from(["yes", "no", "a", "b", "it's"]),
    st.integers(-5, 5),
    st.sampled_from([0.5, -2.25]),
)
TERMS = st.one_of(CODES.map(lambda q: {"q": q}), VALUES.map(lambda v: {"value": v}))
SUMS = st.lists(TERMS, min_size=2, max_size=3).map(lambda args: {"op": "sum", "args": args})
LEAVES = st.one_of(
    st.builds(
        lambda op, q, v: {"op": op, "q": q, "value": v},
        st.sampled_from(["eq", "ne", "gt", "ge", "lt", "le", "selected"]),
        CODES,
        VALUES,
    ),
    st.builds(
        lambda op, left, right: {"op": op, "left": left, "right": right},
        st.sampled_from(["eq", "ne", "gt", "le"]),
        st.one_of(TERMS, SUMS),
        st.one_of(TERMS, SUMS),
    ),
    st.builds(
        lambda q, values: {"op": "in", "q": q, "values": values},
        CODES,
        st.lists(VALUES, min_size=1, max_size=3),
    ),
    CODES.map(lambda q: {"op": "answered", "q": q}),
)
EXPRESSIONS = combined_expressions(LEAVES)
ANSWERS = st.dictionaries(
    CODES, st.one_of(st.none(), VALUES, st.lists(st.sampled_from(["a", "b", "yes"]), max_size=2))
)


@given(EXPRESSIONS, st.lists(ANSWERS, min_size=1, max_size=5))
def test_writing_and_reading_xpath_keeps_the_meaning(expr, answer_sets):
    read_back = to_expression(parse_xpath(to_xpath(expr)))
    for answers in answer_sets:
        assert evaluate(read_back, answers) is evaluate(expr, answers)


@given(EXPRESSIONS)
def test_xpath_reading_is_stable_after_one_round(expr):
    once = to_expression(parse_xpath(to_xpath(expr)))
    assert to_expression(parse_xpath(to_xpath(once))) == once


@pytest.mark.parametrize(
    "text",
    [
        "${a} = ",
        "${a} = 'x' and",
        "count(${a}) > 1",
        "${a} * 2 = 4",
        "(${a} = 'x'",
        "${a} = 'x')",
        "${a}",
        "'yes'",
    ],
)
def test_xpath_outside_the_subset_is_refused(text):
    with pytest.raises(XPathError):
        to_expression(parse_xpath(text))


CELL_VALUES = st.sampled_from(
    [
        "",
        "x",
        "${valid}",
        ". > 1",
        "begin group",
        "end group",
        "select_one nothing",
        "select_multiple problem",
        "integer",
        3,
        2.5,
        "yes_no",
        "label::Klingon",
        "not(",
        "${admitted} = 'x'",
        "note",
        "begin repeat",
        "label::English (en)",
    ]
)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["survey", "choices", "settings"]),
            st.integers(1, 21),
            st.integers(1, 12),
            CELL_VALUES,
        ),
        min_size=1,
        max_size=3,
    )
)
def test_any_edited_workbook_imports_or_is_refused_with_errors(edits):
    def edit(workbook):
        for sheet, row, column, value in edits:
            workbook[sheet].cell(row=row, column=column).value = value

    try:
        import_xlsform(edited_fixture(edit))
    except XLSFormError as error:
        assert error.errors


def renamed_language(old: str, new: str) -> bytes:
    """The fixture with the language headed ``old`` headed ``new`` on every sheet."""

    def edit(workbook):
        for sheet in workbook:
            for cell in sheet[1]:
                if isinstance(cell.value, str) and cell.value.endswith(f"::{old}"):
                    cell.value = cell.value.replace(f"::{old}", f"::{new}")
            for row in sheet.iter_rows(min_row=2):
                for cell in row:
                    if cell.value == old:
                        cell.value = new

    return edited_fixture(edit)


def test_the_forms_own_name_of_a_language_is_kept_and_written_back():
    form = import_xlsform(renamed_language("Russian (ru)", "Русский (ru)")).definition
    assert form.languages == ("en", "ru")
    assert form.language_names == {"ru": "Русский"}
    exported = openpyxl.load_workbook(io.BytesIO(export_xlsform(form)))
    assert "label::Русский (ru)" in [cell.value for cell in exported["survey"][1]]
    assert import_xlsform(export_xlsform(form)).definition == form


def test_a_name_that_is_the_usual_english_one_is_not_stored():
    assert import_xlsform(FIXTURE).definition.language_names == {}


@pytest.mark.parametrize(("header", "code"), [("Kara-Kalpak", "kaa"), ("Mongolian", "mn")])
def test_a_language_named_without_its_code_is_found_beyond_any_fixed_table(header, code):
    form = import_xlsform(renamed_language("Russian (ru)", header)).definition
    assert form.languages == ("en", code)
    assert form.language_names == {}


# What devices make of the XPath pollwatch writes -----------------------------------------

DEVICE_CODES = st.sampled_from(["A", "B"])
TEXT_LEAVES = st.one_of(
    st.builds(
        lambda op, q, v: {"op": op, "q": q, "value": v},
        st.sampled_from(["eq", "ne", "selected"]),
        DEVICE_CODES,
        st.sampled_from(["yes", "no"]),
    ),
    st.builds(
        lambda op, q, v: {"op": op, "q": q, "value": v},
        st.sampled_from(["eq", "ne", "gt", "le"]),
        DEVICE_CODES,
        st.integers(-2, 2),
    ),
    st.builds(
        lambda op: {"op": op, "left": {"q": "A"}, "right": {"q": "B"}},
        st.sampled_from(["eq", "ne"]),
    ),
    DEVICE_CODES.map(lambda q: {"op": "answered", "q": q}),
)
# Each question holds one kind of answer, as on a device: A text, B text, or both numbers.
DEVICE_ANSWERS = st.one_of(
    st.fixed_dictionaries(
        {}, optional={"A": st.sampled_from(["yes", "no"]), "B": st.sampled_from(["yes", "no"])}
    ),
    st.fixed_dictionaries({}, optional={"A": st.integers(-2, 2), "B": st.integers(-2, 2)}),
)


@given(combined_expressions(TEXT_LEAVES), st.lists(DEVICE_ANSWERS, min_size=1, max_size=5))
def test_a_device_reads_the_written_xpath_as_the_server_reads_the_condition(expr, answer_sets):
    """An unanswered question is '' on a device: ``${A} != 'yes'`` is true there, while
    pollwatch's ``ne`` is false for a missing answer, so the XPath must say so."""
    written = parse_xpath(to_xpath(expr))
    for answers in answer_sets:
        assert device_truth(written, answers) is evaluate(expr, answers), (to_xpath(expr), answers)


@pytest.mark.parametrize(
    ("xpath", "answers", "device"),
    [
        ("${A} != 'yes'", {}, True),
        ("${A} != 'yes'", {"A": "no"}, True),
        ("${A} != 'yes'", {"A": "yes"}, False),
        ("${A} = ''", {}, True),
        ("${A} = ''", {"A": "no"}, False),
        ("${A} != ${B}", {"B": "no"}, True),
        ("not(${A} != 'yes') and ${B} != 'no'", {"A": "yes"}, True),
    ],
)
def test_a_form_s_xpath_is_read_with_the_meaning_it_has_on_devices(xpath, answers, device):
    node = parse_xpath(xpath)
    assert device_truth(node, answers) is device
    assert evaluate(to_expression(node), answers) is device
