"""Page links keep the list's filters and sort, and carry exactly one ``page``."""

from __future__ import annotations

import datetime
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import QueryDict
from django.urls import reverse

from pollwatch.lib.paging import query_for_page
from pollwatch.missions.models import Meeting


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", "?page=2"),
        ("page=1", "?page=2"),
        ("status=new&page=1&page=3", "?status=new&page=2"),
        ("q=a+b&sort=-name", "?q=a+b&sort=-name&page=2"),
    ],
)
def test_the_page_parameter_is_replaced_and_the_others_kept(query, expected):
    assert query_for_page(QueryDict(query), 2) == expected


def _link(body: str, rel: str) -> dict[str, list[str]]:
    found = re.search(rf'<a href="([^"]*)" rel="{rel}"', body)
    assert found, f"no {rel} link"
    return parse_qs(urlsplit(html.unescape(found.group(1))).query)


def test_a_filtered_lists_page_links_keep_the_filter_and_one_page(
    client, mission, coordinator_north
):
    Meeting.objects.bulk_create(
        Meeting(
            mission=mission,
            date=datetime.date(2026, 4, 1 + n % 28),
            counterpart_name="X",
            institution="Central Election Commission" if n % 2 else "Ministry of Interior",
        )
        for n in range(210)
    )
    client.force_login(coordinator_north)
    url = reverse("missions:meetings", args=[mission.slug])

    body = client.get(url, {"institution": "commission", "page": "2"}).content.decode()

    following = _link(body, "next")
    assert following == {"institution": ["commission"], "page": ["3"]}
    assert _link(body, "prev") == {"institution": ["commission"], "page": ["1"]}
