"""``pollwatch pvt estimate`` on plain CSV files."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.stats.results import results_pvt as ref

REPOSITORY = Path(__file__).resolve().parents[2]

# The two-strata hand case of results_pvt, with a second option "B".
TALLIES = """code,region,valid,A,B
1,a,100,30,70
2,a,100,50,50
3,b,50,20,30
4,b,50,40,10
"""
FRAME = (
    "code,region\n"
    + "".join(f"{i},a\n" for i in range(10))
    + "".join(f"{i},b\n" for i in range(10, 14))
)


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("pvt", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    tallies = tmp_path / "tallies.csv"
    tallies.write_text(TALLIES, encoding="utf-8")
    frame = tmp_path / "frame.csv"
    frame.write_text(FRAME, encoding="utf-8")
    return {"tallies": tallies, "frame": frame, "json": tmp_path / "out.json"}


def estimate(files: dict[str, Path], *extra: str) -> dict:
    run(
        "estimate",
        str(files["tallies"]),
        "--options",
        "A,B",
        "--valid",
        "valid",
        "--json",
        str(files["json"]),
        *extra,
    )
    return json.loads(files["json"].read_text(encoding="utf-8"))


def test_json_holds_stations_estimates_and_comparison(files):
    result = estimate(
        files, "--stratum", "region", "--frame", str(files["frame"]), "--official", "A=0.5,B=0.9"
    )
    assert result["stations"] == 4
    assert set(result["estimates"]) == {"A", "B"}
    assert set(result["estimates"]["A"]) == {"share", "low", "high", "moe"}
    margin = 1.959964 * math.sqrt(ref.TWO_STRATA_WITH_FRAME.variance)
    a = result["estimates"]["A"]
    assert a["share"] == pytest.approx(13 / 30)
    assert a["moe"] == pytest.approx(margin, rel=1e-6)
    assert (a["low"], a["high"]) == pytest.approx((13 / 30 - margin, 13 / 30 + margin))
    assert result["estimates"]["B"]["share"] == pytest.approx(17 / 30)
    assert result["comparison"] == {
        "A": {"official": 0.5, "inside_interval": True},
        "B": {"official": 0.9, "inside_interval": False},
    }
    assert result["left_out"] == []


def test_without_a_frame_rows_weigh_one_and_strata_shape_the_variance(files):
    pooled = estimate(files)["estimates"]["A"]
    stratified = estimate(files, "--stratum", "region")["estimates"]["A"]
    # Weight 1: the share is total votes over total valid votes, 140/300.
    assert pooled["share"] == pytest.approx(140 / 300)
    assert stratified["share"] == pytest.approx(140 / 300)
    assert stratified["moe"] != pytest.approx(pooled["moe"])


def test_confidence_sets_the_interval_width(files):
    at_95 = estimate(files)["estimates"]["A"]["moe"]
    at_99 = estimate(files, "--confidence", "0.99")["estimates"]["A"]["moe"]
    assert at_99 / at_95 == pytest.approx(2.575829 / 1.959964, rel=1e-6)


def test_official_shares_may_be_percentages(files):
    result = estimate(files, "--official", "A=46.5%")
    assert result["comparison"]["A"]["official"] == pytest.approx(0.465)


def test_table_shows_each_option_and_flags_an_official_share_outside(files):
    out, _ = run(
        "estimate", str(files["tallies"]), "--options", "A,B", "--valid", "valid",
        "--official", "B=0.9",
    )  # fmt: skip
    assert "PVT estimate from 4 stations" in out
    a_line = next(line for line in out.splitlines() if line.startswith("A "))
    assert "46.67%" in a_line
    b_line = next(line for line in out.splitlines() if line.startswith("B "))
    assert "official  90.00% OUTSIDE the interval" in b_line


def test_bad_rows_are_reported_by_line_and_left_out(files):
    files["tallies"].write_text(
        TALLIES + "5,a,100,,50\n6,b,10,20,30\n7,atlantis,10,5,5\n", encoding="utf-8"
    )
    _, err = run(
        "estimate", str(files["tallies"]), "--options", "A,B", "--valid", "valid",
        "--stratum", "region", "--frame", str(files["frame"]),
    )  # fmt: skip
    assert "line 6: 'A' is empty; left out" in err
    assert "line 7: votes for the options (50) exceed the valid votes (10); left out" in err
    assert "line 8: stratum 'atlantis' is not in the frame; left out" in err
    result = estimate(files, "--stratum", "region", "--frame", str(files["frame"]))
    assert result["stations"] == 4
    assert [row["line"] for row in result["left_out"]] == [6, 7, 8]
    assert result["estimates"]["A"]["share"] == pytest.approx(13 / 30)


def test_uncovered_and_single_station_strata_are_warned_about(files):
    files["tallies"].write_text(TALLIES.replace("4,b,50,40,10\n", ""), encoding="utf-8")
    frame = FRAME + "99,c\n"
    files["frame"].write_text(frame, encoding="utf-8")
    _, err = run(
        "estimate", str(files["tallies"]), "--options", "A", "--valid", "valid",
        "--stratum", "region", "--frame", str(files["frame"]),
    )  # fmt: skip
    assert "no reporting station in strata c" in err
    assert "one reporting station only in strata b" in err


def test_bootstrap_method_is_reproducible_with_a_seed(files):
    first = estimate(files, "--stratum", "region", "--method", "bootstrap", "--seed", "4")
    second = estimate(files, "--stratum", "region", "--method", "bootstrap", "--seed", "4")
    assert first == second
    assert first["method"] == "bootstrap"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--options", "A,C", "--valid", "valid"], "no column 'C'"),
        (["--options", "A", "--valid", "votes"], "no column 'votes'"),
        (["--options", "A", "--valid", "valid", "--official", "C=0.2"], "not estimated: C"),
        (["--options", "A", "--valid", "valid", "--official", "A=1.5"], "between 0 and 1"),
        (["--options", "A", "--valid", "valid", "--official", "A"], "NAME=SHARE"),
        (["--options", "A", "--valid", "valid", "--confidence", "95"], "strictly between"),
        (["--options", "A,", "--valid", "valid"], "empty column name"),
        (["--options", "A", "--valid", "valid", "--frame-stratum", "region"], "needs --frame"),
        (["--options", "A", "--valid", "valid", "--method", "jackknife"], "invalid choice"),
    ],
)
def test_bad_arguments_are_command_errors(files, extra, message):
    with pytest.raises(CommandError, match=message):
        run("estimate", str(files["tallies"]), *extra)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("code,region,valid,A\n1,a,x,3\n2,a,,4\n", "no usable rows"),
        ("code;region;valid;A\n1;a;10;30\n", "no usable rows"),
    ],
)
def test_unusable_tallies_are_command_errors(files, text, message):
    files["tallies"].write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        run("estimate", str(files["tallies"]), "--options", "A", "--valid", "valid")


def test_missing_tallies_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run("estimate", str(tmp_path / "absent.csv"), "--options", "A", "--valid", "valid")


def test_frame_smaller_than_the_reports_is_a_command_error(files):
    files["frame"].write_text("code,region\n1,a\n2,b\n", encoding="utf-8")
    with pytest.raises(CommandError, match="more reporting stations than the frame lists"):
        run(
            "estimate", str(files["tallies"]), "--options", "A", "--valid", "valid",
            "--stratum", "region", "--frame", str(files["frame"]),
        )  # fmt: skip


def test_console_command_runs_the_estimate(files):
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pollwatch",
            "pvt",
            "estimate",
            str(files["tallies"]),
            "--options",
            "A,B",
            "--valid",
            "valid",
            "--json",
            str(files["json"]),
        ],  # fmt: skip
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "PVT estimate from 4 stations" in completed.stdout
    assert json.loads(files["json"].read_text())["stations"] == 4


def test_console_command_reports_bad_input_without_a_traceback(tmp_path):
    tallies = tmp_path / "bad.csv"
    tallies.write_text("valid,A\nx,1\n", encoding="utf-8")
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pollwatch",
            "pvt",
            "estimate",
            str(tallies),
            "--options",
            "A",
            "--valid",
            "valid",
        ],  # fmt: skip
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1
    assert "line 2: 'valid' is not a whole number" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_tallies_without_any_valid_vote_are_a_command_error(files):
    files["tallies"].write_text("valid,A\n0,0\n0,0\n", encoding="utf-8")
    with pytest.raises(CommandError, match="weighted denominator is zero"):
        run("estimate", str(files["tallies"]), "--options", "A", "--valid", "valid")
