"""Finishing payloads whose reading was cut off, so none stays unseen in ``stored``.

A payload whose store transaction failed is kept on its own in ``stored``, and
an SMS is recorded before it is parsed; either stays ``stored``, a status the
review list does not show, if its request did not finish. The background
worker looks for such payloads once they are older than a grace period
(``POLLWATCH_INTAKE_STORED_GRACE_SECONDS``, longer than any request takes)
and finishes them: a JSON payload is received again exactly as if it had just
arrived (its idempotency key makes this safe if it was in fact stored), and a
payload of another channel, whose reply to the sender is long lost, is marked
invalid with the reason, for a coordinator to review.
"""

from __future__ import annotations

import datetime
import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from pollwatch.intake.models import Channel, RawPayload
from pollwatch.intake.services import SubmissionRejected, receive_submission
from pollwatch.lib.json_nesting import MAX_JSON_DEPTH, json_depth

logger = logging.getLogger("pollwatch.intake.recovery")

# Channels whose payload body is the submission's JSON, receivable again as it is.
JSON_CHANNELS = (Channel.API, Channel.WEB)
DEFAULT_GRACE_SECONDS = 300
# Payloads finished per call, so one call never holds the worker for long.
BATCH = 200

INTERRUPTED = (
    "reading this payload was interrupted (the server stopped while it was being "
    "processed) and the sender got no answer; review it"
)


@dataclass(frozen=True, slots=True)
class Recovered:
    """How the payloads found in ``stored`` ended."""

    received: int = 0
    refused: int = 0

    @property
    def total(self) -> int:
        return self.received + self.refused


def grace_period() -> datetime.timedelta:
    seconds = getattr(settings, "POLLWATCH_INTAKE_STORED_GRACE_SECONDS", DEFAULT_GRACE_SECONDS)
    return datetime.timedelta(seconds=seconds)


def recover_stored_payloads(grace: datetime.timedelta | None = None) -> Recovered:
    """Finish every payload left ``stored`` for longer than ``grace``; oldest first."""
    cutoff = timezone.now() - (grace_period() if grace is None else grace)
    stale = list(
        RawPayload.objects.filter(status=RawPayload.Status.STORED, received_at__lt=cutoff)
        .select_related("user")
        .order_by("id")[:BATCH]
    )
    received = sum(_finish(payload) for payload in stale)
    outcome = Recovered(received=received, refused=len(stale) - received)
    if outcome.total:
        logger.warning(
            "finished %d payloads left stored: %d received, %d marked invalid for review",
            outcome.total,
            outcome.received,
            outcome.refused,
        )
    return outcome


def _finish(payload: RawPayload) -> bool:
    """Receive the payload again, or mark it invalid; True when it became a submission."""
    if payload.channel not in JSON_CHANNELS:
        return _refuse(payload, "body", INTERRUPTED)
    try:
        data = json.loads(payload.body)
    except (ValueError, RecursionError):
        return _refuse(payload, "body", "not valid JSON")
    if json_depth(data) > MAX_JSON_DEPTH:
        return _refuse(payload, "body", f"nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        receive_submission(data, payload, user=payload.user)
    except SubmissionRejected:
        return False  # receive_submission marked it invalid with its problems
    except DatabaseError:
        raise  # the database is away: the payload stays stored and is tried again later
    except Exception as error:  # a bug must not leave it stored, nor stop the others
        logger.exception("payload %s could not be received again", payload.pk)
        return _refuse(payload, "", f"could not be processed ({type(error).__name__})")
    return True


def _refuse(payload: RawPayload, field: str, reason: str) -> bool:
    # Only while still stored: a request that finished it meanwhile has the last word.
    RawPayload.objects.filter(pk=payload.pk, status=RawPayload.Status.STORED).update(
        status=RawPayload.Status.INVALID, problems=[{"field": field, "reason": reason}]
    )
    return False
