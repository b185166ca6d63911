"""The plain-SQL helpers give what the ORM gives, on SQLite and on PostgreSQL."""

import datetime
import json
import uuid

from django.utils import timezone

from pollwatch.intake.models import Channel, RawPayload, Submission
from pollwatch.intake.services import receive_submission, store_raw_payload
from pollwatch.lib.plain_sql import (
    db_value,
    fetch_rows,
    insert_instances,
    insert_one,
    instance,
)
from pollwatch.registry.models import Election, PollingStation
from tests.builders import answers


def test_rows_are_converted_as_the_orm_converts_them(election):
    rows = fetch_rows(
        "SELECT id, date, slug FROM registry_election WHERE id = %s",
        [election.pk],
        [(Election, "id"), (Election, "date"), (Election, "slug")],
    )
    assert rows == [[election.pk, datetime.date(2026, 5, 1), "testland-2026"]]


def test_a_column_without_a_field_comes_as_the_database_gives_it(election):
    assert fetch_rows("SELECT 41 + 1", [], [None]) == [[42]]


def test_an_instance_takes_values_in_any_order_and_loads_the_rest_when_asked(election):
    station = PollingStation.objects.get(code="002")
    built = instance(PollingStation, ("registered_voters", "code", "id"), (800, "002", station.pk))
    assert (built.pk, built.code, built.registered_voters) == (station.pk, "002", 800)
    assert built.get_deferred_fields() >= {"name", "area_id"}
    assert built.name == "School Two"


def test_one_insert_gives_the_id_and_the_time_a_save_would(administrator):
    before = timezone.now()
    payload = RawPayload(channel=Channel.API, body="{}", user=administrator)
    insert_one(payload)
    stored = RawPayload.objects.get(pk=payload.pk)
    assert stored.body == "{}" and stored.user == administrator
    assert stored.received_at >= before and stored.status == RawPayload.Status.STORED
    assert not payload._state.adding


def test_many_inserts_give_each_instance_its_own_row(administrator):
    payloads = [
        RawPayload(channel=Channel.API, body=f'{{"n": {n}}}', claimed_key=str(n)) for n in range(3)
    ]
    insert_instances(payloads)
    stored = {p.pk: (p.body, p.claimed_key) for p in RawPayload.objects.all()}
    assert stored == {p.pk: (p.body, p.claimed_key) for p in payloads}
    assert len(stored) == 3


def test_values_are_passed_as_the_column_stores_them(checklist, observer_north):
    # SQLite keeps a UUID as 32 hex digits, PostgreSQL as a uuid.
    data = {
        "key": str(uuid.uuid4()),
        "form": "station_check",
        "version": checklist.version,
        "station": "001",
        "answers": answers(),
    }
    payload = store_raw_payload(json.dumps(data), channel=Channel.API, user=observer_north)
    receipt = receive_submission(data, payload, user=observer_north)
    found = fetch_rows(
        "SELECT id FROM intake_submission WHERE key = %s",
        [db_value(Submission, "key", uuid.UUID(data["key"]))],
        [(Submission, "id")],
    )
    assert found == [[receipt.submission_id]]
