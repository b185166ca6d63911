"""Per-area breakdown of the anomaly measures, to rank areas by each of them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Measures an area can be ranked by, and whether a larger value is more anomalous.
AREA_MEASURES = {
    "integer_z": "excess of integer percentages, in null standard deviations",
    "turnout": "turnout (given / registered)",
    "leader_share": "leader share of received ballots",
    "near_full_share": "share of stations with turnout and leader share at or above 95%",
    "correlation": "correlation of turnout and leader share across the area's stations",
}


@dataclass(frozen=True, slots=True)
class AreaBreakdown:
    """Anomaly measures per area.

    Attributes
    ----------
    names : numpy.ndarray of str
        Area labels.
    stations, registered : numpy.ndarray of int
        Stations and registered voters per area.
    turnout, leader_share : numpy.ndarray of float
        Aggregate turnout and leader share of received ballots.
    integer_observed, integer_expected, integer_sd : numpy.ndarray of float
        Stations with an integer turnout or leader share, their expectation
        and standard deviation under the binomial null.
    integer_z : numpy.ndarray of float
        Excess over the null in standard deviations (0 where the sd is 0).
    near_full_share : numpy.ndarray of float
        Share of stations with turnout and leader share at or above 95%.
    correlation : numpy.ndarray of float
        Pearson correlation of station turnout and leader share (nan with
        fewer than three stations).
    """

    names: npt.NDArray[np.str_]
    stations: IntArray
    registered: IntArray
    turnout: FloatArray
    leader_share: FloatArray
    integer_observed: FloatArray
    integer_expected: FloatArray
    integer_sd: FloatArray
    integer_z: FloatArray
    near_full_share: FloatArray
    correlation: FloatArray

    def ranking(self, measure: str) -> IntArray:
        """Area indices from most to least anomalous by ``measure`` (nan last)."""
        if measure not in AREA_MEASURES:
            raise ValueError(f"unknown measure {measure!r}; valid: {', '.join(AREA_MEASURES)}")
        values = np.asarray(getattr(self, measure), dtype=np.float64)
        return np.argsort(np.where(np.isnan(values), -np.inf, -values), kind="stable")


@dataclass(frozen=True, slots=True)
class StationMeasures:
    """Per-station inputs of the area breakdown (all arrays of equal length).

    ``integer_hit`` and ``integer_probability`` are 0 for stations outside
    the integer-percentage test.
    """

    registered: IntArray
    given: IntArray
    received: IntArray
    leader: IntArray
    integer_hit: FloatArray
    integer_probability: FloatArray


def area_breakdown(areas: npt.ArrayLike, measures: StationMeasures) -> AreaBreakdown:
    """Aggregate the anomaly measures per area.

    The integer-percentage counts per area add up the per-station Bernoulli
    means and variances of Kobak, Shpilkin and Pshenichnikov (2016); the
    fingerprint measures follow Klimek et al. (2012).

    References
    ----------
    Kobak, D., Shpilkin, S. and Pshenichnikov, M. S. (2016). Annals of Applied
    Statistics 10(1), 54-73. doi:10.1214/16-AOAS904
    Klimek, P., Yegorov, Y., Hanel, R. and Thurner, S. (2012). PNAS 109(41),
    16469-16473. doi:10.1073/pnas.1210722109
    """
    names, index = np.unique(np.asarray(areas).astype(str), return_inverse=True)
    index = index.reshape(-1)
    size = names.size

    def total(values: npt.ArrayLike) -> FloatArray:
        weights = np.asarray(values, dtype=np.float64)
        return np.bincount(index, weights=weights, minlength=size).astype(np.float64)

    m = measures
    with np.errstate(divide="ignore", invalid="ignore"):
        station_turnout = np.where(m.registered > 0, m.given / m.registered, np.nan)
        station_share = np.where(m.received > 0, m.leader / m.received, np.nan)
        registered = total(m.registered)
        received = total(m.received)
        q = m.integer_probability
        expected, sd = total(q), np.sqrt(total(q * (1.0 - q)))
        observed = total(m.integer_hit)
        near = (m.given >= 0.95 * m.registered) & (m.leader >= 0.95 * m.received) & (m.received > 0)
        counts = np.bincount(index, minlength=size)
        return AreaBreakdown(
            names=names,
            stations=counts.astype(np.int64),
            registered=registered.astype(np.int64),
            turnout=total(m.given) / registered,
            leader_share=total(m.leader) / received,
            integer_observed=observed,
            integer_expected=expected,
            integer_sd=sd,
            integer_z=np.where(sd > 0, (observed - expected) / sd, 0.0),
            near_full_share=total(near) / counts,
            correlation=_grouped_correlation(index, size, station_turnout, station_share),
        )


def _grouped_correlation(index: IntArray, size: int, x: FloatArray, y: FloatArray) -> FloatArray:
    keep = np.isfinite(x) & np.isfinite(y)
    index, x, y = index[keep], x[keep], y[keep]
    n = np.bincount(index, minlength=size).astype(np.float64)
    mean_x = np.bincount(index, weights=x, minlength=size) / n
    mean_y = np.bincount(index, weights=y, minlength=size) / n
    dx, dy = x - mean_x[index], y - mean_y[index]
    sxy = np.bincount(index, weights=dx * dy, minlength=size)
    sxx = np.bincount(index, weights=dx * dx, minlength=size)
    syy = np.bincount(index, weights=dy * dy, minlength=size)
    r = sxy / np.sqrt(sxx * syy)
    return np.where((n >= 3) & (sxx > 0) & (syy > 0), r, np.nan)
