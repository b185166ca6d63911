"""Badges: what a polling station official scans to check an observer's accreditation."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pollwatch.missions.models import Member


def new_badge_code() -> str:
    """An unguessable code: the check page is public, so its address must not be enumerable."""
    return secrets.token_urlsafe(18)


class BadgeStatus(models.TextChoices):
    VALID = "valid", _("valid")
    REVOKED = "revoked", _("revoked")
    EXPIRED = "expired", _("expired")
    NOT_YET_VALID = "not_yet_valid", _("not yet valid")


class BadgeQuerySet(models.QuerySet):
    def active(self) -> BadgeQuerySet:
        """Badges not revoked (they may still be expired or not yet valid)."""
        return self.filter(revoked_at__isnull=True)

    def of_mission(self, mission_id: int) -> BadgeQuerySet:
        return self.filter(member__mission=mission_id)


class Badge(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="badges")
    code = models.CharField(max_length=40, unique=True, default=new_badge_code, editable=False)
    photo = models.FileField(upload_to="badge-photos/", blank=True)
    valid_from = models.DateField()
    valid_until = models.DateField()
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=300, blank=True)

    objects = BadgeQuerySet.as_manager()

    class Meta:
        ordering = ["member__full_name", "-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(revoked_at__isnull=True),
                name="badge_one_active_per_member",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="badge_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} ({self.valid_from}–{self.valid_until})"

    @property
    def mission_id(self) -> int:
        """The badge's mission, which permission checks ask every object for."""
        return self.member.mission_id

    def status_on(self, day: datetime.date) -> BadgeStatus:
        """What the check page says of the badge on ``day``; a revocation outweighs the dates."""
        if self.revoked_at is not None:
            return BadgeStatus.REVOKED
        if day < self.valid_from:
            return BadgeStatus.NOT_YET_VALID
        if day > self.valid_until:
            return BadgeStatus.EXPIRED
        return BadgeStatus.VALID

    @property
    def status(self) -> BadgeStatus:
        return self.status_on(timezone.localdate())
