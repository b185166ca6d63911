import io

from django import forms
from django.utils.translation import gettext_lazy as _

from pollwatch.forensics.results_file import ResultsFileError, read_mapping_toml


class ResultsUploadForm(forms.Form):
    file = forms.FileField(label=_("Official results (CSV, XLSX or a zipped CSV)"))
    mapping = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        label=_("Column mapping (TOML, optional)"),
        help_text=_(
            "Leave empty for the Russian election commission layout. Otherwise, e.g. "
            'registered = "Voters"  given = ["Issued"]  valid = "Valid"  '
            'invalid = "Invalid"  options = ["A", "B"]  station = "Code". For tally sheets '
            'without a valid-ballots column: derive = {valid = "sum"} (the sum of the options); '
            "without ballots issued, the tests that need turnout are listed as not run."
        ),
    )

    def clean_mapping(self):
        text = self.cleaned_data["mapping"].strip()
        if not text:
            return {}
        try:
            return read_mapping_toml(io.BytesIO(text.encode("utf-8")))
        except ResultsFileError as error:
            raise forms.ValidationError(str(error)) from None
