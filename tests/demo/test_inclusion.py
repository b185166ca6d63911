"""The demo's observers answer the inclusion questions validly, and differently by region."""

from __future__ import annotations

import numpy as np
import pytest

from pollwatch.demo.election_day import _answers
from pollwatch.demo.inclusion import ANSWERED_FORMS, inclusion_answers
from pollwatch.forms.library import library_forms
from pollwatch.forms.validation import validate_answers

FORMS = library_forms()
INCLUSION_QUESTIONS = {
    "opening": ("chair_gender", "women_members"),
    "voting": ("first_time_seen",),
    "accessibility": ("step_free", "booth_accessible", "assistance"),
}


def answered(form_code: str, region: str, rng: np.random.Generator) -> dict:
    conduct = rng.beta(8, 1.5)
    return inclusion_answers(form_code, _answers(FORMS[form_code], conduct, rng), region, rng)


@pytest.mark.parametrize("form_code", ANSWERED_FORMS)
def test_every_simulated_report_passes_the_forms_validation(form_code):
    rng = np.random.default_rng(5)
    for draw in range(200):
        answers = answered(form_code, ("R1", "R2", "R5")[draw % 3], rng)
        assert not validate_answers(FORMS[form_code], answers).errors, answers
        assert all(code in answers for code in INCLUSION_QUESTIONS[form_code])


def share(form_code: str, region: str, question: str, value: str, draws: int = 600) -> float:
    rng = np.random.default_rng(11)
    found = [answered(form_code, region, rng).get(question) for _ in range(draws)]
    return sum(1 for answer in found if answer == value) / draws


def test_few_commissions_are_chaired_by_women_in_the_northern_highlands():
    assert share("opening", "R1", "chair_gender", "woman") < 0.2
    assert share("opening", "R2", "chair_gender", "woman") > 0.45


def test_the_capital_has_more_step_free_stations_and_the_coast_turns_away_more_young_voters():
    assert share("accessibility", "R2", "step_free", "yes") > 2 * share(
        "accessibility", "R1", "step_free", "yes"
    )
    assert share("voting", "R5", "first_time_turned_away", "yes") > 2 * share(
        "voting", "R3", "first_time_turned_away", "yes"
    )


def test_women_members_never_outnumber_the_members_present():
    rng = np.random.default_rng(2)
    for _ in range(300):
        answers = answered("opening", "R2", rng)
        assert 0 <= answers["women_members"] <= answers["members_present"]
