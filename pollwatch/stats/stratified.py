"""Stratified cluster designs and the linearised variance of a ratio.

A polling station is the sampling unit (the cluster of voters). Stations are
drawn within strata; stratum ``h`` has ``N_h`` stations in the frame, of which
``n_h`` report. This module turns the stratum label of every reporting station
into a :class:`StratifiedDesign` and estimates ratios of weighted totals with
their Taylor-linearised variance. :mod:`pollwatch.stats.pvt` (vote shares,
turnout) and :mod:`pollwatch.stats.proportions` (share of stations with an
attribute) are both built on it.

Stations drawn with unequal probabilities within a stratum (PPS) carry their
design weight ``1/π``; their variance uses the with-replacement approximation
(no finite population correction), and stations taken with certainty form a
group of their own that adds no sampling variance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

SINGLE_STATIONS_NOTE = (
    "A stratum with a single reporting station (and more in the frame) has no "
    "within-stratum variance; it is centred on the overall mean instead, as the "
    '"adjust" rule of Lumley (2010), which is conservative.'
)
CERTAINTY_SUFFIX = " (certainty)"
_CONSTANT_TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class StratifiedDesign:
    """A stratified sample of stations, ready for estimation.

    Attributes
    ----------
    labels : tuple of str
        Stratum labels that have at least one reporting station, sorted.
    stratum_of_station : ndarray of intp, shape (n,)
        Index into ``labels`` of every reporting station, in input order.
    reporting : ndarray of int64, shape (H,)
        ``n_h``: reporting stations per stratum.
    frame_sizes : ndarray of float64, shape (H,) or None
        ``N_h``: stations per stratum in the frame, or None when unknown (then
        no finite population correction is applied). In a with-replacement
        design it is ``inf`` for every sampled stratum (no correction) and
        ``n_h`` for a group of stations taken with certainty (no variance).
    weights : ndarray of float64, shape (n,)
        Weight of every reporting station: ``N_h / n_h`` when the frame sizes
        are known and no weights were given, 1 otherwise.
    uncovered : tuple of str
        Strata of the frame without any reporting station. Estimates describe
        the covered strata only.
    with_replacement : bool
        Whether the variance uses the with-replacement approximation (PPS
        within strata); stations taken with certainty then form their own
        groups, labelled with :data:`CERTAINTY_SUFFIX`.
    """

    labels: tuple[str, ...]
    stratum_of_station: NDArray[np.intp]
    reporting: NDArray[np.int64]
    frame_sizes: NDArray[np.float64] | None
    weights: NDArray[np.float64]
    uncovered: tuple[str, ...]
    with_replacement: bool = False

    @property
    def stations(self) -> int:
        """Number of reporting stations."""
        return int(self.stratum_of_station.size)

    @property
    def sampling_fractions(self) -> NDArray[np.float64]:
        """``f_h = n_h / N_h`` per stratum (0 when the frame is unknown)."""
        if self.frame_sizes is None:
            return np.zeros(len(self.labels))
        return self.reporting / self.frame_sizes

    @property
    def single_station_strata(self) -> tuple[str, ...]:
        """Strata with one reporting station and more stations in the frame."""
        lonely = (self.reporting == 1) & (self.sampling_fractions < 1.0)
        return tuple(label for label, alone in zip(self.labels, lonely, strict=True) if alone)


@dataclass(frozen=True, slots=True)
class LinearisedRatio:
    """Ratios of weighted totals and their linearised variances.

    Attributes
    ----------
    ratio : ndarray of float64, shape (k,)
        ``R = sum w*y / sum w*x`` for each of the ``k`` numerators.
    variance : ndarray of float64, shape (k,)
        Taylor-linearisation estimate of the variance of each ratio.
    """

    ratio: NDArray[np.float64]
    variance: NDArray[np.float64]


def build_design(
    stations: int,
    strata: Sequence[str] | ArrayLike | None = None,
    frame_sizes: Mapping[str, int] | None = None,
    weights: ArrayLike | None = None,
    *,
    with_replacement: bool = False,
    certain: ArrayLike | None = None,
) -> StratifiedDesign:
    """Describe a stratified sample of ``stations`` reporting stations.

    Parameters
    ----------
    stations : int
        Number of reporting stations.
    strata : sequence of str, optional
        Stratum of every reporting station; None puts all in one stratum.
    frame_sizes : mapping of str to int, optional
        ``N_h``, the number of stations of each stratum in the sampling frame.
        Every stratum in ``strata`` must appear with ``N_h >= n_h``. Without
        it the stations are weighted 1 and treated as drawn from an infinite
        population (no finite population correction). Without ``strata`` it
        must have a single entry.
    weights : array_like, optional
        Weight of every station, overriding ``N_h / n_h`` (e.g. a deployment's
        design weights ``1/π``). The finite population correction still uses
        ``frame_sizes`` when given, unless ``with_replacement``.
    with_replacement : bool
        Use the with-replacement approximation of the variance, as for
        stations drawn with probability proportional to size within strata:
        no finite population correction in any stratum (Särndal, Swensson
        and Wretman 1992, 3.6; Wolter 2007).
    certain : array_like of bool, optional
        Stations taken with certainty (``π = 1``); only with
        ``with_replacement``. They were not sampled, so they add no sampling
        variance: each stratum's certain stations form a group of their own
        whose finite population correction is 0.

    Returns
    -------
    StratifiedDesign

    Raises
    ------
    ValueError
        For mismatched lengths, unknown strata, ``N_h < n_h``,
        non-positive weights, or ``certain`` without ``with_replacement``.
    """
    if stations < 1:
        raise ValueError("the sample has no reporting stations")
    stratum_names = _stratum_names(stations, strata, frame_sizes)
    labels_array, stratum_of_station = np.unique(stratum_names, return_inverse=True)
    labels = tuple(str(label) for label in labels_array)
    reporting = np.bincount(stratum_of_station, minlength=len(labels)).astype(np.int64)
    sizes = _frame_sizes(labels, reporting, frame_sizes)
    uncovered: tuple[str, ...] = ()
    if frame_sizes is not None:
        uncovered = tuple(sorted(set(frame_sizes) - set(labels)))
    station_weights = _station_weights(stations, stratum_of_station, reporting, sizes, weights)
    if with_replacement:
        return _with_replacement_design(stratum_names, station_weights, uncovered, certain)
    if certain is not None:
        raise ValueError("stations taken with certainty need the with-replacement design")
    return StratifiedDesign(
        labels=labels,
        stratum_of_station=stratum_of_station.astype(np.intp),
        reporting=reporting,
        frame_sizes=sizes,
        weights=station_weights,
        uncovered=uncovered,
    )


def _with_replacement_design(
    stratum_names: NDArray[np.str_],
    weights: NDArray[np.float64],
    uncovered: tuple[str, ...],
    certain: ArrayLike | None,
) -> StratifiedDesign:
    """Strata without finite population correction; certain stations in groups of their own."""
    flags = np.zeros(stratum_names.size, dtype=np.bool_)
    if certain is not None:
        flags = np.asarray(certain, dtype=np.bool_)
        if flags.shape != stratum_names.shape:
            raise ValueError(f"expected {stratum_names.size} certainty flags, got {flags.shape}")
    names = np.where(flags, np.char.add(stratum_names, CERTAINTY_SUFFIX), stratum_names)
    labels_array, group_of_station = np.unique(names, return_inverse=True)
    reporting = np.bincount(group_of_station, minlength=labels_array.size).astype(np.int64)
    certain_group = np.zeros(labels_array.size, dtype=np.bool_)
    certain_group[group_of_station[flags]] = True
    return StratifiedDesign(
        labels=tuple(str(label) for label in labels_array),
        stratum_of_station=group_of_station.astype(np.intp),
        reporting=reporting,
        frame_sizes=np.where(certain_group, reporting.astype(np.float64), np.inf),
        weights=weights,
        uncovered=uncovered,
        with_replacement=True,
    )


def taken_with_certainty(weights: ArrayLike) -> NDArray[np.bool_]:
    """Which stations were drawn with certainty: design weight ``1/π`` of 1.

    Parameters
    ----------
    weights : array_like of float, shape (n,)
        Design weight ``1/π`` of every station.

    Returns
    -------
    ndarray of bool, shape (n,)
        True where the weight is 1 up to a relative ``1e-9`` (rounding in a
        file is not a probability below 1).

    References
    ----------
    Särndal, C.-E., Swensson, B., Wretman, J. (1992). *Model Assisted Survey
    Sampling*, Springer, 3.6 (stations with ``π = 1`` add no variance).
    """
    return np.asarray(np.asarray(weights, dtype=np.float64) <= 1.0 + _CONSTANT_TOLERANCE)


def weights_vary_within_strata(
    weights: ArrayLike, strata: Sequence[str] | ArrayLike | None = None
) -> bool:
    """Whether design weights differ within some stratum (an unequal-probability design).

    Parameters
    ----------
    weights : array_like of float, shape (n,)
        Design weight of every station.
    strata : sequence of str, optional
        Stratum of every station; None for one stratum.

    Returns
    -------
    bool
        True when, in some stratum, the largest weight exceeds the smallest
        by more than a relative ``1e-9`` (rounding in a CSV file is not
        variation).
    """
    values = np.asarray(weights, dtype=np.float64)
    names = np.zeros(values.size, dtype=np.intp)
    if strata is not None:
        names = np.unique(np.asarray(strata).astype(str), return_inverse=True)[1]
    groups = int(names.max()) + 1 if names.size else 0
    largest = np.full(groups, -np.inf)
    smallest = np.full(groups, np.inf)
    np.maximum.at(largest, names, values)
    np.minimum.at(smallest, names, values)
    return bool(np.any(largest - smallest > _CONSTANT_TOLERANCE * np.abs(largest)))


@dataclass(frozen=True, slots=True)
class DesignWeights:
    """Station weights of a draw, ready for :func:`build_design`.

    Attributes
    ----------
    weights : ndarray of float64, shape (n,)
        ``1/π`` of every reporting station, scaled within strata to the
        stratum sizes when those are known.
    with_replacement : bool
        True when the weights differ within some stratum (a PPS draw): the
        variance then uses the with-replacement approximation.
    certain : ndarray of bool, shape (n,), or None
        Stations taken with certainty (``1/π = 1``) in a with-replacement
        design; None otherwise.
    """

    weights: NDArray[np.float64]
    with_replacement: bool
    certain: NDArray[np.bool_] | None


def design_weights(
    weights: ArrayLike,
    strata: Sequence[str] | ArrayLike | None = None,
    totals: Mapping[str, float] | None = None,
) -> DesignWeights:
    """Prepare a draw's weights ``1/π`` for estimation.

    Weights equal within every stratum (simple random or stratified draws)
    keep the without-replacement variance with its finite population
    correction, so that the estimate is the one ``N_h / n_h`` gives. Weights
    that differ within a stratum come from unequal probabilities (PPS): the
    variance then uses the with-replacement approximation, and stations with
    ``π = 1`` add no variance.

    Parameters
    ----------
    weights : array_like of float, shape (n,)
        ``1/π`` of every reporting station.
    strata : sequence of str, optional
        Stratum of every station.
    totals : mapping of str to float, optional
        What the weights of each stratum should add up to, to make up for
        stations that did not report (:func:`calibrate_to_strata`): ``N_h``
        for equal probabilities within strata; for a PPS draw, the sum of
        ``1/π`` over the stations drawn in the stratum, never ``N_h`` (the
        weights' own sum varies from draw to draw, and forcing it to
        ``N_h`` would add variance that the linearisation does not see).

    Returns
    -------
    DesignWeights
    """
    values = np.asarray(weights, dtype=np.float64)
    if not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise ValueError("weights must be positive and finite")
    varying = weights_vary_within_strata(values, strata)
    certain = taken_with_certainty(values) if varying else None
    scaled = values if totals is None else calibrate_to_strata(values, strata, totals)
    return DesignWeights(weights=scaled, with_replacement=varying, certain=certain)


def calibrate_to_strata(
    weights: ArrayLike,
    strata: Sequence[str] | ArrayLike | None,
    totals: Mapping[str, float],
) -> NDArray[np.float64]:
    """Scale the weights within each stratum so that they add up to its known size.

    The usual adjustment for stations that did not report: the reporting
    stations of stratum ``h`` stand for its ``N_h`` stations, each keeping
    its share of the stratum's weight (weighting classes; Lohr 2010, 8.5).
    With equal weights within a stratum this gives ``N_h / n_h``.

    Parameters
    ----------
    weights : array_like of float, shape (n,)
        Design weight ``1/π`` of every reporting station.
    strata : sequence of str, optional
        Stratum of every station; None for one stratum, whose size is then
        the single entry of ``totals``.
    totals : mapping of str to float
        ``N_h``: stations (or estimated stations) per stratum.

    Returns
    -------
    ndarray of float64, shape (n,)

    Raises
    ------
    ValueError
        When a station's stratum has no total, or the weights are not
        positive.
    """
    values = np.asarray(weights, dtype=np.float64)
    if not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise ValueError("weights must be positive and finite")
    names = _stratum_names(values.size, strata, totals)
    labels, where = np.unique(names, return_inverse=True)
    missing = [str(label) for label in labels if str(label) not in totals]
    if missing:
        raise ValueError(f"strata without a size: {', '.join(missing)}")
    target = np.array([float(totals[str(label)]) for label in labels])
    reached = np.bincount(where, weights=values, minlength=labels.size)
    return np.asarray(values * (target / reached)[where], dtype=np.float64)


def _stratum_names(
    stations: int,
    strata: Sequence[str] | ArrayLike | None,
    frame_sizes: Mapping[str, float] | None,
) -> NDArray[np.str_]:
    if strata is None:
        if frame_sizes is not None and len(frame_sizes) != 1:
            raise ValueError("frame sizes of several strata need the stratum of every station")
        only = next(iter(frame_sizes)) if frame_sizes is not None else "all"
        return np.full(stations, only)
    names = np.asarray(strata).astype(str)
    if names.shape != (stations,):
        raise ValueError(f"expected {stations} stratum labels, got shape {names.shape}")
    return names


def _frame_sizes(
    labels: tuple[str, ...],
    reporting: NDArray[np.int64],
    frame_sizes: Mapping[str, int] | None,
) -> NDArray[np.float64] | None:
    if frame_sizes is None:
        return None
    unknown = [label for label in labels if label not in frame_sizes]
    if unknown:
        raise ValueError(f"strata missing from the frame: {', '.join(unknown)}")
    sizes = np.array([float(frame_sizes[label]) for label in labels])
    too_small = [
        f"{label} ({int(size)} in frame, {count} reporting)"
        for label, size, count in zip(labels, sizes, reporting, strict=True)
        if size < count
    ]
    if too_small:
        raise ValueError(f"more reporting stations than the frame holds: {', '.join(too_small)}")
    return sizes


def _station_weights(
    stations: int,
    stratum_of_station: NDArray[np.intp],
    reporting: NDArray[np.int64],
    sizes: NDArray[np.float64] | None,
    weights: ArrayLike | None,
) -> NDArray[np.float64]:
    if weights is not None:
        given = np.asarray(weights, dtype=np.float64)
        if given.shape != (stations,):
            raise ValueError(f"expected {stations} weights, got shape {given.shape}")
        if not np.all(np.isfinite(given)) or np.any(given <= 0):
            raise ValueError("weights must be positive and finite")
        return given
    if sizes is None:
        return np.ones(stations)
    return (sizes / reporting)[stratum_of_station]


def linearised_ratio(
    design: StratifiedDesign, numerators: ArrayLike, denominator: ArrayLike
) -> LinearisedRatio:
    """Ratio of weighted totals with its Taylor-linearised variance.

    The combined ratio estimator ``R = Y/X`` with ``Y = sum_hi w_hi y_hi`` and
    ``X = sum_hi w_hi x_hi`` (stations as clusters). Its variance is that of
    the estimated total of the linearised values
    ``u_hi = w_hi (y_hi - R x_hi) / X`` under stratified sampling of clusters
    without replacement::

        v(R) = sum_h (1 - f_h) n_h / (n_h - 1) sum_i (u_hi - mean_h u)^2

    Parameters
    ----------
    design : StratifiedDesign
        The sample, from :func:`build_design`.
    numerators : array_like, shape (n,) or (n, k)
        ``y``: one or ``k`` numerators per station (e.g. votes per option).
    denominator : array_like, shape (n,)
        ``x``: the denominator per station (e.g. valid votes).

    Returns
    -------
    LinearisedRatio

    Raises
    ------
    ValueError
        For mismatched shapes or a zero weighted denominator.

    Notes
    -----
    With ``f_h = n_h / N_h`` (0 when the frame is unknown, and in every
    stratum of a with-replacement design). With weights ``w = 1/π`` from a
    PPS draw, ``R`` is the ratio of two Horvitz-Thompson totals and this is
    the usual with-replacement approximation of its variance, slightly
    conservative for a without-replacement draw with small sampling
    fractions (Särndal, Swensson and Wretman 1992, 3.6; Wolter
    2007, 2.4.5). A stratum with a
    single reporting station has no within-stratum deviation; it is centred on
    the overall mean of ``u``, which is 0 by construction (the ``"adjust"``
    rule of Lumley 2010, section 2.2), so it contributes ``(1 - f_h) u_h^2``.

    References
    ----------
    .. [1] Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed., Wiley,
       sections 6.11 (combined ratio estimate) and 5A.
    .. [2] Lohr, S. L. (2010). *Sampling: Design and Analysis*, 2nd ed.,
       Brooks/Cole, sections 4.5 and 9.1 (linearisation).
    .. [3] Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*,
       Wiley, doi:10.1002/9780470580066.
    .. [4] Särndal, C.-E., Swensson, B., Wretman, J. (1992). *Model Assisted
       Survey Sampling*, Springer, doi:10.1007/978-1-4612-4378-6.
    .. [5] Wolter, K. M. (2007). *Introduction to Variance Estimation*, 2nd
       ed., Springer, doi:10.1007/978-0-387-35099-8.
    """
    y = np.asarray(numerators, dtype=np.float64)
    x = np.asarray(denominator, dtype=np.float64)
    single = y.ndim == 1
    y2 = y[:, None] if single else y
    if y2.ndim != 2 or y2.shape[0] != design.stations or x.shape != (design.stations,):
        raise ValueError(
            f"expected {design.stations} stations, got numerators {y.shape} and "
            f"denominator {x.shape}"
        )
    total_x = float(design.weights @ x)
    if total_x <= 0:
        raise ValueError("the weighted denominator is zero (no valid votes?): no ratio exists")
    ratio = (design.weights @ y2) / total_x
    linearised = design.weights[:, None] * (y2 - x[:, None] * ratio) / total_x
    variance = _stratified_total_variance(design, linearised)
    return LinearisedRatio(ratio=ratio, variance=variance)


def _stratified_total_variance(
    design: StratifiedDesign, values: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Variance of ``sum_hi values_hi`` under stratified sampling, per column."""
    strata = len(design.labels)
    where = design.stratum_of_station
    count = design.reporting[:, None].astype(np.float64)
    sums = np.zeros((strata, values.shape[1]))
    np.add.at(sums, where, values)
    several = count > 1
    # A lone station is centred on the overall mean of the linearised values, 0.
    centres = np.where(several, sums / count, 0.0)
    deviations = values - centres[where]
    squares = np.zeros((strata, values.shape[1]))
    np.add.at(squares, where, deviations * deviations)
    scale = np.where(several, count / np.where(several, count - 1, 1.0), 1.0)
    correction = (1.0 - design.sampling_fractions)[:, None]
    per_stratum = correction * scale * squares
    return np.asarray(per_stratum.sum(axis=0), dtype=np.float64)
