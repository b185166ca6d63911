"""The PVT sample of a mission and the official results it is compared with."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PVTSample(models.Model):
    """The random sample of stations whose official figures observers copy (PVT form 2).

    ``stratum_sizes`` holds ``N_h``, the stations of each stratum in the frame,
    so that the estimate can weight each reporting station ``N_h / n_h``; a
    sample drawn with unequal probabilities keeps each station's own
    probability in :attr:`PVTStation.inclusion_probability`.
    """

    mission = models.OneToOneField(
        "missions.Mission", on_delete=models.CASCADE, related_name="pvt_sample"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    seed = models.BigIntegerField(null=True, blank=True)
    description = models.TextField(help_text=_("the design in words, as published"))
    stratum_sizes = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"PVT sample of {self.mission}"


class PVTStation(models.Model):
    sample = models.ForeignKey(PVTSample, on_delete=models.CASCADE, related_name="stations")
    station = models.ForeignKey(
        "registry.PollingStation", on_delete=models.PROTECT, related_name="+"
    )
    stratum = models.CharField(max_length=200, blank=True)
    inclusion_probability = models.FloatField(
        null=True,
        blank=True,
        help_text=_("probability of being drawn; empty means its stratum's n_h / N_h"),
    )

    class Meta:
        ordering = ["sample", "stratum", "station"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "station"], name="pvt_station_once")
        ]

    def __str__(self) -> str:
        return f"{self.station_id} in {self.sample_id}"


class OfficialResults(models.Model):
    """One import of official results: per station, or national totals only.

    ``totals`` holds the national figures (``registered``, ``ballots_issued``,
    ``valid`` and ``votes`` per option code), given or summed from the stations.
    """

    class Kind(models.TextChoices):
        STATIONS = "stations", _("per polling station")
        NATIONAL = "national", _("national totals")

    mission = models.ForeignKey(
        "missions.Mission", on_delete=models.CASCADE, related_name="official_results"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    source = models.CharField(max_length=300)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    round = models.ForeignKey(
        "registry.Round", on_delete=models.PROTECT, related_name="official_results"
    )
    totals = models.JSONField(default=dict)

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.source}"


class OfficialStationResult(models.Model):
    results = models.ForeignKey(OfficialResults, on_delete=models.CASCADE, related_name="stations")
    station = models.ForeignKey(
        "registry.PollingStation", on_delete=models.PROTECT, related_name="+"
    )
    registered = models.PositiveIntegerField()
    ballots_issued = models.PositiveIntegerField()
    valid = models.PositiveIntegerField()
    votes = models.JSONField(help_text=_("votes per ballot option code"))

    class Meta:
        ordering = ["results", "station"]
        constraints = [
            models.UniqueConstraint(fields=["results", "station"], name="official_station_once")
        ]

    def __str__(self) -> str:
        return f"{self.station_id} in {self.results_id}"
