"""Parallel vote tabulation: vote shares and turnout from a sample of stations.

Observers copy the official result protocol at a probability sample of
polling stations. Each option's share of the valid votes, and turnout, are
estimated with the stratified ratio estimator, stations as clusters::

    r = sum_h (N_h/n_h) sum_i y_hi / sum_h (N_h/n_h) sum_i x_hi

with its variance by Taylor linearisation within strata (default) or by a
rescaling bootstrap within strata. Margins of error are given at 95% and 99%.

A sample drawn with probability proportional to size (PPS) is estimated with
each station's design weight ``w = 1/π`` in place of ``N_h/n_h``
(``r = sum w y / sum w x``, a ratio of Horvitz-Thompson totals) and the
with-replacement approximation of the variance; equal weights would be
biased towards small stations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import norm

from pollwatch.stats.stratified import StratifiedDesign, build_design, linearised_ratio

VARIANCE_METHODS = ("linearization", "bootstrap")
DEFAULT_REPLICATES = 1000
_REPLICATE_CHUNK = 100


def normal_quantile(confidence: float) -> float:
    """Two-sided standard normal quantile ``z`` for ``confidence`` in (0, 1)."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence}")
    return float(norm.ppf(0.5 + confidence / 2.0))


@dataclass(frozen=True, slots=True)
class RatioEstimate:
    """An estimated ratio (a vote share or turnout) with its uncertainty.

    Attributes
    ----------
    name : str
        What is estimated: the option's name, or ``"turnout"``.
    value : float
        The estimate, a fraction (share of valid votes, or ballots issued per
        registered voter).
    standard_error : float
        Its estimated standard error.
    margin_95 : float
        Margin of error at 95% confidence, ``1.96 * standard_error``.
    margin_99 : float
        Margin of error at 99% confidence, ``2.58 * standard_error``.
    """

    name: str
    value: float
    standard_error: float
    margin_95: float
    margin_99: float

    def margin(self, confidence: float = 0.95) -> float:
        """Margin of error ``z * standard_error`` at ``confidence``."""
        return normal_quantile(confidence) * self.standard_error

    def interval(self, confidence: float = 0.95) -> tuple[float, float]:
        """Normal interval ``value -/+ margin``, clipped to [0, 1]."""
        margin = self.margin(confidence)
        return max(0.0, self.value - margin), min(1.0, self.value + margin)

    def contains(self, value: float, confidence: float = 0.95) -> bool:
        """Whether ``value`` (e.g. an official share) lies inside the interval."""
        low, high = self.interval(confidence)
        return low <= value <= high


@dataclass(frozen=True, slots=True)
class StratumCompleteness:
    """How many of the stations expected in one stratum have reported.

    Attributes
    ----------
    stratum : str
        The stratum label.
    reported : int
        Stations that have reported.
    expected : int
        Stations expected to report (the stratum's sample).
    fraction : float
        ``reported / expected`` (0 when none is expected).
    """

    stratum: str
    reported: int
    expected: int
    fraction: float


@dataclass(frozen=True, slots=True)
class PVTEstimate:
    """Estimated vote shares from the reporting stations of a PVT sample.

    Attributes
    ----------
    method : str
        ``"linearization"`` or ``"bootstrap"``.
    stations : int
        Reporting stations used.
    strata : int
        Strata with at least one reporting station.
    shares : tuple of RatioEstimate
        One per option, in the order given, as fractions of valid votes.
    single_station_strata : tuple of str
        Strata with one reporting station (see the variance notes).
    uncovered_strata : tuple of str
        Frame strata with no reporting station; the estimate describes the
        covered strata only.
    with_replacement : bool
        Whether the variance used the with-replacement approximation (a
        PPS design).
    """

    method: str
    stations: int
    strata: int
    shares: tuple[RatioEstimate, ...]
    single_station_strata: tuple[str, ...]
    uncovered_strata: tuple[str, ...]
    with_replacement: bool = False

    def share(self, option: str) -> RatioEstimate:
        """The estimate for ``option``; KeyError when it was not estimated."""
        for estimate in self.shares:
            if estimate.name == option:
                return estimate
        raise KeyError(option)


