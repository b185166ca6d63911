"""One database path for one submission and for many: ``intake_store_submissions``.

A batch used to be stored by its own code, with its own conflict rule and one
audit entry for the whole batch; single sends went through the function of
migration 0003. Now every channel hands its validated submissions, one or
several, to this function, which replaces that one. In one round trip and one
transaction it locks the stations named (in id order, so that concurrent calls
never deadlock), leaves out the items validated against figures their station
no longer has, and stores the others in the order sent, set-wise: each
submission (the unique key decides between concurrent sends and between two
sends of a key in one call: the first is stored), flagged when another team's
report on its station and phase differs in a shared answer, the stored reports
it conflicts with flagged too, its first revision, its own audit entry, its
payload marked, and the form version locked at its first use.
"""

import importlib

from django.db import migrations

SENT = """jsonb_to_recordset(items) AS sent (
    place integer, key uuid, channel text, form_version bigint, phase text, station bigint,
    checked_figures jsonb, mission bigint, team bigint, observer bigint, author bigint,
    device_time timestamptz, received_at timestamptz, answers jsonb, alerts jsonb, flags jsonb,
    payload bigint, payload_received_at timestamptz, payload_channel text,
    payload_claimed_key text, payload_sender text, payload_user bigint,
    payload_content_type text, payload_body text, instance_scope text, instance_id text,
    instance_sha256 text, audit_action text, audit_target_type text, audit_label text,
    audit_data jsonb
)"""

# Another team's reports, not rejected, on the station and phase of ``sent`` within its
# mission, whose shared answers differ. One range of teams per branch, so that each is
# a range of the index on (station, phase, team): the sender's own team's reports are
# never read, however many there are.
OTHER_TEAMS = (
    # Compared as rows, which only that index can serve, so no other index is chosen.
    "(other.station_id, other.phase, other.team_id) < (sent.station, sent.phase, sent.team)",
    "(other.station_id, other.phase, other.team_id) > (sent.station, sent.phase, sent.team)",
    "sent.team IS NOT NULL AND other.team_id IS NULL",
    "sent.team IS NULL AND other.team_id IS NOT NULL",
)
CONFLICTING = "\n    UNION ALL\n".join(
    f"""
    SELECT other.id FROM intake_submission AS other
    WHERE other.station_id = sent.station
      AND other.phase = sent.phase
      AND {teams}
      AND other.mission_id = sent.mission
      AND other.status <> 'rejected'
      -- Equal answers never conflict; the usual case is decided without taking them apart.
      AND other.answers <> sent.answers
      AND EXISTS (
          SELECT 1
          FROM jsonb_each(other.answers) AS theirs
          JOIN jsonb_each(sent.answers) AS ours ON ours.key = theirs.key
          WHERE ours.value <> theirs.value
      )"""
    for teams in OTHER_TEAMS
)

