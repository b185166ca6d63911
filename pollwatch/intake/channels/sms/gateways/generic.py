"""A generic HTTP gateway: any SMS modem or service that can POST what it receives.

``POST /hooks/sms/generic/<token>/`` with a form or JSON body of ``sender``,
``text`` and ``id`` (the gateway's message id; ``from``, ``message`` and
``message_id`` are accepted too). The token must equal
``POLLWATCH_SMS_GATEWAY_TOKEN``; without that setting the endpoint refuses.
The reply comes back in the JSON response: ``{"to": ..., "reply": ...}``.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from pollwatch.intake.channels.sms.gateways.config import same_secret, secret
from pollwatch.intake.channels.sms.services import InboundSms, receive_sms

NAME = "generic"
TOKEN_SETTING = "POLLWATCH_SMS_GATEWAY_TOKEN"
FIELDS = {"sender": ("sender", "from"), "text": ("text", "message"), "id": ("id", "message_id")}


def read_fields(request: HttpRequest) -> dict[str, str] | None:
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            return None
        if not isinstance(body, dict):
            return None
    else:
        body = request.POST
    found = {}
    for name, aliases in FIELDS.items():
        value = next((body.get(alias) for alias in aliases if body.get(alias) is not None), "")
        found[name] = str(value)
    return found


@csrf_exempt
@require_POST
def inbound(request: HttpRequest, token: str) -> HttpResponse:
    expected = secret(TOKEN_SETTING)
    if expected is None:
        return HttpResponse("The SMS gateway token is not configured.", status=503)
    if not same_secret(token, expected):
        return HttpResponse("Unknown gateway token.", status=403)
    fields = read_fields(request)
    if fields is None or not fields["sender"]:
        return JsonResponse({"error": "send sender, text and id as a form or JSON"}, status=400)
    outcome = receive_sms(
        InboundSms(NAME, sender=fields["sender"], text=fields["text"], message_id=fields["id"])
    )
    return JsonResponse(
        {
            "to": fields["sender"],
            "reply": outcome.reply,
            "status": outcome.message.status,
            "redelivered": outcome.redelivered,
        }
    )
