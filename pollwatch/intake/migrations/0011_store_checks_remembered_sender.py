"""``intake_store_submissions`` checks a remembered sender in the storing transaction.

A phone's sender may be remembered by the process from an earlier lookup of its
device token (``pollwatch.missions.devices``). Such an item names the token's
digest as ``device``; it is stored only if that token is still unrevoked, its
login active, and its member the item's observer, in the item's mission and
team. Otherwise nothing of it is stored and its outcome is ``sender_changed``:
the request looks its sender up afresh and either is refused or sends again as
the sender is now. The function is that of migration 0008 with this check.
"""

import importlib

from django.db import migrations

_0008 = importlib.import_module("pollwatch.intake.migrations.0008_store_submissions_function")

SENDER_CHECK = """    -- Items sent by a remembered sender: stored only if the device token is still
    -- held by the same member, in the same mission and team.
    SELECT coalesce(array_agg(sent.place), '{}') INTO senders_changed
    FROM SENT
    WHERE sent.device IS NOT NULL AND NOT EXISTS (
        SELECT 1
        FROM accounts_devicetoken AS token
        JOIN auth_user AS login ON login.id = token.user_id
        JOIN missions_member AS member ON member.user_id = login.id
        WHERE token.digest = sent.device
          AND token.revoked_at IS NULL
          AND login.is_active
          AND member.id = sent.observer
          AND member.mission_id = sent.mission
          AND member.team_id IS NOT DISTINCT FROM sent.team
    );
    changed := changed || senders_changed;

"""


def _replaced_once(text: str, old: str, new: str) -> str:
    if text.count(old) != 1:
        raise ValueError(f"expected one {old!r} in the function of migration 0008")
    return text.replace(old, new)


# The items as the function reads them, each with the digest of its sender's token.
SENT = _0008.SENT.replace("audit_data jsonb\n)", "audit_data jsonb, device text\n)")


def _with_sender_check(create: str) -> str:
    text = create.replace(_0008.SENT, SENT)
    text = _replaced_once(text, "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
    text = _replaced_once(
        text, "    changed integer[];\n", "    changed integer[];\n    senders_changed integer[];\n"
    )
    text = _replaced_once(
        text,
        "    -- Each item's payload: stored before the call",
        SENDER_CHECK.replace("SENT", SENT)
        + "    -- Each item's payload: stored before the call",
    )
    return _replaced_once(
        text,
        "               WHEN sent.place = ANY (changed) THEN 'station_changed'",
        "               WHEN sent.place = ANY (senders_changed) THEN 'sender_changed'\n"
        "               WHEN sent.place = ANY (changed) THEN 'station_changed'",
    )


CREATE = _with_sender_check(_0008.CREATE)
RESTORE = _0008.CREATE.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def restore_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RESTORE)


class Migration(migrations.Migration):
    dependencies = [("intake", "0010_incident_triage"), ("accounts", "0002_devicetoken")]
    operations = [migrations.RunPython(create_function, restore_function)]
