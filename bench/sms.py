"""Benchmark: 10,000 coded SMS through the generic gateway webhook on PostgreSQL.

Run from the repository root: ``python bench/sms.py [--messages N]``. A
throwaway PostgreSQL cluster is started, migrated and filled with an election
of 1,000 stations, one mission of 200 observers with phones, and the standard
PVT form 1. The messages are POSTed one by one to
``/hooks/sms/generic/<token>/`` through Django's test client, in-process (no
HTTP server: the figure is what the application and the database cost). Each
is stored, parsed, validated, saved as a submission and answered. The mix:
90 % valid reports, 5 % with an error, 5 % exact resends of an earlier report.
Target: at least 300 messages per second.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_RATE = 300.0
TOKEN = "bench-gateway-token"
FORM_ENCODED = "application/x-www-form-urlencoded"


def phones(count: int) -> list[str]:
    import phonenumbers

    found = []
    number = 555100000
    while len(found) < count:
        candidate = f"+995{number}"
        if phonenumbers.is_valid_number(phonenumbers.parse(candidate, None)):
            found.append(candidate)
        number += 7
    return found


def build_mission(observers: int, stations: int) -> list[str]:
    import datetime
    import io

    from pollwatch.accounts.roles import Role
    from pollwatch.forms.library import LIBRARY_DIR
    from pollwatch.forms.services import publish_form_version
    from pollwatch.missions.logins import create_user
    from pollwatch.missions.models import Member, Mission, Team
    from pollwatch.registry.areas import import_areas
    from pollwatch.registry.importing import import_stations
    from pollwatch.registry.services import create_election

    election = create_election(
        slug="bench", name="Bench", country="X", date=datetime.date(2026, 5, 1), kind="presidential"
    )
    import_areas(
        election,
        io.BytesIO(b"code,name,parent_code,level_name\nR,Region,,region\n"),
        filename="a.csv",
    )
    rows = "".join(f"{n:04d},Station {n},R,{500 + n % 1500}\n" for n in range(1, stations + 1))
    import_stations(
        election,
        io.BytesIO(("code,name,area,registered_voters\n" + rows).encode()),
        filename="s.csv",
    )
    mission = Mission.objects.create(
        slug="bench",
        name="Bench mission",
        election=election,
        kind="citizen",
        arrival=datetime.date(2026, 4, 1),
        departure=datetime.date(2026, 5, 5),
    )
    team = Team.objects.create(mission=mission, code="T")
    numbers = phones(observers)
    for index, phone in enumerate(numbers):
        member = Member.objects.create(
            mission=mission,
            full_name=f"Observer {index}",
            role="observer",
            team=team,
            phone=phone,
            languages="en",
        )
        create_user(f"observer{index}", "bench-password-123", Role.OBSERVER, member=member)
    definition = json.loads((LIBRARY_DIR / "pvt_form1.json").read_text())
    publish_form_version(definition)
    return numbers


def messages(count: int, numbers: list[str], stations: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    sent: list[dict] = []
    for index in range(count):
        roll = rng.random()
        if roll < 0.05 and sent:
            earlier = rng.choice(sent)
            sent.append(earlier | {"id": f"bench-{index}"})
            continue
        station = rng.randint(1, stations)
        text = report_text(rng, f"{station:04d}", valid=roll > 0.10)
        sent.append({"sender": rng.choice(numbers), "text": text, "id": f"bench-{index}"})
    return sent


def report_text(rng: random.Random, station: str, *, valid: bool = True) -> str:
    """A PVT form 1 report; an invalid one has 400 members present, above the maximum 50."""
    hour, minute = rng.randint(5, 7), rng.randint(0, 59)
    members = rng.randint(3, 15) if valid else 400
    first_voter = rng.randint(1, 4) if valid else 9
    return (
        f"PF1 {station} AA{hour:02d}{minute:02d} AB1 AC{first_voter} "
        f"AD{rng.randint(1, 2)} AE1 AF{members}"
    )


def post_share(share: list[dict], queue) -> None:
    """One gateway connection: post its messages in order with its own test client."""
    from django.db import connections
    from django.test import Client

    connections.close_all()  # never share the parent's connection across a fork
    client = Client(HTTP_HOST="localhost")
    url = f"/hooks/sms/generic/{TOKEN}/"
    statuses: dict[str, int] = {}
    cpu = time.process_time()
    for message in share:
        # Form-encoded, as gateways post their webhooks.
        response = client.post(url, urlencode(message), content_type=FORM_ENCODED)
        if response.status_code != 200:
            raise SystemExit(f"{response.status_code}: {response.content[:300]!r}")
        status = response.json()["status"]
        statuses[status] = statuses.get(status, 0) + 1
    statuses["_cpu"] = time.process_time() - cpu
    connections.close_all()
    queue.put(statuses)


def run_one(count: int, observers: int, stations: int, clients: int) -> None:
    """Child process: migrate a fresh database, build the mission, post the messages."""
    import multiprocessing

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pollwatch.settings")
    os.environ["POLLWATCH_SMS_GATEWAY_TOKEN"] = TOKEN
    os.environ["POLLWATCH_AXES_ENABLED"] = "0"
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    # Observers' accounts are set up, not timed; a fast hasher keeps the setup short.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from pollwatch.intake.models import SmsMessage, Submission

    call_command("migrate", verbosity=0)
    numbers = build_mission(observers, stations)
    batch = messages(count, numbers, stations)
    connections.close_all()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    # Messages from one sender stay in one client, in order, as a gateway delivers them.
    shares: list[list[dict]] = [[] for _ in range(clients)]
    for message in batch:
        shares[numbers.index(message["sender"]) % clients].append(message)
    workers = [context.Process(target=post_share, args=(share, queue)) for share in shares]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    results = [queue.get() for _ in workers]
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - started
    statuses: dict[str, int] = {}
    cpu = sum(result.pop("_cpu") for result in results)
    for result in results:
        for status, number in result.items():
            statuses[status] = statuses.get(status, 0) + number
    print(
        json.dumps(
            {
                "messages": count,
                "clients": clients,
                "seconds": seconds,
                "client_cpu_seconds": cpu,
                "load_average": os.getloadavg()[0],
                "statuses": statuses,
                "stored_messages": SmsMessage.objects.count(),
                "submissions": Submission.objects.count(),
            }
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--observers", type=int, default=200)
    parser.add_argument("--stations", type=int, default=1_000)
    parser.add_argument("--clients", type=int, default=4, help="concurrent client processes")
    parser.add_argument("--run-one", action="store_true")
    options = parser.parse_args()
    if options.run_one:
        run_one(options.messages, options.observers, options.stations, options.clients)
        return 0
    from pollwatch.lib.throwaway_postgres import start_throwaway_postgres

    cluster = start_throwaway_postgres()
    env = dict(os.environ, DATABASE_URL=cluster.url)
    try:
        output = subprocess.run(
            [
                sys.executable,
                __file__,
                "--run-one",
                "--messages",
                str(options.messages),
                "--observers",
                str(options.observers),
                "--stations",
                str(options.stations),
                "--clients",
                str(options.clients),
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout
    finally:
        cluster.stop()
    result = json.loads(output.strip().splitlines()[-1])
    rate = result["messages"] / result["seconds"]
    passed = rate >= TARGET_RATE and result["stored_messages"] == result["messages"]
    print(
        f"{result['messages']:,} SMS through the generic webhook on PostgreSQL, "
        f"{os.cpu_count()} cores, {result['clients']} client processes each posting "
        "through Django's test client"
    )
    print(f"statuses: {result['statuses']}; submissions stored: {result['submissions']:,}")
    cpu_ms = 1000 * result["client_cpu_seconds"] / result["messages"]
    print(
        f"application CPU {cpu_ms:.1f} ms per message (database server not included); "
        f"load average at the end {result['load_average']:.1f}"
    )
    print(
        f"{result['seconds']:.1f} s, {rate:.0f} messages/s "
        f"{'PASS' if passed else 'FAIL'} (target {TARGET_RATE:.0f}/s)"
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
