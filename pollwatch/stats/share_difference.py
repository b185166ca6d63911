"""The change of a share between two independent samples (a round and the one before it)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.stats import norm


@dataclass(frozen=True, slots=True)
class ShareDifference:
    """The difference ``later - earlier`` of two estimated shares, with its interval.

    Attributes
    ----------
    later, earlier : float
        The two shares, fractions.
    difference : float
        ``later - earlier``, a fraction (positive: the share grew).
    standard_error : float
        Standard error of the difference: ``sqrt(se_later² + se_earlier²)``.
    low, high : float
        Wald interval of the difference at ``confidence``, within [-1, 1].
    confidence : float
        Confidence level of the interval.
    """

    later: float
    earlier: float
    difference: float
    standard_error: float
    low: float
    high: float
    confidence: float

    @property
    def excludes_zero(self) -> bool:
        """Whether the interval lies wholly on one side of no change."""
        return self.low > 0.0 or self.high < 0.0


def difference_of_shares(
    later: float,
    later_standard_error: float,
    earlier: float,
    earlier_standard_error: float,
    confidence: float = 0.95,
) -> ShareDifference:
    """Difference of two shares estimated from independent samples, with a Wald interval.

    Parameters
    ----------
    later, earlier : float
        The estimated shares (fractions), each from its own sample: the later
        round's and the earlier round's.
    later_standard_error, earlier_standard_error : float
        Their standard errors, as the design gives them (for the findings, the
        linearised standard error of :func:`pollwatch.stats.proportions.domain_shares`).
    confidence : float
        Confidence level, strictly between 0 and 1.

    Returns
    -------
    ShareDifference
        ``later - earlier`` with standard error
        ``sqrt(later_standard_error² + earlier_standard_error²)`` and the
        interval ``difference ± z · standard_error``, clipped to [-1, 1].

    Raises
    ------
    ValueError
        When a share is outside [0, 1], a standard error is negative or not
        finite, or the confidence level is not strictly between 0 and 1.

    Notes
    -----
    The variance of a difference of two estimates from independent samples
    is the sum of their variances (Kish 1965). The interval is the Wald
    interval for a difference of proportions ("method 1" of Newcombe 1998),
    with each variance taken from its design instead of ``p(1-p)/n``, so
    that stratification and weights count as they do for each share.

    When the same stations were observed in both rounds the two estimates
    are not independent; their covariance is usually positive (a station
    with a problem in one round tends to have it in the next), so leaving it
    out makes the interval wider than it need be: conservative, never too
    narrow in that case. When a share is 0 or 1 its linearised standard
    error is 0 and only the other sample's variance remains.

    References
    ----------
    .. [1] Kish, L. (1965). *Survey Sampling*. New York: Wiley.
    .. [2] Newcombe, R. G. (1998). Interval estimation for the difference
       between independent proportions: comparison of eleven methods.
       *Statistics in Medicine*, 17(8), 873-890.
       doi:10.1002/(SICI)1097-0258(19980430)17:8<873::AID-SIM779>3.0.CO;2-I
    """
    _check_share("later", later, later_standard_error)
    _check_share("earlier", earlier, earlier_standard_error)
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be strictly between 0 and 1, not {confidence}")
    difference = later - earlier
    standard_error = math.hypot(later_standard_error, earlier_standard_error)
    margin = float(norm.ppf(0.5 + confidence / 2.0)) * standard_error
    return ShareDifference(
        later=later,
        earlier=earlier,
        difference=difference,
        standard_error=standard_error,
        low=max(-1.0, difference - margin),
        high=min(1.0, difference + margin),
        confidence=confidence,
    )


def _check_share(name: str, share: float, standard_error: float) -> None:
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"the {name} share must be a fraction in [0, 1], not {share}")
    if not (math.isfinite(standard_error) and standard_error >= 0.0):
        raise ValueError(
            f"the {name} standard error must be finite and not negative, not {standard_error}"
        )
