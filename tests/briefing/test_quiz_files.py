"""Reading an uploaded test: a form definition in the usual format, checked the usual way."""

from __future__ import annotations

import copy
import json

import pytest

from pollwatch.briefing.quiz_files import QuizRefused, read_quiz
from tests.briefing.conftest import QUIZ, RIGHT


def _json(data) -> bytes:
    return json.dumps(data).encode()


def test_a_definition_wrapped_with_its_answers_and_pass_mark_is_read_whole():
    upload = read_quiz(_json({"definition": QUIZ, "answers": RIGHT, "pass_mark": 75}), "t.json")
    assert upload.answers == RIGHT and upload.pass_mark == 75
    assert upload.definition["code"] == "secrecy_test"


def test_a_bare_definition_needs_no_phase_and_leaves_the_answers_to_the_page():
    bare = {key: value for key, value in QUIZ.items() if key != "phase"}
    upload = read_quiz(_json(bare), "t.json")
    assert upload.answers == {} and upload.pass_mark is None
    assert upload.definition["phase"] == "long_term"


def test_errors_of_the_form_format_are_named_by_path():
    broken = copy.deepcopy(QUIZ)
    broken["sections"][0]["questions"][2]["choices"] = "nowhere"
    with pytest.raises(QuizRefused) as refused:
        read_quiz(_json(broken), "t.json")
    assert any("nowhere" in error for error in refused.value.errors)


def test_a_question_without_a_right_or_wrong_answer_is_refused():
    photo = copy.deepcopy(QUIZ)
    photo["sections"][0]["questions"].append(
        {"code": "selfie", "type": "photo", "label": {"en": "A photo", "ru": "Фото"}}
    )
    with pytest.raises(QuizRefused, match="selfie: a test asks yes/no, choice, number or text"):
        read_quiz(_json(photo), "t.json")


def test_answers_to_unknown_questions_are_refused():
    with pytest.raises(QuizRefused, match="no question colour"):
        read_quiz(_json({"definition": QUIZ, "answers": {"colour": "red"}}), "t.json")


def test_other_files_and_broken_json_are_refused():
    with pytest.raises(QuizRefused, match="form definition"):
        read_quiz(b"hello", "t.txt")
    with pytest.raises(QuizRefused, match="not valid JSON"):
        read_quiz(b"{", "t.json")


def test_an_xlsform_becomes_a_test_whose_answers_are_chosen_afterwards():
    import io

    from openpyxl import Workbook

    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label::English (en)"])
    survey.append(["select_one who", "who_decides", "Who decides in the station?"])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label::English (en)"])
    choices.append(["who", "observer", "The observer"])
    choices.append(["who", "chair", "The chair"])
    settings = book.create_sheet("settings")
    settings.append(["form_id", "form_title"])
    settings.append(["secrecy_test", "Secrecy"])
    content = io.BytesIO()
    book.save(content)
    upload = read_quiz(content.getvalue(), "test.xlsx")
    question = upload.definition["sections"][0]["questions"][0]
    assert question["type"] == "single_choice" and question["code"] == "who_decides"
    assert upload.answers == {}
