"""Refusing a request whose query holds the NUL character, before any view reads it.

No database text column can hold NUL: PostgreSQL raises an error for a query
parameter that contains one, which a search box or filter would turn into a
server error. Nobody types NUL, so such a request is answered 400 at once,
with the page's error, or with a problem+json body under the API.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def storable_text(text: str) -> str:
    """Text a database column can hold: NUL, which none accepts, becomes U+FFFD."""
    return text.replace("\x00", "\ufffd")


def names_with_nul(request: HttpRequest) -> list[str]:
    """The query parameters whose name or any value contains NUL, NUL shown as U+FFFD."""
    return sorted(
        {
            storable_text(name)
            for name, values in request.GET.lists()
            if "\x00" in name or any("\x00" in value for value in values)
        }
    )


class RefuseNulInQueryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = names_with_nul(request)
        if refused:
            return _bad_request(request, refused)
        return self.get_response(request)


def _bad_request(request: HttpRequest, names: list[str]) -> HttpResponse:
    detail = _("The parameters %(names)s contain the NUL character, which is never valid.") % {
        "names": ", ".join(names)
    }
    if request.path.startswith(API_PREFIX):
        body = {"type": "about:blank", "title": "Bad request", "status": 400, "detail": detail}
        return HttpResponse(json.dumps(body), status=400, content_type="application/problem+json")
    return render(request, "400.html", {"detail": detail}, status=400)
