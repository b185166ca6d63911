from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from pollwatch.missions.models import Mission
from pollwatch.registry.models import Round
from pollwatch.statements.models import SECTIONS, Statement


class NewStatementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(choices=Statement.Kind.choices, label=_("Kind"))
    # A statement may be written in any language the catalogues speak.
    language = forms.ChoiceField(choices=settings.LANGUAGES, label=_("Language"))
    for_round = forms.ModelChoiceField(
        queryset=Round.objects.none(),
        required=False,
        label=_("Round"),
        empty_label=_("the latest round with reports"),
    )

    def __init__(self, *args: Any, mission: Mission | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if mission is not None:
            rounds = cast("forms.ModelChoiceField[Round]", self.fields["for_round"])
            rounds.queryset = Round.objects.filter(election=mission.election_id)


class DraftForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in SECTIONS:
            self.fields[key] = forms.CharField(
                label=label,
                required=False,
                widget=forms.Textarea(attrs={"rows": 4, "data-section": key}),
            )


class PublishForm(forms.Form):
    confirm_flags = forms.BooleanField(
        required=False, label=_("I have read the flagged claims and publish them as they are")
    )


class CheckForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}), label=_("Statement text (English or Russian)")
    )
    stations_observed = forms.IntegerField(
        required=False, min_value=0, label=_("Stations observed")
    )
    stations_total = forms.IntegerField(required=False, min_value=1, label=_("Stations in all"))
    areas_observed = forms.IntegerField(required=False, min_value=0, label=_("Areas observed"))
    areas_total = forms.IntegerField(required=False, min_value=1, label=_("Areas in all"))
    selection = forms.ChoiceField(
        choices=[
            ("", _("unknown")),
            ("random", _("at random")),
            ("not_random", _("not at random")),
        ],
        required=False,
        label=_("How stations were chosen"),
    )
    days_in_country = forms.IntegerField(
        required=False, min_value=0, label=_("Days in the country")
    )
