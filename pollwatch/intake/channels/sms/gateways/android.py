"""SMS Gateway for Android (android-sms-gateway, sms-gate.app): an observer group's own phone.

The app POSTs JSON webhooks, one per event::

    {"deviceId": "ffffffffceb0b1db0000018e937c815b",
     "event": "sms:received",
     "id": "Ey6ECgOkVVFjz3CL48B8C",
     "payload": {"messageId": "abc123", "message": "VO 1234 AA1",
                 "phoneNumber": "+79990001234", "simNumber": 1,
                 "receivedAt": "2024-06-22T15:46:11.000+07:00"},
     "webhookId": "LreFUt-Z3sSq0JufY9uWB"}

signed with ``X-Signature``, the hex HMAC-SHA256 of the raw body followed by
``X-Timestamp`` (Unix seconds), under the signing key set in the app
(``POLLWATCH_SMS_ANDROID_SIGNING_KEY``; unset, the endpoint refuses). The
event's ``id`` is the idempotency key: the app retries with the same event,
while its ``messageId`` is derived from the content and is not unique.
The app cannot take a reply in the HTTP response, so replies are sent back
through its API (``POST <url>/message``); ``sms:sent``, ``sms:delivered``
and ``sms:failed`` events update the delivery status of broadcasts.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from pollwatch.intake.channels.sms.gateways.config import same_secret, secret
from pollwatch.intake.channels.sms.gateways.outbound import ANDROID, reply_gateway
from pollwatch.intake.channels.sms.services import InboundSms, receive_sms
from pollwatch.intake.models import Delivery

NAME = ANDROID
KEY_SETTING = "POLLWATCH_SMS_ANDROID_SIGNING_KEY"
MAX_CLOCK_SKEW = 300
STATUS_EVENTS = {"sms:sent": "sent", "sms:delivered": "delivered", "sms:failed": "failed"}


def signature_of(body: bytes, timestamp: str, key: str) -> str:
    return hmac.new(key.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()


def _refusal(request: HttpRequest) -> HttpResponse | None:
    key = secret(KEY_SETTING)
    if key is None:
        return HttpResponse("The Android gateway signing key is not configured.", status=503)
    timestamp = request.headers.get("X-Timestamp", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > MAX_CLOCK_SKEW:
        return HttpResponse("Missing or stale X-Timestamp.", status=403)
    expected = signature_of(request.body, timestamp, key)
    if not same_secret(request.headers.get("X-Signature", "").lower(), expected):
        return HttpResponse("The signature does not match.", status=403)
    return None


@csrf_exempt
@require_POST
def inbound(request: HttpRequest) -> HttpResponse:
    refusal = _refusal(request)
    if refusal is not None:
        return refusal
    try:
        event = json.loads(request.body.decode("utf-8"))
        payload = event["payload"]
        kind = event["event"]
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError, KeyError, TypeError):
        return JsonResponse({"error": "not an SMS Gateway for Android webhook"}, status=400)
    if kind in STATUS_EVENTS:
        Delivery.objects.record_status(
            str(payload.get("messageId", "")), STATUS_EVENTS[kind], error=payload.get("reason", "")
        )
        return HttpResponse(status=204)
    if kind != "sms:received":
        return HttpResponse(status=204)
    sender = str(payload.get("phoneNumber", ""))
    outcome = receive_sms(
        InboundSms(
            NAME,
            sender=sender,
            text=str(payload.get("message", "")),
            message_id=str(event.get("id") or payload.get("messageId", "")),
        )
    )
    if outcome.reply and not outcome.redelivered:
        reply_gateway(NAME).send(outcome.message.sender or sender, outcome.reply)
    return JsonResponse({"reply": outcome.reply, "status": outcome.message.status})


__all__ = ["inbound", "same_secret", "signature_of"]
