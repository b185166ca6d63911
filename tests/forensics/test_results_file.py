import csv
import io
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from pollwatch.forensics.results_file import (
    ColumnMapping,
    ResultsFileError,
    load_results,
    mapping_from_dict,
    parse_derivations,
    read_mapping_toml,
    recognise_russian_protocol,
)
from tests.forensics.conftest import EXTRACTS, SIMPLE_HEADER, SIMPLE_MAPPING

GOOD_ROW = "north,1,1000,10,590,580,20,300,280\n"


def reasons(results):
    return [(b.line, b.reason, b.excluded) for b in results.bad_rows]


def test_mapped_columns_load_and_given_columns_add_up(simple_csv):
    path = simple_csv(GOOD_ROW + "south,2,500,0,300,290,10,100,190\n")
    results = load_results(path, SIMPLE_MAPPING)
    assert results.station_count == 2 and results.rows_read == 2
    assert results.given.tolist() == [600, 300]
    assert results.received.tolist() == [600, 300]
    assert results.votes.tolist() == [[300, 280], [100, 190]]
    assert results.areas[0].tolist() == ["north", "south"]
    assert results.stations.tolist() == ["1", "2"]
    assert results.lines.tolist() == [2, 3]
    assert results.bad_rows == ()


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("north,1,,10,590,580,20,300,280\n", "'registered' is empty"),
        ("north,1,1000,10,590,580,20,abc,280\n", "'A' is not a number"),
        ("north,1,1000,10,590,580,20,300.5,280\n", "'A' is not a whole number"),
        ("north,1,1000,-10,590,580,20,300,280\n", "'issued_early' is negative"),
        ("north,1,1000,10,590,580\n", "has 6 cells, the header has 9"),
    ],
)
def test_unusable_rows_are_reported_with_line_and_left_out(simple_csv, row, reason):
    results = load_results(simple_csv(GOOD_ROW + row + GOOD_ROW), SIMPLE_MAPPING)
    assert results.station_count == 2
    assert results.lines.tolist() == [2, 4]
    [(line, text, excluded)] = reasons(results)
    assert line == 3 and reason in text and excluded


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (
            "north,1,500,10,590,580,20,300,280\n",
            "more ballots issued (600) than registered voters (500)",
        ),
        (
            "north,1,1000,10,590,700,20,400,300\n",
            "more valid votes (700) than ballots issued (600)",
        ),
    ],
)
def test_impossible_rows_are_reported_but_kept(simple_csv, row, reason):
    results = load_results(simple_csv(GOOD_ROW + row), SIMPLE_MAPPING)
    assert results.station_count == 2
    assert reasons(results) == [(3, reason, False)]


def test_whole_numbers_written_as_decimals_are_accepted(simple_csv):
    results = load_results(simple_csv("north,1,1000.0,10,590, 580 ,20,300,280\n"), SIMPLE_MAPPING)
    assert results.bad_rows == () and results.registered.tolist() == [1000]


def test_line_numbers_count_line_breaks_inside_quoted_cells(simple_csv):
    body = '"north\nside",1,1000,10,590,580,20,300,280\n' + "north,2,1000,10,590,580,20,x,280\n"
    results = load_results(simple_csv(body), SIMPLE_MAPPING)
    assert [b.line for b in results.bad_rows] == [4]


def test_blank_lines_are_skipped_without_shifting_line_numbers(simple_csv):
    results = load_results(
        simple_csv(GOOD_ROW + "\n" + "north,2,1000,10,590,580,20,x,280\n"), SIMPLE_MAPPING
    )
    assert results.rows_read == 2 and [b.line for b in results.bad_rows] == [4]


def test_semicolon_files_and_windows_cyrillic_are_read(tmp_path):
    text = SIMPLE_HEADER.replace(",", ";").replace("north", "север") + GOOD_ROW.replace(",", ";")
    text = text.replace("area", "район")
    path = tmp_path / "results.csv"
    path.write_bytes(text.replace("north", "север").encode("cp1251"))
    mapping = {**SIMPLE_MAPPING, "areas": ["район"]}
    results = load_results(path, mapping)
    assert results.areas[0].tolist() == ["север"]


