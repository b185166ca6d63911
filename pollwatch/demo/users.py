"""Demo logins, one per role, and one for each citizen coalition member's coordinator;
passwords are generated on first use and kept locally."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User

from pollwatch.accounts.roles import Role, membership
from pollwatch.demo.briefing import complete_briefing
from pollwatch.demo.coalition import COALITION_MEMBERS
from pollwatch.demo.pvt import CORPS_SLUG
from pollwatch.missions.logins import MEMBER_ROLE_FOR, create_user
from pollwatch.missions.models import Member, Mission

DEMO_USERS = [
    ("admin", Role.ADMINISTRATOR),
    ("core", Role.CORE_TEAM),
    ("coordinator", Role.COORDINATOR),
    ("observer", Role.OBSERVER),
    ("analyst", Role.ANALYST),
]


def _coalition_logins() -> list[tuple[str, Member | None]]:
    """The coordinator each member of the citizen coalition sends, with their login's name."""
    coordinators = {
        member.email: member
        for member in Member.objects.filter(
            mission__slug=CORPS_SLUG,
            email__in=[each.coordinator_email for each in COALITION_MEMBERS],
        )
    }
    return [(each.login, coordinators.get(each.coordinator_email)) for each in COALITION_MEMBERS]


def logins_file() -> Path:
    return Path(settings.DATA_DIR) / "demo-logins.json"


def ensure_demo_users(mission: Mission) -> dict[str, str]:
    """Create the demo users if missing; return {username: password}."""
    path = logins_file()
    known = json.loads(path.read_text()) if path.exists() else {}
    for username, role in DEMO_USERS:
        known[username] = _ensure_login(username, role, _free_member(role, mission), known)
    for username, member in _coalition_logins():
        if member is not None:
            known[username] = _ensure_login(username, Role.COORDINATOR, member, known)
    # Nothing makes the data folder in advance (see pollwatch/settings.py).
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(known, indent=2))
    path.chmod(0o600)
    return known


def _ensure_login(username: str, role: Role, member: Member | None, known: dict[str, str]) -> str:
    """The login's password: the one kept, or a new one for a login made or found anew."""
    if User.objects.filter(username=username).exists() and username in known:
        return known[username]
    password = known.get(username) or f"{username}-{secrets.token_urlsafe(9)}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = create_user(username, password, role, member=member)
        _certify(user)
    else:
        user.set_password(password)
        user.save(update_fields=["password"])
    return password


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
