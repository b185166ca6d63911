"""Percentages for deployment pages."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.simple_tag
def percent(part: float, whole: float, digits: int = 0) -> str:
    """``part`` as a percentage of ``whole``, or a dash when there is no whole."""
    if not whole:
        return "—"
    return f"{number_format(100 * part / whole, digits)}%"


@register.filter
def percentage_points(share: float, digits: int = 2) -> str:
    """A share (0.0123) as percentage points ("1.23"), rounded (number_format truncates)."""
    return number_format(round(100 * share, digits), digits)
