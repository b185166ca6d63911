import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2

from pollwatch.stats.sampling import (
    SampleDesign,
    allocate_sample,
    combine_strata,
    draw_pps_sample,
    draw_sample,
    draw_simple_random_sample,
    draw_stratified_sample,
    fresh_seed,
    pps_inclusion_probabilities,
    size_classes,
)

DRAWS = 3_000
# A correct design passes at this level; the broken ones below fail by far.
SIGNIFICANCE = 0.001

SMALL_SIZES = np.array([3, 5, 8, 10, 12, 15, 20, 25, 30, 40, 60, 90, 150, 200, 400, 900.0])
SMALL_STRATA = np.array(list("AAAAABBBBBBCCCCC"))


def inclusion_counts(draw_positions, frame_size, draws=DRAWS):
    counts = np.zeros(frame_size)
    for seed in range(draws):
        counts[draw_positions(seed)] += 1
    return counts


def inclusion_p_value(counts, probabilities, draws=DRAWS):
    """Chi-square comparison of inclusion counts with ``draws · π``.

    Each term ``(O - Rπ)² / (Rπ(1 - π))`` has expectation one under the
    design, so the sum is compared with a chi-square on as many degrees of
    freedom as random units; units taken with certainty must be in every draw.
    """
    certain = probabilities >= 1
    assert (counts[certain] == draws).all()
    random = (probabilities > 0) & ~certain
    expected = draws * probabilities[random]
    statistic = ((counts[random] - expected) ** 2 / (expected * (1 - probabilities[random]))).sum()
    return chi2.sf(statistic, random.sum())


def pps_design(seed, **changes):
    return SampleDesign(size=5, seed=seed, pps_by="registered voters", **changes)


def test_simple_random_inclusion_frequencies_match_the_design():
    frame_size, n = 20, 6
    probabilities = draw_simple_random_sample(frame_size, n, 0).inclusion_probabilities
    counts = inclusion_counts(
        lambda seed: draw_simple_random_sample(frame_size, n, seed).selected, frame_size
    )
    assert inclusion_p_value(counts, probabilities) > SIGNIFICANCE


def test_pps_inclusion_frequencies_match_the_design_including_certainty_units():
    probabilities = draw_pps_sample(SMALL_SIZES, 5, 0).inclusion_probabilities
    # 900 exceeds the interval, and so does 400 once 900 is set aside.
    assert list(np.flatnonzero(probabilities == 1)) == [14, 15]
    counts = inclusion_counts(
        lambda seed: draw_pps_sample(SMALL_SIZES, 5, seed).selected, len(SMALL_SIZES)
    )
    assert inclusion_p_value(counts, probabilities) > SIGNIFICANCE


def test_stratified_pps_inclusion_frequencies_match_the_design():
    def draw(seed):
        design = pps_design(seed, stratified_by=("region",), minimum_per_stratum=1)
        return draw_sample(design, len(SMALL_SIZES), strata=SMALL_STRATA, sizes=SMALL_SIZES)

    probabilities = draw(0).inclusion_probabilities
    counts = inclusion_counts(lambda seed: draw(seed).selected, len(SMALL_SIZES))
    assert inclusion_p_value(counts, probabilities) > SIGNIFICANCE


def test_stratified_equal_allocation_frequencies_match_the_design():
    def draw(seed):
        return draw_stratified_sample(SMALL_STRATA, 6, seed, allocation="equal")

    probabilities = draw(0).inclusion_probabilities
    assert set(np.round(probabilities, 6)) == {round(2 / 5, 6), round(2 / 6, 6)}
    counts = inclusion_counts(lambda seed: draw(seed).selected, len(SMALL_STRATA))
    assert inclusion_p_value(counts, probabilities) > SIGNIFICANCE


def test_the_check_rejects_pps_by_successive_draws():
    # Drawing one unit after another proportional to size does not give
    # π = n x / X: large units are under-represented. The check must see it.
    sizes = np.arange(10.0, 140.0, 10.0)
    probabilities = pps_inclusion_probabilities(sizes, 4)
    assert probabilities.max() < 1

    def successive(seed):
        rng = np.random.default_rng(seed)
        return rng.choice(len(sizes), size=4, replace=False, p=sizes / sizes.sum())

    counts = inclusion_counts(successive, len(probabilities))
    assert inclusion_p_value(counts, probabilities) < 1e-6


def test_the_check_rejects_a_sample_that_never_takes_the_last_unit():
    frame_size, n = 20, 6
    probabilities = np.full(frame_size, n / frame_size)
    counts = inclusion_counts(
        lambda seed: np.random.default_rng(seed).permutation(frame_size - 1)[:n], frame_size
    )
    assert inclusion_p_value(counts, probabilities) < 1e-6


def test_the_check_rejects_a_stratified_claim_on_an_unstratified_draw():
    claimed = draw_stratified_sample(SMALL_STRATA, 6, 0, allocation="equal")
    counts = inclusion_counts(
        lambda seed: draw_simple_random_sample(len(SMALL_STRATA), 6, seed).selected,
        len(SMALL_STRATA),
    )
    assert inclusion_p_value(counts, claimed.inclusion_probabilities) < 1e-3


