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

import numpy as np
from django.db import connection
from django.db.models import BigIntegerField, QuerySet
from django.db.models.expressions import RawSQL

from pollwatch.intake.models import Submission

# SQLite keeps the time as text, "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC; its
# date functions round to the millisecond, so the microseconds are read apart.
_MICROSECONDS = {
    "postgresql": "(EXTRACT(EPOCH FROM {column}) * 1000000)::bigint",
    "sqlite": (
        "(CAST(strftime('%%s', substr({column}, 1, 19)) AS INTEGER) * 1000000"
        " + CAST(substr({column} || '.000000', 21, 6) AS INTEGER))"
    ),
}


def latest_per_station(ids: np.ndarray, stations: np.ndarray, received: np.ndarray) -> np.ndarray:
    """Indices of the report that counts for each station, in station order.

    Parameters
    ----------
    ids, stations : ndarray of int
        Each report's id and station.
    received : ndarray of int
        Each report's time of receipt in whole microseconds (see
        :func:`received_microseconds_sql`), so that ties stay ties.

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


def received_microseconds_sql(column: str) -> str:
    """SQL for a time of receipt as whole microseconds since 1970 (UTC), for this database.

    ``column`` is the (quoted) column holding ``received_at``. The number is
    exact, so that reports received at the same moment tie and reports a
    microsecond apart do not. A ``%`` in it is doubled: the SQL is run with
    parameters.
    """
    return _MICROSECONDS[connection.vendor].format(column=column)


def counted_rows(reports: QuerySet[Submission], *fields: str) -> list[tuple]:
    """The report that counts for each station among ``reports``, as ``(id, *fields)`` rows.

    One query reads every report; :func:`latest_per_station` picks. The rows
    come newest first (received, then id), as the reports' default order.
    """
    table = connection.ops.quote_name(Submission._meta.db_table)
    column = f"{table}.{connection.ops.quote_name('received_at')}"
    received_at = RawSQL(received_microseconds_sql(column), (), output_field=BigIntegerField())
    rows = list(
        reports.annotate(received_microseconds=received_at)
        .order_by()
        .values_list("id", "station_id", "received_microseconds", *fields)
    )
    if not rows:
        return []
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    stations = np.fromiter((row[1] for row in rows), dtype=np.int64, count=len(rows))
    received = np.fromiter((row[2] for row in rows), dtype=np.int64, count=len(rows))
    chosen = latest_per_station(ids, stations, received)
    newest_first = chosen[np.lexsort((-ids[chosen], -received[chosen]))]
    return [(rows[index][0], *rows[index][3:]) for index in newest_first]
