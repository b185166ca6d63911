"""Shape of the turnout distribution and the link between turnout and the leader's share."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Moments:
    """Skewness and excess kurtosis of a distribution.

    Attributes
    ----------
    n : int
        Values used.
    mean, sd : float
        Mean and standard deviation.
    skewness : float
        Sample skewness (0 for a normal distribution).
    excess_kurtosis : float
        Sample kurtosis minus 3 (0 for a normal distribution).
    """

    n: int
    mean: float
    sd: float
    skewness: float
    excess_kurtosis: float


def distribution_moments(values: npt.ArrayLike) -> Moments:
    """Skewness and kurtosis of station values, as Klimek et al. (2012) compare them.

    References
    ----------
    Klimek, P., Yegorov, Y., Hanel, R. and Thurner, S. (2012). PNAS 109(41),
    16469-16473. doi:10.1073/pnas.1210722109
    """
    x = np.asarray(values, dtype=np.float64)
    x = x[np.isfinite(x)]
    if x.size < 3:
        nan = float("nan")
        return Moments(int(x.size), nan, nan, nan, nan)
    return Moments(
        n=int(x.size),
        mean=float(x.mean()),
        sd=float(x.std(ddof=1)),
        skewness=float(stats.skew(x)),
        excess_kurtosis=float(stats.kurtosis(x)),
    )


@dataclass(frozen=True, slots=True)
class TurnoutShareRelation:
    """Correlation and regression of the leader's share on turnout.

    Attributes
    ----------
    n : int
        Stations used.
    correlation : float
        Pearson correlation of turnout and share.
    correlation_ci : tuple of float
        95% interval of the correlation (Fisher z).
    slope : float
        Least-squares slope of share on turnout (both fractions).
    slope_se : float
        Standard error of the slope.
    p_value : float
        One-sided p-value of a positive slope (t test), the direction ballot
        stuffing pushes.
    """

    n: int
    correlation: float
    correlation_ci: tuple[float, float]
    slope: float
    slope_se: float
    p_value: float


def turnout_share_relation(turnout: npt.ArrayLike, share: npt.ArrayLike) -> TurnoutShareRelation:
    """Correlation of turnout and leader share, and the slope of share on turnout.

    Where extra ballots are added for the leader, stations with higher
    turnout show a higher leader share; Sobyanin and Sukhovolsky read the
    slope of this regression as the share of added turnout that went to the
    leader.

    References
    ----------
    Sobyanin, A. A. and Sukhovolsky, V. G. (1995). Democracy restricted by
    falsifications. Moscow: Project Group on Human Rights.
    Myagkov, M., Ordeshook, P. C. and Shakin, D. (2009). The Forensics of
    Election Fraud: Russia and Ukraine. Cambridge University Press.
    """
    x = np.asarray(turnout, dtype=np.float64)
    y = np.asarray(share, dtype=np.float64)
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    n = int(x.size)
    if n < 4 or np.ptp(x) == 0 or np.ptp(y) == 0:
        nan = float("nan")
        return TurnoutShareRelation(n, nan, (nan, nan), nan, nan, nan)
    fit = stats.linregress(x, y)
    r = float(fit.rvalue)
    z, half = np.arctanh(np.clip(r, -0.999999, 0.999999)), 1.959964 / np.sqrt(n - 3)
    t = fit.slope / fit.stderr if fit.stderr > 0 else np.inf
    return TurnoutShareRelation(
        n=n,
        correlation=r,
        correlation_ci=(float(np.tanh(z - half)), float(np.tanh(z + half))),
        slope=float(fit.slope),
        slope_se=float(fit.stderr),
        p_value=float(stats.t.sf(t, n - 2)),
    )


@dataclass(frozen=True, slots=True)
class IdenticalResults:
    """Groups of stations that report the very same result vector.

    Attributes
    ----------
    groups : tuple of numpy.ndarray
        Station indices per group of two or more identical vectors, largest first.
    stations : int
        Stations that belong to some group.
    """

    groups: tuple[IntArray, ...]
    stations: int


def identical_result_vectors(votes: npt.ArrayLike, *, min_total: int = 1) -> IdenticalResults:
    """Stations whose vote vectors are identical.

    Parameters
    ----------
    votes : array_like of int, shape (stations, options)
        Votes per option (add valid and invalid ballots as columns to compare
        whole protocols).
    min_total : int
        Ignore stations with fewer votes than this in total (empty stations
        are trivially alike).
    """
    matrix = np.asarray(votes, dtype=np.int64)
    candidates = np.flatnonzero(matrix.sum(axis=1) >= min_total)
    if candidates.size == 0:
        return IdenticalResults(groups=(), stations=0)
    _, inverse, counts = np.unique(
        matrix[candidates], axis=0, return_inverse=True, return_counts=True
    )
    inverse = inverse.reshape(-1)
    repeated = np.flatnonzero(counts > 1)
    order = np.argsort(inverse, kind="stable")
    boundaries = np.cumsum(counts)
    groups = [candidates[order[boundaries[g] - counts[g] : boundaries[g]]] for g in repeated]
    groups.sort(key=lambda g: (-g.size, int(g[0])))
    return IdenticalResults(groups=tuple(groups), stations=int(sum(g.size for g in groups)))


@dataclass(frozen=True, slots=True)
class ExtremeStations:
    """Stations at or near 100% turnout and 100% leader share.

    Attributes
    ----------
    threshold : float
        Fraction counted as "near 100%".
    turnout_near, share_near, both_near : int
        Stations at or above the threshold in turnout, in share, in both.
    turnout_full, share_full, both_full : int
        Stations at exactly 100%.
    both_near_stations : numpy.ndarray of int
        Indices of stations near 100% in both.
    """

    threshold: float
    turnout_near: int
    share_near: int
    both_near: int
    turnout_full: int
    share_full: int
    both_full: int
    both_near_stations: IntArray


def extreme_stations(
    count_given: npt.ArrayLike,
    registered: npt.ArrayLike,
    leader: npt.ArrayLike,
    received: npt.ArrayLike,
    *,
    threshold: float = 0.95,
) -> ExtremeStations:
    """Count stations with turnout and leader share at or near 100%.

    A second peak at (100%, 100%) is the mark of extreme fraud in the model of
    Klimek et al. (2012); exact 100% is compared in integers.
    """
    given, reg = np.asarray(count_given, np.int64), np.asarray(registered, np.int64)
    lead, rec = np.asarray(leader, np.int64), np.asarray(received, np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        turnout_near = (reg > 0) & (given >= threshold * reg)
        share_near = (rec > 0) & (lead >= threshold * rec)
    turnout_full = (reg > 0) & (given >= reg)
    share_full = (rec > 0) & (lead >= rec)
    return ExtremeStations(
        threshold=threshold,
        turnout_near=int(turnout_near.sum()),
        share_near=int(share_near.sum()),
        both_near=int((turnout_near & share_near).sum()),
        turnout_full=int(turnout_full.sum()),
        share_full=int(share_full.sum()),
        both_full=int((turnout_full & share_full).sum()),
        both_near_stations=np.flatnonzero(turnout_near & share_near),
    )


@dataclass(frozen=True, slots=True)
class WithinAreaRelation:
    """Turnout and leader share compared within areas (area fixed effects).

    Attributes
    ----------
    n : int
        Stations used.
    areas : int
        Areas with at least two such stations.
    correlation : float
        Pooled within-area correlation: both variables centred on their
        area's mean, then correlated.
    slope : float
        Slope of share on turnout with area fixed effects.
    p_value : float
        One-sided p-value of a positive within-area correlation (t test with
        ``n - areas - 1`` degrees of freedom).
    """

    n: int
    areas: int
    correlation: float
    slope: float
    p_value: float


def within_area_relation(
    turnout: npt.ArrayLike, share: npt.ArrayLike, areas: npt.ArrayLike
) -> WithinAreaRelation:
    """Relation of turnout and leader share within areas, net of differences between them.

    Honest political geography links turnout and support across areas (a
    region that favours the leader may also vote more); ballot stuffing links
    them across stations of the same area. Centring both on the area's mean
    removes the first: this is the within estimator of a regression with area
    fixed effects.

    Parameters
    ----------
    turnout, share : array_like of float
        Per station (fractions; ``nan`` skipped).
    areas : array_like
        Area label per station (region or territorial commission).

    References
    ----------
    Wooldridge, J. M. (2010). Econometric Analysis of Cross Section and Panel
    Data, 2nd ed., ch. 10 (the within estimator). MIT Press.
    Klimek, P., Yegorov, Y., Hanel, R. and Thurner, S. (2012). PNAS 109(41),
    16469-16473 (the turnout-share fingerprint).
    """
    x = np.asarray(turnout, dtype=np.float64).reshape(-1)
    y = np.asarray(share, dtype=np.float64).reshape(-1)
    labels = np.asarray(areas).astype(str).reshape(-1)
    if not x.size == y.size == labels.size:
        raise ValueError("turnout, share and areas must have the same length")
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    _, index = np.unique(labels[keep], return_inverse=True)
    index = index.reshape(-1)
    size = int(index.max()) + 1 if index.size else 0
    counts = np.bincount(index, minlength=size)
    dx = x - (np.bincount(index, weights=x, minlength=size) / np.maximum(counts, 1))[index]
    dy = y - (np.bincount(index, weights=y, minlength=size) / np.maximum(counts, 1))[index]
    n, groups = int(x.size), int(np.count_nonzero(counts >= 2))
    sxx, syy, sxy = float(dx @ dx), float(dy @ dy), float(dx @ dy)
    freedom = n - int(np.count_nonzero(counts)) - 1
    if freedom < 2 or sxx <= 0 or syy <= 0:
        nan = float("nan")
        return WithinAreaRelation(n, groups, nan, nan, nan)
    r = sxy / np.sqrt(sxx * syy)
    t = r * np.sqrt(freedom / max(1.0 - r * r, 1e-300))
    return WithinAreaRelation(
        n=n,
        areas=groups,
        correlation=float(r),
        slope=sxy / sxx,
        p_value=float(stats.t.sf(t, freedom)),
    )