def estimate_shares(
    votes: ArrayLike,
    valid: ArrayLike,
    options: Sequence[str],
    strata: Sequence[str] | ArrayLike | None = None,
    frame_sizes: Mapping[str, int] | None = None,
    weights: ArrayLike | None = None,
    method: str = "linearization",
    replicates: int = DEFAULT_REPLICATES,
    seed: int | None = None,
    *,
    with_replacement: bool = False,
    certain: ArrayLike | None = None,
) -> PVTEstimate:
    """Estimate each option's share of the valid votes from a PVT sample.

    Uses the stratified (combined) ratio estimator with polling stations as
    clusters: ``r = sum_hi w_hi y_hi / sum_hi w_hi x_hi`` with ``y`` the votes
    for the option, ``x`` the valid votes and ``w_hi = N_h / n_h``.

    Parameters
    ----------
    votes : array_like, shape (n, k)
        Votes for each of the ``k`` options at each of the ``n`` reporting
        stations.
    valid : array_like, shape (n,)
        Valid votes at each station.
    options : sequence of str
        Names of the ``k`` options.
    strata : sequence of str, optional
        Stratum of each station; None for an unstratified sample.
    frame_sizes : mapping of str to int, optional
        ``N_h``, stations per stratum in the sampling frame. Without it every
        station has weight 1 and no finite population correction is applied
        (a simple random sample of stations; strata only shape the variance).
    weights : array_like, shape (n,), optional
        Design weight of each station, overriding ``N_h / n_h``: ``1/π``
        from the draw, usually scaled within strata for the stations that
        did not report (:func:`pollwatch.stats.stratified.calibrate_to_strata`).
    method : {"linearization", "bootstrap"}
        Variance estimator: Taylor linearisation within strata, or the
        Rao-Wu-Yue rescaling bootstrap within strata.
    replicates : int
        Bootstrap replicates (bootstrap only).
    seed : int, optional
        Seed of the bootstrap's random generator.
    with_replacement : bool
        Variance by the with-replacement approximation, without finite
        population correction: for stations drawn with unequal
        probabilities (PPS) within strata.
    certain : array_like of bool, shape (n,), optional
        Stations taken with certainty (``π = 1``) in a with-replacement
        design; they add no sampling variance.

    Returns
    -------
    PVTEstimate

    Raises
    ------
    ValueError
        For an unknown method (the message lists the valid ones), negative
        counts, mismatched shapes, or no valid votes at all.

    Notes
    -----
    Linearisation: the variance of ``r`` is that of the estimated total of
    ``u_hi = w_hi (y_hi - r x_hi) / X``, computed within strata with the
    finite population correction ``1 - n_h/N_h`` when ``N_h`` is known
    (Cochran 1977, 6.11; Lohr 2010, 4.5 and 9.1). A stratum with a single
    reporting station is centred on the overall mean (Lumley 2010, "adjust").

    Bootstrap: in each replicate ``n_h - 1`` stations are drawn with
    replacement within each stratum and the weights rescaled so that the
    bootstrap variance of a linear statistic equals the unbiased
    stratified-design variance, including the finite population correction
    (Rao and Wu 1988; Rao, Wu and Yue 1992). Strata with a single station are
    held fixed. The standard error is the standard deviation of the replicate
    estimates; intervals are normal, as for linearisation. The NDI handbook
    and Mexico's official quick count accept both approaches.

    Intervals are ``r -/+ z * se`` with the normal quantile ``z`` (1.96 at
    95%, 2.58 at 99% as in the NDI handbook), clipped to [0, 1].

    PPS: with ``w = 1/π`` the ratio is a ratio of Horvitz-Thompson totals
    (Särndal, Swensson and Wretman 1992); its variance treats the
    stations of each stratum as drawn with replacement with probabilities
    ``π_hi / n_h`` (Hansen-Hurwitz), which ignores the small gain of drawing
    without replacement and is slightly conservative (Wolter 2007; Kish
    1965). Unequal weights cost some precision, about Kish's factor
    ``1 + cv(w)^2`` (Kish 1992), but equal weights on a PPS sample are
    biased towards the stations it over-represents.

    References
    ----------
    .. [1] Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed., Wiley.
    .. [2] Lohr, S. L. (2010). *Sampling: Design and Analysis*, 2nd ed.,
       Brooks/Cole.
    .. [3] Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*,
       Wiley, doi:10.1002/9780470580066.
    .. [4] Rao, J. N. K., Wu, C. F. J. (1988). Resampling inference with
       complex survey data. *JASA* 83(401), 231-241,
       doi:10.1080/01621459.1988.10478591.
    .. [5] Rao, J. N. K., Wu, C. F. J., Yue, K. (1992). Some recent work on
       resampling methods for complex surveys. *Survey Methodology* 18(2),
       209-217.
    .. [6] Estok, M., Nevitte, N., Cowan, G. (2002). *The Quick Count and
       Election Observation*, National Democratic Institute.
    .. [7] Särndal, C.-E., Swensson, B., Wretman, J. (1992). *Model Assisted
       Survey Sampling*, Springer, doi:10.1007/978-1-4612-4378-6.
    .. [8] Wolter, K. M. (2007). *Introduction to Variance Estimation*, 2nd
       ed., Springer, doi:10.1007/978-0-387-35099-8.
    .. [9] Kish, L. (1965). *Survey Sampling*, Wiley.
    .. [10] Kish, L. (1992). Weighting for unequal Pi. *Journal of Official
       Statistics* 8(2), 183-200.
    """
    _check_method(method)
    y = _counts(votes, "votes", ndim=2)
    x = _counts(valid, "valid votes", ndim=1)
    if y.shape[1] != len(options):
        raise ValueError(f"got {len(options)} option names for {y.shape[1]} columns of votes")
    design = build_design(
        y.shape[0],
        strata,
        frame_sizes,
        weights,
        with_replacement=with_replacement,
        certain=certain,
    )
    ratio, standard_error = _ratio_and_error(design, y, x, method, replicates, seed)
    shares = tuple(
        _ratio_estimate(name, float(value), float(error))
        for name, value, error in zip(options, ratio, standard_error, strict=True)
    )
    return PVTEstimate(
        method=method,
        stations=design.stations,
        strata=len(design.labels),
        shares=shares,
        single_station_strata=design.single_station_strata,
        uncovered_strata=design.uncovered,
        with_replacement=design.with_replacement,
    )


