"""A new version of the standard library never moves an existing question's SMS code.

SMS codes are positional (section letter, question letter), and observers carry
guides printed from the version they were trained on; a question inserted in
the middle of a section would make an old guide's code answer another question.
``library_sms_codes.json`` records the codes guides were printed with; new
questions go at the end of a section or in a new section at the end, and may
be added to the record.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pollwatch.forms.library import library_forms
from pollwatch.intake.channels.sms.syntax import build_syntax

RECORDED = json.loads((Path(__file__).parent / "library_sms_codes.json").read_text())


@pytest.mark.parametrize("form_code", sorted(RECORDED))
def test_every_recorded_question_keeps_its_sms_code(form_code):
    syntax = build_syntax(library_forms()[form_code], "X")
    codes = {item.question.code: item.sms_code for item in syntax.questions}
    moved = {
        question: (code, codes.get(question))
        for question, code in RECORDED[form_code].items()
        if codes.get(question) != code
    }
    assert moved == {}, "printed SMS guides would answer other questions: (was, now)"
