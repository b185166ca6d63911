"""Receiving a batch of submissions: the payloads kept in one statement, then one call
of the service every channel uses, which stores the whole batch in one round trip.

Each item is answered as if it had been sent alone, one after the other: the
same validation, conflict rule, revision and audit entry per submission.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.models import User

from pollwatch.intake.models import Channel, RawPayload
from pollwatch.intake.rejections import ResendConflict, SubmissionRejected
from pollwatch.intake.services import (
    Outcome,
    Sent,
    claimed_key_of,
    new_payload,
    receive_submissions,
)

MAX_BATCH = 500


def receive_batch(
    items: list[Any], *, user: User | None, device: str | None = None
) -> list[dict[str, Any]]:
    """The result of each item, in the order sent.

    Each item's payload is stored with what is made of it, in the same call.
    ``device``: see ``receive_submissions``.
    """
    payloads = [_payload_of(item, user) for item in items]
    outcomes = receive_submissions(
        [Sent(item, payload) for item, payload in zip(items, payloads, strict=True)],
        user=user,
        device=device,
    )
    return [
        _result(index, outcome, payload)
        for index, (outcome, payload) in enumerate(zip(outcomes, payloads, strict=True))
    ]


def _payload_of(item: Any, user: User | None) -> RawPayload:
    return new_payload(
        json.dumps(item, ensure_ascii=False),
        channel=Channel.API,
        user=user,
        content_type="application/json",
        claimed_key=claimed_key_of(item),
    )


def _result(index: int, outcome: Outcome, payload: RawPayload) -> dict[str, Any]:
    if isinstance(outcome, SubmissionRejected):
        return {
            "index": index,
            "result": "conflict" if isinstance(outcome, ResendConflict) else "rejected",
            "payload": payload.pk,
            "errors": [p.as_dict() for p in outcome.problems],
        }
    return {
        "index": index,
        "result": "duplicate" if outcome.duplicate else "created",
        "receipt": outcome.as_dict(),
    }
