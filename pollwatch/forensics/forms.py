import io
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pollwatch.forensics.results_file import ResultsFileError, read_mapping_toml


class ColumnMappingField(forms.Field):
    """A results file's column mapping, written as TOML; cleaned into the loader's mapping.

    Empty means the Russian election commission layout (an empty mapping).
    """

    widget = forms.Textarea(attrs={"rows": 6, "spellcheck": "false"})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Column mapping (TOML, optional)"))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dict[str, Any]:
        text = "" if value in self.empty_values else str(value).strip()
        if not text:
            return {}
        try:
            return read_mapping_toml(io.BytesIO(text.encode("utf-8")))
        except ResultsFileError as error:
            raise forms.ValidationError(str(error)) from None


class ResultsUploadForm(forms.Form):
    file = forms.FileField(label=_("Official results (CSV, XLSX or a zipped CSV)"))
    mapping = ColumnMappingField(
        help_text=_(
            "Leave empty for the Russian election commission layout. Otherwise, e.g. "
            'registered = "Voters"  given = ["Issued"]  valid = "Valid"  '
            'invalid = "Invalid"  options = ["A", "B"]  station = "Code". For tally sheets '
            'without a valid-ballots column: derive = {valid = "sum"} (the sum of the options); '
            "without ballots issued, the tests that need turnout are listed as not run."
        ),
    )
