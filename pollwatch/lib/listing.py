"""Sorting and paging for list pages (their CSV downloads: :mod:`pollwatch.lib.downloads`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest

_M = TypeVar("_M", bound=Model)


def sorted_by_request(
    queryset: QuerySet[_M], request: HttpRequest, allowed: Sequence[str], default: str
) -> tuple[QuerySet[_M], str]:
    """Order by ``?sort=field`` or ``?sort=-field`` when the field is one of ``allowed``."""
    requested = request.GET.get("sort", default)
    if requested.lstrip("-") not in allowed:
        requested = default
    return queryset.order_by(requested, "pk"), requested


def page_of(queryset: QuerySet[_M], request: HttpRequest, per_page: int = 50) -> Page[_M]:
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
