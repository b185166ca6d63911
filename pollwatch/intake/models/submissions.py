"""Submissions from every channel, the raw payloads behind them, revisions and reviews.

A payload is stored as it arrived before anything parses it, so nothing a
phone sends is ever lost. A submission is identified by the idempotency key
its client generated; the database's unique constraint on that key makes a
retried or concurrent duplicate send store nothing new.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from pollwatch.accounts.roles import (
    AnyUser,
    Role,
    has_role,
    is_administrator,
    membership,
    mission_role,
)
from pollwatch.accounts.scoping import (
    WHOLE_MISSION,
    readable_reports_of,
    sent_by_own_organisation,
)
from pollwatch.intake.models.triage import OPEN_STATUSES, TriageStatus
from pollwatch.missions.models import Member
from pollwatch.registry.models import PollingStation


class Channel(models.TextChoices):
    WEB = "web", _("web form")
    API = "api", _("API")
    SMS = "sms", _("SMS")
    OPENROSA = "openrosa", _("ODK / OpenRosa")
    CONSOLE = "console", _("SMS test console")


_Rows = TypeVar("_Rows", bound="models.QuerySet[Any]")


def sent_by_people_reviewed_by(queryset: _Rows, user: AnyUser, member: str) -> _Rows:
    """What the people a coordinator or the core team may see sent; ``member`` is the
    lookup from a row to its sender's membership.

    Something whose sender is unknown (an SMS from a number of no member) belongs
    to no mission, so only administrators see it.
    """
    if is_administrator(user):
        return queryset
    if not has_role(user, Role.CORE_TEAM, Role.COORDINATOR):
        return queryset.none()
    return queryset.filter(**{f"{member}__in": Member.objects.visible_to(user).values("pk")})


class RawPayloadQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> RawPayloadQuerySet:
        """Raw payloads a coordinator or the core team may review."""
        return sent_by_people_reviewed_by(self, user, "user__member")


class RawPayload(models.Model):
    class Status(models.TextChoices):
        STORED = "stored", _("stored, not yet parsed")
        ACCEPTED = "accepted", _("parsed into a submission")
        DUPLICATE = "duplicate", _("duplicate of a stored submission")
        INVALID = "invalid", _("could not be parsed or validated")
        CORRECTED = "corrected", _("corrected by a coordinator")
        CONFLICT = "conflict", _("same key as a stored report, other content")

    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    claimed_key = models.CharField(max_length=100, blank=True)
    sender = models.CharField(max_length=150, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    content_type = models.CharField(max_length=100, blank=True)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.STORED)
    problems = models.JSONField(default=list, blank=True)
    submission = models.ForeignKey(
        "Submission", null=True, blank=True, on_delete=models.SET_NULL, related_name="payloads"
    )

    objects = RawPayloadQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        # Declared here, not with db_index: on PostgreSQL db_index on a text column
        # adds a LIKE twin that no query uses and every insert pays for.
        indexes = [models.Index(fields=["claimed_key"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.channel} payload {self.pk} ({self.status})"


class SubmissionQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> SubmissionQuerySet:
        """The whole mission's reports, a coordinator's areas', or an observer's team's.

        In a coalition, a coordinator sent by a member organisation reads only its
        observers' reports, unless the coalition shares all of them.
        """
        return self.counted_for(user).filter(readable_reports_of(user, "observer"))

    def managed_by(self, user: AnyUser) -> SubmissionQuerySet:
        """The reports among those the user sees that they may act on: in a coalition, a
        member organisation's coordinator acts only on its own observers' reports."""
        return self.visible_to(user).filter(sent_by_own_organisation(user, "observer"))

    def counted_for(self, user: AnyUser) -> SubmissionQuerySet:
        """The reports whose counts the user may see: ``visible_to`` without the coalition's
        member boundary, since counts name no observer and show no report."""
        if is_administrator(user):
            return self
        role = mission_role(user)
        member = membership(user)
        if role is None or member is None:
            return self.none()
        submissions = self.filter(mission=member.mission_id)
        if role in WHOLE_MISSION:
            return submissions
        if role is Role.COORDINATOR:
            stations = PollingStation.objects.visible_to(user).values("pk")
            return submissions.filter(station__in=stations)
        if role is Role.OBSERVER and member.team_id:
            return submissions.filter(team=member.team_id)
        return submissions.none()

    def incidents(self) -> SubmissionQuerySet:
        """Reports that raised a critical alert, each with its ``triage_status``.

        An incident nobody has triaged yet has no triage record and is new.
        """
        return self.exclude(alerts=[]).annotate(
            triage_status=Coalesce(
                "triage__status",
                models.Value(TriageStatus.NEW.value),
                output_field=models.CharField(),
            )
        )

    def open_incidents(self) -> SubmissionQuerySet:
        return self.incidents().filter(triage_status__in=OPEN_STATUSES)

    def open_first(self) -> SubmissionQuerySet:
        """Incidents still open before the resolved and dismissed, newest first within each."""
        closed = models.Case(
            models.When(triage_status__in=OPEN_STATUSES, then=models.Value(0)),
            default=models.Value(1),
        )
        return self.annotate(closed=closed).order_by("closed", "-received_at", "-id")


class Submission(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        ACCEPTED = "accepted", _("accepted")
        FLAGGED = "flagged", _("flagged for follow-up")
        REJECTED = "rejected", _("rejected")

    key = models.UUIDField(unique=True, help_text=_("idempotency key made by the client"))
    channel = models.CharField(max_length=10, choices=Channel.choices)
    form_version = models.ForeignKey(
        "forms.FormVersion", on_delete=models.PROTECT, related_name="submissions"
    )
    phase = models.CharField(max_length=20)
    station = models.ForeignKey(
        "registry.PollingStation",
        on_delete=models.PROTECT,
        related_name="submissions",
        db_index=False,  # the index on (station, phase, team) serves it
    )
    mission = models.ForeignKey(
        "missions.Mission",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    team = models.ForeignKey(
        "missions.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submissions",
    )
    observer = models.ForeignKey(
        "missions.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submissions",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    device_time = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(db_index=True)
    answers = models.JSONField(default=dict)
    alerts = models.JSONField(default=list, blank=True)
    flags = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    revision = models.PositiveIntegerField(default=1)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        # With the team last, finding other teams' reports on a station (conflicts)
        # skips the reporting team's own, however many it sent.
        # No db_index on the text columns: see RawPayload.
        indexes = [
            models.Index(fields=["station", "phase", "team"]),
            models.Index(fields=["phase"]),
            models.Index(fields=["status"]),
        ]

    def __str__(self) -> str:
        return f"{self.phase} report on {self.station_id} ({self.key})"

    @property
    def has_alerts(self) -> bool:
        return bool(self.alerts)


class SubmissionRevision(models.Model):
    """Every version of a submission's answers; revision 1 is what arrived first."""

    submission = models.ForeignKey(
        Submission,
        on_delete=models.CASCADE,
        related_name="revisions",
        db_index=False,  # the unique (submission, number) serves it
    )
    number = models.PositiveIntegerField()
    answers = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    payload = models.ForeignKey(
        RawPayload, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "number"], name="one_revision_number_per_submission"
            )
        ]

    def __str__(self) -> str:
        return f"revision {self.number} of {self.submission_id}"


class Review(models.Model):
    class Decision(models.TextChoices):
        ACCEPT = "accept", _("accept")
        FLAG = "flag", _("flag for follow-up")
        REJECT = "reject", _("reject")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reviews")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.TextField(blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.decision} of {self.submission_id}"
