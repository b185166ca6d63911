import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pollwatch.stats.multiple_testing import holm_adjusted


def test_holm_by_hand():
    # Sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1, then made non-decreasing.
    adjusted = holm_adjusted([0.01, 0.04, 0.03, 0.005])
    assert adjusted == pytest.approx([0.03, 0.06, 0.06, 0.02])


@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=40))
def test_adjusted_p_values_are_larger_capped_and_keep_the_order(p_values):
    p = np.array(p_values)
    adjusted = holm_adjusted(p)
    assert np.all(adjusted >= p - 1e-15) and np.all(adjusted <= 1.0)
    order = np.argsort(p, kind="stable")
    assert np.all(np.diff(adjusted[order]) >= -1e-15)
    assert adjusted.min() == pytest.approx(min(1.0, p.size * p.min()))


def test_family_wise_error_under_the_global_null_is_at_most_alpha():
    rng = np.random.default_rng(11)
    families = rng.random((4000, 12))
    rejected = np.array([holm_adjusted(f).min() < 0.05 for f in families])
    # Exactly 1 - 0.95**(1/12)... at most 5%; 4000 families give a binomial sd of 0.35%.
    assert rejected.mean() < 0.05 + 3 * 0.0035


def test_p_values_outside_zero_one_are_refused():
    with pytest.raises(ValueError, match="between 0 and 1"):
        holm_adjusted([0.2, 1.5])
    with pytest.raises(ValueError, match="between 0 and 1"):
        holm_adjusted([float("nan")])
