from collections.abc import Mapping, Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from pollwatch.forms.labels import PHASE_LABELS
from pollwatch.missions.models import Mission
from pollwatch.registry.models import Area, Round


class FindingsFilterForm(forms.Form):
    round = forms.ChoiceField(required=False, label=_("Round"))
    form = forms.ChoiceField(required=False, label=_("Form"))
    area = forms.ModelChoiceField(queryset=Area.objects.none(), required=False, label=_("Area"))
    phase = forms.ChoiceField(
        choices=[("", _("any")), *PHASE_LABELS.items()], required=False, label=_("Phase")
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
        self,
        data: Mapping[str, Any] | None,
        *,
        mission: Mission,
        form_codes: Sequence[str],
        form_titles: Mapping[str, str] | None = None,
        rounds: Sequence[Round] = (),
    ) -> None:
        super().__init__(data)
        round_ = cast(forms.ChoiceField, self.fields["round"])
        round_.choices = [("", _("the latest round with reports"))] + [
            (str(r.number), r.title) for r in rounds
        ]
        if len(rounds) < 2:
            round_.widget = forms.HiddenInput()
        # The bound copies in self.fields, not the class's declarations, get the choices.
        form = cast(forms.ChoiceField, self.fields["form"])
        area = cast("forms.ModelChoiceField[Area]", self.fields["area"])
        team = cast(forms.ChoiceField, self.fields["team"])
        titles = form_titles or {}
        form.choices = [(code, titles.get(code) or code) for code in form_codes]
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
