"""Sorting and paging for list pages (their CSV downloads: :mod:`pollwatch.lib.downloads`)."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def sorted_by_request(queryset, request: HttpRequest, allowed: Sequence[str], default: str):
    """Order by ``?sort=field`` or ``?sort=-field`` when the field is one of ``allowed``."""
    requested = request.GET.get("sort", default)
    if requested.lstrip("-") not in allowed:
        requested = default
    return queryset.order_by(requested, "pk"), requested


def page_of(queryset, request: HttpRequest, per_page: int = 50) -> Page:
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
