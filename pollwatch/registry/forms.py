import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pollwatch.registry.models import Area, BallotOption, Election, Round
from pollwatch.registry.templatetags.election_time import election_zone


class StationUploadForm(forms.Form):
    file = forms.FileField(label=_("Stations file (CSV or XLSX)"))
    mapping = forms.CharField(
        label=_("Column mapping (optional)"),
        required=False,
        help_text=_("field=Column pairs, e.g. code=UIK,registered_voters=Voters"),
    )


class BoundariesUploadForm(forms.Form):
    file = forms.FileField(label=_("Area boundaries (GeoJSON)"))
    code_property = forms.CharField(
        label=_("Property holding the area code"),
        initial="code",
        required=False,
        max_length=100,
        help_text=_("The name of the feature property that holds the area's code."),
    )


class BallotChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


class RoundChangeForm(forms.Form):
    """What may change in a later round before its reports begin."""

    name = forms.CharField(
        label=_("Name (optional)"),
        required=False,
        max_length=200,
        help_text=_("Empty: the round's number and kind, e.g. “Round 2: run-off”."),
    )
    reports_from = forms.DateTimeField(
        label=_("Reports begin at (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_(
            "On the election's clock. Reports received from then on belong to this round. "
            "Empty: midnight after the previous round's voting day."
        ),
    )
    options = BallotChoice(
        label=_("On the ballot"),
        queryset=BallotOption.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A run-off offers only the two leading candidates. None ticked: every option."),
    )

    def __init__(self, *args: Any, election: Election, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.election = election
        choice = cast(forms.ModelMultipleChoiceField, self.fields["options"])
        choice.queryset = BallotOption.objects.filter(contest__election=election).order_by(
            "contest_id", "position"
        )
        start = self.initial.get("reports_from")
        if start is not None:
            # Shown as typed: on the election's clock, without its zone.
            self.initial["reports_from"] = timezone.make_naive(start, election_zone(election))

    def clean_reports_from(self) -> datetime.datetime | None:
        """The time as typed, on the election's clock (not the server's)."""
        start = self.cleaned_data["reports_from"]
        if start is None:
            return None
        typed = timezone.make_naive(start) if timezone.is_aware(start) else start
        return timezone.make_aware(typed, election_zone(self.election))


class RoundForm(RoundChangeForm):
    """A later round: a run-off, or repeat voting in some areas."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (Round.Kind.RUNOFF, Round.Kind.RUNOFF.label),
            (Round.Kind.REPEAT, Round.Kind.REPEAT.label),
        ],
    )
    voting_day = forms.DateField(
        label=_("Voting day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    areas = forms.CharField(
        label=_("Areas of repeat voting (optional)"),
        required=False,
        help_text=_("Area codes, comma-separated. Empty: voting everywhere."),
    )
    field_order = ["kind", "voting_day", "name", "reports_from", "areas", "options"]

    def clean_areas(self) -> list[Area]:
        codes = [code.strip() for code in self.cleaned_data["areas"].split(",") if code.strip()]
        areas = list(Area.objects.filter(election=self.election, code__in=codes))
        unknown = [code for code in codes if code not in {area.code for area in areas}]
        if unknown:
            raise forms.ValidationError(
                _("Unknown area codes in this election: %(codes)s") % {"codes": ", ".join(unknown)}
            )
        return areas
