"""Share of observed polling stations with an attribute (checklist findings).

Two situations, two functions:

- the stations were drawn at random (stratified, possibly weighted):
  :func:`design_share` estimates the share for the country with a confidence
  interval that follows the design;
- they were not: :func:`observed_share` gives the share among the stations
  observed and, on purpose, no interval, because no share for the country can
  be claimed from a non-random selection.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit, logit
from scipy.stats import beta, t

from pollwatch.stats.stratified import build_design, linearised_ratio

INTERVAL_METHODS = ("korn-graubard", "logit")


@dataclass(frozen=True, slots=True)
class DesignShare:
    """Design-based estimate of the share of stations with an attribute.

    Attributes
    ----------
    count : int
        Observed stations with the attribute (unweighted).
    base : int
        Observed stations (the denominator a statement quotes).
    share : float
        Weighted estimate of the share of all stations, a fraction.
    standard_error : float
        Linearised standard error of ``share``.
    low, high : float
        Confidence interval, fractions in [0, 1].
    confidence : float
        Confidence level of the interval.
    method : str
        ``"korn-graubard"`` or ``"logit"``.
    design_effect : float or None
        Variance relative to a simple random sample of ``base`` stations;
        None when the share is 0 or 1.
    """

    count: int
    base: int
    share: float
    standard_error: float
    low: float
    high: float
    confidence: float
    method: str
    design_effect: float | None


@dataclass(frozen=True, slots=True)
class ObservedShare:
    """Share among the stations observed, for a selection that was not random.

    It describes only the stations observed; no interval for the country is
    given because none can be claimed.

    Attributes
    ----------
    count : int
        Observed stations with the attribute.
    base : int
        Observed stations.
    share : float
        ``count / base`` (0 when nothing was observed).
    """

    count: int
    base: int
    share: float


def observed_share(has_attribute: ArrayLike) -> ObservedShare:
    """Unweighted share of the observed stations that have an attribute.

    For stations that were not drawn at random: the share describes those
    stations only (Declaration of Principles for International Election
    Observation, 2005: state the limits of the observation).

    Parameters
    ----------
    has_attribute : array_like of bool, shape (n,)
        Whether each observed station has the attribute.

    Returns
    -------
    ObservedShare
    """
    flags = _flags(has_attribute)
    count = int(flags.sum())
    base = int(flags.size)
    return ObservedShare(count=count, base=base, share=count / base if base else 0.0)


def design_share(
    has_attribute: ArrayLike,
    strata: Sequence[str] | ArrayLike | None = None,
    weights: ArrayLike | None = None,
    frame_sizes: Mapping[str, int] | None = None,
    confidence: float = 0.95,
    method: str = "korn-graubard",
) -> DesignShare:
    """Design-based share of stations with an attribute, with its interval.

    The share is the weighted (Hajek) ratio ``sum w a / sum w`` over observed
    stations, its variance the Taylor linearisation within strata with the
    finite population correction when ``frame_sizes`` is given (as in
    :func:`pollwatch.stats.stratified.linearised_ratio`).

    Parameters
    ----------
    has_attribute : array_like of bool, shape (n,)
        Whether each observed station has the attribute (one report per
        station; stations that did not answer are left out by the caller).
    strata : sequence of str, optional
        Stratum of each station; None for an unstratified sample.
    weights : array_like, optional
        Design weight of each station; by default ``N_h / n_h`` when
        ``frame_sizes`` is given, else 1.
    frame_sizes : mapping of str to int, optional
        ``N_h``, stations per stratum in the frame.
    confidence : float
        Confidence level of the interval, in (0, 1).
    method : {"korn-graubard", "logit"}
        ``"korn-graubard"`` (default): the Clopper-Pearson interval at the
        effective sample size ``n* = p(1-p) / v(p)``, corrected for the
        design's degrees of freedom ``n - H`` and capped at ``n``; defined
        also when no or every station has the attribute. ``"logit"``: a
        t interval on the logit scale, back-transformed (undefined at 0 and
        1).

    Returns
    -------
    DesignShare

    Raises
    ------
    ValueError
        For an unknown method (the message lists the valid ones), no
        stations, a confidence outside (0, 1), or ``"logit"`` with a share
        of 0 or 1.

    Notes
    -----
    When the estimated variance is 0 (share 0 or 1), the effective sample
    size is the number of stations observed, so the interval is the exact
    Clopper-Pearson interval of a simple random sample.

    References
    ----------
    .. [1] Korn, E. L., Graubard, B. I. (1998). Confidence intervals for
       proportions with small expected number of positive counts estimated
       from survey data. *Survey Methodology* 24(2), 193-201.
    .. [2] Clopper, C. J., Pearson, E. S. (1934). The use of confidence or
       fiducial limits illustrated in the case of the binomial.
       *Biometrika* 26(4), 404-413, doi:10.1093/biomet/26.4.404.
    .. [3] Parker, J. D. et al. (2017). National Center for Health Statistics
       data presentation standards for proportions. *Vital Health Stat* 2(175)
       (effective sample size capped at the sample size).
    .. [4] Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*,
       Wiley, section 2.3.1 (logit interval, ``svyciprop``).
    """
    if method not in INTERVAL_METHODS:
        raise ValueError(
            f"unknown interval method {method!r}; valid methods: {', '.join(INTERVAL_METHODS)}"
        )
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence}")
    flags = _flags(has_attribute)
    if flags.size == 0:
        raise ValueError("no stations observed: the share is undefined")
    design = build_design(flags.size, strata, frame_sizes, weights)
    estimate = linearised_ratio(design, flags.astype(np.float64), np.ones(flags.size))
    share = float(np.clip(estimate.ratio[0], 0.0, 1.0))
    variance = float(estimate.variance[0])
    degrees = flags.size - len(design.labels)
    if method == "logit":
        low, high = _logit_interval(share, variance, degrees, confidence)
    else:
        low, high = korn_graubard_interval(share, variance, flags.size, degrees, confidence)
    binomial = share * (1.0 - share) / flags.size
    return DesignShare(
        count=int(flags.sum()),
        base=int(flags.size),
        share=share,
        standard_error=float(np.sqrt(variance)),
        low=low,
        high=high,
        confidence=confidence,
        method=method,
        design_effect=variance / binomial if binomial > 0 else None,
    )


def _flags(has_attribute: ArrayLike) -> NDArray[np.bool_]:
    flags = np.asarray(has_attribute)
    if flags.ndim != 1:
        raise ValueError(f"expected one flag per station, got shape {flags.shape}")
    if flags.dtype != np.bool_:
        if flags.size and not np.all(np.isin(flags, (0, 1))):
            raise ValueError("flags must be booleans, or 0 and 1")
        flags = flags.astype(np.bool_)
    return flags


def t_quantile(confidence: float, degrees: int) -> float:
    """Two-sided t quantile; the normal one when there are no degrees of freedom."""
    upper = 0.5 + confidence / 2.0
    return float(t.ppf(upper, degrees)) if degrees >= 1 else float(t.ppf(upper, np.inf))


def korn_graubard_interval(
    share: float, variance: float, stations: int, degrees: int, confidence: float
) -> tuple[float, float]:
    """Korn-Graubard interval of a design-based share: a Clopper-Pearson interval at the
    effective sample size ``p(1-p)/v`` (t-corrected for ``degrees``), capped at ``stations``,
    the units the share is of."""
    effective = float(stations)
    if variance > 0.0 and 0.0 < share < 1.0:
        effective = share * (1.0 - share) / variance
        correction = t_quantile(confidence, stations - 1) / t_quantile(confidence, degrees)
        effective = min(effective * correction**2, float(stations))
    successes = share * effective
    tail = (1.0 - confidence) / 2.0
    low = float(beta.ppf(tail, successes, effective - successes + 1)) if share > 0 else 0.0
    high = float(beta.ppf(1 - tail, successes + 1, effective - successes)) if share < 1 else 1.0
    return low, high


def _logit_interval(
    share: float, variance: float, degrees: int, confidence: float
) -> tuple[float, float]:
    if not 0.0 < share < 1.0:
        raise ValueError(
            "the logit interval is undefined when no or every station has the attribute; "
            "use method='korn-graubard'"
        )
    half_width = t_quantile(confidence, degrees) * np.sqrt(variance) / (share * (1.0 - share))
    centre = float(logit(share))
    return float(expit(centre - half_width)), float(expit(centre + half_width))


@dataclass(frozen=True, slots=True)
class StratumTotals:
    """Weighted totals per stratum from which domain shares are estimated.

    Stratum ``h`` has ``n_h`` reporting stations with weights ``w_hi``. For
    each of ``k`` attributes, ``y_hij`` is 1 when station ``i`` has attribute
    ``j`` and ``x_hij`` is 1 when it answered the question of attribute ``j``
    (``y <= x``). Totals of this kind are what a database can return from one
    grouped query, without sending every station.

    Attributes
    ----------
    reporting : ndarray, shape (H,)
        ``n_h``: reporting stations per stratum (answered or not).
    frame_sizes : ndarray, shape (H,), or None
        ``N_h``: stations per stratum in the frame; None when unknown (no
        finite population correction).
    weighted_hits : ndarray, shape (H, k)
        ``sum_i w_hi y_hij``.
    squared_weighted_hits : ndarray, shape (H, k)
        ``sum_i w_hi^2 y_hij``.
    weighted_base : ndarray, shape (H, k)
        ``sum_i w_hi x_hij``.
    squared_weighted_base : ndarray, shape (H, k)
        ``sum_i w_hi^2 x_hij``.
    hits : ndarray of int, shape (k,)
        Unweighted stations with each attribute.
    base : ndarray of int, shape (k,)
        Unweighted stations that answered each attribute's question.
    """

    reporting: NDArray[np.float64]
    frame_sizes: NDArray[np.float64] | None
    weighted_hits: NDArray[np.float64]
    squared_weighted_hits: NDArray[np.float64]
    weighted_base: NDArray[np.float64]
    squared_weighted_base: NDArray[np.float64]
    hits: NDArray[np.int64]
    base: NDArray[np.int64]


def domain_shares(totals: StratumTotals, confidence: float = 0.95) -> tuple[DesignShare, ...]:
    """Design-based shares of stations with each of ``k`` attributes, from totals.

    The share of attribute ``j`` is the domain ratio
    ``R_j = sum_hi w y_hij / sum_hi w x_hij`` (stations that answered the
    question form the domain), with the same Taylor-linearised variance as
    :func:`pollwatch.stats.stratified.linearised_ratio`, written in terms of
    per-stratum totals: with ``u_hi = w_hi (y_hi - R x_hi) / X`` and binary
    ``y <= x``, ``sum_i u_hi^2 = (S_w2y - 2 R S_w2y + R^2 S_w2x) / X^2`` and
    ``sum_i u_hi = (S_wy - R S_wx) / X``, so that

        v(R) = sum_h (1 - f_h) n_h / (n_h - 1) (sum_i u_hi^2 - (sum_i u_hi)^2 / n_h)

    and a lone station is centred on 0 (Lumley's "adjust" rule). Intervals
    are Korn-Graubard, as in :func:`design_share`, with ``n - H`` degrees of
    freedom and the effective sample size capped at the stations that
    answered.

    Parameters
    ----------
    totals : StratumTotals
        The per-stratum weighted totals.
    confidence : float
        Confidence level, in (0, 1).

    Returns
    -------
    tuple of DesignShare
        One per attribute; ``method`` is ``"korn-graubard"``. An attribute
        whose question nobody answered gets share 0 and the interval [0, 1].

    Raises
    ------
    ValueError
        For mismatched shapes or a confidence outside (0, 1).

    Notes
    -----
    When every station answered (``x = 1``) this equals :func:`design_share`
    on the station-level flags with the same weights and frame sizes.

    References
    ----------
    .. [1] Lohr, S. L. (2010). *Sampling: Design and Analysis*, 2nd ed.,
       Brooks/Cole, sections 4.5 (ratio estimation in domains) and 9.1.
    .. [2] Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*,
       Wiley, doi:10.1002/9780470580066, sections 2.2 and 2.3.1.
    .. [3] Korn, E. L., Graubard, B. I. (1998). Confidence intervals for
       proportions with small expected number of positive counts estimated
       from survey data. *Survey Methodology* 24(2), 193-201.
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence}")
    wy, w2y, wx, w2x = (
        np.asarray(values, dtype=np.float64)
        for values in (
            totals.weighted_hits,
            totals.squared_weighted_hits,
            totals.weighted_base,
            totals.squared_weighted_base,
        )
    )
    reporting = np.asarray(totals.reporting, dtype=np.float64)
    if not wy.shape == w2y.shape == wx.shape == w2x.shape or wy.shape[0] != reporting.size:
        raise ValueError("the totals must all have shape (strata, attributes)")
    variance, ratio = _domain_variance(reporting, totals.frame_sizes, wy, w2y, wx, w2x)
    degrees = int(reporting.sum()) - int(np.count_nonzero(reporting))
    return tuple(
        _domain_share(int(hits), int(base), float(r), float(v), degrees, confidence)
        for hits, base, r, v in zip(totals.hits, totals.base, ratio, variance, strict=True)
    )


