"""The coordinator pages: message log, replay, test message, SMS guide, broadcasts."""

from __future__ import annotations

import pytest

from pollwatch.intake.channels.sms.services import InboundSms, receive_sms
from pollwatch.intake.models import SmsMessage, Submission

from .conftest import OBSERVER_PHONE

pytestmark = pytest.mark.django_db


def test_the_log_shows_coordinators_their_observers_messages_only(
    client, sms_observer, russian_observer, sms_code, coordinator_north
):
    receive_sms(InboundSms("generic", OBSERVER_PHONE, "SC 001 AA1 AB2 AD2", "n-1"))
    receive_sms(InboundSms("generic", russian_observer.phone, "SC 003 AA1 AB2 AD2", "s-1"))
    client.force_login(coordinator_north)
    page = client.get("/channels/sms/")
    assert page.status_code == 200
    assert b"SC 001 AA1 AB2 AD2" in page.content
    assert b"SC 003" not in page.content


def test_observers_cannot_open_the_console(client, observer_north):
    client.force_login(observer_north)
    assert client.get("/channels/sms/").status_code == 403
    assert client.get("/channels/sms/test/").status_code == 403


def test_pages_need_a_login(client):
    response = client.get("/channels/sms/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_replaying_a_corrected_message_stores_the_report(
    client, sms_observer, sms_code, coordinator_north
):
    bad = receive_sms(InboundSms("generic", OBSERVER_PHONE, "SC 001 AA1 AB9 AD2", "n-1"))
    client.force_login(coordinator_north)
    page = client.get(f"/channels/sms/{bad.message.pk}/replay/")
    assert b"SC 001 AA1 AB9 AD2" in page.content
    response = client.post(
        f"/channels/sms/{bad.message.pk}/replay/", {"text": "SC 001 AA1 AB2 AD2"}
    )
    assert b"Received: Station check, station 001" in response.content
    replay = SmsMessage.objects.get(replay_of=bad.message)
    assert replay.replayed_by == coordinator_north
    assert Submission.objects.get().observer == sms_observer


def test_the_test_page_runs_a_message_through_the_channel(
    client, sms_observer, sms_code, coordinator_north
):
    client.force_login(coordinator_north)
    response = client.post(
        "/channels/sms/test/", {"sender": OBSERVER_PHONE, "text": "SC 001 AA1 AB2 AC5001 AD2"}
    )
    assert b"AC: 5001 is above the maximum 5000" in response.content
    assert SmsMessage.objects.get().gateway == "console"


def test_the_sms_guide_lists_codes_answers_and_an_example(client, sms_code, observer_north):
    client.force_login(observer_north)
    index = client.get("/channels/sms/guides/")
    assert b"/channels/sms/guides/SC/" in index.content
    guide = client.get("/channels/sms/guides/SC/").content.decode()
    assert "Station check" in guide
    assert "<strong>AC</strong>" in guide
    assert "Voters in line" in guide
    assert "1 = yes, 2 = no" in guide
    assert '<li value="4">Very bad</li>' in guide
    assert "SC 1234 AA1 AB1 AC12 AD1" in guide


def test_a_coordinator_broadcasts_from_the_page(
    client, sms_observer, coordinator_north, recording_gateway
):
    client.force_login(coordinator_north)
    response = client.post(
        "/channels/broadcasts/", {"audience": "all", "text": "Stay at your station"}, follow=True
    )
    assert b"Sent to 1 observers." in response.content
    assert recording_gateway.sent == [(OBSERVER_PHONE, "Stay at your station")]
    assert b"sent to the gateway" in response.content


def test_the_console_never_makes_a_report_an_observers(
    client, sms_observer, sms_code, coordinator_north
):
    client.force_login(coordinator_north)
    client.post("/channels/sms/test/", {"sender": OBSERVER_PHONE, "text": "SC 001 AA1 AB2 AC5 AD2"})
    report = Submission.objects.get()
    assert report.observer.user == coordinator_north
    assert report.submitted_by == coordinator_north
    assert report.channel == "console"
    assert SmsMessage.objects.get().member.user == coordinator_north
