"""What views call before acting: 403 if the user lacks the permission or the membership."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from pollwatch.accounts.roles import membership


def require(user, permission: str, obj=None) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def own_membership(request):
    """The acting person's membership; pages that act within one's own mission need it."""
    member = membership(request.user)
    if member is None:
        raise PermissionDenied
    return member
