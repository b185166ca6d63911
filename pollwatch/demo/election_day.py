"""A simulated election day for the demo mission: every team's reports through the intake.

Each station gets a hidden "conduct" score; the worse it is, the likelier each
problem answer and the worse the overall assessment, so the findings show
realistic, correlated problems and a few critical incidents.
"""

from __future__ import annotations

import datetime
import json
import uuid
import zoneinfo
from typing import Any

import numpy as np
from django.db.models import F

from pollwatch.demo.inclusion import with_inclusion_answers
from pollwatch.deployment.assignment import assigned_stations
from pollwatch.forms.conditions import evaluate
from pollwatch.forms.definition import FormDefinition, Question
from pollwatch.forms.library import library_forms
from pollwatch.forms.models import FormVersion
from pollwatch.forms.services import publish_form_version
from pollwatch.intake.definitions import definition_for
from pollwatch.intake.models import Channel, Submission
from pollwatch.intake.services import receive_submission, store_raw_payload
from pollwatch.missions.models import Member, Mission
from pollwatch.registry.models import Election, PollingStation

# The answer that reports a problem, for the yes/no items of the standard forms.
PROBLEM_ANSWERS = {
    "materials_complete": "no",
    "boxes_shown_empty": "no",
    "unauthorised_present": "yes",
    "camera_present": "yes",
    "secrecy_respected": "no",
    "group_voting": "yes",
    "photographing_ballots": "yes",
    "identity_checked": "no",
    "list_irregularities": "yes",
    "mobile_box_used": "yes",
    "carousel_voting": "yes",
    "pressure": "yes",
    "vote_buying": "yes",
    "organised_transport": "yes",
    "campaigning": "yes",
    "unused_cancelled": "no",
    "control_sums_checked": "no",
    "validity_consistent": "no",
    "procedure_in_order": "no",
    "figures_changed": "yes",
    "marks_visible": "no",
    "copy_given": "no",
    "protocol_posted": "no",
    "figures_copied": "no",
    "party_agents_present": "no",
    "citizen_observers_present": "no",
}
SOMETIMES_BAD_CHOICES = {
    "first_voter": ["0700_0800", "after_0800"],
    "observer_access": ["restricted"],
    "overcrowding": ["some", "serious"],
    "closed": ["early", "late"],
    "queue_allowed": ["no"],
}
VISIT_HOURS = {
    "opening": (6.5, 7.9),
    "voting": (8.5, 19.5),
    "closing_counting": (20.2, 23.5),
    "pvt_form2": (21.0, 23.9),
}


def install_library_forms() -> dict[str, FormVersion]:
    """The standard forms, published (or found unchanged); by form code."""
    return {
        code: publish_form_version(definition.to_dict())
        for code, definition in library_forms().items()
    }


def send_report(member: Member, data: dict) -> None:
    """Send one report through the intake exactly as a phone would."""
    payload = store_raw_payload(json.dumps(data), channel=Channel.WEB, sender=member.full_name)
    receive_submission(data, payload, member=member)


def simulate_election_day(
    mission: Mission, seed: int = 2026, voting_day: datetime.date | None = None
) -> int:
    """Send every team's reports for the day (by default the election's date); how many."""
    rng = np.random.default_rng(seed + 17)
    versions = install_library_forms()
    stored = 0
    for member in _one_observer_per_team(mission):
        stations = assigned_stations(member)[:10]
        for index, station in enumerate(stations):
            conduct = rng.beta(8, 1.5)
            for code in _phases_at(index, len(stations)):
                stored += _send(member, station, versions[code], conduct, rng, voting_day)
            if rng.random() < 0.04:
                stored += _send(member, station, versions["incident"], conduct, rng, voting_day)
    # A phone sends as it goes: each report arrives at its visit on election day, as the
    # mission dashboard and the findings' time filters read them, not when the demo runs.
    Submission.objects.filter(mission=mission, device_time__isnull=False).update(
        received_at=F("device_time")
    )
    return stored


def _one_observer_per_team(mission: Mission) -> list[Member]:
    members = Member.objects.filter(
        mission=mission, role=Member.Role.OBSERVER, team__isnull=False
    ).select_related("team", "mission__election")
    first: dict[int, Member] = {}
    for member in members.order_by("team__code", "id"):
        first.setdefault(member.team_id, member)
    return list(first.values())


def _phases_at(index: int, count: int) -> list[str]:
    phases = ["opening"] if index == 0 else []
    phases += ["voting", "accessibility"]
    if index == count - 1:
        phases.append("closing_counting")
    return phases


