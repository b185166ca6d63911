"""``pollwatch sample size`` with a design effect: --deff, --prior, --stratum and --json."""

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from django.core.management.base import CommandError

from pollwatch.stats.design_effect import prior_results, stations_for_margin
from pollwatch.stats.sample_size import sample_size
from tests.deployment.test_sample_command import run

PRIOR = Path(__file__).parent / "prior"
PRIOR_FILE = PRIOR / "prior_results.csv"
PRIOR_MAP = PRIOR / "prior_columns.toml"
RUSSIAN_2018 = Path(__file__).parents[1] / "forensics" / "extracts" / "russia_2018_extract.csv"


def prior_columns(*names):
    with PRIOR_FILE.open(encoding="utf-8", newline="") as source:
        rows = list(csv.DictReader(source))
    return [np.array([row[name] for row in rows]) for name in names]


def party(name):
    votes, valid = prior_columns(name, "Valid ballots")
    return votes.astype(float), valid.astype(float)


def size_json(tmp_path, *args):
    out = tmp_path / "size.json"
    printed = run("size", *args, "--json", out)
    return printed, json.loads(out.read_text(encoding="utf-8"))


def test_prior_gives_the_design_effect_and_stations_of_the_leader(tmp_path):
    printed, written = size_json(tmp_path, "--moe", 0.05, "--confidence", 0.95,
                                 "--prior", PRIOR_FILE, "--map", PRIOR_MAP)  # fmt: skip
    expected = stations_for_margin(prior_results(*party("Party A")), 0.05, 0.95)
    assert written["option"] == "Party A"
    assert written["stations"] == expected.stations
    assert written["design_effect"] == pytest.approx(expected.design_effect)
    assert written["moe"] == 0.05 and written["confidence"] == 0.95
    assert written["population_stations"] == 12 and written["strata"] == []
    assert (
        f"Design effect (Kish) of a station sample for this share: {expected.design_effect:.1f}"
        in printed
    )
    assert f"{expected.reporting:,} reporting stations" in printed


def test_option_is_chosen_by_any_unique_part_of_its_name(tmp_path):
    _, written = size_json(tmp_path, "--moe", 0.05, "--prior", PRIOR_FILE, "--map", PRIOR_MAP,
                           "--option", "party b", "--response", 0.8)  # fmt: skip
    expected = stations_for_margin(prior_results(*party("Party B")), 0.05, response_rate=0.8)
    assert written["option"] == "Party B"
    assert written["stations"] == expected.stations
    assert written["reporting_stations"] == expected.reporting < expected.stations


def test_stratified_prior_lists_each_stratum_with_the_allocation(tmp_path):
    printed, written = size_json(tmp_path, "--moe", 0.05, "--prior", PRIOR_FILE,
                                 "--map", PRIOR_MAP, "--stratum", "Region",
                                 "--allocation", "neyman")  # fmt: skip
    (regions,) = prior_columns("Region")
    expected = stations_for_margin(
        prior_results(*party("Party A"), regions), 0.05, allocation="neyman"
    )
    assert written["allocation"] == "neyman" and written["stratum"] == "Region"
    assert written["strata"] == [
        {"label": s.label, "population": s.population, "stations": s.sampled}
        for s in expected.strata
    ]
    assert sum(s["stations"] for s in written["strata"]) == written["stations"]
    assert "Stratified by Region, neyman allocation" in printed
    assert "East " in printed and " of 4" in printed


def test_russian_layout_needs_no_mapping(tmp_path):
    printed, written = size_json(tmp_path, "--moe", 0.05, "--prior", RUSSIAN_2018,
                                 "--stratum", "region")  # fmt: skip
    assert written["option"] == "Путин Владимир Владимирович"
    assert written["population_stations"] == 250
    assert written["design_effect"] > 5
    assert "Путин Владимир Владимирович had" in printed


def test_without_a_design_effect_the_command_says_it_assumes_one(tmp_path):
    printed, written = size_json(tmp_path, "--moe", 0.01, "--population", 1_000_000,
                                 "--station-size", 500)  # fmt: skip
    assert "assumes a design effect of 1" in printed
    assert "far larger" in printed
    expected = sample_size(0.01, 0.99, population=1_000_000, station_size=500)
    assert written["stations"] == expected.stations
    assert written["design_effect"] == 1 and written["design_effect_source"] == "assumed"


def test_a_given_design_effect_multiplies_the_sample(tmp_path):
    printed, written = size_json(tmp_path, "--moe", 0.01, "--population", 1_000_000,
                                 "--station-size", 500, "--deff", 30)  # fmt: skip
    expected = sample_size(0.01, 0.99, population=1_000_000, station_size=500, design_effect=30)
    assert written["stations"] == expected.stations
    assert written["design_effect"] == 30 and written["design_effect_source"] == "given"
    assert "design effect 30" in printed and "assumes" not in printed


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--option", "Party D"], "no option matches 'Party D'; the options are: Party A"),
        (["--option", "party"], "matches several options"),
        (["--stratum", "District"], "column(s) not in the file: 'District'"),
        (["--population", "1000"], "--population do not apply with --prior"),
        (["--deff", "20"], "--deff do not apply with --prior"),
        (["--minimum", "2"], "--minimum needs --stratum"),
    ],
)
def test_prior_mistakes_are_command_errors(extra, message):
    with pytest.raises(CommandError, match=_escaped(message)):
        run("size", "--moe", 0.05, "--prior", PRIOR_FILE, "--map", PRIOR_MAP, *extra)


def test_prior_without_mapping_names_what_was_not_found_and_where_to_name_it():
    with pytest.raises(CommandError) as raised:
        run("size", "--moe", 0.05, "--prior", PRIOR_FILE)
    assert "registered" in str(raised.value)
    assert "named only in the --map FILE.toml" in str(raised.value)


def test_mapping_naming_an_absent_column_names_it(tmp_path):
    mapping = tmp_path / "columns.toml"
    mapping.write_text(PRIOR_MAP.read_text().replace('"Valid ballots"', '"Valid"'), "utf-8")
    with pytest.raises(CommandError, match=_escaped("column(s) not in the file: 'Valid'")):
        run("size", "--moe", 0.05, "--prior", PRIOR_FILE, "--map", mapping)


@pytest.mark.parametrize("option", [["--stratum", "Region"], ["--map", "x.toml"]])
def test_prior_options_without_a_prior_are_refused(option):
    with pytest.raises(CommandError, match="only apply with --prior"):
        run("size", "--moe", 0.01, *option)


def _escaped(message):
    return message.replace("(", r"\(").replace(")", r"\)")
