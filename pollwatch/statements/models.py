"""Statements: drafts the core team edits, and published versions frozen with their data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from pollwatch.registry.models import Round

SECTIONS = [
    ("summary", _("Summary of conclusions")),
    ("mission", _("The mission, its legal benchmarks and its method")),
    ("pre_election", _("The pre-election period")),
    ("opening", _("Election day: opening")),
    ("voting", _("Election day: voting")),
    ("counting", _("Election day: counting")),
    ("tabulation", _("Election day: tabulation")),
    ("inclusion", _("The participation of women, young, elderly and disabled voters")),
    ("pvt", _("The parallel vote tabulation")),
    ("official_results", _("The official results and their forensic tests")),
    ("recommendations", _("Recommendations")),
]
SECTION_KEYS = [key for key, _label in SECTIONS]


class PublishedVersionLocked(Exception):
    """A published version was about to change; publish a new version instead."""


class Statement(models.Model):
    class Kind(models.TextChoices):
        PRELIMINARY = "preliminary", _("preliminary statement")
        FINAL = "final", _("final report")

    mission = models.ForeignKey(
        "missions.Mission", on_delete=models.CASCADE, related_name="statements"
    )
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.PRELIMINARY)
    language = models.CharField(max_length=8, default="en")
    created_at = models.DateTimeField(auto_now_add=True)
    round = models.ForeignKey(
        "registry.Round",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statements",
        help_text=_("the round the statement reports on; its figures are of that round's reports"),
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("statements:detail", args=[self.pk])

    def round_to_name(self) -> Round | None:
        """The round the statement covers, when readers need telling: its election has others."""
        covered = self.round
        if covered is None or (covered.previous_round is None and covered.next_round is None):
            return None
        return covered

    def draft(self) -> StatementVersion | None:
        return self.versions.filter(status=StatementVersion.Status.DRAFT).first()

    def latest_published(self) -> StatementVersion | None:
        return (
            self.versions.filter(status=StatementVersion.Status.PUBLISHED)
            .order_by("-number")
            .first()
        )


class StatementVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    sections = models.JSONField(
        default=dict, help_text=_("section key to text with figure references")
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rendered = models.JSONField(
        default=dict, blank=True, help_text=_("frozen text of each section, figures filled in")
    )
    data = models.JSONField(
        default=dict, blank=True, help_text=_("frozen figures, coverage and claim check")
    )
    text_digest = models.CharField(max_length=64, blank=True)
    data_digest = models.CharField(max_length=64, blank=True)
    flags_confirmed = models.BooleanField(
        default=False, help_text=_("published although the claim check flagged sentences")
    )

    class Meta:
        ordering = ["statement", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "number"], name="statement_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["statement"],
                condition=models.Q(status="draft"),
                name="one_draft_per_statement",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | (
                    models.Q(published_at__isnull=False)
                    & ~models.Q(text_digest="")
                    & ~models.Q(data_digest="")
                ),
                name="published_version_is_frozen",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement} v{self.number} ({self.status})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if (
            self.pk is not None
            and StatementVersion.objects.filter(pk=self.pk, status=self.Status.PUBLISHED).exists()
        ):
            raise PublishedVersionLocked(f"{self} is published and cannot change")
        super().save(*args, **kwargs)

    def get_public_url(self) -> str:
        return reverse("statements:public", args=[self.statement_id, self.number])
