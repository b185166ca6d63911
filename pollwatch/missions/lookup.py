"""Members found with one plain query, for the paths every observer's report takes.

A phone's token or an SMS sender's number leads to a member; storing the
report then reads the member's mission, election and login. The ORM spends
longer composing that join than the database spends answering it, so the SQL
is written out once here and the member comes back with all of it attached.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import models

from pollwatch.lib.plain_sql import fetch_rows, instance
from pollwatch.missions.models import Member, Mission
from pollwatch.registry.models import Election

USER_FIELDS = ("id", "username", "is_active")
MEMBER_FIELDS = (
    "id",
    "mission_id",
    "user_id",
    "team_id",
    "role",
    "full_name",
    "phone",
    "languages",
)
MISSION_FIELDS = ("id", "election_id", "slug", "name", "arrival")
ELECTION_FIELDS = ("id", "slug", "date", "time_zone")


def _parts() -> tuple[tuple[str, type[models.Model], tuple[str, ...]], ...]:
    return (
        ("u", get_user_model(), USER_FIELDS),
        ("m", Member, MEMBER_FIELDS),
        ("mi", Mission, MISSION_FIELDS),
        ("e", Election, ELECTION_FIELDS),
    )


def users_with_members(joins_and_conditions: str, params: Sequence[Any]) -> list[User]:
    """Users, each with ``user.member`` (mission and election attached) or None cached.

    ``joins_and_conditions`` continues ``FROM <user table> u LEFT JOIN missions_member
    m ... LEFT JOIN missions_mission mi ... LEFT JOIN registry_election e ...``.
    """
    rows = _rows(
        f"{get_user_model()._meta.db_table} u"
        " LEFT JOIN missions_member m ON m.user_id = u.id"
        " LEFT JOIN missions_mission mi ON mi.id = m.mission_id"
        " LEFT JOIN registry_election e ON e.id = mi.election_id " + joins_and_conditions,
        params,
    )
    return [_user_with_member(row) for row in rows]


# An SQL expression and the field its value is read as (None: as the database gives it).
Column = tuple[str, tuple[type[models.Model], str] | None]


def members_with_missions_and(
    more: Sequence[Column], conditions: str, params: Sequence[Any]
) -> list[tuple[Member, list[Any]]]:
    """Members matching ``conditions`` (login, mission, election attached), with ``more``.

    Each member comes with the values of ``more``: SQL expressions, each with the
    field it is read as (or None), whose parameters come first in ``params``. Not
    prepared: the expressions may read tables that grow during the day.
    """
    parts = _parts()
    member_columns = [f"{alias}.{name}" for alias, _, names in parts for name in names]
    rows = fetch_rows(
        f"SELECT {', '.join([*member_columns, *(sql for sql, _ in more)])}"
        " FROM missions_member m"
        " JOIN missions_mission mi ON mi.id = m.mission_id"
        " JOIN registry_election e ON e.id = mi.election_id"
        f" LEFT JOIN {get_user_model()._meta.db_table} u ON u.id = m.user_id {conditions}",
        params,
        [*((model, name) for _, model, names in parts for name in names), *(c for _, c in more)],
    )
    width = len(member_columns)
    return [(_member(*_split(row[:width])), row[width:]) for row in rows]


def _rows(tables_and_conditions: str, params: Sequence[Any]) -> list[list[Any]]:
    parts = _parts()
    return fetch_rows(
        "SELECT "
        + ", ".join(f"{alias}.{name}" for alias, _, names in parts for name in names)
        + " FROM "
        + tables_and_conditions,
        params,
        [(model, name) for _, model, names in parts for name in names],
        prepared=True,  # accounts and members do not grow on election day
    )


def _split(row: list[Any]) -> list[list[Any]]:
    values = iter(row)
    return [[next(values) for _ in names] for _, _, names in _parts()]


def _user_with_member(row: list[Any]) -> User:
    user_values, member_values, mission_values, election_values = _split(row)
    user_model = get_user_model()
    user = instance(user_model, USER_FIELDS, user_values)
    member = None
    if member_values[0] is not None:
        member = _member(user_values, member_values, mission_values, election_values, user=user)
    # Cached even when absent, so that asking for it later costs no query.
    user_model.member.related.set_cached_value(user, member)
    return user


def _member(
    user_values: list[Any],
    member_values: list[Any],
    mission_values: list[Any],
    election_values: list[Any],
    *,
    user: User | None = None,
) -> Member:
    member = instance(Member, MEMBER_FIELDS, member_values)
    mission = instance(Mission, MISSION_FIELDS, mission_values)
    election = instance(Election, ELECTION_FIELDS, election_values)
    Mission.election.field.set_cached_value(mission, election)
    Member.mission.field.set_cached_value(member, mission)
    if user is None and user_values[0] is not None:
        user = instance(get_user_model(), USER_FIELDS, user_values)
        get_user_model().member.related.set_cached_value(user, member)
    Member.user.field.set_cached_value(member, user)
    return member
