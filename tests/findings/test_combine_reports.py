"""How a station's several reports combine in findings: latest, or any for incidents."""

import copy

import numpy as np
import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from pollwatch.findings import answers
from pollwatch.findings.counted_report import latest_per_station
from pollwatch.findings.figures import (
    Scope,
    form_figures,
    question_share,
    reports_behind,
)
from pollwatch.forms.services import publish_form_version
from tests.builders import CHECKLIST
from tests.findings.builders import add_stations, random_plan, report


def incident_checklist(code: str = "station_check") -> dict:
    """The test checklist with ballot stuffing counted when any report saw it."""
    data = copy.deepcopy(CHECKLIST)
    data["code"] = code
    questions = data["sections"][0]["questions"]
    for question in questions:
        if question["code"] == "stuffing":
            question["combine"] = "any"
    questions.append(
        {
            "code": "seen",
            "type": "multiple_choice",
            "label": {"en": "What did you see?"},
            "choices": "incidents",
            "combine": "any",
        }
    )
    data["choice_lists"]["incidents"] = [
        {"code": "carousel", "label": {"en": "Carousel voting"}},
        {"code": "pressure", "label": {"en": "Pressure on voters"}},
    ]
    return data


@pytest.fixture
def checklist(db):
    return publish_form_version(incident_checklist())


@pytest.fixture
def stations(election):
    return add_stations(election, "N1", 4, "N")


def answers_of(stuffing="no", secrecy="yes", **more):
    return {"secrecy": secrecy, "stuffing": stuffing, "overall": "good", **more}


def test_a_later_no_does_not_hide_an_earlier_yes(mission, checklist, stations):
    report(mission, checklist, stations[0], answers_of(stuffing="yes"), minutes=0)
    report(mission, checklist, stations[0], answers_of(stuffing="no"), minutes=60)
    report(mission, checklist, stations[1], answers_of(stuffing="no"), minutes=0)
    figure = question_share(mission, "station_check", "stuffing", ["yes"])
    assert (figure.count, figure.base) == (1, 2)


def test_the_dashboard_values_of_an_any_question_count_the_station_once(
    mission, checklist, stations
):
    report(mission, checklist, stations[0], answers_of(stuffing="yes"), minutes=0)
    report(mission, checklist, stations[0], answers_of(stuffing="no"), minutes=60)
    report(mission, checklist, stations[1], answers_of(stuffing="no"), minutes=0)
    by_code = {q.code: q for q in form_figures(Scope(mission=mission), "station_check")}
    stuffing = {v.value: (v.figure.count, v.figure.base) for v in by_code["stuffing"].values}
    assert stuffing == {"yes": (1, 2), "no": (1, 2)}
    assert by_code["stuffing"].combine == "any"
    assert by_code["secrecy"].combine == "latest"


def test_latest_questions_still_take_the_latest_report(mission, checklist, stations):
    report(mission, checklist, stations[0], answers_of(secrecy="no"), minutes=0)
    report(mission, checklist, stations[0], answers_of(secrecy="yes"), minutes=60)
    figure = question_share(mission, "station_check", "secrecy", ["no"])
    assert (figure.count, figure.base) == (0, 1)


def test_a_rejected_yes_does_not_count(mission, checklist, stations):
    report(mission, checklist, stations[0], answers_of(stuffing="yes"), status="rejected")
    report(mission, checklist, stations[0], answers_of(stuffing="no"), minutes=60)
    figure = question_share(mission, "station_check", "stuffing", ["yes"])
    assert (figure.count, figure.base) == (0, 1)


def test_a_station_whose_latest_report_skipped_the_question_keeps_its_earlier_answer(
    mission, checklist, stations
):
    report(mission, checklist, stations[0], answers_of(stuffing="no"), minutes=0)
    skipped = answers_of()
    del skipped["stuffing"]
    report(mission, checklist, stations[0], skipped, minutes=60)
    figure = question_share(mission, "station_check", "stuffing", ["yes"])
    assert (figure.count, figure.base) == (0, 1)


def test_any_multiple_choice_value_ticked_in_some_report_counts(mission, checklist, stations):
    report(mission, checklist, stations[0], answers_of(seen=["carousel"]), minutes=0)
    report(mission, checklist, stations[0], answers_of(seen=["pressure"]), minutes=60)
    report(mission, checklist, stations[1], answers_of(seen=[]), minutes=0)
    carousel = question_share(mission, "station_check", "seen", ["carousel"])
    pressure = question_share(mission, "station_check", "seen", ["pressure"])
    assert (carousel.count, carousel.base) == (1, 2)
    assert (pressure.count, pressure.base) == (1, 2)


