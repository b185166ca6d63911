import json
from collections.abc import Mapping, Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from pollwatch.accounts.roles import AnyUser
from pollwatch.intake.models import Review, Submission, TriageStatus
from pollwatch.missions.models import Member, Mission
from pollwatch.registry.models import Area


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


class IncidentFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", _("any")), ("open", _("open (new or in hand)"))] + TriageStatus.choices,
        required=False,
        label=_("Status"),
    )
    assignee = forms.ChoiceField(required=False, label=_("Assigned to"))
    area = forms.ModelChoiceField(queryset=Area.objects.none(), required=False, label=_("Area"))
    q = forms.CharField(
        required=False,
        label=_("Search"),
        help_text=_("station code or name, team, observer or note"),
    )

    def __init__(self, data: Mapping[str, Any] | None, *, mission: Mission, user: AnyUser) -> None:
        super().__init__(data)
        # The bound copies in self.fields, not the class's declarations, get the choices.
        assignee = cast(forms.ChoiceField, self.fields["assignee"])
        area = cast("forms.ModelChoiceField[Area]", self.fields["area"])
        people = Member.objects.visible_to(user).filter(mission=mission).order_by("full_name")
        assignee.choices = [("", _("anyone")), ("none", _("nobody yet"))] + [
            (str(member.pk), member.full_name) for member in people
        ]
        area.queryset = Area.objects.filter(election=mission.election_id, level__lte=1)


class TriageForm(forms.Form):
    status = forms.ChoiceField(choices=TriageStatus.choices, label=_("Status"))
    assignee = forms.ModelChoiceField(
        queryset=Member.objects.none(), required=False, label=_("Assigned to")
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Note"),
        help_text=_("what was done or decided; kept in the history with the change"),
    )

    def __init__(self, data: Mapping[str, Any] | None, *, people: Sequence[Member], **kwargs: Any):
        super().__init__(data, **kwargs)
        assignee = cast("forms.ModelChoiceField[Member]", self.fields["assignee"])
        assignee.queryset = Member.objects.filter(pk__in=[member.pk for member in people])
