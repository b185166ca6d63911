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
