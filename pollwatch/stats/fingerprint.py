"""The turnout and vote-share fingerprint and fine-grained percentage histograms."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

#: Klimek et al. drop units with fewer voters than this from the fingerprint.
FINGERPRINT_MIN_REGISTERED = 100


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """2-D histogram of turnout (x) against the leader's share (y), both in per cent.

    Attributes
    ----------
    edges : numpy.ndarray of float
        Bin edges shared by both axes, 0 to 100.
    stations : numpy.ndarray of float
        Stations per cell, shape ``(bins, bins)`` indexed ``[turnout, share]``.
    voters : numpy.ndarray of float
        Registered voters per cell, same shape.
    stations_used : int
        Stations with at least 100 registered voters and a defined share.
    """

    edges: FloatArray
    stations: FloatArray
    voters: FloatArray
    stations_used: int


def turnout_share_fingerprint(
    turnout: npt.ArrayLike,
    share: npt.ArrayLike,
    registered: npt.ArrayLike,
    *,
    bins: int = 100,
) -> Fingerprint:
    """Turnout-vote-share fingerprint, counted by station and weighted by voters.

    Parameters
    ----------
    turnout, share : array_like of float
        Turnout and the leader's share per station, as fractions (``nan`` for
        undefined values, which are skipped).
    registered : array_like of int
        Registered voters per station, the weights; stations under 100 are dropped.
    bins : int
        Bins per axis over 0-100%.

    Returns
    -------
    Fingerprint

    References
    ----------
    Klimek, P., Yegorov, Y., Hanel, R. and Thurner, S. (2012). Statistical
    detection of systematic election irregularities. PNAS 109(41),
    16469-16473. doi:10.1073/pnas.1210722109
    """
    x = 100.0 * np.asarray(turnout, dtype=np.float64)
    y = 100.0 * np.asarray(share, dtype=np.float64)
    weights = np.asarray(registered, dtype=np.float64)
    keep = np.isfinite(x) & np.isfinite(y) & (weights >= FINGERPRINT_MIN_REGISTERED)
    x, y, weights = np.clip(x[keep], 0, 100), np.clip(y[keep], 0, 100), weights[keep]
    edges = np.linspace(0.0, 100.0, bins + 1)
    stations, _, _ = np.histogram2d(x, y, bins=(edges, edges))
    voters, _, _ = np.histogram2d(x, y, bins=(edges, edges), weights=weights)
    return Fingerprint(edges=edges, stations=stations, voters=voters, stations_used=int(keep.sum()))


@dataclass(frozen=True, slots=True)
class PercentageHistogram:
    """Histogram of a percentage at fine resolution.

    Attributes
    ----------
    edges : numpy.ndarray of float
        Bin edges in per cent; bins are centred on multiples of ``resolution``.
    counts : numpy.ndarray of int
        Stations per bin.
    resolution : float
        Bin width in percentage points.
    """

    edges: FloatArray
    counts: npt.NDArray[np.int64]
    resolution: float


def percentage_histogram(
    fractions: npt.ArrayLike, *, resolution: float = 0.1
) -> PercentageHistogram:
    """Histogram of percentages with bins centred on multiples of ``resolution``.

    At 0.1-point resolution the spikes on whole percentages that Kobak et al.
    (2016) describe stand out as single tall bins.

    References
    ----------
    Kobak, D., Shpilkin, S. and Pshenichnikov, M. S. (2016). Annals of Applied
    Statistics 10(1), 54-73. doi:10.1214/16-AOAS904
    """
    if resolution <= 0:
        raise ValueError("resolution must be positive")
    values = 100.0 * np.asarray(fractions, dtype=np.float64)
    values = values[np.isfinite(values)]
    steps = int(round(100.0 / resolution))
    index = np.clip(np.rint(values / resolution).astype(np.int64), 0, steps)
    counts = np.bincount(index, minlength=steps + 1).astype(np.int64)
    edges = ((np.arange(steps + 2) - 0.5) * resolution).astype(np.float64)
    return PercentageHistogram(edges=edges, counts=counts, resolution=resolution)
