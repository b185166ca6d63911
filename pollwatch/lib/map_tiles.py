"""The optional tile server a deployment with internet may put under its maps."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True, slots=True)
class MapTiles:
    """``url`` is a tile URL template (``{z}/{x}/{y}``); empty means no tiles, outlines only."""

    url: str
    attribution: str


def configured_tiles() -> MapTiles:
    return MapTiles(
        url=getattr(settings, "POLLWATCH_MAP_TILES", ""),
        attribution=getattr(settings, "POLLWATCH_MAP_ATTRIBUTION", ""),
    )
