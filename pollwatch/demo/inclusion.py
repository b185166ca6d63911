"""Inclusion on the demo's election day: commission chairs, access, assisted and young voters.

The observers answer the inclusion questions of the standard forms with
values that differ between regions, so that the inclusion findings tell a
story: in the Northern Highlands few commissions are chaired by women and
few stations are step-free, the Capital Region does best, and in the
Coastal Lowlands more young first-time voters are turned away for their
documents.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pollwatch.registry.models import PollingStation

DEFAULT_REGION = ""
# Chance that a commission is chaired by a woman, and women's share of its members.
WOMAN_CHAIR = {"R1": 0.12, "R2": 0.55, "R4": 0.35, DEFAULT_REGION: 0.4}
WOMEN_MEMBERS = {"R1": 0.3, "R2": 0.6, DEFAULT_REGION: 0.5}
# Chance that a wheelchair user can enter alone, and that a booth can be used seated.
STEP_FREE = {"R1": 0.2, "R2": 0.75, "R6": 0.3, DEFAULT_REGION: 0.45}
SEATED_BOOTH = {"R1": 0.35, "R2": 0.85, DEFAULT_REGION: 0.6}
FIRST_TIME_TURNED_AWAY = {"R5": 0.25, DEFAULT_REGION: 0.06}
ANSWERED_FORMS = ("opening", "voting", "accessibility")
HELPERS = ("chosen_person", "commission_member", "same_helper", "party_or_official")


def region_of(station: PollingStation) -> str:
    """The code of the station's region: its area's top ancestor (a district's parent)."""
    area = station.area
    while area.parent is not None:
        area = area.parent
    return area.code


def with_inclusion_answers(
    form_code: str, answers: dict[str, Any], station: PollingStation, rng: np.random.Generator
) -> dict[str, Any]:
    """``answers`` with the inclusion questions of ``form_code`` answered for the station."""
    if form_code not in ANSWERED_FORMS:
        return answers
    return inclusion_answers(form_code, answers, region_of(station), rng)


def inclusion_answers(
    form_code: str, answers: dict[str, Any], region: str, rng: np.random.Generator
) -> dict[str, Any]:
    """``answers`` with the inclusion questions answered as in ``region`` (its code)."""
    answer = {
        "opening": _commission,
        "voting": _mobile_box_and_young_voters,
        "accessibility": _access_and_assistance,
    }.get(form_code)
    if answer is None:
        return answers
    return answer(dict(answers), region, rng)


def _chance(table: dict[str, float], region: str) -> float:
    return table.get(region, table[DEFAULT_REGION])


def _yes(rng: np.random.Generator, chance: float) -> str:
    return "yes" if rng.random() < chance else "no"


def _commission(answers: dict[str, Any], region: str, rng: np.random.Generator) -> dict:
    woman = rng.random() < _chance(WOMAN_CHAIR, region)
    answers["chair_gender"] = "woman" if woman else "man"
    members = int(answers.get("members_present", 0))
    answers["women_members"] = int(rng.binomial(members, _chance(WOMEN_MEMBERS, region)))
    return answers


def _mobile_box_and_young_voters(
    answers: dict[str, Any], region: str, rng: np.random.Generator
) -> dict:
    answers.pop("mobile_box_procedure", None)
    if answers.get("mobile_box_used") == "yes":
        answers["mobile_box_procedure"] = _yes(rng, 0.8)
    answers["first_time_seen"] = _yes(rng, 0.7)
    answers.pop("first_time_turned_away", None)
    answers.pop("first_time_treated_properly", None)
    if answers["first_time_seen"] == "yes":
        answers["first_time_turned_away"] = _yes(rng, _chance(FIRST_TIME_TURNED_AWAY, region))
        answers["first_time_treated_properly"] = _yes(rng, 0.88)
    return answers


def _access_and_assistance(answers: dict[str, Any], region: str, rng: np.random.Generator) -> dict:
    step_free = _chance(STEP_FREE, region)
    barred = (1 - step_free) / 2
    entry = rng.choice(["yes", "with_help", "no"], p=[step_free, barred, barred])
    answers["step_free"] = str(entry)
    answers["booth_accessible"] = _yes(rng, _chance(SEATED_BOOTH, region))
    answers["tactile_aids"] = _yes(rng, 0.3)
    answers["mobile_box_offered"] = _yes(rng, 0.85)
    answers["assistance"] = str(rng.choice(["yes", "no", "not_needed"], p=[0.5, 0.12, 0.38]))
    answers.pop("assisted_by", None)
    answers.pop("assisted_secrecy", None)
    if answers["assistance"] != "not_needed":
        first = "chosen_person" if answers["assistance"] == "yes" else str(rng.choice(HELPERS[1:]))
        others = [helper for helper in HELPERS if helper != first and rng.random() < 0.1]
        answers["assisted_by"] = [first, *others]
        answers["assisted_secrecy"] = _yes(rng, 0.82)
    return answers
