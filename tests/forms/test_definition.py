"""Loading form definitions: the schema and the rules, with errors naming the JSON path."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pollwatch.forms.definition import (
    BallotOption,
    FormDefinitionError,
    load_definition,
    load_definition_file,
)
from pollwatch.forms.library import library_forms
from tests.forms.builders import sample_form


def errors_of(data) -> list[str]:
    with pytest.raises(FormDefinitionError) as raised:
        load_definition(data)
    return raised.value.errors


def test_sample_form_loads_into_dataclasses():
    form = load_definition(sample_form())
    assert form.code == "sample"
    assert [s.code for s in form.sections] == ["general", "figures"]
    assert form.question("box").constraint.max == 1000
    assert form.choice_codes(form.question("stuffing")) == ("yes", "no")
    assert form.choice_codes(form.question("access")) == ("full", "restricted", "expelled")


def test_to_dict_reads_back_unchanged():
    data = sample_form()
    assert load_definition(data).to_dict() == data


def test_a_station_bound_is_loaded_by_its_figure_name():
    form = load_definition(sample_form())
    assert form.question("box").constraint.max_station == "registered_voters"


def test_integer_bound_that_is_not_an_integer_is_named_by_its_path():
    data = sample_form()
    data["sections"][1]["questions"][0]["constraint"]["max"] = 10.5
    assert errors_of(data) == ["sections[1].questions[0].constraint.max: must be an integer"]


def test_a_text_bound_is_reported_once_as_not_an_integer():
    data = sample_form()
    data["sections"][1]["questions"][2]["constraint"]["min"] = "0"
    assert errors_of(data) == ["sections[1].questions[2].constraint.min: must be an integer"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.pop("phase"), "phase: is required"),
        (lambda d: d.update(phase="night"), "phase: 'night' is not one of: opening, voting"),
        (
            lambda d: d["sections"][0]["questions"][1].update(type="rating"),
            "sections[0].questions[1].type: 'rating' is not one of",
        ),
        (
            lambda d: d["sections"][0]["questions"][1].update(colour="red"),
            "sections[0].questions[1].colour: is not a known field",
        ),
        (
            lambda d: d["sections"][0]["questions"][1].update(code="1st"),
            "sections[0].questions[1].code: '1st' must start with a letter",
        ),
        (
            lambda d: (
                d["sections"][0]["questions"][1]["label"].pop("en")
                and d["sections"][0]["questions"][1]["label"].pop("ru")
            ),
            "sections[0].questions[1].label: must not be empty",
        ),
        (
            lambda d: d["sections"][1].update(questions=[]),
            "sections[1].questions: must hold at least 1 item",
        ),
        (
            lambda d: d["sections"][0]["questions"][4].update(relevant={"op": "selected"}),
            "sections[0].questions[4].relevant.q: is required",
        ),
        (
            lambda d: d["sections"][0]["questions"][4].update(relevant={"op": "like", "q": "x"}),
            "sections[0].questions[4].relevant.op: 'like' is not one of",
        ),
        (
            lambda d: d["checks"][0]["rule"]["left"]["args"].append({"qq": "box"}),
            "checks[0].rule.left.args[2].qq: is not a known field",
        ),
        (
            lambda d: d["sections"][0]["questions"][0].update(required="yes"),
            "sections[0].questions[0].required: must be true or false",
        ),
        (
            lambda d: d["sections"][1]["questions"][0]["constraint"].update(max_station=5),
            "sections[1].questions[0].constraint.max_station: must be a string",
        ),
    ],
)
def test_schema_errors_name_the_path_and_reason(change, expected):
    data = sample_form()
    change(data)
    assert any(error.startswith(expected) for error in errors_of(data)), errors_of(data)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["sections"][1]["questions"][1].update(code="box"),
            "sections[1].questions[1].code: 'box' is already used by sections[1].questions[0]",
        ),
        (
            lambda d: d["sections"][0]["questions"][2].update(choices="nothing"),
            "sections[0].questions[2].choices: no choice list named 'nothing'",
        ),
        (
            lambda d: d["sections"][0]["questions"][2].pop("choices"),
            "sections[0].questions[2].choices: is required for a single_choice question",
        ),
        (
            lambda d: d["sections"][0]["questions"][1].update(choices="access"),
            "sections[0].questions[1].choices: not allowed for a yes_no question",
        ),
        (
            lambda d: d["sections"][0]["questions"][1]["label"].pop("ru"),
            "sections[0].questions[1].label: has no text in ru",
        ),
        (
            lambda d: d["title"].update(de="Muster"),
            "title: has text in de, not a language of the form",
        ),
        (
            lambda d: d["sections"][0]["questions"][0].update(constraint={"min": 1}),
            "sections[0].questions[0].constraint.min: not allowed for a time question",
        ),
        (
            lambda d: d["sections"][1]["questions"][0].update(constraint={"min": 5, "max": 1}),
            "sections[1].questions[0].constraint.min: must not exceed max (1)",
        ),
        (
            lambda d: d["sections"][0]["questions"][4]["constraint"].update(
                max_station="registered_voters"
            ),
            "sections[0].questions[4].constraint.max_station: not allowed for a text question",
        ),
        (
            lambda d: d["sections"][1]["questions"][0]["constraint"].update(max_station="ballots"),
            "sections[1].questions[0].constraint.max_station: 'ballots' is not a figure of a "
            "polling station; use one of registered_voters",
        ),
        (
            lambda d: d["sections"][0]["questions"][4].update(
                relevant={"op": "eq", "q": "box", "value": 1}
            ),
            "sections[0].questions[4].relevant: refers to 'box', which does not come before it",
        ),
        (
            lambda d: d["sections"][0]["questions"][4].update(
                relevant={"op": "eq", "q": "ghost", "value": 1}
            ),
            "sections[0].questions[4].relevant: refers to 'ghost', which is not a question",
        ),
        (
            lambda d: d["sections"][0]["questions"][4].update(
                relevant={"op": "eq", "q": "stuffing", "value": "maybe"}
            ),
            "sections[0].questions[4].relevant: 'maybe' is not an answer to yes_no question",
        ),
        (
            lambda d: d["sections"][0]["questions"][4].update(
                relevant={"op": "in", "q": "access", "values": ["full", "partial"]}
            ),
            "sections[0].questions[4].relevant: 'partial' is not a choice of question 'access'",
        ),
        (
            lambda d: d["checks"][0].update(question="nowhere"),
            "checks[0].question: no question with code 'nowhere'",
        ),
        (
            lambda d: d["checks"][0]["rule"].update(right={"q": "ghost"}),
            "checks[0].rule: refers to 'ghost', which is not a question of the form",
        ),
        (
            lambda d: d["sections"][1]["questions"][3].update(choices="problems"),
            "sections[1].questions[3].assessment: the choices must be the four-point scale",
        ),
        (
            lambda d: d["sections"][1]["questions"][0].update(per_ballot_option=True),
            "checks[0].rule: per-ballot-option question 'box' can only be an argument of sum",
        ),
        (
            lambda d: d["choice_lists"].update(
                yes_no=[{"code": "y", "label": {"en": "Y", "ru": "Д"}}]
            ),
            "choice_lists.yes_no: the name is reserved for yes_no questions",
        ),
    ],
)
def test_rule_errors_name_the_path_and_reason(change, expected):
    data = sample_form()
    change(data)
    assert any(error.startswith(expected) for error in errors_of(data)), errors_of(data)


def test_every_error_is_reported_not_only_the_first():
    data = sample_form()
    data["sections"][1]["questions"][0]["constraint"]["max"] = "many"
    data["sections"][0]["questions"][1]["type"] = "rating"
    assert len(errors_of(data)) == 2


def test_invalid_json_file_names_line_and_column(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format": 1,\n  "code": }', encoding="utf-8")
    with pytest.raises(FormDefinitionError, match=r"broken.json line 2 column 11"):
        load_definition_file(path)


def test_binding_ballot_options_expands_votes_and_the_sums():
    form = library_forms()["pvt_form2"]
    assert form.needs_ballot_options
    bound = form.bind_ballot_options(
        [BallotOption("a", {"en": "Alpha", "ru": "Альфа"}), BallotOption("b", {"en": "Beta"})]
    )
    assert not bound.needs_ballot_options
    assert bound.question("votes_a").label == {
        "en": "Votes for Alpha",
        "ru": "Голосов за: Альфа",
        "tr": "Alpha lehine kullanılan oy sayısı",
    }
    assert bound.question("votes_b").label["ru"] == "Голосов за: Beta"
    check = next(c for c in bound.checks if c.code == "votes_add_up_to_valid")
    assert check.rule["left"]["args"] == [{"q": "votes_a"}, {"q": "votes_b"}]


def test_binding_rejects_option_codes_that_cannot_be_question_codes():
    form = library_forms()["pvt_form2"]
    with pytest.raises(ValueError, match="letters, digits and _ only"):
        form.bind_ballot_options([BallotOption("a b", {"en": "A"})])


def test_schema_file_is_a_valid_json_schema():
    import jsonschema

    from pollwatch.forms.definition import SCHEMA_FILE

    jsonschema.Draft202012Validator.check_schema(json.loads(SCHEMA_FILE.read_text()))


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(allow_nan=False)
    | st.sampled_from(["", "x", "yes", "A1", "box", "sum", "eq", "integer", "en"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["op", "q", "value", "args", "en", "code", "min"]), inner, max_size=3
        )
    ),
    max_leaves=8,
)


def _containers(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*path, key)
            yield from _containers(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield (*path, index)
            yield from _containers(value, (*path, index))


@settings(max_examples=150, deadline=None)
@given(st.data(), JSON)
def test_any_change_to_a_definition_loads_or_is_reported_never_crashes(data, replacement):
    form = sample_form()
    path = data.draw(st.sampled_from(list(_containers(form))))
    parent = form
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = replacement
    try:
        load_definition(form)
    except FormDefinitionError as error:
        assert error.errors and all(": " in message for message in error.errors)
