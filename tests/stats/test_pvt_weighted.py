"""The weighted (1/π) ratio estimator for samples drawn with probability proportional to size.

Samples are drawn with the project's own sampler (randomised systematic PPS
within strata, :func:`pollwatch.stats.sampling.draw_sample`), and each draw
is estimated twice: with the design weights and the with-replacement
variance, and with equal weights within strata (``N_h / n_h``), which is what
a PPS sample got before weights were used. The second is biased towards the
small stations, and the tests show it, so that they would catch the defect.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from pollwatch.stats.pvt import estimate_shares, estimate_turnout
from pollwatch.stats.sampling import SampleDesign, draw_sample, draw_stratified_sample
from pollwatch.stats.stratified import (
    CERTAINTY_SUFFIX,
    build_design,
    calibrate_to_strata,
    design_weights,
    linearised_ratio,
    taken_with_certainty,
    weights_vary_within_strata,
)
from tests.stats.test_pvt_coverage import (
    LEADER_COLUMN,
    RUSSIA_2018,
    VALID_COLUMN,
    Population,
    read_columns,
    synthetic_population,
)

REGISTERED_COLUMN = "Число избирателей, включенных в список избирателей"


@dataclass(frozen=True, slots=True)
class Country(Population):
    """A :class:`Population` with each station's size measure, for drawing by size."""

    sizes: NDArray[np.float64]

    @property
    def frame(self) -> dict[str, int]:
        labels, counts = np.unique(self.strata, return_counts=True)
        return {str(label): int(count) for label, count in zip(labels, counts, strict=True)}


@dataclass(frozen=True, slots=True)
class Repeated:
    """Repeated PPS draws, each estimated with and without the design weights."""

    truth: float
    weighted: NDArray[np.float64]
    weighted_hits: NDArray[np.bool_]
    equal: NDArray[np.float64]
    equal_hits: NDArray[np.bool_]

    @property
    def weighted_coverage(self) -> float:
        return float(self.weighted_hits.mean())

    @property
    def equal_coverage(self) -> float:
        return float(self.equal_hits.mean())

    def bias(self, estimates: NDArray[np.float64]) -> float:
        return float(estimates.mean() - self.truth)


def pps_draws(country: Country, size: int, draws: int, first_seed: int) -> Repeated:
    """``draws`` stratified PPS samples, estimated with 1/π weights and with equal weights."""
    frame = country.frame
    weighted, weighted_hits, equal, equal_hits = [], [], [], []
    for seed in range(first_seed, first_seed + draws):
        design = SampleDesign(
            size=size,
            seed=seed,
            stratified_by=("region",),
            pps_by="registered voters",
            minimum_per_stratum=2,
        )
        draw = draw_sample(design, country.sizes.size, strata=country.strata, sizes=country.sizes)
        picked = draw.selected
        strata = country.strata[picked]
        votes, valid = country.leader[picked][:, None], country.valid[picked]
        prepared = design_weights(draw.weights, strata)
        with_weights = estimate_shares(
            votes,
            valid,
            ["leader"],
            strata,
            frame,
            weights=prepared.weights,
            with_replacement=prepared.with_replacement,
            certain=prepared.certain,
        ).share("leader")
        without = estimate_shares(votes, valid, ["leader"], strata, frame).share("leader")
        weighted.append(with_weights.value)
        weighted_hits.append(with_weights.contains(country.true_share))
        equal.append(without.value)
        equal_hits.append(without.contains(country.true_share))
    return Repeated(
        truth=country.true_share,
        weighted=np.array(weighted),
        weighted_hits=np.array(weighted_hits),
        equal=np.array(equal),
        equal_hits=np.array(equal_hits),
    )


def synthetic_country() -> Country:
    """The synthetic country of the coverage tests (bigger stations lean to the leader)."""
    population = synthetic_population()
    # Strata as short codes: the sampler sorts labels on every draw.
    codes = np.unique(population.strata, return_inverse=True)[1]
    rng = np.random.default_rng(77)
    registered = np.round(population.valid / rng.uniform(0.5, 0.8, population.valid.size))
    return Country(
        strata=np.char.zfill(codes.astype(str), 2),
        sizes=registered.astype(np.float64),
        valid=population.valid.astype(np.float64),
        leader=population.leader.astype(np.float64),
    )


def read_russia_2018_sizes() -> Country:
    table = read_columns(RUSSIA_2018, ("region", REGISTERED_COLUMN, VALID_COLUMN, LEADER_COLUMN))
    sizes = table[:, 1].astype(np.float64)
    keep = sizes > 0  # a station without voters cannot be drawn by size
    codes = np.unique(table[keep, 0], return_inverse=True)[1]
    return Country(
        strata=np.char.zfill(codes.astype(str), 2),
        sizes=sizes[keep],
        valid=table[keep, 2].astype(np.float64),
        leader=table[keep, 3].astype(np.float64),
    )


