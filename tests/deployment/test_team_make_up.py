from pollwatch.missions.models import Member
from pollwatch.missions.services import add_delegation, assign_to_delegation, organisation_named


def test_the_plan_and_the_team_sheet_show_each_teams_make_up_by_delegation(
    client, routed_plan, core_user
):
    mission = routed_plan.mission
    office = add_delegation(mission, organisation_named("Office for Elections", short_name="OE"))
    assembly = add_delegation(mission, organisation_named("Parliamentary Assembly"))
    t1 = mission.teams.get(code="T1")
    people = [
        Member.objects.create(mission=mission, full_name=n, role="observer", team=t1) for n in "ABC"
    ]
    assign_to_delegation(office, people[:2])
    assign_to_delegation(assembly, people[2:])
    client.force_login(core_user)

    plan_page = client.get("/missions/test-mission/deployment/").content.decode()
    t1_route = plan_page[plan_page.index('id="team-T1"') :]
    assert (
        "Delegations: OE 2, Parliamentary Assembly 1</p>"
        in t1_route[: t1_route.index("</h3>") + 200]
    )

    sheet = client.get("/missions/test-mission/deployment/teams/T1/sheet/").content.decode()
    assert "A, OE" in sheet and "C, Parliamentary Assembly" in sheet
