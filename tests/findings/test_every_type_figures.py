"""Figures of numbers, dates, texts, places, files and repeat entries, over counted reports."""

from __future__ import annotations

import math

import numpy as np
import pytest
from django.urls import reverse
from scipy.stats import t

from pollwatch.findings.counted_answers import counted_answers
from pollwatch.findings.figures import Scope, newest_form
from pollwatch.findings.question_types import located_points, type_figures
from pollwatch.findings.repeats import repeat_entries, repeat_figures
from pollwatch.forms.services import publish_form_version
from pollwatch.intake.models import Attachment
from pollwatch.stats.means import design_mean
from pollwatch.stats.stratified import build_design
from tests.findings.builders import add_stations, random_plan, report

pytestmark = pytest.mark.django_db


def _q(code, kind, **extra):
    return {"code": code, "type": kind, "label": {"en": code.replace("_", " ")}, **extra}


COMPLAINTS = {
    "format": 1,
    "code": "complaints",
    "title": {"en": "Complaints"},
    "languages": ["en"],
    "version": 1,
    "phase": "voting",
    "choice_lists": {"kinds": [{"code": "queue"}, {"code": "pressure"}, {"code": "other"}]},
    "sections": [
        {
            "code": "visit",
            "title": {"en": "Visit"},
            "questions": [
                _q("intro", "note"),
                _q("queue_length", "integer"),
                _q("visit_day", "date"),
                _q("arrived_at", "datetime"),
                _q("opened", "time"),
                _q("remarks", "text"),
                _q("seal", "barcode"),
                _q("location", "geopoint"),
                _q("protocol", "photo"),
                _q("score", "calculate", carried=["calculate"]),
            ],
        },
        {
            "code": "complaint",
            "title": {"en": "Complaints"},
            "repeat": True,
            "questions": [
                _q("kind", "single_choice", choices="kinds"),
                _q("people", "integer"),
            ],
        },
        {
            "code": "witness",
            "title": {"en": "Witnesses"},
            "repeat": True,
            "within": "complaint",
            "questions": [_q("witness_name", "text")],
        },
    ],
}


@pytest.fixture
def complaints(db):
    for choice in COMPLAINTS["choice_lists"]["kinds"]:
        choice["label"] = {"en": choice["code"]}
    return publish_form_version(COMPLAINTS)


def complaint(kind, people=None, witnesses=0):
    entry = {"kind": kind, "witness": [{"witness_name": f"w{i}"} for i in range(witnesses)]}
    if people is not None:
        entry["people"] = people
    return entry


@pytest.fixture
def stations(election):
    return add_stations(election, "N1", 4, "N") + add_stations(election, "S1", 2, "S")


@pytest.fixture
def reported(mission, complaints, stations):
    n0, n1, n2, n3, s0, s1 = stations
    answers = [
        (n0, {"queue_length": 10, "visit_day": "2026-05-01",
              "arrived_at": "2026-05-01T07:30:00+03:00", "opened": "07:05",
              "remarks": "Calm morning", "seal": "SEAL-1",
              "location": {"lat": 41.7, "lon": 44.8, "alt": None, "accuracy": None},
              "protocol": "p1.jpg", "score": 3,
              "complaint": [complaint("queue", 4, 2), complaint("pressure", 1)]}),
        (n1, {"queue_length": 20, "visit_day": "2026-05-01", "opened": "07:40",
              "remarks": "Police inside", "complaint": [complaint("queue", 2, 1)]}),
        (n2, {"queue_length": 30, "visit_day": "2026-05-02", "complaint": []}),
        (n3, {"remarks": "", "location": {"lat": 41.0, "lon": 44.0, "alt": None,
                                           "accuracy": 5.0}}),
        (s0, {"queue_length": 40, "opened": "08:10",
              "complaint": [complaint("other"), complaint("queue", 6), complaint("pressure")]}),
        (s1, {"queue_length": 50, "remarks": "calm all day"}),
    ]  # fmt: skip
    found = [report(mission, complaints, station, given, minutes=5) for station, given in answers]
    # An earlier report of n1 does not count: n1's latest one does.
    report(mission, complaints, n1, {"queue_length": 999, "complaint": [complaint("other")] * 9})
    # A rejected report never counts.
    report(mission, complaints, n2, {"queue_length": 999}, minutes=9, status="rejected")
    return found


def figures_of(mission, forms=None):
    scope = Scope(mission=mission)
    counted = counted_answers(scope, "complaints")
    form = newest_form("complaints", forms)
    return counted, type_figures(counted, form), repeat_figures(counted, form)


def test_numbers_have_n_mean_and_the_observed_spread(mission, reported):
    _counted, found, _repeats = figures_of(mission)
    (queue,) = found.numbers
    assert (queue.code, queue.answered, queue.base) == ("queue_length", 5, 6)
    assert queue.mean == pytest.approx(30.0)
    assert (queue.minimum, queue.median, queue.maximum) == (10, 30, 50)
    assert queue.low is None and not found.is_random