@pytest.fixture(scope="module")
def synthetic_draws() -> Repeated:
    return pps_draws(synthetic_country(), size=600, draws=200, first_seed=11)


@pytest.fixture(scope="module")
def russia_draws() -> Repeated:
    if not RUSSIA_2018.exists():
        pytest.skip(f"2018 election data not found at {RUSSIA_2018} (set POLLWATCH_SHARED_DATA)")
    return pps_draws(read_russia_2018_sizes(), size=1000, draws=200, first_seed=2018)


def test_synthetic_pps_draws_with_weights_cover_the_known_share(synthetic_draws):
    # 200 draws: the coverage of a correct 95% interval has sd 1.5 points.
    assert 0.92 <= synthetic_draws.weighted_coverage <= 0.98
    assert abs(synthetic_draws.bias(synthetic_draws.weighted)) < 0.002


def test_synthetic_pps_draws_with_equal_weights_are_biased(synthetic_draws):
    """Bigger stations lean to the leader and are drawn more often: equal weights overstate.

    Measured: bias +0.92 points, coverage 51.5% (with weights: +0.02 points, 95.5%).
    """
    assert synthetic_draws.bias(synthetic_draws.equal) > 0.005
    assert synthetic_draws.equal_coverage < 0.7


@pytest.mark.shared_data
@pytest.mark.slow
def test_russia_2018_pps_draws_with_weights_cover_the_leaders_share(russia_draws):
    assert 0.92 <= russia_draws.weighted_coverage <= 0.98
    assert abs(russia_draws.bias(russia_draws.weighted)) < 0.001


@pytest.mark.shared_data
@pytest.mark.slow
def test_russia_2018_pps_draws_with_equal_weights_miss_the_leaders_share(russia_draws):
    """Measured: bias -0.84 points, coverage 3.5% (the defect the weights fix)."""
    assert russia_draws.bias(russia_draws.equal) < -0.005
    assert russia_draws.equal_coverage < 0.2


def test_weights_constant_within_strata_give_the_stratified_estimate_exactly():
    country = synthetic_country()
    draw = draw_stratified_sample(
        country.strata, 400, seed=3, allocation="neyman", neyman_values=country.valid
    )
    picked = draw.selected
    strata = country.strata[picked]
    votes, valid = country.leader[picked][:, None], country.valid[picked]
    prepared = design_weights(draw.weights, strata, country.frame)
    assert not prepared.with_replacement
    assert prepared.certain is None
    weighted = estimate_shares(
        votes, valid, ["leader"], strata, country.frame, weights=prepared.weights
    ).share("leader")
    plain = estimate_shares(votes, valid, ["leader"], strata, country.frame).share("leader")
    assert weighted.value == pytest.approx(plain.value, rel=1e-12)
    assert weighted.standard_error == pytest.approx(plain.standard_error, rel=1e-12)


def test_pps_weights_vary_within_strata_and_select_the_with_replacement_variance():
    country = synthetic_country()
    design = SampleDesign(size=300, seed=4, stratified_by=("region",), pps_by="registered voters")
    draw = draw_sample(design, country.sizes.size, strata=country.strata, sizes=country.sizes)
    prepared = design_weights(draw.weights, country.strata[draw.selected])
    assert prepared.with_replacement
    assert prepared.certain is not None and not prepared.certain.any()


def test_with_replacement_variance_has_no_finite_population_correction():
    y, x = np.array([3.0, 5.0, 9.0, 4.0]), np.array([10.0, 10.0, 20.0, 10.0])
    weights = np.array([2.0, 2.5, 1.5, 4.0])
    without = linearised_ratio(build_design(4, None, {"all": 8}, weights), y, x)
    with_replacement = linearised_ratio(
        build_design(4, None, {"all": 8}, weights, with_replacement=True), y, x
    )
    assert with_replacement.ratio == pytest.approx(without.ratio)
    assert with_replacement.variance == pytest.approx(without.variance / (1 - 4 / 8))


def test_stations_taken_with_certainty_add_no_variance():
    y, x = np.array([3.0, 5.0, 9.0, 40.0]), np.array([10.0, 10.0, 20.0, 50.0])
    weights = np.array([3.0, 2.5, 1.5, 1.0])
    certain = np.array([False, False, False, True])
    design = build_design(4, None, None, weights, with_replacement=True, certain=certain)
    assert design.labels == ("all", "all" + CERTAINTY_SUFFIX)
    assert design.single_station_strata == ()
    fixed = linearised_ratio(design, y, x)
    # Moving the certain station's y changes the ratio but not the sampled stations' spread.
    moved = linearised_ratio(design, np.array([3.0, 5.0, 9.0, 41.0]), x)
    assert moved.ratio != pytest.approx(fixed.ratio)
    u = weights * (y - fixed.ratio * x) / (weights @ x)
    sampled = u[:3]
    expected = 3 / 2 * ((sampled - sampled.mean()) ** 2).sum()
    assert fixed.variance == pytest.approx(expected)


