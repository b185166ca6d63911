"""Benchmark: what storing one submission costs the application and the database.

Run from the repository root: ``python bench/store_path.py [--singles N] [--batches N]``.
In-process, without HTTP: a throwaway PostgreSQL is migrated and seeded with an
election of 2,000 stations and 100 teams of one observer each; then each
observer's submissions are received one by one (as the API's single send does,
raw payload first) and in batches of 500, and the CPU time of this process and
of its database backend is divided by the submissions stored. CPU time, unlike
a rate, hardly depends on what else the machine runs, so two revisions of the
code can be compared on a busy machine: run this script from each.

Both databases' durability settings are PostgreSQL's defaults unless
``--durability off``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import intake as intake_bench  # noqa: E402  (the JSON benchmark beside this one)

from pollwatch.lib.throwaway_postgres import start_throwaway_postgres  # noqa: E402

TEAMS = 100
BATCH = 500
PARTS = ("wall", "application", "database")
DURABLE = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}


def seed():
    """The JSON benchmark's election and mission; each observer's login and stations."""
    from pollwatch.forms.models import FormVersion
    from pollwatch.missions.models import Member

    options = argparse.Namespace(observers=TEAMS, resend_share=0.0, sms_invalid_share=0.0)
    config = intake_bench.seed(options, ROOT)
    version = FormVersion.objects.select_related("form").get(
        form__code=config["form"], version=config["version"]
    )
    teams = [device["team"] for device in config["devices"]]
    users = {
        m.team_id: m.user for m in Member.objects.select_related("user").filter(team__in=teams)
    }
    return version, [(users[device["team"]], device["stations"]) for device in config["devices"]]


def report(version, stations: list[str], index: int) -> dict:
    return {
        "key": str(uuid.uuid4()),
        "form": version.form.code,
        "version": version.version,
        "station": stations[index % len(stations)],
        "answers": intake_bench.VOTING_ANSWERS | {"turned_away": index % 30},
    }


def _payload_as_the_api_keeps_it():
    """How the JSON API keeps a payload in the revision measured.

    Earlier revisions stored it on its own first (``store_raw_payload``); later
    ones hand it unsaved to the intake, which stores it with the submission.
    """
    from pollwatch.intake import services

    return getattr(services, "new_payload", None) or services.store_raw_payload


def backend_cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measured(send, count: int, pid: int) -> dict[str, float]:
    started = (time.perf_counter(), time.process_time(), backend_cpu(pid))
    send()
    ended = (time.perf_counter(), time.process_time(), backend_cpu(pid))
    return {
        part: 1000 * (end - start) / count
        for part, start, end in zip(
            ("wall", "application", "database"), started, ended, strict=True
        )
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--singles", type=int, default=2000)
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--durability", choices=("durable", "off"), default="durable")
    options = parser.parse_args()
    cluster = start_throwaway_postgres(DURABLE if options.durability == "durable" else {})
    try:
        os.environ.update(
            DJANGO_SETTINGS_MODULE="pollwatch.settings",
            DATABASE_URL=cluster.url,
            POLLWATCH_SECRET_KEY="benchmark-only",
        )
        import django

        django.setup()
        from django.db import connection

        from pollwatch.intake.batch import receive_batch
        from pollwatch.intake.services import receive_submission

        payload_as_the_api_keeps_it = _payload_as_the_api_keeps_it()

        version, observers = seed()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]

        def singles() -> None:
            for index in range(options.singles):
                user, stations = observers[index % len(observers)]
                data = report(version, stations, index)
                payload = payload_as_the_api_keeps_it(json.dumps(data), channel="api", user=user)
                receive_submission(data, payload, user=user)

        def batches() -> None:
            for index in range(options.batches):
                user, stations = observers[index % len(observers)]
                receive_batch([report(version, stations, i) for i in range(BATCH)], user=user)

        # The first sends fill the process's memory of stations and forms.
        for index in range(len(observers)):
            user, stations = observers[index]
            for position in range(len(stations)):
                data = report(version, stations, position)
                payload = payload_as_the_api_keeps_it(json.dumps(data), channel="api", user=user)
                receive_submission(data, payload, user=user)
        with connection.cursor() as cursor:
            # As autovacuum would by now: the planner knows the tables are no longer empty.
            cursor.execute("ANALYZE")
        results = {
            "single": measured(singles, options.singles, pid),
            f"batch of {BATCH}": measured(batches, options.batches * BATCH, pid),
        }
    finally:
        from django.db import connections

        connections.close_all()
        cluster.stop()
    print(f"store path, PostgreSQL durability {options.durability}; ms per submission")
    print(f"{'send':<14}{'wall':>8}{'application':>13}{'database':>10}")
    for name, figures in results.items():
        print(
            f"{name:<14}{figures['wall']:>8.3f}{figures['application']:>13.3f}"
            f"{figures['database']:>10.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
