"""What views call to fetch a mission the user may act on: 404 if unseen, 403 if not allowed."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from pollwatch.accounts.guards import require
from pollwatch.missions.models import Mission


def mission_for(
    request: HttpRequest, slug: str, permission: str = "missions.view_mission"
) -> Mission:
    """The mission named by ``slug`` if the user is in it and holds ``permission`` there.

    Another mission is answered as if it did not exist.
    """
    mission = get_object_or_404(Mission.objects.visible_to(request.user), slug=slug)
    require(request.user, permission, mission)
    return mission
