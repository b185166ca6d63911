"""The SMS gateways answer a deeply nested JSON body with 400, not a server error."""

from __future__ import annotations

import time

import pytest

from pollwatch.intake.channels.sms.gateways.android import signature_of

from .test_gateways import ANDROID_KEY, GENERIC_TOKEN

pytestmark = pytest.mark.django_db

DEEP = ("[" * 100_000 + "]" * 100_000).encode()


def test_generic_gateway_refuses_deep_json_with_400(client, settings):
    settings.POLLWATCH_SMS_GATEWAY_TOKEN = GENERIC_TOKEN
    url = f"/hooks/sms/generic/{GENERIC_TOKEN}/"
    assert client.post(url, DEEP, content_type="application/json").status_code == 400


def test_android_gateway_refuses_deep_json_with_400(client, settings):
    settings.POLLWATCH_SMS_ANDROID_SIGNING_KEY = ANDROID_KEY
    stamp = str(int(time.time()))
    response = client.post(
        "/hooks/sms/android/",
        DEEP,
        content_type="application/json",
        HTTP_X_TIMESTAMP=stamp,
        HTTP_X_SIGNATURE=signature_of(DEEP, stamp, ANDROID_KEY),
    )
    assert response.status_code == 400