def test_missing_mapped_column_is_named(simple_csv):
    with pytest.raises(ResultsFileError, match="'turnout'"):
        load_results(simple_csv(GOOD_ROW), {**SIMPLE_MAPPING, "registered": "turnout"})


def test_unknown_mapping_key_lists_the_valid_ones():
    with pytest.raises(ResultsFileError, match="unknown mapping key.*registered, given"):
        mapping_from_dict({"voters": "x"})


def test_incomplete_mapping_without_a_recognised_layout_explains_what_to_do(simple_csv):
    with pytest.raises(ResultsFileError, match="not registered, options, valid.*--map") as error:
        load_results(simple_csv(GOOD_ROW), {"areas": ["area"]})
    assert "Russian" not in str(error.value)
    assert "--derive valid=sum" in str(error.value)


def test_no_mapping_on_a_foreign_file_says_it_is_not_the_russian_layout(simple_csv):
    with pytest.raises(ResultsFileError, match="not found: registered, given, valid.*--map"):
        load_results(simple_csv(GOOD_ROW))


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    with pytest.raises(ResultsFileError, match="empty"):
        load_results(path, SIMPLE_MAPPING)


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(ResultsFileError, match="cannot read"):
        load_results(tmp_path / "absent.csv", SIMPLE_MAPPING)


def test_broken_zip_is_refused(tmp_path):
    path = tmp_path / "results.zip"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ResultsFileError, match="neither a CSV nor"):
        load_results(path, SIMPLE_MAPPING)


def test_zip_must_hold_one_csv(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.csv", SIMPLE_HEADER + GOOD_ROW)
        archive.writestr("b.csv", SIMPLE_HEADER + GOOD_ROW)
    with pytest.raises(ResultsFileError, match="exactly one CSV file, found 2"):
        load_results(io.BytesIO(buffer.getvalue()), SIMPLE_MAPPING, name="two.zip")


def test_zipped_csv_and_file_objects_are_read(simple_csv):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("results.csv", SIMPLE_HEADER + GOOD_ROW)
    from_zip = load_results(io.BytesIO(buffer.getvalue()), SIMPLE_MAPPING, name="r.zip")
    from_text = load_results(io.StringIO(SIMPLE_HEADER + GOOD_ROW), SIMPLE_MAPPING)
    assert from_zip.registered.tolist() == from_text.registered.tolist() == [1000]
    assert from_zip.source_name == "r.zip"


def xlsx_bytes(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_sheets_are_read_with_row_numbers(tmp_path):
    header = next(csv.reader([SIMPLE_HEADER]))
    path = tmp_path / "results.xlsx"
    path.write_bytes(
        xlsx_bytes(
            [
                header,
                ["north", 1, 1000, 10, 590, 580, 20, 300, 280],
                ["south", 2, 800, 0, 400, 390, 10, None, 190],
            ]
        )
    )
    results = load_results(path, SIMPLE_MAPPING)
    assert results.registered.tolist() == [1000]
    assert reasons(results) == [(3, "'A' is empty", True)]


def test_broken_xlsx_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<nonsense")
    with pytest.raises(ResultsFileError, match="not a readable XLSX"):
        load_results(io.BytesIO(buffer.getvalue()), SIMPLE_MAPPING, name="bad.xlsx")


def test_toml_mapping_is_read_from_a_columns_table(tmp_path, simple_csv):
    path = tmp_path / "map.toml"
    path.write_text(
        "[columns]\n"
        'registered = "registered"\n'
        'given = ["issued_early", "issued_today"]\n'
        'valid = "valid"\ninvalid = "invalid"\noptions = ["A", "B"]\nareas = "area"\n',
        encoding="utf-8",
    )
    mapping = mapping_from_dict(read_mapping_toml(path))
    assert mapping.areas == ("area",) and mapping.station is None
    assert load_results(simple_csv(GOOD_ROW), mapping).given.tolist() == [600]


def test_invalid_toml_is_refused(tmp_path):
    path = tmp_path / "map.toml"
    path.write_text("registered = \n")
    with pytest.raises(ResultsFileError, match="not valid TOML"):
        read_mapping_toml(path)


def test_mapping_values_must_be_names():
    with pytest.raises(ResultsFileError, match="'valid' must be a column name"):
        mapping_from_dict({**SIMPLE_MAPPING, "valid": 3})
    with pytest.raises(ResultsFileError, match="'options' must be"):
        mapping_from_dict({**SIMPLE_MAPPING, "options": [1, 2]})


@pytest.mark.parametrize("year", ["2011", "2018"])
def test_russian_extracts_load_with_no_mapping(year):
    path = EXTRACTS[year]
    results = load_results(path)
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0])
    registered = next(h for h in header if h.startswith("Число избирателей, в") or "в список" in h)
    issued = [h for h in header if "бюллетеней, выданных" in h]
    assert len(issued) == 3
    assert results.station_count == len(rows) == 250
    assert results.registered.sum() == sum(int(r[registered]) for r in rows)
    assert results.given.sum() == sum(int(r[h]) for r in rows for h in issued)
    assert results.mapping.areas == ("region", "tik") and results.mapping.station == "uik"
    assert "url" not in results.mapping.options
    assert not any(o.startswith("Число") for o in results.mapping.options)
    assert np.array_equal(results.votes.sum(axis=1), results.valid)