CREATE = f"""
CREATE FUNCTION intake_store_submissions(items jsonb)
RETURNS TABLE (
    item integer,
    stored_id bigint,
    stored_received_at timestamptz,
    stored_status text,
    stored_flags jsonb,
    stored_alerts jsonb,
    outcome text,
    stored_payload bigint,
    stored_instance_sha256 text
)
LANGUAGE plpgsql
-- Every statement here finds its rows through an index. Its plans are cached for the
-- session; one made while the tables were empty (the morning of election day)
-- would otherwise scan them whole as they grow.
SET enable_seqscan = off
-- ... and a plan made once is the right one: re-planning at every call cost more than the
-- statements themselves.
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
DECLARE
    payload_ids bigint[];
    changed integer[];
    made_places integer[];
    made_ids bigint[];
    made_payloads bigint[];
    conflicting_places integer[];
    conflicting bigint[];
    resent_payloads bigint[];
    resent_keys uuid[];
BEGIN
    -- Every station named is locked, in one order, so that concurrent calls naming the
    -- same stations wait for each other instead of deadlocking.
    PERFORM 1 FROM registry_pollingstation
    WHERE id = ANY (ARRAY(
        SELECT (element ->> 'station')::bigint FROM jsonb_array_elements(items) AS element
    ))
    ORDER BY id
    FOR UPDATE;

    -- Items validated against figures their station no longer has (or a station gone).
    -- Each station looked up by its id, whatever the planner guesses of the items.
    SELECT coalesce(array_agg(sent.place), '{{}}') INTO changed
    FROM {SENT}
    LEFT JOIN LATERAL (
        SELECT to_jsonb(station_now) @> sent.checked_figures AS current
        FROM registry_pollingstation AS station_now
        WHERE station_now.id = sent.station
        LIMIT 1
    ) AS checked ON true
    WHERE checked.current IS NOT TRUE;

    -- Each item's payload: stored before the call, or stored now under a new id.
    payload_ids := ARRAY(
        SELECT CASE
            WHEN sent.place = ANY (changed) THEN NULL
            ELSE coalesce(
                sent.payload,
                nextval(pg_get_serial_sequence('intake_rawpayload', 'id')::regclass)
            )
        END
        FROM {SENT}
        ORDER BY sent.place
    );

    WITH made AS (
        INSERT INTO intake_submission (
            key, channel, form_version_id, phase, station_id, mission_id, team_id,
            observer_id, submitted_by_id, device_time, received_at, answers, alerts,
            flags, status, revision
        )
        SELECT
            sent.key, sent.channel, sent.form_version, sent.phase, sent.station, sent.mission,
            sent.team, sent.observer, sent.author, sent.device_time, sent.received_at,
            sent.answers, sent.alerts,
            CASE
                WHEN NOT sent.flags ? 'conflict'
                     AND EXISTS ({CONFLICTING})
                THEN sent.flags || '["conflict"]'::jsonb
                ELSE sent.flags
            END,
            'received', 1
        FROM {SENT}
        WHERE sent.place <> ALL (changed)
        ORDER BY sent.place
        ON CONFLICT (key) DO NOTHING
        RETURNING id, key, flags ? 'conflict' AS conflicts
    ),
    first_of_key AS (
        SELECT DISTINCT ON (sent.key) sent.key, sent.place
        FROM {SENT}
        WHERE sent.place <> ALL (changed)
        ORDER BY sent.key, sent.place
    )
    SELECT coalesce(array_agg(first_of_key.place ORDER BY first_of_key.place), '{{}}'),
           coalesce(array_agg(made.id ORDER BY first_of_key.place), '{{}}'),
           coalesce(
               array_agg(payload_ids[first_of_key.place + 1] ORDER BY first_of_key.place),
               '{{}}'
           ),
           coalesce(array_agg(first_of_key.place) FILTER (WHERE made.conflicts), '{{}}')
    INTO made_places, made_ids, made_payloads, conflicting_places
    FROM made JOIN first_of_key ON first_of_key.key = made.key;

    -- Each new submission's first revision, audit entry and OpenRosa instance; the
    -- payloads not stored yet, accepted or resent; those stored before, accepted.
    WITH made AS (
        SELECT made.id, sent.*
        FROM unnest(made_places, made_ids) AS made (place, id)
        JOIN {SENT} ON sent.place = made.place
    ),
    payloads AS (
        INSERT INTO intake_rawpayload (
            id, received_at, channel, claimed_key, sender, user_id, content_type, body,
            status, problems, submission_id
        )
        SELECT payload_ids[sent.place + 1], sent.payload_received_at, sent.payload_channel,
               sent.payload_claimed_key, sent.payload_sender, sent.payload_user,
               sent.payload_content_type, sent.payload_body,
               CASE WHEN made.id IS NULL THEN 'duplicate' ELSE 'accepted' END, '[]'::jsonb,
               made.id
        FROM {SENT}
        LEFT JOIN made ON made.place = sent.place
        WHERE sent.payload IS NULL AND sent.place <> ALL (changed)
        ORDER BY sent.place
    ),
    revisions AS (
        INSERT INTO intake_submissionrevision (
            submission_id, number, answers, created_at, author_id, reason, payload_id
        )
        SELECT made.id, 1, made.answers, made.received_at, made.author, '',
               payload_ids[made.place + 1]
        FROM made ORDER BY made.place
    ),
    audit AS (
        INSERT INTO audit_auditevent (
            at, actor_id, action, target_type, target_id, target_label, data
        )
        SELECT made.received_at, made.author, made.audit_action, made.audit_target_type,
               made.id::text, made.audit_label, made.audit_data
        FROM made ORDER BY made.place
    ),
    instances AS (
        INSERT INTO intake_openrosainstance (
            scope, instance_id, sha256, submission_id, received_at
        )
        SELECT made.instance_scope, made.instance_id, made.instance_sha256, made.id,
               made.received_at
        FROM made
        WHERE made.instance_id IS NOT NULL
        ORDER BY made.place
    )
    UPDATE intake_rawpayload AS payload
    SET status = 'accepted', submission_id = made.id
    FROM unnest(made_payloads, made_ids) AS made (payload, id)
    WHERE payload.id = made.payload AND payload.id = ANY (made_payloads);

    -- The stored reports the new ones conflict with, each found from its new report
    -- (conflicts go both ways: only a new report flagged has any).
    IF cardinality(conflicting_places) > 0 THEN
        SELECT array_agg(DISTINCT conflict.id) INTO conflicting
        FROM unnest(conflicting_places) AS made (place)
        JOIN {SENT} ON sent.place = made.place
        CROSS JOIN LATERAL ({CONFLICTING}
        ) AS conflict
        WHERE conflict.id <> ALL (made_ids);
        UPDATE intake_submission
        SET flags = flags || '["conflict"]'::jsonb
        WHERE id = ANY (conflicting) AND NOT flags ? 'conflict';
    END IF;

    -- Resends, concurrent or earlier in the call: the payload points at the first.
    IF cardinality(changed) + cardinality(made_places) < jsonb_array_length(items) THEN
        SELECT array_agg(payload_ids[sent.place + 1]), array_agg(sent.key)
        INTO resent_payloads, resent_keys
        FROM {SENT}
        WHERE sent.place <> ALL (changed) AND sent.place <> ALL (made_places);
        UPDATE intake_rawpayload AS payload
        SET status = 'duplicate', submission_id = first.id
        FROM unnest(resent_payloads, resent_keys) AS resent (payload, key)
        JOIN intake_submission AS first ON first.key = resent.key
        WHERE payload.id = resent.payload AND payload.id = ANY (resent_payloads);
    END IF;

    UPDATE forms_formversion AS version
    SET locked_at = first_use.at
    FROM (
        SELECT sent.form_version, min(sent.received_at) AS at
        FROM unnest(made_places) AS made (place)
        JOIN {SENT} ON sent.place = made.place
        GROUP BY sent.form_version
    ) AS first_use
    WHERE version.id = first_use.form_version AND version.locked_at IS NULL;

    RETURN QUERY
    SELECT sent.place, stored.id, stored.received_at, stored.status::text, stored.flags,
           stored.alerts,
           CASE
               WHEN sent.place = ANY (changed) THEN 'station_changed'
               WHEN sent.place = ANY (made_places) THEN 'stored'
               ELSE 'duplicate'
           END,
           payload_ids[sent.place + 1],
           CASE WHEN sent.instance_id IS NOT NULL THEN (
               SELECT instance.sha256::text FROM intake_openrosainstance AS instance
               WHERE instance.scope = sent.instance_scope
                 AND instance.instance_id = sent.instance_id
               LIMIT 1
           ) END
    FROM {SENT}
    -- Each item's receipt looked up by its key, whatever the planner guesses of the items.
    LEFT JOIN LATERAL (
        SELECT * FROM intake_submission AS first
        WHERE first.key = sent.key AND sent.place <> ALL (changed)
        LIMIT 1  -- the key is unique; the limit also keeps the planner from a hash join
    ) AS stored ON true
    ORDER BY sent.place;
END
$$;
"""

DROP = "DROP FUNCTION IF EXISTS intake_store_submissions(jsonb)"
DROP_SINGLE = "DROP FUNCTION IF EXISTS intake_store_submission"


def _single_function() -> str:
    return importlib.import_module(
        "pollwatch.intake.migrations.0003_store_submission_function"
    ).CREATE


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)
        schema_editor.execute(DROP_SINGLE)


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)
        schema_editor.execute(_single_function())


class Migration(migrations.Migration):
    dependencies = [("intake", "0007_console_channel")]
    operations = [migrations.RunPython(create_function, drop_function)]
