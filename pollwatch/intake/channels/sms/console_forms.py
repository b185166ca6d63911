"""The forms of the SMS test console and of replaying a corrected message."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SmsTestForm(forms.Form):
    """A message tried as the coordinator's own: the console never speaks for an observer."""

    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}))


class SmsReplayForm(forms.Form):
    text = forms.CharField(label=_("Corrected message"), widget=forms.Textarea(attrs={"rows": 3}))
