import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pollwatch.intake.models import Review, Submission


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=Review.Decision.choices, label=_("Decision"))
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Reason (required to reject)"),
    )


class SubmissionFilterForm(forms.Form):
    FLAGS = [
        ("", _("any")),
        ("alerts", _("critical alerts")),
        ("conflict", _("conflicting")),
        ("outside_phase_hours", _("outside the phase's hours")),
        ("device_clock_ahead", _("phone clock ahead")),
        ("device_zone_differs", _("phone in another time zone")),
    ]
    status = forms.ChoiceField(
        choices=[("", _("any"))] + Submission.Status.choices, required=False, label=_("Status")
    )
    phase = forms.CharField(required=False, label=_("Phase"))
    flag = forms.ChoiceField(choices=FLAGS, required=False, label=_("Flag"))
    station = forms.CharField(required=False, label=_("Station code"))


class CorrectionForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        label=_("Corrected submission (JSON)"),
    )
    reason = forms.CharField(label=_("What was corrected, and why"))

    def clean_body(self) -> dict[str, Any]:
        try:
            data = json.loads(self.cleaned_data["body"])
        except json.JSONDecodeError as error:
            raise forms.ValidationError(_("not valid JSON: %(error)s") % {"error": error}) from None
        except RecursionError:
            raise forms.ValidationError(_("not valid JSON: nested too deeply")) from None
        if not isinstance(data, dict):
            raise forms.ValidationError(_("the submission must be a JSON object"))
        return data


class RevisionFromPayloadForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the stored report should take these answers"), max_length=300
    )
