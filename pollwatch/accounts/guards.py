"""What views call before acting on an object: 403 if the user lacks the permission."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


def require(user, permission: str, obj=None) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied
