from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponseBase
from django.utils import translation

from pollwatch.accounts.models import preferred_language

# Machine endpoints authenticate themselves (device tokens, gateway signatures).
MACHINE_PREFIXES = ("/api/", "/hooks/", "/odk/")


class LoginRequiredForPagesMiddleware(LoginRequiredMiddleware):
    """Every page needs a login; the API answers 401 on its own instead of redirecting."""

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if request.path_info.startswith(MACHINE_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class UserLanguageMiddleware:
    """Pages speak the language a signed-in user chose, on whichever device they sign in.

    It runs after ``LocaleMiddleware`` (browser header, language cookie) and
    after authentication; a user without a preference keeps what the
    ``LocaleMiddleware`` picked.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = preferred_language(user.pk)
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)
