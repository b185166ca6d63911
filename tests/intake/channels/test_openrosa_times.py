"""OpenRosa times keep their zone: ODK writes ``07:30:00.000+03:00``, not ``07:30``."""

from __future__ import annotations

import copy
import datetime
import uuid
from xml.etree import ElementTree

import pytest

from pollwatch.forms.services import publish_form_version
from pollwatch.intake.channels.openrosa.instances import clock_time, read_instance
from pollwatch.intake.models import Submission
from tests.builders import CHECKLIST

from .test_openrosa import ANSWERS, XF, collect_post, instance_from_xform

pytestmark = pytest.mark.django_db

TBILISI = datetime.timezone(datetime.timedelta(hours=4))


@pytest.fixture
def timed_form(db):
    definition = copy.deepcopy(CHECKLIST)
    definition["sections"][0]["questions"].insert(
        0, {"code": "opened_at", "type": "time", "label": {"en": "Opened at"}}
    )
    return publish_form_version(definition)


@pytest.fixture
def tbilisi(election):
    election.time_zone = "Asia/Tbilisi"
    election.save()
    return election


@pytest.fixture
def form_xml(client, observer_token, timed_form, tbilisi):
    return client.get(f"/odk/{observer_token}/forms/station_check/form.xml").content.decode()


def send(client, token, form_xml, **values):
    xml = instance_from_xform(form_xml, ANSWERS | values, f"uuid:{uuid.uuid4()}")
    return collect_post(client, token, xml)


def test_a_time_in_the_elections_zone_keeps_the_clock_time_and_raises_no_flag(
    client, observer_token, form_xml
):
    response = send(client, observer_token, form_xml, opened_at="07:30:00.000+04:00")
    assert response.status_code == 201
    submission = Submission.objects.get()
    assert submission.answers["opened_at"] == "07:30"
    assert "device_zone_differs" not in submission.flags


def test_a_time_from_a_phone_in_another_zone_keeps_the_clock_time_seen_and_is_flagged(
    client, observer_token, form_xml
):
    response = send(client, observer_token, form_xml, opened_at="07:30:00.000+03:00")
    assert response.status_code == 201
    submission = Submission.objects.get()
    assert submission.answers["opened_at"] == "07:30"
    assert "device_zone_differs" in submission.flags


def test_a_utc_time_on_a_utc_election_is_not_flagged(client, observer_token, timed_form):
    xml = client.get(f"/odk/{observer_token}/forms/station_check/form.xml").content.decode()
    assert send(client, observer_token, xml, opened_at="07:30:00.000Z").status_code == 201
    assert "device_zone_differs" not in Submission.objects.get().flags


def test_a_time_that_is_no_time_is_refused_as_sent_not_cut_to_five_characters(
    client, observer_token, form_xml
):
    response = send(client, observer_token, form_xml, opened_at="half past seven")
    assert response.status_code == 400
    assert b"'half past seven' is not a time of day" in response.content


def test_the_xform_asks_the_phone_for_the_time_the_form_was_finished(form_xml):
    root = ElementTree.fromstring(form_xml)
    binds = [b for b in root.iter(f"{XF}bind") if b.get("nodeset") == "/data/pollwatch_end"]
    assert len(binds) == 1
    assert binds[0].get("{http://openrosa.org/javarosa}preloadParams") == "end"


def test_the_phones_finishing_time_is_kept_as_the_device_time_with_its_offset(
    client, observer_token, form_xml
):
    sent = send(client, observer_token, form_xml, pollwatch_end="2026-05-01T07:31:05.123+04:00")
    assert sent.status_code == 201
    device_time = Submission.objects.get().device_time
    assert device_time == datetime.datetime(2026, 5, 1, 7, 31, 5, 123000, tzinfo=TBILISI)


@pytest.mark.parametrize("end", ["2026-05-01T07:31:05.123", "yesterday", ""])
def test_a_finishing_time_without_a_zone_or_unreadable_is_no_device_time(
    client, observer_token, form_xml, end
):
    assert send(client, observer_token, form_xml, pollwatch_end=end).status_code == 201
    assert Submission.objects.get().device_time is None


@pytest.mark.parametrize(
    ("sent", "clock", "offset"),
    [
        ("07:30:00.000+03:00", "07:30", datetime.timedelta(hours=3)),
        ("23:59:59.999-05:30", "23:59", datetime.timedelta(hours=-5, minutes=-30)),
        ("07:30:00.000Z", "07:30", datetime.timedelta(0)),
        ("07:30", "07:30", None),
        ("7:05", "7:05", None),
    ],
)
def test_an_instance_time_is_read_as_clock_time_and_offset(sent, clock, offset):
    xml = (
        f"<data id='f'><opened_at>{sent}</opened_at>"
        "<meta><instanceID>uuid:1</instanceID></meta></data>"
    ).encode()
    instance = read_instance(xml)
    assert clock_time(instance.values["opened_at"]) == (clock, offset)
