"""Receiving a batch of submissions: the payloads kept in one statement, then one call
of the service every channel uses, which stores the whole batch in one round trip.

Each item is answered as if it had been sent alone, one after the other: the
same validation, conflict rule, revision and audit entry per submission.
"""

from __future__ import annotations

import json
from typing import Any

from pollwatch.intake.models import Channel, RawPayload
from pollwatch.intake.rejections import ResendConflict, SubmissionRejected
from pollwatch.intake.services import Outcome, Sent, receive_submissions
from pollwatch.lib.bad_input import storable_text
from pollwatch.lib.plain_sql import insert_instances

MAX_BATCH = 500


def receive_batch(items: list[Any], *, user: Any) -> list[dict[str, Any]]:
    """The result of each item, in the order sent."""
    payloads = _store_payloads(items, user)
    outcomes = receive_submissions(
        [Sent(item, payload) for item, payload in zip(items, payloads, strict=True)], user=user
    )
    return [
        _result(index, outcome, payload)
        for index, (outcome, payload) in enumerate(zip(outcomes, payloads, strict=True))
    ]


def _store_payloads(items: list[Any], user: Any) -> list[RawPayload]:
    payloads = [
        RawPayload(
            body=storable_text(json.dumps(item, ensure_ascii=False)),
            channel=Channel.API,
            user=user,
            sender=user.username,
            content_type="application/json",
            claimed_key=_claimed_key(item),
        )
        for item in items
    ]
    insert_instances(payloads)
    return payloads


def _claimed_key(item: Any) -> str:
    return storable_text(str(item.get("key", "")))[:100] if isinstance(item, dict) else ""


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
