"""A badge's QR code, scanned from the page Chromium renders, opens the badge's check page."""

import datetime
import io

import pytest
import zxingcpp
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from pollwatch.accreditation.services import grant_accreditation, issue_badge, revoke_badge
from tests.browser.conftest import DATABASE_IN_USE, log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def decoded_qr(element) -> str:
    """What a real decoder reads in a screenshot of ``element``."""
    image = Image.open(io.BytesIO(element.screenshot()))
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1, "the decoder found no QR code in the badge"
    return found[0].text


def test_the_badges_qr_code_opens_its_check_page(page, core_team, observer_north, live_server):
    member = observer_north.member
    grant_accreditation(member, number="ACC-007", actor=core_team)
    today = timezone.localdate()
    badge = issue_badge(
        member, valid_from=today, valid_until=today + datetime.timedelta(days=30), actor=core_team
    )
    log_in(page, core_team.username, PASSWORD)
    page.goto(f"/missions/{member.mission.slug}/badges/{badge.pk}/")

    url = decoded_qr(page.locator(".badge-card .badge-qr"))

    assert url == f"{live_server.url}/badges/{badge.code}/"
    official = page.context.browser.new_context()  # a polling station official's phone
    scanner = official.new_page()
    scanner.goto(url)
    expect(scanner.locator(".badge-verdict")).to_have_text("VALID")
    expect(scanner.locator("h1")).to_have_text("Obs-North")

    with DATABASE_IN_USE:
        revoke_badge(badge, reason="lost", actor=core_team)
    scanner.reload()
    expect(scanner.locator(".badge-verdict")).to_have_text("REVOKED")
    official.close()
