"""What Enketo sends for a real public form with repeats: stored with every answer.

Enketo posts the instance as ``xml_submission_file`` with each file beside it,
and an edit as a new instance whose ``meta/deprecatedID`` names the one it
replaces. The form (ODK Collect's "repeat titles" test form) has two repeats,
one of them with a photo in each entry.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pollwatch.forms.form_import import import_form
from pollwatch.forms.services import publish_imported_form
from pollwatch.intake.models import Attachment, Submission

pytestmark = pytest.mark.django_db

FORM = Path(__file__).parents[2] / "forms" / "corpus" / "collect-repeat-titles.xml"
ENKETO_HEADERS = {
    "HTTP_X_OPENROSA_VERSION": "1.0",
    "HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36",
}
PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256))


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def version(db):
    return publish_imported_form(import_form(FORM.read_bytes(), FORM.name))


def instance(version, instance_id: str, second_age: str, deprecated: str = "") -> bytes:
    deprecated_element = f"<deprecatedID>{deprecated}</deprecatedID>" if deprecated else ""
    return (
        f'<data xmlns:jr="http://openrosa.org/javarosa" id="{version.form.code}"'
        f' version="{version.version}">'
        "<pollwatch_end>2026-05-01T10:15:00.000+04:00</pollwatch_end>"
        "<pollwatch_station>001</pollwatch_station>"
        "<Text>Queue outside</Text>"
        "<gr1><gr2><name>Ann</name><age>34</age><photo>ann.jpg</photo></gr2></gr1>"
        f"<gr1><gr2><name>Bob</name><age>{second_age}</age><photo/></gr2></gr1>"
        "<part1><part2><partText>first</partText><date>2026-05-01</date><multi/></part2></part1>"
        f"<meta><instanceID>{instance_id}</instanceID>{deprecated_element}</meta></data>"
    ).encode()


def enketo_post(client, token, xml: bytes, *files):
    body = {"xml_submission_file": SimpleUploadedFile("xml_submission_file", xml, "text/xml")}
    for upload in files:
        body[upload.name] = upload
    return client.post(f"/odk/{token}/submission", body, **ENKETO_HEADERS)


def photo():
    return SimpleUploadedFile("ann.jpg", PHOTO, "image/jpeg")


def test_a_report_with_repeats_and_a_photo_in_an_entry_is_stored_whole(
    client, observer_token, version
):
    response = enketo_post(client, observer_token, instance(version, "uuid:a1", "41"), photo())
    assert response.status_code == 201, response.content
    submission = Submission.objects.get()
    assert submission.answers == {
        "Text": "Queue outside",
        "gr1": [
            {"name": "Ann", "age": 34, "photo": "ann.jpg"},
            {"name": "Bob", "age": 41},
        ],
        "part1": [{"partText": "first", "date": "2026-05-01"}],
    }
    attachment = Attachment.objects.get()
    assert attachment.submission_id == submission.pk
    with attachment.file.open("rb") as stored:
        assert stored.read() == PHOTO


def test_an_edit_with_a_deprecated_id_is_a_revision_of_the_report(client, observer_token, version):
    enketo_post(client, observer_token, instance(version, "uuid:a1", "41"), photo())
    edited = instance(version, "uuid:a2", "42", deprecated="uuid:a1")
    response = enketo_post(client, observer_token, edited, photo())
    assert response.status_code == 201, response.content
    submission = Submission.objects.get()
    assert submission.revision == 2
    assert submission.answers["gr1"][1] == {"name": "Bob", "age": 42}
    assert [r.answers["gr1"][1]["age"] for r in submission.revisions.order_by("pk")] == [41, 42]


def test_the_same_instance_sent_again_is_acknowledged_and_stored_once(
    client, observer_token, version
):
    xml = instance(version, f"uuid:{uuid.uuid4()}", "41")
    first = enketo_post(client, observer_token, xml, photo())
    again = enketo_post(client, observer_token, xml, photo())
    assert first.status_code == 201 and again.status_code == 201
    assert b"Already received; nothing new was stored." in again.content
    assert Submission.objects.count() == 1 and Attachment.objects.count() == 1