def test_a_weight_of_one_up_to_rounding_is_taken_with_certainty():
    weights = [1.0, 1.0000000000001, 1.001, 2.0]
    assert taken_with_certainty(weights).tolist() == [True, True, False, False]
    pps = design_weights(weights + [5.0], ["a"] * 5)
    assert pps.certain is not None
    assert pps.certain.tolist() == [True, True, False, False, False]


def test_certainty_needs_the_with_replacement_design():
    with pytest.raises(ValueError, match="with-replacement"):
        build_design(2, None, None, [1.0, 2.0], certain=[True, False])


def test_calibration_gives_each_stratum_its_size():
    weights = calibrate_to_strata([2.0, 4.0, 5.0], ["a", "a", "b"], {"a": 12, "b": 7})
    assert weights == pytest.approx([4.0, 8.0, 7.0])
    with pytest.raises(ValueError, match="strata without a size: b"):
        calibrate_to_strata([2.0, 4.0, 5.0], ["a", "a", "b"], {"a": 12})


def test_weights_that_differ_by_rounding_only_are_constant():
    assert not weights_vary_within_strata([10.0, 10.000000000001, 5.0], ["a", "a", "b"])
    assert weights_vary_within_strata([10.0, 10.5, 5.0], ["a", "a", "b"])
    assert not weights_vary_within_strata([10.0, 5.0], ["a", "b"])


def test_weighted_turnout_follows_the_same_design():
    given, registered = np.array([60.0, 80.0, 300.0]), np.array([100.0, 200.0, 400.0])
    weights = np.array([4.0, 2.0, 1.0])
    turnout = estimate_turnout(
        given, registered, weights=weights, with_replacement=True, certain=weights <= 1
    )
    assert turnout.value == pytest.approx((4 * 60 + 2 * 80 + 300) / (4 * 100 + 2 * 200 + 400))


station_rows = st.integers(min_value=2, max_value=30).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(1, 3000), min_size=n, max_size=n),
        st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n),
        st.lists(st.floats(1.0, 500.0), min_size=n, max_size=n),
        st.lists(st.sampled_from(["a", "b", "c"]), min_size=n, max_size=n),
    )
)


def _votes(valid: list[int], fractions: list[float]) -> tuple[np.ndarray, np.ndarray]:
    x = np.array(valid, dtype=np.float64)
    return np.floor(x * np.array(fractions))[:, None], x


@settings(max_examples=60, deadline=None)
@given(station_rows, st.floats(1.0, 1000.0))
def test_constant_weights_give_the_unweighted_estimator(rows, weight):
    valid, fractions, _, strata = rows
    y, x = _votes(valid, fractions)
    plain = estimate_shares(y, x, ["A"], strata).share("A")
    weighted = estimate_shares(y, x, ["A"], strata, weights=np.full(x.size, weight)).share("A")
    assert weighted.value == pytest.approx(plain.value, rel=1e-9, abs=1e-12)
    assert weighted.standard_error == pytest.approx(plain.standard_error, rel=1e-7, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(station_rows, st.floats(0.01, 100.0), st.booleans())
def test_scaling_the_weights_changes_neither_ratio_nor_error(rows, factor, replacement):
    valid, fractions, weights, strata = rows
    y, x = _votes(valid, fractions)
    w = np.array(weights)
    first = estimate_shares(y, x, ["A"], strata, weights=w, with_replacement=replacement)
    scaled = estimate_shares(y, x, ["A"], strata, weights=w * factor, with_replacement=replacement)
    assert scaled.share("A").value == pytest.approx(first.share("A").value, rel=1e-9, abs=1e-12)
    assert scaled.share("A").standard_error == pytest.approx(
        first.share("A").standard_error, rel=1e-7, abs=1e-12
    )


@settings(max_examples=60, deadline=None)
@given(station_rows)
def test_weighted_share_lies_between_the_stations_own_shares(rows):
    valid, fractions, weights, strata = rows
    y, x = _votes(valid, fractions)
    share = estimate_shares(y, x, ["A"], strata, weights=weights, with_replacement=True)
    own = y[:, 0] / x
    assert own.min() - 1e-12 <= share.share("A").value <= own.max() + 1e-12
    assert share.share("A").standard_error >= 0


@settings(max_examples=60, deadline=None)
@given(station_rows)
def test_with_replacement_variance_is_at_least_the_corrected_one(rows):
    valid, fractions, weights, strata = rows
    y, x = _votes(valid, fractions)
    frame = {label: 10_000 for label in set(strata)}
    corrected = estimate_shares(y, x, ["A"], strata, frame, weights=weights).share("A")
    replaced = estimate_shares(
        y, x, ["A"], strata, frame, weights=weights, with_replacement=True
    ).share("A")
    assert replaced.standard_error >= corrected.standard_error - 1e-15
