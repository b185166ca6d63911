"""OpenRosa: what ODK Collect and Enketo send, replayed against our endpoints."""

from __future__ import annotations

import copy
import hashlib
import uuid
from xml.etree import ElementTree

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pollwatch.deployment.assignment import assigned_stations
from pollwatch.forms.library import library_forms
from pollwatch.forms.models import FormVersion
from pollwatch.forms.services import publish_form_version
from pollwatch.intake.channels.openrosa.xforms import xform_for
from pollwatch.intake.models import Attachment, RawPayload, Submission

pytestmark = pytest.mark.django_db

XF = "{http://www.w3.org/2002/xforms}"
COLLECT_HEADERS = {
    "HTTP_X_OPENROSA_VERSION": "1.0",
    "HTTP_DATE": "Fri, 01 May 2026 09:12:45 GMT",
    "HTTP_USER_AGENT": "org.odk.collect.android/v2024.3.2 Dalvik/2.1.0 (Linux; U; Android 13)",
    "HTTP_ACCEPT_ENCODING": "gzip",
}


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def version(checklist):
    return FormVersion.objects.get(form__code="station_check")


@pytest.fixture
def xform_xml(version, observer_north):
    member = observer_north.member
    stations = tuple((s.code, s.name) for s in assigned_stations(member))
    return xform_for(version, member.mission.election, stations).xml


def test_the_xform_asks_for_one_of_the_observers_stations(xform_xml):
    root = ElementTree.fromstring(xform_xml)
    assert root.find(f".//{XF}select1[@ref='/data/pollwatch_station']") is not None
    choices = root.find(f".//{XF}instance[@id='pollwatch_stations']")
    assert [item.findtext(f"{XF}name") for item in choices.iter(f"{XF}item")] == ["001"]


def instance_from_xform(xform_xml: str, values: dict[str, str], instance_id: str, **meta) -> bytes:
    """Fill the primary instance of our own XForm, as ODK Collect does when finalising."""
    root = ElementTree.fromstring(xform_xml)
    template = root.find(f".//{XF}model/{XF}instance")[0]
    data = copy.deepcopy(template)
    for element in data.iter():
        name = element.tag.removeprefix(XF)
        if name in values:
            element.text = values[name]
    meta_element = data.find(f"{XF}meta")
    meta_element.find(f"{XF}instanceID").text = instance_id
    for name, value in meta.items():
        ElementTree.SubElement(meta_element, f"{XF}{name}").text = value
    ElementTree.register_namespace("", XF.strip("{}"))
    return ElementTree.tostring(data, encoding="utf-8", xml_declaration=True)


ANSWERS = {
    "pollwatch_station": "001",
    "secrecy": "yes",
    "stuffing": "no",
    "voters": "14",
    "overall": "good",
}


def submission_url(token):
    return f"/odk/{token}/submission"


def collect_post(client, token, xml: bytes, *files, incomplete=False, device="collect:Xy7Qk"):
    body = {
        "xml_submission_file": SimpleUploadedFile("station_check_2026-05-01.xml", xml, "text/xml")
    }
    for upload in files:
        body[upload.name] = upload
    if incomplete:
        body["*isIncomplete*"] = "yes"
    return client.post(f"{submission_url(token)}?deviceID={device}", body, **COLLECT_HEADERS)


def test_form_list_is_openrosa_with_md5_hashes_and_urls(client, observer_token, xform_xml):
    response = client.get(f"/odk/{observer_token}/formList", **COLLECT_HEADERS)
    assert response.status_code == 200
    assert response["X-OpenRosa-Version"] == "1.0"
    listing = ElementTree.fromstring(response.content)
    ns = "{http://openrosa.org/xforms/xformsList}"
    xform = listing.find(f"{ns}xform")
    assert xform.findtext(f"{ns}formID") == "station_check"
    expected_md5 = hashlib.md5(xform_xml.encode()).hexdigest()
    assert xform.findtext(f"{ns}hash") == f"md5:{expected_md5}"
    download = xform.findtext(f"{ns}downloadUrl")
    assert download == f"http://testserver/odk/{observer_token}/forms/station_check/form.xml"
    form = client.get(download.removeprefix("http://testserver"))
    assert form.content.decode() == xform_xml
    manifest = client.get(xform.findtext(f"{ns}manifestUrl").removeprefix("http://testserver"))
    assert manifest.status_code == 200
    assert b"xformsManifest" in manifest.content


