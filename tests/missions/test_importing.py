import pytest

from pollwatch.lib.tabular import TableRejected
from pollwatch.missions.importing import import_members, normalise_phone
from pollwatch.missions.models import Member
from tests.conftest import csv_file

HEADER = "full_name,role,nationality,email,phone,accreditation_valid_until,team\n"


def test_members_and_teams_are_created(mission):
    outcome = import_members(
        mission,
        csv_file(
            HEADER + "Ana Berg,observer,Sweden,ana@example.org,+46 70 123 45 67,2026-05-10,T9\n"
            "Jon Dahl,Observer,Norway,jon@example.org,,,T9\n"
        ),
    )
    assert (outcome.created, outcome.teams_created) == (2, 1)
    ana = Member.objects.get(full_name="Ana Berg")
    assert (ana.phone, ana.team.code, str(ana.accreditation_valid_until)) == (
        "+46701234567",
        "T9",
        "2026-05-10",
    )


def test_reimport_updates_by_email(mission):
    import_members(mission, csv_file(HEADER + "Ana Berg,observer,Sweden,ana@example.org,,,\n"))
    outcome = import_members(
        mission, csv_file(HEADER + "Ana Berg-Holm,coordinator,Sweden,ana@example.org,,,\n")
    )
    assert (outcome.created, outcome.updated) == (0, 1)
    assert Member.objects.get(email="ana@example.org").role == "coordinator"


def test_bad_rows_are_all_reported_and_nothing_written(mission):
    with pytest.raises(TableRejected) as caught:
        import_members(
            mission,
            csv_file(
                HEADER + "Ana,observer,SE,ana@example.org,,,\n"
                ",spy,SE,not-an-email,0701234,2026-13-01,\n"
                "Bo,observer,SE,ana@example.org,,,\n"
            ),
        )
    assert [(p.line, p.reason) for p in caught.value.problems] == [
        (3, "full_name is empty"),
        (
            3,
            "role 'spy' is not one of head_of_mission, core_team, coordinator, observer, "
            "analyst, support",
        ),
        (3, "email 'not-an-email' is not an e-mail address"),
        (
            3,
            "phone '0701234' is not an international number (start it with + and the country code)",
        ),
        (3, "accreditation_valid_until '2026-13-01' is not a date (YYYY-MM-DD)"),
        (4, "duplicate email 'ana@example.org' (first on line 2)"),
    ]
    assert not Member.objects.exists()


def test_missing_role_column(mission):
    with pytest.raises(TableRejected) as caught:
        import_members(mission, csv_file("full_name\nAna\n"))
    assert str(caught.value) == "line 1: missing required column 'role'"


def test_phone_numbers_are_normalised_to_e164():
    assert normalise_phone("+995 555 12 34 56") == "+995555123456"
    with pytest.raises(ValueError, match="not a valid number"):
        normalise_phone("+1 000")


def _delegations(mission):
    from pollwatch.missions.services import add_delegation, organisation_named

    add_delegation(
        mission, organisation_named("Parliamentary Assembly", kind="parliament", short_name="PA")
    )
    add_delegation(mission, organisation_named("Office for Elections", short_name="OE"))


def test_members_join_the_delegation_named_by_organisation_or_short_name(mission):
    _delegations(mission)
    import_members(
        mission,
        csv_file(
            "full_name,role,delegation\nAna,observer,parliamentary assembly\nBo,observer,OE\n"
            "Cy,observer,\n"
        ),
    )
    members = {m.full_name: m.delegation for m in Member.objects.select_related("delegation")}
    assert str(members["Ana"]) == "Parliamentary Assembly"
    assert str(members["Bo"]) == "Office for Elections"
    assert members["Cy"] is None


def test_an_unknown_or_ambiguous_delegation_is_reported_by_line_and_nothing_written(mission):
    from pollwatch.missions.services import add_delegation, organisation_named

    _delegations(mission)
    add_delegation(mission, organisation_named("Pan-African Parliament", short_name="PA"))
    with pytest.raises(TableRejected) as caught:
        import_members(
            mission,
            csv_file(
                "full_name,role,delegation\nAna,observer,OE\nBo,observer,Nowhere\nCy,observer,PA\n"
            ),
        )
    assert [(p.line, p.reason) for p in caught.value.problems] == [
        (
            3,
            "delegation 'Nowhere' is not a delegation of this mission; "
            "add it on the mission's delegations page first",
        ),
        (
            4,
            "delegation 'PA' names more than one delegation (Pan-African Parliament, "
            "Parliamentary Assembly); write the organisation's full name",
        ),
    ]
    assert not Member.objects.exists()


def test_a_file_without_a_delegation_column_leaves_delegations_as_they_are(mission):
    _delegations(mission)
    import_members(mission, csv_file("full_name,role,delegation\nAna,observer,OE\n"))
    import_members(mission, csv_file("full_name,role\nAna,coordinator\n"))
    ana = Member.objects.get(full_name="Ana")
    assert (ana.role, str(ana.delegation)) == ("coordinator", "Office for Elections")


def test_a_head_of_delegation_moved_by_an_import_heads_it_no_more(mission):
    from pollwatch.missions.models import Delegation
    from pollwatch.missions.services import set_delegation_head

    _delegations(mission)
    import_members(mission, csv_file("full_name,role,delegation\nAna,observer,OE\n"))
    office = Delegation.objects.get(organisation__short_name="OE")
    set_delegation_head(office, Member.objects.get(full_name="Ana"))
    import_members(mission, csv_file("full_name,role,delegation\nAna,observer,PA\n"))
    assert Delegation.objects.get(pk=office.pk).head is None


STATUS_HEADER = "full_name,role,email,accreditation_status\n"


def test_an_import_cannot_accredit_members_the_briefing_has_not_certified(mission):
    from pollwatch.briefing.services import create_module

    import_members(mission, csv_file(STATUS_HEADER + "Ana Berg,observer,ana@example.org,\n"))
    create_module(mission, title={"en": "Election day"}, text={"en": "Read me."}, required=True)
    with pytest.raises(TableRejected) as caught:
        import_members(
            mission,
            csv_file(
                STATUS_HEADER + "Ana Berg,observer,ana@example.org,granted\n"
                "Jon Dahl,observer,jon@example.org,granted\n"
            ),
        )
    assert [problem.line for problem in caught.value.problems] == [2, 3]
    assert "not certified" in caught.value.problems[0].reason
    assert Member.objects.get(email="ana@example.org").accreditation_status == "not_requested"
    assert not Member.objects.filter(email="jon@example.org").exists()


def test_members_already_accredited_may_be_imported_again_as_accredited(mission):
    import_members(mission, csv_file(STATUS_HEADER + "Ana Berg,observer,ana@example.org,granted\n"))
    from pollwatch.briefing.services import create_module

    create_module(mission, title={"en": "Election day"}, text={"en": "Read me."}, required=True)
    outcome = import_members(
        mission, csv_file(STATUS_HEADER + "Ana Berg,coordinator,ana@example.org,granted\n")
    )
    assert outcome.updated == 1
