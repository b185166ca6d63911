"""The method paragraph states the mission's mandate and make-up, and nothing it lacks."""

import datetime
import json

import pytest

from pollwatch.missions.models import Member
from pollwatch.missions.services import (
    add_delegation,
    assign_to_delegation,
    organisation_named,
    record_document,
    set_lead_organisation,
)
from pollwatch.statements.method import method_paragraph
from pollwatch.statements.mission_facts import mission_coverage
from pollwatch.statements.statement_check import check_statement


def _document(mission, kind, title, issued_by, day):
    record_document(mission, kind=kind, title=title, issued_by=issued_by, issued_on=day)


@pytest.fixture
def mandate(mission):
    _document(
        mission,
        "invitation",
        "Letter",
        "the Ministry of Foreign Affairs",
        datetime.date(2026, 1, 5),
    )
    _document(
        mission,
        "agreement",
        "the Memorandum of Understanding with the Central Election Commission",
        "Central Election Commission",
        datetime.date(2026, 2, 1),
    )
    _document(
        mission,
        "accreditation_decision",
        "Decision 12",
        "the Central Election Commission",
        datetime.date(2026, 4, 10),
    )
    return mission


@pytest.fixture
def delegations(mission):
    office = organisation_named("Office for Elections", kind="intergovernmental")
    set_lead_organisation(mission, office)
    members = [
        Member.objects.create(mission=mission, full_name=name, role=role)
        for name, role in (
            ("A", "observer"),
            ("B", "observer"),
            ("C", "core_team"),
            ("D", "observer"),
        )
    ]
    assign_to_delegation(add_delegation(mission, office), members[:3])
    assembly = organisation_named("Parliamentary Assembly", kind="parliament")
    assign_to_delegation(add_delegation(mission, assembly), members[3:])
    return mission


def test_the_paragraph_states_invitation_agreement_and_accreditation(mandate):
    text = method_paragraph(mission_coverage(mandate), "en")
    assert text.startswith(
        "The mission observed at the invitation of the Ministry of Foreign Affairs "
        "(5 January 2026), under the Memorandum of Understanding with the Central Election "
        "Commission (1 February 2026), and was accredited by the Central Election Commission "
        "on 10 April 2026. On election day"
    )


def test_without_an_invitation_the_paragraph_claims_none(mission):
    _document(
        mission,
        "accreditation_decision",
        "Decision 12",
        "the Commission",
        datetime.date(2026, 4, 10),
    )
    text = method_paragraph(mission_coverage(mission), "en")
    assert text.startswith("The mission was accredited by the Commission on 10 April 2026. ")
    assert "invitation" not in text and "under" not in text


def test_without_documents_or_delegations_the_paragraph_says_nothing_of_them(mission):
    _document(mission, "other", "Press accreditation", "Media board", datetime.date(2026, 3, 1))
    text = method_paragraph(mission_coverage(mission), "en")
    assert text.startswith("On election day")
    for word in ("invitation", "accredited", "delegation", "led by", "Media board"):
        assert word not in text


def test_the_newest_document_of_a_kind_is_the_one_stated(mission):
    _document(mission, "invitation", "First", "the President", datetime.date(2026, 1, 5))
    _document(mission, "invitation", "Renewed", "the Parliament", datetime.date(2026, 2, 5))
    text = method_paragraph(mission_coverage(mission), "en")
    assert "at the invitation of the Parliament (5 February 2026)." in text
    assert "the President" not in text


def test_the_paragraph_states_the_lead_organisation_and_the_delegations_sizes(delegations):
    text = method_paragraph(mission_coverage(delegations), "en")
    assert (
        "The mission was led by Office for Elections; its members came from 2 delegations: "
        "Office for Elections (2 observers of 3 members), "
        "Parliamentary Assembly (1 observer of 1 member)." in text
    )


def test_delegations_without_a_lead_organisation(mission):
    assembly = add_delegation(mission, organisation_named("Parliamentary Assembly"))
    assign_to_delegation(
        assembly, [Member.objects.create(mission=mission, full_name="A", role="observer")]
    )
    text = method_paragraph(mission_coverage(mission), "en")
    assert (
        "The mission's members came from 1 delegation: "
        "Parliamentary Assembly (1 observer of 1 member)." in text
    )
    assert "led by" not in text


def test_in_russian_the_dates_are_written_as_russian_writes_them(mandate, delegations):
    text = method_paragraph(mission_coverage(mandate), "ru")
    assert "(5 января 2026)" in text and "10 апреля 2026" in text
    assert "January" not in text


def test_in_turkish_the_dates_are_written_as_turkish_writes_them(mandate):
    text = method_paragraph(mission_coverage(mandate), "tr")
    assert "(5 Ocak 2026)" in text and "10 Nisan 2026" in text


@pytest.mark.parametrize("language", ["en", "ru", "tr"])
def test_the_mandate_and_make_up_never_trip_the_claim_check(mandate, delegations, language):
    coverage = mission_coverage(mandate)
    text = method_paragraph(coverage, language)
    assert check_statement(text, coverage.as_facts()).flagged == ()


def test_the_facts_stay_plain_json_for_a_published_statement(mandate, delegations):
    facts = json.loads(json.dumps(mission_coverage(mandate).as_dict()))
    assert facts["lead_organisation"] == "Office for Elections"
    assert facts["delegations"][0] == {
        "organisation": "Office for Elections",
        "observers": 2,
        "members": 3,
    }
    assert facts["mandate"][2]["issued_on"] == "2026-04-10"


def test_the_paragraph_counts_the_observers_deployed_in_teams_not_the_reserves(mission):
    team = mission.teams.first()
    for index in range(3):
        Member.objects.create(
            mission=mission, full_name=f"Team observer {index}", role="observer", team=team
        )
    Member.objects.create(mission=mission, full_name="Reserve observer", role="observer")
    coverage = mission_coverage(mission)
    assert coverage.observers == 3
    assert "deployed 3 observers in 1 team" in method_paragraph(coverage, "en")
