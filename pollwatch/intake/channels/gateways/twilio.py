"""Twilio: inbound messages (TwiML reply), delivery status callbacks, outbound sending.

Twilio signs every webhook with the account's auth token; the signature is
checked with the official library's ``RequestValidator`` against the URL
Twilio called. Without ``POLLWATCH_TWILIO_AUTH_TOKEN`` the endpoints refuse.
Behind a proxy that terminates TLS, set Django's ``SECURE_PROXY_SSL_HEADER``
so that the URL rebuilt here is the ``https://`` URL Twilio signed.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from pollwatch.intake.channels.broadcast import record_delivery_status
from pollwatch.intake.channels.gateways.config import secret
from pollwatch.intake.channels.gateways.outbound import SentMessage
from pollwatch.intake.channels.sms.services import InboundSms, receive_sms

NAME = "twilio"
TOKEN_SETTING = "POLLWATCH_TWILIO_AUTH_TOKEN"
STATUSES = {
    "queued": "queued",
    "accepted": "queued",
    "sending": "sent",
    "sent": "sent",
    "delivered": "delivered",
    "undelivered": "failed",
    "failed": "failed",
}


def _refusal(request: HttpRequest) -> HttpResponse | None:
    token = secret(TOKEN_SETTING)
    if token is None:
        return HttpResponse("Twilio is not configured on this server.", status=503)
    signature = request.headers.get("X-Twilio-Signature", "")
    valid = RequestValidator(token).validate(
        request.build_absolute_uri(), request.POST.dict(), signature
    )
    if not valid:
        return HttpResponse("The Twilio signature does not match.", status=403)
    return None


@csrf_exempt
@require_POST
def inbound(request: HttpRequest) -> HttpResponse:
    refusal = _refusal(request)
    if refusal is not None:
        return refusal
    outcome = receive_sms(
        InboundSms(
            gateway=NAME,
            sender=request.POST.get("From", ""),
            text=request.POST.get("Body", ""),
            message_id=request.POST.get("MessageSid", ""),
        )
    )
    response = MessagingResponse()
    if outcome.reply:
        response.message(outcome.reply)
    return HttpResponse(str(response), content_type="application/xml")


@csrf_exempt
@require_POST
def status_callback(request: HttpRequest) -> HttpResponse:
    refusal = _refusal(request)
    if refusal is not None:
        return refusal
    status = STATUSES.get(request.POST.get("MessageStatus", ""), "")
    if status:
        record_delivery_status(
            request.POST.get("MessageSid", ""), status, error=request.POST.get("ErrorCode", "")
        )
    return HttpResponse(status=204)


class TwilioGateway:
    """Sends through Twilio's REST API; the status callback reports delivery."""

    name = NAME

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
        return SentMessage(message_id=message.sid, status=STATUSES.get(message.status, "sent"))
