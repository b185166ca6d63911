"""Times on the election's clock, with the zone named."""

import datetime as dt
from types import SimpleNamespace

from django.template import Context, Template

from pollwatch.registry.templatetags.election_time import (
    election_clock,
    election_second,
    election_time,
)

NOON_UTC = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)


def test_a_time_is_shown_in_the_elections_zone_and_names_it():
    tbilisi = SimpleNamespace(time_zone="Asia/Tbilisi")
    assert election_time(NOON_UTC, tbilisi) == "2026-05-01 16:00 (Asia/Tbilisi)"
    assert election_clock(NOON_UTC, tbilisi) == "16:00 (Asia/Tbilisi)"


def test_a_mission_or_a_station_leads_to_its_election_and_a_name_is_a_zone():
    mission = SimpleNamespace(election=SimpleNamespace(time_zone="America/La_Paz"))
    assert election_time(NOON_UTC, mission) == "2026-05-01 08:00 (America/La_Paz)"
    assert election_clock(NOON_UTC, "Europe/Moscow") == "15:00 (Europe/Moscow)"


def test_an_unknown_zone_falls_back_to_the_sites_and_no_time_is_blank(settings):
    settings.TIME_ZONE = "UTC"
    assert election_time(NOON_UTC, SimpleNamespace(time_zone="Mars/Olympus")) == (
        "2026-05-01 12:00 (UTC)"
    )
    assert election_time(None, "UTC") == ""


def test_the_filter_renders_in_a_template():
    template = Template("{% load election_time %}{{ when|election_time:zone }}")
    rendered = template.render(Context({"when": NOON_UTC, "zone": "Asia/Tbilisi"}))
    assert rendered == "2026-05-01 16:00 (Asia/Tbilisi)"


def test_a_log_time_keeps_its_seconds_and_names_the_zone():
    mission = SimpleNamespace(election=SimpleNamespace(time_zone="Asia/Tbilisi"))
    moment = dt.datetime(2026, 5, 1, 12, 0, 9, tzinfo=dt.UTC)
    assert election_second(moment, mission) == "2026-05-01 16:00:09 (Asia/Tbilisi)"
    assert election_second(moment, "") == "2026-05-01 12:00:09 (UTC)"