def test_time_filters_decide_which_reports_can_say_yes(mission, checklist, stations):
    report(mission, checklist, stations[0], answers_of(stuffing="yes"), minutes=0)
    report(mission, checklist, stations[0], answers_of(stuffing="no"), minutes=60)
    first = report(mission, checklist, stations[1], answers_of(stuffing="no"), minutes=0)
    later = Scope(mission=mission, since=first.received_at.replace(minute=30))
    figure = question_share(mission, "station_check", "stuffing", ["yes"])
    assert figure.count == 1
    from pollwatch.findings.figures import scoped_share

    assert scoped_share(later, "station_check", "stuffing", ["yes"]).count == 0


def test_with_a_random_plan_the_weighted_share_uses_the_combined_answer(
    mission, checklist, stations
):
    random_plan(mission, {"N": (stations, 10.0)})
    report(mission, checklist, stations[0], answers_of(stuffing="yes"), minutes=0)
    report(mission, checklist, stations[0], answers_of(stuffing="no"), minutes=60)
    for station in stations[1:]:
        report(mission, checklist, station, answers_of(stuffing="no"))
    figure = question_share(mission, "station_check", "stuffing", ["yes"])
    assert figure.is_random
    assert (figure.count, figure.base, figure.share) == (1, 4, 0.25)


def test_the_drill_down_lists_the_reports_that_said_yes(mission, checklist, stations):
    said = report(mission, checklist, stations[0], answers_of(stuffing="yes"), minutes=0)
    report(mission, checklist, stations[0], answers_of(stuffing="no"), minutes=60)
    ids = reports_behind(Scope(mission=mission), "station_check", "stuffing", ["yes"])
    assert ids == [said.pk]


def test_the_method_note_says_how_reports_combine(client, administrator, mission, election):
    voting = publish_form_version(incident_checklist("voting"))
    station = add_stations(election, "N1", 1, "N")[0]
    said = report(mission, voting, station, answers_of(stuffing="yes"), minutes=0)
    report(mission, voting, station, answers_of(stuffing="no"), minutes=60)
    client.force_login(administrator)
    page = client.get(reverse("findings:dashboard", args=[mission.slug]), {"form": "voting"})
    note = page.content.decode()
    assert "its latest received report that was not rejected" in note
    assert "count a station as “yes” when any of its reports that was not rejected said yes" in (
        note
    )
    assert "(any report)" in note
    drill = client.get(
        reverse("findings:reports", args=[mission.slug]),
        {"form": "voting", "question": "stuffing", "value": "yes"},
    )
    assert [s.pk for s in drill.context["page"].object_list] == [said.pk]
    assert "every such report is listed" in drill.content.decode()


def test_a_form_without_any_question_keeps_the_plain_note(client, administrator, mission, election):
    plain = copy.deepcopy(CHECKLIST) | {"code": "voting"}
    voting = publish_form_version(plain)
    station = add_stations(election, "N1", 1, "N")[0]
    report(mission, voting, station, answers_of())
    client.force_login(administrator)
    page = client.get(reverse("findings:dashboard", args=[mission.slug]), {"form": "voting"})
    assert "any of its reports" not in page.content.decode()


reports_of_stations = st.lists(
    st.tuples(st.integers(0, 4), st.sampled_from([ord("."), ord("0"), ord("1")])),
    min_size=1,
    max_size=25,
)


@settings(max_examples=100, deadline=None)
@given(reports_of_stations, st.randoms(use_true_random=False))
def test_any_report_is_seen_exactly_when_some_report_saw_it(rows, shuffler):
    shuffler.shuffle(rows)
    stations = np.array([station for station, _ in rows], dtype=np.int64)
    matrix = np.array([[character] for _, character in rows], dtype=np.uint8)
    ids = np.arange(1, len(rows) + 1, dtype=np.int64)
    received = np.array([shuffler.random() for _ in rows])
    latest = latest_per_station(ids, stations, received)
    combined = answers.any_report(stations, received, ids, matrix, latest, {0: answers.HIT})
    for station, row in zip(stations[latest], combined[:, 0], strict=True):
        own = [character for s, character in rows if s == station]
        if ord("1") in own:
            assert row == ord("1")
        elif ord("0") in own:
            assert row == ord("0")
        else:
            assert row == ord(".")
    # Columns not combined by "any" keep the latest report's answer.
    unchanged = answers.any_report(stations, received, ids, matrix, latest, {})
    assert np.array_equal(unchanged, matrix[latest])
