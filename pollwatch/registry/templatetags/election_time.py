"""``{{ instant|election_time:election }}``: a moment as the election's clocks showed it;
``{{ instant|election_clock:election }}`` the hour alone, for what happened today;
``{{ instant|election_second:election }}`` to the second, for logs."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import template
from django.conf import settings

register = template.Library()


@register.filter
def election_time(value: dt.datetime | None, election: Any) -> str:
    """``value`` in the time zone of ``election`` (an election, a mission, or a zone's name),
    to the minute and with the zone named: "2026-05-17 14:03 (Asia/Tbilisi)".

    Reports arrive stamped in UTC; observers, statements and the law count hours
    by the clock where the stations are.
    """
    return _on_clock(value, election, "%Y-%m-%d %H:%M")


@register.filter
def election_second(value: dt.datetime | None, election: Any) -> str:
    """``value`` in the election's time zone to the second, with the zone named, for
    logs where the order of close events matters: "2026-05-17 14:03:09 (Asia/Tbilisi)"."""
    return _on_clock(value, election, "%Y-%m-%d %H:%M:%S")


@register.filter
def election_clock(value: dt.datetime | None, election: Any) -> str:
    """The hour of ``value`` in the election's time zone, with the zone named: "14:03
    (Asia/Tbilisi)"."""
    return _on_clock(value, election, "%H:%M")


def _on_clock(value: dt.datetime | None, election: Any, shape: str) -> str:
    if not isinstance(value, dt.datetime):
        return "" if value is None else str(value)
    zone = election_zone(election)
    moment = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return f"{moment.astimezone(zone).strftime(shape)} ({zone.key})"


def election_zone(election: Any) -> zoneinfo.ZoneInfo:
    """The zone of an election, of a mission's election, or named; else the site's."""
    election = getattr(election, "election", election)
    name = election if isinstance(election, str) else getattr(election, "time_zone", "")
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)
