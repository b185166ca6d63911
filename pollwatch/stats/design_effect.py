"""Design effect of a sample of polling stations, and the stations a quick count needs.

A quick count samples whole polling stations, not voters: every voter of a
sampled station is counted. Voters of one station resemble each other (same
place, same commission), so a station sample estimates a share less
precisely than the same number of voters drawn one by one. Kish (1965)
measures this loss by the *design effect*, the variance of the estimator
under the actual design divided by its variance under a simple random
sample of the same number of elements (here: valid votes).

The share of an option is estimated by the ratio estimator over stations,
``R̂ = Σ y_i / Σ x_i`` (``y`` the option's votes, ``x`` the valid votes),
stratified as ``R̂ = Σ_h N_h ȳ_h / Σ_h N_h x̄_h``. Its linearised variance,
with the finite population correction of each stratum, is

    V(R̂) = Σ_h N_h² (1/n_h − 1/N_h) S²_dh / X²,

where ``d_i = y_i − R x_i``, ``S²_dh`` is the variance of ``d`` among the
``N_h`` stations of stratum ``h`` and ``X = Σ x_i`` (Cochran 1977, §6.9 and
§6.11). A previous election's per-station results give ``R`` and every
``S²_dh``, hence the design effect and the number of stations a margin of
error needs, for the allocation the mission will use.

The comparison sample of votes drawn one by one has the same sampling
fraction: ``V_SRS = (1 − n/N) S²_e / (n X̄)`` with ``S²_e = M R(1−R)/(M−1)``
over the ``M = X`` valid votes. With one vote per station the two
coincide and the design effect is exactly 1.

References
----------
Kish, L. (1965). *Survey Sampling*. New York: Wiley, §8.2 (the design
effect) and §6.3 (ratio means of cluster samples).
Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed. New York: Wiley,
§6.9 (variance of the ratio estimator), §6.11 (combined ratio estimate in
stratified sampling).
Estok, M., Nevitte, N. and Cowan, G. (2002). *The Quick Count and Election
Observation: An NDI Handbook for Civic Organizations and Political Parties*.
Washington, DC: NDI, ch. 5 (polling stations as the sampling unit; their
clustering widens the margin of the voter-based formula).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numpy.typing import ArrayLike

from pollwatch.stats.sample_size import z_for_confidence
from pollwatch.stats.sampling import ALLOCATIONS, allocate_sample

__all__ = [
    "PriorResults",
    "StationMargin",
    "StationSamplePlan",
    "StratumAllocation",
    "describe_strata",
    "prior_results",
    "station_margin_of_error",
    "stations_for_margin",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


@dataclass(frozen=True, slots=True)
class PriorResults:
    """A previous election's figures for one option, ready for the variance.

    Build it with :func:`prior_results`.

    Attributes
    ----------
    share : float
        ``R = Σ y / Σ x``, the option's share of valid votes.
    population_stations : int
        Stations in the frame, ``N``.
    total_valid : float
        Valid votes in the frame, ``X = M``.
    labels : tuple of str
        Stratum labels, in order; one empty label when not stratified.
    stratum_sizes : numpy.ndarray of int
        Stations per stratum, ``N_h``.
    residual_variances : numpy.ndarray of float
        ``S²_dh``, the variance of ``y − R x`` within each stratum (0 for a
        stratum of one station).
    """

    share: float
    population_stations: int
    total_valid: float
    labels: tuple[str, ...]
    stratum_sizes: IntArray
    residual_variances: FloatArray

    @property
    def mean_valid(self) -> float:
        """Valid votes per station, ``X̄``."""
        return self.total_valid / self.population_stations

    @property
    def stratified(self) -> bool:
        """Whether strata were given."""
        return self.labels != ("",)

    @property
    def element_variance(self) -> float:
        """``S²_e = M R(1−R)/(M−1)``, the variance of one vote's indicator."""
        votes = self.total_valid
        return votes * self.share * (1 - self.share) / (votes - 1)


@dataclass(frozen=True, slots=True)
class StratumAllocation:
    """Stations of one stratum and those sampled in it.

    Attributes
    ----------
    label : str
        Stratum label (empty when the design is not stratified).
    population : int
        Stations in the stratum, ``N_h``.
    sampled : int
        Stations to sample in it, ``n_h``.
    """

    label: str
    population: int
    sampled: int


