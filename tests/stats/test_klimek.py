"""Forensic tests on synthetic elections with a known amount of fraud."""

import numpy as np
import pytest

from pollwatch.stats.distribution import extreme_stations, turnout_share_relation
from pollwatch.stats.integer_percentages import integer_percentage_test
from pollwatch.stats.klimek import CLEAN, EXTREME, INCREMENTAL, ElectionModel, simulate_election

ALPHA = 0.05
SEEDS = 200


def integer_result(election):
    return integer_percentage_test(
        election.leader, election.received, election.given, election.registered
    )


def slope_result(election):
    return turnout_share_relation(
        election.given / election.registered, election.leader / election.received
    )


def allowed_false_positives(trials: int) -> float:
    # Nominal rate plus three binomial standard deviations.
    return trials * ALPHA + 3 * np.sqrt(trials * ALPHA * (1 - ALPHA))


def test_simulated_protocols_are_consistent():
    election = simulate_election(ElectionModel(f_i=0.2, f_e=0.05, f_integer=0.1), seed=1)
    assert np.all(election.given <= election.registered)
    assert np.all(election.received == election.given)
    assert np.all(election.votes >= 0) and np.all(election.invalid >= 0)
    assert np.array_equal(election.valid, election.votes.sum(axis=1))
    assert set(np.unique(election.fraud)) == {CLEAN, INCREMENTAL, EXTREME}


def test_fraud_types_occur_at_their_rates():
    election = simulate_election(ElectionModel(f_i=0.3, f_e=0.1), stations=20_000, seed=2)
    assert np.mean(election.fraud == INCREMENTAL) == pytest.approx(0.3, abs=0.015)
    assert np.mean(election.fraud == EXTREME) == pytest.approx(0.1, abs=0.01)


@pytest.mark.slow
def test_clean_elections_are_flagged_at_the_nominal_rate():
    integer_flags = slope_flags = 0
    for seed in range(SEEDS):
        election = simulate_election(ElectionModel(), stations=3000, seed=seed)
        integer_flags += integer_result(election).any.p_value < ALPHA
        slope_flags += slope_result(election).p_value < ALPHA
    assert integer_flags <= allowed_false_positives(SEEDS)
    assert slope_flags <= allowed_false_positives(SEEDS)


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_ballot_stuffing_is_flagged(seed):
    election = simulate_election(ElectionModel(f_i=0.1, f_e=0.01), stations=5000, seed=seed)
    relation = slope_result(election)
    assert relation.p_value < ALPHA and relation.correlation > 0.1


def test_slope_grows_with_incremental_fraud():
    amounts = [0.0, 0.05, 0.1, 0.2, 0.4]
    slopes = [
        np.mean(
            [
                slope_result(simulate_election(ElectionModel(f_i=f), stations=4000, seed=s)).slope
                for s in range(3)
            ]
        )
        for f in amounts
    ]
    assert all(np.diff(slopes) > 0)


def test_stations_at_full_turnout_and_share_grow_with_extreme_fraud():
    counts = []
    for f_e in (0.0, 0.02, 0.05, 0.1):
        e = simulate_election(ElectionModel(f_e=f_e), stations=5000, seed=21)
        counts.append(extreme_stations(e.given, e.registered, e.leader, e.received).both_near)
    assert counts[0] == 0
    assert all(np.diff(counts) > 0)


def test_integer_rigging_is_flagged_and_the_excess_tracks_the_injected_amount():
    excesses = []
    for f_integer in (0.0, 0.02, 0.05, 0.1):
        e = simulate_election(ElectionModel(f_integer=f_integer), stations=10_000, seed=31)
        result = integer_result(e)
        # Rigged stations of 1000+ voters always land on whole percentages.
        sure_hits = np.sum(e.rigged & (e.registered >= 1000))
        excesses.append(result.any.excess)
        if f_integer > 0:
            assert result.any.p_value < ALPHA
            assert result.any.excess > 0.6 * sure_hits
    assert all(np.diff(excesses) > 0)


@pytest.mark.parametrize(
    "kwargs",
    [{"f_i": -0.1}, {"f_i": 0.7, "f_e": 0.4}, {"turnout_sd": 0}, {"opposition": 0}],
)
def test_model_refuses_impossible_parameters(kwargs):
    with pytest.raises(ValueError):
        ElectionModel(**kwargs)


def test_registered_voters_can_be_given():
    election = simulate_election(ElectionModel(), registered=[500, 800, 1200], seed=4)
    assert election.registered.tolist() == [500, 800, 1200]
