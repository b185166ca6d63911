from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from pollwatch.demo.country import MISSION_SLUG
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_findings_figure_drill_down_filter_and_export(page, administrator, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo", stations=300)
    log_in(page, administrator.username, PASSWORD)
    page.goto(f"/missions/{MISSION_SLUG}/findings/?form=voting")
    expect(page.locator("#selection")).to_contain_text("drawn at random: shares are weighted")
    expect(page.locator("#q-secrecy_respected")).to_contain_text("95% CI")
    expect(page.locator("#incidents")).not_to_be_empty()

    figure = page.locator("#q-secrecy_respected a.drill").first
    count = int(figure.inner_text())
    assert count > 0
    figure.click()
    expect(page.locator("#drill tbody tr")).to_have_count(min(count, 50))
    page.go_back()

    page.get_by_label("Team").select_option(index=1)
    page.get_by_role("button", name="Filter").click()
    assert "team=" in page.url
    filtered = page.locator("#q-secrecy_respected td:nth-child(3) a").first
    assert 0 < int(filtered.inner_text()) < 100

    with page.expect_download() as download:
        page.locator("a", has_text="CSV").first.click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("phase,bad_or_very_bad,base")
    assert len(lines) >= 2
