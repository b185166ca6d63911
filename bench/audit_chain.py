"""How long sealing and verifying the audit trail's hash chain take on PostgreSQL.

Starts a throwaway PostgreSQL, migrates it, writes ``--events`` audit events
shaped like the intake's (about 200 bytes of data each) with ``COPY``, then
times the sealing of all of them, the sealing of a further tenth (what one
round of ``pollwatch audit seal --every 10`` finds on a busy election day, with
the rest already sealed), and ``verify_chain`` over the whole chain.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pollwatch.lib.throwaway_postgres import start_throwaway_postgres  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=200_000)
    args = parser.parse_args()
    cluster = start_throwaway_postgres()
    try:
        os.environ.update(
            DJANGO_SETTINGS_MODULE="pollwatch.settings",
            DATABASE_URL=cluster.url,
            POLLWATCH_DATA_DIR=tempfile.mkdtemp(prefix="pollwatch-audit-bench-"),
            POLLWATCH_LOG_LEVEL="ERROR",
        )
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        return measure(args.events)
    finally:
        from django.db import connections

        connections.close_all()
        cluster.stop()


def measure(count: int) -> int:
    from pollwatch.audit.chain import seal_events, verify_chain

    write_events(count)
    first = timed(seal_events)
    write_events(count // 10)
    later = timed(seal_events)
    checked = timed(verify_chain)
    report = checked[1]
    print(f"events: {count:,} + {count // 10:,}")
    print(
        f"seal {first[1]:,} unsealed events: {first[0]:.2f} s "
        f"({first[0] / count * 1e6:.0f} µs each)"
    )
    print(f"seal {later[1]:,} more, the rest sealed: {later[0]:.2f} s")
    print(f"verify {report.links:,} links: {checked[0]:.2f} s, intact: {report.intact}")
    return 0 if report.intact else 1


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def write_events(count: int) -> None:
    from django.utils import timezone

    from pollwatch.audit.chain import json_digest
    from pollwatch.audit.models import AuditEvent
    from pollwatch.lib.plain_sql import insert_instances

    now = timezone.now()
    for start in range(0, count, 10_000):
        insert_instances(
            [
                AuditEvent(
                    at=now,
                    action="intake.submission_received",
                    target_type="intake.submission",
                    target_id=str(start + n),
                    target_label=f"Report {uuid.uuid4()} on station {n % 2000:04d}",
                    data={
                        "key": str(uuid.uuid4()),
                        "channel": "api",
                        "alerts": n % 3,
                        "answers_sha256": json_digest({"n": n}),
                    },
                )
                for n in range(min(10_000, count - start))
            ]
        )


if __name__ == "__main__":
    sys.exit(main())
