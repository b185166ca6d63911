"""Checks that records kept by other apps still match what their audit entries recorded.

The hash chain vouches for the audit entries; an app whose entries hold a
digest of its own records registers a check here (from its ``AppConfig.ready``)
that carries that guarantee to the records. ``pollwatch audit verify`` runs every
registered check after the chain, without the audit app knowing the apps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RecordCheck:
    """One app's check.

    Attributes
    ----------
    failure : str
        What a mismatch means, shown before the record found, e.g.
        "a report changed after its audit entry".
    first_mismatch : callable
        Returns the first record that no longer matches its entry (its ``str``
        names the event and the record), or None when all match.
    """

    failure: str
    first_mismatch: Callable[[], object | None]


_CHECKS: dict[str, RecordCheck] = {}


def register_record_check(failure: str, first_mismatch: Callable[[], object | None]) -> None:
    """Add a check; registering the same failure again replaces it (apps may be set up twice)."""
    _CHECKS[failure] = RecordCheck(failure, first_mismatch)


def record_checks() -> list[RecordCheck]:
    return list(_CHECKS.values())
