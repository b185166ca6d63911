"""Upper confidence bounds on a share when few or no problems were seen.

When observers visit ``n`` polling stations chosen at random and see a problem
in ``k`` of them (often none), the data cannot say that the problem was absent
from the country; it can say only that the share of stations with the problem
is below an upper bound. This module computes that bound exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

UPPER_BOUND_METHODS = ("clopper-pearson", "hypergeometric", "rule-of-three")


@dataclass(frozen=True, slots=True)
class ShareUpperBound:
    """A one-sided upper confidence bound on the share of units with a problem.

    Attributes
    ----------
    events : int
        Units observed with the problem (``k``).
    observed : int
        Units observed (``n``).
    confidence : float
        One-sided confidence level, for example 0.95.
    upper : float
        The upper bound on the share, between 0 and 1.
    method : str
        The method that gave ``upper`` (one of ``UPPER_BOUND_METHODS``).
    population : int or None
        Units in the population, when the method used it.
    """

    events: int
    observed: int
    confidence: float
    upper: float
    method: str
    population: int | None = None

    @property
    def upper_percent(self) -> float:
        """The bound in per cent."""
        return 100.0 * self.upper

    def percent_ceiling(self, decimals: int = 1) -> float:
        """The bound in per cent, rounded *up* so that a claim built on it stays true.

        ``1 - 0.05 ** (1 / 59)`` is 4.95%, which gives 5.0: "under 5.0%".
        """
        scale = 10.0**decimals
        # The small tolerance keeps exact values such as 5.0 from rising to 5.1
        # through floating-point noise.
        return math.ceil(self.upper_percent * scale - 1e-9) / scale


def share_upper_bound(
    events: int,
    observed: int,
    confidence: float = 0.95,
    method: str = "clopper-pearson",
    population: int | None = None,
) -> ShareUpperBound:
    """Exact one-sided upper confidence bound on a share from ``events`` of ``observed``.

    Parameters
    ----------
    events : int
        Units (polling stations) observed with the problem, ``0 <= events <= observed``.
    observed : int
        Units observed at random, at least 1.
    confidence : float, default 0.95
        One-sided confidence level ``1 - alpha``, strictly between 0 and 1.
    method : {"clopper-pearson", "hypergeometric", "rule-of-three"}
        ``"clopper-pearson"``: the exact binomial bound, the ``confidence``
        quantile of Beta(k + 1, n - k); for ``k = 0`` it is ``1 - alpha ** (1 / n)``.
        ``"hypergeometric"``: the exact bound for a sample drawn without
        replacement from ``population`` units; the largest share ``K / N`` whose
        probability of ``k`` or fewer events is still above ``alpha``. Tighter
        than Clopper-Pearson when a large part of the population was observed.
        ``"rule-of-three"``: the approximation ``3 / n``, valid only for
        ``k = 0`` and 95% confidence.
    population : int, optional
        Units in the population; required by ``"hypergeometric"``.

    Returns
    -------
    ShareUpperBound

    Raises
    ------
    ValueError
        For an unknown method (the message lists the valid ones) or
        inconsistent counts.

    Notes
    -----
    The bound assumes the units were chosen at random. For a selection that
    was not random no bound on the population share exists at all.

    References
    ----------
    C. J. Clopper and E. S. Pearson (1934), "The use of confidence or fiducial
    limits illustrated in the case of the binomial", Biometrika 26(4):404-413,
    doi:10.1093/biomet/26.4.404.

    J. A. Hanley and A. Lippman-Hand (1983), "If nothing goes wrong, is
    everything all right? Interpreting zero numerators", JAMA 249(13):1743-1745,
    doi:10.1001/jama.1983.03330370053031.
    """
    _check_counts(events, observed, confidence)
    if method == "clopper-pearson":
        upper = _clopper_pearson_upper(events, observed, confidence)
    elif method == "hypergeometric":
        upper = _hypergeometric_upper(events, observed, confidence, population)
    elif method == "rule-of-three":
        upper = _rule_of_three_upper(events, observed, confidence)
    else:
        valid = ", ".join(UPPER_BOUND_METHODS)
        raise ValueError(f"unknown method {method!r}; valid methods: {valid}")
    return ShareUpperBound(
        events=events,
        observed=observed,
        confidence=confidence,
        upper=upper,
        method=method,
        population=population if method == "hypergeometric" else None,
    )


def stations_needed_for_bound(
    max_share: float, confidence: float = 0.95, method: str = "clopper-pearson"
) -> int:
    """Fewest random stations that, with no problem seen, bound the share below ``max_share``.

    Parameters
    ----------
    max_share : float
        The bound a claim wants to make, strictly between 0 and 1 (0.01 for "under 1%").
    confidence : float, default 0.95
        One-sided confidence level.
    method : {"clopper-pearson", "rule-of-three"}
        The bound to invert; ``1 - alpha ** (1 / n) <= max_share`` gives
        ``n >= log(alpha) / log(1 - max_share)``.

    Returns
    -------
    int
    """
    if not 0.0 < max_share < 1.0:
        raise ValueError(f"max_share must lie strictly between 0 and 1, not {max_share}")
    _check_confidence(confidence)
    if method == "clopper-pearson":
        alpha = 1.0 - confidence
        needed = math.ceil(math.log(alpha) / math.log1p(-max_share) - 1e-9)
    elif method == "rule-of-three":
        _require_95(confidence)
        needed = math.ceil(3.0 / max_share - 1e-9)
    else:
        valid = "clopper-pearson, rule-of-three"
        raise ValueError(f"unknown method {method!r}; valid methods: {valid}")
    return max(needed, 1)


def _clopper_pearson_upper(events: int, observed: int, confidence: float) -> float:
    if events == observed:
        return 1.0
    alpha = 1.0 - confidence
    if events == 0:
        # Closed form; also what the beta quantile gives, but without its rounding.
        return -math.expm1(math.log(alpha) / observed)
    return float(stats.beta.ppf(confidence, events + 1, observed - events))


def _hypergeometric_upper(
    events: int, observed: int, confidence: float, population: int | None
) -> float:
    if population is None:
        raise ValueError("the hypergeometric bound needs the population size")
    if population < observed:
        raise ValueError(f"population ({population}) is smaller than the sample ({observed})")
    # Exact ties (P equal to alpha, as with 2 of 40 units) count as rejected;
    # the margin keeps floating-point noise from deciding them.
    threshold = (1.0 - confidence) * (1.0 + 1e-9)
    # P(X <= k) falls as the number K of units with the problem rises; the
    # bound is the largest K not rejected at level alpha.
    low, high = events, population - (observed - events)
    while low < high:
        middle = (low + high + 1) // 2
        if stats.hypergeom.cdf(events, population, middle, observed) > threshold:
            low = middle
        else:
            high = middle - 1
    return low / population


def _rule_of_three_upper(events: int, observed: int, confidence: float) -> float:
    if events != 0:
        raise ValueError("the rule of three applies only when no event was observed")
    _require_95(confidence)
    return min(3.0 / observed, 1.0)


def _require_95(confidence: float) -> None:
    if not math.isclose(confidence, 0.95):
        raise ValueError("the rule of three is a 95% bound; use clopper-pearson for other levels")


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie strictly between 0 and 1, not {confidence}")


def _check_counts(events: int, observed: int, confidence: float) -> None:
    if observed < 1:
        raise ValueError(f"at least one unit must be observed, not {observed}")
    if not 0 <= events <= observed:
        raise ValueError(f"events ({events}) must lie between 0 and observed ({observed})")
    _check_confidence(confidence)
