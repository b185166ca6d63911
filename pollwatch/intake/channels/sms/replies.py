"""Replies to SMS reports, in the observer's language.

SMS replies are short texts sent outside any web page, so they are kept here
as one catalogue per language rather than in the page translations; a
language missing from the catalogue falls back to English.
"""

from __future__ import annotations

from typing import Any

MAX_REPLY = 320  # two SMS segments

CATALOGUE: dict[str, dict[str, str]] = {
    "en": {
        "accepted": "Received: {form}, station {station}. Thank you. Ref {ref}",
        "duplicate": "Already received: {form}, station {station}. No need to resend. Ref {ref}",
        "unknown_sender": (
            "Sorry, this number is not registered with the observation mission. "
            "Please contact your coordinator."
        ),
        "no_account": ("This number has no observer account yet. Please contact your coordinator."),
        "throttled": (
            "Too many messages with errors from this number. Please wait {minutes} minutes "
            "or call your coordinator."
        ),
        "rejected": "Not received: {problems}. Please correct and send again.",
        "empty": "the message is empty; start with the form code, e.g. {example}",
        "unknown_form": "{token} is not a form code; use one of {codes}",
        "ambiguous_form": "put a space after the form code",
        "no_station": "the station code is missing after the form code",
        "unknown_station": "there is no station {station}",
        "unknown_code": "no question has this code",
        "expected_code": "expected a question code here",
        "repeated": "answered twice",
        "no_answer": "the answer is missing",
        "unclosed_quote": "the closing quote is missing",
        "bad_time": "write the time as HHMM",
        "not_a_choice": "{answer} is not a choice (1-{count})",
        "required": "is required",
        "must_be_empty": "must be empty for your earlier answers",
        "below_min": "{value} is below the minimum {min}",
        "above_max": "{value} is above the maximum {max}",
        "above_station_max": "{value} is above the {limit} {figure} at station {station}",
        "wrong_type": "{value} is not a valid answer",
        "too_long": "is longer than {max_length} characters",
        "too_few_choices": "needs at least {min_choices} choices",
        "too_many_choices": "allows at most {max_choices} choices",
        "repeated_choice": "names a choice twice",
        # A station figure, by its name in STATION_FIGURES, as above_station_max says it.
        "figure.registered_voters": "registered voters",
        "other": "{message}",
    },
    "ru": {
        "accepted": "Принято: {form}, участок {station}. Спасибо. Номер {ref}",
        "duplicate": "Уже получено: {form}, участок {station}. Повторять не нужно. Номер {ref}",
        "unknown_sender": (
            "Извините, этот номер не зарегистрирован в миссии наблюдения. "
            "Обратитесь к координатору."
        ),
        "no_account": (
            "У этого номера ещё нет учётной записи наблюдателя. Обратитесь к координатору."
        ),
        "throttled": (
            "Слишком много сообщений с ошибками с этого номера. Подождите {minutes} минут "
            "или позвоните координатору."
        ),
        "rejected": "Не принято: {problems}. Исправьте и отправьте снова.",
        "empty": "сообщение пустое; начните с кода формы, например {example}",
        "unknown_form": "{token} не код формы; используйте {codes}",
        "ambiguous_form": "поставьте пробел после кода формы",
        "no_station": "после кода формы нет номера участка",
        "unknown_station": "нет участка {station}",
        "unknown_code": "нет вопроса с таким кодом",
        "expected_code": "здесь ожидался код вопроса",
        "repeated": "ответ дан дважды",
        "no_answer": "нет ответа",
        "unclosed_quote": "нет закрывающей кавычки",
        "bad_time": "пишите время как ЧЧММ",
        "not_a_choice": "{answer} не вариант ответа (1-{count})",
        "required": "обязательный вопрос",
        "must_be_empty": "должен быть пустым при ваших ответах",
        "below_min": "{value} меньше минимума {min}",
        "above_max": "{value} больше максимума {max}",
        "above_station_max": "{value} больше {limit} {figure} на участке {station}",
        "wrong_type": "{value} не подходит как ответ",
        "too_long": "длиннее {max_length} знаков",
        "too_few_choices": "нужно не меньше {min_choices} вариантов",
        "too_many_choices": "можно не больше {max_choices} вариантов",
        "repeated_choice": "вариант назван дважды",
        "figure.registered_voters": "зарегистрированных избирателей",
        "other": "{message}",
    },
}


def reply_language(languages: str, fallback: str = "en") -> str:
    """The first of a member's comma-separated languages that the catalogue has."""
    for language in languages.replace(";", ",").split(","):
        code = language.strip().lower()[:2]
        if code in CATALOGUE:
            return code
    return fallback if fallback in CATALOGUE else "en"


def render(language: str, key: str, **values: Any) -> str:
    templates = CATALOGUE.get(language, CATALOGUE["en"])
    template = templates.get(key) or CATALOGUE["en"].get(key) or CATALOGUE["en"]["other"]
    try:
        text = template.format(**values)
    except (KeyError, IndexError):
        text = CATALOGUE["en"]["other"].format(message=values.get("message", key))
    return shorten(text)


def shorten(text: str) -> str:
    return text if len(text) <= MAX_REPLY else text[: MAX_REPLY - 1] + "…"
