"""The one table reader of every import: standard quoting, and limits refused by name."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from pollwatch.lib.tabular import ImportLimits, TableRejected, choose_delimiter, read_table
from pollwatch.missions.importing import import_members
from pollwatch.missions.models import Member
from pollwatch.registry.areas import import_areas
from pollwatch.registry.importing import import_stations
from pollwatch.registry.models import Area, PollingStation
from tests.conftest import csv_file

DOUBLED = '"School ""Nr. 5"""'
QUOTE_AND_COMMA = '"O\'Brien ""the elder"", Jr."'


def _reason(caught) -> str:
    return " ".join(problem.reason for problem in caught.value.problems)


# Quoting ------------------------------------------------------------------------------


def test_stations_with_doubled_quotes_and_a_quoted_comma_import_as_written(election):
    text = f"code,name,area,registered_voters\n010,{DOUBLED},S1,300\n011,{QUOTE_AND_COMMA},S1,400\n"
    import_stations(election, csv_file(text))
    stations = PollingStation.objects.filter(election=election, code__in=["010", "011"])
    assert {s.code: (s.name, s.registered_voters) for s in stations} == {
        "010": ('School "Nr. 5"', 300),
        "011": ('O\'Brien "the elder", Jr.', 400),
    }


def test_areas_with_doubled_quotes_and_a_quoted_comma_import_as_written(election):
    text = f"code,name,parent_code\nX1,{DOUBLED},\nX2,{QUOTE_AND_COMMA},X1\n"
    import_areas(election, csv_file(text))
    areas = {a.code: a for a in Area.objects.filter(election=election, code__in=["X1", "X2"])}
    assert areas["X1"].name == 'School "Nr. 5"'
    assert areas["X2"].name == 'O\'Brien "the elder", Jr.'
    assert areas["X2"].parent == areas["X1"]


def test_members_with_a_quote_and_a_comma_in_the_name_import_as_written(mission):
    text = (
        "full_name,role,nationality,email,phone,accreditation_valid_until,team\n"
        f"{QUOTE_AND_COMMA},observer,Ireland,ob@example.org,,,\n"
        '"Ana ""Nr. 5"" Berg",observer,Sweden,ana@example.org,,,\n'
    )
    import_members(mission, csv_file(text))
    names = set(Member.objects.filter(mission=mission).values_list("full_name", flat=True))
    assert {'O\'Brien "the elder", Jr.', 'Ana "Nr. 5" Berg'} <= names


def test_semicolons_are_chosen_when_a_comma_sits_only_inside_quotes():
    sample = ["code;name\n", '1;"Smith, J."\n', '2;"Jones, K."\n']
    assert choose_delimiter(sample) == ";"


CELL = st.text(st.sampled_from("ab7 \"',;\t\n"), max_size=8).map(str.strip)


@given(
    delimiter=st.sampled_from([",", ";", "\t"]),
    width=st.integers(2, 4),
    data=st.data(),
)
def test_any_table_written_with_standard_quoting_reads_back(delimiter, width, data):
    header = [f"column{i}" for i in range(width)]
    rows = data.draw(
        st.lists(st.lists(CELL, min_size=width, max_size=width), min_size=1, max_size=6)
    )
    rows = [row for row in rows if any(row)]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([header, *rows])
    table = read_table(io.BytesIO(buffer.getvalue().encode()), "t.csv", ImportLimits())
    assert table.header == header
    assert [cells for _, cells in table.rows] == rows


# Limits -------------------------------------------------------------------------------


