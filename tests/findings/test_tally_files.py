"""Reading PVT tallies and sampling frames from CSV files."""

from __future__ import annotations

import csv
import io
import math
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pollwatch.findings.tally_files import (
    TallyFileError,
    match_frame,
    read_frame,
    read_tallies,
)


def write(tmp_path: Path, text: str, name: str = "tallies.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_rows_are_read_with_their_line_numbers(tmp_path):
    path = write(tmp_path, "region,valid,A,B\nnorth,100,60,40\nsouth,50,20,25\n")
    tallies = read_tallies(path, ["A", "B"], "valid", "region")
    assert tallies.votes.tolist() == [[60, 40], [20, 25]]
    assert tallies.valid.tolist() == [100, 50]
    assert tallies.strata is not None and tallies.strata.tolist() == ["north", "south"]
    assert tallies.lines.tolist() == [2, 3]
    assert tallies.rejected == ()


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("north,100,,40", "'A' is empty"),
        ("north,100,6O,40", "'A' is not a whole number: '6O'"),
        ("north,100,60.5,40", "'A' is not a whole number"),
        ("north,100,-3,40", "'A' is negative: -3"),
        ("north,,60,40", "'valid' is empty"),
        ("north,100,70,40", "votes for the options (110) exceed the valid votes (100)"),
        (",100,60,40", "'region' is empty"),
        ("north,100,60", "3 fields where the header has 4"),
    ],
)
def test_bad_rows_are_left_out_with_line_and_reason(tmp_path, row, reason):
    path = write(tmp_path, f"region,valid,A,B\nnorth,100,60,40\n{row}\nsouth,10,5,5\n")
    tallies = read_tallies(path, ["A", "B"], "valid", "region")
    assert tallies.stations == 2
    assert tallies.lines.tolist() == [2, 4]
    assert len(tallies.rejected) == 1
    assert tallies.rejected[0].line == 3
    assert reason in tallies.rejected[0].reason


def test_all_problems_of_a_row_are_reported_together(tmp_path):
    path = write(tmp_path, "valid,A,B\n100,x,-1\n10,5,5\n")
    (rejected,) = read_tallies(path, ["A", "B"], "valid").rejected
    assert "'A' is not a whole number" in rejected.reason
    assert "'B' is negative" in rejected.reason


def test_line_numbers_count_physical_lines_of_quoted_fields(tmp_path):
    path = write(tmp_path, 'name,valid,A\n"two\nline name",10,5\nx,10,zz\n')
    tallies = read_tallies(path, ["A"], "valid")
    assert tallies.lines.tolist() == [2]
    assert [row.line for row in tallies.rejected] == [4]


def test_an_open_quote_is_reported_on_the_row_that_swallows_the_rest(tmp_path):
    path = write(tmp_path, 'name,valid,A\n"north,10,5\nsouth,10,5\nwest,10,5\n')
    with pytest.raises(TallyFileError, match=r"line 2: 1 fields .*\(a quote left open"):
        read_tallies(path, ["A"], "valid")


def test_blank_lines_are_not_stations(tmp_path):
    path = write(tmp_path, "valid,A\n10,5\n\n12,6\n\n")
    tallies = read_tallies(path, ["A"], "valid")
    assert tallies.lines.tolist() == [2, 4]
    assert tallies.rejected == ()


