"""Demo logins, one per role, with passwords generated on first use and kept locally."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User

from pollwatch.accounts.roles import Role
from pollwatch.accounts.services import create_user
from pollwatch.missions.models import Member, Mission

DEMO_USERS = [
    ("admin", Role.ADMINISTRATOR),
    ("core", Role.CORE_TEAM),
    ("coordinator", Role.COORDINATOR),
    ("observer", Role.OBSERVER),
    ("analyst", Role.ANALYST),
]


def logins_file() -> Path:
    return Path(settings.DATA_DIR) / "demo-logins.json"


def ensure_demo_users(mission: Mission) -> dict[str, str]:
    """Create the demo users if missing; return {username: password}."""
    path = logins_file()
    known = json.loads(path.read_text()) if path.exists() else {}
    for username, role in DEMO_USERS:
        if User.objects.filter(username=username).exists() and username in known:
            continue
        password = known.get(username) or f"{username}-{secrets.token_urlsafe(9)}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = create_user(username, password, role)
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
        known[username] = password
        _link_member(user, role, mission)
    path.write_text(json.dumps(known, indent=2))
    path.chmod(0o600)
    return known


def _link_member(user, role: Role, mission: Mission) -> None:
    wanted = {
        Role.COORDINATOR: Member.Role.COORDINATOR,
        Role.OBSERVER: Member.Role.OBSERVER,
        Role.CORE_TEAM: Member.Role.CORE_TEAM,
    }.get(role)
    if wanted is None:
        return
    member = mission.members.filter(role=wanted, user__isnull=True).order_by("id").first()
    if member is not None:
        member.user = user
        member.save(update_fields=["user"])
