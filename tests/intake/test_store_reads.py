"""Storing a report reads a fixed number of rows, however many reports are stored.

The conflict check compares a new report with other teams' reports on its
station and phase only: the sender's own team's reports and other stations'
reports are never read, so the cost of a report stays the same on a station
its team has reported on hundreds of times, late on election day.
"""

import pytest
from django.db import connection

from pollwatch.intake.batch import receive_batch
from tests.intake.test_services import send, submission


def rows_read_from_submissions() -> int:
    """Rows this transaction has read from the submissions table, by index or by scan."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(idx_tup_fetch, 0) + coalesce(seq_tup_read, 0)"
            " FROM pg_stat_xact_user_tables WHERE relname = 'intake_submission'"
        )
        return cursor.fetchone()[0]


def rows_read_storing(user, data) -> int:
    before = rows_read_from_submissions()
    send(user, data)
    return rows_read_from_submissions() - before


@pytest.mark.postgres_only
def test_a_report_reads_neither_its_own_teams_reports_nor_other_stations(
    observer_north, observer_south, checklist
):
    send(observer_south, submission(checklist, station="001", overall="good"))
    for _ in range(4):
        receive_batch(
            [submission(checklist, station="001") for _ in range(100)], user=observer_north
        )
        receive_batch(
            [submission(checklist, station="002") for _ in range(100)], user=observer_south
        )
    # As the database's autovacuum does after so many new rows.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE intake_submission")

    later = rows_read_storing(observer_north, submission(checklist, station="001"))

    # The other team's one report on the station (compared twice: to flag the new report
    # and to flag it), and the new report's receipt; not the 400 of the team on the
    # station, nor the 400 of the other station.
    assert later <= 3
