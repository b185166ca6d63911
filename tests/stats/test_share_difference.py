"""The change of a share between two rounds, with its interval."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pollwatch.stats.share_difference import difference_of_shares

shares = st.floats(min_value=0.0, max_value=1.0)
errors = st.floats(min_value=0.0, max_value=0.2)


def test_the_difference_and_its_interval_match_a_hand_computation():
    # 30% of 400 stations in the run-off, 20% of 500 in the first round, simple random samples:
    # se1 = sqrt(.3*.7/400) = 0.0229129, se0 = sqrt(.2*.8/500) = 0.0178885,
    # se = sqrt(0.000525 + 0.00032) = sqrt(0.000845) = 0.0290689,
    # 1.959964 * 0.0290689 = 0.0569740, interval 0.1 ± 0.0569740.
    later_error = math.sqrt(0.3 * 0.7 / 400)
    earlier_error = math.sqrt(0.2 * 0.8 / 500)
    found = difference_of_shares(0.3, later_error, 0.2, earlier_error)
    assert found.difference == pytest.approx(0.1)
    assert found.standard_error == pytest.approx(0.0290689, abs=1e-7)
    assert found.low == pytest.approx(0.0430260, abs=1e-6)
    assert found.high == pytest.approx(0.1569740, abs=1e-6)
    assert found.excludes_zero


def test_an_unknown_share_or_level_is_refused_with_its_reason():
    with pytest.raises(ValueError, match="fraction"):
        difference_of_shares(1.5, 0.1, 0.2, 0.1)
    with pytest.raises(ValueError, match="standard error"):
        difference_of_shares(0.5, -0.1, 0.2, 0.1)
    with pytest.raises(ValueError, match="confidence"):
        difference_of_shares(0.5, 0.1, 0.2, 0.1, confidence=1.0)


@given(shares, errors, shares, errors)
def test_swapping_the_rounds_changes_the_sign_only(later, later_error, earlier, earlier_error):
    forward = difference_of_shares(later, later_error, earlier, earlier_error)
    backward = difference_of_shares(earlier, earlier_error, later, later_error)
    assert forward.difference == pytest.approx(-backward.difference)
    assert forward.standard_error == pytest.approx(backward.standard_error)
    assert forward.low == pytest.approx(-backward.high)
    assert forward.high == pytest.approx(-backward.low)


@given(shares, errors, shares, errors)
def test_the_interval_holds_the_estimate(later, later_error, earlier, earlier_error):
    found = difference_of_shares(later, later_error, earlier, earlier_error)
    assert -1.0 <= found.low <= found.difference <= found.high <= 1.0


def _simulated_intervals(truth_later, truth_earlier, runs=4000, stations=(400, 500)):
    """Intervals from simple random samples of stations drawn from a known truth."""
    rng = np.random.default_rng(20260515)
    later = rng.binomial(stations[0], truth_later, runs) / stations[0]
    earlier = rng.binomial(stations[1], truth_earlier, runs) / stations[1]
    return [
        difference_of_shares(
            p1, math.sqrt(p1 * (1 - p1) / stations[0]), p0, math.sqrt(p0 * (1 - p0) / stations[1])
        )
        for p1, p0 in zip(later, earlier, strict=True)
    ]


def test_the_interval_covers_a_known_change_about_95_times_in_100():
    found = _simulated_intervals(0.3, 0.2)
    coverage = np.mean([item.low <= 0.1 <= item.high for item in found])
    assert 0.935 <= coverage <= 0.965


def test_with_no_change_the_interval_excludes_zero_about_5_times_in_100():
    found = _simulated_intervals(0.25, 0.25)
    false_alarms = np.mean([item.excludes_zero for item in found])
    assert 0.035 <= false_alarms <= 0.065
