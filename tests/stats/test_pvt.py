"""The stratified ratio estimator of vote shares and turnout."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pollwatch.stats.pvt import (
    VARIANCE_METHODS,
    RatioEstimate,
    estimate_shares,
    estimate_turnout,
    normal_quantile,
    stratum_completeness,
)
from tests.stats.results import results_pvt as ref

HAND_CASES = [ref.ONE_STRATUM, ref.TWO_STRATA_WITH_FRAME, ref.SINGLE_STATION_STRATUM]


def estimate_case(case: ref.RatioCase, method: str = "linearization") -> RatioEstimate:
    votes = np.array(case.votes)[:, None]
    result = estimate_shares(
        votes, case.valid, ["A"], case.strata, case.frame_sizes, method=method, seed=1
    )
    return result.share("A")


@pytest.mark.parametrize("case", HAND_CASES, ids=["one", "two-strata", "single-station"])
def test_share_and_variance_match_hand_computation(case):
    estimate = estimate_case(case)
    assert estimate.value == pytest.approx(case.share, rel=1e-12)
    assert estimate.standard_error**2 == pytest.approx(case.variance, rel=1e-12)


def test_ratio_and_variance_match_the_published_city_example():
    result = estimate_shares(np.array(ref.CITY_1930)[:, None], ref.CITY_1920, ["1930"])
    estimate = result.share("1930")
    stations = len(ref.CITY_1920)
    assert estimate.value == pytest.approx(ref.CITY_RATIO, abs=5e-4)
    delta_method = estimate.standard_error**2 * (stations - 1) / stations
    # The published figure comes from numerical differentiation: agree to 1e-4.
    assert delta_method == pytest.approx(ref.CITY_DELTA_METHOD_VARIANCE, rel=1e-4)


def test_margins_use_the_normal_quantiles_of_95_and_99_percent():
    estimate = estimate_case(ref.TWO_STRATA_WITH_FRAME)
    error = math.sqrt(ref.TWO_STRATA_WITH_FRAME.variance)
    assert estimate.margin_95 == pytest.approx(1.959964 * error, rel=1e-6)
    assert estimate.margin_99 == pytest.approx(2.575829 * error, rel=1e-6)
    assert estimate.interval(0.95) == pytest.approx(
        (13 / 30 - 1.959964 * error, 13 / 30 + 1.959964 * error), rel=1e-6
    )


def test_single_station_stratum_is_reported():
    result = estimate_shares(
        np.array(ref.SINGLE_STATION_STRATUM.votes)[:, None],
        ref.SINGLE_STATION_STRATUM.valid,
        ["A"],
        ref.SINGLE_STATION_STRATUM.strata,
        ref.SINGLE_STATION_STRATUM.frame_sizes,
    )
    assert result.single_station_strata == ("c",)


def test_stratum_taken_whole_adds_no_variance():
    # Stratum b is complete (2 of 2, weight 1). R = (5*80 + 60)/(5*200 + 100) = 23/55.
    # In a, y - R x deviates -/+10 from its mean: u deviates -/+ 5*10/1100, so
    # v = (1 - 2/10) * 2 * 2 * (50/1100)^2 = 4/605 and b adds nothing.
    result = estimate_shares(
        [[30], [50], [20], [40]], [100, 100, 50, 50], ["A"], ["a", "a", "b", "b"], {"a": 10, "b": 2}
    )
    assert result.share("A").value == pytest.approx(23 / 55, rel=1e-12)
    assert result.share("A").standard_error ** 2 == pytest.approx(4 / 605, rel=1e-12)
    assert result.single_station_strata == ()


def test_frame_strata_without_reports_are_listed_as_uncovered():
    result = estimate_shares([[30], [50]], [100, 100], ["A"], ["a", "a"], {"a": 10, "b": 4, "c": 7})
    assert result.uncovered_strata == ("b", "c")
    assert result.share("A").value == pytest.approx(0.4)


def test_design_weights_override_frame_weights():
    # Weights 3 and 1: (3*30 + 50) / (3*100 + 100) = 0.35.
    result = estimate_shares([[30], [50]], [100, 100], ["A"], weights=[3.0, 1.0])
    assert result.share("A").value == pytest.approx(0.35)
    turnout = estimate_turnout([60, 80], [100, 200], weights=[2.0, 1.0])
    assert turnout.value == pytest.approx(200 / 400)


def test_turnout_matches_hand_computation():
    turnout = estimate_turnout(ref.TURNOUT_GIVEN, ref.TURNOUT_REGISTERED)
    assert turnout.name == "turnout"
    assert turnout.value == pytest.approx(ref.TURNOUT_SHARE, rel=1e-12)
    assert turnout.standard_error == pytest.approx(ref.TURNOUT_STANDARD_ERROR, rel=1e-12)


def test_bootstrap_agrees_with_linearisation_on_a_large_sample():
    rng = np.random.default_rng(7)
    valid = rng.integers(300, 1500, size=2000)
    strata = rng.choice(["n", "s", "e", "w"], size=2000)
    leader = rng.binomial(valid, rng.beta(20, 10, size=2000))
    votes = np.column_stack([leader, valid - leader])
    frame = {name: 8000 for name in "nsew"}
    linear = estimate_shares(votes, valid, ["L", "R"], strata, frame)
    boot = estimate_shares(
        votes, valid, ["L", "R"], strata, frame, method="bootstrap", replicates=800, seed=3
    )
    assert boot.share("L").value == linear.share("L").value
    # 800 replicates estimate a standard error to within about 5% (1/sqrt(2*800)=2.5%).
    assert boot.share("L").standard_error == pytest.approx(
        linear.share("L").standard_error, rel=0.1
    )


def test_bootstrap_applies_the_finite_population_correction():
    # Half of every stratum reports: the variance shrinks by about (1 - 1/2).
    rng = np.random.default_rng(8)
    valid = rng.integers(300, 1500, size=1200)
    strata = np.repeat(["n", "s", "e"], 400)
    leader = rng.binomial(valid, rng.beta(20, 10, size=1200))
    votes = np.column_stack([leader])
    options = ["L"]
    infinite = estimate_shares(votes, valid, options, strata, method="bootstrap", seed=1)
    half = estimate_shares(
        votes, valid, options, strata, {"n": 800, "s": 800, "e": 800}, method="bootstrap", seed=1
    )
    linear_half = estimate_shares(votes, valid, options, strata, {"n": 800, "s": 800, "e": 800})
    ratio = (half.share("L").standard_error / infinite.share("L").standard_error) ** 2
    assert ratio == pytest.approx(0.5, rel=0.15)
    assert half.share("L").standard_error == pytest.approx(
        linear_half.share("L").standard_error, rel=0.1
    )


def test_bootstrap_is_reproducible_with_a_seed():
    case = ref.TWO_STRATA_WITH_FRAME
    assert estimate_case(case, "bootstrap") == estimate_case(case, "bootstrap")


def test_bootstrap_leaves_out_replicates_without_valid_votes():
    # One replicate in nine draws the station without valid votes twice.
    result = estimate_shares([[0], [5], [6]], [0, 10, 10], ["A"], method="bootstrap", seed=2)
    assert result.share("A").value == pytest.approx(11 / 20)
    assert math.isfinite(result.share("A").standard_error)


def test_unknown_method_lists_the_valid_ones():
    with pytest.raises(ValueError, match="linearization, bootstrap"):
        estimate_shares([[1]], [2], ["A"], method="jackknife")
    with pytest.raises(ValueError, match="valid methods"):
        estimate_turnout([1], [2], method="Linearisation")
    assert VARIANCE_METHODS == ("linearization", "bootstrap")


@pytest.mark.parametrize(
    ("votes", "valid", "message"),
    [
        ([[-1]], [2], "not negative"),
        ([[1, 2]], [5], "2 columns"),
        ([[0], [0]], [0, 0], "zero"),
        ([[1], [2]], [3], "expected 2 stations"),
    ],
)
def test_bad_input_raises_a_clear_error(votes, valid, message):
    with pytest.raises(ValueError, match=message):
        estimate_shares(votes, valid, ["A"])


def test_reporting_more_than_the_frame_holds_is_an_error():
    with pytest.raises(ValueError, match="more reporting stations than the frame"):
        estimate_shares([[1], [2], [3]], [5, 5, 5], ["A"], ["a", "a", "a"], {"a": 2})


def test_stratum_missing_from_the_frame_is_an_error():
    with pytest.raises(ValueError, match="missing from the frame: b"):
        estimate_shares([[1], [2]], [5, 5], ["A"], ["a", "b"], {"a": 2})


def test_completeness_counts_reported_of_expected_per_stratum():
    completeness = stratum_completeness(["a", "a", "b"], {"a": 4, "b": 1, "c": 2})
    assert [(c.stratum, c.reported, c.expected) for c in completeness] == [
        ("a", 2, 4),
        ("b", 1, 1),
        ("c", 0, 2),
    ]
    assert [c.fraction for c in completeness] == [0.5, 1.0, 0.0]


def test_completeness_rejects_reports_from_outside_the_sample():
    with pytest.raises(ValueError, match="not in the sample: z"):
        stratum_completeness(["a", "z"], {"a": 4})
    with pytest.raises(ValueError, match="more reports than sampled stations in: a"):
        stratum_completeness(["a", "a"], {"a": 1})


def test_confidence_outside_zero_one_is_refused():
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        normal_quantile(95)


# Stations: valid votes and the split between two options (plus others).
station = st.tuples(
    st.integers(min_value=0, max_value=3000),
    st.floats(min_value=0, max_value=1),
    st.floats(min_value=0, max_value=1),
)
samples = st.lists(station, min_size=2, max_size=40).filter(lambda rows: sum(r[0] for r in rows))


def split_votes(rows):
    valid = np.array([r[0] for r in rows])
    first = np.floor(valid * np.array([r[1] for r in rows])).astype(int)
    second = np.floor((valid - first) * np.array([r[2] for r in rows])).astype(int)
    return np.column_stack([first, second, valid - first - second]), valid


@settings(max_examples=80, deadline=None)
@given(samples, st.sampled_from(VARIANCE_METHODS))
def test_shares_of_all_options_are_fractions_that_sum_to_one(rows, method):
    votes, valid = split_votes(rows)
    result = estimate_shares(votes, valid, ["A", "B", "rest"], method=method, replicates=50)
    values = [share.value for share in result.shares]
    assert sum(values) == pytest.approx(1.0)
    for share in result.shares:
        low, high = share.interval(0.99)
        assert 0.0 <= low <= share.value <= high <= 1.0
        assert share.margin_99 >= share.margin_95 >= 0.0


@settings(max_examples=60, deadline=None)
@given(samples, st.randoms(use_true_random=False), st.integers(min_value=1, max_value=4))
def test_estimate_does_not_depend_on_row_order(rows, random, strata_count):
    votes, valid = split_votes(rows)
    strata = np.array([f"s{i % strata_count}" for i in range(len(rows))])
    order = list(range(len(rows)))
    random.shuffle(order)
    original = estimate_shares(votes, valid, ["A", "B", "rest"], strata)
    shuffled = estimate_shares(votes[order], valid[order], ["A", "B", "rest"], strata[order])
    for one, other in zip(original.shares, shuffled.shares, strict=True):
        assert one.value == pytest.approx(other.value, rel=1e-9, abs=1e-12)
        assert one.standard_error == pytest.approx(other.standard_error, rel=1e-6, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=500), min_size=2, max_size=30))
def test_same_share_at_every_station_is_estimated_without_error(halves):
    valid = 2 * np.array(halves)
    result = estimate_shares(np.column_stack([halves]), valid, ["A"])
    assert result.share("A").value == pytest.approx(0.5)
    assert result.share("A").standard_error == pytest.approx(0.0, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(samples, st.integers(min_value=2, max_value=9))
def test_scaling_every_count_leaves_the_estimate_unchanged(rows, factor):
    votes, valid = split_votes(rows)
    base = estimate_shares(votes, valid, ["A", "B", "rest"])
    scaled = estimate_shares(votes * factor, valid * factor, ["A", "B", "rest"])
    for one, other in zip(base.shares, scaled.shares, strict=True):
        assert one.value == pytest.approx(other.value, rel=1e-9, abs=1e-12)
        assert one.standard_error == pytest.approx(other.standard_error, rel=1e-6, abs=1e-12)
