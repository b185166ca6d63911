"""Figures stay right while reports arrive, are revised and are rejected between two reads."""

import pytest

from pollwatch.findings.figures import question_share
from pollwatch.forms.services import publish_form_version
from pollwatch.intake.services import review_submission, revise_submission
from tests.builders import CHECKLIST
from tests.findings.builders import add_stations, report


@pytest.fixture
def checklist(db):
    return publish_form_version(CHECKLIST)


def answers(**overrides):
    return {"secrecy": "yes", "stuffing": "no", "voters": 12, "overall": "good"} | overrides


def secrecy_breaches(mission):
    figure = question_share(mission, "station_check", "secrecy", ["no"])
    return figure.count, figure.base


def test_new_revised_and_rejected_reports_change_the_next_figure(
    mission, checklist, election, administrator
):
    stations = add_stations(election, "N1", 4, "N")
    first = report(mission, checklist, stations[0], answers(secrecy="no"))
    report(mission, checklist, stations[1], answers())
    assert secrecy_breaches(mission) == (1, 2)

    report(mission, checklist, stations[2], answers(secrecy="no"))
    assert secrecy_breaches(mission) == (2, 3)

    revise_submission(first, answers(), actor=administrator, reason="misread")
    assert secrecy_breaches(mission) == (1, 3)

    later = report(mission, checklist, stations[1], answers(secrecy="no"), minutes=5)
    assert secrecy_breaches(mission) == (2, 3)

    review_submission(later, "reject", reviewer=administrator, reason="wrong station")
    assert secrecy_breaches(mission) == (1, 3)
