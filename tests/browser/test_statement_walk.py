"""A statement from draft to public page: a figure, a flagged claim, publication, the PDF."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from pollwatch.statements.models import StatementVersion
from pollwatch.statements.services import create_statement
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.intake.test_services import send, submission

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_edit_publish_and_read_a_statement(page, administrator, mission, observer_north, checklist):  # noqa: F811
    send(observer_north, submission(checklist, overall="bad"))
    send(observer_north, submission(checklist, station="002", overall="good"))
    statement = create_statement(mission, title="Preliminary statement of the test mission")
    log_in(page, administrator.username, PASSWORD)
    page.goto(statement.get_absolute_url())

    sections = page.locator("textarea[data-section]")
    for index in range(sections.count()):
        sections.nth(index).fill("")
    summary = page.get_by_label("Summary of conclusions")
    summary.fill(
        "Voting took place without a single violation. Stations were assessed "
        "bad or very bad {share:station_check.overall=bad,very_bad}."
    )
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".statement-preview")).to_contain_text(
        "assessed bad or very bad in 50% of the 2 polling stations observed"
    )
    flagged = page.locator(".claims .flagged li")
    expect(flagged.first).to_contain_text("without a single violation")

    page.get_by_role("button", name="Publish this version").click()
    expect(page.locator(".message.error")).to_contain_text("flagged")
    assert not StatementVersion.objects.filter(status="published").exists()
    page.get_by_label("I have read the flagged claims and publish them as they are").check()
    page.get_by_role("button", name="Publish this version").click()
    expect(page.locator("article.statement h1")).to_have_text(
        "Preliminary statement of the test mission"
    )
    public_url = page.url

    anonymous = page.context.browser.new_context(base_url=page.url.split("/public/")[0])
    visitor = anonymous.new_page()
    visitor.goto(public_url)
    expect(visitor.locator("article.statement")).to_contain_text("50% of the 2 polling stations")
    with visitor.expect_download() as download:
        visitor.get_by_role("link", name="PDF").click()
    with open(download.value.path(), "rb") as handle:
        pdf = PdfReader(io.BytesIO(handle.read()))
    text = " ".join(p.extract_text() for p in pdf.pages)
    assert "50% of the 2 polling stations" in " ".join(text.split())
    anonymous.close()
    version = StatementVersion.objects.get(status="published")
    assert version.flags_confirmed and len(version.text_digest) == 64
