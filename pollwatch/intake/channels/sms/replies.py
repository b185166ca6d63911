"""Replies to SMS reports, in the observer's language.

SMS replies are short texts sent outside any web page: they are rendered
under the observer's language, not the page's, from the same translation
catalogues as the pages; a language without a catalogue falls back to English.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, override

MAX_REPLY = 320  # two SMS segments

MESSAGES: dict[str, Promise] = {
    "accepted": gettext_lazy("Received: {form}, station {station}. Thank you. Ref {ref}"),
    "duplicate": gettext_lazy(
        "Already received: {form}, station {station}. No need to resend. Ref {ref}"
    ),
    "unknown_sender": gettext_lazy(
        "Sorry, this number is not registered with the observation mission. "
        "Please contact your coordinator."
    ),
    "no_account": gettext_lazy(
        "This number has no observer account yet. Please contact your coordinator."
    ),
    "throttled": gettext_lazy(
        "Too many messages with errors from this number. Please wait {minutes} minutes "
        "or call your coordinator."
    ),
    "rejected": gettext_lazy("Not received: {problems}. Please correct and send again."),
    "empty": gettext_lazy("the message is empty; start with the form code, e.g. {example}"),
    "unknown_form": gettext_lazy("{token} is not a form code; use one of {codes}"),
    "ambiguous_form": gettext_lazy("put a space after the form code"),
    "no_station": gettext_lazy("the station code is missing after the form code"),
    "unknown_station": gettext_lazy("there is no station {station}"),
    "unknown_code": gettext_lazy("no question has this code"),
    "expected_code": gettext_lazy("expected a question code here"),
    "repeated": gettext_lazy("answered twice"),
    "no_answer": gettext_lazy("the answer is missing"),
    "unclosed_quote": gettext_lazy("the closing quote is missing"),
    "bad_time": gettext_lazy("write the time as HHMM"),
    "not_a_choice": gettext_lazy("{answer} is not a choice (1-{count})"),
    "required": gettext_lazy("is required"),
    "must_be_empty": gettext_lazy("must be empty for your earlier answers"),
    "below_min": gettext_lazy("{value} is below the minimum {min}"),
    "above_max": gettext_lazy("{value} is above the maximum {max}"),
    "above_station_max": gettext_lazy("{value} is above the {limit} {figure} at station {station}"),
    "wrong_type": gettext_lazy("{value} is not a valid answer"),
    "too_long": gettext_lazy("is longer than {max_length} characters"),
    "too_few_choices": gettext_lazy("needs at least {min_choices} choices"),
    "too_many_choices": gettext_lazy("allows at most {max_choices} choices"),
    "repeated_choice": gettext_lazy("names a choice twice"),
    # A station figure, by its name in STATION_FIGURES, as above_station_max says it.
    "figure.registered_voters": gettext_lazy("registered voters"),
}
# A problem without words of its own is told in the validator's words.
OTHER = "{message}"


class _Replies(Mapping[str, str]):
    """The replies as they read in one language."""

    def __init__(self, language: str):
        self.language = language

    def __getitem__(self, key: str) -> str:
        with override(self.language):
            return str(MESSAGES[key])

    def __iter__(self) -> Iterator[str]:
        return iter(MESSAGES)

    def __len__(self) -> int:
        return len(MESSAGES)


CATALOGUE: dict[str, Mapping[str, str]] = {
    code: _Replies(code) for code, _name in settings.LANGUAGES
}


def reply_language(languages: str, fallback: str = "en") -> str:
    """The first of a member's comma-separated languages that the catalogue has."""
    for language in languages.replace(";", ",").split(","):
        code = language.strip().lower()[:2]
        if code in CATALOGUE:
            return code
    return fallback if fallback in CATALOGUE else settings.LANGUAGE_CODE


def render(language: str, key: str, **values: Any) -> str:
    with override(language):
        template = str(MESSAGES[key]) if key in MESSAGES else OTHER
    try:
        text = template.format(**values)
    except (KeyError, IndexError):
        text = OTHER.format(message=values.get("message", key))
    return shorten(text)


def shorten(text: str) -> str:
    return text if len(text) <= MAX_REPLY else text[: MAX_REPLY - 1] + "…"
