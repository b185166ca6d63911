"""Intake's models: submissions and their payloads, and what the field channels keep beside them."""

from pollwatch.intake.models.channels import (
    Attachment,
    Broadcast,
    Delivery,
    OpenRosaInstance,
    SmsMessage,
    attachment_path,
)
from pollwatch.intake.models.submissions import (
    Channel,
    RawPayload,
    Review,
    Submission,
    SubmissionRevision,
)
from pollwatch.intake.models.triage import OPEN_STATUSES, IncidentTriage, TriageStatus

__all__ = [
    "Attachment",
    "Broadcast",
    "Channel",
    "Delivery",
    "IncidentTriage",
    "OPEN_STATUSES",
    "OpenRosaInstance",
    "RawPayload",
    "Review",
    "SmsMessage",
    "Submission",
    "SubmissionRevision",
    "TriageStatus",
    "attachment_path",
]
