"""Pytest plugin: run the database tests on a throwaway PostgreSQL cluster.

``POLLWATCH_TEST_DB=postgres`` starts a cluster before Django reads its
settings and keeps only the tests that touch the database. Under ``CI`` a test
that needs PostgreSQL or a browser fails instead of skipping.
"""

from __future__ import annotations

import os

import pytest

from pollwatch.lib.throwaway_postgres import (
    APPLICATION_ROLE,
    PostgresUnavailable,
    start_throwaway_postgres,
)

_cluster = None

# Background tasks run inside the request during tests, unless a test asks for the queue.
os.environ.setdefault("POLLWATCH_TASKS", "immediate")


def on_postgres() -> bool:
    return os.environ.get("POLLWATCH_TEST_DB", "sqlite") == "postgres"


def running_in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def skip_or_fail(reason: str) -> None:
    """Skip locally; in CI a missing real component is a failure, never a skip."""
    if running_in_ci():
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    global _cluster
    if not on_postgres() or os.environ.get("DATABASE_URL"):
        return
    try:
        _cluster = start_throwaway_postgres()
    except PostgresUnavailable as missing:
        if running_in_ci():
            raise
        os.environ["POLLWATCH_TEST_DB_UNAVAILABLE"] = str(missing)
        return
    os.environ["DATABASE_URL"] = _cluster.url
    # The tests migrate as the owner; migrate then grants the application role its share.
    os.environ["POLLWATCH_DB_APPLICATION_ROLE"] = APPLICATION_ROLE


def pytest_unconfigure(config):
    if _cluster is not None:
        _cluster.stop()


def _uses_database(item: pytest.Item) -> bool:
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(item.get_closest_marker("django_db")) or bool(
        fixtures & {"db", "transactional_db", "django_db_setup", "live_server"}
    )


def pytest_collection_modifyitems(config, items):
    keep, drop = [], []
    for item in items:
        if on_postgres():
            wanted = _uses_database(item) and not item.get_closest_marker("browser")
        else:
            wanted = not item.get_closest_marker("postgres_only")
        (keep if wanted else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
    unavailable = os.environ.get("POLLWATCH_TEST_DB_UNAVAILABLE")
    if on_postgres() and unavailable:
        for item in items:
            item.add_marker(pytest.mark.skip(reason=unavailable))


def pytest_report_header(config):
    return f"database: {'postgresql (throwaway cluster)' if on_postgres() else 'sqlite'}"
