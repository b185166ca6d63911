"""What views call before acting: 403 if the user lacks the permission or the membership."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest

from pollwatch.accounts.roles import AnyUser, Membership, membership


def require(user: AnyUser, permission: str, obj: Model | None = None) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def own_membership(request: HttpRequest) -> Membership:
    """The acting person's membership; pages that act within one's own mission need it."""
    member = membership(request.user)
    if member is None:
        raise PermissionDenied
    return member


def signed_in_user(request: HttpRequest) -> User:
    """The acting user, for pages and endpoints that ``require`` a permission (so a login) first."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
