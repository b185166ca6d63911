"""``pollwatch db_worker``: django-tasks-db's worker, made to outlive the database going away.

The library's worker stops at the first ``OperationalError``, so a database
restart stopped all background work until someone noticed. This one logs the
error, drops its connections, waits (doubling the wait up to
``POLLWATCH_WORKER_MAX_BACKOFF_SECONDS``) and carries on; a task that the lost
connection cut off is queued again, since nothing else will run it. Beside the
queue it finishes intake payloads left ``stored`` by a killed web worker
(:mod:`pollwatch.intake.recovery`), every ``POLLWATCH_INTAKE_RECOVERY_SECONDS``.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections
from django.db.utils import InterfaceError, OperationalError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands import db_worker as library
from django_tasks_db.models import DBTaskResult

from pollwatch.intake.recovery import recover_stored_payloads

logger = logging.getLogger("pollwatch.worker")

FIRST_BACKOFF_SECONDS = 0.5
CONNECTION_LOST = (OperationalError, InterfaceError)
_LOST_PATHS = {f"{kind.__module__}.{kind.__qualname__}" for kind in CONNECTION_LOST}


def max_backoff() -> float:
    return float(getattr(settings, "POLLWATCH_WORKER_MAX_BACKOFF_SECONDS", 30))


def drop_connections() -> None:
    """Close every connection, broken ones included, so the next query opens a fresh one."""
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except DatabaseError:
            connection.connection = None


class Backoff:
    """Waits that double after each failure, reset once work goes well for a while."""

    def __init__(self, first: float = FIRST_BACKOFF_SECONDS, limit: float | None = None):
        self.first = first
        self.limit = max_backoff() if limit is None else limit
        self.delay = first

    def wait(self) -> float:
        waited = self.delay
        time.sleep(waited)
        self.delay = min(self.delay * 2, self.limit)
        return waited

    def reset_after(self, healthy_seconds: float) -> None:
        if healthy_seconds > self.limit:
            self.delay = self.first


class ResilientWorker(library.Worker):
    def run(self) -> None:
        backoff = Backoff()
        while self.running:
            started = time.monotonic()
            try:
                super().run()
                return  # the library's own end: --batch, --max-tasks
            except CONNECTION_LOST as error:
                backoff.reset_after(time.monotonic() - started)
                logger.warning(
                    "worker %s lost the database (%s); trying again in %.1f s",
                    self.worker_id,
                    str(error).strip().splitlines()[0] if str(error).strip() else error,
                    backoff.delay,
                )
                drop_connections()
                backoff.wait()
                self.startup_delay = False
                self._queue_own_cut_off_tasks()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        super().run_task(db_task_result)
        if (
            db_task_result.status == TaskResultStatus.FAILED
            and db_task_result.exception_class_path in _LOST_PATHS
        ):
            # The task failed only because the database went away: run it again.
            logger.warning("task %s lost the database; queued again", db_task_result.pk)
            DBTaskResult.objects.filter(pk=db_task_result.pk).update(
                status=TaskResultStatus.READY, finished_at=None
            )

    def _queue_own_cut_off_tasks(self) -> None:
        """Queue again the task this worker was running when the connection broke."""
        try:
            running = DBTaskResult.objects.running().filter(backend_name=self.backend_name)
            mine = [task.pk for task in running if task.worker_ids[-1:] == [self.worker_id]]
            if mine:
                DBTaskResult.objects.filter(pk__in=mine).update(status=TaskResultStatus.READY)
                logger.warning("queued again the tasks cut off by the lost database: %s", mine)
        except CONNECTION_LOST:
            drop_connections()  # still away: the next round tries again


class PayloadRecovery(threading.Thread):
    """Finishes stale ``stored`` payloads at an interval, whatever the database does."""

    def __init__(self, interval: float):
        super().__init__(name="payload-recovery", daemon=True)
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        backoff = Backoff()
        while not self.stopped.wait(self.interval):
            try:
                close_old_connections()
                recover_stored_payloads()
                backoff = Backoff()
            except CONNECTION_LOST as error:
                logger.warning("payload recovery lost the database (%s)", error)
                drop_connections()
                backoff.wait()
            except Exception:
                logger.exception("payload recovery failed; it runs again in %s s", self.interval)
        drop_connections()


class Command(library.Command):
    help = (
        "Run the background worker: queued tasks, and payloads left unread by a killed "
        "web worker. It survives database restarts."
    )

    def handle(self, *args, **options) -> None:
        recovery = PayloadRecovery(
            float(getattr(settings, "POLLWATCH_INTAKE_RECOVERY_SECONDS", 60))
        )
        # With --reload the first process only restarts the one that works.
        if not options.get("reload") or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            recovery.start()
        # The library's command builds library.Worker and offers no other way to swap it.
        original, library.Worker = library.Worker, ResilientWorker  # type: ignore[misc]
        try:
            super().handle(*args, **options)
        finally:
            library.Worker = original  # type: ignore[misc]
            recovery.stopped.set()
