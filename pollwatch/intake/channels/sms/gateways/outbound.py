"""Sending SMS: the one interface broadcasts and out-of-band replies use.

``POLLWATCH_SMS_OUTBOUND`` names the gateway: ``twilio`` (with
``POLLWATCH_TWILIO_ACCOUNT_SID``, ``POLLWATCH_TWILIO_AUTH_TOKEN`` and
``POLLWATCH_TWILIO_FROM``), ``android`` (with ``POLLWATCH_SMS_ANDROID_URL``,
``POLLWATCH_SMS_ANDROID_USERNAME`` and ``POLLWATCH_SMS_ANDROID_PASSWORD``), or
the dotted path of a class with a ``send(to, text)`` method (tests use a
recording double). Unset, nothing can be sent and broadcasts say so.
"""

from __future__ import annotations

import base64
import json
import logging
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from django.utils.module_loading import import_string

from pollwatch.intake.channels.sms.gateways.config import secret

logger = logging.getLogger(__name__)

ANDROID = "android"
TWILIO = "twilio"
# Twilio's message statuses, as deliveries record them.
TWILIO_STATUSES = {
    "queued": "queued",
    "accepted": "queued",
    "sending": "sent",
    "sent": "sent",
    "delivered": "delivered",
    "undelivered": "failed",
    "failed": "failed",
}


class GatewayUnavailable(Exception):
    """No gateway is configured for sending, or it refused the message."""


@dataclass(frozen=True, slots=True)
class SentMessage:
    message_id: str
    status: str


class OutboundGateway(Protocol):
    name: str

    def send(self, to: str, text: str) -> SentMessage: ...


def outbound_gateway() -> OutboundGateway:
    choice = secret("POLLWATCH_SMS_OUTBOUND")
    if choice is None:
        raise GatewayUnavailable("no SMS gateway is configured for sending")
    if choice == TWILIO:
        return _twilio()
    if choice == ANDROID:
        return _android()
    return import_string(choice)()


def reply_gateway(inbound_name: str) -> OutboundGateway | _LogOnly:
    """Where replies go for a gateway that cannot reply in its HTTP response."""
    try:
        return _android() if inbound_name == ANDROID else outbound_gateway()
    except GatewayUnavailable:
        try:
            return outbound_gateway()
        except GatewayUnavailable:
            return _LogOnly()


class _LogOnly:
    name = "none"

    def send(self, to: str, text: str) -> SentMessage:
        logger.warning("no SMS gateway configured; reply to %s kept in the message log only", to)
        return SentMessage(message_id="", status="failed")


def _required(*names: str) -> list[str]:
    values = [secret(name) for name in names]
    missing = [name for name, value in zip(names, values, strict=True) if value is None]
    if missing:
        raise GatewayUnavailable(f"set {', '.join(missing)} to send SMS")
    return [value for value in values if value is not None]


def _twilio() -> OutboundGateway:
    sid, token, sender = _required(
        "POLLWATCH_TWILIO_ACCOUNT_SID", "POLLWATCH_TWILIO_AUTH_TOKEN", "POLLWATCH_TWILIO_FROM"
    )
    return TwilioGateway(sid, token, sender, secret("POLLWATCH_TWILIO_STATUS_URL") or "")


def _android() -> OutboundGateway:
    url, username, password = _required(
        "POLLWATCH_SMS_ANDROID_URL",
        "POLLWATCH_SMS_ANDROID_USERNAME",
        "POLLWATCH_SMS_ANDROID_PASSWORD",
    )
    return AndroidGateway(url, username, password)


class TwilioGateway:
    """Sends through Twilio's REST API; the status callback reports delivery."""

    name = TWILIO

    def __init__(self, account_sid: str, auth_token: str, sender: str, callback_url: str = ""):
        from twilio.rest import Client

        self.client = Client(account_sid, auth_token)
        self.sender = sender
        self.callback_url = callback_url

    def send(self, to: str, text: str) -> SentMessage:
        options = {"to": to, "from_": self.sender, "body": text}
        if self.callback_url:
            options["status_callback"] = self.callback_url
        message = self.client.messages.create(**options)
        return SentMessage(
            message_id=message.sid, status=TWILIO_STATUSES.get(message.status, "sent")
        )


class AndroidGateway:
    """Sends through the app's API (local, cloud or private server mode)."""

    name = ANDROID

    def __init__(self, url: str, username: str, password: str):
        self.url = url.rstrip("/")
        credentials = base64.b64encode(f"{username}:{password}".encode()).decode()
        self.authorization = f"Basic {credentials}"

    def send(self, to: str, text: str) -> SentMessage:
        body = json.dumps({"textMessage": {"text": text}, "phoneNumbers": [to]}).encode()
        request = urllib.request.Request(
            f"{self.url}/message",
            data=body,
            headers={"Content-Type": "application/json", "Authorization": self.authorization},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310 (configured URL)
            answer = json.loads(response.read().decode("utf-8"))
        return SentMessage(message_id=str(answer.get("id", "")), status="queued")
