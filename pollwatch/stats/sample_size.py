"""Sample sizes and margins of error for a quick count (parallel vote tabulation).

The sample size in voters follows the formula of the NDI handbook; it is
converted to polling stations from the average number of registered voters
per station, corrected for turnout and for sample points that never report.
A sample of whole stations is less precise than the same voters drawn one
by one: a design effect ``deff`` multiplies the variance (Kish 1965). It is
1 by default, which real station samples never reach;
:mod:`pollwatch.stats.design_effect` estimates it from a previous election.

References
----------
Estok, M., Nevitte, N. and Cowan, G. (2002). *The Quick Count and Election
Observation: An NDI Handbook for Civic Organizations and Political Parties*.
Washington, DC: National Democratic Institute for International Affairs, ch. 5.
Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed. New York: Wiley, §4.4.
Kish, L. (1965). *Survey Sampling*. New York: Wiley, §8.2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.stats import norm

__all__ = [
    "MarginOfError",
    "SampleSize",
    "margin_of_error",
    "margin_of_error_for_stations",
    "sample_size",
    "stations_for_voters",
    "z_for_confidence",
]


@dataclass(frozen=True, slots=True)
class SampleSize:
    """The sample a quick count needs for a margin of error.

    Attributes
    ----------
    voters : float
        Sample size in voters, the exact value of the NDI formula.
    stations : int or None
        Polling stations to sample, rounded up, after the corrections for
        turnout and response; ``None`` when no station size was given.
    moe : float
        Margin of error as a proportion (0.01 is one percentage point).
    confidence : float
        Confidence level the ``z`` value came from.
    z : float
        Normal quantile used in the formula.
    heterogeneity : float
        Expected share ``p``; 0.5 when unknown (the largest sample).
    population : int or None
        Registered voters ``N``; ``None`` for an infinite population.
    station_size : float or None
        Average registered voters per station.
    turnout : float
        Expected share of registered voters who vote.
    response_rate : float
        Expected share of sample points that report.
    design_effect : float
        Kish's design effect the size allows for (1: voters drawn one by one).
    """

    voters: float
    stations: int | None
    moe: float
    confidence: float
    z: float
    heterogeneity: float
    population: int | None
    station_size: float | None
    turnout: float
    response_rate: float
    design_effect: float = 1.0


@dataclass(frozen=True, slots=True)
class MarginOfError:
    """Bounds on the margin of error of a sample of whole polling stations.

    Attributes
    ----------
    voter_based : float
        Margin computed as if the voters had been drawn one by one: the
        smallest the true margin can be.
    station_based : float
        Margin computed as if each station were a single observation: the
        largest the true margin can be.
    voters : float
        Expected voters in the reporting sample.
    stations : float
        Expected reporting stations.
    """

    voter_based: float
    station_based: float
    voters: float
    stations: float


def z_for_confidence(confidence: float) -> float:
    """Two-sided normal quantile for a confidence level (0.99 gives 2.5758).

    Parameters
    ----------
    confidence : float
        Confidence level strictly between 0 and 1.

    Returns
    -------
    float
        ``z`` with ``P(|Z| <= z) = confidence`` for a standard normal ``Z``.
    """
    _require_share("confidence", confidence)
    return float(norm.ppf(0.5 + confidence / 2))


def sample_size(
    moe: float,
    confidence: float = 0.99,
    *,
    population: int | None = None,
    heterogeneity: float = 0.5,
    z: float | None = None,
    station_size: float | None = None,
    turnout: float = 1.0,
    response_rate: float = 1.0,
    design_effect: float = 1.0,
) -> SampleSize:
    """Sample size in voters and in stations for a margin of error.

    Uses the NDI handbook formula ``n = p(1-p) / (e²/z² + p(1-p)/N)``, which
    is Cochran's size for a proportion with the finite population correction;
    with a design effect ``D`` the variance ``p(1-p)`` becomes ``D·p(1-p)``,
    so ``n = D·p(1-p) / (e²/z² + D·p(1-p)/N)`` (Kish's ``n = D·n_SRS`` with
    the correction for a finite population).
    The stations needed are ``n / (station_size · turnout) / response_rate``,
    rounded up: turnout lowers the votes each station contributes, and sample
    points that never report must be replaced in advance.

    Parameters
    ----------
    moe : float
        Margin of error as a proportion, in (0, 1).
    confidence : float, default 0.99
        Confidence level; ignored when ``z`` is given.
    population : int, optional
        Registered voters ``N``; omitted for an infinite population.
    heterogeneity : float, default 0.5
        Expected share ``p``.
    z : float, optional
        Normal quantile to use instead of the exact one for ``confidence``;
        the handbook rounds 99 % to ``z = 2.58``.
    station_size : float, optional
        Average registered voters per station; needed for ``stations``.
    turnout, response_rate : float, default 1.0
        Expected turnout and share of sample points that report, in (0, 1].
    design_effect : float, default 1.0
        Kish's design effect of the station sample (variance relative to
        voters drawn one by one). The default of 1 understates the stations
        needed: on real per-station results it is 20 to 44 for a leading
        option's share (see :mod:`pollwatch.stats.design_effect`).

    Returns
    -------
    SampleSize

    References
    ----------
    Estok, Nevitte and Cowan (2002), *The Quick Count and Election
    Observation*, NDI, ch. 5; Cochran (1977), *Sampling Techniques*, eq. 4.2;
    Kish (1965), *Survey Sampling*, §8.2.
    """
    _require_share("moe", moe)
    _require_share("heterogeneity", heterogeneity)
    z_value = z_for_confidence(confidence) if z is None else _require_positive("z", z)
    variance = _require_positive("design_effect", design_effect) * (
        heterogeneity * (1 - heterogeneity)
    )
    finite_term = (
        0.0 if population is None else variance / _require_positive("population", population)
    )
    voters = variance / (moe**2 / z_value**2 + finite_term)
    stations = None
    if station_size is not None:
        stations = stations_for_voters(
            voters, station_size, turnout=turnout, response_rate=response_rate
        )
    return SampleSize(
        voters=voters,
        stations=stations,
        moe=moe,
        confidence=confidence,
        z=z_value,
        heterogeneity=heterogeneity,
        population=population,
        station_size=station_size,
        turnout=turnout,
        response_rate=response_rate,
        design_effect=design_effect,
    )


def stations_for_voters(
    voters: float, station_size: float, *, turnout: float = 1.0, response_rate: float = 1.0
) -> int:
    """Polling stations that yield a sample of ``voters``, rounded up.

    Parameters
    ----------
    voters : float
        Sample size in voters.
    station_size : float
        Average registered voters per station.
    turnout, response_rate : float, default 1.0
        Expected turnout and share of sample points that report, in (0, 1].

    Returns
    -------
    int
        ``ceil(voters / (station_size · turnout) / response_rate)``.
    """
    _require_positive("voters", voters)
    _require_positive("station_size", station_size)
    _require_rate("turnout", turnout)
    _require_rate("response_rate", response_rate)
    exact = voters / (station_size * turnout) / response_rate
    # Guard against 816.0000000001 becoming 817 through floating point.
    return math.ceil(round(exact, 9))


def margin_of_error(
    n: float,
    confidence: float = 0.99,
    *,
    population: int | None = None,
    heterogeneity: float = 0.5,
    z: float | None = None,
) -> float:
    """Margin of error of a share estimated from a simple random sample.

    ``e = z · sqrt(p(1-p) · (1/n - 1/N))``, the inverse of :func:`sample_size`
    (without ``N`` the correction term vanishes).

    Parameters
    ----------
    n : float
        Sample size (voters, or stations for the station-based bound).
    confidence : float, default 0.99
        Confidence level; ignored when ``z`` is given.
    population : int, optional
        Population size ``N``; omitted for an infinite population.
    heterogeneity : float, default 0.5
        Expected share ``p``.
    z : float, optional
        Normal quantile to use instead of the exact one.

    Returns
    -------
    float
        Margin of error as a proportion.

    References
    ----------
    Cochran (1977), *Sampling Techniques*, §3.2 and §4.4.
    """
    _require_positive("n", n)
    _require_share("heterogeneity", heterogeneity)
    z_value = z_for_confidence(confidence) if z is None else _require_positive("z", z)
    finite_term = 0.0 if population is None else 1 / _require_positive("population", population)
    if population is not None and n > population:
        raise ValueError(f"the sample ({n:g}) is larger than the population ({population})")
    variance = heterogeneity * (1 - heterogeneity)
    return z_value * math.sqrt(variance * max(1 / n - finite_term, 0.0))


def margin_of_error_for_stations(
    stations: int,
    station_size: float,
    confidence: float = 0.99,
    *,
    turnout: float = 1.0,
    response_rate: float = 1.0,
    heterogeneity: float = 0.5,
    population_voters: int | None = None,
    population_stations: int | None = None,
) -> MarginOfError:
    """Bounds on the margin of error of a sample of polling stations.

    The true margin of a cluster sample of stations lies between the margin
    of the same number of voters drawn one by one and the margin of the
    stations counted as single observations; the sample itself must later
    give the estimate (ratio estimator with stations as clusters).

    Parameters
    ----------
    stations : int
        Stations in the sample.
    station_size : float
        Average registered voters per station.
    confidence : float, default 0.99
        Confidence level.
    turnout, response_rate : float, default 1.0
        Expected turnout and share of sample points that report.
    heterogeneity : float, default 0.5
        Expected share ``p``.
    population_voters, population_stations : int, optional
        Population sizes for the finite population corrections.

    Returns
    -------
    MarginOfError

    References
    ----------
    Estok, Nevitte and Cowan (2002), *The Quick Count and Election
    Observation*, NDI, ch. 5; Kish, L. (1965), *Survey Sampling*, Wiley, §5.4.
    """
    _require_positive("stations", stations)
    _require_rate("turnout", turnout)
    _require_rate("response_rate", response_rate)
    reporting = stations * response_rate
    voters = reporting * station_size * turnout
    return MarginOfError(
        voter_based=margin_of_error(
            voters, confidence, population=population_voters, heterogeneity=heterogeneity
        ),
        station_based=margin_of_error(
            reporting, confidence, population=population_stations, heterogeneity=heterogeneity
        ),
        voters=voters,
        stations=reporting,
    )


def _require_share(name: str, value: float) -> float:
    if not 0 < value < 1:
        raise ValueError(f"{name} must lie strictly between 0 and 1, not {value!r}")
    return value


def _require_rate(name: str, value: float) -> float:
    if not 0 < value <= 1:
        raise ValueError(f"{name} must lie in (0, 1], not {value!r}")
    return value


def _require_positive(name: str, value: float) -> float:
    if not value > 0 or math.isinf(value):
        raise ValueError(f"{name} must be a positive number, not {value!r}")
    return value
