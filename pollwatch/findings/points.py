"""The places reports give in a form's geopoint answers, for the findings map.

A geopoint answer is stored as ``{"lat", "lon", "alt", "accuracy"}`` under the
question's code. The reports are those of the findings' scope (mission, phase,
area, team, time) that the viewer may also see through
``Submission.objects.visible_to``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.urls import reverse

from pollwatch.accounts.roles import AnyUser
from pollwatch.findings import figures
from pollwatch.findings.newest_forms import NewestForms
from pollwatch.intake.models import Submission

GEOPOINT = "geopoint"


@dataclass(frozen=True, slots=True)
class ReportedPoint:
    report: int
    station: str
    station_name: str
    question: str
    question_label: str
    lat: float
    lon: float
    accuracy: float | None
    url: str


def geopoint_questions(form_code: str, forms: NewestForms, language: str) -> dict[str, str]:
    """The form's geopoint questions (answered once per report): code → label."""
    form = forms.get(form_code) if form_code else None
    if form is None:
        return {}
    labels = form.labels(language)
    return {q["code"]: labels[q["code"]] for q in form.questions if q["type"] == GEOPOINT}


def reported_points(
    user: AnyUser, scope: figures.Scope, form_code: str, questions: dict[str, str]
) -> list[ReportedPoint]:
    """Every geopoint answer of the reports in scope the user may see, by station and report."""
    if not questions:
        return []
    reports = (
        scope.submissions(form_code)
        .filter(pk__in=Submission.objects.visible_to(user).values("pk"))
        .order_by("station__code", "id")
        .values_list("id", "station__code", "station__name", "answers")
    )
    return [
        point
        for pk, code, name, answers in reports
        for question, label in questions.items()
        if (point := _point(pk, code, name, question, label, answers.get(question))) is not None
    ]


def points_json(points: list[ReportedPoint], areas: dict[str, Any]) -> dict[str, Any]:
    return {"points": [asdict(point) for point in points], "areas": areas}


def _point(
    pk: int, code: str, name: str, question: str, label: str, answer: Any
) -> ReportedPoint | None:
    if not isinstance(answer, dict):
        return None
    lat, lon = answer.get("lat"), answer.get("lon")
    if not isinstance(lat, int | float) or not isinstance(lon, int | float):
        return None
    accuracy = answer.get("accuracy")
    return ReportedPoint(
        report=pk,
        station=code,
        station_name=name,
        question=question,
        question_label=label,
        lat=float(lat),
        lon=float(lon),
        accuracy=float(accuracy) if isinstance(accuracy, int | float) else None,
        url=reverse("intake:submission", args=[pk]),
    )
