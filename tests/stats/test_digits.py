import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pollwatch.stats.digits import (
    BENFORD_SECOND_DIGIT_MEAN,
    benford_second_digit_probabilities,
    digit_test,
    second_digits,
)

# METHODOLOGY §4, after Mebane (2006): second-digit probabilities of Benford's law.
PUBLISHED_SECOND_DIGIT = [
    0.1197,
    0.1139,
    0.1088,
    0.1043,
    0.1003,
    0.0967,
    0.0934,
    0.0904,
    0.0876,
    0.0850,
]


def test_benford_second_digit_law_matches_the_published_table():
    assert benford_second_digit_probabilities() == pytest.approx(PUBLISHED_SECOND_DIGIT, abs=5e-5)
    assert abs(BENFORD_SECOND_DIGIT_MEAN - 4.187) < 5e-4


@given(st.lists(st.integers(10, 10**12), min_size=1, max_size=50))
def test_second_digit_is_the_second_character(counts):
    assert second_digits(counts).tolist() == [int(str(c)[1]) for c in counts]


def test_second_digits_refuse_single_digit_counts():
    with pytest.raises(ValueError, match="10 or more"):
        second_digits([5])


def test_unknown_method_lists_the_valid_ones():
    with pytest.raises(ValueError, match="second_digit_mean, last_digit_mean, zero_five_share"):
        digit_test([100], "first_digit")


def test_honest_uniform_last_digits_are_not_flagged():
    counts = np.random.default_rng(5).integers(100, 10_000, 20_000)
    for method in ("last_digit_mean", "zero_five_share"):
        result = digit_test(counts, method, seed=1)
        assert result.ci_low <= result.expected <= result.ci_high
        assert not result.deviates


def test_counts_rounded_to_five_are_flagged():
    rng = np.random.default_rng(6)
    counts = rng.integers(100, 10_000, 2_000)
    counts[:600] = np.round(counts[:600] / 5) * 5
    result = digit_test(counts, "zero_five_share", seed=2)
    assert result.deviates
    assert result.statistic > 0.3


def test_size_conditions_follow_the_methods():
    counts = [5, 12, 99, 100, 2345]
    assert digit_test(counts, "second_digit_mean").counts_used == 4
    assert digit_test(counts, "last_digit_mean").counts_used == 2
    empty = digit_test([1, 2], "last_digit_mean")
    assert empty.counts_used == 0 and np.isnan(empty.statistic) and not empty.deviates


def test_bootstrap_interval_narrows_with_more_counts():
    rng = np.random.default_rng(7)
    few = digit_test(rng.integers(100, 9999, 200), "last_digit_mean", seed=3)
    many = digit_test(rng.integers(100, 9999, 20_000), "last_digit_mean", seed=3)
    assert (many.ci_high - many.ci_low) < (few.ci_high - few.ci_low) / 5
