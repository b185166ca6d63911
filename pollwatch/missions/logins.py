"""Creating users: an administrator, or a person with a role in one mission."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from pollwatch.accounts.roles import ROLE_OF_MEMBER, Role
from pollwatch.audit.services import log_action
from pollwatch.missions.models import Member, Mission

MEMBER_ROLE_FOR = {
    Role.CORE_TEAM: "core_team",
    Role.COORDINATOR: "coordinator",
    Role.OBSERVER: "observer",
    Role.ANALYST: "analyst",
}


class AccountRefused(Exception):
    """A login that cannot be created as asked; the message says why."""


@transaction.atomic
def create_user(
    username: str,
    password: str,
    role: Role,
    *,
    actor: User | None = None,
    mission: Mission | None = None,
    member: Member | None = None,
    **fields: Any,
) -> User:
    """Create a login: an administrator, or a person holding ``role`` in ``mission``.

    Roles other than administrator exist only within a mission, so they need
    either ``mission`` (a new member is created) or ``member`` (an existing
    member of the mission gets the login).
    """
    is_admin = role is Role.ADMINISTRATOR
    if not is_admin and mission is None and member is None:
        raise AccountRefused(
            f"A {role.value} holds that role in one mission: name the mission or the member."
        )
    user = User.objects.create_user(
        username=username, password=password, is_staff=is_admin, is_superuser=is_admin, **fields
    )
    if not is_admin:
        _link_member(user, role, mission=mission, member=member)
    log_action("user.created", actor=actor, target=user, data={"role": role.value})
    return user


def _link_member(user: User, role: Role, *, mission: Mission | None, member: Member | None) -> None:
    if member is None:
        member = Member(mission=mission, full_name=user.get_full_name() or user.username)
    if ROLE_OF_MEMBER.get(member.role) is not role:
        member.role = MEMBER_ROLE_FOR[role]
    member.user = user
    member.save()
