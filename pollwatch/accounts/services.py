"""Creating users and their role groups."""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.db import transaction

from pollwatch.accounts.roles import Role
from pollwatch.audit.services import log_action


def ensure_role_groups() -> dict[Role, Group]:
    return {role: Group.objects.get_or_create(name=role.value)[0] for role in Role}


@transaction.atomic
def create_user(username: str, password: str, role: Role, *, actor=None, **fields) -> User:
    """Create a login with one role; administrators also get the Django admin."""
    is_admin = role is Role.ADMINISTRATOR
    user = User.objects.create_user(
        username=username, password=password, is_staff=is_admin, is_superuser=is_admin, **fields
    )
    user.groups.add(ensure_role_groups()[role])
    log_action("user.created", actor=actor, target=user, data={"role": role.value})
    return user
