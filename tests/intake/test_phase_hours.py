"""The hours in which each phase's reports are expected, in the election's time zone."""

import datetime
import zoneinfo

from pollwatch.intake.checks import phase_hour_flags
from pollwatch.registry.models import Election

ELECTION = Election(date=datetime.date(2026, 11, 22), time_zone="Asia/Tbilisi")
ZONE = zoneinfo.ZoneInfo("Asia/Tbilisi")


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=ZONE)


def flagged(phase: str, observed: datetime.datetime, form_code: str = "") -> bool:
    received = observed + datetime.timedelta(minutes=1)
    flags = phase_hour_flags(phase, ELECTION, received, observed, form_code=form_code)
    return "outside_phase_hours" in flags


def test_pvt_form_2_is_expected_once_the_count_is_over_and_form_1_at_the_opening():
    assert not flagged("pvt", at(22, 22, 40), form_code="pvt_form2")
    assert not flagged("pvt", at(23, 2, 15), form_code="pvt_form2")
    assert flagged("pvt", at(22, 7, 0), form_code="pvt_form2")
    assert not flagged("pvt", at(22, 7, 0), form_code="pvt_form1")
    assert flagged("pvt", at(22, 22, 40), form_code="pvt_form1")


def test_a_form_without_hours_of_its_own_has_its_phase_hours():
    assert not flagged("voting", at(22, 12), form_code="voting")
    assert flagged("voting", at(22, 23), form_code="voting")
    assert flagged("opening", at(22, 4, 59))


def test_hours_are_read_in_the_election_time_zone():
    # 07:00 in Tbilisi is 03:00 UTC: inside the opening hours there, not in UTC.
    utc = at(22, 7).astimezone(datetime.UTC)
    assert utc.hour == 3
    assert not flagged("opening", utc)
