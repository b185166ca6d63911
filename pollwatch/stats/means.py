"""Means and shares of things counted at sampled stations, with design-based intervals.

Stations are the clusters the sample drew; what is averaged may be one number
per station (the queue length a report gave) or many things per station (the
complaints a report listed, each an entry of a repeat). Both are ratios of
weighted totals over stations, ``R = sum_hi w_hi y_hi / sum_hi w_hi x_hi``:

- the mean of a number asked once per report: ``y`` is the answer and ``x``
  is 1 where the question was answered (0 elsewhere, so that the stations
  that answered form the domain);
- entries per report: ``y`` is the number of entries, ``x`` is 1;
- the share of entries with a value: ``y`` is the station's entries with the
  value and ``x`` its entries that answered the question.

The variance is the Taylor linearisation of
:func:`pollwatch.stats.stratified.linearised_ratio`, with stations, never
entries, as the units: entries of one report are not independent draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from pollwatch.stats.proportions import korn_graubard_interval, t_quantile
from pollwatch.stats.stratified import StratifiedDesign, linearised_ratio


@dataclass(frozen=True, slots=True)
class DesignMean:
    """A ratio estimate with its interval.

    Attributes
    ----------
    value : float
        The weighted ratio (a mean, or a share as a fraction).
    standard_error : float
        Linearised standard error of ``value``.
    low, high : float
        The interval at ``confidence``.
    confidence : float
        Confidence level.
    stations : int
        Stations contributing to the denominator (``x > 0``).
    units : float
        Unweighted total of the denominator: answers, or entries.
    """

    value: float
    standard_error: float
    low: float
    high: float
    confidence: float
    stations: int
    units: float


def design_mean(
    design: StratifiedDesign,
    totals: ArrayLike,
    counts: ArrayLike,
    confidence: float = 0.95,
) -> DesignMean:
    """Mean per unit of ``counts`` of ``totals`` over sampled stations, with a t interval.

    Parameters
    ----------
    design : StratifiedDesign
        The stations, from :func:`pollwatch.stats.stratified.build_design`.
    totals : array_like, shape (n,)
        ``y`` per station: its sum of the values averaged.
    counts : array_like, shape (n,)
        ``x`` per station: how many values it gave (0 or 1 for a question
        asked once per report).
    confidence : float
        Confidence level, in (0, 1).

    Returns
    -------
    DesignMean
        With the interval ``R ± t_{n-H} se``, ``n`` the stations and ``H``
        the strata.

    Raises
    ------
    ValueError
        When no station gave a value.
    """
    y = np.asarray(totals, dtype=np.float64)
    x = np.asarray(counts, dtype=np.float64)
    estimate = linearised_ratio(design, y, x)
    value = float(estimate.ratio[0])
    error = float(np.sqrt(estimate.variance[0]))
    half = t_quantile(confidence, _degrees(design)) * error
    return DesignMean(
        value, error, value - half, value + half, confidence, int((x > 0).sum()), float(x.sum())
    )


def design_share_of_units(
    design: StratifiedDesign,
    hits: ArrayLike,
    counts: ArrayLike,
    confidence: float = 0.95,
) -> DesignMean:
    """Share of units with an attribute, stations as clusters, Korn-Graubard interval.

    The combined ratio estimator of a share of units counted at the stations
    (entries of a repeat section, or the women among the commission members
    present): ``R = sum w y / sum w x``, with its Taylor-linearised variance
    (:func:`pollwatch.stats.stratified.linearised_ratio`) and a Korn-Graubard
    interval at the effective sample size.

    Parameters
    ----------
    design : StratifiedDesign
        The stations, from :func:`pollwatch.stats.stratified.build_design`.
    hits : array_like, shape (n,)
        ``y`` per station: its units with the attribute (e.g. women members).
    counts : array_like, shape (n,)
        ``x`` per station: its units that could have it (e.g. members
        present); 0 for a station that gave no count.
    confidence : float
        Confidence level, in (0, 1).

    Returns
    -------
    DesignMean
        ``value`` is the share, a fraction in [0, 1]; ``units`` the
        unweighted total of ``counts``.

    Raises
    ------
    ValueError
        When no station gave a count.

    Notes
    -----
    The units of one station are not independent draws: the variance is of
    the stations' linearised values, and the interval's effective sample
    size ``R(1-R)/v``, corrected by the ratio of t quantiles for ``n - H``
    degrees of freedom, is capped at the units counted.

    References
    ----------
    .. [1] Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed., Wiley,
       section 6.11 (combined ratio estimate).
    .. [2] Korn, E. L., Graubard, B. I. (1998). Confidence intervals for
       proportions with small expected number of positive counts estimated
       from survey data. *Survey Methodology* 24(2), 193-201.
    """
    x = np.asarray(counts, dtype=np.float64)
    estimate = linearised_ratio(design, hits, x)
    share = float(np.clip(estimate.ratio[0], 0.0, 1.0))
    variance = float(estimate.variance[0])
    units = int(round(x.sum()))
    low, high = korn_graubard_interval(share, variance, units, _degrees(design), confidence)
    return DesignMean(
        share, float(np.sqrt(variance)), low, high, confidence, int((x > 0).sum()), float(units)
    )


def _degrees(design: StratifiedDesign) -> int:
    return design.stations - len(design.labels)
