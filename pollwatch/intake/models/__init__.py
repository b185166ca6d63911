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

__all__ = [
    "Attachment",
    "Broadcast",
    "Channel",
    "Delivery",
    "OpenRosaInstance",
    "RawPayload",
    "Review",
    "SmsMessage",
    "Submission",
    "SubmissionRevision",
    "attachment_path",
]
