"""The voting day a report is about, from when the server received it, without a query each time.

Each report's phase hours are checked against the voting day of the round
that was receiving reports when it arrived (see
:meth:`pollwatch.registry.models.RoundQuerySet.receiving_at`). The intake asks
for every report, so each process remembers an election's rounds for a
minute; adding a round forgets them in the process that added it, and other
processes see it within the minute.
"""

from __future__ import annotations

import datetime
import time

from pollwatch.registry.models import Election, Round

REMEMBERED_SECONDS = 60.0

# election id -> (when read, [(reports_from, voting_day)] by round number)
_REMEMBERED: dict[int, tuple[float, list[tuple[datetime.datetime | None, datetime.date]]]] = {}


def voting_day_at(election: Election, moment: datetime.datetime) -> datetime.date:
    """The voting day of the round receiving reports at ``moment``; the election's date if none."""
    day = election.date
    if election.pk is None:
        return day  # an election not stored has no rounds but its first, on its date
    for opens, voting_day in _windows(election):
        if opens is None or opens <= moment:
            day = voting_day
    return day


def forget_voting_days() -> None:
    _REMEMBERED.clear()


def _windows(election: Election) -> list[tuple[datetime.datetime | None, datetime.date]]:
    now = time.monotonic()
    found = _REMEMBERED.get(election.pk)
    if found is None or now - found[0] > REMEMBERED_SECONDS:
        rows = Round.objects.filter(election=election.pk).order_by("number")
        found = (now, list(rows.values_list("reports_from", "voting_day")))
        _REMEMBERED[election.pk] = found
    return found[1]
