"""Who is behind a device token, found with one plain query.

Every request from an observer's phone starts here, hundreds a second on
election day; see :mod:`pollwatch.missions.lookup` for why the SQL is written out.
"""

from __future__ import annotations

from django.contrib.auth.models import User

from pollwatch.accounts.models import token_digest
from pollwatch.missions.lookup import users_with_members


def device_user(token: str) -> User | None:
    """The active user holding this unrevoked token, with ``user.member`` loaded; else None."""
    found = users_with_members(
        "JOIN accounts_devicetoken t ON t.user_id = u.id"
        " WHERE t.digest = %s AND t.revoked_at IS NULL AND u.is_active",
        [token_digest(token)],
    )
    return found[0] if found else None
