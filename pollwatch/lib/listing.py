"""Sorting, paging and CSV export for list pages."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, StreamingHttpResponse


def sorted_by_request(queryset, request: HttpRequest, allowed: Sequence[str], default: str):
    """Order by ``?sort=field`` or ``?sort=-field`` when the field is one of ``allowed``."""
    requested = request.GET.get("sort", default)
    if requested.lstrip("-") not in allowed:
        requested = default
    return queryset.order_by(requested, "pk"), requested


def page_of(queryset, request: HttpRequest, per_page: int = 50) -> Page:
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]):
    """Stream a CSV download row by row, so a national registry never sits in memory."""
    writer = csv.writer(_Echo())
    lines = (writer.writerow(row) for row in _with_header(header, rows))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _with_header(header, rows):
    yield header
    yield from rows
