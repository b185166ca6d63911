from django import forms
from django.utils.translation import gettext_lazy as _


class StationUploadForm(forms.Form):
    file = forms.FileField(label=_("Stations file (CSV or XLSX)"))
    mapping = forms.CharField(
        label=_("Column mapping (optional)"),
        required=False,
        help_text=_("field=Column pairs, e.g. code=UIK,registered_voters=Voters"),
    )
