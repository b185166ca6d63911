import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pollwatch.stats.distribution import (
    distribution_moments,
    extreme_stations,
    identical_result_vectors,
    turnout_share_relation,
)


def test_moments_of_a_normal_sample_are_near_zero():
    sample = np.random.default_rng(1).normal(0.6, 0.1, 50_000)
    moments = distribution_moments(sample)
    assert moments.mean == pytest.approx(0.6, abs=0.002)
    assert abs(moments.skewness) < 0.05 and abs(moments.excess_kurtosis) < 0.1


def test_a_right_tail_shows_as_positive_skewness():
    rng = np.random.default_rng(2)
    sample = np.concatenate([rng.normal(0.6, 0.05, 9000), rng.uniform(0.7, 1.0, 1000)])
    assert distribution_moments(sample).skewness > 0.5


def test_relation_recovers_a_known_slope():
    rng = np.random.default_rng(3)
    turnout = rng.uniform(0.4, 0.9, 5000)
    share = 0.2 + 0.5 * turnout + rng.normal(0, 0.02, 5000)
    relation = turnout_share_relation(turnout, share)
    assert relation.slope == pytest.approx(0.5, abs=0.01)
    assert relation.correlation_ci[0] < relation.correlation < relation.correlation_ci[1]
    assert relation.p_value < 1e-10


def test_relation_of_constant_values_is_undefined():
    relation = turnout_share_relation([0.5] * 10, np.linspace(0, 1, 10))
    assert np.isnan(relation.slope)


def test_identical_vectors_are_grouped_largest_first():
    votes = [[10, 5], [3, 4], [10, 5], [0, 0], [0, 0], [3, 4], [10, 5], [9, 9]]
    result = identical_result_vectors(votes)
    assert [g.tolist() for g in result.groups] == [[0, 2, 6], [1, 5]]
    assert result.stations == 5


def test_identical_vectors_ignore_small_stations():
    result = identical_result_vectors([[1, 1], [1, 1], [40, 30], [40, 30]], min_total=50)
    assert [g.tolist() for g in result.groups] == [[2, 3]]


def test_extreme_stations_count_near_and_full():
    given = [100, 96, 50, 100]
    registered = [100, 100, 100, 100]
    leader = [100, 97, 50, 10]
    received = [100, 100, 100, 0]
    e = extreme_stations(given, registered, leader, received)
    assert (e.turnout_near, e.share_near, e.both_near) == (3, 2, 2)
    assert (e.turnout_full, e.share_full, e.both_full) == (2, 1, 1)
    assert e.both_near_stations.tolist() == [0, 1]


# Within areas ---------------------------------------------------------------------------

from pollwatch.stats.distribution import within_area_relation  # noqa: E402


def regional_stations(rng, areas=30, per_area=200, link=0.0):
    area = np.repeat(np.arange(areas), per_area)
    effect = rng.normal(0, 0.1, areas)[area]
    turnout = 0.6 + effect + rng.normal(0, 0.05, area.size)
    share = 0.5 + effect + link * (turnout - 0.6 - effect) + rng.normal(0, 0.05, area.size)
    return turnout, share, area


def test_within_area_slope_equals_least_squares_with_area_dummies():
    rng = np.random.default_rng(1)
    turnout, share, area = regional_stations(rng, areas=8, per_area=50, link=0.4)
    dummies = (area[:, None] == np.arange(8)[None, :]).astype(float)
    design = np.column_stack([turnout, dummies])
    coefficients, *_ = np.linalg.lstsq(design, share, rcond=None)
    relation = within_area_relation(turnout, share, area)
    assert relation.slope == pytest.approx(coefficients[0], rel=1e-9)
    assert relation.n == 400 and relation.areas == 8


def test_a_link_between_areas_is_not_a_link_within_them():
    rng = np.random.default_rng(2)
    turnout, share, area = regional_stations(rng)
    assert turnout_share_relation(turnout, share).correlation > 0.5
    assert within_area_relation(turnout, share, area).p_value > 0.001


def test_a_link_within_areas_is_found():
    rng = np.random.default_rng(3)
    turnout, share, area = regional_stations(rng, link=0.5)
    relation = within_area_relation(turnout, share, area)
    assert relation.correlation > 0.3 and relation.p_value < 1e-10


def test_within_area_p_values_are_uniform_without_a_link():
    rng = np.random.default_rng(4)
    p = [
        within_area_relation(*regional_stations(rng, areas=10, per_area=30)).p_value
        for _ in range(400)
    ]
    assert abs(np.mean(np.array(p) < 0.05) - 0.05) < 3 * np.sqrt(0.05 * 0.95 / 400)


def test_within_area_relation_needs_stations_to_compare():
    relation = within_area_relation([0.5, 0.6], [0.4, 0.7], ["a", "b"])
    assert np.isnan(relation.p_value)
    with pytest.raises(ValueError, match="same length"):
        within_area_relation([0.5], [0.4, 0.7], ["a", "b"])


@given(st.lists(st.floats(-0.3, 0.3), min_size=4, max_size=4), st.integers(0, 10_000))
def test_within_area_relation_ignores_any_shift_of_whole_areas(shifts, seed):
    rng = np.random.default_rng(seed)
    area = np.repeat(np.arange(4), 25)
    turnout, share = rng.random(100), rng.random(100)
    moved = within_area_relation(
        turnout + np.array(shifts)[area], share - 2 * np.array(shifts)[area], area
    )
    still = within_area_relation(turnout, share, area)
    assert moved.correlation == pytest.approx(still.correlation, abs=1e-9)
    assert moved.slope == pytest.approx(still.slope, abs=1e-9)
