"""Domain shares from per-stratum totals agree with the station-level estimators."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pollwatch.stats.proportions import StratumTotals, design_share, domain_shares
from pollwatch.stats.stratified import build_design, linearised_ratio


def totals_of(strata, weights, hits, answered, frame_sizes=None):
    """Per-stratum totals of station-level data, the way the database sums them."""
    labels, where = np.unique(strata, return_inverse=True)
    size = len(labels)

    def by_stratum(values):
        out = np.zeros((size, values.shape[1]))
        np.add.at(out, where, values)
        return out

    w = weights[:, None]
    return StratumTotals(
        reporting=np.bincount(where, minlength=size).astype(float),
        frame_sizes=None
        if frame_sizes is None
        else np.array([frame_sizes[label] for label in labels], dtype=float),
        weighted_hits=by_stratum(w * hits),
        squared_weighted_hits=by_stratum(w * w * hits),
        weighted_base=by_stratum(w * answered),
        squared_weighted_base=by_stratum(w * w * answered),
        hits=hits.sum(axis=0).astype(np.int64),
        base=answered.sum(axis=0).astype(np.int64),
    )


def test_everyone_answering_equals_design_share():
    rng = np.random.default_rng(5)
    strata = rng.choice(["a", "b", "c"], size=300)
    flags = rng.random(300) < 0.2
    frame = {"a": 2000, "b": 1500, "c": 900}
    weights = build_design(300, strata, frame).weights
    expected = design_share(flags, strata, frame_sizes=frame)
    totals = totals_of(
        strata, weights, flags[:, None].astype(float), np.ones((300, 1)), frame_sizes=frame
    )
    (found,) = domain_shares(totals)
    assert found.share == pytest.approx(expected.share)
    assert found.standard_error == pytest.approx(expected.standard_error)
    assert (found.low, found.high) == pytest.approx((expected.low, expected.high))
    assert (found.count, found.base) == (expected.count, expected.base)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    stations=st.integers(2, 60),
    strata_count=st.integers(1, 4),
)
def test_domain_variance_equals_linearisation_over_all_stations(seed, stations, strata_count):
    rng = np.random.default_rng(seed)
    strata = rng.integers(0, strata_count, size=stations).astype(str)
    weights = rng.uniform(0.5, 20.0, size=stations)
    answered = (rng.random((stations, 2)) < 0.8).astype(float)
    answered[0] = 1.0
    hits = answered * (rng.random((stations, 2)) < 0.4)
    design = build_design(stations, strata, weights=weights)
    shares = domain_shares(totals_of(strata, weights, hits, answered))
    for column, share in enumerate(shares):
        expected = linearised_ratio(design, hits[:, column], answered[:, column])
        assert share.share == pytest.approx(float(expected.ratio[0]))
        assert share.standard_error**2 == pytest.approx(
            float(expected.variance[0]), rel=1e-7, abs=1e-12
        )


def test_nobody_answering_gives_the_whole_interval():
    totals = totals_of(np.array(["a", "a"]), np.ones(2), np.zeros((2, 1)), np.zeros((2, 1)))
    (share,) = domain_shares(totals)
    assert (share.base, share.low, share.high) == (0, 0.0, 1.0)


def test_confidence_outside_the_unit_interval_is_refused():
    totals = totals_of(np.array(["a"]), np.ones(1), np.ones((1, 1)), np.ones((1, 1)))
    with pytest.raises(ValueError, match="confidence"):
        domain_shares(totals, confidence=1.5)
