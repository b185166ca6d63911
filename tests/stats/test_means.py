"""Means and shares of entries over sampled stations: hand computations and a known truth."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import t

from pollwatch.stats.means import design_mean, design_share_of_units
from pollwatch.stats.proportions import design_share
from pollwatch.stats.stratified import build_design


def test_the_mean_of_a_simple_random_sample_is_the_textbook_one():
    # s^2 = 20/3 over n = 4: se^2 = s^2/n = 5/3; t with 3 degrees of freedom.
    found = design_mean(build_design(4), [2, 4, 6, 8], [1, 1, 1, 1])
    assert found.value == pytest.approx(5.0)
    assert found.standard_error == pytest.approx(math.sqrt(5 / 3))
    half = t.ppf(0.975, 3) * math.sqrt(5 / 3)
    assert (found.low, found.high) == pytest.approx((5 - half, 5 + half))
    assert (found.stations, found.units) == (4, 4.0)


def test_a_station_that_did_not_answer_stays_in_the_variance_but_not_in_the_mean():
    # u = (-3, -1, 1, 3, 0) / 4; v = 5/4 * 20/16 = 25/16 by hand.
    found = design_mean(build_design(5), [2, 4, 6, 8, 0], [1, 1, 1, 1, 0])
    assert found.value == pytest.approx(5.0)
    assert found.standard_error == pytest.approx(1.25)
    half = t.ppf(0.975, 4) * 1.25
    assert found.high - found.value == pytest.approx(half)
    assert found.stations == 4


def test_the_finite_population_correction_applies_when_the_frame_is_known():
    found = design_mean(build_design(4, frame_sizes={"all": 8}), [2, 4, 6, 8], [1, 1, 1, 1])
    assert found.value == pytest.approx(5.0)
    assert found.standard_error**2 == pytest.approx(5 / 3 * (1 - 4 / 8))


def test_a_share_of_entries_treats_stations_as_clusters():
    # Entries: A 3 (1 hit), B 1 (1 hit), C 2 (0 hits). R = 2/6; u = (0, 1/9, -1/9);
    # v = 3/2 * 2/81 = 1/27.
    found = design_share_of_units(build_design(3), [1, 1, 0], [3, 1, 2])
    assert found.value == pytest.approx(1 / 3)
    assert found.standard_error == pytest.approx(math.sqrt(1 / 27))
    assert found.units == 6
    assert 0 <= found.low < 1 / 3 < found.high <= 1


def test_a_share_of_stations_matches_the_dashboard_share():
    flags = np.array([1, 0, 0, 1, 0, 1, 0, 0, 0, 1], dtype=float)
    strata = ["N"] * 5 + ["S"] * 5
    design = build_design(10, strata, {"N": 50, "S": 20})
    found = design_share_of_units(design, flags, np.ones(10))
    expected = design_share(flags.astype(bool), strata, frame_sizes={"N": 50, "S": 20})
    assert found.value == pytest.approx(expected.share)
    assert (found.low, found.high) == pytest.approx((expected.low, expected.high))


def _population(seed: int):
    """Two strata of stations; entries per station and their values vary between stations."""
    rng = np.random.default_rng(seed)
    sizes = {"N": 1500, "S": 500}
    strata = np.array(["N"] * sizes["N"] + ["S"] * sizes["S"])
    queue = np.where(strata == "N", rng.poisson(20, strata.size), rng.poisson(45, strata.size))
    entries = rng.poisson(np.where(strata == "N", 1.2, 3.0))
    propensity = rng.beta(2, 5, strata.size)  # entries of one station resemble each other
    hits = rng.binomial(entries, propensity)
    return rng, sizes, strata, queue.astype(float), entries.astype(float), hits.astype(float)


def test_intervals_cover_a_known_truth_about_95_percent_of_the_time():
    rng, sizes, strata, queue, entries, hits = _population(7)
    truth = {
        "queue": queue.mean(),
        "per_report": entries.mean(),
        "share": hits.sum() / entries.sum(),
    }
    covered = dict.fromkeys(truth, 0)
    draws = 400
    for _ in range(draws):
        chosen = np.concatenate(
            [rng.choice(np.flatnonzero(strata == h), 60, replace=False) for h in ("N", "S")]
        )
        design = build_design(chosen.size, strata[chosen], sizes)
        ones = np.ones(chosen.size)
        found = {
            "queue": design_mean(design, queue[chosen], ones),
            "per_report": design_mean(design, entries[chosen], ones),
            "share": design_share_of_units(design, hits[chosen], entries[chosen]),
        }
        for name, estimate in found.items():
            covered[name] += estimate.low <= truth[name] <= estimate.high
    for name, count in covered.items():
        assert 0.92 <= count / draws <= 0.98, (name, count / draws)


def test_no_station_with_a_value_is_refused():
    with pytest.raises(ValueError):
        design_mean(build_design(2), [0, 0], [0, 0])