def _send(
    member: Member,
    station: PollingStation,
    version: FormVersion,
    conduct: float,
    rng: np.random.Generator,
    voting_day: datetime.date | None = None,
) -> int:
    code, election = version.form.code, member.mission.election
    _, bound = definition_for(code, version.version, election)
    send_report(
        member,
        {
            "key": str(uuid.UUID(bytes=rng.bytes(16), version=4)),
            "form": code,
            "version": version.version,
            "station": station.code,
            "device_time": visit_time(election, code, rng, voting_day).isoformat(),
            "answers": with_inclusion_answers(
                code, _answers(bound.definition, conduct, rng), station, rng
            ),
        },
    )
    return 1


def visit_time(
    election: Election,
    code: str,
    rng: np.random.Generator,
    voting_day: datetime.date | None = None,
) -> datetime.datetime:
    start, end = VISIT_HOURS.get(code, (8.0, 19.0))
    hours = rng.uniform(start, end)
    zone = zoneinfo.ZoneInfo(election.time_zone or "UTC")
    midnight = datetime.datetime.combine(voting_day or election.date, datetime.time(0, 0), zone)
    return midnight + datetime.timedelta(hours=float(hours))


def _answers(
    definition: FormDefinition, conduct: float, rng: np.random.Generator
) -> dict[str, object]:
    answers: dict[str, object] = {}
    problems = 0
    for question in definition.questions():
        if question.relevant is not None and not evaluate(question.relevant, answers):
            continue
        value, problem = _answer(definition, question, conduct, rng, problems)
        problems += problem
        if value is not None:
            answers[question.code] = value
    return answers


def _answer(
    definition: FormDefinition,
    question: Question,
    conduct: float,
    rng: np.random.Generator,
    problems_so_far: int,
) -> tuple[Any, bool]:
    trouble = (1 - conduct) * 0.3
    code = question.code
    if question.assessment:
        return _assessment(problems_so_far, conduct, rng), False
    if question.critical_when is not None and question.type != "single_choice":
        return ("yes" if rng.random() < trouble * 0.05 else "no"), False
    if code in PROBLEM_ANSWERS:
        bad = rng.random() < trouble
        good = "yes" if PROBLEM_ANSWERS[code] == "no" else "no"
        return (PROBLEM_ANSWERS[code] if bad else good), bad
    return _typed_answer(definition, question, trouble, rng), False


def _typed_answer(
    definition: FormDefinition, question: Question, trouble: float, rng: np.random.Generator
) -> Any:
    if question.type in ("single_choice", "multiple_choice"):
        choices = list(definition.choice_codes(question))
        if question.type == "multiple_choice":
            return [str(rng.choice(choices))]
        if question.code == "category":
            return str(rng.choice(choices))
        bad = SOMETIMES_BAD_CHOICES.get(question.code)
        if bad and rng.random() < trouble:
            return str(rng.choice(bad))
        return _safe_choice(question, choices, rng)
    if question.type == "yes_no":
        return "yes" if rng.random() < 0.5 else "no"
    if question.type == "integer":
        return _integer(question, rng)
    if question.type == "time":
        return f"{int(rng.integers(6, 8)):02d}:{int(rng.integers(0, 60)):02d}"
    if question.type == "text":
        return "Observed in the demo." if question.required else None
    return None


def _safe_choice(question: Question, choices: list[str], rng: np.random.Generator) -> str:
    allowed = [
        c
        for c in choices
        if question.critical_when is None
        or not evaluate(question.critical_when, {question.code: c})
    ]
    preferred = {
        "first_voter": "before_0700",
        "observer_access": "full",
        "overcrowding": "none",
        "closed": "on_time",
        "queue_allowed": "no_queue",
        "witnessed": "directly",
    }
    wanted = preferred.get(question.code)
    return wanted if wanted in allowed else str(rng.choice(allowed or choices))


def _integer(question: Question, rng: np.random.Generator) -> int:
    if question.code == "members_present":
        return int(rng.integers(5, 12))
    if question.code == "women_members":
        return int(rng.integers(0, 5))
    if question.code == "turned_away":
        return int(rng.poisson(1.2))
    upper = question.constraint.max if question.constraint and question.constraint.max else 20
    return int(rng.integers(0, min(int(upper), 20) + 1))


def _assessment(problems: int, conduct: float, rng: np.random.Generator) -> str:
    score = problems + (1 - conduct) * 4 + rng.normal(0, 0.7)
    if score < 1.0:
        return "very_good"
    if score < 2.8:
        return "good"
    return "bad" if score < 4.5 else "very_bad"
