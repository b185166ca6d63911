"""A file an observer's phone sent can never run in a coordinator's session."""

from __future__ import annotations

import uuid

import pytest

from pollwatch.accounts.models import DeviceToken
from pollwatch.intake.models import Attachment, Submission
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.intake.channels.test_openrosa import (  # noqa: F401
    ANSWERS,
    instance_from_xform,
    version,  # noqa: F401
    xform_xml,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCRIPT = b"<html><body><script>document.title = 'script ran'; alert('script ran')</script>"
# A JPEG's first bytes followed by a page: a photo by its bytes, a page if a browser sniffed it.
POLYGLOT = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + SCRIPT


def _send_from_the_phone(page, token: str, xml: bytes, name: str, content: bytes):
    return page.request.post(
        f"/odk/{token}/submission",
        headers={"X-OpenRosa-Version": "1.0"},
        multipart={
            "xml_submission_file": {"name": "report.xml", "mimeType": "text/xml", "buffer": xml},
            name: {"name": name, "mimeType": "text/html", "buffer": content},
        },
    )


def test_an_html_attachment_is_refused_and_a_disguised_one_only_downloads(
    page,
    observer_north,
    coordinator_north,
    checklist,
    xform_xml,  # noqa: F811
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    token = DeviceToken.issue(observer_north, "phone")[1]
    refused = _send_from_the_phone(
        page,
        token,
        instance_from_xform(xform_xml, ANSWERS, f"uuid:{uuid.uuid4()}"),
        "x.html",
        SCRIPT,
    )
    assert refused.status == 400 and "only photos" in refused.text()
    assert not Submission.objects.exists()

    accepted = _send_from_the_phone(
        page,
        token,
        instance_from_xform(xform_xml, ANSWERS, f"uuid:{uuid.uuid4()}"),
        "protocol.html",
        POLYGLOT,
    )
    assert accepted.status == 201
    attachment = Attachment.objects.get()

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, coordinator_north.username, PASSWORD)
    page.goto(f"/reports/{attachment.submission_id}/")
    page.get_by_role("link", name="1 file sent with the report").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="protocol.html").click()
    assert download.value.suggested_filename == "protocol.html.jpg"
    assert dialogs == [] and page.title() != "script ran"
