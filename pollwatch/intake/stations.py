"""Polling stations as the intake reads them: remembered by each process.

Every report names a station; looking it up costs a query, and the registry
barely changes on election day. So each process remembers the stations it has
seen. A remembered station may be out of date (a re-import changed its
registered voters, or removed it), so storing a report checks, under the
station's row lock, that the figures the answers were validated against are
still the station's; if not, the intake forgets it, reads it again and
validates again.
"""

from __future__ import annotations

from collections.abc import Iterable

from pollwatch.forms.definition_rules import STATION_FIGURES
from pollwatch.lib.plain_sql import fetch_rows, instance
from pollwatch.registry.models import PollingStation

# What validation reads of a station: its code and the figures a bound may name.
STATION_FIELDS = ("id", "election_id", "code", *STATION_FIGURES)

_REMEMBERED: dict[tuple[int, str], PollingStation] = {}


def station_named(election_id: int, code: str) -> PollingStation | None:
    """The election's station with this code, or None; read once per process."""
    found = _REMEMBERED.get((election_id, code))
    if found is None:
        found = _read(election_id, code)
        if found is not None:
            _REMEMBERED[election_id, code] = found
    return found


def remember_stations(election_id: int, codes: Iterable[str]) -> None:
    """Read the stations of these codes not remembered yet, all in one query."""
    missing = sorted(
        code for code in codes if (election_id, code) not in _REMEMBERED and "\x00" not in code
    )
    if not missing:
        return
    rows = fetch_rows(
        f"SELECT {', '.join(STATION_FIELDS)} FROM registry_pollingstation"
        f" WHERE election_id = %s AND code IN ({', '.join(['%s'] * len(missing))})",
        [election_id, *missing],
        [(PollingStation, name) for name in STATION_FIELDS],
    )
    for row in rows:
        station = instance(PollingStation, STATION_FIELDS, row)
        _REMEMBERED[election_id, station.code] = station


def forget_station(election_id: int, code: str) -> bool:
    """Forget one station; whether it was remembered."""
    return _REMEMBERED.pop((election_id, code), None) is not None


def forget_stations() -> None:
    """Forget every station, for a database that was emptied or restored."""
    _REMEMBERED.clear()


def figures_of(station: PollingStation) -> dict[str, int]:
    return {name: getattr(station, name) for name in STATION_FIGURES}


def _read(election_id: int, code: str) -> PollingStation | None:
    # PostgreSQL refuses NUL in a parameter, and no station code holds one.
    if "\x00" in code:
        return None
    rows = fetch_rows(
        f"SELECT {', '.join(STATION_FIELDS)} FROM registry_pollingstation"
        " WHERE election_id = %s AND code = %s",
        [election_id, code],
        [(PollingStation, name) for name in STATION_FIELDS],
    )
    return instance(PollingStation, STATION_FIELDS, rows[0]) if rows else None