def test_an_unknown_or_revoked_token_is_refused(client, observer_token, observer_north):
    assert client.get("/odk/not-a-token/formList").status_code == 403
    observer_north.device_tokens.get().revoke()
    assert client.get(f"/odk/{observer_token}/formList").status_code == 403
    assert client.head(submission_url(observer_token)).status_code == 403


def test_collect_head_then_multipart_post_stores_the_report(
    client, observer_token, xform_xml, observer_north
):
    head = client.head(
        f"{submission_url(observer_token)}?deviceID=collect:Xy7Qk", **COLLECT_HEADERS
    )
    assert head.status_code == 204
    assert head["Location"] == f"http://testserver/odk/{observer_token}/submission"
    assert int(head["X-OpenRosa-Accept-Content-Length"]) >= 12 * 1024 * 1024
    assert head["X-OpenRosa-Version"] == "1.0"
    instance_id = f"uuid:{uuid.uuid4()}"
    response = collect_post(
        client, observer_token, instance_from_xform(xform_xml, ANSWERS, instance_id)
    )
    assert response.status_code == 201
    assert b"<OpenRosaResponse" in response.content
    assert b'nature="submit_success"' in response.content
    submission = Submission.objects.get()
    assert submission.channel == "openrosa"
    assert submission.submitted_by == observer_north
    assert submission.answers == {
        "secrecy": "yes",
        "stuffing": "no",
        "voters": 14,
        "overall": "good",
    }
    assert RawPayload.objects.get().content_type == "text/xml"


def test_the_same_instance_again_is_acknowledged_and_other_content_is_a_conflict(
    client, observer_token, xform_xml
):
    instance_id = f"uuid:{uuid.uuid4()}"
    xml = instance_from_xform(xform_xml, ANSWERS, instance_id)
    assert collect_post(client, observer_token, xml).status_code == 201
    again = collect_post(client, observer_token, xml)
    assert again.status_code == 201
    assert b"Already received" in again.content
    changed = instance_from_xform(xform_xml, ANSWERS | {"voters": "99"}, instance_id)
    conflict = collect_post(client, observer_token, changed)
    assert conflict.status_code == 409
    assert b"already received with different content" in conflict.content
    assert Submission.objects.get().answers["voters"] == 14


def test_a_deprecated_id_makes_a_revision(client, observer_token, xform_xml):
    first_id = f"uuid:{uuid.uuid4()}"
    collect_post(client, observer_token, instance_from_xform(xform_xml, ANSWERS, first_id))
    edited = instance_from_xform(
        xform_xml, ANSWERS | {"voters": "20"}, f"uuid:{uuid.uuid4()}", deprecatedID=first_id
    )
    response = collect_post(client, observer_token, edited)
    assert response.status_code == 201
    submission = Submission.objects.get()
    assert submission.revision == 2
    assert submission.answers["voters"] == 20
    assert [r.answers["voters"] for r in submission.revisions.all()] == [14, 20]


def test_an_invalid_report_is_refused_with_the_reason_and_the_xml_kept(
    client, observer_token, xform_xml
):
    xml = instance_from_xform(xform_xml, ANSWERS | {"voters": "9000"}, f"uuid:{uuid.uuid4()}")
    response = collect_post(client, observer_token, xml)
    assert response.status_code == 400
    assert b"9000 is above the maximum 5000" in response.content
    assert RawPayload.objects.get().status == RawPayload.Status.INVALID
    assert not Submission.objects.exists()


def test_a_figure_above_the_stations_registered_voters_is_refused_naming_them(
    client, observer_token, xform_xml
):
    xml = instance_from_xform(xform_xml, ANSWERS | {"voters": "1300"}, f"uuid:{uuid.uuid4()}")
    response = collect_post(client, observer_token, xml)
    assert response.status_code == 400
    assert b"1300 is above the 1200 registered voters at station 001" in response.content
    assert not Submission.objects.exists()