def test_russian_recognition_tells_what_is_missing():
    with pytest.raises(ResultsFileError, match="not found: valid"):
        recognise_russian_protocol(
            [
                "region",
                "Число избирателей, включенных в список",
                "Число бюллетеней, выданных досрочно",
                "Иванов",
            ],
            [["r", "1", "1", "1"]],
        )


def test_partial_mapping_completes_the_russian_layout(extract_2018):
    results = load_results(extract_2018, {"areas": ["tik"]})
    assert results.mapping.areas == ("tik",) and len(results.mapping.options) == 8


def test_column_mapping_lists_its_figure_columns():
    mapping = ColumnMapping("r", ("g1", "g2"), "v", None, ("a",))
    assert mapping.figure_columns() == ("r", "g1", "g2", "v", "a")


rows_strategy = st.lists(
    st.tuples(
        st.integers(0, 5000), st.integers(0, 5000), st.integers(0, 5000), st.integers(0, 5000)
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows_strategy)
def test_any_table_of_counts_round_trips(rows):
    text = "reg,given,valid,A\n" + "".join(",".join(map(str, r)) + "\n" for r in rows)
    mapping = {"registered": "reg", "given": "given", "valid": "valid", "options": ["A"]}
    results = load_results(io.StringIO(text), mapping)
    assert results.station_count == len(rows)
    assert results.registered.tolist() == [r[0] for r in rows]
    assert results.votes[:, 0].tolist() == [r[3] for r in rows]
    impossible = sum(1 for r in rows if r[1] > r[0] or r[2] > r[1] or r[3] > r[2])
    assert len(results.bad_rows) == impossible
    assert not any(b.excluded for b in results.bad_rows)


def test_russian_layout_is_recognised_with_numbered_lines_and_russian_area_names():
    header = [
        "Регион",
        "ТИК",
        "УИК",
        "1. Число избирателей, внесённых в список избирателей",
        "2. Число избирательных бюллетеней, выданных в помещении для голосования",
        "3. Число избирательных бюллетеней, выданных вне помещения для голосования",
        "4. Число недействительных избирательных бюллетеней",
        "5. Число действительных избирательных бюллетеней",
        "Иванов Иван",
        "Петров Пётр",
        "Ссылка",
    ]
    sample = [["Область", "ТИК 1", "101", "900", "500", "20", "5", "515", "300", "215", "http://x"]]
    mapping = recognise_russian_protocol(header, sample)
    assert mapping.registered == header[3]
    assert mapping.given == (header[4], header[5])
    assert (mapping.invalid, mapping.valid) == (header[6], header[7])
    assert mapping.options == ("Иванов Иван", "Петров Пётр")
    assert mapping.areas == ("Регион", "ТИК") and mapping.station == "УИК"


# Tally-sheet files: options and registered voters only ----------------------------------

TALLY_HEADER = "district,station,voters,A,B,C\n"
TALLY_ROWS = "north,1,900,300,200,100\nnorth,2,1000,410,180,90\nsouth,3,800,200,260,70\n"
TALLY_MAPPING = {"registered": "voters", "options": ["A", "B", "C"], "areas": ["district"]}


def test_tally_sheets_are_read_with_valid_votes_derived_from_the_options(simple_csv):
    path = simple_csv(TALLY_ROWS, header=TALLY_HEADER)
    results = load_results(path, {**TALLY_MAPPING, "derive": {"valid": "sum"}})
    assert results.valid.tolist() == [600, 680, 530]
    assert results.received.tolist() == [600, 680, 530]
    assert not results.has_given
    assert results.missing_figures == ("given", "valid", "invalid")
    assert results.bad_rows == ()


def test_derivation_may_be_written_as_on_the_command_line(simple_csv):
    path = simple_csv(TALLY_ROWS, header=TALLY_HEADER)
    results = load_results(path, {**TALLY_MAPPING, "derive": ["valid=sum"]})
    assert results.mapping.derive == ("valid",) and results.mapping.valid is None


def test_tally_sheets_without_derivation_are_told_how_to_supply_valid_votes(simple_csv):
    path = simple_csv(TALLY_ROWS, header=TALLY_HEADER)
    with pytest.raises(ResultsFileError) as error:
        load_results(path, TALLY_MAPPING)
    message = str(error.value)
    assert "names areas, options, registered but not valid" in message
    assert "--derive valid=sum" in message and "--valid COLUMN" in message
    assert "Russian" not in message


def test_unknown_derivations_list_the_valid_ones(simple_csv):
    path = simple_csv(TALLY_ROWS, header=TALLY_HEADER)
    with pytest.raises(ResultsFileError, match="cannot derive 'given' by 'sum'; valid: valid=sum"):
        load_results(path, {**TALLY_MAPPING, "derive": ["given=sum"]})


def test_a_text_column_mapped_as_an_option_is_refused_by_name(simple_csv):
    path = simple_csv(TALLY_ROWS * 2, header=TALLY_HEADER)
    mapping = {**TALLY_MAPPING, "options": ["A", "district"], "derive": {"valid": "sum"}}
    with pytest.raises(
        ResultsFileError, match="'district', mapped as options, does not hold.*first on line 2"
    ):
        load_results(path, mapping)


def test_a_mapped_column_not_in_the_file_is_named_with_its_role_and_the_columns_there(simple_csv):
    path = simple_csv(TALLY_ROWS, header=TALLY_HEADER)
    mapping = {**TALLY_MAPPING, "given": ["issued"], "derive": {"valid": "sum"}}
    with pytest.raises(ResultsFileError) as error:
        load_results(path, mapping)
    assert "'issued' (mapped as given)" in str(error.value)
    assert "'district', 'station', 'voters', 'A', 'B', 'C'" in str(error.value)


def test_options_adding_up_to_more_than_valid_votes_are_listed(simple_csv):
    path = simple_csv("north,1,900,10,500,490,5,300,200\n")
    results = load_results(path, SIMPLE_MAPPING)
    assert (
        results.bad_rows[0].reason == "the options add up to 500, more than the valid votes (490)"
    )
    assert not results.bad_rows[0].excluded


def test_derive_can_be_a_table_of_its_own_in_the_mapping_file(tmp_path):
    path = tmp_path / "map.toml"
    path.write_text('[columns]\nregistered = "voters"\noptions = ["A"]\n[derive]\nvalid = "sum"\n')
    assert read_mapping_toml(path)["derive"] == {"valid": "sum"}


@given(
    st.dictionaries(
        st.text(min_size=1, max_size=8), st.text(max_size=8), min_size=1, max_size=3
    ).filter(lambda d: d != {"valid": "sum"})
)
def test_only_valid_sum_can_be_derived(derivations):
    with pytest.raises(ResultsFileError, match="valid: valid=sum"):
        parse_derivations(derivations)


def test_one_column_mapped_to_two_figures_is_refused(simple_csv):
    path = simple_csv(TALLY_ROWS, header=TALLY_HEADER)
    mapping = {**TALLY_MAPPING, "options": ["voters", "A"], "derive": {"valid": "sum"}}
    with pytest.raises(ResultsFileError, match="'voters' as registered and options"):
        load_results(path, mapping)
