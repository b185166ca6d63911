"""The hash chain's links: an append-only table beside the audit trail.

The sealing step (``pollwatch.audit.chain``) appends one link per event; like
the events themselves, links refuse UPDATE (and DELETE on PostgreSQL) in the
database.
"""

import django.db.models.deletion
from django.db import migrations, models

SQLITE_FORWARD = [
    "CREATE TRIGGER audit_seal_no_update BEFORE UPDATE ON audit_auditseal "
    "BEGIN SELECT RAISE(ABORT, 'audit seals are append-only'); END;",
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS audit_seal_no_update;"]
POSTGRES_FORWARD = [
    "CREATE TRIGGER audit_seal_no_change BEFORE UPDATE OR DELETE ON audit_auditseal "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();",
]
POSTGRES_BACKWARD = ["DROP TRIGGER IF EXISTS audit_seal_no_change ON audit_auditseal;"]


def forward(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRES_FORWARD if postgres else SQLITE_FORWARD:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRES_BACKWARD if postgres else SQLITE_BACKWARD:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditSeal",
            fields=[
                ("position", models.PositiveBigIntegerField(primary_key=True, serialize=False)),
                ("content_sha256", models.CharField(max_length=64)),
                ("previous_sha256", models.CharField(max_length=64)),
                ("sha256", models.CharField(max_length=64)),
                ("sealed_at", models.DateTimeField()),
                (
                    "event",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="seal",
                        to="audit.auditevent",
                    ),
                ),
            ],
            options={
                "ordering": ["position"],
            },
        ),
        migrations.RunPython(forward, backward),
    ]
