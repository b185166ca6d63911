"""Twilio: inbound messages (TwiML reply) and delivery status callbacks.

Sending through Twilio is in :mod:`outbound`.

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

from pollwatch.intake.channels.sms.gateways.config import secret
from pollwatch.intake.channels.sms.gateways.outbound import TWILIO
from pollwatch.intake.channels.sms.gateways.outbound import TWILIO_STATUSES as STATUSES
from pollwatch.intake.channels.sms.services import InboundSms, receive_sms
from pollwatch.intake.models import Delivery

NAME = TWILIO
TOKEN_SETTING = "POLLWATCH_TWILIO_AUTH_TOKEN"


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
        Delivery.objects.record_status(
            request.POST.get("MessageSid", ""), status, error=request.POST.get("ErrorCode", "")
        )
    return HttpResponse(status=204)
