import io

import pytest
from openpyxl import Workbook

from pollwatch.audit.models import AuditEvent
from pollwatch.lib.tabular import TableRejected
from pollwatch.registry.importing import import_stations, parse_mapping
from pollwatch.registry.models import PollingStation
from tests.conftest import csv_file

HEADER = "code,name,area,registered_voters\n"


def rejected_lines(election, text, **kwargs):
    before = list(PollingStation.objects.values_list("code", "name", "registered_voters"))
    with pytest.raises(TableRejected) as caught:
        import_stations(election, csv_file(text), **kwargs)
    after = list(PollingStation.objects.values_list("code", "name", "registered_voters"))
    assert after == before, "a rejected file must write nothing"
    return [(problem.line, problem.reason) for problem in caught.value.problems]


def test_new_file_creates_stations_and_records_an_audit_event(election):
    outcome = import_stations(election, csv_file(HEADER + "010,New School,S1,300\n"))
    assert outcome.created == ["010"]
    station = PollingStation.objects.get(election=election, code="010")
    assert (station.name, station.area.code, station.registered_voters) == ("New School", "S1", 300)
    event = AuditEvent.objects.filter(action="registry.stations_imported").latest("id")
    assert event.data["created"] == ["010"]


def test_reimporting_the_same_file_changes_nothing(election):
    text = HEADER + "001,School One,N1,1200\n002,School Two,N2,800\n"
    events = AuditEvent.objects.count()
    outcome = import_stations(election, csv_file(text))
    assert (outcome.created, outcome.updated, outcome.unchanged) == ([], {}, 2)
    assert AuditEvent.objects.count() == events


def test_changed_file_updates_by_code_and_says_what_changed(election):
    outcome = import_stations(election, csv_file(HEADER + "001,School One,N2,1250\n"))
    assert outcome.updated == {
        "001": {
            "area_id": [
                str(election.areas.get(code="N1").pk),
                str(election.areas.get(code="N2").pk),
            ],
            "registered_voters": ["1200", "1250"],
        }
    }
    station = PollingStation.objects.get(code="001")
    assert (station.area.code, station.registered_voters) == ("N2", 1250)
    assert PollingStation.objects.count() == 3


def test_missing_required_column_is_reported_on_the_header_line(election):
    problems = rejected_lines(election, "code,name,area\n001,A,N1\n")
    assert len(problems) == 1
    assert problems[0][0] == 1
    assert problems[0][1].startswith("missing required column 'registered_voters'")


def test_duplicate_code_names_the_first_line(election):
    problems = rejected_lines(election, HEADER + "100,A,N1,10\n101,B,N1,10\n100,C,N2,10\n")
    assert problems == [(4, "duplicate station code '100' (first on line 2)")]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("abc", "registered_voters 'abc' is not a whole number"),
        ("12.5", "registered_voters '12.5' is not a whole number"),
        ("-4", "registered_voters -4 is negative"),
        ("", "registered_voters is empty"),
    ],
)
def test_bad_registered_voters(election, value, reason):
    assert rejected_lines(election, HEADER + f"100,A,N1,{value}\n") == [(2, reason)]


def test_unknown_area(election):
    assert rejected_lines(election, HEADER + "100,A,Nowhere,10\n") == [
        (2, "unknown area 'Nowhere'")
    ]


def test_ambiguous_area_name_asks_for_code_or_path(election):
    problems = rejected_lines(election, HEADER + "100,A,Lake,10\n")
    assert problems == [
        (
            2,
            "area 'Lake' is ambiguous: 2 areas have this name; give the area "
            "code or its path, e.g. 'Region / District'",
        )
    ]


def test_area_by_path_resolves_the_ambiguity(election):
    import_stations(election, csv_file(HEADER + "100,A,South / Lake,10\n"))
    assert PollingStation.objects.get(code="100").area.code == "S1"


def test_bad_encoding_reports_the_line(election):
    raw = (HEADER + "100,Caf\u00e9,N1,10\n").encode("latin-1")
    before = PollingStation.objects.count()
    with pytest.raises(TableRejected) as caught:
        import_stations(election, io.BytesIO(raw), filename="latin.csv")
    assert [(p.line, p.reason) for p in caught.value.problems] == [
        (2, "not valid UTF-8 (byte 0xe9 at position 8); save the file as UTF-8")
    ]
    assert PollingStation.objects.count() == before


def test_every_bad_row_is_reported_at_once(election):
    problems = rejected_lines(election, HEADER + "100,A,N1,10\n,B,N1,x\n102,C,Nowhere,5\n")
    assert problems == [
        (3, "code is empty"),
        (3, "registered_voters 'x' is not a whole number"),
        (4, "unknown area 'Nowhere'"),
    ]


def test_one_bad_row_rejects_the_good_ones_too(election):
    rejected_lines(election, HEADER + "100,A,N1,10\n101,B,N1,-1\n")
    assert not PollingStation.objects.filter(code="100").exists()


def test_column_mapping(election):
    text = "UIK,Title,District,Voters\n200,Hall,N1,77\n"
    mapping = parse_mapping("code=UIK,name=Title,area=District,registered_voters=Voters")
    import_stations(election, csv_file(text), mapping=mapping)
    assert PollingStation.objects.get(code="200").registered_voters == 77


def test_mapping_to_a_missing_column_names_both(election):
    problems = rejected_lines(
        election, HEADER + "1,A,N1,3\n", mapping={"registered_voters": "Voters"}
    )
    assert problems[0][1].startswith("missing required column 'Voters' (for registered_voters)")


def test_bad_mapping_text_lists_valid_fields():
    with pytest.raises(ValueError, match="use field=Column with a field among code, name"):
        parse_mapping("colour=Red")


def test_xlsx_import_uses_sheet_row_numbers(election):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["code", "name", "area", "registered_voters"])
    sheet.append(["300", "Hall", "N1", 40])
    sheet.append(["301", "Gym", "N1", "many"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    with pytest.raises(TableRejected) as caught:
        import_stations(election, buffer, filename="stations.xlsx")
    assert [(p.line, p.reason) for p in caught.value.problems] == [
        (3, "registered_voters 'many' is not a whole number")
    ]
    sheet["D3"] = 41
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    outcome = import_stations(election, buffer, filename="stations.xlsx")
    assert sorted(outcome.created) == ["300", "301"]


def test_semicolon_separated_files_are_read(election):
    import_stations(election, csv_file("code;name;area;registered_voters\n400;X;N1;5\n"))
    assert PollingStation.objects.filter(code="400").exists()