@dataclass(frozen=True, slots=True)
class StationMargin:
    """Margin of error of a station sample of a given size.

    Attributes
    ----------
    stations : int
        Reporting stations, ``n``.
    moe : float
        Margin of error of the share, ``z · sqrt(V(R̂))``.
    confidence : float
        Confidence level.
    z : float
        Normal quantile for ``confidence``.
    design_effect : float
        ``V(R̂) / V_SRS`` at this size and allocation (Kish's deff).
    share : float
        The prior share ``R``.
    allocation : str or None
        Allocation among strata; ``None`` when not stratified.
    strata : tuple of StratumAllocation
        ``n_h`` per stratum.
    """

    stations: int
    moe: float
    confidence: float
    z: float
    design_effect: float
    share: float
    allocation: str | None
    strata: tuple[StratumAllocation, ...]


@dataclass(frozen=True, slots=True)
class StationSamplePlan:
    """The stations a quick count needs for a margin of error, from prior results.

    Attributes
    ----------
    stations : int
        Stations to sample: ``reporting`` divided by the response rate,
        rounded up.
    reporting : int
        Reporting stations that give ``moe``: the least ``n`` whose margin
        is at most ``moe``.
    moe : float
        Margin of error asked, as a proportion.
    expected_moe : float
        Margin of error of ``reporting`` stations (at most ``moe``).
    confidence : float
        Confidence level.
    z : float
        Normal quantile for ``confidence``.
    design_effect : float
        Kish's design effect of ``reporting`` stations for this share.
    share : float
        The prior share ``R``.
    population_stations : int
        Stations in the frame, ``N``.
    mean_valid : float
        Valid votes per station in the prior, ``X̄``.
    response_rate : float
        Expected share of sampled stations that report.
    allocation : str or None
        Allocation among strata; ``None`` when not stratified.
    strata : tuple of StratumAllocation
        ``n_h`` per stratum for the ``stations`` to sample.
    """

    stations: int
    reporting: int
    moe: float
    expected_moe: float
    confidence: float
    z: float
    design_effect: float
    share: float
    population_stations: int
    mean_valid: float
    response_rate: float
    allocation: str | None
    strata: tuple[StratumAllocation, ...]

    @property
    def voters_equivalent(self) -> float:
        """Votes drawn one by one that would give the same margin: ``n X̄ / deff``."""
        return self.reporting * self.mean_valid / self.design_effect


def prior_results(
    option_votes: ArrayLike, valid: ArrayLike, strata: ArrayLike | None = None
) -> PriorResults:
    """Summarise a previous election for the variance of the ratio estimator.

    Parameters
    ----------
    option_votes : array_like of float
        Votes for the option per station, ``y_i``.
    valid : array_like of float
        Valid votes per station, ``x_i``.
    strata : array_like, optional
        Stratum label of each station; none for an unstratified design.

    Returns
    -------
    PriorResults

    Raises
    ------
    ValueError
        When the arrays differ in length or hold negative or missing
        figures, when an option has more votes than the valid total, or
        when the share is 0 or 1 (no variance to plan for).
    """
    y = _figures("option_votes", option_votes)
    x = _figures("valid", valid)
    if y.shape != x.shape:
        raise ValueError(f"option_votes has {y.size} stations, valid has {x.size}")
    if (y > x).any():
        raise ValueError("an option cannot have more votes than the valid ballots")
    total = float(x.sum())
    if total < 2:
        raise ValueError("the prior results need at least two valid votes")
    share = float(y.sum()) / total
    if not 0 < share < 1:
        raise ValueError(f"the option's share is {share:g}: there is nothing to estimate")
    labels, index = _stratum_index(strata, y.size)
    residuals = y - share * x
    sizes = np.bincount(index, minlength=len(labels)).astype(np.intp)
    return PriorResults(
        share=share,
        population_stations=int(y.size),
        total_valid=total,
        labels=labels,
        stratum_sizes=sizes,
        residual_variances=_variances_by_stratum(residuals, index, sizes),
    )


