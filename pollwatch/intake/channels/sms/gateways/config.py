"""Gateway secrets, read from settings or the environment; never a default."""

from __future__ import annotations

import hmac
import os

from django.conf import settings


def secret(name: str) -> str | None:
    """The configured value of ``name``, or None when it is unset or empty."""
    value = getattr(settings, name, None) or os.environ.get(name)
    return value or None


def same_secret(given: str, expected: str | None) -> bool:
    """Constant-time comparison; an unset secret matches nothing."""
    if not expected or not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
