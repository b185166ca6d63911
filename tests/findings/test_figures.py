"""The figure API a statement quotes: the one-report rule, the design and the wording."""

import numpy as np
import pytest

from pollwatch.findings.figures import (
    Scope,
    ShareFigure,
    assessment_figure,
    form_figures,
    question_share,
)
from pollwatch.forms.services import publish_form_version
from pollwatch.stats.proportions import design_share
from tests.builders import CHECKLIST
from tests.findings.builders import add_stations, random_plan, report

MULTI = {
    **CHECKLIST,
    "choice_lists": {
        **CHECKLIST["choice_lists"],
        "problems": [
            {"code": "missing", "label": {"en": "Missing names"}},
            {"code": "extra", "label": {"en": "Extra names"}},
        ],
    },
    "sections": [
        {
            **CHECKLIST["sections"][0],
            "questions": [
                *CHECKLIST["sections"][0]["questions"],
                {
                    "code": "problems",
                    "type": "multiple_choice",
                    "label": {"en": "List problems"},
                    "choices": "problems",
                },
            ],
        }
    ],
}


@pytest.fixture
def checklist(db):
    return publish_form_version(MULTI)


@pytest.fixture
def stations(election):
    return {
        "N": add_stations(election, "N1", 8, "N"),
        "S": add_stations(election, "S1", 6, "S"),
    }


def answers(**overrides):
    return {"secrecy": "yes", "stuffing": "no", "voters": 12, "overall": "good"} | overrides


def test_without_a_random_plan_the_share_describes_only_the_stations_observed(
    mission, checklist, stations
):
    for index, station in enumerate(stations["N"]):
        report(mission, checklist, station, answers(secrecy="no" if index < 2 else "yes"))
    figure = question_share(mission, "station_check", "secrecy", ["no"])
    assert (figure.count, figure.base, figure.share) == (2, 8, 0.25)
    assert figure.low is None and figure.high is None and not figure.is_random
    text = figure.sentence("en")
    assert text.startswith("in 25% of the 8 polling stations observed")
    assert "not drawn at random" in text and "CI" not in text
    assert "выбраны не случайно" in figure.sentence("ru")


def test_latest_report_that_was_not_rejected_counts_once_per_station(mission, checklist, stations):
    first, second = stations["N"][:2]
    report(mission, checklist, first, answers(secrecy="no"), minutes=0)
    report(mission, checklist, first, answers(secrecy="yes"), minutes=30)
    report(mission, checklist, second, answers(secrecy="no"), minutes=0)
    report(mission, checklist, second, answers(secrecy="yes"), minutes=30, status="rejected")
    figure = question_share(mission, "station_check", "secrecy", ["no"])
    assert (figure.count, figure.base) == (1, 2)


def test_random_plan_gives_the_design_interval(mission, checklist, stations):
    random_plan(mission, {"N": (stations["N"], 5.0), "S": (stations["S"], 20.0)})
    flags = []
    strata = []
    for stratum, group in stations.items():
        for index, station in enumerate(group):
            bad = index % 3 == 0
            report(mission, checklist, station, answers(overall="bad" if bad else "good"))
            flags.append(bad)
            strata.append(stratum)
    figure = assessment_figure(mission, "voting", ("bad", "very_bad"), form_code="station_check")
    weights = np.where(np.array(strata) == "N", 5.0, 20.0)
    expected = design_share(
        np.array(flags), strata, weights=weights, frame_sizes={"N": 40, "S": 120}
    )
    assert figure.is_random
    assert (figure.count, figure.base) == (expected.count, expected.base)
    assert figure.share == pytest.approx(expected.share)
    assert (figure.low, figure.high) == pytest.approx((expected.low, expected.high))
    assert "(95% CI " in figure.sentence("en") and "14 polling stations observed" in (
        figure.sentence("en")
    )


