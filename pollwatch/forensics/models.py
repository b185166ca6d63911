"""Official results uploaded for an election, and the forensic report made from them."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pollwatch.accounts.roles import AnyUser, has_role, is_administrator, own_mission_id
from pollwatch.accounts.scoping import WHOLE_MISSION


def results_path(instance: ResultsUpload, filename: str) -> str:
    return f"forensics/{instance.election_id}/{filename}"


class ResultsUploadQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> ResultsUploadQuerySet:
        """Forensic analyses: each is its author's mission's own work."""
        if is_administrator(user):
            return self
        if not has_role(user, *WHOLE_MISSION):
            return self.none()
        return self.filter(mission=own_mission_id(user))


class ResultsUpload(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to run")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    election = models.ForeignKey(
        "registry.Election", on_delete=models.CASCADE, related_name="results_uploads"
    )
    mission = models.ForeignKey(
        "missions.Mission",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="results_uploads",
        help_text=_("whose analysis this is; none for an administrator's"),
    )
    file = models.FileField(upload_to=results_path)
    original_name = models.CharField(max_length=255)
    mapping = models.JSONField(
        default=dict, blank=True, help_text=_("column mapping; empty to recognise the layout")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=100, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text=_("per cent done"))
    error = models.TextField(blank=True)
    summary = models.JSONField(default=dict, blank=True)
    stations_matched = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("rows whose station code is in the registry")
    )
    unmatched_codes = models.JSONField(default=list, blank=True)
    language = models.CharField(
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("the language the report is written in: its uploader's"),
    )

    objects = ResultsUploadQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def report_dir(self) -> Path:
        return Path(settings.MEDIA_ROOT) / "forensics" / str(self.election_id) / f"report-{self.pk}"
