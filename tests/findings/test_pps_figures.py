"""Findings of a plan drawn with probability proportional to size: weights 1/π, no correction."""

import numpy as np
import pytest

from pollwatch.findings.figures import assessment_figure, current_design
from pollwatch.forms.services import publish_form_version
from pollwatch.stats.proportions import design_share
from pollwatch.stats.stratified import CERTAINTY_SUFFIX
from tests.builders import CHECKLIST
from tests.findings.builders import add_stations, pps_plan, random_plan, report

PROBABILITIES = {"N": [0.5, 0.05, 0.1, 0.25, 0.02, 0.2], "S": [0.1, 0.4, 0.05, 1.0, 0.2]}
BAD = {"N": [False, True, True, False, True, False], "S": [True, False, True, False, False]}


@pytest.fixture
def checklist(db):
    return publish_form_version(CHECKLIST)


@pytest.fixture
def stations(election):
    return {"N": add_stations(election, "N1", 6, "N"), "S": add_stations(election, "S1", 5, "S")}


def answers(bad: bool) -> dict:
    return {"secrecy": "yes", "stuffing": "no", "voters": 12, "overall": "bad" if bad else "good"}


def send(mission, checklist, stations, skip=()):
    for stratum, group in stations.items():
        for index, station in enumerate(group):
            if (stratum, index) not in skip:
                report(mission, checklist, station, answers(BAD[stratum][index]))


def flat(table: dict) -> np.ndarray:
    return np.concatenate([np.array(table["N"]), np.array(table["S"])])


def test_a_pps_plan_weights_by_inclusion_probability_without_correction(
    mission, checklist, stations
):
    pps_plan(
        mission,
        stations["N"] + stations["S"],
        ["N"] * 6 + ["S"] * 5,
        flat(PROBABILITIES),
    )
    send(mission, checklist, stations)
    figure = assessment_figure(mission, "voting", ("bad",), form_code="station_check")
    weights = 1 / flat(PROBABILITIES)
    strata = np.array(["N"] * 6 + ["S"] * 5)
    # The certain station of S is a group of its own; a huge frame means no correction.
    groups = strata.copy().astype(object)
    groups[weights <= 1] = "S" + CERTAINTY_SUFFIX
    expected = design_share(
        flat(BAD),
        groups.astype(str),
        weights=weights,
        frame_sizes={"N": 10**12, "S": 10**12, "S" + CERTAINTY_SUFFIX: 1},
    )
    assert figure.share == pytest.approx((weights @ flat(BAD)) / weights.sum())
    assert (figure.low, figure.high) == pytest.approx((expected.low, expected.high), rel=1e-6)
    equal = design_share(flat(BAD), strata, frame_sizes={"N": 60, "S": 50})
    assert figure.share != pytest.approx(equal.share)


def test_the_pps_design_lists_its_strata_and_certainty_group(mission, stations):
    pps_plan(mission, stations["N"] + stations["S"], ["N"] * 6 + ["S"] * 5, flat(PROBABILITIES))
    design = current_design(mission)
    assert design.unequal == {"N", "S"}
    weights = 1 / np.array(PROBABILITIES["S"])
    assert design.stratum_sizes["S" + CERTAINTY_SUFFIX] == 1.0
    assert design.stratum_sizes["S"] == pytest.approx(weights.sum() - 1.0)


def test_non_response_in_a_pps_stratum_scales_its_weights(mission, checklist, stations):
    pps_plan(mission, stations["N"] + stations["S"], ["N"] * 6 + ["S"] * 5, flat(PROBABILITIES))
    send(mission, checklist, stations, skip={("N", 1)})
    figure = assessment_figure(mission, "voting", ("bad",), form_code="station_check")
    north = 1 / np.array(PROBABILITIES["N"])
    kept = np.delete(north, 1) * north.sum() / np.delete(north, 1).sum()
    south = 1 / np.array(PROBABILITIES["S"])
    weights = np.concatenate([kept, south])
    flags = np.concatenate([np.delete(np.array(BAD["N"]), 1), BAD["S"]])
    assert figure.share == pytest.approx((weights @ flags) / weights.sum())


def test_an_equal_probability_plan_keeps_its_finite_population_correction(
    mission, checklist, stations
):
    random_plan(mission, {"N": (stations["N"], 5.0), "S": (stations["S"], 2.0)})
    send(mission, checklist, stations)
    assert current_design(mission).unequal == frozenset()
    figure = assessment_figure(mission, "voting", ("bad",), form_code="station_check")
    expected = design_share(
        flat(BAD),
        ["N"] * 6 + ["S"] * 5,
        weights=[5.0] * 6 + [2.0] * 5,
        frame_sizes={"N": 30, "S": 10},
    )
    assert (figure.low, figure.high) == pytest.approx((expected.low, expected.high))
