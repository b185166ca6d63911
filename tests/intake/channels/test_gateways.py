"""The SMS gateways' webhooks with the payloads the real gateways send."""

from __future__ import annotations

import json
import time

import pytest
from twilio.request_validator import RequestValidator

from pollwatch.intake.channels.sms.gateways.android import signature_of
from pollwatch.intake.models import SmsMessage, Submission

from .conftest import OBSERVER_PHONE

pytestmark = pytest.mark.django_db

TWILIO_TOKEN = "12345678901234567890123456789012"
TWILIO_URL = "http://testserver/hooks/sms/twilio/"


def twilio_params(body="SC 001 AA1 AB2 AD2", sid="SM0123456789abcdef0123456789abcdef"):
    # The fields Twilio posts for an inbound SMS (form-encoded).
    return {
        "ToCountry": "GE",
        "ToState": "",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "ToCity": "",
        "FromZip": "",
        "SmsSid": sid,
        "FromState": "",
        "SmsStatus": "received",
        "FromCity": "",
        "Body": body,
        "FromCountry": "GE",
        "To": "+995555000111",
        "ToZip": "",
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": "AC0123456789abcdef0123456789abcdef",
        "From": OBSERVER_PHONE,
        "ApiVersion": "2010-04-01",
    }


def post_twilio(client, params, *, token=TWILIO_TOKEN, url=TWILIO_URL):
    signature = RequestValidator(token).compute_signature(url, params)
    return client.post(url, params, HTTP_X_TWILIO_SIGNATURE=signature)


def test_twilio_message_with_a_valid_signature_is_stored_and_answered_in_twiml(
    client, settings, sms_observer, sms_code
):
    settings.POLLWATCH_TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    response = post_twilio(client, twilio_params())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    body = response.content.decode()
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?><Response><Message>')
    assert "Received: Station check, station 001." in body
    message = SmsMessage.objects.get()
    assert (message.gateway, message.gateway_message_id) == (
        "twilio",
        "SM0123456789abcdef0123456789abcdef",
    )
    assert Submission.objects.count() == 1


def test_twilio_with_a_wrong_signature_is_refused_and_nothing_stored(
    client, settings, sms_observer, sms_code
):
    settings.POLLWATCH_TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    response = post_twilio(client, twilio_params(), token="another-token-another-token-xx")
    assert response.status_code == 403
    params = twilio_params()
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(TWILIO_URL, params)
    params["Body"] = "SC 002 AA2 AB1 AD4"  # tampered after signing
    tampered = client.post(TWILIO_URL, params, HTTP_X_TWILIO_SIGNATURE=signature)
    assert tampered.status_code == 403
    assert not SmsMessage.objects.exists()


def test_twilio_refuses_when_no_auth_token_is_configured(client, settings, sms_code):
    settings.POLLWATCH_TWILIO_AUTH_TOKEN = ""
    response = post_twilio(client, twilio_params(), token="")
    assert response.status_code == 503
    assert not SmsMessage.objects.exists()


def test_twilio_status_callback_updates_a_broadcast_delivery(
    client, settings, sms_observer, recording_gateway, coordinator_north
):
    from pollwatch.intake.channels.broadcast.services import send_broadcast
    from pollwatch.intake.models import Delivery

    settings.POLLWATCH_TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    send_broadcast(sms_observer.mission, "Polls close at 20:00", "all", actor=coordinator_north)
    delivery = Delivery.objects.get()
    url = "http://testserver/hooks/sms/twilio/status/"
    params = {"MessageSid": delivery.gateway_message_id, "MessageStatus": "delivered"}
    assert post_twilio(client, params, url=url).status_code == 204
    delivery.refresh_from_db()
    assert delivery.status == "delivered"


GENERIC_TOKEN = "s3cret-gateway-token"


def test_generic_gateway_accepts_a_form_body_and_replies_in_json(
    client, settings, sms_observer, sms_code
):
    settings.POLLWATCH_SMS_GATEWAY_TOKEN = GENERIC_TOKEN
    response = client.post(
        f"/hooks/sms/generic/{GENERIC_TOKEN}/",
        {"sender": OBSERVER_PHONE, "text": "SC 001 AA1 AB2 AD2", "id": "g-1"},
    )
    assert response.status_code == 200
    assert response.json()["to"] == OBSERVER_PHONE
    assert response.json()["status"] == "accepted"
    assert response.json()["reply"].startswith("Received")