def test_with_a_random_plan_the_mean_is_weighted_with_its_interval(mission, reported, stations):
    n0, n1, n2, n3, s0, s1 = stations
    random_plan(mission, {"N": ([n0, n1, n2, n3], 10.0), "S": ([s0, s1], 50.0)})
    _counted, found, _repeats = figures_of(mission)
    (queue,) = found.numbers
    # Strata of 40 and 100 stations; answered: N 10, 20, 30 (n3 did not), S 40, 50.
    # Weights 10 and 50: mean = (10*60 + 50*90) / (10*3 + 50*2) = 5100 / 130.
    assert queue.mean == pytest.approx(5100 / 130)
    # By hand: u = w (y - R x) / X, variance per stratum with f = 4/40 and 2/100.
    mean = 5100 / 130
    u_n = np.array([10 * (y - mean) for y in (10, 20, 30)] + [0.0]) / 130
    u_s = np.array([50 * (y - mean) for y in (40, 50)]) / 130
    variance = sum(
        (1 - f) * len(u) / (len(u) - 1) * ((u - u.mean()) ** 2).sum()
        for u, f in ((u_n, 4 / 40), (u_s, 2 / 100))
    )
    half = t.ppf(0.975, 6 - 2) * math.sqrt(variance)
    assert (queue.low, queue.high) == pytest.approx((mean - half, mean + half))
    assert found.is_random


def test_dates_and_times_are_counted_by_day_and_hour(mission, reported):
    _counted, found, _repeats = figures_of(mission)
    by_code = {c.code: c for c in found.counts}
    assert by_code["visit_day"].bins == (("2026-05-01", 2), ("2026-05-02", 1))
    assert by_code["arrived_at"].bins == (("2026-05-01 07:00", 1),)
    assert by_code["opened"].bins == (("07:00", 2), ("08:00", 1))
    assert (by_code["opened"].answered, by_code["opened"].base) == (3, 6)


def test_texts_are_listed_newest_first_with_their_reports_and_searchable(mission, reported):
    counted = counted_answers(Scope(mission=mission), "complaints")
    form = newest_form("complaints")
    (remarks, seal) = type_figures(counted, form).listed
    assert (remarks.answered, remarks.matching) == (3, 3)
    assert {text for _report, text in remarks.latest} == {
        "Calm morning",
        "Police inside",
        "calm all day",
    }
    assert seal.latest == ((reported[0].pk, "SEAL-1"),)
    searched = type_figures(counted, form, search="CALM").listed[0]
    assert (searched.answered, searched.matching) == (3, 2)
    assert [report for report, _text in searched.latest] == [reported[5].pk, reported[0].pk]


def test_the_list_of_texts_can_hold_every_answer_for_a_download(mission, reported):
    counted = counted_answers(Scope(mission=mission), "complaints")
    form = newest_form("complaints")
    assert len(type_figures(counted, form, latest=1).listed[0].latest) == 1
    assert len(type_figures(counted, form, latest=None).listed[0].latest) == 3


def test_places_are_counted_and_points_given_with_their_reports(mission, reported):
    _counted, found, _repeats = figures_of(mission)
    (location,) = found.places
    assert (location.answered, location.base) == (2, 6)
    points = located_points(Scope(mission=mission), "complaints", "location")
    assert sorted((p.report_id, p.lat, p.lon) for p in points) == [
        (reported[0].pk, 41.7, 44.8),
        (reported[3].pk, 41.0, 44.0),
    ]
    assert located_points(Scope(mission=mission), "complaints", "remarks") == []


def test_files_are_counted_with_links_to_what_was_received(mission, reported):
    Attachment.objects.create(
        instance_id="i1", submission=reported[0], name="p1.jpg", file="x/p1.jpg", size=3, sha256="0"
    )
    _counted, found, _repeats = figures_of(mission)
    (protocol,) = found.media
    assert protocol.answered == 1
    (file,) = protocol.latest
    assert (file.report_id, file.name) == (reported[0].pk, "p1.jpg")
    assert file.attachment_id == Attachment.objects.get().pk


def test_calculations_are_named_as_not_analysed_and_notes_not_at_all(mission, reported):
    _counted, found, _repeats = figures_of(mission)
    assert found.not_analysed == ("score",)


def test_repeat_entries_of_a_nested_repeat_are_flattened():
    answers = {"complaint": [complaint("queue", witnesses=2), complaint("other", witnesses=1)]}
    assert len(repeat_entries(answers, ("complaint",))) == 2
    assert [w["witness_name"] for w in repeat_entries(answers, ("complaint", "witness"))] == [
        "w0",
        "w1",
        "w0",
    ]
    assert repeat_entries({"complaint": "garbled"}, ("complaint", "witness")) == []


