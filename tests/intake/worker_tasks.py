"""A task and a small client for the worker tests, run in processes of their own.

``python -m tests.intake.worker_tasks enqueue FOLDER NAME...`` queues one task per
name, each leaving a file of that name in FOLDER; ``stale-payload`` stores an SMS
payload left ``stored`` an hour ago and prints its id; ``status ID`` prints a
payload's status.
"""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path

from django_tasks import task


@task()
def leave_mark(folder: str, name: str) -> None:
    Path(folder, name).write_text("done")


def main(command: str, *arguments: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pollwatch.settings")
    django.setup()
    from django.utils import timezone

    from pollwatch.intake.models import Channel, RawPayload

    if command == "enqueue":
        # Imported by its name, so that the worker finds it: here it is also __main__'s.
        from tests.intake.worker_tasks import leave_mark as named

        folder, *names = arguments
        for name in names:
            named.enqueue(folder, name)
    elif command == "stale-payload":
        payload = RawPayload.objects.create(channel=Channel.SMS, body="VOTE 001 A1", sender="+1")
        an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
        RawPayload.objects.filter(pk=payload.pk).update(received_at=an_hour_ago)
        print(payload.pk)
    elif command == "status":
        print(RawPayload.objects.get(pk=int(arguments[0])).status)
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(*sys.argv[1:])
