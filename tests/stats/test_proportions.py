"""Design-based and observed shares of stations with an attribute."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pollwatch.stats.proportions import (
    INTERVAL_METHODS,
    design_share,
    observed_share,
)
from tests.stats.results import results_pvt as ref

THREE_OF_TEN = np.array([True] * 3 + [False] * 7)


def test_korn_graubard_equals_clopper_pearson_when_the_design_effect_is_one():
    share = design_share(THREE_OF_TEN, frame_sizes={"all": ref.THREE_OF_TEN_FRAME})
    assert share.design_effect == pytest.approx(1.0)
    assert (share.low, share.high) == pytest.approx(ref.THREE_OF_TEN_CLOPPER_PEARSON, abs=5e-5)
    assert (share.count, share.base, share.share) == (3, 10, pytest.approx(0.3))


def test_logit_interval_matches_hand_computation():
    share = design_share(THREE_OF_TEN, frame_sizes={"all": ref.THREE_OF_TEN_FRAME}, method="logit")
    assert (share.low, share.high) == pytest.approx(ref.THREE_OF_TEN_LOGIT, abs=1e-6)


def test_no_station_with_the_attribute_still_gets_an_upper_limit():
    share = design_share(np.zeros(59, dtype=bool))
    assert share.share == 0.0
    assert share.low == 0.0
    assert share.high == pytest.approx(ref.NONE_OF_59_UPPER, abs=1e-6)
    assert share.design_effect is None


def test_every_station_with_the_attribute_gets_a_lower_limit():
    share = design_share(np.ones(59, dtype=bool))
    assert share.high == 1.0
    assert share.low == pytest.approx(1 - ref.NONE_OF_59_UPPER, abs=1e-6)


def test_logit_interval_refuses_a_share_of_zero():
    with pytest.raises(ValueError, match="korn-graubard"):
        design_share(np.zeros(20, dtype=bool), method="logit")


def test_weights_change_the_share_but_not_the_base():
    flags = [True, False, False, False]
    share = design_share(flags, strata=["a", "b", "b", "b"], frame_sizes={"a": 30, "b": 30})
    # Stratum a: 1 of 1 stations (weight 30); b: 0 of 3 (weight 10): 30/60.
    assert share.share == pytest.approx(0.5)
    assert (share.count, share.base) == (1, 4)


def test_explicit_weights_override_frame_weights():
    share = design_share([True, False], weights=[3.0, 1.0])
    assert share.share == pytest.approx(0.75)


def test_clustered_attribute_has_a_design_effect_above_one():
    # The attribute is concentrated in one stratum of a weighted design:
    # stratum a (1 station for 100) has it, stratum b (9 for 900) does not.
    flags = np.array([True] * 5 + [False] * 45)
    weights = np.r_[np.full(5, 40.0), np.full(45, 2.0)]
    share = design_share(flags, weights=weights)
    assert share.design_effect is not None
    assert share.design_effect > 1.0
    unweighted = design_share(flags)
    assert share.high - share.low > unweighted.high - unweighted.low


def test_unknown_interval_method_lists_the_valid_ones():
    with pytest.raises(ValueError, match="korn-graubard, logit"):
        design_share([True, False], method="wilson")
    assert INTERVAL_METHODS == ("korn-graubard", "logit")


@pytest.mark.parametrize(
    ("flags", "message"),
    [([], "no stations"), ([0, 2], "booleans"), ([[True]], "one flag per station")],
)
def test_bad_flags_raise_a_clear_error(flags, message):
    with pytest.raises(ValueError, match=message):
        design_share(flags)


def test_observed_share_of_a_non_random_selection_has_no_interval():
    share = observed_share([True, True, False, False, False])
    assert (share.count, share.base, share.share) == (2, 5, 0.4)
    assert not hasattr(share, "low")
    assert observed_share([]).share == 0.0


def test_synthetic_stratified_design_covers_the_true_share():
    """Known truth: 30 strata whose share of problem stations varies from 2% to 30%."""
    rng = np.random.default_rng(11)
    sizes = rng.integers(100, 400, size=30)
    rates = np.linspace(0.02, 0.30, 30)
    population = [rng.random(size) < rate for size, rate in zip(sizes, rates, strict=True)]
    truth = np.concatenate(population).mean()
    frame = {f"s{h}": int(size) for h, size in enumerate(sizes)}
    hits, draws = 0, 400
    for _ in range(draws):
        picked = [rng.choice(stations, size=8, replace=False) for stations in population]
        strata = np.repeat(list(frame), 8)
        share = design_share(np.concatenate(picked), strata=strata, frame_sizes=frame)
        hits += share.low <= truth <= share.high
    # 400 draws: a 95% interval covers 380 times on average, sd about 4.4.
    assert 0.92 <= hits / draws <= 0.985


flag_lists = st.lists(st.booleans(), min_size=1, max_size=60)


@settings(max_examples=80, deadline=None)
@given(flag_lists, st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_korn_graubard_interval_holds_the_share_and_stays_in_zero_one(flags, confidence):
    share = design_share(flags, confidence=confidence)
    assert 0.0 <= share.low <= share.share <= share.high <= 1.0
    assert share.share == pytest.approx(sum(flags) / len(flags))


@settings(max_examples=60, deadline=None)
@given(flag_lists)
def test_higher_confidence_gives_a_wider_interval(flags):
    narrow = design_share(flags, confidence=0.9)
    wide = design_share(flags, confidence=0.99)
    assert wide.low <= narrow.low + 1e-12
    assert wide.high >= narrow.high - 1e-12


@settings(max_examples=60, deadline=None)
@given(flag_lists)
def test_observed_share_is_count_over_base(flags):
    share = observed_share(flags)
    assert share.count == sum(flags)
    assert share.base == len(flags)
    assert share.share * share.base == pytest.approx(share.count)


weighted_stations = st.lists(
    st.tuples(st.booleans(), st.sampled_from("abc"), st.floats(min_value=0.5, max_value=50)),
    min_size=2,
    max_size=60,
)


@settings(max_examples=80, deadline=None)
@given(weighted_stations, st.sampled_from(INTERVAL_METHODS))
def test_weighted_stratified_share_is_a_weighted_mean_inside_its_interval(stations, method):
    flags = np.array([flag for flag, _, _ in stations])
    strata = [stratum for _, stratum, _ in stations]
    weights = np.array([weight for _, _, weight in stations])
    if method == "logit" and (flags.all() or not flags.any()):
        return
    share = design_share(flags, strata=strata, weights=weights, method=method)
    assert share.share == pytest.approx(weights[flags].sum() / weights.sum())
    assert 0.0 <= share.low <= share.share + 1e-12
    assert share.share - 1e-12 <= share.high <= 1.0
    assert (share.count, share.base) == (int(flags.sum()), len(stations))