def test_a_repeat_is_counted_per_report_and_its_choices_per_entry(mission, reported):
    _counted, _found, (complaints, witnesses) = figures_of(mission)
    # Entries of the counted reports: n0 2, n1 1, n2 0, n3 none, s0 3, s1 none.
    assert (complaints.base, complaints.with_entries, complaints.entries) == (6, 3, 6)
    assert complaints.share_with_entries.value == pytest.approx(3 / 6)
    assert complaints.per_report.value == pytest.approx(1.0)
    assert complaints.unit() == "of 6 entries in 3 reports"
    kind, people = complaints.questions
    shares = {v.value: (v.entries, v.base, v.share.value) for v in kind.values}
    assert shares["queue"] == (3, 6, pytest.approx(0.5))
    assert shares["pressure"] == (2, 6, pytest.approx(2 / 6))
    assert shares["other"] == (1, 6, pytest.approx(1 / 6))
    assert people.answered == 4 and people.mean.value == pytest.approx((4 + 1 + 2 + 6) / 4)
    assert (witnesses.depth, witnesses.entries, witnesses.with_entries) == (2, 3, 2)


def test_repeat_figures_with_a_random_plan_have_intervals_from_stations(
    mission, reported, stations
):
    n0, n1, n2, n3, s0, s1 = stations
    random_plan(mission, {"N": ([n0, n1, n2, n3], 10.0), "S": ([s0, s1], 50.0)})
    _counted, _found, (complaints, _witnesses) = figures_of(mission)
    # Weighted: N stations 10 each (entries 2, 1, 0, 0), S 50 each (3, 0).
    per_report = (10 * 3 + 50 * 3) / (10 * 4 + 50 * 2)
    assert complaints.per_report.value == pytest.approx(per_report)
    assert complaints.per_report.low < per_report < complaints.per_report.high
    share = (10 * 2 + 50 * 1) / (10 * 4 + 50 * 2)
    assert complaints.share_with_entries.value == pytest.approx(share)
    queue = next(v for v in complaints.questions[0].values if v.value == "queue")
    assert queue.share.value == pytest.approx((10 * 2 + 50 * 1) / (10 * 3 + 50 * 3))
    assert 0 <= queue.share.low < queue.share.value < queue.share.high <= 1


def test_a_station_outside_the_plan_is_left_out_and_counted(mission, reported, stations):
    n0, n1, n2, n3, s0, s1 = stations
    random_plan(mission, {"N": ([n0, n1, n2, n3], 10.0), "S": ([s0], 50.0)})
    counted = counted_answers(Scope(mission=mission), "complaints")
    assert (len(counted), counted.outside_sample) == (5, 1)


def test_entries_that_did_not_answer_are_shown_and_left_out_of_the_shares(
    client, administrator, mission, complaints, stations
):
    entries = [{"kind": "queue"}, {"kind": "pressure"}, {"people": 3}]
    report(mission, complaints, stations[0], {"complaint": entries})
    _counted, _found, (complaint_figure, _witnesses) = figures_of(mission)
    kind = complaint_figure.questions[0]
    assert (complaint_figure.entries, kind.answered) == (3, 2)
    assert {v.value: (v.entries, v.base) for v in kind.values}["queue"] == (1, 2)
    client.force_login(administrator)
    url = reverse("findings:dashboard", args=[mission.slug])
    page = client.get(url, {"form": "complaints"}).content.decode()
    assert "2 of 3 entries answered" in page
    assert "1 of 2 entries in 1 report (50%)" in page


def test_the_pipeline_weights_as_the_statistics_do_with_non_response(mission, complaints, election):
    # 30 stations drawn in N (1 in 10) and 10 in S (1 in 5); 4 of N never report, so the
    # 26 that did stand for N's 300 stations: weight 300/26, as build_design gives.
    rng = np.random.default_rng(3)
    north = add_stations(election, "N1", 30, "SN")
    south = add_stations(election, "S1", 10, "SS")
    random_plan(mission, {"N": (north, 10.0), "S": (south, 5.0)})
    reporting = north[4:] + south
    sizes = rng.poisson(2.0, len(reporting))
    for station, size in zip(reporting, sizes, strict=True):
        report(mission, complaints, station, {"complaint": [complaint("queue")] * int(size)})
    _counted, _found, (complaint_figure, _witnesses) = figures_of(mission)
    strata = ["N"] * 26 + ["S"] * 10
    design = build_design(36, strata, {"N": 300, "S": 50})
    expected = design_mean(design, sizes, np.ones(36))
    assert complaint_figure.per_report.value == pytest.approx(expected.value)
    assert complaint_figure.per_report.low == pytest.approx(expected.low)
    assert complaint_figure.per_report.high == pytest.approx(expected.high)
