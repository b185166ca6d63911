"""The statement's section on women, young, elderly and disabled voters quotes the findings."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from pollwatch.findings.figures import Scope
from pollwatch.findings.inclusion import inclusion_findings
from pollwatch.forms.library import library_forms
from pollwatch.forms.services import publish_form_version
from pollwatch.statements.models import SECTION_KEYS
from pollwatch.statements.references import ReferenceError, find_references
from pollwatch.statements.services import create_statement, publish, render_version
from pollwatch.statements.templates import starting_sections
from tests.findings.builders import add_stations, random_plan, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def observed(mission, election):
    """Opening, voting and accessibility reports from eight stations drawn at random."""
    forms = library_forms()
    versions = {
        code: publish_form_version(forms[code].to_dict())
        for code in ("opening", "voting", "closing_counting", "accessibility")
    }
    stations = add_stations(election, "N1", 8, "N")
    random_plan(mission, {"N": (stations, 12.0)})
    for index, station in enumerate(stations):
        chair = "woman" if index % 3 == 0 else "man"
        opening = {"members_present": 6 + index, "women_members": index % 4, "chair_gender": chair}
        report(mission, versions["opening"], station, opening | {"overall": "good"})
        used = "yes" if index % 2 else "no"
        voting = {"mobile_box_used": used, "first_time_seen": "yes" if index < 6 else "no"}
        if used == "yes":
            voting["mobile_box_procedure"] = "yes" if index != 3 else "no"
        if index < 6:
            voting |= {
                "first_time_turned_away": "yes" if index == 1 else "no",
                "first_time_treated_properly": "yes",
            }
        report(mission, versions["voting"], station, voting | {"overall": "good"})
        access = {
            "step_free": ("yes", "with_help", "no")[index % 3],
            "booth_accessible": "yes" if index % 2 else "no",
            "tactile_aids": "no",
            "assistance": "yes" if index < 5 else "not_needed",
            "mobile_box_offered": "yes",
        }
        if index < 5:
            access |= {"assisted_by": ["chosen_person"], "assisted_secrecy": "yes"}
        report(mission, versions["accessibility"], station, access)
    return stations


def test_ratio_references_are_parsed_and_bad_ones_named():
    (ref,) = find_references("women were {ratio:opening.women_members/members_present}")
    assert (ref.kind, ref.form, ref.question, ref.denominator) == (
        "ratio",
        "opening",
        "women_members",
        "members_present",
    )
    with pytest.raises(ReferenceError, match=r"write it as \{ratio:form.question/question\}"):
        find_references("{ratio:opening.women_members}")


def test_a_new_statement_has_an_inclusion_section_in_every_language():
    assert "inclusion" in SECTION_KEYS
    for language in ("en", "ru", "tr"):
        text = starting_sections(language)["inclusion"]
        kinds = {reference.kind for reference in find_references(text)}
        assert kinds == {"share", "ratio"}


def test_the_inclusion_section_quotes_the_inclusion_findings_figure_for_figure(
    mission, observed, administrator
):
    statement = create_statement(mission, title="Preliminary statement", actor=administrator)
    rendered = render_version(statement.draft())
    assert rendered.problems == []
    quoted = {figure["reference"]: figure for figure in rendered.figures}
    findings = [f for group in inclusion_findings(Scope(mission=mission)) for f in group.findings]
    in_section = {ref.raw for ref in find_references(statement.draft().sections["inclusion"])}
    compared = [f for f in findings if f.item.reference in in_section]
    assert len(compared) == len(in_section)
    for finding in compared:
        expected = {"reference": finding.item.reference, **asdict(finding.figure)}
        assert quoted[finding.item.reference] == expected
    text = rendered.sections["inclusion"]
    women = next(f for f in findings if f.item.question == "women_members")
    assert women.figure.sentence("en") in text
    assert "of 8 polling stations observed" in text  # each share with its base
    assert "(95% CI" in text


def test_a_statement_with_the_inclusion_section_publishes_with_its_figures_frozen(
    mission, observed, administrator
):
    statement = create_statement(mission, title="Preliminary statement", actor=administrator)
    version = publish(statement.draft(), actor=administrator, confirm_flags=True)
    references = {figure["reference"] for figure in version.data["figures"]}
    assert "{ratio:opening.women_members/members_present}" in references
    assert "counted at 8 polling stations observed" in version.rendered["inclusion"]


@pytest.mark.parametrize("language", ["ru", "tr"])
def test_the_inclusion_section_renders_in_russian_and_turkish(
    mission, observed, administrator, language
):
    statement = create_statement(mission, title="Statement", language=language, actor=administrator)
    rendered = render_version(statement.draft())
    assert rendered.problems == []
    assert "{" not in rendered.sections["inclusion"]
