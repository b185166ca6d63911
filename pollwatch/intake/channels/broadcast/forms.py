"""The broadcast form: whom to send to, and the message."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pollwatch.intake.models import Broadcast
from pollwatch.missions.models import Mission, Team
from pollwatch.registry.models import Area


class BroadcastForm(forms.Form):
    audience = forms.ChoiceField(label=_("Send to"), choices=Broadcast.Audience.choices)
    team: forms.ModelChoiceField[Team] = forms.ModelChoiceField(
        label=_("Team"), queryset=None, required=False
    )
    area: forms.ModelChoiceField[Area] = forms.ModelChoiceField(
        label=_("Area"), queryset=None, required=False
    )
    text = forms.CharField(
        label=_("Message"), max_length=640, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, mission: Mission, teams: QuerySet[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The bound copies in self.fields, not the class's declarations, get the choices.
        cast("forms.ModelChoiceField[Team]", self.fields["team"]).queryset = teams
        areas = mission.election.areas.order_by("path")
        cast("forms.ModelChoiceField[Area]", self.fields["area"]).queryset = areas
