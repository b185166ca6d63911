"""Who sees which findings.

The core team, analysts and administrators see the whole mission. A
coordinator sees the figures of their own areas only: every figure on their
pages is computed from the stations of those areas (and says so), because the
share for the country would otherwise be shown to someone who may not see the
reports behind it. Observers, other missions and outsiders see no findings.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from pollwatch.accounts.roles import AnyUser
from pollwatch.accounts.scoping import coordinated_areas, sees_everything
from pollwatch.missions.models import Mission
from pollwatch.registry.models import Area


def areas_for(user: AnyUser, mission: Mission, wanted: Area | None = None) -> tuple[Area, ...]:
    """The areas a user's figures are restricted to (empty: the whole mission).

    ``wanted`` is the area filter; a coordinator may narrow to one of their
    areas or below, never widen.
    """
    if not user.has_perm("findings.view_findings", mission):
        raise PermissionDenied
    if sees_everything(user):
        return (wanted,) if wanted is not None else ()
    own = coordinated_areas(user)
    if not own:
        raise PermissionDenied
    if wanted is not None and any(wanted.path.startswith(area.path) for area in own):
        return (wanted,)
    return tuple(own)


def can_read_pvt(user: AnyUser, mission: Mission) -> bool:
    return user.has_perm("findings.view_pvt", mission)


def can_import_results(user: AnyUser, mission: Mission) -> bool:
    """Official results and boundaries are the mission's data: the core team changes them."""
    return user.has_perm("findings.change_results", mission)
