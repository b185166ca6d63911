"""The election registry: elections, contests, ballot options, areas, polling stations."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from pollwatch.accounts.roles import AnyUser, Role, is_administrator, mission_role, own_mission_id
from pollwatch.accounts.scoping import WHOLE_MISSION, coordinated_areas, team_areas


class ElectionQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> ElectionQuerySet:
        """Elections the user works on: their mission's (administrators: all)."""
        if is_administrator(user):
            return self
        if mission_role(user) is None:
            return self.none()
        return self.filter(missions=own_mission_id(user))


class Election(models.Model):
    class Kind(models.TextChoices):
        PRESIDENTIAL = "presidential", _("presidential")
        PARLIAMENTARY = "parliamentary", _("parliamentary")
        REFERENDUM = "referendum", _("referendum")
        LOCAL = "local", _("local")

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=100)
    date = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        help_text=_(
            "IANA name, e.g. Asia/Tbilisi; sets the hours "
            "in which each phase's reports are expected"
        ),
    )

    objects = ElectionQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:election", args=[self.slug])


class RoundQuerySet(models.QuerySet["Round"]):
    def receiving_at(self, moment: datetime.datetime) -> Round | None:
        """The round whose reporting window holds ``moment``: the last one opened by then.

        The first round's window has no start, so a report received before
        any later round opened belongs to the first.
        """
        opened = self.filter(
            models.Q(reports_from__isnull=True) | models.Q(reports_from__lte=moment)
        )
        return opened.order_by("-number").first()

    def current(self) -> Round | None:
        """The round whose reports are being received now."""
        return self.receiving_at(timezone.now())

    def in_order(self) -> list[Round]:
        """The rounds by number, each knowing its neighbours, so windows need no more queries."""
        rounds = list(self.order_by("number"))
        before = [None, *rounds[:-1]]
        after = [*rounds[1:], None]
        for round_, earlier, later in zip(rounds, before, after, strict=True):
            round_.__dict__["next_round"] = later
            round_.__dict__["previous_round"] = earlier
        return rounds


class Round(models.Model):
    """One voting day of an election: its first round, a run-off, or repeat voting in some areas.

    Reports belong to a round by the time the server received them: a round's
    window runs from ``reports_from`` until the next round's ``reports_from``.
    The first round's window has no start.
    """

    class Kind(models.TextChoices):
        FIRST = "first", _("first round")
        RUNOFF = "runoff", _("run-off")
        REPEAT = "repeat", _("repeat voting")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FIRST)
    voting_day = models.DateField()
    name = models.CharField(max_length=200, blank=True)
    reports_from = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_(
            "reports received from this time on belong to this round "
            "(until the next round's); empty for the first round"
        ),
    )
    areas: models.ManyToManyField[Area, Any] = models.ManyToManyField(
        "Area",
        blank=True,
        related_name="repeat_rounds",
        help_text=_("where repeat voting is held; empty means everywhere"),
    )
    options: models.ManyToManyField[BallotOption, Any] = models.ManyToManyField(
        "BallotOption",
        blank=True,
        related_name="rounds",
        help_text=_("the ballot options on this round's ballot; empty means every option"),
    )

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["election", "number"]
        constraints = [
            models.UniqueConstraint(fields=["election", "number"], name="round_number_unique")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        """The round's name, or its number and kind (``Round 2: run-off``)."""
        if self.name:
            return self.name
        return _("Round %(number)s: %(kind)s") % {
            "number": self.number,
            "kind": self.get_kind_display(),
        }

    @cached_property
    def next_round(self) -> Round | None:
        return Round.objects.filter(election=self.election_id, number__gt=self.number).first()

    @cached_property
    def previous_round(self) -> Round | None:
        return (
            Round.objects.filter(election=self.election_id, number__lt=self.number)
            .order_by("-number")
            .first()
        )

    def ballot(self) -> models.QuerySet[BallotOption]:
        """The options on this round's ballot, in ballot order: its own, else the election's."""
        chosen = self.options.all()
        if chosen.exists():
            return chosen.order_by("contest_id", "position")
        return BallotOption.objects.filter(contest__election=self.election_id).order_by(
            "contest_id", "position"
        )

    def receives_reports(self, moment: datetime.datetime | None = None) -> bool:
        """Whether reports may already belong to this round: its window has opened."""
        moment = moment or timezone.now()
        return self.reports_from is None or self.reports_from <= moment

    def reports_until(self) -> datetime.datetime | None:
        """When the next round's reports begin; None for the last round."""
        following = self.next_round
        return following.reports_from if following is not None else None

    def received_within(self, field: str = "received_at") -> models.Q:
        """The condition on a report's receipt time (``field``) that it belongs to this round."""
        condition = models.Q()
        if self.reports_from is not None:
            condition &= models.Q(**{f"{field}__gte": self.reports_from})
        until = self.reports_until()
        if until is not None:
            condition &= models.Q(**{f"{field}__lt": until})
        return condition


class Contest(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="contests")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["election", "name"], name="contest_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class BallotOption(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="options")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["contest", "position"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "code"], name="ballot_option_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class AreaQuerySet(models.QuerySet["Area"]):
    def within(self, areas: Iterable[Area]) -> AreaQuerySet:
        """The given areas and every area below them."""
        query = models.Q(pk__in=[])
        for area in areas:
            query |= models.Q(path__startswith=area.path)
        return self.filter(query)

    def outlines(self) -> dict[str, Any]:
        """The areas that have an outline, as a GeoJSON FeatureCollection, parents first."""
        return {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"code": area.code, "name": area.name, "level": area.level},
                    "geometry": area.geometry,
                }
                for area in self.filter(geometry__isnull=False).order_by("path")
            ],
        }


