"""The JSON API channel before a submission reaches the intake: who sends it, and its body."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer

from pollwatch.intake.models import Channel
from pollwatch.intake.services import (
    Problem,
    SubmissionRejected,
    sending_member,
    store_refused_payload,
)
from pollwatch.lib.json_nesting import MAX_JSON_DEPTH, json_depth
from pollwatch.missions.devices import (
    DeviceSender,
    SenderChanged,
    device_user,
    holds_token,
    sending_device,
    sent_as,
)
from pollwatch.missions.models import Member


class DeviceTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        # The membership comes in the same query: every intake endpoint reads it next.
        return device_user(token)


class SendingDeviceAuth(HttpBearer):
    """For the endpoints that send reports: the token's sender, remembered if found lately
    (checked where the report is stored; see :func:`sent_as_requester`)."""

    def authenticate(self, request: HttpRequest, token: str) -> DeviceSender | None:
        return sending_device(token)


def authenticated_user(request: HttpRequest) -> User | None:
    """The user the API's authentication found: a device token's, or the session's login."""
    auth = request.auth  # type: ignore[attr-defined]  # set by ninja, unknown to the stubs
    user: User | None = auth.user if isinstance(auth, DeviceSender) else auth
    return user


Sent = TypeVar("Sent")


def sent_as_requester(
    request: HttpRequest, send: Callable[[User | None, str | None], Sent]
) -> Sent:
    """``send(user, device)`` as the request's sender (see ``sent_as``); 401 if a
    remembered device token is no longer held at all."""
    auth = request.auth  # type: ignore[attr-defined]  # set by ninja, unknown to the stubs
    if not isinstance(auth, DeviceSender):
        return send(auth, None)
    try:
        return sent_as(auth, send)
    except SenderChanged:
        raise AuthenticationError from None


def refusing_as_requester(request: HttpRequest) -> None:
    """Before a refusal is stored or answered outside the intake: 401 for a remembered
    device sender who no longer holds the token as remembered."""
    auth = request.auth  # type: ignore[attr-defined]  # set by ninja, unknown to the stubs
    if (
        isinstance(auth, DeviceSender)
        and auth.remembered
        and not holds_token(auth.digest, auth.user.member)
    ):
        raise AuthenticationError


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
    refusing_as_requester(request)
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
