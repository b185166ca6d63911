"""A report's phase hours are those of the voting day of the round the server received it in."""

import datetime

import pytest

from pollwatch.intake.checks import phase_hour_flags
from pollwatch.registry.models import Round
from pollwatch.registry.services import add_round

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def test_a_runoff_report_is_checked_against_the_runoff_day(election):
    add_round(election, kind=Round.Kind.RUNOFF, voting_day=datetime.date(2026, 5, 15))
    runoff_noon = datetime.datetime(2026, 5, 15, 12, tzinfo=UTC)
    assert phase_hour_flags("voting", election, runoff_noon, runoff_noon) == []
    first_noon = datetime.datetime(2026, 5, 1, 12, tzinfo=UTC)
    assert phase_hour_flags("voting", election, first_noon, first_noon) == []


def test_a_first_round_time_received_in_the_runoff_is_outside_its_hours(election):
    add_round(election, kind=Round.Kind.RUNOFF, voting_day=datetime.date(2026, 5, 15))
    first_noon = datetime.datetime(2026, 5, 1, 12, tzinfo=UTC)
    received = datetime.datetime(2026, 5, 15, 12, tzinfo=UTC)
    assert phase_hour_flags("voting", election, received, first_noon) == ["outside_phase_hours"]
