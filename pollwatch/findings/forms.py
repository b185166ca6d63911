import json
from collections.abc import Mapping, Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from pollwatch.forms.definition import PHASES
from pollwatch.lib.tabular import ImportLimits, TableRejected, read_limited
from pollwatch.missions.models import Mission
from pollwatch.registry.models import Area


class FindingsFilterForm(forms.Form):
    form = forms.ChoiceField(required=False, label=_("Form"))
    area = forms.ModelChoiceField(queryset=Area.objects.none(), required=False, label=_("Area"))
    phase = forms.ChoiceField(
        choices=[("", _("any"))] + [(p, p) for p in PHASES], required=False, label=_("Phase")
    )
    team = forms.ChoiceField(required=False, label=_("Team"))
    since = forms.DateTimeField(
        required=False,
        label=_("Received from"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    until = forms.DateTimeField(
        required=False,
        label=_("Received before"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __init__(
        self, data: Mapping[str, Any] | None, *, mission: Mission, form_codes: Sequence[str]
    ) -> None:
        super().__init__(data)
        # The bound copies in self.fields, not the class's declarations, get the choices.
        form = cast(forms.ChoiceField, self.fields["form"])
        area = cast("forms.ModelChoiceField[Area]", self.fields["area"])
        team = cast(forms.ChoiceField, self.fields["team"])
        form.choices = [(code, code) for code in form_codes]
        area.queryset = Area.objects.filter(election=mission.election, level__lte=1)
        team.choices = [("", _("any"))] + [
            (str(team.pk), team.code) for team in mission.teams.all()
        ]


class OfficialResultsForm(forms.Form):
    file = forms.FileField(
        label=_("Official results (CSV or XLSX)"),
        help_text=_(
            "Per station: columns station, registered, ballots_issued, valid and one per option "
            "code. National totals: columns figure and value."
        ),
    )


class BoundariesForm(forms.Form):
    file = forms.FileField(
        label=_("Area boundaries (GeoJSON)"),
        help_text=_("A FeatureCollection whose features carry the area's code in properties.code."),
    )

    def clean_file(self) -> dict[str, Any]:
        try:
            raw = read_limited(self.cleaned_data["file"], ImportLimits.from_settings())
        except TableRejected as rejected:
            raise forms.ValidationError(str(rejected.problems[0].reason)) from None
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise forms.ValidationError(
                _("not a GeoJSON file: %(error)s") % {"error": error}
            ) from None
        except RecursionError:
            raise forms.ValidationError(_("not a GeoJSON file: nested too deeply")) from None
        if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
            raise forms.ValidationError(_("the file must hold a GeoJSON FeatureCollection"))
        return data
