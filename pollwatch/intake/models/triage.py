"""The triage of a critical incident: who handles a report that raised an alert, and how far.

A report with alerts is an incident from the moment it is stored, whatever
channel stored it; its triage record is made the first time someone changes
it, and until then the incident counts as new. The record holds only the
present state; every change is an audit event (see :meth:`IncidentTriage.history`),
so the history is as append-only as the audit trail itself.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pollwatch.audit.models import AuditEvent

TRIAGE_ACTION = "intake.incident_triaged"


class TriageStatus(models.TextChoices):
    NEW = "new", _("new")
    IN_HAND = "in_hand", _("in hand")
    RESOLVED = "resolved", _("resolved")
    DISMISSED = "dismissed", _("dismissed")


OPEN_STATUSES = (TriageStatus.NEW, TriageStatus.IN_HAND)


class IncidentTriage(models.Model):
    submission = models.OneToOneField(
        "intake.Submission", on_delete=models.CASCADE, related_name="triage"
    )
    status = models.CharField(max_length=10, choices=TriageStatus.choices, default=TriageStatus.NEW)
    assignee = models.ForeignKey(
        "missions.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notes = models.TextField(
        blank=True, help_text=_("the latest note; each is kept in the history")
    )
    changed_at = models.DateTimeField(auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        # No db_index on the text column: see RawPayload.
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"triage of {self.submission_id} ({self.status})"

    def history(self) -> models.QuerySet[AuditEvent]:
        """Every change, oldest first: who, when, and in ``data`` from → to and the note."""
        return (
            AuditEvent.objects.filter(
                action=TRIAGE_ACTION,
                target_type=self._meta.label_lower,
                target_id=str(self.pk),
            )
            .select_related("actor")
            .order_by("at", "id")
        )
