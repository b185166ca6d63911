from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from pollwatch.briefing.models import BriefingModule
from pollwatch.briefing.quiz_files import answer_choices, quiz_questions
from pollwatch.forms.labels import in_language


class ModuleForm(forms.Form):
    """A module's title and text in each of the site's languages; English is required."""

    required = forms.BooleanField(
        label=_("Required for certification"), required=False, initial=True
    )
    order = forms.IntegerField(label=_("Order"), min_value=1, initial=1)

    def __init__(self, *args: Any, module: BriefingModule | None = None, **kwargs: Any):
        if module is not None:
            kwargs.setdefault("initial", {}).update(_initial_of(module))
        super().__init__(*args, **kwargs)
        for code, name in settings.LANGUAGES:
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title (%(language)s)") % {"language": name},
                max_length=200,
                required=code == "en",
            )
            self.fields[f"text_{code}"] = forms.CharField(
                label=_("Text (%(language)s)") % {"language": name},
                widget=forms.Textarea(attrs={"rows": 8}),
                required=False,
            )

    def module_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        codes = [code for code, _name in settings.LANGUAGES]
        return {
            "title": {code: data[f"title_{code}"] for code in codes},
            "text": {code: data[f"text_{code}"] for code in codes},
            "required": data["required"],
            "order": data["order"],
        }


def _initial_of(module: BriefingModule) -> dict[str, Any]:
    initial: dict[str, Any] = {"required": module.required, "order": module.order}
    for code, _name in settings.LANGUAGES:
        initial[f"title_{code}"] = module.title.get(code, "")
        initial[f"text_{code}"] = module.text.get(code, "")
    return initial


class FileForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, Word, PowerPoint, picture, sound or video)"))
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("every language"))] + list(settings.LANGUAGES),
    )


class QuizUploadForm(forms.Form):
    file = forms.FileField(label=_("Test (form definition as JSON, or an XLSForm)"))


class QuizForm(forms.Form):
    """One field per question of a module's test, labelled in the reader's language.

    The same form takes a member's answers and, on the core team's page, the right ones.
    """

    def __init__(self, *args: Any, quiz: Mapping[str, Any], language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notes: list[str] = []
        for question in quiz_questions(quiz):
            label = in_language(question.get("label"), language, question["code"])
            if question["type"] == "note":
                self.notes.append(label)
                continue
            self.fields[question["code"]] = _answer_field(quiz, question, label, language)

    def answers(self) -> dict[str, Any]:
        return {code: _plain(value) for code, value in self.cleaned_data.items()}


def _answer_field(
    quiz: Mapping[str, Any], question: Mapping[str, Any], label: str, language: str
) -> forms.Field:
    kind = question["type"]
    if kind == "integer":
        return forms.IntegerField(label=label)
    if kind == "decimal":
        return forms.DecimalField(label=label)
    if kind == "text":
        return forms.CharField(label=label, max_length=500)
    choices = [
        (code, _choice_label(quiz, question, code, language))
        for code in answer_choices(quiz, question)
    ]
    if kind == "multiple_choice":
        return forms.MultipleChoiceField(
            label=label, choices=choices, widget=forms.CheckboxSelectMultiple
        )
    return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect)


def _choice_label(
    quiz: Mapping[str, Any], question: Mapping[str, Any], code: str, language: str
) -> str:
    if question["type"] == "yes_no":
        return str(_("Yes") if code == "yes" else _("No"))
    for choice in quiz.get("choice_lists", {}).get(question.get("choices"), []):
        if choice["code"] == code:
            return in_language(choice.get("label"), language, code)
    return code


def _plain(value: Any) -> Any:
    """A cleaned value as JSON keeps it."""
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    if isinstance(value, int | str) or value is None:
        return value
    return str(value)


class PassMarkForm(forms.Form):
    pass_mark = forms.IntegerField(
        label=_("Pass mark: percentage of questions answered right"), min_value=0, max_value=100
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Device"), max_length=100, help_text=_("which device, e.g. 'team 4 phone'")
    )


OVERVIEW_STATES = [
    ("", _("everyone")),
    ("certified", _("certified")),
    ("not_certified", _("not certified")),
]
