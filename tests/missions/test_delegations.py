import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pollwatch.audit.models import AuditEvent
from pollwatch.missions.models import Delegation, Member, Organisation
from pollwatch.missions.services import (
    MissionError,
    add_delegation,
    assign_to_delegation,
    organisation_named,
    record_document,
    set_delegation_head,
    set_lead_organisation,
)
from tests.conftest import mission_on

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _member(mission, name, role="observer"):
    return Member.objects.create(mission=mission, full_name=name, role=role)


def test_a_new_organisation_is_created_with_its_kind_and_an_old_one_found_by_short_name(db):
    created = organisation_named("Parliamentary Assembly", kind="parliament", short_name="PA")
    assert (created.kind, created.short_name) == ("parliament", "PA")
    assert organisation_named("pa") == created
    assert organisation_named("PARLIAMENTARY ASSEMBLY", kind="ngo").kind == "parliament"
    assert AuditEvent.objects.filter(action="missions.organisation_created").count() == 1


def test_a_name_two_organisations_answer_to_is_refused(db):
    Organisation.objects.create(name="Alpha", short_name="AU")
    Organisation.objects.create(name="Au")
    with pytest.raises(MissionError, match="more than one organisation"):
        organisation_named("au")


def test_one_delegation_per_organisation_and_mission(mission, core_team):
    assembly = organisation_named("Assembly", kind="parliament")
    delegation = add_delegation(mission, assembly, actor=core_team)
    assert AuditEvent.objects.filter(action="missions.delegation_added").exists()
    with pytest.raises(MissionError, match="already has a delegation"):
        add_delegation(mission, assembly, actor=core_team)
    other = mission_on(mission.election, "other", {})
    assert add_delegation(other, assembly).pk != delegation.pk


def test_the_lead_organisation_is_set_and_logged(mission, core_team):
    set_lead_organisation(mission, organisation_named("Office"), actor=core_team)
    mission.refresh_from_db()
    assert mission.lead_organisation.name == "Office"
    assert AuditEvent.objects.filter(action="missions.lead_organisation_set").exists()


def test_the_head_of_delegation_is_one_of_its_members(mission, core_team):
    delegation = add_delegation(mission, organisation_named("Assembly"))
    ana, bo = _member(mission, "Ana"), _member(mission, "Bo")
    assign_to_delegation(delegation, [ana], actor=core_team)
    with pytest.raises(MissionError, match="not a member of the delegation"):
        set_delegation_head(delegation, bo, actor=core_team)
    set_delegation_head(delegation, Member.objects.get(pk=ana.pk), actor=core_team)
    assert Delegation.objects.get(pk=delegation.pk).head == ana


def test_a_head_moved_to_another_delegation_heads_the_first_no_more(mission):
    first = add_delegation(mission, organisation_named("First"))
    second = add_delegation(mission, organisation_named("Second"))
    ana = _member(mission, "Ana")
    assign_to_delegation(first, [ana])
    set_delegation_head(first, Member.objects.get(pk=ana.pk))
    assert assign_to_delegation(second, [ana]) == 1
    assert Delegation.objects.get(pk=first.pk).head is None
    assert Member.objects.get(pk=ana.pk).delegation == second


def test_members_of_another_mission_cannot_join_a_delegation(mission):
    delegation = add_delegation(mission, organisation_named("Assembly"))
    stranger = _member(mission_on(mission.election, "other", {}), "Zed")
    with pytest.raises(MissionError, match="Zed"):
        assign_to_delegation(delegation, [stranger])
    assert Member.objects.get(pk=stranger.pk).delegation is None


def test_delegation_sizes_count_observers_and_all_members(mission):
    delegation = add_delegation(mission, organisation_named("Assembly"))
    people = [_member(mission, "Ana"), _member(mission, "Bo"), _member(mission, "Cy", "core_team")]
    assign_to_delegation(delegation, people)
    sized = Delegation.objects.with_sizes().get(pk=delegation.pk)
    assert (sized.observers, sized.size) == (2, 3)


def test_a_document_is_recorded_with_its_file_under_a_name_of_its_type(mission, core_team):
    document = record_document(
        mission,
        kind="invitation",
        title="Letter of invitation",
        issued_by="Central Election Commission",
        issued_on=datetime.date(2026, 2, 1),
        upload=SimpleUploadedFile("invitation.html", PDF),
        actor=core_team,
    )
    assert document.file.name.endswith(".pdf")
    assert "invitation" not in document.file.name
    assert AuditEvent.objects.filter(action="missions.document_recorded").exists()


def test_a_document_file_that_is_not_a_pdf_or_scan_is_refused(mission):
    with pytest.raises(MissionError, match="only PDF files and scans"):
        record_document(
            mission,
            kind="agreement",
            title="Memorandum",
            issued_on=datetime.date(2026, 2, 1),
            upload=SimpleUploadedFile("memo.pdf", b"<html><script>alert(1)</script></html>"),
        )
    assert not mission.documents.exists()
