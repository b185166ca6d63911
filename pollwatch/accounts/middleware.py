from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponseBase

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