class Area(models.Model):
    """A node of an election's administrative hierarchy; ``path`` holds its ancestors' ids."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="areas")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.RESTRICT, related_name="children"
    )
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    level = models.PositiveSmallIntegerField(default=0)
    level_name = models.CharField(max_length=60, blank=True)
    path = models.CharField(max_length=500, db_index=True, editable=False)
    geometry = models.JSONField(
        null=True,
        blank=True,
        help_text=_("the area's outline: a GeoJSON Polygon or MultiPolygon, lon/lat in degrees"),
    )

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["election", "code"], name="area_code_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        parent = self.parent if self.parent_id else None
        self.level = parent.level + 1 if parent is not None else 0
        super().save(*args, **kwargs)
        expected = f"{parent.path if parent is not None else '/'}{self.pk}/"
        if self.path != expected:
            self.path = expected
            super().save(update_fields=["path", "level"])

    def ancestors(self) -> list[Area]:
        ids = [int(part) for part in self.path.strip("/").split("/") if part]
        by_id = Area.objects.in_bulk(ids)
        return [by_id[pk] for pk in ids if pk in by_id]


class PollingStationQuerySet(models.QuerySet["PollingStation"]):
    def in_areas(self, areas: Iterable[Area]) -> PollingStationQuerySet:
        query = models.Q(pk__in=[])
        for area in areas:
            query |= models.Q(area__path__startswith=area.path)
        return self.filter(query)

    def search(self, text: str) -> PollingStationQuerySet:
        text = text.strip()
        if not text:
            return self
        return self.filter(
            models.Q(code__iexact=text)
            | models.Q(code__istartswith=text)
            | models.Q(name__icontains=text)
            | models.Q(address__icontains=text)
        )

    def visible_to(self, user: AnyUser) -> PollingStationQuerySet:
        """The mission's stations, narrowed to a coordinator's or a team's areas."""
        if is_administrator(user):
            return self
        role = mission_role(user)
        if role in WHOLE_MISSION:
            return self.filter(election__missions=own_mission_id(user))
        if role is Role.COORDINATOR:
            return self.in_areas(coordinated_areas(user))
        if role is Role.OBSERVER:
            return self.in_areas(team_areas(user))
        return self.none()


class PollingStation(models.Model):
    class Kind(models.TextChoices):
        REGULAR = "regular", _("regular")
        SPECIAL = "special", _("special")
        ABROAD = "abroad", _("abroad")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="stations")
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=300)
    address = models.CharField(max_length=500, blank=True)
    area = models.ForeignKey(Area, on_delete=models.RESTRICT, related_name="stations")
    registered_voters = models.PositiveIntegerField()
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REGULAR)

    objects = PollingStationQuerySet.as_manager()

    class Meta:
        ordering = ["election", "code"]
        constraints = [
            models.UniqueConstraint(fields=["election", "code"], name="station_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
