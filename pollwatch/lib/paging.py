"""Links between the pages of a paged list, as the ``{% pager page %}`` template tag.

A page link keeps every other parameter of the current address (filters,
sort) and sets ``page`` once, so following it never stacks a second ``page``.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Page
from django.http import QueryDict

register = template.Library()


def query_for_page(query: QueryDict, number: int) -> str:
    """``query`` as a query string with ``page`` set to ``number``, replacing any it had."""
    changed = query.copy()
    changed["page"] = str(number)
    return "?" + changed.urlencode()


@register.inclusion_tag("pager.html", takes_context=True)
def pager(context: template.Context, page: Page[Any]) -> dict[str, Any]:
    query = context["request"].GET
    return {
        "page": page,
        "previous_url": query_for_page(query, page.previous_page_number())
        if page.has_previous()
        else "",
        "next_url": query_for_page(query, page.next_page_number()) if page.has_next() else "",
    }
