from django import forms
from django.utils.translation import gettext_lazy as _


class StationUploadForm(forms.Form):
    file = forms.FileField(label=_("Stations file (CSV or XLSX)"))
    mapping = forms.CharField(
        label=_("Column mapping (optional)"),
        required=False,
        help_text=_("field=Column pairs, e.g. code=UIK,registered_voters=Voters"),
    )


class BoundariesUploadForm(forms.Form):
    file = forms.FileField(label=_("Area boundaries (GeoJSON)"))
    code_property = forms.CharField(
        label=_("Property holding the area code"),
        initial="code",
        required=False,
        max_length=100,
        help_text=_("The name of the feature property that holds the area's code."),
    )
