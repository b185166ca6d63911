import tomllib

from django import forms
from django.utils.translation import gettext_lazy as _


class ResultsUploadForm(forms.Form):
    file = forms.FileField(label=_("Official results (CSV, XLSX or a zipped CSV)"))
    mapping = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        label=_("Column mapping (TOML, optional)"),
        help_text=_(
            "Leave empty for the Russian election commission layout. Otherwise, e.g. "
            'registered = "Voters"  given = ["Issued"]  valid = "Valid"  '
            'invalid = "Invalid"  options = ["A", "B"]  station = "Code"'
        ),
    )

    def clean_mapping(self):
        text = self.cleaned_data["mapping"].strip()
        if not text:
            return {}
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise forms.ValidationError(_("not valid TOML: %(error)s") % {"error": error}) from None
