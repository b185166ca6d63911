"""The same table of condition cases, evaluated by the server and by the browser code."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pollwatch.forms.conditions import evaluate, references, rename_references
from tests.forms.builders import combined_expressions
from tests.pg_plugin import skip_or_fail

REPOSITORY = Path(__file__).resolve().parents[2]
CASES_FILE = Path(__file__).with_name("condition_cases.json")
CONDITIONS_JS = REPOSITORY / "pollwatch" / "static" / "forms" / "conditions.js"
CASES = json.loads(CASES_FILE.read_text(encoding="utf-8"))["cases"]

NODE_EVALUATOR = """
const conditions = require(process.argv[1]);
let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const cases = JSON.parse(input);
  const results = cases.map((c) => conditions.evaluate(c.expr, c.answers));
  process.stdout.write(JSON.stringify(results));
});
"""


def evaluate_in_node(cases: list[dict]) -> list[bool]:
    node = shutil.which("node")
    if node is None:
        skip_or_fail("node is not installed")
    completed = subprocess.run(
        [node, "-e", NODE_EVALUATOR, str(CONDITIONS_JS)],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(completed.stdout)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_server_evaluates_case_as_tabled(case):
    assert evaluate(case["expr"], case["answers"]) is case["expected"]


def test_browser_code_evaluates_every_case_as_tabled():
    results = evaluate_in_node(CASES)
    mismatches = [
        case["name"]
        for case, result in zip(CASES, results, strict=True)
        if result is not case["expected"]
    ]
    assert mismatches == []


def test_case_table_covers_every_operator():
    used = {op for case in CASES for op in _operators(case["expr"])}
    assert used >= {
        "and",
        "or",
        "not",
        "answered",
        "eq",
        "ne",
        "gt",
        "ge",
        "lt",
        "le",
        "in",
        "selected",
        "sum",
    }


def _operators(expr):
    if isinstance(expr, dict):
        if "op" in expr:
            yield expr["op"]
        for value in expr.values():
            yield from _operators(value)
    elif isinstance(expr, list):
        for item in expr:
            yield from _operators(item)


CODES = st.sampled_from(["A", "B", "C"])
SCALARS = st.one_of(
    st.sampled_from(["yes", "no", "a", "b", "", "07:30", "5"]),
    st.integers(-3, 3),
    st.sampled_from([0.5, 2.0, -1.5]),
)
ANSWER_VALUES = st.one_of(
    st.none(), SCALARS, st.lists(st.sampled_from(["a", "b", "c"]), max_size=3)
)
ANSWERS = st.dictionaries(CODES, ANSWER_VALUES, max_size=3)
TERMS = st.recursive(
    st.one_of(CODES.map(lambda q: {"q": q}), SCALARS.map(lambda v: {"value": v})),
    lambda inner: st.lists(inner, max_size=3).map(lambda args: {"op": "sum", "args": args}),
    max_leaves=4,
)
LEAVES = st.one_of(
    st.builds(
        lambda op, q, v: {"op": op, "q": q, "value": v},
        st.sampled_from(["eq", "ne", "gt", "ge", "lt", "le", "selected"]),
        CODES,
        SCALARS,
    ),
    st.builds(
        lambda op, left, right: {"op": op, "left": left, "right": right},
        st.sampled_from(["eq", "ne", "gt", "ge", "lt", "le"]),
        TERMS,
        TERMS,
    ),
    st.builds(
        lambda q, values: {"op": "in", "q": q, "values": values},
        CODES,
        st.lists(SCALARS, min_size=1, max_size=3),
    ),
    CODES.map(lambda q: {"op": "answered", "q": q}),
)
EXPRESSIONS = combined_expressions(LEAVES)


def test_server_and_browser_agree_on_generated_expressions():
    generated: list[dict] = []

    @settings(max_examples=300, database=None, suppress_health_check=list(HealthCheck))
    @given(EXPRESSIONS, ANSWERS)
    def collect(expr, answers):
        generated.append({"expr": expr, "answers": answers, "expected": evaluate(expr, answers)})

    collect()
    browser = evaluate_in_node(generated)
    disagreements = [
        case
        for case, result in zip(generated, browser, strict=True)
        if result is not case["expected"]
    ]
    assert disagreements == []


@given(EXPRESSIONS, ANSWERS)
def test_not_negates_every_expression(expr, answers):
    assert evaluate({"op": "not", "arg": expr}, answers) is (not evaluate(expr, answers))


def test_references_lists_codes_in_order_of_appearance():
    expr = {
        "op": "and",
        "args": [
            {
                "op": "eq",
                "left": {"op": "sum", "args": [{"q": "v"}, {"q": "inv"}]},
                "right": {"q": "box"},
            },
            {"op": "not", "arg": {"op": "answered", "q": "v"}},
        ],
    }
    assert references(expr) == ["v", "inv", "box"]


def test_rename_references_expands_a_sum_term_into_one_term_per_option():
    expr = {
        "op": "eq",
        "left": {"op": "sum", "args": [{"q": "votes"}, {"q": "invalid"}]},
        "right": {"q": "box"},
    }
    expanded = rename_references(expr, {"votes": ["votes_a", "votes_b"]})
    assert expanded["left"]["args"] == [{"q": "votes_a"}, {"q": "votes_b"}, {"q": "invalid"}]
    assert evaluate(expanded, {"votes_a": 3, "votes_b": 4, "invalid": 1, "box": 8})


def test_unknown_operator_names_the_valid_ones():
    with pytest.raises(ValueError, match="valid ones: and, or"):
        evaluate({"op": "xor", "args": []}, {})


BROWSER_GLOBAL = """
const fs = require("fs");
const vm = require("vm");
const page = { self: {} };
page.self = page;
vm.createContext(page);
vm.runInContext(fs.readFileSync(process.argv[1], "utf8"), page);
const result = page.PollwatchConditions.evaluate(
  { op: "eq", q: "A1", value: "yes" }, { A1: "yes" });
process.stdout.write(JSON.stringify({ result, hasModule: typeof page.module }));
"""


def test_browser_code_defines_a_global_when_loaded_by_a_script_tag():
    node = shutil.which("node")
    if node is None:
        skip_or_fail("node is not installed")
    completed = subprocess.run(
        [node, "-e", BROWSER_GLOBAL, str(CONDITIONS_JS)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert json.loads(completed.stdout) == {"result": True, "hasModule": "undefined"}
