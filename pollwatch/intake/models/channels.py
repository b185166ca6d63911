"""What the field channels keep beside submissions: SMS log, attachments, broadcasts.

Every inbound SMS is stored before it is parsed; the gateway's message id is
unique per gateway, so a gateway that retries a delivery gets the first reply
and nothing is stored twice. ODK attachments are keyed by the submission's
``instanceID`` so that a submission split over several POSTs comes together.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pollwatch.accounts.roles import AnyUser, is_administrator, own_mission_id
from pollwatch.accounts.scoping import member_organisation
from pollwatch.intake.models.submissions import sent_by_people_reviewed_by


class SmsMessageQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> SmsMessageQuerySet:
        """The SMS log of the people a coordinator or the core team may see."""
        return sent_by_people_reviewed_by(self, user, "member")


class SmsMessage(models.Model):
    """One inbound SMS, as the gateway delivered it, and the reply it got."""

    class Status(models.TextChoices):
        STORED = "stored", _("stored, not yet parsed")
        ACCEPTED = "accepted", _("accepted as a report")
        DUPLICATE = "duplicate", _("duplicate of a report already received")
        INVALID = "invalid", _("could not be parsed or validated")
        UNKNOWN_SENDER = "unknown", _("sender is not a registered observer")
        THROTTLED = "throttled", _("refused: too many failed attempts")

    gateway = models.CharField(max_length=20)
    gateway_message_id = models.CharField(max_length=100, blank=True)
    # Indexed with received_at below, which serves every lookup by sender.
    sender = models.CharField(max_length=40, help_text=_("E.164 when parsable"))
    text = models.TextField()
    # The SHA-256 of the text with case and spacing evened out: a resend is found by it.
    text_digest = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.STORED)
    reply = models.TextField(blank=True)
    member = models.ForeignKey(
        "missions.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    payload = models.ForeignKey(
        "intake.RawPayload", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submission = models.ForeignKey(
        "intake.Submission",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sms_messages",
    )
    replay_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replays"
    )
    replayed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SmsMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["sender", "received_at"]),
            models.Index(fields=["sender", "text_digest"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "gateway_message_id"],
                condition=~models.Q(gateway_message_id=""),
                name="sms_gateway_message_id_unique",
            )
        ]

    def __str__(self) -> str:
        return f"SMS {self.pk} from {self.sender} ({self.status})"


def attachment_path(instance: Attachment, filename: str) -> str:
    """Where a file is kept: ``filename`` is already a random name (see attachment_types)."""
    return f"attachments/{filename[:2]}/{filename}"


class Attachment(models.Model):
    """A file sent with a submission, such as a photo of the result protocol."""

    instance_id = models.CharField(max_length=100, db_index=True)
    submission = models.ForeignKey(
        "intake.Submission",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    name = models.CharField(max_length=200)
    file = models.FileField(upload_to=attachment_path, max_length=300)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["instance_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "instance_id", "name"],
                name="attachment_name_unique_per_report_instance",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} of {self.instance_id}"


class OpenRosaInstance(models.Model):
    """The XML of each ODK instance received, to tell a retry from a conflicting resend.

    Instance ids are the phone's; ``scope`` (the sending team, or the member when
    in no team) keeps one team's ids apart from another's, so that naming another
    team's instance reaches nothing of theirs.
    """

    scope = models.CharField(max_length=40, default="")
    instance_id = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    submission = models.ForeignKey(
        "intake.Submission", on_delete=models.CASCADE, related_name="openrosa_instances"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "instance_id"], name="openrosa_instance_unique_per_scope"
            )
        ]

    def __str__(self) -> str:
        return self.instance_id


class BroadcastQuerySet(models.QuerySet["Broadcast"]):
    def visible_to(self, user: AnyUser) -> BroadcastQuerySet:
        """The mission's broadcasts; a coalition member's coordinator sees their organisation's."""
        mission = own_mission_id(user)
        if is_administrator(user):
            return self
        if mission is None:
            return self.none()
        broadcasts = self.filter(mission=mission)
        organisation = member_organisation(user)
        if organisation is None:
            return broadcasts
        return broadcasts.filter(created_by__member__delegation=organisation)


class Broadcast(models.Model):
    """A message a coordinator sent to many observers at once."""

    class Audience(models.TextChoices):
        ALL = "all", _("all observers of the mission")
        TEAM = "team", _("one team")
        AREA = "area", _("observers of an area")

    mission = models.ForeignKey(
        "missions.Mission", on_delete=models.CASCADE, related_name="broadcasts"
    )
    text = models.TextField()
    audience = models.CharField(max_length=10, choices=Audience.choices)
    team = models.ForeignKey(
        "missions.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    area = models.ForeignKey(
        "registry.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BroadcastQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"broadcast {self.pk} to {self.audience}"


class DeliveryQuerySet(models.QuerySet):
    def record_status(self, message_id: str, status: str, *, error: str = "") -> int:
        """Update the delivery a gateway reports on; returns how many rows matched."""
        if not message_id or status not in self.model.Status.values:
            return 0
        return self.filter(gateway_message_id=message_id).update(
            status=status, error=str(error)[:300]
        )


class Delivery(models.Model):
    """One recipient of a broadcast and what the gateway said about the message."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent to the gateway")
        DELIVERED = "delivered", _("delivered to the phone")
        FAILED = "failed", _("failed")

    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="deliveries")
    member = models.ForeignKey(
        "missions.Member", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    phone = models.CharField(max_length=32)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    gateway_message_id = models.CharField(max_length=100, blank=True, db_index=True)
    error = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["broadcast", "phone"]
        constraints = [
            models.UniqueConstraint(
                fields=["broadcast", "phone"], name="one_delivery_per_phone_per_broadcast"
            )
        ]

    def __str__(self) -> str:
        return f"{self.phone}: {self.status}"
