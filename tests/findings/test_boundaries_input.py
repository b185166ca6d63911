"""A hostile boundaries file is refused with the page's error, never a server error."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.conftest import csv_file


def _upload(client, mission, text):
    return client.post(
        reverse("findings:boundaries", args=[mission.slug]),
        {"file": csv_file(text, "areas.geojson")},
        follow=True,
    )


def _errors(response) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level_tag == "error"]


def test_geojson_nested_100000_deep_is_refused_as_not_geojson(client, administrator, mission):
    client.force_login(administrator)
    response = _upload(client, mission, "[" * 100_000 + "]" * 100_000)
    assert response.status_code == 200
    assert _errors(response) == ["not a GeoJSON file: nested too deeply"]


@override_settings(POLLWATCH_IMPORT_MAX_BYTES=100)
def test_geojson_over_the_byte_limit_is_refused_naming_it(client, administrator, mission):
    client.force_login(administrator)
    response = _upload(client, mission, '{"type": "FeatureCollection", "features": []}' * 5)
    assert response.status_code == 200
    assert "POLLWATCH_IMPORT_MAX_BYTES" in _errors(response)[0]


@pytest.mark.parametrize("text", ["", "\xff", "{"])
def test_unreadable_geojson_is_refused(client, administrator, mission, text):
    client.force_login(administrator)
    assert _errors(_upload(client, mission, text))