@pytest.mark.parametrize(
    ("language", "reply"),
    [
        ("en", "Not received: AC: 900 is above the 800 registered voters at station 002."),
        ("ru", "Не принято: AC: 900 больше 800 зарегистрированных избирателей на участке 002."),
    ],
)
def test_generic_gateway_replies_with_the_stations_registered_voters_in_the_observers_language(
    client, settings, sms_observer, sms_code, language, reply
):
    settings.POLLWATCH_SMS_GATEWAY_TOKEN = GENERIC_TOKEN
    sms_observer.languages = language
    sms_observer.save()
    response = client.post(
        f"/hooks/sms/generic/{GENERIC_TOKEN}/",
        {"sender": OBSERVER_PHONE, "text": "SC 002 AA1 AB2 AC900 AD2", "id": "g-2"},
    )
    assert response.status_code == 200
    assert response.json()["status"] == "invalid"
    assert response.json()["reply"].startswith(reply)
    assert not Submission.objects.exists()


def test_generic_gateway_accepts_json_and_dedupes_by_message_id(
    client, settings, sms_observer, sms_code
):
    settings.POLLWATCH_SMS_GATEWAY_TOKEN = GENERIC_TOKEN
    body = json.dumps({"from": OBSERVER_PHONE, "message": "SC 001 AA1 AB2 AD2", "message_id": 7})
    url = f"/hooks/sms/generic/{GENERIC_TOKEN}/"
    first = client.post(url, body, content_type="application/json").json()
    second = client.post(url, body, content_type="application/json").json()
    assert first["redelivered"] is False
    assert second["redelivered"] is True
    assert second["reply"] == first["reply"]
    assert SmsMessage.objects.count() == 1


@pytest.mark.parametrize("configured", ["", None])
def test_generic_gateway_refuses_when_its_token_is_unset(client, settings, configured):
    settings.POLLWATCH_SMS_GATEWAY_TOKEN = configured
    response = client.post("/hooks/sms/generic/anything/", {"sender": "+1", "text": "x"})
    assert response.status_code == 503


def test_generic_gateway_refuses_a_wrong_token(client, settings, sms_observer):
    settings.POLLWATCH_SMS_GATEWAY_TOKEN = GENERIC_TOKEN
    response = client.post(
        "/hooks/sms/generic/wrong/", {"sender": OBSERVER_PHONE, "text": "SC 001 AA1"}
    )
    assert response.status_code == 403
    assert not SmsMessage.objects.exists()


ANDROID_KEY = "android-signing-key"


def android_event(text="SC 001 AA1 AB2 AD2", event_id="Ey6ECgOkVVFjz3CL48B8C"):
    # The JSON SMS Gateway for Android posts for an ``sms:received`` webhook.
    return {
        "deviceId": "ffffffffceb0b1db0000018e937c815b",
        "event": "sms:received",
        "id": event_id,
        "payload": {
            "messageId": "abc123",
            "message": text,
            "phoneNumber": OBSERVER_PHONE,
            "simNumber": 1,
            "receivedAt": "2026-05-01T15:46:11.000+04:00",
        },
        "webhookId": "LreFUt-Z3sSq0JufY9uWB",
    }


def post_android(client, event, *, key=ANDROID_KEY, timestamp=None):
    body = json.dumps(event).encode()
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return client.post(
        "/hooks/sms/android/",
        body,
        content_type="application/json",
        HTTP_X_TIMESTAMP=stamp,
        HTTP_X_SIGNATURE=signature_of(body, stamp, key),
    )


def test_android_gateway_webhook_is_verified_stored_and_replied_through_the_app(
    client, settings, sms_observer, sms_code, recording_gateway
):
    settings.POLLWATCH_SMS_ANDROID_SIGNING_KEY = ANDROID_KEY
    response = post_android(client, android_event())
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    message = SmsMessage.objects.get()
    assert (message.gateway, message.gateway_message_id) == ("android", "Ey6ECgOkVVFjz3CL48B8C")
    assert recording_gateway.sent == [(OBSERVER_PHONE, response.json()["reply"])]
    post_android(client, android_event())  # the app retries the same event
    assert SmsMessage.objects.count() == 1
    assert len(recording_gateway.sent) == 1


def test_android_gateway_refuses_bad_signatures_stale_timestamps_and_no_key(
    client, settings, sms_observer, sms_code
):
    settings.POLLWATCH_SMS_ANDROID_SIGNING_KEY = ANDROID_KEY
    assert post_android(client, android_event(), key="wrong").status_code == 403
    stale = int(time.time()) - 3600
    assert post_android(client, android_event(), timestamp=stale).status_code == 403
    settings.POLLWATCH_SMS_ANDROID_SIGNING_KEY = None
    assert post_android(client, android_event()).status_code == 503
    assert not SmsMessage.objects.exists()


def test_webhooks_are_not_redirected_to_the_login_page(client, settings):
    settings.POLLWATCH_SMS_GATEWAY_TOKEN = GENERIC_TOKEN
    response = client.post(f"/hooks/sms/generic/{GENERIC_TOKEN}/", {"text": "x"})
    assert response.status_code == 400
