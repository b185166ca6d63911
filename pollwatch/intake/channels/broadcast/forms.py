"""The broadcast form: whom to send to, and the message."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pollwatch.intake.models import Broadcast


class BroadcastForm(forms.Form):
    audience = forms.ChoiceField(label=_("Send to"), choices=Broadcast.Audience.choices)
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False)
    area = forms.ModelChoiceField(label=_("Area"), queryset=None, required=False)
    text = forms.CharField(
        label=_("Message"), max_length=640, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, mission, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["area"].queryset = mission.election.areas.order_by("path")