PVT_FIGURES = {
    "pollwatch_station": "001",
    "ballot_stuffing": "no",
    "observer_access": "full",
    "count_observed": "yes",
    "copy_received": "yes",
    "registered": "1200",
    "ballots_issued": "700",
    "ballots_in_boxes": "700",
    "invalid": "20",
    "valid": "680",
    "votes_ann": "400",
    "votes_bob": "280",
}


def test_pvt_form2_is_served_to_collect_and_its_station_bounds_checked_on_submission(
    client, observer_token
):
    publish_form_version(library_forms()["pvt_form2"].to_dict())
    listing = client.get(f"/odk/{observer_token}/formList", **COLLECT_HEADERS)
    assert b"<formID>pvt_form2</formID>" in listing.content
    form = client.get(f"/odk/{observer_token}/forms/pvt_form2/form.xml", **COLLECT_HEADERS)
    assert form.status_code == 200
    xform_xml = form.content.decode()
    assert "max_station" not in xform_xml
    stuffed = PVT_FIGURES | {"ballots_issued": "1300", "ballots_in_boxes": "1300"}
    refused = collect_post(
        client, observer_token, instance_from_xform(xform_xml, stuffed, f"uuid:{uuid.uuid4()}")
    )
    assert refused.status_code == 400
    assert b"1300 is above the 1200 registered voters at station 001" in refused.content
    accepted = collect_post(
        client, observer_token, instance_from_xform(xform_xml, PVT_FIGURES, f"uuid:{uuid.uuid4()}")
    )
    assert accepted.status_code == 201
    assert Submission.objects.get().answers["ballots_issued"] == 700


