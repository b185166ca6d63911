"""One database path for one submission and for many: ``intake_store_submissions``.

A batch used to be stored by its own code, with its own conflict rule and one
audit entry for the whole batch. Now every channel hands its validated
submissions, one or several, to this function, which stores each through
``intake_store_submission`` (migration intake 0003), in the order they were
sent: the same station lock and figure check, conflict rule, revision, audit
entry, payload mark and form-version lock for every submission, in one round trip.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION intake_store_submissions(items jsonb)
RETURNS TABLE (
    item integer,
    stored_id bigint,
    stored_received_at timestamptz,
    stored_status text,
    stored_flags jsonb,
    stored_alerts jsonb,
    outcome text
)
LANGUAGE plpgsql
-- As in intake_store_submission: its cached plans must find rows through indexes.
SET enable_seqscan = off
AS $$
DECLARE
    place integer;
    sent record;
BEGIN
    -- Every station the call names is locked first, in one order, so that two
    -- batches naming the same stations wait for each other instead of deadlocking.
    PERFORM 1 FROM registry_pollingstation
    WHERE id IN (SELECT (element ->> 'station')::bigint FROM jsonb_array_elements(items) AS element)
    ORDER BY id
    FOR UPDATE;
    -- In the order sent, so that the first of two sends of one key is the one stored.
    FOR place IN 0 .. jsonb_array_length(items) - 1 LOOP
        SELECT * INTO sent FROM jsonb_to_record(items -> place) AS given (
            key uuid, channel text, form_version bigint, phase text, station bigint,
            checked_figures jsonb, mission bigint, team bigint, observer bigint,
            author bigint, device_time timestamptz, received_at timestamptz,
            answers jsonb, alerts jsonb, flags jsonb, payload bigint,
            audit_action text, audit_target_type text, audit_label text, audit_data jsonb
        );
        RETURN QUERY SELECT place, stored.*
        FROM intake_store_submission(
            sent.key, sent.channel, sent.form_version, sent.phase, sent.station,
            sent.checked_figures, sent.mission, sent.team, sent.observer, sent.author,
            sent.device_time, sent.received_at, sent.answers, sent.alerts, sent.flags,
            sent.payload, sent.audit_action, sent.audit_target_type, sent.audit_label,
            sent.audit_data
        ) AS stored;
    END LOOP;
END
$$;
"""

DROP = "DROP FUNCTION IF EXISTS intake_store_submissions"


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("intake", "0007_console_channel")]
    operations = [migrations.RunPython(create_function, drop_function)]
