"""The hash chain that makes the audit trail tamper-evident.

Events are written by every service (and, on PostgreSQL, by the intake's
database function) without touching the chain. A sealing step then appends,
in event id order, one :class:`~pollwatch.audit.models.AuditSeal` per event
not yet sealed: the SHA-256 of the event's canonical content, the chain
digest of the link before it, and the SHA-256 of both. Changing, removing or
reordering a sealed event changes every digest after it, so anyone who kept
an earlier head can show that the trail before it was altered, and
:func:`verify_chain` names the first event that no longer matches.

Why a sealing step rather than chaining at insert time: the insert would have
to read the head under a lock held until its transaction commits, which would
queue every intake request behind the slowest transaction that writes an
audit entry (a registry import holds its transaction for seconds). The
sealer alone takes the lock; writers never wait for it. See
``docs/architecture.md``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from pollwatch.audit.models import AuditEvent, AuditSeal

GENESIS = "0" * 64
# Any fixed number: the key of the advisory lock that makes sealers take turns.
SEALER_LOCK = 0x5EA1_A0D1
SEAL_BATCH = 5000


@dataclass(frozen=True)
class ChainHead:
    """The last link of the chain: anyone holding it can later check the trail up to it."""

    position: int
    sha256: str
    sealed_at: datetime
    event_id: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "sha256": self.sha256,
            "sealed_at": self.sealed_at.astimezone(UTC).isoformat(),
            "event_id": self.event_id,
        }


@dataclass(frozen=True)
class Mismatch:
    """The first place where the stored trail and its chain disagree."""

    position: int
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        event = f"event {self.event_id}" if self.event_id is not None else "no event"
        return f"link {self.position} ({event}): {self.reason}"


@dataclass(frozen=True)
class ChainReport:
    """What :func:`verify_chain` found: links checked, events not sealed yet, the first mismatch."""

    links: int
    unsealed: int
    head: ChainHead | None
    mismatch: Mismatch | None
    expected_head_found: bool | None = None

    @property
    def intact(self) -> bool:
        return self.mismatch is None and self.expected_head_found is not False


def canonical_json(value: Any) -> str:
    """One text per value: sorted keys, no spaces, UTF-8 as it is."""
    return json.dumps(
        value, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def json_digest(value: Any) -> str:
    """SHA-256 of the canonical JSON of ``value`` (a submission's answers, for instance)."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


# The stored fields of an event, in the order the sealer reads them.
EVENT_FIELDS = (
    "id",
    "at",
    "actor_id",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "data",
)


def _content_of_row(row: tuple[Any, ...]) -> dict[str, Any]:
    """Every stored field of an event (in ``EVENT_FIELDS`` order), in the form that is hashed."""
    event_id, at, actor_id, action, target_type, target_id, target_label, data = row
    return {
        "id": event_id,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor_id,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "target_label": target_label,
        "data": data,
    }


def content_digest(event: AuditEvent) -> str:
    return _row_digest(tuple(getattr(event, name) for name in EVENT_FIELDS))


def _row_digest(row: tuple[Any, ...]) -> str:
    return json_digest(_content_of_row(row))


def link_digest(previous_sha256: str, content_sha256: str) -> str:
    return hashlib.sha256(f"{previous_sha256}{content_sha256}".encode("ascii")).hexdigest()


def seal_events(*, batch: int = SEAL_BATCH) -> int:
    """Append a link for every committed event not sealed yet, in id order; return how many.

    An event committed late (its transaction began before others that have
    been sealed already) is sealed by a later call, after them: the chain's
    order is the order of sealing, which each link records.
    """
    sealed = 0
    while True:
        added = _seal_one_batch(batch)
        sealed += added
        if added < batch:
            return sealed


@transaction.atomic
def _seal_one_batch(batch: int) -> int:
    _wait_for_other_sealers()
    head = chain_head()
    position, previous = (head.position, head.sha256) if head else (0, GENESIS)
    # Plain rows, not model instances: the sealer keeps up with the intake on its spare time.
    rows = (
        AuditEvent.objects.filter(seal__isnull=True)
        .order_by("id")
        .values_list(*EVENT_FIELDS)[:batch]
    )
    now = timezone.now()
    links = []
    for row in rows:
        position += 1
        content = _row_digest(row)
        digest = link_digest(previous, content)
        links.append((position, row[0], content, previous, digest, now))
        previous = digest
    _append_links(links)
    return len(links)


LINK_COLUMNS = ("position", "event_id", "content_sha256", "previous_sha256", "sha256", "sealed_at")


def _append_links(links: list[tuple[Any, ...]]) -> None:
    if not links:
        return
    if connection.vendor != "postgresql":
        AuditSeal.objects.bulk_create(
            [AuditSeal(**dict(zip(LINK_COLUMNS, link, strict=True))) for link in links]
        )
        return
    copying = f"COPY {AuditSeal._meta.db_table} ({', '.join(LINK_COLUMNS)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(copying) as copy:
        for link in links:
            copy.write_row(link)


def _wait_for_other_sealers() -> None:
    # SQLite takes its write lock when the transaction begins (transaction mode
    # IMMEDIATE); on PostgreSQL sealers queue here, until the holder commits.
    # The primary key on the position and the unique event would refuse a
    # second sealer's links anyway; the lock spares it the wasted work.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEALER_LOCK])


def chain_head() -> ChainHead | None:
    """The newest link, or None before anything was sealed."""
    last = AuditSeal.objects.order_by("-position").first()
    return _head_of(last) if last else None


def _head_of(link: AuditSeal) -> ChainHead:
    return ChainHead(
        position=link.position, sha256=link.sha256, sealed_at=link.sealed_at, event_id=link.event_id
    )


def verify_chain(*, expected_head: str | None = None) -> ChainReport:
    """Recompute every link from the stored events; stop at the first that does not match.

    ``expected_head`` is a chain digest someone kept from earlier (a published
    statement's package holds one): the report says whether the chain still
    passes through it.
    """
    previous, links, last = GENESIS, 0, None
    found = None if expected_head is None else False
    for link, event in _links_in_order():
        mismatch = _check_link(link, event, links + 1, previous)
        if mismatch is not None:
            return ChainReport(links, _unsealed(), None, mismatch, found)
        previous, links, last = link.sha256, links + 1, link
        if found is False and link.sha256 == expected_head:
            found = True
    return ChainReport(links, _unsealed(), _head_of(last) if last else None, None, found)


def _links_in_order(chunk: int = 5000) -> Iterator[tuple[AuditSeal, tuple[Any, ...] | None]]:
    """Each link with its event's stored fields, or None where the event row is gone."""
    after = 0
    while True:
        links = list(AuditSeal.objects.filter(position__gt=after).order_by("position")[:chunk])
        if not links:
            return
        rows = AuditEvent.objects.filter(id__in=[link.event_id for link in links])
        events = {row[0]: row for row in rows.values_list(*EVENT_FIELDS)}
        for link in links:
            yield link, events.get(link.event_id)
        after = links[-1].position


def _check_link(
    link: AuditSeal, event: tuple[Any, ...] | None, position: int, previous: str
) -> Mismatch | None:
    event_id = link.event_id
    if link.position != position:
        return Mismatch(position, None, f"link {position} is missing (next is {link.position})")
    if link.previous_sha256 != previous:
        return Mismatch(position, event_id, "does not follow the link before it")
    if event is None:
        return Mismatch(position, event_id, "the event was removed")
    if _row_digest(event) != link.content_sha256:
        return Mismatch(position, event_id, "the event's content does not match its seal")
    if link_digest(previous, link.content_sha256) != link.sha256:
        return Mismatch(position, event_id, "the link's own digest does not match")
    return None


def _unsealed() -> int:
    return AuditEvent.objects.filter(seal__isnull=True).count()
