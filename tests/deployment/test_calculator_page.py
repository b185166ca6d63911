"""The calculator page with an uploaded previous election, and with a design effect."""

import csv
import html
import re
from pathlib import Path

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pollwatch.stats.design_effect import (
    prior_results,
    station_margin_of_error,
    stations_for_margin,
)
from pollwatch.stats.sample_size import sample_size

PRIOR = Path(__file__).parent / "prior"
MAPPING = (PRIOR / "prior_columns.toml").read_text(encoding="utf-8")
RUSSIAN_2018 = Path(__file__).parents[1] / "forensics" / "extracts" / "russia_2018_extract.csv"


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


def upload(path=PRIOR / "prior_results.csv"):
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")


def post(client, **fields):
    response = client.post("/deployment/calculator/", fields)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def fixture_prior(option="Party A", stratified=False):
    with (PRIOR / "prior_results.csv").open(encoding="utf-8", newline="") as source:
        rows = list(csv.DictReader(source))
    votes = np.array([float(row[option]) for row in rows])
    valid = np.array([float(row["Valid ballots"]) for row in rows])
    regions = np.array([row["Region"] for row in rows]) if stratified else None
    return prior_results(votes, valid, regions)


def test_an_uploaded_prior_gives_the_design_effect_and_the_stations(analyst_client):
    page = post(analyst_client, prior=upload(), mapping=MAPPING, moe=5, confidence=0.95,
                response=0.8, stations=6)  # fmt: skip
    plan = stations_for_margin(fixture_prior(), 0.05, 0.95, response_rate=0.8)
    assert f'data-value="design-effect">{plan.design_effect:.1f}<' in page
    assert f'data-value="reporting">{plan.reporting}<' in page
    assert f'data-value="stations">{plan.stations}<' in page
    assert "Party A had 50.00% of valid votes" in page
    margin = station_margin_of_error(fixture_prior(), 6, 0.95)
    shown = re.search(r"6 reporting stations: ± ([0-9.]+) percentage points", page)
    assert float(shown.group(1)) == pytest.approx(100 * margin.moe, abs=0.006)
    assert "assumes a design effect of 1" not in page


def test_a_stratified_prior_shows_each_stratum(analyst_client):
    page = post(analyst_client, prior=upload(), mapping=MAPPING, moe=5, option="party b",
                stratum="Region", allocation="equal")  # fmt: skip
    plan = stations_for_margin(
        fixture_prior("Party B", stratified=True), 0.05, 0.99, allocation="equal"
    )
    assert "Party B had" in page and "Stratified by Region, equal allocation" in page
    for stratum in plan.strata:
        assert f'data-stratum="{stratum.label}">{stratum.sampled}<' in page


def test_the_russian_layout_needs_no_mapping(analyst_client):
    page = post(analyst_client, prior=upload(RUSSIAN_2018), moe=5)
    assert "Путин Владимир Владимирович had" in page
    assert 'data-value="design-effect">' in page


def test_a_prior_without_its_columns_names_them(analyst_client):
    page = post(analyst_client, prior=upload(), moe=5)
    assert 'class="errors"' in page
    assert "not found: registered" in page
    assert "name the columns in the column mapping field" in page


def test_a_mapping_naming_an_absent_column_names_it(analyst_client):
    page = post(analyst_client, prior=upload(), moe=5,
                mapping=MAPPING.replace('"Valid ballots"', '"Valid"'))  # fmt: skip
    assert "column(s) not in the file: 'Valid'" in page


def test_an_unknown_option_lists_the_options(analyst_client):
    page = post(analyst_client, prior=upload(), mapping=MAPPING, moe=5, option="Party D")
    assert "no option matches 'Party D'; the options are: Party A; Party B; Party C" in page


def test_the_uploaded_file_is_not_kept(analyst_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    post(analyst_client, prior=upload(), mapping=MAPPING, moe=5)
    assert list(tmp_path.rglob("*")) == []


def test_without_a_prior_the_page_says_it_assumes_no_design_effect(analyst_client):
    page = post(analyst_client, moe=1, population=1_000_000, station_size=500)
    expected = sample_size(0.01, 0.99, population=1_000_000, station_size=500)
    assert f'data-value="stations">{expected.stations:,}<' in page
    assert 'data-value="assumed-design-effect"' in page


def test_a_given_design_effect_multiplies_the_stations(analyst_client):
    page = post(analyst_client, moe=1, population=1_000_000, station_size=500, design_effect=30)
    expected = sample_size(0.01, 0.99, population=1_000_000, station_size=500, design_effect=30)
    assert f'data-value="stations">{expected.stations:,}<' in page
    assert 'data-value="assumed-design-effect"' not in page


def test_prior_fields_without_a_file_are_refused(analyst_client):
    page = post(analyst_client, moe=1, stratum="Region")
    assert "This needs a previous election's results file." in page
    assert 'id="calculator-result"' not in page


def test_a_design_effect_with_a_prior_is_refused(analyst_client):
    page = post(analyst_client, prior=upload(), mapping=MAPPING, moe=5, design_effect=10)
    assert "give the design effect; leave it empty" in page
    assert 'id="calculator-result"' not in page


def test_an_anonymous_upload_is_sent_to_the_login_page(client):
    response = client.post("/deployment/calculator/", {"prior": upload(), "moe": 5})
    assert response.status_code == 302 and "login/" in response.headers["Location"]


def test_a_mapping_that_is_not_toml_is_the_fields_error(analyst_client):
    page = post(analyst_client, prior=upload(), mapping='registered = "Voters', moe=5)
    assert "Unterminated string" in page
    assert ">Stations needed<" not in page
