"""The language switcher: Django's own view, which also remembers a signed-in user's choice."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from pollwatch.accounts.models import remember_language


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Set the language cookie; for a signed-in user, also save it as their preference."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        remember_language(request.user, language)
    return response
