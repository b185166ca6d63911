"""The JSON API under /api/v1/, described by a generated OpenAPI document.

Errors are ``application/problem+json`` (RFC 9457) with, where it applies, an
``errors`` list naming each field path and its reason.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from pollwatch.intake.services import ResendConflict, SubmissionRejected

api = NinjaAPI(title="pollwatch API", version="1", urls_namespace="api", docs_url="/docs")


def problem(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    title: str,
    detail: str = "",
    errors: list[dict[str, str]] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors is not None:
        body["errors"] = errors
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
    errors = [
        {
            "field": ".".join(str(part) for part in item.get("loc", ())[1:]) or "body",
            "reason": item.get("msg") or _("is invalid"),
        }
        for item in error.errors
    ]
    return problem(api, request, 422, _("The request is not valid"), errors=errors)


@api.exception_handler(SubmissionRejected)
def on_submission_rejected(request: HttpRequest, error: SubmissionRejected) -> HttpResponse:
    detail = _("Correct the fields listed and send it again.")
    if error.payload:
        detail += " " + _("It is stored as payload %(payload)s for review.") % {
            "payload": error.payload.pk
        }
    return problem(
        api,
        request,
        422,
        _("The submission was not accepted"),
        detail=detail,
        errors=[p.as_dict() for p in error.problems],
    )


@api.exception_handler(ResendConflict)
def on_resend_conflict(request: HttpRequest, error: ResendConflict) -> HttpResponse:
    detail = _("Nothing was changed.")
    if error.payload:
        detail += " " + _(
            "The payload is stored as payload %(payload)s for a coordinator to review."
        ) % {"payload": error.payload.pk}
    return problem(
        api,
        request,
        409,
        _("The key is already used by another report"),
        detail=detail,
        errors=[p.as_dict() for p in error.problems],
    )


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return problem(
        api,
        request,
        401,
        _("Authentication required"),
        detail=_("Send 'Authorization: Bearer <device token>' or log in."),
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    return problem(api, request, error.status_code, str(error))


api.add_router("/", "pollwatch.intake.channels.api.views.router")
api.add_router("/", "pollwatch.deployment.api.router")
