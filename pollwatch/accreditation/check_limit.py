"""How often one address may open badge check pages: enough for a scanner, not for guessing."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def over_the_limit(request: HttpRequest) -> bool:
    """Count this check against its address's minute; True once the minute's share is used."""
    minute = int(time.time() // 60)
    key = f"badge-check:{request.META.get('REMOTE_ADDR', '')}:{minute}"
    cache.add(key, 0, timeout=60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=60)
        count = 1
    return count > settings.POLLWATCH_BADGE_CHECKS_PER_MINUTE
