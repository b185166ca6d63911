"""On PostgreSQL the application's role can add to the audit trail but never rewrite it."""

import psycopg
import pytest
from django.db import connection

from pollwatch.lib.throwaway_postgres import APPLICATION_ROLE

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def as_application(db):
    """A connection to the test database as the application role, whose work is rolled back."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    params.update(user=APPLICATION_ROLE, autocommit=False)
    with psycopg.connect(**params) as application:
        # A statement that would wait for the test's own locks fails instead of hanging.
        application.execute("SET lock_timeout = '5s'")
        yield application
        application.rollback()


def _refused(application, statement: str, *, because: str) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match=because):
        application.execute(statement)
    application.rollback()


@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_change",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_event_no_change ON audit_auditevent",
        "ALTER TABLE audit_auditseal DISABLE TRIGGER audit_seal_no_change",
        "DROP TRIGGER audit_seal_no_change ON audit_auditseal",
        "DROP TABLE audit_auditseal",
    ],
)
def test_the_application_role_cannot_touch_the_audit_tables_triggers(as_application, statement):
    _refused(as_application, statement, because="must be owner")


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE audit_auditevent",
        "TRUNCATE audit_auditseal",
        "UPDATE audit_auditevent SET action = 'forged'",
        "DELETE FROM audit_auditevent",
        "UPDATE audit_auditseal SET sha256 = 'forged'",
        "DELETE FROM audit_auditseal",
        "SET session_replication_role = replica",
    ],
)
def test_the_application_role_cannot_change_or_empty_the_audit_trail(as_application, statement):
    _refused(as_application, statement, because="permission denied")


def test_the_application_role_adds_and_reads_audit_events_and_uses_other_tables(as_application):
    added = as_application.execute(
        "INSERT INTO audit_auditevent (at, action, target_type, target_id, target_label, data) "
        "VALUES (now(), 'test.by_application', '', '', '', '{}') RETURNING id"
    ).fetchone()[0]
    assert as_application.execute(
        "SELECT action FROM audit_auditevent WHERE id = %s", [added]
    ).fetchone() == ("test.by_application",)
    # The rest of the application's tables it uses fully.
    as_application.execute("UPDATE intake_rawpayload SET status = status WHERE false")
    as_application.execute("DELETE FROM django_session WHERE false")


@pytest.fixture
def fresh_database(db):
    """A new database owned by an owner role, as a deployer would create it."""
    admin = connection.get_connection_params()
    host = admin["host"]
    with psycopg.connect(host=host, user=admin["user"], dbname="postgres", autocommit=True) as su:
        su.execute("DROP DATABASE IF EXISTS deploy_check")
        su.execute("DROP ROLE IF EXISTS pollwatch_owner")
        su.execute("CREATE ROLE pollwatch_owner LOGIN")
        su.execute("CREATE DATABASE deploy_check OWNER pollwatch_owner")
        yield host
        su.execute("DROP DATABASE deploy_check WITH (FORCE)")
        su.execute("DROP OWNED BY pollwatch_owner")
        su.execute("DROP ROLE pollwatch_owner")


def test_a_deployer_migrates_as_the_owner_and_the_application_cannot_rewrite(fresh_database):
    import os
    import subprocess
    import sys

    def url(role: str) -> str:
        return f"postgres://{role}@/deploy_check?host={fresh_database}"

    environment = {
        **os.environ,
        "DATABASE_URL": url(APPLICATION_ROLE),
        "POLLWATCH_MIGRATE_DATABASE_URL": url("pollwatch_owner"),
    }
    environment.pop("POLLWATCH_DB_APPLICATION_ROLE", None)
    subprocess.run(
        [sys.executable, "-m", "pollwatch", "migrate", "--no-input", "--skip-checks"],
        env=environment,
        check=True,
        capture_output=True,
    )
    with psycopg.connect(url(APPLICATION_ROLE)) as application:
        owners = application.execute(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
        assert owners == [("pollwatch_owner",)]
        application.execute(
            "INSERT INTO audit_auditevent (at, action, target_type, target_id, target_label, "
            "data) VALUES (now(), 'test.deployed', '', '', '', '{}')"
        )
        _refused(application, "TRUNCATE audit_auditevent", because="permission denied")
        _refused(
            application,
            "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
            because="must be owner",
        )