def _domain_variance(
    reporting: NDArray[np.float64],
    frame_sizes: NDArray[np.float64] | None,
    wy: NDArray[np.float64],
    w2y: NDArray[np.float64],
    wx: NDArray[np.float64],
    w2x: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    total_x = wx.sum(axis=0)
    defined = total_x > 0
    safe_x = np.where(defined, total_x, 1.0)
    ratio = np.where(defined, wy.sum(axis=0) / safe_x, 0.0)
    sum_squares = (w2y - 2.0 * ratio * w2y + ratio**2 * w2x) / safe_x**2
    sums = (wy - ratio * wx) / safe_x
    count = reporting[:, None]
    several = count > 1
    within = np.where(
        several,
        count / np.where(several, count - 1, 1.0) * (sum_squares - sums**2 / np.maximum(count, 1)),
        sum_squares,
    )
    fractions = np.zeros_like(reporting) if frame_sizes is None else reporting / frame_sizes
    variance = ((1.0 - fractions)[:, None] * np.maximum(within, 0.0)).sum(axis=0)
    return np.where(defined, variance, 0.0), ratio


def _domain_share(
    hits: int, base: int, ratio: float, variance: float, degrees: int, confidence: float
) -> DesignShare:
    share = float(np.clip(ratio, 0.0, 1.0))
    if base == 0:
        low, high = 0.0, 1.0
    else:
        low, high = korn_graubard_interval(share, variance, base, degrees, confidence)
    binomial = share * (1.0 - share) / base if base else 0.0
    return DesignShare(
        count=hits,
        base=base,
        share=share,
        standard_error=float(np.sqrt(variance)),
        low=low,
        high=high,
        confidence=confidence,
        method="korn-graubard",
        design_effect=variance / binomial if binomial > 0 else None,
    )
