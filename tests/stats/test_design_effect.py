"""Design effect of station samples and the stations a margin needs, from prior results."""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from pollwatch.stats.design_effect import (
    prior_results,
    station_margin_of_error,
    stations_for_margin,
)
from pollwatch.stats.sample_size import sample_size

# Four stations of 100 valid votes; the option has 60, 40, 50 and 50.
# R = 200/400 = 0.5; residuals d = y - R x = 10, -10, 0, 0, so S²_d = 200/3.
# Per-vote variance S²_e = M R(1-R)/(M-1) = 400 · 0.25 / 399 = 100/399.
# deff = S²_d / (X̄ S²_e) = (200/3) / (100 · 100/399) = 2.66 exactly.
HAND_VALID = [100, 100, 100, 100]
HAND_VOTES = [60, 40, 50, 50]


def hand_prior():
    return prior_results(HAND_VOTES, HAND_VALID)


def test_hand_example_share_and_design_effect():
    margin = station_margin_of_error(hand_prior(), 2, 0.95)
    assert margin.share == 0.5
    assert margin.design_effect == pytest.approx(2.66, rel=1e-12)


def test_hand_example_margin_of_two_stations():
    # V = (1/2 - 1/4) · (200/3) / 100² = 1/600.
    margin = station_margin_of_error(hand_prior(), 2, 0.95)
    assert margin.moe == pytest.approx(norm.ppf(0.975) * math.sqrt(1 / 600), rel=1e-12)


def test_hand_example_stations_for_five_points():
    # n0 = z² S²_d / (e² X̄²) = 1.96² · (200/3) / (0.05² · 100²) = 10.24;
    # n0 / (1 + n0/N) = 2.88, so 3 stations: margin 1.96 · sqrt(1/1800) = 0.046.
    plan = stations_for_margin(hand_prior(), 0.05, 0.95)
    assert plan.reporting == plan.stations == 3
    assert plan.expected_moe == pytest.approx(norm.ppf(0.975) * math.sqrt(1 / 1800), rel=1e-12)
    assert plan.population_stations == 4 and plan.mean_valid == 100


def test_hand_example_stratified_proportional_and_neyman():
    # Stratum A holds the variation (d = 10, -10: S²_A = 200), B none (S²_B = 0).
    votes = [60, 40, 50, 50, 50, 50]
    valid = [100] * 6
    prior = prior_results(votes, valid, ["A", "A", "B", "B", "B", "B"])
    proportional = station_margin_of_error(prior, 3, 0.95)
    # n_A = 1, n_B = 2: V = 2² (1 - 1/2) 200 / 600² = 1/900.
    assert [s.sampled for s in proportional.strata] == [1, 2]
    assert proportional.moe == pytest.approx(norm.ppf(0.975) / 30, rel=1e-12)
    # SRS of votes: (1 - 3/6) · (600 · 0.25 / 599) / (3 · 100) = 0.25/599.
    assert proportional.design_effect == pytest.approx((1 / 900) / (0.25 / 599), rel=1e-12)
    # Neyman puts the sample where the residuals vary: all of A, one of B.
    neyman = station_margin_of_error(prior, 3, 0.95, allocation="neyman")
    assert [s.sampled for s in neyman.strata] == [2, 1]
    assert neyman.moe == 0


def test_response_rate_inflates_the_stations_to_sample():
    plan = stations_for_margin(hand_prior(), 0.05, 0.95, response_rate=0.75)
    assert plan.reporting == 3 and plan.stations == 4


def test_unknown_allocation_lists_the_valid_ones():
    with pytest.raises(ValueError, match="valid: proportional, equal, neyman"):
        stations_for_margin(hand_prior(), 0.05, allocation="optimal")


@pytest.mark.parametrize(
    ("votes", "valid", "message"),
    [
        ([1, 2], [1, 1], "more votes than the valid"),
        ([0, 0], [5, 5], "nothing to estimate"),
        ([1, 2, 3], [5, 5], "option_votes has 3 stations"),
        ([1, -1], [5, 5], "non-negative"),
        ([1], [5], "at least two stations"),
    ],
)
def test_unusable_prior_figures_are_refused(votes, valid, message):
    with pytest.raises(ValueError, match=message):
        prior_results(votes, valid)


def test_blank_stratum_labels_are_refused():
    with pytest.raises(ValueError, match="stratum label"):
        prior_results(HAND_VOTES, HAND_VALID, ["A", "A", " ", "B"])


# Properties ----------------------------------------------------------------


@st.composite
def elections(draw, min_stations=3, max_stations=60):
    """Per-station valid votes and an option's votes, with a share strictly inside (0, 1)."""
    size = draw(st.integers(min_stations, max_stations))
    valid = draw(st.lists(st.integers(1, 3000), min_size=size, max_size=size))
    fractions = draw(st.lists(st.floats(0, 1), min_size=size, max_size=size))
    votes = [round(v * f) for v, f in zip(valid, fractions, strict=True)]
    assume(0 < sum(votes) < sum(valid))
    return np.array(votes), np.array(valid)


@given(st.lists(st.booleans(), min_size=3, max_size=400), st.data())
def test_one_vote_per_station_is_a_sample_of_votes_drawn_one_by_one(ballots, data):
    assume(0 < sum(ballots) < len(ballots))
    votes = np.array(ballots, dtype=int)
    stations = data.draw(st.integers(1, len(ballots) - 1))
    margin = station_margin_of_error(prior_results(votes, np.ones_like(votes)), stations)
    assert margin.design_effect == pytest.approx(1.0, rel=1e-9)


