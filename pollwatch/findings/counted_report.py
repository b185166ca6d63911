"""The report that counts for a station: the one rule every finding picks reports by.

A station may send several reports of the same form (a second visit, a
corrected resend). Among the reports a finding looks at — those of one form
that were not rejected and pass its filters — **the report that counts for
a station is the one the server received last** (``received_at``, to the
microsecond); **of reports received at the same moment, the one with the
higher id**. One report counts per station and form (a form belongs to one
phase). ``docs/findings.md`` states the rule for users.

:func:`latest_per_station` is the rule; the figures, the "any report"
combination, the PVT and the clock-time distributions all pick through it,
the first two from the encoded answers kept in memory, the others through
:func:`counted_rows`.
"""

from __future__ import annotations

import datetime

import numpy as np
from django.db.models import QuerySet

from pollwatch.intake.models import Submission

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def latest_per_station(ids: np.ndarray, stations: np.ndarray, received: np.ndarray) -> np.ndarray:
    """Indices of the report that counts for each station, in station order.

    Parameters
    ----------
    ids, stations : ndarray of int
        Each report's id and station.
    received : ndarray
        Each report's time of receipt as a number that orders the times
        exactly (see :func:`received_microseconds`).

    Returns
    -------
    ndarray of int
        For each station, the index of its report received last; among
        reports received at the same time, of the one with the higher id.
    """
    order = np.lexsort((ids, received, stations))
    last = np.ones(order.size, dtype=bool)
    last[:-1] = stations[order][1:] != stations[order][:-1]
    return order[last]


def received_microseconds(moment: datetime.datetime) -> int:
    """A time of receipt as whole microseconds since 1970 (UTC): exact, so ties stay ties."""
    return (moment - _EPOCH) // datetime.timedelta(microseconds=1)


def counted_rows(reports: QuerySet[Submission], *fields: str) -> list[tuple]:
    """The report that counts for each station among ``reports``, as ``(id, *fields)`` rows.

    One query reads every report; :func:`latest_per_station` picks. The rows
    come newest first (received, then id), as the reports' default order.
    """
    rows = list(reports.order_by().values_list("id", "station_id", "received_at", *fields))
    if not rows:
        return []
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    stations = np.fromiter((row[1] for row in rows), dtype=np.int64, count=len(rows))
    received = np.fromiter(
        (received_microseconds(row[2]) for row in rows), dtype=np.int64, count=len(rows)
    )
    chosen = latest_per_station(ids, stations, received)
    newest_first = chosen[np.lexsort((-ids[chosen], -received[chosen]))]
    return [(rows[index][0], *rows[index][3:]) for index in newest_first]
