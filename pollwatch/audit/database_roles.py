"""The two PostgreSQL roles: an owner that migrates, and the application.

The application's role must not be able to rewrite history: it may read and
add audit events and chain links, but neither change nor remove them, nor
truncate their tables, nor disable or drop their triggers (only a table's owner
can alter it). After every ``migrate`` the owner grants the application role
full use of the other tables and only SELECT and INSERT on the audit tables.
See ``docs/security.md``, section "Audit trail".
"""

from __future__ import annotations

import logging
from typing import Any

import dj_database_url
from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger(__name__)

AUDIT_TABLES = ("audit_auditevent", "audit_auditseal")


def grant_application_role(sender: object = None, *, using: str = "default", **kwargs: Any) -> None:
    """``post_migrate`` receiver: give the application role its privileges, if one is named."""
    from django.db import connections

    role = settings.POLLWATCH_DB_APPLICATION_ROLE
    connection = connections[using]
    if not role or connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = cursor.fetchone()[0]
        for statement in grant_statements(quote(role), quote(schema)):
            cursor.execute(statement)
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tableowner = %s ORDER BY tablename",
            [role],
        )
        owned = [name for (name,) in cursor.fetchall()]
    if owned:
        # An owner can disable triggers and truncate whatever it was granted.
        logger.warning(
            "the application role %s owns %d table(s) (%s ...); give them to the owner role "
            "with REASSIGN OWNED (docs/security.md) or it can still rewrite the audit trail",
            role,
            len(owned),
            ", ".join(owned[:3]),
        )


def grant_statements(role: str, schema: str) -> list[str]:
    """The GRANT and REVOKE statements for the application role (both names quoted)."""
    audit = ", ".join(AUDIT_TABLES)
    return [
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {audit} FROM {role}",
    ]


def use_owner_role(connection: BaseDatabaseWrapper, owner_url: str) -> None:
    """Point ``connection`` at the owner role's URL for the rest of this process."""
    connection.close()
    owner = dj_database_url.parse(owner_url)
    for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS"):
        if key in owner:
            connection.settings_dict[key] = owner[key]