def test_strata_sizes_equal_the_allocation():
    rng = np.random.default_rng(7)
    strata = rng.choice(
        ["north", "south", "east", "west", "capital"], 2_000, p=[0.4, 0.3, 0.2, 0.09, 0.01]
    )
    draw = draw_stratified_sample(strata, 200, 11, minimum_per_stratum=5)
    labels, counts = np.unique(strata, return_counts=True)
    expected = allocate_sample(counts, 200, minimum=5)
    assert draw.stratum_labels == tuple(labels)
    for stratum, allocated, label in zip(draw.strata, expected, labels, strict=True):
        assert stratum.allocated == allocated == len(stratum.selected)
        assert (strata[stratum.selected] == label).all()
    assert len(draw.selected) == 200


def test_stratified_weights_add_up_to_each_stratum_size():
    strata = np.repeat(["a", "b", "c"], [50, 120, 330])
    draw = draw_stratified_sample(strata, 40, 3)
    for position, stratum in enumerate(draw.strata):
        in_stratum = draw.stratum_of_unit[draw.selected] == position
        assert draw.weights[in_stratum].sum() == pytest.approx(stratum.units)


def test_pps_weights_reproduce_the_total_size():
    sizes = np.random.default_rng(5).integers(100, 3_000, 1_000).astype(float)
    sizes[:3] = 200_000  # larger than the interval: certain
    draw = draw_pps_sample(sizes, 50, 9)
    assert draw.strata[0].certainty == 3
    assert (draw.weights * sizes[draw.selected]).sum() == pytest.approx(sizes.sum())


def test_same_seed_same_sample_and_reserve():
    strata = np.repeat(["a", "b"], [300, 700])
    design = SampleDesign(size=60, seed=20261124, stratified_by=("region",), reserve_per_stratum=4)
    first = draw_sample(design, 1_000, strata=strata)
    again = draw_sample(design, 1_000, strata=strata)
    assert np.array_equal(first.selected, again.selected)
    assert np.array_equal(first.reserve, again.reserve)
    other = draw_sample(
        SampleDesign(size=60, seed=20261125, stratified_by=("region",)), 1_000, strata=strata
    )
    assert not np.array_equal(first.selected, other.selected)


def test_reserve_lists_come_from_the_unsampled_units_of_each_stratum():
    strata = np.repeat(["a", "b", "c"], [5, 50, 500])
    design = SampleDesign(size=30, seed=1, stratified_by=("region",), reserve_per_stratum=3)
    draw = draw_sample(design, len(strata), strata=strata)
    assert [len(s.reserve) for s in draw.strata] == [
        min(3, s.units - s.allocated) for s in draw.strata
    ]
    assert not set(draw.reserve) & set(draw.selected)
    for position, stratum in enumerate(draw.strata):
        assert (draw.stratum_of_unit[stratum.reserve] == position).all()


def test_neyman_allocation_follows_the_spread():
    strata = np.repeat(["calm", "varied"], 500)
    values = np.concatenate([np.tile([10.0, 12.0], 250), np.tile([0.0, 60.0], 250)])
    draw = draw_stratified_sample(strata, 62, 4, allocation="neyman", neyman_values=values)
    # Spreads 1 : 30 (to sampling precision), so about 2 and 60.
    assert [s.allocated for s in draw.strata] == [2, 60]


def test_proportional_allocation_example():
    assert list(allocate_sample([100, 300, 600], 100)) == [10, 30, 60]


def test_equal_allocation_caps_a_small_stratum_and_shares_the_rest():
    assert list(allocate_sample([50, 50, 5], 30, "equal")) == [13, 12, 5]


def test_minimum_lifts_small_strata():
    assert list(allocate_sample([1_000, 10, 10], 50, minimum=5)) == [40, 5, 5]


def test_neyman_without_any_spread_falls_back_to_proportional():
    assert list(allocate_sample([100, 300], 40, "neyman", spreads=[0, 0])) == [10, 30]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"stratum_sizes": [10, 10], "size": 21}, "cannot sample"),
        ({"stratum_sizes": [10, 10, 10], "size": 10, "minimum": 4}, "minimum of 4"),
        (
            {"stratum_sizes": [10, 10], "size": 5, "method": "optimal"},
            "proportional, equal, neyman",
        ),
        ({"stratum_sizes": [10, 0], "size": 5}, "at least one unit"),
    ],
)
def test_impossible_allocations_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        allocate_sample(**kwargs)


def test_unknown_design_names_list_the_valid_ones():
    with pytest.raises(ValueError, match="valid: proportional, equal, neyman"):
        SampleDesign(size=10, seed=1, allocation="optimal")
    with pytest.raises(ValueError, match="valid: systematic"):
        SampleDesign(size=10, seed=1, pps_by="voters", pps_method="sampford-ish")


