"""Benchmark: what the server spends on one intake request, HTTP parsing aside.

Run from the repository root:
``python bench/request_path.py [--channel json|openrosa|sms] [--requests N] [--profile]``.
In-process: a throwaway PostgreSQL is seeded as ``bench/intake.py`` seeds it, then
JSON single sends (or ODK Collect's multipart posts of the 40-question checklist,
``--channel openrosa``, or a gateway's SMS webhooks, ``--channel sms``) are handed
to the WSGI application as a WSGI server hands them
(the middleware chain, the view, the store call), one after the other, in rounds
that alternate Django's whole middleware chain and the application's chain for
submissions (``pollwatch.wsgi``). It prints the CPU time of this process and of
the database cluster per request for each;
``--profile`` adds the functions that took the most of it (cProfile), to find
what the request path spends outside the intake itself.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import store_path  # noqa: E402  (the in-process store benchmark beside this one)

from pollwatch.lib.throwaway_postgres import start_throwaway_postgres  # noqa: E402


def wsgi_post(path: str, body: bytes, content_type: str, **headers: str) -> dict:
    """The WSGI environment of a device's send, as a WSGI server would pass it."""
    from django.test import RequestFactory

    request = RequestFactory().generic(
        "POST",
        path,
        body,
        content_type,
        SERVER_NAME="localhost",
        HTTP_HOST="localhost:8000",
        **headers,
    )
    return request.environ


def json_send(config: dict, device: dict, index: int) -> dict:
    body = json.dumps(
        {
            "key": str(uuid.uuid4()),
            "form": config["form"],
            "version": config["version"],
            "station": device["stations"][index % len(device["stations"])],
            "answers": config["answers"] | {"turned_away": index % 30},
        }
    ).encode()
    return wsgi_post(
        "/api/v1/submissions",
        body,
        "application/json",
        HTTP_AUTHORIZATION=f"Bearer {device['token']}",
    )


def openrosa_send(config: dict, device: dict, index: int) -> dict:
    from openrosa_body import multipart

    xml = (
        config["openrosa"]["template"]
        .replace("BENCHINSTANCE", f"uuid:{uuid.uuid4()}")
        .replace("BENCHSTATION", device["stations"][index % len(device["stations"])])
        .replace("BENCHNUMBER", str(index % 30))
    )
    body, content_type = multipart(xml.encode())
    return wsgi_post(
        f"/odk/{device['token']}/submission", body, content_type, HTTP_X_OPENROSA_VERSION="1.0"
    )


def sms_send(config: dict, device: dict, index: int) -> dict:
    import random
    from urllib.parse import urlencode

    from sms import report_text

    station = device["stations"][index % len(device["stations"])]
    message = {
        "sender": device["phone"],
        "text": report_text(random.Random(uuid.uuid4().int), station),
        "id": f"bench-{uuid.uuid4()}",
    }
    return wsgi_post(
        f"/hooks/sms/generic/{config['sms']['token']}/",
        urlencode(message).encode(),
        "application/x-www-form-urlencoded",
    )


SENDS = {"json": json_send, "openrosa": openrosa_send, "sms": sms_send}


def send(application, config: dict, count: int, statuses: dict[str, int], channel: str) -> None:
    """``count`` single sends, each from the next observer's device."""
    for index in range(count):
        device = config["devices"][index % len(config["devices"])]
        environ = SENDS[channel](config, device, index)

        def start_response(status, headers, exc_info=None):
            statuses[status] = statuses.get(status, 0) + 1

        response = application(environ, start_response)
        b"".join(response)
        response.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--profile-file", help="with --profile, also keep the profile here (for pstats)"
    )
    parser.add_argument("--channel", choices=sorted(SENDS), default="json")
    options = parser.parse_args()
    cluster = start_throwaway_postgres(store_path.DURABLE)
    try:
        import intake as intake_bench

        # As the HTTP benchmark serves it: no debugging, no login throttling.
        os.environ.update(
            intake_bench.production_environment(cluster.url, Path(tempfile.mkdtemp()))
        )
        import django

        django.setup()
        import argparse as _argparse

        from django.core.wsgi import get_wsgi_application
        from django.db import connection

        config = intake_bench.seed(
            _argparse.Namespace(observers=100, resend_share=0.0, sms_invalid_share=0.0), ROOT
        )
        from pollwatch.wsgi import application as split_application

        chains = {"whole chain": get_wsgi_application(), "submission chain": split_application}
        database = intake_bench.CpuMeter(cluster.root / "data")
        statuses: dict[str, int] = {}

        for application in chains.values():
            # memory of stations, forms and senders, the planner's statistics
            send(application, config, 150, statuses, options.channel)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        statuses.clear()
        spent = {name: [0.0, 0.0, 0.0] for name in chains}
        profiler = cProfile.Profile(time.process_time) if options.profile else None
        # The two chains alternate in rounds, so that the machine's other work falls on both.
        for _ in range(options.rounds):
            for name, application in chains.items():
                database.lap("other")
                started = (time.perf_counter(), time.process_time())
                if profiler and name == "submission chain":
                    profiler.enable()
                send(
                    application,
                    config,
                    options.requests // options.rounds,
                    statuses,
                    options.channel,
                )
                if profiler:
                    profiler.disable()
                wall, cpu = time.perf_counter() - started[0], time.process_time() - started[1]
                for part, value in enumerate((wall, cpu, database.lap("sends")["sends"])):
                    spent[name][part] += value
    finally:
        from django.db import connections

        connections.close_all()
        cluster.stop()
    count = options.rounds * (options.requests // options.rounds)
    print(f"{options.channel} single sends through the WSGI application: {statuses}")
    print("ms per request     wall  application  database")
    for name, (wall, application_cpu, database_cpu) in spent.items():
        print(
            f"{name:<16}{1000 * wall / count:>7.3f}{1000 * application_cpu / count:>13.3f}"
            f"{1000 * database_cpu / count:>10.3f}"
        )
    if profiler:
        if options.profile_file:
            profiler.dump_stats(options.profile_file)
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(70)
        stats.sort_stats("tottime").print_stats(30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
