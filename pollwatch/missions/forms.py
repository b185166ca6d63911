from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from pollwatch.accounts.roles import AnyUser
from pollwatch.missions.models import Meeting, Member, Mission


class MemberUploadForm(forms.Form):
    file = forms.FileField(label=_("Members file (CSV or XLSX)"))


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = [
            "date",
            "counterpart_name",
            "counterpart_position",
            "institution",
            "attendees",
            "topics",
            "notes",
            "follow_ups",
        ]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, mission: Mission, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        attendees = cast("forms.ModelMultipleChoiceField[Member]", self.fields["attendees"])
        attendees.queryset = mission.members.visible_to(user)


class MeetingFilterForm(forms.Form):
    institution = forms.CharField(required=False, label=_("Institution"))
    date_from = forms.DateField(
        required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"})
    )


class CoalitionForm(forms.ModelForm):
    class Meta:
        model = Mission
        fields = ["coalition", "coalition_sharing"]
        labels = {
            "coalition": _("Run by a coalition of member organisations"),
            "coalition_sharing": _("What each member's coordinators see of the others' reports"),
        }
        widgets = {"coalition_sharing": forms.RadioSelect}
