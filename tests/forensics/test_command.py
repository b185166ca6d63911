import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.forensics.conftest import EXTRACTS, SIMPLE_HEADER


def run(*args):
    out = StringIO()
    call_command("forensics", *map(str, args), "--no-progress", stdout=out)
    return out.getvalue()


def test_report_on_a_russian_file_needs_no_mapping(tmp_path):
    output = run("report", EXTRACTS["2011"], "--out", tmp_path / "out")
    data = json.loads((tmp_path / "out" / "results.json").read_text("utf-8"))
    assert "ЕДИНАЯ РОССИЯ" in data["leader"]
    assert (tmp_path / "out" / "report.html").exists()
    assert "250 stations analysed" in output


def generic_file(tmp_path):
    rows = "".join(
        f"north,{i},{900 + i},10,{500 + i},{490 + i},20,{300 + i},190\n" for i in range(40)
    )
    path = tmp_path / "results.csv"
    path.write_text(SIMPLE_HEADER + rows, encoding="utf-8")
    return path


def test_columns_can_be_named_by_options(tmp_path):
    path = generic_file(tmp_path)
    run(
        "report", path, "--out", tmp_path / "out",
        "--registered", "registered", "--given", "issued_early", "--given", "issued_today",
        "--valid", "valid", "--invalid", "invalid", "--option", "A", "--option", "B",
        "--area", "area", "--station", "station",
    )  # fmt: skip
    data = json.loads((tmp_path / "out" / "results.json").read_text("utf-8"))
    assert data["leader"] == "A" and data["given"] == sum(510 + i for i in range(40))


def test_columns_can_be_named_by_a_toml_file_and_options_override_it(tmp_path):
    path = generic_file(tmp_path)
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        'registered = "registered"\ngiven = ["issued_today"]\nvalid = "valid"\n'
        'invalid = "invalid"\noptions = ["A", "B"]\n',
        encoding="utf-8",
    )
    run(
        "report",
        path,
        "--map",
        mapping,
        "--given",
        "issued_early",
        "--given",
        "issued_today",
        "--out",
        tmp_path / "o",
    )
    data = json.loads((tmp_path / "o" / "results.json").read_text("utf-8"))
    assert data["given"] == sum(510 + i for i in range(40))
    assert data["areas"] is None


def test_unrecognised_file_is_a_command_error(tmp_path):
    path = generic_file(tmp_path)
    with pytest.raises(CommandError, match="not recognised.*--map"):
        run("report", path, "--out", tmp_path / "out")


def test_bad_mapping_file_is_a_command_error(tmp_path):
    mapping = tmp_path / "map.toml"
    mapping.write_text("[columns\n")
    with pytest.raises(CommandError, match="map.toml: the mapping file is not valid TOML"):
        run("report", generic_file(tmp_path), "--map", mapping, "--out", tmp_path / "out")


def test_missing_area_level_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="area level 5"):
        run("report", EXTRACTS["2018"], "--out", tmp_path / "out", "--area-level", "5")


def test_bad_rows_are_listed_with_their_lines(tmp_path):
    path = generic_file(tmp_path)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("north,99,1000,10,590,580,20,-3,280\n")
    err = StringIO()
    call_command(
        "forensics", "report", str(path), "--out", str(tmp_path / "o"), "--no-progress",
        "--registered", "registered", "--given", "issued_today", "--valid", "valid",
        "--option", "A", "--option", "B", stdout=StringIO(), stderr=err,
    )  # fmt: skip
    assert "line 42: 'A' is negative (left out)" in err.getvalue()


def test_file_without_usable_rows_is_a_command_error(tmp_path):
    path = tmp_path / "results.csv"
    path.write_text(SIMPLE_HEADER + "north,1,x,10,590,580,20,300,280\n", encoding="utf-8")
    with pytest.raises(
        CommandError, match="no usable station.*line 2: 'registered' is not a number"
    ):
        run(
            "report", path, "--out", tmp_path / "o", "--registered", "registered",
            "--given", "issued_today", "--valid", "valid", "--option", "A",
        )  # fmt: skip


def tally_file(tmp_path, stations=60):
    # Observers' tally sheets: registered voters and the options, nothing else.
    rows = "".join(
        f"{'north' if i % 2 else 'south'},{i},{900 + 7 * i},{300 + 3 * i},{200 + i},{90 + i % 7}\n"
        for i in range(stations)
    )
    path = tmp_path / "tally.csv"
    path.write_text("district,station,voters,A,B,C\n" + rows, encoding="utf-8")
    return path


def test_tally_sheets_run_with_valid_votes_derived_and_turnout_tests_not_run(tmp_path):
    output = run(
        "report", tally_file(tmp_path), "--out", tmp_path / "out",
        "--registered", "voters", "--option", "A", "--option", "B", "--option", "C",
        "--area", "district", "--station", "station", "--derive", "valid=sum",
    )  # fmt: skip
    data = json.loads((tmp_path / "out" / "results.json").read_text("utf-8"))
    assert data["received"] == sum(590 + 4 * i + i % 7 for i in range(60))
    assert data["turnout"] is None and data["derived"] == ["valid"]
    assert set(data["missing_figures"]) == {"given", "valid", "invalid"}
    not_run = {r["test"]: r["not_run"] for r in data["readings"] if r["not_run"]}
    assert "ballots-issued column" in not_run["Turnout and leader share"]
    assert "Shape of the turnout distribution" in not_run
    assert "Not run: Turnout and leader share: the file has no ballots-issued column" in output
    # The integer test runs on the leader's share alone.
    assert list(data["integer_percentages"]["observed"]) == ["leader"]
    assert [t["test"] for t in data["headline"]["tests"]][0] == "Integer percentages"
    page = (tmp_path / "out" / "report.html").read_text("utf-8")
    assert "<p><strong>Not run.</strong></p>" in page and "not in the file" in page


def test_tally_sheets_without_derivation_name_the_missing_column_and_the_fix(tmp_path):
    with pytest.raises(CommandError) as error:
        run(
            "report", tally_file(tmp_path), "--out", tmp_path / "out",
            "--registered", "voters", "--option", "A", "--option", "B",
        )  # fmt: skip
    assert "not valid" in str(error.value) and "--derive valid=sum" in str(error.value)
    assert "Russian" not in str(error.value)


def test_headline_names_holm_and_the_number_of_tests(tmp_path):
    output = run("report", EXTRACTS["2018"], "--out", tmp_path / "out")
    assert "family-wise 5% level over" in output and "Holm's method" in output
