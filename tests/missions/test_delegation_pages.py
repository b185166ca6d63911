import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pollwatch.missions.models import Delegation, Member, MissionDocument, Organisation
from pollwatch.missions.services import (
    add_delegation,
    assign_to_delegation,
    organisation_named,
    record_document,
    set_delegation_head,
    set_lead_organisation,
)
from tests.conftest import mission_on

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def as_user(client):
    def log_in(user):
        client.force_login(user)
        return client

    return log_in


@pytest.fixture
def assembly(mission, observer_north, observer_south):
    """A parliamentary assembly sending both observers of the mission, headed by the first."""
    delegation = add_delegation(
        mission, organisation_named("Parliamentary Assembly", kind="parliament", short_name="PA")
    )
    assign_to_delegation(delegation, [observer_north.member, observer_south.member])
    set_delegation_head(delegation, Member.objects.get(pk=observer_north.member.pk))
    return delegation


@pytest.fixture
def other_mission(mission):
    """Another mission whose delegation of the same assembly sends Zelda."""
    other = mission_on(mission.election, "other-mission", {})
    zelda = Member.objects.create(mission=other, full_name="Zelda Elsewhere", role="observer")
    assign_to_delegation(
        add_delegation(other, organisation_named("Parliamentary Assembly")), [zelda]
    )
    set_lead_organisation(other, organisation_named("Elsewhere Council"))
    return other


def test_the_core_team_adds_a_delegation_creating_its_organisation(as_user, mission, core_team):
    response = as_user(core_team).post(
        "/missions/test-mission/delegations/",
        {"action": "delegation", "new-name": "Nordic Council", "new-kind": "intergovernmental"},
    )
    assert response.status_code == 302
    delegation = Delegation.objects.get(mission=mission)
    assert (delegation.organisation.name, delegation.organisation.kind) == (
        "Nordic Council",
        "intergovernmental",
    )


def test_the_core_team_sets_the_lead_organisation(as_user, mission, core_team):
    as_user(core_team).post(
        "/missions/test-mission/delegations/",
        {"action": "lead", "lead-name": "Office for Elections", "lead-kind": "intergovernmental"},
    )
    mission.refresh_from_db()
    assert mission.lead_organisation.name == "Office for Elections"


def test_a_second_delegation_of_one_organisation_is_refused_on_the_page(
    as_user, mission, core_team, assembly
):
    page = as_user(core_team).post(
        "/missions/test-mission/delegations/",
        {"action": "delegation", "new-name": "PA", "new-kind": "other"},
    )
    assert page.status_code == 200
    assert "already has a delegation" in page.content.decode()


def test_the_core_team_assigns_members_and_sets_the_head(as_user, mission, core_team):
    delegation = add_delegation(mission, organisation_named("Nordic Council"))
    ana = Member.objects.create(mission=mission, full_name="Ana", role="observer")
    client = as_user(core_team)
    url = f"/missions/test-mission/delegations/{delegation.pk}/"
    assert client.post(url, {"action": "members", "members": [ana.pk]}).status_code == 302
    assert client.post(url, {"action": "head", "head": ana.pk}).status_code == 302
    delegation.refresh_from_db()
    assert (delegation.head, Member.objects.get(pk=ana.pk).delegation) == (ana, delegation)


def test_a_head_from_outside_the_delegation_is_not_offered(as_user, mission, core_team, assembly):
    outsider = Member.objects.create(mission=mission, full_name="Bo", role="observer")
    client = as_user(core_team)
    url = f"/missions/test-mission/delegations/{assembly.pk}/"
    assert client.post(url, {"action": "head", "head": outsider.pk}).status_code == 200
    assert Delegation.objects.get(pk=assembly.pk).head != outsider


def test_coordinators_do_not_manage_delegations(as_user, coordinator_north, assembly):
    client = as_user(coordinator_north)
    assert client.get("/missions/test-mission/delegations/").status_code == 403
    assert client.get(f"/missions/test-mission/delegations/{assembly.pk}/").status_code == 403


def test_another_missions_delegation_is_not_found_under_ones_own(as_user, core_team, other_mission):
    theirs = other_mission.delegations.get()
    response = as_user(core_team).get(f"/missions/test-mission/delegations/{theirs.pk}/")
    assert response.status_code == 404