def test_a_12_mb_photo_is_stored_and_shown_with_the_report(
    client, observer_token, xform_xml, coordinator_north
):
    photo = b"\xff\xd8\xff\xe0" + bytes(range(256)) * (12 * 1024 * 1024 // 256)
    upload = SimpleUploadedFile("1714554765123.jpg", photo, "image/jpeg")
    xml = instance_from_xform(xform_xml, ANSWERS, f"uuid:{uuid.uuid4()}")
    assert collect_post(client, observer_token, xml, upload).status_code == 201
    attachment = Attachment.objects.get()
    assert attachment.size == len(photo)
    assert attachment.sha256 == hashlib.sha256(photo).hexdigest()
    assert attachment.submission == Submission.objects.get()
    client.force_login(coordinator_north)
    page = client.get(f"/channels/submissions/{attachment.submission_id}/attachments/")
    assert b"1714554765123.jpg" in page.content
    download = client.get(f"/channels/attachments/{attachment.pk}/")
    assert b"".join(download.streaming_content) == photo


def test_a_submission_split_over_several_posts_is_reassembled(client, observer_token, xform_xml):
    xml = instance_from_xform(xform_xml, ANSWERS, f"uuid:{uuid.uuid4()}")
    first = SimpleUploadedFile("protocol-1.jpg", b"\xff\xd8\xff\xe0one", "image/jpeg")
    second = SimpleUploadedFile("protocol-2.jpg", b"\xff\xd8\xff\xe0two", "image/jpeg")
    assert collect_post(client, observer_token, xml, first, incomplete=True).status_code == 201
    assert collect_post(client, observer_token, xml, second).status_code == 201
    submission = Submission.objects.get()
    assert sorted(a.name for a in submission.attachments.all()) == [
        "protocol-1.jpg",
        "protocol-2.jpg",
    ]


def test_an_enketo_style_submission_is_accepted(client, observer_token, xform_xml):
    instance_id = f"uuid:{uuid.uuid4()}"
    xml = instance_from_xform(xform_xml, ANSWERS, instance_id)
    # Enketo posts the record as a Blob named like its field, without a HEAD request first.
    response = client.post(
        submission_url(observer_token),
        {"xml_submission_file": SimpleUploadedFile("xml_submission_file", xml, "text/xml")},
        HTTP_X_OPENROSA_VERSION="1.0",
        HTTP_X_OPENROSA_INSTANCE_ID=instance_id,
    )
    assert response.status_code == 201
    assert Submission.objects.get().channel == "openrosa"


def test_a_post_without_the_xml_part_or_with_broken_xml_is_refused(client, observer_token):
    missing = client.post(submission_url(observer_token), {"other": "x"}, **COLLECT_HEADERS)
    assert missing.status_code == 400
    broken = collect_post(client, observer_token, b"<data id='station_check'><unclosed>")
    assert broken.status_code == 400
    assert b"not well-formed" in broken.content


def test_attachments_are_shown_only_to_those_who_see_the_station(
    client, observer_token, xform_xml, coordinator_south
):
    upload = SimpleUploadedFile("protocol.jpg", b"\xff\xd8\xff\xe0photo", "image/jpeg")
    xml = instance_from_xform(xform_xml, ANSWERS, f"uuid:{uuid.uuid4()}")
    collect_post(client, observer_token, xml, upload)
    attachment = Attachment.objects.get()
    client.force_login(coordinator_south)
    page = client.get(f"/channels/submissions/{attachment.submission_id}/attachments/")
    assert page.status_code == 404
    assert client.get(f"/channels/attachments/{attachment.pk}/").status_code == 404


def test_another_teams_deprecated_id_revises_nothing_and_reads_as_unknown(
    client, observer_token, xform_xml, observer_south
):
    from pollwatch.accounts.models import DeviceToken

    first_id = f"uuid:{uuid.uuid4()}"
    collect_post(client, observer_token, instance_from_xform(xform_xml, ANSWERS, first_id))
    intruder = DeviceToken.issue(observer_south, "phone")[1]
    edited = instance_from_xform(
        xform_xml, ANSWERS | {"voters": "20"}, f"uuid:{uuid.uuid4()}", deprecatedID=first_id
    )
    collect_post(client, intruder, edited)
    original = Submission.objects.get(observer__user__username="obs-north")
    assert original.revision == 1 and original.answers["voters"] == 14
    same_id_again = collect_post(
        client, intruder, instance_from_xform(xform_xml, ANSWERS | {"voters": "3"}, first_id)
    )
    assert same_id_again.status_code != 409, "a foreign instanceID is answered as an unknown one"
    assert Submission.objects.get(observer__user__username="obs-north").revision == 1


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("evil.html", b"<html><script>alert(document.cookie)</script></html>"),
        ("evil.jpg", b"<script>alert(1)</script>"),
        ("evil.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
    ],
)
def test_a_file_that_is_not_a_photo_sound_video_or_pdf_is_refused(
    client, observer_token, xform_xml, name, content
):
    upload = SimpleUploadedFile(name, content, "image/jpeg")
    xml = instance_from_xform(xform_xml, ANSWERS, f"uuid:{uuid.uuid4()}")
    response = collect_post(client, observer_token, xml, upload)
    assert response.status_code == 400
    assert b"only photos, sound, video and PDF" in response.content
    assert not Attachment.objects.exists() and not Submission.objects.exists()
    assert RawPayload.objects.get().status == RawPayload.Status.INVALID


def test_an_attachment_is_served_as_a_download_of_its_real_type(
    client, observer_token, xform_xml, coordinator_north
):
    upload = SimpleUploadedFile("photo.html", b"\xff\xd8\xff\xe0photo", "text/html")
    xml = instance_from_xform(xform_xml, ANSWERS, f"uuid:{uuid.uuid4()}")
    collect_post(client, observer_token, xml, upload)
    attachment = Attachment.objects.get()
    assert "photo" not in attachment.file.name and attachment.file.name.endswith(".jpg")
    client.force_login(coordinator_north)
    response = client.get(f"/channels/attachments/{attachment.pk}/")
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")


@pytest.mark.parametrize("instance_id", ["uuid:" + "x" * 120, "uuid:../../etc/passwd"])
def test_an_instance_id_that_is_too_long_or_a_path_is_refused(
    client, observer_token, xform_xml, instance_id
):
    response = collect_post(
        client, observer_token, instance_from_xform(xform_xml, ANSWERS, instance_id)
    )
    assert response.status_code == 400
    assert not Submission.objects.exists()
