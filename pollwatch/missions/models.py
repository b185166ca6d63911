"""Missions, their people and teams, and the log of meetings with counterparts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pollwatch.registry.models import Area, Election


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    country = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Mission(models.Model):
    class Kind(models.TextChoices):
        INTERNATIONAL = "international", _("international")
        CITIZEN = "citizen", _("citizen")

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="missions")
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="missions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    arrival = models.DateField(help_text=_("first day of the mission in the country"))
    departure = models.DateField(help_text=_("last day of the mission in the country"))
    methodology = models.TextField(blank=True)

    class Meta:
        ordering = ["-arrival", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(departure__gte=models.F("arrival")),
                name="mission_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("missions:detail", args=[self.slug])

    @property
    def head(self) -> Member | None:
        return self.members.filter(role=Member.Role.HEAD_OF_MISSION).first()

    @property
    def days_in_country(self) -> int:
        return (self.departure - self.arrival).days + 1


class Team(models.Model):
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="teams")
    code = models.CharField(max_length=40)
    areas = models.ManyToManyField(Area, blank=True, related_name="teams")

    class Meta:
        ordering = ["mission", "code"]
        constraints = [models.UniqueConstraint(fields=["mission", "code"], name="team_code_unique")]

    def __str__(self) -> str:
        return self.code


class Member(models.Model):
    class Role(models.TextChoices):
        HEAD_OF_MISSION = "head_of_mission", _("head of mission")
        CORE_TEAM = "core_team", _("core team")
        COORDINATOR = "coordinator", _("coordinator")
        OBSERVER = "observer", _("observer")
        ANALYST = "analyst", _("analyst")
        SUPPORT = "support", _("interpreter or driver")

    class Accreditation(models.TextChoices):
        NOT_REQUESTED = "not_requested", _("not requested")
        PENDING = "pending", _("pending")
        GRANTED = "granted", _("granted")
        REFUSED = "refused", _("refused")
        REVOKED = "revoked", _("revoked")

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="members")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    full_name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=Role.choices)
    nationality = models.CharField(max_length=100, blank=True)
    home_organisation = models.CharField(max_length=200, blank=True)
    languages = models.CharField(max_length=200, blank=True, help_text=_("comma-separated"))
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True, help_text=_("E.164, e.g. +995555123456"))
    accreditation_status = models.CharField(
        max_length=20, choices=Accreditation.choices, default=Accreditation.NOT_REQUESTED
    )
    accreditation_number = models.CharField(max_length=60, blank=True)
    accreditation_valid_until = models.DateField(null=True, blank=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    areas = models.ManyToManyField(
        Area,
        blank=True,
        related_name="coordinators",
        help_text=_("areas a coordinator manages"),
    )

    class Meta:
        ordering = ["mission", "full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "email"],
                condition=~models.Q(email=""),
                name="member_email_unique_per_mission",
            ),
            models.UniqueConstraint(
                fields=["mission", "accreditation_number"],
                condition=~models.Q(accreditation_number=""),
                name="member_accreditation_unique_per_mission",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class Meeting(models.Model):
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField(db_index=True)
    counterpart_name = models.CharField(max_length=200)
    counterpart_position = models.CharField(max_length=200, blank=True)
    institution = models.CharField(max_length=200, db_index=True)
    attendees = models.ManyToManyField(Member, blank=True, related_name="meetings")
    topics = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)
    follow_ups = models.TextField(blank=True)

    class Meta:
        ordering = ["-date", "institution"]

    def __str__(self) -> str:
        return f"{self.date} {self.institution}"