def estimate_turnout(
    given: ArrayLike,
    registered: ArrayLike,
    strata: Sequence[str] | ArrayLike | None = None,
    frame_sizes: Mapping[str, int] | None = None,
    weights: ArrayLike | None = None,
    method: str = "linearization",
    replicates: int = DEFAULT_REPLICATES,
    seed: int | None = None,
    *,
    with_replacement: bool = False,
    certain: ArrayLike | None = None,
) -> RatioEstimate:
    """Estimate turnout, ballots issued per registered voter, from a PVT sample.

    The same stratified ratio estimator as :func:`estimate_shares`, with
    ``y`` the ballots issued ("given") and ``x`` the registered voters of each
    reporting station; see there for the parameters, the variance methods and
    the references.

    Returns
    -------
    RatioEstimate
        Named ``"turnout"``.

    Raises
    ------
    ValueError
        For an unknown method (the message lists the valid ones), negative
        counts, mismatched shapes, or no registered voters at all.
    """
    _check_method(method)
    y = _counts(given, "ballots issued", ndim=1)
    x = _counts(registered, "registered voters", ndim=1)
    design = build_design(
        y.shape[0],
        strata,
        frame_sizes,
        weights,
        with_replacement=with_replacement,
        certain=certain,
    )
    ratio, error = _ratio_and_error(design, y[:, None], x, method, replicates, seed)
    return _ratio_estimate("turnout", float(ratio[0]), float(error[0]))


def stratum_completeness(
    reported_strata: Sequence[str] | ArrayLike, expected: Mapping[str, int]
) -> tuple[StratumCompleteness, ...]:
    """Reported of expected stations in every stratum of a PVT sample.

    Parameters
    ----------
    reported_strata : sequence of str
        Stratum of every station that has reported (one entry per station).
    expected : mapping of str to int
        Stations sampled (expected to report) per stratum.

    Returns
    -------
    tuple of StratumCompleteness
        One per stratum of ``expected``, sorted by label.

    Raises
    ------
    ValueError
        When a station reports from a stratum that is not expected, or a
        stratum reports more stations than expected.
    """
    labels, counts = np.unique(np.asarray(reported_strata).astype(str), return_counts=True)
    reported = {str(label): int(count) for label, count in zip(labels, counts, strict=True)}
    unexpected = sorted(set(reported) - set(expected))
    if unexpected:
        raise ValueError(f"reports from strata not in the sample: {', '.join(unexpected)}")
    over = sorted(label for label, count in reported.items() if count > expected[label])
    if over:
        raise ValueError(f"more reports than sampled stations in: {', '.join(over)}")
    return tuple(
        StratumCompleteness(
            stratum=label,
            reported=reported.get(label, 0),
            expected=int(expected[label]),
            fraction=reported.get(label, 0) / expected[label] if expected[label] else 0.0,
        )
        for label in sorted(expected)
    )