def test_semicolons_and_a_byte_order_mark_are_understood(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffregion;valid;A\nnorth;10;4\n".encode())
    tallies = read_tallies(path, ["A"], "valid", "region")
    assert tallies.votes.tolist() == [[4]]


@pytest.mark.parametrize(
    ("text", "options", "message"),
    [
        ("valid,A\n10,5\n", ["B"], "no column 'B'; the columns are: valid, A"),
        ("", ["A"], "the file is empty"),
        ("valid,A\n", ["A"], "no usable rows"),
        ("valid,A\n10,x\n", ["A"], "no usable rows (1 left out); line 2: 'A' is not a whole"),
        ("valid,A,A\n10,5,5\n", ["A"], "several columns named 'A'"),
        ("valid,A\n10,5\n", ["A", "A"], "columns named more than once: A"),
        ("valid,A\n10,5\n", ["valid"], "columns named more than once: valid"),
    ],
)
def test_unusable_files_raise_a_clear_error(tmp_path, text, options, message):
    with pytest.raises(TallyFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_tallies(write(tmp_path, text), options, "valid")


def test_missing_and_non_utf8_files_raise_a_clear_error(tmp_path):
    with pytest.raises(TallyFileError, match="no such file"):
        read_tallies(tmp_path / "absent.csv", ["A"], "valid")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("valid,Ä\n10,5\n".encode("latin-1"))
    with pytest.raises(TallyFileError, match="not valid UTF-8"):
        read_tallies(latin, ["A"], "valid")


def test_frame_counts_stations_per_stratum(tmp_path):
    path = write(tmp_path, "code,region\n1,north\n2,north\n3,south\n", "frame.csv")
    assert read_frame(path, "region") == {"north": 2, "south": 1}
    assert read_frame(path) == {"all": 3}


def test_frame_rows_without_a_stratum_are_an_error_with_lines(tmp_path):
    path = write(tmp_path, "code,region\n1,north\n2,\n3,south\n4\n", "frame.csv")
    with pytest.raises(TallyFileError, match="on lines 3, 5"):
        read_frame(path, "region")


def test_rows_from_strata_outside_the_frame_are_left_out(tmp_path):
    path = write(tmp_path, "region,valid,A\nnorth,10,5\natlantis,10,5\nsouth,8,2\n")
    tallies = match_frame(read_tallies(path, ["A"], "valid", "region"), {"north": 5, "south": 5})
    assert tallies.lines.tolist() == [2, 4]
    assert [(row.line, row.reason) for row in tallies.rejected] == [
        (3, "stratum 'atlantis' is not in the frame")
    ]


def test_more_reports_than_frame_stations_is_an_error(tmp_path):
    path = write(tmp_path, "region,valid,A\nnorth,10,5\nnorth,10,5\n")
    with pytest.raises(TallyFileError, match=r"north \(2 reporting, 1 in the frame\)"):
        match_frame(read_tallies(path, ["A"], "valid", "region"), {"north": 1})
    with pytest.raises(TallyFileError, match="frame lists only 1"):
        match_frame(read_tallies(path, ["A"], "valid"), {"all": 1})


def test_a_stratified_frame_needs_the_tallies_stratum(tmp_path):
    path = write(tmp_path, "valid,A\n10,5\n")
    with pytest.raises(TallyFileError, match="name the tallies' stratum column"):
        match_frame(read_tallies(path, ["A"], "valid"), {"north": 3, "south": 3})


# Every example overwrites the same file in the test's directory.
REUSES_TMP_PATH = [HealthCheck.function_scoped_fixture]
counts = st.integers(min_value=0, max_value=10**6)
cells = st.one_of(
    counts.map(str),
    st.text(alphabet=string.printable, max_size=6),
    st.integers(min_value=-50, max_value=-1).map(str),
)


def csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["valid", "A", "B"])
    writer.writerows(rows)
    return buffer.getvalue()


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(counts, counts, counts), min_size=1, max_size=30))
def test_well_formed_rows_round_trip(tmp_path, rows):
    fixed = [[str(a + b + extra), str(a), str(b)] for a, b, extra in rows]
    tallies = read_tallies(write(tmp_path, csv_text(fixed)), ["A", "B"], "valid")
    assert tallies.rejected == ()
    assert tallies.votes.tolist() == [[a, b] for a, b, _ in rows]
    assert tallies.valid.tolist() == [a + b + extra for a, b, extra in rows]


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(cells, min_size=3, max_size=3), min_size=1, max_size=20))
def test_every_row_is_either_used_or_reported(tmp_path, rows):
    text = csv_text([["10", "5", "5"], *rows])
    tallies = read_tallies(write(tmp_path, text), ["A", "B"], "valid")
    used = set(tallies.lines.tolist())
    reported = {row.line for row in tallies.rejected}
    assert not used & reported
    assert 2 in used
    data_lines = {
        start for start, row in _rows_with_lines(text) if any(field.strip() for field in row)
    }
    assert used | reported == data_lines


def _rows_with_lines(text: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    found, line = [], 1
    for row in reader:
        found.append((line + 1, row))
        line = reader.line_num
    return found


WEIGHT_CELLS = st.one_of(
    st.floats(min_value=0.0, max_value=1e6).map(repr),
    st.sampled_from(["1", "1.0000000001", "0.9999999999", "inf", "nan", "", " 2.5 ", "1_000"]),
    st.text(alphabet="0123456789.e-+ _naif", max_size=6),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cells=st.lists(WEIGHT_CELLS, min_size=1, max_size=6))
def test_a_weight_is_read_as_python_reads_a_number_and_must_be_at_least_one(tmp_path, cells):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["A", "valid", "weight"])
    writer.writerows(["1", "2", cell] for cell in cells)
    path = write(tmp_path, buffer.getvalue())

    def weight(cell: str) -> float | None:
        try:
            value = float(cell.strip())
        except ValueError:
            return None
        return value if math.isfinite(value) and value >= 1.0 - 1e-9 else None

    expected = [(line, weight(cell)) for line, cell in enumerate(cells, start=2)]
    wanted = [(line, value) for line, value in expected if value is not None]
    if not wanted:
        with pytest.raises(TallyFileError, match="no usable rows"):
            read_tallies(path, ["A"], "valid", weight="weight")
        return
    tallies = read_tallies(path, ["A"], "valid", weight="weight")
    assert tallies.lines.tolist() == [line for line, _ in wanted]
    assert tallies.weights is not None
    assert tallies.weights.tolist() == [value for _, value in wanted]
    assert [row.line for row in tallies.rejected] == [
        line for line, value in expected if value is None
    ]
