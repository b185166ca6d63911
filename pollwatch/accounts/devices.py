"""Who is behind a device token, found with one plain query.

Every request from an observer's phone starts here, hundreds a second on
election day. The ORM spends longer composing this five-table join than the
database spends answering it, so the SQL is written out once. The user comes
back with their mission membership (mission and election included) already
attached, which is all that storing a submission reads.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from pollwatch.accounts.models import token_digest
from pollwatch.lib.plain_sql import fetch_rows, instance
from pollwatch.missions.models import Member, Mission
from pollwatch.registry.models import Election

USER_FIELDS = ("id", "username", "is_active")
MEMBER_FIELDS = ("id", "mission_id", "user_id", "team_id", "role", "full_name", "phone")
MISSION_FIELDS = ("id", "election_id", "slug", "name")
ELECTION_FIELDS = ("id", "slug", "date", "time_zone")


def device_user(token: str):
    """The active user holding this unrevoked token, with ``user.member`` loaded; else None."""
    user_model = get_user_model()
    parts = (
        ("u", user_model, USER_FIELDS),
        ("m", Member, MEMBER_FIELDS),
        ("mi", Mission, MISSION_FIELDS),
        ("e", Election, ELECTION_FIELDS),
    )
    columns = ", ".join(f"{alias}.{name}" for alias, _, names in parts for name in names)
    rows = fetch_rows(
        f"""
        SELECT {columns}
        FROM accounts_devicetoken t
        JOIN {user_model._meta.db_table} u ON u.id = t.user_id
        LEFT JOIN missions_member m ON m.user_id = u.id
        LEFT JOIN missions_mission mi ON mi.id = m.mission_id
        LEFT JOIN registry_election e ON e.id = mi.election_id
        WHERE t.digest = %s AND t.revoked_at IS NULL AND u.is_active
        """,
        [token_digest(token)],
        [(model, name) for _, model, names in parts for name in names],
    )
    if not rows:
        return None
    values = iter(rows[0])
    user, member, mission, election = ([next(values) for _ in names] for _, _, names in parts)
    return _user_with_member(user, member, mission, election)


def _user_with_member(user_values, member_values, mission_values, election_values):
    user_model = get_user_model()
    user = instance(user_model, USER_FIELDS, user_values)
    member = None
    if member_values[0] is not None:
        member = instance(Member, MEMBER_FIELDS, member_values)
        mission = instance(Mission, MISSION_FIELDS, mission_values)
        election = instance(Election, ELECTION_FIELDS, election_values)
        Mission.election.field.set_cached_value(mission, election)
        Member.mission.field.set_cached_value(member, mission)
        Member.user.field.set_cached_value(member, user)
    # Cached even when absent, so that asking for it later costs no query.
    user_model.member.related.set_cached_value(user, member)
    return user
