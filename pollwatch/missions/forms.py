from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from pollwatch.accounts.roles import AnyUser
from pollwatch.missions.models import (
    Delegation,
    Meeting,
    Member,
    Mission,
    MissionDocument,
    Organisation,
)


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


class OrganisationForm(forms.Form):
    """An organisation by name: an existing one is found, a new one created with these details."""

    name = forms.CharField(label=_("Organisation"), max_length=200)
    short_name = forms.CharField(label=_("Short name"), max_length=40, required=False)
    kind = forms.ChoiceField(
        label=_("Kind (if new)"), choices=Organisation.Kind.choices, initial=Organisation.Kind.OTHER
    )
    country = forms.CharField(label=_("Country"), max_length=100, required=False)


class DelegationHeadForm(forms.Form):
    head = forms.ModelChoiceField(
        queryset=Member.objects.none(),
        required=False,
        label=_("Head of delegation"),
        empty_label=_("no head"),
    )

    def __init__(self, *args: Any, delegation: Delegation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        head = cast("forms.ModelChoiceField[Member]", self.fields["head"])
        head.queryset = delegation.members.all()
        head.initial = delegation.head_id


class DelegationMembersForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        queryset=Member.objects.none(),
        label=_("Members to add to this delegation"),
        help_text=_("a member moves from the delegation they were in"),
    )

    def __init__(self, *args: Any, delegation: Delegation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = cast("forms.ModelMultipleChoiceField[Member]", self.fields["members"])
        members.queryset = delegation.mission.members.exclude(delegation=delegation)


class MissionDocumentForm(forms.ModelForm):
    class Meta:
        model = MissionDocument
        fields = ["kind", "title", "issued_by", "issued_on", "reference"]
        labels = {
            "kind": _("Kind"),
            "title": _("Title"),
            "issued_by": _("Issued by"),
            "issued_on": _("Issued on"),
            "reference": _("Reference"),
        }
        widgets = {"issued_on": forms.DateInput(attrs={"type": "date"})}

    upload = forms.FileField(
        label=_("File (PDF, JPEG or PNG)"), required=False, help_text=_("optional")
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
