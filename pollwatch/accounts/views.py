"""The language switcher: Django's own view, which also remembers a signed-in user's choice."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from pollwatch.accounts.language import choose


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Set the language cookie; for a signed-in user, also save it as their choice."""
    response = django_set_language(request)
    choose(request, request.POST.get("language", ""))
    return response