def station_margin_of_error(
    prior: PriorResults,
    stations: int,
    confidence: float = 0.99,
    *,
    allocation: str = "proportional",
    minimum: int = 1,
) -> StationMargin:
    """Margin of error of the ratio estimate from ``stations`` reporting stations.

    Parameters
    ----------
    prior : PriorResults
        The previous election (see :func:`prior_results`).
    stations : int
        Reporting stations, at least one per stratum.
    confidence : float, default 0.99
        Confidence level.
    allocation : str, default "proportional"
        One of :data:`pollwatch.stats.sampling.ALLOCATIONS`; ``"neyman"``
        shares the sample in proportion to ``N_h S_dh``, the spread of the
        prior's residuals, which is optimal for the ratio estimator.
        Ignored without strata.
    minimum : int, default 1
        Least stations per stratum (at least one: a stratum without a
        station leaves the estimator undefined).

    Returns
    -------
    StationMargin

    References
    ----------
    Cochran (1977), *Sampling Techniques*, §6.11; Kish (1965), *Survey
    Sampling*, §8.2.
    """
    _require_allocation(allocation)
    z = z_for_confidence(confidence)
    sampled = _allocate(prior, stations, allocation, minimum)
    variance = _ratio_variance(prior, sampled)
    return StationMargin(
        stations=stations,
        moe=z * math.sqrt(variance),
        confidence=confidence,
        z=z,
        design_effect=_design_effect(prior, sampled, variance),
        share=prior.share,
        allocation=allocation if prior.stratified else None,
        strata=_strata(prior, sampled),
    )


def stations_for_margin(
    prior: PriorResults,
    moe: float,
    confidence: float = 0.99,
    *,
    allocation: str = "proportional",
    minimum: int = 1,
    response_rate: float = 1.0,
) -> StationSamplePlan:
    """Stations a quick count needs for a margin of error of the option's share.

    The least number of reporting stations ``n`` whose margin
    ``z · sqrt(V(R̂))`` under the given allocation is at most ``moe`` (found
    by bisection on whole numbers; with one stratum this is
    ``n₀ / (1 + n₀/N)``, ``n₀ = z² S²_d / (e² X̄²)``), then divided by the
    response rate and rounded up.

    Parameters
    ----------
    prior : PriorResults
        The previous election (see :func:`prior_results`).
    moe : float
        Margin of error as a proportion, in (0, 1).
    confidence : float, default 0.99
        Confidence level.
    allocation : str, default "proportional"
        One of :data:`pollwatch.stats.sampling.ALLOCATIONS` (see
        :func:`station_margin_of_error`).
    minimum : int, default 1
        Least stations per stratum.
    response_rate : float, default 1.0
        Expected share of sampled stations that report, in (0, 1].

    Returns
    -------
    StationSamplePlan

    Raises
    ------
    ValueError
        On an out-of-range argument or an unknown allocation (the message
        lists the valid ones).

    References
    ----------
    Kish (1965), *Survey Sampling*, §8.2; Cochran (1977), *Sampling
    Techniques*, §4.4 and §6.9; Estok, Nevitte and Cowan (2002), *The Quick
    Count and Election Observation*, NDI, ch. 5.
    """
    if not 0 < moe < 1:
        raise ValueError(f"moe must lie strictly between 0 and 1, not {moe!r}")
    if not 0 < response_rate <= 1:
        raise ValueError(f"response_rate must lie in (0, 1], not {response_rate!r}")
    _require_allocation(allocation)
    z = z_for_confidence(confidence)
    reporting = _least_stations(prior, (moe / z) ** 2, allocation, minimum)
    margin = station_margin_of_error(
        prior, reporting, confidence, allocation=allocation, minimum=minimum
    )
    deployed = min(math.ceil(round(reporting / response_rate, 9)), prior.population_stations)
    return StationSamplePlan(
        stations=deployed,
        reporting=reporting,
        moe=moe,
        expected_moe=margin.moe,
        confidence=confidence,
        z=z,
        design_effect=margin.design_effect,
        share=prior.share,
        population_stations=prior.population_stations,
        mean_valid=prior.mean_valid,
        response_rate=response_rate,
        allocation=margin.allocation,
        strata=_strata(prior, _allocate(prior, deployed, allocation, minimum)),
    )


