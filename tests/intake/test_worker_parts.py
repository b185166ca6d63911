"""The resilient worker's parts: its backoff, and queueing again what a lost database cut off."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from pollwatch.intake.management.commands.db_worker import Backoff, ResilientWorker
from tests.intake.worker_tasks import leave_mark


def test_backoff_doubles_up_to_its_limit_and_starts_again_after_a_healthy_spell(monkeypatch):
    slept = []
    monkeypatch.setattr("time.sleep", slept.append)
    backoff = Backoff(first=0.5, limit=4)
    for _ in range(6):
        backoff.wait()
    assert slept == [0.5, 1, 2, 4, 4, 4]
    backoff.reset_after(healthy_seconds=2)
    assert backoff.delay == 4
    backoff.reset_after(healthy_seconds=10)
    assert backoff.delay == 0.5


def _worker(worker_id: str) -> ResilientWorker:
    return ResilientWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


@pytest.fixture
def queued(db, tmp_path):
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        yield [leave_mark.enqueue(str(tmp_path), f"mark-{i}") for i in range(2)]


def test_only_the_tasks_this_worker_was_running_are_queued_again(queued):
    mine, other = (DBTaskResult.objects.get(pk=task.id) for task in queued)
    mine.claim("worker-a")
    other.claim("worker-b")
    _worker("worker-a")._queue_own_cut_off_tasks()
    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.status, other.status) == (TaskResultStatus.READY, TaskResultStatus.RUNNING)
