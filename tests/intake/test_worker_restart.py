"""The background worker outlives PostgreSQL restarts and finishes what was queued."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pollwatch.lib.throwaway_postgres import (
    PostgresUnavailable,
    start_throwaway_postgres,
)
from tests.pg_plugin import skip_or_fail

PROJECT = Path(__file__).resolve().parents[2]
RESTARTS = 3

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture
def cluster():
    try:
        running = start_throwaway_postgres()
    except PostgresUnavailable as missing:
        skip_or_fail(str(missing))
    yield running
    running.stop()


def _environment(cluster, tmp_path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": cluster.url,
        "POLLWATCH_DATA_DIR": str(tmp_path / "data"),
        "POLLWATCH_TASKS": "database",
        "POLLWATCH_INTAKE_RECOVERY_SECONDS": "0.5",
        "POLLWATCH_INTAKE_STORED_GRACE_SECONDS": "60",
        "POLLWATCH_WORKER_MAX_BACKOFF_SECONDS": "2",
    }


def _pollwatch(env, *arguments) -> str:
    done = subprocess.run(
        [sys.executable, "-m", *arguments],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _restart(cluster) -> None:
    cluster.restart()


def _wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def test_the_worker_survives_postgresql_restarts_and_runs_all_queued_work(cluster, tmp_path):
    env = _environment(cluster, tmp_path)
    _pollwatch(env, "pollwatch", "migrate", "--no-input", "-v", "0")
    marks = tmp_path / "marks"
    marks.mkdir()
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "pollwatch", "db_worker", "--interval", "0.2"]
        + ["--no-startup-delay", "--no-reload"],
        cwd=PROJECT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        client = ("tests.intake.worker_tasks",)
        _pollwatch(env, *client, "enqueue", str(marks), "before-1", "before-2", "before-3")
        stale = _pollwatch(env, *client, "stale-payload")
        assert _wait_for(lambda: len(list(marks.iterdir())) == 3, 60)
        for _ in range(RESTARTS):
            _restart(cluster)
            time.sleep(1.5)  # the worker polls, finds the connection gone, waits, reconnects
        _pollwatch(env, *client, "enqueue", str(marks), "after-1", "after-2", "after-3")
        assert _wait_for(lambda: len(list(marks.iterdir())) == 6, 60), sorted(
            p.name for p in marks.iterdir()
        )
        assert worker.poll() is None, "the worker stopped"
        assert _wait_for(lambda: _pollwatch(env, *client, "status", stale) == "invalid", 30)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
    output = (tmp_path / "worker.log").read_text()
    assert output.count("lost the database") >= 1, output
    assert "Traceback" not in output, output
