"""The recommended number of stations against direct simulation on Russia's 2018 protocols.

Many station samples of the recommended size are drawn from the real
per-station results; the ``confidence`` quantile of |estimate − truth| must be
within 15% of the margin asked. The figures are quoted in docs/sampling.md.
"""

import os
from pathlib import Path

import numpy as np
import pytest

from pollwatch.forensics.results_file import load_results
from pollwatch.stats.design_effect import prior_results, stations_for_margin
from pollwatch.stats.sample_size import sample_size

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]

SHARED_DATA = Path(
    os.environ.get(
        "POLLWATCH_SHARED_DATA", Path(__file__).resolve().parents[2].parent / "shared" / "data"
    )
)
TOLERANCE = 0.15


@pytest.fixture(scope="module")
def russia_2018():
    path = SHARED_DATA / "russia" / "2018.csv.zip"
    if not path.exists():
        pytest.skip(f"{path} is absent; set POLLWATCH_SHARED_DATA to the shared data folder")
    results = load_results(path)
    leader = int(results.votes.sum(axis=0).argmax())
    votes = results.votes[:, leader].astype(np.float64)
    valid = results.valid.astype(np.float64)
    return results, votes, valid


def simple_random_margin(votes, valid, stations, confidence, draws, seed):
    rng = np.random.default_rng(seed)
    truth = votes.sum() / valid.sum()
    estimates = np.empty(draws)
    for k in range(draws):
        picked = rng.choice(votes.size, stations, replace=False)
        estimates[k] = votes[picked].sum() / valid[picked].sum()
    return float(np.quantile(np.abs(estimates - truth), confidence))


def stratified_margin(votes, valid, labels, allocation, confidence, draws, seed):
    """Draw ``draws`` stratified samples at once per stratum; combined ratio estimates."""
    rng = np.random.default_rng(seed)
    truth = votes.sum() / valid.sum()
    numerator, denominator = np.zeros(draws), np.zeros(draws)
    for stratum in allocation:
        members = np.flatnonzero(labels == stratum.label)
        keys = rng.random((draws, members.size))
        picked = members[np.argpartition(keys, stratum.sampled - 1, axis=1)[:, : stratum.sampled]]
        weight = members.size / stratum.sampled
        numerator += weight * votes[picked].sum(axis=1)
        denominator += weight * valid[picked].sum(axis=1)
    return float(np.quantile(np.abs(numerator / denominator - truth), confidence))


def test_leaders_design_effect_is_the_measured_44(russia_2018):
    _, votes, valid = russia_2018
    plan = stations_for_margin(prior_results(votes, valid), 0.01, 0.99)
    assert plan.design_effect == pytest.approx(44.0, abs=0.05)
    assert plan.reporting == 678


@pytest.mark.parametrize(("moe", "confidence"), [(0.01, 0.99), (0.005, 0.95)])
def test_simple_random_station_sample_reaches_the_margin_asked(russia_2018, moe, confidence):
    _, votes, valid = russia_2018
    plan = stations_for_margin(prior_results(votes, valid), moe, confidence)
    assert 300 <= plan.stations <= 2_000
    empirical = simple_random_margin(votes, valid, plan.stations, confidence, 2_000, 20180318)
    assert empirical == pytest.approx(moe, rel=TOLERANCE)


@pytest.mark.parametrize("allocation", ["proportional", "neyman"])
def test_stratified_by_region_reaches_the_margin_asked(russia_2018, allocation):
    results, votes, valid = russia_2018
    regions = results.areas[results.mapping.areas.index("region")]
    prior = prior_results(votes, valid, regions)
    plan = stations_for_margin(prior, 0.005, 0.95, allocation=allocation, minimum=2)
    assert 300 <= plan.stations <= 2_000
    empirical = stratified_margin(votes, valid, regions, plan.strata, 0.95, 1_000, 20180318)
    assert empirical == pytest.approx(0.005, rel=TOLERANCE)


def test_the_voter_formula_alone_misses_the_margin_several_times_over(russia_2018):
    results, votes, valid = russia_2018
    station_size = results.registered.mean()
    turnout = results.given.sum() / results.registered.sum()
    naive = sample_size(0.01, 0.99, population=int(results.registered.sum()),
                        station_size=station_size, turnout=turnout)  # fmt: skip
    empirical = simple_random_margin(votes, valid, naive.stations, 0.99, 2_000, 20180318)
    assert naive.stations < 30
    assert empirical > 4 * 0.01