def test_the_mission_page_shows_lead_delegations_heads_sizes_and_documents(
    as_user, mission, observer_north, assembly
):
    set_lead_organisation(mission, organisation_named("Office for Elections"))
    record_document(
        mission,
        kind="invitation",
        title="Letter of invitation",
        issued_by="Central Election Commission",
        issued_on=datetime.date(2026, 2, 1),
    )
    page = as_user(observer_north).get("/missions/test-mission/").content.decode()
    assert "Led by" in page and "Office for Elections" in page
    row = page[page.index("Parliamentary Assembly</a></td>") :]
    assert row.startswith(
        'Parliamentary Assembly</a></td><td>Obs-North</td><td class="num">2</td>'
        '<td class="num">2</td>'
    )
    assert "Letter of invitation" in page and "Central Election Commission" in page


def test_an_organisation_page_shows_only_the_viewers_mission_people(
    as_user, observer_north, core_team, administrator, assembly, other_mission
):
    url = f"/organisations/{assembly.organisation.pk}/"
    core_page = as_user(core_team).get(url).content.decode()
    assert "Obs-North" in core_page and "Obs-South" in core_page
    assert "Zelda Elsewhere" not in core_page and "Other Mission" not in core_page
    observer_page = as_user(observer_north).get(url).content.decode()
    assert "Obs-North" in observer_page and "Obs-South" not in observer_page
    admin_page = as_user(administrator).get(url).content.decode()
    assert "Zelda Elsewhere" in admin_page and "Obs-South" in admin_page


def test_an_organisation_of_another_mission_only_is_not_found(as_user, core_team, other_mission):
    elsewhere = Organisation.objects.get(name="Elsewhere Council")
    assert as_user(core_team).get(f"/organisations/{elsewhere.pk}/").status_code == 404


def test_the_organisation_list_is_searched_by_name_or_short_name(
    as_user, mission, core_team, assembly, other_mission
):
    set_lead_organisation(mission, organisation_named("Office for Elections"))
    client = as_user(core_team)
    everything = client.get("/organisations/").content.decode()
    assert "Parliamentary Assembly" in everything and "Office for Elections" in everything
    assert "Elsewhere Council" not in everything
    found = client.get("/organisations/?q=pa").content.decode()
    assert "Parliamentary Assembly" in found and "Office for Elections" not in found


def test_the_core_team_records_a_document_with_a_pdf(as_user, mission, core_team):
    response = as_user(core_team).post(
        "/missions/test-mission/documents/",
        {
            "kind": "accreditation_decision",
            "title": "Decision 12",
            "issued_by": "Central Election Commission",
            "issued_on": "2026-04-10",
            "reference": "12/2026",
            "upload": SimpleUploadedFile("decision.pdf", PDF),
        },
    )
    assert response.status_code == 302
    document = MissionDocument.objects.get(mission=mission)
    assert document.file.name.endswith(".pdf")


def test_a_document_file_of_another_type_is_refused_on_the_page(as_user, core_team):
    page = as_user(core_team).post(
        "/missions/test-mission/documents/",
        {
            "kind": "agreement",
            "title": "Memorandum",
            "issued_on": "2026-03-01",
            "upload": SimpleUploadedFile("memo.pdf", b"<svg onload='alert(1)'></svg>"),
        },
    )
    assert page.status_code == 200
    assert "only PDF files and scans" in page.content.decode()
    assert not MissionDocument.objects.exists()


def test_a_document_file_is_served_to_the_missions_people_only(
    as_user, mission, observer_north, other_mission, django_user_model
):
    from pollwatch.accounts.roles import Role
    from pollwatch.missions.logins import create_user
    from tests.conftest import PASSWORD

    document = record_document(
        mission,
        kind="agreement",
        title="Memorandum",
        issued_on=datetime.date(2026, 3, 1),
        upload=SimpleUploadedFile("memo.pdf", PDF),
    )
    url = f"/missions/test-mission/documents/{document.pk}/file/"
    response = as_user(observer_north).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF
    stranger = create_user("other-core", PASSWORD, Role.CORE_TEAM, mission=other_mission)
    assert as_user(stranger).get(url).status_code == 404
    own_slug_other_pk = f"/missions/other-mission/documents/{document.pk}/file/"
    assert as_user(stranger).get(own_slug_other_pk).status_code == 404
