"""Each user's own language: chosen once, applied at every login on any device.

The choice is saved on the user's profile and copied into the session at
login, so that a page costs no query for it; the switcher updates both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest, HttpResponseBase
from django.utils import translation

from pollwatch.accounts.models import preferred_language, remember_language
from pollwatch.lib.catalogues import writing_in

SESSION_KEY = "pollwatch_language"


def is_offered(language: str) -> bool:
    return language in dict(settings.LANGUAGES)


def apply_at_login(
    sender: Any, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: Any
) -> None:
    """``user_logged_in`` receiver: the session takes the language the user chose."""
    if request is None or not hasattr(request, "session"):
        return
    language = preferred_language(user.pk)
    if is_offered(language):
        request.session[SESSION_KEY] = language


def choose(request: HttpRequest, language: str) -> None:
    """The switcher's choice, for a signed-in user: remembered now and at the next login."""
    if request.user.is_authenticated and is_offered(language):
        remember_language(request.user, language)
        request.session[SESSION_KEY] = language


class UserLanguageMiddleware:
    """Pages speak the language a signed-in user chose, on whichever device they sign in.

    It runs after ``LocaleMiddleware`` (language cookie, browser header) and
    after authentication; a user without a choice keeps what the
    ``LocaleMiddleware`` picked.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user: AbstractBaseUser | AnonymousUser | None = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = request.session.get(SESSION_KEY, "")
            if is_offered(language):
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)


class PlainCataloguesMiddleware:
    """The texts of framework-free modules speak the language the page speaks.

    Answer checks and file imports (``forms.validation``, ``lib.tabular``) say
    their problems through ``pollwatch.lib.catalogues``, which knows nothing of
    the request; this runs after every middleware that picks the language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        with writing_in(translation.get_language() or settings.LANGUAGE_CODE):
            return self.get_response(request)
