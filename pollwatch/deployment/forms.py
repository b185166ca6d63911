from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pollwatch.deployment.services import DesignChoices
from pollwatch.forensics.forms import ColumnMappingField
from pollwatch.registry.models import Area, Election, Round

if TYPE_CHECKING:
    from pollwatch.missions.models import Team
from pollwatch.stats.sampling import ALLOCATIONS

ALLOCATION_LABELS = {
    "proportional": _("proportional to the number of stations"),
    "equal": _("the same number in each stratum"),
    "neyman": _("Neyman, on the spread of registered voters"),
}


class DrawForm(forms.Form):
    size = forms.IntegerField(label=_("Stations to sample"), min_value=1)
    strata_levels = forms.TypedMultipleChoiceField(
        label=_("Stratify by area level"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    by_kind = forms.BooleanField(label=_("Stratify by station kind"), required=False)
    size_class_bounds = forms.CharField(
        label=_("Size classes of registered voters (bounds, e.g. 500,1500)"), required=False
    )
    allocation = forms.ChoiceField(
        label=_("Allocation to strata"),
        choices=[(name, ALLOCATION_LABELS[name]) for name in ALLOCATIONS],
    )
    minimum_per_stratum = forms.IntegerField(
        label=_("At least this many per stratum"), min_value=0, initial=0
    )
    pps = forms.BooleanField(
        label=_("Probability proportional to registered voters"), required=False
    )
    reserve_per_stratum = forms.IntegerField(
        label=_("Reserve stations per stratum"), min_value=0, initial=3
    )
    is_pvt = forms.BooleanField(
        label=_("PVT sample (each team stays at one station all day)"), required=False
    )
    stations_per_team = forms.IntegerField(
        label=_("Most stations a team visits in a day"), min_value=1, max_value=30, initial=10
    )
    for_round = forms.ModelChoiceField(
        queryset=Round.objects.none(),
        required=False,
        label=_("Round"),
        empty_label=_("the round being observed now"),
    )
    seed = forms.IntegerField(
        label=_("Random seed (leave empty for a fresh one)"),
        required=False,
        min_value=0,
        max_value=2**63 - 1,
    )

    def __init__(self, *args: Any, election: Election, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rounds = cast("forms.ModelChoiceField[Round]", self.fields["for_round"])
        rounds.queryset = Round.objects.filter(election=election)
        levels = (
            Area.objects.filter(election=election)
            .values_list("level", "level_name")
            .distinct()
            .order_by("level")
        )
        names: dict[int, str] = {}
        for level, name in levels:
            names.setdefault(level, name or _("level %(level)d") % {"level": level})
        strata_levels = cast(forms.TypedMultipleChoiceField, self.fields["strata_levels"])
        strata_levels.choices = sorted(names.items())

    def clean_size_class_bounds(self) -> tuple[int, ...]:
        text = self.cleaned_data["size_class_bounds"].strip()
        if not text:
            return ()
        try:
            bounds = tuple(int(part) for part in text.replace(" ", "").split(","))
        except ValueError as error:
            raise forms.ValidationError(
                _("Give whole numbers separated by commas, such as 500,1500.")
            ) from error
        if any(high <= low for low, high in zip(bounds, bounds[1:], strict=False)):
            raise forms.ValidationError(_("The bounds must increase."))
        return bounds

    def choices(self) -> DesignChoices:
        data = self.cleaned_data
        return DesignChoices(
            size=data["size"],
            strata_levels=tuple(data["strata_levels"]),
            by_kind=data["by_kind"],
            size_class_bounds=data["size_class_bounds"],
            allocation=data["allocation"],
            minimum_per_stratum=data["minimum_per_stratum"],
            pps=data["pps"],
            reserve_per_stratum=data["reserve_per_stratum"],
            is_pvt=data["is_pvt"],
            stations_per_team=data["stations_per_team"],
        )


class ReassignForm(forms.Form):
    to_team: forms.ModelChoiceField[Team] = forms.ModelChoiceField(
        label=_("Move to team"), queryset=None
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, teams: QuerySet[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        to_team = cast("forms.ModelChoiceField[Team]", self.fields["to_team"])
        to_team.queryset = teams


class ReplaceForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for replacing"), widget=forms.Textarea(attrs={"rows": 2})
    )


class CalculatorForm(forms.Form):
    moe = forms.FloatField(
        label=_("Margin of error (percentage points)"), min_value=0.01, max_value=50, initial=1
    )
    confidence = forms.TypedChoiceField(
        label=_("Confidence level"),
        coerce=float,
        choices=[(0.9, "90%"), (0.95, "95%"), (0.99, "99%")],
        initial=0.99,
    )
    heterogeneity = forms.FloatField(
        label=_("Heterogeneity (expected share, 0.5 when unknown)"),
        min_value=0.01,
        max_value=0.99,
        initial=0.5,
    )
    population = forms.IntegerField(label=_("Registered voters"), min_value=1, required=False)
    station_size = forms.FloatField(
        label=_("Average registered voters per station"), min_value=1, required=False
    )
    turnout = forms.FloatField(
        label=_("Expected turnout (share)"), min_value=0.01, max_value=1, initial=1
    )
    response = forms.FloatField(
        label=_("Expected share of sample points that report"),
        min_value=0.01,
        max_value=1,
        initial=1,
    )
    stations = forms.IntegerField(
        label=_("Margin of error of a sample of this many stations"), min_value=1, required=False
    )
    design_effect = forms.FloatField(
        label=_("Design effect (empty: 1, as if voters were drawn one by one)"),
        min_value=0.01,
        required=False,
    )
    prior = forms.FileField(
        label=_("A previous election's per-station results (CSV, XLSX or a zipped CSV)"),
        required=False,
        help_text=_("Used for this calculation only, never stored."),
    )
    mapping = ColumnMappingField(
        help_text=_(
            "Leave empty for the Russian election commission layout. Otherwise, e.g. "
            'registered = "Voters"  given = ["Issued"]  valid = "Valid"  '
            'options = ["A", "B"]'
        ),
    )
    option = forms.CharField(
        label=_("Option whose share to plan for (empty: the leader)"), required=False
    )
    stratum = forms.CharField(label=_("Stratify by this column"), required=False)
    allocation = forms.ChoiceField(
        label=_("Allocation among strata"),
        choices=[
            ("proportional", _("proportional to the number of stations")),
            ("equal", _("the same number in each stratum")),
            ("neyman", _("Neyman, on the spread of the previous results")),
        ],
        initial="proportional",
        required=False,
    )
    minimum = forms.IntegerField(
        label=_("Least stations per stratum"), min_value=1, initial=1, required=False
    )

    PRIOR_ONLY = ("mapping", "option", "stratum")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("prior"):
            if data.get("design_effect"):
                self.add_error(
                    "design_effect",
                    _("The previous election's results give the design effect; leave it empty."),
                )
        else:
            for name in self.PRIOR_ONLY:
                if data.get(name):
                    self.add_error(name, _("This needs a previous election's results file."))
        return data

    @classmethod
    def defaults(cls) -> dict[str, str]:
        return {
            name: str(field.initial)
            for name, field in cls.base_fields.items()
            if field.initial is not None
        }
