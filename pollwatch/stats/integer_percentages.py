"""Excess of integer percentages in polling-station results.

The test of Kobak, Shpilkin and Pshenichnikov (2016): when protocols are
written to a target, turnout and the leader's share land on whole percentages
more often than counting allows. The expected number of integer percentages
and its standard deviation under the binomial null are computed exactly from
the binomial probabilities, not by simulation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special, stats

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntNumbers = npt.ArrayLike
FloatNumbers = npt.ArrayLike

#: A percentage counts as integer when it lies within this many points of a whole number.
INTEGER_TOLERANCE = 0.05
#: Stations need at least this many registered voters to enter the test.
MIN_REGISTERED = 100
#: Stations with turnout or leader share above this fraction are left out.
MAX_FRACTION = 0.99
#: Each binomial tail left outside the summation window holds at most exp(-TAIL_EXPONENT).
TAIL_EXPONENT = 36.0
#: Stations handled per vectorised block.
CHUNK_STATIONS = 8192


@dataclass(frozen=True, slots=True)
class IntegerCount:
    """Observed and null figures for one kind of integer percentage.

    Attributes
    ----------
    observed : int
        Stations where the percentage is integer.
    expected : float
        Expected number of such stations under the binomial null.
    sd : float
        Standard deviation of that number under the null.
    """

    observed: int
    expected: float
    sd: float

    @property
    def excess(self) -> float:
        """Observed minus expected stations."""
        return self.observed - self.expected

    @property
    def z(self) -> float:
        """Excess in units of the null's standard deviation."""
        return self.excess / self.sd if self.sd > 0 else 0.0

    @property
    def p_value(self) -> float:
        """One-sided p-value of the excess (normal approximation of the null count)."""
        return float(stats.norm.sf(self.z))


@dataclass(frozen=True, slots=True)
class IntegerPercentageResult:
    """Outcome of the integer-percentage test.

    Attributes
    ----------
    stations_included : int
        Stations that pass the filter of the method.
    any : IntegerCount
        Stations where the leader's share or the turnout (or both) is integer.
    leader : IntegerCount
        Stations where the leader's share is integer.
    turnout : IntegerCount
        Stations where the turnout is integer.
    included : numpy.ndarray of bool
        Which input stations passed the filter.
    leader_integer, turnout_integer : numpy.ndarray of bool
        Per included station, whether each percentage is integer.
    leader_probability, turnout_probability : numpy.ndarray of float
        Per included station, the null probability of an integer percentage.
    """

    stations_included: int
    any: IntegerCount
    leader: IntegerCount
    turnout: IntegerCount
    included: BoolArray
    leader_integer: BoolArray
    turnout_integer: BoolArray
    leader_probability: FloatArray
    turnout_probability: FloatArray


def integer_test_filter(
    leader: IntNumbers, received: IntNumbers, given: IntNumbers, registered: IntNumbers
) -> BoolArray:
    """Stations included in the integer-percentage test.

    Received ballots above zero, at least 100 registered voters, turnout and
    leader share at most 0.99 (Kobak, Shpilkin and Pshenichnikov 2016),
    compared in integer arithmetic so that no station sits on a rounding edge.
    """
    leader, received, given, registered = _as_int(leader, received, given, registered)
    return (
        (received > 0)
        & (registered >= MIN_REGISTERED)
        & (100 * given <= 99 * registered)
        & (100 * leader <= 99 * received)
        & (given >= 0)
        & (leader >= 0)
    )


def is_integer_percentage(count: IntNumbers, total: IntNumbers) -> BoolArray:
    """Whether ``100 * count / total`` lies within 0.05 of a whole number.

    Computed exactly in integers: ``|2000 count - 20 k total| <= total`` for the
    nearest whole number ``k``. ``total`` must be positive.
    """
    count, total = _as_int(count, total)
    remainder = (2000 * count) % (20 * total)
    return (remainder <= total) | (remainder >= 19 * total)


