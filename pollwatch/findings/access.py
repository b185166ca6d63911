"""Who sees which findings.

The core team, analysts and administrators see the whole mission. A
coordinator sees the figures of their own areas only: every figure on their
pages is computed from the stations of those areas (and says so), because the
share for the country would otherwise be shown to someone who may not see the
reports behind it. Observers and outsiders see no findings.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from pollwatch.accounts.roles import Role, has_role
from pollwatch.accounts.scoping import coordinated_areas, member_of, sees_everything


def areas_for(user, mission, wanted=None) -> tuple:
    """The areas a user's figures are restricted to (empty: the whole mission).

    ``wanted`` is the area filter; a coordinator may narrow to one of their
    areas or below, never widen.
    """
    if sees_everything(user):
        return (wanted,) if wanted is not None else ()
    if has_role(user, Role.COORDINATOR):
        member = member_of(user)
        if member is None or member.mission_id != mission.pk:
            raise PermissionDenied
        own = coordinated_areas(user)
        if not own:
            raise PermissionDenied
        if wanted is not None and any(wanted.path.startswith(area.path) for area in own):
            return (wanted,)
        return tuple(own)
    raise PermissionDenied


def can_read_pvt(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR, Role.CORE_TEAM, Role.ANALYST)


def can_import_results(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR, Role.CORE_TEAM, Role.ANALYST)
