"""The roles of pollwatch users, held as Django groups."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    CORE_TEAM = "core team"
    COORDINATOR = "coordinator"
    OBSERVER = "observer"
    ANALYST = "analyst"


def has_role(user, *roles: Role) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    names = _group_names(user)
    return any(role.value in names for role in roles)


def _group_names(user) -> set[str]:
    cached = getattr(user, "_pollwatch_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._pollwatch_groups = cached
    return cached