def integer_probability(trials: IntNumbers, probability: FloatNumbers) -> FloatArray:
    """Probability that ``100 X / n`` is an integer percentage, ``X ~ Binomial(n, p)``.

    Parameters
    ----------
    trials : array_like of int
        Number of trials ``n`` per station (positive).
    probability : array_like of float
        Success probability ``p`` per station, in [0, 1].

    Returns
    -------
    numpy.ndarray of float
        ``P(|100 X / n - round(100 X / n)| <= 0.05)`` per station.

    Notes
    -----
    For each whole percentage ``k`` the counts that round onto it form the
    integer interval ``ceil((20k - 1) n / 2000) <= X <= floor((20k + 1) n / 2000)``;
    the binomial probabilities of those counts are summed, with the log
    factorials taken from a table. Only percentages within a Bernstein bound
    of the mean are visited; each tail outside that window holds at most
    ``exp(-36)``, far below double precision of the sums. Degenerate
    stations (``p`` of 0 or 1) get 0 or 1 exactly.

    References
    ----------
    Kobak, D., Shpilkin, S. and Pshenichnikov, M. S. (2016). Integer
    percentages as electoral falsification fingerprints. Annals of Applied
    Statistics 10(1), 54-73. doi:10.1214/16-AOAS904
    """
    (n,) = _as_int(trials)
    p = np.asarray(probability, dtype=np.float64)
    if np.any(n <= 0):
        raise ValueError("every station needs a positive number of trials")
    result = np.empty(n.shape, dtype=np.float64)
    degenerate = (p <= 0.0) | (p >= 1.0)
    certain = np.rint(p[degenerate] * n[degenerate]).astype(np.int64)
    result[degenerate] = is_integer_percentage(certain, n[degenerate])
    spread = np.flatnonzero(~degenerate)
    if spread.size == 0:
        return result
    log_factorial = special.gammaln(np.arange(int(n.max()) + 1, dtype=np.float64) + 1.0)
    # Chunks keep the temporaries small enough to stay in cache.
    for start in range(0, spread.size, CHUNK_STATIONS):
        chunk = spread[start : start + CHUNK_STATIONS]
        result[chunk] = _window_sum(n[chunk], p[chunk], log_factorial)
    return result


def _window_sum(n: IntArray, p: FloatArray, log_factorial: FloatArray) -> FloatArray:
    total = n.astype(np.float64)
    half_width = _bernstein_half_width(total, p)
    mean = total * p
    first = np.clip(np.floor(100.0 * (mean - half_width) / total), 0, 100)
    last = np.clip(np.ceil(100.0 * (mean + half_width) / total), 0, 100)
    # One entry per (station, whole percentage k) inside the window.
    k_station, k = _ragged_ranges(first, (last - first + 1).astype(np.int64))
    k_total = total[k_station]
    # Counts X with |2000 X - 20 k n| <= n. The quotients are exact in float64
    # (numerators stay far below 2**53, and a non-integer quotient lies at least
    # 1/2000 from the nearest integer), so floor and ceil need no integer division.
    low = np.maximum(np.ceil((20.0 * k - 1.0) * k_total / 2000.0), 0.0)
    high = np.minimum(np.floor((20.0 * k + 1.0) * k_total / 2000.0), k_total)
    lengths = (high - low + 1.0).astype(np.int64)
    hit = lengths > 0
    x_station, x = _ragged_ranges(low[hit], lengths[hit])
    x_station = k_station[hit][x_station]
    x_total = n[x_station]
    x = x.astype(np.int64)
    log_pmf = (
        log_factorial[x_total]
        - log_factorial[x]
        - log_factorial[x_total - x]
        + x * np.log(p)[x_station]
        + (x_total - x) * np.log1p(-p)[x_station]
    )
    sums = np.bincount(x_station, weights=np.exp(log_pmf), minlength=n.size)
    return sums.astype(np.float64)


def _bernstein_half_width(n: FloatArray, p: FloatArray) -> FloatArray:
    # Bernstein: P(|X - np| >= s) <= 2 exp(-s^2 / (2 (npq + s/3))); solve for exp(-c).
    c = TAIL_EXPONENT
    variance = n * p * (1.0 - p)
    return c / 3.0 + np.sqrt((c / 3.0) ** 2 + 2.0 * c * variance) + 1.0


def _ragged_ranges(starts: FloatArray, lengths: IntArray) -> tuple[IntArray, FloatArray]:
    """Concatenate ``range(start, start + length)`` per row (lengths >= 1); return (row, value).

    Built as one cumulative sum of steps of 1 that jump at each row's start.
    """
    row = np.repeat(np.arange(lengths.size, dtype=np.int64), lengths)
    steps = np.ones(row.size, dtype=np.float64)
    if row.size == 0:
        return row, steps
    offsets = np.cumsum(lengths) - lengths
    steps[0] = starts[0]
    steps[offsets[1:]] = starts[1:] - (starts[:-1] + lengths[:-1] - 1.0)
    return row, np.cumsum(steps)


