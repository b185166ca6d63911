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
import io
import json
import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pollwatch.lib.throwaway_postgres import start_throwaway_postgres  # noqa: E402

TEAMS = 100
STATIONS_PER_TEAM = 20
BATCH = 500
PARTS = ("wall", "application", "database")
ANSWERS = {
    "secrecy_respected": "yes",
    "group_voting": "no",
    "photographing_ballots": "no",
    "identity_checked": "yes",
    "list_irregularities": "no",
    "turned_away": 0,
    "mobile_box_used": "no",
    "ballot_stuffing": "no",
    "carousel_voting": "no",
    "pressure": "no",
    "vote_buying": "no",
    "organised_transport": "no",
    "campaigning": "no",
    "unauthorised_present": "no",
    "overcrowding": "none",
    "observer_access": "full",
    "overall": "good",
}
DURABLE = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}


def seed():
    import datetime

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from pollwatch.forms.library import library_forms
    from pollwatch.forms.services import publish_form_version
    from pollwatch.missions.models import Member, Mission, Team
    from pollwatch.registry.areas import import_areas
    from pollwatch.registry.importing import import_stations
    from pollwatch.registry.services import create_election

    call_command("migrate", verbosity=0)
    election = create_election(
        slug="bench",
        name="Benchmark",
        country="Benchland",
        date=datetime.date.today(),
        kind="presidential",
        options=["Ann", "Bob"],
    )
    teams = range(1, TEAMS + 1)
    areas = "code,name,parent_code,level_name\n" + "".join(
        f"D{t},District {t},,district\n" for t in teams
    )
    import_areas(election, io.BytesIO(areas.encode()), filename="areas.csv")
    stations = "code,name,area,registered_voters\n" + "".join(
        f"{t:03d}-{s:02d},Station {t}.{s},D{t},1000\n"
        for t in teams
        for s in range(1, STATIONS_PER_TEAM + 1)
    )
    import_stations(election, io.BytesIO(stations.encode()), filename="stations.csv")
    mission = Mission.objects.create(
        slug="bench",
        name="Benchmark",
        election=election,
        kind="domestic",
        arrival=election.date,
        departure=election.date,
    )
    version = publish_form_version(library_forms()["voting"].to_dict())
    observers = []
    for t in teams:
        team = Team.objects.create(mission=mission, code=f"T{t}")
        user = get_user_model().objects.create(username=f"observer-{t}")
        Member.objects.create(
            mission=mission, user=user, full_name=f"Observer {t}", role="observer", team=team
        )
        observers.append((user, [f"{t:03d}-{s:02d}" for s in range(1, STATIONS_PER_TEAM + 1)]))
    return version, observers


def report(version, stations: list[str], index: int) -> dict:
    return {
        "key": str(uuid.uuid4()),
        "form": version.form.code,
        "version": version.version,
        "station": stations[index % len(stations)],
        "answers": ANSWERS | {"turned_away": index % 30},
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
