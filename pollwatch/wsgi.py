"""The WSGI application: pages through the whole middleware chain, submissions through less.

A submission from a device or a gateway (a POST under a machine prefix: the JSON
API, OpenRosa, the SMS hooks) authenticates itself and answers JSON, XML or plain
text, so the middleware that only pages need (static files, the login redirect,
messages, frame and content security policies, htmx, login throttling) is left
out of its chain (``MACHINE_MIDDLEWARE`` in the settings): it is the busiest path
on election day. Everything else keeps the whole chain.
"""

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pollwatch.settings")


@contextmanager
def _middleware(chain: list[str]) -> Iterator[None]:
    full = settings.MIDDLEWARE
    settings.MIDDLEWARE = chain
    try:
        yield
    finally:
        settings.MIDDLEWARE = full


class _MachineHandler(WSGIHandler):
    def load_middleware(self, is_async: bool = False) -> None:
        # Loaded once, when the process starts, before it serves anything.
        with _middleware(settings.MACHINE_MIDDLEWARE):
            super().load_middleware(is_async)


class SplitApplication:
    """Machine submissions to the lean chain, every other request to the whole one."""

    def __init__(self) -> None:
        self.pages = get_wsgi_application()
        self.machine = _MachineHandler()
        from pollwatch.accounts.middleware import MACHINE_PREFIXES

        self.machine_prefixes = MACHINE_PREFIXES

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO", "").startswith(
            self.machine_prefixes
        ):
            return self.machine(environ, start_response)
        return self.pages(environ, start_response)


application = SplitApplication()
