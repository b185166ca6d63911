"""The roles of pollwatch users.

A role belongs to a membership of one mission (``Member.role``); only
administrators are global. A person with no membership, or whose membership
carries no role here (interpreters, drivers), may see nothing of any mission.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Protocol, TypeAlias

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ObjectDoesNotExist

AnyUser: TypeAlias = User | AnonymousUser
"""Whoever makes a request: a signed-in user or nobody."""


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    CORE_TEAM = "core team"
    COORDINATOR = "coordinator"
    OBSERVER = "observer"
    ANALYST = "analyst"


# Member.Role values and the role each gives in its mission.
ROLE_OF_MEMBER = {
    "head_of_mission": Role.CORE_TEAM,
    "core_team": Role.CORE_TEAM,
    "coordinator": Role.COORDINATOR,
    "observer": Role.OBSERVER,
    "analyst": Role.ANALYST,
}

MISSION_STAFF = (Role.CORE_TEAM, Role.COORDINATOR, Role.ANALYST)


class _HasPk(Protocol):
    @property
    def pk(self) -> Any: ...


# A mission given by its id or as the object itself.
MissionRef: TypeAlias = int | _HasPk | None


class Membership(_HasPk, Protocol):
    """What the role helpers read of a mission member: ``missions.Member``, of an app above."""

    @property
    def mission_id(self) -> int: ...

    @property
    def role(self) -> str: ...

    @property
    def team_id(self) -> int | None: ...

    @property
    def delegation_id(self) -> int | None: ...

    # Relations to models of registry and missions, apps above this one.
    @property
    def areas(self) -> Any: ...

    @property
    def team(self) -> Any: ...

    @property
    def mission(self) -> Any: ...


def is_active_user(user: AnyUser) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_administrator(user: AnyUser) -> bool:
    return is_active_user(user) and user.is_superuser


def membership(user: AnyUser) -> Membership | None:
    """The user's membership of a mission, or None (remembered on the user object)."""
    if isinstance(user, AnonymousUser) or not is_active_user(user):
        return None
    try:
        return user.member
    except ObjectDoesNotExist:
        return None


def own_mission_id(user: AnyUser) -> int | None:
    member = membership(user)
    return member.mission_id if member is not None else None


def mission_role(user: AnyUser) -> Role | None:
    """The role the user holds in their own mission; administrators hold theirs everywhere."""
    if is_administrator(user):
        return Role.ADMINISTRATOR
    member = membership(user)
    return ROLE_OF_MEMBER.get(member.role) if member is not None else None


def has_role(user: AnyUser, *roles: Role, mission: MissionRef = None) -> bool:
    """Whether the user holds one of ``roles``; in ``mission`` (an id or object) when given.

    Administrators hold every role in every mission.
    """
    if is_administrator(user):
        return True
    role = mission_role(user)
    if role is None or role not in roles:
        return False
    return mission is None or own_mission_id(user) == _id_of(mission)


def _id_of(mission: MissionRef) -> int | None:
    return mission if isinstance(mission, int) or mission is None else mission.pk
