from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

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

    def __init__(self, *args: Any, mission: Mission, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        attendees = cast("forms.ModelMultipleChoiceField[Member]", self.fields["attendees"])
        attendees.queryset = mission.members.all()


class MeetingFilterForm(forms.Form):
    institution = forms.CharField(required=False, label=_("Institution"))
    date_from = forms.DateField(
        required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"})
    )
