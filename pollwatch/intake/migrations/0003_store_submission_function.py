"""One PostgreSQL function that stores a validated submission in a single round trip.

On election day the intake stores hundreds of reports a second; each used to
take eight statements from the application. The function does the same work
as ``pollwatch.intake.services._store_statement_by_statement`` (which SQLite
still uses), in one transaction: lock the station so that concurrent reports
about it see each other, check that the station's figures the answers were
validated against are still its figures (the application remembers stations),
flag conflicting reports of other teams, insert the submission unless its key
is known (the unique constraint decides), its first revision, its audit entry,
mark the raw payload, and lock the form version at its first use.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION intake_store_submission(
    new_key uuid,
    new_channel text,
    new_form_version bigint,
    new_phase text,
    new_station bigint,
    checked_figures jsonb,
    new_mission bigint,
    new_team bigint,
    new_observer bigint,
    new_author bigint,
    new_device_time timestamptz,
    new_received_at timestamptz,
    new_answers jsonb,
    new_alerts jsonb,
    new_flags jsonb,
    new_payload bigint,
    audit_action text,
    audit_target_type text,
    audit_label text,
    audit_data jsonb
) RETURNS TABLE (
    stored_id bigint,
    stored_received_at timestamptz,
    stored_status text,
    stored_flags jsonb,
    stored_alerts jsonb,
    outcome text
)
LANGUAGE plpgsql
-- Every statement here finds its rows through an index. Its plans are cached for the
-- session; one made while the tables were empty (the morning of election day)
-- would otherwise scan them whole as they grow.
SET enable_seqscan = off
AS $$
DECLARE
    conflicting bigint[];
    new_id bigint;
    figures_current boolean;
BEGIN
    SELECT to_jsonb(station) @> checked_figures INTO figures_current
    FROM registry_pollingstation AS station WHERE station.id = new_station FOR UPDATE;
    IF figures_current IS NOT TRUE THEN
        RETURN QUERY SELECT NULL::bigint, NULL::timestamptz, NULL::text, NULL::jsonb,
                            NULL::jsonb, 'station_changed'::text;
        RETURN;
    END IF;
    -- Another team's report on the station and phase whose shared answers differ.
    SELECT array_agg(other.id) INTO conflicting
    FROM intake_submission AS other
    WHERE other.station_id = new_station
      AND other.phase = new_phase
      AND other.mission_id = new_mission
      AND other.status <> 'rejected'
      AND other.team_id IS DISTINCT FROM new_team
      AND EXISTS (
          SELECT 1
          FROM jsonb_each(other.answers) AS theirs
          JOIN jsonb_each(new_answers) AS ours ON ours.key = theirs.key
          WHERE ours.value <> theirs.value
      );
    IF conflicting IS NOT NULL AND NOT new_flags ? 'conflict' THEN
        new_flags := new_flags || '["conflict"]'::jsonb;
    END IF;

    INSERT INTO intake_submission (
        key, channel, form_version_id, phase, station_id, mission_id, team_id,
        observer_id, submitted_by_id, device_time, received_at, answers, alerts,
        flags, status, revision
    ) VALUES (
        new_key, new_channel, new_form_version, new_phase, new_station, new_mission,
        new_team, new_observer, new_author, new_device_time, new_received_at,
        new_answers, new_alerts, new_flags, 'received', 1
    )
    ON CONFLICT (key) DO NOTHING
    RETURNING id INTO new_id;

    IF new_id IS NULL THEN
        -- A concurrent send of the same key was stored first: answer with its receipt.
        UPDATE intake_rawpayload AS payload
        SET status = 'duplicate', submission_id = first.id
        FROM intake_submission AS first
        WHERE first.key = new_key AND payload.id = new_payload;
        RETURN QUERY
            SELECT first.id, first.received_at, first.status::text, first.flags,
                   first.alerts, 'duplicate'::text
            FROM intake_submission AS first WHERE first.key = new_key;
        RETURN;
    END IF;

    UPDATE intake_submission
    SET flags = flags || '["conflict"]'::jsonb
    WHERE id = ANY (conflicting) AND NOT flags ? 'conflict';
    INSERT INTO intake_submissionrevision (
        submission_id, number, answers, created_at, author_id, reason, payload_id
    ) VALUES (new_id, 1, new_answers, new_received_at, new_author, '', new_payload);
    INSERT INTO audit_auditevent (
        at, actor_id, action, target_type, target_id, target_label, data
    ) VALUES (
        new_received_at, new_author, audit_action, audit_target_type, new_id::text,
        audit_label, audit_data
    );
    UPDATE intake_rawpayload SET status = 'accepted', submission_id = new_id
    WHERE id = new_payload;
    UPDATE forms_formversion SET locked_at = new_received_at
    WHERE id = new_form_version AND locked_at IS NULL;

    RETURN QUERY SELECT new_id, new_received_at, 'received'::text, new_flags, new_alerts,
                        'stored'::text;
END
$$;
"""

DROP = "DROP FUNCTION IF EXISTS intake_store_submission"


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0002_field_channels"),
        ("audit", "0002_append_only"),
        ("forms", "0001_initial"),
        ("registry", "0001_initial"),
    ]
    operations = [migrations.RunPython(create_function, drop_function)]
