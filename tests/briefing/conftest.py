"""A briefing module with a three-question test, for the tests of briefing."""

from __future__ import annotations

import pytest

from pollwatch.briefing.quiz_files import QuizUpload
from pollwatch.briefing.services import create_module, set_quiz

QUIZ = {
    "format": 1,
    "code": "secrecy_test",
    "phase": "long_term",
    "title": {"en": "Secrecy of the vote", "ru": "Тайна голосования"},
    "languages": ["en", "ru"],
    "choice_lists": {
        "who": [
            {"code": "observer", "label": {"en": "The observer", "ru": "Наблюдатель"}},
            {"code": "chair", "label": {"en": "The chair", "ru": "Председатель"}},
        ],
        "rights": [
            {"code": "watch", "label": {"en": "Watch the count", "ru": "Наблюдать подсчёт"}},
            {"code": "copy", "label": {"en": "Get the protocol", "ru": "Получить протокол"}},
            {"code": "vote", "label": {"en": "Vote for others", "ru": "Голосовать за других"}},
        ],
    },
    "sections": [
        {
            "code": "main",
            "title": {"en": "Questions", "ru": "Вопросы"},
            "questions": [
                {
                    "code": "intro",
                    "type": "note",
                    "label": {"en": "Answer all three.", "ru": "Ответьте на все три."},
                },
                {
                    "code": "may_touch_ballots",
                    "type": "yes_no",
                    "label": {
                        "en": "May an observer touch ballots?",
                        "ru": "Может ли наблюдатель трогать бюллетени?",
                    },
                },
                {
                    "code": "who_decides",
                    "type": "single_choice",
                    "choices": "who",
                    "label": {
                        "en": "Who decides in the station?",
                        "ru": "Кто решает на участке?",
                    },
                },
                {
                    "code": "rights",
                    "type": "multiple_choice",
                    "choices": "rights",
                    "label": {
                        "en": "What may an observer do?",
                        "ru": "Что может наблюдатель?",
                    },
                },
            ],
        }
    ],
}
RIGHT = {"may_touch_ballots": "no", "who_decides": "chair", "rights": ["watch", "copy"]}


@pytest.fixture
def module(mission, core_team):
    """A required module of the test mission with its test and right answers (60% passes)."""
    made = create_module(
        mission,
        title={"en": "Secrecy of the vote", "ru": "Тайна голосования"},
        text={"en": "Never touch a ballot.", "ru": "Никогда не трогайте бюллетени."},
        required=True,
        order=1,
        actor=core_team,
    )
    return set_quiz(made, QuizUpload(QUIZ, dict(RIGHT), 60), actor=core_team)
