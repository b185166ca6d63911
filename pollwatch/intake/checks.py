"""Flags on incoming reports: outside the phase's hours, and conflicting reports."""

from __future__ import annotations

import datetime
import functools
import zoneinfo

from django.conf import settings
from django.db.models import Q

from pollwatch.intake.models import Submission
from pollwatch.registry.models import Election
from pollwatch.registry.voting_days import voting_day_at

# Local hours of the election day (start, end) in which a phase's report is expected;
# an end before the start runs into the next morning. A form's code names the hours of
# a form that comes at other hours than the rest of its phase: PVT form 1 at the opening,
# form 2 once the count is over. Missions override them in settings.
DEFAULT_PHASE_HOURS = {
    "opening": ("05:30", "10:00"),
    "voting": ("06:30", "21:30"),
    "counting": ("18:00", "08:00"),
    "pvt": ("05:30", "08:00"),
    "pvt_form2": ("18:00", "08:00"),
}
CLOCK_TOLERANCE = datetime.timedelta(minutes=5)


def phase_hour_flags(
    phase: str,
    election: Election,
    received_at: datetime.datetime,
    device_time: datetime.datetime | None,
    form_code: str = "",
) -> list[str]:
    """Flags for a report: ``outside_phase_hours`` and ``device_clock_ahead``.

    The hours are the form's own when the settings name its code, else its phase's.

    The server's receipt time orders reports; the phone's time is believed only
    when it is not later than the receipt (an offline report arrives late, never early).
    """
    flags = []
    if device_time is not None and device_time > received_at + CLOCK_TOLERANCE:
        flags.append("device_clock_ahead")
        device_time = None
    observed = device_time or received_at
    # The server's receipt time says which round, hence which voting day, the report is about.
    day = voting_day_at(election, received_at)
    # Read once: a setting the project leaves unset costs a failed lookup on every read.
    hours = phase_hours()
    window = _window(hours.get(form_code if form_code in hours else phase), election, day)
    if window is not None and not window[0] <= observed <= window[1]:
        flags.append("outside_phase_hours")
    return flags


def phase_hours() -> dict[str, tuple[str, str]]:
    """The expected hours by phase, and by the code of a form with hours of its own."""
    return getattr(settings, "POLLWATCH_PHASE_HOURS", DEFAULT_PHASE_HOURS)


def phase_window(
    phase_or_form: str, election: Election, day: datetime.date | None = None
) -> tuple[datetime.datetime, datetime.datetime] | None:
    """When on election day (``day``, by default the election's date), in the election's
    time zone, a report of a phase (or of a form with hours of its own) is expected."""
    return _window(phase_hours().get(phase_or_form), election, day)


def _window(
    hours: tuple[str, str] | None, election: Election, day: datetime.date | None
) -> tuple[datetime.datetime, datetime.datetime] | None:
    if hours is None:
        return None
    day = day or election.date
    zone = zoneinfo.ZoneInfo(getattr(election, "time_zone", "") or settings.TIME_ZONE)
    start_time, end_time = _clock_times(tuple(hours))
    start = datetime.datetime.combine(day, start_time, zone)
    end_day = day + datetime.timedelta(days=1 if end_time <= start_time else 0)
    return start, datetime.datetime.combine(end_day, end_time, zone)


@functools.lru_cache(maxsize=64)
def _clock_times(hours: tuple[str, ...]) -> tuple[datetime.time, datetime.time]:
    """The start and end of a phase's hours as times; read once, as every report reads them."""
    start, end = (datetime.time.fromisoformat(text) for text in hours)
    return start, end


def conflicting_submissions(submission: Submission) -> list[Submission]:
    """Other teams' reports on the station and phase whose shared answers differ.

    Within the report's mission. PostgreSQL applies the same rule inside the
    function ``intake_store_submissions`` (migration intake 0008); this is SQLite's way.
    """
    if submission.mission_id is None:
        return []  # as in SQL, where no mission equals another
    others = (
        Submission.objects.filter(
            other_team_than(submission.team_id),
            station_id=submission.station_id,
            phase=submission.phase,
            mission_id=submission.mission_id,
        )
        .exclude(pk=submission.pk)
        .exclude(status=Submission.Status.REJECTED)
        .only("id", "team_id", "answers", "flags")
    )
    return [other for other in others if _answers_differ(submission.answers, other.answers)]


def other_team_than(team_id: int | None) -> Q:
    """Reports of another team than ``team_id`` (None: reports that have a team)."""
    if team_id is None:
        return Q(team_id__isnull=False)
    return Q(team_id__lt=team_id) | Q(team_id__gt=team_id) | Q(team_id__isnull=True)


def _answers_differ(first: dict, second: dict) -> bool:
    shared = first.keys() & second.keys()
    return any(first[code] != second[code] for code in shared)
