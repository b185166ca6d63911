import pytest
from playwright.sync_api import expect

from pollwatch.deployment.models import DeploymentPlan, Reassignment
from pollwatch.missions.models import Team
from pollwatch.registry.importing import import_stations
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, csv_file
from tests.deployment.conftest import station_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def teams_in_the_field(mission):
    import_stations(mission.election, csv_file(station_rows()))
    shared = Team.objects.create(mission=mission, code="T3")
    shared.areas.set(mission.election.areas.filter(code="N1"))
    return mission


def test_draw_a_sample_see_the_plan_print_a_sheet_and_reassign_a_station(
    page, administrator, teams_in_the_field
):
    log_in(page, administrator.username, PASSWORD)
    page.goto("/missions/test-mission/deployment/")
    page.get_by_role("link", name="Draw a sample").click()
    page.get_by_label("Stations to sample").fill("20")
    page.get_by_label("region").check()
    page.get_by_label("Reserve stations per stratum").fill("2")
    page.get_by_label("Random seed (leave empty for a fresh one)").fill("20261124")
    page.get_by_role("button", name="Draw the sample and plan the routes").click()

    expect(page.locator(".design")).to_contain_text("20 stations drawn at random")
    expect(page.locator(".design")).to_contain_text("seed 20261124")
    plan = DeploymentPlan.objects.get()
    for team in ("T1", "T2", "T3"):
        route = page.locator(f"#team-{team} tbody tr")
        expect(route).to_have_count(plan.stops.filter(team__code=team).count())

    page.locator("#team-T1").get_by_role("link", name="Printable sheet").click()
    expect(page.get_by_role("heading", name="Deployment sheet, team T1")).to_be_visible()
    first = plan.stops.filter(team__code="T1").order_by("position").first().station
    sheet_rows = page.locator("table.sheet-route tbody tr")
    expect(sheet_rows.first).to_contain_text(f"{first.code} {first.name}")
    expect(sheet_rows.first).to_contain_text("opening")
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.locator(".no-print")).to_be_hidden()
    expect(sheet_rows.first).to_be_visible()
    page.emulate_media(media="screen")

    page.get_by_role("link", name="Back to the plan").click()
    page.get_by_role("link", name=f"Change station {first.code}").click()
    page.get_by_label("Move to team").select_option(label="T3")
    page.get_by_label("Reason", exact=True).fill("the road to the school is flooded")
    page.get_by_role("button", name="Move the station").click()

    expect(page.locator(".message.success")).to_contain_text(
        f"Station {first.code} moved from team T1 to team T3"
    )
    expect(page.locator("#team-T3")).to_contain_text(first.code)
    expect(page.locator("#team-T1")).not_to_contain_text(f"{first.code} {first.name}")
    changes = page.locator("#changes + table tbody tr")
    expect(changes).to_have_count(1)
    expect(changes.first).to_contain_text("the road to the school is flooded")
    record = Reassignment.objects.get()
    assert (record.actor, record.to_team.code) == (administrator, "T3")
