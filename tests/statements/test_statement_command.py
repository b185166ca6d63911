import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REPOSITORY = Path(__file__).resolve().parents[2]


def run_check(*arguments):
    out, err = StringIO(), StringIO()
    call_command("statement", "check", *map(str, arguments), stdout=out, stderr=err)
    return out.getvalue()


def test_check_writes_the_documented_json_without_a_database(tmp_path):
    output = tmp_path / "check.json"

    run_check(
        FIXTURES / "biased_ru.txt",
        "--stations-observed",
        59,
        "--stations-total",
        5273,
        "--areas-observed",
        6,
        "--areas-total",
        85,
        "--not-random",
        "--days-in-country",
        2,
        "--json",
        output,
    )

    document = json.loads(output.read_text(encoding="utf-8"))
    assert set(document) == {"claims", "criteria"}
    for claim in document["claims"]:
        assert set(claim) == {"sentence", "kind", "supported", "reason", "suggestion"}
        assert claim["supported"] is False
        assert "выбраны не случайно" in claim["reason"]
    for criterion in document["criteria"]:
        assert set(criterion) == {"name", "met", "evidence"}
        assert isinstance(criterion["met"], bool)
    first = document["claims"][0]
    assert first["sentence"].startswith("Выборы были свободными и справедливыми")
    assert first["kind"] == "free_and_fair"


def test_human_readable_output_lists_flags_and_criteria():
    text = run_check(
        FIXTURES / "random_no_findings_en.txt",
        "--stations-observed",
        59,
        "--stations-total",
        5273,
        "--random",
    )

    # "Voting was calm in the polling stations observed" is a claim too, limited to
    # the stations observed and so supported.
    assert "Categorical claims: 2 found, 1 not supported" in text
    assert "say instead: Observers recorded no violations in the 59 polling stations" in text
    assert "under 5.0% of all polling stations" in text
    assert "Criteria of a credible statement:" in text


def test_credible_statement_has_no_flags():
    text = run_check(
        FIXTURES / "credible_en.txt",
        "--stations-observed",
        412,
        "--stations-total",
        5273,
        "--random",
        "--days-in-country",
        42,
        "--long-term-observers",
    )

    assert "not supported by the coverage given" in text
    assert "FLAG" not in text
    assert "6 of 6 met" in text


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--stations-observed", "60", "--stations-total", "59"], "exceed the total"),
        (["--stations-observed", "-3"], "negative"),
        (["--days-in-country", "two"], "not a whole number"),
        (["--random", "--not-random"], "not allowed with argument"),
    ],
)
def test_inconsistent_options_are_command_errors(arguments, message):
    with pytest.raises(CommandError, match=message):
        run_check(FIXTURES / "biased_en.txt", *arguments)


def test_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run_check(tmp_path / "absent.txt")


def test_a_file_that_is_not_utf8_names_the_line(tmp_path):
    statement = tmp_path / "cp1251.txt"
    statement.write_bytes("First line.\nВыборы прошли прозрачно.\n".encode("cp1251"))

    with pytest.raises(CommandError, match="line 2 is not UTF-8"):
        run_check(statement)


def test_the_pollwatch_command_runs_the_check(tmp_path):
    environment = {
        **os.environ,
        "POLLWATCH_DATA_DIR": str(tmp_path / "data"),
        "POLLWATCH_SECRET_KEY": "test-only",
        "PYTHONPATH": str(REPOSITORY),
    }
    output = tmp_path / "out.json"

    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pollwatch",
            "statement",
            "check",
            str(FIXTURES / "biased_en.txt"),
            "--stations-observed",
            "59",
            "--not-random",
            "--json",
            str(output),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment,
        check=False,
        timeout=60,
    )

    assert completed.returncode == 0, completed.stderr
    assert "FLAG" in completed.stdout
    assert not (tmp_path / "data" / "pollwatch.sqlite3").exists()
    assert len(json.loads(output.read_text(encoding="utf-8"))["claims"]) == 8
