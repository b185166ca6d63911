"""Figures written one way on every page: ``{{ share|as_percent }}`` ("12.3%"),
``{{ low|percent_range:high }}`` ("10.2–14.5%"), ``{{ stations|as_count }}`` ("1,234")."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()

DASH = "–"


@register.filter
def as_percent(share: float | None, digits: int = 1) -> str:
    """A share (0.123) as a percentage with its sign ("12.3%"), or a dash when unknown."""
    if share is None or share == "":
        return DASH
    return f"{_percentage(float(share), int(digits))}%"


@register.filter
def percent_range(low: float | None, high: float | None) -> str:
    """An interval of shares in the same unit as :func:`as_percent`: "10.2–14.5%"."""
    if low is None or high is None or low == "" or high == "":
        return DASH
    return f"{_percentage(float(low), 1)}–{_percentage(float(high), 1)}%"


@register.filter
def as_count(value: int | float | None) -> str:
    """A count with the language's digit grouping ("1,234"), or a dash when unknown."""
    if value is None or value == "":
        return DASH
    return number_format(value, 0, force_grouping=True)


def _percentage(share: float, digits: int) -> str:
    # number_format truncates; round first so 0.1235 is "12.4", not "12.3".
    return number_format(round(100 * share, digits), digits)
