"""Device tokens, how observers' phones and scripts authenticate to the API; profiles."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pollwatch.accounts.certification import is_certified
from pollwatch.accounts.roles import membership


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenRefused(Exception):
    """The person may not hold a device token yet; the message says why."""


class DeviceTokenQuerySet(models.QuerySet["DeviceToken"]):
    def active(self) -> DeviceTokenQuerySet:
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class DeviceToken(models.Model):
    """Only a digest is kept; the token itself is shown once, when issued."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="device_tokens"
    )
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = DeviceTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[DeviceToken, str]:
        """A new token for ``user``; ``TokenRefused`` for a member not yet certified."""
        member = membership(user)
        if member is not None and not is_certified(member):
            raise TokenRefused(
                gettext(
                    "%(user)s has not passed the mission's required briefing yet, "
                    "so may not hold a device token."
                )
                % {"user": user.get_username()}
            )
        token = secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, digest=token_digest(token)), token

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])


class Profile(models.Model):
    """A person's own settings, which follow them from one device and mission to the next."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    # Blank: the language the browser asks for, or the last one chosen in the switcher.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.language or '-'}"


def preferred_language(user_id: int) -> str:
    """The language the user chose, or ``""`` when they chose none."""
    chosen = Profile.objects.filter(user_id=user_id).values_list("language", flat=True).first()
    return chosen or ""


def remember_language(user: User, language: str) -> None:
    Profile.objects.update_or_create(user=user, defaults={"language": language})