def test_voters_shuffled_into_stations_have_a_design_effect_of_one_on_average():
    # With M votes dealt at random into stations of k, E[S²_d] = k S²_e exactly.
    rng = np.random.default_rng(20261124)
    ballots = np.r_[np.ones(3_000), np.zeros(7_000)]
    effects = []
    for _ in range(400):
        votes = rng.permutation(ballots).reshape(200, 50).sum(axis=1)
        prior = prior_results(votes, np.full(200, 50))
        effects.append(station_margin_of_error(prior, 20).design_effect)
    # The design effect is S²_d over its expectation: a chi-square / 199 with sd 0.1.
    assert np.mean(effects) == pytest.approx(1.0, abs=0.02)


@given(elections(), st.floats(0.005, 0.2), st.floats(0.005, 0.2))
def test_a_wider_margin_never_needs_more_stations(election, first, second):
    prior = prior_results(*election)
    narrow, wide = sorted((first, second))
    assert stations_for_margin(prior, wide).stations <= stations_for_margin(prior, narrow).stations


@given(elections(), st.floats(0.005, 0.2))
def test_more_confidence_never_needs_fewer_stations(election, moe):
    prior = prior_results(*election)
    assert (
        stations_for_margin(prior, moe, 0.90).stations
        <= stations_for_margin(prior, moe, 0.95).stations
        <= stations_for_margin(prior, moe, 0.99).stations
    )


@given(elections(), st.floats(0.002, 0.2), st.sampled_from([0.9, 0.95, 0.99]))
def test_recommended_stations_are_the_least_that_reach_the_margin(election, moe, confidence):
    prior = prior_results(*election)
    plan = stations_for_margin(prior, moe, confidence)
    assert 1 <= plan.stations <= prior.population_stations
    assert plan.expected_moe <= moe
    if plan.reporting > 1:
        fewer = station_margin_of_error(prior, plan.reporting - 1, confidence)
        assert fewer.moe > moe


@given(elections(), st.floats(0.002, 0.2))
def test_without_strata_the_size_is_the_closed_form(election, moe):
    votes, valid = election
    prior = prior_results(votes, valid)
    z = norm.ppf(0.995)
    residuals = votes - prior.share * valid
    n0 = z**2 * residuals.var(ddof=1) / (moe**2 * valid.mean() ** 2)
    exact = n0 / (1 + n0 / len(votes))
    reporting = stations_for_margin(prior, moe).reporting
    assert math.ceil(exact - 1e-9) <= reporting <= max(math.ceil(exact + 1e-9), 1)


@given(elections(), st.randoms(use_true_random=False))
def test_design_effect_does_not_depend_on_station_order(election, random):
    votes, valid = election
    order = list(range(len(votes)))
    random.shuffle(order)
    first = station_margin_of_error(prior_results(votes, valid), 2)
    shuffled = station_margin_of_error(prior_results(votes[order], valid[order]), 2)
    assert shuffled.design_effect == pytest.approx(first.design_effect, rel=1e-9)


@given(elections(), st.integers(1, 50))
def test_a_single_stratum_is_the_unstratified_design(election, stations):
    votes, valid = election
    assume(stations <= len(votes))
    plain = station_margin_of_error(prior_results(votes, valid), stations)
    one = station_margin_of_error(prior_results(votes, valid, ["all"] * len(votes)), stations)
    assert one.moe == pytest.approx(plain.moe, rel=1e-9, abs=1e-15)
    assert [s.sampled for s in one.strata] == [stations]


@settings(max_examples=50)
@given(
    elections(min_stations=12),
    st.sampled_from(["proportional", "equal", "neyman"]),
    st.floats(0.005, 0.2),
)
def test_stratified_allocation_adds_up_and_reaches_the_margin(election, allocation, moe):
    votes, valid = election
    labels = np.array(["North", "South", "East"])[np.arange(len(votes)) % 3]
    plan = stations_for_margin(prior_results(votes, valid, labels), moe, allocation=allocation)
    assert sum(s.sampled for s in plan.strata) == plan.stations
    assert all(1 <= s.sampled <= s.population for s in plan.strata)
    assert plan.expected_moe <= moe


def test_identical_shares_everywhere_need_one_station():
    prior = prior_results([30, 60, 90], [100, 200, 300])
    plan = stations_for_margin(prior, 0.01)
    assert plan.design_effect == 0 and plan.stations == 1


# The voter formula with a design effect -------------------------------------


@given(st.floats(0.002, 0.1), st.floats(1, 60), st.sampled_from([0.9, 0.95, 0.99]))
def test_design_effect_multiplies_the_voters_of_an_infinite_population(moe, deff, confidence):
    plain = sample_size(moe, confidence)
    clustered = sample_size(moe, confidence, design_effect=deff)
    assert clustered.voters == pytest.approx(deff * plain.voters, rel=1e-12)
    assert clustered.design_effect == deff


@given(st.floats(0.002, 0.1), st.floats(1, 60), st.integers(1_000, 10**8))
def test_design_effect_with_a_finite_population_never_exceeds_it(moe, deff, population):
    plain = sample_size(moe, population=population)
    clustered = sample_size(moe, population=population, design_effect=deff)
    # A design effect a hair above 1 may round the voters a hair below the plain figure.
    assert plain.voters <= clustered.voters * (1 + 1e-12)
    assert clustered.voters <= population


def test_a_design_effect_of_one_is_the_handbook_formula():
    assert sample_size(0.01, station_size=500, design_effect=1.0) == sample_size(
        0.01, station_size=500
    )


def test_a_design_effect_must_be_positive():
    with pytest.raises(ValueError, match="design_effect"):
        sample_size(0.01, design_effect=0)
