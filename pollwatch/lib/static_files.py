"""Serving static files, with the collected files' folder made when the web application starts.

WhiteNoise warns about a missing ``STATIC_ROOT``; making the folder in the
settings instead would create it wherever any command is started.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from whitenoise.middleware import WhiteNoiseMiddleware


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    def __init__(self, get_response: Any = None, **kwargs: Any) -> None:
        if settings.STATIC_ROOT:
            Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        super().__init__(get_response, **kwargs)
