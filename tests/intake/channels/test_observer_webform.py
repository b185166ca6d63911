"""The observer web form's endpoints: the OpenRosa forms and intake under the observer's login."""

from __future__ import annotations

import hashlib
import json
import uuid
from xml.etree import ElementTree

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pollwatch.accounts.roles import Role
from pollwatch.intake.channels.openrosa.device_forms import offered_xform
from pollwatch.intake.models import Attachment, OpenRosaInstance, RawPayload, Submission
from pollwatch.missions.logins import create_user
from tests.conftest import PASSWORD, mission_on
from tests.intake.channels.test_openrosa import ANSWERS, instance_from_xform

pytestmark = pytest.mark.django_db

FORMS_URL = "/observe/forms/"
SUBMISSION_URL = "/observe/submission"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def observer_client(observer_north, checklist):
    # The page sends the CSRF token it was given; the endpoints must check it.
    client = Client(enforce_csrf_checks=True)
    client.force_login(observer_north)
    client.get("/observe/")
    return client


@pytest.fixture
def xform_xml(observer_north, checklist):
    return offered_xform(observer_north.member, "station_check").xml


def post_instance(client, xml: bytes, *files):
    body = {"xml_submission_file": SimpleUploadedFile("instance.xml", xml, "text/xml")}
    for upload in files:
        body[upload.name] = upload
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    return client.post(SUBMISSION_URL, body, HTTP_X_CSRFTOKEN=token)


def test_the_offered_forms_are_the_devices_forms_with_their_md5(observer_client, xform_xml):
    listing = observer_client.get(FORMS_URL).json()["forms"]
    assert [(form["code"], form["version"], form["title"]) for form in listing] == [
        ("station_check", 1, "Station check")
    ]
    form = observer_client.get(f"{FORMS_URL}station_check/form.xml")
    assert form.status_code == 200
    assert form["Content-Type"].startswith("text/xml")
    assert form.content.decode() == xform_xml
    assert listing[0]["md5"] == hashlib.md5(form.content, usedforsecurity=False).hexdigest()
    root = ElementTree.fromstring(form.content)
    assert "pollwatch_station" in ElementTree.tostring(root, encoding="unicode")


def test_a_form_that_is_not_offered_is_not_found(observer_client):
    assert observer_client.get(f"{FORMS_URL}no_such_form/form.xml").status_code == 404


def test_an_instance_is_stored_as_the_openrosa_channel_stores_it(
    observer_client, xform_xml, observer_north
):
    instance_id = f"uuid:{uuid.uuid4()}"
    photo = SimpleUploadedFile("photo-10_11_12.jpg", b"\xff\xd8\xff\xe0photo", "image/jpeg")
    response = post_instance(
        observer_client, instance_from_xform(xform_xml, ANSWERS, instance_id), photo
    )
    assert response.status_code == 201
    submission = Submission.objects.get()
    assert response.json() == {
        "id": submission.pk,
        "duplicate": False,
        "revised": False,
        "attachments": 1,
    }
    assert submission.channel == "openrosa"
    assert submission.submitted_by == observer_north
    assert submission.station.code == "001"
    assert submission.answers == {
        "secrecy": "yes",
        "stuffing": "no",
        "voters": 14,
        "overall": "good",
    }
    assert OpenRosaInstance.objects.get().instance_id == instance_id
    assert Attachment.objects.get().name == "photo-10_11_12.jpg"
    assert RawPayload.objects.get().content_type == "text/xml"


def test_a_resend_gets_the_first_receipt_and_changed_content_is_a_conflict(
    observer_client, xform_xml
):
    instance_id = f"uuid:{uuid.uuid4()}"
    xml = instance_from_xform(xform_xml, ANSWERS, instance_id)
    first = post_instance(observer_client, xml)
    again = post_instance(observer_client, xml)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["duplicate"] is True
    changed = instance_from_xform(xform_xml, ANSWERS | {"voters": "99"}, instance_id)
    conflict = post_instance(observer_client, changed)
    assert conflict.status_code == 409
    assert conflict.json()["errors"][0]["field"] == "instanceID"
    assert Submission.objects.get().answers["voters"] == 14
    assert RawPayload.objects.filter(status=RawPayload.Status.CONFLICT).count() == 1


def test_the_same_instance_from_odk_collect_is_the_same_report(
    observer_client, xform_xml, client, observer_token
):
    xml = instance_from_xform(xform_xml, ANSWERS, f"uuid:{uuid.uuid4()}")
    web = post_instance(observer_client, xml)
    collect = client.post(
        f"/odk/{observer_token}/submission",
        {"xml_submission_file": SimpleUploadedFile("a.xml", xml, "text/xml")},
    )
    assert collect.status_code == 201 and b"Already received" in collect.content
    assert Submission.objects.get().pk == web.json()["id"]


