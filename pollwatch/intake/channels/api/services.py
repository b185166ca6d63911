"""The JSON API channel before a submission reaches the intake: who sends it, and its body."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.translation import gettext as _
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
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        # The membership comes in the same query: every intake endpoint reads it next.
        return device_user(token)


def authenticated_user(request: HttpRequest) -> User | None:
    """The user the API's authentication found: a device token's, or the session's login."""
    user: User | None = request.auth  # type: ignore[attr-defined]  # set by ninja, unknown to the stubs
    return user


def requesting_member(request: HttpRequest) -> Member:
    """The member behind the request's token or login; 403 for a login of no mission."""
    try:
        return sending_member(authenticated_user(request))
    except SubmissionRejected:
        raise HttpError(403, _("this account is not a member of a mission")) from None


def json_body(request: HttpRequest) -> tuple[Any, str]:
    """The parsed body; a body that is not JSON is stored, marked invalid, and refused."""
    text = request.body.decode("utf-8", errors="replace")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        reason = _("not valid JSON (%(error)s at line %(line)s column %(column)s)") % {
            "error": error.msg,
            "line": error.lineno,
            "column": error.colno,
        }
    except RecursionError:
        reason = _nested_too_deeply()
    else:
        if json_depth(data) <= MAX_JSON_DEPTH:
            return data, text
        reason = _nested_too_deeply()
    payload = store_refused_payload(
        text,
        [Problem("body", reason)],
        channel=Channel.API,
        user=authenticated_user(request),
        content_type=request.content_type or "",
    )
    raise SubmissionRejected([Problem("body", reason)], payload)


def _nested_too_deeply() -> str:
    return _("nested deeper than %(levels)s levels") % {"levels": MAX_JSON_DEPTH}