def _check_method(method: str) -> None:
    if method not in VARIANCE_METHODS:
        raise ValueError(
            f"unknown variance method {method!r}; valid methods: {', '.join(VARIANCE_METHODS)}"
        )


def _counts(values: ArrayLike, what: str, ndim: int) -> NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != ndim:
        raise ValueError(f"{what} must be a {ndim}-dimensional array, got shape {array.shape}")
    if not np.all(np.isfinite(array)) or np.any(array < 0):
        raise ValueError(f"{what} must be finite and not negative")
    return array


def _ratio_estimate(name: str, value: float, error: float) -> RatioEstimate:
    return RatioEstimate(
        name=name,
        value=value,
        standard_error=error,
        margin_95=normal_quantile(0.95) * error,
        margin_99=normal_quantile(0.99) * error,
    )


def _ratio_and_error(
    design: StratifiedDesign,
    y: NDArray[np.float64],
    x: NDArray[np.float64],
    method: str,
    replicates: int,
    seed: int | None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    linearised = linearised_ratio(design, y, x)
    if method == "linearization":
        return linearised.ratio, np.sqrt(linearised.variance)
    replicate_ratios = bootstrap_ratios(design, y, x, replicates, seed)
    defined = np.isfinite(replicate_ratios[:, 0])
    if defined.sum() < 2:
        raise ValueError("the bootstrap drew no valid votes in almost every replicate")
    return linearised.ratio, replicate_ratios[defined].std(axis=0)


def bootstrap_ratios(
    design: StratifiedDesign,
    numerators: ArrayLike,
    denominator: ArrayLike,
    replicates: int = DEFAULT_REPLICATES,
    seed: int | None = None,
) -> NDArray[np.float64]:
    """Replicate ratio estimates by the rescaling bootstrap within strata.

    In each replicate, ``m_h = n_h - 1`` stations are drawn with replacement
    in every stratum; station ``i`` drawn ``r_hi`` times gets the weight
    ``w_hi (1 - l_h + l_h (n_h / m_h) r_hi)`` with
    ``l_h = sqrt(m_h (1 - f_h) / (n_h - 1))``. Strata with one station keep
    their weights.

    Parameters
    ----------
    design : StratifiedDesign
        The sample.
    numerators : array_like, shape (n, k)
        ``y`` per station.
    denominator : array_like, shape (n,)
        ``x`` per station.
    replicates : int
        Number of bootstrap replicates (at least 2).
    seed : int, optional
        Seed of the random generator.

    Returns
    -------
    ndarray, shape (replicates, k)
        The ratio ``sum w* y / sum w* x`` in every replicate; NaN in a
        replicate whose denominator is 0 (such replicates are left out of
        the standard error).

    References
    ----------
    .. [1] Rao, J. N. K., Wu, C. F. J., Yue, K. (1992). Some recent work on
       resampling methods for complex surveys. *Survey Methodology* 18(2),
       209-217.
    """
    if replicates < 2:
        raise ValueError(f"the bootstrap needs at least 2 replicates, got {replicates}")
    y = np.asarray(numerators, dtype=np.float64)
    x = np.asarray(denominator, dtype=np.float64)
    rng = np.random.default_rng(seed)
    results = []
    for start in range(0, replicates, _REPLICATE_CHUNK):
        chunk = min(_REPLICATE_CHUNK, replicates - start)
        weights = _replicate_weights(design, chunk, rng)
        with np.errstate(divide="ignore", invalid="ignore"):
            results.append((weights @ y) / (weights @ x)[:, None])
    return np.concatenate(results, axis=0)


def _replicate_weights(
    design: StratifiedDesign, replicates: int, rng: np.random.Generator
) -> NDArray[np.float64]:
    factors = np.ones((replicates, design.stations))
    fractions = design.sampling_fractions
    for index, count in enumerate(design.reporting):
        if count < 2:
            continue
        members = np.flatnonzero(design.stratum_of_station == index)
        draws = count - 1
        scale = np.sqrt(draws * (1.0 - fractions[index]) / (count - 1))
        times = rng.multinomial(draws, np.full(count, 1.0 / count), size=replicates)
        factors[:, members] = 1.0 - scale + scale * (count / draws) * times
    return factors * design.weights