def test_broken_xml_and_a_wrong_form_are_refused_and_kept_for_review(observer_client, xform_xml):
    broken = post_instance(observer_client, b"<data id='station_check'><unclosed>")
    assert broken.status_code == 400
    assert "not well-formed" in broken.json()["errors"][0]["reason"]
    other_form = instance_from_xform(xform_xml, ANSWERS, f"uuid:{uuid.uuid4()}").replace(
        b'id="station_check"', b'id="no_such_form"'
    )
    wrong = post_instance(observer_client, other_form)
    assert wrong.status_code == 400
    invalid = instance_from_xform(xform_xml, ANSWERS | {"voters": "9000"}, f"uuid:{uuid.uuid4()}")
    refused = post_instance(observer_client, invalid)
    assert refused.status_code == 400
    assert "9000 is above the maximum 5000" in str(refused.json()["errors"])
    assert not Submission.objects.exists()
    assert (
        list(RawPayload.objects.values_list("status", flat=True)) == [RawPayload.Status.INVALID] * 3
    )


def test_a_post_without_the_instance_or_the_csrf_token_is_refused(observer_client):
    assert (
        observer_client.post(
            SUBMISSION_URL,
            {"other": "x"},
            HTTP_X_CSRFTOKEN=observer_client.cookies["csrftoken"].value,
        ).status_code
        == 400
    )
    assert observer_client.post(SUBMISSION_URL, {"other": "x"}).status_code == 403
    assert observer_client.get(SUBMISSION_URL).status_code == 405


def test_without_a_login_or_a_mission_the_endpoints_answer_401_and_403(checklist, outsider):
    anonymous = Client()
    assert anonymous.get(FORMS_URL).status_code == 401
    assert anonymous.post(SUBMISSION_URL).status_code == 401
    stranger = Client()
    stranger.force_login(outsider)
    assert stranger.get(FORMS_URL).status_code == 403
    assert stranger.get(f"{FORMS_URL}station_check/form.xml").status_code == 403


def test_another_missions_observer_gets_nothing_of_ours(
    observer_client, xform_xml, mission, checklist
):
    xml = instance_from_xform(xform_xml, ANSWERS, f"uuid:{uuid.uuid4()}")
    ours = post_instance(observer_client, xml).json()["id"]
    other = mission_on(mission.election, "other-mission", {"T1": "S1"})
    stranger = create_user("other-observer", PASSWORD, Role.OBSERVER, mission=other)
    stranger.member.team = other.teams.get()
    stranger.member.save()
    client = Client()
    client.force_login(stranger)
    their_form = client.get(f"{FORMS_URL}station_check/form.xml").content.decode()
    assert "School One" not in their_form and "Library" in their_form
    # Our instanceID is unknown to them: no receipt of ours, no conflict with ours.
    theirs = post_instance(client, xml.replace(b">001<", b">003<"))
    assert theirs.status_code == 201
    assert theirs.json()["id"] != ours
    assert Submission.objects.get(pk=ours).station.code == "001"


def test_the_page_policy_adds_only_blob_pictures_sounds_and_films_for_previews(observer_client):
    policy = observer_client.get("/observe/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["img-src"].split() == ["'self'", "data:", "blob:"]
    # The sound or film recorded for a question is played back from the phone's memory.
    assert directives["media-src"].split() == ["'self'", "blob:"]
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe" not in policy


def test_an_account_of_no_mission_is_told_the_form_is_for_members(client, administrator):
    client.force_login(administrator)
    page = client.get("/observe/").content.decode()
    assert "The observer form is for members of a mission" in page
    assert "observer.js" not in page


def test_the_page_knows_when_each_phase_is_under_way_in_the_elections_time_zone(
    observer_north, checklist
):
    election = observer_north.member.mission.election
    election.time_zone = "Asia/Tbilisi"
    election.save(update_fields=["time_zone"])
    client = Client()
    client.force_login(observer_north)
    page = client.get("/observe/").content.decode()
    config = json.loads(
        page.split('id="observer-config" type="application/json">')[1].split("<")[0]
    )

    assert config["phaseHours"]["opening"] == [
        "2026-05-01T05:30:00+04:00",
        "2026-05-01T10:00:00+04:00",
    ]
    assert config["phaseHours"]["counting"] == [
        "2026-05-01T18:00:00+04:00",
        "2026-05-02T08:00:00+04:00",
    ]