# Variance ------------------------------------------------------------------


def _ratio_variance(prior: PriorResults, sampled: IntArray) -> float:
    sizes = prior.stratum_sizes.astype(np.float64)
    finite = 1 / sampled - 1 / sizes
    total = float((sizes**2 * finite * prior.residual_variances).sum())
    return max(total, 0.0) / prior.total_valid**2


def _design_effect(prior: PriorResults, sampled: IntArray, variance: float) -> float:
    n = int(sampled.sum())
    fraction = n / prior.population_stations
    if fraction >= 1:
        # A census has no sampling variance under either design.
        return 1.0
    srs = (1 - fraction) * prior.element_variance / (n * prior.mean_valid)
    return variance / srs


def _least_stations(
    prior: PriorResults, target_variance: float, allocation: str, minimum: int
) -> int:
    """Least ``n`` with ``V(R̂) <= target``; ``V`` falls as ``n`` grows."""
    low = _least_size(prior, minimum)
    high = prior.population_stations
    if _ratio_variance(prior, _allocate(prior, low, allocation, minimum)) <= target_variance:
        return low
    while high - low > 1:
        middle = (low + high) // 2
        sampled = _allocate(prior, middle, allocation, minimum)
        if _ratio_variance(prior, sampled) <= target_variance:
            high = middle
        else:
            low = middle
    return high


def _allocate(prior: PriorResults, stations: int, allocation: str, minimum: int) -> IntArray:
    least = _least_size(prior, minimum)
    if not least <= stations <= prior.population_stations:
        raise ValueError(
            f"stations must lie between {least:,} (the least per stratum) and "
            f"{prior.population_stations:,} (the frame), not {stations!r}"
        )
    if not prior.stratified:
        return np.array([stations], dtype=np.intp)
    return allocate_sample(
        prior.stratum_sizes,
        stations,
        allocation,
        minimum=max(minimum, 1),
        spreads=np.sqrt(prior.residual_variances),
    )


def _least_size(prior: PriorResults, minimum: int) -> int:
    return int(np.minimum(max(minimum, 1), prior.stratum_sizes).sum())


def _strata(prior: PriorResults, sampled: IntArray) -> tuple[StratumAllocation, ...]:
    if not prior.stratified:
        return ()
    return tuple(
        StratumAllocation(label=label, population=int(size), sampled=int(n))
        for label, size, n in zip(prior.labels, prior.stratum_sizes, sampled, strict=True)
    )


# Input ---------------------------------------------------------------------


def _figures(name: str, values: ArrayLike) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1 or array.size < 2:
        raise ValueError(f"{name} must list at least two stations")
    if not np.isfinite(array).all() or (array < 0).any():
        raise ValueError(f"{name} must be finite and non-negative")
    return array


def _stratum_index(strata: ArrayLike | None, size: int) -> tuple[tuple[str, ...], IntArray]:
    if strata is None:
        return ("",), np.zeros(size, dtype=np.intp)
    labels = np.asarray(strata).astype(str)
    if labels.shape != (size,):
        raise ValueError(f"strata has {labels.size} labels for {size} stations")
    if (np.char.strip(labels) == "").any():
        raise ValueError("every station needs a stratum label")
    names, index = np.unique(labels, return_inverse=True)
    return tuple(str(n) for n in names), index.astype(np.intp)


def _variances_by_stratum(residuals: FloatArray, index: IntArray, sizes: IntArray) -> FloatArray:
    sums = np.bincount(index, weights=residuals, minlength=len(sizes))
    means = sums / sizes
    squares = np.bincount(index, weights=(residuals - means[index]) ** 2, minlength=len(sizes))
    return np.where(sizes > 1, squares / np.maximum(sizes - 1, 1), 0.0)


def _require_allocation(allocation: str) -> None:
    if allocation not in ALLOCATIONS:
        raise ValueError(f"unknown allocation {allocation!r}; valid: {', '.join(ALLOCATIONS)}")


def describe_strata(strata: Sequence[StratumAllocation]) -> str:
    """``"North 12 of 300, South 8 of 200"``: the allocation in words."""
    return ", ".join(f"{s.label} {s.sampled:,} of {s.population:,}" for s in strata)