def test_pps_rejects_units_without_a_positive_size():
    with pytest.raises(ValueError, match="positive numbers; 2 are not"):
        draw_pps_sample([10, 0, np.nan, 5], 2, 1)


def test_pps_probabilities_with_a_certainty_unit():
    assert pps_inclusion_probabilities([1, 1, 1, 100], 2) == pytest.approx([1 / 3] * 3 + [1])


def test_description_states_the_design_in_words():
    strata = np.repeat([f"region {i:02d}" for i in range(12)], 100)
    design = SampleDesign(size=1_000, seed=20261124, stratified_by=("region",))
    text = draw_sample(design, len(strata), strata=strata).describe()
    assert text == (
        "1,000 stations drawn at random, stratified by region, proportional to the number "
        "of stations; seed 20261124. Frame of 1,200 stations in 12 strata."
    )


def test_description_of_pps_names_certainty_and_reserve():
    sizes = np.r_[np.full(99, 100.0), 50_000.0]
    design = SampleDesign(size=10, seed=3, pps_by="registered voters", reserve_per_stratum=2)
    text = draw_sample(design, 100, sizes=sizes).describe()
    assert text.startswith("10 stations drawn with probability proportional to registered voters")
    assert "1 of them taken with certainty" in text
    assert "Reserve list of 2 stations per stratum" in text


def test_combined_strata_and_size_classes():
    labels = combine_strata([["North", "South"], ["urban", "rural"]])
    assert list(labels) == ["North / urban", "South / rural"]
    classes = size_classes([10, 500, 999, 1_000, 5_000], [500, 1_000])
    assert list(classes) == [
        "under 500",
        "500 to 999",
        "500 to 999",
        "1,000 and over",
        "1,000 and over",
    ]
    with pytest.raises(ValueError, match="increasing"):
        size_classes([1], [1_000, 500])


frames = st.lists(st.integers(1, 40), min_size=1, max_size=8).flatmap(
    lambda counts: st.tuples(
        st.just(counts),
        st.integers(1, sum(counts)),
        st.integers(0, 3),
        st.sampled_from(["proportional", "equal", "neyman"]),
        st.integers(0, 2**32 - 1),
        st.booleans(),
    )
)


@settings(max_examples=150, deadline=None)
@given(frames)
def test_any_draw_keeps_the_design_invariants(frame):
    counts, size, minimum, allocation, seed, pps = frame
    if sum(min(minimum, c) for c in counts) > size:
        minimum = 0
    strata = np.repeat([f"s{i}" for i in range(len(counts))], counts)
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 1_000, len(strata)).astype(float)
    design = SampleDesign(
        size=size,
        seed=seed,
        stratified_by=("stratum",),
        allocation=allocation,
        minimum_per_stratum=minimum,
        pps_by="size" if pps else None,
        neyman_by="size",
        reserve_per_stratum=2,
    )
    draw = draw_sample(design, len(strata), strata=strata, sizes=sizes, neyman_values=sizes)
    probabilities = draw.inclusion_probabilities
    assert len(draw.selected) == len(set(draw.selected)) == size
    assert probabilities.sum() == pytest.approx(size)
    assert ((probabilities >= 0) & (probabilities <= 1)).all()
    assert (probabilities[draw.selected] > 0).all()
    assert set(np.flatnonzero(probabilities == 1)) <= set(draw.selected)
    assert (draw.weights >= 1).all()
    for stratum, count in zip(draw.strata, counts, strict=True):
        assert min(minimum, count) <= stratum.allocated == len(stratum.selected) <= count
    assert not set(draw.reserve) & set(draw.selected)
    again = draw_sample(design, len(strata), strata=strata, sizes=sizes, neyman_values=sizes)
    assert np.array_equal(draw.selected, again.selected)


@given(
    counts=st.lists(st.integers(1, 10_000), min_size=1, max_size=30),
    fraction=st.floats(0.0, 1.0),
)
def test_proportional_allocation_is_within_one_of_the_exact_share(counts, fraction):
    total = sum(counts)
    size = max(1, round(fraction * total))
    allocation = allocate_sample(counts, size)
    assert allocation.sum() == size
    exact = np.asarray(counts) * size / total
    assert (np.abs(allocation - exact) < 1).all()


def test_fresh_seeds_have_nine_digits_and_differ():
    seeds = {fresh_seed() for _ in range(20)}
    assert len(seeds) > 1
    assert all(100_000_000 <= seed < 1_000_000_000 for seed in seeds)


def test_allocation_without_strata_is_rejected():
    with pytest.raises(ValueError, match="needs strata"):
        SampleDesign(size=10, seed=1, allocation="equal")
    with pytest.raises(ValueError, match="needs strata"):
        SampleDesign(size=10, seed=1, minimum_per_stratum=2)


def test_description_warns_when_strata_get_no_sample():
    strata = np.repeat(["a", "b", "c", "d"], 10)
    draw = draw_stratified_sample(strata, 2, 1, allocation="equal")
    assert [s.allocated for s in draw.strata] == [1, 1, 0, 0]
    assert draw.describe().endswith("2 strata get no stations: their stations cannot be drawn.")
