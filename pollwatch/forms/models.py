"""Forms and their immutable versions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models

from pollwatch.forms.definition import PHASES, definition_digest


class FormVersionLocked(Exception):
    """A locked form version (one that has received submissions) was about to change."""


class Form(models.Model):
    code = models.SlugField(max_length=64, unique=True)
    phase = models.CharField(max_length=16, choices=[(phase, phase) for phase in PHASES])
    title = models.CharField(max_length=300, help_text="Title in the form's first language.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def latest_version(self) -> FormVersion | None:
        return self.versions.order_by("-version").first()


class FormVersionQuerySet(models.QuerySet):
    def newest_definitions(self, codes: Iterable[str]) -> dict[str, dict]:
        """The definition of each listed form's newest version, by form code, in one query.

        A code with no published version is absent from the result.
        """
        newest = (
            FormVersion.objects.filter(form=models.OuterRef("form"))
            .order_by("-version")
            .values("version")[:1]
        )
        rows = self.filter(form__code__in=list(codes), version=models.Subquery(newest))
        return dict(rows.values_list("form__code", "definition"))


class FormVersion(models.Model):
    """One published definition of a form; once locked (first submission) it never changes."""

    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    definition = models.JSONField()
    xform = models.TextField(
        blank=True,
        default="",
        help_text="The XForm devices get, as imported; empty when it is built from the definition.",
    )
    xlsform = models.JSONField(
        null=True,
        blank=True,
        help_text="The imported XLSForm's sheets (columns and rows), for export.",
    )
    warnings = models.JSONField(
        default=list, blank=True, help_text="What the import noted: parts carried, not analysed."
    )
    digest = models.CharField(
        max_length=64,
        help_text="SHA-256 of the canonical definition, the XForm and the media files.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    locked_at = models.DateTimeField(null=True, blank=True)

    objects = FormVersionQuerySet.as_manager()

    class Meta:
        ordering = ["form", "version"]
        constraints = [
            models.UniqueConstraint(fields=["form", "version"], name="form_version_unique"),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="form_version_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form.code} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.digest = definition_digest(self.definition, self.xform, self.media_digests())
        if self.pk is not None:
            stored = (
                FormVersion.objects.filter(pk=self.pk, locked_at__isnull=False)
                .values("definition", "xform", "digest", "version", "form_id")
                .first()
            )
            mine = {
                "definition": self.definition,
                "xform": self.xform,
                "digest": self.digest,
                "version": self.version,
                "form_id": self.form_id,
            }
            if stored is not None and stored != mine:
                raise FormVersionLocked(
                    f"{self}: has received submissions; publish a new version instead"
                )
        super().save(*args, **kwargs)

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    def media_digests(self) -> dict[str, str]:
        """The MD5 of each of its media files, by name; none before it is first saved."""
        if self.pk is None:
            return {}
        return dict(self.media.values_list("name", "md5"))


class FormMedia(models.Model):
    """A file a version's XForm names: a CSV or XML list, a picture, a sound, a film."""

    version = models.ForeignKey(FormVersion, on_delete=models.CASCADE, related_name="media")
    name = models.CharField(max_length=255, help_text="The file's name as the form names it.")
    content = models.BinaryField(help_text="Within the import limits (POLLWATCH_IMPORT_MAX_BYTES).")
    content_type = models.CharField(max_length=100)
    md5 = models.CharField(max_length=32)

    class Meta:
        ordering = ["version", "name"]
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="form_media_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.version}: {self.name}"