def integer_percentage_test(
    leader: IntNumbers, received: IntNumbers, given: IntNumbers, registered: IntNumbers
) -> IntegerPercentageResult:
    """Excess of integer turnout and leader-share percentages, with the exact null.

    Parameters
    ----------
    leader : array_like of int
        Votes for the leading option per station.
    received : array_like of int
        Ballots found in the boxes (valid plus invalid) per station.
    given : array_like of int
        Ballots issued per station.
    registered : array_like of int
        Registered voters per station.

    Returns
    -------
    IntegerPercentageResult

    Notes
    -----
    Stations pass the filter of :func:`integer_test_filter`. Turnout is
    ``100 given / registered``, the leader's share ``100 leader / received``.
    Under the null each station's leader votes are Binomial(received, observed
    share) and its issued ballots Binomial(registered, observed turnout),
    independently. The count of stations with an integer percentage is then a
    sum of independent Bernoulli variables, so its expectation is the sum of
    the per-station probabilities ``q`` and its variance the sum of
    ``q (1 - q)``; for "either" ``q = q1 + q2 - q1 q2``.

    References
    ----------
    Kobak, D., Shpilkin, S. and Pshenichnikov, M. S. (2016). Integer
    percentages as electoral falsification fingerprints. Annals of Applied
    Statistics 10(1), 54-73. doi:10.1214/16-AOAS904
    """
    leader, received, given, registered = _as_int(leader, received, given, registered)
    included = integer_test_filter(leader, received, given, registered)
    lead, rec, giv, reg = (
        leader[included],
        received[included],
        given[included],
        registered[included],
    )
    leader_integer = is_integer_percentage(lead, rec)
    turnout_integer = is_integer_percentage(giv, reg)
    q_leader = integer_probability(rec, lead / rec)
    q_turnout = integer_probability(reg, giv / reg)
    q_any = q_leader + q_turnout - q_leader * q_turnout
    return IntegerPercentageResult(
        stations_included=int(included.sum()),
        any=_count(leader_integer | turnout_integer, q_any),
        leader=_count(leader_integer, q_leader),
        turnout=_count(turnout_integer, q_turnout),
        included=included,
        leader_integer=leader_integer,
        turnout_integer=turnout_integer,
        leader_probability=q_leader,
        turnout_probability=q_turnout,
    )


def monte_carlo_integer_percentage_test(
    leader: IntNumbers,
    received: IntNumbers,
    given: IntNumbers,
    registered: IntNumbers,
    *,
    replicates: int = 1000,
    seed: int | None = None,
) -> IntegerPercentageResult:
    """The same test with the null estimated by simulation, as first published.

    Draws ``replicates`` elections from the binomial null and takes the mean and
    standard deviation of the simulated counts. Slower and noisier than
    :func:`integer_percentage_test`; kept to check it and for comparison.

    References
    ----------
    Kobak, D., Shpilkin, S. and Pshenichnikov, M. S. (2016). Annals of Applied
    Statistics 10(1), 54-73. doi:10.1214/16-AOAS904
    """
    if replicates < 2:
        raise ValueError("replicates must be at least 2")
    leader, received, given, registered = _as_int(leader, received, given, registered)
    included = integer_test_filter(leader, received, given, registered)
    lead, rec, giv, reg = (
        leader[included],
        received[included],
        given[included],
        registered[included],
    )
    share, turnout = lead / rec, giv / reg
    rng = np.random.default_rng(seed)
    simulated = np.empty((replicates, 3), dtype=np.float64)
    for replicate in range(replicates):
        leader_int = is_integer_percentage(rng.binomial(rec, share), rec)
        turnout_int = is_integer_percentage(rng.binomial(reg, turnout), reg)
        simulated[replicate] = (
            np.count_nonzero(leader_int | turnout_int),
            np.count_nonzero(leader_int),
            np.count_nonzero(turnout_int),
        )
    mean, sd = simulated.mean(axis=0), simulated.std(axis=0, ddof=1)
    leader_integer = is_integer_percentage(lead, rec)
    turnout_integer = is_integer_percentage(giv, reg)
    observed = (
        int(np.count_nonzero(leader_integer | turnout_integer)),
        int(np.count_nonzero(leader_integer)),
        int(np.count_nonzero(turnout_integer)),
    )
    counts = [
        IntegerCount(o, float(m), float(s)) for o, m, s in zip(observed, mean, sd, strict=True)
    ]
    empty = np.zeros(0)
    return IntegerPercentageResult(
        stations_included=int(included.sum()),
        any=counts[0],
        leader=counts[1],
        turnout=counts[2],
        included=included,
        leader_integer=leader_integer,
        turnout_integer=turnout_integer,
        leader_probability=empty,
        turnout_probability=empty,
    )


def _count(observed: BoolArray, probability: FloatArray) -> IntegerCount:
    return IntegerCount(
        observed=int(np.count_nonzero(observed)),
        expected=float(probability.sum()),
        sd=float(np.sqrt(np.sum(probability * (1.0 - probability)))),
    )


def _as_int(*arrays: IntNumbers) -> tuple[IntArray, ...]:
    return tuple(np.asarray(a, dtype=np.int64) for a in arrays)
