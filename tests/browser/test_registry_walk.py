import pytest
from playwright.sync_api import expect

from pollwatch.registry.models import PollingStation
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BAD_FILE = "code,name,area,registered_voters\n700,Riverside Hall,N1,640\n701,Old Mill,N2,lots\n"
GOOD_FILE = BAD_FILE.replace("lots", "410")


def test_import_stations_fix_a_bad_row_and_find_a_station(page, administrator, election, tmp_path):
    log_in(page, administrator.username, PASSWORD)
    page.goto(f"/elections/{election.slug}/")
    page.get_by_role("link", name="Import stations").click()

    bad = tmp_path / "stations.csv"
    bad.write_text(BAD_FILE)
    page.get_by_label("Stations file (CSV or XLSX)").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    problems = page.locator("table.problems tbody tr")
    assert problems.count() == 1
    assert problems.first.inner_text().split("\t") == [
        "3",
        "registered_voters 'lots' is not a whole number",
    ]
    assert not PollingStation.objects.filter(code="700").exists()

    bad.write_text(GOOD_FILE)
    page.get_by_label("Stations file (CSV or XLSX)").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    assert "2 stations created, 0 updated, 0 unchanged" in page.locator("main").inner_text()

    page.get_by_role("link", name="Browse the stations").click()
    page.get_by_label("Search code, name or address").fill("old mill")
    rows = page.locator("#stations tbody tr")
    expect(rows).to_have_count(1)
    assert rows.first.inner_text().startswith("701\tOld Mill")
    assert "q=old%20mill" in page.url, "the search is kept in the address for sharing"