def _xlsx_unpacking_to(size: int) -> io.BytesIO:
    """A valid workbook with a member of ``size`` zero bytes, which packs to almost nothing."""
    workbook = Workbook()
    workbook.active.append(["code", "name"])
    small = io.BytesIO()
    workbook.save(small)
    bomb = io.BytesIO()
    with (
        zipfile.ZipFile(small) as source,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            target.writestr(member, source.read(member))
        target.writestr("xl/media/padding.bin", bytes(size))
    bomb.seek(0)
    bomb.name = "bomb.xlsx"
    return bomb


def _unpacking_refused(*args: object, **kwargs: object) -> bytes:
    # Refusing from the archive's directory alone: no member may be unpacked first.
    raise AssertionError("a member of the archive was unpacked before the limit was checked")


@override_settings(POLLWATCH_IMPORT_MAX_UNPACKED_BYTES=10_000_000)
def test_an_xlsx_that_unpacks_past_the_limit_is_refused_before_it_is_read(mission, monkeypatch):
    bomb = _xlsx_unpacking_to(50_000_000)
    assert len(bomb.getvalue()) < 100_000
    monkeypatch.setattr(zipfile.ZipExtFile, "read", _unpacking_refused)
    with pytest.raises(TableRejected) as caught:
        import_members(mission, bomb)
    assert "POLLWATCH_IMPORT_MAX_UNPACKED_BYTES" in _reason(caught)
    assert "10,000,000" in _reason(caught)


def test_an_xlsx_within_the_limits_is_read():
    table = read_table(_xlsx_unpacking_to(1000), "ok.xlsx", ImportLimits())
    assert table.header == ["code", "name"]


@override_settings(POLLWATCH_IMPORT_MAX_ROWS=10)
def test_a_csv_over_the_row_limit_is_refused_naming_it(election):
    text = "code,name,area,registered_voters\n" + "".join(
        f"{100 + i},S{i},S1,10\n" for i in range(11)
    )
    with pytest.raises(TableRejected) as caught:
        import_stations(election, csv_file(text))
    assert "POLLWATCH_IMPORT_MAX_ROWS" in _reason(caught) and "10 rows" in _reason(caught)
    assert not PollingStation.objects.filter(code="100").exists()


@override_settings(POLLWATCH_IMPORT_MAX_ROWS=10)
def test_a_csv_at_the_row_limit_is_read(election):
    text = "code,name,area,registered_voters\n" + "".join(
        f"{100 + i},S{i},S1,10\n" for i in range(10)
    )
    assert len(import_stations(election, csv_file(text)).created) == 10


@override_settings(POLLWATCH_IMPORT_MAX_ROWS=10)
def test_an_xlsx_over_the_row_limit_is_refused_naming_it():
    workbook = Workbook()
    for i in range(12):
        workbook.active.append([f"r{i}", i])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    with pytest.raises(TableRejected) as caught:
        read_table(buffer, "rows.xlsx")
    assert "POLLWATCH_IMPORT_MAX_ROWS" in _reason(caught)


@override_settings(POLLWATCH_IMPORT_MAX_BYTES=1000)
def test_a_file_over_the_byte_limit_is_refused_naming_it(mission):
    text = "full_name,role,nationality,email,phone,accreditation_valid_until,team\n" + (
        "Ana,observer,SE,,,,\n" * 100
    )
    with pytest.raises(TableRejected) as caught:
        import_members(mission, csv_file(text))
    assert "POLLWATCH_IMPORT_MAX_BYTES" in _reason(caught) and "1,000 bytes" in _reason(caught)


def test_a_stream_of_unknown_size_is_cut_off_at_the_byte_limit():
    class Unsized(io.RawIOBase):
        def __init__(self):
            self.lines = iter([b"code,name\n"] + [b"1,x\n"] * 1000)

        def seekable(self):
            return False

        def __iter__(self):
            return self.lines

    with pytest.raises(TableRejected) as caught:
        read_table(Unsized(), "s.csv", ImportLimits(max_bytes=100))
    assert "POLLWATCH_IMPORT_MAX_BYTES" in _reason(caught)


@pytest.fixture
def csv_field_limit_as_shipped():
    # The limit is process-wide, and a library used elsewhere in the suite raises it.
    before = csv.field_size_limit(131_072)
    yield
    csv.field_size_limit(before)


def test_a_csv_with_a_field_past_the_parsers_limit_is_a_problem_not_a_crash(
    csv_field_limit_as_shipped,
):
    text = 'code,name\n1,"' + "x" * 200_000 + '"\n'
    with pytest.raises(TableRejected) as caught:
        read_table(io.BytesIO(text.encode()), "big.csv", ImportLimits())
    assert "not valid CSV" in _reason(caught)
