import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pollwatch.stats.digits import (
    BENFORD_SECOND_DIGIT_MEAN,
    METHODS,
    benford_second_digit_probabilities,
    digit_test,
    digit_tests,
    second_digits,
)

# docs/methodology.md §4, after Mebane (2006): second-digit probabilities of Benford's law.
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


# The null of the last digit -------------------------------------------------------------

from scipy import stats as scipy_stats  # noqa: E402

from pollwatch.stats.digits import last_digit_null  # noqa: E402


@given(st.lists(st.integers(0, 5_000), min_size=1, max_size=300))
def test_last_digit_null_is_a_distribution_per_tested_count(counts):
    null = last_digit_null(counts)
    assert null.shape == (sum(c >= 100 for c in counts), 10)
    assert np.all(null >= 0)
    assert np.allclose(null.sum(axis=1), 1.0)


def test_last_digit_null_is_uniform_where_counts_are_spread_evenly():
    counts = np.arange(0, 20_000) % 5_000
    null = last_digit_null(counts)
    tested = counts[counts >= 100]
    # Inside the range the density is flat; the last decade sits on its edge and leans low.
    assert np.allclose(null[tested < 4_990], 0.1)
    assert np.all(null[tested >= 4_990, 0] > 0.1)


def test_last_digit_null_leans_low_on_a_falling_slope():
    counts = np.random.default_rng(1).geometric(1 / 40, 200_000)
    null = last_digit_null(counts)
    assert null[:, 0].mean() > null[:, 9].mean() > 0
    assert (null @ np.arange(10)).mean() < 4.3


def test_last_digit_null_needs_a_minimum_with_a_decade_below():
    with pytest.raises(ValueError, match="10 or more"):
        last_digit_null([5, 50], minimum=5)


def honest_counts(rng, stations=20_000):
    # A small option: Dirichlet-like station shares of about 5% of 300-3000 votes.
    valid = rng.integers(300, 3000, stations)
    share = rng.beta(1.5, 28.5, stations)
    return rng.binomial(valid, share)


def test_last_digit_tests_hold_their_level_on_honest_counts_of_a_small_option():
    rng = np.random.default_rng(2)
    p_values, fixed = [], []
    for _ in range(100):
        counts = honest_counts(rng)
        result = digit_test(counts, "last_digit_mean", bootstrap=10)
        p_values.append(result.p_value)
        # The fixed 4.5 of uniform last digits, for comparison.
        fixed.append(result.ci_high < 4.5 or result.ci_low > 4.5)
    rejected = np.mean(np.array(p_values) < 0.05)
    assert rejected <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / 100)
    assert np.mean(fixed) > 0.5
    assert scipy_stats.kstest(p_values, "uniform").pvalue > 0.001


def test_invented_last_digits_are_flagged():
    rng = np.random.default_rng(3)
    counts = honest_counts(rng)
    tested = np.flatnonzero(counts >= 100)
    # A fifth of the tested counts written with digits people favour (0, 5 and small ones).
    chosen = rng.choice(tested, tested.size // 5, replace=False)
    counts[chosen] = counts[chosen] // 10 * 10 + rng.choice([0, 0, 5, 5, 1, 2], chosen.size)
    for method in ("last_digit_mean", "zero_five_share"):
        result = digit_test(counts, method, bootstrap=10)
        assert result.p_value < 1e-4 and result.deviates


def test_second_digit_is_described_but_not_tested():
    result = digit_test(honest_counts(np.random.default_rng(4)), "second_digit_mean")
    assert result.expected == BENFORD_SECOND_DIGIT_MEAN
    assert np.isnan(result.p_value) and not result.tested


@given(
    st.lists(st.integers(0, 5_000), min_size=1, max_size=200),
    st.lists(st.sampled_from(METHODS), min_size=1, max_size=4),
)
def test_several_tests_at_once_equal_each_test_alone(counts, methods):
    together = digit_tests(counts, methods, bootstrap=50, seed=3)
    alone = [digit_test(counts, method, bootstrap=50, seed=3) for method in methods]
    assert [t.method for t in together] == list(methods)
    for one, other in zip(together, alone, strict=True):
        for field in ("counts_used", "statistic", "expected", "sd", "p_value", "ci_low", "ci_high"):
            assert getattr(one, field) == pytest.approx(getattr(other, field), nan_ok=True)
        assert np.array_equal(one.frequencies, other.frequencies)


def test_several_tests_refuse_an_unknown_method_by_name():
    with pytest.raises(ValueError, match="unknown digit test 'first_digit'; valid: second_digit"):
        digit_tests([120, 130], ("last_digit_mean", "first_digit"))
