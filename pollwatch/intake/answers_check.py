"""Do the reports' first answers still match the digests their audit entries hold?

Each report's audit entry (one per report, or one per batch with a digest per
key) records the SHA-256 of the answers as they arrived. The hash chain vouches
for the entries; this check carries that to the reports: a first revision
changed in the database afterwards no longer matches its entry's digest.
Corrections are later revisions and leave the first one as it was.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from pollwatch.audit.chain import json_digest
from pollwatch.audit.models import AuditEvent
from pollwatch.intake.models import SubmissionRevision

REPORT_ACTIONS = ("intake.submission_received", "intake.batch_received")


@dataclass(frozen=True)
class ChangedReport:
    event_id: int
    key: str

    def __str__(self) -> str:
        return (
            f"event {self.event_id}: the first answers of report {self.key} no longer match "
            "the digest in its audit entry"
        )


def first_changed_report(chunk: int = 2000) -> ChangedReport | None:
    """The first report, in audit order, whose first revision's answers changed since."""
    pending: list[tuple[int, str, str]] = []
    for recorded in _recorded_digests():
        pending.append(recorded)
        if len(pending) >= chunk:
            changed = _first_changed(pending)
            if changed is not None:
                return changed
            pending = []
    return _first_changed(pending) if pending else None


def _recorded_digests() -> Iterator[tuple[int, str, str]]:
    """(event id, report key, digest) for every report whose entry holds a digest."""
    events = (
        AuditEvent.objects.filter(action__in=REPORT_ACTIONS, data__has_key="answers_sha256")
        .order_by("id")
        .values_list("id", "data")
    )
    for event_id, data in events.iterator(chunk_size=2000):
        digests = data["answers_sha256"]
        if isinstance(digests, str):
            yield event_id, data.get("key", ""), digests
        else:
            for key, digest in zip(data.get("keys", []), digests, strict=False):
                yield event_id, key, digest


def _first_changed(recorded: list[tuple[int, str, str]]) -> ChangedReport | None:
    keys = [_as_uuid(key) for _, key, _ in recorded]
    first_answers = dict(
        SubmissionRevision.objects.filter(
            number=1, submission__key__in=[key for key in keys if key is not None]
        ).values_list("submission__key", "answers")
    )
    for (event_id, key, digest), as_uuid in zip(recorded, keys, strict=True):
        if as_uuid not in first_answers or json_digest(first_answers[as_uuid]) != digest:
            return ChangedReport(event_id, key)
    return None


def _as_uuid(key: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(key)
    except ValueError:
        return None
