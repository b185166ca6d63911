"""Deployment plans: a mission's sample of stations, drawn with a recorded design, and routes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pollwatch.registry.models import Round


class DeploymentPlanQuerySet(models.QuerySet["DeploymentPlan"]):
    def of_round(self, round_: Round) -> DeploymentPlan | None:
        """The plan a round was observed by: the newest plan drawn for it."""
        return self.filter(round=round_).order_by("-created_at", "-pk").first()


class DeploymentPlan(models.Model):
    """One draw of stations for a mission and round; exactly one plan per mission is current.

    The current plan is the one observers follow now: the newest plan of the
    round being observed. Each round has its own plan; a round's findings use
    the newest plan drawn for it.
    """

    mission = models.ForeignKey("missions.Mission", on_delete=models.CASCADE, related_name="plans")
    round = models.ForeignKey(
        "registry.Round",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
        help_text=_("the round whose voting day the plan is for"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_random = models.BooleanField(
        default=True,
        help_text=_(
            "false when stations were chosen by hand: findings then describe only those stations"
        ),
    )
    design = models.JSONField(default=dict, help_text=_("the sampling design's parameters"))
    seed = models.BigIntegerField(null=True, blank=True)
    description = models.TextField(help_text=_("the design in words, as published"))
    is_current = models.BooleanField(default=True)
    is_pvt = models.BooleanField(
        default=False,
        help_text=_("a PVT sample: each team stays at one station all day and copies the protocol"),
    )
    stations_per_team = models.PositiveSmallIntegerField(
        default=10, help_text=_("most stations a mobile team visits in a day")
    )

    objects = DeploymentPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mission"],
                condition=models.Q(is_current=True),
                name="one_current_plan_per_mission",
            )
        ]

    def __str__(self) -> str:
        return f"{self.mission} plan {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.round_id is None and self.mission_id is not None:
            # A plan drawn without naming its round is for the round being observed now.
            self.round = Round.objects.filter(election__missions=self.mission_id).current()
        super().save(*args, **kwargs)


class SampledStationQuerySet(models.QuerySet["SampledStation"]):
    def planned(self) -> SampledStationQuerySet:
        """The stations to be observed: sampled ones not replaced, and replacements in use."""
        return self.filter(is_planned=True)

    def unused_reserve(self, stratum: str) -> SampledStationQuerySet:
        return self.filter(is_reserve=True, is_planned=False, stratum=stratum).order_by(
            "reserve_rank"
        )


class SampledStation(models.Model):
    plan = models.ForeignKey(DeploymentPlan, on_delete=models.CASCADE, related_name="sampled")
    station = models.ForeignKey(
        "registry.PollingStation", on_delete=models.PROTECT, related_name="+"
    )
    stratum = models.CharField(max_length=200, blank=True)
    inclusion_probability = models.FloatField()
    weight = models.FloatField()
    is_reserve = models.BooleanField(default=False)
    reserve_rank = models.PositiveIntegerField(null=True, blank=True)
    is_planned = models.BooleanField(
        default=True,
        help_text=_(
            "whether the station is to be observed: false for reserves not used "
            "and for sampled stations replaced from the reserve list"
        ),
    )

    objects = SampledStationQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "is_reserve", "stratum", "reserve_rank", "station"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "station"], name="station_once_per_plan")
        ]

    def __str__(self) -> str:
        return f"{self.station_id} in plan {self.plan_id}"


class RouteStopQuerySet(models.QuerySet["RouteStop"]):
    def current_for_team(self, team_id: int) -> RouteStopQuerySet:
        return self.filter(plan__is_current=True, team_id=team_id).order_by("day", "position")


class RouteStop(models.Model):
    plan = models.ForeignKey(DeploymentPlan, on_delete=models.CASCADE, related_name="stops")
    team = models.ForeignKey("missions.Team", on_delete=models.CASCADE, related_name="stops")
    station = models.ForeignKey(
        "registry.PollingStation", on_delete=models.PROTECT, related_name="+"
    )
    day = models.PositiveSmallIntegerField(default=1)
    position = models.PositiveSmallIntegerField()
    is_pvt = models.BooleanField(default=False)

    objects = RouteStopQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "team", "day", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "station"], name="station_on_one_route")
        ]

    def __str__(self) -> str:
        return f"team {self.team_id} day {self.day} stop {self.position}"


class Reassignment(models.Model):
    """A change to a route on the day: who changed what, and why."""

    class Kind(models.TextChoices):
        MOVED = "moved", _("moved to another team")
        REPLACED = "replaced", _("replaced from the reserve list")

    plan = models.ForeignKey(DeploymentPlan, on_delete=models.CASCADE, related_name="reassignments")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    station = models.ForeignKey(
        "registry.PollingStation", on_delete=models.PROTECT, related_name="+"
    )
    replacement = models.ForeignKey(
        "registry.PollingStation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_team = models.ForeignKey(
        "missions.Team", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_team = models.ForeignKey(
        "missions.Team", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.station_id}"
