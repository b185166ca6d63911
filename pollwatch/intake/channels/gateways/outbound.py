"""Sending SMS: the one interface broadcasts and out-of-band replies use.

``POLLWATCH_SMS_OUTBOUND`` names the gateway: ``twilio`` (with
``POLLWATCH_TWILIO_ACCOUNT_SID``, ``POLLWATCH_TWILIO_AUTH_TOKEN`` and
``POLLWATCH_TWILIO_FROM``), ``android`` (with ``POLLWATCH_SMS_ANDROID_URL``,
``POLLWATCH_SMS_ANDROID_USERNAME`` and ``POLLWATCH_SMS_ANDROID_PASSWORD``), or
the dotted path of a class with a ``send(to, text)`` method (tests use a
recording double). Unset, nothing can be sent and broadcasts say so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from django.utils.module_loading import import_string

from pollwatch.intake.channels.gateways.config import secret

logger = logging.getLogger(__name__)


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
    if choice == "twilio":
        return _twilio()
    if choice == "android":
        return _android()
    return import_string(choice)()


def reply_gateway(inbound_name: str) -> OutboundGateway | _LogOnly:
    """Where replies go for a gateway that cannot reply in its HTTP response."""
    try:
        return _android() if inbound_name == "android" else outbound_gateway()
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
    from pollwatch.intake.channels.gateways.twilio import TwilioGateway

    sid, token, sender = _required(
        "POLLWATCH_TWILIO_ACCOUNT_SID", "POLLWATCH_TWILIO_AUTH_TOKEN", "POLLWATCH_TWILIO_FROM"
    )
    return TwilioGateway(sid, token, sender, secret("POLLWATCH_TWILIO_STATUS_URL") or "")


def _android() -> OutboundGateway:
    from pollwatch.intake.channels.gateways.android import AndroidGateway

    url, username, password = _required(
        "POLLWATCH_SMS_ANDROID_URL",
        "POLLWATCH_SMS_ANDROID_USERNAME",
        "POLLWATCH_SMS_ANDROID_PASSWORD",
    )
    return AndroidGateway(url, username, password)
