import io
import json
import re

import pytest

from pollwatch.forensics.report import build_report
from pollwatch.forensics.results_file import ResultsFileError
from pollwatch.stats.integer_percentages import integer_percentage_test
from tests.forensics.conftest import EXTRACTS, SIMPLE_HEADER, SIMPLE_MAPPING


@pytest.fixture(scope="module")
def report_2018(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    steps = []
    summary = build_report(
        EXTRACTS["2018"],
        None,
        out,
        progress=lambda step, done, total: steps.append((step, done, total)),
    )
    return summary, steps, json.loads(summary.json_path.read_text("utf-8"))


def test_results_json_holds_the_required_figures(report_2018):
    summary, _, data = report_2018
    assert data["stations"] == summary.stations == 250
    assert data["leader"] == "Путин Владимир Владимирович"
    assert 0 < data["turnout"] < 1 and 0 < data["leader_share"] < 1
    integer = data["integer_percentages"]
    assert integer["stations_included"] <= 250
    for key in ("observed", "expected", "excess", "sd"):
        assert set(integer[key]) >= {"any", "leader", "turnout"}
    assert integer["excess"]["any"] == pytest.approx(
        integer["observed"]["any"] - integer["expected"]["any"]
    )


def test_results_json_agrees_with_the_test_run_directly(report_2018):
    summary, _, data = report_2018
    # Independent recomputation from the raw extract with the csv module.
    import csv

    with open(EXTRACTS["2018"], encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    issued = [h for h in rows[0] if "бюллетеней, выданных" in h]
    registered = [int(r["Число избирателей, включенных в список избирателей"]) for r in rows]
    given = [sum(int(r[h]) for h in issued) for r in rows]
    received = [
        int(r["Число действительных избирательных бюллетеней"])
        + int(r["Число недействительных избирательных бюллетеней"])
        for r in rows
    ]
    leader = [int(r["Путин Владимир Владимирович"]) for r in rows]
    assert data["registered"] == sum(registered)
    assert data["turnout"] == pytest.approx(sum(given) / sum(registered))
    assert data["leader_share"] == pytest.approx(sum(leader) / sum(received))
    direct = integer_percentage_test(leader, received, given, registered)
    assert data["integer_percentages"]["observed"]["any"] == direct.any.observed
    assert data["integer_percentages"]["sd"]["turnout"] == pytest.approx(direct.turnout.sd)


def test_report_page_is_self_contained_with_every_plot(report_2018):
    summary, _, _ = report_2018
    page = summary.html_path.read_text("utf-8")
    figures = re.findall(r'<figure class="chart-figure">.*?</figure>', page)
    assert len(figures) == 4
    assert all('<svg class="chart"' in figure and "<table>" in figure for figure in figures)
    assert not re.search(r'(src|href)="(https?:)?//', page)
    for heading in (
        "Turnout and leader share",
        "Integer percentages",
        "Digit tests",
        "Areas (region)",
    ):
        assert f"<h2>{heading}</h2>" in page
    assert page.count("What it cannot prove:") >= 5


def test_every_tested_reading_shows_its_p_value_and_the_holm_adjusted_one(report_2018):
    _, _, data = report_2018
    headline = data["headline"]
    assert headline["method"] == "holm" and headline["alpha"] == 0.05
    members = headline["tests"]
    # Integer test, the within-area relation and two last-digit tests per option with counts.
    assert members[0]["test"] == "Integer percentages"
    assert members[1]["label"] == "Turnout and leader share within areas"
    assert all(m["adjusted_p"] >= m["p_value"] for m in members)
    for reading in data["readings"]:
        if reading["test"] in ("Integer percentages", "Turnout and leader share"):
            assert reading["p_value"] is not None and reading["adjusted_p"] is not None
    # Every station of the extract has a commission of its own, so regions are compared.
    assert data["turnout_share"]["within_areas"]["level"] == "region"
    digits = data["digits"][0]["last_digit_mean"]
    assert {"p_value", "adjusted_p", "expected", "sd"} <= set(digits)


def test_progress_is_reported_until_done(report_2018):
    _, steps, _ = report_2018
    assert steps[0][1] == 0 and steps[-1] == ("done", 4, 4)
    assert [done for _, done, _ in steps] == sorted(done for _, done, _ in steps)


def test_bad_rows_reach_the_report(tmp_path):
    rows = "".join(f"north,{i},1000,10,{500 + i},{490 + i},20,{300 + i},{190}\n" for i in range(30))
    text = SIMPLE_HEADER + rows + "south,99,1000,10,590,580,20,x,280\n"
    summary = build_report(io.StringIO(text), SIMPLE_MAPPING, tmp_path, name="upload.csv")
    data = json.loads(summary.json_path.read_text("utf-8"))
    assert summary.excluded_rows == 1 and summary.stations == 30
    assert data["bad_rows"] == [{"line": 32, "reason": "'A' is not a number", "excluded": True}]
    assert json.loads(json.dumps(summary.as_dict()))["first_bad_rows"] == data["bad_rows"]
    assert "Forensics of upload.csv" in summary.html_path.read_text("utf-8")


def test_unusable_file_raises_the_loader_error(tmp_path):
    with pytest.raises(ResultsFileError):
        build_report(io.StringIO("a,b\n1,2\n"), None, tmp_path)


def test_tiny_files_still_give_a_report(tmp_path):
    # Every station under 100 voters: nothing enters the fingerprint or the integer test.
    text = "r,g,v,i,A,B\n50,40,40,0,20,20\n60,50,50,0,30,20\n"
    mapping = {"registered": "r", "given": "g", "valid": "v", "invalid": "i", "options": ["A", "B"]}
    summary = build_report(io.StringIO(text), mapping, tmp_path)
    data = json.loads(summary.json_path.read_text("utf-8"))
    assert data["integer_percentages"]["stations_included"] == 0
    assert data["turnout_moments"]["skewness"] is None
    # Tests with nothing to test say so, and never read as what honest counting produces.
    readings = {r["test"]: r for r in data["readings"]}
    assert "no station passes" in readings["Integer percentages"]["not_run"]
    assert "no option has a count of 100" in readings["Digit tests"]["not_run"]
    assert "no area column" in readings["Turnout and leader share"]["not_run"]
    assert all("honest counting produces" not in r["meaning"] for r in data["readings"])
    assert data["headline"]["tests"] == [] and summary.anomalous_tests == ()
    assert len(summary.not_run) == 3
    assert summary.html_path.read_text("utf-8").count('<figure class="chart-figure">') == 4


def test_every_chart_is_inline_svg_named_and_shown_with_its_numbers(report_2018):
    summary, _, data = report_2018
    page = summary.html_path.read_text("utf-8")
    assert "<img" not in page
    titles = re.findall(r'<svg class="chart" id="([^"]+)"[^>]*><title id="[^"]+">([^<]+)<', page)
    assert [chart_id for chart_id, _ in titles] == [
        "chart-fingerprint-stations",
        "chart-fingerprint-voters",
        "chart-turnout",
        "chart-leader-share",
        "chart-integer",
        "chart-digits-second-digit-mean",
        "chart-digits-last-digit-mean",
        "chart-digits-zero-five-share",
    ]
    for _, title in titles:
        assert f'<p class="chart-title" aria-hidden="true">{title}</p>' in page
    # The histogram's table adds up to the stations it draws, as the chart does.
    bands = re.search(r"<caption>Stations in bands of ten points.*?</table>", page)
    turnout = [
        int(n.replace(",", ""))
        for n in re.findall(r"<tr><td>[^<]+</td><td>([\d,]+)</td>", bands.group())
    ]
    assert sum(turnout) == data["turnout_moments"]["stations"] > 200
