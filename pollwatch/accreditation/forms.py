from django import forms
from django.utils.translation import gettext_lazy as _

DATE = forms.DateInput(attrs={"type": "date"})


class GrantForm(forms.Form):
    number = forms.CharField(max_length=60, label=_("Accreditation number"))
    valid_until = forms.DateField(
        required=False,
        label=_("Valid until"),
        widget=DATE,
        help_text=_("the mission's last day when left empty"),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=300, required=False, label=_("Reason"))


class RevokeBadgeForm(forms.Form):
    reason = forms.CharField(max_length=300, label=_("Why is the badge revoked?"))


class BadgeForm(forms.Form):
    photo = forms.FileField(
        required=False,
        label=_("Photo (optional)"),
        help_text=_("a JPEG or PNG portrait"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    valid_from = forms.DateField(
        required=False,
        label=_("Valid from"),
        widget=DATE,
        help_text=_("the mission's first day when left empty"),
    )
    valid_until = forms.DateField(
        required=False,
        label=_("Valid until"),
        widget=DATE,
        help_text=_("the accreditation's last day when left empty"),
    )
