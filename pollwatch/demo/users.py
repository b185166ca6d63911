"""Demo logins, one per role, with passwords generated on first use and kept locally."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User

from pollwatch.accounts.roles import Role, membership
from pollwatch.demo.briefing import complete_briefing
from pollwatch.missions.logins import MEMBER_ROLE_FOR, create_user
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
            user = create_user(username, password, role, member=_free_member(role, mission))
            _certify(user)
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
        known[username] = password
    # Nothing makes the data folder in advance (see pollwatch/settings.py).
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(known, indent=2))
    path.chmod(0o600)
    return known


def _certify(user: User) -> None:
    """Every demo login may hold a device token, which needs the briefing passed."""
    member = membership(user)
    if isinstance(member, Member):
        complete_briefing(member)


def _free_member(role: Role, mission: Mission) -> Member | None:
    """A member of the demo mission with this role and no login yet (a new one if none)."""
    if role is Role.ADMINISTRATOR:
        return None
    wanted = MEMBER_ROLE_FOR[role]
    member = mission.members.filter(role=wanted, user__isnull=True).order_by("id").first()
    return member or Member(mission=mission, full_name=f"Demo {role.value}", role=wanted)
