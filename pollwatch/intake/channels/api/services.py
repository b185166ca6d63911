"""The JSON API channel before a submission reaches the intake: who sends it, and its body."""

from __future__ import annotations

import json

from ninja.errors import HttpError
from ninja.security import HttpBearer

from pollwatch.intake.models import Channel
from pollwatch.intake.services import (
    Problem,
    SubmissionRejected,
    sending_member,
    store_refused_payload,
)
from pollwatch.lib.json_nesting import MAX_JSON_DEPTH, json_depth
from pollwatch.missions.devices import device_user
from pollwatch.missions.models import Member


class DeviceTokenAuth(HttpBearer):
    def authenticate(self, request, token):
        # The membership comes in the same query: every intake endpoint reads it next.
        return device_user(token)


def requesting_member(request) -> Member:
    """The member behind the request's token or login; 403 for a login of no mission."""
    try:
        return sending_member(request.auth)
    except SubmissionRejected:
        raise HttpError(403, "this account is not a member of a mission") from None


def json_body(request) -> tuple[object, str]:
    """The parsed body; a body that is not JSON is stored, marked invalid, and refused."""
    text = request.body.decode("utf-8", errors="replace")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        reason = f"not valid JSON ({error.msg} at line {error.lineno} column {error.colno})"
    except RecursionError:
        reason = f"nested deeper than {MAX_JSON_DEPTH} levels"
    else:
        if json_depth(data) <= MAX_JSON_DEPTH:
            return data, text
        reason = f"nested deeper than {MAX_JSON_DEPTH} levels"
    payload = store_refused_payload(
        text,
        [Problem("body", reason)],
        channel=Channel.API,
        user=request.auth,
        content_type=request.content_type or "",
    )
    raise SubmissionRejected([Problem("body", reason)], payload)