def test_reports_from_stations_outside_the_random_plan_are_left_out_and_counted(
    mission, checklist, stations
):
    random_plan(mission, {"N": (stations["N"][:4], 2.0)})
    for station in stations["N"]:
        report(mission, checklist, station, answers(secrecy="no"))
    figure = question_share(mission, "station_check", "secrecy", ["no"])
    assert (figure.base, figure.outside_sample) == (4, 4)


def test_multiple_choice_counts_a_station_once_when_any_value_is_ticked(
    mission, checklist, stations
):
    north = stations["N"]
    report(mission, checklist, north[0], answers(problems=["missing", "extra"]))
    report(mission, checklist, north[1], answers(problems=["extra"]))
    report(mission, checklist, north[2], answers())
    figure = question_share(mission, "station_check", "problems", ["missing", "extra"])
    assert (figure.count, figure.base) == (2, 2)


def test_area_and_phase_filters_restrict_the_stations(mission, checklist, stations, election):
    for station in stations["N"][:3] + stations["S"][:2]:
        report(mission, checklist, station, answers(secrecy="no"))
    north = election.areas.get(code="N")
    assert question_share(mission, "station_check", "secrecy", ["no"], area=north).base == 3
    assert question_share(mission, "station_check", "secrecy", ["no"], phase="opening").base == 0


def test_form_figures_lists_every_value_of_every_choice_question(mission, checklist, stations):
    for index, station in enumerate(stations["S"]):
        report(mission, checklist, station, answers(overall=["good", "bad", "very_bad"][index % 3]))
    questions = {q.code: q for q in form_figures(Scope(mission=mission), "station_check")}
    assert set(questions) == {"secrecy", "stuffing", "overall", "problems"}
    overall = {v.value: v.figure.count for v in questions["overall"].values}
    assert overall == {"very_good": 0, "good": 2, "bad": 2, "very_bad": 2}
    assert "voters" not in questions


@pytest.mark.parametrize(
    ("figure", "language", "expected"),
    [
        (
            ShareFigure(29, 412, 0.0704, 0.048, 0.0993, 0.95, True),
            "en",
            "in 7% (95% CI 5–10%) of 412 polling stations observed",
        ),
        (
            ShareFigure(2, 412, 0.0049, 0.0006, 0.0174, 0.95, True),
            "en",
            "in 0.5% (95% CI 0.1–2%) of 412 polling stations observed",
        ),
        (
            ShareFigure(29, 412, 0.0704, 0.048, 0.0993, 0.95, True),
            "ru",
            "на 7% (95% ДИ 5–10%) из 412 наблюдавшихся участков",
        ),
        (
            ShareFigure(1, 21, 0.0476, 0.001, 0.24, 0.95, True),
            "ru",
            "на 5% (95% ДИ 0,1–24%) из 21 наблюдавшегося участка",
        ),
    ],
)
def test_sentence_wording(figure, language, expected):
    assert figure.sentence(language) == expected


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="en, ru"):
        ShareFigure(1, 2, 0.5, None, None, 0.95, False).sentence("fr")


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        (1, "из 1 наблюдавшегося участка"),
        (2, "из 2 наблюдавшихся участков"),
        (5, "из 5 наблюдавшихся участков"),
        (21, "из 21 наблюдавшегося участка"),
    ],
)
def test_the_russian_sentence_takes_the_plural_form_of_its_base(base, expected):
    figure = ShareFigure(1, base, 1 / base, 0.001, 0.9, 0.95, True)
    assert figure.sentence("ru").endswith(expected)


@pytest.mark.parametrize(
    ("base", "expected"),
    [(1, "of 1 polling station observed"), (2, "of 2 polling stations observed")],
)
def test_the_english_sentence_takes_the_plural_form_of_its_base(base, expected):
    figure = ShareFigure(1, base, 1 / base, 0.001, 0.9, 0.95, True)
    assert figure.sentence("en").endswith(expected)


def test_the_turkish_sentence_writes_numbers_the_turkish_way():
    figure = ShareFigure(29, 4120, 0.0704, 0.048, 0.0993, 0.95, True)
    assert figure.sentence("tr") == "gözlemlenen 4.120 sandığın %7 kadarında (%95 GA %5–10)"
