"""Digit tests on vote counts: last-digit mean, 0-and-5 share, second-digit mean.

The last digit of an honest count is not uniform: where the counts of an
option fall steeply (small options, counts just above the 100 cut-off), low
last digits are more common than high ones within each decade. The expected
last-digit distribution of each count is therefore derived from its own
decade and the two neighbouring ones (:func:`last_digit_null`), and the
observed statistic is compared with that expectation. The second digit has no
such null that holds for every count distribution; it is reported against
Benford's law as a description only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

DIGITS = np.arange(10, dtype=np.float64)
#: Counts must be at least this large for the last-digit tests (Beber and Scacco 2012).
LAST_DIGIT_MINIMUM = 100
#: Counts must be at least this large to have a second digit.
SECOND_DIGIT_MINIMUM = 10


def benford_second_digit_probabilities() -> FloatArray:
    """Probabilities of the second significant digit 0-9 under Benford's law.

    ``P(d) = sum_{k=1}^{9} log10(1 + 1 / (10 k + d))`` (Benford 1938; Mebane 2006).
    """
    first = np.arange(1, 10, dtype=np.float64)[:, None]
    terms = np.log10(1.0 + 1.0 / (10.0 * first + DIGITS[None, :]))
    return np.asarray(terms.sum(axis=0), dtype=np.float64)


#: Expected second-digit mean under Benford's law, about 4.187.
BENFORD_SECOND_DIGIT_MEAN = float(benford_second_digit_probabilities() @ DIGITS)

METHODS = ("second_digit_mean", "last_digit_mean", "zero_five_share")
#: Methods with a null that holds for honest counts, and so a p-value.
TESTED_METHODS = ("last_digit_mean", "zero_five_share")

_ZERO_FIVE = np.isin(np.arange(10), (0, 5)).astype(np.float64)


@dataclass(frozen=True, slots=True)
class DigitTestResult:
    """One digit statistic, its expectation for honest counts and its bootstrap interval.

    Attributes
    ----------
    method : str
        One of ``second_digit_mean``, ``last_digit_mean``, ``zero_five_share``.
    counts_used : int
        Counts that met the size condition of the method.
    statistic : float
        The observed statistic (``nan`` when no count qualified).
    expected : float
        Its expectation for honest counts: from :func:`last_digit_null` for
        the last-digit methods (near 4.5 and 0.2 when counts are spread
        evenly), Benford's 4.187 for the second digit.
    sd : float
        Standard deviation of the statistic under that null (``nan`` for the
        second digit, which has no null valid for honest counts).
    p_value : float
        Two-sided p-value of ``statistic - expected`` (normal approximation;
        ``nan`` for the second digit or when no count qualified).
    ci_low, ci_high : float
        Percentile bootstrap interval of the statistic at ``confidence``.
    confidence : float
        Level of the interval.
    frequencies : numpy.ndarray of int
        How many counts have each digit 0-9.
    """

    method: str
    counts_used: int
    statistic: float
    expected: float
    sd: float
    p_value: float
    ci_low: float
    ci_high: float
    confidence: float
    frequencies: IntArray

    @property
    def tested(self) -> bool:
        """Whether the result has a p-value (a last-digit method with counts to test)."""
        return bool(np.isfinite(self.p_value))

    @property
    def z(self) -> float:
        """Departure from the null expectation in null standard deviations."""
        if not self.sd > 0:
            return float("nan")
        return (self.statistic - self.expected) / self.sd

    @property
    def deviates(self) -> bool:
        """Whether the result departs from honest counting at ``1 - confidence``, unadjusted.

        For the second digit, whether Benford's mean lies outside the bootstrap
        interval (a description: honest counts need not follow Benford's law).
        """
        if self.tested:
            return self.p_value < 1.0 - self.confidence
        return bool(self.counts_used > 0 and not self.ci_low <= self.expected <= self.ci_high)


def digit_test(
    counts: npt.ArrayLike,
    method: str,
    *,
    bootstrap: int = 2000,
    confidence: float = 0.95,
    seed: int | None = None,
) -> DigitTestResult:
    """Run one digit test on non-negative vote counts.

    Parameters
    ----------
    counts : array_like of int
        Vote counts, one per station (for one option).
    method : str
        ``last_digit_mean``: mean last digit of counts of 100 or more.
        ``zero_five_share``: share of counts of 100 or more ending in 0 or 5
        (Beber and Scacco 2012). Both are compared with the expectation of
        :func:`last_digit_null`. ``second_digit_mean``: mean second digit of
        counts of 10 or more, against Benford's 4.187 (Mebane 2006), without
        a p-value.
    bootstrap : int
        Bootstrap resamples for the interval of the statistic.
    confidence : float
        Level of the percentile interval, and ``1 - confidence`` the level at
        which :attr:`DigitTestResult.deviates`.
    seed : int, optional
        Seed of the bootstrap.

    Returns
    -------
    DigitTestResult

    Notes
    -----
    Under the null each count's last digit is drawn from its own expected
    distribution ``f_i`` (:func:`last_digit_null`), independently across
    stations, so the statistic ``mean(w(d_i))`` has expectation
    ``mean(f_i @ w)`` and variance ``sum(f_i @ w**2 - (f_i @ w)**2) / n**2``.
    The p-value is two-sided: invented numbers can lean either way.

    References
    ----------
    Beber, B. and Scacco, A. (2012). What the numbers say: a digit-based test
    for election fraud. Political Analysis 20(2), 211-234. doi:10.1093/pan/mps003
    Mebane, W. R. (2006). Election forensics: vote counts and Benford's law.
    Political Methodology Society summer meeting.
    Deckert, J., Myagkov, M. and Ordeshook, P. C. (2011). Benford's law and
    the detection of election fraud. Political Analysis 19(3), 245-268.
    doi:10.1093/pan/mpr014
    """
    return digit_tests(counts, (method,), bootstrap=bootstrap, confidence=confidence, seed=seed)[0]


def digit_tests(
    counts: npt.ArrayLike,
    methods: Sequence[str] = METHODS,
    *,
    bootstrap: int = 2000,
    confidence: float = 0.95,
    seed: int | None = None,
) -> tuple[DigitTestResult, ...]:
    """Several digit tests of the same counts, deriving the last-digit null once.

    Each result is the one :func:`digit_test` gives for that method with the
    same arguments; the expected last-digit distributions
    (:func:`last_digit_null`), the costliest step, are shared by the
    last-digit methods.

    Parameters
    ----------
    counts : array_like of int
        Vote counts, one per station (for one option).
    methods : sequence of str
        Methods of :func:`digit_test`, in the order of the results.
    bootstrap, confidence, seed
        As for :func:`digit_test`; every method uses the same seed.

    Returns
    -------
    tuple of DigitTestResult
        One per method, in order.

    References
    ----------
    Beber, B. and Scacco, A. (2012). Political Analysis 20(2), 211-234.
    """
    for method in methods:
        if method not in METHODS:
            raise ValueError(f"unknown digit test {method!r}; valid: {', '.join(METHODS)}")
    values = np.asarray(counts, dtype=np.int64).reshape(-1)
    tested = any(method in TESTED_METHODS for method in methods)
    null = last_digit_null(values) if tested else np.zeros((0, 10), dtype=np.float64)
    return tuple(
        _digit_test(values, method, null, bootstrap, confidence, seed) for method in methods
    )


def _digit_test(
    values: IntArray,
    method: str,
    null: FloatArray,
    bootstrap: int,
    confidence: float,
    seed: int | None,
) -> DigitTestResult:
    """One digit test, given the last-digit null of ``values``."""
    if method == "second_digit_mean":
        digits = second_digits(values[values >= SECOND_DIGIT_MINIMUM])
        weights = DIGITS
        expected, sd = BENFORD_SECOND_DIGIT_MEAN, float("nan")
    else:
        digits = values[values >= LAST_DIGIT_MINIMUM] % 10
        weights = DIGITS if method == "last_digit_mean" else _ZERO_FIVE
        expected, sd = _null_moments(null, weights)
    frequencies = np.bincount(digits, minlength=10).astype(np.int64)
    low, high, statistic = _bootstrap(frequencies, weights, bootstrap, confidence, seed)
    p_value = float(2.0 * stats.norm.sf(abs(statistic - expected) / sd)) if sd > 0 else float("nan")
    return DigitTestResult(
        method=method,
        counts_used=int(frequencies.sum()),
        statistic=statistic,
        expected=expected,
        sd=sd,
        p_value=p_value,
        ci_low=low,
        ci_high=high,
        confidence=confidence,
        frequencies=frequencies,
    )


def last_digit_null(counts: npt.ArrayLike, *, minimum: int = LAST_DIGIT_MINIMUM) -> FloatArray:
    """Expected last-digit distribution of each count of ``minimum`` or more.

    Honest counts come from a distribution that is smooth over a few units
    but need not be flat over a decade: counts on a falling slope end in low
    digits more often. The density within each decade ``[10k, 10k + 9]`` is
    taken as linear, with its level from the counts in the decade and its
    slope from the counts in the two neighbouring decades (all counts,
    including those below ``minimum``), clipped so that no digit gets a
    negative probability. Decade totals are not changed by rewriting last
    digits, so the null does not absorb the manipulation it looks for.

    Parameters
    ----------
    counts : array_like of int
        Every count of one option (one per station).
    minimum : int
        Counts below it are not tested; they still shape the slope.

    Returns
    -------
    numpy.ndarray of float, shape (tested counts, 10)
        Row ``i`` holds the probabilities of digits 0-9 for the ``i``-th
        count of ``minimum`` or more, in input order.

    References
    ----------
    Beber, B. and Scacco, A. (2012). Political Analysis 20(2), 211-234, who
    assume uniform last digits for counts whose spread covers many decades;
    Deckert, Myagkov and Ordeshook (2011), Political Analysis 19(3), on why
    digit distributions of honest counts depend on the count distribution.
    """
    if minimum < 10:
        raise ValueError("the last-digit null needs a minimum of 10 or more")
    values = np.asarray(counts, dtype=np.int64).reshape(-1)
    if np.any(values < 0):
        raise ValueError("vote counts cannot be negative")
    tested = values[values >= minimum]
    if tested.size == 0:
        return np.zeros((0, 10), dtype=np.float64)
    decade = tested // 10
    per_decade = np.bincount(values // 10, minlength=int(decade.max()) + 2).astype(np.float64)
    level = per_decade[decade] / 10.0
    slope = (per_decade[decade + 1] - per_decade[decade - 1]) / 200.0
    slope = np.clip(slope, -level / 4.5, level / 4.5)
    density = level[:, None] + slope[:, None] * (DIGITS[None, :] - 4.5)
    return np.asarray(density / density.sum(axis=1, keepdims=True), dtype=np.float64)


def _null_moments(null: FloatArray, weights: FloatArray) -> tuple[float, float]:
    """Expectation and sd of the mean of ``weights[digit]`` under per-count digit laws."""
    n = null.shape[0]
    if n == 0:
        return float("nan"), float("nan")
    means = null @ weights
    variances = null @ weights**2 - means**2
    return float(means.mean()), float(np.sqrt(np.clip(variances, 0.0, None).sum()) / n)


def second_digits(counts: npt.ArrayLike) -> IntArray:
    """Second significant digit of each count (counts must be 10 or more)."""
    values = np.asarray(counts, dtype=np.int64)
    if np.any(values < 10):
        raise ValueError("second digits need counts of 10 or more")
    magnitude = np.floor(np.log10(values)).astype(np.int64)
    # log10 can land just below a power of ten; correct by one either way.
    magnitude -= (10**magnitude > values).astype(np.int64)
    magnitude += (10 ** (magnitude + 1) <= values).astype(np.int64)
    return (values // 10 ** (magnitude - 1)) % 10


def _bootstrap(
    frequencies: IntArray, weights: FloatArray, resamples: int, confidence: float, seed: int | None
) -> tuple[float, float, float]:
    """Percentile interval of the statistic; resampling stations is multinomial on digits."""
    total = int(frequencies.sum())
    if total == 0:
        return float("nan"), float("nan"), float("nan")
    statistic = float(frequencies @ weights / total)
    rng = np.random.default_rng(seed)
    drawn = rng.multinomial(total, frequencies / total, size=resamples)
    means = drawn @ weights / total
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return float(low), float(high), statistic
