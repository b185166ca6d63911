"""Shares written one way on every page: ``{{ share|as_percent }}`` ("12.3%") and
``{{ figure|percent_range }}`` ("10.2–14.5%"). Counts use humanize's ``intcomma``."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()

DASH = "–"


@register.filter
def as_percent(share: float | None, digits: int = 1) -> str:
    """A share (0.123) as a percentage with its sign ("12.3%"), or a dash when unknown."""
    if share is None or share == "":
        return DASH
    return f"{_percentage(float(share), int(digits))}%"


@register.filter
def percent_range(interval: Any, digits: int = 1) -> str:
    """An interval of shares in the same unit as :func:`as_percent`: "10.2–14.5%".

    ``interval`` is a ``(low, high)`` pair or has ``low`` and ``high``; a dash
    when either bound is unknown.
    """
    low, high = _bounds(interval)
    if low is None or high is None:
        return DASH
    return f"{_percentage(float(low), int(digits))}–{_percentage(float(high), int(digits))}%"


def _bounds(interval: Any) -> tuple[Any, Any]:
    if isinstance(interval, tuple | list) and len(interval) == 2:
        return interval[0], interval[1]
    return getattr(interval, "low", None), getattr(interval, "high", None)


def _percentage(share: float, digits: int) -> str:
    # number_format truncates; round first so 0.1235 is "12.4", not "12.3".
    return number_format(round(100 * share, digits), digits)


@register.filter
def as_points(difference: float | None, digits: int = 1) -> str:
    """A change of a share (0.05) in percentage points with its sign ("+5.0 pp")."""
    if difference is None or difference == "":
        return DASH
    value = float(difference)
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{_percentage(abs(value), int(digits))} pp"


@register.filter
def points_range(interval: Any, digits: int = 1) -> str:
    """An interval of changes in percentage points: "+0.4 to +9.6 pp"."""
    low, high = _bounds(interval)
    if low is None or high is None:
        return DASH
    return _("%(low)s to %(high)s") % {
        "low": as_points(low, digits)[: -len(" pp")],
        "high": as_points(high, digits),
    }
