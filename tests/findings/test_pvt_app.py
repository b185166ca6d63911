"""The PVT in the application: estimates from form 2 reports, official results, mismatches."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pollwatch.findings.pvt import mismatches, pvt_estimate
from pollwatch.findings.services import (
    OfficialResultsError,
    create_pvt_sample,
    import_official_results,
)
from pollwatch.forms.library import library_forms
from pollwatch.forms.services import publish_form_version
from pollwatch.stats.pvt import estimate_shares
from tests.conftest import csv_file
from tests.findings.builders import add_stations, pps_plan, random_plan, report


@pytest.fixture
def form2(db):
    return publish_form_version(library_forms()["pvt_form2"].to_dict())


@pytest.fixture
def sample(mission, election):
    north = add_stations(election, "N1", 6, "N")
    south = add_stations(election, "S1", 4, "S")
    create_pvt_sample(
        mission,
        north + south,
        ["N"] * 6 + ["S"] * 4,
        {"N": 60, "S": 80},
        description="stratified by region",
        seed=1,
    )
    return north, south


def figures(ann, bob, registered=1000, issued=None):
    valid = ann + bob
    issued = issued if issued is not None else valid + 10
    return {
        "ballot_stuffing": "no",
        "observer_access": "full",
        "count_observed": "yes",
        "copy_received": "yes",
        "registered": registered,
        "ballots_issued": issued,
        "ballots_in_boxes": issued,
        "invalid": 10,
        "valid": valid,
        "votes_ann": ann,
        "votes_bob": bob,
    }


TALLIES = {
    "N": [(300, 200), (310, 190), (280, 240), (250, 250), (330, 170), (290, 210)],
    "S": [(150, 350), (170, 330), (160, 300), (140, 380)],
}


def send_all(mission, form2, sample, skip=0):
    north, south = sample
    for stations, key in ((north, "N"), (south, "S")):
        for station, (ann, bob) in list(zip(stations, TALLIES[key], strict=True))[skip:]:
            report(mission, form2, station, figures(ann, bob))


def test_estimate_uses_the_sample_strata_and_sizes(mission, form2, sample):
    send_all(mission, form2, sample)
    result = pvt_estimate(mission)
    votes = np.array(TALLIES["N"] + TALLIES["S"], dtype=float)
    expected = estimate_shares(
        votes, votes.sum(axis=1), ["ann", "bob"], ["N"] * 6 + ["S"] * 4, {"N": 60, "S": 80}
    )
    assert result.usable == 10
    assert result.estimate.share("ann").value == pytest.approx(expected.share("ann").value)
    assert result.estimate.share("ann").margin_95 == pytest.approx(expected.share("ann").margin_95)
    assert result.turnout.value == pytest.approx((votes.sum() + 100) / 10000, rel=0.05)


def test_completeness_and_left_out_reports(mission, form2, sample):
    send_all(mission, form2, sample, skip=2)
    north, _south = sample
    no_copy = figures(1, 1)
    del no_copy["valid"]
    report(mission, form2, north[0], no_copy)
    result = pvt_estimate(mission)
    completeness = {c.stratum: (c.reported, c.expected) for c in result.completeness}
    assert completeness == {"N": (4, 6), "S": (2, 4)}
    assert result.left_out == 1


def test_official_share_outside_the_interval_is_marked(mission, form2, sample):
    send_all(mission, form2, sample)
    import_official_results(
        mission,
        csv_file(
            "figure,value\nregistered,140000\nballots_issued,80000\nvalid,79000\n"
            "ann,55300\nbob,23700\n"
        ),
    )
    comparison = {c.option: c for c in pvt_estimate(mission).comparison}
    assert comparison["ann"].official == pytest.approx(0.7)
    assert not comparison["ann"].inside_95 and not comparison["bob"].inside_95


def test_every_station_where_official_figures_and_the_copy_differ_is_listed(mission, form2, sample):
    send_all(mission, form2, sample)
    north, south = sample
    rows = ["station,registered,ballots_issued,valid,ann,bob"]
    for stations, key in ((north, "N"), (south, "S")):
        for station, (ann, bob) in zip(stations, TALLIES[key], strict=True):
            if station == north[1]:
                ann += 40
            rows.append(f"{station.code},1000,{ann + bob + 10},{ann + bob},{ann},{bob}")
    import_official_results(mission, csv_file("\n".join(rows) + "\n"))
    found = {(m.station_code, m.figure, m.official, m.observed) for m in mismatches(mission)}
    assert found == {
        (north[1].code, "ballots_issued", 550, 510),
        (north[1].code, "valid", 540, 500),
        (north[1].code, "votes_ann", 350, 310),
    }


def test_official_results_with_bad_rows_are_refused_with_line_numbers(mission, sample):
    north, _south = sample
    text = (
        "station,registered,ballots_issued,valid,ann,bob\n"
        f"{north[0].code},1000,500,490,300,190\n"
        "nope,1000,500,490,300,190\n"
        f"{north[1].code},1000,500,490,300,100\n"
        f"{north[2].code},1000,500,x,300,190\n"
    )
    with pytest.raises(OfficialResultsError) as refused:
        import_official_results(mission, csv_file(text))
    problems = refused.value.problems
    assert [p.split(":")[0] for p in problems] == ["line 3", "line 4", "line 5"]
    assert "add up to 400" in problems[1]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    tallies=st.lists(
        st.tuples(st.integers(0, 400), st.integers(0, 400), st.integers(0, 30)),
        min_size=1,
        max_size=10,
    )
)
def test_per_station_results_round_trip_to_national_totals(mission, sample, tallies):
    north, south = sample
    stations = north + south
    rows = ["station;registered;ballots_issued;valid;ann;bob"]
    for station, (ann, bob, spoilt) in zip(stations, tallies, strict=False):
        issued = ann + bob + spoilt
        rows.append(f"{station.code};{issued + 50};{issued};{ann + bob};{ann};{bob}")
    results = import_official_results(mission, csv_file("\n".join(rows) + "\n"))
    used = tallies[: len(stations)]
    assert results.stations.count() == len(used)
    assert results.totals["votes"] == {
        "ann": sum(t[0] for t in used),
        "bob": sum(t[1] for t in used),
    }
    assert results.totals["ballots_issued"] == sum(sum(t) for t in used)


def test_without_a_pvt_sample_the_current_random_plan_is_the_design(mission, form2, election):
    north = add_stations(election, "N1", 4, "P")
    south = add_stations(election, "S1", 3, "Q")
    random_plan(mission, {"N": (north, 10.0), "S": (south, 20.0)})
    tallies = [(300, 200), (280, 220), (310, 190), (260, 240), (150, 350), (170, 330), (160, 340)]
    for station, (ann, bob) in zip(north + south, tallies, strict=True):
        report(mission, form2, station, figures(ann, bob))
    result = pvt_estimate(mission)
    votes = np.array(tallies, dtype=float)
    expected = estimate_shares(
        votes, votes.sum(axis=1), ["ann", "bob"], ["N"] * 4 + ["S"] * 3, {"N": 40, "S": 60}
    )
    assert result.design_source == "plan"
    assert result.estimate.share("bob").value == pytest.approx(expected.share("bob").value)
    assert [(c.stratum, c.reported, c.expected) for c in result.completeness] == [
        ("N", 4, 4),
        ("S", 3, 3),
    ]


PPS_TALLIES = [(300, 200), (100, 400), (310, 190), (160, 340), (150, 350), (170, 330)]
PPS_PROBABILITIES = [0.5, 0.1, 0.25, 0.2, 0.4, 1.0]


def test_a_pps_plan_weights_each_station_by_its_inclusion_probability(mission, form2, election):
    stations = add_stations(election, "N1", 4, "P") + add_stations(election, "S1", 2, "Q")
    strata = ["N"] * 4 + ["S"] * 2
    pps_plan(mission, stations, strata, PPS_PROBABILITIES)
    for station, (ann, bob) in zip(stations, PPS_TALLIES, strict=True):
        report(mission, form2, station, figures(ann, bob))
    result = pvt_estimate(mission)
    votes = np.array(PPS_TALLIES, dtype=float)
    weights = 1 / np.array(PPS_PROBABILITIES)
    expected = estimate_shares(
        votes,
        votes.sum(axis=1),
        ["ann", "bob"],
        strata,
        weights=weights,
        with_replacement=True,
        certain=weights <= 1,
    )
    assert result.estimate.with_replacement
    ann = result.estimate.share("ann")
    assert ann.value == pytest.approx((weights @ votes[:, 0]) / (weights @ votes.sum(axis=1)))
    assert ann.standard_error == pytest.approx(expected.share("ann").standard_error)
    unweighted = estimate_shares(votes, votes.sum(axis=1), ["ann", "bob"], strata)
    assert ann.value != pytest.approx(unweighted.share("ann").value)


def test_a_pps_plan_scales_weights_for_stations_that_did_not_report(mission, form2, election):
    stations = add_stations(election, "N1", 4, "P") + add_stations(election, "S1", 2, "Q")
    strata = ["N"] * 4 + ["S"] * 2
    pps_plan(mission, stations, strata, PPS_PROBABILITIES)
    reporting = [0, 1, 2, 4, 5]  # the fourth station of N does not report
    for at in reporting:
        report(mission, form2, stations[at], figures(*PPS_TALLIES[at]))
    result = pvt_estimate(mission)
    weights = 1 / np.array(PPS_PROBABILITIES)
    scale = weights[:4].sum() / weights[[0, 1, 2]].sum()
    used = np.array([weights[0] * scale, weights[1] * scale, weights[2] * scale, *weights[4:]])
    votes = np.array([PPS_TALLIES[at] for at in reporting], dtype=float)
    assert result.estimate.share("ann").value == pytest.approx(
        (used @ votes[:, 0]) / (used @ votes.sum(axis=1))
    )


def test_a_pvt_sample_keeps_each_stations_inclusion_probability(mission, form2, election):
    stations = add_stations(election, "N1", 4, "P") + add_stations(election, "S1", 2, "Q")
    strata = ["N"] * 4 + ["S"] * 2
    create_pvt_sample(
        mission,
        stations,
        strata,
        {"N": 30, "S": 3},
        description="PPS",
        inclusion_probabilities=PPS_PROBABILITIES,
    )
    for station, (ann, bob) in zip(stations, PPS_TALLIES, strict=True):
        report(mission, form2, station, figures(ann, bob))
    weights = 1 / np.array(PPS_PROBABILITIES)
    votes = np.array(PPS_TALLIES, dtype=float)
    result = pvt_estimate(mission)
    assert result.estimate.with_replacement
    assert result.estimate.share("bob").value == pytest.approx(
        (weights @ votes[:, 1]) / (weights @ votes.sum(axis=1))
    )


def test_an_equal_probability_plan_gives_the_unweighted_stratified_estimate(
    mission, form2, election
):
    north = add_stations(election, "N1", 4, "P")
    south = add_stations(election, "S1", 3, "Q")
    random_plan(mission, {"N": (north, 10.0), "S": (south, 20.0)})
    tallies = [(300, 200), (280, 220), (310, 190), (260, 240), (150, 350), (170, 330)]
    for station, (ann, bob) in zip(north + south, tallies, strict=False):
        report(mission, form2, station, figures(ann, bob))
    result = pvt_estimate(mission)
    votes = np.array(tallies, dtype=float)
    expected = estimate_shares(
        votes, votes.sum(axis=1), ["ann", "bob"], ["N"] * 4 + ["S"] * 2, {"N": 40, "S": 60}
    )
    assert not result.estimate.with_replacement
    assert result.estimate.share("ann").value == expected.share("ann").value
    assert result.estimate.share("ann").standard_error == expected.share("ann").standard_error
