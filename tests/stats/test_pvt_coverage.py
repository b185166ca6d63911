"""Coverage of the PVT intervals under repeated stratified sampling.

The design check of the quick count: draw many stratified samples of stations
from a population whose result is known, and count how often the 95% interval
contains the true national share of the leader.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from pollwatch.stats.pvt import estimate_shares

SHARED_DATA = Path(
    os.environ.get(
        "POLLWATCH_SHARED_DATA", Path(__file__).resolve().parents[2].parent / "shared" / "data"
    )
)
RUSSIA_2018 = SHARED_DATA / "russia" / "2018.csv.zip"
VALID_COLUMN = "Число действительных избирательных бюллетеней"
LEADER_COLUMN = "Путин Владимир Владимирович"


@dataclass(frozen=True, slots=True)
class Population:
    """Every station of a country: stratum, valid votes, leader's votes."""

    strata: NDArray[np.str_]
    valid: NDArray[np.number[Any]]
    leader: NDArray[np.number[Any]]

    @property
    def true_share(self) -> float:
        return float(self.leader.sum() / self.valid.sum())


def proportional_allocation(frame_sizes: NDArray[np.int64], total: int) -> NDArray[np.int64]:
    """Sample size per stratum proportional to its size, at least 2, summing to ``total``."""
    exact = total * frame_sizes / frame_sizes.sum()
    sizes = np.minimum(np.maximum(np.floor(exact).astype(np.int64), 2), frame_sizes)
    remainders = exact - np.floor(exact)
    while sizes.sum() != total:
        room = sizes < frame_sizes if sizes.sum() < total else sizes > 2
        step = 1 if sizes.sum() < total else -1
        candidates = np.flatnonzero(room)
        pick = candidates[np.argmax(step * remainders[candidates])]
        sizes[pick] += step
        remainders[pick] -= step
    return sizes


def stratified_draws(
    population: Population, total: int, draws: int, rng: np.random.Generator
) -> tuple[NDArray[np.intp], NDArray[np.str_], dict[str, int]]:
    """``draws`` stratified samples: a (draws, total) matrix of station indices.

    Columns are grouped by stratum, so one stratum label vector serves all
    draws. Within each stratum every draw is a simple random sample without
    replacement (the first ``n_h`` of a random ordering of its stations).
    """
    labels, stratum_of = np.unique(population.strata, return_inverse=True)
    frame_sizes = np.bincount(stratum_of)
    allocation = proportional_allocation(frame_sizes, total)
    blocks = []
    for h, take in enumerate(allocation):
        members = np.flatnonzero(stratum_of == h)
        keys = rng.random((draws, members.size))
        blocks.append(members[np.argpartition(keys, take - 1, axis=1)[:, :take]])
    sample_strata = np.repeat(labels, allocation)
    frame = {str(label): int(size) for label, size in zip(labels, frame_sizes, strict=True)}
    return np.concatenate(blocks, axis=1), sample_strata, frame


def coverage(
    population: Population, total: int, draws: int, seed: int, method: str = "linearization"
) -> float:
    """Share of ``draws`` stratified samples whose 95% interval holds the truth."""
    rng = np.random.default_rng(seed)
    samples, strata, frame = stratified_draws(population, total, draws, rng)
    truth = population.true_share
    hits = 0
    for picked in samples:
        estimate = estimate_shares(
            population.leader[picked][:, None],
            population.valid[picked],
            ["leader"],
            strata,
            frame,
            method=method,
            replicates=200,
            seed=seed,
        )
        hits += estimate.share("leader").contains(truth, 0.95)
    return hits / draws


def synthetic_population(seed: int = 2024) -> Population:
    """A country of 40 regions and 20,000 stations with a known result.

    The leader's support varies between regions and between stations, and
    bigger stations lean slightly towards the leader, so the ratio estimator
    faces clustering and a size effect.
    """
    rng = np.random.default_rng(seed)
    region_sizes = rng.integers(150, 900, size=40)
    region_lean = rng.normal(0.0, 0.6, size=40)
    strata = np.repeat([f"region {h:02d}" for h in range(40)], region_sizes)
    lean = np.repeat(region_lean, region_sizes)
    valid = rng.integers(80, 2500, size=strata.size)
    logit = 0.4 + lean + 0.0002 * (valid - 1000) + rng.normal(0.0, 0.5, size=strata.size)
    leader = rng.binomial(valid, 1.0 / (1.0 + np.exp(-logit)))
    return Population(strata=strata, valid=valid, leader=leader)


def read_columns(path: Path, names: tuple[str, ...]) -> NDArray[np.str_]:
    """The named columns of a zipped CSV, as text, one row per station."""
    with zipfile.ZipFile(path) as archive, archive.open(archive.namelist()[0]) as raw:
        reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8"))
        header = next(reader)
        at = [header.index(name) for name in names]
        rows = [[row[i] for i in at] for row in reader]
    return np.array(rows)


def read_russia_2018(path: Path) -> Population:
    table = read_columns(path, ("region", VALID_COLUMN, LEADER_COLUMN))
    return Population(
        strata=table[:, 0], valid=table[:, 1].astype(np.int64), leader=table[:, 2].astype(np.int64)
    )


def test_proportional_allocation_sums_to_the_total_with_two_per_stratum():
    sizes = proportional_allocation(np.array([7, 51, 300, 5000, 12000]), 400)
    assert sizes.sum() == 400
    assert sizes.min() >= 2
    assert list(sizes) == sorted(sizes)


def test_stratified_draws_stay_within_their_stratum_without_repeats():
    population = synthetic_population()
    samples, strata, _ = stratified_draws(population, 300, 5, np.random.default_rng(0))
    assert samples.shape == (5, 300)
    for picked in samples:
        assert len(set(picked)) == 300
        assert np.array_equal(population.strata[picked], strata)


def test_synthetic_95_percent_intervals_cover_the_known_share():
    population = synthetic_population()
    share = coverage(population, total=600, draws=1000, seed=5)
    # 1,000 draws: the coverage of a correct 95% interval has sd 0.7 points.
    assert 0.93 <= share <= 0.97


def test_synthetic_bootstrap_intervals_cover_the_known_share():
    population = synthetic_population()
    share = coverage(population, total=600, draws=200, seed=8, method="bootstrap")
    # 200 draws: sd of the coverage 1.5 points; 200 replicates add a little noise.
    assert 0.90 <= share <= 0.99


def test_intervals_that_ignore_the_clustering_would_undercover():
    """The check has power: a voter-level binomial margin misses far too often."""
    population = synthetic_population()
    rng = np.random.default_rng(6)
    samples, _, _ = stratified_draws(population, 600, 300, rng)
    truth = population.true_share
    hits = 0
    for picked in samples:
        votes, valid = population.leader[picked].sum(), population.valid[picked].sum()
        share = votes / valid
        hits += abs(share - truth) <= 1.96 * np.sqrt(share * (1 - share) / valid)
    assert hits / 300 < 0.5


@pytest.mark.shared_data
@pytest.mark.slow
def test_russia_2018_stratified_samples_cover_the_national_share():
    if not RUSSIA_2018.exists():
        pytest.skip(f"2018 election data not found at {RUSSIA_2018} (set POLLWATCH_SHARED_DATA)")
    population = read_russia_2018(RUSSIA_2018)
    assert population.valid.size == 97_699
    share = coverage(population, total=1000, draws=1000, seed=2018)
    assert 0.93 <= share <= 0.97
