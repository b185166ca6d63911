import pytest
from django.db import DatabaseError, connection, transaction

from pollwatch.audit.models import AuditEvent
from pollwatch.audit.services import log_action


def test_changes_to_audit_events_are_refused_by_the_model(db):
    event = log_action("test.thing", data={"a": 1})
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        event.save()


def test_raw_sql_update_is_refused_by_the_database(db):
    event = log_action("test.thing")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'forged' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "test.thing"


@pytest.mark.postgres_only
def test_raw_sql_delete_is_refused_on_postgresql(db):
    # SQLite keeps DELETE for whole-database flushes between tests; UPDATE is refused above.
    event = log_action("test.thing")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()
