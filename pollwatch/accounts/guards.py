"""What views call to fetch an object the user may act on: 404 if unseen, 403 if not allowed."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from pollwatch.accounts.scoping import visible_missions


def require(user, permission: str, obj=None) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def mission_for(request, slug: str, permission: str = "missions.view_mission"):
    """The mission named by ``slug`` if the user is in it and holds ``permission`` there.

    Another mission is answered as if it did not exist.
    """
    mission = get_object_or_404(visible_missions(request.user), slug=slug)
    require(request.user, permission, mission)
    return mission
