"""Inclusion findings: shares and the women's share of members, with bases and non-response."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from django.urls import reverse

from pollwatch.findings.figures import FindingsError, Scope, question_share
from pollwatch.findings.inclusion import ITEMS, RatioItem, finding_for, inclusion_findings
from pollwatch.findings.ratios import RatioFigure, question_ratio
from pollwatch.forms.library import library_forms
from pollwatch.forms.services import publish_form_version
from pollwatch.stats.means import design_share_of_units
from pollwatch.stats.stratified import build_design
from tests.findings.builders import add_stations, random_plan, report

pytestmark = pytest.mark.django_db
LANGUAGES = ("en", "ru", "tr")
# Members present and, of them, women, at each of six stations of the North.
MEMBERS = (7, 9, 5, 11, 8, 6)
WOMEN = (3, 6, 0, 4, 5, 2)


@pytest.fixture
def library(db):
    forms = library_forms()
    return {
        code: publish_form_version(forms[code].to_dict())
        for code in ("opening", "voting", "accessibility")
    }


@pytest.fixture
def north(election):
    return add_stations(election, "N1", 6, "N")


def opening(members: int, women: int, chair: str) -> dict:
    return {"members_present": members, "women_members": women, "chair_gender": chair}


def access(assistance: str, secrecy: str | None = None, step_free: str = "yes") -> dict:
    answers = {"step_free": step_free, "booth_accessible": "yes", "assistance": assistance}
    if secrecy is not None:
        answers |= {"assisted_by": ["chosen_person"], "assisted_secrecy": secrecy}
    return answers


def test_every_inclusion_finding_asks_a_trilingual_question_of_the_standard_library():
    forms = library_forms()
    for item in ITEMS:
        form = forms[item.form]
        codes = (
            (item.numerator, item.denominator) if isinstance(item, RatioItem) else (item.question,)
        )
        for code in codes:
            question = form.question(code)
            assert tuple(question.label) == LANGUAGES and all(dict(question.label).values())
        if not isinstance(item, RatioItem):
            assert set(item.values) <= set(form.choice_codes(form.question(item.question)))


def test_the_women_share_of_members_is_the_ratio_of_the_totals_observed(mission, library, north):
    for station, members, women in zip(north, MEMBERS, WOMEN, strict=True):
        report(mission, library["opening"], station, opening(members, women, "man"))
    figure = question_ratio(mission, "opening", "women_members", "members_present")
    assert (figure.count, figure.base, figure.stations) == (20, 46, 6)
    assert figure.rest == 26
    assert figure.share == pytest.approx(20 / 46)
    assert figure.low is None and not figure.is_random
    text = figure.sentence("en")
    assert text.startswith(
        "43% (46 counted at the 6 polling stations observed, not drawn at random"
    )


def test_with_a_random_plan_the_ratio_is_weighted_and_its_interval_follows_the_design(
    mission, library, election, north
):
    south = add_stations(election, "S1", 4, "S")
    random_plan(mission, {"N": (north, 10.0), "S": (south, 30.0)})
    women_south = (1, 1, 2, 0)
    members_south = (8, 6, 7, 5)
    for station, members, women in zip(north, MEMBERS, WOMEN, strict=True):
        report(mission, library["opening"], station, opening(members, women, "woman"))
    for station, members, women in zip(south, members_south, women_south, strict=True):
        report(mission, library["opening"], station, opening(members, women, "man"))
    figure = question_ratio(mission, "opening", "women_members", "members_present")

    truth = (10 * sum(WOMEN) + 30 * sum(women_south)) / (
        10 * sum(MEMBERS) + 30 * sum(members_south)
    )
    assert figure.share == pytest.approx(truth)
    design = build_design(10, ["N"] * 6 + ["S"] * 4, {"N": 60, "S": 120})
    expected = design_share_of_units(design, WOMEN + women_south, MEMBERS + members_south)
    assert (figure.low, figure.high) == pytest.approx((expected.low, expected.high))
    assert figure.low < truth < figure.high and figure.is_random
    assert "95% CI" in figure.sentence("en") and "10 polling stations observed" in figure.sentence(
        "en"
    )
    chaired = question_share(mission, "opening", "chair_gender", ["woman"])
    assert chaired.share == pytest.approx(60 / 180)


def test_a_station_that_did_not_give_both_numbers_is_left_out_of_the_ratio(mission, library, north):
    report(mission, library["opening"], north[0], opening(10, 4, "woman"))
    report(mission, library["opening"], north[1], {"members_present": 8, "chair_gender": "man"})
    figure = question_ratio(mission, "opening", "women_members", "members_present")
    assert (figure.count, figure.base, figure.stations) == (4, 10, 1)


def test_findings_give_the_stations_asked_answered_and_not_answered(mission, library, north):
    report(mission, library["accessibility"], north[0], access("yes", "yes"))
    report(mission, library["accessibility"], north[1], access("no", "no", step_free="no"))
    report(mission, library["accessibility"], north[2], access("not_needed"))
    report(
        mission,
        library["accessibility"],
        north[3],
        access("yes") | {"assisted_by": ["same_helper"]},
    )
    report(mission, library["accessibility"], north[4], {"assistance": "not_needed"})
    groups = inclusion_findings(Scope(mission=mission))

    secrecy = finding_for(groups, "accessibility", "assisted_secrecy", ["yes"])
    assert secrecy is not None
    # Asked where help was needed (three stations); one of them did not answer.
    assert (secrecy.asked, secrecy.answered, secrecy.not_answered) == (3, 2, 1)
    assert (secrecy.figure.count, secrecy.figure.share) == (1, 0.5)
    step_free = finding_for(groups, "accessibility", "step_free", ["yes"])
    assert (step_free.asked, step_free.answered, step_free.not_answered) == (5, 4, 1)
    assert step_free.figure == question_share(mission, "accessibility", "step_free", ["yes"])
    helpers = finding_for(
        groups, "accessibility", "assisted_by", ["same_helper", "party_or_official"]
    )
    assert (helpers.figure.count, helpers.figure.base) == (1, 3)
    assert [group.code for group in groups] == ["disabled", "assisted", "elderly", "women", "young"]


def test_a_form_the_mission_never_published_leaves_its_findings_out(mission, north):
    version = publish_form_version(library_forms()["opening"].to_dict())
    report(mission, version, north[0], opening(6, 3, "woman"))
    groups = inclusion_findings(Scope(mission=mission))
    assert [group.code for group in groups] == ["women"]
    ratio = finding_for(groups, "opening", "women_members")
    assert isinstance(ratio.figure, RatioFigure) and ratio.figure.share == 0.5


def test_the_inclusion_page_shows_each_group_and_downloads_its_table(
    client, administrator, mission, library, north
):
    for station, members, women in zip(north, MEMBERS, WOMEN, strict=True):
        report(mission, library["opening"], station, opening(members, women, "woman"))
    report(
        mission,
        library["voting"],
        north[0],
        {"first_time_seen": "yes", "first_time_turned_away": "yes"},
    )
    client.force_login(administrator)
    url = reverse("findings:inclusion", args=[mission.slug])
    page = client.get(url).content.decode()
    assert "Women in the polling station commissions" in page
    assert "Young first-time voters" in page
    assert "20 of 46 counted; the others: 26" in page
    download = client.get(url, {"export": "csv"})
    body = b"".join(download.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    women = next(row for row in rows if row["question"] == "women_members")
    assert (women["count"], women["base"], women["stations_answered"]) == ("20", "46", "6")
    treated = next(row for row in rows if row["question"] == "first_time_treated_properly")
    assert (treated["stations_asked"], treated["stations_not_answered"]) == ("1", "1")
    dashboard = client.get(reverse("findings:dashboard", args=[mission.slug])).content.decode()
    assert url in dashboard


def test_the_ratio_of_a_question_that_is_not_a_number_is_refused(mission, library):
    with pytest.raises(FindingsError):
        question_ratio(mission, "opening", "chair_gender", "members_present")


def test_shares_and_intervals_of_the_findings_are_numbers_in_range(
    mission, library, election, north
):
    rng = np.random.default_rng(3)
    random_plan(mission, {"N": (north, 5.0)})
    for station in north:
        report(
            mission,
            library["accessibility"],
            station,
            access("yes", "yes" if rng.random() < 0.7 else "no"),
        )
    for group in inclusion_findings(Scope(mission=mission)):
        for finding in group.findings:
            figure = finding.figure
            assert 0 <= figure.share <= 1
            if figure.low is not None:
                assert figure.low <= figure.share <= figure.high
